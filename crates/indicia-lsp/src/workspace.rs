//! The documents the editor has open, the packs they belong to, and each pack's analysis.
//!
//! **Which pack a file belongs to.** A pack is a directory of `.ind` files, subdirectories
//! included (`tests/`). The server takes the file's directory and climbs while the parent
//! directory itself holds `.ind` files, never above the workspace root the editor opened: for
//! `rules/tw-mabis-v4/tests/params.ind` that is `rules/tw-mabis-v4` (its parent `rules/` holds no
//! rule file). Every file of that directory tree is one workspace: a define declared in one file
//! and used in another resolves, and a change in one file re-checks them all.
//!
//! **How far the server looks.** The walk below a pack's directory is breadth first and bounded:
//! at most [`Limits::depth`] directories deep and [`Limits::entries`] directory entries, and at
//! most [`MAX_FILES`] rule files; a walk cut short says so ([`Analysis::cut`]). When the editor
//! opened no folder, the server walks nothing: the pack is the `.ind` files directly in the pack's
//! directory and in the directories of the open files below it (a file in `/tmp` never makes it
//! read all of `/tmp`).
//!
//! **Analysis.** The text of every file comes from the editor when the file is open, else from
//! the disk. The pack is parsed and checked exactly as `indicia check` does (same diagnostics,
//! same messages, warnings included), and [`Index`] maps its names. The analysis is kept until a
//! document changes: requests between two changes are answered from it without reading or
//! checking anything. Which files a pack has is kept until a document is opened, saved or closed
//! (a file created on disk meanwhile is seen then).

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use indicia_syntax::{Diagnostic, FileId, SourceMap, ast};

use crate::index::Index;

/// The most `.ind` files one pack may have for the server to analyse it.
pub const MAX_FILES: usize = 10_000;

/// How far the walk below a pack's directory goes (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Directories below the pack's directory (its own files are depth 0).
    pub depth: usize,
    /// Directory entries (files and directories) looked at in one walk.
    pub entries: usize,
}

impl Default for Limits {
    /// 8 directories deep, 50,000 entries: a pack's `tests/` and a few levels of grouping fit
    /// many times over; a workspace root holding `.git/` and `target/` does not make a keystroke
    /// read them all.
    fn default() -> Limits {
        Limits { depth: 8, entries: 50_000 }
    }
}

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
    /// Why the walk for the pack's files stopped before it had seen every directory, if it did.
    pub cut: Option<String>,
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

/// The rule files of a pack found on disk.
#[derive(Debug, Default)]
struct Walk {
    paths: Vec<PathBuf>,
    cut: Option<String>,
}

/// The open documents, the workspace root, and what was worked out from them.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The folder the editor opened, if any: packs are never looked for above it.
    pub root: Option<PathBuf>,
    /// The bounds of the walk below a pack's directory.
    pub limits: Limits,
    /// The text of every open document, by path.
    open: HashMap<PathBuf, String>,
    /// The pack directory of each file asked about.
    roots: HashMap<PathBuf, PathBuf>,
    /// The rule files on disk of each pack directory.
    walks: HashMap<PathBuf, Walk>,
    /// The analysis of each pack directory, until a document changes.
    analyses: HashMap<PathBuf, Analysis>,
    /// How many times a pack was parsed and checked (the tests count them).
    checks: usize,
}

