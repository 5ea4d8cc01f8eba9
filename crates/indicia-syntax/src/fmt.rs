//! Step two of the front end: an [`ast::File`](crate::ast::File) back to canonical text, every comment kept.
//!
//! Consumes the tree the [`parser`](crate::parser) produced plus the original text, and produces
//! the file in canonical form (the layout is described in `docs/language.md`, "Canonical form"):
//! two-space indentation, one entry per line, short `category`/`fact` blocks on one line, long
//! conditions broken before `or`/`and` at a width of 100, lists filled or one element per line.
//!
//! How comments are kept: every printed token carries a position in the original text, and before
//! a token is written every comment that starts before that position is written first. A comment
//! that followed code on its line in the source is appended to the current output line (and ends
//! it); any other comment gets a line of its own, indented like what follows it. Comments are
//! therefore never dropped and never reordered, and since every decision depends only on the
//! tree, on the order of comments among the tokens and on whether each one trails code, formatting
//! its own output changes nothing.
//!
//! The formatter never changes meaning: it prints [`ExprKind::Paren`] nodes as parentheses and
//! adds none of its own.

use std::borrow::Cow;

use crate::ast::{
    BinOp, Comment, Decl, Entry, ExpectTarget, Expr, ExprKind, FieldDecl, File, Literal, TestEntry, TypeExpr,
};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// The line width that long conditions and lists are broken at.
pub const WIDTH: usize = 100;

/// Spaces per indentation level.
const INDENT: usize = 2;

/// Nesting depth beyond which sub-expressions are no longer broken over lines but printed on one
/// line (comments still force line breaks). Keeps the printer's recursion bounded whatever tree it
/// is given.
const MAX_DEPTH: usize = 64;

/// Parses `text` and prints it in canonical form. When parsing reports an error, the text is not
/// formatted and the diagnostics are returned instead.
pub fn format_source(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (ast, diagnostics) = crate::parser::parse(file, text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok(format_file(&ast, text))
}

/// Prints `file` in canonical form, with every comment of `file.comments` kept where it belongs.
///
/// `source` is the text `file` was parsed from: it tells whether a comment trailed code on its
/// line and where the author left blank lines. A [`Decl::Broken`] declaration is copied from
/// `source` as it stands.
pub fn format_file(file: &File, source: &str) -> String {
    format_counting(file, source).0
}

/// [`format_file`], and how many bytes of `source` were read to find the author's blank lines: at most
/// twice the size of `source`, so that formatting stays linear in it.
fn format_counting(file: &File, source: &str) -> (String, usize) {
    let mut w = Writer::new(source, &file.comments);
    let mut scratch_gaps = 0;
    let mut prev: Option<(bool, std::mem::Discriminant<Decl>)> = None;
    for decl in &file.decls {
        let this = (is_one_line(decl, source, &file.comments, &mut scratch_gaps), std::mem::discriminant(decl));
        // A blank line between declarations, except within a run of one-line declarations of
        // one kind (consts, categories, facts…), where the author's blank lines are kept.
        if let Some(prev) = prev
            && !(prev.0 && this.0 && prev.1 == this.1)
        {
            w.want_blank = true;
        }
        w.flush(decl.span().start, 0, true);
        w.blank_if_source_has_one(decl.span().start);
        w.cont = INDENT;
        w.decl(decl);
        w.last_end = decl.span().end;
        prev = Some(this);
    }
    w.flush(u32::MAX, 0, true);
    let gaps = w.gap_bytes + scratch_gaps;
    (w.finish(), gaps)
}

/// True when `decl` prints on a single line (it holds no comment and its canonical form has no
/// line break). Declarations on one line may follow each other without a blank line. Adds the bytes
/// read for blank lines to `gap_bytes`.
fn is_one_line(decl: &Decl, source: &str, comments: &[Comment], gap_bytes: &mut usize) -> bool {
    if comment_inside(comments, decl.span()) || matches!(decl, Decl::Broken(_)) {
        return false;
    }
    let mut scratch = Writer::new(source, &[]);
    // Blank lines are looked for from the declaration's start, not from the file's: reading from the
    // file's start for every declaration made formatting quadratic in the number of declarations.
    scratch.last_end = decl.span().start;
    scratch.decl(decl);
    scratch.commit();
    *gap_bytes += scratch.gap_bytes;
    scratch.lines.len() <= 1
}

/// True when a comment starts strictly inside `span`.
fn comment_inside(comments: &[Comment], span: Span) -> bool {
    let i = comments.partition_point(|c| c.span.start <= span.start);
    comments.get(i).is_some_and(|c| c.span.start < span.end)
}

// ---------------------------------------------------------------------------------------------
// Tokens of an expression printed on one line.

/// One token: the position it stands for in the original text (comments before it are written
/// first), its text, and whether a space separates it from the previous token.
struct Tok<'a> {
    pos: u32,
    text: Cow<'a, str>,
    space: bool,
}

