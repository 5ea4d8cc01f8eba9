//! The checker's view of types: the language's types plus the two that only exist while checking,
//! the empty list `[]` (which has every list type) and the error type (which silences every
//! further error about an expression that already has one).

use crate::hir::{ScalarType, Type, Value};

/// The type of a checked expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A scalar.
    Scalar(ScalarType),
    /// A list of a scalar.
    List(ScalarType),
    /// `[]` (a literal, or a const or define that is one): every list type.
    EmptyList,
    /// An expression with an error already reported.
    Error,
}

impl Ty {
    /// `bool`.
    pub(crate) const BOOL: Ty = Ty::Scalar(ScalarType::Bool);

    /// The checker type of a written type.
    pub(crate) fn of(ty: Type) -> Ty {
        if ty.list { Ty::List(ty.scalar) } else { Ty::Scalar(ty.scalar) }
    }

    /// The type to record in the hir; the empty list is recorded as `[string]` (it has every list
    /// type, and only appears in a pack that has no type error about it).
    pub(crate) fn to_type(self) -> Type {
        match self {
            Ty::Scalar(scalar) => Type { scalar, list: false },
            Ty::List(scalar) => Type { scalar, list: true },
            Ty::EmptyList => Type { scalar: ScalarType::Str, list: true },
            Ty::Error => Type::BOOL,
        }
    }

    /// The type as shown in messages, in backticks.
    pub(crate) fn show(self) -> String {
        match self {
            Ty::Scalar(s) => format!("`{}`", s.name()),
            Ty::List(s) => format!("`[{}]`", s.name()),
            Ty::EmptyList => "`[]`".to_string(),
            Ty::Error => "an erroneous expression".to_string(),
        }
    }

    /// True for the error type.
    pub(crate) fn is_error(self) -> bool {
        self == Ty::Error
    }

    /// True for `bool` and the error type.
    pub(crate) fn is_bool_or_error(self) -> bool {
        matches!(self, Ty::Scalar(ScalarType::Bool) | Ty::Error)
    }

    /// True for a list type (the empty list included).
    pub(crate) fn is_list(self) -> bool {
        matches!(self, Ty::List(_) | Ty::EmptyList)
    }

    /// True for `int` and `float`.
    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, Ty::Scalar(s) if s.is_numeric())
    }
}

/// True when two scalars may be compared: the same type, or `int` with `float`.
pub(crate) fn scalars_compatible(a: ScalarType, b: ScalarType) -> bool {
    a == b || (a.is_numeric() && b.is_numeric())
}

/// True when two list types may meet (`intersects`): one element type (`int` and `float` mix), or
/// one of them is `[]`.
pub(crate) fn lists_compatible(a: Ty, b: Ty) -> bool {
    match (a, b) {
        (Ty::List(x), Ty::List(y)) => scalars_compatible(x, y),
        (Ty::EmptyList, other) | (other, Ty::EmptyList) => other.is_list(),
        _ => false,
    }
}

/// Converts a value of type `from` to the declared type `to`, when it has that type: an `int`
/// serves for a `float` (and a list of `int` for a list of `float`), `[]` for every list type.
/// The result has exactly the shape of `to`.
pub(crate) fn coerce(value: &Value, from: Ty, to: Type) -> Option<Value> {
    match (from, to.list) {
        (Ty::Scalar(s), false) if s == to.scalar => Some(value.clone()),
        (Ty::Scalar(ScalarType::Int), false) if to.scalar == ScalarType::Float => Some(int_to_float(value)),
        (Ty::EmptyList, true) => Some(value.clone()),
        (Ty::List(s), true) if s == to.scalar => Some(value.clone()),
        (Ty::List(ScalarType::Int), true) if to.scalar == ScalarType::Float => match value {
            Value::List(items) => Some(Value::List(items.iter().map(int_to_float).collect())),
            other => Some(other.clone()),
        },
        _ => None,
    }
}

/// An `int` value as a `float`; every other value unchanged.
pub(crate) fn int_to_float(value: &Value) -> Value {
    match value {
        Value::Int(i) => Value::Float(*i as f64),
        other => other.clone(),
    }
}

/// The name of a scalar type as written, or `None` for anything else.
pub(crate) fn scalar_named(name: &str) -> Option<ScalarType> {
    match name {
        "bool" => Some(ScalarType::Bool),
        "int" => Some(ScalarType::Int),
        "float" => Some(ScalarType::Float),
        "string" => Some(ScalarType::Str),
        _ => None,
    }
}

/// The scalar type names, for suggestions.
pub(crate) const SCALAR_NAMES: [&str; 4] = ["bool", "int", "float", "string"];
