//! Param overrides: `--param NAME=VALUE` on the command line and `params: { … }` in tests.
//!
//! A `string` param takes VALUE as it is; any other type reads VALUE as a literal of the rule
//! language (`3`, `0.5`, `true`, `["CN", "RU"]`), where an `int` serves for a `float`.

use std::sync::Arc;

use indicia_syntax::FileId;
use indicia_syntax::ast::{Expr, ExprKind, Literal};

use crate::hir::{Pack, ParamValues, ScalarType, Type, Value};

/// Why a param override was refused (a usage error: exit 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// `NAME=VALUE` without `=`.
    #[error("`{0}` is not of the form NAME=VALUE")]
    Syntax(String),
    /// The pack declares no param of that name.
    #[error("unknown param `{name}`{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    Unknown {
        /// The name given.
        name: String,
        /// The closest declared param, if any.
        suggestion: Option<String>,
    },
    /// The value is not a literal of the param's type.
    #[error("param `{name}` takes `{expected}`, but `{value}` is not a literal of that type")]
    Type {
        /// The param.
        name: String,
        /// Its type, as written in the rule language.
        expected: String,
        /// The value given.
        value: String,
    },
}

/// Applies `NAME=VALUE` overrides, in order (given twice, the last wins), to the pack's defaults.
pub fn apply_overrides(pack: &Pack, overrides: &[String]) -> Result<ParamValues, ParamError> {
    let mut values = ParamValues::defaults(pack);
    for arg in overrides {
        let (name, text) = arg.split_once('=').ok_or_else(|| ParamError::Syntax(arg.clone()))?;
        let (id, value) = parse_override(pack, name, text)?;
        if let Some(slot) = values.0.get_mut(id.index()) {
            *slot = value;
        }
    }
    Ok(values)
}

/// Parses one override of param `name` from its command-line text.
pub fn parse_override(pack: &Pack, name: &str, text: &str) -> Result<(crate::hir::ParamId, Value), ParamError> {
    let Some(id) = pack.param_id(name) else {
        let suggestion = indicia_syntax::diagnostic::suggest(name, pack.params.iter().map(|p| p.name.as_str()));
        return Err(ParamError::Unknown { name: name.to_string(), suggestion: suggestion.map(str::to_string) });
    };
    let ty = pack.params.get(id.index()).map(|p| p.ty).unwrap_or(Type::BOOL);
    let type_error = || ParamError::Type { name: name.to_string(), expected: type_name(ty), value: text.to_string() };
    if ty == (Type { scalar: ScalarType::Str, list: false }) {
        return Ok((id, Value::Str(Arc::from(text))));
    }
    let expr = parse_literal_text(text).ok_or_else(type_error)?;
    let value = literal_value(&expr, ty).ok_or_else(type_error)?;
    Ok((id, value))
}

/// The rule-language spelling of a type: `int`, `[string]`.
pub fn type_name(ty: Type) -> String {
    if ty.list { format!("[{}]", ty.scalar.name()) } else { ty.scalar.name().to_string() }
}

/// Reads `text` as one expression of the rule language (a literal or a list, to be checked).
fn parse_literal_text(text: &str) -> Option<Expr> {
    match indicia_syntax::parser::parse_expr(FileId(0), text) {
        (Some(expr), diagnostics) if diagnostics.is_empty() => Some(expr),
        _ => None,
    }
}

/// The value of a literal expression as type `ty`, or `None` if it is not one.
pub fn literal_value(expr: &Expr, ty: Type) -> Option<Value> {
    match (&expr.kind, ty.list) {
        (ExprKind::List(items), true) => {
            let scalar = Type { scalar: ty.scalar, list: false };
            let values = items.iter().map(|item| literal_value(item, scalar)).collect::<Option<Vec<_>>>()?;
            Some(Value::List(Arc::from(values)))
        }
        (ExprKind::Literal(literal), false) => scalar_value(literal, ty.scalar),
        _ => None,
    }
}

fn scalar_value(literal: &Literal, scalar: ScalarType) -> Option<Value> {
    match (literal, scalar) {
        (Literal::Bool(b), ScalarType::Bool) => Some(Value::Bool(*b)),
        (Literal::Int(i), ScalarType::Int) => Some(Value::Int(*i)),
        (Literal::Int(i), ScalarType::Float) => Some(Value::Float(*i as f64)),
        (Literal::Float(f), ScalarType::Float) => Some(Value::Float(*f)),
        (Literal::Str(s), ScalarType::Str) => Some(Value::Str(Arc::from(s.as_str()))),
        _ => None,
    }
}
