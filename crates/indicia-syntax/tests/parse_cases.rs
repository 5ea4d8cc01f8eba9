//! Data-driven parser tests: every `tests/parse/ok/*.ind` parses with no diagnostic, and every
//! `tests/parse/err/*.ind` renders exactly its golden `.stderr` (bless with `BLESS=1`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail on a bad fixture"
)]

use std::fs;
use std::path::{Path, PathBuf};

use indicia_syntax::{SourceMap, parser, render};

fn cases(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse").join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ind"))
        .collect();
    files.sort();
    files
}

#[test]
fn ok_cases_parse_clean() {
    let files = cases("ok");
    assert!(files.len() >= 13);
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let mut sources = SourceMap::new();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let id = sources.add(name.clone(), text.as_str());
        let (file, diags) = parser::parse(id, &text);
        assert!(diags.is_empty(), "{name}:\n{}", render::render_human(&sources, &diags));
        assert!(!file.decls.is_empty(), "{name}: no declarations");
        assert!(
            !file.decls.iter().any(|d| matches!(d, indicia_syntax::ast::Decl::Broken(_))),
            "{name}: a broken declaration without a diagnostic"
        );
    }
}
