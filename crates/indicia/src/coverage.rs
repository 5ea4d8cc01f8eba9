//! Test coverage: which sub-conditions of each indicator the test fixtures made true, false and
//! unknown, and which they never reached (`indicia test --coverage`).
//!
//! A *condition* is every boolean sub-expression of an indicator's `when` and of the defines it
//! uses, except literals, params, `not` (its operand is the condition) and define references (the
//! define's own conditions are counted once, at the define). Inside a quantifier a condition is
//! evaluated once per fact (per pair of facts in a nested one); it was *made true* by a fixture
//! when it was true for at least one of them, and so on; it was *never reached* when no fixture
//! had a fact of the kinds it ranges over.
//!
//! Coverage is computed by the engine itself, not by a second interpreter: for a condition `c`
//! inside quantifiers over kinds `K1 … Kn`, three probe indicators are compiled,
//! `observed(K1) and any K1 where … (observed(Kn) and any Kn where c)` (fails when some instance
//! is true), the same over `not c` (some instance false) and over `not (c or not c)`
//! (inconclusive when some instance is unknown, never true). `observed` keeps a kind the evidence
//! does not report at all (where `any` is unknown) from counting as an unknown instance: the
//! condition was not reached there. The probe pack is compiled with each test's params and
//! scored on each test's fixture, so coverage agrees with the evaluator by construction.

use std::collections::BTreeMap;

use indicia_syntax::Span;
use indicia_syntax::ast::Quantifier;

use crate::engine::{Engine, EngineError};
use crate::hir::{self, Expr, ExprId, KindId, Pack, Test, Verdict};

/// What the fixtures made of one condition.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ConditionCoverage {
    /// The indicator id, or `define NAME`, the condition belongs to.
    pub owner: String,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
    /// Some fixture made it true (for some fact).
    pub made_true: bool,
    /// Some fixture made it false.
    pub made_false: bool,
    /// Some fixture left it unknown.
    pub made_unknown: bool,
}

impl ConditionCoverage {
    /// No fixture reached it.
    pub fn never_reached(&self) -> bool {
        !(self.made_true || self.made_false || self.made_unknown)
    }

    /// Made both true and false: the tests tell its two ways apart.
    pub fn covered(&self) -> bool {
        self.made_true && self.made_false
    }
}

/// Coverage of every condition of a pack, in pack order of their owners then source order.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// One entry per condition.
    pub conditions: Vec<ConditionCoverage>,
    /// The tests that could not run (their fixtures add nothing).
    pub skipped: Vec<String>,
}

/// A condition and the quantifier kinds around it (outermost first).
struct Probe {
    owner: String,
    cond: ExprId,
    context: Vec<KindId>,
}

/// Every condition of the pack's indicators and the defines they use.
fn conditions(pack: &Pack) -> Vec<Probe> {
    let mut out = Vec::new();
    let mut defines_seen = vec![false; pack.defines.len()];
    let mut roots: Vec<(String, ExprId)> = pack.indicators.iter().map(|i| (i.id.clone(), i.when)).collect();
    let mut next = 0;
    while let Some((owner, root)) = roots.get(next).cloned() {
        next += 1;
        // (expression, its quantifier context)
        let mut stack = vec![(root, Vec::new())];
        let mut found = Vec::new();
        while let Some((id, context)) = stack.pop() {
            let Some(expr) = pack.expr(id) else { continue };
            let counted =
                !matches!(expr, Expr::Lit(_) | Expr::Param(_) | Expr::Not(_) | Expr::Define(_) | Expr::Unknown)
                    && is_bool(pack, expr);
            if counted {
                found.push(Probe { owner: owner.clone(), cond: id, context: context.clone() });
            }
            match expr {
                Expr::Define(d) => {
                    if let (Some(seen), Some(define)) = (defines_seen.get_mut(d.index()), pack.defines.get(d.index()))
                        && !*seen
                    {
                        *seen = true;
                        roots.push((format!("define {}", define.name), define.body));
                    }
                }
                Expr::Quant { kind, body: Some(body), .. } | Expr::CountCmp { kind, body: Some(body), .. } => {
                    let mut inner = context.clone();
                    inner.push(*kind);
                    stack.push((*body, inner));
                    if let Expr::CountCmp { n, .. } = expr {
                        stack.push((*n, context.clone()));
                    }
                }
                other => stack.extend(other.children().into_iter().rev().map(|c| (c, context.clone()))),
            }
        }
        found.sort_by_key(|p| pack.expr_spans.get(p.cond.index()).map(|s| (s.start, std::cmp::Reverse(s.end))));
        out.extend(found);
    }
    out
}

