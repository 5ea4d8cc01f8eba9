//! `--format text`: a report a person reads.
//!
//! For each app: its summary, its per-category counts, each failed indicator with the facts that
//! witness it (shown as the facts themselves), each inconclusive one with its explanation, each
//! passed one with its one-line reason, what was found, and the warnings. With several apps, one
//! closing table:
//! a row per app with its id, failed/total, inconclusive, risk and the failed count of each
//! category.

use std::fmt::Write as _;

use indicia::Report;
use indicia::hir::{Pack, Verdict};

use super::found::Found;
use super::view::ReportView;
use super::words;
use crate::color::{self, paint};

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

/// How the text report looks on a terminal: with colour or without. The commands decide it once per
/// run from `--color` and `NO_COLOR` ([`crate::color::stdout`], [`Style::for_stdout`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour the verdicts (marks, counts and section headings: failed red, inconclusive yellow,
    /// passed green) and make the headings bold, with ANSI escapes.
    pub color: bool,
}

impl Style {
    /// The style of what this run writes to standard output.
    pub fn for_stdout() -> Style {
        Style { color: crate::color::stdout() }
    }
    fn fail(self, text: &str) -> String {
        paint(self.color, color::FAIL, text)
    }
    fn inconclusive(self, text: &str) -> String {
        paint(self.color, color::INCONCLUSIVE, text)
    }
    fn pass(self, text: &str) -> String {
        paint(self.color, color::PASS, text)
    }
    fn heading(self, text: &str) -> String {
        paint(self.color, color::HEADING, text)
    }
    /// A heading in the colour of a verdict.
    fn heading_in(self, verdict: anstyle::Style, text: &str) -> String {
        paint(self.color, verdict.bold(), text)
    }
}

/// The text report of one app.
pub fn render_report(view: &ReportView<'_>, style: Style) -> String {
    let report = view.report;
    let mut out = String::new();
    let _ = write!(out, "{}", style.heading(report.app_id()));
    if let Some(name) = view.app_name() {
        let _ = write!(out, " ({name})");
    }
    let version = report.pack.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let _ = writeln!(out, " against {}{version}", report.pack.name);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "  {} of {}, {}, {}; risk {:.1} (up to {:.1} if every inconclusive indicator failed)",
        style.fail(&format!("failed {}", s.failed)),
        s.total,
        style.pass(&format!("passed {}", s.passed)),
        style.inconclusive(&format!("inconclusive {}", s.inconclusive)),
        s.risk,
        s.risk_upper
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
    for (verdict, indicators) in words::by_verdict(report) {
        let (colour, mark, heading) = match verdict {
            Verdict::Fail => (color::FAIL, "✗", "failed indicators:"),
            Verdict::Inconclusive => {
                (color::INCONCLUSIVE, "?", "inconclusive indicators (what keeps each from a verdict):")
            }
            Verdict::Pass => (color::PASS, "✓", "passed indicators:"),
        };
        let _ = writeln!(out, "\n  {}", style.heading_in(colour, heading));
        let mark = paint(style.color, colour, mark);
        for indicator in indicators {
            let (id, title) = (&indicator.id, &indicator.title);
            if verdict == Verdict::Pass {
                let reason = words::pass_reason(indicator.explanation.as_ref());
                let reason = if reason.is_empty() { reason } else { format!(" — {reason}") };
                let _ = writeln!(out, "  {mark} {id}  {title}{reason}");
                continue;
            }
            let (severity, weight) = (indicator.severity.name(), indicator.weight);
            let _ = writeln!(out, "  {mark} {id}  {title}  [{severity}, weight {weight}]");
            for detail in words::details(view, indicator) {
                let _ = match detail.label {
                    Some(label) => writeln!(out, "      {label}: {}", detail.text),
                    None => writeln!(out, "      {}", detail.text),
                };
            }
        }
    }
    found_lines(&mut out, &view.found, style);
    for warning in &report.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    out
}

/// The section "what was found": one block per kind of the standard mobile schema that the pack
/// declares; a kind that was not observed says so.
fn found_lines(out: &mut String, found: &Found, style: Style) {
    if found.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  {}", style.heading("what was found:"));
    section(out, "permissions", found.permissions.as_deref(), |p| {
        let mut line = format!("{}  {}", p.name, words::or_dash(p.protection.as_deref()));
        if let Some(source) = &p.source {
            let _ = write!(line, "  ({source})");
        }
        if let Some(granted) = p.granted {
            line.push_str(if granted { "  granted" } else { "  not granted" });
        }
        line
    });
    section(out, "SDKs and trackers", found.sdks.as_deref(), |sdk| {
        format!(
            "{}  {}  kind {}  country {}",
            sdk.id,
            words::or_dash(sdk.name.as_deref()),
            words::or_dash(sdk.kind.as_deref()),
            words::or_dash(sdk.country.as_deref())
        )
    });
    section(out, "destinations", found.destinations.as_deref(), |d| {
        let mut line =
            format!("{}  country {}  data {}", d.host, words::list_or_dash(&d.countries), words::list_or_dash(&d.data));
        if !d.states.is_empty() {
            let _ = write!(line, "  state {}", d.states.join(", "));
        }
        if !d.sdks.is_empty() {
            let _ = write!(line, "  sdk {}", d.sdks.join(", "));
        }
        let flows: Vec<String> = d.flows.iter().map(ToString::to_string).collect();
        let _ = write!(line, "  (flow {})", flows.join(", "));
        line
    });
    section(out, "behaviors", found.behaviors.as_deref(), |b| {
        let mut line = format!("{}  state {}", b.kind, words::or_dash(b.state.as_deref()));
        if let Some(sdk) = &b.sdk {
            let _ = write!(line, "  sdk {sdk}");
        }
        if let Some(detail) = &b.detail {
            let _ = write!(line, "  ({detail})");
        }
        line
    });
}

/// One block of "what was found": `NAME (N):` and a line per item, or `NAME: not observed`.
fn section<T>(out: &mut String, name: &str, items: Option<&[T]>, line: impl Fn(&T) -> String) {
    match items {
        None => {
            let _ = writeln!(out, "    {name}: not observed");
        }
        Some(items) => {
            let _ = writeln!(out, "    {name} ({}):", items.len());
            for item in items {
                let _ = writeln!(out, "      {}", line(item));
            }
        }
    }
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
