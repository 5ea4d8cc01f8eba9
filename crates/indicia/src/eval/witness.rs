//! Witnesses of failed indicators: the contributing quantifiers along the indicator's paths
//! listed when the program was built (`compile::schedule::WitEntry`), or, for a root with too many
//! paths, found by a walk over the already computed nodes that follows only the paths able to
//! reach an `any` or a lower-bounded `count`.
//!
//! Either way the contributing quantifiers (their kind and the slot of their body's vector) come
//! sorted by kind; the witnesses are then read straight from the bodies' "certainly true" planes,
//! kind by kind, the words of one kind's quantifiers or-ed together, so that they come sorted by
//! (kind, fact index) without repeats, written into the indicator's reused witness list.

use super::scratch::ClassLoc;
use super::{Run, mask};
use crate::compile::schedule::{self as plan, EVERY_FACT};
use crate::compile::value::B3;
use crate::compile::{Body, Operand};
use crate::hir::KindId;
use crate::outcome::Witness;

impl Run<'_> {
    /// The witnesses of a failed indicator, into the empty `out`: walk true `and`/`or` nodes from
    /// the root; a true `any` or `count > n`/`count >= n` contributes the facts its body is true
    /// for.
    pub(super) fn witnesses(&mut self, w: &mut WitnessBufs<'_>, root: &Operand, out: &mut Vec<Witness>) {
        let p = self.p;
        let Operand::Top(r) = root else { return };
        if p.plan.wit[*r as usize] == plan::WitNode::None {
            return;
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
                    if let Some(slot) = self.contributing_slot(body) {
                        w.found.push((kind, slot));
                    }
                }
            }
        }
        if w.found.len() > 1 {
            w.found.sort_unstable_by_key(|(k, _)| *k);
        }
        let found = &*w.found;
        let parts = found.iter().enumerate().map(|(i, &(kind, slot))| Part {
            kind,
            slot,
            open: true,
            last_of_kind: found.get(i + 1).is_none_or(|next| next.0 != kind),
        });
        self.write_witnesses(w.list, w.words, out, parts);
    }

    /// The witnesses of a failed indicator whose root is `root` and whose listed paths are
    /// `paths` (`compile::schedule::WitEntry`, sorted by kind), into the empty `out`; by
    /// [`Run::witnesses`] when it has none.
    #[inline(always)]
    pub(super) fn root_witnesses(
        &mut self,
        w: &mut WitnessBufs<'_>,
        paths: Option<plan::WitPaths>,
        root: &Operand,
        out: &mut Vec<Witness>,
    ) {
        let plan = &self.p.plan;
        let Some(paths) = paths else { return self.witnesses(w, root, out) };
        let entries = &plan.wit_entries[paths.start as usize..paths.end as usize];
        // A slot byte is "true" when its "certainly true" bit is set.
        let tops = &self.tops;
        if paths.one_guard {
            let low = tops.low();
            let parts = entries.iter().map(|e| Part::of(e, low[usize::from(e.guard)] & 1 != 0));
            self.write_witnesses(w.list, w.words, out, parts);
        } else {
            let guards = &plan.wit_guards;
            let parts = entries.iter().map(|e| {
                Part::of(e, guards[e.start as usize..e.end as usize].iter().all(|&g| tops[g as usize] & 1 != 0))
            });
            self.write_witnesses(w.list, w.words, out, parts);
        }
    }

    /// The slot of the vector whose "certainly true" plane holds the facts a true quantifier with
    /// `body` contributes ([`EVERY_FACT`] for every fact), or `None` when its scalar body is not
    /// certainly true, so that it contributes no fact. The slot is the one the listed paths store
    /// ([`plan::wit_facts`]); a scalar body is read here, whether or not it has a slot.
    fn contributing_slot(&self, body: Body) -> Option<u32> {
        match body {
            Body::Scalar(o) => (self.scalar_b3(&o) == B3::T).then_some(EVERY_FACT),
            other => plan::wit_facts(&self.p.layout, other).map(|(slot, _)| slot),
        }
    }

    /// Writes into the empty `out` the facts of the contributing quantifiers `parts` (in kind
    /// order, each kind's last one marked), sorted by kind and index, without repeats. A list with
    /// capacity is written in place (it grows when it must); one without is written into `list`
    /// first, then copied into an exactly sized allocation.
    #[inline(always)]
    fn write_witnesses(
        &self,
        list: &mut Vec<Witness>,
        words: &mut Vec<u64>,
        out: &mut Vec<Witness>,
        parts: impl Iterator<Item = Part>,
    ) {
        if out.capacity() == 0 {
            self.write_fresh(list, words, out, parts);
        } else {
            self.write_parts(words, out, parts);
        }
    }

    /// [`Run::write_witnesses`] into a list without capacity.
    #[inline(never)]
    fn write_fresh(
        &self,
        list: &mut Vec<Witness>,
        words: &mut Vec<u64>,
        out: &mut Vec<Witness>,
        parts: impl Iterator<Item = Part>,
    ) {
        list.clear();
        self.write_parts(words, list, parts);
        out.reserve_exact(list.len());
        out.extend_from_slice(list);
    }

    /// Appends to `dst` the facts of `parts`: those of one kind's open parts are or-ed together
    /// (in registers for a kind of one or two words, the usual app, else in `words`) and written
    /// after its last part.
    #[inline(always)]
    fn write_parts(&self, words: &mut Vec<u64>, dst: &mut Vec<Witness>, parts: impl Iterator<Item = Part>) {
        // Borrowed here, so that writing `dst` (which may grow) does not reload them.
        let (planes, classes): (&[u64], &[ClassLoc]) = (self.planes, self.classes);
        // The or-ed first and second words of a kind of one or two words; the words of a kind of
        // more are or-ed in `words[..big]`.
        let (mut lo, mut hi, mut big) = (0u64, 0u64, 0usize);
        for Part { kind, slot, open, last_of_kind } in parts {
            if open {
                let c = &classes[kind.index()];
                if c.words.wrapping_sub(1) < 2 {
                    let two = c.words == 2;
                    let (a, b) = if slot == EVERY_FACT {
                        if two { (u64::MAX, c.tail) } else { (c.tail, 0) }
                    } else {
                        let at = c.plane(slot);
                        (planes[at], if two { planes[at + 1] } else { 0 })
                    };
                    lo |= a;
                    hi |= b;
                } else {
                    big = c.words;
                    or_words(words, c, slot, planes);
                }
            }
            if last_of_kind {
                push_word(dst, kind, 0, std::mem::take(&mut lo));
                push_word(dst, kind, 1, std::mem::take(&mut hi));
                if big != 0 {
                    push_words(dst, kind, words, std::mem::take(&mut big));
                }
            }
        }
    }
}

