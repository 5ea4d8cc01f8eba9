//! `indicia fmt [--check] PATH...`: rewrite `.ind` files in canonical form.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use indicia_syntax::text::Decoded;
use indicia_syntax::{FileId, SourceMap, fmt::format_source, render};

use crate::cli::FmtArgs;
use crate::exit::Status;

/// Formats every file named (directories: every `.ind` file below them), or standard input.
pub fn run(args: &FmtArgs) -> Status {
    let mut status = Status::Success;
    for arg in &args.paths {
        if arg == "-" {
            status.merge(format_stdin(args.check));
            continue;
        }
        let path = Path::new(arg);
        let files = match collect_ind_files(path) {
            Ok(files) => files,
            Err(error) => {
                crate::errln!("error: cannot read `{arg}`: {error}");
                status.merge(Status::Usage);
                continue;
            }
        };
        for file in files {
            status.merge(format_file(&file, args.check));
        }
    }
    status
}

fn format_stdin(check: bool) -> Status {
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
        crate::errln!("error: cannot read standard input: {error}");
        return Status::Usage;
    }
    let decoded = Decoded::new(bytes);
    match format_text("-", &decoded) {
        Ok(formatted) => {
            if check {
                if formatted != decoded.text {
                    crate::outln!("-");
                    return Status::Failure;
                }
            } else {
                crate::out!("{formatted}");
            }
            Status::Success
        }
        Err(status) => {
            // Left as it is, byte for byte: a filter (`indicia fmt - < a.ind > b.ind`) must not lose
            // the text, even when it is not UTF-8.
            if !check {
                crate::stdio::out_bytes(&decoded.into_bytes());
            }
            status
        }
    }
}

fn format_file(path: &Path, check: bool) -> Status {
    let decoded = match std::fs::read(path) {
        Ok(bytes) => Decoded::new(bytes),
        Err(error) => {
            crate::errln!("error: cannot read `{}`: {error}", path.display());
            return Status::Usage;
        }
    };
    let formatted = match format_text(&path.display().to_string(), &decoded) {
        Ok(formatted) => formatted,
        Err(status) => return status,
    };
    if formatted == decoded.text {
        return Status::Success;
    }
    if check {
        crate::outln!("{}", path.display());
        return Status::Failure;
    }
    if let Err(error) = std::fs::write(path, formatted) {
        crate::errln!("error: cannot write `{}`: {error}", path.display());
        return Status::Usage;
    }
    Status::Success
}

/// Formats `text`; when it is not UTF-8 or does not parse, prints the diagnostics (the first bad byte,
/// or the parse errors) and returns `Failure`.
fn format_text(name: &str, text: &Decoded) -> Result<String, Status> {
    let report = |diagnostics: &[indicia_syntax::Diagnostic]| {
        let mut sources = SourceMap::new();
        sources.add(name, text.text.as_str());
        crate::err!("{}", render::render_human(&sources, diagnostics));
        Status::Failure
    };
    if let Some(not_utf8) = text.diagnostic(FileId(0)) {
        return Err(report(&[not_utf8]));
    }
    format_source(FileId(0), &text.text).map_err(|diagnostics| report(&diagnostics))
}

/// `path` itself when it is a file; every `.ind` file below it, in byte order, when a directory.
fn collect_ind_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry_path = entry?.path();
            if entry_path.is_dir() {
                pending.push(entry_path);
            } else if entry_path.extension().is_some_and(|e| e == "ind") {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}
