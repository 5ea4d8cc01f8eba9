//! Data-driven parser tests: every `tests/parse/ok/*.ind` parses with no diagnostic, and every
//! `tests/parse/err/*.ind` renders exactly its golden `.stderr` (bless with `BLESS=1`). The
//! language's worked examples parse clean too: `crates/indicia-cli/tests/spec_examples.rs`, beside them.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

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
    assert!(!files.is_empty());
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

/// Parses one case file, named as the golden shows it (`err/NAME.ind`).
fn parse_case(path: &Path) -> (SourceMap, indicia_syntax::ast::File, Vec<indicia_syntax::Diagnostic>) {
    let text = fs::read_to_string(path).unwrap();
    let mut sources = SourceMap::new();
    let name = format!("err/{}", path.file_name().unwrap().to_string_lossy());
    let id = sources.add(name, text.as_str());
    let (file, diags) = parser::parse(id, &text);
    (sources, file, diags)
}

#[test]
fn err_cases_match_their_golden_stderr() {
    let files = cases("err");
    assert!(files.len() >= 25, "only {} error cases", files.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for path in files {
        let (sources, _, diags) = parse_case(&path);
        assert!(!diags.is_empty(), "{}: no diagnostic", path.display());
        // Every diagnostic's span lies in the text, on character boundaries.
        let text = &sources.get(diags[0].span.file).unwrap().text;
        for d in &diags {
            assert!(d.span.start <= d.span.end && d.span.end as usize <= text.len(), "{d:?}");
            assert!(text.is_char_boundary(d.span.start as usize) && text.is_char_boundary(d.span.end as usize));
        }
        let got = render::render_human(&sources, &diags);
        let golden = path.with_extension("stderr");
        if bless {
            fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n--- want\n{want}--- got\n{got}", golden.display()));
        }
    }
    assert!(failures.is_empty(), "{} golden mismatches (BLESS=1 to update):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn recovery_keeps_the_good_declarations() {
    use indicia_syntax::ast::{Decl, DeclKind};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/err/recovery-three-broken.ind");
    let (_, file, diags) = parse_case(&path);
    assert_eq!(diags.len(), 3, "{diags:?}");
    let summary: Vec<String> = file
        .decls
        .iter()
        .map(|d| match d {
            Decl::Broken(b) => {
                format!("broken {} {}", b.kind.map_or("?", DeclKind::keyword), b.name.as_ref().unwrap().name)
            }
            Decl::Category(c) => format!("category {}", c.name.name),
            Decl::Const(c) => format!("const {}", c.name.name),
            Decl::Define(c) => format!("define {}", c.name.name),
            Decl::Indicator(i) => format!("indicator {}", i.id.value),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "category c",
            "broken fact flow",
            "const good_one",
            "broken indicator A",
            "define good_two",
            "broken param bad",
            "indicator B",
        ]
    );
}
