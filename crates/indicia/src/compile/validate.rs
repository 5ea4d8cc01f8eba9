//! The checks a [`Program`] passes once, when it is built: every index it holds is in range and
//! every storage slot belongs to exactly one node of its class. The evaluator relies on them and
//! indexes without a fallback (see `eval`), so that a compiler bug is an error at build time
//! ([`CompileError::Invalid`]), never a wrong verdict.

use super::CompileError;
use super::program::{Body, Node, Op, Operand, Program};
use super::schedule::{
    self, EVERY_FACT, GROUP_MAX, GroupKind, Mode, STEP_SLOTS, Slot, Step, VecOperand, WitNode, wit_facts,
};
use super::value::{B3, ConstVal};
use crate::hir::KindId;

/// An error unless `ok`.
fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), CompileError> {
    if ok { Ok(()) } else { Err(CompileError::Invalid { what: what() }) }
}

/// A range `start..end` of a list of `len` items.
fn range(start: u32, end: u32, len: usize, what: &str) -> Result<(), CompileError> {
    ensure(start <= end && end as usize <= len, || format!("{what} range {start}..{end} outside 0..{len}"))
}

struct Validator<'p> {
    p: &'p Program,
    kinds: usize,
}

impl Validator<'_> {
    fn kind(&self, k: u32) -> Result<(), CompileError> {
        ensure((k as usize) < self.kinds, || format!("kind {k} out of range"))
    }

    fn field(&self, k: u32, f: u32) -> Result<(), CompileError> {
        self.kind(k)?;
        let fields = self.p.layout.field_names.get(k as usize).map_or(0, Vec::len);
        ensure((f as usize) < fields, || format!("field {f} of kind {k} out of range"))
    }

    fn node_index(&self, i: u32, what: &str) -> Result<&Node, CompileError> {
        self.p
            .layout
            .nodes
            .get(i as usize)
            .ok_or_else(|| CompileError::Invalid { what: format!("{what}: node {i} out of range") })
    }

    /// An operand read by a node of region `region` (`at`: the reading node, which must come after
    /// every node it reads). `boolean`: the operand stands where a truth value is expected.
    fn operand(&self, o: &Operand, region: &[KindId], at: Option<u32>, boolean: bool) -> Result<(), CompileError> {
        let depth = region.len();
        // The kind iterated at loop level `d` (level 0 is the outermost kind, the region's last).
        let level = |d: u8| depth.checked_sub(1 + d as usize).and_then(|x| region.get(x));
        let before = |i: u32| ensure(at.is_none_or(|a| i < a), || format!("node {at:?} reads later node {i}"));
        match *o {
            Operand::Const(c) => {
                let value = self.p.layout.consts.get(c as usize);
                ensure(value.is_some(), || format!("constant {c} out of range"))?;
                ensure(!boolean || matches!(value, Some(ConstVal::Bool(_))), || {
                    format!("constant {c} stands for a truth value but is not one")
                })
            }
            Operand::Observed(k) => self.kind(k.0),
            Operand::Column { kind, field } => {
                ensure(region.first() == Some(&kind), || format!("a column of kind {} read outside its scan", kind.0))?;
                self.field(kind.0, field.0)
            }
            Operand::Outer { kind, field, depth: d } => {
                ensure((d as usize) < depth, || format!("outer field at depth {d} read at depth {depth}"))?;
                ensure(level(d) == Some(&kind), || format!("outer field of kind {} read at level {d}", kind.0))?;
                self.field(kind.0, field.0)
            }
            Operand::Vector(i) => {
                let node = self.node_index(i, "vector operand")?;
                ensure(node.depth() >= 1 && depth >= 1, || format!("vector operand {i} outside a scan"))?;
                // The same vector: as many facts as the reader's.
                ensure(node.region.first() == region.first(), || format!("vector operand {i} over another kind"))?;
                before(i)
            }
            Operand::At(i, d) => {
                let node = self.node_index(i, "enclosing operand")?;
                ensure((d as usize) < depth, || format!("operand {i} at depth {d} read at depth {depth}"))?;
                // Read at the loop index of level `d` (counted from the outermost kind): a vector
                // over that level's kind.
                ensure(node.region.first() == level(d), || {
                    format!("operand {i} is not a vector over the kind of level {d}")
                })?;
                before(i)
            }
            Operand::Top(i) => {
                let node = self.node_index(i, "once-per-app operand")?;
                ensure(node.depth() == 0, || format!("operand {i} is not once per app"))?;
                before(i)
            }
        }
    }

    /// The body of a quantifier over `kind` read by node `at` of region `region`.
    fn body(&self, body: &Body, kind: KindId, region: &[KindId], at: u32) -> Result<(), CompileError> {
        // A body's vector runs over the quantified kind's facts.
        let over_kind = |b: u32| {
            let node = self.node_index(b, "quantifier body")?;
            ensure(node.region.first() == Some(&kind), || format!("body {b} is not a vector over kind {}", kind.0))
        };
        match *body {
            Body::All => Ok(()),
            Body::Scalar(ref o) => {
                let inner: Vec<KindId> = std::iter::once(kind).chain(region.iter().copied()).collect();
                self.operand(o, &inner, Some(at), true)
            }
            Body::Vector(b) => {
                over_kind(b)?;
                ensure(b < at, || format!("node {at} reads later body {b}"))
            }
            Body::Nested { node, sub } => {
                over_kind(node)?;
                ensure(node < at, || format!("node {at} reads later body {node}"))?;
                ensure((sub as usize) < self.p.layout.subs.len(), || format!("nested scan {sub} out of range"))
            }
        }
    }

    fn node(&self, i: u32, node: &Node) -> Result<(), CompileError> {
        let depth = node.depth();
        for k in &node.region {
            self.kind(k.0)?;
        }
        let class = node.region.first().map_or(self.kinds as u32, |k| k.0);
        ensure(node.class == class, || format!("node {i} stored in class {} of another region", node.class))?;
        ensure(depth < self.p.layout.max_depth, || format!("node {i} deeper than the program's depth"))?;
        let p = self.p;
        let region = node.region.as_slice();
        match &node.op {
            Op::Truthy(a) => self.operand(a, region, Some(i), false),
            Op::Not(a) => self.operand(a, region, Some(i), true),
            Op::Has(k, f) => self.field(k.0, f.0),
            Op::And(s, e) | Op::Or(s, e) => {
                range(*s, *e, p.layout.operands.len(), "operand")?;
                for o in p.layout.operands.get(*s as usize..*e as usize).unwrap_or_default() {
                    self.operand(o, region, Some(i), true)?;
                }
                Ok(())
            }
            Op::Cmp { l, r, .. } | Op::Intersects { l, r } => {
                self.operand(l, region, Some(i), false)?;
                self.operand(r, region, Some(i), false)
            }
            Op::In { elem, list } => {
                self.operand(elem, region, Some(i), false)?;
                self.operand(list, region, Some(i), false)
            }
            Op::Match { subject, pattern } => {
                self.operand(subject, region, Some(i), false)?;
                ensure((*pattern as usize) < p.layout.patterns.len(), || format!("pattern {pattern} out of range"))
            }
            Op::Quant { kind, body, .. } | Op::Count { kind, body, .. } => {
                self.kind(kind.0)?;
                self.body(body, *kind, region, i)
            }
        }
    }

    fn slot(&self, s: u32) -> Result<(), CompileError> {
        ensure((s as usize) < self.p.plan.slots, || format!("slot {s} out of range"))
    }

    /// A slot a compiled step names (see [`Slot`]).
    fn step_slot(&self, s: Slot) -> Result<(), CompileError> {
        ensure(usize::from(s) < STEP_SLOTS, || format!("slot {s} past the compiled steps' slots"))?;
        self.slot(s.into())
    }

    fn class_slot(&self, kind: u32, slot: u32) -> Result<(), CompileError> {
        self.kind(kind)?;
        let size = self.p.layout.class_sizes.get(kind as usize).copied().unwrap_or(0);
        ensure(slot < size, || format!("slot {slot} of kind {kind} out of range"))
    }

    /// Node `guard`, written with quantifier `node` over `kind`, is `node` itself or
    /// `observed(kind) and node`.
    fn and_observed(&self, node: u32, kind: KindId, guard: u32) -> Result<(), CompileError> {
        if guard == node {
            return Ok(());
        }
        let is_guard = match self.node_index(guard, "observed guard")?.op {
            Op::And(s, e) => matches!(
                self.p.layout.operands.get(s as usize..e as usize),
                Some([Operand::Observed(k), Operand::Top(q)] | [Operand::Top(q), Operand::Observed(k)])
                    if *k == kind && *q == node
            ),
            _ => false,
        };
        ensure(is_guard, || format!("node {guard} is not observed({}) and {node}", kind.0))
    }

    /// Node `node`, written with `or` by one step, is an `and` of which `or` is an operand.
    fn and_reads(&self, node: u32, or: u32) -> Result<(), CompileError> {
        let is_it = match self.node_index(node, "fused and")?.op {
            Op::And(s, e) => {
                self.p.layout.operands.get(s as usize..e as usize).is_some_and(|ops| ops.contains(&Operand::Top(or)))
            }
            _ => false,
        };
        ensure(is_it, || format!("node {node} is no and of {or}"))
    }

    /// Node `node`, written with `not` by one step, is `not and unknown`.
    fn and_unknown(&self, node: u32, not: u32) -> Result<(), CompileError> {
        let unknown = |o: &Operand| match *o {
            Operand::Const(c) => matches!(self.p.layout.consts.get(c as usize), Some(ConstVal::Bool(B3::U))),
            _ => false,
        };
        let is_it = match self.node_index(node, "fused and")?.op {
            Op::And(s, e) => match self.p.layout.operands.get(s as usize..e as usize) {
                Some([Operand::Top(x), u] | [u, Operand::Top(x)]) => *x == not && unknown(u),
                _ => false,
            },
            _ => false,
        };
        ensure(is_it, || format!("node {node} is not {not} and unknown"))
    }

    fn step(&self, step: &Step) -> Result<(), CompileError> {
        let plan = &self.p.plan;
        if let Some(node) = step.node() {
            self.node_index(node, "step")?;
        }
        // The slot a once-per-app step writes.
        if let Some(node) = step.top_slot() {
            self.step_slot(node)?;
        }
        match *step {
            Step::Node(_) => Ok(()),
            Step::Group(g) => ensure((g as usize) < plan.groups.len(), || format!("group {g} out of range")),
            Step::TopAnd { start, end, .. } | Step::TopOr { start, end, .. } => {
                range(start, end, plan.operands.len(), "slot operand")?;
                plan.operands
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                    .iter()
                    .try_for_each(|&s| self.step_slot(s))
            }
            Step::TopAnd4 { ops, .. } | Step::TopOr4 { ops, .. } => ops.iter().try_for_each(|&s| self.step_slot(s)),
            Step::TopAnd2 { a, b, .. } | Step::TopOr2 { a, b, .. } => {
                self.step_slot(a)?;
                self.step_slot(b)
            }
            Step::TopNot { src, .. } => self.step_slot(src),
            Step::TopNotAndUnknown { node, not, src } => {
                self.step_slot(src)?;
                self.step_slot(not)?;
                self.node_index(not.into(), "fused not")?;
                self.and_unknown(node.into(), not.into())
            }
            Step::TopOrAnd { node, or, a, b, ops } => {
                [node, a, b].into_iter().chain(ops).try_for_each(|s| self.step_slot(s))?;
                self.and_reads(node.into(), or.into())
            }
            Step::TopQuant { node, kind, body, and_observed, .. } => {
                self.step_slot(and_observed)?;
                self.and_observed(node.into(), kind, and_observed.into())?;
                self.class_slot(kind.0, body)
            }
            Step::Quants { kind, start, end } => {
                range(start, end, plan.quants.len(), "quantifiers")?;
                plan.quants.get(start as usize..end as usize).unwrap_or_default().iter().try_for_each(|q| {
                    self.node_index(q.node.into(), "quantifier")?;
                    self.step_slot(q.node)?;
                    self.step_slot(q.and_observed)?;
                    self.and_observed(q.node.into(), kind, q.and_observed.into())?;
                    self.class_slot(kind.0, q.body)
                })
            }
            Step::VecAnd { kind, slot, start, end, .. } | Step::VecOr { kind, slot, start, end, .. } => {
                self.vec_step(kind, slot, start, end)
            }
            Step::VecQuants { kind, start, end } => {
                range(start, end, plan.vec_quants.len(), "fused vector steps")?;
                plan.vec_quants.get(start as usize..end as usize).unwrap_or_default().iter().try_for_each(|v| {
                    ensure(v.kind == kind, || {
                        format!("a fused vector step over kind {} in a run over {}", v.kind.0, kind.0)
                    })?;
                    self.node_index(v.node, "fused vector step")?;
                    self.class_slot(kind.0, v.slot)?;
                    v.vectors.iter().try_for_each(|&j| self.class_slot(kind.0, j))?;
                    v.slots.iter().flatten().try_for_each(|&s| self.step_slot(s))?;
                    self.node_index(v.quant.into(), "fused quantifier")?;
                    self.step_slot(v.quant)?;
                    self.step_slot(v.and_observed)?;
                    self.and_observed(v.quant.into(), v.kind, v.and_observed.into())
                })
            }
        }
    }

    /// A vector `and`/`or` step over `vec_operands[start..end]` into slot `slot` of `kind`'s class.
    fn vec_step(&self, kind: KindId, slot: u32, start: u32, end: u32) -> Result<(), CompileError> {
        let plan = &self.p.plan;
        self.class_slot(kind.0, slot)?;
        range(start, end, plan.vec_operands.len(), "vector operand")?;
        plan.vec_operands.get(start as usize..end as usize).unwrap_or_default().iter().try_for_each(|o| match *o {
            VecOperand::Vector(j) => self.class_slot(kind.0, j),
            VecOperand::Slot(s) => self.step_slot(s),
        })
    }
}

