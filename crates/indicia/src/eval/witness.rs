//! Witnesses of failed indicators: a walk over the already computed nodes that follows only the
//! paths able to reach an `any` or a lower-bounded `count`.

use super::{Run, mask};
use crate::compile::schedule as plan;
use crate::compile::value::B3;
use crate::compile::{Body, Operand};
use crate::hir::KindId;
use crate::outcome::Witness;

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
                    let nk = self.lens[kind.index()];
                    let base = w.base[kind.index()];
                    let nw = nk.div_ceil(64);
                    w.touched[kind.index()] = true;
                    let body_words: Option<(usize, usize)> = match body {
                        Body::All => None,
                        Body::Scalar(o) => {
                            if self.scalar_b3(&o) != B3::T {
                                continue;
                            }
                            None
                        }
                        Body::Vector(b) | Body::Nested { node: b, .. } => Some(self.loc(b)),
                    };
                    for x in 0..nw {
                        let add = match body_words {
                            None => mask(nk, x),
                            Some((bb, _)) => self.planes[bb + x],
                        };
                        w.bits[base + x] |= add;
                    }
                }
            }
        }
        // Size the list first: one allocation per failed indicator.
        let mut total = 0usize;
        for (k, t) in w.touched.iter().enumerate() {
            if *t {
                let (base, nw) = (w.base[k], self.lens[k].div_ceil(64));
                total += w.bits[base..base + nw].iter().map(|x| x.count_ones() as usize).sum::<usize>();
            }
        }
        let mut out = Vec::with_capacity(total);
        for (k, t) in w.touched.iter_mut().enumerate() {
            if !*t {
                continue;
            }
            *t = false;
            let (base, nw) = (w.base[k], self.lens[k].div_ceil(64));
            let kind = KindId(u32::try_from(k).unwrap_or(u32::MAX));
            for x in 0..nw {
                let slot = &mut w.bits[base + x];
                let mut word = *slot;
                *slot = 0;
                while word != 0 {
                    let b = word.trailing_zeros();
                    word &= word - 1;
                    let index = u32::try_from(x * 64 + b as usize).unwrap_or(u32::MAX);
                    out.push(Witness { kind, index });
                }
            }
        }
        out
    }
}

/// The witness walk's buffers.
pub(super) struct WitnessBufs<'a> {
    pub(super) stamp: &'a mut Vec<u32>,
    pub(super) epoch: &'a mut u32,
    pub(super) bits: &'a mut Vec<u64>,
    pub(super) base: &'a [usize],
    pub(super) touched: &'a mut Vec<bool>,
    pub(super) stack: &'a mut Vec<u32>,
}
