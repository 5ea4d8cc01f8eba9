//! Step one: rule text to an [`ast::File`](crate::ast::File) and its diagnostics. Parsing never
//! fails and never panics: [`parse`] always returns a tree, and every problem as a [`Diagnostic`].
//!
//! # Shape
//!
//! A lexer (`lexer`: nom recognisers for numbers and comments, byte loops for the hot paths)
//! hands tokens on demand to a hand-written recursive descent parser with two tokens of
//! lookahead (three in `test` blocks). nom stays at the character level: over tokens, error
//! recovery, "expected …" labels and an explicit depth limit are plain code, where nom's
//! combinators would recurse as deep as the input and backtrack over long expressions. Parsing is
//! linear: no token is read twice, nothing backtracks, tokens are not stored, and line and column
//! are never computed here (spans are byte ranges; the renderer turns them into `LINE:COLUMN`).
//! A byte-order mark at the start of a file is whitespace.
//!
//! # Errors and recovery
//!
//! - The first syntax error in a declaration is reported at the offending token, with a label
//!   saying what was expected; the parser then skips to the next declaration. Only one syntax
//!   error is reported per declaration, so there are no cascades inside one.
//! - **Recovery rule.** Skipping stops at the first token (the offending one included) that is a
//!   declaration keyword (`standard category fact const param define indicator test policy`: those
//!   [`Keyword::declaration`](crate::ast::Keyword::declaration) names), is not
//!   followed by `:` (so a `category: …` entry never counts), and either
//!   - is the first token on its line, and the declaration's braces are balanced there or the
//!     keyword stands in column 1 (an unclosed block is taken to end at an unindented keyword), or
//!   - directly follows a `}` that balances the declaration's braces (`} category b { … }`).
//! - A `{`, `(` or `[` still open at the end of the file or at the next declaration (a resume
//!   point by the rule above) is reported once, at the open delimiter ("unclosed `{`"), and
//!   parsing resumes at that declaration. So inside a block only an unindented keyword ends it,
//!   and an indented `category pd` is a missing `:`.
//! - A declaration that failed is returned as [`Decl::Broken`], with its kind and, when it was
//!   read, its name, so that it still counts as declared and its uses do not cascade. Tokens
//!   between declarations that start none (stray text) become a `Broken` with no kind.
//! - Errors inside one token are reported where the parser reads the token, each at its own span,
//!   and leave the declaration `Broken`: a bad escape (each one), an integer or a float out of
//!   range. A string without its closing quote on its line is reported once, ends at the line
//!   break, and silences the rest of its declaration (a string broken over two lines would
//!   otherwise cause a second error on the next line). Tokens skipped during recovery are not
//!   decoded, so they report nothing.
//! - At most [`MAX_DIAGNOSTICS`] diagnostics are kept per file: past `MAX_DIAGNOSTICS - 1`, the
//!   parser keeps parsing (so that declarations are still collected) but only counts, and the
//!   last diagnostic, at the end of the file, says how many more errors there were. The
//!   renderer applies its own cap of 200 per file to all diagnostics of a run.
//!
//! # Depth limit
//!
//! Every expression tree the parser returns is at most [`MAX_NESTING`] nodes deep, so later
//! stages may walk it recursively. Each parenthesis, `not`, quantifier or `count` body, and each
//! `and`/`or` of a chain adds one level. Past the limit, the parser reports one "expression
//! nested too deeply" error and abandons the declaration: it checks the limit before it recurses
//! (so 100,000 nested parentheses cannot overflow the stack) and as it builds each node (so a
//! chain of 100,000 `or`s cannot build a tree that overflows the stack when dropped). Lists
//! take literals only and so never nest. The functions on the recursive path keep small frames
//! (cold arms and error paths live in functions that are never inlined into them): the deepest
//! tree accepted needs about 560 KiB of stack unoptimised (opt-level 0) and 320 KiB at
//! opt-level 1, well inside a 2 MB test thread.
//!
//! # Grammar notes
//!
//! - Block entries are `KEY: expr`, where `KEY` may be a reserved word; entries (and fact
//!   fields) are separated by whitespace, optionally by one comma each.
//! - A `where` body is one `unary`; a `count( … where …)` body is a full expression.
//! - Predicates do not chain: after a predicate, another predicate operator is an error, and so is
//!   a predicate operator after an operand that ends in an unparenthesised predicate (a
//!   quantifier whose body is one, as in `any flow where port == 80 == true`).
//! - `x not in L` is [`BinOp::NotIn`]; `( … )` is kept as [`ExprKind::Paren`].
//! - `const`, `param` and `define` values are parsed as whole expressions (the checker says
//!   which must be literals); list literals take literals only, and `unknown` in a list is a
//!   parse error.
//! - In a `test` block, `expect TARGET: value` is [`TestEntry::Expect`] and `params: { … }` is
//!   [`TestEntry::Params`]; any other entry is a plain [`TestEntry::Field`].
//!
//! Messages follow the project's policy: lowercase, one sentence, no final period, user input in
//! backticks (control and bidirectional-formatting characters escaped).

mod lexer;

use crate::ast::{
    BinOp, BlockDecl, BrokenDecl, Decl, DeclKind, Entry, ExpectTarget, Expr, ExprKind, FactDecl, FieldDecl, File,
    Ident, IndicatorDecl, Literal, ParamDecl, PatternOp, Quantifier, StrLit, TestDecl, TestEntry, TypeExpr, ValueDecl,
};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use lexer::{Kw, Lexer, StrEnd, Tok, TokKind};

/// Tokens of lookahead the parser keeps.
const LOOKAHEAD: usize = 3;

const EOF_TOK: Tok = Tok { kind: TokKind::Eof, start: 0, end: 0, line_start: false, col1: false };

/// The deepest expression tree the parser builds (see the module docs).
pub const MAX_NESTING: usize = 128;

/// The most diagnostics [`parse`] returns for one file, the closing "more errors" one included.
pub const MAX_DIAGNOSTICS: usize = 200;

/// Parses one file. Never fails: the tree holds every declaration that parsed (and a
/// [`Decl::Broken`] for each that did not), and the diagnostics say what went wrong, in the
/// order found.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut p = Parser::new(file, text);
    let decls = p.file();
    p.finish(decls)
}

