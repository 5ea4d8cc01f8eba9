//! Program × evidence → outcomes: runs a compiled [`Program`] over one app's [`Evidence`].
//!
//! Every boolean node over a fact kind holds two bit planes per fact ("certainly true",
//! "possibly true"), so Kleene `and`/`or`/`not` are word operations over 64 facts at a time; `any`,
//! `all` and `none` reduce their body's words, and `count(K where P)` is exactly
//! `[popcount(true), popcount(possibly)]`. Once-per-app nodes are one byte each (the same two
//! bits), so their `and`/`or` are `&`/`|`. The program's schedule (`compile::schedule`) runs in
//! order:
//!
//! - *column groups* (`groups`): every predicate comparing one string column with literals (`==`, `!=`,
//!   `in`; `"x" in list`, `intersects`) is computed by one pass over the column, one table load per
//!   fact (per list element) giving the bitset of predicates it satisfies; `matches`/`like` on one
//!   column run as one `RegexSet` once per distinct string of the app; `has K.field` joins the
//!   literal group of its column (or a presence group), and a bool field read as a condition joins
//!   its column's presence group;
//! - compiled `and`/`or`/`not`/quantifier steps over slots and planes (`steps`); the quantifiers
//!   over the vector one step computes run together, right after it (a vector `and`/`or`'s one
//!   quantifier in the same step, from the words just combined); a quantifier's step also writes
//!   `observed(K) and` it, a `not` step `(not X) and unknown`, and an `or` step the `and` of four
//!   slots that reads it; the slots compiled steps name
//!   (`u16`) are a fixed-size array indexed without bounds checks;
//! - the general kernel (`kernels`) for the rest (a nested scan re-runs its sub-program per fact of the
//!   enclosing kind, with a kernel for a column compared with the enclosing fact's field).
//!
//! Witnesses (`witness`) are collected only for failed indicators, from the already computed nodes:
//! along the paths from the indicator's root to an `any` or a lower-bounded `count` (listed when
//! the program is built; a walk for a root with too many), so passing indicators cost nothing
//! extra. All buffers live in a [`Scratch`] that is reused: in steady
//! state [`evaluate`] allocates only the returned [`Outcomes`] (one list, plus one exactly sized
//! witness list per failed indicator), and [`evaluate_into`], which refills reused outcomes,
//! nothing. [`evaluate_profiled`] is the same evaluator with a clock
//! read around every step (the `probe`; see [`crate::profile`]).
//!
//! # Indexing
//!
//! The evaluator indexes the program directly. Every index a [`Program`] holds (nodes, operands,
//! constants, literal sets, patterns, nested scans, the plan's steps, groups, slots and witness
//! entries) was checked once when it was built (`compile/validate.rs`), and the scratch buffers
//! are sized from the program (`scratch::prepare`), so an index out of range is a compiler bug,
//! refused at build time as `CompileError::Invalid` (C0901), never a wrong verdict. The tests
//! `compile::tests::a_corrupted_program_is_an_error_when_it_is_built` and
//! `a_vector_read_over_another_kind_is_an_error_when_it_is_built` show it. What comes from the
//! evidence (its tables, columns, a fact's values and list items, symbols) stays checked, since an
//! [`Evidence`] may come from another engine's reader.
#![expect(
    clippy::indexing_slicing,
    reason = "indices into the program and the buffers sized from it are validated when the Program \
              is built (compile/validate.rs; tests compile::tests::a_corrupted_program_is_an_error_when_it_is_built \
              and a_vector_read_over_another_kind_is_an_error_when_it_is_built)"
)]

use std::cell::RefCell;
use std::collections::HashMap;

use crate::compile::schedule;
use crate::compile::value::{B3, ConstVal, Scalar, scalar_eq};
use crate::compile::{Operand, Program};
use crate::evidence::{Column, Evidence, FactTable, Items, Sym};
use crate::hir::{FieldId, KindId, Verdict};
use crate::outcome::{Outcome, Outcomes};
use crate::profile::Profile;
use crate::reuse::with_reused;

mod explain;
mod groups;
mod kernels;
mod probe;
mod scratch;
mod steps;
mod witness;

use scratch::ClassLoc;
pub use scratch::Scratch;

