//! `indicia eval --profile`: the reports on standard output are unchanged, and standard error
//! ends with the profile, every indicator of the pack listed once.

use std::process::Command;

#[test]
fn profile_lists_every_indicator_and_leaves_reports_alone() -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence");
    let files = ["rednote.json", "benign-notes.json"].map(|f| root.join(f));
    let run = |profile: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_indicia"));
        command.arg("eval");
        if profile {
            command.arg("--profile");
        }
        command.args(&files).output().map_err(|e| e.to_string())
    };
    let plain = run(false)?;
    let profiled = run(true)?;
    if plain.stdout != profiled.stdout || profiled.status.code() != Some(0) {
        return Err("--profile changed the reports or the exit status".into());
    }
    let stderr = String::from_utf8_lossy(&profiled.stderr);
    if !stderr.starts_with("profile of 2 app(s)") {
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
