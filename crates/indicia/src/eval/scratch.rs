//! The evaluator's reusable buffers, sized for each program and app before it runs.

use std::collections::HashMap;

use crate::compile::Program;
use crate::compile::schedule as plan;
use crate::compile::value::B3;
use crate::evidence::{Evidence, Sym};
use crate::hir::KindId;
use crate::outcome::Witness;

/// Reusable evaluation buffers; keep one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    pub(super) planes: Vec<u64>,
    /// Per storage class (each kind, then the once-per-app class), where its vectors are.
    pub(super) classes: Vec<ClassLoc>,
    pub(super) cur: Vec<u32>,
    pub(super) stamp: Vec<u32>,
    pub(super) epoch: u32,
    /// The witness walk's contributing quantifiers (see `witness`).
    pub(super) found: Vec<(KindId, u32)>,
    /// The or-ed words of a kind with several contributing quantifiers (see `witness`).
    pub(super) wit_words: Vec<u64>,
    /// The witnesses of an indicator whose list has no capacity yet (see `witness`).
    pub(super) wit_list: Vec<Witness>,
    pub(super) stack: Vec<u32>,
    pub(super) memo: HashMap<(u32, Sym), bool>,
    /// Per match group: per symbol, the app epoch its cached mask belongs to, and the mask.
    pub(super) match_cache: Vec<(Vec<u32>, Vec<u64>)>,
    /// Counts evaluations, so that cached pattern masks of an earlier app are never read.
    pub(super) app_epoch: u32,
    pub(super) set_hits: Vec<bool>,
    /// A column group's hit words (one per member), reused.
    pub(super) hits: HitWords,
    /// The once-per-app values, one slot byte each (see [`plan::Step`]).
    pub(super) tops: Vec<u8>,
}

impl Scratch {
    /// Empty buffers; they grow to fit the first programs and apps evaluated.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Every buffer's address and capacity. Once the buffers fit the largest app seen, this does
    /// not change: evaluation reuses them and allocates only its [`Outcomes`](crate::outcome::Outcomes).
    pub fn footprint(&self) -> Vec<(usize, usize)> {
        fn of<T>(v: &[T], cap: usize) -> (usize, usize) {
            (v.as_ptr() as usize, cap)
        }
        let mut out = vec![
            of(&self.planes, self.planes.capacity()),
            of(&self.classes, self.classes.capacity()),
            of(&self.cur, self.cur.capacity()),
            of(&self.stamp, self.stamp.capacity()),
            of(&self.found, self.found.capacity()),
            of(&self.wit_words, self.wit_words.capacity()),
            of(&self.wit_list, self.wit_list.capacity()),
            of(&self.stack, self.stack.capacity()),
            (0, self.memo.capacity()),
            of(&self.match_cache, self.match_cache.capacity()),
            of(&self.set_hits, self.set_hits.capacity()),
            of(&self.hits.0[..], plan::GROUP_MAX),
            of(&self.tops, self.tops.capacity()),
        ];
        for (stamps, masks) in &self.match_cache {
            out.push(of(stamps, stamps.capacity()));
            out.push(of(masks, masks.capacity()));
        }
        out
    }
}

