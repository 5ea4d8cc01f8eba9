//! The program as Graphviz DOT: one box per computed node (constants and fields shown inline),
//! an edge from each node to the nodes it reads, one cluster per region.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::dump::{kind_name, op_text};
use super::{Body, Op, Operand, Program};

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn reads(p: &Program, op: &Op) -> Vec<u32> {
    let mut out = Vec::new();
    let mut of = |o: &Operand| {
        if let Operand::Vector(i) | Operand::At(i, _) | Operand::Top(i) = o {
            out.push(*i);
        }
    };
    match op {
        Op::Truthy(a) | Op::Not(a) | Op::Match { subject: a, .. } => of(a),
        Op::Has(..) => {}
        Op::And(s, e) | Op::Or(s, e) => {
            p.layout.operands.get(*s as usize..*e as usize).unwrap_or(&[]).iter().for_each(of)
        }
        Op::Cmp { l, r, .. } | Op::Intersects { l, r } => {
            of(l);
            of(r);
        }
        Op::In { elem, list } => {
            of(elem);
            of(list);
        }
        Op::Quant { body, .. } | Op::Count { body, .. } => match body {
            Body::All => {}
            Body::Scalar(o) => of(o),
            Body::Vector(i) | Body::Nested { node: i, .. } => out.push(*i),
        },
    }
    out
}

pub(crate) fn to_dot(p: &Program) -> String {
    let mut out = String::from("digraph indicia {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n");
    let mut clusters: BTreeMap<Vec<u32>, Vec<u32>> = BTreeMap::new();
    for (i, n) in p.layout.nodes.iter().enumerate() {
        clusters.entry(n.region.iter().map(|k| k.0).collect()).or_default().push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    for (c, (region, ids)) in clusters.iter().enumerate() {
        let names: Vec<&str> = region.iter().map(|k| kind_name(p, crate::hir::KindId(*k))).collect();
        let label = if names.is_empty() { "once per app".to_string() } else { format!("per {}", names.join(" × ")) };
        let _ = writeln!(out, "  subgraph cluster_{c} {{\n    label=\"{}\";", escape(&label));
        for &i in ids {
            if let Some(n) = p.layout.nodes.get(i as usize) {
                let _ = writeln!(out, "    n{i} [label=\"%{i} {}\"];", escape(&op_text(p, &n.op)));
            }
        }
        out.push_str("  }\n");
    }
    for (i, n) in p.layout.nodes.iter().enumerate() {
        for r in reads(p, &n.op) {
            let _ = writeln!(out, "  n{i} -> n{r};");
        }
    }
    for (i, r) in p.layout.roots.iter().enumerate() {
        let _ = writeln!(out, "  ind{i} [shape=ellipse, label=\"indicator {i}\"];");
        if let Operand::Top(n) | Operand::Vector(n) | Operand::At(n, _) = r {
            let _ = writeln!(out, "  ind{i} -> n{n};");
        }
    }
    out.push_str("}\n");
    out
}
