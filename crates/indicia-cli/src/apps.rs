//! The apps named on `indicia scan`'s command line: files, split APK sets and directories searched
//! recursively, found lazily and in a fixed order (see docs/extract.md, "Scanning many apps").
//!
//! - A file is one app: an APK, a split APK archive or an IPA by its extension, else by its members.
//! - A directory that holds a `base.apk` (what `adb pull` of an app's install directory and SAI give) or
//!   a `base-master.apk` (bundletool's `extract-apks`) is one **split APK set**: every `.apk` directly in
//!   it is a part of that app; its subdirectories are not searched.
//! - Any other directory is searched recursively, its entries in byte order of their names, each
//!   subdirectory at its place in that order. `.apk`, `.ipa` files and the split APK archives `.apks` and
//!   `.xapk` (any case) are apps; other files are ignored. Symbolic links to directories are not followed, so no walk loops.
//!
//! A directory that cannot be read is an [`Found::Unreadable`] entry in its place, so that a batch says
//! what it could not search rather than dropping it. The walk holds one directory listing per level
//! it is in, never the list of all apps.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// One app to scan, as named in messages and output lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// The path shown for it: the file, or the directory of a split set.
    pub source: String,
    /// Its files, or why it cannot be read.
    pub found: Found,
    /// Whether it is an argument itself (a file or split set named on the command line), not found in
    /// a directory: such an app that cannot be scanned is a usage error (exit 2), as with one app.
    pub named: bool,
}

/// What the search found at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// One file: an APK, a split APK archive or an IPA by extension, else by content.
    File(PathBuf),
    /// A split APK set: its base APK first, then the other parts in byte order.
    Split(Vec<PathBuf>),
    /// A path that cannot be scanned, with the reason. `named` when it was given on the command line.
    Unreadable {
        /// The reason.
        reason: String,
        /// Whether the path was given on the command line (an unreadable argument is a usage error).
        named: bool,
    },
}

/// Base APK names that make a directory one split APK set (as they mark the base in a split APK archive).
pub const SPLIT_BASES: [&str; 2] = indicia_extract::SPLIT_BASE_NAMES;

/// Extensions (any case) of the files a directory search takes as apps: APKs, split APK archives, IPAs.
pub const APP_EXTENSIONS: [&str; 4] = ["apk", "apks", "xapk", "ipa"];

/// True when `args` name exactly one app: one file, or one split-set directory.
pub fn is_single_app(args: &[PathBuf]) -> bool {
    match args {
        [one] => !one.is_dir() || split_set(one).is_ok_and(|set| set.is_some()),
        _ => false,
    }
}

/// Every app under `args`, in order: each argument in turn, each directory searched as the module says.
pub fn find(args: &[PathBuf]) -> impl Iterator<Item = App> + '_ {
    args.iter().flat_map(|arg| Walk::new(arg))
}

/// The parts of the split set in `dir` (base first), or `None` when `dir` holds no base APK.
pub fn split_set(dir: &Path) -> std::io::Result<Option<Vec<PathBuf>>> {
    let entries = sorted_entries(dir)?;
    let Some(base) = entries.iter().find(|(name, _)| SPLIT_BASES.iter().any(|b| name.as_os_str() == *b)) else {
        return Ok(None);
    };
    let mut parts = vec![base.1.clone()];
    parts.extend(
        entries
            .iter()
            .filter(|(name, path)| *path != base.1 && extension_is(name, "apk") && !path.is_dir())
            .map(|(_, path)| path.clone()),
    );
    Ok(Some(parts))
}

/// A depth-first search of one argument.
struct Walk {
    /// The argument itself, until it is looked at.
    start: Option<PathBuf>,
    /// For each directory being searched, its remaining entries (reversed, so `pop` takes the next).
    stack: Vec<Vec<(PathBuf, bool)>>,
}

impl Walk {
    fn new(arg: &Path) -> Walk {
        Walk { start: Some(arg.to_path_buf()), stack: Vec::new() }
    }

    /// The app at `dir`, or the directory pushed for searching.
    fn enter(&mut self, dir: &Path, named: bool) -> Option<App> {
        let source = dir.display().to_string();
        match split_set(dir) {
            Ok(Some(parts)) => Some(App { source, found: Found::Split(parts), named }),
            Ok(None) => match sorted_entries(dir) {
                Ok(entries) => {
                    let mut entries: Vec<(PathBuf, bool)> = entries
                        .into_iter()
                        .map(|(_, path)| {
                            let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
                            (path, is_dir)
                        })
                        .collect();
                    entries.reverse();
                    self.stack.push(entries);
                    None
                }
                Err(error) => Some(unreadable(source, &error, named)),
            },
            Err(error) => Some(unreadable(source, &error, named)),
        }
    }
}