enum Work<'a> {
    Expr(&'a Expr, bool),
    Tok(Tok<'a>),
}

/// The tokens of an expression in order, produced without recursion.
struct Toks<'a> {
    src: &'a str,
    stack: Vec<Work<'a>>,
}

impl<'a> Toks<'a> {
    fn new(src: &'a str, e: &'a Expr, space: bool) -> Toks<'a> {
        Toks { src, stack: vec![Work::Expr(e, space)] }
    }

    fn push_expr(&mut self, e: &'a Expr, space: bool) {
        let start = e.span.start;
        let last = e.span.end.saturating_sub(1).max(start);
        let t = |pos: u32, text: &'a str, space: bool| Work::Tok(Tok { pos, text: Cow::Borrowed(text), space });
        let mut items: Vec<Work<'a>> = Vec::new();
        match &e.kind {
            ExprKind::Literal(l) => {
                let text = match l {
                    Literal::Float(f) => float_as_written(self.src.get(e.span.range()), *f),
                    _ => literal_text(l),
                };
                items.push(Work::Tok(Tok { pos: start, text: Cow::Owned(text), space }));
            }
            ExprKind::List(elems) => {
                items.push(t(start, "[", space));
                for (i, el) in elems.iter().enumerate() {
                    if i > 0 {
                        items.push(t(elems.get(i - 1).map_or(start, |p| p.span.end), ",", false));
                    }
                    items.push(Work::Expr(el, i > 0));
                }
                items.push(t(last, "]", false));
            }
            ExprKind::Name(id) => items.push(t(id.span.start, &id.name, space)),
            ExprKind::Field { binder, field } => {
                items.push(t(binder.span.start, &binder.name, space));
                items.push(t(binder.span.end, ".", false));
                items.push(t(field.span.start, &field.name, false));
            }
            ExprKind::Has { binder, field } => {
                items.push(t(start, "has", space));
                if let Some(b) = binder {
                    items.push(t(b.span.start, &b.name, true));
                    items.push(t(b.span.end, ".", false));
                    items.push(t(field.span.start, &field.name, false));
                } else {
                    items.push(t(field.span.start, &field.name, true));
                }
            }
            ExprKind::Unknown => items.push(t(start, "unknown", space)),
            ExprKind::Observed(kind) => {
                items.push(t(start, "observed", space));
                items.push(t(start, "(", false));
                items.push(t(kind.span.start, &kind.name, false));
                items.push(t(last, ")", false));
            }
            ExprKind::Quantifier { quantifier, binder, kind, body } => {
                items.push(t(start, quantifier.keyword(), space));
                if let Some(b) = binder {
                    items.push(t(b.span.start, &b.name, true));
                    items.push(t(kind.span.start, "in", true));
                }
                items.push(t(kind.span.start, &kind.name, true));
                if let Some(body) = body {
                    items.push(t(body.span.start, "where", true));
                    items.push(Work::Expr(body, true));
                }
            }
            ExprKind::Count { binder, kind, body } => {
                items.push(t(start, "count", space));
                items.push(t(start, "(", false));
                if let Some(b) = binder {
                    items.push(t(b.span.start, &b.name, false));
                    items.push(t(kind.span.start, "in", true));
                }
                items.push(t(kind.span.start, &kind.name, binder.is_some()));
                if let Some(body) = body {
                    items.push(t(body.span.start, "where", true));
                    items.push(Work::Expr(body, true));
                }
                items.push(t(last, ")", false));
            }
            ExprKind::Paren(inner) => {
                items.push(t(start, "(", space));
                items.push(Work::Expr(inner, false));
                items.push(t(last, ")", false));
            }
            ExprKind::Not(inner) => {
                items.push(t(start, "not", space));
                items.push(Work::Expr(inner, true));
            }
            ExprKind::Binary { op, lhs, rhs } => {
                items.push(Work::Expr(lhs, space));
                items.push(t(rhs.span.start, op.symbol(), true));
                items.push(Work::Expr(rhs, true));
            }
            ExprKind::Pattern { op, lhs, pattern } => {
                items.push(Work::Expr(lhs, space));
                items.push(t(pattern.span.start, op.keyword(), true));
                items.push(Work::Tok(Tok {
                    pos: pattern.span.start,
                    text: Cow::Owned(quote(&pattern.value)),
                    space: true,
                }));
            }
        }
        self.stack.extend(items.into_iter().rev());
    }
}

