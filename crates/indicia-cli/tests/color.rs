//! `--color`: diagnostics and `fmt --check --diff` coloured only when asked or on a terminal, and
//! `NO_COLOR` honoured (a pipe is never a terminal, so `auto` here means no colour).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::{indicia, succeeded};

/// Runs `indicia ARGS` from `tests/cli/175-fmt-check-diff` with `NO_COLOR` as given: (standard output,
/// standard error).
fn run(args: &[&str], no_color: Option<&str>) -> (String, String) {
    let out = with_no_color(args, no_color)
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/175-fmt-check-diff"))
        .output()
        .unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `indicia ARGS` with `NO_COLOR` set to the value given, or unset.
fn with_no_color(args: &[&str], no_color: Option<&str>) -> std::process::Command {
    let mut command = indicia();
    command.args(args);
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    command
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

/// Standard output of `indicia ARGS` (from the repository's root), which must succeed, with `NO_COLOR`
/// as given.
fn report(args: &[&str], no_color: Option<&str>) -> String {
    succeeded(args, with_no_color(args, no_color).output().unwrap())
}

/// The text without the escapes the report uses.
fn strip(text: &str) -> String {
    ["[0m", "[1m", "[31m", "[32m", "[33m"]
        .iter()
        .fold(text.to_owned(), |t, code| t.replace(&format!("{ESC}{code}"), ""))
}

#[test]
fn text_reports_colour_their_verdicts_when_asked_and_never_in_a_pipe_by_default() {
    // Baidu Cloud's example fails 9 of 15 and passes 6; the APK leaves most indicators inconclusive.
    let cases: [(&[&str], &[&str]); 2] = [
        (&["eval", "--format", "text", "examples/evidence/baidu-cloud.json"], &["failed 9", "passed 6", "✗", "✓"]),
        (&["scan", "--format", "text", "tests/data/extract/apk/com.politedroid_6.apk"], &["inconclusive 11", "?"]),
    ];
    for (args, verdicts) in cases {
        let plain = report(args, None);
        let never = report(&[args, &["--color", "never"]].concat(), None);
        let always = report(&[args, &["--color", "always"]].concat(), Some("1"));
        assert!(!plain.contains(ESC), "standard output is a pipe here: {plain}");
        assert_eq!(never, plain);
        assert_eq!(report(args, Some("1")), plain, "NO_COLOR");
        assert!(always.contains(ESC), "--color always wins over NO_COLOR: {always}");
        for verdict in verdicts {
            let code = match verdict.chars().next() {
                Some('f' | '✗') => "31",
                Some('p' | '✓') => "32",
                _ => "33",
            };
            let painted = format!("{ESC}[{code}m{verdict}{ESC}[0m");
            assert!(always.contains(&painted), "{painted:?} in {always}");
            assert!(plain.contains(verdict));
        }
        assert_eq!(strip(&always), plain, "colour only wraps text that reads the same without it");
    }
}
