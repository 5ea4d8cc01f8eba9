//! The reference interpreter: a plain tree-walker over the hir, written to be obviously right,
//! never to be fast. It is the oracle that the compiled program is tested against.
//!
//! It follows language.md §5 and cli.md "The report" line by line. Strings are compared by their
//! text (evidence symbols are resolved, pack literals used as written), numbers by value, and
//! nothing is shared, folded or hoisted. Expressions nested deeper than [`MAX_DEPTH`] evaluate to
//! unknown instead of overflowing the stack (the compiler rejects such packs).

use std::cmp::Ordering;

use indicia::evidence::{Column, Evidence, Items};
use indicia::hir::{CmpOp, Expr, ExprId, FieldId, KindId, Pack, ParamValues, Value, Verdict};
use indicia::outcome::{ExplanationSets, MissingField, Outcome, Outcomes, Witness};
use indicia_syntax::ast::Quantifier;

/// Deepest expression nesting the interpreter follows.
pub const MAX_DEPTH: usize = 2000;

/// A value during interpretation.
#[derive(Clone, Debug, PartialEq)]
enum RVal {
    Unknown,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<RVal>),
}

/// Evaluates every indicator of `pack` over `evidence`.
pub fn evaluate(pack: &Pack, params: &ParamValues, evidence: &Evidence) -> Outcomes {
    let it = Interp { pack, params, evidence };
    let indicators = pack
        .indicators
        .iter()
        .map(|ind| {
            let value = it.eval(ind.when, &[], 0);
            let verdict = match value {
                RVal::Bool(true) => Verdict::Fail,
                RVal::Bool(false) => Verdict::Pass,
                _ => Verdict::Inconclusive,
            };
            let mut witnesses = Vec::new();
            if verdict == Verdict::Fail {
                it.walk(ind.when, 0, &mut witnesses);
                witnesses.sort();
                witnesses.dedup();
            }
            Outcome { verdict, witnesses, explanation: None }
        })
        .collect();
    Outcomes { indicators }
}

/// [`evaluate`], with the explanation of every inconclusive and passed indicator
/// (docs/language.md, "Why inconclusive").
pub fn evaluate_explained(pack: &Pack, params: &ParamValues, evidence: &Evidence) -> Outcomes {
    let mut outcomes = evaluate(pack, params, evidence);
    let it = Interp { pack, params, evidence };
    for (outcome, ind) in outcomes.indicators.iter_mut().zip(&pack.indicators) {
        let mut sets = ExplanationSets::default();
        match outcome.verdict {
            Verdict::Inconclusive => it.unknown_walk(ind.when, &[], true, 0, &mut sets),
            Verdict::Pass => it.decision_walk(ind.when, &[], false, 0, &mut sets),
            Verdict::Fail => continue,
        }
        outcome.explanation = Some(Box::new(sets.finish()));
    }
    outcomes
}

