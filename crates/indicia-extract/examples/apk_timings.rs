//! Times `indicia extract --apk` in-process on each APK given, for the side-by-side with androguard
//! (`benches/peers/androguard_extract.py`, docs/performance.md, "APK extraction against androguard").
//!
//! ```text
//! cargo run --release -p indicia-extract --example apk_timings -- [--rounds N] APK...
//! ```
//!
//! Each round runs what the command runs for one `--apk` (`extract_all` with the default options, then
//! the pretty JSON text of the evidence), with the file already in the page cache; the best and the
//! median wall-clock time of the rounds are printed per APK, with the best CPU time of this thread
//! (what a loaded machine does not inflate) and MB/s (size of the APK file ÷ best CPU time), as one
//! tab-separated line:
//! `apk  bytes  best_s  median_s  best_cpu_s  MB/s_cpu  api_facts  permission_facts  component_facts`.
//!
//! The CPU time is `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` (through the `cpu-time` crate): the scheduler's
//! run time of this thread including the slice still running, to the nanosecond. (The first
//! version read `/proc/thread-self/schedstat`, whose figure moves only at a tick or a context
//! switch, so runs under a millisecond read 0.) The extraction runs on this one thread, so its
//! CPU time is all of the work.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a measurement program, not library code"
)]

use std::path::PathBuf;
use std::time::Instant;

use indicia_extract::{Options, Source, extract_all};

/// CPU time of this thread so far, in seconds.
fn thread_cpu() -> f64 {
    cpu_time::ThreadTime::now().as_duration().as_secs_f64()
}

fn count(evidence: &serde_json::Value, kind: &str) -> usize {
    evidence["facts"][kind].as_array().map_or(0, Vec::len)
}

fn main() {
    let mut rounds = 20usize;
    let mut apks = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().expect("--rounds needs a number").parse().expect("--rounds needs a number");
        } else {
            apks.push(PathBuf::from(arg));
        }
    }
    println!("apk\tbytes\tbest_s\tmedian_s\tbest_cpu_s\tMB/s_cpu\tapi_facts\tpermission_facts\tcomponent_facts");
    for apk in &apks {
        let bytes = std::fs::metadata(apk).expect("the APK cannot be read").len();
        let mut times = Vec::with_capacity(rounds);
        let mut best_cpu = f64::MAX;
        let mut facts = (0, 0, 0);
        for _ in 0..rounds.max(1) {
            let start = Instant::now();
            let start_cpu = thread_cpu();
            let extraction = extract_all(&[Source::Apk(apk.clone())], &Options::default(), None);
            let text = extraction.merged.as_ref().map(|m| serde_json::to_string_pretty(&m.evidence).unwrap());
            times.push(start.elapsed().as_secs_f64());
            best_cpu = best_cpu.min(thread_cpu() - start_cpu);
            std::hint::black_box(text);
            if let Some(merged) = &extraction.merged {
                let e = &merged.evidence;
                facts = (count(e, "api"), count(e, "permission"), count(e, "component"));
            }
        }
        times.sort_by(f64::total_cmp);
        let best = times[0];
        let median = times[times.len() / 2];
        let name = apk.file_name().map_or_else(|| apk.display().to_string(), |n| n.to_string_lossy().into_owned());
        println!(
            "{name}\t{bytes}\t{best:.6}\t{median:.6}\t{best_cpu:.6}\t{:.2}\t{}\t{}\t{}",
            bytes as f64 / 1e6 / best_cpu,
            facts.0,
            facts.1,
            facts.2
        );
    }
}
