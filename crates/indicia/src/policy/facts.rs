//! A report as evidence for a policy: one `report` fact and one `result` fact per indicator,
//! in the report's order (so a witness's index is the indicator's place in the report).
//!
//! An inconclusive indicator has `failed` and `passed` null: every predicate on them is unknown,
//! so `any result where failed` is unknown and `count(result where failed)` an interval.

use serde::Serialize;

use crate::hir::Verdict;
use crate::report::Report;

/// The evidence object written for a report.
#[derive(Serialize)]
struct ReportEvidence<'a> {
    app: AppId<'a>,
    collected: [&'static str; 2],
    facts: ReportFacts<'a>,
}

/// The evidence's `app`: only its id, which evidence requires (empty when the report has none;
/// the policy reads `report.app_id`, which is then null).
#[derive(Serialize)]
struct AppId<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct ReportFacts<'a> {
    report: [ReportFact<'a>; 1],
    result: Vec<IndicatorFact<'a>>,
}

#[derive(Serialize)]
struct ReportFact<'a> {
    app_id: Option<&'a str>,
    platform: Option<&'a str>,
    app_name: Option<&'a str>,
    pack: &'a str,
    risk: f64,
    risk_upper: f64,
}

#[derive(Serialize)]
struct IndicatorFact<'a> {
    id: &'a str,
    title: &'a str,
    category_name: &'a str,
    severity: &'static str,
    verdict: &'static str,
    failed: Option<bool>,
    passed: Option<bool>,
    inconclusive: bool,
    weight: f64,
}

/// The evidence JSON for `report`, with the verdict of indicator `flip.0` replaced by `flip.1`
/// when given (to find which inconclusive indicators an unknown condition depends on).
pub fn evidence_json(report: &Report, flip: Option<(usize, Verdict)>, out: &mut Vec<u8>) {
    let text = |key: &str| report.app.get(key).and_then(|v| v.as_str());
    let result = report
        .indicators
        .iter()
        .enumerate()
        .map(|(index, i)| {
            let verdict = match flip {
                Some((at, verdict)) if at == index => verdict,
                _ => i.verdict,
            };
            let known = |v: Verdict| (verdict != Verdict::Inconclusive).then_some(verdict == v);
            IndicatorFact {
                id: &i.id,
                title: &i.title,
                category_name: &i.category,
                severity: i.severity.name(),
                verdict: verdict.name(),
                failed: known(Verdict::Fail),
                passed: known(Verdict::Pass),
                inconclusive: verdict == Verdict::Inconclusive,
                weight: i.weight,
            }
        })
        .collect();
    let evidence = ReportEvidence {
        app: AppId { id: text("id").unwrap_or("") },
        collected: ["report", "result"],
        facts: ReportFacts {
            report: [ReportFact {
                app_id: text("id"),
                platform: text("platform"),
                app_name: text("name"),
                pack: &report.pack.name,
                risk: report.summary.risk,
                risk_upper: report.summary.risk_upper,
            }],
            result,
        },
    };
    out.clear();
    // Writing plain structs of strings and numbers to a Vec cannot fail; a non-finite number
    // (impossible in a report read from JSON) would leave `out` empty, which the reader rejects.
    if serde_json::to_writer(&mut *out, &evidence).is_err() {
        out.clear();
    }
}
