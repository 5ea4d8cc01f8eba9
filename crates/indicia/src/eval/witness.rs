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
                    let Some(at) = self.contributing_plane(body) else { continue };
                    w.found.push((kind, at));
                }
            }
        }
        if w.found.len() > 1 {
            w.found.sort_unstable_by_key(|(k, _)| *k);
        }
        w.words.clear();
        for &(kind, at) in w.found.iter() {
            self.add_words(w.words, kind, at);
        }
        collect(w.words, out);
    }

    /// The witnesses of failed indicator `index`, whose root is `root`: its flattened walk
    /// (`compile::schedule::WitEntry`) when it has one, else [`Run::witnesses`].
    pub(super) fn root_witnesses(
        &mut self,
        w: &mut WitnessBufs<'_>,
        index: usize,
        root: &Operand,
        out: &mut Vec<Witness>,
    ) {
        let plan = &self.p.plan;
        let Some((start, end)) = plan.root_wit[index] else { return self.witnesses(w, root, out) };
        w.words.clear();
        for e in &plan.wit_entries[start as usize..end as usize] {
            // A slot byte is "true" when its "certainly true" bit is set.
            if !plan.wit_guards[e.start as usize..e.end as usize].iter().all(|&g| self.tops[g as usize] & 1 != 0) {
                continue;
            }
            let Some(at) = self.contributing_plane(e.body) else { continue };
            self.add_words(w.words, e.kind, at);
        }
        collect(w.words, out);
    }

    /// Where the "certainly true" plane of a true quantifier's body starts ([`EVERY_FACT`] for a
    /// body true of every fact), or `None` when its scalar body is not certainly true, so that it
    /// contributes no fact.
    fn contributing_plane(&self, body: Body) -> Option<usize> {
        match body {
            Body::All => Some(EVERY_FACT),
            Body::Scalar(o) => (self.scalar_b3(&o) == B3::T).then_some(EVERY_FACT),
            Body::Vector(b) | Body::Nested { node: b, .. } => Some(self.loc(b).0),
        }
    }

    /// Adds the facts of a contributing quantifier over `kind` whose body's "certainly true"
    /// plane starts at `at` (or [`EVERY_FACT`]) to `words`, which holds the words of the kinds
    /// added so far, kind by kind; quantifiers come sorted by kind, so those of one kind are or-ed
    /// into the words of the last kind.
    fn add_words(&self, words: &mut Vec<(KindId, u32, u64)>, kind: KindId, at: usize) {
        let c = self.classes[kind.index()];
        let (nk, nw) = (c.len, c.words);
        let word = |x: usize| if at == EVERY_FACT { mask(nk, x) } else { self.planes[at + x] };
        let first = words.len().saturating_sub(nw);
        match words.get_mut(first..) {
            Some(last) if nw > 0 && last.first().is_some_and(|(k, x, _)| *k == kind && *x == 0) => {
                for (x, (_, _, w)) in last.iter_mut().enumerate() {
                    *w |= word(x);
                }
            }
            _ => words.extend((0..nw).map(|x| (kind, u32::try_from(x * 64).unwrap_or(u32::MAX), word(x)))),
        }
    }
}

/// Appends the witnesses in `words` (kind, index of the word's first fact, bits; per kind in kind
/// order, its words in order) to the empty `out`: sorted by kind and index, without repeats. A list
/// without capacity is sized exactly; one with capacity is reused as it is (it grows when it must).
fn collect(words: &[(KindId, u32, u64)], out: &mut Vec<Witness>) {
    if out.capacity() == 0 {
        out.reserve_exact(words.iter().map(|(_, _, w)| w.count_ones() as usize).sum());
    }
    for &(kind, first, mut word) in words {
        while word != 0 {
            let b = word.trailing_zeros();
            word &= word - 1;
            out.push(Witness { kind, index: first | b });
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
    /// The witness words being collected: kind, index of the word's first fact, bits.
    pub(super) words: &'a mut Vec<(KindId, u32, u64)>,
    pub(super) stack: &'a mut Vec<u32>,
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
