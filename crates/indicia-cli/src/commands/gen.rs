//! `indicia gen pack --indicators N [--seed S]` and `indicia gen evidence [--facts M] [--apps K]
//! [--seed S]`: synthetic packs and evidence batches over the standard mobile schema (see
//! `indicia::gen`), for benchmarks and load tests such as
//! `indicia gen evidence --apps 70000 | indicia eval - > /dev/null`.
//!
//! Evidence is generated in blocks of apps on every core and written in order, so a batch of any
//! size streams with bounded memory. The output is the same for the same arguments.

use std::io::Write;

use indicia_testkit::generate::{DEFAULT_PACK_SEED, EvidenceGenerator, generate_pack_seeded};
use rayon::prelude::*;

use crate::cli::{GenArgs, GenWhat};
use crate::exit::Status;

/// Apps generated together: about 4 MB of evidence at 200 facts each.
const BLOCK_APPS: u64 = 256;

/// Writes the pack or the batch to standard output.
pub fn run(args: &GenArgs) -> Status {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let written = match &args.what {
        GenWhat::Pack { indicators, seed } => {
            out.write_all(generate_pack_seeded(*indicators, seed.unwrap_or(DEFAULT_PACK_SEED)).as_bytes())
        }
        GenWhat::Evidence { facts, apps, seed } => write_evidence(&mut out, *facts, *apps, *seed),
    };
    // A closed pipe (`| head`) ends the stream quietly; another failed write is exit 2 (crate::stdio).
    crate::stdio::record(written.and_then(|()| out.flush()), "standard output");
    Status::Success
}

/// Streams `apps` lines of evidence, generated block by block on every core.
fn write_evidence(out: &mut impl Write, facts: usize, apps: u64, seed: u64) -> std::io::Result<()> {
    let generator = EvidenceGenerator::new(facts, seed);
    let mut start = 0;
    while start < apps {
        let end = apps.min(start + BLOCK_APPS);
        let lines: Vec<String> = (start..end)
            .into_par_iter()
            .map(|index| {
                let mut line = String::with_capacity(facts * 80 + 256);
                generator.write_app(index, &mut line);
                line.push('\n');
                line
            })
            .collect();
        for line in &lines {
            out.write_all(line.as_bytes())?;
        }
        start = end;
    }
    Ok(())
}
