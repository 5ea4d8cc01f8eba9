//! `indicia check [PACK]... [--format human|json|plain]`: parse and type-check packs.
//!
//! The diagnostics of every pack named are gathered into one list and printed together, sorted
//! by file, line and column, as cli.md asks of "all problems of a run". Warnings (each with its
//! code) are printed too; they fail the check only with `--deny-warnings`.

use indicia::{Engine, EngineError};
use indicia_syntax::{Diagnostic, FileId, SourceMap};

use crate::cli::CheckArgs;
use crate::exit::Status;

/// Checks every pack named (the built-in pack when none is) and reports all their diagnostics.
pub fn run(args: &CheckArgs) -> Status {
    let mut status = Status::Success;
    let mut failures: Vec<(SourceMap, Vec<Diagnostic>)> = Vec::new();
    let packs: Vec<Option<&std::path::Path>> =
        if args.packs.is_empty() { vec![None] } else { args.packs.iter().map(|p| Some(p.as_path())).collect() };
    for pack in packs {
        let built = match pack {
            Some(path) if path.as_os_str() == "-" => stdin_engine(),
            Some(path) => Engine::from_path(path),
            None => indicia::builtin::try_engine(),
        };
        match built {
            Ok(engine) => {
                let warnings = &engine.pack().warnings;
                if !warnings.is_empty() {
                    if args.deny_warnings {
                        status.merge(Status::Failure);
                    }
                    failures.push((engine.pack().sources.clone(), warnings.clone()));
                }
            }
            Err(EngineError::Check(indicia::CheckFailure { sources, diagnostics })) => {
                status.merge(Status::Failure);
                failures.push((sources, diagnostics));
            }
            Err(error) => status.merge(crate::pack::report_engine_error(&error, args.format)),
        }
    }
    let (sources, diagnostics) = merge(failures);
    if !diagnostics.is_empty() || args.format == crate::cli::DiagnosticFormat::Json {
        crate::pack::print_diagnostics(&sources, &diagnostics, args.format);
    }
    status
}

/// `check -`: the pack is standard input, one file shown as `-` (as `fmt -` reads it).
fn stdin_engine() -> Result<Engine, EngineError> {
    let bytes = indicia::limits::RULE_FILE
        .read(std::io::stdin().lock())
        .map_err(|source| indicia::load::LoadError::Io { path: "-".into(), source })?;
    Engine::from_bytes("-", vec![("-".to_string(), bytes)])
}

/// Puts the files and diagnostics of several packs into one source map, files in name order, so
/// that the renderers sort every diagnostic of the run by file, line and column.
fn merge(failures: Vec<(SourceMap, Vec<Diagnostic>)>) -> (SourceMap, Vec<Diagnostic>) {
    let mut files: Vec<(String, usize, FileId)> = failures
        .iter()
        .enumerate()
        .flat_map(|(pack, (sources, _))| sources.iter().map(move |(id, file)| (file.name.clone(), pack, id)))
        .collect();
    files.sort();
    let mut merged = SourceMap::new();
    let mut remap = std::collections::HashMap::new();
    for (name, pack, id) in &files {
        let text = failures.get(*pack).and_then(|(sources, _)| sources.get(*id)).map(|f| f.text.clone());
        remap.insert((*pack, *id), merged.add(name.clone(), text.unwrap_or_default()));
    }
    let remap = &remap;
    let diagnostics = failures
        .into_iter()
        .enumerate()
        .flat_map(|(pack, (_, diagnostics))| {
            diagnostics.into_iter().map(move |mut d| {
                d.span.file = remap.get(&(pack, d.span.file)).copied().unwrap_or(d.span.file);
                d
            })
        })
        .collect();
    (merged, diagnostics)
}
