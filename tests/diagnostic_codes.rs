//! The documented list of diagnostic codes (`docs/language.md`, "Diagnostic codes") and the codes the
//! sources give agree: every code given is documented, every code documented is given somewhere.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::collections::BTreeSet;
use std::path::Path;

/// Every `"E0000"`-like string literal (`E`, `W` or `C`, then four digits) in the `.rs` files below `dir`,
/// outside `#[cfg(test)]` modules.
fn codes_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("tests") {
                codes_in(&path, out);
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        out.extend(literals(code).into_iter().map(|c| c.trim_matches('"').to_owned()));
    }
}

/// `"X0000"` literals in `text`.
fn literals(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(6))
        .filter(|&i| {
            bytes[i] == b'"'
                && matches!(bytes[i + 1], b'E' | b'W' | b'C')
                && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
                && bytes[i + 6] == b'"'
        })
        .map(|i| &text[i..i + 7])
        .collect()
}

#[test]
fn every_code_given_is_documented_and_every_documented_code_is_given() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut given = BTreeSet::new();
    for dir in ["crates/indicia/src", "crates/indicia-syntax/src"] {
        codes_in(&root.join(dir), &mut given);
    }
    let docs = std::fs::read_to_string(root.join("docs/language.md")).unwrap();
    let documented: BTreeSet<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next())
        .filter(|c| {
            c.len() == 5 && matches!(c.as_bytes()[0], b'E' | b'W' | b'C') && c[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect();
    assert!(given.len() > 80, "the sources give {} codes: {given:?}", given.len());
    let undocumented: Vec<&String> = given.difference(&documented).collect();
    let unused: Vec<&String> = documented.difference(&given).collect();
    assert!(undocumented.is_empty(), "codes given but not in docs/language.md: {undocumented:?}");
    assert!(unused.is_empty(), "codes in docs/language.md that no source gives: {unused:?}");
}
