//! A policy pack lowered to an ordinary pack over the report schema.
//!
//! The files of a policy pack are given the [`PRELUDE`] (the fact kinds a report becomes, see
//! [`super::facts`]); each decision `NAME: CONDITION` of the `policy` block becomes one indicator,
//! in order, whose `when` is the condition with each part that reads a report field (`risk`,
//! `app_id`…) put inside `any report where (…)`: over the single `report` fact that quantifier
//! has exactly its body's three-valued value, and inside it a bare name is first a report field. The checker, the graph compiler and
//! the evaluator are then the pack's own: a policy is checked with the same diagnostics and runs
//! on the same compiled program as any pack.

use indicia_syntax::ast::{self, BinOp, Decl, Entry, Expr, ExprKind, Ident, Literal, Quantifier, StrLit};
use indicia_syntax::diagnostic::suggest;
use indicia_syntax::{Diagnostic, FileId, SourceMap, Span};

/// The fact kinds and the category of every policy pack: what a report is made of.
pub const PRELUDE: &str = r#"# The facts a report becomes when a policy decides over it (docs/language.md, Policies).
category decision { title: "Decisions" }
fact report {
  app_id: string?
  platform: string?
  app_name: string?
  pack: string
  risk: float
  risk_upper: float
}
fact result {
  id: string
  title: string
  category_name: string
  severity: string
  verdict: string
  failed: bool?
  passed: bool?
  inconclusive: bool
  weight: float
}
"#;

/// The display name of the prelude in diagnostics.
pub const PRELUDE_NAME: &str = "<report schema>";

/// The key of a policy block that names the decision for conditions left unknown.
pub const DEFAULT_KEY: &str = "default";

/// One decision rule of a policy, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The decision's name (`deny`).
    pub decision: String,
    /// The condition's source text, on one line.
    pub condition: String,
    /// The key's place, `FILE:LINE`.
    pub place: String,
}

/// A policy pack lowered: the files to check, the policy, the problems only a policy can have
/// and the span of every condition (for [`reword`]).
#[derive(Debug, Default)]
pub struct Lowered {
    /// The prelude, then the user's files with the policy as indicators.
    pub files: Vec<(FileId, ast::File)>,
    /// The policy, when one was found.
    pub policy: Option<PolicyInfo>,
    /// Problems with the policy block and with declarations a policy pack cannot hold.
    pub diagnostics: Vec<Diagnostic>,
    /// Where each condition is.
    pub conditions: Vec<Span>,
}

/// What the lowering read from the `policy` block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyInfo {
    /// The policy's name.
    pub name: String,
    /// The decision for conditions left unknown (and when no condition holds).
    pub default: String,
    /// The decisions in order.
    pub rules: Vec<Rule>,
}

/// True when one of the files declares a `policy` (even one that did not parse): the pack is a
/// policy pack.
pub fn is_policy(files: &[(FileId, ast::File)]) -> bool {
    let policy = |d: &Decl| match d {
        Decl::Policy(_) => true,
        Decl::Broken(b) => b.kind == Some(ast::DeclKind::Policy),
        _ => false,
    };
    files.iter().any(|(_, f)| f.decls.iter().any(policy))
}

/// The id of the indicator that stands for rule `index` (zero-padded, so that the pack's order
/// by id is the rules' order).
pub fn rule_id(index: usize) -> String {
    format!("{index:05}")
}

/// Lowers the files of a policy pack: the prelude first, then the user's files with the policy
/// turned into indicators.
pub fn lower(sources: &mut SourceMap, files: Vec<(FileId, ast::File)>) -> Lowered {
    let mut diags = Vec::new();
    let mut conditions = Vec::new();
    let prelude_id = sources.add(PRELUDE_NAME, PRELUDE);
    let (prelude, _) = indicia_syntax::parser::parse(prelude_id, PRELUDE);
    let mut out = vec![(prelude_id, prelude)];
    let mut info: Option<(PolicyInfo, Span)> = None;
    for (id, file) in files {
        let mut decls = Vec::with_capacity(file.decls.len());
        for decl in file.decls {
            match decl {
                Decl::Policy(block) => {
                    if let Some((_, first)) = &info {
                        diags.push(
                            Diagnostic::error("a policy pack holds one `policy`", block.name.span)
                                .with_code("E0701")
                                .with_label("second policy")
                                .with_related(*first, "the first one")
                                .with_help("put each policy in its own file or directory"),
                        );
                        continue;
                    }
                    let (policy, indicators) = lower_policy(sources, &block, &mut diags);
                    for when in indicators.iter().filter_map(|i| i.entries.last()) {
                        wrapped_spans(&when.value, &mut conditions);
                    }
                    info = Some((policy, block.name.span));
                    decls.extend(indicators.into_iter().map(Decl::Indicator));
                }
                Decl::Standard(_) | Decl::Category(_) | Decl::Fact(_) | Decl::Indicator(_) => {
                    diags.push(foreign(&decl));
                }
                other => decls.push(other),
            }
        }
        out.push((id, ast::File { decls, comments: file.comments }));
    }
    Lowered { files: out, policy: info.map(|(policy, _)| policy), diagnostics: diags, conditions }
}