impl Workspace {
    /// A workspace rooted at `root`.
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace { root, ..Workspace::default() }
    }

    /// Records the editor's text of `path` (opened or changed): the analyses are out of date.
    pub fn set_text(&mut self, path: PathBuf, text: String) {
        if !self.open.contains_key(&path) {
            self.forget_disk();
        }
        self.open.insert(path, text);
        self.analyses.clear();
    }

    /// Forgets the editor's text of `path` (the disk's counts again).
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
        self.forget_disk();
    }

    /// Forgets what was read from the disk (a file was saved, opened or closed; others may have
    /// been created or removed meanwhile).
    pub fn forget_disk(&mut self) {
        self.roots.clear();
        self.walks.clear();
        self.analyses.clear();
    }

    /// The editor's text of `path`, if it is open.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.open.get(path).map(String::as_str)
    }

    /// The directory of the pack `file` belongs to (see the module docs).
    pub fn pack_root(&mut self, file: &Path) -> PathBuf {
        if let Some(root) = self.roots.get(file) {
            return root.clone();
        }
        let root = self.climb(file);
        self.roots.insert(file.to_path_buf(), root.clone());
        root
    }

    fn climb(&self, file: &Path) -> PathBuf {
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

    /// The analysis of the pack `file` belongs to: the kept one, else a new one.
    pub fn analysis(&mut self, file: &Path) -> &Analysis {
        let root = self.pack_root(file);
        let analysis = match self.analyses.remove(&root) {
            Some(kept) => kept,
            None => self.analyse(&root),
        };
        self.analyses.entry(root).or_insert(analysis)
    }

    /// Parses and checks the pack at `root`, open documents' text first.
    fn analyse(&mut self, root: &Path) -> Analysis {
        self.checks += 1;
        if !self.walks.contains_key(root) {
            let walk = self.walk(root);
            self.walks.insert(root.to_path_buf(), walk);
        }
        let (mut paths, cut) = self.walks.get(root).map_or((Vec::new(), None), |w| (w.paths.clone(), w.cut.clone()));
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
        Analysis { sources, files, diagnostics, index, cut }
    }

    /// The rule files on disk of the pack at `root`: a bounded walk below it when the editor
    /// opened a folder, else only `root` and the directories of the open files below it.
    fn walk(&self, root: &Path) -> Walk {
        if self.root.is_some() {
            return rule_files(root, self.limits);
        }
        let mut dirs: Vec<&Path> = vec![root];
        dirs.extend(self.open.keys().filter(|p| p.starts_with(root)).filter_map(|p| p.parent()));
        dirs.sort();
        dirs.dedup();
        let flat = Limits { depth: 0, ..self.limits };
        let mut walk = Walk::default();
        for dir in dirs {
            let Walk { paths, cut } = rule_files(dir, flat);
            walk.paths.extend(paths);
            walk.cut = walk.cut.or(cut);
        }
        walk
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

/// The `.ind` files below `root`, breadth first, within `limits` and [`MAX_FILES`].
fn rule_files(root: &Path, limits: Limits) -> Walk {
    let mut walk = Walk::default();
    let mut seen = 0usize;
    let mut dirs = VecDeque::from([(root.to_path_buf(), 0usize)]);
    while let Some((dir, depth)) = dirs.pop_front() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > limits.entries {
                walk.cut = Some(format!(
                    "stopped looking for rule files below {} after {} entries: open the pack's own folder",
                    root.display(),
                    limits.entries
                ));
                return walk;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if depth < limits.depth {
                    dirs.push_back((path, depth + 1));
                } else if limits.depth > 0 && walk.cut.is_none() {
                    walk.cut = Some(format!(
                        "did not look for rule files more than {} directories below {}",
                        limits.depth,
                        root.display()
                    ));
                }
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "ind") {
                if walk.paths.len() >= MAX_FILES {
                    walk.cut = Some(format!("{} has more than {MAX_FILES} rule files", root.display()));
                    return walk;
                }
                walk.paths.push(path);
            }
        }
    }
    walk
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory `indicia-lsp-PID-NAME/pack` (its parent holds no rule file) with `files`.
    fn pack(name: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("indicia-lsp-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pack = dir.join("pack");
        for file in files {
            let path = pack.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("# {file}\n")).unwrap();
        }
        pack
    }

    /// The files of an analysis, relative to `pack`.
    fn names(analysis: &Analysis, pack: &Path) -> Vec<String> {
        let mut names: Vec<String> = analysis
            .sources
            .iter()
            .map(|(_, f)| Path::new(&f.name).strip_prefix(pack).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_analysis_is_kept_until_a_document_changes() {
        let pack = pack("kept", &["a.ind", "b.ind"]);
        let (a, b) = (pack.join("a.ind"), pack.join("b.ind"));
        let mut workspace = Workspace::new(Some(pack.clone()));
        workspace.set_text(a.clone(), "# a, edited\n".to_string());
        assert_eq!(names(workspace.analysis(&a), &pack), ["a.ind", "b.ind"]);
        // Requests until the next change: no new check, even of the other file of the pack.
        std::fs::write(&b, "# b, changed on disk\n").unwrap();
        for _ in 0..3 {
            let analysis = workspace.analysis(&b);
            let id = analysis.file_id(&b).unwrap();
            assert_eq!(analysis.sources.get(id).unwrap().text.as_ref(), "# b.ind\n");
        }
        assert_eq!(workspace.checks, 1);
        workspace.set_text(a.clone(), "# a, edited again\n".to_string());
        let analysis = workspace.analysis(&b);
        let id = analysis.file_id(&b).unwrap();
        assert_eq!(analysis.sources.get(id).unwrap().text.as_ref(), "# b, changed on disk\n");
        assert_eq!(workspace.checks, 2);
        let _ = std::fs::remove_dir_all(pack.parent().unwrap());
    }

    #[test]
    fn the_walk_stops_at_its_depth_limit_and_says_so() {
        let pack = pack("depth", &["p.ind", "d1/d2/two.ind", "d1/d2/d3/three.ind"]);
        let p = pack.join("p.ind");
        let mut workspace = Workspace::new(Some(pack.clone()));
        workspace.limits = Limits { depth: 2, entries: 100 };
        let analysis = workspace.analysis(&p);
        assert_eq!(names(analysis, &pack), ["d1/d2/two.ind", "p.ind"]);
        assert!(analysis.cut.as_deref().is_some_and(|cut| cut.contains("more than 2 directories below")));
        workspace.limits = Limits { depth: 3, entries: 100 };
        workspace.forget_disk();
        let analysis = workspace.analysis(&p);
        assert_eq!(names(analysis, &pack), ["d1/d2/d3/three.ind", "d1/d2/two.ind", "p.ind"]);
        assert_eq!(analysis.cut, None);
        let _ = std::fs::remove_dir_all(pack.parent().unwrap());
    }

    #[test]
    fn the_walk_stops_at_its_entry_limit_and_says_so() {
        let files: Vec<String> = (0..20).map(|i| format!("f{i:02}.ind")).collect();
        let pack = pack("entries", &files.iter().map(String::as_str).collect::<Vec<_>>());
        let mut workspace = Workspace::new(Some(pack.clone()));
        workspace.limits = Limits { depth: 8, entries: 5 };
        let analysis = workspace.analysis(&pack.join("f00.ind"));
        assert_eq!(analysis.sources.iter().count(), 5);
        assert!(analysis.cut.as_deref().is_some_and(|cut| cut.contains("after 5 entries")));
        let _ = std::fs::remove_dir_all(pack.parent().unwrap());
    }

    #[test]
    fn without_a_root_only_the_directories_of_open_files_are_read() {
        let pack = pack("no-root", &["x.ind", "sub/y.ind", "other/z.ind"]);
        let mut workspace = Workspace::new(None);
        assert_eq!(names(workspace.analysis(&pack.join("x.ind")), &pack), ["x.ind"]);
        let y = pack.join("sub/y.ind");
        workspace.set_text(y.clone(), "# y, open\n".to_string());
        assert_eq!(names(workspace.analysis(&y), &pack), ["sub/y.ind", "x.ind"]);
        assert_eq!(workspace.analysis(&y).cut, None);
        let _ = std::fs::remove_dir_all(pack.parent().unwrap());
    }
}
