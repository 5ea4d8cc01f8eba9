//! Size limits on inputs (`indicia::limits`, docs/limits.md): a rule file, an evidence object and a
//! batch line over their limit are each an error naming the limit and its flag, found without reading
//! the input whole (`/dev/zero` fails at once); an overlong batch line is rejected in its place and the
//! batch goes on.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::{parts, root, run_with_input};

/// Runs `indicia ARGS` with `stdin`, returning (exit status, standard output, standard error).
fn indicia(args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    parts(&run_with_input(args, stdin))
}

/// One line of evidence the built-in pack accepts.
fn evidence_line(id: &str) -> String {
    format!("{{\"app\": {{\"id\": \"{id}\"}}, \"facts\": {{}}}}\n")
}

/// The app id of each report line, or `error:SOURCE` for a rejected line.
fn outcomes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            match value.get("source") {
                Some(source) => format!("error:{}", source.as_str().unwrap()),
                None => value["app"]["id"].as_str().unwrap().to_string(),
            }
        })
        .collect()
}

#[test]
fn an_evidence_file_over_the_limit_is_an_error_found_without_reading_it_whole() {
    let (code, stdout, stderr) = indicia(&["eval", "/dev/zero"], b"");
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(
            "cannot read `/dev/zero`: larger than 64 MiB, the limit for an evidence object (raise it with --max-evidence-size)"
        ),
        "{stderr}"
    );
    let small = root().join("examples/evidence/rednote.json");
    let (code, _, stderr) = indicia(&["eval", "--max-evidence-size", "1K", small.to_str().unwrap()], b"");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("larger than 1 KiB, the limit for an evidence object"), "{stderr}");
}

#[test]
fn a_rule_file_over_the_limit_is_an_error_in_check_fmt_and_eval() {
    for args in [
        &["check", "/dev/zero"][..],
        &["fmt", "--check", "/dev/zero"],
        &["eval", "--rules", "/dev/zero", "examples/evidence/rednote.json"],
        &["test", "/dev/zero"],
    ] {
        let (code, _, stderr) = indicia(args, b"");
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("larger than 64 MiB, the limit for a rule file (raise it with --max-rule-file-size)"),
            "{args:?}: {stderr}"
        );
    }
    // The flag is global: before or after the subcommand.
    for args in [
        &["--max-rule-file-size", "100", "check", "rules/tw-mabis-v4"][..],
        &["check", "rules/tw-mabis-v4", "--max-rule-file-size=100"],
    ] {
        let (code, _, stderr) = indicia(args, b"");
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("larger than 100 bytes, the limit for a rule file"), "{stderr}");
    }
    let (code, _, stderr) = indicia(&["check", "--max-rule-file-size", "12 parsecs"], b"");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown unit `parsecs`"), "{stderr}");
}

#[test]
fn standard_input_over_the_rule_file_limit_fails_and_fmt_passes_it_through_unchanged() {
    let text = "category c { title: \"C\" }\n".repeat(100);
    let (code, stdout, stderr) = indicia(&["fmt", "--max-rule-file-size", "1K", "-"], text.as_bytes());
    assert_eq!(code, Some(2));
    assert_eq!(stdout, text, "the filter loses nothing");
    assert!(stderr.contains("standard input: larger than 1 KiB, the limit for a rule file"), "{stderr}");
    let (code, stdout, stderr) = indicia(&["check", "--max-rule-file-size", "1K", "-"], text.as_bytes());
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert!(stderr.contains("cannot read `-`: larger than 1 KiB"), "{stderr}");
}

