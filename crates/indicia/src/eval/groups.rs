//! Column groups: every literal predicate on one string column computed by one pass over it; the
//! pass also gives `has K.field` on that column, and a presence pass gives `has` and a bool field
//! read as a condition.

use super::{ClassLoc, Run, column_presence};
use crate::compile::Program;
use crate::compile::schedule::{GROUP_MAX, Group, GroupKind, Member, Mode};
use crate::evidence::{Column, Items, Sym};

impl Run<'_> {
    /// Computes every predicate of a column group in one pass over its column; when the column
    /// does not have the expected type, node by node.
    pub(super) fn group(&mut self, gi: usize, g: &Group) {
        if !self.group_pass(gi, g) {
            self.members(g);
        }
    }

    /// [`Run::group`]'s pass over the column; false when the column is not of the expected type.
    /// Per word of 64 facts, `hits[m]` collects the facts that satisfy member `m`.
    #[inline(never)]
    pub(super) fn group_pass(&mut self, gi: usize, g: &Group) -> bool {
        let col = self.table(g.fact).and_then(|t| t.column(g.field));
        let Run { p, e, planes, classes, match_cache, app_epoch, set_hits, hits, .. } = self;
        let planes: &mut [u64] = planes;
        let class = &classes[g.fact.index()];
        match (g.kind, col) {
            (GroupKind::StrSet, Some(Column::Str(v))) => {
                by_word(planes, g, class, hits, |facts, hits| str_word(g, v.get(facts).unwrap_or(&[]), hits));
            }
            (GroupKind::ListSet, Some(Column::List(l))) => {
                let Items::Str(items) = &l.items else { return false };
                by_word(planes, g, class, hits, |facts, hits| {
                    list_word(g, l.ranges.get(facts).unwrap_or(&[]), items, hits)
                });
            }
            (GroupKind::Match, Some(Column::Str(v))) => {
                let (mut stamps, mut masks) = std::mem::take(&mut match_cache[gi]);
                // One cached mask per symbol of the app (the pack's and the evidence's own).
                let syms = e.symbols.len() + e.local.len();
                if stamps.len() < syms {
                    stamps.resize(syms, 0);
                    masks.resize(syms, 0);
                }
                let epoch = *app_epoch;
                by_word(planes, g, class, hits, |facts, hits| {
                    let (mut present, mut bit) = (0u64, 1u64);
                    for x in v.get(facts).unwrap_or(&[]) {
                        if let Some(s) = *x {
                            present |= bit;
                            let si = s as usize;
                            let mask = match (stamps.get(si), masks.get(si)) {
                                (Some(&st), Some(&mk)) if st == epoch => mk,
                                _ => {
                                    let mk = pattern_mask(p, g, e.resolve(s), set_hits);
                                    if let (Some(st), Some(slot)) = (stamps.get_mut(si), masks.get_mut(si)) {
                                        *st = epoch;
                                        *slot = mk;
                                    }
                                    mk
                                }
                            };
                            scatter(hits, mask, bit);
                        }
                        bit <<= 1;
                    }
                    present
                });
                match_cache[gi] = (stamps, masks);
            }
            (GroupKind::Plain, Some(Column::Bool(v))) => {
                by_word(planes, g, class, hits, |facts, hits| bool_word(g, v.get(facts).unwrap_or(&[]), hits));
            }
            // Presence reads any column; a truth member needs booleans.
            (GroupKind::Plain, Some(col)) if g.members.iter().all(|m| m.mode == Mode::Has) => {
                by_word(planes, g, class, hits, |facts, _| match col {
                    Column::Str(v) => str_presence(v.get(facts).unwrap_or(&[])),
                    other => column_presence(other, facts),
                });
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
}

/// Runs `word(facts, hits)` (which collects the hits of the facts in range `facts`, at most 64,
/// and returns those with a value) and stores its result, word by word of the group's kind.
#[inline(always)]
fn by_word(
    planes: &mut [u64],
    g: &Group,
    class: &ClassLoc,
    hits: &mut [u64; GROUP_MAX],
    mut word: impl FnMut(std::ops::Range<usize>, &mut [u64; GROUP_MAX]) -> u64,
) {
    if class.words == 1 {
        // The usual kind: one word, stored here.
        let present = word(0..class.len, hits);
        store_one(planes, g, class, hits, present);
    } else {
        for w in 0..class.words {
            let present = word(w * 64..class.len.min(w * 64 + 64), hits);
            store(planes, g, class, hits, w, present);
        }
    }
}

/// A set group's word of facts `chunk` (strings): scatters each fact's mask, returns the facts
/// with a value.
#[inline(always)]
fn str_word(g: &Group, chunk: &[Option<Sym>], hits: &mut [u64; GROUP_MAX]) -> u64 {
    let mut present = 0u64;
    let mut fact = |x: Option<Sym>, bit: u64| {
        if let Some(s) = x {
            present |= bit;
            scatter(hits, g.mask(s), bit);
        }
    };
    // Two facts per turn (the loop's own work halved), then the odd one.
    let (pairs, odd) = chunk.as_chunks::<2>();
    let mut bit = 1u64;
    for &[a, b] in pairs {
        fact(a, bit);
        fact(b, bit << 1);
        bit <<= 2;
    }
    if let [x] = odd {
        fact(*x, bit);
    }
    present
}

/// The facts of `chunk` (strings, at most 64) that have a value: two per turn, without a branch.
#[inline(always)]
fn str_presence(chunk: &[Option<Sym>]) -> u64 {
    let (pairs, odd) = chunk.as_chunks::<2>();
    let (mut present, mut at) = (0u64, 0u32);
    for [a, b] in pairs {
        present |= (u64::from(a.is_some()) | (u64::from(b.is_some()) << 1)) << at;
        at += 2;
    }
    if let [x] = odd {
        present |= u64::from(x.is_some()) << at;
    }
    present
}

/// A list group's word of facts `chunk` (string lists, ranges into `items`): scatters the union
/// of each fact's items' masks, returns the facts with a value.
#[inline(always)]
fn list_word(g: &Group, chunk: &[Option<(u32, u32)>], items: &[Sym], hits: &mut [u64; GROUP_MAX]) -> u64 {
    let (mut present, mut bit) = (0u64, 1u64);
    for x in chunk {
        if let Some((s, end)) = *x {
            present |= bit;
            let mut mask = 0u64;
            for &item in items.get(s as usize..end as usize).unwrap_or(&[]) {
                mask |= g.mask(item);
            }
            scatter(hits, mask, bit);
        }
        bit <<= 1;
    }
    present
}

/// A bool column's word of facts `chunk`: its true facts are every member's hits (a truth
/// member's; a presence member reads none), returns the facts with a value.
#[inline(always)]
fn bool_word(g: &Group, chunk: &[Option<bool>], hits: &mut [u64; GROUP_MAX]) -> u64 {
    let (mut present, mut truth, mut bit) = (0u64, 0u64, 1u64);
    for x in chunk {
        match *x {
            Some(true) => {
                present |= bit;
                truth |= bit;
            }
            Some(false) => present |= bit,
            None => {}
        }
        bit <<= 1;
    }
    hits.iter_mut().take(g.members.len()).for_each(|h| *h = truth);
    present
}

/// [`store`] for a kind of one word (up to 64 facts), inlined into the pass.
#[inline(always)]
fn store_one(planes: &mut [u64], g: &Group, class: &ClassLoc, hits: &mut [u64; GROUP_MAX], present: u64) {
    let start = class.plane(g.first);
    let block = planes.get_mut(start..start + g.members.len() * 2).unwrap_or_default();
    let valid = class.tail;
    let stored = if g.all_hit {
        store_fixed::<2>(block, 0, &g.members, hits, |_, h| member_planes(Mode::Hit, h, present, valid))
    } else {
        store_fixed::<2>(block, 0, &g.members, hits, |mode, h| member_planes(mode, h, present, valid))
    };
    if stored < g.members.len() {
        hits.fill(0);
    }
}

/// A member's two plane words ("certainly true", "possibly true") for one word of facts: `h`
/// its hits, `present` the facts with a value, `valid` the word's facts. A fact has a hit only
/// when it has a value (`h & !present == 0`), so a `Hit` member's "possibly true" word is its
/// hits and the facts without a value.
#[inline(always)]
fn member_planes(mode: Mode, h: u64, present: u64, valid: u64) -> (u64, u64) {
    match mode {
        Mode::Hit => (h, h | (!present & valid)),
        Mode::Miss => (present & !h, !h & valid),
        Mode::Has => (present, present),
    }
}

/// Writes word `w` of every member of group `g` over a kind of two or more words (one word:
/// [`store_one`]) from its hits and the column's presence (`class`: where the group's kind's
/// storage class is; see [`member_planes`]). The members' vectors are adjacent
/// (`Group::first`): one block of planes, written vector by vector for a kind of two words (up to
/// 128 facts).
#[inline(never)]
fn store(planes: &mut [u64], g: &Group, class: &ClassLoc, hits: &mut [u64; GROUP_MAX], w: usize, present: u64) {
    let valid = class.word_mask(w);
    let start = class.plane(g.first);
    let block = planes.get_mut(start..start + g.members.len() * 2 * class.words).unwrap_or_default();
    let members = &g.members;
    let stored = match (class.words, g.all_hit) {
        (2, true) => store_fixed::<4>(block, w, members, hits, |_, h| member_planes(Mode::Hit, h, present, valid)),
        (2, false) => store_fixed::<4>(block, w, members, hits, |mode, h| member_planes(mode, h, present, valid)),
        (words, true) => {
            store_words(block, words, w, members, hits, |_, h| member_planes(Mode::Hit, h, present, valid))
        }
        (words, false) => store_words(block, words, w, members, hits, |mode, h| member_planes(mode, h, present, valid)),
    };
    if stored < g.members.len() {
        // Not for a validated program (its block fits every member); the hit words are zero
        // again all the same.
        hits.fill(0);
    }
}

/// [`store`] into `block`, the members' vectors of `V` words each (`V / 2` words per plane: its
/// "certainly true" plane, then its "possibly true" plane), with `planes_of(mode, hits)` giving
/// a member's two plane words. Takes each stored member's hit word (zero again for the next word
/// and group); returns how many members it stored.
#[inline(always)]
fn store_fixed<const V: usize>(
    block: &mut [u64],
    w: usize,
    members: &[Member],
    hits: &mut [u64; GROUP_MAX],
    planes_of: impl Fn(Mode, u64) -> (u64, u64),
) -> usize {
    let half = V / 2;
    let vectors = block.as_chunks_mut::<V>().0;
    let stored = vectors.len().min(members.len());
    for (vector, (m, h)) in vectors.iter_mut().zip(members.iter().zip(hits.iter_mut())) {
        let (t, p) = planes_of(m.mode, std::mem::take(h));
        vector[w % half] = t;
        vector[half + w % half] = p;
    }
    stored
}

/// [`store_fixed`] for vectors of `2 * words` words.
#[inline(always)]
fn store_words(
    block: &mut [u64],
    words: usize,
    w: usize,
    members: &[Member],
    hits: &mut [u64; GROUP_MAX],
    planes_of: impl Fn(Mode, u64) -> (u64, u64),
) -> usize {
    let vectors = block.chunks_exact_mut(2 * words.max(1));
    let stored = vectors.len().min(members.len());
    for (vector, (m, h)) in vectors.zip(members.iter().zip(hits.iter_mut())) {
        let (t, p) = planes_of(m.mode, std::mem::take(h));
        if let Some(x) = vector.get_mut(w) {
            *x = t;
        }
        if let Some(x) = vector.get_mut(words + w) {
            *x = p;
        }
    }
    stored
}

/// Adds the fact whose bit is `bit` to the hit words of the members in `mask`.
#[inline(always)]
fn scatter(hits: &mut [u64; GROUP_MAX], mut mask: u64, bit: u64) {
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
