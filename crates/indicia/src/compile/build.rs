//! The graph under construction: a petgraph DAG whose nodes are hash-consed, so that an
//! identical sub-expression anywhere in the pack is one node.
//!
//! Every node lives in a *region*: the stack of fact kinds (innermost first) whose current facts
//! it depends on. `[]` is evaluated once per app, `[flow]` once per flow fact (as one vector over
//! all flows), `[sdk, flow]` once per (sdk, flow) pair. A child's region is always `[]`, a single
//! kind of its parent's region, or a suffix of it; [`Off`] says where it sits. Field references
//! inside a node are relative to its region (de Bruijn indices), so that `port == 80` is one node
//! in every quantifier over `flow`.

use std::collections::HashMap;

use indicia_syntax::ast::Quantifier;
use petgraph::graph::{DiGraph, NodeIndex};

use super::CompileError;
use super::symbols::Symbols;
use super::value::{B3, ConstKey, ConstVal, Scalar, scalar_cmp, scalar_eq};
use crate::hir::{CmpOp, ExprId, FieldId, KindId, Pattern, PatternId};

/// Index of a region in [`Regions`]; 0 is the empty region (once per app).
pub(crate) type RegionId = u32;

/// Interned regions.
#[derive(Clone, Debug)]
pub(crate) struct Regions {
    list: Vec<Vec<KindId>>,
    map: HashMap<Vec<KindId>, RegionId>,
}

impl Regions {
    pub(crate) fn new() -> Regions {
        let mut map = HashMap::new();
        map.insert(Vec::new(), 0);
        Regions { list: vec![Vec::new()], map }
    }

    pub(crate) fn intern(&mut self, kinds: &[KindId]) -> RegionId {
        if let Some(&r) = self.map.get(kinds) {
            return r;
        }
        let r = RegionId::try_from(self.list.len()).unwrap_or(RegionId::MAX);
        self.list.push(kinds.to_vec());
        self.map.insert(kinds.to_vec(), r);
        r
    }

    pub(crate) fn kinds(&self, r: RegionId) -> &[KindId] {
        self.list.get(r as usize).map_or(&[], |v| v.as_slice())
    }

    pub(crate) fn len_of(&self, r: RegionId) -> usize {
        self.kinds(r).len()
    }
}

/// Where a child's region sits in its parent's: `Top` is the empty region, `At(i)` starts at
/// the parent region's level `i` (a single kind or the suffix from `i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Off {
    Top,
    At(u32),
}

impl Off {
    /// The offset of `inner` (relative to a region that sits at `self`) relative to the outer region.
    pub(crate) fn then(self, inner: Off) -> Off {
        match (self, inner) {
            (_, Off::Top) | (Off::Top, _) => Off::Top,
            (Off::At(a), Off::At(b)) => Off::At(a.saturating_add(b)),
        }
    }
}

/// A reference from a node to a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Child {
    pub(crate) node: NodeIndex,
    pub(crate) off: Off,
}

/// A node's operation. Children are relative to the node's region.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GOp {
    /// A constant (region `[]`).
    Const(u32),
    /// `observed(K)` (region `[]`).
    Observed(KindId),
    /// A field value of the region's innermost fact (a value, not a boolean node).
    Field {
        kind: KindId,
        field: FieldId,
        optional: bool,
    },
    /// A `bool` field used as a condition.
    Truthy(Child),
    /// `has f` on the region's innermost fact.
    Has {
        kind: KindId,
        field: FieldId,
    },
    Not(Child),
    And(Vec<Child>),
    Or(Vec<Child>),
    Cmp {
        op: CmpOp,
        l: Child,
        r: Child,
    },
    In {
        elem: Child,
        list: Child,
    },
    Intersects {
        l: Child,
        r: Child,
    },
    Match {
        subject: Child,
        pattern: PatternId,
    },
    /// `any|all|none K where body`; the body is relative to the region `[K] ++ region`.
    Quant {
        q: Quantifier,
        kind: KindId,
        body: Option<Child>,
    },
    /// `count(K where body) op n`, `n` a numeric constant (an index into the constants).
    Count {
        kind: KindId,
        body: Option<Child>,
        op: CmpOp,
        n: u32,
    },
}

impl GOp {
    /// The children, in order (body included).
    pub(crate) fn children(&self) -> Vec<Child> {
        match self {
            GOp::Const(_) | GOp::Observed(_) | GOp::Field { .. } | GOp::Has { .. } => Vec::new(),
            GOp::Truthy(c) | GOp::Not(c) => vec![*c],
            GOp::And(cs) | GOp::Or(cs) => cs.clone(),
            GOp::Cmp { l, r, .. } | GOp::Intersects { l, r } => vec![*l, *r],
            GOp::In { elem, list } => vec![*elem, *list],
            GOp::Match { subject, .. } => vec![*subject],
            GOp::Quant { body, .. } | GOp::Count { body, .. } => body.iter().copied().collect(),
        }
    }

