//! Every command writes the same way (`indicia_cli::stdio`): standard output on a full disk
//! (`/dev/full`) or standard error there is a message (when standard error can take it) and exit 2,
//! never a panic (exit 101) and never exit 0; a closed pipe ends the command quietly, without a panic
//! and without a word on standard error.

#[cfg(test)]
mod common;

use std::process::{Command, Stdio};

use common::root;

/// Every command with output, as `(arguments, standard input)`.
fn commands() -> Vec<(Vec<String>, Vec<u8>)> {
    let r = root();
    let p = |rel: &str| r.join(rel).display().to_string();
    let s = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let apk = p("tests/data/extract/apk/a2dp.Vol_137.apk");
    let evidence = p("examples/evidence/rednote.json");
    let examples = p("examples/evidence");
    let broken = p("crates/indicia-cli/tests/cli/09-check-three-errors");
    let batch: Vec<u8> = std::fs::read(&evidence)
        .map(|b| {
            let one: serde_json::Value = serde_json::from_slice(&b).unwrap_or_default();
            let line = format!("{one}\n");
            line.repeat(2000).into_bytes()
        })
        .unwrap_or_default();
    vec![
        (s(&["check", "--format", "json"]), vec![]),
        (vec!["check".into(), "--format".into(), "json".into(), broken.clone()], vec![]),
        (s(&["fmt", "-"]), b"category c { title: \"C\" }\n".to_vec()),
        (s(&["graph"]), vec![]),
        (s(&["graph", "--dot"]), vec![]),
        (s(&["test"]), vec![]),
        (s(&["test", "--coverage"]), vec![]),
        (vec!["eval".into(), evidence.clone()], vec![]),
        (vec!["eval".into(), "--format".into(), "text".into(), evidence.clone()], vec![]),
        (s(&["eval", "-"]), batch),
        (vec!["extract".into(), "--apk".into(), apk.clone()], vec![]),
        (vec!["scan".into(), apk], vec![]),
        (vec!["decide".into(), examples.clone()], vec![]),
        (vec!["decide".into(), "--format".into(), "android-policy".into(), examples.clone()], vec![]),
        (s(&["gen", "evidence", "--apps", "2000"]), vec![]),
    ]
}

type Ran = Result<(Option<i32>, String), String>;

fn run(args: &[String], stdin: &[u8], stdout: Stdio, stderr: Stdio, close_stdout: bool) -> Ran {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicia"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| e.to_string())?;
    if close_stdout {
        drop(child.stdout.take());
    }
    let mut pipe = child.stdin.take().ok_or("no stdin")?;
    let bytes = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    });
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = feeder.join();
    Ok((output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned()))
}

fn full() -> Result<Stdio, String> {
    std::fs::OpenOptions::new().write(true).open("/dev/full").map(Stdio::from).map_err(|e| e.to_string())
}

#[test]
fn a_full_disk_is_exit_2_with_a_message_for_every_command() {
    let mut failures = Vec::new();
    for (args, stdin) in commands() {
        let (code, stderr) = run(&args, &stdin, full().unwrap(), Stdio::piped(), false).unwrap();
        if code != Some(2) || !stderr.contains("cannot write standard output") || stderr.contains("panicked") {
            failures.push(format!("{args:?}: exit {code:?}, stderr:\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn standard_error_on_a_full_disk_is_exit_2_not_a_panic() {
    let broken = root().join("crates/indicia-cli/tests/cli/09-check-three-errors").display().to_string();
    let (code, _) = run(&["check".into(), broken], b"", Stdio::null(), full().unwrap(), false).unwrap();
    assert_eq!(code, Some(2));
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let mut failures = Vec::new();
    for (args, stdin) in commands() {
        let (code, stderr) = run(&args, &stdin, Stdio::piped(), Stdio::piped(), true).unwrap();
        // The status is the one the command reached (1 for the broken pack), never 101 or 2.
        if !matches!(code, Some(0 | 1))
            || !stderr.lines().all(|l| !l.contains("panicked") && !l.contains("cannot write"))
        {
            failures.push(format!("{args:?}: exit {code:?}, stderr:\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
