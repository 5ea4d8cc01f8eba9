//! The `indicia` command as a library: the binary (`main.rs`) only parses the arguments and runs
//! [`run`]; tests drive the same functions without spawning a process.
//!
//! One module per subcommand under [`commands`]; [`cli`] declares the arguments, [`exit`] the exit
//! statuses, [`stdio`] how every command writes, [`pack`] how a command gets its pack, [`output`] the text report, [`batch`] the
//! pipeline that scores a batch of evidence lines, `lines` the lines of a batch cut in place from blocks, [`apps`] and [`scan_batch`] the apps `scan` finds and
//! the pipeline that scans many of them.

pub mod apps;
pub mod batch;
pub mod cli;
pub mod color;
pub mod commands;
pub mod exit;
mod lines;
pub mod output;
pub mod pack;
pub mod progress;
pub mod scan_batch;
pub mod stdio;

use cli::{Cli, Command};
use exit::Status;

/// Runs one parsed command line and returns its exit status (2 after a failed write, see [`stdio`]).
pub fn run(cli: &Cli) -> Status {
    color::set(cli.color);
    cli.limits.apply();
    let status = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Fmt(args) => commands::fmt::run(args),
        Command::Graph(args) => commands::graph::run(args),
        Command::Extract(args) => commands::extract::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Gen(args) => commands::r#gen::run(args),
        Command::Decide(args) => commands::decide::run(args),
        Command::Lsp => commands::lsp::run(),
    };
    stdio::settle(status)
}
