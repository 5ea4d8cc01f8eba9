//! Column groups: every literal predicate on one string column computed by one pass over it; the
//! pass also gives `has K.field` on that column, and a presence pass gives `has` and a bool field
//! read as a condition.

use super::{ClassLoc, Run, column_presence};
use crate::compile::Program;
use crate::compile::schedule::{GROUP_MAX, Group, GroupKind, Mode};
use crate::evidence::{Column, Items};

impl Run<'_> {
    /// Computes every predicate of a column group in one pass over its column; when the column
    /// does not have the expected type, node by node.
    pub(super) fn group(&mut self, gi: usize, g: &Group) {
        let hits = std::mem::take(&mut self.hits);
        // Scratch holds `GROUP_MAX` hit words (`scratch::prepare`).
        let done = match <&mut [u64; GROUP_MAX]>::try_from(&mut hits[..GROUP_MAX]) {
            Ok(words) => self.group_pass(gi, g, words),
            Err(_) => false,
        };
        self.hits = hits;
        if !done {
            self.members(g);
        }
    }

    /// [`Run::group`]'s pass over the column; false when the column is not of the expected type.
    /// Per word of 64 facts, `hits[m]` collects the facts that satisfy member `m`.
    pub(super) fn group_pass(&mut self, gi: usize, g: &Group, hits: &mut [u64; GROUP_MAX]) -> bool {
        let e = self.e;
        let k = g.fact.index();
        let class = self.classes[k];
        let n = class.len;
        let col = self.table(g.fact).and_then(|t| t.column(g.field));
        match (g.kind, col) {
            (GroupKind::StrSet, Some(Column::Str(v))) => {
                for (w, chunk) in v.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    for (b, x) in chunk.iter().enumerate() {
                        if let Some(s) = *x {
                            present |= 1u64 << b;
                            scatter(hits, g.mask(s), b);
                        }
                    }
                    self.store(g, class, hits, w, class.word_mask(w), present);
                }
            }
            (GroupKind::ListSet, Some(Column::List(l))) => {
                let Items::Str(items) = &l.items else { return false };
                for (w, chunk) in l.ranges.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    for (b, x) in chunk.iter().enumerate() {
                        if let Some((s, end)) = *x {
                            present |= 1u64 << b;
                            let mut mask = 0u64;
                            for &item in items.get(s as usize..end as usize).unwrap_or(&[]) {
                                mask |= g.mask(item);
                            }
                            scatter(hits, mask, b);
                        }
                    }
                    self.store(g, class, hits, w, class.word_mask(w), present);
                }
            }
            (GroupKind::Match, Some(Column::Str(v))) => {
                let (mut stamps, mut masks) = std::mem::take(&mut self.match_cache[gi]);
                let epoch = self.app_epoch;
                for (w, chunk) in v.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    for (b, x) in chunk.iter().enumerate() {
                        let Some(s) = *x else { continue };
                        present |= 1u64 << b;
                        let si = s as usize;
                        let mask = match (stamps.get(si), masks.get(si)) {
                            (Some(&st), Some(&mk)) if st == epoch => mk,
                            _ => {
                                let mk = pattern_mask(self.p, g, e.resolve(s), self.set_hits);
                                if let (Some(st), Some(slot)) = (stamps.get_mut(si), masks.get_mut(si)) {
                                    *st = epoch;
                                    *slot = mk;
                                }
                                mk
                            }
                        };
                        scatter(hits, mask, b);
                    }
                    self.store(g, class, hits, w, class.word_mask(w), present);
                }
                self.match_cache[gi] = (stamps, masks);
            }
            (GroupKind::Plain, Some(col)) => {
                // A truth member needs booleans; presence reads any column.
                let Column::Bool(v) = col else {
                    if g.members.iter().any(|m| m.mode != Mode::Has) {
                        return false;
                    }
                    for w in 0..class.words {
                        let present = column_presence(col, w * 64..n.min(w * 64 + 64));
                        self.store(g, class, hits, w, class.word_mask(w), present);
                    }
                    return true;
                };
                for (w, chunk) in v.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let (mut present, mut truth) = (0u64, 0u64);
                    for (b, x) in chunk.iter().enumerate() {
                        present |= u64::from(x.is_some()) << b;
                        truth |= u64::from(*x == Some(true)) << b;
                    }
                    hits.iter_mut().take(g.members.len()).for_each(|h| *h = truth);
                    self.store(g, class, hits, w, class.word_mask(w), present);
                }
            }
            _ => return false,
        }
        true
    }

    /// Computes a group's predicates one by one.
    pub(super) fn members(&mut self, g: &Group) {
        for member in &g.members {
            self.exec(member.node);
        }
    }

    /// Writes word `w` of every member of a group from its hits and the column's presence
    /// (`class`: where the group's kind's storage class is).
    #[inline]
    pub(super) fn store(&mut self, g: &Group, class: ClassLoc, hits: &mut [u64], w: usize, valid: u64, present: u64) {
        for (member, h) in g.members.iter().zip(hits) {
            // Taken, so that the hit words are zero again for the next word and group.
            let h = std::mem::take(h);
            let (t, p) = match member.mode {
                Mode::Hit => (h, (h | !present) & valid),
                Mode::Miss => (present & !h, !h & valid),
                Mode::Has => (present, present),
            };
            self.write(class.plane(member.slot), class.words, w, t, p);
        }
    }
}

/// Adds fact `b` (of the word) to the hit words of the members in `mask`.
#[inline(always)]
fn scatter(hits: &mut [u64; GROUP_MAX], mut mask: u64, b: usize) {
    if mask == 0 {
        return;
    }
    let bit = 1u64 << b;
    while mask != 0 {
        // A set bit's index is below 64: no bounds check.
        hits[mask.trailing_zeros() as usize & (GROUP_MAX - 1)] |= bit;
        mask &= mask - 1;
    }
}

/// The mask of the patterns of match group `g` that `text` matches.
fn pattern_mask(p: &Program, g: &Group, text: &str, buf: &mut [bool]) -> u64 {
    let mut mask = 0u64;
    match &g.set {
        Some(set) => {
            let buf = &mut buf[..g.patterns.len()];
            buf.iter_mut().for_each(|x| *x = false);
            set.matches_read_at(buf, text, 0);
            for (j, hit) in buf.iter().enumerate() {
                if *hit {
                    mask |= 1u64 << j;
                }
            }
        }
        None => {
            for (j, &pi) in g.patterns.iter().enumerate() {
                if p.layout.patterns[pi as usize].is_match(text) {
                    mask |= 1u64 << j;
                }
            }
        }
    }
    mask
}