/// Parses a lone expression, such as the value of a `--param NAME=VALUE` option: the whole text
/// must be one expression. Returns it when it parsed without error.
pub fn parse_expr(file: FileId, text: &str) -> (Option<Expr>, Vec<Diagnostic>) {
    let mut p = Parser::new(file, text);
    p.begin_decl();
    let expr = match p.expr() {
        Ok(node) => {
            let t = p.peek(0);
            if t.kind == TokKind::Eof {
                Some(node.expr)
            } else {
                let _ = p.expected("an operator or the end of the value");
                None
            }
        }
        Err(Stop) => None,
    };
    let clean = !p.decl_lex_error && p.diags.is_empty();
    let (_, diags) = p.finish(Vec::new());
    (expr.filter(|_| clean), diags)
}

/// A syntax error was reported (or silenced); the declaration is abandoned.
struct Stop;

type PResult<T> = Result<T, Stop>;

/// An expression with what its parents need to know about it.
struct Node {
    expr: Expr,
    /// Depth of the tree (a leaf is 1).
    depth: usize,
    /// It ends in an unparenthesised predicate, so it cannot be a predicate's left operand.
    open: bool,
}

/// The start of a quantifier or `count`, boxed to keep the recursive frames small.
struct Head {
    kw: Tok,
    /// The `(` of `count(`.
    open: Option<Tok>,
    binder: Option<Ident>,
    kind: Ident,
}

/// What follows an operand when it is a predicate.
#[derive(Clone, Copy)]
enum PredOp {
    Bin(BinOp),
    Pattern(PatternOp),
}

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    lex: Lexer<'a>,
    /// Lookahead: `la[..la_len]` are the next tokens, in order.
    la: [Tok; LOOKAHEAD],
    la_len: usize,
    diags: Vec<Diagnostic>,
    dropped: usize,
    // Per-declaration state, reset by `begin_decl`.
    braces: i64,
    prev: Option<TokKind>,
    prev_end: u32,
    decl_lex_error: bool,
    silenced: bool,
    nest: usize,
    decl_name: Option<Ident>,
    /// The `(`, `[` and `{` open at this point of the declaration, innermost last.
    open: Vec<Tok>,
}

fn decl_kind(kw: Kw) -> Option<DeclKind> {
    kw.declaration()
}

/// The token that closes an opening delimiter.
fn closer(open: TokKind) -> Option<TokKind> {
    match open {
        TokKind::LParen => Some(TokKind::RParen),
        TokKind::LBracket => Some(TokKind::RBracket),
        TokKind::LBrace => Some(TokKind::RBrace),
        _ => None,
    }
}

/// The text of a closing delimiter.
fn closing_text(close: TokKind) -> &'static str {
    match close {
        TokKind::RParen => ")",
        TokKind::RBracket => "]",
        _ => "}",
    }
}

fn is_decl_kw(kind: TokKind) -> bool {
    matches!(kind, TokKind::Kw(kw) if decl_kind(kw).is_some())
}

/// The declaration keywords, for a label: "`standard`, `category`, … or `policy`".
fn decl_keywords() -> String {
    let words: Vec<String> =
        Kw::ALL.iter().filter(|k| k.declaration().is_some()).map(|k| format!("`{}`", k.text())).collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => words.concat(),
    }
}

impl<'a> Parser<'a> {
    fn new(file: FileId, text: &'a str) -> Parser<'a> {
        Parser {
            file,
            text,
            lex: Lexer::new(file, text),
            la: [EOF_TOK; LOOKAHEAD],
            la_len: 0,
            diags: Vec::new(),
            dropped: 0,
            braces: 0,
            prev: None,
            prev_end: 0,
            decl_lex_error: false,
            silenced: false,
            nest: 0,
            decl_name: None,
            open: Vec::new(),
        }
    }

    fn finish(mut self, decls: Vec<Decl>) -> (File, Vec<Diagnostic>) {
        if self.dropped > 0 {
            let n = self.dropped;
            let end = self.text.len();
            let s = if n == 1 { "" } else { "s" };
            self.diags.push(
                Diagnostic::error(format!("{n} more error{s} in this file not shown"), Span::new(self.file, end, end))
                    .with_code("E0200")
                    .with_label("too many errors"),
            );
        }
        // Drain the lexer so that every comment is collected even when parsing stopped early.
        while self.lex.next_token().kind != TokKind::Eof {}
        let comments = std::mem::take(&mut self.lex.comments);
        (File { decls, comments }, self.diags)
    }

    // ---- tokens -------------------------------------------------------------------------

    /// The token `n` places ahead (`n < LOOKAHEAD`).
    fn peek(&mut self, n: usize) -> Tok {
        while self.la_len <= n && self.la_len < LOOKAHEAD {
            let t = self.lex.next_token();
            if let Some(slot) = self.la.get_mut(self.la_len) {
                *slot = t;
            }
            self.la_len += 1;
        }
        self.la.get(n).copied().unwrap_or(EOF_TOK)
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek(0);
        if t.kind != TokKind::Eof {
            self.la.rotate_left(1);
            self.la_len -= 1;
        }
        match t.kind {
            TokKind::LBrace => self.braces += 1,
            TokKind::RBrace => self.braces -= 1,
            _ => {}
        }
        match t.kind {
            TokKind::LBrace | TokKind::LBracket | TokKind::LParen => self.open.push(t),
            TokKind::RBrace | TokKind::RBracket | TokKind::RParen
                if self.open.last().is_some_and(|o| closer(o.kind) == Some(t.kind)) =>
            {
                self.open.pop();
            }
            _ => {}
        }
        self.prev = Some(t.kind);
        self.prev_end = self.prev_end.max(t.end);
        t
    }

    fn at(&mut self, kind: TokKind) -> bool {
        self.peek(0).kind == kind
    }

    fn at_kw(&mut self, kw: Kw) -> bool {
        self.at(TokKind::Kw(kw))
    }

    fn span(&self, t: Tok) -> Span {
        Span::new(self.file, t.start as usize, t.end as usize)
    }

    fn slice(&self, t: Tok) -> &'a str {
        self.text.get(t.range()).unwrap_or("")
    }

    fn ident(&self, t: Tok) -> Ident {
        Ident { name: self.slice(t).to_string(), span: self.span(t) }
    }

    // ---- diagnostics --------------------------------------------------------------------

    fn report(&mut self, d: Diagnostic) {
        if self.diags.len() + 1 < MAX_DIAGNOSTICS {
            self.diags.push(d);
        } else {
            self.dropped += 1;
        }
    }

    /// Reports a syntax error (unless the declaration is silenced) and abandons the declaration.
    fn error(&mut self, d: Diagnostic) -> Stop {
        if !self.silenced {
            self.report(d);
            self.silenced = true;
        }
        Stop
    }

