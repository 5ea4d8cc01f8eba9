//! The wording every human-facing rendering shares (text, HTML, Markdown, SARIF messages): an
//! explanation part by part, the one-line reason of a passed indicator, a witness as its fact.

use indicia::Report;
use indicia::hir::Verdict;
use indicia::report::{ExplanationReport, IndicatorReport};

use super::view::ReportView;

/// One part of an explanation: what it says (`not observed`, `missing`…) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The label: `not observed`, `missing`, `no conclusion on purpose`, `undecided`, `could fail through`.
    pub label: &'static str,
    /// The text after the label.
    pub text: String,
}

/// The parts of an inconclusive indicator's explanation, in the order docs/report.md lists them.
pub fn explanation_parts(view: &ReportView<'_>, e: &ExplanationReport) -> Vec<Part> {
    let mut parts = Vec::new();
    if !e.unobserved.is_empty() {
        parts.push(Part { label: "not observed", text: e.unobserved.join(", ") });
    }
    for m in &e.missing {
        parts.push(Part { label: "missing", text: format!("{}[{}].{}", m.kind, m.index, m.field) });
    }
    for u in &e.unknowns {
        parts.push(Part {
            label: "no conclusion on purpose",
            text: format!("`unknown` in {} {} ({}:{})", u.owner, u.name, u.file, u.line),
        });
    }
    for fact in &e.undecided {
        parts.push(Part { label: "undecided", text: view.fact_line(fact) });
    }
    for fact in &e.supporting {
        parts.push(Part { label: "could fail through", text: view.fact_line(fact) });
    }
    parts
}

/// The indicators of `report` grouped by verdict, in the order the human forms list them — failed,
/// inconclusive, passed — each group in report order; empty groups are left out.
pub fn by_verdict(report: &Report) -> Vec<(Verdict, Vec<&IndicatorReport>)> {
    [Verdict::Fail, Verdict::Inconclusive, Verdict::Pass]
        .into_iter()
        .map(|verdict| (verdict, report.indicators.iter().filter(|i| i.verdict == verdict).collect::<Vec<_>>()))
        .filter(|(_, indicators)| !indicators.is_empty())
        .collect()
}

/// One line under a failed or inconclusive indicator: a witness (no label), or a part of the
/// explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The explanation part's label (`not observed`, `missing`…), `None` for a witness.
    pub label: Option<&'static str>,
    /// The witness as its fact (`permission[0] {…}`), or the part's text.
    pub text: String,
}

/// What the text and Markdown forms print under a failed or inconclusive indicator, a line each: its
/// witnesses, or its explanation's parts. Nothing for a passed one.
pub fn details(view: &ReportView<'_>, indicator: &IndicatorReport) -> Vec<Detail> {
    match indicator.verdict {
        Verdict::Fail => indicator.witnesses.iter().map(|w| Detail { label: None, text: view.fact_line(w) }).collect(),
        Verdict::Inconclusive => indicator
            .explanation
            .as_ref()
            .map(|e| explanation_parts(view, e))
            .unwrap_or_default()
            .into_iter()
            .map(|part| Detail { label: Some(part.label), text: part.text })
            .collect(),
        Verdict::Pass => Vec::new(),
    }
}

/// The one-line reason of a passed indicator: `decided by the K, … facts; K, … not observed`, or
/// `false whatever the evidence` when nothing of the evidence decided it.
pub fn pass_reason(e: Option<&ExplanationReport>) -> String {
    let Some(e) = e else { return String::new() };
    let mut parts = Vec::new();
    if !e.decided.is_empty() {
        parts.push(format!("decided by the {} facts", e.decided.join(", ")));
    }
    if !e.unobserved.is_empty() {
        parts.push(format!("{} not observed", e.unobserved.join(", ")));
    }
    if parts.is_empty() {
        return "false whatever the evidence".to_string();
    }
    parts.join("; ")
}

/// A list of strings as `a, b, c`, or `—` when empty.
pub fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() { "—".to_string() } else { items.join(", ") }
}

/// An optional string, or `—`.
pub fn or_dash(value: Option<&str>) -> &str {
    value.unwrap_or("—")
}
