//! `--format markdown`: one app's report for an issue tracker (GitHub-flavoured Markdown: tables,
//! code spans; no HTML). The summary and the categories as tables, each failed indicator with its
//! witnesses, each inconclusive one with its explanation, the passed ones one line each, what was
//! found, and the warnings (docs/report.md, "Markdown").

use std::fmt::Write as _;

use indicia::hir::Verdict;

use super::found::Cell;
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
    for (verdict, indicators) in words::by_verdict(report) {
        let _ = write!(
            out,
            "\n### {}\n\n",
            match verdict {
                Verdict::Fail => "Failed",
                Verdict::Inconclusive => "Inconclusive",
                Verdict::Pass => "Passed",
            }
        );
        for indicator in indicators {
            let (id, title) = (text(&indicator.id), text(&indicator.title));
            if verdict == Verdict::Pass {
                let reason = words::pass_reason(indicator.explanation.as_ref());
                let reason = if reason.is_empty() { reason } else { format!(" — {}", text(&reason)) };
                let _ = writeln!(out, "- **{id}** {title}{reason}");
                continue;
            }
            let (severity, weight) = (indicator.severity.name(), indicator.weight);
            let _ = writeln!(out, "- **{id}** {title} _({severity}, weight {weight})_");
            for detail in words::details(view, indicator) {
                let _ = match detail.label {
                    Some(label) => writeln!(out, "  - {label}: {}", code(&detail.text)),
                    None => writeln!(out, "  - {}", code(&detail.text)),
                };
            }
        }
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
    if view.found.is_empty() {
        return;
    }
    out.push_str("\n### What was found\n");
    for table in view.found.tables() {
        let Some(rows) = table.rows else {
            let _ = writeln!(out, "\n**{}**: not observed", table.name);
            continue;
        };
        let _ = writeln!(out, "\n**{}** ({})", table.name, rows.len());
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n| {} |", table.columns.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(table.columns.len()));
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Code(s) => code(s),
                    Cell::Text(s) | Cell::Level(s) => text(s),
                })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
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
