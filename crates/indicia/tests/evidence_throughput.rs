//! A quick throughput figure for the evidence reader (no criterion): reads a ~15 KB evidence
//! object of 200 facts 100,000 times, with one reused [`EvidenceReader`] and with a fresh
//! `read_evidence` each time, and prints MB/s.
//!
//! ```text
//! cargo test --release -p indicia --test evidence_throughput -- --ignored --nocapture
//! ```

#[path = "evidence/common.rs"]
mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{mobile_schema, sample_evidence, symbols};
use indicia::evidence::{Evidence, EvidenceReader, Symbols, read_evidence};

#[test]
fn sample_evidence_is_valid() {
    let text = sample_evidence(200);
    let ev = common::read(&text).unwrap();
    assert_eq!(ev.tables.iter().map(|t| t.len).sum::<usize>(), 200);
    assert!(ev.warnings.is_empty());
}

/// The pack's literals: the test's few and 300 more, as a large pack would have.
fn pack_symbols() -> Arc<Symbols> {
    let mut symbols = (*symbols()).clone();
    for i in 0..300 {
        symbols.intern(&format!("literal.number.{i}"));
    }
    symbols.intern("android.permission.CAMERA");
    symbols.intern("device_id");
    Arc::new(symbols)
}

/// Reads `bytes` `rounds` times with `read` and prints the rate.
fn measure(what: &str, bytes: &[u8], rounds: usize, mut read: impl FnMut(&[u8]) -> Evidence) {
    for _ in 0..rounds / 100 {
        std::hint::black_box(read(bytes));
    }
    let start = Instant::now();
    let mut facts = 0;
    for _ in 0..rounds {
        let ev = read(std::hint::black_box(bytes));
        facts += ev.tables.iter().map(|t| t.len).sum::<usize>();
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes.len() * rounds) as f64 / 1e6;
    println!(
        "{what}: evidence of {} bytes, {} facts: {rounds} reads in {secs:.2} s = {:.1} µs each, {:.0} MB/s",
        bytes.len(),
        facts / rounds,
        secs * 1e6 / rounds as f64,
        mb / secs
    );
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn throughput() {
    let text = sample_evidence(200);
    let schema = mobile_schema();
    let symbols = pack_symbols();
    let mut reader = EvidenceReader::new(&schema, &symbols);
    measure("EvidenceReader::read", text.as_bytes(), 100_000, |bytes| reader.read(bytes).unwrap());
    measure("read_evidence", text.as_bytes(), 100_000, |bytes| read_evidence(bytes, &schema, &symbols).unwrap());
}
