//! Evaluate one app's evidence (already read and validated) with a compiled program: the built-in
//! 15-indicator pack over 100, 200, 1,000 and 100,000 facts, and generated packs of 1,000 and
//! 10,000 indicators over 1,000 facts. Scratch buffers are reused, as a scanner would; the
//! `200_facts_into` rows also reuse the outcomes (`evaluate_into`), as `indicia eval` does;
//! `200_facts_into_500_apps` evaluates 500 different generated apps in turn instead of one.
//!
//! Run: `cargo bench --bench eval`. Targets, one core: 15 indicators over ~200 facts < 2 µs,
//! over 1,000 facts < 10 µs; linear in facts, sublinear in indicators that share predicates.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use indicia::compile::{Program, compile};
use indicia::evidence::{Evidence, read_evidence};
use indicia::hir::{Pack, ParamValues};
use indicia::load::{check_pack, check_path, load_sources};
use indicia_testkit::Rng;
use indicia_testkit::generate::generate_pack;

const PERMISSIONS: &[&str] = &[
    "INTERNET",
    "READ_CONTACTS",
    "ACCESS_FINE_LOCATION",
    "ACCESS_COARSE_LOCATION",
    "CAMERA",
    "RECORD_AUDIO",
    "READ_SMS",
    "READ_PHONE_STATE",
    "READ_CALL_LOG",
    "WRITE_EXTERNAL_STORAGE",
    "ACCESS_NETWORK_STATE",
    "VIBRATE",
];
const COUNTRIES: &[&str] = &["TW", "US", "CN", "HK", "JP", "DE", "SG"];
const DATA: &[&str] = &["contacts", "location", "device_id", "clipboard", "sms", "app_list", "photos", "account"];
const BEHAVIORS: &[&str] =
    &["contacts_read", "location_read", "clipboard_read", "screenshot", "sms_read", "camera_use"];
const SDK_KINDS: &[&str] = &["ads", "analytics", "social", "crash"];
const APIS: &[&str] = &[
    "android.telephony.TelephonyManager.getDeviceId",
    "android.location.LocationManager.getLastKnownLocation",
    "android.content.ClipboardManager.getPrimaryClip",
    "java.lang.Runtime.exec",
    "android.app.ActivityManager.getRunningAppProcesses",
];

