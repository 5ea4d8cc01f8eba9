//! `indicia test [PACK]...`: run the `test` blocks of packs.

use indicia::testing::{TestRun, run_tests};

use crate::cli::{DiagnosticFormat, TestArgs};
use crate::exit::Status;

/// Runs every test of every pack named (the built-in pack when none is); prints one line per
/// failed expectation and one closing line `N passed, N failed` for all packs.
pub fn run(args: &TestArgs) -> Status {
    let mut status = Status::Success;
    let mut total = TestRun::default();
    let packs: Vec<Option<&std::path::Path>> =
        if args.packs.is_empty() { vec![None] } else { args.packs.iter().map(|p| Some(p.as_path())).collect() };
    for pack in packs {
        match crate::pack::load_engine(pack, DiagnosticFormat::Human) {
            Ok(engine) => {
                let run = run_tests(&engine);
                for line in &run.failures {
                    crate::outln!("{line}");
                }
                total.merge(run);
            }
            Err(pack_status) => status.merge(pack_status),
        }
    }
    crate::outln!("{}", total.summary_line());
    if total.failed > 0 {
        status.merge(Status::Failure);
    }
    status
}
