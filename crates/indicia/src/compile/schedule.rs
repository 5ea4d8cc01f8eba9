//! The evaluation schedule: the order of the once-per-app nodes ([`order`]), and the plan that runs
//! them with the leaf predicates on one string column gathered into *column groups*, each computed
//! by one pass over the column ([`build`]).
//!
//! A group holds up to 64 predicates that compare one column with literals (`field in [..]`,
//! `field == "x"`, `field != "x"`; `"x" in list`, `list intersects [..]`; `field matches /re/`,
//! `field like "glob"`). Per group, a table maps every pack literal to the bitset of the group's
//! predicates it satisfies, so one table load per fact (per list element) feeds every predicate
//! on the column; a symbol that is not a pack literal satisfies no set predicate. Patterns run as
//! one [`RegexSet`] per group, once per distinct string of the app.

use indicia_syntax::ast::Quantifier;
use regex::RegexSet;

use std::collections::{BTreeMap, HashMap};

use super::freeze::Layout;
use super::program::{Body, Node, Op, Operand, node_deps};
use super::value::{B3, ConstVal, Scalar};
use crate::hir::{CmpOp, FieldId, KindId};

/// Most predicates one group computes (one bit each in a `u64` mask).
pub(crate) const GROUP_MAX: usize = 64;

/// Most once-per-app slots a compiled step can name ([`Slot`]); the evaluator keeps them in a
/// fixed-size array, indexed without a bounds check. A node past them (a program of more nodes)
/// is computed by the general kernel. (Fewer in the unit tests, so that small programs have
/// nodes past them.)
pub(crate) const STEP_SLOTS: usize = if cfg!(test) { 1 << 8 } else { 1 << 16 };

/// A once-per-app slot named by a compiled step (see [`Step`]): below [`STEP_SLOTS`].
pub(crate) type Slot = u16;

/// Slot `s` as a [`Slot`], when a compiled step can name it.
pub(crate) fn step_slot(s: u32) -> Option<Slot> {
    Slot::try_from(s).ok().filter(|x| usize::from(*x) < STEP_SLOTS)
}

/// One step of the once-per-app schedule.
///
/// Once-per-app values live in *slots*, one byte each (bit 0 "certainly true", bit 1 "possibly
/// true", so Kleene `and`/`or` are `&`/`|`): slot `i < nodes` is node `i`, then the constants
/// false, unknown and true, then `observed(K)` per kind. Compiled steps name the slots they read
/// and write as a [`Slot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Compute one node with the general kernel.
    Node(u32),
    /// Compute every predicate of column group `g`.
    Group(u32),
    /// Once-per-app `and` of slots `operands[start..end]` into slot `node`.
    TopAnd { node: Slot, start: u32, end: u32 },
    /// Once-per-app `or`.
    TopOr { node: Slot, start: u32, end: u32 },
    /// Once-per-app `and` of the two slots `a` and `b` (the common case, without a range).
    TopAnd2 { node: Slot, a: Slot, b: Slot },
    /// Once-per-app `or` of two slots.
    TopOr2 { node: Slot, a: Slot, b: Slot },
    /// Once-per-app `and` of four slots (three operands and the constant true, or four).
    TopAnd4 { node: Slot, ops: [Slot; 4] },
    /// Once-per-app `or` of four slots (three operands and the constant false, or four).
    TopOr4 { node: Slot, ops: [Slot; 4] },
    /// Once-per-app `not` of slot `src`.
    TopNot { node: Slot, src: Slot },
    /// Once-per-app `not` of slot `src` into slot `not`, and `not and unknown` into slot `node`
    /// (see [`fuse_not_and_unknown`]).
    TopNotAndUnknown { node: Slot, not: Slot, src: Slot },
    /// Once-per-app `a or b` into slot `or`, and the `and` of it and the three slots `ops` (the
    /// `and` of four slots with the `or` among them) into slot `node` (see [`fuse_or_and`]).
    TopOrAnd { node: Slot, or: Slot, a: Slot, b: Slot, ops: [Slot; 3] },
    /// Once-per-app quantifier over the vector in slot `body` of `kind`'s storage class; node
    /// `and_observed` is `observed(kind) and node`, written with it (`node` itself when there is
    /// none: see [`fold_observed_and`]).
    TopQuant { node: Slot, q: Quantifier, kind: KindId, body: u32, and_observed: Slot },
    /// The once-per-app quantifiers `quants[start..end]`, all over `kind` (see [`batch_quants`]).
    Quants { kind: KindId, start: u32, end: u32 },
    /// A vector `and` over `vec_operands[start..end]` into slot `slot` of `kind`'s storage class.
    /// (`node` is the node it computes.)
    VecAnd { node: u32, kind: KindId, slot: u32, start: u32, end: u32 },
    /// A vector `or`.
    VecOr { node: u32, kind: KindId, slot: u32, start: u32, end: u32 },
    /// Vector `and`/`or` steps, each with the quantifier over it: `vec_quants[start..end]`, all
    /// over `kind`, run in turn (see [`fuse_vec_quants`]).
    VecQuants { kind: KindId, start: u32, end: u32 },
}

/// A vector `and` (`is_and`) or `or` of the vectors in slots `vectors` of `kind`'s storage class
/// and the once-per-app slots `slots`, into slot `slot` (node `node`), and the once-per-app
/// quantifier `q` over it (node `quant`, with `and_observed` as in [`Step::TopQuant`]), computed
/// from the words just combined. The operands are fixed-size arrays, so that no loop runs over
/// them: `and`/`or` are idempotent, so the vectors are padded by repeating the last one, and the
/// slots (`None` when there are none) with the operation's identity (the constant true for
/// `and`, false for `or`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct VecQuant {
    pub(crate) node: u32,
    pub(crate) is_and: bool,
    pub(crate) kind: KindId,
    pub(crate) slot: u32,
    pub(crate) vectors: [u32; FUSED_VECTORS],
    pub(crate) slots: Option<[Slot; FUSED_SLOTS]>,
    pub(crate) q: Quantifier,
    pub(crate) quant: Slot,
    pub(crate) and_observed: Slot,
}

