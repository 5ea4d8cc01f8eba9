//! Differential test: the compiled program (`eval`) against the reference interpreter on random
//! packs and random evidence.
//!
//! Packs are generated directly as hir, well-typed by construction: a random schema (1–4 kinds,
//! scalar, list and optional fields), params (overridden or not), closed defines that may use
//! earlier defines, and indicators built from `and`/`or`/`not`, nested quantifiers whose bodies
//! read outer binders, counts against ints and floats, `observed`, `unknown`, `has`, `in`,
//! `intersects`, `matches`/`like` and comparisons of every type; sub-expressions are repeated
//! across indicators. Evidence has unobserved and empty kinds, missing fields, strings that equal
//! pack literals and strings that do not, and lists. Every case also checks that shuffling the
//! facts and the declarations changes nothing, and that the evidence written as JSON and read back
//! by the reader for this program (which interns a string only as far as the program compares it)
//! gives the same outcomes. The cases are the same in every run ([`seeds`]).

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::sync::Arc;

use indicia::compile;
use indicia::evidence::{Column, Evidence, EvidenceReader, FactTable, Items, ListColumn, LocalStrings, Sym, Symbols};
use indicia::hir::*;
use indicia::outcome::{Outcomes, Witness};
use indicia_syntax::ast::{PatternOp, Quantifier};
use indicia_syntax::{SourceMap, Span};
use indicia_testkit::Rng;
use proptest::prelude::*;

/// The generator of case `seed`, so that one seed is one case. The seed is spread over the state
/// first (and made odd, so never 0): the small seeds of a fixed range then differ from the first draw.
fn case_rng(seed: u64) -> Rng {
    Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
}

/// Drawing from the generator's own tables, which are never empty.
trait OneOf {
    /// One of `items`, uniformly.
    fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T;
}

impl OneOf for Rng {
    fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.choose(items).expect("a non-empty table")
    }
}

const LITERALS: [&str; 4] = ["a", "b", "ab", "c"];
const EVIDENCE_STRINGS: [&str; 6] = ["a", "b", "ab", "x", "xa", "by"];
const INTS: [i64; 7] = [-1, 0, 1, 2, 3, 9_007_199_254_740_993, i64::MIN];
const FLOATS: [f64; 6] = [-0.5, 0.0, 1.0, 2.5, 9_007_199_254_740_992.0, -9.3e18];

fn scalar_types() -> [ScalarType; 4] {
    [ScalarType::Bool, ScalarType::Int, ScalarType::Float, ScalarType::Str]
}

struct Gen {
    rng: Rng,
    schema: Schema,
    params: Vec<Param>,
    defines: Vec<Define>,
    exprs: Vec<Expr>,
    patterns: Vec<Pattern>,
    /// Bool expressions built so far at top level, to repeat in later indicators.
    shared: Vec<ExprId>,
}

fn pattern(op: PatternOp, source: &str, regex: &str) -> Pattern {
    Pattern { op, source: source.to_string(), regex: regex::Regex::new(regex).unwrap() }
}

impl Gen {
    fn push(&mut self, e: Expr) -> ExprId {
        self.exprs.push(e);
        ExprId(self.exprs.len() as u32 - 1)
    }

    fn lit_scalar(&mut self, t: ScalarType) -> Value {
        match t {
            ScalarType::Bool => Value::Bool(self.rng.chance(50)),
            ScalarType::Int => Value::Int(*self.rng.one_of(&INTS)),
            ScalarType::Float => Value::Float(*self.rng.one_of(&FLOATS)),
            ScalarType::Str => Value::Str(Arc::from(*self.rng.one_of(&LITERALS))),
        }
    }

    fn lit_list(&mut self, t: ScalarType) -> Value {
        let n = self.rng.below(4);
        let items: Vec<Value> = (0..n)
            .map(|_| {
                // A float list may hold ints.
                if t == ScalarType::Float && self.rng.chance(30) {
                    self.lit_scalar(ScalarType::Int)
                } else {
                    self.lit_scalar(t)
                }
            })
            .collect();
        Value::List(items.into())
    }

    fn lit(&mut self, ty: Type) -> Value {
        if ty.list { self.lit_list(ty.scalar) } else { self.lit_scalar(ty.scalar) }
    }

    fn schema(&mut self) {
        let kinds = 1 + self.rng.below(4);
        for k in 0..kinds {
            let nfields = 1 + self.rng.below(4);
            let mut fields = Vec::new();
            for f in 0..nfields {
                let scalar = *self.rng.one_of(&scalar_types());
                let list = scalar != ScalarType::Bool && self.rng.chance(25);
                fields.push(Field { name: format!("f{f}"), ty: Type { scalar, list }, optional: self.rng.chance(50) });
            }
            self.schema.kinds.push(FactKind { name: format!("k{k}"), fields });
        }
    }

