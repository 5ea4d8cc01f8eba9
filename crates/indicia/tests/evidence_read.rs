//! Reading evidence JSON: a table of rejected objects (path and message of the first violation)
//! and of accepted ones (columns, observed kinds, warnings, interning).

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

#[path = "evidence/common.rs"]
mod common;

use common::{LITERALS, mobile_schema, read, symbols};
use indicia::evidence::{Column, Evidence, EvidenceReader, Items};
use indicia::hir::{KindId, Schema};
use serde_json::json;

/// An evidence object with `app.id` "x" and the given `facts` members.
fn doc(facts: &str) -> String {
    format!(r#"{{"app": {{"id": "x"}}, "facts": {{{facts}}}}}"#)
}

/// (evidence, path, message); a message ending in `*` is a prefix.
fn rejected_cases() -> Vec<(String, &'static str, &'static str)> {
    let flow = |fact: &str| doc(&format!(r#""flow": [{fact}]"#));
    let metric = |fact: &str| doc(&format!(r#""metric": [{fact}]"#));
    let s = |text: &str| text.to_owned();
    vec![
        // Not one JSON object.
        (s(""), "", "empty input: expected one JSON object"),
        (s(" \n\t\r\n"), "", "empty input: expected one JSON object"),
        (s("[]"), "", "expected one JSON object, found array"),
        (s("[{\"app\": {\"id\": \"x\"}, \"facts\": {}}]"), "", "expected one JSON object, found array"),
        (s("3"), "", "expected one JSON object, found number 3"),
        (s("-2.5"), "", "expected one JSON object, found number -2.5"),
        (s("\"app\""), "", "expected one JSON object, found string \"app\""),
        (s("null"), "", "expected one JSON object, found null"),
        (s("true"), "", "expected one JSON object, found boolean true"),
        (doc("") + " x", "", "trailing data after the JSON object at line 1 column 35"),
        (doc("") + "{}", "", "trailing data after the JSON object at line 1 column 34"),
        (doc("") + "\n" + &doc(""), "", "trailing data after the JSON object at line 2 column 1"),
        (s("{"), "", "invalid JSON at line 1 column 1: EOF while parsing an object"),
        (s("{app: 1}"), "", "invalid JSON at line 1 column 2: key must be a string"),
        (s("{\"app\": "), "app", "invalid JSON at line 1 column 8: EOF while parsing a value"),
        (
            s("{\"app\": {\"id\": \"x\"},\n \"facts\": {\"flow\": [{\"host\": \"a\" \"port\": 1}]}}"),
            "facts.flow[0]",
            "invalid JSON at line 2 column 34: expected `,` or `}`",
        ),
        (
            s("{\"app\": {\"id\": \"x\"}, \"facts\": {\"flow\": [{\"host\": \"a\"},]}}"),
            "facts.flow[1]",
            "invalid JSON at line 1 column 55: trailing comma",
        ),
        (
            flow("{\"host\": \"a\tb\"}"),
            "facts.flow[0].host",
            "invalid JSON at line 1 column 52: control character (\\u0000-\\u001F) found while parsing a string",
        ),
        (flow("{\"host\": \"\\x\"}"), "facts.flow[0].host", "invalid JSON at line 1 column 52: invalid escape"),
        (flow("{\"host\": tru}"), "facts.flow[0].host", "invalid JSON at line 1 column 53: expected ident"),
        (flow("{\"host\": 01}"), "facts.flow[0].host", "invalid JSON at line 1 column 51: invalid number"),
        (flow("{\"host\": NaN}"), "facts.flow[0].host", "invalid JSON at line 1 column 50: expected value"),
        // Top-level members.
        (s(r#"{"facts": {}}"#), "app", "missing required member"),
        (s(r#"{"app": {"id": "x"}}"#), "facts", "missing required member"),
        (s(r#"{"facts": {}, "collected": []}"#), "app", "missing required member"),
        (s("{}"), "app", "missing required member"),
        (s(r#"{"app": {"id": "x"}, "app": {"id": "y"}, "facts": {}}"#), "app", "member given twice"),
        (s(r#"{"app": {"id": "x"}, "facts": {}, "facts": {}}"#), "facts", "member given twice"),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "collected": [], "collected": []}"#),
            "collected",
            "member given twice",
        ),
        (s(r#"{"app": {"id": "x"}, "facts": {}, "meta": 1, "meta": 2}"#), "meta", "member given twice"),
        (s(r#"{"app": {"id": "x"}, "facts": {}, "a b": 1, "a b": 2}"#), r#"["a b"]"#, "member given twice"),
        // app
        (s(r#"{"app": "x", "facts": {}}"#), "app", "expected object, found string \"x\""),
        (s(r#"{"app": null, "facts": {}}"#), "app", "expected object, found null"),
        (s(r#"{"app": [], "facts": {}}"#), "app", "expected object, found array"),
        (s(r#"{"app": 7, "facts": {}}"#), "app", "expected object, found number 7"),
        (s(r#"{"app": {}, "facts": {}}"#), "app.id", "missing required member"),
        (s(r#"{"app": {"name": "Notes"}, "facts": {}}"#), "app.id", "missing required member"),
        (s(r#"{"app": {"id": 3}, "facts": {}}"#), "app.id", "expected string, found number 3"),
        (s(r#"{"app": {"id": null}, "facts": {}}"#), "app.id", "expected string, found null"),
        (s(r#"{"app": {"id": {"a": 1, "a": 2}}, "facts": {}}"#), "app.id", "expected string, found object"),
        (s(r#"{"app": {"id": ["x"]}, "facts": {}}"#), "app.id", "expected string, found array"),
        (s(r#"{"app": {"id": false}, "facts": {}}"#), "app.id", "expected string, found boolean false"),
        (s(r#"{"app": {"id": "x", "id": "y"}, "facts": {}}"#), "app.id", "member given twice"),
        (s(r#"{"app": {"id": "x", "v": 1, "v": 2}, "facts": {}}"#), "app.v", "member given twice"),
        (s(r#"{"app": {"id": "x", "m": {"k": 1, "k": 2}}, "facts": {}}"#), "app.m.k", "member given twice"),
        (s(r#"{"app": {"id": "x", "t": [{}, {"k": 1, "k": 2}]}, "facts": {}}"#), "app.t[1].k", "member given twice"),
        (
            s(r#"{"app": {"id": "x", "n": 1e400}, "facts": {}}"#),
            "app.n",
            "number out of range of a 64-bit float at line 1 column 30",
        ),
        (
            s(r#"{"app": {"id": "\ud800"}, "facts": {}}"#),
            "app.id",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (
            s(r#"{"app": {"id": "x", "\udc00": 1}, "facts": {}}"#),
            "app",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        // facts
        (s(r#"{"app": {"id": "x"}, "facts": []}"#), "facts", "expected object, found array"),
        (s(r#"{"app": {"id": "x"}, "facts": null}"#), "facts", "expected object, found null"),
        (s(r#"{"app": {"id": "x"}, "facts": "flow"}"#), "facts", "expected object, found string \"flow\""),
        (doc(r#""flow": [], "flow": []"#), "facts.flow", "member given twice"),
        (doc(r#""foo": [], "foo": []"#), "facts.foo", "member given twice"),
        (doc(r#""flow": {}"#), "facts.flow", "expected array, found object"),
        (doc(r#""flow": null"#), "facts.flow", "expected array, found null"),
        (doc(r#""flow": "a""#), "facts.flow", "expected array, found string \"a\""),
        (doc(r#""permission": 1"#), "facts.permission", "expected array, found number 1"),
        (doc(r#""flow": [1]"#), "facts.flow[0]", "expected object, found number 1"),
        (doc(r#""flow": [{"host": "a"}, null]"#), "facts.flow[1]", "expected object, found null"),
        (doc(r#""flow": [[]]"#), "facts.flow[0]", "expected object, found array"),
        (doc(r#""sdk": ["x"]"#), "facts.sdk[0]", "expected object, found string \"x\""),
        // Each field type.
        (flow(r#"{"host": 3}"#), "facts.flow[0].host", "expected string, found number 3"),
        (flow(r#"{"host": true}"#), "facts.flow[0].host", "expected string, found boolean true"),
        (flow(r#"{"host": ["a"]}"#), "facts.flow[0].host", "expected string, found array"),
        (flow(r#"{"host": {}}"#), "facts.flow[0].host", "expected string, found object"),
        (flow(r#"{"host": "a", "port": "443"}"#), "facts.flow[0].port", "expected int, found string \"443\""),
        (flow(r#"{"host": "a", "port": true}"#), "facts.flow[0].port", "expected int, found boolean true"),
        (
            flow(r#"{"host": "a", "port": 443.0}"#),
            "facts.flow[0].port",
            "expected int, found number 443.0 (an int is written without fraction or exponent)",
        ),
        (
            flow(r#"{"host": "a", "port": 4.43e2}"#),
            "facts.flow[0].port",
            "expected int, found number 443.0 (an int is written without fraction or exponent)",
        ),
        (
            flow(r#"{"host": "a", "port": 1E2}"#),
            "facts.flow[0].port",
            "expected int, found number 100.0 (an int is written without fraction or exponent)",
        ),
        (flow(r#"{"host": "a", "port": 0.5}"#), "facts.flow[0].port", "expected int, found number 0.5"),
        (
            flow(r#"{"host": "a", "port": 9223372036854775808}"#),
            "facts.flow[0].port",
            "expected int, found number 9223372036854775808 outside the 64-bit signed range",
        ),
        (
            flow(r#"{"host": "a", "port": 18446744073709551616}"#),
            "facts.flow[0].port",
            "expected int, found number 1.8446744073709552e19 outside the 64-bit signed range",
        ),
        (
            flow(r#"{"host": "a", "port": -9223372036854775809}"#),
            "facts.flow[0].port",
            "expected int, found number -9.223372036854776e18 outside the 64-bit signed range",
        ),
        (
            flow(r#"{"host": "a", "port": 1e400}"#),
            "facts.flow[0].port",
            "number out of range of a 64-bit float at line 1*",
        ),
        (flow(r#"{"host": "a", "tls": "no"}"#), "facts.flow[0].tls", "expected bool, found string \"no\""),
        (flow(r#"{"host": "a", "tls": 1}"#), "facts.flow[0].tls", "expected bool, found number 1"),
        (flow(r#"{"host": "a", "tls": [true]}"#), "facts.flow[0].tls", "expected bool, found array"),
        (
            flow(r#"{"host": "a", "data": "location"}"#),
            "facts.flow[0].data",
            "expected [string], found string \"location\"",
        ),
        (flow(r#"{"host": "a", "data": {}}"#), "facts.flow[0].data", "expected [string], found object"),
        (flow(r#"{"host": "a", "data": ["a", "b", 7]}"#), "facts.flow[0].data[2]", "expected string, found number 7"),
        (flow(r#"{"host": "a", "data": [null]}"#), "facts.flow[0].data[0]", "expected string, found null"),
        (flow(r#"{"host": "a", "data": [["a"]]}"#), "facts.flow[0].data[0]", "expected string, found array"),
        (flow(r#"{"host": "a", "data": [{}]}"#), "facts.flow[0].data[0]", "expected string, found object"),
        (metric(r#"{"value": "1.5", "counts": []}"#), "facts.metric[0].value", "expected float, found string \"1.5\""),
        (metric(r#"{"value": true, "counts": []}"#), "facts.metric[0].value", "expected float, found boolean true"),
        (
            metric(r#"{"value": 1e309, "counts": []}"#),
            "facts.metric[0].value",
            "number out of range of a 64-bit float*",
        ),
        (
            metric(r#"{"value": -1e309, "counts": []}"#),
            "facts.metric[0].value",
            "number out of range of a 64-bit float*",
        ),
        (
            metric(&format!(r#"{{"value": 1{}, "counts": []}}"#, "0".repeat(400))),
            "facts.metric[0].value",
            "number out of range of a 64-bit float*",
        ),
        (metric(r#"{"value": 1, "counts": [1, 2.5]}"#), "facts.metric[0].counts[1]", "expected int, found number 2.5"),
        (
            metric(r#"{"value": 1, "counts": [1, 2.0]}"#),
            "facts.metric[0].counts[1]",
            "expected int, found number 2.0 (an int is written without fraction or exponent)",
        ),
        (
            metric(r#"{"value": 1, "counts": [9223372036854775808]}"#),
            "facts.metric[0].counts[0]",
            "expected int, found number 9223372036854775808 outside the 64-bit signed range",
        ),
        (
            metric(r#"{"value": 1, "counts": [], "samples": [1, "2"]}"#),
            "facts.metric[0].samples[1]",
            "expected float, found string \"2\"",
        ),
        (
            metric(r#"{"value": 1, "counts": [], "samples": [1e999]}"#),
            "facts.metric[0].samples[0]",
            "number out of range of a 64-bit float*",
        ),
        (
            metric(r#"{"value": 1, "counts": [], "flags": [true, 0]}"#),
            "facts.metric[0].flags[1]",
            "expected bool, found number 0",
        ),
        (metric(r#"{"value": 1, "counts": 3}"#), "facts.metric[0].counts", "expected [int], found number 3"),
        // Required fields: missing, null.
        (flow("{}"), "facts.flow[0].host", "required field is missing"),
        (flow(r#"{"port": 1}"#), "facts.flow[0].host", "required field is missing"),
        (doc(r#""flow": [{"host": "a"}, {"ip": "1.2.3.4"}]"#), "facts.flow[1].host", "required field is missing"),
        (flow(r#"{"host": null}"#), "facts.flow[0].host", "expected string, found null"),
        (doc(r#""finding": [{"check": "forced_consent"}]"#), "facts.finding[0].failed", "required field is missing"),
        (
            doc(r#""finding": [{"check": "forced_consent", "failed": null}]"#),
            "facts.finding[0].failed",
            "expected bool, found null",
        ),
        (doc(r#""component": [{"kind": "activity"}]"#), "facts.component[0].name", "required field is missing"),
        (doc(r#""component": [{}]"#), "facts.component[0].kind", "required field is missing"),
        (metric(r#"{"value": 1}"#), "facts.metric[0].counts", "required field is missing"),
        (metric(r#"{"value": 1, "counts": null}"#), "facts.metric[0].counts", "expected [int], found null"),
        (metric(r#"{"value": null, "counts": []}"#), "facts.metric[0].value", "expected float, found null"),
        // Duplicate members in facts.
        (flow(r#"{"host": "a", "port": 1, "port": 1}"#), "facts.flow[0].port", "member given twice"),
        (flow(r#"{"host": "a", "host": "a"}"#), "facts.flow[0].host", "member given twice"),
        (flow(r#"{"host": "a", "tls": null, "tls": true}"#), "facts.flow[0].tls", "member given twice"),
        (flow(r#"{"host": "a", "bar": 1, "bar": 1}"#), "facts.flow[0].bar", "member given twice"),
        (
            flow(r#"{"host": "a", "bar": {"k": [1, {"z": 0, "z": 0}]}}"#),
            "facts.flow[0].bar.k[1].z",
            "member given twice",
        ),
        (doc(r#""foo": [{"a": 1, "a": 2}]"#), "facts.foo[0].a", "member given twice"),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "meta": {"a b": {"c": 1, "c": 2}}}"#),
            r#"meta["a b"].c"#,
            "member given twice",
        ),
        // Undeclared values must still be valid.
        (flow(r#"{"host": "a", "bar": 1e400}"#), "facts.flow[0].bar", "number out of range of a 64-bit float*"),
        (
            flow(r#"{"host": "a", "bar": ["\ud800"]}"#),
            "facts.flow[0].bar[0]",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (doc(r#""foo": [1e999]"#), "facts.foo[0]", "number out of range of a 64-bit float*"),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "meta": [1, 2,]}"#),
            "meta[2]",
            "invalid JSON at line 1 column 49: trailing comma",
        ),
        // Lone surrogates.
        (
            flow(r#"{"host": "\ud800"}"#),
            "facts.flow[0].host",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (
            flow(r#"{"host": "\udc00"}"#),
            "facts.flow[0].host",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (
            flow(r#"{"host": "a\ud83dz"}"#),
            "facts.flow[0].host",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (
            flow(r#"{"host": "\ud83d\u0041"}"#),
            "facts.flow[0].host",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (
            flow(r#"{"host": "a", "data": ["\ud800\ud800"]}"#),
            "facts.flow[0].data[0]",
            "string escape is not a Unicode scalar value (lone surrogate)*",
        ),
        (flow(r#"{"\ud800": "a"}"#), "facts.flow[0]", "string escape is not a Unicode scalar value (lone surrogate)*"),
        // collected
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "collected": "flow"}"#),
            "collected",
            "expected array, found string \"flow\"",
        ),
        (s(r#"{"app": {"id": "x"}, "facts": {}, "collected": {}}"#), "collected", "expected array, found object"),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "collected": true}"#),
            "collected",
            "expected array, found boolean true",
        ),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "collected": ["flow", 7]}"#),
            "collected[1]",
            "expected string, found number 7",
        ),
        (s(r#"{"app": {"id": "x"}, "facts": {}, "collected": [null]}"#), "collected[0]", "expected string, found null"),
        (
            s(r#"{"app": {"id": "x"}, "facts": {}, "collected": [["flow"]]}"#),
            "collected[0]",
            "expected string, found array",
        ),
        // The first violation in document order wins.
        (doc(r#""flow": [{"host": "a", "port": "x"}, {}]"#), "facts.flow[0].port", "expected int, found string \"x\""),
        (doc(r#""flow": [{"port": "x"}]"#), "facts.flow[0].port", "expected int, found string \"x\""),
        (doc(r#""flow": [{"port": 1}, {"host": 2}]"#), "facts.flow[0].host", "required field is missing"),
        (s(r#"{"facts": {"flow": [{"host": 1}]}}"#), "facts.flow[0].host", "expected string, found number 1"),
        (s(r#"{"collected": [1], "app": 2}"#), "collected[0]", "expected string, found number 1"),
        (s(r#"{"facts": {}} x"#), "app", "missing required member"),
        (doc(r#""flow": [{"host": 1}]"#) + "]", "facts.flow[0].host", "expected string, found number 1"),
        // Long strings are shortened in messages.
        (
            flow(&format!(r#"{{"host": "a", "port": "{}"}}"#, "9".repeat(100))),
            "facts.flow[0].port",
            "expected int, found string \"9999999999999999999999999999999999999999…\" (100 bytes)",
        ),
    ]
}

/// The code `docs/evidence.md` gives the rejection a message describes.
fn code_of(message: &str) -> &'static str {
    let has = |part: &str| message.contains(part);
    if message.starts_with("empty input") {
        "V0001"
    } else if has("outside the 64-bit signed range") || message.starts_with("number out of range") {
        "V0004"
    } else if message.starts_with("expected ") {
        "V0003"
    } else if message == "member given twice" {
        "V0005"
    } else if message == "missing required member" || message == "required field is missing" {
        "V0006"
    } else if has("nested more than") || message.starts_with("too many") {
        "V0007"
    } else if message.starts_with("invalid JSON") || message.starts_with("trailing data") || has("lone surrogate") {
        "V0002"
    } else {
        "(no code for this message)"
    }
}

#[test]
fn rejected_objects_name_the_first_violation() {
    let mut failures = Vec::new();
    for (input, path, message) in rejected_cases() {
        match read(&input) {
            Ok(_) => failures.push(format!("{input}\n  accepted, expected {path}: {message}")),
            Err(err) => {
                let ok_message = match message.strip_suffix('*') {
                    Some(prefix) => err.detail().starts_with(prefix),
                    None => err.detail() == message,
                };
                if err.path() != path || !ok_message || err.code() != code_of(message) {
                    failures.push(format!(
                        "{input}\n  got      {:?}: {:?} ({})\n  expected {path:?}: {message:?} ({})",
                        err.path(),
                        err.detail(),
                        err.code(),
                        code_of(message)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        rejected_cases().len(),
        failures.join("\n")
    );
}

#[test]
fn error_display_is_path_colon_message() {
    let err = read(&doc(r#""flow": [{"host": "a", "tls": "no"}]"#)).unwrap_err();
    assert_eq!(err.to_string(), r#"facts.flow[0].tls: expected bool, found string "no""#);
    let err = read("[]").unwrap_err();
    assert_eq!(err.to_string(), "expected one JSON object, found array");
}

#[test]
fn spec_examples_are_rejected_at_their_paths() {
    // examples/12-evidence-rejected and examples/04-batch-rejected-line
    let twelve = r#"
{
  "app": { "id": "com.example.fitness" },
  "collected": ["flow"],
  "facts": {
    "flow": [
      { "host": "api.example.com", "data": ["location"], "bytes_out": 5120 },
      { "host": "sync.example.com", "data": ["sensor", "device_id", 7], "bytes_out": 2048 }
    ]
  }
}"#;
    assert_eq!(read(twelve).unwrap_err().to_string(), "facts.flow[1].data[2]: expected string, found number 7");
    let four = r#"{"app": {"id": "com.example.two"}, "facts": {"flow": [{"host": "b.example.com", "port": 8080, "tls": "no"}]}}"#;
    assert_eq!(read(four).unwrap_err().to_string(), r#"facts.flow[0].tls: expected bool, found string "no""#);
}

#[test]
fn invalid_utf8_is_rejected() {
    let mut bytes = doc(r#""flow": [{"host": "ab"}]"#).into_bytes();
    let at = bytes.iter().position(|&b| b == b'b').unwrap();
    bytes[at] = 0xff;
    let err = indicia::evidence::read_evidence(&bytes, &mobile_schema(), &symbols()).unwrap_err();
    assert_eq!(err.path(), "facts.flow[0].host");
    assert!(err.detail().starts_with("invalid JSON at line 1"), "{}", err.detail());
    let err = indicia::evidence::read_evidence(b"\xff", &mobile_schema(), &symbols()).unwrap_err();
    assert!(err.detail().starts_with("invalid JSON"), "{}", err.detail());
}

fn kind(schema: &Schema, name: &str) -> KindId {
    schema.kind_id(name).unwrap()
}

/// A column's values as JSON (null for None), to compare with a literal.
fn column_json(ev: &Evidence, schema: &Schema, kind_name: &str, field: &str) -> serde_json::Value {
    let k = kind(schema, kind_name);
    let f = schema.kind(k).unwrap().field_id(field).unwrap();
    let table = ev.table(k).unwrap();
    let column = table.column(f).unwrap();
    let values: Vec<serde_json::Value> = match column {
        Column::Bool(v) => v.iter().map(|x| json!(x)).collect(),
        Column::Int(v) => v.iter().map(|x| json!(x)).collect(),
        Column::Float(v) => v.iter().map(|x| json!(x)).collect(),
        Column::Str(v) => v.iter().map(|x| json!(x.map(|s| ev.resolve(s)))).collect(),
        Column::List(list) => list
            .ranges
            .iter()
            .map(|r| match r {
                None => json!(null),
                Some((a, b)) => {
                    let r = *a as usize..*b as usize;
                    match &list.items {
                        Items::Bool(v) => json!(v[r]),
                        Items::Int(v) => json!(v[r]),
                        Items::Float(v) => json!(v[r]),
                        Items::Str(v) => json!(v[r].iter().map(|&s| ev.resolve(s)).collect::<Vec<_>>()),
                    }
                }
            })
            .collect(),
    };
    assert_eq!(values.len(), table.len, "column {kind_name}.{field} has len entries");
    serde_json::Value::Array(values)
}

const SPEC_EXAMPLE: &str = r#"{
  "app": { "id": "com.example.notes", "name": "Notes", "platform": "android", "version": "2.1.0" },
  "collected": ["permission", "api", "flow"],
  "facts": {
    "permission": [ { "name": "android.permission.READ_CONTACTS", "source": "manifest" } ],
    "flow": [ { "host": "api.example.cn", "country": "CN", "port": 443, "tls": true, "data": ["device_id"] } ]
  }
}"#;

#[test]
fn the_spec_example_reads_into_columns() {
    let schema = mobile_schema();
    let ev = read(SPEC_EXAMPLE).unwrap();
    assert_eq!(
        serde_json::Value::Object(ev.app.clone()),
        json!({"id": "com.example.notes", "name": "Notes", "platform": "android", "version": "2.1.0"})
    );
    let keys: Vec<&str> = ev.app.keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "name", "platform", "version"], "app member order is kept");
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    assert_eq!(ev.tables.len(), schema.kinds.len());
    for (table, decl) in ev.tables.iter().zip(&schema.kinds) {
        assert_eq!(table.columns.len(), decl.fields.len(), "{}", decl.name);
        let expect_observed = ["permission", "api", "flow"].contains(&decl.name.as_str());
        assert_eq!(table.observed, expect_observed, "{}", decl.name);
    }
    assert_eq!(ev.table(kind(&schema, "permission")).unwrap().len, 1);
    assert_eq!(ev.table(kind(&schema, "api")).unwrap().len, 0);
    assert_eq!(ev.table(kind(&schema, "sdk")).unwrap().len, 0);
    assert_eq!(column_json(&ev, &schema, "permission", "name"), json!(["android.permission.READ_CONTACTS"]));
    assert_eq!(column_json(&ev, &schema, "permission", "source"), json!(["manifest"]));
    assert_eq!(column_json(&ev, &schema, "permission", "granted"), json!([null]));
    assert_eq!(column_json(&ev, &schema, "flow", "host"), json!(["api.example.cn"]));
    assert_eq!(column_json(&ev, &schema, "flow", "port"), json!([443]));
    assert_eq!(column_json(&ev, &schema, "flow", "tls"), json!([true]));
    assert_eq!(column_json(&ev, &schema, "flow", "data"), json!([["device_id"]]));
    assert_eq!(column_json(&ev, &schema, "flow", "ip"), json!([null]));
    assert_eq!(column_json(&ev, &schema, "flow", "before_consent"), json!([null]));
}

#[test]
fn optional_fields_may_be_missing_or_null() {
    let schema = mobile_schema();
    let ev = read(&doc(r#""flow": [
            {"host": "a", "port": null, "tls": null, "data": null, "country": null},
            {"host": "b", "port": 80, "data": []},
            {"host": "c", "data": ["x", "y"], "tls": false, "bytes_out": -5}
        ]"#))
    .unwrap();
    assert_eq!(column_json(&ev, &schema, "flow", "host"), json!(["a", "b", "c"]));
    assert_eq!(column_json(&ev, &schema, "flow", "port"), json!([null, 80, null]));
    assert_eq!(column_json(&ev, &schema, "flow", "tls"), json!([null, null, false]));
    assert_eq!(column_json(&ev, &schema, "flow", "data"), json!([null, [], ["x", "y"]]));
    assert_eq!(column_json(&ev, &schema, "flow", "country"), json!([null, null, null]));
    assert_eq!(column_json(&ev, &schema, "flow", "bytes_out"), json!([null, null, -5]));
}

#[test]
fn numbers_for_int_and_float_fields() {
    let schema = mobile_schema();
    let ev = read(&doc(r#""metric": [
            {"value": 1, "weight": -0.5, "counts": [9223372036854775807, -9223372036854775808, 0, -0]},
            {"value": 2.5e3, "weight": 18446744073709551615, "counts": [], "samples": [1, -2, 0.25, 1e308, 5e-324]},
            {"value": -7, "counts": [-1], "flags": [true, false]}
        ]"#))
    .unwrap();
    assert_eq!(column_json(&ev, &schema, "metric", "value"), json!([1.0, 2500.0, -7.0]));
    assert_eq!(column_json(&ev, &schema, "metric", "weight"), json!([-0.5, 18446744073709551615.0_f64, null]));
    assert_eq!(column_json(&ev, &schema, "metric", "counts"), json!([[i64::MAX, i64::MIN, 0, 0], [], [-1]]));
    assert_eq!(column_json(&ev, &schema, "metric", "samples"), json!([null, [1.0, -2.0, 0.25, 1e308, 5e-324], null]));
    assert_eq!(column_json(&ev, &schema, "metric", "flags"), json!([null, null, [true, false]]));
}

#[test]
fn collected_kinds_are_observed_and_empty() {
    let schema = mobile_schema();
    let ev = read(r#"{"app": {"id": "x"}, "collected": ["behavior", "finding"], "facts": {"sdk": []}}"#).unwrap();
    let observed: Vec<&str> =
        schema.kinds.iter().zip(&ev.tables).filter(|(_, t)| t.observed).map(|(k, _)| k.name.as_str()).collect();
    assert_eq!(observed, ["sdk", "behavior", "finding"]);
    for table in &ev.tables {
        assert_eq!(table.len, 0);
        assert!(table.columns.iter().all(|c| column_len(c) == 0));
    }
    let ev = read(r#"{"app": {"id": "x"}, "facts": {}, "collected": null}"#).unwrap();
    assert!(ev.tables.iter().all(|t| !t.observed), "collected: null is no analysis");
    let ev = read(r#"{"app": {"id": "x"}, "facts": {}, "collected": ["flow", "flow"]}"#).unwrap();
    assert!(ev.table(kind(&schema, "flow")).unwrap().observed, "a kind named twice in collected is fine");
}

fn column_len(column: &Column) -> usize {
    match column {
        Column::Bool(v) => v.len(),
        Column::Int(v) => v.len(),
        Column::Float(v) => v.len(),
        Column::Str(v) => v.len(),
        Column::List(l) => l.ranges.len(),
    }
}

#[test]
fn undeclared_kinds_fields_and_members_warn_once_each() {
    let schema = mobile_schema();
    let ev = read(
        r#"{"app": {"id": "x"}, "scanner": {"v": [1, {"a": null}]}, "collected": ["foo", "flow", "bar"],
            "facts": {
              "foo": [{"a": 1}, {"a": 2}],
              "flow": [{"host": "a", "extra": 1}, {"host": "b", "extra": {"x": [1]}, "other": null}, {"host": "c", "extra": 3}],
              "permission": [{"name": "p", "extra": true}],
              "baz": "anything"
            }}"#,
    )
    .unwrap();
    let mut warnings = ev.warnings.clone();
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "undeclared fact kind `bar` ignored",
            "undeclared fact kind `baz` ignored",
            "undeclared fact kind `foo` ignored",
            "undeclared field `flow.extra` ignored",
            "undeclared field `flow.other` ignored",
            "undeclared field `permission.extra` ignored",
            "unknown top-level member `scanner` ignored",
        ]
    );
    assert_eq!(column_json(&ev, &schema, "flow", "host"), json!(["a", "b", "c"]));
    assert!(ev.table(kind(&schema, "flow")).unwrap().observed);
    assert!(!ev.table(kind(&schema, "sdk")).unwrap().observed);
}

#[test]
fn strings_are_interned() {
    let schema = mobile_schema();
    let symbols = symbols();
    let ev = indicia::evidence::read_evidence(
        doc(r#""flow": [
              {"host": "a.example", "country": "CN", "data": ["location", "device_id", "a.example"]},
              {"host": "a.example", "country": "US", "data": ["device_id", "loc\u0061tion"], "sdk": "US"}
            ],
            "permission": [{"name": "android.permission.READ_CONTACTS", "source": "manifest"}]"#)
        .as_bytes(),
        &schema,
        &symbols,
    )
    .unwrap();
    let seeded = LITERALS.len() as u32;
    let sym = |lit: &str| LITERALS.iter().position(|l| *l == lit).unwrap() as u32;
    let flow = ev.table(kind(&schema, "flow")).unwrap();
    let col = |name: &str| flow.column(schema.kind(kind(&schema, "flow")).unwrap().field_id(name).unwrap()).unwrap();
    let Column::Str(hosts) = col("host") else { panic!() };
    let Column::Str(countries) = col("country") else { panic!() };
    let Column::Str(sdks) = col("sdk") else { panic!() };
    let Column::List(data) = col("data") else { panic!() };
    let Items::Str(items) = &data.items else { panic!() };
    assert_eq!(countries[0], Some(sym("CN")), "a pack literal gets its seeded symbol");
    assert_eq!(items[0], sym("location"));
    assert_eq!(items[4], sym("location"), "an escaped string equals its plain form");
    assert_eq!(hosts[0], hosts[1], "equal strings, equal symbols");
    assert!(hosts[0].unwrap() >= seeded, "a local string comes after the literals");
    assert_eq!(items[2], hosts[0].unwrap(), "across fields and lists too");
    assert_eq!(items[1], items[3]);
    assert_eq!(countries[1], sdks[1]);
    assert_ne!(countries[1], countries[0]);
    assert_eq!(ev.resolve(hosts[0].unwrap()), "a.example");
    assert_eq!(ev.resolve(countries[1].unwrap()), "US");
    assert_eq!(ev.resolve(items[1]), "device_id");
    assert_eq!(ev.resolve(sym("manifest")), "manifest");
    let mut local: Vec<&str> = ev.local.iter().collect();
    local.sort();
    assert_eq!(local, ["US", "a.example", "device_id"]);
    for (i, s) in ev.local.iter().enumerate() {
        assert_eq!(ev.resolve(seeded + i as u32), s);
    }
    let permission = ev.table(kind(&schema, "permission")).unwrap();
    let Column::Str(names) = permission.column(indicia::hir::FieldId(0)).unwrap() else { panic!() };
    assert_eq!(names[0], Some(sym("android.permission.READ_CONTACTS")));
    assert!(std::sync::Arc::ptr_eq(&ev.symbols, &symbols));
}

#[test]
fn unicode_and_escapes_survive() {
    let schema = mobile_schema();
    let ev = read(&doc(r#""flow": [{"host": "\ud83d\ude00 \u00e9\n\"\\/ 漢字"}]"#)).unwrap();
    assert_eq!(column_json(&ev, &schema, "flow", "host"), json!(["😀 é\n\"\\/ 漢字"]));
    let ev = read(&format!("\u{feff}{}", doc(""))).map(|_| ()).unwrap_err();
    assert!(ev.detail().starts_with("invalid JSON"), "a byte-order mark is not JSON: {}", ev.detail());
}

#[test]
fn the_reader_is_reusable() {
    let schema = mobile_schema();
    let symbols = symbols();
    let mut reader = EvidenceReader::new(&schema, &symbols);
    let first = reader.read(doc(r#""flow": [{"host": "one", "zz": 1}], "foo": []"#).as_bytes()).unwrap();
    assert!(reader.read(doc(r#""flow": [{"host": 1}]"#).as_bytes()).is_err());
    let third = reader.read(doc(r#""flow": [{"host": "two"}, {"host": "one"}]"#).as_bytes()).unwrap();
    assert_eq!(first.local.len(), 1);
    assert_eq!(third.local.len(), 2);
    assert_eq!(column_json(&third, &schema, "flow", "host"), json!(["two", "one"]));
    assert_eq!(first.warnings.len(), 2);
    assert!(third.warnings.is_empty(), "warnings are per object: {:?}", third.warnings);
    assert!(!third.table(kind(&schema, "permission")).unwrap().observed);
    let again = reader.read(SPEC_EXAMPLE.as_bytes()).unwrap();
    let fresh = read(SPEC_EXAMPLE).unwrap();
    assert_eq!(format!("{:?}", again.tables), format!("{:?}", fresh.tables));
    assert_eq!(again.local, fresh.local);
}

#[test]
fn fact_json_rebuilds_declared_fields() {
    let schema = mobile_schema();
    let ev = read(&doc(r#""flow": [
            {"host": "h", "extra": 1, "port": 8080, "tls": null, "data": ["location", "x"], "country": "CN"},
            {"data": [], "host": "g"}
        ],
        "metric": [{"value": 3, "counts": [1, 2], "samples": [0.5], "flags": [false]}]"#))
    .unwrap();
    let flow = kind(&schema, "flow");
    assert_eq!(
        ev.fact_json(&schema, flow, 0),
        json!({"host": "h", "country": "CN", "port": 8080, "data": ["location", "x"]})
    );
    let keys: Vec<String> = ev.fact_json(&schema, flow, 0).as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["host", "country", "port", "data"], "declaration order");
    assert_eq!(ev.fact_json(&schema, flow, 1), json!({"host": "g", "data": []}));
    assert_eq!(ev.fact_json(&schema, flow, 2), json!({}));
    assert_eq!(
        ev.fact_json(&schema, kind(&schema, "metric"), 0),
        json!({"value": 3.0, "counts": [1, 2], "samples": [0.5], "flags": [false]})
    );
}
