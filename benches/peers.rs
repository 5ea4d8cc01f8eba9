//! indicia side by side with peer engines, on the same 15 indicators (rules/tw-mabis-v4, and its
//! translations benches/peers/tw_mabis.rego and benches/peers/tw_mabis.cel) and the same evidence.
//!
//! Engines: indicia's compiled program, indicia's reference interpreter, regorus (interpreter and
//! RVM bytecode VM) and the `cel` crate. regorus runs two translations: `regorus`/`regorus-rvm`
//! compute all three verdicts (`tw_mabis.rego`), `regorus-2v`/`regorus-2v-rvm` only which
//! indicators fail (`tw_mabis_fail.rego`, written for speed). Every engine is built once, as ours is, and measured in
//! four columns:
//!
//! - `construct`: engine construction (parse and compile the policy);
//! - `parse`: evidence JSON → the engine's input form;
//! - `eval`: a prebuilt engine over pre-parsed evidence → the 15 verdicts;
//! - `whole`: JSON bytes → the 15 verdicts with a prebuilt engine (`parse` + `eval`).
//!
//! Evidence sets: `fixtures` (the pack's 15 fixtures and the 6 example evidence files, one pass
//! over all 21 per iteration; criterion's throughput gives apps per second) and `gen200` (one
//! generated object of ~200 facts, ~16 KB). `tests/peers_agree.rs` checks first that every engine
//! gives indicia's verdicts on all of them.
//!
//! `scale1000` puts the compiled program beside the reference interpreter on a generated pack of
//! 1,000 indicators (`indicia_testkit::generate`).
//!
//! Run: `cargo bench --features peers --bench peers` (add `-- --quick` for a fast pass).

#[path = "peers/evidence.rs"]
mod evidence;
#[path = "peers/harness.rs"]
mod harness;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use harness::{CelPeer, RegoPeer, RvmPeer};
use indicia::Engine;
use indicia_testkit::generate::generate_pack;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pack_dir() -> PathBuf {
    root().join("rules/tw-mabis-v4")
}

/// The evidence sets: a name and the JSON of each app.
fn evidence_sets() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let mut fixtures = Vec::new();
    for dir in ["rules/tw-mabis-v4/tests/fixtures", "examples/evidence"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .expect("an evidence directory")
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        fixtures.extend(paths.iter().map(|path| std::fs::read(path).expect("a readable fixture")));
    }
    let (_, generated) = evidence::bench_object();
    vec![("fixtures", fixtures), ("gen200", vec![generated.into_bytes()])]
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    group
}

/// Before timing anything: every engine gives indicia's verdicts on every app of every set (the
/// full check, on more evidence, is `tests/peers_agree.rs`).
fn verify(_: &mut Criterion) {
    let engine = Engine::from_path(pack_dir()).expect("the pack compiles");
    let mut rego = RegoPeer::new().expect("the policy loads");
    let mut rvm = RvmPeer::new().expect("the policy compiles");
    let cel = CelPeer::new().expect("the programs compile");
    let mut fail_only = RegoPeer::with(&harness::TWO_VALUED).expect("the two-valued policy loads");
    let mut fail_only_vm = RvmPeer::with(&harness::TWO_VALUED).expect("the two-valued policy compiles");
    let mut apps = 0;
    for (set, jsons) in evidence_sets() {
        for (i, json) in jsons.iter().enumerate() {
            let evidence = engine.read_evidence(json).expect("valid evidence");
            let outcomes = indicia::eval::evaluate_once(engine.program(), &evidence);
            let ours: harness::Verdicts = engine
                .pack()
                .indicators
                .iter()
                .zip(&outcomes.indicators)
                .map(|(indicator, outcome)| (indicator.id.clone(), outcome.verdict.name().to_string()))
                .collect();
            let reference = indicia_testkit::reference::evaluate(engine.pack(), engine.params(), &evidence);
            let reference: harness::Verdicts = engine
                .pack()
                .indicators
                .iter()
                .zip(&reference.indicators)
                .map(|(indicator, outcome)| (indicator.id.clone(), outcome.verdict.name().to_string()))
                .collect();
            assert_eq!(reference, ours, "{set}[{i}]: the reference interpreter disagrees");
            let input = RegoPeer::parse(json).expect("JSON");
            let by_rego = harness::rego_verdicts(&rego.eval(&input).expect("evaluates")).expect("an object");
            assert_eq!(by_rego, ours, "{set}[{i}]: regorus disagrees");
            let by_rvm = harness::rego_verdicts(&rvm.eval(&input).expect("executes")).expect("an object");
            assert_eq!(by_rvm, ours, "{set}[{i}]: the RVM disagrees");
            let failed = harness::failed_ids(&ours);
            let by_2v = harness::rego_failed(&fail_only.eval(&input).expect("evaluates")).expect("a set");
            assert_eq!(by_2v, failed, "{set}[{i}]: the two-valued policy disagrees");
            let by_2v_vm = harness::rego_failed(&fail_only_vm.eval(&input).expect("executes")).expect("a set");
            assert_eq!(by_2v_vm, failed, "{set}[{i}]: the two-valued policy on the RVM disagrees");
            let input = CelPeer::parse(json).expect("JSON");
            let by_cel = cel.verdicts(&cel.eval(&input).expect("evaluates")).expect("strings");
            assert_eq!(by_cel, ours, "{set}[{i}]: CEL disagrees");
            apps += 1;
        }
    }
    println!("peers: all engines give the same verdicts on the {apps} apps measured");
}

