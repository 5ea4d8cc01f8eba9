//! Property tests of the evidence reader: no input panics, generated valid evidence reads back
//! into the columns it was made from, deep nesting and huge lines are handled.

// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

#[path = "evidence/common.rs"]
mod common;

use std::collections::HashMap;

use common::{edited_sample, edits, mobile_schema, read, symbols};
use indicia::evidence::{Column, Evidence, EvidenceError, Items, read_evidence};
use indicia::hir::{KindId, ScalarType, Schema, Type};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn read_bytes(bytes: &[u8]) -> Result<Evidence, EvidenceError> {
    read_evidence(bytes, &mobile_schema(), &symbols())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = read_bytes(&bytes);
    }

    /// Random edits of a valid object: never a panic, and never accepted unless it is JSON.
    #[test]
    fn mutated_evidence_never_panics(edits in edits()) {
        let bytes = edited_sample(&edits);
        let ours = read_bytes(&bytes);
        if ours.is_ok() {
            prop_assert!(serde_json::from_slice::<Value>(&bytes).is_ok(), "accepted text that is not JSON");
        }
        if let Err(err) = ours {
            prop_assert!(!err.detail().is_empty());
        }
    }
}

/// A generated fact: per declared field, absent, null or a value; plus undeclared members.
#[derive(Clone, Debug)]
struct GenFact {
    fields: Vec<Slot>,
    extra: Vec<(String, Value)>,
    order_seed: u64,
}

#[derive(Clone, Debug)]
enum Slot {
    Absent,
    Null,
    Given(Value),
}

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "CN",
            "location",
            "manifest",
            "US",
            "a.example.com",
            "",
            "android.permission.READ_CONTACTS"
        ])
        .prop_map(str::to_owned),
        "[a-c]{0,3}",
        "\\PC{0,12}",
        "[\"\\\\/\u{0}-\u{1f}\u{7f}\u{e9}\u{1F600}]{0,6}",
    ]
}

fn scalar_value(scalar: ScalarType) -> BoxedStrategy<Value> {
    match scalar {
        ScalarType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ScalarType::Int => prop_oneof![any::<i64>(), -3i64..3].prop_map(|n| json!(n)).boxed(),
        ScalarType::Float => prop_oneof![
            (-1000i32..1000).prop_map(|n| f64::from(n) / 8.0),
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
            Just(0.0),
            Just(f64::MIN_POSITIVE),
            Just(f64::MAX),
        ]
        .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number))
        .boxed(),
        ScalarType::Str => string_value().prop_map(Value::String).boxed(),
    }
}

fn field_value(ty: Type) -> BoxedStrategy<Value> {
    if ty.list {
        proptest::collection::vec(scalar_value(ty.scalar), 0..4).prop_map(Value::Array).boxed()
    } else {
        scalar_value(ty.scalar)
    }
}

fn gen_fact(schema: &Schema, kind: usize) -> BoxedStrategy<GenFact> {
    let slots: Vec<BoxedStrategy<Slot>> = schema.kinds[kind]
        .fields
        .iter()
        .map(|f| {
            let value = field_value(f.ty).prop_map(Slot::Given);
            if f.optional {
                prop_oneof![2 => value, 1 => Just(Slot::Absent), 1 => Just(Slot::Null)].boxed()
            } else {
                value.boxed()
            }
        })
        .collect();
    let extra = proptest::collection::vec(
        (
            prop::sample::select(vec!["zz", "note2", "x y"]),
            prop_oneof![Just(json!(null)), Just(json!({"a": [1, 2.5, "s"]}))],
        ),
        0..2,
    )
    .prop_map(|mut extra| {
        extra.sort_by(|a, b| a.0.cmp(b.0));
        extra.dedup_by(|a, b| a.0 == b.0);
        extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Vec<_>>()
    });
    (slots, extra, any::<u64>()).prop_map(|(fields, extra, order_seed)| GenFact { fields, extra, order_seed }).boxed()
}