/// Most vector operands of a [`VecQuant`] (a vector step with more is not fused).
pub(crate) const FUSED_VECTORS: usize = 3;

/// Most once-per-app operands of a [`VecQuant`].
pub(crate) const FUSED_SLOTS: usize = 2;

/// An operand of a vector `and`/`or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VecOperand {
    /// A node of the same region: its slot in the region's storage class.
    Vector(u32),
    /// A once-per-app slot, the same for every fact.
    Slot(Slot),
}

/// The slot encoding of a three-valued boolean.
pub(crate) fn slot_bits(b: B3) -> u8 {
    match b {
        B3::F => 0,
        B3::U => 2,
        B3::T => 3,
    }
}

/// The three-valued boolean of a slot byte.
pub(crate) fn slot_b3(x: u8) -> B3 {
    B3::from_bits(x & 1 != 0, x & 2 != 0)
}

/// The two planes of a slot byte broadcast to 64 facts: ("certainly true", "possibly true").
#[inline]
pub(crate) fn slot_words(x: u8) -> (u64, u64) {
    (0u64.wrapping_sub(u64::from(x & 1)), 0u64.wrapping_sub(u64::from((x >> 1) & 1)))
}

/// Kleene `not` of a slot byte.
pub(crate) fn slot_not(x: u8) -> u8 {
    let y = !x & 3;
    ((y & 1) << 1) | (y >> 1)
}

/// What a group's column holds and how its predicates read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GroupKind {
    /// A string column against literal sets: a fact's mask is `table[sym]`.
    StrSet,
    /// A string-list column: a fact's mask is the union of `table[item]` over its items.
    ListSet,
    /// A string column against patterns: a fact's mask is the set of patterns its string matches.
    Match,
    /// A column read for its presence (`has K.field`) and, when it holds booleans, their truth (a
    /// bool field used as a condition): no literals.
    Plain,
}

/// What a group member computes from its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// True when the fact's value satisfies the member's bit (in the set, matches the pattern, is
    /// `true` for a bool column), unknown when it has no value.
    Hit,
    /// `!=`: true when the value is present and not in the set, unknown when it has no value.
    Miss,
    /// `has K.field`: true when the value is present, false otherwise (never unknown).
    Has,
}

/// One predicate of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Member {
    /// The node it computes.
    pub(crate) node: u32,
    /// That node's slot in its kind's storage class.
    pub(crate) slot: u32,
    /// How it reads the column.
    pub(crate) mode: Mode,
}

/// Predicates computed by one pass over one column.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) kind: GroupKind,
    pub(crate) fact: KindId,
    pub(crate) field: FieldId,
    pub(crate) members: Vec<Member>,
    /// The first member's slot: member `m`'s is `first + m` (the layout's slots are placed by
    /// [`group_members`]; validate checks it), so that the store writes the members as one block.
    pub(crate) first: u32,
    /// Whether every member is a [`Mode::Hit`] (the common case, stored without a match per member).
    pub(crate) all_hit: bool,
    /// Set groups: `table[sym - lo]` is the mask of members that `sym` satisfies.
    pub(crate) lo: u32,
    pub(crate) table: Vec<u64>,
    /// Match groups: the members' pattern indices and, when it could be built, their set.
    pub(crate) patterns: Vec<u32>,
    pub(crate) set: Option<RegexSet>,
}

impl Group {
    /// The mask of a pack literal or evidence string `sym` in a set group.
    #[inline]
    pub(crate) fn mask(&self, sym: u32) -> u64 {
        self.table.get(sym.wrapping_sub(self.lo) as usize).copied().unwrap_or(0)
    }
}

impl Step {
    /// The node a single-node step computes (`None` for a group).
    pub(crate) fn node(self) -> Option<u32> {
        match self {
            Step::Node(node) | Step::VecAnd { node, .. } | Step::VecOr { node, .. } => Some(node),
            other => other.top_slot().map(u32::from),
        }
    }

    /// The once-per-app slot (its node's) that a compiled once-per-app step writes first.
    pub(crate) fn top_slot(self) -> Option<Slot> {
        match self {
            Step::TopAnd { node, .. }
            | Step::TopOr { node, .. }
            | Step::TopAnd2 { node, .. }
            | Step::TopOr2 { node, .. }
            | Step::TopAnd4 { node, .. }
            | Step::TopOr4 { node, .. }
            | Step::TopNot { node, .. }
            | Step::TopNotAndUnknown { node, .. }
            | Step::TopOrAnd { or: node, .. }
            | Step::TopQuant { node, .. } => Some(node),
            Step::Node(_)
            | Step::Group(_)
            | Step::Quants { .. }
            | Step::VecAnd { .. }
            | Step::VecOr { .. }
            | Step::VecQuants { .. } => None,
        }
    }
}

/// A once-per-app node as the witness walk sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum WitNode {
    /// Contributes no witness, and nor does anything below it.
    None,
    /// An `and`/`or`: walk its true children among `wit_children[start..end]` (those that can
    /// contribute).
    Logic { start: u32, end: u32 },
    /// A true `any`, `count > n` or `count >= n` contributes the facts its body is true for.
    Quant { kind: KindId, body: Body },
}

/// The schedule of a program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    pub(crate) steps: Vec<Step>,
    pub(crate) groups: Vec<Group>,
    /// Slot operands of `TopAnd`/`TopOr`.
    pub(crate) operands: Vec<Slot>,
    /// Operands of `VecAnd`/`VecOr`.
    pub(crate) vec_operands: Vec<VecOperand>,
    /// The quantifiers of `Quants` steps.
    pub(crate) quants: Vec<QuantStep>,
    /// The fused vector steps and quantifiers of `VecQuants` steps.
    pub(crate) vec_quants: Vec<VecQuant>,
    /// The number of slots: nodes, three constants, one per kind.
    pub(crate) slots: usize,
    /// Per node, its part in the witness walk.
    pub(crate) wit: Vec<WitNode>,
    pub(crate) wit_children: Vec<u32>,
    /// Per indicator (in the order of the roots), the step slot holding its condition's value,
    /// when every root has one ([`slot_of`]): the verdict loop reads them without a match on the
    /// root.
    pub(crate) root_slots: Option<Vec<Slot>>,
    /// Per indicator (in the order of the roots): its witness walk flattened into entries of
    /// `wit_entries`; `None` when it has too many paths (the walk over `wit` runs instead).
    pub(crate) root_wit: Vec<Option<WitPaths>>,
    /// The contributing quantifiers of every flattened walk, each root's sorted by kind.
    pub(crate) wit_entries: Vec<WitEntry>,
    /// The guards of the entries (ranges in [`WitEntry`]).
    pub(crate) wit_guards: Vec<u32>,
}