    /// "expected WHAT, found …" at the next token.
    fn expected(&mut self, what: &str) -> Stop {
        self.expected_labelled(what, what)
    }

    /// "expected WHAT, found …" at the next token, labelled "expected LABEL". When the token
    /// closes a delimiter other than the innermost open one, or WHAT is that one's closer, the
    /// opener is labelled too.
    #[inline(never)]
    fn expected_labelled(&mut self, what: &str, label: &str) -> Stop {
        let t = self.peek(0);
        let span = self.span(t);
        let mut d = match t.kind {
            TokKind::Unknown => {
                let d = self.unknown_token(t);
                if d.label.is_some() { d } else { d.with_label(format!("expected {label}")) }
            }
            _ => Diagnostic::error(format!("expected {what}, found {}", self.describe(t)), span)
                .with_code("E0201")
                .with_label(format!("expected {label}")),
        };
        if let Some(open) = self.open.last().copied() {
            let close = closer(open.kind);
            let wants_close = t.kind != TokKind::Unknown
                && close.is_some_and(|c| what.starts_with(&format!("`{}`", closing_text(c))));
            let other_close =
                matches!(t.kind, TokKind::RParen | TokKind::RBracket | TokKind::RBrace) && close != Some(t.kind);
            if wants_close || other_close {
                let delim = self.slice(open);
                d = d.with_related(self.span(open), format!("this `{delim}` is not closed"));
            }
        }
        self.error(d)
    }

    /// An [`TokKind::Unknown`] token where a token was expected: the first character, or for the
    /// habits of other languages (`&&`, `||`, `!`, `'…'`) the word to write instead.
    fn unknown_token(&self, t: Tok) -> Diagnostic {
        let text = self.slice(t);
        let c = text.chars().next().unwrap_or('?');
        let start = t.start as usize;
        let char_span = Span::new(self.file, start, start + c.len_utf8());
        let operator = |op: &str, word: &str| {
            let span = Span::new(self.file, start, start + op.len());
            Diagnostic::error(format!("`{op}` is not an operator of the language"), span)
                .with_code("E0103")
                .with_label(format!("write `{word}`"))
                .with_help(format!("the logical operators are the words `and`, `or` and `not`: write `{word}`"))
        };
        if text.starts_with("&&") {
            return operator("&&", "and");
        }
        if text.starts_with("||") {
            return operator("||", "or");
        }
        if text.starts_with('!') {
            return operator("!", "not");
        }
        if c == '\'' {
            let line_end =
                self.text.get(start..).and_then(|r| r.find(['\n', '\r'])).map_or(self.text.len(), |i| start + i);
            let quoted = self.text.get(start + 1..line_end).and_then(|r| r.find('\'')).map(|i| start + 1 + i);
            let (span, help) = match quoted.and_then(|end| self.text.get(start + 1..end).map(|body| (end, body))) {
                Some((end, body)) if !body.contains('"') && body.chars().count() <= 60 => (
                    Span::new(self.file, start, end + 1),
                    format!("strings are written in double quotes: `\"{}\"`", printable(body)),
                ),
                Some((end, _)) => (Span::new(self.file, start, end + 1), "strings are written in double quotes".into()),
                None => (char_span, "strings are written in double quotes: `\"…\"`".into()),
            };
            return Diagnostic::error("single quotes do not make a string", span)
                .with_code("E0102")
                .with_label("write double quotes")
                .with_help(help);
        }
        Diagnostic::error(format!("unexpected character `{}`", c.escape_debug()), char_span).with_code("E0101")
    }

    fn expect(&mut self, kind: TokKind, what: &str) -> PResult<Tok> {
        if self.at(kind) { Ok(self.bump()) } else { Err(self.expected(what)) }
    }

    fn describe(&self, t: Tok) -> String {
        let text = self.slice(t);
        match t.kind {
            TokKind::Ident => format!("`{text}`"),
            TokKind::Kw(_) => format!("reserved word `{text}`"),
            TokKind::Str { .. } if text.chars().count() <= 32 => format!("string {}", printable(text)),
            TokKind::Str { .. } => "a string".to_string(),
            TokKind::Int | TokKind::Float if text.len() <= 32 => format!("number `{text}`"),
            TokKind::Int | TokKind::Float => "a number".to_string(),
            TokKind::Eof => "the end of the file".to_string(),
            _ => format!("`{text}`"),
        }
    }

    #[inline(never)]
    fn too_deep(&mut self, span: Span) -> Stop {
        self.error(
            Diagnostic::error("expression nested too deeply", span)
                .with_code("E0202")
                .with_label(format!("more than {MAX_NESTING} levels of nesting"))
                .with_help("split the expression into `define`s"),
        )
    }

    // ---- declarations -------------------------------------------------------------------

    fn begin_decl(&mut self) {
        self.braces = 0;
        self.prev = None;
        self.decl_lex_error = false;
        self.silenced = false;
        self.nest = 0;
        self.decl_name = None;
        self.open.clear();
    }

    fn file(&mut self) -> Vec<Decl> {
        let mut decls = Vec::new();
        loop {
            let t = self.peek(0);
            match t.kind {
                TokKind::Eof => return decls,
                TokKind::Kw(kw) => {
                    if let Some(kind) = decl_kind(kw) {
                        decls.push(self.decl(kind));
                        continue;
                    }
                    decls.push(self.stray());
                }
                _ => decls.push(self.stray()),
            }
        }
    }

    /// Text between declarations that starts none.
    fn stray(&mut self) -> Decl {
        self.begin_decl();
        let t = self.peek(0);
        let _ = self.expected_labelled("a declaration", &decl_keywords());
        self.bump();
        self.recover();
        Decl::Broken(BrokenDecl {
            kind: None,
            name: None,
            span: Span::new(self.file, t.start as usize, self.prev_end as usize),
        })
    }

    /// Skips to the next resume point (see the module docs).
    fn recover(&mut self) {
        loop {
            let t = self.peek(0);
            if t.kind == TokKind::Eof {
                return;
            }
            if is_decl_kw(t.kind) && self.is_resume_point(t) {
                return;
            }
            self.bump();
        }
    }

