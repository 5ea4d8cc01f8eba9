//! Format generated packs of 1,000, 4,000 and 16,000 indicators (about 10,000 to 160,000 lines): the
//! time per byte stays the same as the pack grows, so formatting is linear in its size.
//!
//! Run: `cargo bench --bench fmt`. Criterion reports throughput in bytes per second for each size; equal
//! throughputs mean linear time (formatting used to read the source from its start once per declaration,
//! so that its throughput fell as the pack grew).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use indicia_syntax::FileId;
use indicia_syntax::fmt::format_source;
use indicia_testkit::generate::generate_pack;

fn fmt(c: &mut Criterion) {
    let mut group = c.benchmark_group("fmt");
    group.sample_size(10);
    for indicators in [1000, 4000, 16_000] {
        let text = generate_pack(indicators);
        // The generated pack must parse, or the bench measures the error path.
        if let Err(diagnostics) = format_source(FileId(0), &text) {
            eprintln!("the generated pack does not parse: {diagnostics:?}");
            std::process::exit(1);
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{indicators}_indicators"), |b| {
            b.iter(|| black_box(format_source(FileId(0), &text).is_ok()))
        });
    }
    group.finish();
}

criterion_group!(benches, fmt);
criterion_main!(benches);
