//! `indicia scan` and `indicia extract` with the run-time flags, end to end: a real APK with a hand-made
//! `appops get` dump (which names no package, so it is the scanned app's) scored by the built-in pack.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::data;
use serde_json::Value;

fn indicia(args: &[&str]) -> (i32, Value, String) {
    let out = common::run(args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn verdict(report: &Value, id: &str) -> String {
    let found = report["indicators"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap();
    found["verdict"].as_str().unwrap().to_owned()
}

fn scan_with_appops(dump: &str) -> Value {
    let apk = data("extract/apk/a2dp.Vol_137.apk");
    let dump = data(dump);
    let (code, report, stderr) =
        indicia(&["scan", apk.to_str().unwrap(), "--appops", dump.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    report
}

#[test]
fn scan_with_an_appops_clipboard_access_fails_tw_pd_03() {
    let report = scan_with_appops("dynamic/appops_get.handmade.txt");
    assert_eq!(verdict(&report, "TW-PD-03"), "fail");
    // a2dp.Vol declares ACCESS_FINE_LOCATION and the dump shows COARSE_LOCATION accessed.
    assert_eq!(verdict(&report, "TW-PD-01"), "fail");
    assert_eq!(verdict(&report, "TW-SI-01"), "inconclusive");
}

#[test]
fn scan_with_an_appops_dump_without_accesses_passes_tw_pd_03_only_where_watched() {
    let report = scan_with_appops("dynamic/appops_get_none.handmade.txt");
    assert_eq!(verdict(&report, "TW-PD-03"), "pass");
    assert_eq!(verdict(&report, "TW-PD-02"), "pass");
    assert_eq!(verdict(&report, "TW-SI-01"), "inconclusive", "AppOps does not record the app list");
    assert_eq!(verdict(&report, "TW-SI-02"), "inconclusive");
}

#[test]
fn extract_filters_a_device_wide_report_to_the_app_id() {
    let report = data("dynamic/plaso_ios_app_privacy_report.ndjson");
    let (code, evidence, stderr) =
        indicia(&["extract", "--privacy-report", report.to_str().unwrap(), "--app-id", "com.apple.mobilecal"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(evidence["app"]["id"], "com.apple.mobilecal");
    assert_eq!(evidence["facts"]["flow"].as_array().unwrap().len(), 6);
    let (code, evidence, stderr) =
        indicia(&["extract", "--privacy-report", report.to_str().unwrap(), "--app-id", "com.example.absent"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no record of `com.example.absent`"), "{stderr}");
    assert_eq!(evidence["collected"], serde_json::json!([]));
}

#[test]
fn a_real_privacy_report_with_location_accesses_fails_tw_pd_01() {
    let report = data("dynamic/plaso_ios_app_privacy_report.ndjson");
    let (code, evidence, stderr) = indicia(&[
        "extract",
        "--privacy-report",
        report.to_str().unwrap(),
        "--app-id",
        "com.apple.mobilecal",
        "--compact",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out = common::run_with_input(&["eval", "-"], evidence.to_string().as_bytes());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict(&report, "TW-PD-01"), "fail", "location intervals of com.apple.mobilecal");
    assert_eq!(verdict(&report, "TW-PD-02"), "fail", "contacts intervals");
    assert_eq!(verdict(&report, "TW-PD-03"), "inconclusive", "the report has no record of clipboard reads");
    assert_eq!(verdict(&report, "TW-PD-04"), "inconclusive");
}
