//! `indicia graph [PACK] [--dot]`: the evaluation graph a pack compiles into.

use crate::cli::{DiagnosticFormat, GraphArgs};
use crate::exit::Status;

/// Prints the graph's node counts before and after sharing, and the graph in DOT with `--dot`.
pub fn run(args: &GraphArgs) -> Status {
    let engine = match crate::pack::load_engine(args.pack.as_deref(), DiagnosticFormat::Human) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    let program = engine.program();
    if args.dot {
        print!("{}", program.to_dot());
    } else {
        println!("{}", program.stats());
    }
    Status::Success
}
