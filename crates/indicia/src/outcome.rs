//! What evaluation produces for one app: a verdict and witnesses per indicator.
//!
//! Both evaluators (the compiled program in `eval` and the tree-walker in `reference`) return
//! [`Outcomes`]; `score` turns them into a report.

use crate::hir::{KindId, Verdict};

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
}

/// The outcome of every indicator of a pack, in the order of `Pack::indicators`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// One outcome per indicator.
    pub indicators: Vec<Outcome>,
}
