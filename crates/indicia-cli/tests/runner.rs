//! `indicia test` on `tests/runner/pack` (see `tests/runner/README.md`): the coverage report's
//! golden text and JSON, the JSON records' documented shape, `-v`, `--run`, and what a failed
//! expectation explains on standard error.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use serde_json::Value;

    fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runner")
    }

    fn indicia(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_indicia")).args(args).current_dir(dir()).output().unwrap()
    }

    fn text(bytes: &[u8]) -> String {
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn golden(name: &str, got: &str) {
        let path = dir().join(name);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&path, got).unwrap();
            return;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(got, want, "{} differs (BLESS=1 rewrites it)", path.display());
    }

    #[test]
    fn coverage_text_and_json_match_their_golden_files() {
        let out = indicia(&["test", "--coverage", "pack"]);
        assert_eq!(out.status.code(), Some(1), "a test fails on purpose");
        golden("coverage.txt", &text(&out.stdout));
        assert!(text(&out.stderr).ends_with("2 passed, 1 failed\n"), "{}", text(&out.stderr));
        let out = indicia(&["test", "--coverage", "--format", "json", "pack"]);
        golden("coverage.json", &text(&out.stdout));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let file = &report["files"]["pack/rules.ind"];
        assert_eq!(file["covered"], serde_json::json!([{"start": {"row": 8}, "end": {"row": 8}}]));
        assert_eq!(file["not_covered"], serde_json::json!([{"start": {"row": 15}, "end": {"row": 15}}]));
        assert_eq!(report["coverage"], 50.0);
    }

    /// The shape docs/authoring.md documents for one `--format json` record.
    fn check_record(record: &Value) {
        let object = record.as_object().unwrap();
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(keys, ["test", "pack", "file", "line", "fixture", "result", "duration_ms", "error", "failures"]);
        assert!(record["test"].is_string() && record["pack"].is_string() && record["file"].is_string());
        assert!(record["line"].is_u64() && record["fixture"].is_string() && record["duration_ms"].is_f64());
        assert!(["pass", "fail", "error"].contains(&record["result"].as_str().unwrap()));
        assert!(record["error"].is_null() || record["error"].is_string());
        for failure in record["failures"].as_array().unwrap() {
            let keys: Vec<&str> = failure.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["message", "file", "line", "column", "indicator", "expected", "actual", "witnesses", "suggestion"]
            );
            assert!(failure["message"].is_string() && failure["line"].is_u64() && failure["column"].is_u64());
            for key in ["indicator", "expected", "actual", "suggestion"] {
                assert!(failure[key].is_null() || failure[key].is_string(), "{key}: {failure}");
            }
            for witness in failure["witnesses"].as_array().unwrap() {
                assert!(witness["kind"].is_string() && witness["index"].is_u64() && witness["fact"].is_object());
            }
        }
    }

    #[test]
    fn json_records_have_the_documented_shape() {
        let out = indicia(&["test", "--format", "json", "pack"]);
        assert_eq!(out.status.code(), Some(1));
        let records: Vec<Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(records.len(), 3, "one record per test, nothing else");
        records.iter().for_each(check_record);
        let names: Vec<&str> = records.iter().map(|r| r["test"].as_str().unwrap()).collect();
        assert_eq!(names, ["three flows", "no flows", "wrong expectations"]);
        let wrong = &records[2];
        assert_eq!(wrong["result"], "fail");
        assert_eq!((wrong["file"].as_str(), wrong["line"].as_u64()), (Some("pack/tests/t.ind"), Some(13)));
        let failures = wrong["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 3);
        // `expect "T-1": pass` on three.json: T-1 failed, witnessed by flow 0 (port 80, tls false).
        assert_eq!((failures[1]["expected"].as_str(), failures[1]["actual"].as_str()), (Some("pass"), Some("fail")));
        assert_eq!(
            failures[1]["witnesses"],
            serde_json::json!([{"kind": "flow", "index": 0, "fact": {"host": "a.example", "port": 80, "tls": false}}])
        );
        assert_eq!((failures[2]["line"].as_u64(), failures[2]["column"].as_u64()), (Some(17), Some(3)));
        assert_eq!(failures[2]["suggestion"], "T-1");
    }

    #[test]
    fn verbose_run_filter_and_explanations() {
        let out = indicia(&["test", "-v", "--run", "^(three|no) flows$", "pack"]);
        assert_eq!(out.status.code(), Some(0));
        let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("ok   \"three flows\" (") && lines[0].ends_with(" ms)"), "{}", lines[0]);
        assert!(lines[1].starts_with("ok   \"no flows\" ("));
        assert_eq!(lines[2], "2 passed, 0 failed");
        let out = indicia(&["test", "pack"]);
        assert_eq!(
            text(&out.stdout),
            "test \"wrong expectations\": expect \"T-2\": expected fail, got pass\n\
             test \"wrong expectations\": expect \"T-1\": expected pass, got fail\n\
             test \"wrong expectations\": expect \"T-3\": no indicator has this id\n\
             2 passed, 1 failed\n"
        );
        let err = text(&out.stderr);
        for want in [
            "  --> pack/tests/t.ind:15:3: expect \"T-2\": fail\n",
            "  fixture: pack/tests/fixtures/three.json\n",
            "  what the fixture made of `T-2`'s conditions:\n",
            "  witness flow[0]: {\"host\":\"a.example\",\"port\":80,\"tls\":false}\n",
            "  did you mean `T-1`?\n",
        ] {
            assert!(err.contains(want), "missing {want:?} in\n{err}");
        }
        let bad = indicia(&["test", "--run", "(", "pack"]);
        assert_eq!(bad.status.code(), Some(2));
    }
}