/// One quantifier of a [`Step::Quants`]: node `node` is `q` over the vector in slot `body` of the
/// step's kind's storage class, and node `and_observed` is `observed(kind) and node` (`node`
/// itself when there is none), as in [`Step::TopQuant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuantStep {
    pub(crate) node: Slot,
    pub(crate) q: Quantifier,
    pub(crate) body: u32,
    pub(crate) and_observed: Slot,
}

/// Moves every `TopQuant` step to just after the step that computes its body (a quantifier reads
/// nothing else), and merges the quantifiers that then follow one step (so range over one kind)
/// into one `Quants` step: one dispatch and one read of the kind's location for all of them.
fn batch_quants(p: &Layout, steps: Vec<Step>, groups: &[Group]) -> (Vec<Step>, Vec<QuantStep>) {
    let mut producer: HashMap<u32, usize> = HashMap::new();
    for (i, s) in steps.iter().enumerate() {
        match s {
            Step::Group(g) => {
                for m in groups.get(*g as usize).map_or(&[][..], |g| &g.members[..]) {
                    producer.insert(m.node, i);
                }
            }
            other => {
                if let Some(n) = other.node() {
                    producer.insert(n, i);
                }
            }
        }
    }
    let mut after: Vec<Vec<(KindId, QuantStep)>> = vec![Vec::new(); steps.len()];
    let mut moved = vec![false; steps.len()];
    for (i, s) in steps.iter().enumerate() {
        let Step::TopQuant { node, q, kind, body, and_observed } = *s else { continue };
        let body_node = match p.nodes.get(usize::from(node)).map(|n| &n.op) {
            Some(Op::Quant { body: Body::Vector(b), .. }) => *b,
            _ => continue,
        };
        if let (Some(&j), Some(m)) = (producer.get(&body_node), moved.get_mut(i))
            && j < i
            && let Some(list) = after.get_mut(j)
        {
            list.push((kind, QuantStep { node, q, body, and_observed }));
            *m = true;
        }
    }
    let mut out = Vec::with_capacity(steps.len());
    let mut quants: Vec<QuantStep> = Vec::new();
    for ((step, moved), list) in steps.into_iter().zip(moved).zip(after) {
        if !moved {
            out.push(step);
        }
        match list.as_slice() {
            [] => {}
            &[(kind, QuantStep { node, q, body, and_observed })] => {
                out.push(Step::TopQuant { node, q, kind, body, and_observed });
            }
            &[(kind, _), ..] => {
                let (Ok(start), Ok(end)) = (u32::try_from(quants.len()), u32::try_from(quants.len() + list.len()))
                else {
                    continue;
                };
                quants.extend(list.iter().map(|(_, qs)| *qs));
                out.push(Step::Quants { kind, start, end });
            }
        }
    }
    (out, quants)
}

/// Folds every `observed(K) and Q` (a two-slot `and`), where `Q` is a quantifier over `K` with a
/// compiled step, into `Q`'s step, which then writes both nodes: the `and` is `Q` when `K` was
/// observed and false when not (when `Q` is unknown). One step fewer per such `and` (the usual
/// guard of an indicator's part over one kind); its slot is written earlier, with `Q`, and read
/// by the same later steps.
fn fold_observed_and(p: &Layout, steps: Vec<Step>, quants: &mut [QuantStep]) -> Vec<Step> {
    /// Where a compiled quantifier is computed: a step, or an entry of a `Quants` step.
    #[derive(Clone, Copy)]
    enum At {
        Step(usize),
        Batch(usize),
    }
    let mut steps = steps;
    let mut at: HashMap<Slot, (KindId, At)> = HashMap::new();
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Step::TopQuant { node, kind, .. } => {
                at.insert(node, (kind, At::Step(i)));
            }
            Step::Quants { kind, start, end } => {
                for j in start as usize..end as usize {
                    if let Some(q) = quants.get(j) {
                        at.insert(q.node, (kind, At::Batch(j)));
                    }
                }
            }
            _ => {}
        }
    }
    let observed_slots = p.nodes.len() + 3..p.nodes.len() + 3 + p.kind_names.len();
    let mut keep = vec![true; steps.len()];
    for (i, keep) in keep.iter_mut().enumerate() {
        let Some(&Step::TopAnd2 { node, a, b }) = steps.get(i) else { continue };
        for (o, q) in [(a, b), (b, a)] {
            let Some(&(kind, loc)) = at.get(&q) else { continue };
            let o = usize::from(o);
            if !observed_slots.contains(&o) || o - observed_slots.start != kind.index() {
                continue;
            }
            let free = match loc {
                At::Step(j) => match steps.get_mut(j) {
                    Some(Step::TopQuant { node: n, and_observed, .. }) if *and_observed == *n => Some(and_observed),
                    _ => None,
                },
                At::Batch(j) => quants.get_mut(j).filter(|x| x.and_observed == x.node).map(|x| &mut x.and_observed),
            };
            if let Some(slot) = free {
                *slot = node;
                *keep = false;
                break;
            }
        }
    }
    steps.into_iter().zip(keep).filter_map(|(s, k)| k.then_some(s)).collect()
}

