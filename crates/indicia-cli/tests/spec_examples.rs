//! The language's worked examples, `tests/cli/01-…` to `tests/cli/12-…` (which `cli_cases.rs`
//! runs through the binary), checked stage by stage from the same files:
//!
//! - every example's pack parses with no diagnostic;
//! - `pack.formatted.ind`: the pack formats to it, the result is a fixed point, and every comment is
//!   kept in order (`INDICIA_BLESS=1` rewrites it);
//! - the packs of the `eval` examples check clean; the two `check` examples render exactly their
//!   `check.stderr` (`BLESS=1` rewrites it), 09 its three locations in order and 10 its JSON diagnostic;
//! - the `eval` examples with evidence files (01-03, 05-08) give the verdicts and witnesses of their
//!   expected reports with both the compiled program and the reference interpreter.

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::{Path, PathBuf};

use indicia::compile;
use indicia::hir::{Pack, ParamValues, Value, Verdict};
use indicia::load::{check_pack, load_sources};
use indicia::outcome::{Outcome, Witness};
use indicia_syntax::fmt::format_source;
use indicia_syntax::render::{render_human, render_json};
use indicia_syntax::{FileId, SourceMap, parser};
use serde_json::Value as Json;

/// The specification's examples: (case folder under `tests/cli`, its pack's files).
const EXAMPLES: &[(&str, &[&str])] = &[
    ("01-report-shape", &["pack.ind"]),
    ("02-three-valued", &["pack.ind"]),
    ("03-count-intervals", &["pack.ind"]),
    ("04-batch-rejected-line", &["pack.ind"]),
    ("05-param-list-override", &["pack.ind"]),
    ("06-observed-and-unknown", &["pack.ind"]),
    ("07-intersects", &["pack.ind"]),
    ("08-binders", &["pack.ind"]),
    ("09-check-three-errors", &["pack.ind"]),
    ("10-check-json", &["pack.ind"]),
    ("11-test-blocks", &["pack/rules.ind", "pack/tests/permissions.ind"]),
    ("12-evidence-rejected", &["pack.ind"]),
];

/// The two `check` examples: their packs do not check.
const CHECK_EXAMPLES: &[&str] = &["09-check-three-errors", "10-check-json"];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli")
}

/// An example's pack files, as (name shown in diagnostics, text).
fn pack_files(name: &str, files: &[&str]) -> Vec<(String, String)> {
    files.iter().map(|f| (f.to_string(), std::fs::read_to_string(dir().join(name).join(f)).unwrap())).collect()
}

/// A `--param NAME=VALUE` as the CLI would read it, typed by the param's declared type.
fn param_value(pack: &Pack, name: &str, text: &str) -> (usize, Value) {
    let id = pack.param_id(name).unwrap_or_else(|| panic!("no param {name}"));
    let ty = pack.params[id.index()].ty;
    let json: Json = serde_json::from_str(text).unwrap_or(Json::String(text.to_string()));
    fn scalar(j: &Json, float: bool) -> Value {
        match j {
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) if float || n.is_f64() => Value::Float(n.as_f64().unwrap()),
            Json::Number(n) => Value::Int(n.as_i64().unwrap()),
            Json::String(s) => Value::Str(s.as_str().into()),
            other => panic!("unexpected param value {other}"),
        }
    }
    let float = ty.scalar == indicia::hir::ScalarType::Float;
    let v = match &json {
        Json::Array(items) => Value::List(items.iter().map(|i| scalar(i, float)).collect()),
        j => scalar(j, float),
    };
    (id.index(), v)
}

fn expected_outcome(pack: &Pack, ind: &Json) -> Outcome {
    let verdict = match ind["verdict"].as_str().unwrap() {
        "fail" => Verdict::Fail,
        "pass" => Verdict::Pass,
        _ => Verdict::Inconclusive,
    };
    // The report sorts witnesses by kind name; outcomes by kind id (the report layer re-sorts).
    let mut witnesses: Vec<Witness> = ind["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| Witness {
            kind: pack.schema.kind_id(w["kind"].as_str().unwrap()).unwrap(),
            index: u32::try_from(w["index"].as_u64().unwrap()).unwrap(),
        })
        .collect();
    witnesses.sort();
    Outcome { verdict, witnesses, explanation: None }
}

fn run_example(name: &str) {
    let d = dir().join(name);
    let cmd = std::fs::read_to_string(d.join("cmd")).unwrap();
    let w = shlex::split(cmd.trim()).unwrap();
    let pack = indicia::load::check_path(&d.join("pack.ind")).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let mut params = ParamValues::defaults(&pack);
    let mut files = Vec::new();
    let mut i = 1;
    while i < w.len() {
        match w[i].as_str() {
            "--rules" => i += 1,
            "--param" => {
                i += 1;
                let (n, v) = w[i].split_once('=').unwrap();
                let (id, v) = param_value(&pack, n, v);
                params.0[id] = v;
            }
            f => files.push(f.to_string()),
        }
        i += 1;
    }
    let program = compile::compile(&pack, &params).unwrap();
    let expected = std::fs::read_to_string(d.join("expected.stdout")).unwrap();
    let reports: Vec<Json> =
        serde_json::Deserializer::from_str(&expected).into_iter::<Json>().map(|r| r.unwrap()).collect();
    assert_eq!(reports.len(), files.len(), "{name}: one report per evidence file");
    for (file, report) in files.iter().zip(&reports) {
        let bytes = std::fs::read(d.join(file)).unwrap();
        let evidence = indicia::evidence::read_evidence(&bytes, &pack.schema, program.symbols()).unwrap();
        let got = indicia::eval::evaluate_once(&program, &evidence);
        let oracle = indicia_testkit::reference::evaluate(&pack, &params, &evidence);
        for (k, ind) in report["indicators"].as_array().unwrap().iter().enumerate() {
            let id = ind["id"].as_str().unwrap();
            let pos = pack.indicators.iter().position(|x| x.id == id).unwrap();
            let want = expected_outcome(&pack, ind);
            assert_eq!(got.indicators[pos], want, "{name} {file}: indicator {id} (#{k}), compiled program");
            assert_eq!(oracle.indicators[pos], want, "{name} {file}: indicator {id} (#{k}), reference");
        }
    }
}