    fn params(&mut self) {
        for p in 0..self.rng.below(4) {
            let scalar = *self.rng.one_of(&scalar_types());
            let ty = Type { scalar, list: scalar != ScalarType::Bool && self.rng.chance(40) };
            let default = self.lit(ty);
            self.params.push(Param { name: format!("p{p}"), ty, default });
        }
    }

    fn numeric(t: ScalarType) -> bool {
        t.is_numeric()
    }

    /// A value of type `ty` (numbers: any numeric type) in scope `env` (innermost kind first).
    fn value(&mut self, ty: Type, env: &[KindId], depth: usize) -> ExprId {
        let compatible = |t: Type| {
            t.list == ty.list && (t.scalar == ty.scalar || (Gen::numeric(t.scalar) && Gen::numeric(ty.scalar)))
        };
        // Fields of any enclosing quantifier.
        let mut fields = Vec::new();
        for (scope, k) in env.iter().enumerate() {
            for (fi, f) in self.schema.kinds[k.index()].fields.iter().enumerate() {
                if compatible(f.ty) {
                    fields.push((scope as u32, *k, FieldId(fi as u32)));
                }
            }
        }
        let params: Vec<usize> = (0..self.params.len()).filter(|p| compatible(self.params[*p].ty)).collect();
        let defines: Vec<usize> = (0..self.defines.len()).filter(|d| compatible(self.defines[*d].ty)).collect();
        loop {
            match self.rng.below(6) {
                0 | 1 if !fields.is_empty() => {
                    let (scope, kind, field) = *self.rng.one_of(&fields);
                    return self.push(Expr::Field { scope, kind, field });
                }
                2 if !params.is_empty() => {
                    let p = *self.rng.one_of(&params);
                    return self.push(Expr::Param(ParamId(p as u32)));
                }
                3 if !defines.is_empty() => {
                    let d = *self.rng.one_of(&defines);
                    return self.push(Expr::Define(DefineId(d as u32)));
                }
                4 if ty == Type::BOOL && depth > 0 => return self.cond(env, depth - 1),
                5 if ty == Type::BOOL && self.rng.chance(30) => return self.push(Expr::Unknown),
                _ if self.rng.chance(40) || depth == 0 => {
                    let t = if Gen::numeric(ty.scalar) && self.rng.chance(50) {
                        Type { scalar: *self.rng.one_of(&[ScalarType::Int, ScalarType::Float]), list: ty.list }
                    } else {
                        ty
                    };
                    let v = self.lit(t);
                    return self.push(Expr::Lit(v));
                }
                _ => {}
            }
        }
    }

