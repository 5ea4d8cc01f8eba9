//! Values between Rust and Python: JSON values and param values.

use std::sync::Arc;

use indicia::hir::{Pack, ParamValues, ScalarType, Type, Value};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::errors::param_error;

/// A JSON value as the Python object `json.loads` would give.
pub fn json_to_py(py: Python<'_>, value: &serde_json::Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        serde_json::Value::Null => py.None(),
        serde_json::Value::Bool(b) => b.into_py_any(py)?,
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_py_any(py)?
            } else if let Some(u) = n.as_u64() {
                u.into_py_any(py)?
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_py_any(py)?
            }
        }
        serde_json::Value::String(s) => s.into_py_any(py)?,
        serde_json::Value::Array(items) => {
            let items = items.iter().map(|v| json_to_py(py, v)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        serde_json::Value::Object(map) => map_to_py(py, map)?.into_any().unbind(),
    })
}

/// A JSON object as a `dict`, members in order.
pub fn map_to_py<'py>(
    py: Python<'py>,
    map: &serde_json::Map<String, serde_json::Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, json_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// A param value as a Python value: `bool`, `int`, `float`, `str` or a `list` of them.
pub fn value_to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    match value {
        Value::Bool(b) => b.into_py_any(py),
        Value::Int(i) => i.into_py_any(py),
        Value::Float(f) => f.into_py_any(py),
        Value::Str(s) => s.as_ref().into_py_any(py),
        Value::List(items) => {
            let items = items.iter().map(|v| value_to_py(py, v)).collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any().unbind())
        }
    }
}

/// The pack's param values as a `dict` from name to value.
pub fn params_to_py<'py>(py: Python<'py>, pack: &Pack, values: &ParamValues) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (param, value) in pack.params.iter().zip(&values.0) {
        dict.set_item(&param.name, value_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// The pack's defaults with the given overrides (a mapping from param name to Python value).
pub fn params_from_py(pack: &Pack, overrides: Option<&Bound<'_, PyAny>>) -> PyResult<ParamValues> {
    let mut values = ParamValues::defaults(pack);
    let Some(overrides) = overrides else { return Ok(values) };
    let overrides = overrides
        .cast::<PyDict>()
        .map_err(|_| param_error("params must be a dict from param name to value".to_string()))?;
    for (name, value) in overrides.iter() {
        let name: String = name.extract().map_err(|_| param_error("param names must be str".to_string()))?;
        let Some(id) = pack.param_id(&name) else {
            let suggestion = indicia_syntax::diagnostic::suggest(&name, pack.params.iter().map(|p| p.name.as_str()));
            let hint = suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            return Err(param_error(format!("unknown param `{name}`{hint}")));
        };
        let ty = pack.params.get(id.index()).map(|p| p.ty).unwrap_or(Type::BOOL);
        let converted = py_to_value(&value, ty).ok_or_else(|| {
            let given = value.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            let shown = value.repr().map(|r| r.to_string()).unwrap_or_default();
            param_error(format!(
                "param `{name}` takes `{}`, but {shown} ({given}) is not a value of that type",
                indicia::params::type_name(ty)
            ))
        })?;
        if let Some(slot) = values.0.get_mut(id.index()) {
            *slot = converted;
        }
    }
    Ok(values)
}

/// A Python value as a value of type `ty`: `bool` only for `bool`, `int` for `int` (and
/// `float`), `float` for `float`, `str` for `string`, a `list` or `tuple` for a list type.
fn py_to_value(value: &Bound<'_, PyAny>, ty: Type) -> Option<Value> {
    if ty.list {
        let scalar = Type { scalar: ty.scalar, list: false };
        if value.cast::<PyList>().is_err() && value.cast::<PyTuple>().is_err() {
            return None;
        }
        let items = value.try_iter().ok()?;
        let values =
            items.map(|item| item.ok().and_then(|item| py_to_value(&item, scalar))).collect::<Option<Vec<_>>>()?;
        return Some(Value::List(Arc::from(values)));
    }
    let is_bool = value.cast::<PyBool>().is_ok();
    match ty.scalar {
        ScalarType::Bool if is_bool => value.extract::<bool>().ok().map(Value::Bool),
        ScalarType::Int if !is_bool && value.cast::<PyInt>().is_ok() => value.extract::<i64>().ok().map(Value::Int),
        ScalarType::Float if !is_bool && value.cast::<PyInt>().is_ok() => {
            value.extract::<i64>().ok().map(|i| Value::Float(i as f64))
        }
        ScalarType::Float if value.cast::<PyFloat>().is_ok() => value.extract::<f64>().ok().map(Value::Float),
        ScalarType::Str if value.cast::<PyString>().is_ok() => {
            value.extract::<String>().ok().map(|s| Value::Str(Arc::from(s)))
        }
        _ => None,
    }
}
