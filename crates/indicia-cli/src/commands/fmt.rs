//! `indicia fmt [--check [--diff]] PATH...`: rewrite `.ind` files in canonical form.
//!
//! `--check` changes nothing and names each file that is not in canonical form; with `--diff` it
//! prints what would change instead, as a unified diff (`--- FILE`, `+++ FILE`, hunks of three lines
//! of context), which `patch -p0` applies.

use std::path::{Path, PathBuf};

use indicia::limits::RULE_FILE;
use indicia_syntax::text::Decoded;
use indicia_syntax::{FileId, SourceMap, fmt::format_source};

use crate::cli::FmtArgs;
use crate::exit::Status;

/// Formats every file named (directories: every `.ind` file below them), or standard input.
pub fn run(args: &FmtArgs) -> Status {
    let mut status = Status::Success;
    for arg in &args.paths {
        if arg == "-" {
            status.merge(format_stdin(mode(args)));
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
            status.merge(format_file(&file, mode(args)));
        }
    }
    status
}

/// What `fmt` does with a file that is not in canonical form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Rewrite it.
    Write,
    /// Name it.
    Check,
    /// Print the unified diff from it to its canonical form.
    Diff,
}

fn mode(args: &FmtArgs) -> Mode {
    match (args.check, args.diff) {
        (true, true) => Mode::Diff,
        (true, false) => Mode::Check,
        (false, _) => Mode::Write,
    }
}

/// Reports a file `name` whose canonical form `formatted` differs from `text`, as `mode` asks.
fn report_change(name: &str, text: &str, formatted: &str, mode: Mode) {
    if mode == Mode::Diff {
        let diff = similar::TextDiff::from_lines(text, formatted);
        let diff = diff.unified_diff().context_radius(3).header(name, name).to_string();
        if crate::color::stdout() {
            crate::out!("{}", paint_diff(&diff));
        } else {
            crate::out!("{diff}");
        }
    } else {
        crate::outln!("{name}");
    }
}

/// A unified diff with removed lines red, added lines green and hunk headers cyan.
fn paint_diff(diff: &str) -> String {
    use crate::color::{ADDED, HUNK, REMOVED, paint};
    diff.split_inclusive('\n')
        .map(|line| {
            let (text, end) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
            let style = match text.as_bytes().first() {
                _ if text.starts_with("---") || text.starts_with("+++") => return line.to_owned(),
                Some(b'-') => REMOVED,
                Some(b'+') => ADDED,
                Some(b'@') => HUNK,
                _ => return line.to_owned(),
            };
            format!("{}{end}", paint(true, style, text))
        })
        .collect()
}

fn format_stdin(mode: Mode) -> Status {
    let mut bytes = Vec::new();
    let mut stdin = std::io::stdin().lock();
    match indicia::limits::read_at_most(&mut stdin, RULE_FILE.get(), &mut bytes) {
        Ok(true) => {}
        Ok(false) => {
            crate::errln!("error: standard input: {}", RULE_FILE.message());
            // Passed through unread, in bounded memory: a filter loses nothing.
            if mode == Mode::Write
                && crate::stdio::out_bytes(&bytes)
                && let Err(error) = crate::stdio::copy_to_stdout(&mut stdin)
            {
                crate::errln!("error: cannot read standard input: {error}");
            }
            return Status::Usage;
        }
        Err(error) => {
            crate::errln!("error: cannot read standard input: {error}");
            return Status::Usage;
        }
    }
    let decoded = Decoded::new(bytes);
    match format_text("-", &decoded) {
        Ok(formatted) => {
            if mode == Mode::Write {
                crate::out!("{formatted}");
            } else if formatted != decoded.text {
                report_change("-", &decoded.text, &formatted, mode);
                return Status::Failure;
            }
            Status::Success
        }
        Err(status) => {
            // Left as it is, byte for byte: a filter (`indicia fmt - < a.ind > b.ind`) must not lose
            // the text, even when it is not UTF-8.
            if mode == Mode::Write {
                crate::stdio::out_bytes(&decoded.into_bytes());
            }
            status
        }
    }
}

fn format_file(path: &Path, mode: Mode) -> Status {
    let decoded = match RULE_FILE.read_file(path) {
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
    if mode != Mode::Write {
        report_change(&path.display().to_string(), &decoded.text, &formatted, mode);
        return Status::Failure;
    }
    if let Err(error) = replace_file(path, &formatted) {
        crate::errln!("error: cannot write `{}`: {error}", path.display());
        return Status::Usage;
    }
    Status::Success
}

/// Replaces the file at `path` (a symbolic link's target, not the link) with `contents`: written to
/// a temporary file beside it, then renamed over it, so that a failed write (a full disk) leaves
/// the original whole.
fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let target = std::fs::canonicalize(path)?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.indicia-fmt-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        std::fs::set_permissions(&temporary, std::fs::metadata(&target)?.permissions())?;
        std::fs::rename(&temporary, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Formats `text`; when it is not UTF-8 or does not parse, prints the diagnostics (the first bad byte,
/// or the parse errors) and returns `Failure`.
fn format_text(name: &str, text: &Decoded) -> Result<String, Status> {
    let report = |diagnostics: &[indicia_syntax::Diagnostic]| {
        let mut sources = SourceMap::new();
        sources.add(name, text.text.as_str());
        crate::pack::print_diagnostics(&sources, diagnostics, crate::cli::DiagnosticFormat::Human);
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
            let entry = entry?;
            let entry_path = entry.path();
            // A link to a directory is not followed (a link to an ancestor would never end).
            if entry.file_type()?.is_dir() {
                pending.push(entry_path);
            } else if entry_path.extension().is_some_and(|e| e == "ind") {
                files.push(entry_path);
            }
        }
    }
    files.sort();
    Ok(files)
}
