//! Values the compiled program works with: three-valued booleans, interned scalars, constant
//! lists, and the comparison rules of language.md §5 shared by constant folding and evaluation.

use std::cmp::Ordering;

use super::symbols::Sym;
use crate::hir::CmpOp;

/// A three-valued boolean. Stored in the evaluator as two bits: "certainly true" and "possibly true".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum B3 {
    /// False.
    F,
    /// Unknown.
    U,
    /// True.
    T,
}

impl B3 {
    /// `b` as a three-valued boolean.
    pub fn from_bool(b: bool) -> B3 {
        if b { B3::T } else { B3::F }
    }

    /// Kleene negation.
    pub fn negate(self) -> B3 {
        match self {
            B3::F => B3::T,
            B3::U => B3::U,
            B3::T => B3::F,
        }
    }

    /// The "certainly true" and "possibly true" bits.
    pub fn bits(self) -> (bool, bool) {
        match self {
            B3::F => (false, false),
            B3::U => (false, true),
            B3::T => (true, true),
        }
    }

    /// The value of the bits `(certainly, possibly)`.
    pub fn from_bits(t: bool, p: bool) -> B3 {
        if t {
            B3::T
        } else if p {
            B3::U
        } else {
            B3::F
        }
    }

    /// The name (`true`, `unknown`, `false`).
    pub fn name(self) -> &'static str {
        match self {
            B3::F => "false",
            B3::U => "unknown",
            B3::T => "true",
        }
    }
}

/// A scalar with strings interned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// An interned string.
    Str(Sym),
}

/// A constant of the program: a folded literal, param value or define.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstVal {
    /// A three-valued boolean (`unknown` included).
    Bool(B3),
    /// A non-boolean scalar.
    Scalar(Scalar),
    /// A list.
    List(Vec<Scalar>),
}

/// A hashable image of a [`ConstVal`] (floats by their bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ConstKey {
    Bool(B3),
    Scalar(ScalarKey),
    List(Vec<ScalarKey>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ScalarKey {
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Sym),
}

impl Scalar {
    pub(crate) fn key(self) -> ScalarKey {
        match self {
            Scalar::Bool(b) => ScalarKey::Bool(b),
            Scalar::Int(i) => ScalarKey::Int(i),
            Scalar::Float(f) => ScalarKey::Float(f.to_bits()),
            Scalar::Str(s) => ScalarKey::Str(s),
        }
    }
}

impl ConstVal {
    pub(crate) fn key(&self) -> ConstKey {
        match self {
            ConstVal::Bool(b) => ConstKey::Bool(*b),
            ConstVal::Scalar(s) => ConstKey::Scalar(s.key()),
            ConstVal::List(l) => ConstKey::List(l.iter().map(|s| s.key()).collect()),
        }
    }
}

/// Compares an integer with a float exactly (no rounding of the integer to a float).
pub fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as a float: every i64 is below it.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // In range, so the truncation is exact.
    let w = whole as i64;
    match i.cmp(&w) {
        Ordering::Equal => {
            let frac = f - whole;
            if frac > 0.0 {
                Some(Ordering::Less)
            } else if frac < 0.0 {
                Some(Ordering::Greater)
            } else {
                Some(Ordering::Equal)
            }
        }
        o => Some(o),
    }
}

/// Numeric comparison of two scalars; `None` when either is not a number or a float is NaN.
pub fn num_cmp(a: Scalar, b: Scalar) -> Option<Ordering> {
    match (a, b) {
        (Scalar::Int(x), Scalar::Int(y)) => Some(x.cmp(&y)),
        (Scalar::Float(x), Scalar::Float(y)) => x.partial_cmp(&y),
        (Scalar::Int(x), Scalar::Float(y)) => cmp_int_float(x, y),
        (Scalar::Float(x), Scalar::Int(y)) => cmp_int_float(y, x).map(Ordering::reverse),
        _ => None,
    }
}

/// Whether an ordering satisfies `op` (`None`, unordered, satisfies only `!=`).
pub fn op_holds(op: CmpOp, ord: Option<Ordering>) -> bool {
    match op {
        CmpOp::Eq => ord == Some(Ordering::Equal),
        CmpOp::Ne => ord != Some(Ordering::Equal),
        CmpOp::Lt => ord == Some(Ordering::Less),
        CmpOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => ord == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// `a op b` on two known scalars; `None` when the operands cannot be compared with `op`
/// (the checker rules that out; evaluation then gives unknown).
pub fn scalar_cmp(op: CmpOp, a: Scalar, b: Scalar) -> Option<bool> {
    match (a, b) {
        (Scalar::Bool(x), Scalar::Bool(y)) => match op {
            CmpOp::Eq => Some(x == y),
            CmpOp::Ne => Some(x != y),
            _ => None,
        },
        (Scalar::Str(x), Scalar::Str(y)) => match op {
            CmpOp::Eq => Some(x == y),
            CmpOp::Ne => Some(x != y),
            _ => None,
        },
        (Scalar::Int(_) | Scalar::Float(_), Scalar::Int(_) | Scalar::Float(_)) => Some(op_holds(op, num_cmp(a, b))),
        _ => None,
    }
}

/// Equality as `in` and `intersects` use it: numbers numerically, others by value.
pub fn scalar_eq(a: Scalar, b: Scalar) -> bool {
    scalar_cmp(CmpOp::Eq, a, b).unwrap_or(false)
}

/// `count op n` on the interval `lo..=hi`: true if it holds at every value, false at none.
pub fn count_cmp(lo: u64, hi: u64, op: CmpOp, n: Scalar) -> B3 {
    let lo = i64::try_from(lo).unwrap_or(i64::MAX);
    let hi = i64::try_from(hi).unwrap_or(i64::MAX);
    let holds = |c: i64| op_holds(op, num_cmp(Scalar::Int(c), n));
    // Each operator is monotone or an (in)equality to one point: check the ends, and for ==/!=
    // whether n lies in the interval as an integer.
    let (all, none) = match op {
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            let a = holds(lo);
            let b = holds(hi);
            (a && b, !a && !b)
        }
        CmpOp::Eq | CmpOp::Ne => {
            let inside = num_cmp(Scalar::Int(lo), n).is_some_and(|o| o != Ordering::Greater)
                && num_cmp(Scalar::Int(hi), n).is_some_and(|o| o != Ordering::Less);
            let integral = match n {
                Scalar::Int(_) => true,
                Scalar::Float(f) => f.fract() == 0.0,
                _ => false,
            };
            let hit = inside && integral;
            let point = lo == hi;
            if op == CmpOp::Eq { (hit && point, !hit) } else { (!hit, hit && point) }
        }
    };
    if all {
        B3::T
    } else if none {
        B3::F
    } else {
        B3::U
    }
}
