//! `indicia`: check, format and test rule packs; score app evidence against them.
//!
//! One module per subcommand under `commands/`; `cli` declares the arguments, `exit` the exit
//! statuses, `pack` how a command gets its pack, `output` the text report.

mod cli;
mod commands;
mod exit;
mod extract_cmd;
mod output;
mod pack;
mod progress;

use std::process::ExitCode;

use clap::Parser as _;

use cli::{Cli, Command};

/// Reading evidence allocates many small strings; mimalloc handles them faster than the system
/// allocator (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Graph(args) => commands::graph::run(args),
        Command::Extract(args) => return extract_cmd::run_extract(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Gen(args) => commands::r#gen::run(args),
    };
    status.into()
}