/// Fuses every vector `and`/`or` step followed by a quantifier over its vector (as
/// [`batch_quants`] places it) into one [`VecQuant`], when its operands fit one (at most
/// [`FUSED_VECTORS`] vectors, at least one, and [`FUSED_SLOTS`] slots): the quantifier reads the
/// words the step has just combined, without a step of its own. The vector is still stored
/// (witnesses and other steps read it). Fused steps that follow one another over one kind are
/// one [`Step::VecQuants`]: one dispatch, one read of the kind's location and one choice of its
/// word count for all of them.
fn fuse_vec_quants(p: &Layout, steps: Vec<Step>, vec_operands: &[VecOperand]) -> (Vec<Step>, Vec<VecQuant>) {
    let identity = |is_and: bool| u32::try_from(p.nodes.len() + if is_and { 2 } else { 0 }).ok().and_then(step_slot);
    let mut out: Vec<Step> = Vec::with_capacity(steps.len());
    let mut fused: Vec<VecQuant> = Vec::new();
    let mut steps = steps.into_iter().peekable();
    while let Some(step) = steps.next() {
        let (node, is_and, kind, slot, start, end) = match step {
            Step::VecAnd { node, kind, slot, start, end } => (node, true, kind, slot, start, end),
            Step::VecOr { node, kind, slot, start, end } => (node, false, kind, slot, start, end),
            other => {
                out.push(other);
                continue;
            }
        };
        let quant = match steps.peek() {
            Some(&Step::TopQuant { node: quant, q, kind: k, body, and_observed }) if k == kind && body == slot => {
                Some((quant, q, and_observed))
            }
            _ => None,
        };
        let ops = vec_operands.get(start as usize..end as usize).unwrap_or(&[]);
        let operands = padded_operands(ops, identity(is_and));
        match (quant, operands, u32::try_from(fused.len()), u32::try_from(fused.len() + 1)) {
            (Some((quant, q, and_observed)), Some((vectors, slots)), Ok(i), Ok(next)) => {
                steps.next();
                fused.push(VecQuant { node, is_and, kind, slot, vectors, slots, q, quant, and_observed });
                match out.last_mut() {
                    Some(Step::VecQuants { kind: k, end, .. }) if *k == kind && *end == i => *end = next,
                    _ => out.push(Step::VecQuants { kind, start: i, end: next }),
                }
            }
            _ => out.push(step),
        }
    }
    (out, fused)
}

/// The operands `ops` of a vector `and`/`or` as the fixed-size arrays of a [`VecQuant`]: the
/// vectors padded by repeating the last, the slots by `identity`; `None` when they do not fit.
fn padded_operands(
    ops: &[VecOperand],
    identity: Option<Slot>,
) -> Option<([u32; FUSED_VECTORS], Option<[Slot; FUSED_SLOTS]>)> {
    let vectors = ops.iter().filter_map(|o| if let VecOperand::Vector(j) = *o { Some(j) } else { None });
    let slots = ops.iter().filter_map(|o| if let VecOperand::Slot(s) = *o { Some(s) } else { None });
    let mut v = [vectors.clone().next_back()?; FUSED_VECTORS];
    if vectors.clone().count() > FUSED_VECTORS || slots.clone().count() > FUSED_SLOTS {
        return None;
    }
    v.iter_mut().zip(vectors).for_each(|(x, j)| *x = j);
    if slots.clone().next().is_none() {
        return Some((v, None));
    }
    let mut s = [identity?; FUSED_SLOTS];
    s.iter_mut().zip(slots).for_each(|(x, o)| *x = o);
    Some((v, Some(s)))
}

/// Fuses every `not X` step followed by `(not X) and unknown` (a two-slot `and` with the constant
/// unknown: the usual "inconclusive unless false" of an indicator's part) into one
/// [`Step::TopNotAndUnknown`], which writes both slots.
fn fuse_not_and_unknown(p: &Layout, steps: Vec<Step>) -> Vec<Step> {
    let unknown = u32::try_from(p.nodes.len() + 1).ok().and_then(step_slot);
    let mut out = Vec::with_capacity(steps.len());
    let mut steps = steps.into_iter().peekable();
    while let Some(step) = steps.next() {
        if let (Step::TopNot { node: not, src }, Some(&Step::TopAnd2 { node, a, b }), Some(u)) =
            (step, steps.peek(), unknown)
            && ((a, b) == (not, u) || (a, b) == (u, not))
        {
            steps.next();
            out.push(Step::TopNotAndUnknown { node, not, src });
            continue;
        }
        out.push(step);
    }
    out
}

/// One root's flattened witness walk: its paths `wit_entries[start..end]`, sorted by kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WitPaths {
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// Every path has at most one guard, which its entry's `guard` names (a step slot): the
    /// guard lists need not be read.
    pub(crate) one_guard: bool,
}

/// Fuses every two-slot `or` step followed by a four-slot `and` step that reads it once (the usual
/// `observed(K) and Q and (R or S)` of an indicator's part) into one [`Step::TopOrAnd`], which
/// writes both slots.
fn fuse_or_and(steps: Vec<Step>) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    let mut steps = steps.into_iter().peekable();
    while let Some(step) = steps.next() {
        if let (Step::TopOr2 { node: or, a, b }, Some(&Step::TopAnd4 { node, ops })) = (step, steps.peek())
            && ops.iter().filter(|&&o| o == or).count() == 1
        {
            let mut rest = ops.iter().copied().filter(|&o| o != or);
            if let (Some(x), Some(y), Some(z)) = (rest.next(), rest.next(), rest.next()) {
                steps.next();
                out.push(Step::TopOrAnd { node, or, a, b, ops: [x, y, z] });
                continue;
            }
        }
        out.push(step);
    }
    out
}

/// One path of a flattened witness walk: quantifier `quant` (over `kind`) contributes the facts
/// of the "certainly true" plane of its kind's vector in `slot` ([`EVERY_FACT`]: every fact) when
/// every slot of `wit_guards[start..end]` is true. The guards are the nodes of one path from the
/// indicator's root to the quantifier that are operands of an `or` (the walk starts at a failed
/// root, which is true, and a true `and` has every operand true), then, for a body that does not
/// read the quantified fact, that body's slot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WitEntry {
    pub(crate) quant: u32,
    pub(crate) kind: KindId,
    pub(crate) slot: u32,
    /// When the root's paths have at most one guard each ([`WitPaths::one_guard`]): that guard,
    /// or the slot of the constant `true` when the path has none ([`true_slot`]); 0 otherwise.
    pub(crate) guard: Slot,
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// The next entry of the root is over another kind, or there is none: the facts of this
    /// entry's kind are complete after it.
    pub(crate) last_of_kind: bool,
}