/// Sizes the buffers for this program and app.
#[inline(never)]
pub(super) fn prepare(p: &Program, e: &Evidence, s: &mut Scratch) {
    let kinds = p.layout.kind_names.len();
    let n = p.layout.nodes.len();
    if s.tops.len() < p.plan.slots {
        s.tops.resize(p.plan.slots, 0);
    }
    // The slots of the constants false, unknown and true, then of `observed(K)` per kind.
    let observed_slots = match s.tops.get_mut(n..) {
        Some([f, u, t, observed @ ..]) => {
            (*f, *u, *t) = (plan::slot_bits(B3::F), plan::slot_bits(B3::U), plan::slot_bits(B3::T));
            observed
        }
        _ => &mut [],
    };
    // One class per kind, then the once-per-app class; as many every app of the program.
    let sizes = &p.layout.class_sizes;
    s.classes.resize(sizes.len(), ClassLoc::default());
    let (kind_locs, top_loc) = s.classes.split_at_mut(kinds.min(sizes.len()));
    let mut total = 0usize;
    let mut place = |loc: &mut ClassLoc, count: u32, len: usize, observed: bool| {
        let words = len.div_ceil(64);
        *loc = ClassLoc { base: total, words, len, tail: tail_mask(len), observed };
        total += count as usize * 2 * words;
    };
    // Each kind's class and `observed(K)` slot (the slots follow the kinds: `tops` has a slot
    // for every kind of a validated program, sized above).
    let mut kinds_left = kind_locs.iter_mut().zip(sizes).zip(observed_slots.iter_mut());
    // The tables first: a kind's class is taken only when it has a table.
    for (t, ((loc, &count), slot)) in e.tables.iter().zip(kinds_left.by_ref()) {
        *slot = plan::slot_bits(B3::from_bool(t.observed));
        place(loc, count, t.len, t.observed);
    }
    // Kinds past the evidence's tables (not from this crate's reader): no facts, not observed.
    for ((loc, &count), slot) in kinds_left {
        *slot = plan::slot_bits(B3::F);
        place(loc, count, 0, false);
    }
    if let (Some(loc), Some(&count)) = (top_loc.first_mut(), sizes.get(kinds)) {
        *loc = ClassLoc { base: total, words: 1, len: 0, tail: 0, observed: true };
        total += count as usize * 2;
    }
    if s.planes.len() < total {
        s.planes.resize(total, 0);
    }
    if s.cur.len() < p.layout.max_depth + 1 {
        s.cur.resize(p.layout.max_depth + 1, 0);
    }
    if s.stamp.len() < n {
        s.stamp.resize(n, 0);
    }
    s.memo.clear();
    s.app_epoch = s.app_epoch.wrapping_add(1);
    if s.app_epoch == 0 {
        for (stamps, _) in &mut s.match_cache {
            stamps.iter_mut().for_each(|x| *x = 0);
        }
        s.app_epoch = 1;
    }
    // A match group's cache is sized for the app's symbols when the group runs (`groups`).
    let groups = p.plan.groups.len();
    if s.match_cache.len() < groups {
        s.match_cache.resize_with(groups, Default::default);
    }
    if s.set_hits.len() < plan::GROUP_MAX {
        s.set_hits.resize(plan::GROUP_MAX, false);
    }
    // A group's store leaves its hit words zero for the next word and group; zeroed here too, so
    // that an evaluation cut short (a panic caught by a caller) cannot leave hits to the next app.
    s.hits.0.fill(0);
}

/// The facts of the last word of a vector of `len` facts (`mask(len, words - 1)`; 0 when `len` is
/// 0, as for the once-per-app class).
fn tail_mask(len: usize) -> u64 {
    let all_if_any = 0u64.wrapping_sub(u64::from(len != 0));
    (u64::MAX >> ((64 - len % 64) % 64)) & all_if_any
}

/// A column group's hit words: `GROUP_MAX` of them, one per member. Boxed, so that a `Scratch`
/// stays small: it is kept in thread-locals, and a thread-local's value sits in the static TLS
/// block, which is only a few KiB for a library loaded at run time (the Python extension).
#[derive(Debug)]
pub(super) struct HitWords(pub(super) Box<[u64; plan::GROUP_MAX]>);

impl Default for HitWords {
    fn default() -> HitWords {
        HitWords(Box::new([0; plan::GROUP_MAX]))
    }
}

/// Where one storage class's vectors are in the planes, for the app being evaluated.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ClassLoc {
    /// Where the class's first vector starts.
    pub(super) base: usize,
    /// Words per plane: the kind's facts in words of 64 (1 for the once-per-app class).
    pub(super) words: usize,
    /// The kind's facts (0 for the once-per-app class).
    pub(super) len: usize,
    /// The facts of the last word (`mask(len, words - 1)`).
    pub(super) tail: u64,
    /// Whether the kind was observed (true for the once-per-app class).
    pub(super) observed: bool,
}

