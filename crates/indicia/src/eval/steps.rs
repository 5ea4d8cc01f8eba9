//! The compiled steps of the once-per-app schedule: `and`/`or`/`not` over slot bytes, quantifiers
//! by reducing a vector's words, vector `and`/`or` word by word.

use indicia_syntax::ast::Quantifier;

use super::{ClassLoc, Run, and_or_word};
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
            Step::TopAnd2 { node, a, b } => {
                let v = self.tops[a as usize] & self.tops[b as usize];
                self.set_top(node, v);
            }
            Step::TopAnd4 { node, ops: [a, b, c, d] } => {
                let v = self.tops[a as usize] & self.tops[b as usize] & self.tops[c as usize] & self.tops[d as usize];
                self.set_top(node, v);
            }
            Step::TopOr4 { node, ops: [a, b, c, d] } => {
                let v = self.tops[a as usize] | self.tops[b as usize] | self.tops[c as usize] | self.tops[d as usize];
                self.set_top(node, v);
            }
            Step::TopOr2 { node, a, b } => {
                let v = self.tops[a as usize] | self.tops[b as usize];
                self.set_top(node, v);
            }
            Step::TopNot { node, src } => {
                let v = plan::slot_not(self.tops[src as usize]);
                self.set_top(node, v);
            }
            Step::TopQuant { node, q, kind, body, and_observed } => {
                let c = self.classes[kind.index()];
                if c.observed {
                    let v = self.quant_slot(q, c.plane(body), c.words, c.tail);
                    self.set_top(and_observed, v);
                    self.set_top(node, v);
                } else {
                    self.set_unobserved(node, and_observed);
                }
            }
            Step::Quants { kind, start, end } => {
                let c = self.classes[kind.index()];
                let quants = &p.plan.quants[start as usize..end as usize];
                if c.observed {
                    for q in quants {
                        let v = self.quant_slot(q.q, c.plane(q.body), c.words, c.tail);
                        self.set_top(q.and_observed, v);
                        self.set_top(q.node, v);
                    }
                } else {
                    for q in quants {
                        self.set_unobserved(q.node, q.and_observed);
                    }
                }
            }
            Step::VecAnd { kind, slot, start, end, .. } => self.vec_logic::<true>(kind, slot, start, end),
            Step::VecOr { kind, slot, start, end, .. } => self.vec_logic::<false>(kind, slot, start, end),
        }
    }

    pub(super) fn set_top(&mut self, i: u32, v: u8) {
        self.tops[i as usize] = v;
    }

    /// A quantifier `node` over a kind that was not observed: unknown, and `observed(K) and node`
    /// (`and_observed`, unless it is `node` itself) false.
    fn set_unobserved(&mut self, node: u32, and_observed: u32) {
        self.set_top(and_observed, plan::slot_bits(B3::F));
        self.set_top(node, plan::slot_bits(B3::U));
    }

    /// A vector `and` (`IS_AND`) or `or` of compiled operands: over one or two words of facts
    /// (up to 128 facts, the usual app) into a fixed-size array, else word by word.
    pub(super) fn vec_logic<const IS_AND: bool>(&mut self, kind: KindId, slot: u32, start: u32, end: u32) {
        let class = self.classes[kind.index()];
        match class.words {
            1 => self.vec_logic_fixed::<IS_AND, 2>(class, slot, start, end),
            2 => self.vec_logic_fixed::<IS_AND, 4>(class, slot, start, end),
            _ => self.vec_logic_words::<IS_AND>(class, slot, start, end),
        }
    }

    /// [`Run::vec_logic`] over a class of `N / 2` words: a vector's two planes are contiguous and
    /// each is combined on its own, so each vector operand is `N` words combined into one array;
    /// the slot operands are combined as one byte and applied once, then the last word of each
    /// plane is masked to the class's facts.
    #[inline(always)]
    fn vec_logic_fixed<const IS_AND: bool, const N: usize>(
        &mut self,
        class: ClassLoc,
        slot: u32,
        start: u32,
        end: u32,
    ) {
        let ops = &self.p.plan.vec_operands[start as usize..end as usize];
        let op = |a: u64, b: u64| if IS_AND { a & b } else { a | b };
        let mut acc = [if IS_AND { u64::MAX } else { 0 }; N];
        let identity = plan::slot_bits(if IS_AND { B3::T } else { B3::F });
        let mut slots = identity;
        for o in ops {
            match *o {
                plan::VecOperand::Slot(s) => {
                    let x = self.tops[s as usize];
                    slots = if IS_AND { slots & x } else { slots | x };
                }
                plan::VecOperand::Vector(j) => {
                    let at = class.plane(j);
                    for (a, b) in acc.iter_mut().zip(&self.planes[at..at + N]) {
                        *a = op(*a, *b);
                    }
                }
            }
        }
        let half = N / 2;
        if slots != identity {
            let (st, sp) = plan::slot_words(slots);
            let (t, pp) = acc.split_at_mut(half);
            t.iter_mut().for_each(|x| *x = op(*x, st));
            pp.iter_mut().for_each(|x| *x = op(*x, sp));
        }
        acc[half - 1] &= class.tail;
        acc[N - 1] &= class.tail;
        let dst = class.plane(slot);
        self.planes[dst..dst + N].copy_from_slice(&acc);
    }

    /// [`Run::vec_logic`] word by word, for any number of words.
    fn vec_logic_words<const IS_AND: bool>(&mut self, class: ClassLoc, slot: u32, start: u32, end: u32) {
        let p = self.p;
        let nw = class.words;
        let dst = class.plane(slot);
        let ops = &p.plan.vec_operands[start as usize..end as usize];
        for w in 0..nw {
            let (t, pp) = and_or_word(
                IS_AND,
                ops.iter().map(|o| match *o {
                    plan::VecOperand::Vector(j) => {
                        let at = class.plane(j) + w;
                        (self.planes[at], self.planes[at + nw])
                    }
                    plan::VecOperand::Slot(s) => plan::slot_words(self.tops[s as usize]),
                }),
            );
            let m = class.word_mask(w);
            self.write(dst, nw, w, t & m, pp & m);
        }
    }

    /// The value of once-per-app node `i` (computed earlier in this app).
    #[inline]
    pub(super) fn top(&self, i: u32) -> B3 {
        plan::slot_b3(self.tops[i as usize])
    }

    /// A quantifier over the vector of node `b`, by reducing its words (no counting).
    pub(super) fn reduce(&self, q: Quantifier, b: u32) -> B3 {
        let (base, nw) = self.loc(b);
        self.reduce_at(q, base, nw, self.width(b))
    }

    /// A quantifier over the `n`-fact vector at `base`.
    pub(super) fn reduce_at(&self, q: Quantifier, base: usize, nw: usize, n: usize) -> B3 {
        plan::slot_b3(self.quant_slot(q, base, nw, super::mask(n, nw.saturating_sub(1))))
    }

    /// [`Run::reduce_at`] as a slot byte: one pass over the vector's two planes (`nw` words each,
    /// the last one's facts `tail`).
    #[inline]
    pub(super) fn quant_slot(&self, q: Quantifier, base: usize, nw: usize, tail: u64) -> u8 {
        quant_planes(q, &self.planes[base..base + 2 * nw], nw, tail)
    }
}