impl<'a> Iterator for Toks<'a> {
    type Item = Tok<'a>;

    fn next(&mut self) -> Option<Tok<'a>> {
        while let Some(work) = self.stack.pop() {
            match work {
                Work::Tok(tok) => return Some(tok),
                Work::Expr(e, space) => self.push_expr(e, space),
            }
        }
        None
    }
}

/// The width of `e` printed on one line, or `None` when it exceeds `limit`.
fn flat_width(src: &str, e: &Expr, limit: usize) -> Option<usize> {
    let mut width = 0usize;
    for tok in Toks::new(src, e, false) {
        width += usize::from(tok.space) + tok.text.chars().count();
        if width > limit {
            return None;
        }
    }
    Some(width)
}

/// True when `e` printed on one line from column `col`, followed by `trail` more columns, stays
/// within [`WIDTH`].
fn fits(src: &str, e: &Expr, col: usize, trail: usize) -> bool {
    WIDTH.checked_sub(col + trail).is_some_and(|limit| flat_width(src, e, limit).is_some())
}

// ---------------------------------------------------------------------------------------------
// Literals.

/// A literal in canonical form.
fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Str(s) => quote(s),
        Literal::Int(n) => n.to_string(),
        Literal::Float(f) => float_text(*f),
        Literal::Bool(b) => b.to_string(),
    }
}

/// A string literal with canonical escapes: `\\`, `\"`, `\n`, `\r`, `\t`, and `\u{…}` (lowercase
/// hex) for every other control character; everything else as it is.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float that reads back to the same `f64`: the shortest decimal form, never an exponent, with
/// `.0` added to a whole number.
pub fn float_text(f: f64) -> String {
    let text = f.to_string();
    if !f.is_finite() || text.contains('.') { text } else { text + ".0" }
}

/// A float as the author wrote it when `written` is its source text (underscores dropped, leading
/// zeros of the whole part and trailing zeros of the fraction removed), so that the decimal value
/// stays exactly the one written (a `weight` counts as the exact decimal); otherwise
/// [`float_text`].
fn float_as_written(written: Option<&str>, f: f64) -> String {
    let normalized = written.and_then(|w| {
        let clean: String = w.chars().filter(|&c| c != '_').collect();
        let (sign, digits) = clean.strip_prefix('-').map_or(("", clean.as_str()), |d| ("-", d));
        let (whole, fraction) = digits.split_once('.')?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let whole = whole.trim_start_matches('0');
        let fraction = fraction.trim_end_matches('0');
        let whole = if whole.is_empty() { "0" } else { whole };
        let fraction = if fraction.is_empty() { "0" } else { fraction };
        let text = format!("{sign}{whole}.{fraction}");
        (text.parse::<f64>().ok()?.to_bits() == f.to_bits()).then_some(text)
    });
    normalized.unwrap_or_else(|| float_text(f))
}