use probe::{NoProbe, Probe, Timed};
use witness::WitnessBufs;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Evaluates `program` over `evidence` with this thread's scratch buffers.
pub fn evaluate_once(program: &Program, evidence: &Evidence) -> Outcomes {
    with_reused(&SCRATCH, |scratch| evaluate(program, evidence, scratch))
}

/// [`evaluate_into`] with this thread's scratch buffers.
pub fn evaluate_once_into(program: &Program, evidence: &Evidence, out: &mut Outcomes) {
    with_reused(&SCRATCH, |scratch| evaluate_into(program, evidence, scratch, out))
}

/// Evaluates `program` over `evidence`: a verdict per indicator, witnesses for failed ones.
/// A new [`Outcomes`] per call: [`evaluate_into`] reuses one.
pub fn evaluate(program: &Program, evidence: &Evidence, scratch: &mut Scratch) -> Outcomes {
    let mut out = Outcomes::default();
    evaluate_into(program, evidence, scratch, &mut out);
    out
}

/// [`evaluate`] into `out`, whose lists are reused: its indicator list and each indicator's
/// witness list are cleared and refilled, so that once their capacities fit the apps seen,
/// evaluating allocates nothing. Whatever `out` held before (another app's, another program's,
/// explanations) is replaced; no explanation is computed.
pub fn evaluate_into(program: &Program, evidence: &Evidence, scratch: &mut Scratch, out: &mut Outcomes) {
    evaluate_in(program, evidence, scratch, &mut NoProbe, Collect::Paths, out);
}

/// [`evaluate`], also explaining every verdict that is not a failure (docs/language.md, "Why
/// inconclusive"): a walk over the computed nodes per inconclusive or passed indicator.
pub fn evaluate_explained(program: &Program, evidence: &Evidence, scratch: &mut Scratch) -> Outcomes {
    let mut out = Outcomes::default();
    evaluate_explained_into(program, evidence, scratch, &mut out);
    out
}

/// [`evaluate_explained`] into `out`, reused as by [`evaluate_into`] (each explanation is a new
/// allocation).
pub fn evaluate_explained_into(program: &Program, evidence: &Evidence, scratch: &mut Scratch, out: &mut Outcomes) {
    evaluate_in(program, evidence, scratch, &mut NoProbe, Collect::PathsExplained, out);
}

/// [`evaluate_explained`] with this thread's scratch buffers.
pub fn evaluate_explained_once(program: &Program, evidence: &Evidence) -> Outcomes {
    with_reused(&SCRATCH, |scratch| evaluate_explained(program, evidence, scratch))
}

/// [`evaluate`], also adding to `profile` how often each node ran and the time it took (see
/// [`crate::profile`]). Timing every step costs about a clock read per node: use it to find the
/// expensive parts of a pack, not to measure evaluation speed.
pub fn evaluate_profiled(
    program: &Program,
    evidence: &Evidence,
    scratch: &mut Scratch,
    profile: &mut Profile,
) -> Outcomes {
    profile.fit(program);
    let mut out = Outcomes::default();
    evaluate_in(program, evidence, scratch, &mut Timed { profile, program }, Collect::Paths, &mut out);
    out
}

/// [`evaluate`] with every indicator's witnesses collected by the walk (`witness`), not by its
/// paths: what the tests compare the paths with.
#[cfg(test)]
fn evaluate_walked(program: &Program, evidence: &Evidence, scratch: &mut Scratch) -> Outcomes {
    let mut out = Outcomes::default();
    evaluate_in(program, evidence, scratch, &mut NoProbe, Collect::Walked, &mut out);
    out
}

/// What an evaluation collects besides the verdicts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// Witnesses of failed indicators by their listed paths (the walk for a root with too many).
    Paths,
    /// The same, and the explanation of every other verdict.
    PathsExplained,
    /// Witnesses by the walk only (for the tests).
    #[cfg(test)]
    Walked,
}

