//! The built-in pack over run-time evidence from real capture formats, through the `indicia` binary:
//! the hand-made capture of `rules/tw-mabis-v4/tests/captures/` (its README says how it was made), whose
//! SNI host resolves, in the capture's own DNS answer, to an address the built-in IP-to-country database
//! places in China.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use serde_json::Value;

fn indicia(args: &[&str]) -> (Value, String) {
    let out = common::run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {stderr}");
    (serde_json::from_slice(&out.stdout).unwrap_or(Value::Null), stderr)
}

fn verdict(report: &Value, id: &str) -> String {
    let results = report["results"].as_array().or_else(|| report["indicators"].as_array()).expect("results");
    let r = results.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("{id} not in {report}"));
    r["verdict"].as_str().or_else(|| r["outcome"].as_str()).unwrap().to_owned()
}

const CN: &str = "rules/tw-mabis-v4/tests/captures/handmade_cn-sni.pcap";

#[test]
fn cn_capture_fails_tw_dt_03_with_the_builtin_database() {
    let (evidence, _) = indicia(&["extract", "--pcap", CN, "--app-id", "com.example.cn"]);
    let flows = evidence["facts"]["flow"].as_array().unwrap();
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0]["host"], "api.example.cn");
    assert_eq!(flows[0]["country"], "CN");
    let (_, stderr) = indicia(&["extract", "--pcap", CN, "--app-id", "x", "--countries", "none"]);
    assert!(stderr.contains("does not say which app sent each packet"), "{stderr}");
    let (none, _) = indicia(&["extract", "--pcap", CN, "--app-id", "x", "--countries", "none"]);
    assert_eq!(none["facts"]["flow"][0].get("country"), None);

    let apk = "tests/data/extract/apk/com.politedroid_6.apk";
    let (report, _) = indicia(&["scan", apk, "--pcap", CN, "--format", "json"]);
    assert_eq!(verdict(&report, "TW-DT-03"), "fail", "{report}");
    let (report, _) = indicia(&["scan", apk, "--pcap", CN, "--countries", "none", "--format", "json"]);
    assert_eq!(verdict(&report, "TW-DT-03"), "inconclusive", "{report}");
}

#[test]
fn mobsf_report_adds_code_references_not_observations() {
    let report = "tests/data/extract/mobsf/defectdojo_mobsf-3.1.6_android_ivlic.json";
    let (evidence, _) = indicia(&["extract", "--mobsf", report]);
    assert_eq!(evidence["app"]["id"], "iv.lic");
    let collected: Vec<&str> = evidence["collected"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(collected, ["permission", "api", "sdk", "domain"]);
    assert!(evidence["facts"]["api"].as_array().unwrap().iter().any(|a| a["symbol"] == "api_clipboard"));
}

#[test]
fn version_names_the_ip_country_data() {
    let out = common::run(&["--version"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("IP-to-country data of 2026-06-17"), "{text}");
}
