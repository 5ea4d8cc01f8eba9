//! `--format text`: a report a person reads.
//!
//! For each app: its summary, its per-category counts, and each failed indicator with the
//! facts that witness it, shown as the facts themselves. With several apps, one closing table:
//! a row per app with its id, failed/total, inconclusive, risk and the failed count of each
//! category.

use std::fmt::Write as _;

use indicia::Report;
use indicia::evidence::Evidence;
use indicia::hir::{Pack, Verdict};
use indicia::report::{ExplanationReport, WitnessRef};

/// One row of the closing table.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    /// The app's id.
    pub app: String,
    /// Failed indicators.
    pub failed: usize,
    /// All indicators.
    pub total: usize,
    /// Inconclusive indicators.
    pub inconclusive: usize,
    /// The risk score.
    pub risk: f64,
    /// The upper bound of the risk score.
    pub risk_upper: f64,
    /// Failed indicators per category, in report order.
    pub failed_per_category: Vec<usize>,
}

impl SummaryRow {
    /// The row of one report.
    pub fn of(report: &Report) -> SummaryRow {
        SummaryRow {
            app: report.app_id().to_string(),
            failed: report.summary.failed,
            total: report.summary.total,
            inconclusive: report.summary.inconclusive,
            risk: report.summary.risk,
            risk_upper: report.summary.risk_upper,
            failed_per_category: report.categories.iter().map(|c| c.failed).collect(),
        }
    }
}

/// The text report of one app.
pub fn render_report(pack: &Pack, evidence: &Evidence, report: &Report) -> String {
    let mut out = String::new();
    let name = report.app.get("name").and_then(|v| v.as_str());
    let _ = write!(out, "{}", report.app_id());
    if let Some(name) = name {
        let _ = write!(out, " ({name})");
    }
    let version = report.pack.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let _ = writeln!(out, " against {}{version}", report.pack.name);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "  failed {} of {}, passed {}, inconclusive {}; risk {:.1} (up to {:.1} if every inconclusive indicator failed)",
        s.failed, s.total, s.passed, s.inconclusive, s.risk, s.risk_upper
    );
    let width = report.categories.iter().map(|c| c.title.chars().count()).max().unwrap_or(8).max(8);
    let _ = writeln!(out, "\n  {:<width$}  total  failed  passed  inconclusive", "category");
    for c in &report.categories {
        let _ = writeln!(
            out,
            "  {:<width$}  {:>5}  {:>6}  {:>6}  {:>12}",
            c.title, c.total, c.failed, c.passed, c.inconclusive
        );
    }
    let failed: Vec<_> = report.indicators.iter().filter(|i| i.verdict == Verdict::Fail).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n  failed indicators:");
    }
    for indicator in failed {
        let _ = writeln!(
            out,
            "  ✗ {}  {}  [{}, weight {}]",
            indicator.id,
            indicator.title,
            indicator.severity.name(),
            indicator.weight
        );
        for witness in &indicator.witnesses {
            let _ = writeln!(out, "      {}", fact_line(pack, evidence, witness));
        }
    }
    let inconclusive: Vec<_> = report.indicators.iter().filter(|i| i.verdict == Verdict::Inconclusive).collect();
    if !inconclusive.is_empty() {
        let _ = writeln!(out, "\n  inconclusive indicators (what keeps each from a verdict):");
    }
    for indicator in inconclusive {
        let _ = writeln!(
            out,
            "  ? {}  {}  [{}, weight {}]",
            indicator.id,
            indicator.title,
            indicator.severity.name(),
            indicator.weight
        );
        if let Some(e) = &indicator.explanation {
            explanation_lines(&mut out, pack, evidence, e);
        }
    }
    let passed: Vec<_> = report.indicators.iter().filter(|i| i.verdict == Verdict::Pass).collect();
    if !passed.is_empty() {
        let _ = writeln!(out, "\n  passed indicators:");
    }
    for indicator in passed {
        let reason = indicator.explanation.as_ref().map(pass_reason).unwrap_or_default();
        let _ = writeln!(out, "  ✓ {}  {}{reason}", indicator.id, indicator.title);
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    out
}

/// A fact as `kind[index] {fields}`.
fn fact_line(pack: &Pack, evidence: &Evidence, fact: &WitnessRef) -> String {
    let json = pack
        .schema
        .kind_id(&fact.kind)
        .map(|kind| evidence.fact_json(&pack.schema, kind, fact.index as usize))
        .map(|v| v.to_string())
        .unwrap_or_default();
    format!("{}[{}] {json}", fact.kind, fact.index)
}

/// The lines of an inconclusive indicator's explanation.
fn explanation_lines(out: &mut String, pack: &Pack, evidence: &Evidence, e: &ExplanationReport) {
    if !e.unobserved.is_empty() {
        let _ = writeln!(out, "      not observed: {}", e.unobserved.join(", "));
    }
    for m in &e.missing {
        let _ = writeln!(out, "      missing: {}[{}].{}", m.kind, m.index, m.field);
    }
    for u in &e.unknowns {
        let _ = writeln!(
            out,
            "      no conclusion on purpose: `unknown` in {} {} ({}:{})",
            u.owner, u.name, u.file, u.line
        );
    }
    for fact in &e.undecided {
        let _ = writeln!(out, "      undecided: {}", fact_line(pack, evidence, fact));
    }
    for fact in &e.supporting {
        let _ = writeln!(out, "      could fail through: {}", fact_line(pack, evidence, fact));
    }
}

/// The one-line reason of a passed indicator: ` — decided by K, …; K, … not observed`.
fn pass_reason(e: &ExplanationReport) -> String {
    let mut parts = Vec::new();
    if !e.decided.is_empty() {
        parts.push(format!("decided by the {} facts", e.decided.join(", ")));
    }
    if !e.unobserved.is_empty() {
        parts.push(format!("{} not observed", e.unobserved.join(", ")));
    }
    if parts.is_empty() {
        return " — false whatever the evidence".to_string();
    }
    format!(" — {}", parts.join("; "))
}

/// The closing table over several apps.
pub fn closing_table(pack: &Pack, rows: &[SummaryRow]) -> String {
    let mut categories: Vec<&str> = pack.categories.iter().map(|c| c.id.as_str()).collect();
    categories.sort_unstable();
    let app_width = rows.iter().map(|r| r.app.chars().count()).max().unwrap_or(3).max(3);
    let mut out = String::new();
    let _ = write!(out, "\n{:<app_width$}  failed  inconclusive   risk  risk_upper", "app");
    for c in &categories {
        let _ = write!(out, "  {c}");
    }
    out.push('\n');
    for row in rows {
        let failed = format!("{}/{}", row.failed, row.total);
        let _ = write!(
            out,
            "{:<app_width$}  {:>6}  {:>12}  {:>5.1}  {:>10.1}",
            row.app, failed, row.inconclusive, row.risk, row.risk_upper
        );
        for (c, count) in categories.iter().zip(&row.failed_per_category) {
            let _ = write!(out, "  {:>w$}", count, w = c.chars().count());
        }
        out.push('\n');
    }
    out
}