    /// A boolean condition in scope `env`.
    fn cond(&mut self, env: &[KindId], depth: usize) -> ExprId {
        let kinds = self.schema.kinds.len();
        let choice = if depth == 0 {
            self.rng.below(5)
        } else if !env.is_empty() && self.rng.chance(25) {
            // Nested quantifiers, whose bodies may read the outer binders.
            10 + self.rng.below(3)
        } else {
            // 16 and 17 are more counts.
            match self.rng.below(18) {
                16 | 17 => 12,
                c => c,
            }
        };
        match choice {
            0 => self.value(Type::BOOL, env, 0),
            1 => {
                let k = KindId(self.rng.below(kinds) as u32);
                self.push(Expr::Observed(k))
            }
            2 if !env.is_empty() => {
                // `has` on an optional field of some enclosing fact.
                let scope = self.rng.below(env.len());
                let kind = env[scope];
                let opts: Vec<usize> = (0..self.schema.kinds[kind.index()].fields.len())
                    .filter(|f| self.schema.kinds[kind.index()].fields[*f].optional)
                    .collect();
                if opts.is_empty() {
                    return self.push(Expr::Unknown);
                }
                let field = FieldId(*self.rng.one_of(&opts) as u32);
                self.push(Expr::Has { scope: scope as u32, kind, field })
            }
            2..=4 => {
                // A comparison.
                let t = *self.rng.one_of(&scalar_types());
                let op = if t.is_numeric() {
                    *self.rng.one_of(&[CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge])
                } else {
                    *self.rng.one_of(&[CmpOp::Eq, CmpOp::Ne])
                };
                let ty = Type { scalar: t, list: false };
                let d = depth.saturating_sub(1);
                let lhs = self.value(ty, env, d);
                let rhs = self.value(ty, env, d);
                self.push(Expr::Compare { op, lhs, rhs })
            }
            5 => {
                let a = self.cond(env, depth - 1);
                self.push(Expr::Not(a))
            }
            6 | 7 => {
                let a = self.cond(env, depth - 1);
                let b = self.cond(env, depth - 1);
                self.push(Expr::And(a, b))
            }
            8 | 9 => {
                let a = self.cond(env, depth - 1);
                let b = self.cond(env, depth - 1);
                self.push(Expr::Or(a, b))
            }
            10 | 11 => {
                let quantifier =
                    *self.rng.one_of(&[Quantifier::Any, Quantifier::Any, Quantifier::All, Quantifier::None]);
                let kind = KindId(self.rng.below(kinds) as u32);
                let body = self.body(kind, env, depth);
                self.push(Expr::Quant { quantifier, kind, body })
            }
            12 => {
                let kind = KindId(self.rng.below(kinds) as u32);
                let body = self.body(kind, env, depth);
                let op = *self.rng.one_of(&[
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Lt,
                    CmpOp::Le,
                    CmpOp::Gt,
                    CmpOp::Ge,
                    CmpOp::Gt,
                    CmpOp::Ge,
                ]);
                let n = if self.rng.chance(50) {
                    let v = self.rng.below(4) as i64 - 1;
                    self.push(Expr::Lit(Value::Int(v)))
                } else if self.rng.chance(50) {
                    let v = *self.rng.one_of(&[0.5, 1.0, 1.5, 2.0, -1.0]);
                    self.push(Expr::Lit(Value::Float(v)))
                } else {
                    let ty = Type { scalar: ScalarType::Int, list: false };
                    self.value(ty, &[], 0)
                };
                self.push(Expr::CountCmp { kind, body, op, n })
            }
            13 => {
                let t = *self.rng.one_of(&scalar_types());
                let elem = self.value(Type { scalar: t, list: false }, env, depth - 1);
                let list = self.value(Type { scalar: t, list: true }, env, depth - 1);
                self.push(Expr::In { elem, list })
            }
            14 => {
                let t = *self.rng.one_of(&[ScalarType::Int, ScalarType::Float, ScalarType::Str]);
                let lhs = self.value(Type { scalar: t, list: true }, env, depth - 1);
                let rhs = self.value(Type { scalar: t, list: true }, env, depth - 1);
                self.push(Expr::Intersects { lhs, rhs })
            }
            _ => {
                let subject = self.value(Type { scalar: ScalarType::Str, list: false }, env, depth - 1);
                let pattern = PatternId(self.rng.below(self.patterns.len()) as u32);
                self.push(Expr::Match { subject, pattern })
            }
        }
    }

    fn body(&mut self, kind: KindId, env: &[KindId], depth: usize) -> Option<ExprId> {
        if self.rng.chance(15) || depth == 0 {
            return None;
        }
        let mut inner = vec![kind];
        inner.extend_from_slice(env);
        let c = self.cond(&inner, depth - 1);
        if !env.is_empty() && self.rng.chance(60) {
            // Join the inner fact with an outer one.
            if let Some(j) = self.join(&inner) {
                return Some(if self.rng.chance(70) { self.push(Expr::And(j, c)) } else { self.push(Expr::Or(c, j)) });
            }
        }
        Some(c)
    }

    /// A comparison between a field of the innermost fact and a field of an outer one.
    fn join(&mut self, env: &[KindId]) -> Option<ExprId> {
        let mut pairs = Vec::new();
        for (fi, f) in self.schema.kinds[env[0].index()].fields.iter().enumerate() {
            for (scope, k) in env.iter().enumerate().skip(1) {
                for (gi, g) in self.schema.kinds[k.index()].fields.iter().enumerate() {
                    let same = f.ty.list == g.ty.list
                        && (f.ty.scalar == g.ty.scalar || (f.ty.scalar.is_numeric() && g.ty.scalar.is_numeric()));
                    if same {
                        pairs.push((FieldId(fi as u32), scope as u32, *k, FieldId(gi as u32), f.ty));
                    }
                }
            }
        }
        if pairs.is_empty() {
            return None;
        }
        let (f, scope, k, g, ty) = *self.rng.one_of(&pairs);
        let lhs = self.push(Expr::Field { scope: 0, kind: env[0], field: f });
        let rhs = self.push(Expr::Field { scope, kind: k, field: g });
        Some(if ty.list {
            self.push(Expr::Intersects { lhs, rhs })
        } else {
            let op = if ty.scalar.is_numeric() {
                *self.rng.one_of(&[CmpOp::Eq, CmpOp::Lt, CmpOp::Ge])
            } else {
                *self.rng.one_of(&[CmpOp::Eq, CmpOp::Ne])
            };
            self.push(Expr::Compare { op, lhs, rhs })
        })
    }

