//! The one-core baseline of issue 6, and where `indicia eval`'s time goes, on one JSON Lines batch:
//!
//! 1. `serde_json::Value`: the time serde_json takes merely to parse every line into a `Value`
//!    (the target: `indicia eval` on one core in at most 1.25× this);
//! 2. the same three stages as `indicia eval`, one after another on one thread: reading and
//!    validating the evidence (`Engine::read_evidence`), then evaluating (`Engine::evaluate`, the
//!    report built), then serialising the report (`serde_json::to_writer` into a reused buffer).
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
    let written = report(
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
    println!(
        "shares of the three stages: read {:.0}%, evaluate {:.0}%, serialise {:.0}%; all three = {:.2}× the Value parse",
        100.0 * read / written,
        100.0 * (evaluated - read) / written,
        100.0 * (written - evaluated) / written,
        written / value
    );
    Ok(())
}
