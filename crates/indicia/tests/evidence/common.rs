//! Shared by the evidence tests: the standard mobile schema of evidence.md (plus a `metric` kind
//! with float and list fields, which the standard schema lacks), and pack literals.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    reason = "each test file uses part of this module; test helpers fail by panicking"
)]

use std::sync::Arc;

use indicia::evidence::{Evidence, EvidenceError, Symbols, read_evidence};
use indicia::hir::{FactKind, Field, ScalarType, Schema, Type};

/// A field written as in the rule language: `"port: int?"`, `"data: [string]?"`.
fn field(decl: &str) -> Field {
    let (name, ty) = decl.split_once(": ").unwrap();
    let optional = ty.ends_with('?');
    let ty = ty.trim_end_matches('?');
    let list = ty.starts_with('[');
    let scalar = match ty.trim_matches(|c| c == '[' || c == ']') {
        "bool" => ScalarType::Bool,
        "int" => ScalarType::Int,
        "float" => ScalarType::Float,
        "string" => ScalarType::Str,
        other => panic!("unknown type {other}"),
    };
    Field { name: name.to_owned(), ty: Type { scalar, list }, optional }
}

fn kind(name: &str, fields: &[&str]) -> FactKind {
    FactKind { name: name.to_owned(), fields: fields.iter().map(|f| field(f)).collect() }
}

/// The standard mobile schema, then `metric`.
pub fn mobile_schema() -> Schema {
    Schema {
        kinds: vec![
            kind("permission", &["name: string", "source: string?", "granted: bool?"]),
            kind("api", &["symbol: string", "calls: int?", "source: string?"]),
            kind(
                "flow",
                &[
                    "host: string",
                    "ip: string?",
                    "country: string?",
                    "port: int?",
                    "tls: bool?",
                    "bytes_out: int?",
                    "data: [string]?",
                    "sdk: string?",
                    "state: string?",
                    "before_consent: bool?",
                ],
            ),
            kind("sdk", &["id: string", "name: string?", "kind: string?", "country: string?"]),
            kind("behavior", &["kind: string", "detail: string?", "state: string?"]),
            kind("finding", &["check: string", "failed: bool", "note: string?"]),
            kind("datum", &["type: string", "purpose: string?", "shared: bool?", "source: string?"]),
            kind("component", &["kind: string", "name: string", "exported: bool?"]),
            kind("metric", &["value: float", "weight: float?", "samples: [float]?", "counts: [int]", "flags: [bool]?"]),
        ],
    }
}

/// Pack literals, in this order: symbols 0, 1, 2…
pub const LITERALS: &[&str] = &["CN", "android.permission.READ_CONTACTS", "location", "manifest"];

pub fn symbols() -> Arc<Symbols> {
    let mut symbols = Symbols::new();
    for literal in LITERALS {
        symbols.intern(literal);
    }
    Arc::new(symbols)
}

pub fn read(json: &str) -> Result<Evidence, EvidenceError> {
    read_evidence(json.as_bytes(), &mobile_schema(), &symbols())
}
