//! `--format sarif`: SARIF 2.1.0 (OASIS) for code-scanning tools and CI.
//!
//! One run per app. The tool's driver is indicia, with one rule per indicator of the pack (its title,
//! its severity as the default level, its category, weight and refs as properties). Each failed
//! indicator is a result of kind `fail` with the level of its severity; each inconclusive one a result
//! of kind `open` (SARIF: the tool could not decide) with level `none`, as SARIF requires for any kind
//! but `fail`. Passed indicators give no result. Every result is located at the app file, and carries
//! its witnesses (with their facts) or its explanation, in words in `message` and as data in
//! `properties`. The evidence warnings are the invocation's notifications; the app, the pack, the
//! summary and what was found are the run's properties (docs/report.md, "SARIF").

use indicia::hir::{Severity, Verdict};
use indicia::report::IndicatorReport;
use serde_json::{Value, json};

use super::view::ReportView;
use super::words;

/// The schema a log names in `$schema`: the OASIS standard's, errata 01.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A SARIF log of the given runs.
pub fn log(runs: &[Value]) -> Value {
    json!({ "$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs })
}

/// The SARIF level of a failed indicator of this severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The run of one app's report.
pub fn run(view: &ReportView<'_>) -> Value {
    let report = view.report;
    let uri = view.source.map(indicia_lsp::encode_path);
    let rules: Vec<Value> = report.indicators.iter().map(rule).collect();
    let results: Vec<Value> = report
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.verdict != Verdict::Pass)
        .map(|(index, indicator)| result(view, index, indicator, uri.as_deref()))
        .collect();
    let notifications: Vec<Value> =
        report.warnings.iter().map(|w| json!({ "level": "warning", "message": { "text": w } })).collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "indicia",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }
        },
        "invocations": [ { "executionSuccessful": true, "toolExecutionNotifications": notifications } ],
        "results": results,
        "properties": {
            "app": report.app,
            "pack": report.pack,
            "summary": report.summary,
            "found": view.found,
        },
    });
    if let (Some(uri), Some(object)) = (&uri, run.as_object_mut()) {
        object.insert("artifacts".to_owned(), json!([ { "location": { "uri": uri }, "roles": ["analysisTarget"] } ]));
    }
    run
}

/// The rule of one indicator.
fn rule(indicator: &IndicatorReport) -> Value {
    json!({
        "id": indicator.id,
        "shortDescription": { "text": indicator.title },
        "defaultConfiguration": { "level": level(indicator.severity) },
        "properties": {
            "category": indicator.category,
            "severity": indicator.severity.name(),
            "weight": indicator.weight,
            "refs": indicator.refs,
            "tags": [indicator.category],
        },
    })
}

/// The result of one failed or inconclusive indicator (`index` is its rule's index).
fn result(view: &ReportView<'_>, index: usize, indicator: &IndicatorReport, uri: Option<&str>) -> Value {
    let failed = indicator.verdict == Verdict::Fail;
    let mut lines = vec![format!("{}: {}", indicator.title, if failed { "failed" } else { "inconclusive" })];
    if failed {
        lines.extend(indicator.witnesses.iter().map(|w| format!("witness: {}", view.fact_line(w))));
    } else if let Some(e) = &indicator.explanation {
        lines.extend(words::explanation_parts(view, e).into_iter().map(|p| format!("{}: {}", p.label, p.text)));
    }
    let witnesses: Vec<Value> =
        indicator.witnesses.iter().map(|w| json!({ "kind": w.kind, "index": w.index, "fact": view.fact(w) })).collect();
    let mut properties = json!({
        "verdict": if failed { "fail" } else { "inconclusive" },
        "category": indicator.category,
        "severity": indicator.severity.name(),
        "weight": indicator.weight,
        "witnesses": witnesses,
    });
    if let (Some(e), Some(object)) = (&indicator.explanation, properties.as_object_mut()) {
        object.insert("explanation".to_owned(), serde_json::to_value(e).unwrap_or(Value::Null));
    }
    let mut location = json!({
        "logicalLocations": [ { "name": view.report.app_id(), "kind": "module" } ],
    });
    if let (Some(uri), Some(object)) = (uri, location.as_object_mut()) {
        object.insert("physicalLocation".to_owned(), json!({ "artifactLocation": { "uri": uri, "index": 0 } }));
    }
    json!({
        "ruleId": indicator.id,
        "ruleIndex": index,
        "kind": if failed { "fail" } else { "open" },
        "level": if failed { level(indicator.severity) } else { "none" },
        "message": { "text": lines.join("\n") },
        "locations": [location],
        "properties": properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
    }
}
