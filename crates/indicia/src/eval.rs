//! Program × evidence → outcomes: runs a compiled [`Program`] over one app's [`Evidence`].
//!
//! Every boolean node over a fact kind holds two bit planes per fact ("certainly true",
//! "possibly true"), so Kleene `and`/`or`/`not` are word operations over 64 facts at a time; `any`,
//! `all` and `none` reduce their body's words, and `count(K where P)` is exactly
//! `[popcount(true), popcount(possibly)]`. Once-per-app nodes are one byte each (the same two
//! bits), so their `and`/`or` are `&`/`|`. The program's schedule (`plan`) runs in order:
//!
//! - *column groups*: every predicate comparing one string column with literals (`==`, `!=`,
//!   `in`; `"x" in list`, `intersects`) is computed by one pass over the column, one table load per
//!   fact (per list element) giving the bitset of predicates it satisfies; `matches`/`like` on one
//!   column run as one `RegexSet` once per distinct string of the app;
//! - compiled `and`/`or`/`not`/quantifier steps over slots and planes;
//! - the general kernel for the rest (a nested scan re-runs its sub-program per fact of the
//!   enclosing kind, with a kernel for a column compared with the enclosing fact's field).
//!
//! Witnesses are collected only for failed indicators, by a walk over the already computed nodes
//! that follows only paths able to reach an `any` or a lower-bounded `count`, so passing
//! indicators cost nothing extra. All buffers live in a [`Scratch`] that is reused: in steady
//! state an evaluation allocates only the returned [`Outcomes`] (one list, plus one exactly sized
//! witness list per failed indicator). [`evaluate_profiled`] is the same evaluator with a clock
//! read around every step (see [`crate::profile`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Instant;

use indicia_syntax::ast::Quantifier;

use crate::evidence::{Column, Evidence, FactTable, Items, Sym};
use crate::graph::value::{B3, ConstVal, Scalar, count_cmp, scalar_cmp, scalar_eq};
use crate::graph::{Body, Op, Operand, Program};
use crate::hir::{CmpOp, FieldId, KindId, Verdict};
use crate::outcome::{Outcome, Outcomes, Witness};
use crate::profile::Profile;

pub(crate) mod plan;

use plan::{Group, GroupKind, Step};

/// Reusable evaluation buffers; keep one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    planes: Vec<u64>,
    bases: Vec<usize>,
    words: Vec<usize>,
    lens: Vec<usize>,
    observed: Vec<bool>,
    cur: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
    wit: Vec<u64>,
    wit_base: Vec<usize>,
    touched: Vec<bool>,
    stack: Vec<u32>,
    memo: HashMap<(u32, Sym), bool>,
    /// Per match group: per symbol, the app epoch its cached mask belongs to, and the mask.
    match_cache: Vec<(Vec<u32>, Vec<u64>)>,
    /// Counts evaluations, so that cached pattern masks of an earlier app are never read.
    app_epoch: u32,
    set_hits: Vec<bool>,
    /// The once-per-app values, one slot byte each (see [`plan::Step`]).
    tops: Vec<u8>,
    /// A group's member locations and hit words, reused.
    at: Vec<usize>,
    hits: Vec<u64>,
}

impl Scratch {
    /// Empty buffers; they grow to fit the first programs and apps evaluated.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Every buffer's address and capacity. Once the buffers fit the largest app seen, this does
    /// not change: evaluation reuses them and allocates only its [`Outcomes`].
    pub fn footprint(&self) -> Vec<(usize, usize)> {
        fn of<T>(v: &[T], cap: usize) -> (usize, usize) {
            (v.as_ptr() as usize, cap)
        }
        let mut out = vec![
            of(&self.planes, self.planes.capacity()),
            of(&self.bases, self.bases.capacity()),
            of(&self.words, self.words.capacity()),
            of(&self.lens, self.lens.capacity()),
            of(&self.observed, self.observed.capacity()),
            of(&self.cur, self.cur.capacity()),
            of(&self.stamp, self.stamp.capacity()),
            of(&self.wit, self.wit.capacity()),
            of(&self.wit_base, self.wit_base.capacity()),
            of(&self.touched, self.touched.capacity()),
            of(&self.stack, self.stack.capacity()),
            (0, self.memo.capacity()),
            of(&self.match_cache, self.match_cache.capacity()),
            of(&self.set_hits, self.set_hits.capacity()),
            of(&self.tops, self.tops.capacity()),
            of(&self.at, self.at.capacity()),
            of(&self.hits, self.hits.capacity()),
        ];
        for (stamps, masks) in &self.match_cache {
            out.push(of(stamps, stamps.capacity()));
            out.push(of(masks, masks.capacity()));
        }
        out
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Evaluates `program` over `evidence` with this thread's scratch buffers.
pub fn evaluate_once(program: &Program, evidence: &Evidence) -> Outcomes {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut scratch) => evaluate(program, evidence, &mut scratch),
        Err(_) => evaluate(program, evidence, &mut Scratch::new()),
    })
}

/// Evaluates `program` over `evidence`: a verdict per indicator, witnesses for failed ones.
pub fn evaluate(program: &Program, evidence: &Evidence, scratch: &mut Scratch) -> Outcomes {
    evaluate_in(program, evidence, scratch, &mut NoProbe)
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
    evaluate_in(program, evidence, scratch, &mut Timed { profile, program })
}

