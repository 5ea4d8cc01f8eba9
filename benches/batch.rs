//! The whole path of one app in a batch, from its JSON line to its JSON report, on one thread:
//! read and validate the evidence (into one reused `Evidence`), evaluate and write the report line (`Engine::evaluate_into_json`
//! into a reused buffer, as `indicia eval` does), next to the baseline of issue 6 (`serde_json::from_slice::<Value>` of the
//! same line) and the validate-only floor of issue 18 (`serde_json::from_slice::<IgnoredAny>`: the JSON is
//! checked and nothing is built; no reader of the same file can be faster than this). Evidence comes from `indicia::gen` (about 75 bytes a fact; 16 different apps
//! taken in turn).
//!
//! - `batch_stages_200_facts`: the floor, the baseline and the stages cumulated, at 200 facts (≈15 KB): read,
//!   read + evaluate into a `Report`, + `serde_json::to_writer` of it, and the command's path
//!   (read into one reused `Evidence` + `evaluate_into_json`);
//! - `batch_facts`: the whole path, the baseline and the floor against facts per app (50 to 5,000), built-in pack;
//! - `batch_indicators`: the whole path against indicators (generated packs of 10 to 10,000), 200 facts.
//!
//! Run: `cargo bench --bench batch`. Whole-batch figures on every core come from `indicia eval`
//! itself (docs/performance.md).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicia::{Engine, Evidence};
use indicia_testkit::generate::{EvidenceGenerator, generate_pack};

const APPS: u64 = 16;

fn apps(facts: usize) -> Vec<Vec<u8>> {
    let generator = EvidenceGenerator::new(facts, 11);
    (0..APPS).map(|i| generator.app(i).into_bytes()).collect()
}

/// Reads, evaluates and serialises one app, as `indicia eval` does for a batch line: read into
/// one reused `Evidence`, then written straight from the outcomes.
fn whole(engine: &Engine, json: &[u8], evidence: &mut Evidence, out: &mut Vec<u8>) -> usize {
    out.clear();
    match engine.read_evidence_into(json, evidence) {
        Ok(()) => engine.evaluate_into_json(evidence, out),
        Err(error) => {
            eprintln!("generated evidence rejected: {error}");
            std::process::exit(1);
        }
    }
    out.len()
}

/// Benchmarks `f` over the apps in turn.
fn each_app(apps: &[Vec<u8>], mut f: impl FnMut(&[u8]) -> usize) -> impl FnMut(&mut criterion::Bencher<'_>) {
    move |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % apps.len();
            black_box(f(black_box(apps.get(i).map_or(&[][..], Vec::as_slice))))
        })
    }
}

/// The validate-only floor: serde_json checks the whole line and builds nothing.
fn validate_only(json: &[u8]) -> usize {
    serde_json::from_slice::<serde::de::IgnoredAny>(json).is_ok() as usize
}

fn mean_len(apps: &[Vec<u8>]) -> u64 {
    (apps.iter().map(Vec::len).sum::<usize>() / apps.len()) as u64
}

fn stages(c: &mut Criterion) {
    let engine = Engine::builtin();
    let apps = apps(200);
    let mut group = c.benchmark_group("batch_stages_200_facts");
    group.throughput(Throughput::Bytes(mean_len(&apps)));
    group.bench_function("validate_only", each_app(&apps, validate_only));
    group.bench_function(
        "value_parse",
        each_app(&apps, |json| serde_json::from_slice::<serde_json::Value>(json).map_or(0, |v| v.is_object() as usize)),
    );
    group.bench_function("read", each_app(&apps, |json| engine.read_evidence(json).map_or(0, |e| e.tables.len())));
    group.bench_function(
        "read_evaluate",
        each_app(&apps, |json| engine.read_evidence(json).map_or(0, |e| engine.evaluate(&e).indicators.len())),
    );
    let mut out = Vec::new();
    let mut evidence = Evidence::default();
    group.bench_function(
        "read_evaluate_serialize",
        each_app(&apps, |json| {
            out.clear();
            if let Ok(evidence) = engine.read_evidence(json) {
                let _ = serde_json::to_writer(&mut out, &engine.evaluate(&evidence));
            }
            out.len()
        }),
    );
    group.bench_function(
        "read_evaluate_into_json",
        each_app(&apps, |json| whole(&engine, json, &mut evidence, &mut out)),
    );
    group.finish();
}

fn facts(c: &mut Criterion) {
    let engine = Engine::builtin();
    let mut group = c.benchmark_group("batch_facts");
    let mut out = Vec::new();
    let mut evidence = Evidence::default();
    for n in [50usize, 200, 1_000, 5_000] {
        let apps = apps(n);
        group.throughput(Throughput::Bytes(mean_len(&apps)));
        group.bench_function(
            format!("whole/{n}"),
            each_app(&apps, |json| whole(&engine, json, &mut evidence, &mut out)),
        );
        group.bench_function(format!("validate_only/{n}"), each_app(&apps, validate_only));
        group.bench_function(
            format!("value_parse/{n}"),
            each_app(&apps, |json| {
                serde_json::from_slice::<serde_json::Value>(json).map_or(0, |v| v.is_object() as usize)
            }),
        );
    }
    group.finish();
}

fn indicators(c: &mut Criterion) {
    let apps = apps(200);
    let mut group = c.benchmark_group("batch_indicators");
    group.sample_size(20);
    let mut out = Vec::new();
    let mut evidence = Evidence::default();
    for n in [10usize, 100, 1_000, 10_000] {
        let engine = match Engine::from_source("generated", &generate_pack(n)) {
            Ok(engine) => engine,
            Err(error) => {
                eprintln!("the generated pack of {n} does not compile: {error}");
                std::process::exit(1);
            }
        };
        group.bench_function(
            format!("whole/{n}"),
            each_app(&apps, |json| whole(&engine, json, &mut evidence, &mut out)),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = stages, facts, indicators
}
criterion_main!(benches);
