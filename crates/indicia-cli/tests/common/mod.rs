//! What the CLI's integration tests share: the repository's root (where the test data's paths start)
//! and the `indicia` binary, run from there with or without standard input.
#![allow(dead_code, reason = "each test file uses a different part of the helpers")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's root: paths in reports and in the test data are relative to it.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the repository's test data (`tests/data/REL`).
pub fn data(rel: &str) -> PathBuf {
    root().join("tests/data").join(rel)
}

/// The `indicia` binary, to be run from the repository's root, with `NO_COLOR` unset (standard
/// output and error are pipes, so nothing is coloured unless `--color always` asks).
pub fn indicia() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_indicia"));
    command.current_dir(root()).env_remove("NO_COLOR");
    command
}

/// Runs `indicia ARGS` with nothing on standard input.
pub fn run(args: &[&str]) -> Output {
    indicia().args(args).stdin(Stdio::null()).output().unwrap()
}

/// Runs `indicia ARGS` with `stdin` on standard input, fed from another thread (a command that stops
/// reading early closes the pipe: the feeder's error is expected then).
pub fn run_with_input(args: &[&str], stdin: &[u8]) -> Output {
    let mut child =
        indicia().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    output
}

/// Standard output of `indicia ARGS`, which must succeed (exit 0).
pub fn stdout_of(args: &[&str]) -> String {
    succeeded(args, run(args))
}

/// Standard output of `output`, which must be a success of `indicia ARGS`.
pub fn succeeded(args: &[&str], output: Output) -> String {
    assert_eq!(output.status.code(), Some(0), "indicia {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Exit status, standard output and standard error, as text.
pub fn parts(output: &Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A fresh scratch directory for one test, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// An empty directory named after the test process and `name`.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("indicia-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Writes `bytes` at `rel` (its directories made) and returns the path.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Copies the file `from` to `rel` (its directories made) and returns the path.
    pub fn copy(&self, from: &Path, rel: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(from, &path).unwrap();
        path
    }

    /// The directory, as text.
    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
