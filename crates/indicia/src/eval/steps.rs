//! The compiled steps of the once-per-app schedule: `and`/`or`/`not` over slot bytes, quantifiers
//! by reducing a vector's words, vector `and`/`or` word by word.

use indicia_syntax::ast::Quantifier;

use super::probe::Probe;
use super::{ClassLoc, Run, and_or_word};
use crate::compile::schedule::{self as plan, STEP_SLOTS, Slot, Step};
use crate::compile::value::B3;
use crate::hir::KindId;

/// The once-per-app slots (see [`Step`]), lent from the scratch's vector: the first
/// [`STEP_SLOTS`] as a fixed-size array, which the compiled steps index with a [`Slot`] (no bounds
/// check), and the rest (nodes of a program past them, which the general kernel computes).
pub(super) struct TopSlots<'a> {
    low: &'a mut [u8; STEP_SLOTS],
    high: &'a mut [u8],
}

impl<'a> TopSlots<'a> {
    /// The slots in `tops` (sized for the program by `scratch::prepare`), which grows to
    /// [`STEP_SLOTS`] if it is shorter.
    pub(super) fn new(tops: &'a mut Vec<u8>) -> TopSlots<'a> {
        if tops.len() < STEP_SLOTS {
            tops.resize(STEP_SLOTS, 0);
        }
        let (low, high) = tops.split_at_mut(STEP_SLOTS);
        let (arrays, _) = low.as_chunks_mut::<STEP_SLOTS>();
        TopSlots { low: &mut arrays[0], high }
    }

    /// Slot `s` (below [`STEP_SLOTS`]: `compile/validate.rs`).
    #[inline(always)]
    fn at(&self, s: Slot) -> u8 {
        self.low[usize::from(s)]
    }

    /// The slots below [`STEP_SLOTS`], which a [`Slot`] indexes without a bounds check.
    #[inline(always)]
    pub(super) fn low(&self) -> &[u8; STEP_SLOTS] {
        self.low
    }

    /// Sets slot `s` (below [`STEP_SLOTS`]).
    #[inline(always)]
    fn set_at(&mut self, s: Slot, v: u8) {
        self.low[usize::from(s)] = v;
    }

    /// Writes quantifier `node`'s value and its `observed(K) and` (`and_observed`, unless it is
    /// `node` itself): `value` when its kind was `observed`, else unknown and false.
    #[inline(always)]
    fn set_quant(&mut self, observed: bool, node: Slot, and_observed: Slot, value: u8) {
        if observed {
            self.set_observed(node, and_observed, value);
        } else {
            self.set_unobserved(node, and_observed);
        }
    }

    /// A quantifier `node` over a kind that was observed: `value`, and so is `observed(K) and
    /// node` (`and_observed`, unless it is `node` itself).
    #[inline(always)]
    fn set_observed(&mut self, node: Slot, and_observed: Slot, value: u8) {
        self.set_at(and_observed, value);
        self.set_at(node, value);
    }

    /// A quantifier `node` over a kind that was not observed: unknown, and `observed(K) and node`
    /// (`and_observed`, unless it is `node` itself) false.
    #[inline(always)]
    fn set_unobserved(&mut self, node: Slot, and_observed: Slot) {
        self.set_at(and_observed, plan::slot_bits(B3::F));
        self.set_at(node, plan::slot_bits(B3::U));
    }
}

impl std::ops::Index<usize> for TopSlots<'_> {
    type Output = u8;
    fn index(&self, i: usize) -> &u8 {
        if i < STEP_SLOTS { &self.low[i] } else { &self.high[i - STEP_SLOTS] }
    }
}

impl std::ops::IndexMut<usize> for TopSlots<'_> {
    fn index_mut(&mut self, i: usize) -> &mut u8 {
        if i < STEP_SLOTS { &mut self.low[i] } else { &mut self.high[i - STEP_SLOTS] }
    }
}