    fn decl(&mut self, kind: DeclKind) -> Decl {
        self.begin_decl();
        let kw = self.bump();
        let result = match kind {
            DeclKind::Standard => self.block_decl(kw, "a standard name").map(Decl::Standard),
            DeclKind::Category => self.block_decl(kw, "a category name").map(Decl::Category),
            DeclKind::Fact => self.fact_decl(kw).map(Decl::Fact),
            DeclKind::Const => self.value_decl(kw, "a const name").map(Decl::Const),
            DeclKind::Define => self.value_decl(kw, "a define name").map(Decl::Define),
            DeclKind::Param => self.param_decl(kw).map(Decl::Param),
            DeclKind::Indicator => self.indicator_decl(kw).map(Decl::Indicator),
            DeclKind::Test => self.test_decl(kw).map(Decl::Test),
            DeclKind::Policy => self.block_decl(kw, "a policy name").map(Decl::Policy),
        };
        match result {
            Ok(decl) if !self.decl_lex_error => decl,
            Ok(decl) => Decl::Broken(BrokenDecl { kind: Some(kind), name: self.decl_name.take(), span: decl.span() }),
            Err(Stop) => {
                self.recover();
                let span = Span::new(self.file, kw.start as usize, self.prev_end.max(kw.end) as usize);
                Decl::Broken(BrokenDecl { kind: Some(kind), name: self.decl_name.take(), span })
            }
        }
    }

    /// An identifier naming something (`what`, e.g. "a field name"); reserved words are refused.
    fn name(&mut self, what: &str) -> PResult<Ident> {
        let t = self.peek(0);
        match t.kind {
            TokKind::Ident => Ok(self.bump_ident()),
            TokKind::Kw(_) if !(is_decl_kw(t.kind) && t.line_start) => {
                let word = self.slice(t);
                let d = Diagnostic::error(format!("reserved word `{word}` cannot be used as {what}"), self.span(t))
                    .with_code("E0203")
                    .with_label("reserved word")
                    .with_help(format!("choose another name, such as `{word}_`"));
                Err(self.error(d))
            }
            _ => Err(self.expected(what)),
        }
    }

    fn bump_ident(&mut self) -> Ident {
        let t = self.bump();
        self.ident(t)
    }

    /// The name of a declaration, remembered for a `Broken` declaration.
    fn decl_ident(&mut self, what: &str) -> PResult<Ident> {
        let name = self.name(what)?;
        self.decl_name = Some(name.clone());
        Ok(name)
    }

    /// The string id of an indicator or test, remembered for a `Broken` declaration.
    fn decl_str(&mut self, what: &str) -> PResult<StrLit> {
        if !matches!(self.peek(0).kind, TokKind::Str { .. }) {
            return Err(self.expected(what));
        }
        let t = self.bump();
        let lit = self.str_lit(t);
        self.decl_name = Some(Ident { name: lit.value.clone(), span: lit.span });
        Ok(lit)
    }

    fn block_decl(&mut self, kw: Tok, what: &str) -> PResult<BlockDecl> {
        let name = self.decl_ident(what)?;
        let (entries, end) = self.block()?;
        Ok(BlockDecl { name, entries, span: Span::new(self.file, kw.start as usize, end as usize) })
    }

    fn indicator_decl(&mut self, kw: Tok) -> PResult<IndicatorDecl> {
        let id = self.decl_str("an indicator id (a string)")?;
        let (entries, end) = self.block()?;
        Ok(IndicatorDecl { id, entries, span: Span::new(self.file, kw.start as usize, end as usize) })
    }

    /// True when the next token ends an unclosed block: a declaration keyword that starts a line.
    fn at_next_decl(&mut self) -> bool {
        let t = self.peek(0);
        is_decl_kw(t.kind) && self.is_resume_point(t)
    }

    /// The recovery rule (see the module docs) for a declaration keyword `t`.
    fn is_resume_point(&mut self, t: Tok) -> bool {
        if self.peek(1).kind == TokKind::Colon {
            return false;
        }
        let balanced = self.braces <= 0;
        (t.line_start && (balanced || t.col1)) || (balanced && self.prev == Some(TokKind::RBrace))
    }

    /// The `{`, `(` or `[` at `open` is not closed before the end of the file or the next
    /// declaration.
    #[inline(never)]
    fn unclosed(&mut self, open: Tok) -> Stop {
        let before = if self.at(TokKind::Eof) { "the end of the file" } else { "the next declaration" };
        let delim = self.slice(open);
        let d = Diagnostic::error(format!("unclosed `{delim}`"), self.span(open))
            .with_code("E0204")
            .with_label(format!("this `{delim}` is not closed before {before}"));
        self.error(d)
    }

    /// True at the end of the file or at the next declaration: an open delimiter was not closed.
    fn at_end_of_decl(&mut self) -> bool {
        self.at(TokKind::Eof) || self.at_next_decl()
    }

    /// `{ entries }`; returns the entries and the end of the `}`.
    fn block(&mut self) -> PResult<(Vec<Entry>, u32)> {
        let open = self.expect(TokKind::LBrace, "`{`")?;
        let mut entries = Vec::new();
        loop {
            if self.at(TokKind::RBrace) {
                return Ok((entries, self.bump().end));
            }
            if self.at_end_of_decl() {
                return Err(self.unclosed(open));
            }
            entries.push(self.entry()?);
            self.separator();
        }
    }

    /// An optional comma after an entry.
    fn separator(&mut self) {
        if self.at(TokKind::Comma) {
            self.bump();
        }
    }

    fn key(&mut self) -> PResult<Ident> {
        match self.peek(0).kind {
            TokKind::Ident | TokKind::Kw(_) => Ok(self.bump_ident()),
            _ => Err(self.expected("an entry such as `title: …`, or `}`")),
        }
    }

    fn colon_after(&mut self, key: &str) -> PResult<Tok> {
        if self.at(TokKind::Colon) {
            return Ok(self.bump());
        }
        Err(self.expected(&format!("`:` after `{key}`")))
    }

    fn entry(&mut self) -> PResult<Entry> {
        let key = self.key()?;
        self.colon_after(&key.name)?;
        let value = self.value()?;
        let span = key.span.to(value.span);
        Ok(Entry { key, value, span })
    }

    /// A whole expression, as an entry's or a declaration's value.
    fn value(&mut self) -> PResult<Expr> {
        self.nest = 0;
        Ok(self.expr()?.expr)
    }

