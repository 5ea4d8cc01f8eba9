//! Evidence handed in from Python: `bytes` are read in place, `str` and `dict` are turned into
//! JSON text first. The Python objects are held for as long as their bytes are borrowed, so the
//! scoring can run with the GIL released.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

/// One evidence object's JSON text, borrowed from a `bytes` object or owned.
pub enum Text<'py> {
    /// A `bytes` object, held (immutable, so its buffer can be read without the GIL).
    Bytes(Bound<'py, PyBytes>),
    /// Text made from a `str`, `bytearray` or `dict`.
    Owned(Vec<u8>),
}

impl Text<'_> {
    /// The JSON bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Bytes(bytes) => bytes.as_bytes(),
            Text::Owned(vec) => vec,
        }
    }
}

/// Reads one evidence argument: `bytes`, `bytearray`, `str`, or a `dict` (serialised with Python's
/// `json` module, which writes every float so that it reads back to the same value).
pub fn text<'py>(object: &Bound<'py, PyAny>) -> PyResult<Text<'py>> {
    if let Ok(bytes) = object.cast::<PyBytes>() {
        return Ok(Text::Bytes(bytes.clone()));
    }
    if let Ok(string) = object.cast::<PyString>() {
        return Ok(Text::Owned(string.to_cow()?.into_owned().into_bytes()));
    }
    if let Ok(array) = object.cast::<PyByteArray>() {
        return Ok(Text::Owned(array.to_vec()));
    }
    if object.cast::<PyDict>().is_ok() {
        let json = object.py().import("json")?;
        let kwargs = PyDict::new(object.py());
        kwargs.set_item("ensure_ascii", false)?;
        kwargs.set_item("allow_nan", false)?;
        let dumped = json.call_method("dumps", (object,), Some(&kwargs))?;
        let string = dumped.cast::<PyString>()?;
        return Ok(Text::Owned(string.to_cow()?.into_owned().into_bytes()));
    }
    Err(PyTypeError::new_err(format!(
        "evidence must be bytes, str or dict, not {}",
        object.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
    )))
}

/// Every item of a sequence of evidence objects (`bytes` or `str`; a `dict` also works).
pub fn texts<'py>(items: &Bound<'py, PyAny>) -> PyResult<Vec<Text<'py>>> {
    if items.cast::<PyBytes>().is_ok() || items.cast::<PyString>().is_ok() {
        return Err(PyTypeError::new_err(
            "evaluate_many takes a list of evidence objects; use evaluate_jsonl for one JSON Lines text",
        ));
    }
    items.try_iter()?.map(|item| text(&item?)).collect()
}

/// The lines of a JSON Lines text as `indicia eval` cuts them: blank lines skipped, the line
/// break (`\n` or `\r\n`) left out, each with its 1-based line number.
pub fn jsonl_lines(data: &[u8]) -> Vec<(usize, &[u8])> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 0;
    // memchr finds the line breaks a word at a time; a byte-by-byte split was a measurable
    // share of a large batch call.
    let ends = memchr::memchr_iter(b'\n', data).map(|at| at + 1).chain(std::iter::once(data.len()));
    for end in ends {
        let Some(line) = data.get(start..end) else { break };
        start = end;
        if line.is_empty() {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = line.strip_suffix(b"\r\n").or_else(|| line.strip_suffix(b"\n")).unwrap_or(line);
        lines.push((number, line));
    }
    lines
}

/// The bytes of a JSON Lines argument: `bytes` in place, `str` as UTF-8.
pub fn jsonl_data<'py>(object: &Bound<'py, PyAny>) -> PyResult<Text<'py>> {
    if object.cast::<PyDict>().is_ok() {
        return Err(PyTypeError::new_err("evaluate_jsonl takes bytes or str of JSON Lines, not a dict"));
    }
    text(object)
}