impl Interp<'_> {
    /// True when quantifier `id` reads a field of a fact bound outside it.
    fn reads_enclosing(&self, id: ExprId) -> bool {
        // (expression, quantifiers between the quantifier's body and it, depth)
        let mut stack = vec![(id, 0u32, 0usize, true)];
        while let Some((e, inside, depth, is_root)) = stack.pop() {
            if depth > MAX_DEPTH {
                return false;
            }
            let Some(expr) = self.expr(e) else { continue };
            match expr {
                Expr::Field { scope, .. } | Expr::Has { scope, .. } => {
                    if *scope > inside {
                        return true;
                    }
                }
                Expr::Quant { body, .. } | Expr::CountCmp { body, .. } => {
                    // The quantifier itself starts at -1: its body is at 0.
                    let body_level = if is_root { 0 } else { inside + 1 };
                    if let Some(b) = body {
                        stack.push((*b, body_level, depth + 1, false));
                    }
                }
                Expr::Not(a) => stack.push((*a, inside, depth + 1, false)),
                Expr::And(a, b) | Expr::Or(a, b) => {
                    stack.push((*a, inside, depth + 1, false));
                    stack.push((*b, inside, depth + 1, false));
                }
                Expr::Compare { lhs, rhs, .. } | Expr::Intersects { lhs, rhs } => {
                    stack.push((*lhs, inside, depth + 1, false));
                    stack.push((*rhs, inside, depth + 1, false));
                }
                Expr::In { elem, list } => {
                    stack.push((*elem, inside, depth + 1, false));
                    stack.push((*list, inside, depth + 1, false));
                }
                Expr::Match { subject, .. } => stack.push((*subject, inside, depth + 1, false)),
                Expr::Lit(_) | Expr::Param(_) | Expr::Define(_) | Expr::Unknown | Expr::Observed(_) => {}
            }
        }
        false
    }

    /// The value of `id` when it does not depend on the evidence, as the compiler folds it
    /// (`compile::fold`): literals, params, and operations on them; `false and …`, `true or …`;
    /// `x in []` and `x intersects []` for an `x` that is never unknown.
    fn constant(&self, id: ExprId, depth: usize) -> Option<RVal> {
        if depth > MAX_DEPTH {
            return None;
        }
        let e = self.expr(id)?;
        let d = depth + 1;
        let c = |x: ExprId| self.constant(x, d);
        let empty = |x: &Option<RVal>| matches!(x, Some(RVal::List(items)) if items.is_empty());
        let never_unknown = |x: ExprId, v: &Option<RVal>| match self.expr(self.folded_leaf(x, d)) {
            Some(Expr::Field { kind, field, .. }) => {
                self.pack.schema.kind(*kind).and_then(|k| k.field(*field)).is_some_and(|f| !f.optional)
            }
            Some(Expr::Observed(_)) => true,
            _ => v.as_ref().is_some_and(|v| *v != RVal::Unknown),
        };
        match e {
            Expr::Lit(_) | Expr::Param(_) => Some(self.eval(id, &[], d)),
            Expr::Define(def) => c(self.pack.defines.get(def.index())?.body),
            Expr::Not(a) => match c(*a)? {
                RVal::Bool(b) => Some(RVal::Bool(!b)),
                _ => Some(RVal::Unknown),
            },
            Expr::And(a, b) | Expr::Or(a, b) => {
                let is_or = matches!(e, Expr::Or(..));
                let (x, y) = (c(*a), c(*b));
                if x == Some(RVal::Bool(is_or)) || y == Some(RVal::Bool(is_or)) {
                    Some(RVal::Bool(is_or))
                } else {
                    match (x?, y?) {
                        (RVal::Bool(_), RVal::Bool(_)) => Some(RVal::Bool(!is_or)),
                        _ => Some(RVal::Unknown),
                    }
                }
            }
            Expr::Compare { op, lhs, rhs } => match (c(*lhs)?, c(*rhs)?) {
                (RVal::Unknown, _) | (_, RVal::Unknown) => Some(RVal::Unknown),
                (x, y) => Some(tri(compare(*op, &x, &y))),
            },
            Expr::In { elem, list } => {
                let (x, l) = (c(*elem), c(*list));
                if empty(&l) && never_unknown(*elem, &x) {
                    return Some(RVal::Bool(false));
                }
                match (x?, l?) {
                    (RVal::Unknown, _) | (_, RVal::Unknown) => Some(RVal::Unknown),
                    (x, RVal::List(items)) => Some(RVal::Bool(items.iter().any(|i| equal(&x, i)))),
                    _ => Some(RVal::Unknown),
                }
            }
            Expr::Intersects { lhs, rhs } => {
                let (x, y) = (c(*lhs), c(*rhs));
                if (empty(&x) && never_unknown(*rhs, &y)) || (empty(&y) && never_unknown(*lhs, &x)) {
                    return Some(RVal::Bool(false));
                }
                match (x?, y?) {
                    (RVal::List(a), RVal::List(b)) => Some(RVal::Bool(a.iter().any(|x| b.iter().any(|y| equal(x, y))))),
                    _ => Some(RVal::Unknown),
                }
            }
            Expr::Match { subject, pattern } => match (c(*subject)?, self.pack.patterns.get(pattern.index())) {
                (RVal::Str(s), Some(p)) => Some(RVal::Bool(p.regex.is_match(&s))),
                _ => Some(RVal::Unknown),
            },
            _ => None,
        }
    }

    /// The field or `observed(K)` that the compiler's folding makes of `id`, if it makes one of it;
    /// else `id` through defines. Folding (`compile::build`) turns `not not A` into `A` for such an
    /// `A`, and an `and`/`or` into its one operand when every other operand is its identity (`true`
    /// for `and`, `false` for `or`) or the same field or `observed(K)` again, nested ones flattened:
    /// `observed(K) or false` is `observed(K)`, and so never unknown.
    fn folded_leaf(&self, id: ExprId, depth: usize) -> ExprId {
        let id = self.through_defines(id);
        let Some(e) = self.expr(id).filter(|_| depth <= MAX_DEPTH) else { return id };
        let d = depth + 1;
        let is_leaf = |x: ExprId| matches!(self.expr(x), Some(Expr::Field { .. } | Expr::Observed(_)));
        match e {
            Expr::Not(a) => match self.expr(self.folded_leaf(*a, d)) {
                Some(Expr::Not(b)) => Some(self.folded_leaf(*b, d)).filter(|x| is_leaf(*x)).unwrap_or(id),
                _ => id,
            },
            Expr::And(a, b) | Expr::Or(a, b) => {
                let is_and = matches!(e, Expr::And(..));
                let mut left: Option<ExprId> = None;
                let mut stack = vec![*a, *b];
                while let Some(x) = stack.pop() {
                    let x = self.folded_leaf(x, d);
                    match self.expr(x) {
                        Some(Expr::And(a, b)) if is_and => stack.extend([*a, *b]),
                        Some(Expr::Or(a, b)) if !is_and => stack.extend([*a, *b]),
                        _ if self.constant(x, d) == Some(RVal::Bool(is_and)) => {}
                        _ if !is_leaf(x) => return id,
                        _ => match left {
                            Some(l) if self.expr(l) != self.expr(x) => return id,
                            _ => left = Some(x),
                        },
                    }
                }
                left.unwrap_or(id)
            }
            _ => id,
        }
    }

    /// `id`, or the body of the define it names, through chains of defines.
    fn through_defines(&self, mut id: ExprId) -> ExprId {
        for _ in 0..=self.pack.defines.len() {
            match self.expr(id) {
                Some(Expr::Define(d)) => match self.pack.defines.get(d.index()) {
                    Some(def) => id = def.body,
                    None => break,
                },
                _ => break,
            }
        }
        id
    }

    /// The unknown walk from `id`, evaluated in `env`; `pos` when reached from the root through
    /// `and`, `or` and defines only.
    fn unknown_walk(&self, id: ExprId, env: &Env, pos: bool, depth: usize, out: &mut ExplanationSets) {
        if depth > MAX_DEPTH || self.eval(id, env, depth) != RVal::Unknown {
            return;
        }
        let Some(e) = self.expr(id) else { return };
        let d = depth + 1;
        match e {
            Expr::Unknown => {
                out.unknowns.insert(id);
            }
            Expr::Define(def) => {
                if let Some(def) = self.pack.defines.get(def.index()) {
                    self.unknown_walk(def.body, &[], pos, d, out);
                }
            }
            Expr::Field { scope, field, .. } => {
                if let Some((kind, index)) = Self::bound(env, *scope) {
                    let index = u32::try_from(index).unwrap_or(u32::MAX);
                    out.missing.insert(MissingField { kind, index, field: *field });
                }
            }
            Expr::Not(a) => self.unknown_walk(*a, env, false, d, out),
            Expr::And(a, b) => {
                for c in [*a, *b] {
                    match self.eval(c, env, d) {
                        RVal::Unknown => self.unknown_walk(c, env, pos, d, out),
                        RVal::Bool(true) => {
                            if pos {
                                let mut facts = Vec::new();
                                self.walk(c, d, &mut facts);
                                out.supporting.extend(facts);
                            }
                            self.decision_walk(c, env, true, d, out);
                        }
                        _ => {}
                    }
                }
            }
            Expr::Or(a, b) => {
                for c in [*a, *b] {
                    self.unknown_walk(c, env, pos, d, out);
                }
            }
            Expr::Compare { lhs: a, rhs: b, .. }
            | Expr::Intersects { lhs: a, rhs: b }
            | Expr::In { elem: a, list: b } => {
                for c in [*a, *b] {
                    self.unknown_walk(c, env, false, d, out);
                }
            }
            Expr::Match { subject, .. } => self.unknown_walk(*subject, env, false, d, out),
            Expr::Quant { kind, body, .. } | Expr::CountCmp { kind, body, .. } => {
                if !self.observed(*kind) {
                    out.unobserved.insert(*kind);
                    return;
                }
                if self.reads_enclosing(id) {
                    return;
                }
                let Some(b) = body else { return };
                for (i, v) in self.body_values(*kind, Some(*b), &[], d).iter().enumerate() {
                    if *v == RVal::Unknown {
                        out.undecided.insert(Witness { kind: *kind, index: u32::try_from(i).unwrap_or(u32::MAX) });
                        self.unknown_walk(*b, &[(*kind, i)], false, d, out);
                    }
                }
            }
            Expr::Lit(_) | Expr::Param(_) | Expr::Has { .. } | Expr::Observed(_) => {}
        }
    }

    /// The decision walk from `id`, whose value in `env` is `value`.
    fn decision_walk(&self, id: ExprId, env: &Env, value: bool, depth: usize, out: &mut ExplanationSets) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(e) = self.expr(id) else { return };
        let d = depth + 1;
        match e {
            Expr::Observed(k) if !self.observed(*k) => {
                out.unobserved.insert(*k);
            }
            Expr::Define(def) => {
                if let Some(def) = self.pack.defines.get(def.index()) {
                    self.decision_walk(def.body, &[], value, d, out);
                }
            }
            Expr::Not(a) => self.decision_walk(*a, env, !value, d, out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                let all = value == matches!(e, Expr::And(..));
                // A false `and` (true `or`) with an operand false (true) whatever the evidence is
                // decided by nothing.
                if !all && [*a, *b].iter().any(|c| self.constant(*c, d) == Some(RVal::Bool(value))) {
                    return;
                }
                for c in [*a, *b] {
                    if let RVal::Bool(x) = self.eval(c, env, d)
                        && (all || x == value)
                    {
                        self.decision_walk(c, env, x, d, out);
                    }
                }
            }
            Expr::Quant { kind, .. } | Expr::CountCmp { kind, .. } => {
                out.decided.insert(*kind);
            }
            _ => {}
        }
    }
}

