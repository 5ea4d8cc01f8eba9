//! Decisions as text, JSON Lines and CSV, in input order.

use indicia::policy::{Basis, Decision};
use serde::Serialize;

use super::Decided;

/// One JSON line of `decide --format json`.
#[derive(Serialize)]
struct JsonDecision<'a> {
    app: &'a str,
    platform: Option<&'a str>,
    decision: &'a str,
    reason: String,
    /// `rule` (a condition held), `unknown` (a condition was unknown) or `none` (none held).
    basis: &'static str,
    rule: Option<usize>,
    condition: Option<&'a str>,
    place: Option<&'a str>,
    indicators: &'a [String],
    source: &'a str,
}

fn basis(decision: &Decision) -> (&'static str, Option<usize>) {
    match decision.basis {
        Basis::Held(n) => ("rule", Some(n + 1)),
        Basis::Unknown(n) => ("unknown", Some(n + 1)),
        Basis::NoneHeld => ("none", None),
    }
}

fn json_decision(d: &Decided) -> JsonDecision<'_> {
    let decision = &d.decision;
    let (basis, rule) = basis(decision);
    JsonDecision {
        app: &decision.app,
        platform: decision.platform.as_deref(),
        decision: &decision.decision,
        reason: decision.reason(),
        basis,
        rule,
        condition: decision.rule.as_ref().map(|r| r.condition.as_str()),
        place: decision.rule.as_ref().map(|r| r.place.as_str()),
        indicators: &decision.indicators,
        source: &d.source,
    }
}

/// JSON Lines: one object per app.
pub fn json_lines(decided: &[Decided]) -> String {
    let mut out = String::new();
    for d in decided {
        // A struct of strings and integers always serializes.
        if let Ok(line) = serde_json::to_string(&json_decision(d)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Text: `DECISION  APP  REASON`, columns aligned, then a count per decision.
pub fn text(decided: &[Decided]) -> String {
    let width = |f: fn(&Decided) -> usize| decided.iter().map(f).max().unwrap_or(0);
    let decision_width = width(|d| d.decision.decision.chars().count());
    let app_width = width(|d| app_name(d).chars().count());
    let mut out = String::new();
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for d in decided {
        *counts.entry(&d.decision.decision).or_default() += 1;
        out.push_str(&format!(
            "{:decision_width$}  {:app_width$}  {}\n",
            d.decision.decision,
            app_name(d),
            d.decision.reason()
        ));
    }
    let summary: Vec<String> = counts.iter().map(|(name, n)| format!("{n} {name}")).collect();
    out.push_str(&format!("{} app(s): {}\n", decided.len(), summary.join(", ")));
    out
}

/// The app's id, or its source when the report has none.
fn app_name(d: &Decided) -> &str {
    if d.decision.app.is_empty() { &d.source } else { &d.decision.app }
}

/// CSV (RFC 4180) with a header row.
pub fn csv(decided: &[Decided]) -> String {
    let mut out = String::from("app,platform,decision,basis,rule,place,indicators,reason,source\r\n");
    for d in decided {
        let j = json_decision(d);
        let fields = [
            j.app.to_string(),
            j.platform.unwrap_or("").to_string(),
            j.decision.to_string(),
            j.basis.to_string(),
            j.rule.map(|n| n.to_string()).unwrap_or_default(),
            j.place.unwrap_or("").to_string(),
            j.indicators.join(" "),
            j.reason.clone(),
            j.source.to_string(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (quotes doubled). A field
/// that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_string() };
    if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
    }
}