/// A written type: `int`, `[string]?`…
fn type_text(ty: &TypeExpr) -> String {
    let mut s = String::new();
    if ty.list {
        s.push('[');
    }
    s.push_str(&ty.scalar.name);
    if ty.list {
        s.push(']');
    }
    if ty.optional {
        s.push('?');
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The writer: lines, indentation and comments.

struct Writer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// Index of the first comment not yet written.
    next: usize,
    /// Finished lines.
    lines: Vec<String>,
    /// The line being written (indentation included), when `open`.
    line: String,
    open: bool,
    /// The open line holds more than indentation.
    content: bool,
    /// Column of the end of the open line, in Unicode scalar values.
    col: usize,
    /// Where a line starts when a comment forces a break inside a construct.
    cont: usize,
    /// A trailing comment ended the open line: the next token starts a new line at `cont`.
    pending_break: bool,
    /// Put a blank line before the next line started.
    want_blank: bool,
    /// No line was started since the start of the file or the last `{`: no blank line here.
    block_start: bool,
    /// End of the last declaration, entry or comment written, for finding the author's blank lines.
    last_end: u32,
    /// Trailing comments written: (line index, byte offset of `#` in the line, code width).
    trailing: Vec<(usize, usize, usize)>,
    /// Bytes of the source read to find the author's blank lines.
    gap_bytes: usize,
}

impl<'a> Writer<'a> {
    fn new(src: &'a str, comments: &'a [Comment]) -> Writer<'a> {
        Writer {
            src,
            comments,
            next: 0,
            lines: Vec::new(),
            line: String::new(),
            open: false,
            content: false,
            col: 0,
            cont: 0,
            pending_break: false,
            want_blank: false,
            block_start: true,
            last_end: 0,
            trailing: Vec::new(),
            gap_bytes: 0,
        }
    }

    /// Ends the open line (dropping it when it holds only indentation).
    fn commit(&mut self) {
        if self.open && self.content {
            let line = std::mem::take(&mut self.line);
            self.lines.push(line.trim_end().to_owned());
        }
        self.line.clear();
        self.open = false;
        self.content = false;
        self.pending_break = false;
    }

    /// Starts a new line indented by `indent`, after a blank line if one is wanted.
    fn start_line(&mut self, indent: usize) {
        self.commit();
        if self.want_blank && !self.block_start && !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.want_blank = false;
        self.block_start = false;
        self.line = " ".repeat(indent);
        self.open = true;
        self.col = indent;
    }

    fn write(&mut self, text: &str) {
        self.line.push_str(text);
        self.col += text.chars().count();
        self.content = true;
    }

    /// Writes a token that stands for position `pos`, after the comments before it.
    fn tok(&mut self, pos: u32, text: &str, space: bool) {
        self.flush(pos, self.cont, false);
        if self.pending_break || !self.open {
            self.start_line(self.cont);
        } else if space && self.content {
            self.write(" ");
        }
        self.write(text);
    }

    /// The column where the next token will start.
    fn next_col(&mut self, space: bool) -> usize {
        if self.pending_break || !self.open { self.cont } else { self.col + usize::from(space && self.content) }
    }

    /// Writes every comment that starts before `pos`. One that trailed code in the source is
    /// appended to the open line; any other gets its own line at `indent`. With `blanks`, the
    /// author's blank lines before own-line comments are kept (one at most).
    fn flush(&mut self, pos: u32, indent: usize, blanks: bool) {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= pos {
                break;
            }
            self.next += 1;
            let text = c.text.trim_end();
            if self.is_trailing(c) && self.open && self.content && !self.pending_break {
                self.trailing.push((self.lines.len(), self.line.len(), self.col));
                self.line.push_str(text);
                self.pending_break = true;
            } else {
                if blanks {
                    self.blank_if_source_has_one(c.span.start);
                }
                self.start_line(indent);
                self.write(text);
                self.commit();
            }
            self.last_end = self.last_end.max(c.span.end);
        }
    }

    /// Wants a blank line when the author left one between the last thing written and `pos`.
    fn blank_if_source_has_one(&mut self, pos: u32) {
        let gap = self.src.get(self.last_end as usize..pos as usize).unwrap_or("");
        self.gap_bytes += gap.len();
        if gap.bytes().filter(|&b| b == b'\n').nth(1).is_some() {
            self.want_blank = true;
        }
    }

    /// True when code precedes the comment on its line in the source.
    fn is_trailing(&self, c: &Comment) -> bool {
        let before = self.src.get(..c.span.start as usize).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before.get(line_start..).is_some_and(|s| !s.trim().is_empty())
    }

    /// Skips the comments that start before `pos` (they are part of text copied verbatim).
    fn skip_comments(&mut self, pos: u32) {
        while self.comments.get(self.next).is_some_and(|c| c.span.start < pos) {
            self.next += 1;
        }
    }

    /// The finished text: trailing comments aligned within runs of consecutive lines, two spaces
    /// after the longest code of the run.
    fn finish(mut self) -> String {
        self.commit();
        let mut i = 0;
        while let Some(&(first, _, _)) = self.trailing.get(i) {
            let mut j = i + 1;
            let mut prev = first;
            while let Some(&(line, _, _)) = self.trailing.get(j) {
                if line != prev + 1 {
                    break;
                }
                prev = line;
                j += 1;
            }
            let run = self.trailing.get(i..j).unwrap_or(&[]);
            let target = run.iter().map(|&(_, _, width)| width).max().unwrap_or(0) + 2;
            for &(line, byte, width) in run {
                if let Some(text) = self.lines.get_mut(line) {
                    let comment = text.split_off(byte.min(text.len()));
                    let code = text.trim_end().to_owned();
                    let pad = target.saturating_sub(width).max(1);
                    *text = format!("{code}{}{comment}", " ".repeat(pad));
                }
            }
            i = j;
        }
        let mut out = self.lines.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // Declarations.

    fn decl(&mut self, decl: &Decl) {
        match decl {
            Decl::Standard(b) | Decl::Category(b) | Decl::Policy(b) => {
                let keyword = match decl {
                    Decl::Standard(_) => "standard",
                    Decl::Policy(_) => "policy",
                    _ => "category",
                };
                self.header(b.span.start, keyword, b.name.span.start, &b.name.name);
                let items: Vec<Item<'_>> = b.entries.iter().map(Item::Entry).collect();
                let one_line_allowed = matches!(decl, Decl::Category(_));
                self.block(&items, b.name.span.end, b.span, 0, one_line_allowed);
            }
            Decl::Fact(f) => {
                self.header(f.span.start, "fact", f.name.span.start, &f.name.name);
                let items: Vec<Item<'_>> = f.fields.iter().map(Item::Field).collect();
                self.block(&items, f.name.span.end, f.span, 0, true);
            }
            Decl::Const(v) => {
                self.header(v.span.start, "const", v.name.span.start, &v.name.name);
                self.tok(v.name.span.end, "=", true);
                self.value(&v.value, 0);
            }
            Decl::Param(p) => {
                self.header(p.span.start, "param", p.name.span.start, &p.name.name);
                self.tok(p.name.span.end, ":", false);
                self.tok(p.ty.span.start, &type_text(&p.ty), true);
                self.tok(p.ty.span.end, "=", true);
                self.value(&p.default, 0);
            }
            Decl::Define(v) => {
                self.header(v.span.start, "define", v.name.span.start, &v.name.name);
                self.tok(v.name.span.end, "=", true);
                self.define_value(&v.value);
            }
            Decl::Indicator(ind) => {
                self.header(ind.span.start, "indicator", ind.id.span.start, &quote(&ind.id.value));
                let items: Vec<Item<'_>> = ind.entries.iter().map(Item::Entry).collect();
                self.block(&items, ind.id.span.end, ind.span, 0, false);
            }
            Decl::Test(t) => {
                self.header(t.span.start, "test", t.name.span.start, &quote(&t.name.value));
                let items: Vec<Item<'_>> = t.entries.iter().map(Item::Test).collect();
                self.block(&items, t.name.span.end, t.span, 0, false);
            }
            Decl::Broken(b) => {
                let text = self.src.get(b.span.range()).unwrap_or("").trim_end();
                self.skip_comments(b.span.end);
                self.start_line(0);
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        self.commit();
                        self.open = true;
                    }
                    self.write(line.trim_end());
                }
            }
        }
    }

    /// `KEYWORD NAME` at the start of a line.
    fn header(&mut self, pos: u32, keyword: &str, name_pos: u32, name: &str) {
        self.flush(pos, 0, true);
        if !self.open || self.content {
            self.start_line(0);
        }
        self.cont = INDENT;
        self.tok(pos, keyword, false);
        self.tok(name_pos, name, true);
    }

    /// The value of a `const` or `param`: a list that does not fit goes one element per line.
    fn value(&mut self, value: &Expr, indent: usize) {
        self.flush(value.span.start, indent + INDENT, false);
        let col = self.next_col(true);
        if let ExprKind::List(items) = &value.kind
            && !items.is_empty()
            && (comment_inside(self.comments, value.span) || !fits(self.src, value, col, 0))
        {
            self.vertical_list(items, value.span, indent);
        } else {
            self.cont = col;
            self.expr(value, true, 0, 0);
        }
    }

    /// The value of a `define`: on the same line when it fits, else on the next lines, indented.
    fn define_value(&mut self, value: &Expr) {
        self.flush(value.span.start, INDENT, false);
        let col = self.next_col(true);
        let fits_here = !comment_inside(self.comments, value.span) && fits(self.src, value, col, 0);
        if fits_here || matches!(value.kind, ExprKind::List(_)) {
            self.value(value, 0);
        } else {
            self.cont = INDENT;
            self.start_line(INDENT);
            self.expr(value, false, 0, 0);
        }
    }

    /// `[` then one element per line, each followed by a comma, then `]` at `indent`.
    fn vertical_list(&mut self, items: &[Expr], span: Span, indent: usize) {
        self.tok(span.start, "[", true);
        self.block_start = true;
        let inner = indent + INDENT;
        for item in items {
            self.flush(item.span.start, inner, true);
            self.blank_if_source_has_one(item.span.start);
            self.start_line(inner);
            self.cont = inner + INDENT;
            self.expr(item, false, 1, 0);
            self.tok(item.span.end, ",", false);
            self.last_end = item.span.end;
        }
        self.close(span, indent, "]");
    }

    /// Writes the comments left before the end of a block, then its closing bracket at `indent`.
    fn close(&mut self, span: Span, indent: usize, bracket: &str) {
        let end = span.end.saturating_sub(1).max(span.start);
        self.flush(end, indent + INDENT, true);
        self.want_blank = false;
        self.start_line(indent);
        self.cont = indent + INDENT;
        self.write(bracket);
    }

    /// ` { … }`: on one line when allowed and short, else one item per line at `indent + 2`.
    /// `brace_pos` is the end of what precedes the `{`, so that a comment after the `{` stays after it.
    fn block(&mut self, items: &[Item<'_>], brace_pos: u32, span: Span, indent: usize, one_line_allowed: bool) {
        if one_line_allowed && !comment_inside(self.comments, span) {
            let col = self.next_col(true);
            let mut width = col + " {".len() + " }".len();
            let mut flat = true;
            for (i, item) in items.iter().enumerate() {
                width += if i > 0 { ", ".len() } else { " ".len() };
                match WIDTH.checked_sub(width).and_then(|limit| item.flat_width(self.src, limit)) {
                    Some(w) => width += w,
                    None => flat = false,
                }
                if !flat {
                    break;
                }
            }
            if flat && width <= WIDTH {
                self.tok(brace_pos, "{", true);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.write(",");
                    }
                    self.write(" ");
                    item.print(self, indent);
                }
                if !items.is_empty() {
                    self.write(" ");
                }
                self.write("}");
                return;
            }
        }
        self.tok(brace_pos, "{", true);
        if items.is_empty() && !comment_inside(self.comments, span) {
            self.write("}");
            return;
        }
        self.block_start = true;
        let inner = indent + INDENT;
        for item in items {
            let start = item.span().start;
            self.flush(start, inner, true);
            self.blank_if_source_has_one(start);
            self.start_line(inner);
            self.cont = inner + INDENT;
            item.print(self, inner);
            self.last_end = item.span().end;
        }
        self.close(span, indent, "}");
    }

    /// `key: value`.
    fn entry(&mut self, e: &Entry) {
        self.tok(e.key.span.start, &e.key.name, false);
        self.tok(e.key.span.end, ":", false);
        let saved = self.cont;
        self.cont = self.col + 1;
        self.expr(&e.value, true, 0, 0);
        self.cont = saved;
    }

    // -----------------------------------------------------------------------------------------
    // Expressions.

    /// Prints `e`, on one line when it fits and holds no comment, else broken before `or`/`and`
    /// (continuation lines aligned with the chain's first operand) and inside parentheses and
    /// lists. `trail` is the width of what must follow on the same line.
    fn expr(&mut self, e: &Expr, space: bool, trail: usize, depth: usize) {
        self.flush(e.span.start, self.cont, false);
        let col = self.next_col(space);
        if depth >= MAX_DEPTH || (!comment_inside(self.comments, e.span) && fits(self.src, e, col, trail)) {
            self.flat(e, space);
            return;
        }
        let saved = self.cont;
        let start = e.span.start;
        let last = e.span.end.saturating_sub(1).max(start);
        match &e.kind {
            ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), .. } => {
                self.chain(e, *op, space, trail, depth);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.cont = col + INDENT;
                let rhs_width = flat_width(self.src, rhs, WIDTH).unwrap_or(WIDTH);
                self.expr(lhs, space, op.symbol().len() + 1 + rhs_width + trail, depth + 1);
                self.tok(rhs.span.start, op.symbol(), true);
                self.expr(rhs, true, trail, depth + 1);
            }
            ExprKind::Pattern { op, lhs, pattern } => {
                self.cont = col + INDENT;
                let pat = quote(&pattern.value);
                let tail = op.keyword().len() + 2 + pat.chars().count() + trail;
                self.expr(lhs, space, tail, depth + 1);
                self.tok(pattern.span.start, op.keyword(), true);
                self.tok(pattern.span.start, &pat, true);
            }
            ExprKind::Paren(inner) => {
                self.tok(start, "(", space);
                self.cont = col + 1;
                self.expr(inner, false, trail + 1, depth + 1);
                self.tok(last, ")", false);
            }
            ExprKind::Not(inner) => {
                self.tok(start, "not", space);
                self.cont = col + "not ".len();
                self.expr(inner, true, trail, depth + 1);
            }
            ExprKind::Quantifier { quantifier, binder, kind, body } => {
                self.cont = col + INDENT;
                self.tok(start, quantifier.keyword(), space);
                if let Some(b) = binder {
                    self.tok(b.span.start, &b.name, true);
                    self.tok(kind.span.start, "in", true);
                }
                self.tok(kind.span.start, &kind.name, true);
                if let Some(body) = body {
                    self.tok(body.span.start, "where", true);
                    self.expr(body, true, trail, depth + 1);
                }
            }
            ExprKind::Count { binder, kind, body } => {
                self.cont = col + INDENT;
                self.tok(start, "count", space);
                self.tok(start, "(", false);
                if let Some(b) = binder {
                    self.tok(b.span.start, &b.name, false);
                    self.tok(kind.span.start, "in", true);
                }
                self.tok(kind.span.start, &kind.name, binder.is_some());
                if let Some(body) = body {
                    self.tok(body.span.start, "where", true);
                    self.expr(body, true, trail + 1, depth + 1);
                }
                self.tok(last, ")", false);
            }
            ExprKind::List(items) => self.fill_list(items, e.span, space, trail),
            ExprKind::Literal(_)
            | ExprKind::Name(_)
            | ExprKind::Field { .. }
            | ExprKind::Has { .. }
            | ExprKind::Unknown
            | ExprKind::Observed(_) => self.flat(e, space),
        }
        self.cont = saved;
    }

    /// Prints `e` token by token on the current line (comments still break it).
    fn flat(&mut self, e: &Expr, space: bool) {
        for tok in Toks::new(self.src, e, space) {
            self.tok(tok.pos, &tok.text, tok.space);
        }
    }

    /// A broken chain of one operator: the first operand where we are, each other on its own line
    /// at the same column, after the operator.
    fn chain(&mut self, e: &Expr, op: BinOp, space: bool, trail: usize, depth: usize) {
        let mut operands = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary { op: o, lhs, rhs } = &cur.kind
            && *o == op
        {
            operands.push(&**rhs);
            cur = lhs;
        }
        operands.push(cur);
        operands.reverse();
        let col = self.next_col(space);
        self.cont = col;
        let count = operands.len();
        for (i, operand) in operands.into_iter().enumerate() {
            let t = if i + 1 == count { trail } else { 0 };
            if i == 0 {
                self.expr(operand, space, t, depth + 1);
            } else {
                self.cont = col;
                self.flush(operand.span.start, col, false);
                self.start_line(col);
                self.write(op.symbol());
                self.expr(operand, true, t, depth + 1);
            }
        }
    }

    /// `[a, b, …]` filled: as many elements per line as fit, continuation lines aligned after `[`.
    fn fill_list(&mut self, items: &[Expr], span: Span, space: bool, trail: usize) {
        self.tok(span.start, "[", space);
        let inner = self.col;
        self.cont = inner;
        let count = items.len();
        for (i, item) in items.iter().enumerate() {
            let after = if i + 1 == count { 1 + trail } else { 1 };
            if i > 0 {
                self.flush(item.span.start, inner, false);
                let width = flat_width(self.src, item, WIDTH).unwrap_or(WIDTH);
                if self.open && !self.pending_break && self.col + 1 + width + after > WIDTH {
                    self.start_line(inner);
                }
            }
            self.flat(item, i > 0);
            if i + 1 < count {
                self.tok(item.span.end, ",", false);
            }
        }
        let end = span.end.saturating_sub(1).max(span.start);
        self.tok(end, "]", false);
    }
}

