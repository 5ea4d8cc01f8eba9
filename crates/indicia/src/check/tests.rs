//! Unit tests of scoping and typing: what each name resolves to, and which types each rule takes.

use proptest::prelude::*;

use crate::hir::{self, CmpOp, Expr, Pack, ScalarType, Type, Value};
use crate::load::{check_pack, load_sources};

const SCHEMA: &str = r#"
category c { title: "C" }
fact flow { host: string  country: string?  port: int?  tls: bool?  data: [string]?  sdk: string?  ratio: float? }
fact sdk { id: string  country: string?  kind: string? }
"#;

fn check(text: &str) -> Result<Pack, Vec<String>> {
    let loaded = load_sources("t", vec![("t.ind".to_string(), format!("{SCHEMA}{text}"))]);
    check_pack(loaded).map_err(|f| f.diagnostics.iter().map(|d| d.message.clone()).collect())
}

fn ok(text: &str) -> Pack {
    match check(text) {
        Ok(pack) => pack,
        Err(errors) => panic!("unexpected errors: {errors:#?}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    match check(text) {
        Ok(_) => panic!("expected errors in {text}"),
        Err(errors) => errors,
    }
}

/// An indicator with condition `when`.
fn when(cond: &str) -> String {
    format!("indicator \"X\" {{ title: \"x\" category: c severity: low when: {cond} }}\n")
}

fn expr(pack: &Pack, id: hir::ExprId) -> &Expr {
    pack.expr(id).unwrap()
}

fn root(pack: &Pack) -> &Expr {
    expr(pack, pack.indicators[0].when)
}

/// The body of the quantifier at `id`.
fn body(pack: &Pack, id: hir::ExprId) -> &Expr {
    match expr(pack, id) {
        Expr::Quant { body: Some(b), .. } => expr(pack, *b),
        other => panic!("not a quantifier with a body: {other:?}"),
    }
}

#[test]
fn a_bare_name_is_first_a_field_then_a_value() {
    let pack = ok(&format!("const host = \"x\"\n{}", when("any flow where host == host")));
    let Expr::Compare { lhs, rhs, .. } = body(&pack, pack.indicators[0].when) else { panic!() };
    assert!(matches!(expr(&pack, *lhs), Expr::Field { scope: 0, .. }));
    assert!(matches!(expr(&pack, *rhs), Expr::Field { scope: 0, .. }));
    // Outside a quantifier the same name is the const, inlined.
    let pack = ok(&format!("const host = \"x\"\n{}", when("host == \"x\"")));
    let Expr::Compare { lhs, .. } = root(&pack) else { panic!() };
    assert_eq!(expr(&pack, *lhs), &Expr::Lit(Value::Str("x".into())));
}

#[test]
fn a_bare_name_reads_the_innermost_quantifier_only() {
    let errs = errors(&when("any flow where (any sdk where host == \"a\")"));
    assert_eq!(errs, vec!["unknown name `host`"]);
    // `country` exists on both kinds: the innermost (sdk) wins.
    let pack = ok(&when("any flow where (any sdk where country == \"CN\")"));
    let Expr::Quant { body: Some(inner), .. } = body(&pack, pack.indicators[0].when) else { panic!() };
    let Expr::Compare { lhs, .. } = expr(&pack, *inner) else { panic!() };
    let sdk = pack.schema.kind_id("sdk").unwrap();
    assert!(matches!(expr(&pack, *lhs), Expr::Field { scope: 0, kind, .. } if *kind == sdk));
}

#[test]
fn binders_count_scopes_outward() {
    let pack = ok(&when("any f in flow where (any s in sdk where (s.country == f.country and id == f.host))"));
    let flow = pack.schema.kind_id("flow").unwrap();
    let sdk = pack.schema.kind_id("sdk").unwrap();
    let Expr::Quant { body: Some(inner), .. } = body(&pack, pack.indicators[0].when) else { panic!() };
    let Expr::And(a, b) = expr(&pack, *inner) else { panic!() };
    let Expr::Compare { lhs, rhs, .. } = expr(&pack, *a) else { panic!() };
    assert!(matches!(expr(&pack, *lhs), Expr::Field { scope: 0, kind, .. } if *kind == sdk));
    assert!(matches!(expr(&pack, *rhs), Expr::Field { scope: 1, kind, .. } if *kind == flow));
    let Expr::Compare { lhs, rhs, .. } = expr(&pack, *b) else { panic!() };
    assert!(matches!(expr(&pack, *lhs), Expr::Field { scope: 0, kind, .. } if *kind == sdk));
    assert!(matches!(expr(&pack, *rhs), Expr::Field { scope: 1, kind, .. } if *kind == flow));
}

#[test]
fn binder_errors() {
    assert_eq!(
        errors(&when("any f in flow where (any f in sdk where id == \"x\")")),
        vec!["binder `f` is already bound by an enclosing quantifier"]
    );
    assert_eq!(errors(&when("any f in flow where g.host == \"x\"")), vec!["unknown binder `g`"]);
    assert_eq!(errors(&when("any f in flow where f.hots == \"x\"")), vec!["fact kind `flow` has no field `hots`"]);
    // A binder of a sibling quantifier is out of scope.
    assert_eq!(errors(&when("(any f in flow where tls) and (any sdk where f.host == id)")), vec!["unknown binder `f`"]);
}

#[test]
fn consts_params_and_defines_resolve() {
    let pack = ok(&format!(
        "param p: [string] = [\"CN\"]\ndefine d = any flow where country in p\nconst k = 3\n{}",
        when("d and count(flow) > k")
    ));
    let Expr::And(a, b) = root(&pack) else { panic!() };
    assert_eq!(expr(&pack, *a), &Expr::Define(hir::DefineId(0)));
    let Expr::CountCmp { op: CmpOp::Gt, n, .. } = expr(&pack, *b) else { panic!() };
    assert_eq!(expr(&pack, *n), &Expr::Lit(Value::Int(3)));
    assert_eq!(pack.defines[0].ty, Type::BOOL);
    assert_eq!(pack.params[0].ty, Type { scalar: ScalarType::Str, list: true });
}

#[test]
fn defines_may_be_used_before_they_are_declared_and_have_any_type() {
    let pack = ok(&format!(
        "{}define a = b\ndefine b = limit\ndefine limit = 5\ndefine names = [\"a\", \"b\"]",
        when("count(flow) >= a and any flow where host in names")
    ));
    let types: Vec<Type> = pack.defines.iter().map(|d| d.ty).collect();
    let int = Type { scalar: ScalarType::Int, list: false };
    assert_eq!(types, vec![int, int, int, Type { scalar: ScalarType::Str, list: true }]);
}

#[test]
fn define_cycles_are_named_once() {
    let errs = errors(&format!("define a = b and true\ndefine b = c\ndefine c = a\n{}", when("a")));
    assert_eq!(errs, vec!["define `a` depends on itself: `a` -> `b` -> `c` -> `a`"]);
    let errs = errors(&format!("define a = not a\n{}", when("a")));
    assert_eq!(errs, vec!["define `a` depends on itself: `a` -> `a`"]);
}

#[test]
fn a_field_shadows_a_define_so_there_is_no_cycle() {
    ok(&format!("define host = any flow where host == \"x\"\n{}", when("host")));
}

#[test]
fn count_is_normalised_with_the_count_on_the_left() {
    let pack = ok(&format!("param n: float = 2\n{}", when("4 <= count(flow where tls == false) or n < count(sdk)")));
    let Expr::Or(a, b) = root(&pack) else { panic!() };
    let Expr::CountCmp { op, n, body, .. } = expr(&pack, *a) else { panic!() };
    assert_eq!(*op, CmpOp::Ge);
    assert!(body.is_some());
    assert_eq!(expr(&pack, *n), &Expr::Lit(Value::Int(4)));
    let Expr::CountCmp { op, n, body: None, .. } = expr(&pack, *b) else { panic!() };
    assert_eq!(*op, CmpOp::Gt);
    assert_eq!(expr(&pack, *n), &Expr::Param(hir::ParamId(0)));
    assert_eq!(pack.params[0].default, Value::Float(2.0));
}

#[test]
fn count_misuse() {
    let msg = "`count(…)` may only be compared with a number";
    assert_eq!(errors(&format!("define n = count(flow)\n{}", when("true"))), vec![msg]);
    assert_eq!(errors(&when("count(flow) in [1, 2]")), vec![msg]);
    assert_eq!(errors(&when("not count(flow)")), vec![msg]);
    assert_eq!(
        errors(&when("count(flow) > count(sdk)")),
        vec!["a `count(…)` cannot be compared with another `count(…)`"]
    );
    assert_eq!(errors(&when("count(flow) > \"3\"")), vec!["a `count(…)` is compared with a number, found `string`"]);
    assert_eq!(
        errors(&when("any flow where count(sdk) > port")),
        vec!["a `count(…)` cannot be compared with the field `port`"]
    );
    assert_eq!(
        errors(&format!("const l = [1]\n{}", when("count(flow) > l"))),
        vec!["a `count(…)` is compared with a number, found `[int]`"]
    );
}

#[test]
fn comparison_types() {
    ok(&when("any flow where (port == 1.5 and ratio < 2 and tls == false and host != \"a\")"));
    assert_eq!(
        errors(&when("any flow where port == \"80\"")),
        vec!["`==` compares two values of one type, found `int` and `string`"]
    );
    assert_eq!(errors(&when("any flow where host < \"b\"")), vec!["`<` compares numbers, found `string`"]);
    assert_eq!(errors(&when("any flow where data == [\"a\"]")), vec!["`==` compares two scalars, found `[string]`"]);
}

#[test]
fn membership_and_intersection_types() {
    let pack = ok(&when("any flow where (port not in [80, 443.5] and data intersects [] and \"x\" in data)"));
    let Expr::And(left, _) = body(&pack, pack.indicators[0].when) else { panic!() };
    let Expr::And(first, _) = expr(&pack, *left) else { panic!() };
    let Expr::Not(inner) = expr(&pack, *first) else { panic!() };
    let Expr::In { list, .. } = expr(&pack, *inner) else { panic!() };
    assert_eq!(expr(&pack, *list), &Expr::Lit(Value::List(vec![Value::Float(80.0), Value::Float(443.5)].into())));
    assert_eq!(
        errors(&when("any flow where host in [1, 2]")),
        vec!["`in` takes a value and a list of its type, found `string` and `[int]`"]
    );
    assert_eq!(errors(&when("any flow where host in \"abc\"")), vec!["`in` takes a list on its right, found `string`"]);
    assert_eq!(
        errors(&when("any flow where data in [\"a\"]")),
        vec!["`in` takes a scalar on its left, found `[string]`"]
    );
    assert_eq!(
        errors(&when("any flow where data intersects [1]")),
        vec!["`intersects` takes two lists of one element type, found `[string]` and `[int]`"]
    );
    assert_eq!(
        errors(&when("any flow where host intersects data")),
        vec!["`intersects` takes two lists, found `string`"]
    );
}

#[test]
fn boolean_contexts() {
    assert_eq!(errors(&when("any flow where port")), vec!["a `where` body takes `bool`, found `int`"]);
    assert_eq!(errors(&when("\"x\"")), vec!["`when` takes `bool`, found `string`"]);
    assert_eq!(errors(&when("true and 1")), vec!["`and` takes `bool`, found `int`"]);
    assert_eq!(errors(&when("not [1]")), vec!["`not` takes `bool`, found `[int]`"]);
    ok(&when("unknown or observed(flow) or (any flow where tls) == false"));
}

#[test]
fn errors_do_not_cascade() {
    // One unknown kind: nothing about the names in its body, nor about its use.
    assert_eq!(errors(&when("any flwo where (nme == 1 and nme > \"a\")")), vec!["unknown fact kind `flwo`"]);
    // The `where` body is one unary: the second `port` is outside the quantifier.
    assert_eq!(errors(&when("any flow where tls == false and port == 80")), vec!["unknown name `port`"]);
    // One unknown name: the comparison around it is silent.
    assert_eq!(errors(&when("any flow where hots == 1")), vec!["unknown name `hots`"]);
    // A define with an error is usable without errors.
    assert_eq!(errors(&format!("define d = any flow where port == \"x\"\n{}", when("d and d"))).len(), 1);
    // A define on a cycle too.
    assert_eq!(errors(&format!("define d = d\n{}", when("d == 1 and d"))).len(), 1);
}

#[test]
fn has_takes_optional_fields() {
    ok(&when("any f in flow where (has country and has f.port)"));
    assert_eq!(
        errors(&when("any flow where has host")),
        vec!["`has` takes an optional field, but `host` of `flow` is required"]
    );
    assert_eq!(errors(&when("has country")), vec!["`has country` reads a field, and no quantifier encloses it"]);
    assert_eq!(errors(&when("any flow where has cuntry")), vec!["fact kind `flow` has no field `cuntry`"]);
}

#[test]
fn patterns_compile_once_and_globs_are_anchored() {
    let pack = ok(&when("any flow where (host matches \"^a.*\" or host like \"*.cn\" or sdk like \"*.cn\")"));
    assert_eq!(pack.patterns.len(), 2);
    let glob = &pack.patterns[1].regex;
    assert!(glob.is_match("x.y.cn"));
    assert!(glob.is_match("a\nb.cn"));
    assert!(!glob.is_match("x.cn.tw"));
    assert!(!glob.is_match("x.CN"));
    let one = super::patterns::compile(indicia_syntax::ast::PatternOp::Like, "a?c(").unwrap();
    assert!(one.is_match("aéc("));
    assert!(!one.is_match("ac("));
    assert!(!one.is_match("abbc("));
    assert_eq!(
        errors(&when("any flow where host matches \"(ads|track\"")),
        vec!["`(ads|track` is not a valid regular expression"]
    );
    assert_eq!(errors(&when("any flow where port like \"8*\"")), vec!["`like` takes a `string`, found `int`"]);
}

#[test]
fn consts_and_params_take_literals_of_their_type() {
    let pack = ok("const e = []\nparam r: float = 1\nparam l: [float] = [1, 2]\nparam b: bool = true\n");
    assert_eq!(pack.params[0].default, Value::Float(1.0));
    assert_eq!(pack.params[1].default, Value::List(vec![Value::Float(1.0), Value::Float(2.0)].into()));
    ok(&format!("const e = []\n{}", when("any flow where (port in e and host in e and data intersects e)")));
    assert_eq!(errors("param p: int = 1.5"), vec!["the default of `p` must have type `int`, found `float`"]);
    assert_eq!(errors("param p: int? = 1"), vec!["param `p` cannot have an optional type"]);
    assert_eq!(errors("const k = unknown"), vec!["a const takes a literal or a list of literals"]);
    assert_eq!(errors("const k = [1, \"a\"]"), vec!["a list takes elements of one type, found `int` and `string`"]);
    assert_eq!(errors("param p: strng = \"a\""), vec!["unknown type `strng`"]);
}

#[test]
fn indicators_are_sorted_and_weighted() {
    let pack = ok("indicator \"B-10\" { title: \"b\" category: c severity: critical when: true }\n\
         indicator \"B-2\" { title: \"a\" category: c severity: medium weight: 0.25 when: false refs: [\"r\"] }\n");
    let ids: Vec<&str> = pack.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec!["B-10", "B-2"]);
    assert_eq!(pack.indicators[0].weight, hir::Weight { units: 5, scale: 0 });
    assert_eq!(pack.indicators[1].weight, hir::Weight { units: 25, scale: 2 });
    assert_eq!(pack.indicators[1].refs, vec!["r".to_string()]);
    assert_eq!(pack.name, "t");
    assert!(pack.standard.is_none());
}