/// Or-s into `words` (all zero before a kind's first part) the words of the "certainly true"
/// plane of the vector in `slot` (or [`EVERY_FACT`]) of class `c`, of no words or more than two.
#[inline(never)]
fn or_words(words: &mut Vec<u64>, c: &ClassLoc, slot: u32, planes: &[u64]) {
    if words.len() < c.words {
        words.resize(c.words, 0);
    }
    for (x, acc) in words[..c.words].iter_mut().enumerate() {
        *acc |= if slot == EVERY_FACT { mask(c.len, x) } else { planes[c.plane(slot) + x] };
    }
}

/// Appends the facts of `words[..n]` of `kind` to `out` as witnesses, leaving those words zero.
#[inline(never)]
fn push_words(out: &mut Vec<Witness>, kind: KindId, words: &mut [u64], n: usize) {
    for (x, w) in words.iter_mut().take(n).enumerate() {
        push_word(out, kind, x, std::mem::take(w));
    }
}

/// Appends the facts of word `x` (bits `bits`) of `kind` to `out` as witnesses.
#[inline(always)]
fn push_word(out: &mut Vec<Witness>, kind: KindId, x: usize, mut bits: u64) {
    let first = u32::try_from(x * 64).unwrap_or(u32::MAX);
    while bits != 0 {
        out.push(Witness { kind, index: first | bits.trailing_zeros() });
        bits &= bits - 1;
    }
}

