//! The panic lints (`unwrap_used`, `expect_used`, `panic`, `indexing_slicing`) are denied in library
//! code and allowed in test code by `clippy.toml`. A test file opens with `#![cfg(test)]` so that its
//! helpers count as test code; none silences those lints for a whole file (docs/ARCHITECTURE.md,
//! "Testing"). This test reads every Rust file under the crates' and the workspace's `tests/`.
#![cfg(test)]

use std::path::{Path, PathBuf};

const PANIC_LINTS: [&str; 4] = ["unwrap_used", "expect_used", "panic", "indexing_slicing"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate-level `#![allow(…)]` attributes of `source` that name a panic lint.
fn blanket_allows(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("#![allow(") {
        let tail = &rest[start..];
        let end = tail.find(")]").map_or(tail.len(), |e| e + 2);
        let attribute = &tail[..end];
        if PANIC_LINTS.iter().any(|lint| attribute.contains(&format!("clippy::{lint}"))) {
            found.push(attribute.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        rest = &tail[end..];
    }
    found
}

#[test]
fn the_detector_sees_a_blanket_allow() {
    // Written in two pieces, so that this file does not hold the attribute it looks for.
    let open = "#![".to_owned() + "allow(";
    assert_eq!(
        blanket_allows(&format!("{open}\n    clippy::unwrap_used,\n    reason = \"x\"\n)]\nfn f() {{}}")).len(),
        1
    );
    assert!(blanket_allows(&format!("{open}dead_code, reason = \"helpers\")]")).is_empty());
}

#[test]
fn no_test_file_silences_the_panic_lints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("tests"), &mut files);
    for krate in std::fs::read_dir(root.join("crates")).unwrap().flatten() {
        rust_files(&krate.path().join("tests"), &mut files);
    }
    assert!(files.len() > 40, "found only {} test files", files.len());
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|path| {
            let source = std::fs::read_to_string(path).unwrap();
            blanket_allows(&source).into_iter().map(move |a| format!("{}: {a}", path.display()))
        })
        .collect();
    assert!(offenders.is_empty(), "use #![cfg(test)] instead:\n{}", offenders.join("\n"));
}