    fn fact_decl(&mut self, kw: Tok) -> PResult<FactDecl> {
        let name = self.decl_ident("a fact name")?;
        let open = self.expect(TokKind::LBrace, "`{`")?;
        let mut fields = Vec::new();
        loop {
            if self.at(TokKind::RBrace) {
                let end = self.bump().end;
                return Ok(FactDecl { name, fields, span: Span::new(self.file, kw.start as usize, end as usize) });
            }
            if self.at_end_of_decl() {
                return Err(self.unclosed(open));
            }
            let t = self.peek(0);
            let field = match t.kind {
                TokKind::Ident | TokKind::Kw(_) => self.name("a field name")?,
                _ => return Err(self.expected("a field such as `host: string`, or `}`")),
            };
            self.colon_after(&field.name)?;
            let ty = self.type_expr()?;
            let span = field.span.to(ty.span);
            fields.push(FieldDecl { name: field, ty, span });
            self.separator();
        }
    }

    /// `T`, `T?`, `[T]` or `[T]?`.
    fn type_expr(&mut self) -> PResult<TypeExpr> {
        let start = self.peek(0);
        let list = start.kind == TokKind::LBracket;
        if list {
            self.bump();
        }
        let scalar = match self.peek(0).kind {
            TokKind::Ident => self.bump_ident(),
            _ => return Err(self.expected("a type (`bool`, `int`, `float`, `string` or `[T]`)")),
        };
        let mut end = scalar.span.end;
        if list {
            end = self.expect(TokKind::RBracket, "`]`")?.end;
        }
        let optional = self.at(TokKind::Question);
        if optional {
            end = self.bump().end;
        }
        Ok(TypeExpr { scalar, list, optional, span: Span::new(self.file, start.start as usize, end as usize) })
    }

    /// After a `const`, `param` or `define` value: the next token must start a declaration.
    fn end_of_value(&mut self) -> PResult<()> {
        let t = self.peek(0);
        if t.kind == TokKind::Eof || is_decl_kw(t.kind) {
            return Ok(());
        }
        Err(self.expected("an operator or the next declaration"))
    }

    fn value_decl(&mut self, kw: Tok, what: &str) -> PResult<ValueDecl> {
        let name = self.decl_ident(what)?;
        if !self.at(TokKind::Assign) {
            return Err(self.expected(&format!("`=` after `{}`", name.name)));
        }
        self.bump();
        let value = self.value()?;
        self.end_of_value()?;
        let span = Span::new(self.file, kw.start as usize, value.span.end as usize);
        Ok(ValueDecl { name, value, span })
    }

    fn param_decl(&mut self, kw: Tok) -> PResult<ParamDecl> {
        let name = self.decl_ident("a param name")?;
        self.colon_after(&name.name)?;
        let ty = self.type_expr()?;
        if !self.at(TokKind::Assign) {
            return Err(self.expected("`=` and the param's default value"));
        }
        self.bump();
        let default = self.value()?;
        self.end_of_value()?;
        let span = Span::new(self.file, kw.start as usize, default.span.end as usize);
        Ok(ParamDecl { name, ty, default, span })
    }

    fn test_decl(&mut self, kw: Tok) -> PResult<TestDecl> {
        let name = self.decl_str("a test name (a string)")?;
        let open = self.expect(TokKind::LBrace, "`{`")?;
        let mut entries = Vec::new();
        loop {
            if self.at(TokKind::RBrace) {
                let end = self.bump().end;
                return Ok(TestDecl { name, entries, span: Span::new(self.file, kw.start as usize, end as usize) });
            }
            if self.at_end_of_decl() {
                return Err(self.unclosed(open));
            }
            entries.push(self.test_entry()?);
            self.separator();
        }
    }

    fn test_entry(&mut self) -> PResult<TestEntry> {
        let t = self.peek(0);
        if t.kind == TokKind::Kw(Kw::Expect) && self.peek(1).kind != TokKind::Colon {
            self.bump();
            let target = match self.peek(0).kind {
                TokKind::Str { .. } => {
                    let s = self.bump();
                    ExpectTarget::Indicator(self.str_lit(s))
                }
                TokKind::Ident => ExpectTarget::Count(self.bump_ident()),
                _ => {
                    return Err(self.expected_labelled(
                        "an indicator id or a count after `expect`",
                        "an indicator id (a string) or `failed`, `passed`, `inconclusive` or `total`",
                    ));
                }
            };
            let what = match &target {
                ExpectTarget::Indicator(s) => self.text.get(s.span.range()).unwrap_or("").to_string(),
                ExpectTarget::Count(i) => i.name.clone(),
            };
            self.colon_after(&what)?;
            let value = self.value()?;
            let span = self.span(t).to(value.span);
            return Ok(TestEntry::Expect { target, value, span });
        }
        if t.kind == TokKind::Ident
            && self.slice(t) == "params"
            && self.peek(1).kind == TokKind::Colon
            && self.peek(2).kind == TokKind::LBrace
        {
            let key = self.bump_ident();
            self.bump();
            let (values, end) = self.block()?;
            let span = Span::new(self.file, t.start as usize, end as usize);
            return Ok(TestEntry::Params { key, values, span });
        }
        Ok(TestEntry::Field(self.entry()?))
    }

    // ---- expressions --------------------------------------------------------------------

    /// Builds a node of depth `depth`, refusing one past the limit.
    fn node(&mut self, kind: ExprKind, span: Span, depth: usize, open: bool) -> PResult<Node> {
        if depth > MAX_NESTING {
            return Err(self.too_deep(span));
        }
        Ok(Node { expr: Expr { kind, span }, depth, open })
    }

    #[inline(never)]
    fn binary(&mut self, op: BinOp, lhs: Node, rhs: Node, op_tok: Tok, open: bool) -> PResult<Node> {
        let span = lhs.expr.span.to(rhs.expr.span);
        let depth = lhs.depth.max(rhs.depth) + 1;
        if depth > MAX_NESTING {
            return Err(self.too_deep(self.span(op_tok)));
        }
        let kind = ExprKind::Binary { op, lhs: Box::new(lhs.expr), rhs: Box::new(rhs.expr) };
        self.node(kind, span, depth, open)
    }

    /// Runs `f` one level deeper, refusing to go past the limit.
    fn nested<T>(&mut self, at: Tok, levels: usize, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.nest + levels > MAX_NESTING {
            return Err(self.too_deep(self.span(at)));
        }
        self.nest += levels;
        let result = f(self);
        self.nest -= levels;
        result
    }

    fn expr(&mut self) -> PResult<Node> {
        let lhs = self.and_expr()?;
        if self.at_kw(Kw::Or) { self.chain(lhs, BinOp::Or) } else { Ok(lhs) }
    }

