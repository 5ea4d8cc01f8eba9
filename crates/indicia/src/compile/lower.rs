//! hir → graph: lowers every indicator's condition (defines once each, shared) into one
//! hash-consed DAG, choosing each node's region from the quantifier facts it reads.
//!
//! A sub-expression of a quantifier's body that does not read that quantifier's fact is hoisted
//! out of the loop: its region starts at the first fact it does read. A node reading exactly one
//! fact lives in that fact's single-kind region, evaluated once for all facts of the kind; a node
//! reading several lives in the suffix of the enclosing region from its innermost fact.

use std::collections::BTreeSet;

use super::CompileError;
use super::build::{Builder, Child, GOp, Off, RegionId};
use super::symbols::Symbols;
use super::value::{B3, ConstVal, Scalar};
use crate::hir::{DefineId, Expr, ExprId, KindId, Pack, ParamValues, ScalarType, Value};

/// Deepest nesting of expressions (not counting chains of `and`/`or`) that the compiler accepts.
pub(crate) const MAX_DEPTH: usize = 256;
/// Deepest nesting of quantifiers.
pub(crate) const MAX_SCOPES: u32 = 60;

/// The lowered pack: one root per indicator.
pub(crate) struct Lowered {
    pub(crate) roots: Vec<Child>,
    pub(crate) tree_size: u64,
}

/// Interns every string the pack can compare with: literals and param values (defaults and
/// the values given), in byte order so that symbols do not depend on declaration order.
pub(crate) fn intern_literals(pack: &Pack, params: &ParamValues) -> Symbols {
    fn add<'v>(set: &mut BTreeSet<&'v str>, v: &'v Value) {
        match v {
            Value::Str(s) => {
                set.insert(s);
            }
            Value::List(items) => items.iter().for_each(|i| add(set, i)),
            _ => {}
        }
    }
    let mut set = BTreeSet::new();
    for e in &pack.exprs {
        if let Expr::Lit(v) = e {
            add(&mut set, v);
        }
    }
    for v in &params.0 {
        add(&mut set, v);
    }
    for p in &pack.params {
        add(&mut set, &p.default);
    }
    let mut symbols = Symbols::new();
    for s in set {
        symbols.intern(s);
    }
    symbols
}

/// Turns a hir value into a constant with interned strings.
pub(crate) fn const_of_value(v: &Value, symbols: &Symbols) -> Result<ConstVal, CompileError> {
    fn scalar(v: &Value, symbols: &Symbols) -> Result<Scalar, CompileError> {
        Ok(match v {
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Int(i) => Scalar::Int(*i),
            Value::Float(f) => Scalar::Float(*f),
            Value::Str(s) => {
                Scalar::Str(symbols.get(s).ok_or_else(|| CompileError::internal("string literal not interned"))?)
            }
            Value::List(_) => return Err(CompileError::internal("nested list")),
        })
    }
    Ok(match v {
        Value::Bool(b) => ConstVal::Bool(B3::from_bool(*b)),
        Value::List(items) => ConstVal::List(items.iter().map(|i| scalar(i, symbols)).collect::<Result<_, _>>()?),
        other => ConstVal::Scalar(scalar(other, symbols)?),
    })
}

