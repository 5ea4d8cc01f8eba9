//! Property tests of the formatter over random syntax trees.
//!
//! - A random, well-formed AST printed by `format_file` parses back, without diagnostics, to the
//!   same AST (spans aside), and printing that again gives the same text.
//! - Comments sprinkled at random token boundaries of that text (trailing and on their own lines)
//!   all survive formatting, in order, without changing the tree, and the result is a fixed point.
//!
//! The generator follows the grammar: a `where` body is one `unary` (a binary body is wrapped in
//! parentheses), the left operand of a predicate never ends in an unparenthesised predicate,
//! `and`/`or` chains lean left as the parser builds them, identifiers are never reserved words,
//! and lists hold literals only.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

#[path = "fmt/common.rs"]
mod common;

use common::{erase_spans, insert_comments};
use indicia_syntax::ast::*;
use indicia_syntax::fmt::format_file;
use indicia_syntax::parser::parse;
use indicia_syntax::{FileId, Span};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

fn sp() -> Span {
    Span::default()
}

fn ex(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn ident() -> BoxedStrategy<Ident> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
        .prop_filter("not a reserved word", |s| !is_reserved(s))
        .prop_map(|name| Ident { name, span: sp() })
        .boxed()
}

/// A block key: an identifier or a reserved word. Not an operator word: after a value,
/// `and: …` would continue the value's expression (such keys are unknown keys to the checker anyway).
fn key() -> BoxedStrategy<Ident> {
    const OPERATORS: &[&str] = &["and", "or", "not", "in", "where", "matches", "like", "intersects"];
    let words: Vec<&str> = RESERVED.iter().copied().filter(|w| !OPERATORS.contains(w)).collect();
    prop_oneof![3 => ident(), 1 => prop::sample::select(words).prop_map(|s| Ident { name: s.to_owned(), span: sp() })]
        .boxed()
}

fn string() -> BoxedStrategy<String> {
    let ch = prop_oneof![
        4 => any::<char>(),
        4 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec!['"', '\\', '\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '#', '{', '}', ' ', 'é', '漢']),
    ];
    prop::collection::vec(ch, 0..10).prop_map(String::from_iter).boxed()
}

fn str_lit() -> BoxedStrategy<StrLit> {
    string().prop_map(|value| StrLit { value, span: sp() }).boxed()
}

fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        (-4000i32..4000).prop_map(|n| f64::from(n) / 8.0),
        Just(0.1),
        Just(-0.0),
        Just(1e21),
        Just(5e-324),
    ]
    .boxed()
}

fn literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        string().prop_map(Literal::Str),
        any::<i64>().prop_map(Literal::Int),
        (-100i64..100).prop_map(Literal::Int),
        float().prop_map(Literal::Float),
        any::<bool>().prop_map(Literal::Bool),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Expr> {
    prop_oneof![
        3 => literal().prop_map(|l| ex(ExprKind::Literal(l))),
        2 => prop::collection::vec(literal(), 0..5)
            .prop_map(|ls| ex(ExprKind::List(ls.into_iter().map(|l| ex(ExprKind::Literal(l))).collect()))),
        3 => ident().prop_map(|i| ex(ExprKind::Name(i))),
        1 => (ident(), ident()).prop_map(|(binder, field)| ex(ExprKind::Field { binder, field })),
        1 => (prop::option::of(ident()), ident()).prop_map(|(binder, field)| ex(ExprKind::Has { binder, field })),
        1 => Just(ex(ExprKind::Unknown)),
        1 => ident().prop_map(|k| ex(ExprKind::Observed(k))),
    ]
    .boxed()
}

/// True when `e` ends in an unparenthesised predicate, so that it cannot be a predicate's left
/// operand.
fn is_open(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.is_predicate(),
        ExprKind::Pattern { .. } => true,
        ExprKind::Not(inner) => is_open(inner),
        ExprKind::Quantifier { body: Some(body), .. } => is_open(body),
        _ => false,
    }
}

/// Makes an operand usable on the left of a predicate. A quantifier with a `where` body would take
/// the predicate's operator into its body (`any f where x == 1` compares `x`), so it gets
/// parentheses; so does any operand that ends in an unparenthesised predicate, and a quantifier
/// before `in` (`any f in flow` names a binder).
fn close(e: Expr, op: Option<BinOp>) -> Expr {
    let needs_parens = is_open(&e)
        || match &e.kind {
            ExprKind::Quantifier { body, .. } => body.is_some() || op == Some(BinOp::In),
            _ => false,
        };
    if needs_parens { ex(ExprKind::Paren(Box::new(e))) } else { e }
}

