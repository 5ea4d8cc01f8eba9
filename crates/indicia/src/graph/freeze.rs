//! Folded graph → flat program: computed nodes in topological order in one `Vec`, children as
//! indices ([`Operand`]s), constants and fields read in place.
//!
//! Nodes of the empty region and of single-kind regions run once per app, in `Program::top`; a
//! single-kind node computes its value for every fact of the kind in one pass over the kind's
//! columns (a *scan*; the top-level order keeps each kind's nodes together where dependencies
//! allow). A quantifier whose body reads an enclosing fact gets a sub-program: the nodes of its
//! body's region, run once per fact of the enclosing kind (a nested scan).

use std::collections::{BTreeMap, HashMap};

use indicia_syntax::ast::Quantifier;
use petgraph::graph::NodeIndex;

use super::build::{Builder, Child, GOp, Off, RegionId};
use super::value::Scalar;
use super::{CompileError, GraphStats, Program};
use crate::hir::{CmpOp, FieldId, KindId, Pack};

/// An operand of a node, relative to the node's region.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Operand {
    /// A constant.
    Const(u32),
    /// `observed(K)`.
    Observed(KindId),
    /// A field of the fact the node iterates over: one value per fact.
    Column { kind: KindId, field: FieldId },
    /// A field of an enclosing fact: the value at the loop index `cur[depth]`.
    Outer { kind: KindId, field: FieldId, depth: u8 },
    /// A boolean node of the same region: one value per fact.
    Vector(u32),
    /// A boolean node of an enclosing region: its value at the loop index `cur[depth]`.
    At(u32, u8),
    /// A boolean node computed once per app.
    Top(u32),
}

/// A quantifier's body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Body {
    /// No `where`: every fact.
    All,
    /// A body that does not read the quantified fact: one value for every fact.
    Scalar(Operand),
    /// A body computed once per app as a vector over the kind's facts.
    Vector(u32),
    /// A body that reads an enclosing fact: sub-program `sub` computes `node` per enclosing fact.
    Nested { node: u32, sub: u32 },
}

/// A computed node's operation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Truthy(Operand),
    Has(KindId, FieldId),
    Not(Operand),
    And(u32, u32),
    Or(u32, u32),
    Cmp { op: CmpOp, l: Operand, r: Operand },
    In { elem: Operand, list: Operand },
    Intersects { l: Operand, r: Operand },
    Match { subject: Operand, pattern: u32 },
    Quant { q: Quantifier, kind: KindId, body: Body },
    Count { kind: KindId, body: Body, op: CmpOp, n: Scalar },
}

/// A computed node.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) op: Op,
    /// The kinds of the node's region, innermost first (empty: once per app).
    pub(crate) region: Vec<KindId>,
    /// Storage class: the innermost kind's index, or the number of kinds for once-per-app nodes.
    pub(crate) class: u32,
    /// Index within the class.
    pub(crate) slot: u32,
}

impl Node {
    pub(crate) fn depth(&self) -> usize {
        self.region.len()
    }
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
pub(crate) fn freeze(pack: &Pack, b: &Builder<'_>, roots: &[Child]) -> Result<Program, CompileError> {
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
                    Some(super::value::ConstVal::Scalar(s)) => *s,
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
    let top = schedule_top(&nodes, &f.operands);
    let roots = roots.iter().map(|r| f.operand(*r, 0)).collect::<Result<Vec<_>, _>>()?;
    let scans = count_scans(&nodes, &top);
    let stats = GraphStats {
        nodes_before_sharing: 0,
        nodes_after_sharing: 0,
        nodes_after_folding: order.len(),
        computed_nodes: nodes.len(),
        scans,
        nested_scans: subs.len(),
        sharing_ratio: 0.0,
    };
    let operands = f.operands;
    Ok(Program {
        symbols: std::sync::Arc::new(crate::evidence::Symbols::new()),
        kind_names: pack.schema.kinds.iter().map(|k| k.name.clone()).collect(),
        field_names: pack.schema.kinds.iter().map(|k| k.fields.iter().map(|f| f.name.clone()).collect()).collect(),
        nodes,
        operands,
        consts: b.consts.list.clone(),
        sets: Vec::new(),
        top,
        subs,
        sub_nodes,
        roots,
        patterns: pack.patterns.iter().map(|p| p.regex.clone()).collect(),
        pattern_sources: pack.patterns.iter().map(|p| format!("{} {:?}", p.op.keyword(), p.source)).collect(),
        class_sizes,
        max_depth: max_depth + 1,
        stats,
        plan: Default::default(),
    })
}

/// Direct dependencies of a node on other computed nodes, anywhere (bodies included).
pub(crate) fn deps(op: &Op, operands: &[Operand]) -> Vec<u32> {
    fn of(o: &Operand, out: &mut Vec<u32>) {
        match o {
            Operand::Vector(i) | Operand::At(i, _) | Operand::Top(i) => out.push(*i),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match op {
        Op::Truthy(a) | Op::Not(a) => of(a, &mut out),
        Op::Has(..) => {}
        Op::And(s, e) | Op::Or(s, e) => {
            for o in operands.get(*s as usize..*e as usize).unwrap_or(&[]) {
                of(o, &mut out);
            }
        }
        Op::Cmp { l, r, .. } | Op::Intersects { l, r } => {
            of(l, &mut out);
            of(r, &mut out);
        }
        Op::In { elem, list } => {
            of(elem, &mut out);
            of(list, &mut out);
        }
        Op::Match { subject, .. } => of(subject, &mut out),
        Op::Quant { body, .. } | Op::Count { body, .. } => match body {
            Body::All => {}
            Body::Scalar(o) => of(o, &mut out),
            Body::Vector(i) | Body::Nested { node: i, .. } => out.push(*i),
        },
    }
    out
}

/// The order of the once-per-app nodes: topological (all of a nested scan's inputs first), and
/// among the nodes ready at each point, those of the kind being scanned first, so that each
/// kind's nodes form as few runs as the dependencies allow.
fn schedule_top(nodes: &[Node], operands: &[Operand]) -> Vec<u32> {
    // Persistent nodes: region of at most one kind.
    let n = nodes.len();
    let persistent: Vec<bool> = nodes.iter().map(|x| x.depth() <= 1).collect();
    // For each node, the persistent nodes it needs (through nested nodes transitively). Nodes
    // are in topological order, so one forward pass computes the nested closures.
    let mut needs: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, node) in nodes.iter().enumerate() {
        let mut acc: Vec<u32> = Vec::new();
        let ds = deps(&node.op, operands);
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
fn count_scans(nodes: &[Node], top: &[u32]) -> usize {
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