/// The slot of the constant `true` (the three constants' slots follow the nodes'), which a path
/// without a guard names as its [`WitEntry::guard`].
pub(crate) fn true_slot(p: &Layout) -> u32 {
    u32::try_from(p.nodes.len() + 2).unwrap_or(u32::MAX)
}

/// The slot of a [`WitEntry`] whose quantifier contributes every fact of its kind.
pub(crate) const EVERY_FACT: u32 = u32::MAX;

/// What a true quantifier with `body` contributes as a [`WitEntry`]: the slot of the vector
/// holding its facts ([`EVERY_FACT`] for all), and the slot of a scalar body, which must be true
/// too (its own guard). `None` for a scalar body without a slot, or a body node that does not
/// exist.
pub(crate) fn wit_facts(p: &Layout, body: Body) -> Option<(u32, Option<u32>)> {
    match body {
        Body::All => Some((EVERY_FACT, None)),
        Body::Scalar(o) => slot_of(p, &o).map(|s| (EVERY_FACT, Some(s))),
        Body::Vector(b) | Body::Nested { node: b, .. } => p.nodes.get(b as usize).map(|n| (n.slot, None)),
    }
}

/// Most nodes one root's flattened witness walk may visit (paths through shared nodes are
/// enumerated once per path), and most guards its paths may hold in all; past either, that root
/// keeps the walk, so that a pack's paths take memory linear in its size.
const FLAT_WALK_MAX: usize = 256;
const FLAT_GUARDS_MAX: usize = 1024;

/// Flattens the witness walk of each root into the list of its paths to a contributing
/// quantifier (see [`WitEntry`]), sorted by kind.
fn flatten_witnesses(
    p: &Layout,
    wit: &[WitNode],
    children: &[u32],
) -> (Vec<Option<WitPaths>>, Vec<WitEntry>, Vec<u32>) {
    let mut roots = Vec::with_capacity(p.roots.len());
    let mut entries: Vec<WitEntry> = Vec::new();
    let mut guards: Vec<u32> = Vec::new();
    let true_slot = true_slot(p);
    for root in &p.roots {
        let Operand::Top(r) = *root else {
            roots.push(u32::try_from(entries.len()).ok().map(|s| WitPaths { start: s, end: s, one_guard: true }));
            continue;
        };
        let mut mine: Vec<(KindId, u32, u32, Vec<u32>)> = Vec::new();
        // (node, length of the parent's guard path, whether the parent is an `or`)
        let mut stack: Vec<(u32, usize, bool)> = vec![(r, 0, false)];
        let mut path: Vec<u32> = Vec::new();
        let (mut visits, mut guard_count) = (0usize, 0usize);
        let mut complete = true;
        while let Some((i, len, under_or)) = stack.pop() {
            visits += 1;
            if visits > FLAT_WALK_MAX {
                complete = false;
                break;
            }
            path.truncate(len);
            let node = wit.get(i as usize).copied().unwrap_or(WitNode::None);
            // The root is true (its indicator failed), and so is every operand of a true `and`:
            // only the operands of an `or` need to be checked.
            if under_or {
                path.push(i);
            }
            match node {
                WitNode::None => {}
                WitNode::Logic { start, end } => {
                    let is_or = p.nodes.get(i as usize).is_some_and(|n| matches!(n.op, Op::Or(..)));
                    for &c in children.get(start as usize..end as usize).unwrap_or(&[]).iter().rev() {
                        stack.push((c, path.len(), is_or));
                    }
                }
                WitNode::Quant { kind, body } => {
                    let Some((slot, scalar)) = wit_facts(p, body) else {
                        complete = false;
                        break;
                    };
                    let mut guards = path.clone();
                    guards.extend(scalar);
                    guard_count += guards.len();
                    if guard_count > FLAT_GUARDS_MAX {
                        complete = false;
                        break;
                    }
                    mine.push((kind, slot, i, guards));
                }
            }
        }
        if !complete {
            roots.push(None);
            continue;
        }
        mine.sort_by_key(|(kind, ..)| *kind);
        // The one guard of each path (the constant `true` for none), when every path has at most
        // one and each is a step slot.
        let one_guard: Option<Vec<Slot>> = mine
            .iter()
            .map(|(.., path)| match path[..] {
                [] => step_slot(true_slot),
                [g] => step_slot(g),
                _ => None,
            })
            .collect();
        let kinds: Vec<KindId> = mine.iter().map(|(kind, ..)| *kind).collect();
        let start = u32::try_from(entries.len()).ok();
        for (i, (kind, slot, quant, path)) in mine.into_iter().enumerate() {
            let (Ok(s), Ok(_)) = (u32::try_from(guards.len()), u32::try_from(guards.len() + path.len())) else {
                break;
            };
            let guard = one_guard.as_ref().and_then(|g| g.get(i)).copied().unwrap_or(0);
            guards.extend(path);
            let e = u32::try_from(guards.len()).unwrap_or(u32::MAX);
            let last_of_kind = kinds.get(i + 1) != Some(&kind);
            entries.push(WitEntry { quant, kind, slot, guard, start: s, end: e, last_of_kind });
        }
        let end = u32::try_from(entries.len()).ok();
        let one_guard = one_guard.is_some();
        roots.push(start.zip(end).map(|(start, end)| WitPaths { start, end, one_guard }));
    }
    (roots, entries, guards)
}

