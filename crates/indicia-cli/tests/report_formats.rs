//! Golden outputs of every report format (`tests/report/`): the built-in pack on each example
//! evidence file (`eval`) and on one real APK (`scan`), in text, detailed JSON, SARIF, HTML and
//! Markdown, compared byte for byte. `INDICIA_BLESS=1 cargo test --test report_formats` rewrites
//! them; review the diff. The indicia version is written `{VERSION}` in the goldens.
#![cfg(test)]

mod common;

use common::{root, stdout_of};

/// The formats and the extension of their golden files.
const FORMATS: [(&str, &str); 5] =
    [("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("html", "html"), ("markdown", "md")];

/// The real APK of the goldens (tests/data/extract/README.md).
const APK: &str = "tests/data/extract/apk/a2dp.Vol_137.apk";

/// Runs indicia from the repository's root (so that the paths in reports are relative) and returns
/// its standard output with the version replaced by `{VERSION}`.
fn run(args: &[&str]) -> String {
    stdout_of(args).replace(env!("CARGO_PKG_VERSION"), "{VERSION}")
}

/// Every (golden file name, arguments) pair.
fn cases() -> Vec<(String, Vec<String>)> {
    let mut fixtures: Vec<String> = std::fs::read_dir(root().join("examples/evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    fixtures.sort();
    assert_eq!(fixtures.len(), 6, "the six example evidence files");
    let mut out = Vec::new();
    for (format, ext) in FORMATS {
        for fixture in &fixtures {
            let stem = fixture.trim_end_matches(".json");
            let mut args = vec!["eval".to_owned(), "--format".to_owned(), format.to_owned()];
            if format == "json" {
                args.push("--explain".to_owned());
            }
            args.push(format!("examples/evidence/{fixture}"));
            out.push((format!("{stem}.{ext}"), args));
        }
        let args = vec!["scan".to_owned(), APK.to_owned(), "--format".to_owned(), format.to_owned()];
        out.push((format!("a2dp.Vol_137.apk.{ext}"), args));
    }
    out
}

#[test]
fn every_format_matches_its_golden() {
    let bless = std::env::var_os("INDICIA_BLESS").is_some();
    let dir = root().join("tests/report");
    let mut failures = Vec::new();
    for (name, args) in cases() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let actual = run(&args);
        let path = dir.join(&name);
        if bless {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => {
                let line = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).unwrap_or(0);
                failures.push(format!(
                    "{name} (indicia {}) differs from line {}:\n  expected {:?}\n  actual   {:?}",
                    args.join(" "),
                    line + 1,
                    expected.lines().nth(line).unwrap_or(""),
                    actual.lines().nth(line).unwrap_or("")
                ));
            }
            Err(e) => failures.push(format!("{name}: {e} (INDICIA_BLESS=1 writes it)")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