/// The error for a declaration a policy pack cannot hold.
fn foreign(decl: &Decl) -> Diagnostic {
    let keyword = match decl {
        Decl::Standard(_) => "standard",
        Decl::Category(_) => "category",
        Decl::Fact(_) => "fact",
        _ => "indicator",
    };
    let span = match decl {
        Decl::Standard(b) | Decl::Category(b) => b.name.span,
        Decl::Fact(f) => f.name.span,
        Decl::Indicator(i) => i.id.span,
        other => other.span(),
    };
    let article = if keyword == "indicator" { "an" } else { "a" };
    Diagnostic::error(format!("a policy pack cannot declare {article} `{keyword}`"), span)
        .with_code("E0702")
        .with_label("not allowed next to a `policy`")
        .with_help(
            "a policy decides over reports: its facts are `report` and `result`; keep indicators in their own pack",
        )
}

/// The policy block's rules and default, and one indicator per rule.
fn lower_policy(
    sources: &SourceMap,
    block: &ast::BlockDecl,
    diags: &mut Vec<Diagnostic>,
) -> (PolicyInfo, Vec<ast::IndicatorDecl>) {
    let mut default: Option<&Entry> = None;
    let mut rules = Vec::new();
    let mut indicators = Vec::new();
    for entry in &block.entries {
        let key = &entry.key;
        if key.name == DEFAULT_KEY {
            if let Some(first) = default {
                diags.push(
                    Diagnostic::error(format!("`default` given twice in policy `{}`", block.name.name), key.span)
                        .with_code("E0703")
                        .with_label("repeated")
                        .with_related(first.key.span, "first given here"),
                );
            } else {
                default = Some(entry);
            }
            continue;
        }
        if indicia_syntax::ast::is_reserved(&key.name) {
            diags.push(
                Diagnostic::error(format!("reserved word `{}` cannot name a decision", key.name), key.span)
                    .with_code("E0704")
                    .with_label("reserved word")
                    .with_help("name decisions with plain words, such as `deny`, `review` or `allow`"),
            );
            continue;
        }
        let index = rules.len();
        rules.push(Rule {
            decision: key.name.clone(),
            condition: one_line(sources.snippet(entry.value.span)),
            place: place(sources, key.span),
        });
        indicators.push(rule_indicator(index, key, &entry.value, entry.span));
    }
    let default_name = match default {
        None => {
            diags.push(
                Diagnostic::error(format!("policy `{}` has no `default` decision", block.name.name), block.name.span)
                    .with_code("E0705")
                    .with_label("no `default`")
                    .with_help("add `default: review`: it decides when a condition is left unknown or none holds"),
            );
            String::new()
        }
        Some(entry) => match &entry.value.kind {
            ExprKind::Name(name) => {
                let names: Vec<&str> = rules.iter().map(|r| r.decision.as_str()).collect();
                if !names.contains(&name.name.as_str())
                    && let Some(close) = suggest(&name.name, names.iter().copied())
                {
                    diags.push(
                        Diagnostic::error(
                            format!("the default decision `{}` is not a decision of the policy", name.name),
                            name.span,
                        )
                        .with_code("E0706")
                        .with_label(format!("did you mean `{close}`?"))
                        .with_help("a default that no rule names is allowed, but this one looks like a misspelling"),
                    );
                }
                name.name.clone()
            }
            _ => {
                diags.push(
                    Diagnostic::error("`default` takes a decision name", entry.value.span)
                        .with_code("E0707")
                        .with_label("not a name")
                        .with_help("write the decision as a bare word, such as `default: review`"),
                );
                String::new()
            }
        },
    };
    (PolicyInfo { name: block.name.name.clone(), default: default_name, rules }, indicators)
}

