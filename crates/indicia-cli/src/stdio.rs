//! Standard output and standard error, written the same way by every command.
//!
//! - A closed pipe (`indicia … | head -1`) ends the output quietly, as `yes | head` does: nothing more
//!   is written, nothing is said, and the exit status is the one the command reached. A closed pipe on
//!   standard error only silences standard error.
//! - Any other failed write (a full disk: `> /dev/full`) is a message on standard error, once, and exit
//!   status 2, whatever the command reached.
//!
//! Every write is flushed at once, so that no error waits for the end of the process (where Rust's
//! standard output would drop it). Long-running commands ask [`stopped`] to end early.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::exit::Status;

static CLOSED: AtomicBool = AtomicBool::new(false);
static FAILED: AtomicBool = AtomicBool::new(false);

/// Writes `args` to standard output (nothing once output has stopped).
pub fn out(args: fmt::Arguments<'_>) {
    if !stopped() {
        let mut stdout = io::stdout().lock();
        record(stdout.write_fmt(args).and_then(|()| stdout.flush()), "standard output");
    }
}

/// Writes `bytes` to standard output; false once output has stopped.
pub fn out_bytes(bytes: &[u8]) -> bool {
    if !stopped() {
        let mut stdout = io::stdout().lock();
        record(stdout.write_all(bytes).and_then(|()| stdout.flush()), "standard output");
    }
    !stopped()
}

/// Copies `reader` to standard output to its end (or until output stops), in bounded memory.
pub fn copy_to_stdout(reader: &mut impl io::Read) -> io::Result<()> {
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                if !out_bytes(buffer.get(..n).unwrap_or_default()) {
                    return Ok(());
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// Writes `args` to standard error. A closed pipe there stops nothing: standard output goes on.
pub fn err(args: fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    match stderr.write_fmt(args).and_then(|()| stderr.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
        result => record(result, "standard error"),
    }
}

/// Records the outcome of a write to `what`.
pub fn record(result: io::Result<()>, what: &str) {
    match result {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => CLOSED.store(true, Ordering::Relaxed),
        Err(error) => {
            if !FAILED.swap(true, Ordering::Relaxed) {
                // Standard error may be what failed; then nothing can be said, and the status says it.
                let _ = writeln!(io::stderr(), "error: cannot write {what}: {error}");
            }
        }
    }
}

/// True once a write failed or met a closed pipe: a command may stop producing output.
pub fn stopped() -> bool {
    CLOSED.load(Ordering::Relaxed) || FAILED.load(Ordering::Relaxed)
}

/// The exit status of a command that reached `status`: 2 after a failed write, else `status`.
pub fn settle(status: Status) -> Status {
    if FAILED.load(Ordering::Relaxed) { Status::Usage } else { status }
}

/// `print!` that never panics (see the module).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::stdio::out(format_args!($($arg)*)) };
}

/// `println!` that never panics (see the module).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::stdio::out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` that never panics (see the module).
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::stdio::err(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics (see the module).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::stdio::err(format_args!("{}\n", format_args!($($arg)*))) };
}