struct Interp<'a> {
    pack: &'a Pack,
    params: &'a ParamValues,
    evidence: &'a Evidence,
}

/// The facts the enclosing quantifiers are at, outermost first (scope 0 is the last).
type Env = [(KindId, usize)];

fn from_value(v: &Value) -> RVal {
    match v {
        Value::Bool(b) => RVal::Bool(*b),
        Value::Int(i) => RVal::Int(*i),
        Value::Float(f) => RVal::Float(*f),
        Value::Str(s) => RVal::Str(s.to_string()),
        Value::List(items) => RVal::List(items.iter().map(from_value).collect()),
    }
}

/// Compares an integer with a float exactly, through 128-bit integers.
fn int_vs_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= 1e38 {
        return Some(Ordering::Less);
    }
    if f <= -1e38 {
        return Some(Ordering::Greater);
    }
    let i = i128::from(i);
    let floor = f.floor() as i128;
    if f == f.floor() {
        Some(i.cmp(&floor))
    } else if i <= floor {
        Some(Ordering::Less)
    } else {
        Some(Ordering::Greater)
    }
}

fn num_order(a: &RVal, b: &RVal) -> Option<Ordering> {
    match (a, b) {
        (RVal::Int(x), RVal::Int(y)) => Some(x.cmp(y)),
        (RVal::Float(x), RVal::Float(y)) => x.partial_cmp(y),
        (RVal::Int(x), RVal::Float(y)) => int_vs_float(*x, *y),
        (RVal::Float(x), RVal::Int(y)) => int_vs_float(*y, *x).map(Ordering::reverse),
        _ => None,
    }
}