/// The witness walk's view of every node: only paths that can reach an `any` or a count with a
/// lower bound are kept (node numbers are topological, children first).
fn witness_plan(p: &Layout) -> (Vec<WitNode>, Vec<u32>) {
    let mut wit: Vec<WitNode> = Vec::with_capacity(p.nodes.len());
    let mut children: Vec<u32> = Vec::new();
    for node in &p.nodes {
        let w = match &node.op {
            Op::Quant { q: Quantifier::Any, kind, body } | Op::Count { kind, body, op: CmpOp::Gt | CmpOp::Ge, .. }
                if node.depth() == 0 =>
            {
                WitNode::Quant { kind: *kind, body: *body }
            }
            Op::And(s, e) | Op::Or(s, e) if node.depth() == 0 => {
                let start = u32::try_from(children.len()).unwrap_or(u32::MAX);
                for o in p.operands.get(*s as usize..*e as usize).unwrap_or(&[]) {
                    if let Operand::Top(c) = o
                        && wit.get(*c as usize).is_some_and(|x| *x != WitNode::None)
                    {
                        children.push(*c);
                    }
                }
                let end = u32::try_from(children.len()).unwrap_or(u32::MAX);
                if start == end { WitNode::None } else { WitNode::Logic { start, end } }
            }
            _ => WitNode::None,
        };
        wit.push(w);
    }
    (wit, children)
}

/// The slot of a once-per-app boolean operand, if it has one.
pub(crate) fn slot_of(p: &Layout, o: &Operand) -> Option<u32> {
    let n = p.nodes.len();
    let at = |off: usize| u32::try_from(n + off).ok();
    match o {
        Operand::Top(i) => Some(*i),
        Operand::Observed(k) => at(3 + k.index()),
        Operand::Const(c) => match p.consts.get(*c as usize) {
            Some(ConstVal::Bool(B3::F)) => at(0),
            Some(ConstVal::Bool(B3::T)) => at(2),
            _ => at(1),
        },
        Operand::Column { .. } | Operand::Outer { .. } | Operand::Vector(_) | Operand::At(..) => None,
    }
}

/// The slot of a once-per-app boolean operand, if it has one that a compiled step can name.
fn operand_slot(p: &Layout, o: &Operand) -> Option<Slot> {
    slot_of(p, o).and_then(step_slot)
}

/// The compiled step of node `i` when it has one (else the general kernel runs it).
fn compiled(p: &Layout, i: u32, operands: &mut Vec<Slot>, vec_operands: &mut Vec<VecOperand>) -> Option<Step> {
    let node = p.nodes.get(i as usize)?;
    let top = node.depth() == 0;
    let range = |s: &u32, e: &u32| p.operands.get(*s as usize..*e as usize).unwrap_or(&[]);
    match &node.op {
        Op::And(s, e) | Op::Or(s, e) if top => {
            let i = step_slot(i)?;
            let slots: Option<Vec<Slot>> = range(s, e).iter().map(|o| operand_slot(p, o)).collect();
            let slots = slots?;
            let is_and = matches!(node.op, Op::And(..));
            if let [a, b] = slots[..] {
                return Some(if is_and { Step::TopAnd2 { node: i, a, b } } else { Step::TopOr2 { node: i, a, b } });
            }
            // Three operands padded with the operation's identity (the slot of the constant true
            // for `and`, false for `or`), or four.
            let identity = u32::try_from(p.nodes.len() + if is_and { 2 } else { 0 }).ok().and_then(step_slot);
            let four = match (&slots[..], identity) {
                (&[a, b, c], Some(id)) => Some([a, b, c, id]),
                (&[a, b, c, d], _) => Some([a, b, c, d]),
                _ => None,
            };
            if let Some(ops) = four {
                return Some(if is_and { Step::TopAnd4 { node: i, ops } } else { Step::TopOr4 { node: i, ops } });
            }
            let start = u32::try_from(operands.len()).ok()?;
            operands.extend(slots);
            let end = u32::try_from(operands.len()).ok()?;
            Some(if is_and { Step::TopAnd { node: i, start, end } } else { Step::TopOr { node: i, start, end } })
        }
        Op::Not(a) if top => Some(Step::TopNot { node: step_slot(i)?, src: operand_slot(p, a)? }),
        Op::Quant { q, kind, body: Body::Vector(b) } if top => {
            let i = step_slot(i)?;
            let body = p.nodes.get(*b as usize)?;
            (body.depth() == 1 && body.class == kind.0).then_some(Step::TopQuant {
                node: i,
                q: *q,
                kind: *kind,
                body: body.slot,
                and_observed: i,
            })
        }
        Op::And(s, e) | Op::Or(s, e) if node.depth() == 1 => {
            let ops: Option<Vec<VecOperand>> = range(s, e)
                .iter()
                .map(|o| match o {
                    Operand::Vector(j) => {
                        p.nodes.get(*j as usize).filter(|x| x.class == node.class).map(|x| VecOperand::Vector(x.slot))
                    }
                    other => operand_slot(p, other).map(VecOperand::Slot),
                })
                .collect();
            let ops = ops?;
            let start = u32::try_from(vec_operands.len()).ok()?;
            vec_operands.extend(ops);
            let end = u32::try_from(vec_operands.len()).ok()?;
            let kind = *node.region.first()?;
            let slot = node.slot;
            Some(if matches!(node.op, Op::And(..)) {
                Step::VecAnd { node: i, kind, slot, start, end }
            } else {
                Step::VecOr { node: i, kind, slot, start, end }
            })
        }
        _ => None,
    }
}

/// The literal symbols of constant `c` when it is a string or a list of strings.
fn str_syms(p: &Layout, c: u32, list: bool) -> Option<Vec<u32>> {
    match p.consts.get(c as usize)? {
        ConstVal::Scalar(Scalar::Str(s)) if !list => Some(vec![*s]),
        ConstVal::List(items) if list => {
            items.iter().map(|i| if let Scalar::Str(s) = i { Some(*s) } else { None }).collect()
        }
        _ => None,
    }
}

