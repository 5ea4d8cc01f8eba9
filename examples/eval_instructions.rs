//! The engine alone under callgrind: the built-in pack over `apps` generated 200-fact apps
//! (`indicia gen evidence`'s generator), each evaluated `rounds` times with one reused `Scratch`
//! (what `benches/eval.rs` measures), so that instructions per evaluation can be counted:
//!
//! ```text
//! cargo build --release --example eval_instructions
//! valgrind --tool=callgrind --toggle-collect='indicia::eval::evaluate_in*' \
//!     target/release/examples/eval_instructions 500 1 [into]
//! ```
//!
//! With `into`, every evaluation fills one reused `Outcomes` (`evaluate_into`); without it, each
//! returns new outcomes (`evaluate`), which this program then drops (freeing them is not in
//! `evaluate_in*`'s count: toggle `eval_instructions::main` to include it). It prints the number
//! of evaluations; divide the collected instructions by it.

use std::hint::black_box;
use std::path::Path;

use indicia::compile::compile;
use indicia::evidence::read_evidence;
use indicia::hir::ParamValues;
use indicia::load::check_path;
use indicia_testkit::generate::EvidenceGenerator;

fn main() {
    let mut args = std::env::args().skip(1);
    let apps: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let into = args.next().is_some_and(|a| a == "into");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/tw-mabis-v4");
    let pack = check_path(&dir).expect("the built-in pack checks");
    let program = compile(&pack, &ParamValues::defaults(&pack)).expect("it compiles");
    eprintln!("built-in pack: {:?}", program.stats());
    if std::env::var_os("DUMP").is_some() {
        eprintln!("{}", program.dump());
        eprintln!("# steps, in the order they run:\n{}", program.dump_steps());
    }
    let generator = EvidenceGenerator::new(200, 42);
    let evidence: Vec<_> = (0..apps)
        .map(|i| read_evidence(generator.app(i).as_bytes(), &pack.schema, program.symbols()).expect("evidence reads"))
        .collect();
    let mut scratch = indicia::eval::Scratch::new();
    let mut reused = indicia::outcome::Outcomes::default();
    let mut failed = 0usize;
    let mut witnesses = 0usize;
    for _ in 0..rounds {
        for e in &evidence {
            let new;
            let out = if into {
                indicia::eval::evaluate_into(&program, black_box(e), &mut scratch, &mut reused);
                &reused
            } else {
                new = indicia::eval::evaluate(&program, black_box(e), &mut scratch);
                &new
            };
            failed += out.indicators.iter().filter(|o| o.verdict == indicia::hir::Verdict::Fail).count();
            witnesses += out.indicators.iter().map(|o| o.witnesses.len()).sum::<usize>();
        }
    }
    println!("{} evaluations, {failed} failed indicators, {witnesses} witnesses", apps as usize * rounds);
}
