//! Inputs built by the tests: a tracker-positive APK, an IPA, HAR captures with personal data, merges.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::{Scratch, build_dex, build_zip, data};
use indicia_extract::{
    Countries, CountryTable, Kind, Options, Source, TrackerSet, extract_all, extract_apk, extract_har, extract_ipa,
    merge,
};
use serde_json::{Value, json};

/// An APK whose DEX defines classes under Firebase Analytics' package (a tracker in the Exodus list and a
/// `dex_package` rule of the built-in LibChecker set), with the real binary manifest of androguard's TC app.
fn tracker_apk(dir: &Scratch) -> std::path::PathBuf {
    let dex = build_dex(
        &["Lcom/google/firebase/analytics/FirebaseAnalytics;", "Lorg/t0t0/androguard/TC/TCActivity;"],
        &[
            ("Landroid/content/ClipboardManager;", "getPrimaryClip"),
            ("Landroid/provider/Settings$Secure;", "getString"),
            ("[Ljava/lang/Object;", "clone"),
            ("Lcom/google/firebase/analytics/FirebaseAnalytics;", "logEvent"),
        ],
    );
    let manifest = std::fs::read(data("apk/axml/androguard-TC_AndroidManifest.axml")).unwrap();
    dir.write("tracker.apk", &build_zip(&[("AndroidManifest.xml", &manifest), ("classes.dex", &dex)]))
}

fn exodus() -> TrackerSet {
    let text = std::fs::read_to_string(data("trackers/exodus_trackers_slim.json")).unwrap();
    TrackerSet::from_json(&text, "exodus").unwrap()
}

#[test]
fn tracker_positive_apk_with_builtin_set() {
    let dir = Scratch::new("tracker-builtin");
    let p = extract_apk(&tracker_apk(&dir), &Options::default()).unwrap();
    assert_eq!(p.app.id.as_deref(), Some("org.t0t0.androguard.TC"));
    let symbols: Vec<&str> = p.facts_of(Kind::Api).iter().map(|f| f["symbol"].as_str().unwrap()).collect();
    assert_eq!(
        symbols,
        [
            "android.content.ClipboardManager.getPrimaryClip",
            "android.provider.Settings$Secure.getString",
            "com.google.firebase.analytics.FirebaseAnalytics.logEvent",
            "java.lang.Object[].clone",
        ]
    );
    assert_eq!(p.facts_of(Kind::Sdk), [json!({"id": "com.google.firebase", "name": "Firebase"})]);
}

#[test]
fn tracker_positive_apk_with_exodus_list() {
    let dir = Scratch::new("tracker-exodus");
    let options = Options { trackers: Some(exodus()), ..Options::default() };
    let p = extract_apk(&tracker_apk(&dir), &options).unwrap();
    let sdks = p.facts_of(Kind::Sdk);
    assert!(sdks.contains(&json!({"id": "49", "name": "Google Firebase Analytics", "kind": "analytics"})), "{sdks:?}");
}

#[test]
fn split_apks_merge() {
    let dir = Scratch::new("splits");
    let base = tracker_apk(&dir);
    let split = dir.write(
        "split.apk",
        &build_zip(&[("classes.dex", &build_dex(&["Lcom/example/Split;"], &[("Lcom/example/Split;", "run")]))]),
    );
    let out = extract_all(&[Source::Apk(base), Source::Apk(split)], &Options::default(), None);
    assert!(out.errors.is_empty());
    let ev = out.merged.unwrap().evidence;
    assert_eq!(ev["app"]["id"], "org.t0t0.androguard.TC");
    assert_eq!(ev["collected"], json!(["permission", "api", "component", "sdk"]));
    assert_eq!(ev["facts"]["api"].as_array().unwrap().len(), 5);
}

fn har(entries: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}}),
    )
    .unwrap()
}

fn entry(method: &str, url: &str, ip: &str, body: Option<&str>) -> Value {
    let mut request = json!({"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": [],
        "queryString": [], "cookies": [], "headersSize": 100, "bodySize": body.map_or(0, str::len)});
    if let Some(body) = body {
        request["postData"] = json!({"mimeType": "application/json", "text": body});
    }
    json!({"startedDateTime": "2024-01-01T00:00:00Z", "time": 1, "request": request,
        "response": {"status": 200}, "serverIPAddress": ip})
}