/// Runs `f` on every expression of the arena in post-order (children first), without recursion.
/// `f(e, children_values)` computes a value from the children's values.
fn post_order<T: Clone>(
    pack: &Pack,
    roots: &[ExprId],
    memo: &mut [Option<T>],
    mut f: impl FnMut(ExprId, &Expr, &[T]) -> Result<T, CompileError>,
) -> Result<(), CompileError> {
    let mut stack: Vec<(ExprId, bool)> = roots.iter().map(|r| (*r, false)).collect();
    let mut vals: Vec<T> = Vec::new();
    while let Some((id, expanded)) = stack.pop() {
        if memo.get(id.index()).is_some_and(|m| m.is_some()) && !expanded {
            continue;
        }
        let e = pack.expr(id).ok_or_else(|| CompileError::internal("expression id out of range"))?;
        let kids = e.children();
        if !expanded {
            stack.push((id, true));
            for k in kids.iter().rev() {
                if memo.get(k.index()).is_none_or(|m| m.is_none()) {
                    stack.push((*k, false));
                }
            }
            continue;
        }
        vals.clear();
        for k in &kids {
            let v = memo
                .get(k.index())
                .and_then(|m| m.clone())
                .ok_or_else(|| CompileError::internal("expression graph has a cycle"))?;
            vals.push(v);
        }
        let v = f(id, e, &vals)?;
        if let Some(slot) = memo.get_mut(id.index()) {
            *slot = Some(v);
        }
    }
    Ok(())
}

/// The set of enclosing quantifiers each expression reads (bit `i` is scope `i`).
fn free_scopes(pack: &Pack) -> Result<Vec<u64>, CompileError> {
    let mut memo: Vec<Option<u64>> = vec![None; pack.exprs.len()];
    let roots: Vec<ExprId> = (0..pack.exprs.len()).filter_map(|i| u32::try_from(i).ok().map(ExprId)).collect();
    post_order(pack, &roots, &mut memo, |_, e, kids| {
        Ok(match e {
            Expr::Field { scope, .. } | Expr::Has { scope, .. } => {
                if *scope >= MAX_SCOPES {
                    return Err(CompileError::TooDeep { what: "quantifiers", limit: MAX_SCOPES as usize });
                }
                1u64 << scope
            }
            Expr::Quant { .. } => kids.first().map_or(0, |b| b >> 1),
            Expr::CountCmp { body, .. } => {
                let n = kids.last().copied().unwrap_or(0);
                let b = if body.is_some() { kids.first().copied().unwrap_or(0) >> 1 } else { 0 };
                b | n
            }
            _ => kids.iter().fold(0, |a, b| a | b),
        })
    })?;
    Ok(memo.into_iter().map(|m| m.unwrap_or(0)).collect())
}

/// The size of each expression tree with define references expanded (saturating).
fn tree_sizes(pack: &Pack, define_sizes: &mut [Option<u64>], order: &[DefineId]) -> Result<Vec<u64>, CompileError> {
    let mut memo: Vec<Option<u64>> = vec![None; pack.exprs.len()];
    let by_define = |memo: &mut Vec<Option<u64>>, roots: &[ExprId], defs: &[Option<u64>]| {
        post_order(pack, roots, memo, |_, e, kids| {
            Ok(match e {
                Expr::Define(d) => defs.get(d.index()).copied().flatten().unwrap_or(1),
                _ => kids.iter().fold(1u64, |a, b| a.saturating_add(*b)),
            })
        })
    };
    for d in order {
        let body =
            pack.defines.get(d.index()).map(|d| d.body).ok_or_else(|| CompileError::internal("define out of range"))?;
        by_define(&mut memo, &[body], define_sizes)?;
        let size = memo.get(body.index()).copied().flatten();
        if let Some(slot) = define_sizes.get_mut(d.index()) {
            *slot = size;
        }
    }
    let roots: Vec<ExprId> = pack.indicators.iter().map(|i| i.when).collect();
    by_define(&mut memo, &roots, define_sizes)?;
    Ok(memo.into_iter().map(|m| m.unwrap_or(0)).collect())
}

