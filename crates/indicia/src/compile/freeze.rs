//! Folded graph → flat program: computed nodes in topological order in one `Vec`, children as
//! indices ([`Operand`]s), constants and fields read in place.
//!
//! Nodes of the empty region and of single-kind regions run once per app, in `Program::top` (ordered by `schedule`); a
//! single-kind node computes its value for every fact of the kind in one pass over the kind's
//! columns (a *scan*; the top-level order keeps each kind's nodes together where dependencies
//! allow). A quantifier whose body reads an enclosing fact gets a sub-program: the nodes of its
//! body's region, run once per fact of the enclosing kind (a nested scan).

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use super::CompileError;
use super::build::{Builder, Child, GOp, Off, RegionId};
use super::program::{Body, Node, Op, Operand};
use super::value::ConstVal;
use crate::hir::{ExprId, Pack};

/// The folded graph laid out flat: what the schedule is built from, and the part of the
/// [`Program`](super::Program) that owns it (its one constructor adds the schedule, the plan and the
/// literal sets).
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub(crate) kind_names: Vec<String>,
    pub(crate) field_names: Vec<Vec<String>>,
    /// Computed nodes, children first.
    pub(crate) nodes: Vec<Node>,
    /// The operands of `and`/`or` nodes (ranges in [`Op::And`], [`Op::Or`]).
    pub(crate) operands: Vec<Operand>,
    pub(crate) consts: Vec<ConstVal>,
    /// Parallel to `consts`: the `unknown` operand of the pack a constant stands for.
    pub(crate) unknown_sites: Vec<Option<ExprId>>,
    /// The node lists of nested scans (ranges into `sub_nodes`).
    pub(crate) subs: Vec<(u32, u32)>,
    pub(crate) sub_nodes: Vec<u32>,
    /// One root per indicator.
    pub(crate) roots: Vec<Operand>,
    pub(crate) patterns: Vec<regex::Regex>,
    pub(crate) pattern_sources: Vec<String>,
    /// Per storage class (each kind, then the class of once-per-app nodes): how many nodes.
    pub(crate) class_sizes: Vec<u32>,
    pub(crate) max_depth: usize,
    /// Nodes of the folded graph, values included.
    pub(crate) nodes_after_folding: usize,
}

struct Freezer<'b, 'p> {
    b: &'b Builder<'p>,
    flat: HashMap<NodeIndex, u32>,
    operands: Vec<Operand>,
}

impl Freezer<'_, '_> {
    fn region_len(&self, r: RegionId) -> usize {
        self.b.regions.len_of(r)
    }

    /// The operand for child `c` read from a node whose region has `reader_len` kinds.
    fn operand(&self, c: Child, reader_len: usize) -> Result<Operand, CompileError> {
        let node = self.b.node(c.node)?;
        let depth = |o: u32| -> Result<u8, CompileError> {
            reader_len
                .checked_sub(1 + o as usize)
                .and_then(|d| u8::try_from(d).ok())
                .ok_or_else(|| CompileError::internal("operand outside its reader's region"))
        };
        Ok(match &node.op {
            GOp::Const(i) => Operand::Const(*i),
            GOp::Observed(k) => Operand::Observed(*k),
            GOp::Field { kind, field, .. } => match c.off {
                Off::At(0) => Operand::Column { kind: *kind, field: *field },
                Off::At(o) => Operand::Outer { kind: *kind, field: *field, depth: depth(o)? },
                Off::Top => return Err(CompileError::internal("field outside a quantifier")),
            },
            _ => {
                let id = self.flat.get(&c.node).copied().ok_or_else(|| CompileError::internal("operand not frozen"))?;
                match c.off {
                    Off::Top => Operand::Top(id),
                    Off::At(0) => Operand::Vector(id),
                    Off::At(o) => Operand::At(id, depth(o)?),
                }
            }
        })
    }