impl ClassLoc {
    /// Where the planes of the class's vector in `slot` start (its "certainly true" plane, then
    /// its "possibly true" plane, `words` each).
    #[inline(always)]
    pub(super) fn plane(&self, slot: u32) -> usize {
        self.base + slot as usize * 2 * self.words
    }

    /// The facts of word `w` (`mask(len, w)` for `w < words`).
    #[inline(always)]
    pub(super) fn word_mask(&self, w: usize) -> u64 {
        if w + 1 == self.words { self.tail } else { u64::MAX }
    }
}

#[cfg(test)]
mod tests {
    use super::tail_mask;
    use crate::compile::compile;
    use crate::evidence::read_evidence;
    use crate::hir::ParamValues;
    use crate::load::{check_pack, load_sources};

    /// An evidence with fewer tables than the schema has kinds (not from this crate's reader):
    /// the kinds past its tables have no facts and are not observed, even when the scratch last
    /// held an app where they had facts.
    #[test]
    fn a_kind_past_the_evidences_tables_has_no_facts_and_is_not_observed() {
        let src = "category c { title: \"c\" }\nfact api { symbol: string }\nfact flow { host: string }\n\
                   indicator \"A\" { title: \"t\" category: c severity: low when: any flow where host == \"x\" }\n\
                   indicator \"B\" { title: \"t\" category: c severity: low when: observed(flow) }\n";
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src.to_string())])).unwrap();
        let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap();
        let read = |json: &str| read_evidence(json.as_bytes(), &pack.schema, program.symbols()).unwrap();
        let with_flows = read(r#"{"app": {"id": "a"}, "facts": {"flow": [{"host": "x"}, {"host": "y"}]}}"#);
        let mut api_only = read(r#"{"app": {"id": "b"}, "facts": {"api": [{"symbol": "s"}]}}"#);
        let flow = pack.schema.kinds.iter().position(|k| k.name == "flow").unwrap();
        let api = pack.schema.kinds.iter().position(|k| k.name == "api").unwrap();
        assert!(api < flow, "flow is past api");
        api_only.tables.truncate(flow);
        let mut scratch = super::Scratch::new();
        let first = crate::eval::evaluate(&program, &with_flows, &mut scratch);
        let verdicts = |o: &crate::outcome::Outcomes| o.indicators.iter().map(|i| i.verdict).collect::<Vec<_>>();
        use crate::hir::Verdict::{Fail, Inconclusive, Pass};
        assert_eq!(verdicts(&first), [Fail, Fail]);
        // As for the same app read with all its tables: `any` over a kind not observed is
        // unknown, `observed(flow)` false.
        let all_tables = read(r#"{"app": {"id": "b"}, "facts": {"api": [{"symbol": "s"}]}}"#);
        let reference = crate::eval::evaluate(&program, &all_tables, &mut super::Scratch::new());
        assert_eq!(verdicts(&reference), [Inconclusive, Pass]);
        let second = crate::eval::evaluate(&program, &api_only, &mut scratch);
        assert_eq!(verdicts(&second), verdicts(&reference));
        assert!(second.indicators.iter().all(|i| i.witnesses.is_empty()));
    }

    #[test]
    fn the_tail_mask_is_the_last_words_mask() {
        for len in 0usize..300 {
            let words = len.div_ceil(64);
            assert_eq!(tail_mask(len), super::super::mask(len, words.saturating_sub(1)), "{len} facts");
        }
    }

    /// A `Scratch` lives in thread-locals (the evaluator's and the engine's), whose values sit in
    /// the static TLS block; a library loaded at run time (the Python extension) gets only a few
    /// KiB of it in all, so a fixed-size buffer inside `Scratch` must be boxed.
    #[test]
    fn a_scratch_is_small_enough_for_a_thread_local_of_a_loaded_library() {
        let size = std::mem::size_of::<super::Scratch>();
        assert!(size <= 512, "Scratch is {size} bytes");
    }
}