/// The defines in an order where each comes after those its body uses.
fn define_order(pack: &Pack) -> Result<Vec<DefineId>, CompileError> {
    // The defines each define's body references.
    let mut deps: Vec<Vec<DefineId>> = Vec::with_capacity(pack.defines.len());
    for d in &pack.defines {
        let mut out = Vec::new();
        let mut stack = vec![d.body];
        let mut steps = 0usize;
        while let Some(id) = stack.pop() {
            steps += 1;
            if steps > pack.exprs.len().saturating_mul(4).saturating_add(16) {
                return Err(CompileError::internal("define body is not a tree"));
            }
            let e = pack.expr(id).ok_or_else(|| CompileError::internal("expression id out of range"))?;
            if let Expr::Define(r) = e {
                out.push(*r);
            }
            stack.extend(e.children());
        }
        deps.push(out);
    }
    // Iterative depth-first topological sort; 0 = new, 1 = in progress, 2 = done.
    let mut state = vec![0u8; pack.defines.len()];
    let mut order = Vec::with_capacity(pack.defines.len());
    for start in 0..pack.defines.len() {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some((d, next)) = stack.pop() {
            let ds = deps.get(d).map_or(&[][..], |v| v.as_slice());
            if let Some(dep) = ds.get(next) {
                stack.push((d, next + 1));
                let di = dep.index();
                match state.get(di) {
                    Some(0) => {
                        if let Some(s) = state.get_mut(di) {
                            *s = 1;
                        }
                        stack.push((di, 0));
                    }
                    Some(1) => return Err(CompileError::DefineCycle),
                    Some(_) => {}
                    None => return Err(CompileError::internal("define out of range")),
                }
            } else {
                if let Some(s) = state.get_mut(d) {
                    *s = 2;
                }
                order.push(DefineId(u32::try_from(d).unwrap_or(u32::MAX)));
            }
        }
    }
    Ok(order)
}

/// Where a hir expression is being lowered: the kinds of its region (innermost first) and, for
/// each hir scope, its index in that region.
#[derive(Clone, Debug)]
struct Ctx {
    env: Vec<KindId>,
    map: Vec<Option<u32>>,
}

struct Lowerer<'a, 'p> {
    pack: &'a Pack,
    params: &'a ParamValues,
    b: &'a mut Builder<'p>,
    free: Vec<u64>,
    defines: Vec<Option<Child>>,
}

/// Lowers `pack` into `b` (which may or may not fold).
pub(crate) fn lower(pack: &Pack, params: &ParamValues, b: &mut Builder<'_>) -> Result<Lowered, CompileError> {
    let free = free_scopes(pack)?;
    let order = define_order(pack)?;
    let mut define_sizes = vec![None; pack.defines.len()];
    let sizes = tree_sizes(pack, &mut define_sizes, &order)?;
    let tree_size =
        pack.indicators.iter().fold(0u64, |a, i| a.saturating_add(sizes.get(i.when.index()).copied().unwrap_or(0)));
    let mut l = Lowerer { pack, params, b, free, defines: vec![None; pack.defines.len()] };
    let top = Ctx { env: Vec::new(), map: Vec::new() };
    for d in order {
        let def = pack.defines.get(d.index()).ok_or_else(|| CompileError::internal("define out of range"))?;
        let is_bool = def.ty.scalar == ScalarType::Bool && !def.ty.list;
        let c = l.lower(def.body, &top, is_bool, 0)?;
        if let Some(slot) = l.defines.get_mut(d.index()) {
            *slot = Some(c);
        }
    }
    let mut roots = Vec::with_capacity(pack.indicators.len());
    for ind in &pack.indicators {
        roots.push(l.lower(ind.when, &top, true, 0)?);
    }
    Ok(Lowered { roots, tree_size })
}

impl Lowerer<'_, '_> {
    fn expr(&self, id: ExprId) -> Result<&Expr, CompileError> {
        self.pack.expr(id).ok_or_else(|| CompileError::internal("expression id out of range"))
    }

