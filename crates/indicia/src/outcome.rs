//! What evaluation produces for one app: a verdict and witnesses per indicator.
//!
//! Both evaluators (the compiled program in `eval` and the tree-walker in `reference`) return
//! [`Outcomes`]; `report` turns them into a report. Asked for, they also explain each verdict that
//! is not a failure ([`Explanation`]).

use std::collections::BTreeSet;

use crate::hir::{ExprId, FieldId, KindId, Verdict};

/// A fact that made an indicator fail: its kind and its index in the evidence's array of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Witness {
    /// The fact's kind.
    pub kind: KindId,
    /// The fact's index among the facts of its kind, in evidence order.
    pub index: u32,
}

/// The verdict on one indicator and, when it failed, its witnesses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Fail, pass or inconclusive.
    pub verdict: Verdict,
    /// The witnesses (empty unless the verdict is `Fail`), sorted by kind id then index, without
    /// repeats.
    pub witnesses: Vec<Witness>,
    /// Why it did not fail, when explanations were asked for and it did not.
    pub explanation: Option<Box<Explanation>>,
}

/// The outcome of every indicator of a pack, in the order of `Pack::indicators`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// One outcome per indicator.
    pub indicators: Vec<Outcome>,
}

/// Why an indicator did not fail (docs/language.md, "Why inconclusive"): for an inconclusive
/// indicator, what keeps it from a verdict; for a passed one, the kinds that decided it. Every
/// list is sorted, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// Kinds that were not observed: an unknown quantifier or count ranges over them, or a false
    /// `observed(K)` decided part of the condition.
    pub unobserved: Vec<KindId>,
    /// Optional fields that were missing where a predicate reading them was unknown.
    pub missing: Vec<MissingField>,
    /// The `unknown` operands reached, as expressions of the pack.
    pub unknowns: Vec<ExprId>,
    /// Facts for which the body of an unknown quantifier or count was unknown.
    pub undecided: Vec<Witness>,
    /// Facts that make a failure possible: the witnesses of the true operands of unknown `and`s
    /// on the condition's positive side.
    pub supporting: Vec<Witness>,
    /// Kinds of the quantifiers and counts that decided a true or false part of the condition.
    pub decided: Vec<KindId>,
}

/// An optional field that was missing (or null) in one fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MissingField {
    /// The fact's kind.
    pub kind: KindId,
    /// The fact's index among the facts of its kind.
    pub index: u32,
    /// The field.
    pub field: FieldId,
}

/// An explanation being collected: its parts as sets, which [`finish`](ExplanationSets::finish)
/// turns into the sorted lists of an [`Explanation`]. The compiled evaluator's explanation walks
/// collect into one, and so does the reference interpreter of `indicia-testkit`.
#[derive(Debug, Default)]
pub struct ExplanationSets {
    /// See [`Explanation::unobserved`].
    pub unobserved: BTreeSet<KindId>,
    /// See [`Explanation::missing`].
    pub missing: BTreeSet<MissingField>,
    /// See [`Explanation::unknowns`].
    pub unknowns: BTreeSet<ExprId>,
    /// See [`Explanation::undecided`].
    pub undecided: BTreeSet<Witness>,
    /// See [`Explanation::supporting`].
    pub supporting: BTreeSet<Witness>,
    /// See [`Explanation::decided`].
    pub decided: BTreeSet<KindId>,
}

impl ExplanationSets {
    /// The explanation, every list sorted.
    pub fn finish(self) -> Explanation {
        Explanation {
            unobserved: self.unobserved.into_iter().collect(),
            missing: self.missing.into_iter().collect(),
            unknowns: self.unknowns.into_iter().collect(),
            undecided: self.undecided.into_iter().collect(),
            supporting: self.supporting.into_iter().collect(),
            decided: self.decided.into_iter().collect(),
        }
    }
}
