//! The `extract`/`scan` module of the `indicia` command (`commands::extract`), driven through the
//! library without spawning the binary.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::path::PathBuf;

use clap::Parser;
use common::Scratch;
use indicia_cli::commands::extract::{ExtractArgs, ScanArgs, run as run_extract, scan_evidence};
use indicia_cli::exit::Status;
use serde_json::json;

/// A file of the copied real data (`tests/data/extract/`).
fn data(rel: &str) -> PathBuf {
    common::data("extract").join(rel)
}

#[derive(Parser)]
struct Extract {
    #[command(flatten)]
    args: ExtractArgs,
}

#[derive(Parser)]
struct Scan {
    #[command(flatten)]
    args: ScanArgs,
}

#[test]
fn flags_parse() {
    let e = Extract::try_parse_from([
        "x",
        "--apk",
        "a.apk",
        "--apk",
        "split.apk",
        "--manifest",
        "m.xml",
        "--plist",
        "I.plist",
        "--privacy-manifest",
        "p.xcprivacy",
        "--har",
        "c.har",
        "--trackers",
        "t.json",
        "--countries",
        "c.csv",
        "--clipboard-canary",
        "K",
        "--app-id",
        "com.x",
        "--ipa",
        "b.ipa",
        "--compact",
    ])
    .unwrap()
    .args;
    assert_eq!(e.apk.len(), 2);
    assert_eq!(e.options.app_id.as_deref(), Some("com.x"));
    assert_eq!(e.options.clipboard_canary.as_deref(), Some("K"));
    assert!(e.compact);
    let s = Scan::try_parse_from(["x", "app.apk", "--har", "c.har"]).unwrap().args;
    assert_eq!(s.apps, [std::path::PathBuf::from("app.apk")]);
    assert_eq!(s.har.len(), 1);
}

#[test]
fn scan_an_apk_with_a_capture() {
    let dir = Scratch::new("cli-scan");
    let har = dir.write(
        "c.har",
        br#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://t.example.cn/?imei=356938035643809", "headersSize": 50, "bodySize": 0}, "serverIPAddress": "198.51.100.1"}]}}"#,
    );
    let countries = dir.write("c.csv", b"example.cn,CN\n");
    let s = Scan::try_parse_from([
        "x",
        data("apk/com.politedroid_6.apk").to_str().unwrap(),
        "--har",
        har.to_str().unwrap(),
        "--countries",
        countries.to_str().unwrap(),
    ])
    .unwrap()
    .args;
    let ev = scan_evidence(&s).unwrap();
    assert_eq!(ev["app"]["id"], "com.politedroid");
    assert_eq!(ev["collected"], json!(["permission", "api", "component", "sdk", "flow"]));
    assert_eq!(
        ev["facts"]["flow"],
        json!([{"host": "t.example.cn", "ip": "198.51.100.1", "country": "CN", "port": 443, "tls": true, "bytes_out": 50, "data": ["device_id"]}])
    );
    let bad = Scan::try_parse_from(["x", har.to_str().unwrap()]).unwrap().args;
    let err = scan_evidence(&bad).unwrap_err();
    assert!(err.contains("c.har") && err.contains("zip"), "{err}");
}

#[test]
fn extract_exit_codes() {
    assert_eq!(run_extract(&ExtractArgs::default()), Status::Usage);
    let ok = Extract::try_parse_from([
        "x",
        "--manifest",
        data("apk/axml/androguard-TC_AndroidManifest.decoded.xml").to_str().unwrap(),
        "--compact",
    ])
    .unwrap()
    .args;
    assert_eq!(run_extract(&ok), Status::Success);
    let partly = Extract::try_parse_from([
        "x",
        "--manifest",
        data("apk/axml/androguard-TC_AndroidManifest.decoded.xml").to_str().unwrap(),
        "--har",
        data("har/mitmproxy_brokenfile.invalid.har").to_str().unwrap(),
    ])
    .unwrap()
    .args;
    assert_eq!(run_extract(&partly), Status::Usage);
    let bad_trackers =
        Extract::try_parse_from(["x", "--har", "a.har", "--trackers", "/nonexistent/t.json"]).unwrap().args;
    assert_eq!(run_extract(&bad_trackers), Status::Usage);
}