fn construct(c: &mut Criterion) {
    let dir = pack_dir();
    let mut g = group(c, "peers/construct");
    g.sample_size(20);
    g.bench_function("indicia", |b| b.iter(|| Engine::from_path(black_box(&dir)).expect("the pack compiles")));
    g.bench_function("indicia-reference", |b| {
        b.iter(|| {
            let pack = indicia::load::check_path(black_box(&dir)).expect("the pack checks");
            let params = indicia::hir::ParamValues::defaults(&pack);
            (pack, params)
        })
    });
    g.bench_function("regorus", |b| b.iter(|| RegoPeer::new().expect("the policy loads")));
    g.bench_function("regorus-rvm", |b| b.iter(|| RvmPeer::new().expect("the policy compiles")));
    g.bench_function("regorus-2v", |b| b.iter(|| RegoPeer::with(&harness::TWO_VALUED).expect("the policy loads")));
    g.bench_function("regorus-2v-rvm", |b| {
        b.iter(|| RvmPeer::with(&harness::TWO_VALUED).expect("the policy compiles"))
    });
    g.bench_function("cel", |b| b.iter(|| CelPeer::new().expect("the programs compile")));
    g.finish();
}

fn parse(c: &mut Criterion) {
    let engine = Engine::from_path(pack_dir()).expect("the pack compiles");
    for (set, apps) in evidence_sets() {
        let mut g = group(c, &format!("peers/parse/{set}"));
        g.throughput(Throughput::Elements(apps.len() as u64));
        g.bench_function("indicia", |b| {
            b.iter(|| {
                for json in &apps {
                    black_box(engine.read_evidence(black_box(json)).expect("valid evidence"));
                }
            })
        });
        g.bench_function("regorus", |b| {
            b.iter(|| {
                for json in &apps {
                    black_box(RegoPeer::parse(black_box(json)).expect("JSON"));
                }
            })
        });
        g.bench_function("cel", |b| {
            b.iter(|| {
                for json in &apps {
                    black_box(CelPeer::parse(black_box(json)).expect("JSON"));
                }
            })
        });
        g.finish();
    }
}