    fn defines(&mut self) {
        for d in 0..self.rng.below(4) {
            let (ty, body) = if self.rng.chance(75) {
                (Type::BOOL, self.cond(&[], 3))
            } else {
                let scalar = *self.rng.one_of(&[ScalarType::Int, ScalarType::Float, ScalarType::Str]);
                let ty = Type { scalar, list: self.rng.chance(40) };
                let v = self.value(ty, &[], 0);
                // The define's type is its body's: a numeric body may be the other number type.
                let ty = match &self.exprs[v.index()] {
                    Expr::Lit(Value::Int(_)) => Type { scalar: ScalarType::Int, list: false },
                    Expr::Lit(Value::Float(_)) => Type { scalar: ScalarType::Float, list: false },
                    Expr::Param(p) => self.params[p.index()].ty,
                    Expr::Define(x) => self.defines[x.index()].ty,
                    _ => ty,
                };
                (ty, v)
            };
            self.defines.push(Define { name: format!("d{d}"), ty, body });
        }
    }

    /// A deep copy of expression `id` (a sub-expression written twice in the source).
    fn copy(&mut self, id: ExprId) -> ExprId {
        let e = self.exprs[id.index()].clone();
        let e = match e {
            Expr::Not(a) => Expr::Not(self.copy(a)),
            Expr::And(a, b) => Expr::And(self.copy(a), self.copy(b)),
            Expr::Or(a, b) => Expr::Or(self.copy(a), self.copy(b)),
            Expr::Compare { op, lhs, rhs } => Expr::Compare { op, lhs: self.copy(lhs), rhs: self.copy(rhs) },
            Expr::In { elem, list } => Expr::In { elem: self.copy(elem), list: self.copy(list) },
            Expr::Intersects { lhs, rhs } => Expr::Intersects { lhs: self.copy(lhs), rhs: self.copy(rhs) },
            Expr::Match { subject, pattern } => Expr::Match { subject: self.copy(subject), pattern },
            Expr::Quant { quantifier, kind, body } => {
                Expr::Quant { quantifier, kind, body: body.map(|b| self.copy(b)) }
            }
            Expr::CountCmp { kind, body, op, n } => {
                Expr::CountCmp { kind, body: body.map(|b| self.copy(b)), op, n: self.copy(n) }
            }
            other => other,
        };
        self.push(e)
    }

    fn indicators(&mut self) -> Vec<Indicator> {
        let n = 1 + self.rng.below(6);
        let mut out = Vec::new();
        for i in 0..n {
            let when = if !self.shared.is_empty() && self.rng.chance(40) {
                let s = *self.rng.one_of(&self.shared.clone());
                let copy = self.copy(s);
                if self.rng.chance(50) {
                    copy
                } else {
                    let other = self.cond(&[], 2);
                    if self.rng.chance(50) {
                        self.push(Expr::And(other, copy))
                    } else {
                        self.push(Expr::Or(copy, other))
                    }
                }
            } else {
                let depth = 3 + self.rng.below(3);
                self.cond(&[], depth)
            };
            self.shared.push(when);
            out.push(Indicator {
                id: format!("I-{i:02}"),
                title: String::new(),
                category: CategoryId(0),
                severity: Severity::Low,
                weight: Severity::Low.default_weight(),
                refs: Vec::new(),
                description: None,
                when,
                span: Span::default(),
            });
        }
        out
    }
}

fn gen_pack(seed: u64) -> (Pack, ParamValues, Rng) {
    let mut g = Gen {
        rng: case_rng(seed),
        schema: Schema::default(),
        params: Vec::new(),
        defines: Vec::new(),
        exprs: Vec::new(),
        patterns: vec![
            pattern(PatternOp::Matches, "^a", "^a"),
            pattern(PatternOp::Matches, "b|x", "b|x"),
            pattern(PatternOp::Like, "a*", "(?s)^a.*$"),
            pattern(PatternOp::Like, "?", "(?s)^.$"),
            pattern(PatternOp::Like, "*y*", "(?s)^.*y.*$"),
        ],
        shared: Vec::new(),
    };
    g.schema();
    g.params();
    g.defines();
    let indicators = g.indicators();
    let mut values = ParamValues(g.params.iter().map(|p| p.default.clone()).collect());
    for i in 0..g.params.len() {
        if g.rng.chance(40) {
            let ty = g.params[i].ty;
            values.0[i] = g.lit(ty);
        }
    }
    let n = g.exprs.len();
    let pack = Pack {
        name: "random".to_string(),
        standard: None,
        schema: g.schema,
        categories: vec![Category { id: "c".to_string(), title: "c".to_string(), description: None }],
        params: g.params,
        defines: g.defines,
        indicators,
        tests: Vec::new(),
        exprs: g.exprs,
        expr_spans: vec![Span::default(); n],
        patterns: g.patterns,
        sources: SourceMap::new(),
        warnings: Vec::new(),
    };
    (pack, values, g.rng)
}

