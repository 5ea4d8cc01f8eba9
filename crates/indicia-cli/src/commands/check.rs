//! `indicia check [PACK]... [--format human|json|plain]`: parse and type-check packs.

use indicia::{Engine, EngineError};
use indicia_syntax::render;

use crate::cli::{CheckArgs, DiagnosticFormat};
use crate::exit::Status;

/// Checks every pack named (the built-in pack when none is) and reports all their diagnostics.
pub fn run(args: &CheckArgs) -> Status {
    let mut status = Status::Success;
    let mut json = Vec::new();
    let packs: Vec<Option<&std::path::Path>> =
        if args.packs.is_empty() { vec![None] } else { args.packs.iter().map(|p| Some(p.as_path())).collect() };
    for pack in packs {
        let built = match pack {
            Some(path) => Engine::from_path(path),
            None => indicia::builtin::try_engine(),
        };
        match built {
            Ok(_) => {}
            Err(EngineError::Check { sources, diagnostics }) => {
                status.merge(Status::Failure);
                match args.format {
                    DiagnosticFormat::Json => {
                        let rendered = render::render_json(&sources, &diagnostics);
                        match serde_json::from_str::<Vec<serde_json::Value>>(&rendered) {
                            Ok(items) => json.extend(items),
                            Err(_) => println!("{rendered}"),
                        }
                    }
                    format => crate::pack::print_diagnostics(&sources, &diagnostics, format),
                }
            }
            Err(error) => status.merge(crate::pack::report_engine_error(&error, args.format)),
        }
    }
    if args.format == DiagnosticFormat::Json {
        println!("{}", serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".to_string()));
    }
    status
}