/// Per kind: not in `facts`, or its facts.
fn gen_facts(schema: &Schema) -> BoxedStrategy<Vec<Option<Vec<GenFact>>>> {
    let kinds: Vec<_> = (0..schema.kinds.len())
        .map(|k| proptest::option::weighted(0.7, proptest::collection::vec(gen_fact(schema, k), 0..5)))
        .collect();
    kinds.boxed()
}

/// The JSON of one fact, members in a shuffled order.
fn fact_to_json(schema: &Schema, kind: usize, fact: &GenFact) -> Value {
    let mut members: Vec<(String, Value)> = Vec::new();
    for (decl, slot) in schema.kinds[kind].fields.iter().zip(&fact.fields) {
        match slot {
            Slot::Absent => {}
            Slot::Null => members.push((decl.name.clone(), Value::Null)),
            Slot::Given(v) => members.push((decl.name.clone(), v.clone())),
        }
    }
    members.extend(fact.extra.iter().cloned());
    let mut seed = fact.order_seed;
    for i in (1..members.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        members.swap(i, (seed >> 33) as usize % (i + 1));
    }
    Value::Object(members.into_iter().collect())
}

/// The value a column should hold for one slot (strings compared by text).
fn expected_cell(slot: &Slot) -> Value {
    match slot {
        Slot::Given(v) => v.clone(),
        Slot::Absent | Slot::Null => Value::Null,
    }
}

fn cell(ev: &Evidence, column: &Column, i: usize) -> Value {
    match column {
        Column::Bool(v) => json!(v[i]),
        Column::Int(v) => json!(v[i]),
        Column::Float(v) => json!(v[i]),
        Column::Str(v) => json!(v[i].map(|s| ev.resolve(s))),
        Column::List(list) => match list.ranges[i] {
            None => Value::Null,
            Some((a, b)) => {
                let r = a as usize..b as usize;
                match &list.items {
                    Items::Bool(v) => json!(v[r]),
                    Items::Int(v) => json!(v[r]),
                    Items::Float(v) => json!(v[r]),
                    Items::Str(v) => json!(v[r].iter().map(|&s| ev.resolve(s)).collect::<Vec<_>>()),
                }
            }
        },
    }
}

/// Equal values, floats exactly (the reader parses them correctly rounded) and by value.
fn same_value(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) if b.is_f64() || a.is_f64() => {
            a.as_f64().unwrap().to_bits() == b.as_f64().unwrap().to_bits()
        }
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y)),
        _ => got == want,
    }
}

