//! Golden tests of `indicia fmt`: each `tests/fmt/NAME.ind` formats to `tests/fmt/NAME.formatted.ind`
//! (the specification's examples have theirs beside them: `crates/indicia-cli/tests/spec_examples.rs`).
//!
//! Run with `INDICIA_BLESS=1` to (re)write the expected files after reviewing the change.
//! Each case also checks that the expected output is a fixed point (formatting it again changes
//! nothing) and that every comment of the input appears in the output, in the same order.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::{Path, PathBuf};

use indicia_syntax::FileId;
use indicia_syntax::fmt::format_source;
use indicia_syntax::parser::parse;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.ends_with(".ind") && !name.ends_with(".formatted.ind")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "expected the golden cases under {}", dir.display());
    cases
}

fn comment_texts(text: &str) -> Vec<String> {
    parse(FileId(0), text).0.comments.iter().map(|c| c.text.trim_end().to_owned()).collect()
}

#[test]
fn golden_files() {
    let bless = std::env::var_os("INDICIA_BLESS").is_some();
    let mut failures = Vec::new();
    for input in cases() {
        let expected_path = input.with_extension("formatted.ind");
        let text = std::fs::read_to_string(&input).unwrap();
        let actual = match format_source(FileId(0), &text) {
            Ok(out) => out,
            Err(diags) => panic!("{} does not parse: {diags:?}", input.display()),
        };
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{}: output differs from {}\n--- actual ---\n{actual}",
                    input.display(),
                    expected_path.display()
                ));
            }
        }
        let again = format_source(FileId(0), &actual).unwrap();
        assert_eq!(again, actual, "{}: formatting is not idempotent", input.display());
        assert_eq!(comment_texts(&text), comment_texts(&actual), "{}: comments lost or reordered", input.display());
    }
    assert!(failures.is_empty(), "{}\n(run with INDICIA_BLESS=1 to accept)", failures.join("\n"));
}
