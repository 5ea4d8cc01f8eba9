//! Shared by the evidence tests: the standard mobile schema of evidence.md (plus a `metric` kind
//! with float and list fields, which the standard schema lacks), and pack literals.

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]
#![allow(dead_code, reason = "each test file uses part of this module")]

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

/// A realistic evidence object of about `facts` facts (about 75 bytes each), every kind of the
/// standard schema represented, strings repeating as they do in scanner output.
pub fn sample_evidence(facts: usize) -> String {
    let perms = ["CAMERA", "READ_CONTACTS", "ACCESS_FINE_LOCATION", "INTERNET", "RECORD_AUDIO", "READ_SMS"];
    let classes = ["android.telephony.TelephonyManager", "android.content.ClipboardManager", "java.net.URL"];
    let methods = ["getDeviceId", "getPrimaryClip", "openConnection", "getLine1Number"];
    let hosts = ["api.example.com", "cdn.example.net", "t.tracker.cn", "graph.social.com", "a.b.c"];
    let data = ["device_id", "location", "contacts", "app_list", "account"];
    let mut kinds: Vec<(&str, Vec<String>)> = vec![
        ("permission", vec![]),
        ("api", vec![]),
        ("component", vec![]),
        ("sdk", vec![]),
        ("flow", vec![]),
        ("behavior", vec![]),
        ("datum", vec![]),
    ];
    for i in 0..facts {
        let (slot, fact) = match i % 20 {
            0..=3 => {
                (0, format!(r#"{{"name": "android.permission.{}", "source": "manifest"}}"#, perms[i % perms.len()]))
            }
            4..=10 => (
                1,
                format!(
                    r#"{{"symbol": "{}.{}", "source": "dex", "calls": {}}}"#,
                    classes[i % classes.len()],
                    methods[i % methods.len()],
                    i % 7
                ),
            ),
            11..=12 => (
                2,
                format!(r#"{{"kind": "activity", "name": "com.example.app.Screen{i}", "exported": {}}}"#, i % 3 == 0),
            ),
            13 => (3, format!(r#"{{"id": "com.sdk{}", "kind": "analytics", "country": "CN"}}"#, i % 5)),
            14..=17 => (
                4,
                format!(
                    r#"{{"host": "{}", "port": 443, "tls": {}, "data": ["{}", "{}"], "bytes_out": {}}}"#,
                    hosts[i % hosts.len()],
                    i % 2 == 0,
                    data[i % data.len()],
                    data[(i + 1) % data.len()],
                    i * 100
                ),
            ),
            18 => (5, format!(r#"{{"kind": "location_read", "state": "{}"}}"#, ["foreground", "background"][i % 2])),
            _ => (6, format!(r#"{{"type": "{}", "shared": false}}"#, data[i % data.len()])),
        };
        kinds[slot].1.push(fact);
    }
    let facts: Vec<String> =
        kinds.iter().map(|(kind, facts)| format!("\"{kind}\": [\n    {}\n  ]", facts.join(",\n    "))).collect();
    format!(
        "{{\n  \"app\": {{\"id\": \"com.example.sample\", \"name\": \"Sample\", \"platform\": \"android\", \"version\": \"1.0\"}},\n  \"collected\": [\"permission\", \"api\", \"component\", \"sdk\", \"flow\"],\n  \"facts\": {{\n  {}\n  }}\n}}\n",
        facts.join(",\n  ")
    )
}

/// One random edit of a byte string: where, what (0 insert, 1 remove, else replace) and which byte.
pub type Edit = (proptest::sample::Index, u8, u8);

/// One to five random edits with bytes that matter to JSON.
pub fn edits() -> impl proptest::strategy::Strategy<Value = Vec<Edit>> {
    use proptest::prelude::*;
    proptest::collection::vec(
        (any::<prop::sample::Index>(), 0..3u8, prop::sample::select(b"{}[]\",:0-1.eE \\ntfu\xff".to_vec())),
        1..6,
    )
}

/// `sample_evidence(20)` with `edits` applied.
pub fn edited_sample(edits: &[Edit]) -> Vec<u8> {
    let mut bytes = sample_evidence(20).into_bytes();
    for (at, op, byte) in edits {
        let i = at.index(bytes.len() + 1);
        match op {
            0 => bytes.insert(i, *byte),
            1 if i < bytes.len() => {
                bytes.remove(i);
            }
            _ if i < bytes.len() => bytes[i] = *byte,
            _ => {}
        }
    }
    bytes
}