#[test]
fn the_standard_names_the_pack_and_tests_resolve_their_evidence() {
    let files = vec![
        ("p/std.ind".to_string(), "standard s { title: \"S\" version: \"1\" }\nparam m: int = 3".to_string()),
        (
            "p/tests/t.ind".to_string(),
            "test \"t\" { evidence: \"fixtures/a.json\" params: { m: 1 } expect \"X\": fail expect total: 2 }"
                .to_string(),
        ),
    ];
    let pack = check_pack(load_sources("p", files)).unwrap();
    assert_eq!(pack.name, "s");
    assert_eq!(pack.standard.as_ref().unwrap().version, "1");
    let test = &pack.tests[0];
    assert_eq!(test.evidence, std::path::PathBuf::from("p/tests/fixtures/a.json"));
    assert_eq!(test.params, vec![(hir::ParamId(0), Value::Int(1))]);
    assert_eq!(test.expects.len(), 2);
}

#[test]
fn namespaces_are_separate_but_each_unique() {
    ok("fact flow2 { x: int }\nconst flow2 = 1\ncategory flow2 { title: \"f\" }\n");
    assert_eq!(errors("const a = 1\ndefine a = true"), vec!["`a` is declared twice"]);
    assert_eq!(errors("fact flow { x: int }"), vec!["fact kind `flow` is declared twice"]);
}

