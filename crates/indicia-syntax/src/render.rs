//! Diagnostics as text and as JSON.
//!
//! Three renderings of the same list, each sorted by file (in [`FileId`] order, which is the order
//! files were added to the [`SourceMap`]: for a pack, byte order of their paths), then by the
//! start of the span (line, then column), then by its end; diagnostics at the same place keep
//! their order.
//!
//! - [`render_human`]: rustc's layout, drawn by `annotate-snippets` (rustc's own renderer), plain
//!   and uncoloured ([`render_human_styled`] adds colour):
//!
//!   ```text
//!   error: unknown fact kind `flwo`
//!     --> rules/tw-mabis-v4/transmission.ind:12:13
//!      |
//!   12 |   when: any flwo where country in restricted_countries
//!      |             ^^^^ did you mean `flow`?
//!      |
//!      = help: …
//!   ```
//!
//!   A diagnostic with a code prints it as rustc does (`warning[W0101]: …`). Each related place
//!   gets a secondary annotation (`-` underline and its label): in the same excerpt when it lies
//!   within a few lines of the primary span, else in a `:::` excerpt of its own.
//!
//!   `FILE:LINE:COLUMN` is 1-based and columns count Unicode scalar values, a tab counting one
//!   (as [`SourceFile::line_col`]); in the drawn source line a tab shows as four spaces and
//!   the caret follows. Diagnostics are separated by a blank line. Past [`MAX_PER_FILE`]
//!   diagnostics in one file, one closing `note:` line says how many more there are.
//! - [`render_plain`]: one line each, `FILE:LINE:COLUMN: error: message (label)` (or
//!   `warning[CODE]: …`), for screen readers and grep; the same cap. Related places are not shown.
//! - [`render_json`]: a pretty JSON array of
//!   `{"severity", "message", "file", "line", "column", "end_line", "end_column"}` (1-based, the
//!   end exclusive), plus what the human form prints beside them, each only when the diagnostic
//!   has it: `"code"` (its stable code), `"label"` (the text beside the caret), `"suggestion"` (the
//!   name a "did you mean" label proposes, alone), `"help"` (the `= help:` text) and `"related"` (an
//!   array of `{"message", "file", "line", "column", "end_line", "end_column"}`); every diagnostic,
//!   no cap, without a final line break.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::{FileId, LineCol, SourceFile, SourceMap, Span};

/// The most diagnostics printed for one file by the text renderings.
pub const MAX_PER_FILE: usize = 200;

/// Renders every diagnostic in rustc's layout, without colour.
pub fn render_human(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    render_with(&Renderer::plain(), sources, diagnostics)
}

/// Renders every diagnostic in rustc's layout, with rustc's colours (ANSI escapes).
pub fn render_human_styled(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    render_with(&Renderer::styled(), sources, diagnostics)
}

/// Renders one line per diagnostic: `FILE:LINE:COLUMN: error: message (label)`.
pub fn render_plain(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for chunk in per_file(diagnostics) {
        let file = chunk.first().and_then(|d| sources.get(d.span.file));
        let name = file.map_or("<unknown>", |f| f.name.as_str());
        for d in chunk.iter().take(MAX_PER_FILE) {
            let at = file.map_or(LineCol { line: 1, column: 1 }, |f| f.line_col(d.span.start as usize));
            out.push_str(&format!("{name}:{}:{}: {}: {}", at.line, at.column, heading(d), d.message));
            if let Some(label) = d.label.as_deref().filter(|l| !l.is_empty()) {
                out.push_str(&format!(" ({label})"));
            }
            out.push('\n');
        }
        if let Some(more) = more_line(name, &chunk) {
            out.push_str(&format!("{name}: note: {more}\n"));
        }
    }
    out
}

