//! Runs every case folder of `tests/cli/` through the `indicia` binary and compares its exit
//! status, standard output and diagnostic locations with the expected ones.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli")
}

/// Numbers compare by value (`3` equals `3.0`); everything else structurally, except what the
/// specification leaves free: the wording of a rejected object's `error` (only its JSON path, the
/// part before the first `: `, is compared), of `warnings` (only their number) and of a
/// diagnostic's `message`.
fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| member_eq(k, v, w)))
        }
        _ => a == b,
    }
}

fn member_eq(key: &str, a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (key, a, b) {
        ("error", Value::String(x), Value::String(y)) => error_path(x) == error_path(y),
        ("warnings", Value::Array(x), Value::Array(y)) => x.len() == y.len(),
        ("message", Value::String(_), Value::String(_)) => true,
        _ => json_eq(a, b),
    }
}

/// The JSON path an evidence error starts with (`facts.flow[1].data[2]`), or "" when it names none.
fn error_path(error: &str) -> &str {
    match error.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => path,
        _ => "",
    }
}

/// Compares standard output: as one JSON document, as JSON Lines, or as text.
fn stdout_matches(expected: &str, actual: &str) -> Result<(), String> {
    if let (Ok(e), Ok(a)) =
        (serde_json::from_str::<serde_json::Value>(expected), serde_json::from_str::<serde_json::Value>(actual))
    {
        return if json_eq(&e, &a) { Ok(()) } else { Err(format!("JSON differs:\nexpected {e:#}\nactual {a:#}")) };
    }
    let e_lines: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    let a_lines: Vec<&str> = actual.lines().filter(|l| !l.trim().is_empty()).collect();
    if e_lines.len() != a_lines.len() {
        return Err(format!("expected {} lines, got {}:\n{actual}", e_lines.len(), a_lines.len()));
    }
    for (e, a) in e_lines.iter().zip(&a_lines) {
        match (serde_json::from_str::<serde_json::Value>(e), serde_json::from_str::<serde_json::Value>(a)) {
            (Ok(ev), Ok(av)) if json_eq(&ev, &av) => {}
            (Ok(ev), Ok(av)) => return Err(format!("JSON line differs:\nexpected {ev}\nactual   {av}")),
            _ if e == a => {}
            _ => return Err(format!("line differs:\nexpected {e}\nactual   {a}")),
        }
    }
    Ok(())
}

/// Every `FILE:LINE:COLUMN` of `expected` must appear in `stderr`'s `-->` lines, in order.
fn locations_match(expected: &str, stderr: &str) -> Result<(), String> {
    let actual: Vec<&str> = stderr.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::trim).collect();
    let wanted: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if actual == wanted { Ok(()) } else { Err(format!("locations: expected {wanted:?}, got {actual:?}\n{stderr}")) }
}

fn run_case(dir: &Path) -> Result<(), String> {
    let cmd = std::fs::read_to_string(dir.join("cmd")).map_err(|e| e.to_string())?;
    let args = shlex::split(cmd.trim()).ok_or("cmd does not split")?;
    // A `stdin` file in the folder is piped to standard input; otherwise standard input is empty.
    let stdin = std::fs::read(dir.join("stdin")).unwrap_or_default();
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicia"))
        .args(&args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(&stdin).map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected_exit: i32 = std::fs::read_to_string(dir.join("expected.exit"))
        .map_err(|e| e.to_string())?
        .trim()
        .parse()
        .map_err(|e| format!("expected.exit: {e}"))?;
    if output.status.code() != Some(expected_exit) {
        return Err(format!(
            "exit {:?}, expected {expected_exit}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status.code()
        ));
    }
    let expected_stdout = std::fs::read(dir.join("expected.stdout")).map_err(|e| e.to_string())?;
    match String::from_utf8(expected_stdout) {
        Ok(expected) => stdout_matches(&expected, &stdout)?,
        // Output that is not UTF-8 (text passed through as it was) must be the same bytes.
        Err(bytes) if bytes.as_bytes() == output.stdout.as_slice() => {}
        Err(bytes) => return Err(format!("stdout differs from the bytes expected:\n{:?}", bytes.as_bytes())),
    }
    if let Ok(locations) = std::fs::read_to_string(dir.join("expected.stderr.locations")) {
        locations_match(&locations, &stderr)?;
    }
    Ok(())
}

#[test]
fn every_cli_case_matches() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cli exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 12, "the specification's twelve examples are there");
    let failures: Vec<String> =
        dirs.iter().filter_map(|dir| run_case(dir).err().map(|e| format!("{}: {e}", dir.display()))).collect();
    assert!(failures.is_empty(), "{} case(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
}
