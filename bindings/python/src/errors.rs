//! The package's exceptions. They are plain Python classes (`indicia/_errors.py`), so that they
//! carry attributes and docs like any Python exception; this module builds them from Rust errors.

use indicia::{EngineError, EvidenceError as RustEvidenceError};
use pyo3::prelude::*;

pyo3::import_exception!(indicia._errors, PackError);
pyo3::import_exception!(indicia._errors, EvidenceError);
pyo3::import_exception!(indicia._errors, ExtractError);

/// Where a rejected object stood in a batch, for the exception's attributes.
#[derive(Clone, Debug)]
pub struct Place {
    /// 0-based position among the batch's objects.
    pub index: usize,
    /// 1-based line (of a JSON Lines input) or position (of a list).
    pub line: usize,
    /// The batch's name, as `indicia eval` names its inputs (`-` for standard input).
    pub name: String,
}

/// A pack that cannot be loaded, checked, compiled or given its params: `PackError(message,
/// diagnostics_text, diagnostics_json)`.
pub fn pack_error(error: &EngineError) -> PyErr {
    match error {
        EngineError::Check(failure) => {
            let (text, json, human) = (failure.render_plain(), failure.render_json(), failure.render_human());
            PackError::new_err((format!("{error}\n{human}"), text, json))
        }
        other => PackError::new_err((other.to_string(), String::new(), "[]".to_string())),
    }
}

/// A refused param value (unknown name or wrong type).
pub fn param_error(message: String) -> PyErr {
    PackError::new_err((message, String::new(), "[]".to_string()))
}

/// The exception for evidence that does not fit the pack's schema: `EvidenceError(message, path,
/// detail, index, line, source, json, code)`. In a batch, `json` is the line `indicia eval` prints
/// in the rejected object's place.
pub fn evidence_error(error: &RustEvidenceError, place: Option<&Place>) -> PyErr {
    let message = error.to_string();
    let code = error.code();
    let (index, line, source, json) = match place {
        Some(place) => {
            let source = format!("{}:{}", place.name, place.line);
            let json = serde_json::json!({ "source": source, "code": code, "error": message }).to_string();
            (Some(place.index), Some(place.line), Some(source), Some(json))
        }
        None => (None, None, None, None),
    };
    let (path, detail) = (error.path().to_string(), error.detail().to_string());
    EvidenceError::new_err((message, path, detail, index, line, source, json, code))
}

/// The exception for sources that could not be read: `ExtractError(message, errors, evidence)`.
pub fn extract_error(errors: Vec<String>, evidence: Option<String>) -> PyErr {
    ExtractError::new_err((errors.join("\n"), errors, evidence))
}
