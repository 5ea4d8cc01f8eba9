//! `indicia lsp`: the language server (crate `indicia-lsp`) over standard input and output.

use crate::exit::Status;

/// Serves until the editor says `exit`; a broken connection is an error.
pub fn run() -> Status {
    match indicia_lsp::run_stdio() {
        Ok(()) => Status::Success,
        Err(error) => {
            crate::stdio::err(format_args!("error: the language server stopped: {error}\n"));
            Status::Failure
        }
    }
}