/// Every string cell's symbol, to check that equal strings have equal symbols.
fn string_syms(ev: &Evidence, syms: &mut HashMap<u32, String>) {
    for table in &ev.tables {
        for column in &table.columns {
            let all: Vec<u32> = match column {
                Column::Str(v) => v.iter().flatten().copied().collect(),
                Column::List(list) => match &list.items {
                    Items::Str(v) => v.clone(),
                    _ => vec![],
                },
                _ => vec![],
            };
            for s in all {
                syms.insert(s, ev.resolve(s).to_owned());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_evidence_round_trips(
        facts in gen_facts(&mobile_schema()),
        collected in proptest::option::of(proptest::collection::vec(prop::sample::select(vec!["flow", "api", "nope", "metric", "sdk"]), 0..4)),
        pretty in any::<bool>(),
    ) {
        let schema = mobile_schema();
        let mut facts_json = Map::new();
        for (k, kind_facts) in facts.iter().enumerate() {
            if let Some(kind_facts) = kind_facts {
                let list = kind_facts.iter().map(|f| fact_to_json(&schema, k, f)).collect();
                facts_json.insert(schema.kinds[k].name.clone(), Value::Array(list));
            }
        }
        let mut doc = Map::new();
        if let Some(collected) = &collected {
            doc.insert("collected".into(), json!(collected));
        }
        doc.insert("facts".into(), Value::Object(facts_json));
        doc.insert("app".into(), json!({"id": "com.example", "n": [1, {"b": null}]}));
        let doc = Value::Object(doc);
        let text = if pretty { serde_json::to_string_pretty(&doc).unwrap() } else { serde_json::to_string(&doc).unwrap() };
        let ev = read(&text).map_err(|e| TestCaseError::fail(format!("{e} in {text}")))?;

        prop_assert_eq!(Value::Object(ev.app.clone()), json!({"id": "com.example", "n": [1, {"b": null}]}));
        let collected = collected.unwrap_or_default();
        for (k, kind) in schema.kinds.iter().enumerate() {
            let table = ev.table(KindId(k as u32)).unwrap();
            let given = facts[k].as_deref().unwrap_or_default();
            prop_assert_eq!(table.observed, facts[k].is_some() || collected.contains(&kind.name.as_str()), "{}", kind.name);
            prop_assert_eq!(table.len, given.len());
            prop_assert_eq!(table.columns.len(), kind.fields.len());
            for (f, column) in table.columns.iter().enumerate() {
                for (i, fact) in given.iter().enumerate() {
                    let (got, want) = (cell(&ev, column, i), expected_cell(&fact.fields[f]));
                    prop_assert!(same_value(&got, &want), "{}[{}].{}: {} != {}", kind.name, i, kind.fields[f].name, got, want);
                }
            }
            for (i, fact) in given.iter().enumerate() {
                let want: Map<String, Value> = kind.fields.iter().zip(&fact.fields)
                    .filter_map(|(d, s)| match s { Slot::Given(v) => Some((d.name.clone(), v.clone())), _ => None })
                    .collect();
                let got = ev.fact_json(&schema, KindId(k as u32), i);
                prop_assert!(same_value(&Value::Array(got.as_object().unwrap().values().cloned().collect()),
                    &Value::Array(want.values().cloned().collect())), "fact_json {} {}", got, Value::Object(want.clone()));
                prop_assert_eq!(got.as_object().unwrap().keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
            }
        }
        // One warning per undeclared kind and per kind and field.
        let mut expected_warnings: Vec<String> = Vec::new();
        if collected.contains(&"nope") {
            expected_warnings.push("undeclared fact kind `nope` ignored".into());
        }
        for (k, kind_facts) in facts.iter().enumerate() {
            for fact in kind_facts.iter().flatten() {
                for (name, _) in &fact.extra {
                    let w = format!("undeclared field `{}.{}` ignored", schema.kinds[k].name, name);
                    if !expected_warnings.contains(&w) {
                        expected_warnings.push(w);
                    }
                }
            }
        }
        let mut warnings = ev.warnings.clone();
        warnings.sort();
        expected_warnings.sort();
        prop_assert_eq!(warnings, expected_warnings);
        // Interning: one symbol per distinct string, literals at their seeded symbols.
        let mut syms = HashMap::new();
        string_syms(&ev, &mut syms);
        let mut texts: Vec<&String> = syms.values().collect();
        let distinct = texts.len();
        texts.sort();
        texts.dedup();
        prop_assert_eq!(texts.len(), distinct, "two symbols for one string");
        for (sym, text) in &syms {
            if let Some(i) = common::LITERALS.iter().position(|l| l == text) {
                prop_assert_eq!(*sym, i as u32);
            } else {
                prop_assert!(*sym as usize >= common::LITERALS.len());
            }
        }
    }
}

fn nested(prefix: &str, open: &str, depth: usize, suffix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + open.len() * depth + suffix.len());
    s.push_str(prefix);
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(suffix);
    s
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    const DEPTH: usize = 100_000;
    let deep = "nested more than 128 levels deep";
    let cases = [
        (nested("", "[", DEPTH, ""), "", "expected one JSON object, found array"),
        (nested("", "{\"a\":", DEPTH, ""), "", deep),
        (nested(r#"{"app": {"id": "x", "v": "#, "[", DEPTH, ""), "", deep),
        (nested(r#"{"app": {"id": "x"}, "facts": {"foo": "#, "[", DEPTH, ""), "", deep),
        (nested(r#"{"app": {"id": "x"}, "facts": {"flow": [{"host": "a", "zz": "#, "{\"k\": ", DEPTH, ""), "", deep),
        (
            nested(r#"{"app": {"id": "x"}, "facts": {"flow": [{"host": "a", "data": "#, "[", DEPTH, ""),
            "facts.flow[0].data[0]",
            "expected string, found array",
        ),
        (
            nested(r#"{"app": {"id": "x"}, "facts": {"flow": "#, "[", DEPTH, ""),
            "facts.flow[0]",
            "expected object, found array",
        ),
        (
            nested(r#"{"app": {"id": "x"}, "facts": {}, "collected": "#, "[", DEPTH, ""),
            "collected[0]",
            "expected string, found array",
        ),
        (nested(r#"{"app": {"id": "x"}, "facts": {}, "x": "#, "[", DEPTH, &"]".repeat(DEPTH)), "", deep),
    ];
    for (text, path, message) in cases {
        let err = read(&text).unwrap_err();
        assert!(err.detail().contains(message), "{}: {}", &text[..60], err.detail());
        if !path.is_empty() {
            assert_eq!(err.path(), path);
        } else if message == deep {
            // The path names where the limit was hit: about 128 levels of it.
            assert!(err.path().len() > 100, "{}", err.path());
        }
    }
    // 127 levels of free-form nesting are fine.
    let ok = nested(r#"{"app": {"id": "x"}, "facts": {}, "x": "#, "[", 126, &format!("{}}}", "]".repeat(126)));
    read(&ok).unwrap();
}

const HUGE: usize = 100_000_000;

#[test]
fn a_100_mb_string_field_reads() {
    let mut text = String::with_capacity(HUGE + 100);
    text.push_str(r#"{"app": {"id": "x"}, "facts": {"flow": [{"host": ""#);
    text.extend(std::iter::repeat_n('h', HUGE));
    text.push_str(r#"", "port": 1}]}}"#);
    let start = std::time::Instant::now();
    let ev = read(&text).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(ev.local.len(), 1);
    assert_eq!(ev.local.get(0).unwrap().len(), HUGE);
    drop(ev);
    // The same line with an error at its very end.
    text.push_str(" ,");
    let err = read(&text).unwrap_err();
    assert!(err.detail().starts_with("trailing data"), "{err}");
    println!("100 MB string field read in {elapsed:?}");
}

#[test]
#[ignore = "about 3 s in a debug build: run with --ignored"]
fn a_100_mb_line_of_facts_reads() {
    let fact = r#"{"host": "api.example.com", "port": 443, "tls": true, "data": ["device_id", "location"], "zz": [1, {"a": "b"}]},"#;
    let n = HUGE / fact.len();
    let mut text = String::with_capacity(HUGE + 200);
    text.push_str(r#"{"app": {"id": "x"}, "facts": {"flow": ["#);
    for _ in 0..n {
        text.push_str(fact);
    }
    text.pop();
    text.push_str("]}}");
    let start = std::time::Instant::now();
    let ev = read(&text).unwrap();
    println!("100 MB of {n} facts read in {:?}", start.elapsed());
    assert_eq!(ev.tables[2].len, n);
    assert_eq!(ev.warnings.len(), 1);
    // Escaped strings, 100 MB of them in one value.
    let mut text = String::with_capacity(HUGE + 100);
    text.push_str(r#"{"app": {"id": "x"}, "facts": {"flow": [{"host": ""#);
    for _ in 0..HUGE / 6 {
        text.push_str("\\u00e9");
    }
    text.push_str(r#""}]}}"#);
    let ev = read(&text).unwrap();
    assert_eq!(ev.local.get(0).unwrap().chars().count(), HUGE / 6);
}

/// One fact with 100,000 undeclared members, then 100,000 small facts: linear, not a clear of
/// a big duplicate-detection set per fact.
#[test]
fn many_undeclared_members_stay_linear() {
    let mut text = String::from(r#"{"app": {"id": "x"}, "facts": {"flow": [{"host": "a""#);
    for i in 0..100_000 {
        text.push_str(&format!(r#", "k{i}": {i}"#));
    }
    text.push('}');
    for _ in 0..100_000 {
        text.push_str(r#", {"host": "b", "zz": 1}"#);
    }
    text.push_str("]}}");
    let start = std::time::Instant::now();
    let ev = read(&text).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(ev.tables[2].len, 100_001);
    assert_eq!(ev.warnings.len(), 100_001);
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
}
