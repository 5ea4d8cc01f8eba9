//! A readable text dump of the graph before folding (compile stage 1: lowered, hash-consed, not
//! folded): the nodes indicators reach, children first, one per line with its region, and each
//! indicator's root. Beside the hir dump and the program dump, it shows a compiler change stage by
//! stage (`tests/graph/*.unfolded`).

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::graph::NodeIndex;

use super::CompileError;
use super::build::{Builder, Child, GOp, Off};
use super::value::{B3, ConstVal, Scalar};
use crate::hir::{FieldId, KindId, Pack};

/// The text of graph `b` from `roots` (one per indicator).
pub(crate) fn dump(pack: &Pack, b: &Builder<'_>, roots: &[Child]) -> Result<String, CompileError> {
    let order = super::fold::children_first(b, roots)?;
    let ids: HashMap<NodeIndex, usize> = order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let d = Dumper { pack, b, ids: &ids };
    let mut out = String::new();
    for (i, n) in order.iter().enumerate() {
        let node = b.node(*n)?;
        let region: Vec<&str> = b.regions.kinds(node.region).iter().map(|k| d.kind(*k)).collect();
        let _ = writeln!(out, "n{i} [{}] {}", region.join(", "), d.op(&node.op));
    }
    for (i, r) in roots.iter().enumerate() {
        let id = pack.indicators.get(i).map_or("?", |x| x.id.as_str());
        let _ = writeln!(out, "indicator {id:?} = {}", d.child(*r));
    }
    Ok(out)
}

struct Dumper<'a> {
    pack: &'a Pack,
    b: &'a Builder<'a>,
    ids: &'a HashMap<NodeIndex, usize>,
}

impl Dumper<'_> {
    fn kind(&self, k: KindId) -> &str {
        self.pack.schema.kinds.get(k.index()).map_or("?", |x| x.name.as_str())
    }

    fn field(&self, k: KindId, f: FieldId) -> String {
        let kind = self.pack.schema.kinds.get(k.index());
        let name = kind.and_then(|x| x.fields.get(f.index())).map_or("?", |x| x.name.as_str());
        format!("{}.{name}", self.kind(k))
    }

    /// `n3` (same region), `n3@1` (the parent region from level 1), `n3^` (once per app).
    fn child(&self, c: Child) -> String {
        let id = self.ids.get(&c.node).map_or_else(|| "n?".to_string(), |i| format!("n{i}"));
        match c.off {
            Off::At(0) => id,
            Off::At(level) => format!("{id}@{level}"),
            Off::Top => format!("{id}^"),
        }
    }

    fn scalar(&self, s: &Scalar) -> String {
        match s {
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => format!("{f:?}"),
            Scalar::Str(sym) => format!("{:?}", self.b.symbols.resolve(*sym).unwrap_or("?")),
        }
    }

    fn constant(&self, i: u32) -> String {
        match self.b.consts.get(i) {
            Some(ConstVal::Bool(B3::U)) => "unknown".to_string(),
            Some(ConstVal::Bool(b)) => b.name().to_string(),
            Some(ConstVal::Scalar(s)) => self.scalar(s),
            Some(ConstVal::List(items)) => {
                format!("[{}]", items.iter().map(|s| self.scalar(s)).collect::<Vec<_>>().join(", "))
            }
            None => "?".to_string(),
        }
    }

    fn body(&self, body: Option<Child>) -> String {
        body.map_or_else(String::new, |c| format!(" where {}", self.child(c)))
    }

    fn op(&self, op: &GOp) -> String {
        let list = |cs: &[Child]| cs.iter().map(|c| self.child(*c)).collect::<Vec<_>>().join(" ");
        match op {
            GOp::Const(i) => format!("const {}", self.constant(*i)),
            GOp::Observed(k) => format!("observed({})", self.kind(*k)),
            GOp::Field { kind, field, optional } => {
                format!("field {}{}", self.field(*kind, *field), if *optional { "?" } else { "" })
            }
            GOp::Truthy(c) => format!("truthy {}", self.child(*c)),
            GOp::Has { kind, field } => format!("has {}", self.field(*kind, *field)),
            GOp::Not(c) => format!("not {}", self.child(*c)),
            GOp::And(cs) => format!("and {}", list(cs)),
            GOp::Or(cs) => format!("or {}", list(cs)),
            GOp::Cmp { op, l, r } => format!("{} {} {}", op.symbol(), self.child(*l), self.child(*r)),
            GOp::In { elem, list } => format!("in {} {}", self.child(*elem), self.child(*list)),
            GOp::Intersects { l, r } => format!("intersects {} {}", self.child(*l), self.child(*r)),
            GOp::Match { subject, pattern } => {
                let p = self.pack.patterns.get(pattern.index());
                let (op, source) = p.map_or(("?", "?"), |p| (p.op.keyword(), p.source.as_str()));
                format!("{op} {} {source:?}", self.child(*subject))
            }
            GOp::Quant { q, kind, body } => format!("{} {}{}", q.keyword(), self.kind(*kind), self.body(*body)),
            GOp::Count { kind, body, op, n } => {
                format!("count({}{}) {} {}", self.kind(*kind), self.body(*body), op.symbol(), self.constant(*n))
            }
        }
    }
}