    /// The same operation with each child replaced by `f(child)`.
    pub(crate) fn map_children(&self, mut f: impl FnMut(Child) -> Child) -> GOp {
        match self {
            GOp::Const(_) | GOp::Observed(_) | GOp::Field { .. } | GOp::Has { .. } => self.clone(),
            GOp::Truthy(c) => GOp::Truthy(f(*c)),
            GOp::Not(c) => GOp::Not(f(*c)),
            GOp::And(cs) => GOp::And(cs.iter().map(|c| f(*c)).collect()),
            GOp::Or(cs) => GOp::Or(cs.iter().map(|c| f(*c)).collect()),
            GOp::Cmp { op, l, r } => GOp::Cmp { op: *op, l: f(*l), r: f(*r) },
            GOp::In { elem, list } => GOp::In { elem: f(*elem), list: f(*list) },
            GOp::Intersects { l, r } => GOp::Intersects { l: f(*l), r: f(*r) },
            GOp::Match { subject, pattern } => GOp::Match { subject: f(*subject), pattern: *pattern },
            GOp::Quant { q, kind, body } => GOp::Quant { q: *q, kind: *kind, body: body.map(&mut f) },
            GOp::Count { kind, body, op, n } => GOp::Count { kind: *kind, body: body.map(&mut f), op: *op, n: *n },
        }
    }

    /// True for value nodes that the evaluator reads directly instead of computing.
    pub(crate) fn is_value(&self) -> bool {
        matches!(self, GOp::Const(_) | GOp::Observed(_) | GOp::Field { .. })
    }
}

/// A node of the graph.
#[derive(Clone, Debug)]
pub(crate) struct GNode {
    pub(crate) op: GOp,
    pub(crate) region: RegionId,
    /// True when the witness walk can never find a witness below this node.
    pub(crate) witness_free: bool,
}

/// The constants of the program, interned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Consts {
    pub(crate) list: Vec<ConstVal>,
    map: HashMap<ConstKey, u32>,
    /// Parallel to `list`: the `unknown` operand of the pack a constant stands for. Each such
    /// operand is its own constant, never folded, so that explanations can name it.
    pub(crate) sites: Vec<Option<ExprId>>,
    by_site: HashMap<ExprId, u32>,
}

impl Consts {
    pub(crate) fn intern(&mut self, v: ConstVal) -> u32 {
        let key = v.key();
        if let Some(&i) = self.map.get(&key) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(v);
        self.sites.push(None);
        self.map.insert(key, i);
        i
    }

    /// The constant of the `unknown` operand `site`: unknown, and only ever equal to itself.
    pub(crate) fn unknown_at(&mut self, site: ExprId) -> u32 {
        if let Some(&i) = self.by_site.get(&site) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(ConstVal::Bool(B3::U));
        self.sites.push(Some(site));
        self.by_site.insert(site, i);
        i
    }

    /// The `unknown` operand constant `i` stands for, if any.
    pub(crate) fn site(&self, i: u32) -> Option<ExprId> {
        self.sites.get(i as usize).copied().flatten()
    }

    pub(crate) fn get(&self, i: u32) -> Option<&ConstVal> {
        self.list.get(i as usize)
    }
}

/// The hash-consing graph builder. With `fold` set, [`Builder::mk`] also folds constants.
pub(crate) struct Builder<'p> {
    pub(crate) graph: DiGraph<GNode, Off>,
    map: HashMap<(GOp, RegionId), NodeIndex>,
    pub(crate) consts: Consts,
    pub(crate) regions: Regions,
    pub(crate) fold: bool,
    pub(crate) patterns: &'p [Pattern],
    pub(crate) symbols: &'p Symbols,
}

impl<'p> Builder<'p> {
    pub(crate) fn new(
        fold: bool,
        patterns: &'p [Pattern],
        symbols: &'p Symbols,
        consts: Consts,
        regions: Regions,
    ) -> Self {
        Builder { graph: DiGraph::new(), map: HashMap::new(), consts, regions, fold, patterns, symbols }
    }

    pub(crate) fn node(&self, i: NodeIndex) -> Result<&GNode, CompileError> {
        self.graph.node_weight(i).ok_or_else(|| CompileError::internal("dangling graph node"))
    }

    /// The `unknown` operand `site` of the pack, as a constant child of its own.
    pub(crate) fn unknown(&mut self, site: ExprId) -> Result<Child, CompileError> {
        let c = self.consts.unknown_at(site);
        self.intern(GOp::Const(c), 0)
    }

