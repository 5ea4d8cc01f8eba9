//! The compiled steps of the once-per-app schedule: `and`/`or`/`not` over slot bytes, quantifiers
//! by reducing a vector's words, vector `and`/`or` word by word.

use indicia_syntax::ast::Quantifier;

use super::{Run, broadcast, mask};
use crate::compile::schedule::{self as plan, Step};
use crate::compile::value::B3;
use crate::hir::KindId;

impl Run<'_> {
    /// Runs one step of the once-per-app schedule.
    #[inline(always)]
    pub(super) fn step(&mut self, step: Step) {
        let p = self.p;
        match step {
            Step::Node(i) => {
                let Some(node) = p.nodes.get(i as usize) else { return };
                self.exec(i);
                if node.class == self.top_class {
                    let v = plan::slot_bits(self.bit(i, 0));
                    self.set_top(i, v);
                }
            }
            Step::Group(g) => {
                if let Some(group) = p.plan.groups.get(g as usize) {
                    self.group(g as usize, group);
                }
            }
            Step::TopAnd { node, start, end } => {
                let mut acc = 3u8;
                for &o in p.plan.operands.get(start as usize..end as usize).unwrap_or(&[]) {
                    acc &= self.tops.get(o as usize).copied().unwrap_or(2);
                }
                self.set_top(node, acc);
            }
            Step::TopOr { node, start, end } => {
                let mut acc = 0u8;
                for &o in p.plan.operands.get(start as usize..end as usize).unwrap_or(&[]) {
                    acc |= self.tops.get(o as usize).copied().unwrap_or(2);
                }
                self.set_top(node, acc);
            }
            Step::TopNot { node, src } => {
                let v = plan::slot_not(self.tops.get(src as usize).copied().unwrap_or(2));
                self.set_top(node, v);
            }
            Step::TopQuant { node, q, kind, body } => {
                let v = if self.is_observed(kind) {
                    let (base, nw) = self.class_loc(kind.0, body);
                    self.reduce_at(q, base, nw, self.lens.get(kind.index()).copied().unwrap_or(0))
                } else {
                    B3::U
                };
                self.set_top(node, plan::slot_bits(v));
            }
            Step::VecAnd { kind, slot, start, end, .. } => self.vec_logic(kind, slot, start, end, true),
            Step::VecOr { kind, slot, start, end, .. } => self.vec_logic(kind, slot, start, end, false),
        }
    }

    pub(super) fn set_top(&mut self, i: u32, v: u8) {
        if let Some(x) = self.tops.get_mut(i as usize) {
            *x = v;
        }
    }

    /// A vector `and` (`is_and`) or `or` of compiled operands, word by word.
    pub(super) fn vec_logic(&mut self, kind: KindId, slot: u32, start: u32, end: u32, is_and: bool) {
        let p = self.p;
        let n = self.lens.get(kind.index()).copied().unwrap_or(0);
        let (base, nw) = self.class_loc(kind.0, slot);
        let ops = p.plan.vec_operands.get(start as usize..end as usize).unwrap_or(&[]);
        let c = kind.index();
        let class_base = self.bases.get(c).copied().unwrap_or(0);
        for w in 0..nw {
            let (mut t, mut pp) = if is_and { (u64::MAX, u64::MAX) } else { (0, 0) };
            for o in ops {
                let (a, b) = match *o {
                    plan::VecOperand::Vector(j) => {
                        let bj = class_base + j as usize * 2 * nw;
                        (
                            self.planes.get(bj + w).copied().unwrap_or(0),
                            self.planes.get(bj + nw + w).copied().unwrap_or(0),
                        )
                    }
                    plan::VecOperand::Slot(s) => {
                        broadcast(plan::slot_b3(self.tops.get(s as usize).copied().unwrap_or(2)))
                    }
                };
                if is_and {
                    t &= a;
                    pp &= b;
                } else {
                    t |= a;
                    pp |= b;
                }
            }
            let m = mask(n, w);
            self.write(base, nw, w, t & m, pp & m);
        }
    }

    /// The value of once-per-app node `i` (computed earlier in this app).
    #[inline]
    pub(super) fn top(&self, i: u32) -> B3 {
        plan::slot_b3(self.tops.get(i as usize).copied().unwrap_or(2))
    }

    /// Where slot `slot` of storage class `c` starts, and its word count.
    #[inline]
    pub(super) fn class_loc(&self, c: u32, slot: u32) -> (usize, usize) {
        let c = c as usize;
        let w = self.words.get(c).copied().unwrap_or(0);
        (self.bases.get(c).copied().unwrap_or(0) + slot as usize * 2 * w, w)
    }

    /// A quantifier over the vector of node `b`, by reducing its words (no counting).
    pub(super) fn reduce(&self, q: Quantifier, b: u32) -> B3 {
        let (base, nw) = self.loc(b);
        self.reduce_at(q, base, nw, self.width(b))
    }

    /// A quantifier over the `n`-fact vector at `base`.
    pub(super) fn reduce_at(&self, q: Quantifier, base: usize, nw: usize, n: usize) -> B3 {
        let t = self.planes.get(base..base + nw).unwrap_or(&[]);
        let pp = self.planes.get(base + nw..base + 2 * nw).unwrap_or(&[]);
        match q {
            Quantifier::Any | Quantifier::None => {
                let any_t = t.iter().any(|x| *x != 0);
                let any_p = pp.iter().any(|x| *x != 0);
                let v = B3::from_bits(any_t, any_p);
                if q == Quantifier::None { v.negate() } else { v }
            }
            Quantifier::All => {
                if pp.iter().enumerate().any(|(w, x)| *x != mask(n, w)) {
                    B3::F
                } else if t.iter().enumerate().any(|(w, x)| *x != mask(n, w)) {
                    B3::U
                } else {
                    B3::T
                }
            }
        }
    }
}
