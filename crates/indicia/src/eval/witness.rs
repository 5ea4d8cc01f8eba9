//! Witnesses of failed indicators: a walk over the already computed nodes that follows only the
//! paths able to reach an `any` or a lower-bounded `count`.
//!
//! The walk collects the contributing quantifiers (their kind and where their body's "certainly
//! true" plane starts); the witnesses are then read straight from those planes, kind by kind in
//! kind order, the words of one kind's quantifiers or-ed together, so that they come sorted by
//! (kind, fact index) without repeats.

use super::{Run, mask};
use crate::compile::schedule as plan;
use crate::compile::value::B3;
use crate::compile::{Body, Operand};
use crate::hir::KindId;
use crate::outcome::Witness;

/// A contributing quantifier whose body is every fact of its kind (no plane to read).
const EVERY_FACT: usize = usize::MAX;

impl Run<'_> {
    /// The witnesses of a failed indicator: walk true `and`/`or` nodes from the root; a true
    /// `any` or `count > n`/`count >= n` contributes the facts its body is true for.
    pub(super) fn witnesses(&mut self, w: &mut WitnessBufs<'_>, root: &Operand) -> Vec<Witness> {
        let p = self.p;
        let Operand::Top(r) = root else { return Vec::new() };
        if p.plan.wit[*r as usize] == plan::WitNode::None {
            return Vec::new();
        }
        *w.epoch = w.epoch.wrapping_add(1);
        if *w.epoch == 0 {
            w.stamp.iter_mut().for_each(|x| *x = 0);
            *w.epoch = 1;
        }
        let epoch = *w.epoch;
        w.stack.clear();
        w.stack.push(*r);
        w.found.clear();
        while let Some(i) = w.stack.pop() {
            let stamp = &mut w.stamp[i as usize];
            if *stamp == epoch {
                continue;
            }
            *stamp = epoch;
            match p.plan.wit[i as usize] {
                plan::WitNode::None => {}
                plan::WitNode::Logic { start, end } => {
                    for &c in &p.plan.wit_children[start as usize..end as usize] {
                        if self.top(c) == B3::T {
                            w.stack.push(c);
                        }
                    }
                }
                plan::WitNode::Quant { kind, body } => {
                    if self.top(i) != B3::T {
                        continue;
                    }
                    let at = match body {
                        Body::All => EVERY_FACT,
                        Body::Scalar(o) => {
                            if self.scalar_b3(&o) != B3::T {
                                continue;
                            }
                            EVERY_FACT
                        }
                        Body::Vector(b) | Body::Nested { node: b, .. } => self.loc(b).0,
                    };
                    w.found.push((kind, at));
                }
            }
        }
        if w.found.len() > 1 {
            w.found.sort_unstable_by_key(|(k, _)| *k);
        }
        // Count first: one exactly sized allocation per failed indicator.
        let mut total = 0usize;
        self.witness_words(w.found, |_, _, word| total += word.count_ones() as usize);
        let mut out = Vec::with_capacity(total);
        self.witness_words(w.found, |kind, x, mut word| {
            while word != 0 {
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                out.push(Witness { kind, index: u32::try_from(x * 64 + b).unwrap_or(u32::MAX) });
            }
        });
        out
    }

    /// Calls `f(kind, x, bits)` for every word `x` of every kind of `found` (sorted by kind), in
    /// order, `bits` the union of that word over the kind's quantifiers.
    fn witness_words(&self, found: &[(KindId, usize)], mut f: impl FnMut(KindId, usize, u64)) {
        let mut rest = found;
        while let Some(&(kind, _)) = rest.first() {
            let same = rest.iter().take_while(|(k, _)| *k == kind).count();
            let (group, tail) = rest.split_at(same);
            rest = tail;
            let (nk, nw) = (self.lens[kind.index()], self.words[kind.index()]);
            for x in 0..nw {
                let word = group
                    .iter()
                    .fold(0u64, |acc, &(_, at)| acc | if at == EVERY_FACT { mask(nk, x) } else { self.planes[at + x] });
                f(kind, x, word);
            }
        }
    }
}

/// The witness walk's buffers.
pub(super) struct WitnessBufs<'a> {
    /// Per node, the walk that last visited it.
    pub(super) stamp: &'a mut Vec<u32>,
    pub(super) epoch: &'a mut u32,
    /// The contributing quantifiers: kind, and where the body's "certainly true" plane starts
    /// (or [`EVERY_FACT`]).
    pub(super) found: &'a mut Vec<(KindId, usize)>,
    pub(super) stack: &'a mut Vec<u32>,
}