    fn body(
        &self,
        body: Option<Child>,
        reader_len: usize,
        subs: &HashMap<NodeIndex, u32>,
        owner: NodeIndex,
    ) -> Result<Body, CompileError> {
        let Some(b) = body else { return Ok(Body::All) };
        let body_len = reader_len + 1;
        let node = self.b.node(b.node)?;
        if b.off == Off::At(0) && !node.op.is_value() {
            let id = self.flat.get(&b.node).copied().ok_or_else(|| CompileError::internal("body not frozen"))?;
            if self.region_len(node.region) >= 2 {
                let sub =
                    subs.get(&owner).copied().ok_or_else(|| CompileError::internal("nested body without a scan"))?;
                return Ok(Body::Nested { node: id, sub });
            }
            return Ok(Body::Vector(id));
        }
        Ok(Body::Scalar(self.operand(b, body_len)?))
    }
}

/// Lays out the folded graph `b` as a program.
pub(crate) fn freeze(pack: &Pack, b: &Builder<'_>, roots: &[Child]) -> Result<Layout, CompileError> {
    let order = super::fold::children_first(b, roots)?;
    let kinds = u32::try_from(pack.schema.kinds.len()).map_err(|_| CompileError::internal("too many kinds"))?;
    let mut f = Freezer { b, flat: HashMap::new(), operands: Vec::new() };
    // Flat ids for computed nodes, children first.
    let mut computed: Vec<NodeIndex> = Vec::new();
    for &n in &order {
        if !b.node(n)?.op.is_value() {
            let id = u32::try_from(computed.len()).map_err(|_| CompileError::internal("too many nodes"))?;
            f.flat.insert(n, id);
            computed.push(n);
        }
    }
    // Sub-programs: for each quantifier with a nested body, the nodes of the body's region it needs.
    let mut subs_of: HashMap<NodeIndex, u32> = HashMap::new();
    let mut subs: Vec<(u32, u32)> = Vec::new();
    let mut sub_nodes: Vec<u32> = Vec::new();
    let mut max_depth = 0usize;
    for &n in &computed {
        let node = b.node(n)?;
        max_depth = max_depth.max(b.regions.len_of(node.region));
        let body = match &node.op {
            GOp::Quant { body: Some(c), .. } | GOp::Count { body: Some(c), .. } if c.off == Off::At(0) => *c,
            _ => continue,
        };
        let body_node = b.node(body.node)?;
        let body_region = body_node.region;
        let t = b.regions.kinds(body_region);
        if body_node.op.is_value() || t.len() < 2 {
            continue;
        }
        // Depth-first from the body through nodes of its region and deeper ones.
        let mut seen: HashMap<NodeIndex, ()> = HashMap::new();
        let mut stack = vec![body.node];
        let mut members: Vec<u32> = Vec::new();
        while let Some(x) = stack.pop() {
            if seen.insert(x, ()).is_some() {
                continue;
            }
            let xn = b.node(x)?;
            if xn.op.is_value() {
                continue;
            }
            let xr = b.regions.kinds(xn.region);
            let same = xn.region == body_region;
            let deeper = xr.len() > t.len() && xr.ends_with(t);
            if !same && !deeper {
                continue;
            }
            if same {
                members.push(f.flat.get(&x).copied().ok_or_else(|| CompileError::internal("member not frozen"))?);
            }
            for c in xn.op.children() {
                stack.push(c.node);
            }
        }
        members.sort_unstable();
        let start = u32::try_from(sub_nodes.len()).map_err(|_| CompileError::internal("program too large"))?;
        sub_nodes.extend(members);
        let end = u32::try_from(sub_nodes.len()).map_err(|_| CompileError::internal("program too large"))?;
        subs_of.insert(n, u32::try_from(subs.len()).map_err(|_| CompileError::internal("program too large"))?);
        subs.push((start, end));
    }
    // The flat nodes.
    let mut class_sizes = vec![0u32; kinds as usize + 1];
    let mut nodes: Vec<Node> = Vec::with_capacity(computed.len());
    for &n in &computed {
        let node = b.node(n)?;
        let region = b.regions.kinds(node.region).to_vec();
        let len = region.len();
        let op = match &node.op {
            GOp::Truthy(c) => Op::Truthy(f.operand(*c, len)?),
            GOp::Has { kind, field } => Op::Has(*kind, *field),
            GOp::Not(c) => Op::Not(f.operand(*c, len)?),
            GOp::And(cs) | GOp::Or(cs) => {
                let start = u32::try_from(f.operands.len()).map_err(|_| CompileError::internal("program too large"))?;
                for c in cs {
                    let o = f.operand(*c, len)?;
                    f.operands.push(o);
                }
                let end = u32::try_from(f.operands.len()).map_err(|_| CompileError::internal("program too large"))?;
                if matches!(node.op, GOp::And(_)) { Op::And(start, end) } else { Op::Or(start, end) }
            }
            GOp::Cmp { op, l, r } => Op::Cmp { op: *op, l: f.operand(*l, len)?, r: f.operand(*r, len)? },
            GOp::In { elem, list } => Op::In { elem: f.operand(*elem, len)?, list: f.operand(*list, len)? },
            GOp::Intersects { l, r } => Op::Intersects { l: f.operand(*l, len)?, r: f.operand(*r, len)? },
            GOp::Match { subject, pattern } => Op::Match { subject: f.operand(*subject, len)?, pattern: pattern.0 },
            GOp::Quant { q, kind, body } => Op::Quant { q: *q, kind: *kind, body: f.body(*body, len, &subs_of, n)? },
            GOp::Count { kind, body, op, n: num } => {
                let num = match b.consts.get(*num) {
                    Some(ConstVal::Scalar(s)) => *s,
                    _ => return Err(CompileError::internal("count compared with a non-number")),
                };
                Op::Count { kind: *kind, body: f.body(*body, len, &subs_of, n)?, op: *op, n: num }
            }
            GOp::Const(_) | GOp::Observed(_) | GOp::Field { .. } => {
                return Err(CompileError::internal("value node frozen"));
            }
        };
        let class = region.first().map_or(kinds, |k| k.0);
        let counter = class_sizes.get_mut(class as usize).ok_or_else(|| CompileError::internal("kind out of range"))?;
        let slot = *counter;
        *counter += 1;
        nodes.push(Node { op, region, class, slot });
    }
    let roots = roots.iter().map(|r| f.operand(*r, 0)).collect::<Result<Vec<_>, _>>()?;
    Ok(Layout {
        kind_names: pack.schema.kinds.iter().map(|k| k.name.clone()).collect(),
        field_names: pack.schema.kinds.iter().map(|k| k.fields.iter().map(|f| f.name.clone()).collect()).collect(),
        nodes,
        operands: f.operands,
        consts: b.consts.list.clone(),
        unknown_sites: b.consts.sites.clone(),
        subs,
        sub_nodes,
        roots,
        patterns: pack.patterns.iter().map(|p| p.regex.clone()).collect(),
        pattern_sources: pack.patterns.iter().map(|p| format!("{} {:?}", p.op.keyword(), p.source)).collect(),
        class_sizes,
        max_depth: max_depth + 1,
        nodes_after_folding: order.len(),
    })
}

