//! The general kernels: a node computed word by word or fact by fact, quantifiers and counts
//! (nested scans re-run their sub-program per fact of the enclosing kind).

use indicia_syntax::ast::Quantifier;

use super::{Run, Val, and_or_word, broadcast, column_presence, mask};
use crate::compile::value::{B3, ConstVal, Scalar, count_cmp, scalar_cmp};
use crate::compile::{Body, Op, Operand};
use crate::evidence::{Column, Items, Sym};
use crate::hir::{CmpOp, KindId};

impl Run<'_> {
    /// Computes node `i` for every fact of its vector.
    pub(super) fn exec(&mut self, i: u32) {
        let p = self.p;
        let node = &p.layout.nodes[i as usize];
        let n = self.width(i);
        let (base, nw) = self.loc(i);
        match &node.op {
            Op::Not(a) => {
                for w in 0..nw {
                    let (t, pp) = self.word(a, w);
                    let m = mask(n, w);
                    self.write(base, nw, w, !pp & m, !t & m);
                }
            }
            Op::And(s, e) | Op::Or(s, e) => {
                let is_and = matches!(node.op, Op::And(..));
                let ops = &p.layout.operands[*s as usize..*e as usize];
                for w in 0..nw {
                    let m = mask(n, w);
                    let (t, pp) = and_or_word(is_and, ops.iter().map(|o| self.word(o, w)));
                    self.write(base, nw, w, t & m, pp & m);
                }
            }
            Op::Quant { q, kind, body } => self.quant(i, n, base, nw, Some(*q), *kind, body, CmpOp::Eq, Scalar::Int(0)),
            Op::Count { kind, body, op, n: num } => self.quant(i, n, base, nw, None, *kind, body, *op, *num),
            op => {
                if self.fast(op, n, base, nw) {
                    return;
                }
                for w in 0..nw {
                    let (mut t, mut pp) = (0u64, 0u64);
                    let end = n.min(w * 64 + 64);
                    for idx in w * 64..end {
                        let b = self.fact(op, idx);
                        let bit = 1u64 << (idx % 64);
                        match b {
                            B3::T => {
                                t |= bit;
                                pp |= bit;
                            }
                            B3::U => pp |= bit,
                            B3::F => {}
                        }
                    }
                    self.write(base, nw, w, t, pp);
                }
            }
        }
    }

    /// Specialised loops for the common shapes (a column against constants); false when `op`
    /// has none and the generic per-fact path must run.
    pub(super) fn fast(&mut self, op: &Op, n: usize, base: usize, nw: usize) -> bool {
        let p = self.p;
        // A string column against a set of literals: one bit test per fact.
        let str_set = |o: &Operand| match o {
            Operand::Const(c) => p.sets[*c as usize].as_deref(),
            _ => None,
        };
        let column = |o: &Operand| match o {
            Operand::Column { kind, field } => self.table(*kind).and_then(|t| t.column(*field)),
            _ => None,
        };
        // A column against an enclosing fact's field (a join inside a nested scan): the outer
        // value is read once.
        if let Op::Cmp { op: cmp, l, r } = op {
            let (c, outer, cmp) = match (l, r) {
                (Operand::Column { .. }, Operand::Outer { .. }) => (column(l), r, *cmp),
                (Operand::Outer { .. }, Operand::Column { .. }) => (column(r), l, cmp.flip()),
                _ => (None, l, *cmp),
            };
            if let (Some(c), Operand::Outer { kind, field, depth }) = (c, outer) {
                let Val::S(x) = self.field(*kind, *field, self.cur(*depth)) else {
                    for w in 0..nw {
                        self.write(base, nw, w, 0, mask(n, w));
                    }
                    return true;
                };
                match (c, x) {
                    (Column::Str(v), Scalar::Str(sym)) if matches!(cmp, CmpOp::Eq | CmpOp::Ne) => {
                        let negate = cmp == CmpOp::Ne;
                        self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                            Some(s) => B3::from_bool((s == sym) != negate),
                            None => B3::U,
                        });
                    }
                    (Column::Str(v), _) => self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Str, cmp, x)),
                    (Column::Int(v), _) => self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Int, cmp, x)),
                    (Column::Float(v), _) => self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Float, cmp, x)),
                    (Column::Bool(v), _) => self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Bool, cmp, x)),
                    (Column::List(_), _) => return false,
                }
                return true;
            }
        }
        let (col, set, negate) = match op {
            Op::In { elem, list } => (column(elem), str_set(list), false),
            Op::Cmp { op: CmpOp::Eq | CmpOp::Ne, l, r } => {
                let negate = matches!(op, Op::Cmp { op: CmpOp::Ne, .. });
                match (column(l), str_set(r), column(r), str_set(l)) {
                    (Some(c), Some(s), _, _) | (_, _, Some(c), Some(s)) => (Some(c), Some(s), negate),
                    _ => (None, None, false),
                }
            }
            Op::Has(k, f) => {
                let Some(col) = self.table(*k).and_then(|t| t.column(*f)) else { return false };
                for w in 0..nw {
                    let present = column_presence(col, w * 64..n.min(w * 64 + 64));
                    self.write(base, nw, w, present, present);
                }
                return true;
            }
            Op::Truthy(o) => {
                if let Some(Column::Bool(v)) = column(o) {
                    self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                        Some(b) => B3::from_bool(b),
                        None => B3::U,
                    });
                    return true;
                }
                return false;
            }
            _ => (None, None, false),
        };
        if let (Some(Column::Str(v)), Some(set)) = (col, set) {
            self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                Some(s) => {
                    let hit = set.get(s as usize / 64).is_some_and(|w| w & (1u64 << (s % 64)) != 0);
                    B3::from_bool(hit != negate)
                }
                None => B3::U,
            });
            return true;
        }
        // A literal string in a list column (`"contacts" in data`).
        if let Op::In { elem: Operand::Const(c), list } = op
            && let ConstVal::Scalar(Scalar::Str(sym)) = &p.layout.consts[*c as usize]
            && let Some(Column::List(l)) = column(list)
            && let Items::Str(items) = &l.items
        {
            let sym = *sym;
            self.fill(n, base, nw, |i| match l.ranges.get(i).copied().flatten() {
                Some((s, e)) => B3::from_bool(items.get(s as usize..e as usize).is_some_and(|x| x.contains(&sym))),
                None => B3::U,
            });
            return true;
        }
        // A string-list column intersected with literals.
        if let Op::Intersects { l, r } = op {
            let (list, set) = match (column(l), str_set(r), column(r), str_set(l)) {
                (Some(c), Some(s), _, _) | (_, _, Some(c), Some(s)) => (c, s),
                _ => return false,
            };
            if let Column::List(lc) = list
                && let Items::Str(items) = &lc.items
            {
                self.fill(n, base, nw, |i| match lc.ranges.get(i).copied().flatten() {
                    Some((s, e)) => B3::from_bool(items.get(s as usize..e as usize).is_some_and(|x| {
                        x.iter().any(|y| set.get(*y as usize / 64).is_some_and(|w| w & (1u64 << (y % 64)) != 0))
                    })),
                    None => B3::U,
                });
                return true;
            }
            return false;
        }
        // A numeric column against a number.
        if let Op::Cmp { op: cmp, l, r } = op {
            let (colop, k, cmp) = match (l, r) {
                (Operand::Column { .. }, Operand::Const(c)) => (l, *c, *cmp),
                (Operand::Const(c), Operand::Column { .. }) => (r, *c, cmp.flip()),
                _ => return false,
            };
            let ConstVal::Scalar(num @ (Scalar::Int(_) | Scalar::Float(_))) = &p.layout.consts[k as usize] else {
                return false;
            };
            let num = *num;
            match column(colop) {
                Some(Column::Int(v)) => {
                    if let Scalar::Int(x) = num {
                        self.fill(n, base, nw, |i| match v.get(i).copied().flatten() {
                            Some(a) => B3::from_bool(crate::compile::value::op_holds(cmp, Some(a.cmp(&x)))),
                            None => B3::U,
                        });
                    } else {
                        self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Int, cmp, num));
                    }
                    return true;
                }
                Some(Column::Float(v)) => {
                    self.fill(n, base, nw, |i| cmp_cell(v, i, Scalar::Float, cmp, num));
                    return true;
                }
                _ => return false,
            }
        }
        false
    }

    /// Writes a node's planes from a per-fact function.
    pub(super) fn fill(&mut self, n: usize, base: usize, nw: usize, f: impl Fn(usize) -> B3) {
        for w in 0..nw {
            let (mut t, mut pp) = (0u64, 0u64);
            for idx in w * 64..n.min(w * 64 + 64) {
                let (bt, bp) = f(idx).bits();
                t |= u64::from(bt) << (idx % 64);
                pp |= u64::from(bp) << (idx % 64);
            }
            self.write(base, nw, w, t, pp);
        }
    }

    /// A per-fact operation's value for fact `idx`.
    pub(super) fn fact(&mut self, op: &Op, idx: usize) -> B3 {
        match op {
            Op::Truthy(o) => match self.val(o, idx) {
                Val::S(Scalar::Bool(b)) => B3::from_bool(b),
                _ => B3::U,
            },
            Op::Has(k, f) => {
                let present = match self.table(*k).and_then(|t| t.column(*f)) {
                    Some(Column::Bool(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Int(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Float(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::Str(v)) => v.get(idx).is_some_and(|x| x.is_some()),
                    Some(Column::List(l)) => l.ranges.get(idx).is_some_and(|x| x.is_some()),
                    None => false,
                };
                B3::from_bool(present)
            }
            Op::Cmp { op, l, r } => match (self.val(l, idx), self.val(r, idx)) {
                (Val::S(a), Val::S(b)) => scalar_cmp(*op, a, b).map_or(B3::U, B3::from_bool),
                _ => B3::U,
            },
            Op::In { elem, list } => match (self.val(elem, idx), self.val(list, idx)) {
                (Val::S(x), Val::L(l)) => B3::from_bool(l.contains(x)),
                _ => B3::U,
            },
            Op::Intersects { l, r } => match (self.val(l, idx), self.val(r, idx)) {
                (Val::L(a), Val::L(b)) => B3::from_bool(a.any(|x| b.contains(x))),
                _ => B3::U,
            },
            Op::Match { subject, pattern } => match self.val(subject, idx) {
                Val::S(Scalar::Str(sym)) => B3::from_bool(self.matches(*pattern, sym)),
                _ => B3::U,
            },
            _ => B3::U,
        }
    }

    pub(super) fn matches(&mut self, pattern: u32, sym: Sym) -> bool {
        if let Some(&m) = self.memo.get(&(pattern, sym)) {
            return m;
        }
        let text = self.e.resolve(sym);
        let m = self.p.layout.patterns[pattern as usize].is_match(text);
        self.memo.insert((pattern, sym), m);
        m
    }

    /// Counts `(true, possibly true)` of a body over `nk` facts, for the current loop indices.
    pub(super) fn body_counts(&mut self, body: &Body, nk: usize) -> (u64, u64) {
        let nk64 = nk as u64;
        match body {
            Body::All => (nk64, nk64),
            Body::Scalar(o) => match self.scalar_b3(o) {
                B3::T => (nk64, nk64),
                B3::U => (0, nk64),
                B3::F => (0, 0),
            },
            Body::Vector(b) => self.popcounts(*b),
            Body::Nested { node, sub } => {
                let (s, e) = self.p.layout.subs[*sub as usize];
                let p = self.p;
                for &x in &p.layout.sub_nodes[s as usize..e as usize] {
                    self.exec(x);
                }
                self.popcounts(*node)
            }
        }
    }

    pub(super) fn popcounts(&self, b: u32) -> (u64, u64) {
        let (base, nw) = self.loc(b);
        let t = self.planes[base..base + nw].iter().map(|x| u64::from(x.count_ones())).sum();
        let p = self.planes[base + nw..base + 2 * nw].iter().map(|x| u64::from(x.count_ones())).sum();
        (t, p)
    }

    /// A quantifier (`q` set) or `count(…) op num` (`q` none) over `kind`, for each of the `n`
    /// facts of the node's vector.
    #[expect(clippy::too_many_arguments, reason = "one kernel for quantifiers and counts")]
    pub(super) fn quant(
        &mut self,
        i: u32,
        n: usize,
        base: usize,
        nw: usize,
        q: Option<Quantifier>,
        kind: KindId,
        body: &Body,
        op: CmpOp,
        num: Scalar,
    ) {
        let nk = self.classes[kind.index()].len;
        let value = |t: u64, p: u64| -> B3 {
            let all = nk as u64;
            match q {
                Some(Quantifier::Any) => B3::from_bits(t > 0, p > 0),
                Some(Quantifier::None) => B3::from_bits(t > 0, p > 0).negate(),
                Some(Quantifier::All) => {
                    if p < all {
                        B3::F
                    } else if t < all {
                        B3::U
                    } else {
                        B3::T
                    }
                }
                None => count_cmp(t, p, op, num),
            }
        };
        if !self.is_observed(kind) {
            for w in 0..nw {
                let m = mask(n, w);
                self.write(base, nw, w, 0, m);
            }
            return;
        }
        let per_fact = matches!(body, Body::Nested { .. })
            || matches!(body, Body::Scalar(o) if !matches!(o, Operand::Const(_) | Operand::Observed(_) | Operand::Top(_)));
        if !per_fact {
            let v = match (q, body) {
                (Some(q), Body::Vector(b)) => self.reduce(q, *b),
                _ => {
                    let (t, p) = self.body_counts(body, nk);
                    value(t, p)
                }
            };
            let (bt, bp) = broadcast(v);
            for w in 0..nw {
                let m = mask(n, w);
                self.write(base, nw, w, bt & m, bp & m);
            }
            return;
        }
        let Some(level) = self.p.layout.nodes[i as usize].depth().checked_sub(1) else { return };
        for w in 0..nw {
            let (mut t, mut pp) = (0u64, 0u64);
            for idx in w * 64..n.min(w * 64 + 64) {
                self.cur[level] = u32::try_from(idx).unwrap_or(u32::MAX);
                let (ct, cp) = self.body_counts(body, nk);
                let bit = 1u64 << (idx % 64);
                match value(ct, cp) {
                    B3::T => {
                        t |= bit;
                        pp |= bit;
                    }
                    B3::U => pp |= bit,
                    B3::F => {}
                }
            }
            self.write(base, nw, w, t, pp);
        }
    }
}

/// `column[i] cmp x` (`scalar` makes the cell a [`Scalar`]); unknown where the fact has no value.
#[inline(always)]
fn cmp_cell<T: Copy>(column: &[Option<T>], i: usize, scalar: fn(T) -> Scalar, cmp: CmpOp, x: Scalar) -> B3 {
    match column.get(i).copied().flatten() {
        Some(a) => scalar_cmp(cmp, scalar(a), x).map_or(B3::U, B3::from_bool),
        None => B3::U,
    }
}