fn is_number(v: &RVal) -> bool {
    matches!(v, RVal::Int(_) | RVal::Float(_))
}

/// `a op b` for two known scalars; `None` when they cannot be compared that way.
fn compare(op: CmpOp, a: &RVal, b: &RVal) -> Option<bool> {
    if is_number(a) && is_number(b) {
        let o = num_order(a, b);
        return Some(match op {
            CmpOp::Eq => o == Some(Ordering::Equal),
            CmpOp::Ne => o != Some(Ordering::Equal),
            CmpOp::Lt => o == Some(Ordering::Less),
            CmpOp::Le => o == Some(Ordering::Less) || o == Some(Ordering::Equal),
            CmpOp::Gt => o == Some(Ordering::Greater),
            CmpOp::Ge => o == Some(Ordering::Greater) || o == Some(Ordering::Equal),
        });
    }
    let same = match (a, b) {
        (RVal::Bool(x), RVal::Bool(y)) => x == y,
        (RVal::Str(x), RVal::Str(y)) => x == y,
        _ => return None,
    };
    match op {
        CmpOp::Eq => Some(same),
        CmpOp::Ne => Some(!same),
        _ => None,
    }
}

fn equal(a: &RVal, b: &RVal) -> bool {
    compare(CmpOp::Eq, a, b) == Some(true)
}