/// Runs the schedule, then fills `out` with the verdicts, the witnesses of failed indicators and,
/// when asked for, the explanations (see [`Collect`]), reusing `out`'s lists.
fn evaluate_in<P: Probe>(
    program: &Program,
    evidence: &Evidence,
    scratch: &mut Scratch,
    probe: &mut P,
    collect: Collect,
    out: &mut Outcomes,
) {
    let start = probe.mark();
    scratch::prepare(program, evidence, scratch);
    let Scratch {
        planes,
        classes,
        cur,
        memo,
        stamp,
        epoch,
        found,
        wit_words,
        wit_list,
        stack,
        match_cache,
        app_epoch,
        set_hits,
        hits,
        tops,
    } = scratch;
    let mut run = Run {
        p: program,
        e: evidence,
        planes,
        classes,
        cur,
        memo,
        match_cache,
        app_epoch: *app_epoch,
        set_hits,
        hits: &mut hits.0,
        tops: steps::TopSlots::new(tops),
        top_class: u32::try_from(program.layout.kind_names.len()).unwrap_or(u32::MAX),
    };
    let mut bufs = WitnessBufs { stamp, epoch, found, stack, words: wit_words, list: wit_list };
    let since = probe.setup(start);
    let since = run.steps(probe, since);
    let roots = &program.layout.roots;
    out.indicators.resize_with(roots.len(), || Outcome {
        verdict: Verdict::Pass,
        witnesses: Vec::new(),
        explanation: None,
    });
    run.outcomes(&mut bufs, probe, since, collect, &mut out.indicators);
    probe.finish(&run);
}

impl Run<'_> {
    /// Fills `out` (one outcome per root) with the verdicts, the witnesses of failed indicators
    /// and, when asked for, the explanations of the others (see [`Collect`]), reusing its lists.
    /// Out of line: the loop keeps what it reads in registers of its own.
    #[inline(never)]
    fn outcomes<P: Probe>(
        &mut self,
        bufs: &mut WitnessBufs<'_>,
        probe: &mut P,
        mut since: P::Mark,
        collect: Collect,
        out: &mut [Outcome],
    ) {
        let p = self.p;
        let paths = &p.plan.root_wit;
        if let Some(slots) = &p.plan.root_slots {
            for (index, ((&slot, paths), o)) in slots.iter().zip(paths).zip(out).enumerate() {
                self.outcome(bufs, collect, index, self.tops.low()[usize::from(slot)], *paths, o);
                since = probe.verdict(index, since);
            }
        } else {
            for (index, ((root, paths), o)) in p.layout.roots.iter().zip(paths).zip(out).enumerate() {
                let v = match root {
                    Operand::Top(i) => self.top(*i),
                    other => self.scalar_b3(other),
                };
                self.outcome(bufs, collect, index, schedule::slot_bits(v), *paths, o);
                since = probe.verdict(index, since);
            }
        }
    }

    /// The outcome of indicator `index`, whose condition's value is the slot byte `value` and
    /// whose listed witness paths are `paths`, into `o` (see [`Run::outcomes`]).
    #[inline(always)]
    fn outcome(
        &mut self,
        bufs: &mut WitnessBufs<'_>,
        collect: Collect,
        index: usize,
        value: u8,
        paths: Option<schedule::WitPaths>,
        o: &mut Outcome,
    ) {
        /// The verdict of each slot byte ("certainly true" bit 0, "possibly true" bit 1, as
        /// `schedule::slot_b3` reads them).
        const VERDICTS: [Verdict; 4] = [Verdict::Pass, Verdict::Fail, Verdict::Inconclusive, Verdict::Fail];
        o.verdict = VERDICTS[usize::from(value & 3)];
        o.witnesses.clear();
        let failed = value & 1 != 0;
        if failed {
            let root = &self.p.layout.roots[index];
            match collect {
                #[cfg(test)]
                Collect::Walked => self.witnesses(bufs, root, &mut o.witnesses),
                _ => self.root_witnesses(bufs, paths, root, &mut o.witnesses),
            }
        }
        o.explanation = if collect == Collect::PathsExplained && !failed {
            let v = schedule::slot_b3(value);
            Some(Box::new(self.explain(bufs, &self.p.layout.roots[index], v)))
        } else {
            None
        };
    }
}

/// A value read from an operand for one fact.
#[derive(Clone, Copy, Debug)]
enum Val<'a> {
    Unk,
    S(Scalar),
    L(ListV<'a>),
}

