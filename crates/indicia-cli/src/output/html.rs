//! `--format html`: one self-contained page per app — no script, no font, no image, nothing fetched
//! (its Content-Security-Policy forbids every load but its own inline style). It holds the summary,
//! a bar per category, each indicator with its witnesses, explanation or one-line reason, what was
//! found, and the warnings (docs/report.md, "HTML").

use std::fmt::Write as _;

use indicia::hir::Verdict;
use indicia::report::IndicatorReport;

use super::found::Cell;
use super::view::ReportView;
use super::words;

/// The page's style sheet, inline.
const STYLE: &str = "\
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:980px;padding:24px;color:#1d2125;background:#fff}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:1em;margin:0}.muted{color:#5f6b76}code{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px;word-break:break-all}
.numbers{display:flex;gap:24px;flex-wrap:wrap;margin:16px 0}.numbers div{min-width:110px}.numbers b{display:block;font-size:1.8em}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#eef0f2;min-width:120px}.bar span{display:block;height:100%}
.f{background:#d1242f}.i{background:#d4a72c}.p{background:#1a7f37}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;color:#5f6b76;font-size:.9em}td.n{text-align:right;font-variant-numeric:tabular-nums}td.barcell{width:40%}
.indicator{border:1px solid #e1e4e8;border-left-width:5px;border-radius:6px;padding:10px 14px;margin:10px 0}
.indicator.fail{border-left-color:#d1242f}.indicator.inconclusive{border-left-color:#d4a72c}.indicator.pass{border-left-color:#1a7f37;padding:6px 14px}
.mark{font-weight:700;margin-right:6px}.fail .mark{color:#d1242f}.inconclusive .mark{color:#9a6700}.pass .mark{color:#1a7f37}
ul.facts{margin:6px 0 0;padding-left:18px}ul.facts li{margin:2px 0}.label{font-weight:600}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:.85em;background:#eef0f2}.badge.dangerous{background:#ffebe9;color:#a40e26}
.badge.signature{background:#fff8c5;color:#7d4e00}.badge.normal{background:#dafbe1;color:#116329}
.warning{color:#9a6700}footer{margin-top:32px;font-size:.85em;color:#5f6b76}
";

/// The HTML page of one app's report.
pub fn render(view: &ReportView<'_>) -> String {
    let report = view.report;
    let mut out = String::new();
    let title = format!("indicia report: {}", report.app_id());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    header(&mut out, view);
    categories(&mut out, view);
    let _ = writeln!(out, "<section id=\"indicators\">\n<h2>Indicators</h2>");
    for (_, indicators) in words::by_verdict(report) {
        for indicator in indicators {
            indicator_html(&mut out, view, indicator);
        }
    }
    out.push_str("</section>\n");
    found(&mut out, view);
    if !report.warnings.is_empty() {
        out.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for warning in &report.warnings {
            let _ = writeln!(out, "<li class=\"warning\">{}</li>", esc(warning));
        }
        out.push_str("</ul>\n</section>\n");
    }
    let _ = write!(out, "<footer>indicia {}</footer>\n</body>\n</html>\n", env!("CARGO_PKG_VERSION"));
    out
}

/// The app, the pack, the numbers and the overall bar.
fn header(out: &mut String, view: &ReportView<'_>) {
    let report = view.report;
    let s = &report.summary;
    let _ = write!(out, "<header>\n<h1>{}", esc(report.app_id()));
    if let Some(name) = view.app_name() {
        let _ = write!(out, " <span class=\"muted\">({})</span>", esc(name));
    }
    out.push_str("</h1>\n<p class=\"muted\">against ");
    out.push_str(&esc(&report.pack.name));
    if let Some(version) = &report.pack.version {
        let _ = write!(out, " {}", esc(version));
    }
    if let Some(source) = view.source {
        let _ = write!(out, " · <code>{}</code>", esc(source));
    }
    out.push_str("</p>\n</header>\n<section id=\"summary\">\n<div class=\"numbers\">\n");
    let _ = writeln!(out, "<div><b>{}/{}</b>failed</div>", s.failed, s.total);
    let _ = writeln!(out, "<div><b>{}</b>inconclusive</div>", s.inconclusive);
    let _ = writeln!(out, "<div><b>{}</b>passed</div>", s.passed);
    let _ = writeln!(out, "<div><b>{:.1}</b>risk (up to {:.1})</div>", s.risk, s.risk_upper);
    out.push_str("</div>\n");
    out.push_str(&bar(s.failed, s.inconclusive, s.passed));
    out.push_str("\n</section>\n");
}

/// A bar of failed, inconclusive and passed shares.
fn bar(failed: usize, inconclusive: usize, passed: usize) -> String {
    let total = (failed + inconclusive + passed).max(1) as f64;
    let mut out = format!(
        "<div class=\"bar\" role=\"img\" aria-label=\"{failed} failed, {inconclusive} inconclusive, {passed} passed\">"
    );
    for (class, count) in [("f", failed), ("i", inconclusive), ("p", passed)] {
        if count > 0 {
            let _ = write!(out, "<span class=\"{class}\" style=\"width:{:.2}%\"></span>", 100.0 * count as f64 / total);
        }
    }
    out.push_str("</div>");
    out
}

/// A row per category: its bar and counts.
fn categories(out: &mut String, view: &ReportView<'_>) {
    out.push_str("<section id=\"categories\">\n<h2>Categories</h2>\n<table>\n");
    out.push_str(
        "<tr><th>category</th><th></th><th>failed</th><th>inconclusive</th><th>passed</th><th>total</th></tr>\n",
    );
    for c in &view.report.categories {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"barcell\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&c.title),
            bar(c.failed, c.inconclusive, c.passed),
            c.failed,
            c.inconclusive,
            c.passed,
            c.total
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// One indicator: its verdict, title and details; witnesses for a failure, the explanation for an
/// inconclusive one, the one-line reason for a pass.
fn indicator_html(out: &mut String, view: &ReportView<'_>, indicator: &IndicatorReport) {
    let (class, mark) = match indicator.verdict {
        Verdict::Fail => ("fail", "✗"),
        Verdict::Inconclusive => ("inconclusive", "?"),
        Verdict::Pass => ("pass", "✓"),
    };
    let _ = write!(
        out,
        "<article class=\"indicator {class}\" id=\"{}\">\n<h3><span class=\"mark\">{mark}</span>{} — {}</h3>\n",
        esc(&indicator.id),
        esc(&indicator.id),
        esc(&indicator.title)
    );
    if indicator.verdict == Verdict::Pass {
        let reason = words::pass_reason(indicator.explanation.as_ref());
        let _ =
            writeln!(out, "<p class=\"muted\">passed{}{}</p>", if reason.is_empty() { "" } else { ": " }, esc(&reason));
        out.push_str("</article>\n");
        return;
    }
    let mut meta = format!("{} · {} · weight {}", indicator.category, indicator.severity.name(), indicator.weight);
    if !indicator.refs.is_empty() {
        let refs: Vec<&str> = indicator.refs.iter().map(|r| &**r).collect();
        let _ = write!(meta, " · {}", refs.join(", "));
    }
    let _ = writeln!(out, "<p class=\"muted\">{}</p>", esc(&meta));
    if indicator.verdict == Verdict::Fail {
        out.push_str("<div class=\"label\">failed because of</div>\n<ul class=\"facts\">\n");
        for witness in &indicator.witnesses {
            let _ = writeln!(
                out,
                "<li><code>{}[{}]</code> <code>{}</code></li>",
                esc(&witness.kind),
                witness.index,
                esc(&view.fact(witness).to_string())
            );
        }
        out.push_str("</ul>\n");
    } else {
        out.push_str("<div class=\"label\">what keeps it from a verdict</div>\n<ul class=\"facts\">\n");
        for part in indicator.explanation.as_ref().map(|e| words::explanation_parts(view, e)).unwrap_or_default() {
            let _ = writeln!(
                out,
                "<li><span class=\"label\">{}:</span> <code>{}</code></li>",
                esc(part.label),
                esc(&part.text)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
}

/// "What was found": a table per kind, or "not observed".
fn found(out: &mut String, view: &ReportView<'_>) {
    if view.found.is_empty() {
        return;
    }
    out.push_str("<section id=\"found\">\n<h2>What was found</h2>\n");
    for table in view.found.tables() {
        let Some(rows) = table.rows else {
            let _ = writeln!(out, "<h3>{}</h3>\n<p class=\"muted\">not observed</p>", table.name);
            continue;
        };
        let _ = writeln!(out, "<h3>{} ({})</h3>", table.name, rows.len());
        if rows.is_empty() {
            out.push_str("<p class=\"muted\">none</p>\n");
            continue;
        }
        out.push_str("<table>\n<tr>");
        for column in table.columns {
            let _ = write!(out, "<th>{column}</th>");
        }
        out.push_str("</tr>\n");
        for row in rows {
            out.push_str("<tr>");
            for cell in row {
                let _ = match cell {
                    Cell::Code(s) => write!(out, "<td><code>{}</code></td>", esc(&s)),
                    Cell::Text(s) => write!(out, "<td>{}</td>", esc(&s)),
                    Cell::Level(s) => {
                        let base = indicia_extract::base_level(&s);
                        write!(out, "<td><span class=\"badge {}\">{}</span></td>", esc(base), esc(&s))
                    }
                };
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

/// Text escaped for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc("<script>\"a\" & 'b'</script>"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
    }

    #[test]
    fn bars_split_by_share() {
        assert_eq!(
            bar(1, 0, 3),
            "<div class=\"bar\" role=\"img\" aria-label=\"1 failed, 0 inconclusive, 3 passed\"><span class=\"f\" style=\"width:25.00%\"></span><span class=\"p\" style=\"width:75.00%\"></span></div>"
        );
    }
}
