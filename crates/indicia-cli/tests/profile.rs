//! `indicia eval --profile`: the reports on standard output are unchanged, and standard error
//! ends with the profile, every indicator of the pack listed once.

use std::process::Command;

#[test]
fn profile_lists_every_indicator_and_leaves_reports_alone() -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // A failing app, a passing one, and static evidence only (every indicator inconclusive).
    let files = [
        "examples/evidence/rednote.json",
        "examples/evidence/benign-notes.json",
        "rules/tw-mabis-v4/tests/fixtures/static-only-android.json",
    ]
    .map(|f| root.join(f));
    let run = |profile: bool, format: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_indicia"));
        command.arg("eval").args(format);
        if profile {
            command.arg("--profile");
        }
        command.args(&files).output().map_err(|e| e.to_string())
    };
    // The text form and `--explain` carry explanations: profiling keeps them too.
    for format in [&[][..], &["--explain"], &["--format", "text"]] {
        let plain = run(false, format)?;
        let profiled = run(true, format)?;
        if plain.stdout != profiled.stdout || profiled.status != plain.status {
            return Err(format!("--profile changed the reports or the exit status of {format:?}"));
        }
        if format == ["--explain"] && !String::from_utf8_lossy(&plain.stdout).contains("\"explanation\"") {
            return Err("no explanation in the reports: the comparison would prove nothing".into());
        }
    }
    let profiled = run(true, &[])?;
    let stderr = String::from_utf8_lossy(&profiled.stderr);
    if !stderr.starts_with("profile of 3 app(s)") {
        return Err(format!("no profile header:\n{stderr}"));
    }
    let engine = indicia::Engine::builtin();
    for indicator in &engine.pack().indicators {
        let mentions = stderr.lines().filter(|l| l.contains(&format!(" {} ", indicator.id))).count();
        if mentions != 1 {
            return Err(format!("{} listed {mentions} times:\n{stderr}", indicator.id));
        }
    }
    if !stderr.contains("hottest nodes") {
        return Err(format!("no hottest nodes:\n{stderr}"));
    }
    Ok(())
}

/// Runs `indicia` with `args` and `stdin`, and kills it after `limit`: a run that deadlocks fails
/// the test instead of hanging it.
fn run_or_kill(
    args: &[&std::ffi::OsStr],
    stdin: &[u8],
    limit: std::time::Duration,
) -> Result<std::process::Output, String> {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicia"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut pipe = child.stdin.take().ok_or("no stdin")?;
    let stdin = stdin.to_vec();
    let feeder = std::thread::spawn(move || pipe.write_all(&stdin));
    let id = child.id();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = done_tx.send(());
        output
    });
    if done_rx.recv_timeout(limit).is_err() {
        let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
        return Err(format!("indicia {args:?} did not end within {limit:?}: deadlocked"));
    }
    let _ = feeder.join();
    waiter.join().map_err(|_| "waiter panicked".to_string())?.map_err(|e| e.to_string())
}

#[test]
fn profile_scores_batches_of_more_than_256_apps_from_a_file_and_from_stdin() -> Result<(), String> {
    // 8 pieces of 32 lines were in flight on the one profiling thread: the 257th app waited forever.
    let batch = Command::new(env!("CARGO_BIN_EXE_indicia"))
        .args(["gen", "evidence", "--apps", "300", "--facts", "20"])
        .output()
        .map_err(|e| e.to_string())?
        .stdout;
    let dir = std::env::temp_dir().join(format!("indicia-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("b.jsonl");
    std::fs::write(&file, &batch).map_err(|e| e.to_string())?;
    let limit = std::time::Duration::from_secs(120);
    let from_file = run_or_kill(&["eval".as_ref(), "--profile".as_ref(), file.as_os_str()], b"", limit);
    let from_stdin = run_or_kill(&["eval".as_ref(), "--profile".as_ref(), "-".as_ref()], &batch, limit);
    let _ = std::fs::remove_dir_all(&dir);
    for output in [from_file?, from_stdin?] {
        let reports = output.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if reports != 300 || !stderr.starts_with("profile of 300 app(s)") || output.status.code() != Some(0) {
            return Err(format!("{reports} reports, exit {:?}, stderr:\n{stderr}", output.status.code()));
        }
    }
    Ok(())
}