/// A quantifier over a vector given as its two planes (`nw` words each, the last word's facts
/// `tail`), as a slot byte.
#[inline(always)]
fn quant_planes(q: Quantifier, v: &[u64], nw: usize, tail: u64) -> u8 {
    let (t, pp) = v.split_at(nw);
    match q {
        Quantifier::Any | Quantifier::None => {
            let (mut any_t, mut any_p) = (0u64, 0u64);
            for (a, b) in t.iter().zip(pp) {
                any_t |= a;
                any_p |= b;
            }
            let v = u8::from(any_t != 0) | (u8::from(any_t | any_p != 0) << 1);
            if q == Quantifier::None { plan::slot_not(v) } else { v }
        }
        Quantifier::All => {
            // Every fact's bit set in both planes: all words full, the last one `tail`.
            let (mut all_t, mut all_p) = (true, true);
            if let (Some((lt, t)), Some((lp, pp))) = (t.split_last(), pp.split_last()) {
                all_t = *lt == tail && t.iter().all(|x| *x == u64::MAX);
                all_p = *lp == tail && pp.iter().all(|x| *x == u64::MAX);
            }
            plan::slot_bits(if !all_p {
                B3::F
            } else if !all_t {
                B3::U
            } else {
                B3::T
            })
        }
    }
}
