//! The peer engines of `benches/peers.rs` give the same verdicts as indicia — fail, pass and
//! inconclusive alike, or fail and not fail for the two-valued Rego policy — on every evidence
//! object the bench uses: the pack's fixtures, the example evidence, and generated evidence (the
//! bench's ~200-fact object and 300 smaller ones that mix missing and null fields, unobserved and
//! empty kinds), plus a few hand-written edge cases of the format that the generator never writes.
//! Without this check the bench would compare engines that compute different things.
//!
//! Runs only with `--features peers` (`cargo test --features peers --test peers_agree`).
#![cfg(feature = "peers")]

#[path = "../benches/peers/evidence.rs"]
mod evidence;
#[path = "../benches/peers/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

use harness::{CelPeer, RegoPeer, RvmPeer, Verdicts};
use indicia::Engine;
use indicia::outcome::Outcomes;

const PACK: &str = "rules/tw-mabis-v4";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn engine() -> Engine {
    Engine::from_path(root().join(PACK)).expect("the built-in pack compiles")
}

fn verdicts(engine: &Engine, outcomes: &Outcomes) -> Verdicts {
    engine
        .pack()
        .indicators
        .iter()
        .zip(&outcomes.indicators)
        .map(|(indicator, outcome)| (indicator.id.clone(), outcome.verdict.name().to_string()))
        .collect()
}

/// Valid evidence that the generator never writes (docs/evidence.md): `collected` null, which counts
/// as absent; a kind observed with no facts, in `facts` or only in `collected`; flows whose `data` is
/// null. Each app shows something a gated indicator looks for, so whether the manifest counts as
/// read decides its verdict.
const EDGE_CASES: &[(&str, &str)] = &[
    (
        "collected null, a behavior seen, no manifest read",
        r#"{"app":{"id":"edge1"},"collected":null,"facts":{"behavior":[{"kind":"location_read"},{"kind":"face_capture"}]}}"#,
    ),
    (
        "a manifest read that declares nothing",
        r#"{"app":{"id":"edge2"},"facts":{"permission":[],"behavior":[{"kind":"location_read"},{"kind":"storage_read"}]}}"#,
    ),
    (
        "a manifest read, named only in collected",
        r#"{"app":{"id":"edge3"},"collected":["permission"],"facts":{"behavior":[{"kind":"contacts_read"}]}}"#,
    ),
    (
        "collected null, flows with null data",
        r#"{"app":{"id":"edge4"},"collected":null,"facts":{"flow":[{"host":"a.example","data":null,"state":"background","sdk":"x","before_consent":true,"country":"TW"},{"host":"b.example","country":null}]}}"#,
    ),
];

/// Every evidence object the bench uses, by name.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["rules/tw-mabis-v4/tests/fixtures", "examples/evidence"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("a readable fixture");
            out.push((display(&path), bytes));
        }
    }
    for (name, json) in EDGE_CASES {
        out.push((format!("edge case: {name}"), json.as_bytes().to_vec()));
    }
    let (seed, json) = evidence::bench_object();
    out.push((format!("generated seed {seed} (the bench's object)"), json.into_bytes()));
    for seed in 0..300u64 {
        out.push((format!("generated seed {seed}"), evidence::generate(seed, (seed % 60) as usize).into_bytes()));
    }
    out
}

fn display(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

#[test]
fn every_peer_gives_indicias_verdicts() {
    let engine = engine();
    let mut scratch = indicia::eval::Scratch::new();
    let mut rego = RegoPeer::new().expect("the Rego policy loads");
    let mut rvm = RvmPeer::new().expect("the Rego policy compiles to RVM bytecode");
    let cel = CelPeer::new().expect("the CEL programs compile");
    let mut fail_only = RegoPeer::with(&harness::TWO_VALUED).expect("the two-valued Rego policy loads");
    let mut fail_only_vm =
        RvmPeer::with(&harness::TWO_VALUED).expect("the two-valued Rego policy compiles to RVM bytecode");
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (name, bytes) in corpus() {
        let evidence = engine.read_evidence(&bytes).unwrap_or_else(|e| panic!("{name}: indicia rejects it: {e}"));
        let ours = verdicts(&engine, &indicia::eval::evaluate(engine.program(), &evidence, &mut scratch));
        assert_eq!(ours.len(), 15, "{name}");
        let reference =
            verdicts(&engine, &indicia_testkit::reference::evaluate(engine.pack(), engine.params(), &evidence));
        assert_eq!(reference, ours, "{name}: the reference interpreter disagrees");

        let input = RegoPeer::parse(&bytes).expect("regorus parses the JSON");
        let by_rego = harness::rego_verdicts(&rego.eval(&input).expect("regorus evaluates")).expect("an object");
        assert_eq!(by_rego, ours, "{name}: regorus disagrees");
        let by_rvm = harness::rego_verdicts(&rvm.eval(&input).expect("the RVM executes")).expect("an object");
        assert_eq!(by_rvm, ours, "{name}: the regorus RVM disagrees");
        // The two-valued policy agrees on fail / not fail (pass and inconclusive alike are "not").
        let failed = harness::failed_ids(&ours);
        let by_fail_only = harness::rego_failed(&fail_only.eval(&input).expect("regorus evaluates")).expect("a set");
        assert_eq!(by_fail_only, failed, "{name}: the two-valued Rego policy disagrees");
        let by_fail_only_vm =
            harness::rego_failed(&fail_only_vm.eval(&input).expect("the RVM executes")).expect("a set");
        assert_eq!(by_fail_only_vm, failed, "{name}: the two-valued Rego policy on the RVM disagrees");

        let input = CelPeer::parse(&bytes).expect("the cel crate reads the JSON");
        let by_cel = cel.verdicts(&cel.eval(&input).expect("CEL evaluates")).expect("strings");
        assert_eq!(by_cel, ours, "{name}: CEL disagrees");

        for verdict in ours.values() {
            *seen.entry(verdict.clone()).or_default() += 1;
        }
    }
    // The corpus exercises all three verdicts, so agreement on inconclusive is tested too.
    for verdict in ["fail", "pass", "inconclusive"] {
        assert!(seen.get(verdict).copied().unwrap_or(0) >= 100, "too few {verdict} verdicts: {seen:?}");
    }
}

#[test]
fn the_bench_object_is_about_200_facts_and_15_kb() {
    let (_, json) = evidence::bench_object();
    let facts = evidence::count_facts(&json);
    assert!((190..=215).contains(&facts), "{facts} facts");
    assert!((13_000..=18_000).contains(&json.len()), "{} bytes", json.len());
}
