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
        return Status::Success;
    }
    let stats = program.stats();
    println!("indicators              {}", program.indicator_count());
    println!("nodes before sharing    {}", stats.nodes_before_sharing);
    println!("nodes after sharing     {}", stats.nodes_after_sharing);
    println!("nodes after folding     {}", stats.nodes_after_folding);
    println!("computed nodes          {}", stats.computed_nodes);
    println!("scans                   {}", stats.scans);
    println!("nested scans            {}", stats.nested_scans);
    println!("sharing ratio           {:.2}", stats.sharing_ratio);
    Status::Success
}