fn tri(b: Option<bool>) -> RVal {
    b.map_or(RVal::Unknown, RVal::Bool)
}

impl Interp<'_> {
    fn expr(&self, id: ExprId) -> Option<&Expr> {
        self.pack.expr(id)
    }

    fn observed(&self, kind: KindId) -> bool {
        self.evidence.table(kind).is_some_and(|t| t.observed)
    }

    fn facts(&self, kind: KindId) -> usize {
        self.evidence.table(kind).map_or(0, |t| t.len)
    }

    /// The value of field `field` of fact `index` of `kind`; unknown when missing or null.
    fn field(&self, kind: KindId, field: FieldId, index: usize) -> RVal {
        let Some(col) = self.evidence.table(kind).and_then(|t| t.column(field)) else { return RVal::Unknown };
        let text = |sym: u32| RVal::Str(self.evidence.resolve(sym).to_string());
        match col {
            Column::Bool(v) => v.get(index).copied().flatten().map_or(RVal::Unknown, RVal::Bool),
            Column::Int(v) => v.get(index).copied().flatten().map_or(RVal::Unknown, RVal::Int),
            Column::Float(v) => v.get(index).copied().flatten().map_or(RVal::Unknown, RVal::Float),
            Column::Str(v) => v.get(index).copied().flatten().map_or(RVal::Unknown, text),
            Column::List(l) => {
                let Some((s, e)) = l.ranges.get(index).copied().flatten() else { return RVal::Unknown };
                let mut out = Vec::new();
                for i in s as usize..e as usize {
                    let item = match &l.items {
                        Items::Bool(v) => v.get(i).map(|b| RVal::Bool(*b)),
                        Items::Int(v) => v.get(i).map(|x| RVal::Int(*x)),
                        Items::Float(v) => v.get(i).map(|x| RVal::Float(*x)),
                        Items::Str(v) => v.get(i).map(|s| text(*s)),
                    };
                    out.push(item.unwrap_or(RVal::Unknown));
                }
                RVal::List(out)
            }
        }
    }

    /// The fact that scope `scope` refers to.
    fn bound(env: &Env, scope: u32) -> Option<(KindId, usize)> {
        let i = env.len().checked_sub(1 + scope as usize)?;
        env.get(i).copied()
    }

    /// The body's value for each fact of `kind` (true when there is no body).
    fn body_values(&self, kind: KindId, body: Option<ExprId>, env: &Env, depth: usize) -> Vec<RVal> {
        (0..self.facts(kind))
            .map(|i| match body {
                None => RVal::Bool(true),
                Some(b) => {
                    let mut inner = env.to_vec();
                    inner.push((kind, i));
                    self.eval(b, &inner, depth + 1)
                }
            })
            .collect()
    }

    fn eval(&self, id: ExprId, env: &Env, depth: usize) -> RVal {
        if depth > MAX_DEPTH {
            return RVal::Unknown;
        }
        let Some(e) = self.expr(id) else { return RVal::Unknown };
        let d = depth + 1;
        match e {
            Expr::Lit(v) => from_value(v),
            Expr::Param(p) => self.params.get(*p).map_or(RVal::Unknown, from_value),
            Expr::Define(def) => match self.pack.defines.get(def.index()) {
                Some(def) => self.eval(def.body, &[], d),
                None => RVal::Unknown,
            },
            Expr::Field { scope, field, .. } => match Self::bound(env, *scope) {
                Some((kind, index)) => self.field(kind, *field, index),
                None => RVal::Unknown,
            },
            Expr::Has { scope, field, .. } => match Self::bound(env, *scope) {
                Some((kind, index)) => RVal::Bool(self.field(kind, *field, index) != RVal::Unknown),
                None => RVal::Unknown,
            },
            Expr::Unknown => RVal::Unknown,
            Expr::Observed(k) => RVal::Bool(self.observed(*k)),
            Expr::Not(a) => match self.eval(*a, env, d) {
                RVal::Bool(b) => RVal::Bool(!b),
                _ => RVal::Unknown,
            },
            Expr::And(a, b) => {
                let (x, y) = (self.eval(*a, env, d), self.eval(*b, env, d));
                if x == RVal::Bool(false) || y == RVal::Bool(false) {
                    RVal::Bool(false)
                } else if x == RVal::Bool(true) && y == RVal::Bool(true) {
                    RVal::Bool(true)
                } else {
                    RVal::Unknown
                }
            }
            Expr::Or(a, b) => {
                let (x, y) = (self.eval(*a, env, d), self.eval(*b, env, d));
                if x == RVal::Bool(true) || y == RVal::Bool(true) {
                    RVal::Bool(true)
                } else if x == RVal::Bool(false) && y == RVal::Bool(false) {
                    RVal::Bool(false)
                } else {
                    RVal::Unknown
                }
            }
            Expr::Compare { op, lhs, rhs } => {
                let (a, b) = (self.eval(*lhs, env, d), self.eval(*rhs, env, d));
                if a == RVal::Unknown || b == RVal::Unknown {
                    return RVal::Unknown;
                }
                tri(compare(*op, &a, &b))
            }
            Expr::In { elem, list } => match (self.eval(*elem, env, d), self.eval(*list, env, d)) {
                (RVal::Unknown, _) | (_, RVal::Unknown) => RVal::Unknown,
                (x, RVal::List(items)) => RVal::Bool(items.iter().any(|i| equal(&x, i))),
                _ => RVal::Unknown,
            },
            Expr::Intersects { lhs, rhs } => match (self.eval(*lhs, env, d), self.eval(*rhs, env, d)) {
                (RVal::List(a), RVal::List(b)) => RVal::Bool(a.iter().any(|x| b.iter().any(|y| equal(x, y)))),
                _ => RVal::Unknown,
            },
            Expr::Match { subject, pattern } => {
                match (self.eval(*subject, env, d), self.pack.patterns.get(pattern.index())) {
                    (RVal::Str(s), Some(p)) => RVal::Bool(p.regex.is_match(&s)),
                    _ => RVal::Unknown,
                }
            }
            Expr::Quant { quantifier, kind, body } => {
                if !self.observed(*kind) {
                    return RVal::Unknown;
                }
                let values = self.body_values(*kind, *body, env, d);
                let some_true = values.contains(&RVal::Bool(true));
                let some_false = values.contains(&RVal::Bool(false));
                let some_unknown = values.iter().any(|v| *v != RVal::Bool(true) && *v != RVal::Bool(false));
                let any = if some_true {
                    RVal::Bool(true)
                } else if some_unknown {
                    RVal::Unknown
                } else {
                    RVal::Bool(false)
                };
                match quantifier {
                    Quantifier::Any => any,
                    Quantifier::None => match any {
                        RVal::Bool(b) => RVal::Bool(!b),
                        other => other,
                    },
                    Quantifier::All => {
                        if some_false {
                            RVal::Bool(false)
                        } else if some_unknown {
                            RVal::Unknown
                        } else {
                            RVal::Bool(true)
                        }
                    }
                }
            }
            Expr::CountCmp { kind, body, op, n } => {
                if !self.observed(*kind) {
                    return RVal::Unknown;
                }
                let n = self.eval(*n, env, d);
                let values = self.body_values(*kind, *body, env, d);
                let lo = values.iter().filter(|v| **v == RVal::Bool(true)).count();
                let hi = values.iter().filter(|v| **v != RVal::Bool(false)).count();
                // Try every value of the interval.
                let mut holds_somewhere = false;
                let mut fails_somewhere = false;
                for c in lo..=hi {
                    let c = RVal::Int(i64::try_from(c).unwrap_or(i64::MAX));
                    match compare(*op, &c, &n) {
                        Some(true) => holds_somewhere = true,
                        Some(false) => fails_somewhere = true,
                        None => return RVal::Unknown,
                    }
                }
                match (holds_somewhere, fails_somewhere) {
                    (true, false) => RVal::Bool(true),
                    (false, true) => RVal::Bool(false),
                    _ => RVal::Unknown,
                }
            }
        }
    }

    /// Adds the witnesses of the true condition `id` (evaluated outside any quantifier).
    fn walk(&self, id: ExprId, depth: usize, out: &mut Vec<Witness>) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(e) = self.expr(id) else { return };
        let d = depth + 1;
        match e {
            Expr::And(a, b) | Expr::Or(a, b) => {
                for c in [*a, *b] {
                    if self.eval(c, &[], d) == RVal::Bool(true) {
                        self.walk(c, d, out);
                    }
                }
            }
            Expr::Define(def) => {
                if let Some(def) = self.pack.defines.get(def.index()) {
                    self.walk(def.body, d, out);
                }
            }
            Expr::Quant { quantifier: Quantifier::Any, kind, body } => self.true_facts(*kind, *body, d, out),
            Expr::CountCmp { kind, body, op: CmpOp::Gt | CmpOp::Ge, .. } => self.true_facts(*kind, *body, d, out),
            _ => {}
        }
    }

    fn true_facts(&self, kind: KindId, body: Option<ExprId>, depth: usize, out: &mut Vec<Witness>) {
        for (i, v) in self.body_values(kind, body, &[], depth).iter().enumerate() {
            if *v == RVal::Bool(true) {
                out.push(Witness { kind, index: u32::try_from(i).unwrap_or(u32::MAX) });
            }
        }
    }
}