/// Hooks around the parts of an evaluation; [`NoProbe`]'s compile to nothing.
trait Probe {
    type Mark: Copy;
    fn mark(&mut self) -> Self::Mark;
    /// Each hook returns the mark the next part starts from (one clock read per part).
    fn setup(&mut self, since: Self::Mark) -> Self::Mark;
    fn step(&mut self, step: Step, run: &Run<'_>, since: Self::Mark) -> Self::Mark;
    fn verdict(&mut self, indicator: usize, since: Self::Mark) -> Self::Mark;
    fn finish(&mut self, run: &Run<'_>);
}

struct NoProbe;

impl Probe for NoProbe {
    type Mark = ();
    #[inline(always)]
    fn mark(&mut self) {}
    #[inline(always)]
    fn setup(&mut self, _: ()) {}
    #[inline(always)]
    fn step(&mut self, _: Step, _: &Run<'_>, _: ()) {}
    #[inline(always)]
    fn verdict(&mut self, _: usize, _: ()) {}
    #[inline(always)]
    fn finish(&mut self, _: &Run<'_>) {}
}

/// The probe of [`evaluate_profiled`].
struct Timed<'a> {
    profile: &'a mut Profile,
    program: &'a Program,
}

impl Probe for Timed<'_> {
    type Mark = Instant;
    fn mark(&mut self) -> Instant {
        Instant::now()
    }
    fn setup(&mut self, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        self.profile.begin_app(nanos);
        now
    }
    fn step(&mut self, step: Step, run: &Run<'_>, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        let p = self.program;
        let single = step.node();
        let members: &[plan::Member] = match step {
            Step::Group(g) => p.plan.groups.get(g as usize).map_or(&[], |g| &g.members),
            _ => &[],
        };
        let count = members.len().max(1) as u64;
        for (k, i) in members.iter().map(|m| m.node).chain(single).enumerate() {
            // A group's time is split evenly among its predicates (the remainder to the first).
            let share = nanos / count + if k == 0 { nanos % count } else { 0 };
            self.profile.add(i, 1, run.width(i) as u64, share);
            // A quantifier whose body reads the enclosing fact runs its sub-program per fact.
            let Some(
                Op::Quant { kind, body: Body::Nested { sub, .. }, .. }
                | Op::Count { kind, body: Body::Nested { sub, .. }, .. },
            ) = p.nodes.get(i as usize).map(|n| &n.op)
            else {
                continue;
            };
            if !run.is_observed(*kind) {
                continue;
            }
            let outer = run.width(i) as u64;
            let (s, e) = p.subs.get(*sub as usize).copied().unwrap_or((0, 0));
            for &x in p.sub_nodes.get(s as usize..e as usize).unwrap_or(&[]) {
                self.profile.add(x, outer, outer * run.width(x) as u64, 0);
            }
        }
        now
    }
    fn verdict(&mut self, indicator: usize, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        self.profile.add_verdict(indicator, nanos);
        now
    }
    fn finish(&mut self, run: &Run<'_>) {
        self.profile.end_app(run.lens.iter().sum::<usize>() + self.program.nodes.len());
    }
}

fn evaluate_in<P: Probe>(program: &Program, evidence: &Evidence, scratch: &mut Scratch, probe: &mut P) -> Outcomes {
    let start = probe.mark();
    prepare(program, evidence, scratch);
    let Scratch {
        planes,
        bases,
        words,
        lens,
        observed,
        cur,
        memo,
        stamp,
        epoch,
        wit,
        wit_base,
        touched,
        stack,
        match_cache,
        app_epoch,
        set_hits,
        tops,
        at,
        hits,
    } = scratch;
    let mut run = Run {
        p: program,
        e: evidence,
        planes,
        bases,
        words,
        lens,
        observed,
        cur,
        memo,
        match_cache,
        app_epoch: *app_epoch,
        set_hits,
        tops,
        at,
        hits,
        top_class: u32::try_from(program.kind_names.len()).unwrap_or(u32::MAX),
    };
    let mut bufs = WitnessBufs { stamp, epoch, bits: wit, base: wit_base, touched, stack };
    let mut since = probe.setup(start);
    for step in &program.plan.steps {
        run.step(*step);
        since = probe.step(*step, &run, since);
    }
    let mut indicators = Vec::with_capacity(program.roots.len());
    for (index, root) in program.roots.iter().enumerate() {
        let v = run.scalar_b3(root);
        let verdict = match v {
            B3::T => Verdict::Fail,
            B3::F => Verdict::Pass,
            B3::U => Verdict::Inconclusive,
        };
        let witnesses = if v == B3::T { run.witnesses(&mut bufs, root) } else { Vec::new() };
        indicators.push(Outcome { verdict, witnesses });
        since = probe.verdict(index, since);
    }
    probe.finish(&run);
    Outcomes { indicators }
}

/// Sizes the buffers for this program and app.
fn prepare(p: &Program, e: &Evidence, s: &mut Scratch) {
    let kinds = p.kind_names.len();
    s.lens.clear();
    s.observed.clear();
    for k in 0..kinds {
        let t = e.tables.get(k);
        s.lens.push(t.map_or(0, |t| t.len));
        s.observed.push(t.is_some_and(|t| t.observed));
    }
    s.words.clear();
    s.words.extend(s.lens.iter().map(|n| n.div_ceil(64)));
    s.words.push(1);
    s.bases.clear();
    let mut total = 0usize;
    for (c, &count) in p.class_sizes.iter().enumerate() {
        s.bases.push(total);
        total += count as usize * 2 * s.words.get(c).copied().unwrap_or(1);
    }
    if s.planes.len() < total {
        s.planes.resize(total, 0);
    }
    if s.cur.len() < p.max_depth + 1 {
        s.cur.resize(p.max_depth + 1, 0);
    }
    if s.stamp.len() < p.nodes.len() {
        s.stamp.resize(p.nodes.len(), 0);
    }
    s.wit_base.clear();
    let mut w = 0;
    for k in 0..kinds {
        s.wit_base.push(w);
        w += s.words.get(k).copied().unwrap_or(0);
    }
    if s.wit.len() < w {
        s.wit.resize(w, 0);
    }
    if s.touched.len() < kinds {
        s.touched.resize(kinds, false);
    }
    s.memo.clear();
    s.app_epoch = s.app_epoch.wrapping_add(1);
    if s.app_epoch == 0 {
        for (stamps, _) in &mut s.match_cache {
            stamps.iter_mut().for_each(|x| *x = 0);
        }
        s.app_epoch = 1;
    }
    let groups = p.plan.groups.len();
    if s.match_cache.len() < groups {
        s.match_cache.resize_with(groups, Default::default);
    }
    let syms = e.symbols.len() + e.local.len();
    for (g, (stamps, masks)) in p.plan.groups.iter().zip(&mut s.match_cache) {
        if g.kind == GroupKind::Match && stamps.len() < syms {
            stamps.resize(syms, 0);
            masks.resize(syms, 0);
        }
    }
    if s.set_hits.len() < plan::GROUP_MAX {
        s.set_hits.resize(plan::GROUP_MAX, false);
        s.at.resize(plan::GROUP_MAX, 0);
        s.hits.resize(plan::GROUP_MAX, 0);
    }
    if s.tops.len() < p.plan.slots {
        s.tops.resize(p.plan.slots, 0);
    }
    let n = p.nodes.len();
    for (b, off) in [(B3::F, 0), (B3::U, 1), (B3::T, 2)] {
        if let Some(x) = s.tops.get_mut(n + off) {
            *x = plan::slot_bits(b);
        }
    }
    for (k, &o) in s.observed.iter().enumerate() {
        if let Some(x) = s.tops.get_mut(n + 3 + k) {
            *x = plan::slot_bits(B3::from_bool(o));
        }
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

fn mask(n: usize, w: usize) -> u64 {
    let start = w * 64;
    let rem = n.saturating_sub(start);
    if rem >= 64 { u64::MAX } else { (1u64 << rem) - 1 }
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
    bases: &'a [usize],
    words: &'a [usize],
    lens: &'a [usize],
    observed: &'a [bool],
    cur: &'a mut [u32],
    memo: &'a mut HashMap<(u32, Sym), bool>,
    match_cache: &'a mut [(Vec<u32>, Vec<u64>)],
    app_epoch: u32,
    set_hits: &'a mut [bool],
    tops: &'a mut [u8],
    at: &'a mut Vec<usize>,
    hits: &'a mut Vec<u64>,
    /// The storage class of once-per-app nodes.
    top_class: u32,
}

impl<'a> Run<'a> {
    /// Where node `i`'s planes start, and its word count.
    fn loc(&self, i: u32) -> (usize, usize) {
        let Some(n) = self.p.nodes.get(i as usize) else { return (0, 0) };
        let c = n.class as usize;
        let w = self.words.get(c).copied().unwrap_or(0);
        (self.bases.get(c).copied().unwrap_or(0) + n.slot as usize * 2 * w, w)
    }

    /// How many facts node `i`'s vector has (1 for once-per-app nodes).
    fn width(&self, i: u32) -> usize {
        match self.p.nodes.get(i as usize).and_then(|n| n.region.first()) {
            Some(k) => self.lens.get(k.index()).copied().unwrap_or(0),
            None => 1,
        }
    }

    fn bit(&self, i: u32, idx: usize) -> B3 {
        let (o, w) = self.loc(i);
        let word = idx / 64;
        let b = 1u64 << (idx % 64);
        let t = self.planes.get(o + word).copied().unwrap_or(0) & b != 0;
        let p = self.planes.get(o + w + word).copied().unwrap_or(0) & b != 0;
        B3::from_bits(t, p)
    }

    fn cur(&self, d: u8) -> usize {
        self.cur.get(d as usize).copied().unwrap_or(0) as usize
    }

    fn table(&self, k: KindId) -> Option<&'a FactTable> {
        self.e.tables.get(k.index())
    }

    fn is_observed(&self, k: KindId) -> bool {
        self.observed.get(k.index()).copied().unwrap_or(false)
    }

    fn konst(&self, c: u32) -> Option<&'a ConstVal> {
        self.p.consts.get(c as usize)
    }

    /// A boolean operand's value that is the same for every fact of the node reading it.
    fn scalar_b3(&self, o: &Operand) -> B3 {
        match o {
            Operand::Const(c) => match self.konst(*c) {
                Some(ConstVal::Bool(b)) => *b,
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
                (self.planes.get(base + w).copied().unwrap_or(0), self.planes.get(base + nw + w).copied().unwrap_or(0))
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
                Some(ConstVal::Bool(B3::T)) => Val::S(Scalar::Bool(true)),
                Some(ConstVal::Bool(B3::F)) => Val::S(Scalar::Bool(false)),
                Some(ConstVal::Bool(B3::U)) | None => Val::Unk,
                Some(ConstVal::Scalar(s)) => Val::S(*s),
                Some(ConstVal::List(l)) => Val::L(ListV::Const(l)),
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
        if let Some(x) = self.planes.get_mut(base + w) {
            *x = t;
        }
        if let Some(x) = self.planes.get_mut(base + nw + w) {
            *x = p;
        }
    }

    /// Runs one step of the once-per-app schedule.
    #[inline(always)]
    fn step(&mut self, step: Step) {
        let p = self.p;
        match step {
            Step::Node(i) => {
                let Some(node) = p.nodes.get(i as usize) else { return };
                self.exec(i);
                if node.class == self.top_class {
                    let v = plan::slot_bits(self.bit(i, 0));
                    self.set_top(i, v);
                }
            }
            Step::Group(g) => {
                if let Some(group) = p.plan.groups.get(g as usize) {
                    self.group(g as usize, group);
                }
            }
            Step::TopAnd { node, start, end } => {
                let mut acc = 3u8;
                for &o in p.plan.operands.get(start as usize..end as usize).unwrap_or(&[]) {
                    acc &= self.tops.get(o as usize).copied().unwrap_or(2);
                }
                self.set_top(node, acc);
            }
            Step::TopOr { node, start, end } => {
                let mut acc = 0u8;
                for &o in p.plan.operands.get(start as usize..end as usize).unwrap_or(&[]) {
                    acc |= self.tops.get(o as usize).copied().unwrap_or(2);
                }
                self.set_top(node, acc);
            }
            Step::TopNot { node, src } => {
                let v = plan::slot_not(self.tops.get(src as usize).copied().unwrap_or(2));
                self.set_top(node, v);
            }
            Step::TopQuant { node, q, kind, body } => {
                let v = if self.is_observed(kind) {
                    let (base, nw) = self.class_loc(kind.0, body);
                    self.reduce_at(q, base, nw, self.lens.get(kind.index()).copied().unwrap_or(0))
                } else {
                    B3::U
                };
                self.set_top(node, plan::slot_bits(v));
            }
            Step::VecAnd { kind, slot, start, end, .. } => self.vec_logic(kind, slot, start, end, true),
            Step::VecOr { kind, slot, start, end, .. } => self.vec_logic(kind, slot, start, end, false),
        }
    }

    fn set_top(&mut self, i: u32, v: u8) {
        if let Some(x) = self.tops.get_mut(i as usize) {
            *x = v;
        }
    }

    /// A vector `and` (`is_and`) or `or` of compiled operands, word by word.
    fn vec_logic(&mut self, kind: KindId, slot: u32, start: u32, end: u32, is_and: bool) {
        let p = self.p;
        let n = self.lens.get(kind.index()).copied().unwrap_or(0);
        let (base, nw) = self.class_loc(kind.0, slot);
        let ops = p.plan.vec_operands.get(start as usize..end as usize).unwrap_or(&[]);
        let c = kind.index();
        let class_base = self.bases.get(c).copied().unwrap_or(0);
        for w in 0..nw {
            let (mut t, mut pp) = if is_and { (u64::MAX, u64::MAX) } else { (0, 0) };
            for o in ops {
                let (a, b) = match *o {
                    plan::VecOperand::Vector(j) => {
                        let bj = class_base + j as usize * 2 * nw;
                        (
                            self.planes.get(bj + w).copied().unwrap_or(0),
                            self.planes.get(bj + nw + w).copied().unwrap_or(0),
                        )
                    }
                    plan::VecOperand::Slot(s) => {
                        broadcast(plan::slot_b3(self.tops.get(s as usize).copied().unwrap_or(2)))
                    }
                };
                if is_and {
                    t &= a;
                    pp &= b;
                } else {
                    t |= a;
                    pp |= b;
                }
            }
            let m = mask(n, w);
            self.write(base, nw, w, t & m, pp & m);
        }
    }

    /// The value of once-per-app node `i` (computed earlier in this app).
    #[inline]
    fn top(&self, i: u32) -> B3 {
        plan::slot_b3(self.tops.get(i as usize).copied().unwrap_or(2))
    }

    /// Where slot `slot` of storage class `c` starts, and its word count.
    #[inline]
    fn class_loc(&self, c: u32, slot: u32) -> (usize, usize) {
        let c = c as usize;
        let w = self.words.get(c).copied().unwrap_or(0);
        (self.bases.get(c).copied().unwrap_or(0) + slot as usize * 2 * w, w)
    }

    /// A quantifier over the vector of node `b`, by reducing its words (no counting).
    fn reduce(&self, q: Quantifier, b: u32) -> B3 {
        let (base, nw) = self.loc(b);
        self.reduce_at(q, base, nw, self.width(b))
    }

    /// A quantifier over the `n`-fact vector at `base`.
    fn reduce_at(&self, q: Quantifier, base: usize, nw: usize, n: usize) -> B3 {
        let t = self.planes.get(base..base + nw).unwrap_or(&[]);
        let pp = self.planes.get(base + nw..base + 2 * nw).unwrap_or(&[]);
        match q {
            Quantifier::Any | Quantifier::None => {
                let any_t = t.iter().any(|x| *x != 0);
                let any_p = pp.iter().any(|x| *x != 0);
                let v = B3::from_bits(any_t, any_p);
                if q == Quantifier::None { v.negate() } else { v }
            }
            Quantifier::All => {
                if pp.iter().enumerate().any(|(w, x)| *x != mask(n, w)) {
                    B3::F
                } else if t.iter().enumerate().any(|(w, x)| *x != mask(n, w)) {
                    B3::U
                } else {
                    B3::T
                }
            }
        }
    }

    /// Computes every predicate of a column group in one pass over its column; when the column
    /// does not have the expected type, node by node.
    fn group(&mut self, gi: usize, g: &Group) {
        let mut at = std::mem::take(self.at);
        let mut hits = std::mem::take(self.hits);
        at.clear();
        for member in &g.members {
            at.push(self.loc(member.node).0);
        }
        hits.clear();
        hits.resize(g.members.len(), 0);
        let done = self.group_pass(gi, g, &at, &mut hits);
        *self.at = at;
        *self.hits = hits;
        if !done {
            self.members(g);
        }
    }

    /// [`Run::group`]'s pass over the column; false when the column is not of the expected type.
    fn group_pass(&mut self, gi: usize, g: &Group, at: &[usize], hits: &mut [u64]) -> bool {
        let e = self.e;
        let k = g.fact.index();
        let n = self.lens.get(k).copied().unwrap_or(0);
        let col = self.table(g.fact).and_then(|t| t.column(g.field));
        let nw = n.div_ceil(64);
        match (g.kind, col) {
            (GroupKind::StrSet, Some(Column::Str(v))) => {
                for (w, chunk) in v.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    hits.iter_mut().for_each(|h| *h = 0);
                    for (b, x) in chunk.iter().enumerate() {
                        if let Some(s) = *x {
                            present |= 1u64 << b;
                            let mut mask = g.mask(s);
                            while mask != 0 {
                                if let Some(h) = hits.get_mut(mask.trailing_zeros() as usize) {
                                    *h |= 1u64 << b;
                                }
                                mask &= mask - 1;
                            }
                        }
                    }
                    self.store(g, at, hits, w, nw, mask(n, w), present);
                }
            }
            (GroupKind::ListSet, Some(Column::List(l))) => {
                let Items::Str(items) = &l.items else { return false };
                for (w, chunk) in l.ranges.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    hits.iter_mut().for_each(|h| *h = 0);
                    for (b, x) in chunk.iter().enumerate() {
                        if let Some((s, end)) = *x {
                            present |= 1u64 << b;
                            let mut mask = 0u64;
                            for &item in items.get(s as usize..end as usize).unwrap_or(&[]) {
                                mask |= g.mask(item);
                            }
                            while mask != 0 {
                                if let Some(h) = hits.get_mut(mask.trailing_zeros() as usize) {
                                    *h |= 1u64 << b;
                                }
                                mask &= mask - 1;
                            }
                        }
                    }
                    self.store(g, at, hits, w, nw, mask(n, w), present);
                }
            }
            (GroupKind::Match, Some(Column::Str(v))) => {
                let Some(cache) = self.match_cache.get_mut(gi) else { return false };
                let (mut stamps, mut masks) = std::mem::take(cache);
                let epoch = self.app_epoch;
                for (w, chunk) in v.get(..n).unwrap_or(&[]).chunks(64).enumerate() {
                    let mut present = 0u64;
                    hits.iter_mut().for_each(|h| *h = 0);
                    for (b, x) in chunk.iter().enumerate() {
                        let Some(s) = *x else { continue };
                        present |= 1u64 << b;
                        let si = s as usize;
                        let mut mask = match (stamps.get(si), masks.get(si)) {
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
                        while mask != 0 {
                            if let Some(h) = hits.get_mut(mask.trailing_zeros() as usize) {
                                *h |= 1u64 << b;
                            }
                            mask &= mask - 1;
                        }
                    }
                    self.store(g, at, hits, w, nw, mask(n, w), present);
                }
                if let Some(cache) = self.match_cache.get_mut(gi) {
                    *cache = (stamps, masks);
                }
            }
            _ => return false,
        }
        true
    }

    /// Computes a group's predicates one by one.
    fn members(&mut self, g: &Group) {
        for member in &g.members {
            self.exec(member.node);
        }
    }

    /// Writes word `w` of every member of a group from its hits and the column's presence.
    #[expect(clippy::too_many_arguments, reason = "the inner loop's state, passed flat")]
    #[inline]
    fn store(&mut self, g: &Group, at: &[usize], hits: &[u64], w: usize, nw: usize, valid: u64, present: u64) {
        for ((member, &base), &h) in g.members.iter().zip(at).zip(hits) {
            let (t, p) = if member.negate { (present & !h, !h & valid) } else { (h, (h | !present) & valid) };
            self.write(base, nw, w, t, p);
        }
    }

    /// Computes node `i` for every fact of its vector.
    fn exec(&mut self, i: u32) {
        let p = self.p;
        let Some(node) = p.nodes.get(i as usize) else { return };
        let n = self.width(i);
        let (base, nw) = self.loc(i);
        match &node.op {
            Op::Not(a) => {
                for w in 0..nw {
                    let (t, pp) = self.word(a, w);
                    let m = mask(n, w);
                    self.write(base, nw, w, !pp & m, !t & m);
                }
            }
            Op::And(s, e) | Op::Or(s, e) => {
                let is_and = matches!(node.op, Op::And(..));
                let ops = p.operands.get(*s as usize..*e as usize).unwrap_or(&[]);
                for w in 0..nw {
                    let m = mask(n, w);
                    let (mut t, mut pp) = if is_and { (m, m) } else { (0, 0) };
                    for o in ops {
                        let (a, b) = self.word(o, w);
                        if is_and {
                            t &= a;
                            pp &= b;
                        } else {
                            t |= a;
                            pp |= b;
                        }
                    }
                    self.write(base, nw, w, t & m, pp & m);
                }
            }
            Op::Quant { q, kind, body } => self.quant(i, n, base, nw, Some(*q), *kind, body, CmpOp::Eq, Scalar::Int(0)),
            Op::Count { kind, body, op, n: num } => self.quant(i, n, base, nw, None, *kind, body, *op, *num),
            op => {
                if self.fast(op, n, base, nw) {
                    return;
                }
                for w in 0..nw {
                    let (mut t, mut pp) = (0u64, 0u64);
                    let end = n.min(w * 64 + 64);
                    for idx in w * 64..end {
                        let b = self.fact(op, idx);
                        let bit = 1u64 << (idx % 64);
                        match b {
                            B3::T => {
                                t |= bit;
                                pp |= bit;
                            }
                            B3::U => pp |= bit,
                            B3::F => {}
                        }
                    }
                    self.write(base, nw, w, t, pp);
                }
            }
        }
    }

    /// Specialised loops for the common shapes (a column against constants); false when `op`
    /// has none and the generic per-fact path must run.
    fn fast(&mut self, op: &Op, n: usize, base: usize, nw: usize) -> bool {
        let p = self.p;
        // A string column against a set of literals: one bit test per fact.
        let str_set = |o: &Operand| match o {
            Operand::Const(c) => p.sets.get(*c as usize).and_then(|s| s.as_deref()),
            _ => None,
        };
        let column = |o: &Operand| match o {
            Operand::Column { kind, field } => self.table(*kind).and_then(|t| t.column(*field)),
            _ => None,
        };
        // A column against an enclosing fact's field (a join inside a nested scan): the outer
        // value is read once.
        if let Op::Cmp { op: cmp, l, r } = op {
            let (c, outer, cmp) = match (l, r) {
                (Operand::Column { .. }, Operand::Outer { .. }) => (column(l), r, *cmp),
                (Operand::Outer { .. }, Operand::Column { .. }) => (column(r), l, cmp.flip()),
                _ => (None, l, *cmp),
            };
            if let (Some(c), Operand::Outer { kind, field, depth }) = (c, outer) {
                let Val::S(x) = self.field(*kind, *field, self.cur(*depth)) else {
                    for w in 0..nw {
                        self.write(base, nw, w, 0, mask(n, w));
                    }
                    return true;
                };
                match (c, x) {
                    (Column::Str(v), Scalar::Str(sym)) if matches!(cmp, CmpOp::Eq | CmpOp::Ne) => {
                        let negate = cmp == CmpOp::Ne;
                        self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                            Some(s) => B3::from_bool((s == sym) != negate),
                            None => B3::U,
                        });
                    }
                    (Column::Str(v), _) => self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(a) => scalar_cmp(cmp, Scalar::Str(a), x).map_or(B3::U, B3::from_bool),
                        None => B3::U,
                    }),
                    (Column::Int(v), _) => self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(a) => scalar_cmp(cmp, Scalar::Int(a), x).map_or(B3::U, B3::from_bool),
                        None => B3::U,
                    }),
                    (Column::Float(v), _) => self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(a) => scalar_cmp(cmp, Scalar::Float(a), x).map_or(B3::U, B3::from_bool),
                        None => B3::U,
                    }),
                    (Column::Bool(v), _) => self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(a) => scalar_cmp(cmp, Scalar::Bool(a), x).map_or(B3::U, B3::from_bool),
                        None => B3::U,
                    }),
                    (Column::List(_), _) => return false,
                }
                return true;
            }
        }
        let (col, set, negate) = match op {
            Op::In { elem, list } => (column(elem), str_set(list), false),
            Op::Cmp { op: CmpOp::Eq | CmpOp::Ne, l, r } => {
                let negate = matches!(op, Op::Cmp { op: CmpOp::Ne, .. });
                match (column(l), str_set(r), column(r), str_set(l)) {
                    (Some(c), Some(s), _, _) | (_, _, Some(c), Some(s)) => (Some(c), Some(s), negate),
                    _ => (None, None, false),
                }
            }
            Op::Has(k, f) => {
                let Some(col) = self.table(*k).and_then(|t| t.column(*f)) else { return false };
                for w in 0..nw {
                    let lo = w * 64;
                    let hi = n.min(lo + 64);
                    let present = match col {
                        Column::Bool(v) => presence(v.get(lo..hi)),
                        Column::Int(v) => presence(v.get(lo..hi)),
                        Column::Float(v) => presence(v.get(lo..hi)),
                        Column::Str(v) => presence(v.get(lo..hi)),
                        Column::List(l) => presence(l.ranges.get(lo..hi)),
                    };
                    self.write(base, nw, w, present, present);
                }
                return true;
            }
            Op::Truthy(o) => {
                if let Some(Column::Bool(v)) = column(o) {
                    self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(b) => B3::from_bool(b),
                        None => B3::U,
                    });
                    return true;
                }
                return false;
            }
            _ => (None, None, false),
        };
        if let (Some(Column::Str(v)), Some(set)) = (col, set) {
            self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                Some(s) => {
                    let hit = set.get(s as usize / 64).is_some_and(|w| w & (1u64 << (s % 64)) != 0);
                    B3::from_bool(hit != negate)
                }
                None => B3::U,
            });
            return true;
        }
        // A literal string in a list column (`"contacts" in data`).
        if let Op::In { elem: Operand::Const(c), list } = op
            && let Some(ConstVal::Scalar(Scalar::Str(sym))) = p.consts.get(*c as usize)
            && let Some(Column::List(l)) = column(list)
            && let Items::Str(items) = &l.items
        {
            let sym = *sym;
            self.fill(n, base, nw, |i| match l.ranges.get(i).copied().flatten() {
                Some((s, e)) => B3::from_bool(items.get(s as usize..e as usize).is_some_and(|x| x.contains(&sym))),
                None => B3::U,
            });
            return true;
        }
        // A string-list column intersected with literals.
        if let Op::Intersects { l, r } = op {
            let (list, set) = match (column(l), str_set(r), column(r), str_set(l)) {
                (Some(c), Some(s), _, _) | (_, _, Some(c), Some(s)) => (c, s),
                _ => return false,
            };
            if let Column::List(lc) = list
                && let Items::Str(items) = &lc.items
            {
                self.fill(n, base, nw, |i| match lc.ranges.get(i).copied().flatten() {
                    Some((s, e)) => B3::from_bool(items.get(s as usize..e as usize).is_some_and(|x| {
                        x.iter().any(|y| set.get(*y as usize / 64).is_some_and(|w| w & (1u64 << (y % 64)) != 0))
                    })),
                    None => B3::U,
                });
                return true;
            }
            return false;
        }
        // A numeric column against a number.
        if let Op::Cmp { op: cmp, l, r } = op {
            let (colop, k, cmp) = match (l, r) {
                (Operand::Column { .. }, Operand::Const(c)) => (l, *c, *cmp),
                (Operand::Const(c), Operand::Column { .. }) => (r, *c, cmp.flip()),
                _ => return false,
            };
            let Some(ConstVal::Scalar(num @ (Scalar::Int(_) | Scalar::Float(_)))) = p.consts.get(k as usize) else {
                return false;
            };
            let num = *num;
            match column(colop) {
                Some(Column::Int(v)) => {
                    if let Scalar::Int(x) = num {
                        self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                            Some(a) => B3::from_bool(crate::graph::value::op_holds(cmp, Some(a.cmp(&x)))),
                            None => B3::U,
                        });
                    } else {
                        self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                            Some(a) => scalar_cmp(cmp, Scalar::Int(a), num).map_or(B3::U, B3::from_bool),
                            None => B3::U,
                        });
                    }
                    return true;
                }
                Some(Column::Float(v)) => {
                    self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(a) => scalar_cmp(cmp, Scalar::Float(a), num).map_or(B3::U, B3::from_bool),
                        None => B3::U,
                    });
                    return true;
                }
                _ => return false,
            }
        }
        false
    }

    /// Writes a node's planes from a per-fact function.
    fn fill(&mut self, n: usize, base: usize, nw: usize, f: impl Fn(usize) -> B3) {
        for w in 0..nw {
            let (mut t, mut pp) = (0u64, 0u64);
            for idx in w * 64..n.min(w * 64 + 64) {
                let (bt, bp) = f(idx).bits();
                t |= u64::from(bt) << (idx % 64);
                pp |= u64::from(bp) << (idx % 64);
            }
            self.write(base, nw, w, t, pp);
        }
    }

    /// A per-fact operation's value for fact `idx`.
    fn fact(&mut self, op: &Op, idx: usize) -> B3 {
        match op {
            Op::Truthy(o) => match self.val(o, idx) {
                Val::S(Scalar::Bool(b)) => B3::from_bool(b),
                _ => B3::U,
            },
            Op::Has(k, f) => {
                let present = match self.table(*k).and_then(|t| t.column(*f)) {
                    Some(Column::Bool(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Int(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Float(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Str(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::List(l)) => l.ranges.get(idx).is_some_and(|x| x.is_some()),
                    None => false,
                };
                B3::from_bool(present)
            }
            Op::Cmp { op, l, r } => match (self.val(l, idx), self.val(r, idx)) {
                (Val::S(a), Val::S(b)) => scalar_cmp(*op, a, b).map_or(B3::U, B3::from_bool),
                _ => B3::U,
            },
            Op::In { elem, list } => match (self.val(elem, idx), self.val(list, idx)) {
                (Val::S(x), Val::L(l)) => B3::from_bool(l.contains(x)),
                _ => B3::U,
            },
            Op::Intersects { l, r } => match (self.val(l, idx), self.val(r, idx)) {
                (Val::L(a), Val::L(b)) => B3::from_bool(a.any(|x| b.contains(x))),
                _ => B3::U,
            },
            Op::Match { subject, pattern } => match self.val(subject, idx) {
                Val::S(Scalar::Str(sym)) => B3::from_bool(self.matches(*pattern, sym)),
                _ => B3::U,
            },
            _ => B3::U,
        }
    }

    fn matches(&mut self, pattern: u32, sym: Sym) -> bool {
        if let Some(&m) = self.memo.get(&(pattern, sym)) {
            return m;
        }
        let text = self.e.resolve(sym);
        let m = self.p.patterns.get(pattern as usize).is_some_and(|r| r.is_match(text));
        self.memo.insert((pattern, sym), m);
        m
    }

    /// Counts `(true, possibly true)` of a body over `nk` facts, for the current loop indices.
    fn body_counts(&mut self, body: &Body, nk: usize) -> (u64, u64) {
        let nk64 = nk as u64;
        match body {
            Body::All => (nk64, nk64),
            Body::Scalar(o) => match self.scalar_b3(o) {
                B3::T => (nk64, nk64),
                B3::U => (0, nk64),
                B3::F => (0, 0),
            },
            Body::Vector(b) => self.popcounts(*b),
            Body::Nested { node, sub } => {
                let (s, e) = self.p.subs.get(*sub as usize).copied().unwrap_or((0, 0));
                let p = self.p;
                for &x in p.sub_nodes.get(s as usize..e as usize).unwrap_or(&[]) {
                    self.exec(x);
                }
                self.popcounts(*node)
            }
        }
    }

    fn popcounts(&self, b: u32) -> (u64, u64) {
        let (base, nw) = self.loc(b);
        let t = self.planes.get(base..base + nw).unwrap_or(&[]).iter().map(|x| u64::from(x.count_ones())).sum();
        let p =
            self.planes.get(base + nw..base + 2 * nw).unwrap_or(&[]).iter().map(|x| u64::from(x.count_ones())).sum();
        (t, p)
    }

    /// A quantifier (`q` set) or `count(…) op num` (`q` none) over `kind`, for each of the `n`
    /// facts of the node's vector.
    #[expect(clippy::too_many_arguments, reason = "one kernel for quantifiers and counts")]
    fn quant(
        &mut self,
        i: u32,
        n: usize,
        base: usize,
        nw: usize,
        q: Option<Quantifier>,
        kind: KindId,
        body: &Body,
        op: CmpOp,
        num: Scalar,
    ) {
        let nk = self.lens.get(kind.index()).copied().unwrap_or(0);
        let value = |t: u64, p: u64| -> B3 {
            let all = nk as u64;
            match q {
                Some(Quantifier::Any) => B3::from_bits(t > 0, p > 0),
                Some(Quantifier::None) => B3::from_bits(t > 0, p > 0).negate(),
                Some(Quantifier::All) => {
                    if p < all {
                        B3::F
                    } else if t < all {
                        B3::U
                    } else {
                        B3::T
                    }
                }
                None => count_cmp(t, p, op, num),
            }
        };
        if !self.is_observed(kind) {
            for w in 0..nw {
                let m = mask(n, w);
                self.write(base, nw, w, 0, m);
            }
            return;
        }
        let per_fact = matches!(body, Body::Nested { .. })
            || matches!(body, Body::Scalar(o) if !matches!(o, Operand::Const(_) | Operand::Observed(_) | Operand::Top(_)));
        if !per_fact {
            let v = match (q, body) {
                (Some(q), Body::Vector(b)) => self.reduce(q, *b),
                _ => {
                    let (t, p) = self.body_counts(body, nk);
                    value(t, p)
                }
            };
            let (bt, bp) = broadcast(v);
            for w in 0..nw {
                let m = mask(n, w);
                self.write(base, nw, w, bt & m, bp & m);
            }
            return;
        }
        let depth = self.p.nodes.get(i as usize).map_or(0, |x| x.depth());
        let Some(level) = depth.checked_sub(1) else { return };
        for w in 0..nw {
            let (mut t, mut pp) = (0u64, 0u64);
            for idx in w * 64..n.min(w * 64 + 64) {
                if let Some(c) = self.cur.get_mut(level) {
                    *c = u32::try_from(idx).unwrap_or(u32::MAX);
                }
                let (ct, cp) = self.body_counts(body, nk);
                let bit = 1u64 << (idx % 64);
                match value(ct, cp) {
                    B3::T => {
                        t |= bit;
                        pp |= bit;
                    }
                    B3::U => pp |= bit,
                    B3::F => {}
                }
            }
            self.write(base, nw, w, t, pp);
        }
    }
}

impl Run<'_> {
    /// The witnesses of a failed indicator: walk true `and`/`or` nodes from the root; a true
    /// `any` or `count > n`/`count >= n` contributes the facts its body is true for.
    fn witnesses(&mut self, w: &mut WitnessBufs<'_>, root: &Operand) -> Vec<Witness> {
        let p = self.p;
        let Operand::Top(r) = root else { return Vec::new() };
        if p.plan.wit.get(*r as usize).is_none_or(|x| *x == plan::WitNode::None) {
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
            match w.stamp.get_mut(i as usize) {
                Some(x) if *x != epoch => *x = epoch,
                _ => continue,
            }
            match p.plan.wit.get(i as usize).copied().unwrap_or(plan::WitNode::None) {
                plan::WitNode::None => {}
                plan::WitNode::Logic { start, end } => {
                    for &c in p.plan.wit_children.get(start as usize..end as usize).unwrap_or(&[]) {
                        if self.top(c) == B3::T {
                            w.stack.push(c);
                        }
                    }
                }
                plan::WitNode::Quant { kind, body } => {
                    if self.top(i) != B3::T {
                        continue;
                    }
                    let nk = self.lens.get(kind.index()).copied().unwrap_or(0);
                    let base = w.base.get(kind.index()).copied().unwrap_or(0);
                    let nw = nk.div_ceil(64);
                    if let Some(t) = w.touched.get_mut(kind.index()) {
                        *t = true;
                    }
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
                            Some((bb, _)) => self.planes.get(bb + x).copied().unwrap_or(0),
                        };
                        if let Some(slot) = w.bits.get_mut(base + x) {
                            *slot |= add;
                        }
                    }
                }
            }
        }
        // Size the list first: one allocation per failed indicator.
        let mut total = 0usize;
        for (k, t) in w.touched.iter().enumerate() {
            if *t {
                let base = w.base.get(k).copied().unwrap_or(0);
                let nw = self.lens.get(k).copied().unwrap_or(0).div_ceil(64);
                total +=
                    w.bits.get(base..base + nw).unwrap_or(&[]).iter().map(|x| x.count_ones() as usize).sum::<usize>();
            }
        }
        let mut out = Vec::with_capacity(total);
        for (k, t) in w.touched.iter_mut().enumerate() {
            if !*t {
                continue;
            }
            *t = false;
            let base = w.base.get(k).copied().unwrap_or(0);
            let nw = self.lens.get(k).copied().unwrap_or(0).div_ceil(64);
            let kind = KindId(u32::try_from(k).unwrap_or(u32::MAX));
            for x in 0..nw {
                let Some(slot) = w.bits.get_mut(base + x) else { continue };
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

/// The mask of the patterns of match group `g` that `text` matches.
fn pattern_mask(p: &Program, g: &Group, text: &str, buf: &mut [bool]) -> u64 {
    let mut mask = 0u64;
    match (&g.set, buf.get_mut(..g.patterns.len())) {
        (Some(set), Some(buf)) => {
            buf.iter_mut().for_each(|x| *x = false);
            set.matches_read_at(buf, text, 0);
            for (j, hit) in buf.iter().enumerate() {
                if *hit {
                    mask |= 1u64 << j;
                }
            }
        }
        _ => {
            for (j, &pi) in g.patterns.iter().enumerate() {
                if p.patterns.get(pi as usize).is_some_and(|r| r.is_match(text)) {
                    mask |= 1u64 << j;
                }
            }
        }
    }
    mask
}

/// The witness walk's buffers.
struct WitnessBufs<'a> {
    stamp: &'a mut Vec<u32>,
    epoch: &'a mut u32,
    bits: &'a mut Vec<u64>,
    base: &'a [usize],
    touched: &'a mut Vec<bool>,
    stack: &'a mut Vec<u32>,
}