/// Random evidence for `schema`, interned against `symbols`.
fn gen_evidence(rng: &mut Rng, schema: &Schema, symbols: &Arc<Symbols>) -> Evidence {
    let mut local = LocalStrings::default();
    let mut intern = |s: &str| -> Sym {
        if let Some(sym) = symbols.get(s) {
            return sym;
        }
        if let Some(i) = local.iter().position(|l| l == s) {
            return (symbols.len() + i) as Sym;
        }
        (symbols.len() + local.push(s)) as Sym
    };
    let mut tables = Vec::new();
    for kind in &schema.kinds {
        let observed = rng.chance(80);
        let len = if observed { rng.below(7) } else { 0 };
        let mut columns = Vec::new();
        for f in &kind.fields {
            let present = |rng: &mut Rng| !f.optional || rng.chance(70);
            let col = if f.ty.list {
                let mut ranges = Vec::new();
                let mut items = match f.ty.scalar {
                    ScalarType::Bool => Items::Bool(Vec::new()),
                    ScalarType::Int => Items::Int(Vec::new()),
                    ScalarType::Float => Items::Float(Vec::new()),
                    ScalarType::Str => Items::Str(Vec::new()),
                };
                for _ in 0..len {
                    if !present(rng) {
                        ranges.push(None);
                        continue;
                    }
                    let n = rng.below(4);
                    let start = match &items {
                        Items::Bool(v) => v.len(),
                        Items::Int(v) => v.len(),
                        Items::Float(v) => v.len(),
                        Items::Str(v) => v.len(),
                    } as u32;
                    for _ in 0..n {
                        match &mut items {
                            Items::Bool(v) => v.push(rng.chance(50)),
                            Items::Int(v) => v.push(*rng.one_of(&INTS)),
                            Items::Float(v) => v.push(*rng.one_of(&FLOATS)),
                            Items::Str(v) => v.push(intern(rng.pick(&EVIDENCE_STRINGS))),
                        }
                    }
                    ranges.push(Some((start, start + n as u32)));
                }
                Column::List(ListColumn { ranges, items })
            } else {
                match f.ty.scalar {
                    ScalarType::Bool => Column::Bool((0..len).map(|_| present(rng).then(|| rng.chance(50))).collect()),
                    ScalarType::Int => {
                        Column::Int((0..len).map(|_| present(rng).then(|| *rng.one_of(&INTS))).collect())
                    }
                    ScalarType::Float => {
                        Column::Float((0..len).map(|_| present(rng).then(|| *rng.one_of(&FLOATS))).collect())
                    }
                    ScalarType::Str => Column::Str(
                        (0..len).map(|_| present(rng).then(|| intern(rng.pick(&EVIDENCE_STRINGS)))).collect(),
                    ),
                }
            };
            columns.push(col);
        }
        tables.push(FactTable { observed, len, columns });
    }
    Evidence { app: serde_json::Map::new(), tables, symbols: symbols.clone(), local, warnings: Vec::new() }
}

/// The evidence as one JSON object: the observed kinds' facts, in order.
fn evidence_json(schema: &Schema, e: &Evidence) -> String {
    let mut facts = serde_json::Map::new();
    for (k, kind) in schema.kinds.iter().enumerate() {
        let table = &e.tables[k];
        if table.observed {
            let list = (0..table.len).map(|i| e.fact_json(schema, KindId(k as u32), i)).collect();
            facts.insert(kind.name.clone(), serde_json::Value::Array(list));
        }
    }
    serde_json::json!({"app": {"id": "generated"}, "facts": facts}).to_string()
}