fn eval(c: &mut Criterion) {
    let engine = Engine::from_path(pack_dir()).expect("the pack compiles");
    let mut rego = RegoPeer::new().expect("the policy loads");
    let mut rvm = RvmPeer::new().expect("the policy compiles");
    let mut fail_only = RegoPeer::with(&harness::TWO_VALUED).expect("the two-valued policy loads");
    let mut fail_only_vm = RvmPeer::with(&harness::TWO_VALUED).expect("the two-valued policy compiles");
    let cel = CelPeer::new().expect("the programs compile");
    for (set, apps) in evidence_sets() {
        let ours: Vec<_> = apps.iter().map(|json| engine.read_evidence(json).expect("valid evidence")).collect();
        let rego_in: Vec<_> = apps.iter().map(|json| RegoPeer::parse(json).expect("JSON")).collect();
        let cel_in: Vec<_> = apps.iter().map(|json| CelPeer::parse(json).expect("JSON")).collect();
        let mut g = group(c, &format!("peers/eval/{set}"));
        g.throughput(Throughput::Elements(apps.len() as u64));
        let mut scratch = indicia::eval::Scratch::new();
        g.bench_function("indicia", |b| {
            b.iter(|| {
                for evidence in &ours {
                    black_box(indicia::eval::evaluate(engine.program(), black_box(evidence), &mut scratch));
                }
            })
        });
        g.bench_function("indicia-report", |b| {
            b.iter(|| {
                for evidence in &ours {
                    black_box(engine.evaluate(black_box(evidence)));
                }
            })
        });
        g.bench_function("indicia-reference", |b| {
            b.iter(|| {
                for evidence in &ours {
                    black_box(indicia_testkit::reference::evaluate(
                        engine.pack(),
                        engine.params(),
                        black_box(evidence),
                    ));
                }
            })
        });
        g.bench_function("regorus", |b| {
            b.iter(|| {
                for input in &rego_in {
                    black_box(rego.eval(black_box(input)).expect("regorus evaluates"));
                }
            })
        });
        g.bench_function("regorus-rvm", |b| {
            b.iter(|| {
                for input in &rego_in {
                    black_box(rvm.eval(black_box(input)).expect("the RVM executes"));
                }
            })
        });
        g.bench_function("regorus-2v", |b| {
            b.iter(|| {
                for input in &rego_in {
                    black_box(fail_only.eval(black_box(input)).expect("regorus evaluates"));
                }
            })
        });
        g.bench_function("regorus-2v-rvm", |b| {
            b.iter(|| {
                for input in &rego_in {
                    black_box(fail_only_vm.eval(black_box(input)).expect("the RVM executes"));
                }
            })
        });
        g.bench_function("cel", |b| {
            b.iter(|| {
                for input in &cel_in {
                    black_box(cel.eval(black_box(input)).expect("CEL evaluates"));
                }
            })
        });
        g.finish();
    }
}

fn whole(c: &mut Criterion) {
    let engine = Engine::from_path(pack_dir()).expect("the pack compiles");
    let mut rego = RegoPeer::new().expect("the policy loads");
    let mut rvm = RvmPeer::new().expect("the policy compiles");
    let mut fail_only = RegoPeer::with(&harness::TWO_VALUED).expect("the two-valued policy loads");
    let mut fail_only_vm = RvmPeer::with(&harness::TWO_VALUED).expect("the two-valued policy compiles");
    let cel = CelPeer::new().expect("the programs compile");
    for (set, apps) in evidence_sets() {
        let mut g = group(c, &format!("peers/whole/{set}"));
        g.throughput(Throughput::Elements(apps.len() as u64));
        let mut scratch = indicia::eval::Scratch::new();
        g.bench_function("indicia", |b| {
            b.iter(|| {
                for json in &apps {
                    let evidence = engine.read_evidence(black_box(json)).expect("valid evidence");
                    black_box(indicia::eval::evaluate(engine.program(), &evidence, &mut scratch));
                }
            })
        });
        g.bench_function("indicia-report", |b| {
            b.iter(|| {
                for json in &apps {
                    black_box(engine.evaluate_json(black_box(json)).expect("valid evidence"));
                }
            })
        });
        g.bench_function("indicia-reference", |b| {
            b.iter(|| {
                for json in &apps {
                    let evidence = engine.read_evidence(black_box(json)).expect("valid evidence");
                    black_box(indicia_testkit::reference::evaluate(engine.pack(), engine.params(), &evidence));
                }
            })
        });
        g.bench_function("regorus", |b| {
            b.iter(|| {
                for json in &apps {
                    let input = RegoPeer::parse(black_box(json)).expect("JSON");
                    black_box(rego.eval(&input).expect("regorus evaluates"));
                }
            })
        });
        g.bench_function("regorus-rvm", |b| {
            b.iter(|| {
                for json in &apps {
                    let input = RegoPeer::parse(black_box(json)).expect("JSON");
                    black_box(rvm.eval(&input).expect("the RVM executes"));
                }
            })
        });
        g.bench_function("regorus-2v", |b| {
            b.iter(|| {
                for json in &apps {
                    let input = RegoPeer::parse(black_box(json)).expect("JSON");
                    black_box(fail_only.eval(&input).expect("regorus evaluates"));
                }
            })
        });
        g.bench_function("regorus-2v-rvm", |b| {
            b.iter(|| {
                for json in &apps {
                    let input = RegoPeer::parse(black_box(json)).expect("JSON");
                    black_box(fail_only_vm.eval(&input).expect("the RVM executes"));
                }
            })
        });
        g.bench_function("cel", |b| {
            b.iter(|| {
                for json in &apps {
                    let input = CelPeer::parse(black_box(json)).expect("JSON");
                    black_box(cel.eval(&input).expect("CEL evaluates"));
                }
            })
        });
        g.finish();
    }
}