/// Which group a node can join: (kind of group, fact kind, field, its literal symbols or
/// pattern, mode). `has K.field` and a bool field read as a condition join a [`GroupKind::Plain`]
/// group (a `has` joins the literal group of its column instead when `literal_columns` has one).
fn classify(
    p: &Layout,
    node: &Node,
    literal_columns: &HashMap<(KindId, FieldId), GroupKind>,
) -> Option<(GroupKind, KindId, FieldId, Vec<u32>, Mode)> {
    let hit = |gk, kind: &KindId, field: &FieldId, syms| Some((gk, *kind, *field, syms, Mode::Hit));
    match &node.op {
        Op::In { elem: Operand::Column { kind, field }, list: Operand::Const(c) } => {
            hit(GroupKind::StrSet, kind, field, str_syms(p, *c, true)?)
        }
        Op::Cmp { op: cmp @ (CmpOp::Eq | CmpOp::Ne), l, r } => {
            let (kind, field, c) = match (l, r) {
                (Operand::Column { kind, field }, Operand::Const(c))
                | (Operand::Const(c), Operand::Column { kind, field }) => (*kind, *field, *c),
                _ => return None,
            };
            let mode = if *cmp == CmpOp::Ne { Mode::Miss } else { Mode::Hit };
            Some((GroupKind::StrSet, kind, field, str_syms(p, c, false)?, mode))
        }
        Op::In { elem: Operand::Const(c), list: Operand::Column { kind, field } } => {
            hit(GroupKind::ListSet, kind, field, str_syms(p, *c, false)?)
        }
        Op::Intersects { l, r } => {
            let (kind, field, c) = match (l, r) {
                (Operand::Column { kind, field }, Operand::Const(c))
                | (Operand::Const(c), Operand::Column { kind, field }) => (kind, field, *c),
                _ => return None,
            };
            hit(GroupKind::ListSet, kind, field, str_syms(p, c, true)?)
        }
        Op::Match { subject: Operand::Column { kind, field }, pattern } => {
            hit(GroupKind::Match, kind, field, vec![*pattern])
        }
        // A fact's own field only (the group's pass runs over the node's kind).
        Op::Has(kind, field) if node.region.first() == Some(kind) => {
            let gk = literal_columns.get(&(*kind, *field)).copied().unwrap_or(GroupKind::Plain);
            Some((gk, *kind, *field, Vec::new(), Mode::Has))
        }
        Op::Truthy(Operand::Column { kind, field }) => hit(GroupKind::Plain, kind, field, Vec::new()),
        _ => None,
    }
}

/// A column group as [`grouping`] forms it: its column and its members (node, literal symbols
/// or pattern, mode), in the order they join.
struct Draft {
    kind: GroupKind,
    fact: KindId,
    field: FieldId,
    members: Vec<(u32, Vec<u32>, Mode)>,
}

/// The column groups of the once-per-app nodes `top` (run in that order), in the order they
/// open, and per node of `top` the group it joins (`None`: it runs as a step of its own).
fn grouping(p: &Layout, top: &[u32]) -> (Vec<Draft>, Vec<Option<usize>>) {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut joins = Vec::with_capacity(top.len());
    // Open group per (group kind, fact kind, field).
    let mut open: HashMap<(GroupKind, KindId, FieldId), usize> = HashMap::new();
    // The columns compared with literals, where a `has` of the same column joins.
    let none = HashMap::new();
    let mut literal_columns: HashMap<(KindId, FieldId), GroupKind> = HashMap::new();
    for node in top.iter().filter_map(|&i| p.nodes.get(i as usize)).filter(|n| n.depth() == 1) {
        if let Some((gk @ (GroupKind::StrSet | GroupKind::ListSet), kind, field, ..)) = classify(p, node, &none) {
            literal_columns.entry((kind, field)).or_insert(gk);
        }
    }
    for &i in top {
        let node = p.nodes.get(i as usize).filter(|n| n.depth() == 1);
        let Some((gk, kind, field, syms, mode)) = node.and_then(|n| classify(p, n, &literal_columns)) else {
            joins.push(None);
            continue;
        };
        let key = (gk, kind, field);
        let g = match open.get(&key) {
            Some(&g) if drafts.get(g).is_some_and(|d| d.members.len() < GROUP_MAX) => g,
            _ => {
                drafts.push(Draft { kind: gk, fact: kind, field, members: Vec::new() });
                open.insert(key, drafts.len() - 1);
                drafts.len() - 1
            }
        };
        if let Some(d) = drafts.get_mut(g) {
            d.members.push((i, syms, mode));
        }
        joins.push(Some(g));
    }
    (drafts, joins)
}

/// The member nodes of each column group of the once-per-app nodes `top`, in member order: the
/// nodes whose slots [`freeze::place_groups`](super::freeze::place_groups) makes adjacent.
pub(crate) fn group_members(p: &Layout, top: &[u32]) -> Vec<Vec<u32>> {
    grouping(p, top).0.into_iter().map(|d| d.members.into_iter().map(|(node, ..)| node).collect()).collect()
}

/// The group `d` computes: its members' slots (adjacent when the layout's slots were placed by
/// [`group_members`]), their modes, and its literal table or pattern set.
fn group(p: &Layout, d: Draft) -> Group {
    let members: Vec<Member> = d
        .members
        .iter()
        .map(|&(node, _, mode)| Member { node, slot: p.nodes.get(node as usize).map_or(0, |n| n.slot), mode })
        .collect();
    let mut group = Group {
        kind: d.kind,
        fact: d.fact,
        field: d.field,
        all_hit: members.iter().all(|m| m.mode == Mode::Hit),
        first: members.first().map_or(0, |m| m.slot),
        members,
        lo: 0,
        table: Vec::new(),
        patterns: Vec::new(),
        set: None,
    };
    match d.kind {
        GroupKind::Plain => {}
        GroupKind::Match => {
            group.patterns = d.members.into_iter().flat_map(|(_, syms, _)| syms).collect();
            let sources = group.patterns.iter().map(|&i| p.patterns.get(i as usize).map_or("", |r| r.as_str()));
            group.set = regex::RegexSetBuilder::new(sources).size_limit(64 << 20).build().ok();
        }
        GroupKind::StrSet | GroupKind::ListSet => {
            // Member `bit` is satisfied by its symbols.
            let syms: Vec<(u32, usize)> = d
                .members
                .iter()
                .enumerate()
                .flat_map(|(bit, (_, syms, _))| syms.iter().map(move |&s| (s, bit)))
                .collect();
            let lo = syms.iter().map(|(s, _)| *s).min().unwrap_or(0);
            let hi = syms.iter().map(|(s, _)| *s).max().map_or(0, |h| h + 1);
            let mut table = vec![0u64; hi.saturating_sub(lo) as usize];
            for &(s, bit) in &syms {
                if let Some(x) = table.get_mut((s - lo) as usize) {
                    *x |= 1u64 << bit;
                }
            }
            group.lo = lo;
            group.table = table;
        }
    }
    group
}

