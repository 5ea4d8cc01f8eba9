//! Explanations of verdicts that are not failures (docs/language.md, "Why inconclusive"): a walk
//! over the already computed nodes. For an inconclusive indicator it follows the unknown nodes
//! from the root (the *unknown walk*); at an unknown `and` it also follows the true operands with
//! the *decision walk*, which, from the root of a passed indicator, is also its reason.
//!
//! Nothing here runs unless an explanation is asked for ([`super::evaluate_explained`]).

use std::collections::HashSet;

use super::witness::WitnessBufs;
use super::{Run, Val};
use crate::compile::value::{B3, ConstVal, Scalar};
use crate::compile::{Body, Op, Operand, Program};
use crate::hir::CmpOp;
use crate::outcome::{Explanation, ExplanationSets, MissingField, Witness};

/// The walks' state: what was found, and the nodes already visited.
#[derive(Default)]
struct Walk {
    sets: ExplanationSets,
    /// `(node, fact or none, positive)` visited by the unknown walk.
    unknown_seen: HashSet<(u32, Option<usize>, bool)>,
    /// `(node, fact or none)` visited by the decision walk.
    decision_seen: HashSet<(u32, Option<usize>)>,
}

impl Run<'_> {
    /// The explanation of the indicator whose root is `root` and whose condition is `value`
    /// (unknown: why inconclusive; false: why it passed).
    pub(super) fn explain(&mut self, w: &mut WitnessBufs<'_>, root: &Operand, value: B3) -> Explanation {
        let mut walk = Walk::default();
        match value {
            B3::U => self.unknown_operand(w, &mut walk, root, None, true),
            B3::F => self.decision_operand(&mut walk, root, None),
            B3::T => {}
        }
        walk.sets.finish()
    }

    /// A boolean operand's value at fact `at` of the reader's region (`None`: once per app);
    /// `None` for a known value that is not a boolean.
    fn b3_at(&self, o: &Operand, at: Option<usize>) -> Option<B3> {
        match self.val(o, at.unwrap_or(0)) {
            Val::Unk => Some(B3::U),
            Val::S(Scalar::Bool(b)) => Some(B3::from_bool(b)),
            _ => None,
        }
    }

    fn node_at(&self, n: u32, at: Option<usize>) -> B3 {
        match at {
            None => self.top(n),
            Some(i) => self.bit(n, i),
        }
    }

    /// The unknown walk from the unknown operand `o`.
    fn unknown_operand(&mut self, w: &mut WitnessBufs<'_>, walk: &mut Walk, o: &Operand, at: Option<usize>, pos: bool) {
        match o {
            Operand::Column { kind, field } => {
                if let Some(i) = at {
                    let index = u32::try_from(i).unwrap_or(u32::MAX);
                    walk.sets.missing.insert(MissingField { kind: *kind, index, field: *field });
                }
            }
            Operand::Const(c) => {
                if let Some(site) = self.p.unknown_site(*c) {
                    walk.sets.unknowns.insert(site);
                }
            }
            Operand::Top(n) => self.unknown_node(w, walk, *n, None, pos),
            Operand::Vector(n) => self.unknown_node(w, walk, *n, at, pos),
            Operand::Observed(_) | Operand::Outer { .. } | Operand::At(..) => {}
        }
    }

    /// The unknown walk at node `n` (at fact `at` of its region).
    fn unknown_node(&mut self, w: &mut WitnessBufs<'_>, walk: &mut Walk, n: u32, at: Option<usize>, pos: bool) {
        if self.node_at(n, at) != B3::U || !walk.unknown_seen.insert((n, at, pos)) {
            return;
        }
        let p = self.p;
        let node = &p.layout.nodes[n as usize];
        match &node.op {
            Op::And(s, e) => {
                for o in operands_of(p, *s, *e) {
                    match self.b3_at(o, at) {
                        Some(B3::U) => self.unknown_operand(w, walk, o, at, pos),
                        Some(B3::T) => {
                            if pos && at.is_none() {
                                let mut facts = Vec::new();
                                self.witnesses(w, o, &mut facts);
                                walk.sets.supporting.extend(facts);
                            }
                            self.decision_operand(walk, o, at);
                        }
                        _ => {}
                    }
                }
            }
            Op::Or(s, e) => {
                for o in operands_of(p, *s, *e) {
                    if self.b3_at(o, at) == Some(B3::U) {
                        self.unknown_operand(w, walk, o, at, pos);
                    }
                }
            }
            Op::Not(o) => self.unknown_operand(w, walk, o, at, false),
            Op::Truthy(o) => self.unknown_operand(w, walk, o, at, pos),
            Op::Cmp { l, r, .. } | Op::Intersects { l, r } | Op::In { elem: l, list: r } => {
                for o in [l, r] {
                    if self.b3_at(o, at) == Some(B3::U) {
                        self.unknown_operand(w, walk, o, at, false);
                    }
                }
            }
            Op::Match { subject, .. } => self.unknown_operand(w, walk, subject, at, false),
            Op::Has(..) => {}
            Op::Quant { kind, body, .. } | Op::Count { kind, body, .. } => {
                if !self.is_observed(*kind) {
                    walk.sets.unobserved.insert(*kind);
                    return;
                }
                // A quantifier inside a body reads the enclosing fact (otherwise it would have
                // been hoisted out): the walk does not enter it.
                if at.is_some() {
                    return;
                }
                let facts = self.classes[kind.index()].len;
                for i in 0..facts {
                    let fact = Witness { kind: *kind, index: u32::try_from(i).unwrap_or(u32::MAX) };
                    match body {
                        Body::Vector(b) => {
                            if self.bit(*b, i) == B3::U {
                                walk.sets.undecided.insert(fact);
                                self.unknown_node(w, walk, *b, Some(i), false);
                            }
                        }
                        Body::Scalar(o) => {
                            if self.b3_at(o, Some(i)) == Some(B3::U) {
                                walk.sets.undecided.insert(fact);
                                self.unknown_operand(w, walk, o, Some(i), false);
                            }
                        }
                        Body::All | Body::Nested { .. } => {}
                    }
                }
            }
        }
    }

    /// The decision walk from the operand `o`, whose value at `at` is true or false.
    fn decision_operand(&self, walk: &mut Walk, o: &Operand, at: Option<usize>) {
        match o {
            Operand::Observed(k) if !self.is_observed(*k) => {
                walk.sets.unobserved.insert(*k);
            }
            Operand::Top(n) => self.decision_node(walk, *n, None),
            Operand::Vector(n) => self.decision_node(walk, *n, at),
            _ => {}
        }
    }

    fn decision_node(&self, walk: &mut Walk, n: u32, at: Option<usize>) {
        let value = self.node_at(n, at);
        if value == B3::U || !walk.decision_seen.insert((n, at)) {
            return;
        }
        let p = self.p;
        let node = &p.layout.nodes[n as usize];
        match &node.op {
            // A true `and` and a false `or` are decided by every operand; a false `and` by its
            // false operands, a true `or` by its true ones.
            Op::And(s, e) | Op::Or(s, e) => {
                let all = (value == B3::T) == matches!(node.op, Op::And(..));
                let operands = operands_of(p, *s, *e);
                // Decided whatever the evidence: by nothing.
                if !all && operands.iter().any(|o| self.constant(o, 0) == Some(value)) {
                    return;
                }
                for o in operands {
                    if all || self.b3_at(o, at) == Some(value) {
                        self.decision_operand(walk, o, at);
                    }
                }
            }
            Op::Not(o) | Op::Truthy(o) => self.decision_operand(walk, o, at),
            Op::Quant { kind, .. } | Op::Count { kind, .. } => {
                walk.sets.decided.insert(*kind);
            }
            _ => {}
        }
    }
}