#[test]
fn broken_declarations_still_declare_their_names() {
    // `define d` does not parse; its uses raise nothing more.
    let errs = errors(&format!("define d = any flow where (\n{}", when("d")));
    assert_eq!(errs.len(), 1, "{errs:?}");
}

#[test]
fn deep_nesting_within_the_parser_limit_checks_on_a_small_stack() {
    // Quantifiers, `not`s and parentheses up to the parser's limit: parsed here, checked on a
    // thread with a 256 KiB stack.
    let depth = indicia_syntax::parser::MAX_NESTING - 4;
    let (nots, parens) = (depth / 4, depth / 2 - 4);
    let cond = format!(
        "{}any flow where (port > 1 and {}true{})",
        "not (".repeat(nots),
        "(".repeat(parens),
        ")".repeat(nots + parens)
    );
    let loaded = load_sources("t", vec![("t.ind".to_string(), format!("{SCHEMA}{}", when(&cond)))]);
    assert!(!loaded.has_parse_errors(), "{:?}", loaded.parse_diagnostics);
    let handle = std::thread::Builder::new().stack_size(256 << 10).spawn(move || check_pack(loaded).is_ok()).unwrap();
    assert!(handle.join().unwrap());
    // A long `or` chain is walked as a list.
    let chain = vec!["true"; indicia_syntax::parser::MAX_NESTING - 8].join(" or ");
    ok(&when(&chain));
}

