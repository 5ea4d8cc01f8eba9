//! A closed pipe on standard error silences standard error only: `decide` over a batch whose first
//! line is rejected (a message on standard error) still writes every decision on standard output.
#![cfg(test)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};

#[test]
fn a_closed_stderr_does_not_stop_stdout() {
    let rednote = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/evidence/rednote.json")).unwrap();
    let report: serde_json::Value = serde_json::from_slice(&rednote).unwrap();
    let mut batch = b"{bad\n".to_vec();
    for _ in 0..3 {
        serde_json::to_writer(&mut batch, &report).unwrap();
        batch.push(b'\n');
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicia"))
        .args(["decide", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close standard error's reading end before indicia has read anything, so its first message fails.
    drop(child.stderr.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&batch).unwrap();
    drop(stdin);
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let status = child.wait().unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "one decision per app and the summary:\n{stdout}");
    assert!(lines[..3].iter().all(|l| l.starts_with("deny  com.xingin.xhs")), "{stdout}");
    assert_eq!(lines[3], "3 app(s): 3 deny");
    assert_eq!(status.code(), Some(1), "a rejected line is exit 1, not the 2 of a failed write");
}