/// Strategies for the grammar's levels at one depth.
#[derive(Clone)]
struct Levels {
    expr: BoxedStrategy<Expr>,
    unary: BoxedStrategy<Expr>,
}

fn chain(op: BinOp, operands: Vec<Expr>) -> Expr {
    let mut it = operands.into_iter();
    let first = it.next().unwrap_or_else(|| ex(ExprKind::Unknown));
    it.fold(first, |lhs, rhs| ex(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }))
}

fn levels(depth: u32) -> Levels {
    let mut cur = Levels { expr: leaf(), unary: leaf() };
    for _ in 0..depth {
        let below = cur.clone();
        let quantifier = (
            prop::sample::select(vec![Quantifier::Any, Quantifier::All, Quantifier::None]),
            prop::option::of(ident()),
            ident(),
            prop::option::of(below.unary.clone()),
        )
            .prop_map(|(quantifier, binder, kind, body)| {
                ex(ExprKind::Quantifier { quantifier, binder, kind, body: body.map(Box::new) })
            });
        let count = (prop::option::of(ident()), ident(), prop::option::of(below.expr.clone()))
            .prop_map(|(binder, kind, body)| ex(ExprKind::Count { binder, kind, body: body.map(Box::new) }));
        let paren = below.expr.clone().prop_map(|e| ex(ExprKind::Paren(Box::new(e))));
        let operand: BoxedStrategy<Expr> = prop_oneof![4 => leaf(), 2 => quantifier, 1 => count, 2 => paren].boxed();
        let pred_op = prop::sample::select(vec![
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Le,
            BinOp::Gt,
            BinOp::Ge,
            BinOp::In,
            BinOp::NotIn,
            BinOp::Intersects,
        ]);
        let binary = (pred_op, operand.clone(), operand.clone()).prop_map(|(op, lhs, rhs)| {
            ex(ExprKind::Binary { op, lhs: Box::new(close(lhs, Some(op))), rhs: Box::new(rhs) })
        });
        let pattern = (prop::sample::select(vec![PatternOp::Matches, PatternOp::Like]), operand.clone(), str_lit())
            .prop_map(|(op, lhs, pattern)| ex(ExprKind::Pattern { op, lhs: Box::new(close(lhs, None)), pattern }));
        let predicate = prop_oneof![3 => operand.clone(), 2 => binary, 1 => pattern];
        let not = below.unary.clone().prop_map(|e| ex(ExprKind::Not(Box::new(e))));
        let unary: BoxedStrategy<Expr> = prop_oneof![5 => predicate, 1 => not].boxed();
        let and_expr = prop::collection::vec(unary.clone(), 1..4).prop_map(|v| chain(BinOp::And, v)).boxed();
        let expr = prop::collection::vec(and_expr, 1..4).prop_map(|v| chain(BinOp::Or, v)).boxed();
        cur = Levels { expr, unary };
    }
    cur
}

fn type_expr() -> BoxedStrategy<TypeExpr> {
    (ident(), any::<bool>(), any::<bool>())
        .prop_map(|(scalar, list, optional)| TypeExpr { scalar, list, optional, span: sp() })
        .boxed()
}

fn entry(expr: BoxedStrategy<Expr>) -> BoxedStrategy<Entry> {
    (key(), expr).prop_map(|(key, value)| Entry { key, value, span: sp() }).boxed()
}

