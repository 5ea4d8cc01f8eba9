//! `--format sarif` against the official SARIF 2.1.0 JSON schema (tests/data/sarif, with its source and
//! licence), formats included: the logs of the built-in pack on every example evidence file, on one
//! real APK and on evidence read from standard input (no file to locate); and what the log says.
#![cfg(test)]

mod common;

use std::path::PathBuf;

use common::{root, run, run_with_input, succeeded};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif/sarif-schema-2.1.0.json")).unwrap();
    // The schema's `language` patterns (of `run` and `toolComponent`), `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`,
    // have a stray `]`, a literal `]` in ECMA-262 regexes, which the validator's check of the schema itself
    // rejects. The file is kept as published; here that `]` is escaped, which matches the same strings.
    // Every format (`uri`, `uri-reference`, `date-time`…) is checked.
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(stray).count(), 2);
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn indicia(args: &[&str], stdin: Option<&[u8]>) -> Value {
    let output = match stdin {
        Some(stdin) => run_with_input(args, stdin),
        None => run(args),
    };
    serde_json::from_str(&succeeded(args, output)).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let errors: Vec<String> = validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: not valid SARIF 2.1.0:\n{}", errors.join("\n"));
}

/// The log of `scored` against the JSON report of the same input: a rule per indicator, a result per
/// failed or inconclusive one, with the level of its severity (failed) or `none` (inconclusive).
fn assert_matches_report(log: &Value, report: &Value, uri: Option<&str>) {
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let indicators = report["indicators"].as_array().unwrap();
    assert_eq!(rules.len(), indicators.len());
    let results = run["results"].as_array().unwrap();
    let open: Vec<&Value> = indicators.iter().filter(|i| i["verdict"] != "pass").collect();
    assert_eq!(results.len(), open.len());
    for (result, indicator) in results.iter().zip(open) {
        assert_eq!(result["ruleId"], indicator["id"]);
        assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], indicator["id"]);
        let level = match indicator["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        if indicator["verdict"] == "fail" {
            assert_eq!((result["kind"].as_str(), result["level"].as_str()), (Some("fail"), Some(level)));
            assert_eq!(
                result["properties"]["witnesses"].as_array().unwrap().len(),
                indicator["witnesses"].as_array().unwrap().len()
            );
            assert!(result["properties"]["witnesses"].as_array().unwrap().iter().all(|w| w["fact"].is_object()));
        } else {
            assert_eq!((result["kind"].as_str(), result["level"].as_str()), (Some("open"), Some("none")));
            assert!(result["properties"]["explanation"].is_object(), "{result}");
            assert!(result["message"]["text"].as_str().unwrap().lines().count() > 1, "the explanation in words");
        }
        let location = &result["locations"][0];
        assert_eq!(location["physicalLocation"]["artifactLocation"]["uri"].as_str(), uri);
        assert_eq!(location["logicalLocations"][0]["name"], report["app"]["id"]);
    }
}

#[test]
fn logs_are_valid_sarif_and_say_what_the_report_says() {
    let validator = validator();
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(root().join("examples/evidence")).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    for path in &fixtures {
        let rel = format!("examples/evidence/{}", path.file_name().unwrap().to_string_lossy());
        let log = indicia(&["eval", "--format", "sarif", &rel], None);
        assert_valid(&validator, &log, &rel);
        let report = indicia(&["eval", "--explain", &rel], None);
        assert_matches_report(&log, &report, Some(&rel));
    }
    let apk = "tests/data/extract/apk/a2dp.Vol_137.apk";
    let log = indicia(&["scan", apk, "--format", "sarif"], None);
    assert_valid(&validator, &log, apk);
    let report = indicia(&["scan", apk, "--format", "json"], None);
    assert_matches_report(&log, &report, Some(apk));
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());

    let evidence = std::fs::read(&fixtures[0]).unwrap();
    let log = indicia(&["eval", "--format", "sarif", "-"], Some(&evidence));
    assert_valid(&validator, &log, "standard input");
    let report = indicia(&["eval", "--explain", "-"], Some(&evidence));
    assert_matches_report(&log, &report, None);
}

#[test]
fn the_schema_rejects_what_is_not_sarif() {
    // The check can fail: a log without `version`, and a result with an unknown level.
    let validator = validator();
    assert!(!validator.is_valid(&serde_json::json!({ "runs": [] })));
    let bad = serde_json::json!({ "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "x" } },
        "results": [ { "message": { "text": "m" }, "level": "severe" } ] } ] });
    assert!(!validator.is_valid(&bad));
}
