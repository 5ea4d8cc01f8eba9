//! The compiled steps of the once-per-app schedule: `and`/`or`/`not` over slot bytes, quantifiers
//! by reducing a vector's words, vector `and`/`or` word by word.

use indicia_syntax::ast::Quantifier;

use super::{Run, and_or_word, broadcast, mask};
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
                self.exec(i);
                if p.layout.nodes[i as usize].class == self.top_class {
                    let v = plan::slot_bits(self.bit(i, 0));
                    self.set_top(i, v);
                }
            }
            Step::Group(g) => self.group(g as usize, &p.plan.groups[g as usize]),
            Step::TopAnd { node, start, end } => {
                let mut acc = 3u8;
                for &o in &p.plan.operands[start as usize..end as usize] {
                    acc &= self.tops[o as usize];
                }
                self.set_top(node, acc);
            }
            Step::TopOr { node, start, end } => {
                let mut acc = 0u8;
                for &o in &p.plan.operands[start as usize..end as usize] {
                    acc |= self.tops[o as usize];
                }
                self.set_top(node, acc);
            }
            Step::TopNot { node, src } => {
                let v = plan::slot_not(self.tops[src as usize]);
                self.set_top(node, v);
            }
            Step::TopQuant { node, q, kind, body } => {
                let v = if self.is_observed(kind) {
                    let (base, nw) = self.class_loc(kind.0, body);
                    self.reduce_at(q, base, nw, self.lens[kind.index()])
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
        self.tops[i as usize] = v;
    }

    /// A vector `and` (`is_and`) or `or` of compiled operands, word by word.
    pub(super) fn vec_logic(&mut self, kind: KindId, slot: u32, start: u32, end: u32, is_and: bool) {
        let p = self.p;
        let n = self.lens[kind.index()];
        let (base, nw) = self.class_loc(kind.0, slot);
        let ops = &p.plan.vec_operands[start as usize..end as usize];
        let class_base = self.bases[kind.index()];
        for w in 0..nw {
            let (t, pp) = and_or_word(
                is_and,
                ops.iter().map(|o| match *o {
                    plan::VecOperand::Vector(j) => {
                        let bj = class_base + j as usize * 2 * nw;
                        (self.planes[bj + w], self.planes[bj + nw + w])
                    }
                    plan::VecOperand::Slot(s) => broadcast(plan::slot_b3(self.tops[s as usize])),
                }),
            );
            let m = mask(n, w);
            self.write(base, nw, w, t & m, pp & m);
        }
    }

    /// The value of once-per-app node `i` (computed earlier in this app).
    #[inline]
    pub(super) fn top(&self, i: u32) -> B3 {
        plan::slot_b3(self.tops[i as usize])
    }

    /// Where slot `slot` of storage class `c` starts, and its word count.
    #[inline]
    pub(super) fn class_loc(&self, c: u32, slot: u32) -> (usize, usize) {
        let c = c as usize;
        let w = self.words[c];
        (self.bases[c] + slot as usize * 2 * w, w)
    }

    /// A quantifier over the vector of node `b`, by reducing its words (no counting).
    pub(super) fn reduce(&self, q: Quantifier, b: u32) -> B3 {
        let (base, nw) = self.loc(b);
        self.reduce_at(q, base, nw, self.width(b))
    }

    /// A quantifier over the `n`-fact vector at `base`.
    pub(super) fn reduce_at(&self, q: Quantifier, base: usize, nw: usize, n: usize) -> B3 {
        let t = &self.planes[base..base + nw];
        let pp = &self.planes[base + nw..base + 2 * nw];
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