    /// A constant child.
    pub(crate) fn constant(&mut self, v: ConstVal) -> Result<Child, CompileError> {
        let c = self.consts.intern(v);
        self.intern(GOp::Const(c), 0)
    }

    /// The value of a constant child; `None` for other nodes and for an `unknown` operand of
    /// the pack, which is never folded.
    fn const_of(&self, c: Child) -> Option<&ConstVal> {
        match self.graph.node_weight(c.node).map(|n| &n.op) {
            Some(GOp::Const(i)) if self.consts.site(*i).is_none() => self.consts.get(*i),
            _ => None,
        }
    }

    fn is_unknown_const(&self, c: Child) -> bool {
        matches!(self.const_of(c), Some(ConstVal::Bool(B3::U)))
    }

    /// True when the value of `c` can never be unknown.
    fn never_unknown(&self, c: Child) -> bool {
        match self.graph.node_weight(c.node).map(|n| &n.op) {
            Some(GOp::Const(i)) => !matches!(self.consts.get(*i), Some(ConstVal::Bool(B3::U)) | None),
            Some(GOp::Field { optional, .. }) => !optional,
            Some(GOp::Observed(_)) => true,
            _ => false,
        }
    }

    fn witness_free(&self, c: Child) -> bool {
        self.graph.node_weight(c.node).is_none_or(|n| n.witness_free)
    }

    /// Interns `op` in `region` without folding.
    pub(crate) fn intern(&mut self, op: GOp, region: RegionId) -> Result<Child, CompileError> {
        let region = if matches!(op, GOp::Const(_) | GOp::Observed(_)) { 0 } else { region };
        let off = if region == 0 { Off::Top } else { Off::At(0) };
        if let Some(&n) = self.map.get(&(op.clone(), region)) {
            return Ok(Child { node: n, off });
        }
        let witness_free = if region != 0 {
            true
        } else {
            match &op {
                GOp::Quant { q: Quantifier::Any, .. } => false,
                GOp::Count { op: CmpOp::Gt | CmpOp::Ge, .. } => false,
                GOp::And(cs) | GOp::Or(cs) => cs.iter().all(|c| self.witness_free(*c)),
                _ => true,
            }
        };
        let children = op.children();
        let n = self.graph.add_node(GNode { op: op.clone(), region, witness_free });
        for c in children {
            self.graph.add_edge(n, c.node, c.off);
        }
        self.map.insert((op, region), n);
        Ok(Child { node: n, off })
    }

