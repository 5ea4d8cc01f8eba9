//! A readable text dump of a program: one line per computed node, in execution order.

use std::fmt::Write as _;

use super::value::{B3, ConstVal, Scalar};
use super::{Body, Op, Operand, Program};
use crate::hir::{FieldId, KindId};

pub(crate) fn kind_name(p: &Program, k: KindId) -> &str {
    p.layout.kind_names.get(k.index()).map_or("?", |s| s.as_str())
}

pub(crate) fn field_name(p: &Program, k: KindId, f: FieldId) -> &str {
    p.layout.field_names.get(k.index()).and_then(|v| v.get(f.index())).map_or("?", |s| s.as_str())
}

fn scalar(p: &Program, s: &Scalar) -> String {
    match s {
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => format!("{f:?}"),
        Scalar::Str(sym) => format!("{:?}", p.symbols.resolve(*sym).unwrap_or("?")),
    }
}

pub(crate) fn constant(p: &Program, i: u32) -> String {
    match p.layout.consts.get(i as usize) {
        Some(ConstVal::Bool(B3::U)) => "unknown".to_string(),
        Some(ConstVal::Bool(b)) => b.name().to_string(),
        Some(ConstVal::Scalar(s)) => scalar(p, s),
        Some(ConstVal::List(items)) => {
            let parts: Vec<String> = items.iter().map(|s| scalar(p, s)).collect();
            format!("[{}]", parts.join(", "))
        }
        None => "?".to_string(),
    }
}

pub(crate) fn operand(p: &Program, o: &Operand) -> String {
    match o {
        Operand::Const(i) => constant(p, *i),
        Operand::Observed(k) => format!("observed({})", kind_name(p, *k)),
        Operand::Column { kind, field } => format!("{}.{}", kind_name(p, *kind), field_name(p, *kind, *field)),
        Operand::Outer { kind, field, depth } => {
            format!("{}.{}@{depth}", kind_name(p, *kind), field_name(p, *kind, *field))
        }
        Operand::Vector(i) => format!("%{i}"),
        Operand::At(i, d) => format!("%{i}@{d}"),
        Operand::Top(i) => format!("%{i}"),
    }
}

fn body(p: &Program, b: &Body) -> String {
    match b {
        Body::All => "true".to_string(),
        Body::Scalar(o) => operand(p, o),
        Body::Vector(i) => format!("%{i}"),
        Body::Nested { node, sub } => format!("%{node} (nested scan #{sub})"),
    }
}

/// The operation of node `i` as text.
pub(crate) fn op_text(p: &Program, op: &Op) -> String {
    let list = |s: u32, e: u32, sep: &str| -> String {
        let parts: Vec<String> =
            p.layout.operands.get(s as usize..e as usize).unwrap_or(&[]).iter().map(|o| operand(p, o)).collect();
        parts.join(sep)
    };
    match op {
        Op::Truthy(o) => operand(p, o),
        Op::Has(k, f) => format!("has {}.{}", kind_name(p, *k), field_name(p, *k, *f)),
        Op::Not(o) => format!("not {}", operand(p, o)),
        Op::And(s, e) => list(*s, *e, " and "),
        Op::Or(s, e) => list(*s, *e, " or "),
        Op::Cmp { op, l, r } => format!("{} {} {}", operand(p, l), op.symbol(), operand(p, r)),
        Op::In { elem, list } => format!("{} in {}", operand(p, elem), operand(p, list)),
        Op::Intersects { l, r } => format!("{} intersects {}", operand(p, l), operand(p, r)),
        Op::Match { subject, pattern } => {
            format!(
                "{} {}",
                operand(p, subject),
                p.layout.pattern_sources.get(*pattern as usize).map_or("?", |s| s.as_str())
            )
        }
        Op::Quant { q, kind, body: b } => format!("{} {} where {}", q.keyword(), kind_name(p, *kind), body(p, b)),
        Op::Count { kind, body: b, op, n } => {
            format!("count({} where {}) {} {}", kind_name(p, *kind), body(p, b), op.symbol(), scalar(p, n))
        }
    }
}

fn region(p: &Program, r: &[KindId]) -> String {
    let parts: Vec<&str> = r.iter().map(|k| kind_name(p, *k)).collect();
    format!("[{}]", parts.join(", "))
}

pub(crate) fn node_text(p: &Program, n: &super::Node) -> String {
    format!("{} = {}", region(p, &n.region), op_text(p, &n.op))
}

pub(crate) fn dump(p: &Program) -> String {
    let s = p.stats;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# nodes: {} before sharing, {} after sharing, {} after folding, {} computed; {} scans, {} nested; sharing ratio {:.2}",
        s.nodes_before_sharing,
        s.nodes_after_sharing,
        s.nodes_after_folding,
        s.computed_nodes,
        s.scans,
        s.nested_scans,
        s.sharing_ratio
    );
    let _ = writeln!(out, "# once per app, in order:");
    for &i in &p.top {
        if let Some(n) = p.layout.nodes.get(i as usize) {
            let _ = writeln!(out, "%{i} {} = {}", region(p, &n.region), op_text(p, &n.op));
        }
    }
    for (k, (s, e)) in p.layout.subs.iter().enumerate() {
        let _ = writeln!(out, "# nested scan #{k}:");
        for &i in p.layout.sub_nodes.get(*s as usize..*e as usize).unwrap_or(&[]) {
            if let Some(n) = p.layout.nodes.get(i as usize) {
                let _ = writeln!(out, "%{i} {} = {}", region(p, &n.region), op_text(p, &n.op));
            }
        }
    }
    if !p.plan.groups.is_empty() {
        let _ = writeln!(out, "# column groups (each computed by one pass over its column):");
        for (g, group) in p.plan.groups.iter().enumerate() {
            let what = match group.kind {
                super::schedule::GroupKind::StrSet => "literals",
                super::schedule::GroupKind::ListSet => "list literals",
                super::schedule::GroupKind::Match => "patterns",
                super::schedule::GroupKind::Plain => "presence, truth",
            };
            let members: Vec<String> = group.members.iter().map(|m| format!("%{}", m.node)).collect();
            let _ = writeln!(
                out,
                "group {g} {}.{} ({what}): {}",
                kind_name(p, group.fact),
                field_name(p, group.fact, group.field),
                members.join(" ")
            );
        }
    }
    let _ = writeln!(out, "# indicators:");
    for (i, r) in p.layout.roots.iter().enumerate() {
        let _ = writeln!(out, "indicator {i} = {}", operand(p, r));
    }
    out
}

/// The schedule's steps, one per line, in the order they run (fused steps with what they fuse).
pub(crate) fn steps(p: &Program) -> String {
    let plan = &p.plan;
    let mut out = String::new();
    for step in &plan.steps {
        let _ = match *step {
            super::schedule::Step::VecQuants { start, end, .. } => {
                writeln!(out, "{step:?} {:?}", plan.vec_quants.get(start as usize..end as usize))
            }
            super::schedule::Step::Quants { start, end, .. } => {
                writeln!(out, "{step:?} {:?}", plan.quants.get(start as usize..end as usize))
            }
            _ => writeln!(out, "{step:?}"),
        };
    }
    out
}