#[test]
fn a_batch_line_over_the_limit_is_rejected_in_its_place_and_the_batch_goes_on() {
    let mut batch = evidence_line("com.example.one");
    // A line of 3 MiB that is not even JSON: it is never parsed.
    batch.push_str(&"\0".repeat(3 << 20));
    batch.push('\n');
    batch.push_str(&evidence_line("com.example.three"));
    let dir = std::env::temp_dir().join(format!("indicia-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("batch.jsonl");
    std::fs::write(&file, &batch).unwrap();
    for input in ["-", file.to_str().unwrap()] {
        let (code, stdout, stderr) = indicia(&["eval", "--max-line-size", "1M", input], batch.as_bytes());
        let name = if input == "-" { "-".to_string() } else { file.display().to_string() };
        assert_eq!(code, Some(1), "{stderr}");
        assert_eq!(
            outcomes(&stdout),
            ["com.example.one".to_string(), format!("error:{name}:2"), "com.example.three".into()]
        );
        let error: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
        assert_eq!(error["error"], "larger than 1 MiB, the limit for a batch line (raise it with --max-line-size)");
        assert_eq!(error["code"], "V0007");
        assert!(stderr.contains(&format!("error[V0007]: {name}:2: larger than 1 MiB")), "{stderr}");
    }
    // The text format says it in its place too.
    let (code, stdout, _) =
        indicia(&["eval", "--max-line-size", "1M", "--format", "text", file.to_str().unwrap()], b"");
    assert_eq!(code, Some(1));
    assert!(stdout.contains(&format!("{}:2: rejected: larger than 1 MiB", file.display())), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_line_over_the_default_limit_is_rejected_and_the_next_line_scored() {
    let mut batch = evidence_line("com.example.one");
    batch.push_str(&" ".repeat(1000));
    batch.push_str(&"x".repeat(64 << 20));
    batch.push_str("\r\n");
    batch.push_str(&evidence_line("com.example.three"));
    let (code, stdout, stderr) = indicia(&["eval", "-"], batch.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(outcomes(&stdout), ["com.example.one", "error:-:2", "com.example.three"]);
    assert!(stderr.contains("larger than 64 MiB, the limit for a batch line"), "{stderr}");
}

#[test]
fn standard_input_over_the_evidence_limit() {
    // One object over the limit, spread over lines: an error, nothing scored.
    let big = serde_json::json!({"app": {"id": "com.example.big"}, "facts": {"permission": vec![serde_json::json!({"name": "android.permission.CAMERA"}); 200]}});
    let pretty = serde_json::to_string_pretty(&big).unwrap();
    assert!(pretty.len() > 4096);
    let (code, stdout, stderr) = indicia(&["eval", "--max-evidence-size", "4K", "-"], pretty.as_bytes());
    assert_eq!((code, stdout.as_str()), (Some(2), ""), "{stderr}");
    assert!(stderr.contains("cannot read `-`: larger than 4 KiB, the limit for an evidence object"), "{stderr}");
    // Under the limit, the same object is scored.
    let (code, stdout, stderr) = indicia(&["eval", "--max-evidence-size", "64K", "-"], pretty.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("com.example.big"));
    // A batch whose first line is over the evidence limit: a batch still, that line judged by the line limit.
    let mut batch = serde_json::to_string(&big).unwrap();
    batch.push('\n');
    batch.push_str(&evidence_line("com.example.two"));
    let (code, stdout, stderr) =
        indicia(&["eval", "--max-evidence-size", "4K", "--max-line-size", "4K", "-"], batch.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(outcomes(&stdout), ["error:-:1", "com.example.two"]);
    let (code, stdout, stderr) = indicia(&["eval", "--max-evidence-size", "4K", "-"], batch.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(outcomes(&stdout), ["com.example.big", "com.example.two"]);
}

#[test]
fn a_test_fixture_over_the_evidence_limit_fails_its_test() {
    let dir = std::env::temp_dir().join(format!("indicia-limits-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("pack.ind"),
        "category c { title: \"C\" }\nfact permission { name: string }\n\
         indicator \"T-1\" { title: \"T\" category: c severity: low when: any permission where name == \"x\" }\n\
         test \"endless fixture\" {\n  evidence: \"/dev/zero\"\n  expect \"T-1\": pass\n}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = indicia(&["test", dir.to_str().unwrap()], b"");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("cannot read evidence `/dev/zero`: larger than 64 MiB, the limit for an evidence object"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn decide_reads_under_the_same_limits() {
    let mut batch = evidence_line("com.example.one");
    batch.push_str(&"y".repeat(10_000));
    batch.push('\n');
    batch.push_str(&evidence_line("com.example.three"));
    let (code, stdout, stderr) =
        indicia(&["decide", "--max-line-size", "1K", "--format", "json", "-"], batch.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("-:2: rejected: larger than 1 KiB, the limit for a batch line"), "{stderr}");
    assert!(stdout.contains("com.example.one") && stdout.contains("com.example.three"), "{stdout}");
    let (code, _, stderr) = indicia(&["decide", "/dev/zero"], b"");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot read `/dev/zero`: larger than 64 MiB"), "{stderr}");
}

#[test]
fn decide_cuts_a_batch_into_lines_as_eval_does() {
    // CRLF line breaks, a blank line, a line longer than a read block (2 MiB, src/lines.rs), a bad
    // line, an overlong one and a last line without a line break: sources keep their line numbers.
    let big = format!("{{\"app\": {{\"id\": \"big\", \"name\": \"{}\"}}, \"facts\": {{}}}}", "n".repeat(3 << 20));
    let small = |id: &str| format!("{{\"app\": {{\"id\": \"{id}\"}}, \"facts\": {{}}}}");
    let overlong = "z".repeat(5 << 20);
    let batch = format!("{}\r\n\r\n{big}\r\nnot json\r\n{overlong}\r\n{}", small("one"), small("six"));
    let (code, stdout, stderr) =
        indicia(&["decide", "--max-line-size", "4M", "--format", "json", "-"], batch.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    let decided: Vec<(String, String)> = stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            (value["app"].as_str().unwrap().to_string(), value["source"].as_str().unwrap().to_string())
        })
        .collect();
    let expected = [("one", "-:1"), ("big", "-:3"), ("six", "-:6")].map(|(a, s)| (a.to_string(), s.to_string()));
    assert_eq!(decided, expected);
    let rejected: Vec<&str> = stderr.lines().collect();
    assert_eq!(rejected.len(), 2, "{stderr}");
    assert!(rejected[0].starts_with("-:4: rejected: not JSON"), "{stderr}");
    assert!(rejected[1].starts_with("-:5: rejected: larger than 4 MiB, the limit for a batch line"), "{stderr}");
}