    /// Lowers `id` in `ctx`; `cond` says a boolean is expected as a condition (so that a `bool`
    /// field becomes a boolean node). The result is relative to `ctx.env`.
    fn lower(&mut self, id: ExprId, ctx: &Ctx, cond: bool, depth: usize) -> Result<Child, CompileError> {
        if depth > MAX_DEPTH {
            return Err(CompileError::TooDeep { what: "expression", limit: MAX_DEPTH });
        }
        let free = self.free.get(id.index()).copied().unwrap_or(0);
        // Canonical indices of the scopes read.
        let mut lo = u32::MAX;
        let mut hi = 0u32;
        let mut bits = free;
        while bits != 0 {
            let s = bits.trailing_zeros();
            bits &= bits - 1;
            let c = ctx
                .map
                .get(s as usize)
                .copied()
                .flatten()
                .ok_or_else(|| CompileError::internal("field of a quantifier outside its scope"))?;
            lo = lo.min(c);
            hi = hi.max(c);
        }
        if free == 0 {
            let sub = Ctx { env: Vec::new(), map: Vec::new() };
            let c = self.lower_in(id, &sub, 0, cond, depth)?;
            return Ok(Child { node: c.node, off: Off::Top.then(c.off) });
        }
        let env_len = u32::try_from(ctx.env.len()).unwrap_or(u32::MAX);
        let (start, end) = if lo == hi { (lo, lo + 1) } else { (lo, env_len) };
        if lo == 0 && end == env_len {
            let region = self.b.regions.intern(&ctx.env);
            return self.lower_in(id, ctx, region, cond, depth);
        }
        let kinds: Vec<KindId> = ctx
            .env
            .get(start as usize..end as usize)
            .ok_or_else(|| CompileError::internal("region out of range"))?
            .to_vec();
        let map = ctx
            .map
            .iter()
            .map(|m| m.and_then(|c| if c >= start && c < end { Some(c - start) } else { None }))
            .collect();
        let region = self.b.regions.intern(&kinds);
        let sub = Ctx { env: kinds, map };
        let c = self.lower_in(id, &sub, region, cond, depth)?;
        Ok(Child { node: c.node, off: Off::At(start).then(c.off) })
    }

    fn constant(&mut self, v: &Value) -> Result<Child, CompileError> {
        let c = const_of_value(v, self.b.symbols)?;
        self.b.constant(c)
    }

    fn field_region_check(&self, ctx: &Ctx, scope: u32, kind: KindId) -> Result<(), CompileError> {
        let c = ctx.map.get(scope as usize).copied().flatten();
        if c != Some(0) || ctx.env.first() != Some(&kind) {
            return Err(CompileError::internal("field kind does not match its quantifier"));
        }
        Ok(())
    }