/// One item of a block: an entry, a fact field, or a test entry.
#[derive(Clone, Copy)]
enum Item<'a> {
    Entry(&'a Entry),
    Field(&'a FieldDecl),
    Test(&'a TestEntry),
}

impl Item<'_> {
    fn span(self) -> Span {
        match self {
            Item::Entry(e) => e.span,
            Item::Field(f) => f.span,
            Item::Test(TestEntry::Field(e)) => e.span,
            Item::Test(TestEntry::Params { span, .. } | TestEntry::Expect { span, .. }) => *span,
        }
    }

    /// Width on one line, or `None` when over `limit` (only entries and fields go on one line).
    fn flat_width(self, src: &str, limit: usize) -> Option<usize> {
        let width = match self {
            Item::Entry(e) => e.key.name.chars().count() + 2 + flat_width(src, &e.value, limit)?,
            Item::Field(f) => f.name.name.chars().count() + 2 + type_text(&f.ty).len(),
            Item::Test(_) => return None,
        };
        (width <= limit).then_some(width)
    }

    fn print(self, w: &mut Writer<'_>, indent: usize) {
        match self {
            Item::Entry(e) | Item::Test(TestEntry::Field(e)) => w.entry(e),
            Item::Field(f) => {
                w.tok(f.name.span.start, &f.name.name, false);
                w.tok(f.name.span.end, ":", false);
                w.tok(f.ty.span.start, &type_text(&f.ty), true);
            }
            Item::Test(TestEntry::Params { key, values, span }) => {
                w.tok(key.span.start, &key.name, false);
                w.tok(key.span.end, ":", false);
                let items: Vec<Item<'_>> = values.iter().map(Item::Entry).collect();
                let inner = Span { start: key.span.end, ..*span };
                w.block(&items, key.span.end, inner, indent, true);
            }
            Item::Test(TestEntry::Expect { target, value, span }) => {
                w.tok(span.start, "expect", false);
                match target {
                    ExpectTarget::Indicator(id) => {
                        w.tok(id.span.start, &quote(&id.value), true);
                        w.tok(id.span.end, ":", false);
                    }
                    ExpectTarget::Count(id) => {
                        w.tok(id.span.start, &id.name, true);
                        w.tok(id.span.end, ":", false);
                    }
                }
                let saved = w.cont;
                w.cont = w.col + 1;
                w.expr(value, true, 0, 0);
                w.cont = saved;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_found_in_linear_time() {
        // 2,000 declarations: reading the source from its start for each one (as the one-line test of a
        // declaration once did) reads about 1,000 times the source.
        let blocks: Vec<String> = (0..1000)
            .map(|i| {
                format!(
                    "category c{i} {{ title: \"C{i}\" }}\n\nindicator \"I{i}\" {{\n  category: c{i}\n  when: true\n}}\n"
                )
            })
            .collect();
        let source = blocks.join("\n");
        let (ast, diagnostics) = crate::parser::parse(FileId(0), &source);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let (formatted, gaps) = format_counting(&ast, &source);
        assert!(formatted == source, "the source is canonical");
        assert!(gaps <= 2 * source.len(), "{gaps} bytes read for blank lines in a source of {}", source.len());
    }

    #[test]
    fn strings_are_escaped_canonically() {
        assert_eq!(quote("a\"b\\c\n\r\t\u{1}é\u{7f}"), "\"a\\\"b\\\\c\\n\\r\\t\\u{1}é\\u{7f}\"");
    }

    #[test]
    fn floats_keep_the_digits_written() {
        assert_eq!(float_as_written(Some("0.30000000000000001"), 0.3), "0.30000000000000001");
        assert_eq!(float_as_written(Some("007.500"), 7.5), "7.5");
        assert_eq!(float_as_written(Some("-1_000.000_1"), -1000.0001), "-1000.0001");
        assert_eq!(float_as_written(Some("-0.0"), -0.0), "-0.0");
        // not the literal's text: printed from the value
        assert_eq!(float_as_written(Some("x"), 2.0), "2.0");
        assert_eq!(float_as_written(Some("1.5"), 2.0), "2.0");
        assert_eq!(float_as_written(None, 0.1), "0.1");
    }

    #[test]
    fn floats_never_use_an_exponent() {
        assert_eq!(float_text(1.0), "1.0");
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(-2.5), "-2.5");
        assert_eq!(float_text(1e21), "1000000000000000000000.0");
        assert_eq!(float_text(1e-7), "0.0000001");
        for f in [1e300, 5e-324, 0.30000000000000004, f64::MAX, -0.0] {
            assert_eq!(float_text(f).parse::<f64>().unwrap().to_bits(), f.to_bits());
        }
    }
}