    fn and_expr(&mut self) -> PResult<Node> {
        let lhs = self.unary()?;
        if self.at_kw(Kw::And) { self.chain(lhs, BinOp::And) } else { Ok(lhs) }
    }

    /// The rest of an `or` (operands: `and_expr`) or `and` (operands: `unary`) chain.
    #[inline(never)]
    fn chain(&mut self, mut lhs: Node, op: BinOp) -> PResult<Node> {
        let kw = if op == BinOp::Or { Kw::Or } else { Kw::And };
        while self.at_kw(kw) {
            let op_tok = self.bump();
            let rhs = if op == BinOp::Or { self.and_expr()? } else { self.unary()? };
            lhs = self.binary(op, lhs, rhs, op_tok, false)?;
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Node> {
        if self.at_kw(Kw::Not) { self.nots() } else { self.predicate() }
    }

    /// `not+ predicate`, iteratively.
    #[inline(never)]
    fn nots(&mut self) -> PResult<Node> {
        let mut nots = Vec::new();
        while self.at_kw(Kw::Not) {
            let t = self.peek(0);
            if self.nest + nots.len() >= MAX_NESTING {
                return Err(self.too_deep(self.span(t)));
            }
            nots.push(self.bump());
        }
        let first = self.peek(0);
        let node = self.nested(first, nots.len(), Self::predicate)?;
        self.wrap_nots(nots, node)
    }

    #[inline(never)]
    fn wrap_nots(&mut self, mut nots: Vec<Tok>, mut node: Node) -> PResult<Node> {
        while let Some(t) = nots.pop() {
            let span = self.span(t).to(node.expr.span);
            let (depth, open) = (node.depth + 1, node.open);
            node = self.node(ExprKind::Not(Box::new(node.expr)), span, depth, open)?;
        }
        Ok(node)
    }

    fn pred_op(&mut self) -> Option<PredOp> {
        Some(match self.peek(0).kind {
            TokKind::EqEq => PredOp::Bin(BinOp::Eq),
            TokKind::NotEq => PredOp::Bin(BinOp::Ne),
            TokKind::Lt => PredOp::Bin(BinOp::Lt),
            TokKind::Le => PredOp::Bin(BinOp::Le),
            TokKind::Gt => PredOp::Bin(BinOp::Gt),
            TokKind::Ge => PredOp::Bin(BinOp::Ge),
            TokKind::Kw(Kw::In) => PredOp::Bin(BinOp::In),
            TokKind::Kw(Kw::Not) if self.peek(1).kind == TokKind::Kw(Kw::In) => PredOp::Bin(BinOp::NotIn),
            TokKind::Kw(Kw::Intersects) => PredOp::Bin(BinOp::Intersects),
            TokKind::Kw(Kw::Matches) => PredOp::Pattern(PatternOp::Matches),
            TokKind::Kw(Kw::Like) => PredOp::Pattern(PatternOp::Like),
            _ => return None,
        })
    }

    #[inline(never)]
    fn chained(&mut self, lhs: &Node) -> Stop {
        let t = self.peek(0);
        let op = if self.peek(1).kind == TokKind::Kw(Kw::In) && t.kind == TokKind::Kw(Kw::Not) {
            "not in".to_string()
        } else {
            self.slice(t).to_string()
        };
        let left = self.text.get(lhs.expr.span.range()).unwrap_or("");
        let help = if left.len() <= 60 && !left.contains('\n') {
            format!("add parentheses to say what `{op}` applies to, e.g. `({left}) {op} …`")
        } else {
            format!("add parentheses to say what `{op}` applies to")
        };
        let d = Diagnostic::error("predicates do not chain", self.span(t))
            .with_code("E0205")
            .with_label(format!("`{op}` follows an unparenthesised predicate"))
            .with_help(help);
        self.error(d)
    }

    // The functions on the recursive path (`expr`, `and_expr`, `unary`, `predicate`, `operand`,
    // `paren`, `quantifier`, `count`) keep their frames small: every other arm and every error
    // path is a separate function that is never inlined into them, so that MAX_NESTING levels fit
    // comfortably on a 2 MB stack even without optimisation.

    fn predicate(&mut self) -> PResult<Node> {
        let lhs = self.operand()?;
        if matches!(self.peek(0).kind, TokKind::Assign | TokKind::Kw(Kw::Not)) || self.pred_op().is_some() {
            return self.predicate_rest(lhs);
        }
        Ok(lhs)
    }

    /// The operator and right side of a predicate whose left side is `lhs`.
    #[inline(never)]
    fn predicate_rest(&mut self, lhs: Node) -> PResult<Node> {
        if self.at(TokKind::Assign) {
            let t = self.peek(0);
            let d = Diagnostic::error("`=` is not a comparison", self.span(t))
                .with_code("E0206")
                .with_label("expected a comparison operator")
                .with_help("write `==` to compare");
            return Err(self.error(d));
        }
        let Some(op) = self.pred_op() else {
            if self.at_kw(Kw::Not) && self.peek(1).kind != TokKind::Colon {
                self.bump();
                return Err(self.expected("`in` after `not`"));
            }
            return Ok(lhs);
        };
        if lhs.open {
            return Err(self.chained(&lhs));
        }
        let op_tok = self.bump();
        let node = match op {
            PredOp::Bin(op) => {
                if op == BinOp::NotIn {
                    self.bump();
                }
                let rhs = self.operand()?;
                self.binary(op, lhs, rhs, op_tok, true)?
            }
            PredOp::Pattern(op) => self.pattern(op, lhs)?,
        };
        if self.pred_op().is_some() {
            return Err(self.chained(&node));
        }
        Ok(node)
    }

    #[inline(never)]
    fn pattern(&mut self, op: PatternOp, lhs: Node) -> PResult<Node> {
        if !matches!(self.peek(0).kind, TokKind::Str { .. }) {
            return Err(self.expected(&format!("a string pattern after `{}`", op.keyword())));
        }
        let t = self.bump();
        let pattern = self.str_lit(t);
        let span = lhs.expr.span.to(pattern.span);
        let depth = lhs.depth + 1;
        self.node(ExprKind::Pattern { op, lhs: Box::new(lhs.expr), pattern }, span, depth, true)
    }

    fn leaf(&mut self, kind: ExprKind, span: Span) -> Node {
        Node { expr: Expr { kind, span }, depth: 1, open: false }
    }

    fn operand(&mut self) -> PResult<Node> {
        match self.peek(0).kind {
            TokKind::Str { .. } | TokKind::Int | TokKind::Float | TokKind::Kw(Kw::True | Kw::False) => {
                Ok(self.literal_operand())
            }
            TokKind::LBracket => self.list(),
            TokKind::Ident => self.name_operand(),
            TokKind::Kw(Kw::Has) => self.has_operand(),
            TokKind::Kw(Kw::Unknown) => Ok(self.unknown_operand()),
            TokKind::Kw(Kw::Observed) => self.observed_operand(),
            TokKind::Kw(Kw::Any) => self.quantifier(Quantifier::Any),
            TokKind::Kw(Kw::All) => self.quantifier(Quantifier::All),
            TokKind::Kw(Kw::None) => self.quantifier(Quantifier::None),
            TokKind::Kw(Kw::Count) => self.count(),
            TokKind::LParen => self.paren(),
            _ => Err(self.expected("an expression")),
        }
    }

    #[inline(never)]
    fn literal_operand(&mut self) -> Node {
        let t = self.bump();
        let lit = self.literal(t);
        self.leaf(ExprKind::Literal(lit), self.span(t))
    }

    #[inline(never)]
    fn unknown_operand(&mut self) -> Node {
        let t = self.bump();
        self.leaf(ExprKind::Unknown, self.span(t))
    }

    #[inline(never)]
    fn name_operand(&mut self) -> PResult<Node> {
        let name = self.bump_ident();
        if self.at(TokKind::Dot) {
            self.bump();
            let field = self.name("a field name")?;
            let span = name.span.to(field.span);
            return self.node(ExprKind::Field { binder: name, field }, span, 1, false);
        }
        let span = name.span;
        Ok(self.leaf(ExprKind::Name(name), span))
    }

    #[inline(never)]
    fn has_operand(&mut self) -> PResult<Node> {
        let t = self.bump();
        let first = self.name("a field name after `has`")?;
        let (binder, field) = if self.at(TokKind::Dot) {
            self.bump();
            (Some(first), self.name("a field name")?)
        } else {
            (None, first)
        };
        let span = self.span(t).to(field.span);
        Ok(self.leaf(ExprKind::Has { binder, field }, span))
    }

    #[inline(never)]
    fn observed_operand(&mut self) -> PResult<Node> {
        let t = self.bump();
        self.expect(TokKind::LParen, "`(` after `observed`")?;
        let kind = self.name("a fact kind")?;
        let close = self.expect(TokKind::RParen, "`)`")?;
        Ok(self.leaf(ExprKind::Observed(kind), self.span(t).to(self.span(close))))
    }

    fn paren(&mut self) -> PResult<Node> {
        let open = self.bump();
        let inner = self.nested(open, 1, Self::expr)?;
        self.close_paren(open, inner)
    }

    #[inline(never)]
    fn close_paren(&mut self, open: Tok, inner: Node) -> PResult<Node> {
        if self.at_end_of_decl() {
            return Err(self.unclosed(open));
        }
        if !self.at(TokKind::RParen) {
            return Err(self.expected("`)` to close the parenthesis"));
        }
        let close = self.bump();
        let span = self.span(open).to(self.span(close));
        let depth = inner.depth + 1;
        self.node(ExprKind::Paren(Box::new(inner.expr)), span, depth, false)
    }

    /// `[B in] KIND`: the binder and the kind.
    fn binder_and_kind(&mut self, after: &str) -> PResult<(Option<Ident>, Ident)> {
        let binder = if self.peek(1).kind == TokKind::Kw(Kw::In)
            && matches!(self.peek(0).kind, TokKind::Ident | TokKind::Kw(_))
        {
            let b = self.name("a binder name")?;
            self.bump();
            Some(b)
        } else {
            None
        };
        let kind = self.name(&format!("a fact kind after `{after}`"))?;
        Ok((binder, kind))
    }

    fn quantifier(&mut self, quantifier: Quantifier) -> PResult<Node> {
        let head = self.head(quantifier.keyword())?;
        if !self.at_kw(Kw::Where) {
            return self.finish_quantifier(quantifier, head, None);
        }
        let w = self.bump();
        let body = self.nested(w, 1, Self::unary)?;
        self.finish_quantifier(quantifier, head, Some(body))
    }

    /// The start of a quantifier or `count`: its keyword (and `(`), binder and kind.
    #[inline(never)]
    fn head(&mut self, keyword: &str) -> PResult<Box<Head>> {
        let kw = self.bump();
        let open = if kw.kind == TokKind::Kw(Kw::Count) {
            Some(self.expect(TokKind::LParen, "`(` after `count`")?)
        } else {
            None
        };
        let after = if open.is_some() { "count(" } else { keyword };
        let (binder, kind) = self.binder_and_kind(after)?;
        Ok(Box::new(Head { kw, open, binder, kind }))
    }

    #[inline(never)]
    #[expect(clippy::boxed_local, reason = "the box keeps the recursive caller's frame small")]
    fn finish_quantifier(&mut self, quantifier: Quantifier, head: Box<Head>, body: Option<Node>) -> PResult<Node> {
        let Head { kw, binder, kind, .. } = *head;
        let mut span = self.span(kw).to(kind.span);
        let (body, depth, open) = match body {
            Some(body) => {
                span = span.to(body.expr.span);
                (Some(Box::new(body.expr)), body.depth + 1, body.open)
            }
            None => (None, 1, false),
        };
        self.node(ExprKind::Quantifier { quantifier, binder, kind, body }, span, depth, open)
    }

    fn count(&mut self) -> PResult<Node> {
        let head = self.head("count")?;
        if !self.at_kw(Kw::Where) {
            return self.finish_count(head, None);
        }
        let w = self.bump();
        let body = self.nested(w, 1, Self::expr)?;
        self.finish_count(head, Some(body))
    }

    #[inline(never)]
    #[expect(clippy::boxed_local, reason = "the box keeps the recursive caller's frame small")]
    fn finish_count(&mut self, head: Box<Head>, body: Option<Node>) -> PResult<Node> {
        let Head { kw, open, binder, kind } = *head;
        if self.at_end_of_decl() {
            return Err(self.unclosed(open.unwrap_or(kw)));
        }
        if !self.at(TokKind::RParen) {
            let what = if body.is_some() { "`)`" } else { "`where` or `)`" };
            return Err(self.expected(what));
        }
        let close = self.bump();
        let span = self.span(kw).to(self.span(close));
        let (body, depth) = match body {
            Some(body) => (Some(Box::new(body.expr)), body.depth + 1),
            None => (None, 1),
        };
        self.node(ExprKind::Count { binder, kind, body }, span, depth, false)
    }

    /// `[ literal, … ]`: literals only, so lists never nest.
    fn list(&mut self) -> PResult<Node> {
        let open = self.bump();
        let mut items = Vec::new();
        loop {
            let t = self.peek(0);
            match t.kind {
                TokKind::RBracket => break,
                TokKind::Str { .. } | TokKind::Int | TokKind::Float | TokKind::Kw(Kw::True | Kw::False) => {
                    self.bump();
                    let lit = self.literal(t);
                    items.push(Expr { kind: ExprKind::Literal(lit), span: self.span(t) });
                }
                TokKind::Kw(Kw::Unknown) => {
                    let d = Diagnostic::error("`unknown` cannot stand in a list", self.span(t))
                        .with_code("E0207")
                        .with_label("not a literal")
                        .with_help("a list holds literals only: strings, numbers, `true` and `false`");
                    return Err(self.error(d));
                }
                _ if self.at_end_of_decl() => return Err(self.unclosed(open)),
                _ => {
                    let d = Diagnostic::error(
                        format!("a list takes literals only, found {}", self.describe(t)),
                        self.span(t),
                    )
                    .with_code("E0208")
                    .with_label("not a literal")
                    .with_help("a list holds literals only: strings, numbers, `true` and `false`");
                    return Err(self.error(d));
                }
            }
            if self.at(TokKind::Comma) {
                self.bump();
            } else if self.at_end_of_decl() {
                return Err(self.unclosed(open));
            } else if !self.at(TokKind::RBracket) {
                return Err(self.expected("`,` or `]`"));
            }
        }
        let close = self.bump();
        let span = self.span(open).to(self.span(close));
        Ok(Node { expr: Expr { kind: ExprKind::List(items), span }, depth: 2, open: false })
    }

    // ---- literals -----------------------------------------------------------------------

    fn literal(&mut self, t: Tok) -> Literal {
        match t.kind {
            TokKind::Str { .. } => Literal::Str(self.string_value(t)),
            TokKind::Int => Literal::Int(self.int_value(t)),
            TokKind::Float => Literal::Float(self.float_value(t)),
            TokKind::Kw(Kw::True) => Literal::Bool(true),
            _ => Literal::Bool(false),
        }
    }

    fn lex_error(&mut self, d: Diagnostic) {
        self.decl_lex_error = true;
        self.report(d);
    }

    fn int_value(&mut self, t: Tok) -> i64 {
        let text = self.slice(t);
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        match clean.parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                let d = Diagnostic::error("integer literal out of range", self.span(t))
                    .with_code("E0104")
                    .with_label("does not fit in a 64-bit signed integer")
                    .with_help(format!("integers range from {} to {}", i64::MIN, i64::MAX));
                self.lex_error(d);
                0
            }
        }
    }

