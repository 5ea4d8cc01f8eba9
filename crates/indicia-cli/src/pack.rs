//! Loading the pack a command works on: a path given on the command line, or the built-in pack.

use std::path::Path;

use indicia::{Engine, EngineError};
use indicia_syntax::render;

use crate::cli::DiagnosticFormat;
use crate::exit::Status;

/// Loads, checks and compiles the pack at `path` (the built-in pack when `None`). Problems are
/// printed (diagnostics in `format`) and turned into the exit status they call for.
pub fn load_engine(path: Option<&Path>, format: DiagnosticFormat) -> Result<Engine, Status> {
    let built = match path {
        Some(path) => Engine::from_path(path),
        None => indicia::builtin::try_engine(),
    };
    built.map_err(|error| report_engine_error(&error, format))
}

/// [`load_engine`] with `NAME=VALUE` param overrides applied; a refused override is a usage error
/// (each one is reported).
pub fn load_engine_with_params(path: Option<&Path>, overrides: &[String]) -> Result<Engine, Status> {
    let engine = load_engine(path, DiagnosticFormat::Human)?;
    let params = indicia::params::check_overrides(engine.pack(), overrides).map_err(|errors| {
        for error in errors {
            crate::errln!("error: {error}");
        }
        Status::Usage
    })?;
    engine.with_params(params).map_err(|error| report_engine_error(&error, DiagnosticFormat::Human))
}

/// Prints why an engine could not be built and returns the matching status.
pub fn report_engine_error(error: &EngineError, format: DiagnosticFormat) -> Status {
    match error {
        EngineError::Load(_) => {
            crate::errln!("error: {error}");
            Status::Usage
        }
        EngineError::Check(indicia::CheckFailure { sources, diagnostics }) => {
            print_diagnostics(sources, diagnostics, format);
            Status::Failure
        }
        EngineError::Compile(_) | EngineError::Param(_) => {
            crate::errln!("error: {error}");
            Status::Failure
        }
    }
}

/// Prints diagnostics: human and plain to standard error, JSON to standard output.
pub fn print_diagnostics(
    sources: &indicia_syntax::SourceMap,
    diagnostics: &[indicia_syntax::Diagnostic],
    format: DiagnosticFormat,
) {
    match format {
        DiagnosticFormat::Human if crate::color::stderr() => {
            crate::err!("{}", render::render_human_styled(sources, diagnostics));
        }
        DiagnosticFormat::Human => crate::err!("{}", render::render_human(sources, diagnostics)),
        DiagnosticFormat::Plain => crate::err!("{}", render::render_plain(sources, diagnostics)),
        DiagnosticFormat::Json => crate::outln!("{}", render::render_json(sources, diagnostics)),
    }
}
