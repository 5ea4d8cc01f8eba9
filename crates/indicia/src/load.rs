//! Loading a pack: files from disk or memory to parsed ASTs, then to a checked [`hir::Pack`].
//!
//! A pack is a directory (every `.ind` file below it, recursively, in byte order of the path
//! relative to the directory) or a single file. Each file is shown in diagnostics under the path
//! as given joined with its relative path (`rules/x/transmission.ind`). Symbolic links to
//! directories are not followed (so a pack cannot loop); links to files are read.
//!
//! Reading and parsing never stop at the first problem: a pack loads whenever its files can be
//! read, and [`check_pack`] reports the parse errors and the check errors of all files together.

use std::path::{Path, PathBuf};

use indicia_syntax::ast;
use indicia_syntax::text::Decoded;
use indicia_syntax::{Diagnostic, FileId, SourceMap};

use crate::check;
use crate::hir;

pub use crate::check::CheckFailure;

/// A pack path that cannot be loaded (the CLI exits 2 for these).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Why [`check_path`] failed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The pack could not be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The pack has errors.
    #[error(transparent)]
    Check(#[from] CheckFailure),
}

/// One parsed file of a pack.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    /// Its id in [`LoadedPack::sources`].
    pub id: FileId,
    /// Its syntax tree (with [`ast::Decl::Broken`] where declarations did not parse).
    pub ast: ast::File,
}

/// A pack read and parsed, not yet checked.
#[derive(Clone, Debug)]
pub struct LoadedPack {
    /// The text of every file, in pack order.
    pub sources: SourceMap,
    /// The parsed files, in pack order.
    pub files: Vec<ParsedFile>,
    /// The parser's diagnostics, for all files.
    pub parse_diagnostics: Vec<Diagnostic>,
    /// The pack's name when it has no `standard`: the directory name or the file stem.
    pub default_name: String,
}

impl LoadedPack {
    /// Parses `files` (`(display name, text)`, already in pack order).
    fn parse(default_name: String, files: Vec<(String, Decoded)>) -> LoadedPack {
        let mut sources = SourceMap::new();
        let mut parsed = Vec::with_capacity(files.len());
        let mut parse_diagnostics = Vec::new();
        for (name, decoded) in files {
            let id = sources.add(name, decoded.text.as_str());
            parse_diagnostics.extend(decoded.diagnostic(id));
            let (file, diagnostics) = indicia_syntax::parser::parse(id, &decoded.text);
            parse_diagnostics.extend(diagnostics);
            parsed.push(ParsedFile { id, ast: file });
        }
        LoadedPack { sources, files: parsed, parse_diagnostics, default_name }
    }