#[derive(Clone, Copy, Debug)]
enum ListV<'a> {
    Const(&'a [Scalar]),
    Bool(&'a [bool]),
    Int(&'a [i64]),
    Float(&'a [f64]),
    Str(&'a [Sym]),
}

impl ListV<'_> {
    fn contains(&self, x: Scalar) -> bool {
        match self {
            ListV::Const(v) => v.iter().any(|y| scalar_eq(x, *y)),
            ListV::Bool(v) => v.iter().any(|y| scalar_eq(x, Scalar::Bool(*y))),
            ListV::Int(v) => v.iter().any(|y| scalar_eq(x, Scalar::Int(*y))),
            ListV::Float(v) => v.iter().any(|y| scalar_eq(x, Scalar::Float(*y))),
            ListV::Str(v) => match x {
                Scalar::Str(s) => v.contains(&s),
                _ => false,
            },
        }
    }

    fn any(&self, mut f: impl FnMut(Scalar) -> bool) -> bool {
        match self {
            ListV::Const(v) => v.iter().any(|y| f(*y)),
            ListV::Bool(v) => v.iter().any(|y| f(Scalar::Bool(*y))),
            ListV::Int(v) => v.iter().any(|y| f(Scalar::Int(*y))),
            ListV::Float(v) => v.iter().any(|y| f(Scalar::Float(*y))),
            ListV::Str(v) => v.iter().any(|y| f(Scalar::Str(*y))),
        }
    }
}

/// The bits of the present (non-null) values of up to 64 facts.
#[inline]
fn presence<T>(v: Option<&[Option<T>]>) -> u64 {
    v.unwrap_or(&[]).iter().enumerate().fold(0u64, |acc, (b, x)| acc | (u64::from(x.is_some()) << b))
}

/// The bits of the facts `range` (at most 64) that have a value in `col` (`has K.field`).
fn column_presence(col: &Column, range: std::ops::Range<usize>) -> u64 {
    match col {
        Column::Bool(v) => presence(v.get(range)),
        Column::Int(v) => presence(v.get(range)),
        Column::Float(v) => presence(v.get(range)),
        Column::Str(v) => presence(v.get(range)),
        Column::List(l) => presence(l.ranges.get(range)),
    }
}

fn mask(n: usize, w: usize) -> u64 {
    let start = w * 64;
    let rem = n.saturating_sub(start);
    if rem >= 64 { u64::MAX } else { (1u64 << rem) - 1 }
}

/// Kleene `and` (`is_and`) or `or` of one word of several operands, each given as its two planes
/// ("certainly true", "possibly true"): each plane is and-ed (or-ed) on its own. Not masked: the
/// caller keeps the bits of its facts. The one logic of vector `and`/`or`, in the general kernel
/// and in the compiled steps.
#[inline(always)]
fn and_or_word(is_and: bool, words: impl Iterator<Item = (u64, u64)>) -> (u64, u64) {
    if is_and {
        words.fold((u64::MAX, u64::MAX), |(t, p), (a, b)| (t & a, p & b))
    } else {
        words.fold((0, 0), |(t, p), (a, b)| (t | a, p | b))
    }
}

fn broadcast(b: B3) -> (u64, u64) {
    match b {
        B3::F => (0, 0),
        B3::U => (0, u64::MAX),
        B3::T => (u64::MAX, u64::MAX),
    }
}

struct Run<'a> {
    p: &'a Program,
    e: &'a Evidence,
    planes: &'a mut Vec<u64>,
    classes: &'a [ClassLoc],
    cur: &'a mut [u32],
    memo: &'a mut HashMap<(u32, Sym), bool>,
    match_cache: &'a mut [(Vec<u32>, Vec<u64>)],
    app_epoch: u32,
    set_hits: &'a mut [bool],
    /// A column group's hit words, one per member.
    hits: &'a mut [u64; schedule::GROUP_MAX],
    tops: steps::TopSlots<'a>,
    /// The storage class of once-per-app nodes.
    top_class: u32,
}

impl<'a> Run<'a> {
    /// Where node `i`'s planes start, and its word count.
    fn loc(&self, i: u32) -> (usize, usize) {
        let n = &self.p.layout.nodes[i as usize];
        let c = &self.classes[n.class as usize];
        (c.plane(n.slot), c.words)
    }

    /// How many facts node `i`'s vector has (1 for once-per-app nodes).
    fn width(&self, i: u32) -> usize {
        match self.p.layout.nodes[i as usize].region.first() {
            Some(k) => self.classes[k.index()].len,
            None => 1,
        }
    }

    /// Node `i`'s value for fact `idx` (a fact index, so checked: see the module docs).
    fn bit(&self, i: u32, idx: usize) -> B3 {
        let (o, w) = self.loc(i);
        let word = idx / 64;
        let b = 1u64 << (idx % 64);
        let t = self.planes.get(o + word).copied().unwrap_or(0) & b != 0;
        let p = self.planes.get(o + w + word).copied().unwrap_or(0) & b != 0;
        B3::from_bits(t, p)
    }

    fn cur(&self, d: u8) -> usize {
        self.cur[d as usize] as usize
    }

    fn table(&self, k: KindId) -> Option<&'a FactTable> {
        self.e.tables.get(k.index())
    }

    fn is_observed(&self, k: KindId) -> bool {
        self.classes[k.index()].observed
    }

    fn konst(&self, c: u32) -> &'a ConstVal {
        &self.p.layout.consts[c as usize]
    }

    /// A boolean operand's value that is the same for every fact of the node reading it.
    fn scalar_b3(&self, o: &Operand) -> B3 {
        match o {
            Operand::Const(c) => match self.konst(*c) {
                ConstVal::Bool(b) => *b,
                _ => B3::U,
            },
            Operand::Observed(k) => B3::from_bool(self.is_observed(*k)),
            Operand::At(i, d) => self.bit(*i, self.cur(*d)),
            Operand::Top(i) => self.top(*i),
            Operand::Outer { kind, field, depth } => match self.field(*kind, *field, self.cur(*depth)) {
                Val::S(Scalar::Bool(b)) => B3::from_bool(b),
                _ => B3::U,
            },
            Operand::Vector(_) | Operand::Column { .. } => B3::U,
        }
    }

    /// Word `w` of a boolean operand read by a node whose vector has `n` facts.
    fn word(&self, o: &Operand, w: usize) -> (u64, u64) {
        match o {
            Operand::Vector(i) => {
                let (base, nw) = self.loc(*i);
                (self.planes[base + w], self.planes[base + nw + w])
            }
            other => broadcast(self.scalar_b3(other)),
        }
    }

    fn field(&self, k: KindId, f: FieldId, idx: usize) -> Val<'a> {
        let Some(col) = self.table(k).and_then(|t| t.column(f)) else { return Val::Unk };
        let s = match col {
            Column::Bool(v) => v.get(idx).copied().flatten().map(Scalar::Bool),
            Column::Int(v) => v.get(idx).copied().flatten().map(Scalar::Int),
            Column::Float(v) => v.get(idx).copied().flatten().map(Scalar::Float),
            Column::Str(v) => v.get(idx).copied().flatten().map(Scalar::Str),
            Column::List(l) => {
                let Some((s, e)) = l.ranges.get(idx).copied().flatten() else { return Val::Unk };
                let r = s as usize..e as usize;
                let list = match &l.items {
                    Items::Bool(v) => v.get(r).map(ListV::Bool),
                    Items::Int(v) => v.get(r).map(ListV::Int),
                    Items::Float(v) => v.get(r).map(ListV::Float),
                    Items::Str(v) => v.get(r).map(ListV::Str),
                };
                return list.map_or(Val::Unk, Val::L);
            }
        };
        s.map_or(Val::Unk, Val::S)
    }

    /// An operand's value for fact `idx` of the node reading it.
    fn val(&self, o: &Operand, idx: usize) -> Val<'a> {
        match o {
            Operand::Const(c) => match self.konst(*c) {
                ConstVal::Bool(B3::T) => Val::S(Scalar::Bool(true)),
                ConstVal::Bool(B3::F) => Val::S(Scalar::Bool(false)),
                ConstVal::Bool(B3::U) => Val::Unk,
                ConstVal::Scalar(s) => Val::S(*s),
                ConstVal::List(l) => Val::L(ListV::Const(l)),
            },
            Operand::Column { kind, field } => self.field(*kind, *field, idx),
            Operand::Outer { kind, field, depth } => self.field(*kind, *field, self.cur(*depth)),
            Operand::Vector(i) => match self.bit(*i, idx) {
                B3::U => Val::Unk,
                b => Val::S(Scalar::Bool(b == B3::T)),
            },
            other => match self.scalar_b3(other) {
                B3::U => Val::Unk,
                b => Val::S(Scalar::Bool(b == B3::T)),
            },
        }
    }

    fn write(&mut self, base: usize, nw: usize, w: usize, t: u64, p: u64) {
        self.planes[base + w] = t;
        self.planes[base + nw + w] = p;
    }
}
