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

/// Applies `NAME=VALUE` overrides to the pack's defaults; the first refused override is the error.
/// See [`check_overrides`].
pub fn apply_overrides(pack: &Pack, overrides: &[String]) -> Result<ParamValues, ParamError> {
    check_overrides(pack, overrides).map_err(|mut errors| errors.swap_remove(0))
}

/// Applies `NAME=VALUE` overrides to the pack's defaults, or gives every refused one.
///
/// A param given twice takes its last value, and only that one is read (an earlier value that is
/// not of the param's type does not matter). The errors: arguments without `=` first, then the
/// others in the order their params were last given (an unknown name once).
pub fn check_overrides(pack: &Pack, overrides: &[String]) -> Result<ParamValues, Vec<ParamError>> {
    let mut errors = Vec::new();
    let mut given: Vec<(&str, &str)> = Vec::new();
    for arg in overrides {
        match arg.split_once('=') {
            Some((name, text)) => {
                given.retain(|(earlier, _)| *earlier != name);
                given.push((name, text));
            }
            None => errors.push(ParamError::Syntax(arg.clone())),
        }
    }
    let mut values = ParamValues::defaults(pack);
    for (name, text) in given {
        match parse_override(pack, name, text) {
            Ok((id, value)) => {
                if let Some(slot) = values.0.get_mut(id.index()) {
                    *slot = value;
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() { Ok(values) } else { Err(errors) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;

    const PACK: &str = r#"
        category t { title: "T" }
        fact flow { host: string }
        param limit: int = 1
        param ratio: float = 0.5
        indicator "X" { title: "x" category: t severity: low when: count(flow) > limit }
    "#;

    fn overrides(args: &[&str]) -> Result<ParamValues, Vec<ParamError>> {
        let engine = Engine::from_source("p", PACK).unwrap();
        check_overrides(engine.pack(), &args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn every_refused_override_is_reported_in_order() {
        let errors = overrides(&["nope=1", "limit=x", "ratio=true", "bare", "nope=2"]).unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "`bare` is not of the form NAME=VALUE",
                "param `limit` takes `int`, but `x` is not a literal of that type",
                "param `ratio` takes `float`, but `true` is not a literal of that type",
                "unknown param `nope`",
            ]
        );
    }

    #[test]
    fn the_last_value_wins_and_only_it_is_read() {
        let values = overrides(&["limit=x", "ratio=2", "limit=3"]).unwrap();
        assert_eq!(values.0[0], Value::Int(3));
        assert_eq!(values.0[1], Value::Float(2.0));
        assert!(overrides(&["limit=3", "limit=x"]).is_err());
    }
}