impl Iterator for Walk {
    type Item = App;

    fn next(&mut self) -> Option<App> {
        if let Some(arg) = self.start.take() {
            let source = arg.display().to_string();
            match std::fs::metadata(&arg) {
                Err(error) => return Some(unreadable(source, &error, true)),
                Ok(meta) if !meta.is_dir() => return Some(App { source, found: Found::File(arg), named: true }),
                Ok(_) => {
                    if let Some(app) = self.enter(&arg, true) {
                        return Some(app);
                    }
                }
            }
        }
        loop {
            let level = self.stack.last_mut()?;
            let Some((path, is_dir)) = level.pop() else {
                self.stack.pop();
                continue;
            };
            if is_dir {
                if let Some(app) = self.enter(&path, false) {
                    return Some(app);
                }
                continue;
            }
            let name = path.file_name().unwrap_or_default();
            let source = path.display().to_string();
            if APP_EXTENSIONS.iter().any(|ext| extension_is(name, ext)) {
                return Some(App { source, found: Found::File(path), named: false });
            }
        }
    }
}

fn unreadable(source: String, error: &std::io::Error, named: bool) -> App {
    let reason = format!("{source}: cannot read: {error}");
    App { source, found: Found::Unreadable { reason, named }, named }
}

/// The entries of `dir` as (file name, path), in byte order of their names.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<(std::ffi::OsString, PathBuf)>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        entries.push((entry.file_name(), entry.path()));
    }
    entries.sort_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    Ok(entries)
}

/// True when `name` ends in `.EXT`, in any case.
fn extension_is(name: &OsStr, ext: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("indicia-apps-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn file(&self, rel: &str) -> PathBuf {
            let path = self.0.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"x").unwrap();
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn shown(apps: &[App], root: &Path) -> Vec<String> {
        apps.iter()
            .map(|a| {
                let rel = a.source.strip_prefix(&root.display().to_string()).unwrap_or(&a.source).to_string();
                match &a.found {
                    Found::File(_) => rel,
                    Found::Split(parts) => format!("{rel} split {}", parts.len()),
                    Found::Unreadable { named, .. } => format!("{rel} unreadable named={named}"),
                }
            })
            .collect()
    }

    #[test]
    fn directories_are_searched_recursively_in_byte_order_and_split_sets_are_one_app() {
        let s = Scratch::new("walk");
        s.file("b.apk");
        s.file("A.APK");
        s.file("notes.txt");
        s.file("c/d.ipa");
        s.file("c/e.xapk");
        s.file("a-split/base.apk");
        s.file("a-split/split_config.arm64_v8a.apk");
        s.file("a-split/lib/arm64/libx.so");
        s.file("a-split/lib/inner.apk");
        s.file("z/bundle/base-master.apk");
        s.file("z/bundle/base-xxhdpi.apk");
        let apps: Vec<App> = find(std::slice::from_ref(&s.0)).collect();
        assert_eq!(
            shown(&apps, &s.0),
            ["/A.APK", "/a-split split 2", "/b.apk", "/c/d.ipa", "/c/e.xapk", "/z/bundle split 2"]
        );
        let Found::Split(parts) = &apps[1].found else { panic!() };
        assert!(parts[0].ends_with("base.apk"), "{parts:?}");
    }

    #[test]
    fn arguments_keep_their_order_and_a_missing_one_is_named_unreadable() {
        let s = Scratch::new("args");
        let one = s.file("one.apk");
        let set = s.file("set/base.apk").parent().unwrap().to_path_buf();
        let missing = s.0.join("missing.apk");
        let args = vec![set.clone(), missing.clone(), one.clone()];
        let apps: Vec<App> = find(&args).collect();
        assert_eq!(shown(&apps, &s.0), ["/set split 1", "/missing.apk unreadable named=true", "/one.apk"]);
        assert!(is_single_app(&[one]));
        assert!(is_single_app(&[set]));
        assert!(is_single_app(&[missing]), "a missing file is one app that cannot be read");
        assert!(!is_single_app(std::slice::from_ref(&s.0)));
    }
}
