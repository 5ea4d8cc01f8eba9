//! The documents the editor has open, the packs they belong to, and each pack's analysis.
//!
//! **Which pack a file belongs to.** A pack is a directory of `.ind` files, subdirectories
//! included (`tests/`). The server takes the file's directory and climbs while the parent
//! directory itself holds `.ind` files, never above the workspace root the editor opened: for
//! `rules/tw-mabis-v4/tests/params.ind` that is `rules/tw-mabis-v4` (its parent `rules/` holds no
//! rule file). Every file of that directory tree is one workspace: a define declared in one file
//! and used in another resolves, and a change in one file re-checks them all.
//!
//! **Analysis.** The text of every file comes from the editor when the file is open, else from
//! the disk. The pack is parsed and checked exactly as `indicia check` does (same diagnostics,
//! same messages, warnings included), and [`Index`] maps its names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indicia_syntax::{Diagnostic, FileId, SourceMap, ast};

use crate::index::Index;

/// The most `.ind` files one pack may have for the server to analyse it.
pub const MAX_FILES: usize = 10_000;

/// A pack's files, their diagnostics and its index.
#[derive(Debug)]
pub struct Analysis {
    /// The text of every file; each file's name is its absolute path.
    pub sources: SourceMap,
    /// The syntax tree of every file, in pack order.
    pub files: Vec<(FileId, ast::File)>,
    /// Every parse and check diagnostic (errors and warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// Where every name is declared and used.
    pub index: Index,
}

impl Analysis {
    /// The id of the file at `path`.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let name = path.to_str()?;
        self.sources.iter().find(|(_, f)| f.name == name).map(|(id, _)| id)
    }

    /// The syntax tree of file `id`.
    pub fn ast(&self, id: FileId) -> Option<&ast::File> {
        self.files.iter().find(|(f, _)| *f == id).map(|(_, ast)| ast)
    }
}

/// The open documents and the workspace root.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The folder the editor opened, if any: packs are never looked for above it.
    pub root: Option<PathBuf>,
    /// The text of every open document, by path.
    open: HashMap<PathBuf, String>,
}

impl Workspace {
    /// A workspace rooted at `root`.
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace { root, open: HashMap::new() }
    }

    /// Records the editor's text of `path`.
    pub fn set_text(&mut self, path: PathBuf, text: String) {
        self.open.insert(path, text);
    }

    /// Forgets the editor's text of `path` (the disk's counts again).
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// The editor's text of `path`, if it is open.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.open.get(path).map(String::as_str)
    }

    /// The directory of the pack `file` belongs to (see the module docs).
    pub fn pack_root(&self, file: &Path) -> PathBuf {
        let mut dir = file.parent().map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        loop {
            if self.root.as_deref() == Some(dir.as_path()) {
                return dir;
            }
            let Some(parent) = dir.parent() else { return dir };
            if self.root.as_deref().is_some_and(|root| !parent.starts_with(root)) || !holds_rule_files(parent) {
                return dir;
            }
            dir = parent.to_path_buf();
        }
    }

    /// Parses and checks the pack at `root`, open documents' text first.
    pub fn analyse(&self, root: &Path) -> Analysis {
        let mut paths = rule_files(root);
        for open in self.open.keys() {
            if open.starts_with(root) && !paths.contains(open) {
                paths.push(open.clone());
            }
        }
        paths.sort();
        let files: Vec<(String, String)> = paths
            .iter()
            .filter_map(|path| {
                let text = match self.open.get(path) {
                    Some(text) => text.clone(),
                    // A file over the rule-file limit is left out, as an unreadable one is.
                    None => String::from_utf8_lossy(&indicia::limits::RULE_FILE.read_file(path).ok()?).into_owned(),
                };
                Some((path.to_str()?.to_string(), text))
            })
            .collect();
        let name = root.file_name().map_or_else(|| "pack".to_string(), |n| n.to_string_lossy().into_owned());
        let loaded = indicia::load::load_sources(&name, files);
        let files: Vec<(FileId, ast::File)> = loaded.files.iter().map(|f| (f.id, f.ast.clone())).collect();
        let index = Index::build(files.iter().map(|(_, f)| f));
        let (sources, diagnostics) = match indicia::load::check_pack(loaded.clone()) {
            Ok(pack) => (pack.sources, pack.warnings),
            Err(failure) => (failure.sources, failure.diagnostics),
        };
        Analysis { sources, files, diagnostics, index }
    }
}

/// True when `dir` directly holds a `.ind` file.
fn holds_rule_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().any(|e| e.path().extension().is_some_and(|x| x == "ind") && e.path().is_file())
        })
        .unwrap_or(false)
}

/// Every `.ind` file below `root` (at most [`MAX_FILES`]), iteratively.
fn rule_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "ind") && out.len() < MAX_FILES {
                out.push(path);
            }
        }
    }
    out
}