/// Checks every index and slot of `p` (see the module docs).
pub(crate) fn validate(p: &Program) -> Result<(), CompileError> {
    let kinds = p.layout.kind_names.len();
    let v = Validator { p, kinds };
    let n = p.layout.nodes.len();
    ensure(p.layout.field_names.len() == kinds, || "field names per kind".to_string())?;
    ensure(p.layout.class_sizes.len() == kinds + 1, || "one storage class per kind and one per app".to_string())?;
    // Every slot of every class belongs to exactly one node.
    let mut taken: Vec<Vec<bool>> = p.layout.class_sizes.iter().map(|&c| vec![false; c as usize]).collect();
    for (i, node) in p.layout.nodes.iter().enumerate() {
        let i = u32::try_from(i).map_err(|_| CompileError::internal("too many nodes"))?;
        v.node(i, node)?;
        let slot = taken.get_mut(node.class as usize).and_then(|c| c.get_mut(node.slot as usize));
        match slot {
            Some(s) if !*s => *s = true,
            _ => return Err(CompileError::Invalid { what: format!("node {i}'s slot is out of range or shared") }),
        }
    }
    ensure(taken.iter().all(|c| c.iter().all(|s| *s)), || "a storage slot without a node".to_string())?;
    for &(s, e) in &p.layout.subs {
        range(s, e, p.layout.sub_nodes.len(), "nested scan")?;
    }
    for &x in &p.layout.sub_nodes {
        v.node_index(x, "nested scan member")?;
    }
    for &t in &p.top {
        let node = v.node_index(t, "schedule")?;
        ensure(node.depth() <= 1, || format!("scheduled node {t} runs per outer fact"))?;
    }
    for root in &p.layout.roots {
        v.operand(root, &[], None, true)?;
    }
    ensure(p.sets.len() == p.layout.consts.len(), || "one literal set per constant".to_string())?;
    let words = p.symbols.len().div_ceil(64);
    ensure(p.sets.iter().flatten().all(|s| s.len() == words), || "a literal set of the wrong size".to_string())?;
    let plan = &p.plan;
    ensure(plan.slots == n + 3 + kinds, || "slot count".to_string())?;
    for step in &plan.steps {
        v.step(step)?;
    }
    for g in &plan.groups {
        v.field(g.fact.0, g.field.0)?;
        ensure(!g.members.is_empty() && g.members.len() <= GROUP_MAX, || "group size".to_string())?;
        let members = g.members.len();
        ensure(g.table.iter().all(|m| members >= 64 || m >> members == 0), || "a group mask names no member".into())?;
        // The store writes an all-`Hit` group without reading each member's mode.
        ensure(g.all_hit == g.members.iter().all(|m| m.mode == Mode::Hit), || "group all_hit flag".into())?;
        // The store writes the members' planes as one block from the first member's slot.
        for (m, at) in g.members.iter().zip(g.first..) {
            let node = v.node_index(m.node, "group member")?;
            ensure(node.class == g.fact.0 && node.depth() == 1, || format!("group member {} of another kind", m.node))?;
            ensure(node.slot == m.slot && m.slot == at, || format!("group member {} in another slot", m.node))?;
        }
        if g.kind == GroupKind::Match {
            ensure(g.patterns.len() == g.members.len(), || "one pattern per match member".to_string())?;
            ensure(g.patterns.iter().all(|&x| (x as usize) < p.layout.patterns.len()), || {
                "group pattern out of range".into()
            })?;
        }
    }
    ensure(plan.wit.len() == n, || "one witness entry per node".to_string())?;
    for w in &plan.wit {
        match *w {
            WitNode::None => {}
            WitNode::Logic { start, end } => {
                range(start, end, plan.wit_children.len(), "witness children")?;
            }
            WitNode::Quant { kind, ref body } => {
                v.kind(kind.0)?;
                if let Body::Vector(b) | Body::Nested { node: b, .. } = body {
                    let node = v.node_index(*b, "witness body")?;
                    ensure(node.region.first() == Some(&kind), || format!("witness body {b} over another kind"))?;
                }
            }
        }
    }
    for &c in &plan.wit_children {
        v.node_index(c, "witness child")?;
    }
    if let Some(slots) = &plan.root_slots {
        ensure(slots.len() == p.layout.roots.len(), || "one verdict slot per root".to_string())?;
        for (&s, root) in slots.iter().zip(&p.layout.roots) {
            ensure(schedule::slot_of(&p.layout, root) == Some(u32::from(s)), || {
                format!("verdict slot {s} is not its root's")
            })?;
            v.step_slot(s)?;
        }
    }
    ensure(plan.root_wit.len() == p.layout.roots.len(), || "one flattened witness walk per root".to_string())?;
    let true_slot = schedule::true_slot(&p.layout);
    for paths in plan.root_wit.iter().flatten() {
        range(paths.start, paths.end, plan.wit_entries.len(), "flattened witness walk")?;
        let entries = plan.wit_entries.get(paths.start as usize..paths.end as usize).unwrap_or_default();
        // The witness writer writes a kind's facts after its last entry (`last_of_kind`): the
        // entries of one kind must be together, the flag on the last of them only.
        for (i, e) in entries.iter().enumerate() {
            let next = entries.get(i + 1).map(|n| n.kind);
            ensure(next.is_none_or(|k| k >= e.kind) && e.last_of_kind == (next != Some(e.kind)), || {
                format!("flattened witness entry {} out of kind order", e.quant)
            })?;
            if paths.one_guard {
                // The writer reads `guard` alone: it must be the path's one guard, or the constant
                // `true` for none.
                let one = match plan.wit_guards.get(e.start as usize..e.end as usize) {
                    Some([]) => Some(true_slot),
                    Some(&[g]) => Some(g),
                    _ => None,
                };
                ensure(one == Some(u32::from(e.guard)), || {
                    format!("flattened witness entry {} names another guard than its path's one", e.quant)
                })?;
                v.step_slot(e.guard)?;
            }
        }
    }
    for e in &plan.wit_entries {
        range(e.start, e.end, plan.wit_guards.len(), "witness guards")?;
        let facts = match plan.wit.get(e.quant as usize) {
            Some(&WitNode::Quant { kind, body }) if kind == e.kind => wit_facts(&p.layout, body),
            _ => None,
        };
        let last_guard = e.end.checked_sub(1).filter(|&l| l >= e.start).and_then(|l| plan.wit_guards.get(l as usize));
        ensure(
            facts.is_some_and(|(slot, scalar)| slot == e.slot && scalar.is_none_or(|s| last_guard == Some(&s))),
            || format!("flattened witness entry {} is not that quantifier", e.quant),
        )?;
        if e.slot != EVERY_FACT {
            v.class_slot(e.kind.0, e.slot)?;
        }
    }
    for &g in &plan.wit_guards {
        v.slot(g)?;
    }
    Ok(())
}