/// Builds the plan of layout `p` whose once-per-app nodes run in the order `top`.
pub(crate) fn build(p: &Layout, top: &[u32]) -> Plan {
    let mut steps: Vec<Step> = Vec::with_capacity(top.len());
    let mut operands: Vec<Slot> = Vec::new();
    let mut vec_operands: Vec<VecOperand> = Vec::new();
    let (drafts, joins) = grouping(p, top);
    // A group's step runs where its first member would have.
    let mut opened = vec![false; drafts.len()];
    for (&i, joined) in top.iter().zip(&joins) {
        match joined.and_then(|g| Some((g, opened.get_mut(g)?))) {
            Some((g, opened)) => {
                if !std::mem::replace(opened, true) {
                    steps.push(Step::Group(u32::try_from(g).unwrap_or(u32::MAX)));
                }
            }
            None => steps.push(compiled(p, i, &mut operands, &mut vec_operands).unwrap_or(Step::Node(i))),
        }
    }
    let groups: Vec<Group> = drafts.into_iter().map(|d| group(p, d)).collect();
    let slots = p.nodes.len() + 3 + p.kind_names.len();
    let (wit, wit_children) = witness_plan(p);
    let (root_wit, wit_entries, wit_guards) = flatten_witnesses(p, &wit, &wit_children);
    let root_slots = p.roots.iter().map(|r| operand_slot(p, r)).collect();
    let (steps, mut quants) = batch_quants(p, steps, &groups);
    let steps = fold_observed_and(p, steps, &mut quants);
    let (steps, vec_quants) = fuse_vec_quants(p, steps, &vec_operands);
    let steps = fuse_not_and_unknown(p, steps);
    let steps = fuse_or_and(steps);
    Plan {
        steps,
        groups,
        operands,
        vec_operands,
        quants,
        vec_quants,
        slots,
        wit,
        wit_children,
        root_slots,
        root_wit,
        wit_entries,
        wit_guards,
    }
}

/// The order of the once-per-app nodes: topological (all of a nested scan's inputs first), and
/// among the nodes ready at each point, those of the kind being scanned first, so that each
/// kind's nodes form as few runs as the dependencies allow.
pub(crate) fn order(nodes: &[Node], operands: &[Operand]) -> Vec<u32> {
    // Persistent nodes: region of at most one kind.
    let n = nodes.len();
    let persistent: Vec<bool> = nodes.iter().map(|x| x.depth() <= 1).collect();
    // For each node, the persistent nodes it needs (through nested nodes transitively). Nodes
    // are in topological order, so one forward pass computes the nested closures.
    let mut needs: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, node) in nodes.iter().enumerate() {
        let mut acc: Vec<u32> = Vec::new();
        let ds = node_deps(&node.op, operands);
        for d in ds {
            if persistent.get(d as usize).copied().unwrap_or(false) {
                acc.push(d);
            } else if let Some(inner) = needs.get(d as usize) {
                acc.extend_from_slice(inner);
            }
        }
        acc.sort_unstable();
        acc.dedup();
        if let Some(slot) = needs.get_mut(i) {
            *slot = acc;
        }
    }
    // Kahn's algorithm over persistent nodes, preferring the class scanned last.
    let mut indegree = vec![0usize; n];
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); n];
    for i in 0..n {
        if !persistent.get(i).copied().unwrap_or(false) {
            continue;
        }
        for &d in needs.get(i).map_or(&[][..], |v| v.as_slice()) {
            if let Some(x) = indegree.get_mut(i) {
                *x += 1;
            }
            if let Some(u) = users.get_mut(d as usize) {
                u.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
    }
    let mut ready: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for i in (0..n).rev() {
        if persistent.get(i).copied().unwrap_or(false) && indegree.get(i) == Some(&0) {
            let class = nodes.get(i).map_or(0, |x| x.class);
            ready.entry(class).or_default().push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    let mut out = Vec::new();
    let mut current: Option<u32> = None;
    loop {
        let class = match current.filter(|c| ready.get(c).is_some_and(|v| !v.is_empty())) {
            Some(c) => c,
            None => match ready.iter().find(|(_, v)| !v.is_empty()) {
                Some((c, _)) => *c,
                None => break,
            },
        };
        current = Some(class);
        let Some(i) = ready.get_mut(&class).and_then(|v| v.pop()) else { break };
        out.push(i);
        for &u in users.get(i as usize).map_or(&[][..], |v| v.as_slice()) {
            if let Some(x) = indegree.get_mut(u as usize) {
                *x -= 1;
                if *x == 0 {
                    let c = nodes.get(u as usize).map_or(0, |x| x.class);
                    let v = ready.entry(c).or_default();
                    // Keep each ready list sorted descending so that pop takes the lowest id.
                    let pos = v.partition_point(|&y| y > u);
                    v.insert(pos, u);
                }
            }
        }
    }
    out
}

/// Runs of consecutive top-level nodes over one kind.
pub(crate) fn count_scans(nodes: &[Node], top: &[u32]) -> usize {
    let mut scans = 0;
    let mut prev: Option<u32> = None;
    for &i in top {
        let Some(node) = nodes.get(i as usize) else { continue };
        if node.depth() == 1 {
            if prev != Some(node.class) {
                scans += 1;
            }
            prev = Some(node.class);
        }
    }
    scans
}