/// The evidence with each kind's facts permuted; returns the permutation (`new index → old`).
fn shuffle_facts(rng: &mut Rng, e: &Evidence) -> (Evidence, Vec<Vec<usize>>) {
    let mut out = e.clone();
    let mut perms = Vec::new();
    for t in &mut out.tables {
        let mut perm: Vec<usize> = (0..t.len).collect();
        for i in (1..perm.len()).rev() {
            let j = rng.below(i + 1);
            perm.swap(i, j);
        }
        for c in &mut t.columns {
            match c {
                Column::Bool(v) => *v = perm.iter().map(|&i| v[i]).collect(),
                Column::Int(v) => *v = perm.iter().map(|&i| v[i]).collect(),
                Column::Float(v) => *v = perm.iter().map(|&i| v[i]).collect(),
                Column::Str(v) => *v = perm.iter().map(|&i| v[i]).collect(),
                Column::List(l) => l.ranges = perm.iter().map(|&i| l.ranges[i]).collect(),
            }
        }
        perms.push(perm);
    }
    (out, perms)
}

/// The pack with its expression arena and defines renumbered and every `and`/`or` swapped.
fn shuffle_declarations(rng: &mut Rng, pack: &Pack) -> Pack {
    let n = pack.exprs.len();
    let mut perm: Vec<usize> = (0..n).collect(); // old → new
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        perm.swap(i, j);
    }
    let nd = pack.defines.len();
    let mut dperm: Vec<usize> = (0..nd).collect();
    for i in (1..nd).rev() {
        let j = rng.below(i + 1);
        dperm.swap(i, j);
    }
    let m = |id: ExprId| ExprId(perm[id.index()] as u32);
    let md = |d: DefineId| DefineId(dperm[d.index()] as u32);
    let mut exprs = vec![Expr::Unknown; n];
    for (old, e) in pack.exprs.iter().enumerate() {
        let e = match e.clone() {
            Expr::Define(d) => Expr::Define(md(d)),
            Expr::Not(a) => Expr::Not(m(a)),
            Expr::And(a, b) => Expr::And(m(b), m(a)),
            Expr::Or(a, b) => Expr::Or(m(b), m(a)),
            Expr::Compare { op, lhs, rhs } => Expr::Compare { op: op.flip(), lhs: m(rhs), rhs: m(lhs) },
            Expr::In { elem, list } => Expr::In { elem: m(elem), list: m(list) },
            Expr::Intersects { lhs, rhs } => Expr::Intersects { lhs: m(rhs), rhs: m(lhs) },
            Expr::Match { subject, pattern } => Expr::Match { subject: m(subject), pattern },
            Expr::Quant { quantifier, kind, body } => Expr::Quant { quantifier, kind, body: body.map(m) },
            Expr::CountCmp { kind, body, op, n } => Expr::CountCmp { kind, body: body.map(m), op, n: m(n) },
            other => other,
        };
        exprs[perm[old]] = e;
    }
    let mut defines = pack.defines.clone();
    for (old, d) in pack.defines.iter().enumerate() {
        defines[dperm[old]] = Define { body: m(d.body), ..d.clone() };
    }
    let mut out = pack.clone();
    out.exprs = exprs;
    out.defines = defines;
    for ind in &mut out.indicators {
        ind.when = m(ind.when);
    }
    out
}

fn verdicts(o: &Outcomes) -> Vec<Verdict> {
    o.indicators.iter().map(|i| i.verdict).collect()
}

/// The fact kinds `root` reads, through defines: quantified and counted kinds, kinds of the
/// fields it reads, and kinds in `observed(K)`.
fn kinds_read(pack: &Pack, root: ExprId) -> std::collections::BTreeSet<KindId> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let e = pack.expr(id).unwrap();
        match e {
            Expr::Quant { kind, .. } | Expr::CountCmp { kind, .. } | Expr::Observed(kind) => {
                out.insert(*kind);
            }
            Expr::Field { kind, .. } | Expr::Has { kind, .. } => {
                out.insert(*kind);
            }
            Expr::Define(d) => stack.push(pack.defines[d.index()].body),
            _ => {}
        }
        stack.extend(e.children());
    }
    out
}

