//! The worked examples of the spec (`eval` ones), run through check → compile → read evidence →
//! evaluate, with both the compiled program and the reference interpreter; verdicts and
//! witnesses must match each example's expected report.

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::{Path, PathBuf};

use indicia::compile;
use indicia::hir::{Pack, ParamValues, Value, Verdict};
use indicia::outcome::{Outcome, Witness};
use serde_json::Value as Json;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/examples")
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

/// Splits `cmd` into words, honouring single quotes.
fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in cmd.trim().chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
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
    let w = words(&cmd);
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
        let oracle = indicia::reference::evaluate(&pack, &params, &evidence);
        for (k, ind) in report["indicators"].as_array().unwrap().iter().enumerate() {
            let id = ind["id"].as_str().unwrap();
            let pos = pack.indicators.iter().position(|x| x.id == id).unwrap();
            let want = expected_outcome(&pack, ind);
            assert_eq!(got.indicators[pos], want, "{name} {file}: indicator {id} (#{k}), compiled program");
            assert_eq!(oracle.indicators[pos], want, "{name} {file}: indicator {id} (#{k}), reference");
        }
    }
}

#[test]
fn report_shape() {
    run_example("01-report-shape");
}

#[test]
fn three_valued() {
    run_example("02-three-valued");
}

#[test]
fn count_intervals() {
    run_example("03-count-intervals");
}

#[test]
fn param_list_override() {
    run_example("05-param-list-override");
}

#[test]
fn observed_and_unknown() {
    run_example("06-observed-and-unknown");
}

#[test]
fn intersects() {
    run_example("07-intersects");
}

#[test]
fn binders() {
    run_example("08-binders");
}
