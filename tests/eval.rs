//! Data-driven evaluation cases: every folder of `tests/eval/` (see its README).

use std::path::{Path, PathBuf};

use serde_json::Value;

fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("tests/eval exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("pack.ind").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// `expected` is a subset of `actual`: every member it has matches; arrays match element by
/// element; numbers by value.
fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e.iter().filter(|(k, _)| !k.starts_with('$')) {
                let child = a.get(key).ok_or_else(|| format!("{path}.{key}: missing"))?;
                subset(value, child, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!("{path}: expected {} elements, got {}: {actual}", e.len(), a.len()));
            }
            e.iter().zip(a).enumerate().try_for_each(|(i, (e, a))| subset(e, a, &format!("{path}[{i}]")))
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        _ if expected == actual => Ok(()),
        _ => Err(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn engine_for(dir: &Path) -> indicia::Engine {
    let engine = match indicia::Engine::from_path(dir.join("pack.ind")) {
        Ok(engine) => engine,
        Err(indicia::EngineError::Check(indicia::CheckFailure { sources, diagnostics })) => {
            panic!("{}", indicia_syntax::render::render_human(&sources, &diagnostics))
        }
        Err(error) => panic!("{error}"),
    };
    let overrides: Vec<String> = std::fs::read_to_string(dir.join("params.txt"))
        .map(|text| text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    engine.with_param_overrides(&overrides).expect("params apply")
}

fn run_case(dir: &Path) -> Result<(), String> {
    let engine = engine_for(dir);
    let evidence = std::fs::read(dir.join("evidence.json")).map_err(|e| e.to_string())?;
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let report = engine.evaluate_json(&evidence).map_err(|e| format!("evidence rejected: {e}"))?;
    let actual = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    subset(&expected, &actual, "report")?;
    if let Some(n) = expected.get("$warnings").and_then(Value::as_u64)
        && report.warnings.len() as u64 != n
    {
        return Err(format!("expected {n} warnings, got {:?}", report.warnings));
    }
    check_reversed_facts(&engine, &evidence, &report)
}

/// Reverses every kind's facts: verdicts stay, witness indices map to `len - 1 - index`.
fn check_reversed_facts(engine: &indicia::Engine, evidence: &[u8], report: &indicia::Report) -> Result<(), String> {
    let mut json: Value = serde_json::from_slice(evidence).map_err(|e| e.to_string())?;
    let mut lengths = std::collections::HashMap::new();
    if let Some(facts) = json.get_mut("facts").and_then(Value::as_object_mut) {
        for (kind, list) in facts.iter_mut() {
            if let Some(list) = list.as_array_mut() {
                list.reverse();
                lengths.insert(kind.clone(), list.len() as u32);
            }
        }
    }
    let reversed = engine.evaluate_json(json.to_string().as_bytes()).map_err(|e| e.to_string())?;
    for (a, b) in report.indicators.iter().zip(&reversed.indicators) {
        if a.verdict != b.verdict {
            return Err(format!("{}: verdict changed with fact order", a.id));
        }
        let mut mapped: Vec<(String, u32)> = b
            .witnesses
            .iter()
            .map(|w| (w.kind.to_string(), lengths.get(&*w.kind).copied().unwrap_or(0) - 1 - w.index))
            .collect();
        mapped.sort();
        let original: Vec<(String, u32)> = a.witnesses.iter().map(|w| (w.kind.to_string(), w.index)).collect();
        if mapped != original {
            return Err(format!("{}: witnesses changed with fact order: {original:?} vs {mapped:?}", a.id));
        }
    }
    Ok(())
}

#[test]
fn every_eval_case_matches() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 40, "at least 40 cases");
    let failures: Vec<String> =
        dirs.iter().filter_map(|dir| run_case(dir).err().map(|e| format!("{}: {e}", dir.display()))).collect();
    assert!(failures.is_empty(), "{} of {} case(s) failed:\n\n{}", failures.len(), dirs.len(), failures.join("\n\n"));
}
