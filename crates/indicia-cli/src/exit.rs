//! Exit statuses, as cli.md fixes them: 0 success; 1 pack errors, a failed test, a rejected
//! evidence object or a file `fmt --check` would change; 2 usage errors and unreadable files
//! named on the command line. When several happen, 2 wins over 1.

use std::process::ExitCode;

/// The outcome of a command, merged across its inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything went well.
    #[default]
    Success,
    /// The pack has errors, a test failed, evidence was rejected, or `fmt --check` found work.
    Failure,
    /// A usage error or an unreadable file.
    Usage,
}

impl Status {
    /// Records another outcome: the worse one wins.
    pub fn merge(&mut self, other: Status) {
        *self = (*self).max(other);
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
            Status::Usage => ExitCode::from(2),
        }
    }
}
