//! `--format markdown`: one app's report for an issue tracker (GitHub-flavoured Markdown: tables,
//! code spans; no HTML). The summary and the categories as tables, each failed indicator with its
//! witnesses, each inconclusive one with its explanation, the passed ones one line each, what was
//! found, and the warnings (docs/report.md, "Markdown").

use std::fmt::Write as _;

use indicia::hir::Verdict;

use super::view::ReportView;
use super::words;

/// The Markdown report of one app.
pub fn render(view: &ReportView<'_>) -> String {
    let report = view.report;
    let mut out = String::new();
    let _ = write!(out, "## {}", text(report.app_id()));
    if let Some(name) = view.app_name() {
        let _ = write!(out, " ({})", text(name));
    }
    let version = report.pack.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
    let _ = writeln!(out, "\n\nScored against **{}{}**{}.\n", text(&report.pack.name), text(&version), source(view));
    let s = &report.summary;
    out.push_str("| failed | passed | inconclusive | risk | risk (upper) |\n|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} of {} | {} | {} | {:.1} | {:.1} |\n",
        s.failed, s.total, s.passed, s.inconclusive, s.risk, s.risk_upper
    );
    out.push_str("| category | failed | inconclusive | passed | total |\n|---|---:|---:|---:|---:|\n");
    for c in &report.categories {
        let _ =
            writeln!(out, "| {} | {} | {} | {} | {} |", text(&c.title), c.failed, c.inconclusive, c.passed, c.total);
    }
    let failed: Vec<_> = report.failed().collect();
    if !failed.is_empty() {
        out.push_str("\n### Failed\n\n");
    }
    for indicator in failed {
        let _ = writeln!(
            out,
            "- **{}** {} _({}, weight {})_",
            text(&indicator.id),
            text(&indicator.title),
            indicator.severity.name(),
            indicator.weight
        );
        for witness in &indicator.witnesses {
            let _ = writeln!(out, "  - {}", code(&view.fact_line(witness)));
        }
    }
    let inconclusive: Vec<_> = report.indicators.iter().filter(|i| i.verdict == Verdict::Inconclusive).collect();
    if !inconclusive.is_empty() {
        out.push_str("\n### Inconclusive\n\n");
    }
    for indicator in inconclusive {
        let _ = writeln!(
            out,
            "- **{}** {} _({}, weight {})_",
            text(&indicator.id),
            text(&indicator.title),
            indicator.severity.name(),
            indicator.weight
        );
        for part in indicator.explanation.as_ref().map(|e| words::explanation_parts(view, e)).unwrap_or_default() {
            let _ = writeln!(out, "  - {}: {}", part.label, code(&part.text));
        }
    }
    let passed: Vec<_> = report.indicators.iter().filter(|i| i.verdict == Verdict::Pass).collect();
    if !passed.is_empty() {
        out.push_str("\n### Passed\n\n");
    }
    for indicator in passed {
        let reason = words::pass_reason(indicator.explanation.as_ref());
        let reason = if reason.is_empty() { reason } else { format!(" — {}", text(&reason)) };
        let _ = writeln!(out, "- **{}** {}{reason}", text(&indicator.id), text(&indicator.title));
    }
    found(&mut out, view);
    if !report.warnings.is_empty() {
        out.push_str("\n### Warnings\n\n");
        for warning in &report.warnings {
            let _ = writeln!(out, "- {}", text(warning));
        }
    }
    out
}

/// ` (file `F`)` when the report names its file.
fn source(view: &ReportView<'_>) -> String {
    view.source.map(|s| format!(" (file {})", code(s))).unwrap_or_default()
}

/// "What was found": a table per kind, or "not observed".
fn found(out: &mut String, view: &ReportView<'_>) {
    let found = &view.found;
    if found.is_empty() {
        return;
    }
    out.push_str("\n### What was found\n");
    table(
        out,
        "Permissions",
        &["permission", "protection level", "source", "granted"],
        found.permissions.as_deref(),
        |p| {
            vec![
                code(&p.name),
                text(words::or_dash(p.protection.as_deref())),
                text(words::or_dash(p.source.as_deref())),
                p.granted.map_or("—", |g| if g { "yes" } else { "no" }).to_string(),
            ]
        },
    );
    table(out, "SDKs and trackers", &["id", "name", "kind", "country"], found.sdks.as_deref(), |s| {
        vec![
            code(&s.id),
            text(words::or_dash(s.name.as_deref())),
            text(words::or_dash(s.kind.as_deref())),
            text(words::or_dash(s.country.as_deref())),
        ]
    });
    table(
        out,
        "Network destinations",
        &["host", "country", "data types", "state", "SDK", "flows"],
        found.destinations.as_deref(),
        |d| {
            let flows: Vec<String> = d.flows.iter().map(ToString::to_string).collect();
            vec![
                code(&d.host),
                text(&words::list_or_dash(&d.countries)),
                text(&words::list_or_dash(&d.data)),
                text(&words::list_or_dash(&d.states)),
                text(&words::list_or_dash(&d.sdks)),
                flows.join(", "),
            ]
        },
    );
    table(out, "Behaviors", &["behavior", "app state", "SDK", "detail"], found.behaviors.as_deref(), |b| {
        vec![
            code(&b.kind),
            text(words::or_dash(b.state.as_deref())),
            text(words::or_dash(b.sdk.as_deref())),
            text(words::or_dash(b.detail.as_deref())),
        ]
    });
}

/// One table; `None` prints "not observed".
fn table<T>(out: &mut String, name: &str, columns: &[&str], items: Option<&[T]>, row: impl Fn(&T) -> Vec<String>) {
    let Some(items) = items else {
        let _ = writeln!(out, "\n**{name}**: not observed");
        return;
    };
    let _ = writeln!(out, "\n**{name}** ({})", items.len());
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n| {} |", columns.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
    for item in items {
        let _ = writeln!(out, "| {} |", row(item).join(" | "));
    }
}

/// Text with Markdown's inline markup characters escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A code span holding `s` as it is: fenced with one more backtick than the longest run inside it;
/// a `|` becomes `\|` so that a table cell is not split (GitHub removes the backslash).
fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }

    #[test]
    fn text_escapes_markup() {
        assert_eq!(text("a_b *c* [d]|e"), "a\\_b \\*c\\* \\[d\\]\\|e");
    }
}