    fn float_value(&mut self, t: Tok) -> f64 {
        let text = self.slice(t);
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        match clean.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => {
                let d = Diagnostic::error("float literal out of range", self.span(t))
                    .with_code("E0105")
                    .with_label("too large for a 64-bit float");
                self.lex_error(d);
                0.0
            }
        }
    }

    fn str_lit(&mut self, t: Tok) -> StrLit {
        StrLit { value: self.string_value(t), span: self.span(t) }
    }

    /// Decodes a string token, reporting each bad escape and a missing closing quote.
    fn string_value(&mut self, t: Tok) -> String {
        let TokKind::Str { escapes, end } = t.kind else { return String::new() };
        let text = self.slice(t);
        let body = text.get(1..).unwrap_or("");
        let body = if end == StrEnd::Closed { body.strip_suffix('"').unwrap_or(body) } else { body };
        if end != StrEnd::Closed {
            self.decl_lex_error = true;
            if !self.silenced {
                let (label, help) = match end {
                    StrEnd::LineBreak => (
                        "the string has no closing `\"` before the line break",
                        "a string cannot span lines; write `\\n` for a line break",
                    ),
                    _ => ("the string has no closing `\"` before the end of the file", "close it with `\"`"),
                };
                let d = Diagnostic::error("unterminated string", self.span(t))
                    .with_code("E0106")
                    .with_label(label)
                    .with_help(help);
                self.report(d);
                self.silenced = true;
            }
        }
        if !escapes {
            return body.to_string();
        }
        let base = t.start as usize + 1;
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let esc_start = base + i;
            let Some((j, e)) = chars.next() else {
                // A lone backslash before the missing closing quote: already reported.
                break;
            };
            let simple = match e {
                '\\' => Some('\\'),
                '"' => Some('"'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                _ => None,
            };
            if let Some(ch) = simple {
                out.push(ch);
                continue;
            }
            if e != 'u' {
                let end = base + j + e.len_utf8();
                let d = Diagnostic::error(format!("unknown escape `\\{e}`"), Span::new(self.file, esc_start, end))
                    .with_code("E0107")
                    .with_label("unknown escape")
                    .with_help("the escapes are `\\\\`, `\\\"`, `\\n`, `\\r`, `\\t` and `\\u{HEX}`");
                self.lex_error(d);
                continue;
            }
            // `\u{HEX}`: 1 to 6 hex digits, a Unicode scalar value.
            let mut end = base + j + 1;
            let mut hex = String::new();
            let mut well_formed = false;
            if chars.peek().map(|&(_, c)| c) == Some('{') {
                chars.next();
                end += 1;
                while let Some(&(k, c)) = chars.peek() {
                    if c == '}' {
                        chars.next();
                        end = base + k + 1;
                        well_formed = (1..=6).contains(&hex.len());
                        break;
                    }
                    if !c.is_ascii_hexdigit() {
                        break;
                    }
                    hex.push(c);
                    chars.next();
                    end = base + k + 1;
                }
            }
            let span = Span::new(self.file, esc_start, end);
            if !well_formed {
                let d = Diagnostic::error("malformed unicode escape", span)
                    .with_code("E0108")
                    .with_label("expected `\\u{HEX}` with 1 to 6 hex digits");
                self.lex_error(d);
                continue;
            }
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => {
                    let d = Diagnostic::error(format!("`\\u{{{hex}}}` is not a Unicode scalar value"), span)
                        .with_code("E0109")
                        .with_label("not a Unicode scalar value")
                        .with_help("a scalar value is at most 10FFFF and not a surrogate (D800 to DFFF)");
                    self.lex_error(d);
                }
            }
        }
        out
    }
}

/// `s` with control and bidirectional-formatting characters escaped, for a message.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
