//! `indicia fmt` over every `.ind` file of the repository: formatting is idempotent, keeps the
//! tree (spans aside) and keeps every comment, in order. Files that do not parse (error cases)
//! are skipped; so is `target/`.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

#[path = "fmt/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::erase_spans;
use indicia_syntax::FileId;
use indicia_syntax::fmt::format_source;
use indicia_syntax::parser::parse;

fn ind_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                ind_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "ind") {
            out.push(path);
        }
    }
}

#[test]
fn every_rule_file_in_the_repository_is_a_fixed_point_after_one_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    ind_files(&root, &mut files);
    files.sort();
    let mut checked = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let (mut before, diags) = parse(FileId(0), &text);
        if diags.iter().any(|d| d.is_error()) {
            continue;
        }
        let once = format_source(FileId(0), &text).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        let twice = format_source(FileId(0), &once)
            .unwrap_or_else(|d| panic!("{}: the formatted text does not parse: {d:?}\n{once}", path.display()));
        assert_eq!(twice, once, "{}: formatting is not idempotent", path.display());
        let (mut after, _) = parse(FileId(0), &once);
        let texts =
            |f: &indicia_syntax::ast::File| f.comments.iter().map(|c| c.text.trim_end().to_owned()).collect::<Vec<_>>();
        assert_eq!(texts(&after), texts(&before), "{}: comments lost or reordered", path.display());
        erase_spans(&mut before);
        erase_spans(&mut after);
        assert_eq!(after, before, "{}: formatting changed the tree", path.display());
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} parseable .ind files found under {}", root.display());
}
