//! A readable text dump of a checked pack's hir (the checker's output, the compiler's input): the
//! schema, params, defines and indicators, then the expression arena, one line per expression
//! with its operands as `%id`. The golden dumps (`tests/graph/*.hir`) show it stage by stage
//! beside the graph before folding and the program.

use std::fmt::Write as _;

use crate::hir::{Expr, ExprId, FieldId, KindId, Pack, Value};

/// The hir of `pack` as text (see the module docs).
pub fn dump(pack: &Pack) -> String {
    let mut out = String::new();
    for (k, kind) in pack.schema.kinds.iter().enumerate() {
        let fields: Vec<String> = kind
            .fields
            .iter()
            .map(|f| format!("{}: {}{}", f.name, type_name(f.ty), if f.optional { "?" } else { "" }))
            .collect();
        let _ = writeln!(out, "kind {k} {} {{ {} }}", kind.name, fields.join(", "));
    }
    for (i, p) in pack.params.iter().enumerate() {
        let _ = writeln!(out, "param {i} {}: {} = {}", p.name, type_name(p.ty), value(&p.default));
    }
    for (i, d) in pack.defines.iter().enumerate() {
        let _ = writeln!(out, "define {i} {}: {} = %{}", d.name, type_name(d.ty), d.body.index());
    }
    for (i, ind) in pack.indicators.iter().enumerate() {
        let _ = writeln!(out, "indicator {i} {:?} = %{}", ind.id, ind.when.index());
    }
    for (i, e) in pack.exprs.iter().enumerate() {
        let _ = writeln!(out, "%{i} = {}", expr(pack, e));
    }
    out
}

fn type_name(ty: crate::hir::Type) -> String {
    if ty.list { format!("[{}]", ty.scalar.name()) } else { ty.scalar.name().to_string() }
}

fn value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => format!("{s:?}"),
        Value::List(items) => format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(", ")),
    }
}

fn kind(pack: &Pack, k: KindId) -> &str {
    pack.schema.kinds.get(k.index()).map_or("?", |x| x.name.as_str())
}

fn field(pack: &Pack, k: KindId, f: FieldId) -> String {
    let name = pack.schema.kinds.get(k.index()).and_then(|x| x.fields.get(f.index())).map_or("?", |x| x.name.as_str());
    format!("{}.{name}", kind(pack, k))
}

fn id(e: ExprId) -> String {
    format!("%{}", e.index())
}

fn body(b: Option<ExprId>) -> String {
    b.map_or_else(String::new, |b| format!(" where {}", id(b)))
}

fn expr(pack: &Pack, e: &Expr) -> String {
    match e {
        Expr::Lit(v) => value(v),
        Expr::Param(p) => format!("param {}", pack.params.get(p.index()).map_or("?", |x| x.name.as_str())),
        Expr::Define(d) => format!("define {}", pack.defines.get(d.index()).map_or("?", |x| x.name.as_str())),
        Expr::Field { scope, kind: k, field: f } => format!("field {} (scope {scope})", field(pack, *k, *f)),
        Expr::Has { scope, kind: k, field: f } => format!("has {} (scope {scope})", field(pack, *k, *f)),
        Expr::Unknown => "unknown".to_string(),
        Expr::Observed(k) => format!("observed({})", kind(pack, *k)),
        Expr::Not(a) => format!("not {}", id(*a)),
        Expr::And(a, b) => format!("and {} {}", id(*a), id(*b)),
        Expr::Or(a, b) => format!("or {} {}", id(*a), id(*b)),
        Expr::Compare { op, lhs, rhs } => format!("{} {} {}", op.symbol(), id(*lhs), id(*rhs)),
        Expr::In { elem, list } => format!("in {} {}", id(*elem), id(*list)),
        Expr::Intersects { lhs, rhs } => format!("intersects {} {}", id(*lhs), id(*rhs)),
        Expr::Match { subject, pattern } => {
            let p = pack.patterns.get(pattern.index());
            let (op, source) = p.map_or(("?", "?"), |p| (p.op.keyword(), p.source.as_str()));
            format!("{op} {} {source:?}", id(*subject))
        }
        Expr::Quant { quantifier, kind: k, body: b } => {
            format!("{} {}{}", quantifier.keyword(), kind(pack, *k), body(*b))
        }
        Expr::CountCmp { kind: k, body: b, op, n } => {
            format!("count({}{}) {} {}", kind(pack, *k), body(*b), op.symbol(), id(*n))
        }
    }
}