/// indicia's compiled program against its reference interpreter on a generated pack of 1,000
/// indicators (`indicia_testkit::generate`), over the ~200-fact object and the fixtures. No peer: the
/// translations cover the 15 indicators only.
fn scale(c: &mut Criterion) {
    const INDICATORS: usize = 1000;
    let text = generate_pack(INDICATORS);
    let sources = || vec![("gen1000.ind".to_string(), text.clone())];
    let engine = Engine::from_sources("gen1000", sources()).expect("the generated pack compiles");
    assert_eq!(engine.pack().indicators.len(), INDICATORS);

    let mut g = group(c, "peers/scale1000/construct");
    g.sample_size(10);
    g.bench_function("indicia", |b| b.iter(|| Engine::from_sources("gen1000", sources()).expect("compiles")));
    g.bench_function("indicia-reference", |b| {
        b.iter(|| {
            let pack = indicia::load::check_pack(indicia::load::load_sources("gen1000", sources())).expect("checks");
            let params = indicia::hir::ParamValues::defaults(&pack);
            (pack, params)
        })
    });
    g.finish();

    for (set, apps) in evidence_sets() {
        let ours: Vec<_> = apps.iter().map(|json| engine.read_evidence(json).expect("valid evidence")).collect();
        let mut scratch = indicia::eval::Scratch::new();
        let mut g = group(c, &format!("peers/scale1000/eval/{set}"));
        g.throughput(Throughput::Elements(apps.len() as u64));
        g.bench_function("indicia", |b| {
            b.iter(|| {
                for evidence in &ours {
                    black_box(indicia::eval::evaluate(engine.program(), black_box(evidence), &mut scratch));
                }
            })
        });
        g.bench_function("indicia-reference", |b| {
            b.iter(|| {
                for evidence in &ours {
                    black_box(indicia_testkit::reference::evaluate(
                        engine.pack(),
                        engine.params(),
                        black_box(evidence),
                    ));
                }
            })
        });
        g.finish();
        let mut g = group(c, &format!("peers/scale1000/whole/{set}"));
        g.throughput(Throughput::Elements(apps.len() as u64));
        g.bench_function("indicia", |b| {
            b.iter(|| {
                for json in &apps {
                    let evidence = engine.read_evidence(black_box(json)).expect("valid evidence");
                    black_box(indicia::eval::evaluate(engine.program(), &evidence, &mut scratch));
                }
            })
        });
        g.bench_function("indicia-reference", |b| {
            b.iter(|| {
                for json in &apps {
                    let evidence = engine.read_evidence(black_box(json)).expect("valid evidence");
                    black_box(indicia_testkit::reference::evaluate(engine.pack(), engine.params(), &evidence));
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, verify, construct, parse, eval, whole, scale);
criterion_main!(benches);
