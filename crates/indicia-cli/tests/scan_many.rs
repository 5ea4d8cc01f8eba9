//! `indicia scan` over many apps, end to end: a directory searched recursively with a broken APK in the
//! middle, a split APK set, arguments in their order, the text form's closing table, and the refusals.
//! The package names expected are read off the APKs' binary manifests (`strings -el FILE`).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::path::PathBuf;

use common::Scratch;
use serde_json::Value;

fn apk(name: &str) -> PathBuf {
    common::data("extract/apk").join(name)
}

fn indicia(args: &[&str]) -> (i32, String, String) {
    let (code, stdout, stderr) = common::parts(&common::run(args));
    (code.unwrap_or(-1), stdout, stderr)
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The tree of the batch tests: four apps, a broken one in the middle, a split set, a subdirectory,
/// a file that is not an app, a broken `.xapk` and a split APK archive (`.apks`).
fn tree(name: &str) -> Scratch {
    let s = Scratch::new(name);
    s.copy(&apk("com.politedroid_6.apk"), "a.apk");
    s.write("b-broken.apk", b"PK\x03\x04 this is not a zip archive");
    s.copy(&apk("souch.smsbypass_9.apk"), "c.apk");
    s.copy(&apk("a2dp.Vol_137.apk"), "d-split/base.apk");
    s.copy(&apk("com.politedroid_6.apk"), "d-split/split_config.xxhdpi.apk");
    s.write("notes.txt", b"not an app");
    s.copy(&apk("org.dyndns.fules.ck_20.apk"), "sub/deeper/e.APK");
    s.write("sub/f.xapk", b"PK");
    s.copy(&apk("../apks/politedroid.apks"), "sub/g.apks");
    s
}

#[test]
fn a_directory_gives_one_line_per_app_in_order_with_the_broken_one_in_its_place() {
    let s = tree("dir");
    let (code, stdout, stderr) = indicia(&["scan", s.path()]);
    assert_eq!(code, 1, "an app that cannot be read fails the run\n{stderr}");
    let lines = lines(&stdout);
    let sources: Vec<String> =
        lines.iter().map(|l| l["source"].as_str().unwrap().strip_prefix(s.path()).unwrap().to_owned()).collect();
    assert_eq!(
        sources,
        ["/a.apk", "/b-broken.apk", "/c.apk", "/d-split", "/sub/deeper/e.APK", "/sub/f.xapk", "/sub/g.apks"]
    );
    let ids: Vec<&str> = lines.iter().map(|l| l["app"]["id"].as_str().unwrap_or("-")).collect();
    assert_eq!(
        ids,
        ["com.politedroid", "-", "souch.smsbypass", "a2dp.Vol", "org.dyndns.fules.ck", "-", "com.politedroid"]
    );
    assert_eq!(lines[1].as_object().unwrap().len(), 2, "an error line is {{source, error}}: {}", lines[1]);
    assert!(lines[1]["error"].as_str().unwrap().contains("b-broken.apk"), "{}", lines[1]);
    assert!(lines[5]["error"].as_str().unwrap().contains("f.xapk: not a zip archive"), "{}", lines[5]);
    for report in [&lines[0], &lines[2], &lines[3], &lines[4], &lines[6]] {
        assert_eq!(report["summary"]["total"], 15, "a full report of the built-in pack: {report}");
        assert!(report.get("error").is_none());
    }
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error: ")).count(), 2, "{stderr}");
}

#[test]
fn arguments_keep_their_order_and_the_text_form_ends_with_the_table() {
    let s = tree("args");
    let c = s.0.join("c.apk");
    let a = s.0.join("a.apk");
    let (code, stdout, stderr) = indicia(&["scan", c.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<Value> = lines(&stdout).iter().map(|l| l["app"]["id"].clone()).collect();
    assert_eq!(ids, ["souch.smsbypass", "com.politedroid"]);

    let (code, stdout, _) = indicia(&["scan", c.to_str().unwrap(), a.to_str().unwrap(), "--format", "text"]);
    assert_eq!(code, 0);
    let header = stdout.lines().position(|l| l.starts_with("app ") && l.contains("failed")).expect("a table");
    let rows: Vec<&str> = stdout.lines().skip(header + 1).collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(rows[0].starts_with(c.to_str().unwrap()) && rows[1].starts_with(a.to_str().unwrap()), "{stdout}");
    assert!(stdout.find(&format!("{}:\n", c.display())) < stdout.find(&format!("{}:\n", a.display())));
}

#[test]
fn one_app_keeps_the_single_report_and_a_split_set_is_one_app() {
    let s = tree("single");
    let (code, stdout, _) = indicia(&["scan", s.0.join("a.apk").to_str().unwrap()]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(stdout.starts_with("{\n"), "pretty JSON, as before");
    assert!(report.get("source").is_none());
    let (code, stdout, _) = indicia(&["scan", s.0.join("d-split").to_str().unwrap()]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["app"]["id"], "a2dp.Vol", "the base APK names the app");
    // A split APK archive is one app; the report's warnings name the APK in it that was not read.
    let (code, stdout, stderr) = indicia(&["scan", s.0.join("sub/g.apks").to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["app"]["id"], "com.politedroid");
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap().starts_with("extract: ")
            && w.as_str()
                .unwrap()
                .ends_with("not read (not parts of the base APK's split set): standalones/standalone.apk")),
        "{warnings:?}"
    );
    let permissions: Vec<&str> =
        report["found"]["permissions"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(permissions, ["android.permission.READ_CALENDAR", "android.permission.RECEIVE_BOOT_COMPLETED"]);
}

#[test]
fn per_app_inputs_are_refused_with_several_apps_and_bad_limits_are_usage_errors() {
    let s = tree("refused");
    let har = s.write("c.har", br#"{"log": {"entries": []}}"#);
    let (code, stdout, stderr) = indicia(&["scan", s.path(), "--har", har.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("--har") && stderr.contains("one app"), "{stderr}");
    let (code, _, stderr) = indicia(&["scan", s.path(), "--time-limit", "-1"]);
    assert_eq!(code, 2, "{stderr}");
    let missing = s.0.join("missing.apk");
    let (code, stdout, _) = indicia(&["scan", missing.to_str().unwrap(), s.0.join("a.apk").to_str().unwrap()]);
    assert_eq!(code, 2, "an argument that names nothing is a usage error");
    let lines = lines(&stdout);
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].is_string() && lines[1]["app"]["id"] == "com.politedroid");
    let broken = s.0.join("b-broken.apk");
    let (code, stdout, _) = indicia(&["scan", broken.to_str().unwrap(), s.0.join("c.apk").to_str().unwrap()]);
    assert_eq!(code, 2, "an app named on the command line that cannot be read is 2, as a single app");
    assert_eq!(lines_of(&stdout), 2);
}

fn lines_of(stdout: &str) -> usize {
    lines(stdout).len()
}
