//! The one-core baseline of issue 6, and where `indicia eval`'s time goes, on one JSON Lines batch:
//!
//! 0. `serde::de::IgnoredAny`: the validate-only floor of issue 18, the time serde_json takes to check
//!    every line's JSON while building nothing (the goal: `indicia eval` on one core within 1.5× this);
//! 1. `serde_json::Value`: the time serde_json takes merely to parse every line into a `Value`
//!    (the target: `indicia eval` on one core in at most 1.25× this);
//! 2. the stages of `indicia eval`, cumulated, on one thread: reading and validating the evidence
//!    (`Engine::read_evidence`); then evaluating and writing the report line
//!    (`Engine::evaluate_into_json` into a reused buffer, what the command does). For comparison,
//!    the library's other path: evaluating into a `Report` (`Engine::evaluate`), then serialising
//!    it with `serde_json::to_writer`.
//!
//! The batch is read into memory first and split into lines, so no stage includes file I/O.
//! Each measurement is repeated (`--rounds`, default 3) and the best and the worst are printed.
//!
//! ```text
//! indicia gen evidence --apps 20000 > /tmp/batch.jsonl
//! cargo run --release --example json_baseline -- /tmp/batch.jsonl [--rules PACK] [--rounds N]
//! ```

use std::hint::black_box;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut path = None;
    let mut rules = None;
    let mut rounds = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rules" => rules = args.next(),
            "--rounds" => rounds = args.next().ok_or("--rounds needs a number")?.parse()?,
            _ => path = Some(arg),
        }
    }
    let path = path.ok_or("usage: json_baseline BATCH.jsonl [--rules PACK] [--rounds N]")?;
    let engine = match rules {
        Some(pack) => indicia::Engine::from_path(pack)?,
        None => indicia::Engine::builtin(),
    };
    let bytes = std::fs::read(&path)?;
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "{path}: {} apps, {mb:.1} MB, {:.1} KB per app, best and worst of {rounds} rounds",
        lines.len(),
        mb * 1e3 / lines.len() as f64
    );

    let report = |what: &str, times: &[f64]| {
        let best = times.iter().copied().fold(f64::INFINITY, f64::min);
        let worst = times.iter().copied().fold(0.0, f64::max);
        println!(
            "{what:<44} {best:>7.3} s (worst {worst:.3}) {:>8.1} µs/app {:>7.0} MB/s",
            best * 1e6 / lines.len() as f64,
            mb / best
        );
        best
    };
    let time = |mut f: Box<dyn FnMut() + '_>| -> Vec<f64> {
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .collect()
    };

    let floor = report(
        "serde_json::from_slice::<IgnoredAny> (floor)",
        &time(Box::new(|| {
            for line in &lines {
                black_box(serde_json::from_slice::<serde::de::IgnoredAny>(line).ok());
            }
        })),
    );
    let value = report(
        "serde_json::from_slice::<Value>",
        &time(Box::new(|| {
            for line in &lines {
                black_box(serde_json::from_slice::<serde_json::Value>(line).ok());
            }
        })),
    );
    let read = report(
        "read_evidence",
        &time(Box::new(|| {
            for line in &lines {
                black_box(engine.read_evidence(line).ok());
            }
        })),
    );
    let evaluated = report(
        "read_evidence + evaluate",
        &time(Box::new(|| {
            for line in &lines {
                if let Ok(evidence) = engine.read_evidence(line) {
                    black_box(engine.evaluate(&evidence));
                }
            }
        })),
    );
    let mut out = Vec::with_capacity(1 << 20);
    let serialised = report(
        "read_evidence + evaluate + to_writer",
        &time(Box::new(|| {
            for line in &lines {
                out.clear();
                if let Ok(evidence) = engine.read_evidence(line) {
                    let _ = serde_json::to_writer(&mut out, &engine.evaluate(&evidence));
                }
                black_box(&out);
            }
        })),
    );
    let written = report(
        "read_evidence + evaluate_into_json (the command's path)",
        &time(Box::new(|| {
            for line in &lines {
                out.clear();
                if let Ok(evidence) = engine.read_evidence(line) {
                    engine.evaluate_into_json(&evidence, &mut out);
                }
                black_box(&out);
            }
        })),
    );
    println!(
        "the command's path: read {:.0}%, evaluate and write {:.0}%; = {:.2}× the Value parse \
         (through a Report: evaluate {:.0}%, serialise {:.0}% of {:.2}×); = {:.2}× the validate-only floor",
        100.0 * read / written,
        100.0 * (written - read) / written,
        written / value,
        100.0 * (evaluated - read) / serialised,
        100.0 * (serialised - evaluated) / serialised,
        serialised / value,
        written / floor,
    );
    Ok(())
}