fn decl(expr: BoxedStrategy<Expr>) -> BoxedStrategy<Decl> {
    let entries = prop::collection::vec(entry(expr.clone()), 0..5);
    let block = (ident(), entries.clone()).prop_map(|(name, entries)| BlockDecl { name, entries, span: sp() });
    let field = (ident(), type_expr()).prop_map(|(name, ty)| FieldDecl { name, ty, span: sp() });
    let fact = (ident(), prop::collection::vec(field, 0..6))
        .prop_map(|(name, fields)| Decl::Fact(FactDecl { name, fields, span: sp() }));
    let value = (ident(), expr.clone()).prop_map(|(name, value)| ValueDecl { name, value, span: sp() });
    let param = (ident(), type_expr(), expr.clone())
        .prop_map(|(name, ty, default)| Decl::Param(ParamDecl { name, ty, default, span: sp() }));
    let indicator = (str_lit(), entries.clone())
        .prop_map(|(id, entries)| Decl::Indicator(IndicatorDecl { id, entries, span: sp() }));
    let target = prop_oneof![str_lit().prop_map(ExpectTarget::Indicator), ident().prop_map(ExpectTarget::Count)];
    let test_entry = prop_oneof![
        entry(expr.clone()).prop_map(TestEntry::Field),
        prop::collection::vec(entry(expr.clone()), 0..4).prop_map(|values| TestEntry::Params {
            key: Ident { name: "params".to_owned(), span: sp() },
            values,
            span: sp()
        }),
        (target, expr.clone()).prop_map(|(target, value)| TestEntry::Expect { target, value, span: sp() }),
    ];
    let test = (str_lit(), prop::collection::vec(test_entry, 0..5))
        .prop_map(|(name, entries)| Decl::Test(TestDecl { name, entries, span: sp() }));
    prop_oneof![
        block.clone().prop_map(Decl::Standard),
        block.clone().prop_map(Decl::Category),
        block.prop_map(Decl::Policy),
        fact,
        value.clone().prop_map(Decl::Const),
        param,
        value.prop_map(Decl::Define),
        indicator,
        test,
    ]
    .boxed()
}

fn file() -> BoxedStrategy<File> {
    prop::collection::vec(decl(levels(4).expr), 0..6).prop_map(|decls| File { decls, comments: Vec::new() }).boxed()
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn printed_ast_parses_back_to_itself(ast in file()) {
        let text = format_file(&ast, "");
        let (mut back, diags) = parse(FileId(0), &text);
        prop_assert!(diags.is_empty(), "diagnostics {diags:#?}\non\n{text}");
        erase_spans(&mut back);
        prop_assert_eq!(&back, &ast, "\n{}", text);
        let again = format_file(&parse(FileId(0), &text).0, &text);
        prop_assert_eq!(again, text);
    }

    #[test]
    fn comments_anywhere_survive(ast in file(), seed in any::<u64>()) {
        let plain = format_file(&ast, "");
        let (text, expected_comments) = insert_comments(&plain, seed);
        let (parsed, diags) = parse(FileId(0), &text);
        prop_assert!(diags.is_empty(), "diagnostics {diags:#?}\non\n{text}");
        let formatted = format_file(&parsed, &text);
        let (mut back, diags) = parse(FileId(0), &formatted);
        prop_assert!(diags.is_empty(), "diagnostics {diags:#?}\non\n{formatted}");
        let comments: Vec<String> = back.comments.iter().map(|c| c.text.clone()).collect();
        prop_assert_eq!(&comments, &expected_comments, "\n{}", formatted);
        erase_spans(&mut back);
        back.comments.clear();
        prop_assert_eq!(&back, &ast, "\n{}", formatted);
        let again = format_file(&parse(FileId(0), &formatted).0, &formatted);
        prop_assert_eq!(again, formatted, "\ninput:\n{}", text);
    }
}

/// Nesting at the parser's limit: the printer stays within its own depth bound (and the test
/// thread's stack), keeps the tree, and is idempotent.
#[test]
fn deep_nesting_formats_without_exhausting_the_stack() {
    let depth = indicia_syntax::parser::MAX_NESTING / 2 - 4;
    let long = "any flow where (host == \"a-rather-long-host-name.example\" and port == 443 # c\n and tls == true)";
    for inner in [format!("{long} or x"), format!("not {long}")] {
        let text = format!("define d =\n  {}{inner}{}\n", "(".repeat(depth), ")".repeat(depth));
        let (mut ast, diags) = parse(FileId(0), &text);
        assert!(diags.is_empty(), "{diags:?}");
        let once = format_file(&ast, &text);
        let (mut back, diags) = parse(FileId(0), &once);
        assert!(diags.is_empty(), "{diags:?}\n{once}");
        assert_eq!(back.comments.len(), 1);
        assert_eq!(format_file(&back, &once), once);
        erase_spans(&mut ast);
        erase_spans(&mut back);
        assert_eq!(back, ast);
    }
}