/// A contributing quantifier as the witness writer sees it: the facts of the "certainly true"
/// plane of the vector of `kind` in `slot` ([`EVERY_FACT`]: every fact), when `open`.
#[derive(Clone, Copy)]
struct Part {
    kind: KindId,
    slot: u32,
    /// Whether its path's guards are true.
    open: bool,
    /// The next part is over another kind, or there is none.
    last_of_kind: bool,
}

impl Part {
    #[inline(always)]
    fn of(e: &plan::WitEntry, open: bool) -> Part {
        Part { kind: e.kind, slot: e.slot, open, last_of_kind: e.last_of_kind }
    }
}

/// The witness walk's buffers.
pub(super) struct WitnessBufs<'a> {
    /// Per node, the walk that last visited it.
    pub(super) stamp: &'a mut Vec<u32>,
    pub(super) epoch: &'a mut u32,
    /// The contributing quantifiers: kind, and the slot of the vector holding their facts (or
    /// [`EVERY_FACT`]).
    pub(super) found: &'a mut Vec<(KindId, u32)>,
    pub(super) stack: &'a mut Vec<u32>,
    /// The or-ed words of a kind of more (or no) words than one, all zero between kinds.
    pub(super) words: &'a mut Vec<u64>,
    /// The witnesses of an indicator whose list has no capacity yet.
    pub(super) list: &'a mut Vec<Witness>,
}

#[cfg(test)]
mod tests {
    use crate::compile::{Program, compile};
    use crate::eval::{Scratch, evaluate, evaluate_walked};
    use crate::evidence::read_evidence;
    use crate::hir::{KindId, Pack, ParamValues};
    use crate::load::{check_pack, load_sources};
    use crate::outcome::Witness;
    use indicia_testkit::generate::{EvidenceGenerator, generate_pack_seeded};

    fn compiled(files: Vec<(String, String)>) -> (Pack, Program) {
        let pack = check_pack(load_sources("t", files)).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap();
        (pack, program)
    }

    /// Evaluates every app with witnesses by paths and by the walk: the same outcomes. Returns
    /// how many witnesses there were.
    fn agree(pack: &Pack, program: &Program, apps: impl Iterator<Item = String>) -> usize {
        let mut scratch = Scratch::new();
        let mut witnesses = 0;
        for json in apps {
            let evidence = read_evidence(json.as_bytes(), &pack.schema, program.symbols()).unwrap();
            let by_paths = evaluate(program, &evidence, &mut scratch);
            assert_eq!(by_paths, evaluate_walked(program, &evidence, &mut scratch), "{json}");
            for o in &by_paths.indicators {
                assert!(o.witnesses.windows(2).all(|w| w[0] < w[1]), "sorted by kind and index, no repeats");
                witnesses += o.witnesses.len();
            }
        }
        witnesses
    }

    #[test]
    fn the_paths_give_the_walks_witnesses() {
        let (pack, program) = compiled(crate::builtin::sources());
        let apps = EvidenceGenerator::new(200, 3);
        assert!(agree(&pack, &program, (0..50).map(|i| apps.app(i))) > 100);
        for seed in 0..4 {
            let (pack, program) = compiled(vec![("g.ind".to_string(), generate_pack_seeded(80, seed))]);
            let apps = EvidenceGenerator::new(200, seed);
            assert!(agree(&pack, &program, (0..20).map(|i| apps.app(i))) > 0, "seed {seed}");
        }
    }