/// Evidence JSON over the mobile schema with about `n` facts spread over every kind.
fn evidence_json(n: usize, seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut kinds: Vec<(&str, Vec<String>)> =
        ["permission", "api", "flow", "sdk", "behavior", "finding", "datum", "component"]
            .iter()
            .map(|k| (*k, Vec::new()))
            .collect();
    for i in 0..n {
        let k = match r.below(20) {
            0..=3 => 0,
            4..=6 => 1,
            7..=12 => 2,
            13 => 3,
            14..=15 => 4,
            16 => 5,
            17..=18 => 6,
            _ => 7,
        };
        let fact = match k {
            0 => format!(r#"{{"name": "android.permission.{}", "source": "manifest"}}"#, r.pick(PERMISSIONS)),
            1 => format!(r#"{{"symbol": "{}", "calls": {}}}"#, r.pick(APIS), r.below(50)),
            2 => {
                let mut f = format!(r#"{{"host": "h{}.example.com""#, r.below(n.max(1)));
                if r.below(4) != 0 {
                    let _ = write!(f, r#", "country": "{}""#, r.pick(COUNTRIES));
                }
                if r.below(3) != 0 {
                    let _ = write!(f, r#", "tls": {}"#, r.below(4) != 0);
                }
                let _ = write!(f, r#", "port": {}, "bytes_out": {}"#, [80, 443, 8080][r.below(3)], r.below(200_000));
                let items: Vec<String> = (0..r.below(3)).map(|_| format!("\"{}\"", r.pick(DATA))).collect();
                let _ = write!(f, r#", "data": [{}], "sdk": "sdk{}"}}"#, items.join(", "), r.below(8));
                f
            }
            3 => format!(
                r#"{{"id": "sdk{}", "kind": "{}", "country": "{}"}}"#,
                i % 8,
                r.pick(SDK_KINDS),
                r.pick(COUNTRIES)
            ),
            4 => format!(r#"{{"kind": "{}", "state": "background"}}"#, r.pick(BEHAVIORS)),
            5 => format!(r#"{{"check": "check_{}", "failed": {}}}"#, r.below(6), r.below(2) == 0),
            6 => format!(r#"{{"type": "{}", "purpose": "ads", "shared": {}}}"#, r.pick(DATA), r.below(2) == 0),
            _ => format!(r#"{{"kind": "activity", "name": "c{i}", "exported": {}}}"#, r.below(2) == 0),
        };
        if let Some((_, v)) = kinds.get_mut(k) {
            v.push(fact);
        }
    }
    let mut out = String::from(
        r#"{"app": {"id": "bench.app"}, "collected": ["permission", "api", "flow", "sdk", "behavior", "finding", "datum", "component"], "facts": {"#,
    );
    let parts: Vec<String> = kinds.iter().map(|(k, v)| format!("\"{k}\": [{}]", v.join(", "))).collect();
    out.push_str(&parts.join(", "));
    out.push_str("}}");
    out
}

fn read(pack: &Pack, program: &Program, n: usize) -> Evidence {
    match read_evidence(evidence_json(n, 7 + n as u64).as_bytes(), &pack.schema, program.symbols()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("generated evidence rejected: {e}");
            std::process::exit(1);
        }
    }
}

fn builtin() -> (Pack, Program) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/tw-mabis-v4");
    let pack = match check_path(&dir) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("the built-in pack does not check: {e:?}");
            std::process::exit(1);
        }
    };
    let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap_or_else(|e| {
        eprintln!("compile failed: {e}");
        std::process::exit(1)
    });
    (pack, program)
}

fn generated(n: usize) -> (Pack, Program) {
    let text = generate_pack(n);
    let Ok(pack) = check_pack(load_sources("generated", vec![("generated.ind".to_string(), text)])) else {
        eprintln!("the generated pack does not check");
        std::process::exit(1)
    };
    let program = compile(&pack, &ParamValues::defaults(&pack)).unwrap_or_else(|e| {
        eprintln!("compile failed: {e}");
        std::process::exit(1)
    });
    (pack, program)
}

/// The `200_facts_into` row: [`indicia::eval::evaluate_into`] with one reused `Outcomes`.
fn bench_into(
    group: &mut BenchmarkGroup<'_, WallTime>,
    program: &Program,
    evidence: &Evidence,
    scratch: &mut indicia::eval::Scratch,
) {
    let mut out = indicia::outcome::Outcomes::default();
    group.bench_function("200_facts_into", |b| {
        b.iter(|| {
            indicia::eval::evaluate_into(program, black_box(evidence), scratch, &mut out);
            black_box(&out);
        })
    });
}

fn eval(c: &mut Criterion) {
    let mut scratch = indicia::eval::Scratch::new();
    let (pack, program) = builtin();
    eprintln!("built-in pack: {:?}", program.stats());
    let mut group = c.benchmark_group("eval_15_indicators");
    for n in [100usize, 200, 1_000, 100_000] {
        let evidence = read(&pack, &program, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n}_facts"), |b| {
            b.iter(|| black_box(indicia::eval::evaluate(&program, black_box(&evidence), &mut scratch)))
        });
        if n == 200 {
            bench_into(&mut group, &program, &evidence, &mut scratch);
        }
    }
    group.finish();
    // The same pack over indicia::gen's evidence (real permission and API names, skewed values).
    let mut group = c.benchmark_group("eval_15_indicators_gen");
    for n in [200usize, 1_000] {
        let json = indicia_testkit::generate::EvidenceGenerator::new(n, 42).app(0);
        let evidence = match read_evidence(json.as_bytes(), &pack.schema, program.symbols()) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("generated evidence rejected: {e}");
                std::process::exit(1);
            }
        };
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{n}_facts"), |b| {
            b.iter(|| black_box(indicia::eval::evaluate(&program, black_box(&evidence), &mut scratch)))
        });
        if n == 200 {
            bench_into(&mut group, &program, &evidence, &mut scratch);
        }
    }
    // One app evaluated again and again lets the branch predictor learn it; a batch never
    // repeats an app. This row evaluates 500 different generated apps in turn (time per app).
    let generator = indicia_testkit::generate::EvidenceGenerator::new(200, 42);
    let apps: Vec<Evidence> = (0..500)
        .filter_map(|i| read_evidence(generator.app(i).as_bytes(), &pack.schema, program.symbols()).ok())
        .collect();
    let mut out = indicia::outcome::Outcomes::default();
    let mut next = 0usize;
    group.throughput(Throughput::Elements(200));
    group.bench_function("200_facts_into_500_apps", |b| {
        b.iter(|| {
            next = (next + 1) % apps.len().max(1);
            if let Some(evidence) = apps.get(next) {
                indicia::eval::evaluate_into(&program, black_box(evidence), &mut scratch, &mut out);
            }
            black_box(&out);
        })
    });
    group.finish();
    let mut group = c.benchmark_group("eval_1000_facts");
    group.sample_size(20);
    for n in [1_000usize, 10_000] {
        let (pack, program) = generated(n);
        eprintln!("{n} generated indicators: {:?}", program.stats());
        let evidence = read(&pack, &program, 1_000);
        group.bench_function(format!("{n}_indicators"), |b| {
            b.iter(|| black_box(indicia::eval::evaluate(&program, black_box(&evidence), &mut scratch)))
        });
    }
    group.finish();
}

criterion_group!(benches, eval);
criterion_main!(benches);