/// Tokens of the language, for random token soups.
fn tokens() -> Vec<&'static str> {
    indicia_syntax::ast::RESERVED.iter().chain(EXTRA_TOKENS).copied().collect()
}

/// The tokens of `tokens()` that are not reserved words.
const EXTRA_TOKENS: &[&str] = &[
    "{", "}", "[", "]", "(", ")", ":", ",", ".", "=", "?", "==", "!=", "<", "<=", ">", ">=", "flow", "sdk", "host",
    "port", "c", "x", "f", "1", "2.5", "-3", "\"a\"", "\"(\"", "\"X\"", "title", "severity", "low", "when", "int",
    "[string]", "evidence", "params", "weight", "refs",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = check(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(tokens()), 0..80)) {
        let _ = check(&tokens.join(" "));
    }

    #[test]
    fn mutated_packs_never_panic(cut in 0usize..400, len in 0usize..20, insert in proptest::sample::select(tokens())) {
        let base = format!(
            "param p: [string] = [\"CN\"]\ndefine d = any f in flow where (country in p and has port)\n{}",
            when("d and count(flow where tls == false) > 2 or any sdk where id like \"*.cn\"")
        );
        let mut text = base.clone();
        let start = cut.min(text.len());
        let end = (start + len).min(text.len());
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            text.replace_range(start..end, insert);
        }
        let _ = check(&text);
    }
}

#[test]
fn many_errors_and_names_stay_linear() {
    // 20,000 defines each using an unknown name, a fact of 20,000 fields with repeats, a test
    // with 20,000 params, and a 20,000-define cycle: quadratic work here would take minutes.
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("define d{i} = missing{i} and d{}\n", (i + 1) % n));
    }
    text.push_str("fact wide {");
    for i in 0..n {
        text.push_str(&format!(" f{}: int", i % (n / 2)));
    }
    text.push_str(" }\nparam p: int = 1\ntest \"t\" { evidence: \"e.json\" params: {");
    for i in 0..n {
        text.push_str(&format!(" q{i}: 1"));
    }
    text.push_str(" } }\n");
    // No timed assertion (speed is measured in benches, never asserted): a quadratic regression
    // shows as this test taking minutes instead of a fraction of a second.
    let errs = errors(&text);
    // n unknown names, n/2 repeated fields, n unknown params, one cycle.
    assert_eq!(errs.len(), n + n / 2 + n + 1);
}