    /// Lowers `id` as a node of `region` (whose kinds are `ctx.env`).
    fn lower_in(
        &mut self,
        id: ExprId,
        ctx: &Ctx,
        region: RegionId,
        cond: bool,
        depth: usize,
    ) -> Result<Child, CompileError> {
        let e = self.expr(id)?.clone();
        let d = depth + 1;
        match e {
            Expr::Lit(v) => self.constant(&v),
            Expr::Param(p) => {
                let v = self.params.get(p).ok_or_else(|| CompileError::internal("param without a value"))?.clone();
                self.constant(&v)
            }
            Expr::Define(def) => self
                .defines
                .get(def.index())
                .copied()
                .flatten()
                .ok_or_else(|| CompileError::internal("define used before it is lowered")),
            Expr::Unknown => self.b.unknown(id),
            Expr::Observed(k) => self.b.mk(GOp::Observed(k), 0),
            Expr::Field { scope, kind, field } => {
                self.field_region_check(ctx, scope, kind)?;
                let f = self
                    .pack
                    .schema
                    .kind(kind)
                    .and_then(|k| k.field(field))
                    .ok_or_else(|| CompileError::internal("field out of range"))?;
                let optional = f.optional;
                let is_bool = f.ty.scalar == ScalarType::Bool && !f.ty.list;
                let v = self.b.mk(GOp::Field { kind, field, optional }, region)?;
                if cond && is_bool { self.b.mk(GOp::Truthy(v), region) } else { Ok(v) }
            }
            Expr::Has { scope, kind, field } => {
                self.field_region_check(ctx, scope, kind)?;
                self.b.mk(GOp::Has { kind, field }, region)
            }
            Expr::Not(a) => {
                let a = self.lower(a, ctx, true, d)?;
                self.b.mk(GOp::Not(a), region)
            }
            Expr::And(..) | Expr::Or(..) => {
                let is_and = matches!(e, Expr::And(..));
                // Flatten the chain of the same connective without recursion.
                let mut leaves = Vec::new();
                let mut stack = vec![id];
                while let Some(x) = stack.pop() {
                    match (self.expr(x)?, is_and) {
                        (Expr::And(a, b), true) | (Expr::Or(a, b), false) => {
                            stack.push(*b);
                            stack.push(*a);
                        }
                        _ => leaves.push(x),
                    }
                }
                let mut kids = Vec::with_capacity(leaves.len());
                for leaf in leaves {
                    kids.push(self.lower(leaf, ctx, true, d)?);
                }
                self.b.mk(if is_and { GOp::And(kids) } else { GOp::Or(kids) }, region)
            }
            Expr::Compare { op, lhs, rhs } => {
                let l = self.lower(lhs, ctx, false, d)?;
                let r = self.lower(rhs, ctx, false, d)?;
                self.b.mk(GOp::Cmp { op, l, r }, region)
            }
            Expr::In { elem, list } => {
                let elem = self.lower(elem, ctx, false, d)?;
                let list = self.lower(list, ctx, false, d)?;
                self.b.mk(GOp::In { elem, list }, region)
            }
            Expr::Intersects { lhs, rhs } => {
                let l = self.lower(lhs, ctx, false, d)?;
                let r = self.lower(rhs, ctx, false, d)?;
                self.b.mk(GOp::Intersects { l, r }, region)
            }
            Expr::Match { subject, pattern } => {
                let subject = self.lower(subject, ctx, false, d)?;
                self.b.mk(GOp::Match { subject, pattern }, region)
            }
            Expr::Quant { quantifier, kind, body } => {
                let body = self.lower_body(body, kind, ctx, d)?;
                self.b.mk(GOp::Quant { q: quantifier, kind, body }, region)
            }
            Expr::CountCmp { kind, body, op, n } => {
                let nc = self.lower(n, ctx, false, d)?;
                let n = match self.b.node(nc.node)?.op {
                    GOp::Const(i) => match self.b.consts.get(i) {
                        Some(ConstVal::Scalar(Scalar::Int(_) | Scalar::Float(_))) => i,
                        _ => return Err(CompileError::internal("count compared with a non-number")),
                    },
                    _ => return Err(CompileError::internal("count compared with a non-constant")),
                };
                let body = self.lower_body(body, kind, ctx, d)?;
                self.b.mk(GOp::Count { kind, body, op, n }, region)
            }
        }
    }

    /// Lowers a quantifier's body in the region `[kind] ++ ctx.env`.
    fn lower_body(
        &mut self,
        body: Option<ExprId>,
        kind: KindId,
        ctx: &Ctx,
        depth: usize,
    ) -> Result<Option<Child>, CompileError> {
        let Some(body) = body else { return Ok(None) };
        if ctx.env.len() >= MAX_SCOPES as usize {
            return Err(CompileError::TooDeep { what: "quantifiers", limit: MAX_SCOPES as usize });
        }
        let mut env = Vec::with_capacity(ctx.env.len() + 1);
        env.push(kind);
        env.extend_from_slice(&ctx.env);
        let mut map = Vec::with_capacity(ctx.map.len() + 1);
        map.push(Some(0));
        map.extend(ctx.map.iter().map(|m| m.map(|c| c + 1)));
        let sub = Ctx { env, map };
        Ok(Some(self.lower(body, &sub, true, depth)?))
    }
}
