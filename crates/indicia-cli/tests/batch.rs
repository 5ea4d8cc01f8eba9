//! `indicia eval` on batches, through the binary: input order across many chunks, bad lines
//! reported in their place, standard input's one-object-or-batch decision, empty input, streaming
//! before the input ends, and `indicia gen`'s packs and evidence.

// In a `#[cfg(test)]` module, the helpers may fail by panicking like the tests (clippy.toml).
#[cfg(test)]
mod common;

#[cfg(test)]
mod batch {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::path::PathBuf;
    use std::process::{Output, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use indicia_testkit::generate::EvidenceGenerator;

    use super::common::{indicia, run_with_input as run};

    /// A fresh scratch directory for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("indicia-batch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// What line `number` (1-based) of the test batch holds.
    #[derive(Clone, Debug, PartialEq)]
    enum Expect {
        /// A report on this app id.
        App(String),
        /// An error object for this line.
        Bad(usize),
        /// A blank line: no output.
        Blank,
    }

    /// A batch of `lines` lines: generated apps, with a bad line every 97 lines (several kinds of
    /// bad) and a blank line every 250.
    fn mixed_batch(lines: usize) -> (String, Vec<Expect>) {
        let generator = EvidenceGenerator::new(8, 42);
        let bad = [
            "not json",
            "{\"app\": {\"id\": 1}, \"facts\": {}}",
            "[1, 2]",
            "{\"app\": {\"id\": \"x\"}, \"facts\": {\"flow\": [{\"host\": 3}]}}",
            "{",
        ];
        let mut text = String::new();
        let mut expect = Vec::new();
        for i in 0..lines {
            let number = i + 1;
            if number % 250 == 0 {
                text.push_str("   \n");
                expect.push(Expect::Blank);
            } else if number % 97 == 0 {
                text.push_str(bad[(number / 97) % bad.len()]);
                text.push('\n');
                expect.push(Expect::Bad(number));
            } else {
                let app = generator.app(i as u64);
                let id =
                    serde_json::from_str::<serde_json::Value>(&app).unwrap()["app"]["id"].as_str().unwrap().to_string();
                text.push_str(&app);
                text.push('\n');
                expect.push(Expect::App(id));
            }
        }
        (text, expect)
    }

    /// Checks a batch's standard output and standard error against what each line should give.
    fn check_batch_output(output: &Output, source: &str, expect: &[Expect]) {
        let stdout = String::from_utf8(output.stdout.clone()).unwrap();
        let stderr = String::from_utf8(output.stderr.clone()).unwrap();
        let printed: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let wanted: Vec<&Expect> = expect.iter().filter(|e| **e != Expect::Blank).collect();
        assert_eq!(printed.len(), wanted.len(), "one output line per non-blank input line");
        let mut bad_lines = Vec::new();
        for (line, (value, want)) in printed.iter().zip(&wanted).enumerate() {
            match want {
                Expect::App(id) => {
                    assert_eq!(value["app"]["id"].as_str(), Some(id.as_str()), "output line {}", line + 1);
                    assert!(value["summary"]["total"].as_u64().unwrap() > 0);
                }
                Expect::Bad(number) => {
                    assert_eq!(value["source"].as_str(), Some(format!("{source}:{number}").as_str()));
                    assert!(!value["error"].as_str().unwrap().is_empty());
                    assert!(value["code"].as_str().unwrap().starts_with('V'), "{value}");
                    bad_lines.push(*number);
                }
                Expect::Blank => unreachable!(),
            }
        }
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error[V")).collect();
        assert_eq!(errors.len(), bad_lines.len(), "{stderr}");
        for (error, number) in errors.iter().zip(&bad_lines) {
            assert!(error.get(12..).is_some_and(|rest| rest.starts_with(&format!(": {source}:{number}: "))), "{error}");
        }
        assert_eq!(output.status.code(), Some(if bad_lines.is_empty() { 0 } else { 1 }));
    }

    #[test]
    fn a_jsonl_file_keeps_input_order_across_chunks_and_reports_bad_lines_in_place() {
        let (text, expect) = mixed_batch(3000);
        assert!(expect.iter().filter(|e| matches!(e, Expect::Bad(_))).count() >= 30);
        let dir = scratch("file");
        let path = dir.join("batch.jsonl");
        std::fs::write(&path, &text).unwrap();
        let name = path.to_str().unwrap();
        let output = indicia().args(["eval", name]).output().unwrap();
        check_batch_output(&output, name, &expect);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn standard_input_batch_keeps_input_order_and_reports_bad_lines_in_place() {
        let (text, expect) = mixed_batch(3000);
        check_batch_output(&run(&["eval", "-"], text.as_bytes()), "-", &expect);
    }

    #[test]
    fn a_batch_whose_first_line_is_bad_is_still_a_batch() {
        let (text, mut expect) = mixed_batch(600);
        let text = format!("garbage\n{text}");
        expect.insert(0, Expect::Bad(1));
        for e in expect.iter_mut() {
            if let Expect::Bad(n) = e
                && *n > 1
            {
                *n += 1;
            }
        }
        check_batch_output(&run(&["eval", "-"], text.as_bytes()), "-", &expect);
    }

    #[test]
    fn lines_longer_than_a_read_block_are_scored_whole_with_crlf_and_no_final_newline() {
        // The reader cuts lines in place in blocks of 2 MiB (src/lines.rs): a line of 5 MiB spans
        // three blocks, and a bad line after it keeps its own line number and column.
        let small = |id: &str| format!("{{\"app\": {{\"id\": \"{id}\"}}, \"facts\": {{}}}}");
        let name = "n".repeat(5 << 20);
        let big = |id: &str| format!("{{\"app\": {{\"id\": \"{id}\", \"name\": \"{name}\"}}, \"facts\": {{}}}}");
        let text = format!(
            "{}\r\n{}\r\n\r\n{}\r\n{{\"app\": oops}}\r\n{}",
            small("one"),
            big("two"),
            big("four"),
            small("six")
        );
        let app = |id: &str| Expect::App(id.to_string());
        let expect = [app("one"), app("two"), Expect::Blank, app("four"), Expect::Bad(5), app("six")];
        let dir = scratch("long-lines");
        let path = dir.join("long.jsonl");
        std::fs::write(&path, &text).unwrap();
        let file = path.to_str().unwrap();
        for (source, output) in
            [("-", run(&["eval", "-"], text.as_bytes())), (file, indicia().args(["eval", file]).output().unwrap())]
        {
            check_batch_output(&output, source, &expect);
            let stdout = String::from_utf8(output.stdout).unwrap();
            let error: serde_json::Value = serde_json::from_str(stdout.lines().nth(3).unwrap()).unwrap();
            assert_eq!(error["error"], "app: invalid JSON at line 1 column 9: expected value");
            let two: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap()).unwrap();
            assert_eq!(two["app"]["name"].as_str().map(str::len), Some(5 << 20));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn standard_input_is_one_object_when_all_of_it_is_one() {
        let app = EvidenceGenerator::new(12, 5).app(3);
        let value: serde_json::Value = serde_json::from_str(&app).unwrap();
        let id = value["app"]["id"].clone();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        for input in [app.clone(), format!("\n\n{app}\n\n  \n"), pretty] {
            let output = run(&["eval", "-"], input.as_bytes());
            assert_eq!(output.status.code(), Some(0));
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert!(stdout.lines().count() > 1, "one object gets one pretty report");
            let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(report["app"]["id"], id);
        }
        // Two objects are a batch: JSON Lines, one report per line.
        let output = run(&["eval", "-"], format!("{app}\n\n{app}\n").as_bytes());
        assert_eq!(output.status.code(), Some(0));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(stdout.lines().count(), 2);
        for line in stdout.lines() {
            assert_eq!(serde_json::from_str::<serde_json::Value>(line).unwrap()["app"]["id"], id);
        }
    }

    #[test]
    fn empty_standard_input_prints_nothing_and_succeeds() {
        for input in ["", "\n", "  \n\n \t\n"] {
            let output = run(&["eval", "-"], input.as_bytes());
            assert_eq!(output.status.code(), Some(0), "{input:?}");
            assert!(output.stdout.is_empty(), "{input:?}");
            assert!(output.stderr.is_empty(), "{input:?}");
        }
    }

    #[test]
    fn a_batch_streams_reports_before_its_input_ends() {
        // Send more than one chunk of lines and keep standard input open: the first outputs must
        // come out while more input could still follow, whether the first line is good or bad.
        let generator = EvidenceGenerator::new(4, 1);
        for bad_first_line in [false, true] {
            let mut child = indicia()
                .args(["eval", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            // The input is written by its own thread (the pipes are small, and reports come out
            // while it is written), which keeps standard input open until told to close it.
            let (close_tx, close_rx) = mpsc::channel::<()>();
            let writer = std::thread::spawn(move || {
                let generator = EvidenceGenerator::new(4, 1);
                if bad_first_line {
                    writeln!(stdin, "{{\"app\": oops").unwrap();
                }
                for i in 0..1200 {
                    writeln!(stdin, "{}", generator.app(i)).unwrap();
                }
                stdin.flush().unwrap();
                let _ = close_rx.recv();
            });
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = mpsc::channel();
            let reader = std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let first = lines.next().and_then(Result::ok);
                let _ = tx.send(first);
                lines.count()
            });
            // A generous bound only so that a failure ends the test instead of hanging it.
            let first = rx.recv_timeout(Duration::from_secs(120)).expect("no output before the input ended");
            let first: serde_json::Value = serde_json::from_str(&first.unwrap()).unwrap();
            if bad_first_line {
                assert_eq!(first["source"], "-:1");
            } else {
                let app: serde_json::Value = serde_json::from_str(&generator.app(0)).unwrap();
                assert_eq!(first["app"]["id"], app["app"]["id"]);
            }
            close_tx.send(()).unwrap();
            writer.join().unwrap();
            assert_eq!(reader.join().unwrap(), if bad_first_line { 1200 } else { 1199 });
            assert_eq!(child.wait().unwrap().code(), Some(if bad_first_line { 1 } else { 0 }));
        }
    }

    #[test]
    fn gen_is_deterministic_and_its_packs_and_evidence_are_accepted() {
        let batch =
            indicia().args(["gen", "evidence", "--apps", "40", "--facts", "30", "--seed", "9"]).output().unwrap();
        assert!(batch.status.success());
        let again =
            indicia().args(["gen", "evidence", "--apps", "40", "--facts", "30", "--seed", "9"]).output().unwrap();
        assert_eq!(batch.stdout, again.stdout);
        let other =
            indicia().args(["gen", "evidence", "--apps", "40", "--facts", "30", "--seed", "10"]).output().unwrap();
        assert_ne!(batch.stdout, other.stdout);
        assert_eq!(batch.stdout.iter().filter(|&&b| b == b'\n').count(), 40);

        let pack = indicia().args(["gen", "pack", "--indicators", "40", "--seed", "3"]).output().unwrap();
        assert!(pack.status.success());
        assert_eq!(String::from_utf8_lossy(&pack.stdout).matches("\nindicator \"").count(), 40);
        let dir = scratch("gen");
        let pack_path = dir.join("generated.ind");
        std::fs::write(&pack_path, &pack.stdout).unwrap();
        let batch_path = dir.join("apps.jsonl");
        std::fs::write(&batch_path, &batch.stdout).unwrap();
        let check = indicia().args(["check", pack_path.to_str().unwrap()]).output().unwrap();
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

        // The built-in pack and the generated one accept every generated app without an error.
        for rules in [None, Some(pack_path.to_str().unwrap())] {
            let mut eval = indicia();
            eval.arg("eval");
            if let Some(rules) = rules {
                eval.args(["--rules", rules]);
            }
            let output = eval.arg(batch_path.to_str().unwrap()).output().unwrap();
            assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
            let reports: Vec<serde_json::Value> =
                String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            assert_eq!(reports.len(), 40);
            let expected_total = if rules.is_some() { 40 } else { 15 };
            assert!(reports.iter().all(|r| r["summary"]["total"] == expected_total));
            assert!(reports.iter().any(|r| r["summary"]["failed"].as_u64() > Some(0)));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn gen_stops_quietly_when_its_reader_goes() {
        let mut child = indicia()
            .args(["gen", "evidence", "--apps", "1000000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 4096];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        assert!(output.stderr.is_empty());
    }
}
