//! `--color`: diagnostics and `fmt --check --diff` coloured only when asked or on a terminal, and
//! `NO_COLOR` honoured (a pipe is never a terminal, so `auto` here means no colour).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::Path;
use std::process::Command;

fn run(args: &[&str], no_color: Option<&str>) -> (String, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/175-fmt-check-diff");
    let mut command = Command::new(env!("CARGO_BIN_EXE_indicia"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let out = command.output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

const ESC: char = '\u{1b}';

#[test]
fn diagnostics_are_coloured_when_asked_and_never_in_a_pipe_by_default() {
    // `ugly.ind` does not check as a pack of its own (its kind has no indicator, a category no
    // indicator): any diagnostic will do, so the check runs on a file with an unknown kind.
    let pack = std::env::temp_dir().join(format!("indicia-color-{}.ind", std::process::id()));
    std::fs::write(
        &pack,
        "category c { title: \"C\" }\nindicator \"A\" { title: \"t\" category: c severity: low when: any flwo }\n",
    )
    .unwrap();
    let pack = pack.to_str().unwrap();
    let (_, always) = run(&["--color", "always", "check", pack], Some("1"));
    let (_, never) = run(&["--color", "never", "check", pack], None);
    let (_, auto) = run(&["check", pack], None);
    let _ = std::fs::remove_file(pack);
    assert!(always.contains(ESC) && always.contains("flwo"), "--color always wins over NO_COLOR: {always:?}");
    assert!(!never.contains(ESC) && never.contains("error[E0308]: unknown fact kind `flwo`"), "{never}");
    assert_eq!(auto, never, "standard error is a pipe here");
}

#[test]
fn the_diff_is_coloured_only_when_asked() {
    let (plain, _) = run(&["fmt", "--check", "--diff", "ugly.ind"], None);
    let (coloured, _) = run(&["fmt", "--check", "--diff", "ugly.ind", "--color", "always"], None);
    assert!(!plain.contains(ESC));
    assert!(coloured.contains(&format!("{ESC}[31m-category")), "{coloured:?}");
    let stripped: String = coloured
        .replace(&format!("{ESC}[36m"), "")
        .replace(&format!("{ESC}[31m"), "")
        .replace(&format!("{ESC}[32m"), "")
        .replace(&format!("{ESC}[0m"), "");
    assert_eq!(stripped, plain, "colour only wraps lines that read the same without it");
}