/// `indicator "00003" { title: "deny" category: decision severity: low when: any report where (C) }`.
fn rule_indicator(index: usize, key: &Ident, condition: &Expr, span: Span) -> ast::IndicatorDecl {
    let at = key.span;
    let entry = |name: &str, kind: ExprKind| Entry {
        key: Ident { name: name.to_string(), span: at },
        value: Expr { kind, span: at },
        span: at,
    };
    let name = |text: &str| ExprKind::Name(Ident { name: text.to_string(), span: at });
    let when = over_report(condition);
    ast::IndicatorDecl {
        id: StrLit { value: rule_id(index), span: at },
        entries: vec![
            entry("title", ExprKind::Literal(Literal::Str(key.name.clone()))),
            entry("category", name("decision")),
            entry("severity", name("low")),
            Entry { key: Ident { name: "when".to_string(), span: at }, value: when, span },
        ],
        span,
    }
}

/// The fields of the `report` fact, which a condition reads by bare name.
const REPORT_FIELDS: &[&str] = &["app_id", "platform", "app_name", "pack", "risk", "risk_upper"];

/// `condition` with each part that reads a report field by bare name put inside
/// `any report where (…)`. Only the parts are wrapped, not the whole condition, so that the
/// witness walk (which goes through `and`, `or` and parentheses, never into a quantifier's body)
/// still reaches the `result` quantifiers: their witnesses are the indicators behind a decision.
fn over_report(condition: &Expr) -> Expr {
    let kind = match &condition.kind {
        ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), lhs, rhs } => {
            ExprKind::Binary { op: *op, lhs: Box::new(over_report(lhs)), rhs: Box::new(over_report(rhs)) }
        }
        ExprKind::Not(inner) => ExprKind::Not(Box::new(over_report(inner))),
        ExprKind::Paren(inner) => ExprKind::Paren(Box::new(over_report(inner))),
        _ if reads_report(condition) => ExprKind::Quantifier {
            quantifier: Quantifier::Any,
            binder: None,
            kind: Ident { name: "report".to_string(), span: condition.span },
            body: Some(Box::new(condition.clone())),
        },
        other => other.clone(),
    };
    Expr { kind, span: condition.span }
}

/// True when `e` reads a report field by bare name outside any quantifier, or a name close to
/// one (wrapped too, so that an unknown name gets the report field as its "did you mean"; over
/// the one report fact the wrapping never changes a value).
fn reads_report(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(name) | ExprKind::Has { binder: None, field: name } => {
            REPORT_FIELDS.contains(&name.name.as_str()) || suggest(&name.name, REPORT_FIELDS.iter().copied()).is_some()
        }
        ExprKind::Binary { lhs, rhs, .. } => reads_report(lhs) || reads_report(rhs),
        ExprKind::Not(inner) | ExprKind::Paren(inner) => reads_report(inner),
        ExprKind::Pattern { lhs, .. } => reads_report(lhs),
        ExprKind::List(items) => items.iter().any(reads_report),
        _ => false,
    }
}

/// The spans of the parts [`over_report`] wraps, for [`reword`].
fn wrapped_spans(e: &Expr, out: &mut Vec<Span>) {
    match &e.kind {
        ExprKind::Quantifier { kind, body: Some(body), .. } if kind.name == "report" && kind.span == e.span => {
            out.push(body.span);
        }
        ExprKind::Binary { op: BinOp::And | BinOp::Or, lhs, rhs } => {
            wrapped_spans(lhs, out);
            wrapped_spans(rhs, out);
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) => wrapped_spans(inner, out),
        _ => {}
    }
}

/// Rewrites the checker's message about the hidden `any report where` (whose body is one of
/// the `conditions`) to speak of the condition.
pub fn reword(diagnostic: &mut Diagnostic, conditions: &[Span]) {
    if let Some(rest) = diagnostic.message.strip_prefix("a `where` body takes `bool`")
        && conditions.contains(&diagnostic.span)
    {
        let rest = rest.to_string();
        diagnostic.message = format!("a decision's condition takes `bool`{rest}");
    }
}

/// The source text of a condition on one line: runs of whitespace become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `FILE:LINE` of a span.
fn place(sources: &SourceMap, span: Span) -> String {
    match sources.get(span.file) {
        Some(file) => format!("{}:{}", file.name, file.line_col(span.start as usize).line),
        None => String::new(),
    }
}
