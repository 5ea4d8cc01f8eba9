//! Unit tests, one group per grammar rule: each expression is printed as an s-expression so that
//! precedence and grouping are visible in the assertion.

use super::*;
use crate::ast::{Comment, ExprKind};

fn p(text: &str) -> (File, Vec<Diagnostic>) {
    parse(FileId(0), text)
}

/// Parses `text` as a lone expression that must be clean, and prints it.
fn e(text: &str) -> String {
    let (expr, diags) = parse_expr(FileId(0), text);
    assert!(diags.is_empty(), "{text}: {diags:?}");
    sexp(&expr.unwrap())
}

/// The first diagnostic of a lone expression: its message and the text under its span.
fn e_err(text: &str) -> (String, String) {
    let (expr, diags) = parse_expr(FileId(0), text);
    assert!(expr.is_none(), "{text} parsed");
    let d = diags.first().unwrap_or_else(|| panic!("{text}: no diagnostic"));
    (d.message.clone(), text[d.span.range()].to_string())
}

fn sexp(x: &Expr) -> String {
    match &x.kind {
        ExprKind::Literal(Literal::Str(s)) => format!("{s:?}"),
        ExprKind::Literal(Literal::Int(n)) => n.to_string(),
        ExprKind::Literal(Literal::Float(f)) => format!("{f:?}"),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::List(items) => format!("[{}]", items.iter().map(sexp).collect::<Vec<_>>().join(" ")),
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Field { binder, field } => format!("{}.{}", binder.name, field.name),
        ExprKind::Has { binder: Some(b), field } => format!("(has {}.{})", b.name, field.name),
        ExprKind::Has { binder: None, field } => format!("(has {})", field.name),
        ExprKind::Unknown => "unknown".into(),
        ExprKind::Observed(k) => format!("(observed {})", k.name),
        ExprKind::Quantifier { quantifier, binder, kind, body } => {
            let b = binder.as_ref().map(|b| format!("{} in ", b.name)).unwrap_or_default();
            let w = body.as_ref().map(|w| format!(" {}", sexp(w))).unwrap_or_default();
            format!("({} {b}{}{w})", quantifier.keyword(), kind.name)
        }
        ExprKind::Count { binder, kind, body } => {
            let b = binder.as_ref().map(|b| format!("{} in ", b.name)).unwrap_or_default();
            let w = body.as_ref().map(|w| format!(" {}", sexp(w))).unwrap_or_default();
            format!("(count {b}{}{w})", kind.name)
        }
        ExprKind::Paren(inner) => format!("({})", sexp(inner)),
        ExprKind::Not(inner) => format!("(not {})", sexp(inner)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.symbol(), sexp(lhs), sexp(rhs)),
        ExprKind::Pattern { op, lhs, pattern } => format!("({} {} {:?})", op.keyword(), sexp(lhs), pattern.value),
    }
}

/// Every span in the tree lies in the text, and each node's span covers its children's.
fn check_spans(x: &Expr, text: &str) {
    assert!(x.span.end as usize <= text.len() && x.span.start <= x.span.end);
    let children: Vec<&Expr> = match &x.kind {
        ExprKind::List(items) => items.iter().collect(),
        ExprKind::Quantifier { body, .. } | ExprKind::Count { body, .. } => body.iter().map(|b| &**b).collect(),
        ExprKind::Paren(i) | ExprKind::Not(i) => vec![i],
        ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
        ExprKind::Pattern { lhs, .. } => vec![lhs],
        _ => vec![],
    };
    for c in children {
        assert!(x.span.start <= c.span.start && c.span.end <= x.span.end, "{x:?}");
        check_spans(c, text);
    }
}

// ---- operands --------------------------------------------------------------------------