    /// True when a file did not parse.
    pub fn has_parse_errors(&self) -> bool {
        self.parse_diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads the pack at `path`: a directory of `.ind` files, or one file.
pub fn load_path(path: &Path) -> Result<LoadedPack, LoadError> {
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.is_dir() {
        let text = read_text(path)?;
        let stem = path.file_stem().map_or_else(|| "pack".to_string(), |s| s.to_string_lossy().into_owned());
        return Ok(LoadedPack::parse(stem, vec![(path.display().to_string(), text)]));
    }
    let mut relative = rule_files(path)?;
    relative.sort();
    let base = path.display().to_string();
    let mut files = Vec::with_capacity(relative.len());
    for rel in relative {
        let full = path.join(&rel);
        let text = read_text(&full)?;
        files.push((join_display(&base, &rel), text));
    }
    Ok(LoadedPack::parse(directory_name(path), files))
}

/// A pack from memory: `files` are `(display name, text)` pairs, put in pack order (byte order
/// of the names); `name` names the pack when it has no `standard`.
pub fn load_sources(name: &str, mut files: Vec<(String, String)>) -> LoadedPack {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    LoadedPack::parse(name.to_string(), files.into_iter().map(|(name, text)| (name, text.into())).collect())
}

/// [`load_sources`] for files given as bytes: one that is not UTF-8 is an error of the pack at its first
/// bad byte, as when it is read from disk.
pub fn load_bytes(name: &str, mut files: Vec<(String, Vec<u8>)>) -> LoadedPack {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    LoadedPack::parse(name.to_string(), files.into_iter().map(|(name, bytes)| (name, Decoded::new(bytes))).collect())
}

/// Checks a loaded pack: every parse and check error of every file, or the checked pack. A pack
/// that declares a `policy` is checked as a policy (see [`crate::policy`]).
pub fn check_pack(loaded: LoadedPack) -> Result<hir::Pack, CheckFailure> {
    check_pack_with_policy(loaded).map(|(pack, _)| pack)
}

/// [`check_pack`], also returning the policy a policy pack declares.
pub fn check_pack_with_policy(
    loaded: LoadedPack,
) -> Result<(hir::Pack, Option<crate::policy::lower::PolicyInfo>), CheckFailure> {
    let LoadedPack { mut sources, files, mut parse_diagnostics, default_name } = loaded;
    let files: Vec<(FileId, ast::File)> = files.into_iter().map(|f| (f.id, f.ast)).collect();
    let lowered = if crate::policy::lower::is_policy(&files) {
        crate::policy::lower::lower(&mut sources, files)
    } else {
        crate::policy::lower::Lowered { files, ..Default::default() }
    };
    let crate::policy::lower::Lowered { files, policy, mut diagnostics, conditions } = lowered;
    parse_diagnostics.append(&mut diagnostics);
    match check::check(sources, &files, &default_name) {
        Ok(pack) if parse_diagnostics.iter().all(|d| !d.is_error()) => Ok((pack, policy)),
        Ok(pack) => Err(CheckFailure { sources: pack.sources, diagnostics: parse_diagnostics }),
        Err(mut failure) => {
            failure.diagnostics.iter_mut().for_each(|d| crate::policy::lower::reword(d, &conditions));
            let mut diagnostics = parse_diagnostics;
            diagnostics.append(&mut failure.diagnostics);
            Err(CheckFailure { sources: failure.sources, diagnostics })
        }
    }
}

/// Loads and checks the pack at `path`.
pub fn check_path(path: &Path) -> Result<hir::Pack, PackError> {
    Ok(check_pack(load_path(path)?)?)
}

/// A file's text (not UTF-8: a diagnostic, not a read error), or why it cannot be read (larger than
/// [`crate::limits::RULE_FILE`] included).
fn read_text(path: &Path) -> Result<Decoded, LoadError> {
    let bytes = crate::limits::RULE_FILE
        .read_file(path)
        .map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    Ok(Decoded::new(bytes))
}

/// Every `.ind` file below `root`, as paths relative to it with `/` separators. Iterative, so a
/// deep tree costs no stack.
fn rule_files(root: &Path) -> Result<Vec<String>, LoadError> {
    let mut out = Vec::new();
    let mut pending: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let io = |source| LoadError::Io { path: dir.clone(), source };
        for entry in std::fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let rel = if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
            let file_type = entry.file_type().map_err(io)?;
            if file_type.is_dir() {
                pending.push((entry.path(), rel));
            } else if name.ends_with(".ind") && (file_type.is_file() || entry.path().is_file()) {
                out.push(rel);
            }
        }
    }
    Ok(out)
}

/// `base` joined with a relative path, for display.
fn join_display(base: &str, rel: &str) -> String {
    if base.is_empty() {
        return rel.to_string();
    }
    if base.ends_with('/') || base.ends_with(std::path::MAIN_SEPARATOR) {
        format!("{base}{rel}")
    } else {
        format!("{base}/{rel}")
    }
}

/// The name of a directory, as a pack's default name (`rules/x/` gives `x`, `.` the name of the
/// current directory).
fn directory_name(path: &Path) -> String {
    if let Some(name) = path.file_name() {
        return name.to_string_lossy().into_owned();
    }
    std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "pack".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_join_the_given_path() {
        assert_eq!(join_display("rules/x", "a/b.ind"), "rules/x/a/b.ind");
        assert_eq!(join_display("rules/x/", "b.ind"), "rules/x/b.ind");
        assert_eq!(directory_name(Path::new("rules/tw")), "tw");
        assert_eq!(directory_name(Path::new("rules/tw/")), "tw");
    }
}