fn is_bool(pack: &Pack, expr: &Expr) -> bool {
    match expr {
        Expr::Field { kind, field, .. } => {
            pack.schema.kind(*kind).and_then(|k| k.field(*field)).is_some_and(|f| f.ty == hir::Type::BOOL)
        }
        Expr::Lit(_) | Expr::Param(_) | Expr::Define(_) => false,
        _ => true,
    }
}

/// The pack with its indicators replaced by three probes per condition (see the module docs).
fn probe_pack(pack: &Pack, probes: &[Probe]) -> Pack {
    let mut out = pack.clone();
    let template = pack.indicators.first().cloned();
    out.indicators.clear();
    out.tests.clear();
    let Some(template) = template else { return out };
    let push = |out: &mut Pack, expr: Expr, span: Span| {
        let id = ExprId(u32::try_from(out.exprs.len()).unwrap_or(u32::MAX));
        out.exprs.push(expr);
        out.expr_spans.push(span);
        id
    };
    for (n, probe) in probes.iter().enumerate() {
        let span = pack.expr_spans.get(probe.cond.index()).copied().unwrap_or_default();
        let not_c = push(&mut out, Expr::Not(probe.cond), span);
        let known = push(&mut out, Expr::Or(probe.cond, not_c), span);
        let unknown = push(&mut out, Expr::Not(known), span);
        for (suffix, body) in [("t", probe.cond), ("f", not_c), ("u", unknown)] {
            let mut when = body;
            for kind in probe.context.iter().rev() {
                let any =
                    push(&mut out, Expr::Quant { quantifier: Quantifier::Any, kind: *kind, body: Some(when) }, span);
                let observed = push(&mut out, Expr::Observed(*kind), span);
                when = push(&mut out, Expr::And(observed, any), span);
            }
            out.indicators.push(hir::Indicator {
                id: format!("probe-{n:08}-{suffix}"),
                when,
                weight: hir::Weight { units: 1, scale: 0 },
                ..template.clone()
            });
        }
    }
    out
}

/// Runs every test's fixture through the probes of `engine`'s pack and gathers what each
/// condition was made.
pub fn coverage(engine: &Engine) -> Result<Coverage, EngineError> {
    coverage_of(engine, &engine.pack().tests.iter().collect::<Vec<_>>())
}

/// [`coverage`] over some of the pack's tests only (one test: what its fixture made of each
/// condition, which explains its verdicts).
pub fn coverage_of(engine: &Engine, tests: &[&Test]) -> Result<Coverage, EngineError> {
    let pack = engine.pack();
    let probes = conditions(pack);
    let mut result = Coverage {
        conditions: probes
            .iter()
            .map(|p| ConditionCoverage {
                owner: p.owner.clone(),
                span: pack.expr_spans.get(p.cond.index()).copied().unwrap_or_default(),
                made_true: false,
                made_false: false,
                made_unknown: false,
            })
            .collect(),
        skipped: Vec::new(),
    };
    if probes.is_empty() {
        return Ok(result);
    }
    let probing = engine.with_pack(probe_pack(pack, &probes))?;
    for test in tests {
        match probe_test(&probing, test) {
            Ok(verdicts) => {
                for (n, c) in result.conditions.iter_mut().enumerate() {
                    let at = |suffix: &str| verdicts.get(&format!("probe-{n:08}-{suffix}")).copied();
                    c.made_true |= at("t") == Some(Verdict::Fail);
                    c.made_false |= at("f") == Some(Verdict::Fail);
                    c.made_unknown |= at("u") == Some(Verdict::Inconclusive);
                }
            }
            Err(reason) => result.skipped.push(format!("test {:?}: {reason}", test.name)),
        }
    }
    Ok(result)
}

fn probe_test(probing: &Engine, test: &Test) -> Result<BTreeMap<String, Verdict>, String> {
    let report = crate::testing::score_fixture(probing, test)?;
    Ok(report.indicators.iter().map(|i| (i.id.to_string(), i.verdict)).collect())
}