impl Run<'_> {
    /// The value of `o` when it does not depend on the evidence: a constant, and `not`, `and`
    /// and `or` of constants, where `false and …` and `true or …` are constants (the compiler
    /// keeps some `true or …` nodes for their witnesses).
    fn constant(&self, o: &Operand, depth: usize) -> Option<B3> {
        let n = match o {
            Operand::Const(c) => {
                return match &self.p.layout.consts[*c as usize] {
                    ConstVal::Bool(b) if self.p.unknown_site(*c).is_none() => Some(*b),
                    _ => None,
                };
            }
            Operand::Top(n) | Operand::Vector(n) if depth < 256 => *n,
            _ => return None,
        };
        match &self.p.layout.nodes[n as usize].op {
            Op::Not(x) => self.constant(x, depth + 1).map(B3::negate),
            Op::Truthy(x) => self.constant(x, depth + 1),
            Op::Cmp { op, l, r } => {
                let (a, b) = (self.constant(l, depth + 1)?, self.constant(r, depth + 1)?);
                if a == B3::U || b == B3::U {
                    return Some(B3::U);
                }
                match op {
                    CmpOp::Eq => Some(B3::from_bool(a == b)),
                    CmpOp::Ne => Some(B3::from_bool(a != b)),
                    _ => None,
                }
            }
            Op::In { elem, list: Operand::Const(c) } => {
                let x = self.constant(elem, depth + 1)?;
                let ConstVal::List(items) = &self.p.layout.consts[*c as usize] else { return None };
                match x {
                    B3::U => Some(B3::U),
                    b => Some(B3::from_bool(items.contains(&Scalar::Bool(b == B3::T)))),
                }
            }
            Op::And(s, e) | Op::Or(s, e) => {
                let absorbing = if matches!(self.p.layout.nodes[n as usize].op, Op::And(..)) { B3::F } else { B3::T };
                let values: Vec<Option<B3>> =
                    operands_of(self.p, *s, *e).iter().map(|x| self.constant(x, depth + 1)).collect();
                if values.contains(&Some(absorbing)) {
                    Some(absorbing)
                } else if values.iter().all(Option::is_some) {
                    Some(absorbing.negate())
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

/// The operands of an `and`/`or` node.
fn operands_of(p: &Program, start: u32, end: u32) -> &[Operand] {
    &p.layout.operands[start as usize..end as usize]
}