/// Renders every diagnostic as a pretty JSON array (see the module docs).
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = sorted(diagnostics)
        .into_iter()
        .map(|d| {
            let mut item = serde_json::Map::new();
            item.insert("severity".into(), d.severity.as_str().into());
            item.insert("message".into(), d.message.clone().into());
            place_json(sources, d.span, &mut item);
            if let Some(code) = d.code {
                item.insert("code".into(), code.into());
            }
            if let Some(label) = d.label.as_deref().filter(|l| !l.is_empty()) {
                item.insert("label".into(), label.into());
            }
            if let Some(suggestion) = d.suggestion() {
                item.insert("suggestion".into(), suggestion.into());
            }
            if let Some(help) = &d.help {
                item.insert("help".into(), help.clone().into());
            }
            if !d.related.is_empty() {
                let related = d.related.iter().map(|r| {
                    let mut place = serde_json::Map::new();
                    place.insert("message".into(), r.label.clone().into());
                    place_json(sources, r.span, &mut place);
                    serde_json::Value::Object(place)
                });
                item.insert("related".into(), related.collect());
            }
            serde_json::Value::Object(item)
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string())
}

/// `file`, `line`, `column`, `end_line`, `end_column` of a span (1-based, the end exclusive).
fn place_json(sources: &SourceMap, span: Span, out: &mut serde_json::Map<String, serde_json::Value>) {
    let file = sources.get(span.file);
    let origin = LineCol { line: 1, column: 1 };
    let start = file.map_or(origin, |f| f.line_col(span.start as usize));
    let end = file.map_or(origin, |f| f.line_col(span.end.max(span.start) as usize));
    out.insert("file".into(), file.map_or("<unknown>", |f| f.name.as_str()).into());
    out.insert("line".into(), start.line.into());
    out.insert("column".into(), start.column.into());
    out.insert("end_line".into(), end.line.into());
    out.insert("end_column".into(), end.column.into());
}

/// `error`, `warning`, or with a code `warning[W0101]`.
fn heading(d: &Diagnostic) -> String {
    match d.code {
        Some(code) => format!("{}[{code}]", d.severity.as_str()),
        None => d.severity.as_str().to_string(),
    }
}

fn sorted(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut all: Vec<&Diagnostic> = diagnostics.iter().collect();
    all.sort_by_key(|d| (d.span.file, d.span.start, d.span.end));
    all
}

/// The sorted diagnostics, one chunk per file.
fn per_file(diagnostics: &[Diagnostic]) -> Vec<Vec<&Diagnostic>> {
    let mut chunks: Vec<Vec<&Diagnostic>> = Vec::new();
    let mut current: Option<FileId> = None;
    for d in sorted(diagnostics) {
        match chunks.last_mut() {
            Some(chunk) if current == Some(d.span.file) => chunk.push(d),
            _ => {
                current = Some(d.span.file);
                chunks.push(vec![d]);
            }
        }
    }
    chunks
}

/// The closing "N more" text for a file's chunk past the cap.
fn more_line(name: &str, chunk: &[&Diagnostic]) -> Option<String> {
    let hidden = chunk.get(MAX_PER_FILE..).filter(|h| !h.is_empty())?;
    let n = hidden.len();
    let what = if hidden.iter().all(|d| d.severity == Severity::Error) { "error" } else { "diagnostic" };
    let s = if n == 1 { "" } else { "s" };
    Some(format!("{n} more {what}{s} in {name} not shown"))
}

