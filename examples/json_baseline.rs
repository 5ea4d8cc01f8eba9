//! The one-core baseline of issue 6, and where `indicia eval`'s time goes, on one JSON Lines batch:
//!
//! 0. `serde::de::IgnoredAny`: the validate-only floor of issue 18, the time serde_json takes to check
//!    every line's JSON while building nothing (the goal: `indicia eval` on one core within 1.5× this);
//! 1. `serde_json::Value`: the time serde_json takes merely to parse every line into a `Value`
//!    (the target: `indicia eval` on one core in at most 1.25× this);
//! 2. the library's stages, cumulated, on one thread, each app read into a new `Evidence`:
//!    reading and validating the evidence (`Engine::read_evidence`); then evaluating and writing
//!    the report line (`Engine::evaluate_into_json` into a reused buffer); for comparison, the
//!    other way: evaluating into a `Report` (`Engine::evaluate`), then serialising it with
//!    `serde_json::to_writer`;
//! 3. the command's path: the same two stages with one `Evidence` reused from app to app
//!    (`Engine::read_evidence_into`, which keeps the columns' and strings' buffers), as each
//!    thread of `indicia eval` reads a batch.
//!
//! The batch is read into memory first and split into lines, so no stage includes file I/O.
//! Each measurement is repeated (`--rounds`, default 3). Each stage is timed by this thread's CPU
//! clock (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`), which time spent waiting for the CPU on a
//! shared machine does not inflate (the caches other processes share still can), and by the
//! wall clock; the best CPU time and the best and worst wall-clock times are printed, and the
//! ratios are of CPU times. The allocator is the `indicia` binary's (mimalloc).
//!
//! ```text
//! indicia gen evidence --apps 20000 > /tmp/batch.jsonl
//! cargo run --release --example json_baseline -- /tmp/batch.jsonl [--rules PACK] [--rounds N] [--only STAGE]
//! ```
//!
//! `--only STAGE` runs only the stages whose name contains `STAGE` (e.g. `--only "(the command's
//! path)"` under `valgrind --tool=callgrind`, which then counts that stage alone, but for loading).

use std::hint::black_box;
use std::time::Instant;

/// The `indicia` binary's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// This thread's CPU time so far, in seconds.
fn thread_cpu() -> f64 {
    cpu_time::ThreadTime::now().as_duration().as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut path = None;
    let mut rules = None;
    let mut rounds = 3usize;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rules" => rules = args.next(),
            "--rounds" => rounds = args.next().ok_or("--rounds needs a number")?.parse()?,
            "--only" => only = Some(args.next().ok_or("--only needs part of a stage's name")?),
            _ => path = Some(arg),
        }
    }
    let path = path.ok_or("usage: json_baseline BATCH.jsonl [--rules PACK] [--rounds N] [--only STAGE]")?;
    let engine = match rules {
        Some(pack) => indicia::Engine::from_path(pack)?,
        None => indicia::Engine::builtin(),
    };
    let bytes = std::fs::read(&path)?;
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).collect();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "{path}: {} apps, {mb:.1} MB, {:.1} KB per app, {rounds} rounds (best CPU time; best and worst wall)",
        lines.len(),
        mb * 1e3 / lines.len() as f64
    );

    println!("{:<44} {:>9} {:>9} {:>9} {:>8} {:>8}", "stage", "CPU s", "µs/app", "MB/s", "wall s", "worst");
    // (wall, CPU) seconds of each round.
    let time = |mut f: Box<dyn FnMut() + '_>| -> Vec<(f64, f64)> {
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                let start_cpu = thread_cpu();
                f();
                (start.elapsed().as_secs_f64(), thread_cpu() - start_cpu)
            })
            .collect()
    };
    // Runs a stage (unless `--only` leaves it out: NaN) and prints its best CPU time (per app
    // and MB/s by it) and its best and worst wall-clock times; gives the best CPU time.
    let report = |what: &str, f: Box<dyn FnMut() + '_>| {
        if only.as_ref().is_some_and(|only| !what.contains(only.as_str())) {
            return f64::NAN;
        }
        let times = time(f);
        let cpu = times.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
        let best = times.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
        let worst = times.iter().map(|t| t.0).fold(0.0, f64::max);
        println!(
            "{what:<44} {cpu:>9.3} {:>9.1} {:>9.0} {best:>8.3} {worst:>8.3}",
            cpu * 1e6 / lines.len() as f64,
            mb / cpu
        );
        cpu
    };

    let floor = report(
        "serde_json::from_slice::<IgnoredAny> (floor)",
        Box::new(|| {
            for line in &lines {
                black_box(serde_json::from_slice::<serde::de::IgnoredAny>(line).ok());
            }
        }),
    );
    let value = report(
        "serde_json::from_slice::<Value>",
        Box::new(|| {
            for line in &lines {
                black_box(serde_json::from_slice::<serde_json::Value>(line).ok());
            }
        }),
    );
    let read = report(
        "read_evidence",
        Box::new(|| {
            for line in &lines {
                black_box(engine.read_evidence(line).ok());
            }
        }),
    );
    let evaluated = report(
        "read_evidence + evaluate",
        Box::new(|| {
            for line in &lines {
                if let Ok(evidence) = engine.read_evidence(line) {
                    black_box(engine.evaluate(&evidence));
                }
            }
        }),
    );
    let mut out = Vec::with_capacity(1 << 20);
    let serialised = report(
        "read_evidence + evaluate + to_writer",
        Box::new(|| {
            for line in &lines {
                out.clear();
                if let Ok(evidence) = engine.read_evidence(line) {
                    let _ = serde_json::to_writer(&mut out, &engine.evaluate(&evidence));
                }
                black_box(&out);
            }
        }),
    );
    let written = report(
        "read_evidence + evaluate_into_json",
        Box::new(|| {
            for line in &lines {
                out.clear();
                if let Ok(evidence) = engine.read_evidence(line) {
                    engine.evaluate_into_json(&evidence, &mut out);
                }
                black_box(&out);
            }
        }),
    );
    let mut evidence = indicia::Evidence::default();
    let read_into = report(
        "read_evidence_into (one Evidence reused)",
        Box::new(|| {
            for line in &lines {
                black_box(engine.read_evidence_into(line, &mut evidence).is_ok());
            }
        }),
    );
    let written_into = report(
        "read_evidence_into + evaluate_into_json (the command's path)",
        Box::new(|| {
            for line in &lines {
                out.clear();
                if engine.read_evidence_into(line, &mut evidence).is_ok() {
                    engine.evaluate_into_json(&evidence, &mut out);
                }
                black_box(&out);
            }
        }),
    );
    println!(
        "a new Evidence per app: read {:.0}%, evaluate and write {:.0}%; = {:.2}× the Value parse \
         (through a Report: evaluate {:.0}%, serialise {:.0}% of {:.2}×); = {:.2}× the validate-only floor \
         (CPU times)",
        100.0 * read / written,
        100.0 * (written - read) / written,
        written / value,
        100.0 * (evaluated - read) / serialised,
        100.0 * (serialised - evaluated) / serialised,
        serialised / value,
        written / floor,
    );
    println!(
        "the command's path (one Evidence reused): read {:.0}%, evaluate and write {:.0}%; = {:.2}× the validate-only floor \
         (CPU times)",
        100.0 * read_into / written_into,
        100.0 * (written_into - read_into) / written_into,
        written_into / floor,
    );
    Ok(())
}