#[test]
fn literals() {
    assert_eq!(e(r#""a\"b\\c\n\r\t\u{1F600}\u{41}""#), format!("{:?}", "a\"b\\c\n\r\t\u{1F600}A"));
    assert_eq!(e("1_000"), "1000");
    assert_eq!(e("-42"), "-42");
    assert_eq!(e("-9223372036854775808"), i64::MIN.to_string());
    assert_eq!(e("9_223_372_036_854_775_807"), i64::MAX.to_string());
    assert_eq!(e("0.5"), "0.5");
    assert_eq!(e("-1_0.2_5"), "-10.25");
    assert_eq!(e("true"), "true");
    assert_eq!(e("false"), "false");
}

#[test]
fn lists_take_literals() {
    assert_eq!(e("[]"), "[]");
    assert_eq!(e(r#"["CN", "HK",]"#), r#"["CN" "HK"]"#);
    assert_eq!(e("[1, 2.5, -3, true]"), "[1 2.5 -3 true]");
    assert_eq!(e_err("[1, unknown]"), ("`unknown` cannot stand in a list".into(), "unknown".into()));
    assert_eq!(e_err("[a]"), ("a list takes literals only, found `a`".into(), "a".into()));
    assert_eq!(e_err("[[1]]").1, "[");
    assert_eq!(e_err("[(1)]").1, "(");
    assert_eq!(e_err("[1 2]"), ("expected `,` or `]`, found number `2`".into(), "2".into()));
    assert_eq!(e_err("[1,").0, "unclosed `[`");
}

#[test]
fn names_fields_has_unknown_observed() {
    assert_eq!(e("port"), "port");
    assert_eq!(e("f.country"), "f.country");
    assert_eq!(e("has country"), "(has country)");
    assert_eq!(e("has f.country"), "(has f.country)");
    assert_eq!(e("unknown"), "unknown");
    assert_eq!(e("observed(permission)"), "(observed permission)");
    assert_eq!(e_err("observed permission").0, "expected `(` after `observed`, found `permission`");
    assert_eq!(e_err("f.any").0, "reserved word `any` cannot be used as a field name");
    assert_eq!(e_err("has where").0, "reserved word `where` cannot be used as a field name after `has`");
}

#[test]
fn quantifiers() {
    assert_eq!(e("any flow"), "(any flow)");
    assert_eq!(e("all flow where tls"), "(all flow tls)");
    assert_eq!(e("none f in flow where f.tls"), "(none f in flow f.tls)");
    assert_eq!(e("any flow where not tls"), "(any flow (not tls))");
    assert_eq!(e("any flow where (tls and port == 80)"), "(any flow ((and tls (== port 80))))");
    assert_eq!(
        e("any f in flow where (any s in sdk where (s.country == f.country))"),
        "(any f in flow ((any s in sdk ((== s.country f.country)))))"
    );
    assert_eq!(e_err("any where").0, "reserved word `where` cannot be used as a fact kind after `any`");
    assert_eq!(e_err("any flow where").0, "expected an expression, found the end of the file");
}

#[test]
fn where_body_is_one_unary() {
    assert_eq!(e("any flow where tls == false and port == 80"), "(and (any flow (== tls false)) (== port 80))");
    assert_eq!(e("any flow where a or b"), "(or (any flow a) b)");
    assert_eq!(e("not any flow where a and b"), "(and (not (any flow a)) b)");
}

#[test]
fn count() {
    assert_eq!(e("count(flow)"), "(count flow)");
    assert_eq!(e("count(f in flow where a and b or c) >= 2"), "(>= (count f in flow (or (and a b) c)) 2)");
    assert_eq!(e("4 <= count(flow where tls == false)"), "(<= 4 (count flow (== tls false)))");
    assert_eq!(e_err("count flow").0, "expected `(` after `count`, found `flow`");
    assert_eq!(e_err("count(flow where a").0, "unclosed `(`");
    assert_eq!(e_err("count(flow where a b").0, "expected `)`, found `b`");
    assert_eq!(e_err("count(flow a)").0, "expected `where` or `)`, found `a`");
}

// ---- predicates and precedence ---------------------------------------------------------

#[test]
fn predicates() {
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        assert_eq!(e(&format!("a {op} 1")), format!("({op} a 1)"));
    }
    assert_eq!(e("country in restricted"), "(in country restricted)");
    assert_eq!(e(r#"x not in ["a"]"#), r#"(not in x ["a"])"#);
    assert_eq!(e("data intersects sensitive"), "(intersects data sensitive)");
    assert_eq!(e(r#"host matches "(ads|track)""#), r#"(matches host "(ads|track)")"#);
    assert_eq!(e(r#"host like "*.cn""#), r#"(like host "*.cn")"#);
    assert_eq!(e_err("host matches pattern").0, "expected a string pattern after `matches`, found `pattern`");
    assert_eq!(e_err("a = 1"), ("`=` is not a comparison".into(), "=".into()));
}

#[test]
fn precedence_or_and_not_predicate() {
    assert_eq!(e("a or b and c"), "(or a (and b c))");
    assert_eq!(e("a and b or c"), "(or (and a b) c)");
    assert_eq!(e("a or b or c"), "(or (or a b) c)");
    assert_eq!(e("a and b and c"), "(and (and a b) c)");
    assert_eq!(e("not a and b"), "(and (not a) b)");
    assert_eq!(e("not a == b"), "(not (== a b))");
    assert_eq!(e("not not a"), "(not (not a))");
    assert_eq!(e("not x not in L"), "(not (not in x L))");
    assert_eq!(e("(a or b) and c"), "(and ((or a b)) c)");
    assert_eq!(e("a == 1 or b in L and not c"), "(or (== a 1) (and (in b L) (not c)))");
}

#[test]
fn predicates_do_not_chain() {
    assert_eq!(e_err("a == b == c"), ("predicates do not chain".into(), "==".into()));
    assert_eq!(e_err("any flow where port == 80 == true"), ("predicates do not chain".into(), "==".into()));
    assert_eq!(e_err("any flow where country in L == true").1, "==");
    assert_eq!(e_err("any flow where not port == 80 == true").1, "==");
    assert_eq!(e_err("a in L in M").1, "in");
    assert_eq!(e_err("a < b not in L").1, "not");
    assert_eq!(e_err("any flow where x matches \"a\" like \"b\"").1, "like");
    // Parentheses, a quantifier body that is not a predicate, or `count` all end the predicate.
    assert_eq!(e("(any flow where port == 80) == true"), "(== ((any flow (== port 80))) true)");
    assert_eq!(e("any flow where (port == 80) == true"), "(any flow (== ((== port 80)) true))");
    assert_eq!(e("any flow == true"), "(== (any flow) true)");
    assert_eq!(e("any flow where tls == true"), "(any flow (== tls true))");
    assert_eq!(e("count(flow where a == 1) > 2"), "(> (count flow (== a 1)) 2)");
}

#[test]
fn expression_spans() {
    let text = "any f in flow where (f.port == 80 and not has f.tls) or count(flow) >= 2 and x not in [1, 2]";
    let (expr, diags) = parse_expr(FileId(0), text);
    assert!(diags.is_empty());
    let expr = expr.unwrap();
    assert_eq!(expr.span.range(), 0..text.len());
    check_spans(&expr, text);
    let ExprKind::Binary { lhs, rhs, .. } = &expr.kind else { panic!() };
    assert_eq!(&text[lhs.span.range()], "any f in flow where (f.port == 80 and not has f.tls)");
    assert_eq!(&text[rhs.span.range()], "count(flow) >= 2 and x not in [1, 2]");
}

// ---- strings and numbers ---------------------------------------------------------------

#[test]
fn bad_escapes_are_reported_at_the_escape() {
    let cases = [
        (r#""a\qb""#, "unknown escape `\\q`", r"\q"),
        (r#""\u{110000}""#, "`\\u{110000}` is not a Unicode scalar value", r"\u{110000}"),
        (r#""\u{D800}""#, "`\\u{D800}` is not a Unicode scalar value", r"\u{D800}"),
        (r#""\u{}""#, "malformed unicode escape", r"\u{}"),
        (r#""\u{1234567}""#, "malformed unicode escape", r"\u{1234567}"),
        (r#""\u41""#, "malformed unicode escape", r"\u"),
        (r#""\u{4x}""#, "malformed unicode escape", r"\u{4"),
    ];
    for (text, msg, under) in cases {
        assert_eq!(e_err(text), (msg.to_string(), under.to_string()), "{text}");
    }
    // Two bad escapes: both reported.
    let (_, diags) = parse_expr(FileId(0), r#""\q\u{D800}""#);
    assert_eq!(diags.len(), 2);
}

#[test]
fn strings_end_at_the_line() {
    let (f, d) = p("const a = \"abc\ndef\"\nconst b = 1\n");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].message, "unterminated string");
    assert_eq!(d[0].span.range(), 10..14);
    assert!(matches!(&f.decls[0], Decl::Broken(b) if b.name.as_ref().unwrap().name == "a"));
    assert!(matches!(&f.decls[1], Decl::Const(c) if c.name.name == "b"));
    let (_, d) = p("const a = \"abc");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].label.as_deref(), Some("the string has no closing `\"` before the end of the file"));
}

#[test]
fn numbers_out_of_range() {
    assert_eq!(e_err("9223372036854775808"), ("integer literal out of range".into(), "9223372036854775808".into()));
    assert_eq!(e_err("-9_223_372_036_854_775_809").0, "integer literal out of range");
    let big = format!("1{}.0", "0".repeat(400));
    assert_eq!(e_err(&big), ("float literal out of range".into(), big.clone()));
}

// ---- declarations ----------------------------------------------------------------------

#[test]
fn every_declaration_kind() {
    let text = r#"
standard tw { title: "T", version: "4.0" }
category pd { title: "P" description: "D" }
fact flow { host: string, country: string?  data: [string]?  ports: [int] }
const cs = ["CN", "HK"]
param max: int = 5
param xs: [string] = []
define d = any flow where country in cs
indicator "X-1" {
  title: "t"
  category: pd
  severity: high
  weight: 2.5
  refs: ["A", "B"]
  when: d and not unknown
}
test "t" {
  evidence: "fixtures/a.json"
  params: { max: 3, xs: ["a"] }
  expect "X-1": fail
  expect failed: 1
}
"#;
    let (f, d) = p(text);
    assert!(d.is_empty(), "{d:?}");
    let kinds: Vec<&str> = f
        .decls
        .iter()
        .map(|d| match d {
            Decl::Standard(_) => "standard",
            Decl::Category(_) => "category",
            Decl::Fact(_) => "fact",
            Decl::Const(_) => "const",
            Decl::Param(_) => "param",
            Decl::Define(_) => "define",
            Decl::Indicator(_) => "indicator",
            Decl::Test(_) => "test",
            Decl::Policy(_) => "policy",
            Decl::Broken(_) => "broken",
        })
        .collect();
    assert_eq!(kinds, ["standard", "category", "fact", "const", "param", "param", "define", "indicator", "test"]);
    for decl in &f.decls {
        let s = decl.span();
        let kws = ["standard", "category", "fact", "const", "param", "define", "indicator", "test"];
        assert!(kws.iter().any(|k| text[s.range()].starts_with(k)));
    }
    let Decl::Fact(fact) = &f.decls[2] else { panic!() };
    let fields: Vec<(&str, &str, bool, bool, &str)> = fact
        .fields
        .iter()
        .map(|fd| {
            (fd.name.name.as_str(), fd.ty.scalar.name.as_str(), fd.ty.list, fd.ty.optional, &text[fd.ty.span.range()])
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("host", "string", false, false, "string"),
            ("country", "string", false, true, "string?"),
            ("data", "string", true, true, "[string]?"),
            ("ports", "int", true, false, "[int]"),
        ]
    );
    let Decl::Param(param) = &f.decls[4] else { panic!() };
    assert_eq!((param.name.name.as_str(), param.ty.scalar.name.as_str()), ("max", "int"));
    assert_eq!(sexp(&param.default), "5");
    let Decl::Indicator(ind) = &f.decls[7] else { panic!() };
    assert_eq!(ind.id.value, "X-1");
    let keys: Vec<&str> = ind.entries.iter().map(|e| e.key.name.as_str()).collect();
    assert_eq!(keys, ["title", "category", "severity", "weight", "refs", "when"]);
    assert_eq!(sexp(&ind.entries[5].value), "(and d (not unknown))");
    assert_eq!(&text[ind.entries[1].span.range()], "category: pd");
    let Decl::Test(test) = &f.decls[8] else { panic!() };
    assert_eq!(test.name.value, "t");
    assert!(matches!(&test.entries[0], TestEntry::Field(e) if e.key.name == "evidence"));
    let TestEntry::Params { values, span, .. } = &test.entries[1] else { panic!() };
    assert_eq!(values.len(), 2);
    assert_eq!(&text[span.range()], r#"params: { max: 3, xs: ["a"] }"#);
    assert!(
        matches!(&test.entries[2], TestEntry::Expect { target: ExpectTarget::Indicator(s), .. } if s.value == "X-1")
    );
    let TestEntry::Expect { target: ExpectTarget::Count(c), value, span } = &test.entries[3] else { panic!() };
    assert_eq!((c.name.as_str(), sexp(value).as_str(), &text[span.range()]), ("failed", "1", "expect failed: 1"));
}

#[test]
fn comments_are_collected() {
    let text = "# head\nfact flow { host: string # field\n}  # tail";
    let (f, d) = p(text);
    assert!(d.is_empty());
    let got: Vec<(&str, &str)> =
        f.comments.iter().map(|Comment { text: t, span }| (t.as_str(), &text[span.range()])).collect();
    assert_eq!(got, [("# head", "# head"), ("# field", "# field"), ("# tail", "# tail")]);
}

#[test]
fn reserved_words_are_not_names() {
    for (text, msg) in [
        ("fact flow { test: string }", "reserved word `test` cannot be used as a field name"),
        ("fact any { x: int }", "reserved word `any` cannot be used as a fact name"),
        ("const in = 1", "reserved word `in` cannot be used as a const name"),
        ("define where = 1", "reserved word `where` cannot be used as a define name"),
        ("param count: int = 1", "reserved word `count` cannot be used as a param name"),
        ("category none { title: \"x\" }", "reserved word `none` cannot be used as a category name"),
    ] {
        let (f, d) = p(text);
        assert_eq!(d.len(), 1, "{text}: {d:?}");
        assert_eq!(d[0].message, msg);
        assert!(matches!(&f.decls[0], Decl::Broken(_)));
    }
}

#[test]
fn reserved_words_may_be_block_keys() {
    let (f, d) = p("indicator \"X\" { category: pd, when: true }");
    assert!(d.is_empty());
    let Decl::Indicator(ind) = &f.decls[0] else { panic!() };
    assert_eq!(ind.entries[0].key.name, "category");
}

// ---- recovery --------------------------------------------------------------------------

fn names(f: &File) -> Vec<String> {
    f.decls
        .iter()
        .map(|d| match d {
            Decl::Broken(b) => format!("broken {}", b.name.as_ref().map_or("?", |n| n.name.as_str())),
            Decl::Standard(b) | Decl::Category(b) | Decl::Policy(b) => b.name.name.clone(),
            Decl::Fact(x) => x.name.name.clone(),
            Decl::Const(x) | Decl::Define(x) => x.name.name.clone(),
            Decl::Param(x) => x.name.name.clone(),
            Decl::Indicator(x) => x.id.value.clone(),
            Decl::Test(x) => x.name.value.clone(),
        })
        .collect()
}

#[test]
fn recovery_reports_one_error_per_declaration() {
    let text = r#"
fact flow { host string }
category ok1 { title: "a" }
indicator "A" {
  title: "x"
  when: any flow where ==
  category: ok1
}
const ok2 = 1
define bad = a b c d
param ok3: int = 2
"#;
    let (f, d) = p(text);
    assert_eq!(d.len(), 3, "{d:?}");
    assert_eq!(names(&f), ["broken flow", "ok1", "broken A", "ok2", "broken bad", "ok3"]);
    let found: Vec<&str> = d.iter().map(|d| &text[d.span.range()]).collect();
    assert_eq!(found, ["string", "==", "b"]);
}

#[test]
fn missing_brace_resumes_at_the_next_declaration() {
    let text = "indicator \"A\" {\n  title: \"x\"\n\nindicator \"B\" { title: \"y\" }\n";
    let (f, d) = p(text);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "unclosed `{`");
    assert_eq!(d[0].span.range(), 14..15);
    assert_eq!(names(&f), ["broken A", "B"]);
    // An indented keyword inside an unclosed block is not a resume point, an unindented one is.
    let text = "fact a { x: int\n  category c { }\ncategory d { }\n";
    let (f, d) = p(text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(names(&f), ["broken a", "d"]);
    // `} keyword` on one line resumes too.
    let (f, d) = p("category a { title \"x\" } category b { }");
    assert_eq!(d.len(), 1);
    assert_eq!(names(&f), ["broken a", "b"]);
}

#[test]
fn stray_text_is_one_error() {
    let (f, d) = p("hello world ) ( {\nfact a { }\n} }\n");
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(names(&f), ["broken ?", "a", "broken ?"]);
    assert!(d[0].message.starts_with("expected a declaration"));
}

#[test]
fn unknown_characters() {
    let (_, d) = p("const a = 1 $$ 2");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "unexpected character `$`");
    assert_eq!(d[0].span.range(), 12..13);
}

// ---- limits ----------------------------------------------------------------------------

#[test]
fn nesting_limit_is_exact() {
    let ok = format!("{}x{}", "(".repeat(MAX_NESTING - 1), ")".repeat(MAX_NESTING - 1));
    let (expr, d) = parse_expr(FileId(0), &ok);
    assert!(d.is_empty());
    assert!(expr.is_some());
    let deep = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    assert_eq!(e_err(&deep).0, "expression nested too deeply");
}

#[test]
fn long_chains_count_as_depth() {
    let ok = vec!["a"; MAX_NESTING].join(" or ");
    assert!(parse_expr(FileId(0), &ok).0.is_some());
    let long = vec!["a"; MAX_NESTING + 1].join(" or ");
    assert_eq!(e_err(&long), ("expression nested too deeply".into(), "or".into()));
}

#[test]
fn diagnostics_are_capped() {
    let text = "const = 1\n".repeat(1000);
    let (f, d) = p(&text);
    assert_eq!(f.decls.len(), 1000);
    assert_eq!(d.len(), MAX_DIAGNOSTICS);
    assert_eq!(
        d.last().unwrap().message,
        format!("{} more errors in this file not shown", 1000 - (MAX_DIAGNOSTICS - 1))
    );
}

#[test]
fn messages_escape_invisible_characters() {
    let (_, d) = p("const a = 1 \u{202e}x");
    assert_eq!(d[0].message, "unexpected character `\\u{202e}`");
    assert_eq!(d[0].span.range(), 12..15);
    let (_, d) = p("fact \"a\u{7}b\" {}");
    assert_eq!(d[0].message, "expected a fact name, found string \"a\\u{7}b\"");
}

#[test]
fn a_byte_order_mark_is_whitespace() {
    let (f, d) = p("\u{feff}const a = 1\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(f.decls[0].span().range(), 3..14);
}

#[test]
fn an_indented_keyword_in_a_block_is_a_key() {
    let text = "indicator \"A\" {\n  category pd\n  when: true\n}\nconst ok = 1\n";
    let (f, d) = p(text);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].message, "expected `:` after `category`, found `pd`");
    assert_eq!(names(&f), ["broken A", "ok"]);
}