    #[test]
    fn a_body_that_does_not_read_the_fact_contributes_every_fact_when_true() {
        let src = "category c { title: \"c\" }\n\
                   fact flow { host: string }\nfact perm { name: string }\nfact sdk { id: string }\n\
                   define a = any perm where name == \"a\"\n\
                   indicator \"A\" { title: \"t\" category: c severity: low when: any flow where a }\n\
                   indicator \"B\" { title: \"t\" category: c severity: low when: any perm where observed(flow) }\n\
                   indicator \"C\" { title: \"t\" category: c severity: low when:\n\
                       (any perm where observed(sdk)) or (count(flow where a) >= 2) }\n";
        let (pack, program) = compiled(vec![("t.ind".to_string(), src.to_string())]);
        assert!(program.plan.root_wit.iter().all(Option::is_some), "every root has its paths listed");
        let json = r#"{"app": {"id": "a"}, "collected": ["perm", "flow"], "facts": {
            "flow": [{"host": "x"}, {"host": "y"}, {"host": "z"}], "perm": [{"name": "b"}, {"name": "a"}]}}"#;
        assert!(agree(&pack, &program, std::iter::once(json.to_string())) > 0);
        let evidence = read_evidence(json.as_bytes(), &pack.schema, program.symbols()).unwrap();
        let out = evaluate(&program, &evidence, &mut Scratch::new());
        let kind =
            |name| KindId(u32::try_from(pack.schema.kinds.iter().position(|k| k.name == name).unwrap()).unwrap());
        let facts = |name, n| (0..n).map(|index| Witness { kind: kind(name), index }).collect::<Vec<_>>();
        // `a` is true (perm 1), so every flow; flow is observed, so every perm; sdk is not
        // observed (not collected, no facts), so C fails by its count alone: every flow.
        assert_eq!(out.indicators[0].witnesses, facts("flow", 3));
        assert_eq!(out.indicators[1].witnesses, facts("perm", 2));
        assert_eq!(out.indicators[2].witnesses, facts("flow", 3));
    }

    #[test]
    fn a_root_with_too_many_paths_keeps_the_walk() {
        // Each level doubles the paths from the root to `x0`: 2^10 of them.
        let mut src = String::from(
            "category c { title: \"c\" }\nfact flow { host: string  port: int? }\n\
             define x0 = any flow where port == 80\n",
        );
        for i in 1..=10 {
            let (a, b) = (2 * i - 1, 2 * i);
            let p = i - 1;
            src.push_str(&format!(
                "define x{i} = (x{p} or any flow where port == {a}) and (x{p} or any flow where port == {b})\n"
            ));
        }
        src.push_str("indicator \"A\" { title: \"t\" category: c severity: low when: x10 }\n");
        src.push_str("indicator \"B\" { title: \"t\" category: c severity: low when: x1 }\n");
        let (pack, program) = compiled(vec![("t.ind".to_string(), src)]);
        assert_eq!(program.plan.root_wit[0], None, "A has too many paths");
        assert!(program.plan.root_wit[1].is_some(), "B has three");
        let json = r#"{"app": {"id": "a"}, "facts": {"flow": [
            {"host": "a", "port": 80}, {"host": "b", "port": 1}, {"host": "c", "port": 80}, {"host": "d", "port": 7}]}}"#;
        assert!(agree(&pack, &program, std::iter::once(json.to_string())) > 0);
        let evidence = read_evidence(json.as_bytes(), &pack.schema, program.symbols()).unwrap();
        let out = evaluate(&program, &evidence, &mut Scratch::new());
        let kind = pack.schema.kinds.iter().position(|k| k.name == "flow").unwrap();
        let flow = |index| Witness { kind: KindId(u32::try_from(kind).unwrap()), index };
        // Facts 0 and 2 (port 80) through `x0`; fact 1 (port 1) beside `x0` in level 1, fact 3
        // (port 7) beside `x3` in level 4: both sides of a true `or` are walked. B stops at level 1.
        assert_eq!(out.indicators[0].witnesses, vec![flow(0), flow(1), flow(2), flow(3)]);
        assert_eq!(out.indicators[1].witnesses, vec![flow(0), flow(1), flow(2)]);
    }
}