/// Every inconclusive indicator has a non-empty explanation, and no explanation names a kind
/// its indicator does not read; failed indicators have none.
fn check_explanations(pack: &Pack, outcomes: &Outcomes) -> Result<(), String> {
    for (o, ind) in outcomes.indicators.iter().zip(&pack.indicators) {
        let Some(e) = &o.explanation else {
            if o.verdict == Verdict::Fail {
                continue;
            }
            return Err(format!("{}: {:?} without an explanation", ind.id, o.verdict));
        };
        if o.verdict == Verdict::Fail {
            return Err(format!("{}: failed with an explanation", ind.id));
        }
        if o.verdict == Verdict::Inconclusive
            && e.unobserved.is_empty()
            && e.missing.is_empty()
            && e.unknowns.is_empty()
            && e.undecided.is_empty()
        {
            return Err(format!("{}: inconclusive with an empty explanation {e:?}", ind.id));
        }
        let read = kinds_read(pack, ind.when);
        let named = e
            .unobserved
            .iter()
            .chain(&e.decided)
            .copied()
            .chain(e.missing.iter().map(|m| m.kind))
            .chain(e.undecided.iter().chain(&e.supporting).map(|w| w.kind));
        for k in named {
            if !read.contains(&k) {
                return Err(format!("{}: the explanation names kind {k:?}, which it does not read", ind.id));
            }
        }
        for u in &e.unknowns {
            if !matches!(pack.expr(*u), Some(Expr::Unknown)) {
                return Err(format!("{}: {u:?} is not an `unknown`", ind.id));
            }
        }
    }
    Ok(())
}

fn check_case(seed: u64) -> Result<(), TestCaseError> {
    let (pack, params, mut rng) = gen_pack(seed);
    let program = compile::compile(&pack, &params).map_err(|e| TestCaseError::fail(format!("compile: {e}")))?;
    let mut scratch = indicia::eval::Scratch::new();
    // One reader for both evidences, so that the second is read as a batch reads (its interner
    // seeded with the pack's literals).
    let mut reader = EvidenceReader::for_program(&pack.schema, &program);
    for _ in 0..2 {
        let evidence = gen_evidence(&mut rng, &pack.schema, program.symbols());
        let got = indicia::eval::evaluate(&program, &evidence, &mut scratch);
        let want = indicia_testkit::reference::evaluate(&pack, &params, &evidence);
        prop_assert_eq!(&got, &want, "seed {}\n{}", seed, program.dump());

        // Read back for this program (strings interned only as far as it compares them): the
        // same outcomes from both evaluators.
        let json = evidence_json(&pack.schema, &evidence);
        let read = reader
            .read(json.as_bytes())
            .map_err(|e| TestCaseError::fail(format!("seed {seed}: the reader rejects {json}: {e}")))?;
        prop_assert_eq!(
            &indicia::eval::evaluate(&program, &read, &mut scratch),
            &got,
            "seed {} (read back)\n{}",
            seed,
            json
        );
        prop_assert_eq!(
            &indicia_testkit::reference::evaluate(&pack, &params, &read),
            &want,
            "seed {} (read back)",
            seed
        );

        // Explanations: the same from both evaluators, and sound.
        let got_x = indicia::eval::evaluate_explained(&program, &evidence, &mut scratch);
        let want_x = indicia_testkit::reference::evaluate_explained(&pack, &params, &evidence);
        prop_assert_eq!(&got_x, &want_x, "seed {} (explanations)\n{}", seed, program.dump());
        check_explanations(&pack, &got_x).map_err(|m| TestCaseError::fail(format!("seed {seed}: {m}")))?;

        // Fact order: same verdicts, witnesses map through the permutation.
        let (shuffled, perms) = shuffle_facts(&mut rng, &evidence);
        let again = indicia::eval::evaluate(&program, &shuffled, &mut scratch);
        prop_assert_eq!(verdicts(&again), verdicts(&got), "seed {} (facts shuffled)", seed);
        for (a, b) in again.indicators.iter().zip(&got.indicators) {
            let mut mapped: Vec<Witness> = a
                .witnesses
                .iter()
                .map(|w| Witness { kind: w.kind, index: perms[w.kind.index()][w.index as usize] as u32 })
                .collect();
            mapped.sort();
            prop_assert_eq!(&mapped, &b.witnesses, "seed {} (facts shuffled)", seed);
        }

        // Declaration order: the same outcomes and the same graph size.
        let reordered = shuffle_declarations(&mut rng, &pack);
        let program2 =
            compile::compile(&reordered, &params).map_err(|e| TestCaseError::fail(format!("compile: {e}")))?;
        // Symbols are interned in byte order, so the evidence reads the same against both.
        let got2 = indicia::eval::evaluate(&program2, &evidence, &mut scratch);
        prop_assert_eq!(&got2, &got, "seed {} (declarations shuffled)", seed);
        prop_assert_eq!(program2.stats().nodes_after_folding, program.stats().nodes_after_folding, "seed {}", seed);
    }
    Ok(())
}