#[test]
fn har_flows_with_data_countries_and_sdks() {
    let dir = Scratch::new("har");
    let path = dir.write(
        "app.har",
        &har(json!([
            entry(
                "GET",
                "https://firebaselogging-pa.googleapis.com/a?gaid=38400000-8cf0-11bd-b23e-10b96e40000d",
                "203.0.113.9",
                None
            ),
            entry(
                "POST",
                "https://api.example.cn/v1/loc",
                "198.51.100.7",
                Some(r#"{"lat": 25.0330, "lng": 121.5654, "phone": "+886912345678", "note": "CANARY-7f3a"}"#)
            ),
            entry("POST", "https://api.example.cn/v1/ping", "198.51.100.7", Some("{}")),
            entry("GET", "http://plain.example.org:8080/x", "192.0.2.1", None),
        ])),
    );
    let options = Options {
        trackers: Some(exodus()),
        countries: Some(Countries::Table(CountryTable::parse("203.0.113.0/24,US\nexample.cn,CN\n").unwrap())),
        clipboard_canary: Some("CANARY-7f3a".to_owned()),
        ..Options::default()
    };
    let p = extract_har(&path, &options).unwrap();
    assert_eq!(p.collected, [Kind::Flow].into_iter().collect());
    let flows = p.facts_of(Kind::Flow);
    assert_eq!(flows.len(), 3);
    let by_host = |h: &str| flows.iter().find(|f| f["host"] == h).unwrap();
    let cn = by_host("api.example.cn");
    assert_eq!(cn["country"], "CN");
    assert_eq!(cn["port"], 443);
    assert_eq!(cn["tls"], true);
    assert_eq!(cn["ip"], "198.51.100.7");
    assert_eq!(cn["data"], json!(["clipboard", "location", "phone_number"]));
    let body_len = r#"{"lat": 25.0330, "lng": 121.5654, "phone": "+886912345678", "note": "CANARY-7f3a"}"#.len();
    assert_eq!(cn["bytes_out"], json!(200 + body_len + 2));
    let measurement = by_host("firebaselogging-pa.googleapis.com");
    assert_eq!(measurement["data"], json!(["device_id"]));
    assert_eq!(measurement["country"], "US");
    let sdk_id = measurement["sdk"].as_str().unwrap();
    let set = exodus();
    let sig = set.signatures.iter().find(|s| s.id == sdk_id).unwrap();
    assert_eq!(sig.name, "Google Firebase Analytics");
    let plain = by_host("plain.example.org");
    assert_eq!((plain["port"].clone(), plain["tls"].clone()), (json!(8080), json!(false)));
    assert!(plain.get("country").is_none());
}

#[test]
fn every_real_har_reads() {
    for name in [
        "mitmproxy_charles.har",
        "mitmproxy_chrome.har",
        "mitmproxy_firefox.har",
        "mitmproxy_flows_diff_data.har",
        "mitmproxy_flows_error_log.har",
        "mitmproxy_flows_event_stream.har",
        "mitmproxy_flows_successful_log.har",
        "mitmproxy_flows_websocket.har",
        "mitmproxy_head-content-length.har",
        "mitmproxy_insomnia.har",
        "mitmproxy_postdata.har",
        "mitmproxy_with-bom.har",
    ] {
        let p = extract_har(&data(&format!("har/{name}")), &Options::default()).unwrap();
        assert!(!p.facts_of(Kind::Flow).is_empty(), "{name}");
        for f in p.facts_of(Kind::Flow) {
            assert!(f["host"].is_string() && f["data"].is_array(), "{name}: {f}");
        }
    }
    let p = extract_har(&data("har/mitmproxy_flows_diff_data.har"), &Options::default()).unwrap();
    let hosts: Vec<&str> = p.facts_of(Kind::Flow).iter().map(|f| f["host"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["clients4.google.com", "jnn-pa.googleapis.com", "s0.2mdn.net", "slack.com", "www.vskills.in"]);
}

#[test]
fn ipa_gives_plist_and_privacy_kinds() {
    let dir = Scratch::new("ipa");
    let info = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>org.example.demo</string>
<key>CFBundleShortVersionString</key><string>1.2</string>
<key>NSCameraUsageDescription</key><string>scan</string>
<key>UIBackgroundModes</key><array><string>location</string></array>
</dict></plist>"#;
    let privacy = std::fs::read(data("ios/privacy-manifests/adjust_PrivacyInfo.xcprivacy")).unwrap();
    let framework_info =
        std::fs::read(data("ios/info-plists/adjust-AdjustSigSdk-framework_Info.binary.plist")).unwrap();
    let ipa = dir.write(
        "demo.ipa",
        &build_zip(&[
            ("Payload/Demo.app/Info.plist", info),
            ("Payload/Demo.app/Frameworks/AdjustSdk.framework/Info.plist", &framework_info),
            ("Payload/Demo.app/Frameworks/AdjustSdk.framework/PrivacyInfo.xcprivacy", &privacy),
        ]),
    );
    let parts = extract_ipa(&ipa, &Options::default()).unwrap();
    let merged = merge(parts, None);
    let ev = merged.evidence;
    assert_eq!(ev["app"], json!({"id": "org.example.demo", "platform": "ios", "version": "1.2"}));
    assert_eq!(ev["collected"], json!(["permission", "api", "sdk", "datum"]));
    assert_eq!(
        ev["facts"]["permission"],
        json!([{"name": "NSCameraUsageDescription", "source": "plist"}, {"name": "UIBackgroundModes:location", "source": "plist"}])
    );
    assert_eq!(ev["facts"]["sdk"].as_array().unwrap().len(), 8);
    assert!(ev["facts"]["datum"].as_array().unwrap().contains(&json!({"type": "device_id", "purpose": "third_party_advertising", "shared": true, "source": "privacy_manifest"})));
    // Source::app recognises it by extension and by content.
    assert_eq!(Source::app(&ipa).unwrap(), Source::Ipa(ipa.clone()));
    let renamed = dir.path("demo.bin");
    std::fs::copy(&ipa, &renamed).unwrap();
    assert_eq!(Source::app(&renamed).unwrap(), Source::Ipa(renamed.clone()));
}

#[test]
fn app_id_rules() {
    let dir = Scratch::new("appid");
    let path = dir.write("a.har", &har(json!([entry("GET", "https://x.example/", "192.0.2.1", None)])));
    let out = extract_all(&[Source::Har(path.clone())], &Options::default(), None);
    let m = out.merged.unwrap();
    assert_eq!(m.evidence["app"]["id"], "unknown");
    assert!(m.warnings.iter().any(|w| w.contains("--app-id")), "{:?}", m.warnings);
    let out = extract_all(&[Source::Har(path.clone())], &Options::default(), Some("com.given"));
    let m = out.merged.unwrap();
    assert_eq!(m.evidence["app"]["id"], "com.given");
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    assert_eq!(m.evidence["collected"], json!(["flow"]));
    // A source that names the app wins; a different --app-id is reported.
    let apk = data("apk/com.politedroid_6.apk");
    let out = extract_all(&[Source::Apk(apk), Source::Har(path)], &Options::default(), Some("com.other"));
    let m = out.merged.unwrap();
    assert_eq!(m.evidence["app"]["id"], "com.politedroid");
    assert_eq!(m.evidence["collected"], json!(["permission", "api", "component", "sdk", "flow"]));
    assert!(m.warnings.iter().any(|w| w.contains("com.other")));
    // A source manifest without package takes --app-id to qualify relative names.
    let out = extract_all(
        &[Source::Manifest(data("android-manifests/antennapod_AndroidManifest.xml"))],
        &Options::default(),
        Some("de.danoeh.antennapod"),
    );
    let m = out.merged.unwrap();
    assert_eq!(m.evidence["collected"], json!(["permission", "component"]));
    assert!(
        m.evidence["facts"]["component"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "de.danoeh.antennapod.activity.MainActivity")
    );
}

#[test]
fn flows_of_two_captures_join() {
    let dir = Scratch::new("two-hars");
    let a = dir.write(
        "a.har",
        &har(json!([entry(
            "POST",
            "https://api.example.cn/x",
            "198.51.100.7",
            Some(r#"{"imei": "356938035643809"}"#)
        )])),
    );
    let b = dir.write(
        "b.har",
        &har(json!([
            entry("POST", "https://api.example.cn/y", "198.51.100.7", Some(r#"{"lat": 25.0330, "lon": 121.5654}"#)),
            entry("GET", "https://other.example/", "192.0.2.9", None),
        ])),
    );
    let out = extract_all(&[Source::Har(a), Source::Har(b)], &Options::default(), Some("com.x"));
    let ev = out.merged.unwrap().evidence;
    let flows = ev["facts"]["flow"].as_array().unwrap();
    assert_eq!(flows.len(), 2);
    let cn = flows.iter().find(|f| f["host"] == "api.example.cn").unwrap();
    assert_eq!(cn["data"], json!(["device_id", "location"]));
    let first = 100 + r#"{"imei": "356938035643809"}"#.len();
    let second = 100 + r#"{"lat": 25.0330, "lon": 121.5654}"#.len();
    assert_eq!(cn["bytes_out"], json!(first + second));
}