    /// Builds `op` in `region`, folding constants when enabled. The result is relative to `region`.
    pub(crate) fn mk(&mut self, op: GOp, region: RegionId) -> Result<Child, CompileError> {
        if !self.fold {
            return self.intern(op, region);
        }
        match op {
            GOp::Not(c) => {
                if let Some(ConstVal::Bool(b)) = self.const_of(c) {
                    let b = b.negate();
                    return self.constant(ConstVal::Bool(b));
                }
                if let GOp::Not(inner) = &self.node(c.node)?.op {
                    let inner = *inner;
                    if region != 0 || self.witness_free(inner) {
                        return Ok(Child { node: inner.node, off: c.off.then(inner.off) });
                    }
                }
                self.intern(GOp::Not(c), region)
            }
            GOp::And(cs) => self.mk_junction(true, cs, region),
            GOp::Or(cs) => self.mk_junction(false, cs, region),
            GOp::Cmp { op, l, r } => {
                if self.is_unknown_const(l) || self.is_unknown_const(r) {
                    return self.constant(ConstVal::Bool(B3::U));
                }
                if let (Some(a), Some(b)) = (self.const_of(l), self.const_of(r)) {
                    let v = match (a, b) {
                        (ConstVal::Scalar(x), ConstVal::Scalar(y)) => scalar_cmp(op, *x, *y).map(B3::from_bool),
                        (ConstVal::Bool(x), ConstVal::Bool(y)) => match op {
                            CmpOp::Eq => Some(B3::from_bool(x == y)),
                            CmpOp::Ne => Some(B3::from_bool(x != y)),
                            _ => None,
                        },
                        _ => None,
                    };
                    return self.constant(ConstVal::Bool(v.unwrap_or(B3::U)));
                }
                // `a op b` and `b op' a` are one node.
                let (op, l, r) = if (r.node, r.off) < (l.node, l.off) { (op.flip(), r, l) } else { (op, l, r) };
                self.intern(GOp::Cmp { op, l, r }, region)
            }
            GOp::In { elem, list } => {
                if self.is_unknown_const(elem) || self.is_unknown_const(list) {
                    return self.constant(ConstVal::Bool(B3::U));
                }
                if let Some(ConstVal::List(items)) = self.const_of(list) {
                    if let Some(e) = self.const_of(elem) {
                        let v = match e {
                            ConstVal::Scalar(s) => B3::from_bool(items.iter().any(|x| scalar_eq(*s, *x))),
                            ConstVal::Bool(B3::T) => B3::from_bool(items.contains(&Scalar::Bool(true))),
                            ConstVal::Bool(B3::F) => B3::from_bool(items.contains(&Scalar::Bool(false))),
                            _ => B3::U,
                        };
                        return self.constant(ConstVal::Bool(v));
                    }
                    if items.is_empty() && self.never_unknown(elem) {
                        return self.constant(ConstVal::Bool(B3::F));
                    }
                }
                self.intern(GOp::In { elem, list }, region)
            }
            GOp::Intersects { l, r } => {
                if self.is_unknown_const(l) || self.is_unknown_const(r) {
                    return self.constant(ConstVal::Bool(B3::U));
                }
                match (self.const_of(l), self.const_of(r)) {
                    (Some(ConstVal::List(a)), Some(ConstVal::List(b))) => {
                        let v = a.iter().any(|x| b.iter().any(|y| scalar_eq(*x, *y)));
                        return self.constant(ConstVal::Bool(B3::from_bool(v)));
                    }
                    (Some(ConstVal::List(a)), _) if a.is_empty() && self.never_unknown(r) => {
                        return self.constant(ConstVal::Bool(B3::F));
                    }
                    (_, Some(ConstVal::List(b))) if b.is_empty() && self.never_unknown(l) => {
                        return self.constant(ConstVal::Bool(B3::F));
                    }
                    _ => {}
                }
                let (l, r) = if (r.node, r.off) < (l.node, l.off) { (r, l) } else { (l, r) };
                self.intern(GOp::Intersects { l, r }, region)
            }
            GOp::Match { subject, pattern } => {
                if self.is_unknown_const(subject) {
                    return self.constant(ConstVal::Bool(B3::U));
                }
                if let Some(ConstVal::Scalar(Scalar::Str(sym))) = self.const_of(subject) {
                    let text = self.symbols.resolve(*sym).unwrap_or("");
                    let pat = self
                        .patterns
                        .get(pattern.index())
                        .ok_or_else(|| CompileError::internal("pattern out of range"))?;
                    let v = B3::from_bool(pat.regex.is_match(text));
                    return self.constant(ConstVal::Bool(v));
                }
                self.intern(GOp::Match { subject, pattern }, region)
            }
            other => self.intern(other, region),
        }
    }

    /// `and` (`is_and`) or `or` over `children`: flattened, constants folded where no witness
    /// is lost, duplicates removed, children sorted so that the order written does not matter.
    fn mk_junction(&mut self, is_and: bool, children: Vec<Child>, region: RegionId) -> Result<Child, CompileError> {
        let absorbing = if is_and { B3::F } else { B3::T };
        let identity = if is_and { B3::T } else { B3::F };
        let mut flat: Vec<Child> = Vec::with_capacity(children.len());
        let mut stack: Vec<Child> = children.into_iter().rev().collect();
        let mut saw_absorbing = false;
        while let Some(c) = stack.pop() {
            let node = self.node(c.node)?;
            match &node.op {
                GOp::And(inner) if is_and => {
                    stack.extend(inner.iter().rev().map(|i| Child { node: i.node, off: c.off.then(i.off) }))
                }
                GOp::Or(inner) if !is_and => {
                    stack.extend(inner.iter().rev().map(|i| Child { node: i.node, off: c.off.then(i.off) }))
                }
                _ => match self.const_of(c) {
                    Some(ConstVal::Bool(b)) if *b == identity => {}
                    Some(ConstVal::Bool(b)) if *b == absorbing => saw_absorbing = true,
                    _ => flat.push(c),
                },
            }
        }
        if saw_absorbing {
            // `false and …` is false: nothing below is walked. `true or …` is true, but the other
            // true children still give witnesses, so it is only folded when they cannot.
            if is_and || region != 0 || flat.iter().all(|c| self.witness_free(*c)) {
                return self.constant(ConstVal::Bool(absorbing));
            }
            flat.push(self.constant(ConstVal::Bool(absorbing))?);
        }
        flat.sort_unstable();
        flat.dedup();
        match flat.len() {
            0 => self.constant(ConstVal::Bool(identity)),
            1 => flat.pop().ok_or_else(|| CompileError::internal("empty junction")),
            _ => self.intern(if is_and { GOp::And(flat) } else { GOp::Or(flat) }, region),
        }
    }
}