/// Renumbers the slots of each storage class so that the members of every column group (`groups`:
/// each group's member nodes in member order, from `schedule::group_members`) have adjacent slots
/// in member order, so that a group's store writes one block of planes. The other slots follow,
/// in their old order. Slots are permuted, not reassigned: nodes that shared a slot (a corrupted
/// layout) still share one, and a slot out of range is left as it is, for validation to refuse.
pub(crate) fn place_groups(layout: &mut Layout, groups: &[Vec<u32>]) {
    // Per class: the new slot of each old slot.
    let mut new_of_old: Vec<Vec<Option<u32>>> =
        layout.class_sizes.iter().map(|&size| vec![None; size as usize]).collect();
    let mut next = vec![0u32; new_of_old.len()];
    let mut place = |class: usize, old: usize| {
        if let (Some(Some(new @ None)), Some(n)) =
            (new_of_old.get_mut(class).map(|c| c.get_mut(old)), next.get_mut(class))
        {
            *new = Some(*n);
            *n += 1;
        }
    };
    for &m in groups.iter().flatten() {
        if let Some(node) = layout.nodes.get(m as usize) {
            place(node.class as usize, node.slot as usize);
        }
    }
    for (class, &size) in layout.class_sizes.iter().enumerate() {
        for old in 0..size as usize {
            place(class, old);
        }
    }
    for node in &mut layout.nodes {
        let new = new_of_old.get(node.class as usize).and_then(|c| c.get(node.slot as usize)).copied().flatten();
        if let Some(new) = new {
            node.slot = new;
        }
    }
}
