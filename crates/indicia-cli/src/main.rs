//! `indicia`: check, format and test rule packs; score app evidence against them. The command
//! lives in the `indicia_cli` library; this binary parses the arguments and picks the allocator.

use std::process::ExitCode;

use clap::Parser as _;

/// Reading evidence allocates many small strings; mimalloc handles them faster than the system
/// allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = indicia_cli::cli::Cli::parse();
    indicia_cli::run(&cli).into()
}
