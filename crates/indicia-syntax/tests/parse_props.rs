//! Property tests: any input parses without panicking, and every span (of a diagnostic, a
//! declaration, an entry, an expression or a comment) lies within the text on char boundaries.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use indicia_syntax::ast::{Decl, Entry, Expr, ExprKind, File, TestEntry};
use indicia_syntax::parser::parse;
use indicia_syntax::{FileId, SourceMap, Span, render};
use proptest::prelude::*;

fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e && e <= text.len(), "{what} span {s}..{e} outside 0..{}", text.len());
    assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{what} span {s}..{e} not on char boundaries");
}

fn check_expr(text: &str, x: &Expr) {
    // Iterative: trees are bounded by MAX_NESTING, but keep the walker honest anyway.
    let mut stack = vec![x];
    while let Some(x) = stack.pop() {
        check_span(text, x.span, "expression");
        match &x.kind {
            ExprKind::List(items) => stack.extend(items),
            ExprKind::Quantifier { body, .. } | ExprKind::Count { body, .. } => stack.extend(body.as_deref()),
            ExprKind::Paren(i) | ExprKind::Not(i) => stack.push(i),
            ExprKind::Binary { lhs, rhs, .. } => stack.extend([&**lhs, &**rhs]),
            ExprKind::Pattern { lhs, pattern, .. } => {
                check_span(text, pattern.span, "pattern");
                stack.push(lhs);
            }
            ExprKind::Name(i) | ExprKind::Observed(i) => check_span(text, i.span, "name"),
            ExprKind::Field { binder, field } => {
                check_span(text, binder.span, "binder");
                check_span(text, field.span, "field");
            }
            _ => {}
        }
    }
}

fn check_entry(text: &str, e: &Entry) {
    check_span(text, e.span, "entry");
    check_span(text, e.key.span, "key");
    check_expr(text, &e.value);
}

fn check_file(text: &str, file: &File, diags: &[indicia_syntax::Diagnostic]) {
    for d in diags {
        check_span(text, d.span, "diagnostic");
    }
    for c in &file.comments {
        check_span(text, c.span, "comment");
        assert_eq!(&text[c.span.range()], c.text);
    }
    for decl in &file.decls {
        check_span(text, decl.span(), "declaration");
        match decl {
            Decl::Standard(b) | Decl::Category(b) | Decl::Policy(b) => {
                b.entries.iter().for_each(|e| check_entry(text, e))
            }
            Decl::Indicator(i) => i.entries.iter().for_each(|e| check_entry(text, e)),
            Decl::Const(v) | Decl::Define(v) => check_expr(text, &v.value),
            Decl::Param(p) => check_expr(text, &p.default),
            Decl::Fact(f) => f.fields.iter().for_each(|fd| check_span(text, fd.span, "field")),
            Decl::Test(t) => {
                for e in &t.entries {
                    match e {
                        TestEntry::Field(e) => check_entry(text, e),
                        TestEntry::Params { values, span, .. } => {
                            check_span(text, *span, "params");
                            values.iter().for_each(|e| check_entry(text, e));
                        }
                        TestEntry::Expect { value, span, .. } => {
                            check_span(text, *span, "expect");
                            check_expr(text, value);
                        }
                    }
                }
            }
            Decl::Broken(b) => check_span(text, b.span, "broken declaration"),
        }
    }
    // A file with no diagnostic has no broken declaration, and the renderers never panic.
    if diags.is_empty() {
        assert!(!file.decls.iter().any(|d| matches!(d, Decl::Broken(_))));
    }
    let mut sources = SourceMap::new();
    sources.add("p.ind", text);
    let _ = render::render_human(&sources, diags);
    let _ = render::render_plain(&sources, diags);
    let _ = render::render_json(&sources, diags);
}

/// Tokens of the language, for random token soups: every reserved word, then the rest.
fn tokens() -> Vec<&'static str> {
    indicia_syntax::ast::RESERVED.iter().chain(EXTRA_TOKENS).copied().collect()
}

/// The tokens of `tokens()` that are not reserved words.
const EXTRA_TOKENS: &[&str] = &[
    "flow",
    "x",
    "params",
    "failed",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ",",
    ".",
    "=",
    "?",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "\"s\"",
    "\"\\u{1F600}\"",
    "\"\\q\"",
    "\"\\u{D800}\"",
    "\"open",
    "1",
    "-2",
    "1_000",
    "0.5",
    "99999999999999999999",
    "#c",
    "\n",
    "\t",
    " ",
    "é",
    "名",
    "$",
    "\\",
    "\"",
    "-",
    "\r\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens()), 0..120).prop_map(|ts| {
        let mut s = String::new();
        for (i, t) in ts.iter().enumerate() {
            s.push_str(t);
            if i % 3 != 2 {
                s.push(' ');
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let (file, diags) = parse(FileId(0), &text);
        check_file(&text, &file, &diags);
    }

    #[test]
    fn token_soups_never_panic(text in token_soup()) {
        let (file, diags) = parse(FileId(0), &text);
        check_file(&text, &file, &diags);
    }

    #[test]
    fn valid_packs_with_noise_never_panic(cut in 0usize..2000, noise in prop::sample::select(tokens())) {
        // Insert one token anywhere (on a char boundary) into a valid pack.
        let base = include_str!("parse/ok/grammar-tour.ind");
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{noise}{}", &base[..at], &base[at..]);
        let (file, diags) = parse(FileId(0), &text);
        check_file(&text, &file, &diags);
    }
}
