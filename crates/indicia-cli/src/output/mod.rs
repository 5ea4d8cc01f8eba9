//! Renderings of one app's report: the detailed JSON, text, SARIF, HTML and Markdown
//! (docs/report.md). Each renderer takes a [`view::ReportView`] and returns the document, so that a
//! command scoring many apps calls it once per app.

pub mod found;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;
pub mod view;
pub mod words;

use crate::cli::ReportFormat;

/// How to render: colour for text, pretty or compact JSON, and whether the JSON is the detailed
/// report (with facts and `found`) or the engine's own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Colour for the text format.
    pub style: text::Style,
    /// Pretty-printed JSON (one report) rather than one compact line (a batch).
    pub pretty: bool,
    /// The detailed JSON report (`eval --explain`, `scan`).
    pub detailed: bool,
}

/// One app's report in `format`, ending with a newline.
pub fn render(format: ReportFormat, view: &view::ReportView<'_>, options: Options) -> String {
    let mut out = match format {
        ReportFormat::Json => {
            let value = if options.detailed {
                json::detailed(view)
            } else {
                serde_json::to_value(view.report).unwrap_or(serde_json::Value::Null)
            };
            to_json(&value, options.pretty)
        }
        ReportFormat::Text => text::render_report(view, options.style),
        ReportFormat::Sarif => to_json(&sarif::log(&[sarif::run(view)]), true),
        ReportFormat::Html => html::render(view),
        ReportFormat::Markdown => markdown::render(view),
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn to_json(value: &serde_json::Value, pretty: bool) -> String {
    let text = if pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
    text.unwrap_or_default()
}