fn render_with(renderer: &Renderer, sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for chunk in per_file(diagnostics) {
        let file = chunk.first().and_then(|d| sources.get(d.span.file));
        for d in chunk.iter().take(MAX_PER_FILE) {
            blocks.push(render_one(renderer, sources, file, d));
        }
        if let Some(more) = more_line(file.map_or("<unknown>", |f| f.name.as_str()), &chunk) {
            blocks.push(renderer.render(&[Group::with_title(Level::NOTE.primary_title(more))]));
        }
    }
    let mut out = blocks.join("\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn render_one(renderer: &Renderer, sources: &SourceMap, file: Option<&SourceFile>, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut title = level.primary_title(d.message.as_str());
    if let Some(code) = d.code {
        title = title.id(code);
    }
    // Related places near the primary span share its excerpt; the others get their own.
    let (near, far): (Vec<_>, Vec<_>) =
        d.related.iter().partition(|r| r.span.file == d.span.file && near(file, d.span, r.span));
    let cover = near.iter().fold(d.span, |all, r| all.to(r.span));
    let main = file.and_then(|f| excerpt(f, cover, d.span));
    let mut group = match &main {
        Some(x) => {
            let mut annotation = AnnotationKind::Primary.span(x.span.clone());
            if let Some(label) = d.label.as_deref() {
                annotation = annotation.label(label);
            }
            let mut snippet = Snippet::source(x.source.as_str()).line_start(x.line).path(x.path).annotation(annotation);
            for r in &near {
                if let Some(range) = x.relative(r.span) {
                    snippet = snippet.annotation(AnnotationKind::Context.span(range).label(r.label.as_str()));
                }
            }
            title.element(snippet)
        }
        None => Group::with_title(title),
    };
    let far_excerpts: Vec<(Excerpt<'_>, &str)> = far
        .iter()
        .filter_map(|r| {
            sources.get(r.span.file).and_then(|f| excerpt(f, r.span, r.span)).map(|x| (x, r.label.as_str()))
        })
        .collect();
    for (x, label) in &far_excerpts {
        let annotation = AnnotationKind::Context.span(x.span.clone()).label(*label);
        group =
            group.element(Snippet::source(x.source.as_str()).line_start(x.line).path(x.path).annotation(annotation));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let out = renderer.render(&[group]);
    match main.and_then(|x| x.fix_column.map(|fix| (x.line, x.path, fix))) {
        // The excerpt is a window of a long line: put the true column in the `-->` line.
        Some((line, path, (shown, column))) => {
            let wrong = format!("{path}:{line}:{shown}");
            let right = format!("{path}:{line}:{column}");
            let title_end = out.find('\n').unwrap_or(0);
            match out.get(title_end..).and_then(|rest| rest.find(&wrong)) {
                Some(at) => {
                    let at = title_end + at;
                    format!("{}{right}{}", out.get(..at).unwrap_or(""), out.get(at + wrong.len()..).unwrap_or(""))
                }
                None => out,
            }
        }
        None => out,
    }
}

/// True when `other` lies close enough to `primary` (in the same file) to share its excerpt.
fn near(file: Option<&SourceFile>, primary: Span, other: Span) -> bool {
    let Some(file) = file else { return false };
    let (from, to) = (primary.start.min(other.start) as usize, primary.end.max(other.end) as usize);
    let lines = |a: usize, b: usize| file.line_col(b).line.saturating_sub(file.line_col(a).line);
    to.saturating_sub(from) <= LONG_LINE && lines(from, to) <= NEAR_LINES
}

/// Related places at most this many lines from the primary span share its excerpt.
const NEAR_LINES: usize = 8;

/// Lines longer than this (in bytes) are shown as a window around the span.
const LONG_LINE: usize = 1000;
/// Characters of context kept on each side of the span in a window.
const CONTEXT: usize = 100;
/// The most bytes of a span shown in a window.
const MAX_SHOWN: usize = 4096;

/// The source text shown for a diagnostic: the lines its span covers, or a window of them when
/// they are long (so that rendering stays linear in the number of diagnostics, not in their
/// product with the line length).
struct Excerpt<'a> {
    source: String,
    line: usize,
    path: &'a str,
    /// The span, relative to `source`.
    span: std::ops::Range<usize>,
    /// The byte offset in the file where `source` starts (meaningful when not a window).
    offset: usize,
    /// For a window: the column annotate-snippets computes, and the true one.
    fix_column: Option<(usize, usize)>,
}

impl Excerpt<'_> {
    /// `span` relative to the excerpt's text, when the excerpt is not a window and holds it.
    fn relative(&self, span: Span) -> Option<std::ops::Range<usize>> {
        if self.fix_column.is_some() {
            return None;
        }
        let start = (span.start as usize).checked_sub(self.offset)?;
        let end = (span.end.max(span.start) as usize).checked_sub(self.offset)?;
        (end <= self.source.len() && self.source.is_char_boundary(start) && self.source.is_char_boundary(end))
            .then_some(start..end)
    }
}

/// The lines `cover` spans, with `primary` (inside `cover`) as the annotated span; a window
/// around `primary` when they are long.
fn excerpt<'a>(file: &'a SourceFile, cover: Span, primary: Span) -> Option<Excerpt<'a>> {
    let text: &str = &file.text;
    let len = text.len();
    let floor = |mut i: usize| {
        i = i.min(len);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(primary.start as usize);
    let end = floor((primary.end as usize).max(start));
    let at = file.line_col(start);
    let lines_of = |a: usize, b: usize| {
        let first = file.line_col(a).line;
        let last = first + text.get(a..b).map_or(0, |t| t.bytes().filter(|&b| b == b'\n').count());
        Some((first, file.line_start(first)?, file.line_start(last + 1).unwrap_or(len)))
    };
    // The lines of `cover`, else (when they are long) those of the primary span alone.
    let cover = (floor(cover.start as usize).min(start), floor(cover.end as usize).max(end));
    for (a, b) in [cover, (start, end)] {
        let (first, from, to) = lines_of(a, b)?;
        if to - from <= LONG_LINE {
            let source = text.get(from..to)?.to_string();
            let span = start - from..end - from;
            return Some(Excerpt { source, line: first, path: &file.name, span, offset: from, fix_column: None });
        }
    }
    let (first, from, to) = lines_of(start, end)?;
    // A window: CONTEXT characters before the span, at most MAX_SHOWN bytes of it, CONTEXT after.
    let before = text.get(from..start)?;
    let win_from = before.char_indices().rev().nth(CONTEXT.saturating_sub(1)).map_or(from, |(i, _)| from + i);
    let end = floor(end.min(start + MAX_SHOWN));
    let after = text.get(end..to)?;
    let win_to = after.char_indices().nth(CONTEXT).map_or(to, |(i, _)| end + i);
    let lead = if win_from > from { "..." } else { "" };
    let tail = if win_to < to { "..." } else { "" };
    let body = text.get(win_from..win_to)?;
    let source = format!("{lead}{body}{tail}");
    let rel = lead.len() + start - win_from;
    let span = rel..lead.len() + end - win_from;
    let shown = source.get(..rel)?.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let column = at.column;
    Some(Excerpt { source, line: first, path: &file.name, span, offset: win_from, fix_column: Some((shown, column)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn one(text: &str, start: usize, end: usize) -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let id = sources.add("a.ind", text);
        let d = Diagnostic::error("msg", Span::new(id, start, end)).with_label("here");
        (sources, vec![d])
    }

    /// The header's `LINE:COLUMN` must be `SourceFile::line_col`, whatever the line holds.
    #[test]
    fn header_agrees_with_line_col() {
        let texts = ["ab\n\té \"名前\" x\tyz\n", "\u{7}a\u{202e}b\r\ncd", "x\n", "abc"];
        for text in texts {
            let mut offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            offsets.push(text.len());
            for &start in &offsets {
                let (sources, diags) = one(text, start, start);
                let lc = sources.get(FileId(0)).unwrap().line_col(start);
                let out = render_human(&sources, &diags);
                let want = format!("--> a.ind:{}:{}\n", lc.line, lc.column);
                assert!(out.contains(&want), "offset {start} of {text:?}: want {want:?} in\n{out}");
                let plain = render_plain(&sources, &diags);
                assert_eq!(plain, format!("a.ind:{}:{}: error: msg (here)\n", lc.line, lc.column));
            }
        }
    }

    #[test]
    fn caret_sits_under_the_span_after_tabs_and_wide_characters() {
        let text = "\t\"名前\" flwo where\n";
        let start = text.find("flwo").unwrap();
        let (sources, diags) = one(text, start, start + 4);
        let out = render_human(&sources, &diags);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], " --> a.ind:1:7");
        let src = lines[3];
        let caret = lines[4];
        // The tab is drawn as four spaces and each CJK character takes two columns.
        assert_eq!(src, "1 |     \"名前\" flwo where");
        let at = caret.find('^').unwrap();
        assert_eq!(at, "1 |     \"名前\" ".len() - "名前".len() + 4);
        assert!(caret.ends_with("^^^^ here"));
    }

    #[test]
    fn rustc_layout_and_sorting() {
        let mut sources = SourceMap::new();
        let a = sources.add("b.ind", "x\n  when: any flwo where y\n");
        let b = sources.add("a.ind", "zz\n");
        let diags = vec![
            Diagnostic::error("second", Span::new(b, 1, 2)),
            Diagnostic::error("unknown fact kind `flwo`", Span::new(a, 14, 18))
                .with_label("did you mean `flow`?")
                .with_help("declare it with `fact flwo { … }`"),
            Diagnostic::warning("first", Span::new(a, 0, 1)),
        ];
        let out = render_human(&sources, &diags);
        let want = "\
warning: first
 --> b.ind:1:1
  |
1 | x
  | ^

error: unknown fact kind `flwo`
 --> b.ind:2:13
  |
2 |   when: any flwo where y
  |             ^^^^ did you mean `flow`?
  |
  = help: declare it with `fact flwo { … }`

error: second
 --> a.ind:1:2
  |
1 | zz
  |  ^
";
        assert_eq!(out, want);
        let plain = render_plain(&sources, &diags);
        assert_eq!(
            plain,
            "b.ind:1:1: warning: first\nb.ind:2:13: error: unknown fact kind `flwo` (did you mean `flow`?)\na.ind:1:2: error: second\n"
        );
    }

    #[test]
    fn json_is_one_based_with_an_exclusive_end() {
        let (sources, diags) = one("ab\n  port\n", 5, 9);
        let out = render_json(&sources, &diags);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!([{"severity": "error", "message": "msg", "file": "a.ind",
                "line": 2, "column": 3, "end_line": 2, "end_column": 7, "label": "here"}])
        );
        assert_eq!(render_json(&sources, &[]), "[]");
    }

    #[test]
    fn codes_and_related_places() {
        let mut sources = SourceMap::new();
        let a = sources.add("a.ind", "define d = (x\n  and y\n}\n");
        let b = sources.add("b.ind", "const c = 1\n");
        let diags = vec![
            Diagnostic::error("expected `)`", Span::new(a, 22, 23))
                .with_label("here")
                .with_related(Span::new(a, 11, 12), "opened here")
                .with_related(Span::new(b, 6, 7), "elsewhere"),
            Diagnostic::warning("unused const `c`", Span::new(b, 6, 7)).with_code("W0103"),
        ];
        let want = "\
error: expected `)`
 --> a.ind:3:1
  |
1 | define d = (x
  |            - opened here
2 |   and y
3 | }
  | ^ here
  |
 ::: b.ind:1:7
  |
1 | const c = 1
  |       - elsewhere

warning[W0103]: unused const `c`
 --> b.ind:1:7
  |
1 | const c = 1
  |       ^
";
        assert_eq!(render_human(&sources, &diags), want);
        assert_eq!(
            render_plain(&sources, &diags),
            "a.ind:3:1: error: expected `)` (here)\nb.ind:1:7: warning[W0103]: unused const `c`\n"
        );
        let v: serde_json::Value = serde_json::from_str(&render_json(&sources, &diags)).unwrap();
        assert_eq!(
            v[0]["related"][0],
            serde_json::json!({"message": "opened here", "file": "a.ind",
            "line": 1, "column": 12, "end_line": 1, "end_column": 13})
        );
        assert_eq!(v[0]["related"][1]["file"], "b.ind");
        assert!(v[0].get("code").is_none());
        assert_eq!(v[1]["code"], "W0103");
        assert!(v[1].get("related").is_none());
        assert_eq!(v[0]["label"], "here");
        assert!(v[1].get("label").is_none() && v[1].get("help").is_none() && v[0].get("suggestion").is_none());
    }

    #[test]
    fn json_keeps_the_label_suggestion_and_help_the_human_form_prints() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.ind", "when: any flwo where x\n");
        let diags = vec![
            Diagnostic::error("unknown fact kind `flwo`", Span::new(id, 10, 14))
                .with_code("E0201")
                .with_label("did you mean `flow`?")
                .with_help("the kinds are declared by `fact`"),
        ];
        let human = render_human(&sources, &diags);
        assert!(human.contains("did you mean `flow`?") && human.contains("= help: the kinds are declared by `fact`"));
        let v: serde_json::Value = serde_json::from_str(&render_json(&sources, &diags)).unwrap();
        assert_eq!(
            v[0],
            serde_json::json!({"severity": "error", "message": "unknown fact kind `flwo`", "file": "a.ind",
                "line": 1, "column": 11, "end_line": 1, "end_column": 15, "code": "E0201",
                "label": "did you mean `flow`?", "suggestion": "flow", "help": "the kinds are declared by `fact`"})
        );
    }

    #[test]
    fn past_the_cap_one_closing_line() {
        let text = "x\n".repeat(300);
        let mut sources = SourceMap::new();
        let id = sources.add("a.ind", text.as_str());
        let exactly: Vec<Diagnostic> =
            (0..200).map(|i| Diagnostic::error(format!("e{i}"), Span::new(id, 2 * i, 2 * i + 1))).collect();
        assert!(!render_human(&sources, &exactly).contains("more"));
        assert_eq!(render_plain(&sources, &exactly).lines().count(), 200);
        let diags: Vec<Diagnostic> =
            (0..250).map(|i| Diagnostic::error(format!("e{i}"), Span::new(id, 2 * i, 2 * i + 1))).collect();
        let out = render_human(&sources, &diags);
        assert_eq!(out.matches("error: e").count(), MAX_PER_FILE);
        assert!(out.contains("error: e199\n") && !out.contains("error: e200\n"));
        assert!(out.ends_with("note: 50 more errors in a.ind not shown\n"), "{}", &out[out.len() - 200..]);
        let plain = render_plain(&sources, &diags);
        assert_eq!(plain.lines().count(), MAX_PER_FILE + 1);
        assert!(plain.ends_with("a.ind: note: 50 more errors in a.ind not shown\n"));
        let json: serde_json::Value = serde_json::from_str(&render_json(&sources, &diags)).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 250);
    }

    #[test]
    fn long_lines_are_windowed_with_the_true_column() {
        let line = format!("{}é\tflwo{}", "ab".repeat(50_000), "x".repeat(50_000));
        let text = format!("first\n{line}\nlast\n");
        let start = text.find("flwo").unwrap();
        let (sources, diags) = one(&text, start, start + 4);
        let lc = sources.get(FileId(0)).unwrap().line_col(start);
        assert_eq!(lc.column, 100_003);
        let out = render_human(&sources, &diags);
        assert!(out.contains(" --> a.ind:2:100003\n"), "{out}");
        assert!(out.len() < 2000, "{} bytes", out.len());
        let styled = render_human_styled(&sources, &diags);
        assert!(styled.contains("\x1b[") && styled.contains("a.ind:2:100003"), "{styled}");
        let caret_line = out.lines().find(|l| l.contains('^')).unwrap();
        assert!(caret_line.ends_with("^^^^ here"));
        let src_line = out.lines().find(|l| l.contains("flwo")).unwrap();
        // The caret sits under `flwo` (the tab shows as four spaces in both lines).
        let flwo_at = src_line[..src_line.find("flwo").unwrap()].chars().count();
        assert_eq!(caret_line.find('^'), Some(flwo_at));
        // A span longer than the window, and spans at both ends of the line.
        for (s, e) in [(6, text.len() - 6), (6, 7), (6 + line.len() - 1, 6 + line.len())] {
            let (sources, diags) = one(&text, s, e);
            let lc = sources.get(FileId(0)).unwrap().line_col(s);
            let out = render_human(&sources, &diags);
            assert!(out.contains(&format!(" --> a.ind:{}:{}\n", lc.line, lc.column)), "{s}..{e}: {out}");
            assert!(out.len() < 20_000);
        }
    }

    #[test]
    fn many_diagnostics_on_a_huge_line_render_quickly() {
        let text = "x ".repeat(1_000_000);
        let mut sources = SourceMap::new();
        let id = sources.add("a.ind", text.as_str());
        let diags: Vec<Diagnostic> =
            (0..200).map(|i| Diagnostic::error("e", Span::new(id, i * 10_000, i * 10_000 + 1))).collect();
        let out = render_human(&sources, &diags);
        assert_eq!(out.matches("error: e").count(), 200);
        assert!(out.contains(" --> a.ind:1:1990001\n"));
    }

    #[test]
    fn spans_out_of_range_or_unknown_files_do_not_panic() {
        let (sources, _) = one("abc", 0, 0);
        let diags = vec![
            Diagnostic::error("far", Span::new(FileId(0), 10, 20)),
            Diagnostic::error("backwards", Span::new(FileId(0), 2, 1)),
            Diagnostic::error("elsewhere", Span::new(FileId(7), 0, 1)),
        ];
        let out = render_human(&sources, &diags);
        assert!(out.contains("error: far") && out.contains("error: backwards") && out.contains("error: elsewhere"));
        assert!(render_plain(&sources, &diags).contains("<unknown>:1:1: error: elsewhere"));
        let _ = render_json(&sources, &diags);
    }
}