impl Run<'_> {
    /// Runs the program's schedule, step by step (out of line: the loop keeps its own registers).
    #[inline(never)]
    pub(super) fn steps<P: Probe>(&mut self, probe: &mut P, mut since: P::Mark) -> P::Mark {
        let p = self.p;
        for step in &p.plan.steps {
            self.step(step);
            since = probe.step(*step, self, since);
        }
        since
    }

    /// Runs one step of the once-per-app schedule.
    #[inline(always)]
    pub(super) fn step(&mut self, step: &Step) {
        let p = self.p;
        match *step {
            Step::Node(i) => self.node_step(i),
            Step::Group(g) => self.group(g as usize, &p.plan.groups[g as usize]),
            Step::TopAnd { node, start, end } => {
                let mut acc = 3u8;
                for &o in &p.plan.operands[start as usize..end as usize] {
                    acc &= self.tops.at(o);
                }
                self.tops.set_at(node, acc);
            }
            Step::TopOr { node, start, end } => {
                let mut acc = 0u8;
                for &o in &p.plan.operands[start as usize..end as usize] {
                    acc |= self.tops.at(o);
                }
                self.tops.set_at(node, acc);
            }
            Step::TopAnd2 { node, a, b } => {
                let t = &mut self.tops;
                t.set_at(node, t.at(a) & t.at(b));
            }
            Step::TopAnd4 { node, ops: [a, b, c, d] } => {
                let t = &mut self.tops;
                t.set_at(node, t.at(a) & t.at(b) & t.at(c) & t.at(d));
            }
            Step::TopOr4 { node, ops: [a, b, c, d] } => {
                let t = &mut self.tops;
                t.set_at(node, t.at(a) | t.at(b) | t.at(c) | t.at(d));
            }
            Step::TopOr2 { node, a, b } => {
                let t = &mut self.tops;
                t.set_at(node, t.at(a) | t.at(b));
            }
            Step::TopNot { node, src } => {
                let t = &mut self.tops;
                t.set_at(node, plan::slot_not(t.at(src)));
            }
            Step::TopNotAndUnknown { node, not, src } => {
                let t = &mut self.tops;
                let v = plan::slot_not(t.at(src));
                t.set_at(not, v);
                // Kleene `and` with unknown: false stays false, anything else is unknown.
                t.set_at(node, v & plan::slot_bits(B3::U));
            }
            Step::TopOrAnd { node, or, a, b, ops: [x, y, z] } => {
                let t = &mut self.tops;
                let v = t.at(a) | t.at(b);
                t.set_at(or, v);
                t.set_at(node, v & t.at(x) & t.at(y) & t.at(z));
            }
            Step::TopQuant { node, q, kind, body, and_observed } => {
                let c = self.classes[kind.index()];
                if c.observed {
                    let v = self.quant_slot(q, c.plane(body), c.words, c.tail);
                    self.tops.set_observed(node, and_observed, v);
                } else {
                    self.tops.set_unobserved(node, and_observed);
                }
            }
            Step::Quants { kind, start, end } => {
                let classes = self.classes;
                let c = &classes[kind.index()];
                let quants = &p.plan.quants[start as usize..end as usize];
                if !c.observed {
                    quants.iter().for_each(|q| self.tops.set_unobserved(q.node, q.and_observed));
                    return;
                }
                match c.words {
                    1 => self.quants_fixed::<2>(c, quants),
                    2 => self.quants_fixed::<4>(c, quants),
                    _ => {
                        for q in quants {
                            let v = self.quant_slot(q.q, c.plane(q.body), c.words, c.tail);
                            self.tops.set_observed(q.node, q.and_observed, v);
                        }
                    }
                }
            }
            Step::VecAnd { kind, slot, start, end, .. } => self.vec_logic::<true>(kind, slot, start, end),
            Step::VecOr { kind, slot, start, end, .. } => self.vec_logic::<false>(kind, slot, start, end),
            Step::VecQuants { kind, start, end } => {
                let classes = self.classes;
                let class = &classes[kind.index()];
                let fused = &p.plan.vec_quants[start as usize..end as usize];
                match class.words {
                    1 => self.vec_quants_fixed::<2>(class, fused),
                    2 => self.vec_quants_fixed::<4>(class, fused),
                    _ => fused.iter().for_each(|v| self.vec_quant_words(class, v)),
                }
            }
        }
    }

    /// A [`Step::Node`]: node `i` by the general kernel, and its slot when it is once per app
    /// (out of line, so that the step loop keeps its registers).
    #[inline(never)]
    fn node_step(&mut self, i: u32) {
        self.exec(i);
        if self.p.layout.nodes[i as usize].class == self.top_class {
            let v = plan::slot_bits(self.bit(i, 0));
            self.set_top(i, v);
        }
    }

    /// The quantifiers of a [`Step::Quants`] over an observed kind of `N / 2` words, whose vectors
    /// are arrays of `N` words from its class's base (see [`Run::vec_logic_fixed`]).
    #[inline(always)]
    fn quants_fixed<const N: usize>(&mut self, c: &ClassLoc, quants: &[plan::QuantStep]) {
        let (vectors, _) = self.planes[c.base..].as_chunks::<N>();
        for q in quants {
            let v = quant_array(q.q, &vectors[q.body as usize], c.tail);
            self.tops.set_observed(q.node, q.and_observed, v);
        }
    }

    pub(super) fn set_top(&mut self, i: u32, v: u8) {
        self.tops[i as usize] = v;
    }

    /// A vector `and` (`IS_AND`) or `or` of compiled operands: over one or two words of facts
    /// (up to 128 facts, the usual app) into a fixed-size array, else word by word.
    pub(super) fn vec_logic<const IS_AND: bool>(&mut self, kind: KindId, slot: u32, start: u32, end: u32) {
        let classes = self.classes;
        let class = &classes[kind.index()];
        match class.words {
            1 => self.vec_logic_fixed::<IS_AND, 2>(class, slot, start, end),
            2 => self.vec_logic_fixed::<IS_AND, 4>(class, slot, start, end),
            _ => {
                let p = self.p;
                let ops = p.plan.vec_operands[start as usize..end as usize].iter().copied();
                self.vec_logic_words::<IS_AND>(class, slot, ops);
            }
        }
    }

    /// [`Run::vec_logic`] over a class of `N / 2` words: a vector's two planes are contiguous, so
    /// the class's vectors are arrays of `N` words from its base (vector `j` the `j`-th), combined
    /// by [`combine`].
    #[inline(always)]
    fn vec_logic_fixed<const IS_AND: bool, const N: usize>(
        &mut self,
        class: &ClassLoc,
        slot: u32,
        start: u32,
        end: u32,
    ) {
        let p = self.p;
        let ops = &p.plan.vec_operands[start as usize..end as usize];
        let (vectors, _) = self.planes[class.base..].as_chunks_mut::<N>();
        vectors[slot as usize] = combine::<IS_AND, N>(vectors, &self.tops, ops, class.tail);
    }

    /// A run of fused vector `and`/`or` steps, each with the quantifier over it (a
    /// [`Step::VecQuants`]), over a class of `N / 2` words: each quantifier reduces the words
    /// just combined.
    #[inline(always)]
    fn vec_quants_fixed<const N: usize>(&mut self, class: &ClassLoc, fused: &[plan::VecQuant]) {
        if class.observed {
            self.vec_quants_run::<N, true>(class, fused);
        } else {
            self.vec_quants_run::<N, false>(class, fused);
        }
    }

    /// [`Run::vec_quants_fixed`] over a kind that was `OBSERVED` or not.
    #[inline(always)]
    fn vec_quants_run<const N: usize, const OBSERVED: bool>(&mut self, class: &ClassLoc, fused: &[plan::VecQuant]) {
        let (vectors, _) = self.planes[class.base..].as_chunks_mut::<N>();
        for v in fused {
            let acc = if v.is_and {
                combine_fused::<true, N>(vectors, &self.tops, v, class.tail)
            } else {
                combine_fused::<false, N>(vectors, &self.tops, v, class.tail)
            };
            vectors[v.slot as usize] = acc;
            if OBSERVED {
                let value = quant_array(v.q, &acc, class.tail);
                self.tops.set_observed(v.quant, v.and_observed, value);
            } else {
                self.tops.set_unobserved(v.quant, v.and_observed);
            }
        }
    }

    /// A fused vector step (see [`Step::VecQuants`]) over a class of any number of words.
    fn vec_quant_words(&mut self, class: &ClassLoc, v: &plan::VecQuant) {
        let slots = v.slots.into_iter().flatten().map(plan::VecOperand::Slot);
        let ops = v.vectors.map(plan::VecOperand::Vector).into_iter().chain(slots);
        if v.is_and {
            self.vec_logic_words::<true>(class, v.slot, ops);
        } else {
            self.vec_logic_words::<false>(class, v.slot, ops);
        }
        let value = self.quant_slot(v.q, class.plane(v.slot), class.words, class.tail);
        self.tops.set_quant(class.observed, v.quant, v.and_observed, value);
    }

    /// [`Run::vec_logic`] word by word, for any number of words.
    fn vec_logic_words<const IS_AND: bool>(
        &mut self,
        class: &ClassLoc,
        slot: u32,
        ops: impl Iterator<Item = plan::VecOperand> + Clone,
    ) {
        let nw = class.words;
        let dst = class.plane(slot);
        for w in 0..nw {
            let (t, pp) = and_or_word(
                IS_AND,
                ops.clone().map(|o| match o {
                    plan::VecOperand::Vector(j) => {
                        let at = class.plane(j) + w;
                        (self.planes[at], self.planes[at + nw])
                    }
                    plan::VecOperand::Slot(s) => plan::slot_words(self.tops.at(s)),
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
    /// the last one's facts `tail`); a one-word vector (up to 64 facts, most kinds of an app) is
    /// read as its two words.
    #[inline(always)]
    pub(super) fn quant_slot(&self, q: Quantifier, base: usize, nw: usize, tail: u64) -> u8 {
        if nw == 1
            && let &[t, p] = &self.planes[base..base + 2]
        {
            return match q {
                Quantifier::Any | Quantifier::None => any_slot(q, t != 0, t | p != 0),
                Quantifier::All => all_slot(t == tail, p == tail),
            };
        }
        quant_planes(q, &self.planes[base..base + 2 * nw], nw, tail)
    }
}

/// The vector `and` (`IS_AND`) or `or` of `ops` over a class of `N / 2` words whose vectors are
/// `vectors`: each vector operand's array is combined into the result, the slot operands are
/// combined as one byte and applied once, then the last word of each plane is masked to the
/// class's facts (`tail`).
#[inline(always)]
fn combine<const IS_AND: bool, const N: usize>(
    vectors: &[[u64; N]],
    tops: &TopSlots<'_>,
    ops: &[plan::VecOperand],
    tail: u64,
) -> [u64; N] {
    let op = |a: u64, b: u64| if IS_AND { a & b } else { a | b };
    let mut acc = [if IS_AND { u64::MAX } else { 0 }; N];
    let identity = plan::slot_bits(if IS_AND { B3::T } else { B3::F });
    let mut slots = identity;
    for o in ops {
        match *o {
            plan::VecOperand::Slot(s) => {
                let x = tops.at(s);
                slots = if IS_AND { slots & x } else { slots | x };
            }
            plan::VecOperand::Vector(j) => {
                for (a, b) in acc.iter_mut().zip(&vectors[j as usize]) {
                    *a = op(*a, *b);
                }
            }
        }
    }
    apply_slots::<IS_AND, N>(&mut acc, slots, tail);
    acc
}

/// Applies the combined slot operands `slots` (a slot byte) to the words `acc` of a vector
/// `and` (`IS_AND`) or `or` (nothing to do when they are the operation's identity), then masks the
/// last word of each plane to the class's facts (`tail`).
#[inline(always)]
fn apply_slots<const IS_AND: bool, const N: usize>(acc: &mut [u64; N], slots: u8, tail: u64) {
    let op = |a: u64, b: u64| if IS_AND { a & b } else { a | b };
    let half = N / 2;
    if slots != plan::slot_bits(if IS_AND { B3::T } else { B3::F }) {
        let (st, sp) = plan::slot_words(slots);
        let (t, pp) = acc.split_at_mut(half);
        t.iter_mut().for_each(|x| *x = op(*x, st));
        pp.iter_mut().for_each(|x| *x = op(*x, sp));
    }
    mask_tail(acc, tail);
}

/// Masks the last word of each plane of `acc` (a vector of `N / 2` words) to the class's facts.
#[inline(always)]
fn mask_tail<const N: usize>(acc: &mut [u64; N], tail: u64) {
    acc[N / 2 - 1] &= tail;
    acc[N - 1] &= tail;
}

/// The vector `and` (`IS_AND`) or `or` of a fused step's operands (see [`plan::VecQuant`]) over
/// a class of `N / 2` words whose vectors are `vectors`, as [`combine`] computes it.
#[inline(always)]
fn combine_fused<const IS_AND: bool, const N: usize>(
    vectors: &[[u64; N]],
    tops: &TopSlots<'_>,
    v: &plan::VecQuant,
    tail: u64,
) -> [u64; N] {
    let op = |a: u64, b: u64| if IS_AND { a & b } else { a | b };
    let [a, b, c] = v.vectors.map(|j| &vectors[j as usize]);
    let mut acc: [u64; N] = std::array::from_fn(|i| op(op(a[i], b[i]), c[i]));
    match v.slots {
        Some(slots) => {
            let [s0, s1] = slots.map(|s| tops.at(s));
            apply_slots::<IS_AND, N>(&mut acc, if IS_AND { s0 & s1 } else { s0 | s1 }, tail);
        }
        None => mask_tail(&mut acc, tail),
    }
    acc
}

/// A quantifier over a vector of `N / 2` words given as one array of its two planes, as a slot
/// byte (see [`quant_planes`]).
#[inline(always)]
fn quant_array<const N: usize>(q: Quantifier, v: &[u64; N], tail: u64) -> u8 {
    if let &[t, p] = &v[..] {
        return match q {
            Quantifier::Any | Quantifier::None => any_slot(q, t != 0, t | p != 0),
            Quantifier::All => all_slot(t == tail, p == tail),
        };
    }
    quant_planes(q, v, N / 2, tail)
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
            any_slot(q, any_t != 0, any_t | any_p != 0)
        }
        Quantifier::All => {
            // Every fact's bit set in both planes: all words full, the last one `tail`.
            let (mut all_t, mut all_p) = (true, true);
            if let (Some((lt, t)), Some((lp, pp))) = (t.split_last(), pp.split_last()) {
                all_t = *lt == tail && t.iter().all(|x| *x == u64::MAX);
                all_p = *lp == tail && pp.iter().all(|x| *x == u64::MAX);
            }
            all_slot(all_t, all_p)
        }
    }
}

/// `any` (or `none`, `q`) as a slot byte, from whether some fact is certainly true and whether
/// some is possibly true.
#[inline(always)]
fn any_slot(q: Quantifier, some_true: bool, some_possibly: bool) -> u8 {
    let v = u8::from(some_true) | (u8::from(some_possibly) << 1);
    if q == Quantifier::None { plan::slot_not(v) } else { v }
}

/// `all` as a slot byte, from whether every fact is certainly true and whether every one is
/// possibly true.
#[inline(always)]
fn all_slot(all_true: bool, all_possibly: bool) -> u8 {
    plan::slot_bits(if !all_possibly {
        B3::F
    } else if !all_true {
        B3::U
    } else {
        B3::T
    })
}

#[cfg(test)]
mod tests {
    use crate::compile::compile;
    use crate::evidence::read_evidence;
    use crate::hir::{ParamValues, Verdict};
    use crate::load::{check_pack, load_sources};

    use super::STEP_SLOTS;

    /// A program with more once-per-app nodes than the compiled steps can name (fewer in the
    /// unit tests): the nodes past them run in the general kernel, with their slots in the
    /// vector, and every indicator's verdict and witnesses are those of its port.
    #[test]
    fn nodes_past_the_step_slots_run_in_the_general_kernel() {
        let mut src = String::from("category c { title: \"c\" }\nfact flow { port: int }\n");
        let indicators = STEP_SLOTS / 2 + 20;
        for i in 0..indicators {
            src.push_str(&format!(
                "indicator \"I{i:04}\" {{ title: \"t\" category: c severity: low when: observed(flow) and any flow where port == {i} }}\n"
            ));
        }
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src)])).unwrap();
        let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap();
        assert!(program.layout.nodes.len() > STEP_SLOTS, "{} nodes", program.layout.nodes.len());
        let ports = [3, STEP_SLOTS / 2 + 5, 3];
        let app = format!(
            "{{\"app\": {{\"id\": \"a\"}}, \"facts\": {{\"flow\": [{}]}}}}",
            ports.iter().map(|p| format!("{{\"port\": {p}}}")).collect::<Vec<_>>().join(", ")
        );
        let evidence = read_evidence(app.as_bytes(), &pack.schema, program.symbols()).unwrap();
        let out = crate::eval::evaluate_once(&program, &evidence);
        for (i, o) in out.indicators.iter().enumerate() {
            let facts: Vec<u32> = (0..).zip(ports).filter(|(_, p)| *p == i).map(|(f, _)| f).collect();
            let want = if facts.is_empty() { Verdict::Pass } else { Verdict::Fail };
            assert_eq!(o.verdict, want, "indicator {i}");
            let got: Vec<u32> = o.witnesses.iter().map(|w| w.index).collect();
            assert_eq!(got, facts, "indicator {i}");
        }
    }

    /// A fused vector step holds its operands in fixed-size arrays: once-per-app operands are
    /// padded with the operation's identity, vectors by repeating the last; a step with more
    /// vectors than a fused step holds runs unfused. Both give the verdicts of Kleene logic.
    #[test]
    fn fused_vector_steps_pad_their_operands_and_wider_ones_run_unfused() {
        use crate::compile::schedule::{FUSED_VECTORS, Step};
        let src = format!(
            "category c {{ title: \"c\" }}\nfact flow {{ port: int }}\n{}{}{}{}",
            "indicator \"A\" { title: \"t\" category: c severity: low when: any flow where (port == 80 or unknown) }\n",
            "indicator \"B\" { title: \"t\" category: c severity: low when: any flow where (port > 1 and port > 2 and port > 3 and port > 4) }\n",
            "indicator \"C\" { title: \"t\" category: c severity: low when: all flow where (port > 5 and unknown) }\n",
            "indicator \"D\" { title: \"t\" category: c severity: low when: any flow where (port > 6 or port < 4) }\n",
        );
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src)])).unwrap();
        let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap();
        let fused = &program.plan.vec_quants;
        assert_eq!(fused.len(), 3, "{}", program.dump_steps());
        let unknown = u16::try_from(program.layout.nodes.len() + 1).unwrap();
        let (f, t) = (unknown - 1, unknown + 1);
        let [a, c, d] = [0, 1, 2].map(|i| fused[i].vectors);
        assert!(a[0] == a[1] && a[1] == a[2] && c[0] == c[1] && c[1] == c[2], "one vector, repeated");
        assert!(d[0] != d[1] && d[1] == d[2], "two vectors, the last repeated: {d:?}");
        assert_eq!(fused[0].slots, Some([unknown, f]), "an `or` is padded with false");
        assert_eq!(fused[1].slots, Some([unknown, t]), "an `and` with true");
        assert_eq!(fused[2].slots, None, "no once-per-app operand");
        let wide = program
            .plan
            .steps
            .iter()
            .any(|s| matches!(s, Step::VecAnd { start, end, .. } if (end - start) as usize > FUSED_VECTORS));
        assert!(wide, "{}", program.dump_steps());
        // (port, verdicts of A, B, C)
        let cases = [
            (80, [Verdict::Fail, Verdict::Fail, Verdict::Inconclusive, Verdict::Fail]),
            (3, [Verdict::Inconclusive, Verdict::Pass, Verdict::Pass, Verdict::Fail]),
            (5, [Verdict::Inconclusive, Verdict::Fail, Verdict::Pass, Verdict::Pass]),
        ];
        for (port, want) in cases {
            let app = format!("{{\"app\": {{\"id\": \"a\"}}, \"facts\": {{\"flow\": [{{\"port\": {port}}}]}}}}");
            let evidence = read_evidence(app.as_bytes(), &pack.schema, program.symbols()).unwrap();
            let out = crate::eval::evaluate_once(&program, &evidence);
            let got: Vec<Verdict> = out.indicators.iter().map(|o| o.verdict).collect();
            assert_eq!(got, want, "port {port}");
        }
    }
}
