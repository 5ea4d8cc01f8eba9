//! Parse and check a generated pack of 1,000 indicators (about 10,000 lines) over the standard
//! mobile schema: the whole front end, then parsing and checking apart.
//!
//! Run: `cargo bench --bench front_end`. Target: parse + check under 50 ms on one core.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use indicia::load::{check_pack, load_sources};
use indicia_testkit::generate::generate_pack;

fn front_end(c: &mut Criterion) {
    let text = generate_pack(1000);
    let files = vec![("bench/generated.ind".to_string(), text.clone())];
    // The generated pack must check clean, or the bench measures error paths.
    if let Err(failure) = check_pack(load_sources("generated", files.clone())) {
        let rendered = indicia_syntax::render::render_human(&failure.sources, &failure.diagnostics);
        eprintln!("the generated pack does not check:\n{rendered}");
        std::process::exit(1);
    }
    eprintln!("generated pack: {} lines, {} bytes", text.lines().count(), text.len());

    let mut group = c.benchmark_group("front_end_1000_indicators");
    group.sample_size(30);
    group.bench_function("parse_and_check", |b| {
        b.iter_batched(
            || files.clone(),
            |files| black_box(check_pack(load_sources("generated", files)).is_ok()),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("parse", |b| {
        b.iter_batched(|| files.clone(), |files| black_box(load_sources("generated", files)), BatchSize::SmallInput)
    });
    let loaded = load_sources("generated", files.clone());
    group.bench_function("check", |b| {
        b.iter_batched(|| loaded.clone(), |loaded| black_box(check_pack(loaded).is_ok()), BatchSize::SmallInput)
    });
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
