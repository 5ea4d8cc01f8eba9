//! Compile generated packs (1,000 and 10,000 indicators over the standard mobile schema) into
//! evaluation programs; checking is done once, outside the measurement.
//!
//! Run: `cargo bench --bench compile`. Target: 10,000 indicators compiled in under 1 s.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use indicia::hir::ParamValues;
use indicia::load::{check_pack, load_sources};
use indicia_testkit::generate::generate_pack;

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    for n in [1_000usize, 10_000] {
        let text = generate_pack(n);
        let pack = match check_pack(load_sources("generated", vec![("generated.ind".to_string(), text)])) {
            Ok(pack) => pack,
            Err(failure) => {
                eprintln!("the generated pack does not check: {} diagnostics", failure.diagnostics.len());
                std::process::exit(1);
            }
        };
        let params = ParamValues::defaults(&pack);
        match indicia::compile::compile(&pack, &params) {
            Ok(program) => eprintln!("{n} indicators: {:?}", program.stats()),
            Err(e) => {
                eprintln!("compile failed: {e}");
                std::process::exit(1);
            }
        }
        group.bench_function(format!("{n}_indicators"), |b| {
            b.iter(|| black_box(indicia::compile::compile(&pack, &params).is_ok()))
        });
    }
    group.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
