//! Explanations in the report: the evaluators' [`Explanation`] with kinds, fields and `unknown`
//! operands named (docs/report.md, "explanation").

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::WitnessRef;
use crate::hir::{Expr, ExprId, Pack};
use crate::outcome::{Explanation, Witness};

/// Why an indicator did not fail, in the report (`indicators[].explanation`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExplanationReport {
    /// Kinds that were not observed.
    pub unobserved: Vec<Arc<str>>,
    /// Optional fields missing where a predicate reading them was unknown.
    pub missing: Vec<MissingRef>,
    /// The `unknown` operands reached.
    pub unknowns: Vec<UnknownSite>,
    /// Facts for which the body of an unknown quantifier or count was unknown.
    pub undecided: Vec<WitnessRef>,
    /// Facts that make a failure possible.
    pub supporting: Vec<WitnessRef>,
    /// Kinds whose quantifiers and counts decided a part of the condition.
    pub decided: Vec<Arc<str>>,
}

/// A missing optional field of one fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MissingRef {
    /// The fact's kind.
    pub kind: Arc<str>,
    /// The fact's index among the facts of its kind.
    pub index: u32,
    /// The field's name.
    pub field: Arc<str>,
}

/// An `unknown` operand of the pack: where it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnknownSite {
    /// `define` or `indicator`: the declaration it is written in.
    pub owner: Arc<str>,
    /// The define's name or the indicator's id.
    pub name: Arc<str>,
    /// The file, relative to the pack.
    pub file: Arc<str>,
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

/// What the report needs to name an explanation's parts: kind and field names, and where each
/// `unknown` of the pack is written.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    kinds: Vec<Arc<str>>,
    fields: Vec<Vec<Arc<str>>>,
    unknowns: HashMap<ExprId, UnknownSite>,
}

impl Names {
    pub(crate) fn new(pack: &Pack) -> Names {
        let kinds = pack.schema.kinds.iter().map(|k| Arc::from(k.name.as_str())).collect();
        let fields =
            pack.schema.kinds.iter().map(|k| k.fields.iter().map(|f| Arc::from(f.name.as_str())).collect()).collect();
        let mut unknowns = HashMap::new();
        let owners = pack
            .defines
            .iter()
            .map(|d| ("define", d.name.as_str(), d.body))
            .chain(pack.indicators.iter().map(|i| ("indicator", i.id.as_str(), i.when)));
        for (owner, name, root) in owners {
            let mut stack = vec![root];
            let mut steps = 0usize;
            while let Some(id) = stack.pop() {
                steps += 1;
                if steps > pack.exprs.len().saturating_add(1) {
                    break;
                }
                let Some(e) = pack.expr(id) else { continue };
                if matches!(e, Expr::Unknown) {
                    let span = pack.expr_spans.get(id.index());
                    let file = span.and_then(|s| pack.sources.get(s.file));
                    let (line, column) = match (span, file) {
                        (Some(s), Some(f)) => {
                            let lc = f.line_col(s.start as usize);
                            (lc.line, lc.column)
                        }
                        _ => (0, 0),
                    };
                    let site = UnknownSite {
                        owner: Arc::from(owner),
                        name: Arc::from(name),
                        file: Arc::from(file.map_or("", |f| f.name.as_str())),
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                        column: u32::try_from(column).unwrap_or(u32::MAX),
                    };
                    unknowns.entry(id).or_insert(site);
                }
                stack.extend(e.children());
            }
        }
        Names { kinds, fields, unknowns }
    }

    fn kind(&self, k: crate::hir::KindId) -> Arc<str> {
        self.kinds.get(k.index()).cloned().unwrap_or_else(|| Arc::from(""))
    }

    fn facts(&self, facts: &[Witness]) -> Vec<WitnessRef> {
        let mut out: Vec<WitnessRef> =
            facts.iter().map(|w| WitnessRef { kind: self.kind(w.kind), index: w.index }).collect();
        out.sort();
        out
    }

    /// The explanation with every part named, each list sorted by name.
    pub(crate) fn report(&self, e: &Explanation) -> ExplanationReport {
        let mut unobserved: Vec<Arc<str>> = e.unobserved.iter().map(|k| self.kind(*k)).collect();
        unobserved.sort();
        let mut decided: Vec<Arc<str>> = e.decided.iter().map(|k| self.kind(*k)).collect();
        decided.sort();
        let mut missing: Vec<MissingRef> = e
            .missing
            .iter()
            .map(|m| MissingRef {
                kind: self.kind(m.kind),
                index: m.index,
                field: self
                    .fields
                    .get(m.kind.index())
                    .and_then(|f| f.get(m.field.index()))
                    .cloned()
                    .unwrap_or_else(|| Arc::from("")),
            })
            .collect();
        missing.sort();
        let mut unknowns: Vec<UnknownSite> =
            e.unknowns.iter().filter_map(|id| self.unknowns.get(id).cloned()).collect();
        unknowns.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        unknowns.dedup();
        ExplanationReport {
            unobserved,
            missing,
            unknowns,
            undecided: self.facts(&e.undecided),
            supporting: self.facts(&e.supporting),
            decided,
        }
    }
}
