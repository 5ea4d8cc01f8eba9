//! A quick throughput figure for the evidence reader (no criterion): reads a ~15 KB evidence
//! object of 200 facts 100,000 times with one reused [`EvidenceReader`] and prints MB/s.
//!
//! ```text
//! cargo test --release -p indicia --test evidence_throughput -- --ignored --nocapture
//! ```

#![allow(clippy::unwrap_used, reason = "test helpers fail by panicking")]

#[path = "evidence/common.rs"]
mod common;

use std::time::Instant;

use common::{mobile_schema, sample_evidence, symbols};
use indicia::evidence::EvidenceReader;

#[test]
fn sample_evidence_is_valid() {
    let text = sample_evidence(200);
    let ev = common::read(&text).unwrap();
    assert_eq!(ev.tables.iter().map(|t| t.len).sum::<usize>(), 200);
    assert!(ev.warnings.is_empty());
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn throughput() {
    let text = sample_evidence(200);
    let bytes = text.as_bytes();
    let schema = mobile_schema();
    let mut reader = EvidenceReader::new(&schema, &symbols());
    let rounds = 100_000;
    for _ in 0..1000 {
        std::hint::black_box(reader.read(bytes).unwrap());
    }
    let start = Instant::now();
    let mut facts = 0;
    for _ in 0..rounds {
        let ev = reader.read(std::hint::black_box(bytes)).unwrap();
        facts += ev.tables.iter().map(|t| t.len).sum::<usize>();
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes.len() * rounds) as f64 / 1e6;
    println!(
        "evidence of {} bytes, {} facts: {rounds} reads in {secs:.2} s = {:.1} µs each, {:.0} MB/s",
        bytes.len(),
        facts / rounds,
        secs * 1e6 / rounds as f64,
        mb / secs
    );
}
