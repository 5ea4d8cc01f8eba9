//! The front end, data-driven: every `tests/syntax/ok/*.ind` checks clean, and every
//! `tests/syntax/err/*.ind` gives exactly the diagnostics in its golden `*.stderr` (the human
//! rendering, each file shown as `tests/syntax/err/NAME.ind`). `BLESS=1 cargo test --test syntax`
//! rewrites the golden files from the current output.
//!
//! Also: the pack loader on a directory tree. (The specification's examples are checked beside
//! their CLI cases, in `crates/indicia-cli/tests/spec_examples.rs`.)

use std::path::{Path, PathBuf};

use indicia::load::{self, LoadError, check_pack, load_path, load_sources};
use indicia_syntax::render::render_human;
use indicia_testkit::generate::generate_pack;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.ind` files of `tests/syntax/<dir>`, sorted.
fn cases(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("tests/syntax").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ind"))
        .collect();
    out.sort();
    out
}

/// Loads one case file under its display name `tests/syntax/<dir>/<file>`.
fn load_case(dir: &str, path: &Path) -> load::LoadedPack {
    let file = path.file_name().unwrap().to_str().unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let stem = path.file_stem().unwrap().to_str().unwrap();
    load_sources(stem, vec![(format!("tests/syntax/{dir}/{file}"), text)])
}

#[test]
fn ok_cases_check_clean() {
    let cases = cases("ok");
    assert!(cases.len() >= 5, "too few ok cases: {}", cases.len());
    let mut failures = String::new();
    for path in &cases {
        if let Err(failure) = check_pack(load_case("ok", path)) {
            failures.push_str(&render_human(&failure.sources, &failure.diagnostics));
        }
    }
    assert!(failures.is_empty(), "ok cases with diagnostics:\n{failures}");
}

#[test]
fn err_cases_match_their_golden_stderr() {
    let bless = std::env::var_os("BLESS").is_some();
    let cases = cases("err");
    assert!(cases.len() >= 45, "too few error cases: {}", cases.len());
    let mut mismatches = Vec::new();
    for path in &cases {
        let rendered = match check_pack(load_case("err", path)) {
            Ok(_) => "(checks clean)\n".to_string(),
            Err(failure) => render_human(&failure.sources, &failure.diagnostics),
        };
        let golden = path.with_extension("stderr");
        if bless {
            std::fs::write(&golden, &rendered).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if rendered != expected {
            mismatches.push(format!("--- {}\n{rendered}", golden.display()));
        }
        assert!(!rendered.starts_with("(checks clean)"), "{} checks clean", path.display());
    }
    assert!(
        mismatches.is_empty(),
        "{} golden mismatch(es) (BLESS=1 to accept):\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// `FILE:LINE:COLUMN` of each diagnostic, in the order rendered.
fn locations(rendered: &str) -> Vec<String> {
    rendered.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::to_string).collect()
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("indicia-syntax-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_directory_pack_is_every_ind_file_below_it_in_byte_order() {
    let scratch = Scratch::new("dir");
    let pack_dir = scratch.0.join("my_pack");
    scratch.write("my_pack/b.ind", b"category c { title: \"C\" }\n");
    scratch.write("my_pack/a/z.ind", b"fact flow { host: string }\n");
    scratch.write("my_pack/a.ind", b"define d = any flow where host == \"x\"\n");
    scratch.write("my_pack/B.ind", b"# upper case sorts first\n");
    scratch.write("my_pack/tests/t.ind", b"test \"t\" { evidence: \"fx/e.json\" expect total: 1 }\n");
    scratch.write("my_pack/notes.txt", b"not a rule file");
    scratch.write("my_pack/rules.ind", b"indicator \"I-1\" { title: \"t\" category: c severity: low when: d }\n");
    let given = pack_dir.display().to_string();
    let loaded = load_path(&pack_dir).unwrap();
    let names: Vec<String> = loaded.sources.iter().map(|(_, f)| f.name.clone()).collect();
    let rel: Vec<&str> = names.iter().map(|n| n.strip_prefix(&given).unwrap()).collect();
    assert_eq!(rel, vec!["/B.ind", "/a.ind", "/a/z.ind", "/b.ind", "/rules.ind", "/tests/t.ind"]);
    assert_eq!(loaded.default_name, "my_pack");
    let pack = check_pack(loaded).unwrap();
    assert_eq!(pack.name, "my_pack");
    assert_eq!(pack.tests[0].evidence, pack_dir.join("tests/fx/e.json"));
    // One file: named after its stem.
    let loaded = load_path(&pack_dir.join("b.ind")).unwrap();
    assert_eq!(loaded.default_name, "b");
}

#[test]
fn unreadable_paths_are_load_errors_and_non_utf8_files_pack_errors() {
    let scratch = Scratch::new("bad");
    assert!(matches!(load_path(&scratch.0.join("missing")), Err(LoadError::Io { .. })));
    scratch.write("p/ok.ind", b"const a = 1\n");
    scratch.write("p/bad.ind", b"const b = \"\xff\"\n");
    let loaded = load_path(&scratch.0.join("p")).unwrap();
    let failure = check_pack(loaded).unwrap_err();
    let rendered = render_human(&failure.sources, &failure.diagnostics);
    let found = locations(&rendered);
    assert_eq!(found.len(), 1, "{rendered}");
    assert!(found[0].ends_with("p/bad.ind:1:12"), "{rendered}");
    assert!(rendered.contains("not UTF-8"), "{rendered}");
    assert!(matches!(load::check_path(&scratch.0.join("p/bad.ind")), Err(load::PackError::Check(_))));
}

#[test]
fn parse_and_check_errors_of_all_files_are_reported_together() {
    let files = vec![
        ("p/a.ind".to_string(), "const x = \ncategory c { title: \"C\" }\n".to_string()),
        ("p/b.ind".to_string(), "define y = any flwo\n".to_string()),
    ];
    let failure = check_pack(load_sources("p", files)).unwrap_err();
    let rendered = render_human(&failure.sources, &failure.diagnostics);
    let files: Vec<&str> =
        locations(&rendered).iter().map(|l| if l.starts_with("p/a.ind") { "a" } else { "b" }).collect();
    assert_eq!(files, vec!["a", "b"], "{rendered}");
}

#[test]
fn the_bench_generator_makes_a_pack_that_checks_clean() {
    let text = generate_pack(150);
    let lines = text.lines().count();
    assert!((1500..2500).contains(&lines), "{lines} lines");
    let pack = match check_pack(load_sources("generated", vec![("generated.ind".to_string(), text)])) {
        Ok(pack) => pack,
        Err(failure) => panic!("{}", render_human(&failure.sources, &failure.diagnostics)),
    };
    assert_eq!(pack.indicators.len(), 150);
    assert_eq!(pack.name, "generated");
    assert!(pack.patterns.len() >= 10);
}
