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
        crate::out!("{}", program.to_dot());
        return Status::Success;
    }
    let stats = program.stats();
    crate::outln!("indicators              {}", program.indicator_count());
    crate::outln!("nodes before sharing    {}", stats.nodes_before_sharing);
    crate::outln!("nodes after sharing     {}", stats.nodes_after_sharing);
    crate::outln!("nodes after folding     {}", stats.nodes_after_folding);
    crate::outln!("computed nodes          {}", stats.computed_nodes);
    crate::outln!("scans                   {}", stats.scans);
    crate::outln!("nested scans            {}", stats.nested_scans);
    crate::outln!("sharing ratio           {:.2}", stats.sharing_ratio);
    Status::Success
}