/// The `eval` examples of one app each, whose expected reports are compared outcome by outcome
/// (04 is a batch, 12 rejects its evidence: `cli_cases.rs` runs those).
const EVAL_EXAMPLES: &[&str] = &[
    "01-report-shape",
    "02-three-valued",
    "03-count-intervals",
    "05-param-list-override",
    "06-observed-and-unknown",
    "07-intersects",
    "08-binders",
];

#[test]
fn eval_examples_give_their_reports_compiled_and_by_the_reference_interpreter() {
    for name in EVAL_EXAMPLES {
        assert!(EXAMPLES.iter().any(|(example, _)| example == name));
        run_example(name);
    }
}

#[test]
fn every_example_parses_clean() {
    for (name, files) in EXAMPLES {
        for (file, text) in pack_files(name, files) {
            let mut sources = SourceMap::new();
            let id = sources.add(format!("{name}/{file}"), text.as_str());
            let (parsed, diags) = parser::parse(id, &text);
            assert!(diags.is_empty(), "{name}/{file}:\n{}", render_human(&sources, &diags));
            assert!(!parsed.decls.is_empty(), "{name}/{file}: no declarations");
            assert!(
                !parsed.decls.iter().any(|d| matches!(d, indicia_syntax::ast::Decl::Broken(_))),
                "{name}/{file}: a broken declaration without a diagnostic"
            );
        }
    }
}

fn comment_texts(text: &str) -> Vec<String> {
    parser::parse(FileId(0), text).0.comments.iter().map(|c| c.text.trim_end().to_owned()).collect()
}

#[test]
fn every_single_file_example_formats_to_its_golden() {
    let bless = std::env::var_os("INDICIA_BLESS").is_some();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, files) in EXAMPLES {
        let golden = dir().join(name).join("pack.formatted.ind");
        if files.len() != 1 {
            assert!(!golden.exists(), "{name}: a golden for a pack of several files");
            continue;
        }
        let text = std::fs::read_to_string(dir().join(name).join("pack.ind")).unwrap();
        let actual = format_source(FileId(0), &text).unwrap_or_else(|d| panic!("{name} does not parse: {d:?}"));
        if bless {
            std::fs::write(&golden, &actual).unwrap();
        } else if std::fs::read_to_string(&golden).unwrap_or_default() != actual {
            failures.push(format!("{}: output differs\n--- actual ---\n{actual}", golden.display()));
        }
        assert_eq!(format_source(FileId(0), &actual).unwrap(), actual, "{name}: formatting is not idempotent");
        assert_eq!(comment_texts(&text), comment_texts(&actual), "{name}: comments lost or reordered");
        checked += 1;
    }
    assert_eq!(checked, 11);
    assert!(failures.is_empty(), "{}\n(run with INDICIA_BLESS=1 to accept)", failures.join("\n"));
}

/// Checks an example's pack: `Ok` when it checks clean, else its diagnostics rendered for people.
fn check(name: &str, files: &[&str]) -> Result<(), String> {
    match check_pack(load_sources(name, pack_files(name, files))) {
        Ok(_) => Ok(()),
        Err(failure) => Err(render_human(&failure.sources, &failure.diagnostics)),
    }
}

#[test]
fn eval_examples_check_clean_and_check_examples_render_their_golden_stderr() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut mismatches = Vec::new();
    for (name, files) in EXAMPLES {
        let golden = dir().join(name).join("check.stderr");
        match check(name, files) {
            Ok(()) => {
                assert!(!CHECK_EXAMPLES.contains(name), "{name} checks clean");
                assert!(!golden.exists(), "{name}: a golden for a pack that checks clean");
            }
            Err(rendered) => {
                assert!(CHECK_EXAMPLES.contains(name), "{name} does not check clean:\n{rendered}");
                if bless {
                    std::fs::write(&golden, &rendered).unwrap();
                } else if std::fs::read_to_string(&golden).unwrap_or_default() != rendered {
                    mismatches.push(format!("--- {}\n{rendered}", golden.display()));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "golden mismatch(es) (BLESS=1 to accept):\n{}", mismatches.join("\n"));
}

/// `FILE:LINE:COLUMN` of each diagnostic, in the order rendered.
fn locations(rendered: &str) -> Vec<String> {
    rendered.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::to_string).collect()
}

#[test]
fn example_09_three_errors_in_order() {
    let rendered = check("09-check-three-errors", &["pack.ind"]).unwrap_err();
    assert_eq!(locations(&rendered), vec!["pack.ind:8:51", "pack.ind:14:35", "pack.ind:19:13"]);
}

#[test]
fn example_10_json_diagnostic() {
    let failure = check_pack(load_sources("pack", pack_files("10-check-json", &["pack.ind"]))).unwrap_err();
    let json: Json = serde_json::from_str(&render_json(&failure.sources, &failure.diagnostics)).unwrap();
    // The members of the specification, then the diagnostic's code (docs/language.md, "Diagnostic codes").
    let expected = serde_json::json!([{
        "severity": "error",
        "message": "a `where` body takes `bool`, found `int`",
        "file": "pack.ind",
        "line": 17,
        "column": 24,
        "end_line": 17,
        "end_column": 28,
        "code": "E0501"
    }]);
    assert_eq!(json, expected);
}