/// The seeds the agreement test runs: 0 to 9,999 and the seeds found failing by a wider search
/// ([`FOUND`]). The same every run (proptest would draw fresh ones from the system's random source
/// each time, so that a rare failure was seen once and not again), and a failure names the seed that
/// reproduces it. `INDICIA_DIFFERENTIAL_SEEDS=START..END` runs another range instead, to search
/// further (best in release mode; 100,000 seeds take about 2 minutes in the test profile).
fn seeds() -> Vec<u64> {
    let Ok(range) = std::env::var("INDICIA_DIFFERENTIAL_SEEDS") else {
        return (0..10_000).chain(FOUND).collect();
    };
    let (start, end) = range.split_once("..").expect("INDICIA_DIFFERENTIAL_SEEDS is START..END");
    (start.trim().parse().expect("a seed")..end.trim().parse().expect("a seed")).collect()
}

/// Seeds that failed once, kept. 66919: an indicator `(any k1 where false) and ((observed(k2) or
/// false) in [] and …)`, which the compiler folds to `false` (`observed(k2) or false` is
/// `observed(k2)`, never unknown, so `… in []` is false) and whose pass is then explained by
/// nothing; the reference interpreter did not see that fold and named `k1` as deciding it.
const FOUND: [u64; 1] = [66_919];

#[test]
fn compiled_program_agrees_with_reference() {
    let mut failures = Vec::new();
    for seed in seeds() {
        // A panic in either evaluator fails its seed too, named like a failed comparison.
        let outcome = std::panic::catch_unwind(|| check_case(seed));
        let failure = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e.to_string(),
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        };
        failures.push(format!("seed {seed}: {failure}"));
        if failures.len() == 3 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The generator is not vacuous: over a fixed range of seeds it yields every verdict, witnesses,
/// nested scans and folding.
#[test]
fn generated_cases_cover_the_semantics() {
    let (mut fail, mut pass, mut inconclusive, mut witnesses, mut nested, mut folded) = (0, 0, 0, 0, 0, 0);
    for seed in 0..500 {
        let (pack, params, mut rng) = gen_pack(seed);
        let program = compile::compile(&pack, &params).unwrap();
        let s = program.stats();
        nested += s.nested_scans;
        if s.nodes_after_folding < s.nodes_after_sharing {
            folded += 1;
        }
        let evidence = gen_evidence(&mut rng, &pack.schema, program.symbols());
        let out = indicia::eval::evaluate_once(&program, &evidence);
        for o in &out.indicators {
            match o.verdict {
                Verdict::Fail => fail += 1,
                Verdict::Pass => pass += 1,
                Verdict::Inconclusive => inconclusive += 1,
            }
            witnesses += o.witnesses.len();
        }
    }
    eprintln!(
        "fail {fail} pass {pass} inconclusive {inconclusive} witnesses {witnesses} nested {nested} folded {folded}"
    );
    assert!(fail > 100 && pass > 100 && inconclusive > 100 && witnesses > 100 && nested > 20 && folded > 20);
}

/// The built-in pack over generated 200-fact apps (the shape the eval bench measures), evaluated
/// one after the other with one reused `Scratch` (so that state one app leaves in the buffers,
/// such as a column group's hit words, would show in the next), agrees with the reference; so do
/// smaller and larger apps in between (kinds of one, two and more words of 64 facts, which the
/// vector steps compute in different ways).
#[test]
fn builtin_pack_over_generated_apps_agrees_with_reference() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tw-mabis-v4");
    let pack = indicia::load::check_path(&dir).expect("the built-in pack checks");
    let params = ParamValues::defaults(&pack);
    let program = compile::compile(&pack, &params).unwrap();
    let mut scratch = indicia::eval::Scratch::new();
    let (mut fail, mut witnesses) = (0, 0);
    for (facts, apps) in [(200, 60), (30, 10), (700, 4), (200, 4)] {
        let generator = indicia_testkit::generate::EvidenceGenerator::new(facts, 7);
        for i in 0..apps {
            let evidence =
                indicia::evidence::read_evidence(generator.app(i).as_bytes(), &pack.schema, program.symbols()).unwrap();
            let got = indicia::eval::evaluate(&program, &evidence, &mut scratch);
            let want = indicia_testkit::reference::evaluate(&pack, &params, &evidence);
            assert_eq!(got, want, "generated app {i} of {facts} facts");
            fail += got.indicators.iter().filter(|o| o.verdict == Verdict::Fail).count();
            witnesses += got.indicators.iter().map(|o| o.witnesses.len()).sum::<usize>();
        }
    }
    // Not vacuous: indicators fail, with witnesses.
    assert!(fail > 60 && witnesses > 60, "fail {fail} witnesses {witnesses}");
}
