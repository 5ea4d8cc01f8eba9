//! `tools/frida/indicia-hooks.js` under its mocks (`tools/frida/mock-android.js` and `mock-ios.js`, which
//! freeze the clock): the script prints `tools/frida/mock-*.golden.jsonl`, the reader reads those logs as
//! the script's design says (expected facts written by hand from each mock's scenario, listed at its
//! top), and the built-in pack's Frida fixture is the evidence the Android log gives. The first test needs
//! `node`; without it, it says so and checks nothing (the others still run).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::{Path, PathBuf};
use std::process::Command;

use indicia_extract::{Kind, Options, merge, read_frida_log};
use serde_json::{Value, json};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

fn golden_of(platform: &str) -> String {
    std::fs::read_to_string(repo(&format!("tools/frida/mock-{platform}.golden.jsonl"))).unwrap()
}

fn golden() -> String {
    golden_of("android")
}

fn sorted(list: &[Value]) -> Vec<Value> {
    let mut out = list.to_vec();
    out.sort_by_key(Value::to_string);
    out.dedup();
    out
}

#[test]
fn the_script_prints_the_golden_logs_under_the_mocks() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: `node` is not installed, so tools/frida/indicia-hooks.js was not run under its mocks");
        return;
    }
    for platform in ["android", "ios"] {
        let out = Command::new("node")
            .arg(repo(&format!("tools/frida/mock-{platform}.js")))
            .arg(repo("tools/frida/indicia-hooks.js"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{platform}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            golden_of(platform),
            "{platform}: the script's output changed: if on purpose, rewrite the golden with \
             `node tools/frida/mock-{platform}.js tools/frida/indicia-hooks.js > tools/frida/mock-{platform}.golden.jsonl` \
             and check it by hand against the mock's scenario"
        );
    }
}

#[test]
fn the_golden_log_says_what_was_watched_and_seen() {
    let p = read_frida_log(&golden(), "mock-android.golden.jsonl", &Options::default()).unwrap();
    assert_eq!(p.app.id.as_deref(), Some("com.example.shop"));
    let watched: Vec<&str> = p.facts_of(Kind::Watched).iter().map(|w| w["behavior"].as_str().unwrap()).collect();
    // Face detection, device identifiers and the microphone are seen-only on Android: never watched.
    assert_eq!(
        watched,
        [
            "app_list_read",
            "camera_open",
            "clipboard_read",
            "contacts_read",
            "location_read",
            "phone_number_read",
            "screen_capture"
        ]
    );
    let pm = "android.app.ApplicationPackageManager";
    let bg = |kind: &str, detail: &str| json!({"kind": kind, "detail": detail, "state": "background"});
    assert_eq!(
        sorted(p.facts_of(Kind::Behavior)),
        sorted(&[
            json!({"kind": "clipboard_read", "detail": "android.content.ClipboardManager.getPrimaryClip", "state": "foreground"}),
            json!({"kind": "app_list_read", "detail": format!("{pm}.getInstalledPackages"), "state": "background", "sdk": "com.tencent.bugly"}),
            bg("device_id_read", "android.provider.Settings$Secure.getString"),
            bg("app_list_read", "java.lang.ProcessBuilder.start"),
            bg("app_list_read", &format!("{pm}.getPackageInfo")),
            bg("microphone_record", "android.media.MediaRecorder.start"),
            bg("app_list_read", "libc.so!popen"),
            bg("microphone_record", "libaaudio.so!AAudioStream_requestStart"),
        ])
    );
    // Two probes past the limit (the 10th and 11th other package), each one call line.
    let probes = p.facts_of(Kind::Behavior).iter().filter(|f| f["detail"] == format!("{pm}.getPackageInfo")).count();
    assert_eq!(probes, 2);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn the_ios_golden_log_says_what_was_watched_and_seen() {
    let p = read_frida_log(&golden_of("ios"), "mock-ios.golden.jsonl", &Options::default()).unwrap();
    assert_eq!((p.app.id.as_deref(), p.app.platform), (Some("com.example.maps"), Some("ios")));
    let watched: Vec<&str> = p.facts_of(Kind::Watched).iter().map(|w| w["behavior"].as_str().unwrap()).collect();
    // DCDevice is missing on the mock system: its hook failed, so device_id_read is not watched.
    assert_eq!(watched, ["app_list_read", "camera_open", "clipboard_read", "contacts_read"]);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("1 hooks were not installed (DCDevice.generateTokenWithCompletionHandler:)")),
        "{:?}",
        p.warnings
    );
    let on = |kind: &str, detail: &str| json!({"kind": kind, "detail": detail, "state": "foreground"});
    assert_eq!(
        sorted(p.facts_of(Kind::Behavior)),
        sorted(&[
            on("clipboard_read", "UIPasteboard.string"),
            on("app_list_read", "UIApplication.canOpenURL:"),
            on("camera_open", "AVCaptureDeviceInput.initWithDevice:error:"),
            on("microphone_record", "AVCaptureDeviceInput.deviceInputWithDevice:error:"),
            on("face_capture", "VNImageRequestHandler.performRequests:error:"),
            on("face_capture", "CIDetector.detectorOfType:context:options:"),
            on("microphone_record", "AudioToolbox!AudioQueueNewInput"),
        ])
    );
    let probes = p.facts_of(Kind::Behavior).iter().filter(|f| f["detail"] == "UIApplication.canOpenURL:").count();
    assert_eq!(probes, 2, "the 10th and 11th distinct scheme");
}

/// The pack's fixture says it is what `indicia extract --frida-log` writes for the golden log: keep it so.
#[test]
fn the_pack_fixture_is_the_golden_log_extracted() {
    let p = read_frida_log(&golden(), "mock-android.golden.jsonl", &Options::default()).unwrap();
    let evidence = merge(vec![p], None).evidence;
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(repo("rules/tw-mabis-v4/tests/fixtures/frida-app-list-android.json")).unwrap(),
    )
    .unwrap();
    let mut app = fixture["app"].clone();
    app.as_object_mut().unwrap().remove("note");
    assert_eq!(app, evidence["app"]);
    assert_eq!(fixture["collected"], evidence["collected"]);
    for kind in ["behavior", "watched"] {
        assert_eq!(
            sorted(fixture["facts"][kind].as_array().unwrap()),
            sorted(evidence["facts"][kind].as_array().unwrap()),
            "{kind}"
        );
    }
}
