//! The run-time readers on their files (`tests/data/dynamic/`): the App Privacy Report and appops.xml
//! files are real, the AppOps text dumps, package dump and Frida logs are made by hand in the formats of
//! AOSP's dump code and of `tools/frida/indicia-hooks.js` (see that folder's README). Every expected fact
//! below was read off the file by hand.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::path::{Path, PathBuf};

use indicia_extract::{
    Kind, Options, Partial, Source, extract_all, read_appops, read_frida_log, read_package_dump, read_privacy_report,
};
use serde_json::{Value, json};

fn dynamic(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/dynamic").join(name)
}

fn text(name: &str) -> String {
    std::fs::read_to_string(dynamic(name)).unwrap()
}

fn sorted(p: &Partial, kind: Kind) -> Vec<Value> {
    let mut facts = p.facts_of(kind).to_vec();
    facts.sort_by_key(Value::to_string);
    facts.dedup();
    facts
}

fn kinds(list: &[Value]) -> Vec<Value> {
    let mut out = list.to_vec();
    out.sort_by_key(Value::to_string);
    out
}

fn b(kind: &str, detail: &str, state: Option<&str>) -> Value {
    match state {
        Some(s) => json!({"kind": kind, "detail": detail, "state": s}),
        None => json!({"kind": kind, "detail": detail}),
    }
}

fn watched_by(p: &Partial, monitor: &str) -> Vec<String> {
    p.facts_of(Kind::Watched)
        .iter()
        .filter(|w| w["source"] == monitor)
        .map(|w| w["behavior"].as_str().unwrap().to_owned())
        .collect()
}

// ---- App Privacy Report ----------------------------------------------------------------------------

#[test]
fn privacy_report_keeps_the_calendar_apps_accesses_and_domains() {
    let p = read_privacy_report(
        &text("plaso_ios_app_privacy_report.ndjson"),
        "report.ndjson",
        "com.apple.mobilecal",
        &Options::default(),
    )
    .unwrap();
    // Lines 3-6: location and contacts intervals of com.apple.mobilecal.
    assert_eq!(
        sorted(&p, Kind::Behavior),
        kinds(&[
            json!({"kind": "contacts_read", "detail": "contacts"}),
            json!({"kind": "location_read", "detail": "location"})
        ])
    );
    // Its six networkActivity records: two NonAppInitiated (calendar web content), four AppInitiated.
    let hosts: Vec<(String, String)> = sorted(&p, Kind::Flow)
        .iter()
        .map(|f| (f["host"].as_str().unwrap().to_owned(), f["initiator"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        hosts,
        [
            ("calendars.icloud.com", "web"),
            ("gsp-ssl.ls.apple.com", "app"),
            ("gspe19-ssl.ls.apple.com", "app"),
            ("gspe72-ssl.ls.apple.com", "app"),
            ("gspe76-ssl.ls.apple.com", "app"),
            ("p56-caldav.icloud.com", "web"),
        ]
        .map(|(h, i)| (h.to_owned(), i.to_owned()))
    );
    assert!(p.collected.contains(&Kind::Flow) && p.collected.contains(&Kind::Watched));
    let watched = watched_by(&p, "privacy_report");
    assert!(watched.contains(&"location_read".to_owned()));
    assert!(!watched.contains(&"clipboard_read".to_owned()), "the report has no record of clipboard reads");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn privacy_report_of_an_app_with_only_network_records() {
    let p = read_privacy_report(
        &text("plaso_ios_app_privacy_report.ndjson"),
        "report.ndjson",
        "com.timetimer.timerforipad",
        &Options::default(),
    )
    .unwrap();
    assert!(sorted(&p, Kind::Behavior).is_empty());
    let hosts: Vec<&str> = p.facts_of(Kind::Flow).iter().map(|f| f["host"].as_str().unwrap()).collect();
    let mut hosts = hosts;
    hosts.sort_unstable();
    assert_eq!(hosts, ["graph.facebook.com", "inappcheck.itunes.apple.com", "ssl.google-analytics.com"]);
}

#[test]
fn privacy_report_without_the_app_warns_and_collects_nothing() {
    let p = read_privacy_report(
        &text("plaso_ios_app_privacy_report.ndjson"),
        "report.ndjson",
        "com.example.absent",
        &Options::default(),
    )
    .unwrap();
    assert!(p.collected.is_empty(), "{:?}", p.collected);
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].contains("no record of `com.example.absent`"), "{}", p.warnings[0]);
    assert!(p.warnings[0].contains("com.apple.mobilecal"), "{}", p.warnings[0]);
}

#[test]
fn privacy_report_old_beta_form_pretty_printed() {
    let p = read_privacy_report(
        &text("johnspurlock_readme_beta1_tcc_record.json"),
        "beta.json",
        "com.google.ProjectFi",
        &Options::default(),
    )
    .unwrap();
    assert_eq!(sorted(&p, Kind::Behavior), [json!({"kind": "contacts_read", "detail": "kTCCServiceAddressBook"})]);
}

#[test]
fn privacy_report_errors_name_the_line() {
    let mut report = text("plaso_ios_app_privacy_report.ndjson");
    let cut = report.lines().take(3).map(|l| l.len() + 1).sum::<usize>() + 40;
    report.truncate(cut);
    let e = read_privacy_report(&report, "cut.ndjson", "com.apple.mobilecal", &Options::default()).unwrap_err();
    assert!(e.to_string().starts_with("cut.ndjson: line 4, column"), "{e}");
    let e = read_privacy_report("{}\n[1, 2]\n", "a.ndjson", "x", &Options::default()).unwrap_err();
    assert_eq!(e.to_string(), "a.ndjson: line 2: a record is a JSON object, found [1,2]");
}

// ---- AppOps ----------------------------------------------------------------------------------------

#[test]
fn appops_android13_dump_with_attribution_blocks() {
    let p = read_appops(&text("appops_dumpsys_android13.handmade.txt"), "ops.txt", Some("com.example.shop")).unwrap();
    assert_eq!(
        sorted(&p, Kind::Behavior),
        kinds(&[
            b("location_read", "COARSE_LOCATION", Some("foreground")),
            b("clipboard_read", "READ_CLIPBOARD", Some("foreground")),
            b("clipboard_read_attempt", "READ_CLIPBOARD rejected", Some("background")),
            b("camera_open", "CAMERA", Some("foreground")),
            b("device_id_read_attempt", "READ_DEVICE_IDENTIFIERS rejected", Some("background")),
        ])
    );
    let watched = watched_by(&p, "appops");
    assert!(watched.contains(&"clipboard_read".to_owned()));
    assert!(!watched.contains(&"app_list_read".to_owned()));
    assert!(!watched.contains(&"device_id_read".to_owned()));
    assert_eq!(p.app.id.as_deref(), Some("com.example.shop"));
}

#[test]
fn appops_android11_dump_and_the_other_package() {
    let p = read_appops(&text("appops_dumpsys_android11.handmade.txt"), "ops.txt", None).unwrap();
    assert_eq!(
        sorted(&p, Kind::Behavior),
        kinds(&[
            b("location_read", "FINE_LOCATION", Some("background")),
            b("contacts_read", "READ_CONTACTS", Some("foreground")),
            b("microphone_record_attempt", "RECORD_AUDIO rejected", Some("background")),
        ])
    );
    assert_eq!(p.app.id.as_deref(), Some("com.example.shop"), "the only package names the app");
    let notes =
        read_appops(&text("appops_dumpsys_android13.handmade.txt"), "ops.txt", Some("com.example.notes")).unwrap();
    assert_eq!(sorted(&notes, Kind::Behavior), [b("contacts_read", "READ_CONTACTS", Some("foreground"))]);
}

#[test]
fn appops_dump_before_android10_and_appops_get() {
    let p = read_appops(&text("appops_dumpsys_android8.handmade.txt"), "ops.txt", Some("com.example.shop")).unwrap();
    assert_eq!(
        sorted(&p, Kind::Behavior),
        kinds(&[
            b("location_read", "COARSE_LOCATION", None),
            b("clipboard_read", "READ_CLIPBOARD", None),
            b("microphone_record_attempt", "RECORD_AUDIO rejected", None),
        ])
    );
    let get = read_appops(&text("appops_get.handmade.txt"), "get.txt", Some("com.example.shop")).unwrap();
    assert_eq!(
        sorted(&get, Kind::Behavior),
        kinds(&[
            b("clipboard_read", "READ_CLIPBOARD", None),
            b("location_read", "COARSE_LOCATION", None),
            b("location_read_attempt", "COARSE_LOCATION rejected", None),
            b("camera_open", "CAMERA", None),
        ])
    );
    let none = read_appops(&text("appops_get_none.handmade.txt"), "none.txt", Some("com.example.shop")).unwrap();
    assert!(none.facts_of(Kind::Behavior).is_empty());
    assert!(none.collected.contains(&Kind::Behavior) && !watched_by(&none, "appops").is_empty());
}

#[test]
fn appops_xml_old_layout() {
    let xml = text("aosp_appops-unversioned.xml");
    let maps = read_appops(&xml, "appops.xml", Some("com.google.android.apps.maps")).unwrap();
    // op 1 t=1501620392477, op 59 t=1501620392609; op 0 has no time, op 60 stands for no behavior.
    assert_eq!(
        sorted(&maps, Kind::Behavior),
        kinds(&[b("location_read", "FINE_LOCATION", None), b("storage_read", "READ_EXTERNAL_STORAGE", None)])
    );
    let sync = read_appops(&xml, "appops.xml", Some("com.google.android.syncadapters.contacts")).unwrap();
    assert!(sorted(&sync, Kind::Behavior).contains(&b("contacts_read", "READ_CONTACTS", None)));
    let e = read_appops(&xml, "appops.xml", None).unwrap_err();
    assert!(e.to_string().contains("names 28 apps"), "{e}");
}

#[test]
fn appops_xml_v1_layout_with_uid_states() {
    let xml = text("aosp_appops-version-1.xml");
    let bt = read_appops(&xml, "appops.xml", Some("com.android.bluetooth")).unwrap();
    // op 4 <st n="214748364801" t=…>: state 100 (persistent), flag 1; ops 40, 43, 77, 111 stand for none.
    assert_eq!(sorted(&bt, Kind::Behavior), [b("contacts_read", "READ_CONTACTS", Some("foreground"))]);
    let android = read_appops(&xml, "appops.xml", Some("android")).unwrap();
    assert_eq!(
        sorted(&android, Kind::Behavior),
        kinds(&[
            b("location_read", "COARSE_LOCATION", Some("foreground")),
            b("contacts_read", "READ_CONTACTS", Some("foreground")),
            b("call_log_read", "READ_CALL_LOG", Some("foreground")),
            b("calendar_read", "READ_CALENDAR", Some("foreground")),
            b("sms_read", "READ_SMS", Some("foreground")),
            b("location_read", "MONITOR_LOCATION", Some("foreground")),
        ])
    );
    // com.android.phone has two <pkg> blocks (uid 0 and 1001), neither with a mapped access.
    let phone = read_appops(&xml, "appops.xml", Some("com.android.phone")).unwrap();
    assert!(phone.facts_of(Kind::Behavior).is_empty());
    assert!(phone.collected.contains(&Kind::Watched));
    let absent = read_appops(&xml, "appops.xml", Some("com.example.shop")).unwrap();
    assert!(absent.collected.is_empty());
    assert!(absent.warnings[0].contains("no record of `com.example.shop`"), "{}", absent.warnings[0]);
}

#[test]
fn appops_bad_input_names_the_line() {
    let e = read_appops("hello\nworld\n", "x.txt", Some("a")).unwrap_err();
    assert!(e.to_string().starts_with("x.txt: line 1: not an AppOps dump"), "{e}");
    let e =
        read_appops("  Package a:\n    CAMERA (allow):\n      Access: [top-s 2026", "x.txt", Some("a")).unwrap_err();
    assert_eq!(e.to_string(), "x.txt: line 3: unclosed `[` in `Access: [top-s 2026`");
    let e =
        read_appops("  Package a:\n    CAMERA (allow):\n      Access: [zz-s] 2026", "x.txt", Some("a")).unwrap_err();
    assert!(e.to_string().starts_with("x.txt: line 3: unknown uid state `zz`"), "{e}");
    let e = read_appops("<app-ops><pkg n=\"a\"><uid n=\"1\"><op n=\"x\"/></uid></pkg></app-ops>", "a.xml", Some("a"))
        .unwrap_err();
    assert_eq!(e.to_string(), "a.xml: package `a`: attribute `n` is not a whole number: `x`");
    let e = read_appops("<app-ops><pkg n=\"a\">", "a.xml", Some("a")).unwrap_err();
    assert!(e.to_string().starts_with("a.xml: "), "{e}");
}

// ---- package dump ------------------------------------------------------------------------------------

#[test]
fn package_dump_requested_install_and_runtime_permissions() {
    let p = read_package_dump(&text("dumpsys_package.handmade.txt"), "pkg.txt", Some("com.example.shop")).unwrap();
    let facts = sorted(&p, Kind::Permission);
    let runtime: Vec<(String, bool)> = facts
        .iter()
        .filter(|f| f["source"] == "runtime")
        .map(|f| {
            (f["name"].as_str().unwrap().trim_start_matches("android.permission.").to_owned(), f["granted"] == true)
        })
        .collect();
    assert_eq!(
        runtime,
        [
            ("ACCESS_COARSE_LOCATION", true),
            ("ACCESS_FINE_LOCATION", false),
            ("CAMERA", true),
            ("POST_NOTIFICATIONS", true),
            ("READ_CONTACTS", false),
            ("READ_EXTERNAL_STORAGE", false),
        ]
        .map(|(n, g)| (n.to_owned(), g))
    );
    assert_eq!(facts.iter().filter(|f| f["source"] == "manifest").count(), 8);
    assert!(facts.contains(&json!({"name": "android.permission.INTERNET", "source": "install", "granted": true})));
    assert_eq!(p.app.version.as_deref(), Some("4.2.1"));
    let e = read_package_dump(&text("dumpsys_package.handmade.txt"), "pkg.txt", Some("com.other")).unwrap_err();
    assert_eq!(e.to_string(), "pkg.txt: no package `com.other` in this dump (it names com.example.shop)");
    let e = read_package_dump(
        "Packages:\n  Package [a] (1):\n    runtime permissions:\n      android.permission.CAMERA: granted=maybe\n",
        "p.txt",
        None,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "p.txt: line 4: `granted=maybe` is neither true nor false");
}

/// A dump of several packages names no app by itself: without an id it is an error, never its first block.
#[test]
fn package_dump_of_several_packages_needs_the_app() {
    let two = "Packages:\n  Package [com.a] (1):\n    versionName=1\n  Package [com.b] (2):\n    versionName=2\n";
    let e = read_package_dump(two, "p.txt", None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.txt: package dump names 2 apps (com.a, com.b): give the app itself or --app-id to pick its records"
    );
    let b = read_package_dump(two, "p.txt", Some("com.b")).unwrap();
    assert_eq!((b.app.id.as_deref(), b.app.version.as_deref()), (Some("com.b"), Some("2")));
    let one = read_package_dump(&text("dumpsys_package.handmade.txt"), "pkg.txt", None).unwrap();
    assert_eq!(one.app.id.as_deref(), Some("com.example.shop"));
    let e = read_package_dump("Packages:\n  Package [com.a (1):\n", "p.txt", None).unwrap_err();
    assert_eq!(e.to_string(), "p.txt: line 2: unclosed `[` in `Package [com.a (1):`");
}

// ---- Frida -------------------------------------------------------------------------------------------

#[test]
fn frida_android_log_names_the_sdk_from_the_stack() {
    let p = read_frida_log(&text("frida_android.handmade.jsonl"), "hooks.jsonl", &Options::default()).unwrap();
    assert_eq!(
        sorted(&p, Kind::Behavior),
        kinds(&[
            json!({"kind": "clipboard_read", "detail": "android.content.ClipboardManager.getPrimaryClip", "state": "foreground"}),
            json!({"kind": "app_list_read", "detail": "android.app.ApplicationPackageManager.getInstalledPackages", "state": "background", "sdk": "com.tencent.bugly"}),
            json!({"kind": "location_read", "detail": "android.location.Location.getLatitude", "state": "foreground"}),
        ])
    );
    let watched = watched_by(&p, "frida");
    assert_eq!(watched.len(), 7);
    assert!(!watched.contains(&"face_capture".to_owned()), "seen-only");
    assert_eq!(p.app.id.as_deref(), Some("com.example.shop"));
    assert!(p.warnings.iter().any(|w| w.contains("1 hooks were not installed")), "{:?}", p.warnings);
    assert!(p.warnings.iter().any(|w| w.contains("8 lines that are not indicia JSON")), "{:?}", p.warnings);
}

#[test]
fn frida_ios_log_and_bad_logs() {
    let p = read_frida_log(&text("frida_ios.handmade.jsonl"), "ios.jsonl", &Options::default()).unwrap();
    assert_eq!(p.facts_of(Kind::Behavior).len(), 2);
    assert_eq!(p.app.platform, Some("ios"));
    let e = read_frida_log(&text("frida_truncated.handmade.jsonl"), "cut.jsonl", &Options::default()).unwrap_err();
    assert!(e.to_string().starts_with("cut.jsonl: line 1, column"), "{e}");
    let e = read_frida_log("Spawned `x`.\n", "x.jsonl", &Options::default()).unwrap_err();
    assert!(e.to_string().contains("not a log of the indicia Frida script"), "{e}");
    let e = read_frida_log("{\"indicia\":1,\"type\":\"call\",\"api\":\"a\"}\n", "x.jsonl", &Options::default())
        .unwrap_err();
    assert_eq!(e.to_string(), "x.jsonl: line 1: a `call` line without `behavior`");
}

#[test]
fn frida_log_without_hooks_line_watches_nothing() {
    let line = "{\"indicia\":1,\"type\":\"call\",\"behavior\":\"clipboard_read\",\"api\":\"UIPasteboard.string\"}\n";
    let p = read_frida_log(line, "x.jsonl", &Options::default()).unwrap();
    assert!(p.collected.contains(&Kind::Watched));
    assert!(p.facts_of(Kind::Watched).is_empty());
}

/// A Frida log of another app is refused, whoever names the scanned app (`--app-id` or the app's own
/// files); a log whose hooks line names no app is kept, with a warning.
#[test]
fn frida_log_of_another_app_is_refused() {
    let log = Source::FridaLog(dynamic("frida_android.handmade.jsonl"));
    let out = extract_all(std::slice::from_ref(&log), &Options::default(), Some("com.example.other"));
    assert!(out.merged.is_none(), "nothing of the log is used");
    assert_eq!(out.errors.len(), 1);
    assert!(
        out.errors[0]
            .to_string()
            .contains("a log of the app `com.example.shop`, not of the scanned app `com.example.other`"),
        "{}",
        out.errors[0]
    );
    let dump = Source::PackageDump(dynamic("dumpsys_package.handmade.txt"));
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/extract/apk/com.politedroid_6.apk");
    let out = extract_all(&[Source::Apk(manifest), log.clone(), dump], &Options::default(), None);
    assert!(
        out.errors.iter().any(|e| e.to_string().contains("not of the scanned app `com.politedroid`")),
        "{:?}",
        out.errors
    );
    let ev = out.merged.unwrap().evidence;
    assert!(ev["facts"].get("behavior").is_none() && ev["facts"].get("watched").is_none(), "{ev}");
    let same = extract_all(std::slice::from_ref(&log), &Options::default(), Some("com.example.shop"));
    assert!(same.errors.is_empty(), "{:?}", same.errors);

    let unnamed = text("frida_android.handmade.jsonl").replace("\"app\":\"com.example.shop\"", "\"app\":null");
    let p = read_frida_log(&unnamed, "hooks.jsonl", &Options::default()).unwrap();
    assert_eq!(p.app.id, None);
    assert!(
        p.warnings.iter().any(|w| w == "hooks.jsonl: line 7: the `hooks` line names no app (`app: null`): the log is taken to be of the scanned app"),
        "{:?}",
        p.warnings
    );
    let two = format!(
        "{}\n{}\n",
        r#"{"indicia":1,"type":"hooks","platform":"android","app":"com.a","watched":[]}"#,
        r#"{"indicia":1,"type":"hooks","platform":"android","app":"com.b","watched":[]}"#
    );
    let e = read_frida_log(&two, "x.jsonl", &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.jsonl: line 2: a `hooks` line of the app `com.b` in a log of `com.a`: a log holds one app"
    );
}

// ---- merging -----------------------------------------------------------------------------------------

#[test]
fn device_wide_sources_follow_the_app_the_others_name() {
    let sources = [
        Source::AppOps(dynamic("appops_dumpsys_android13.handmade.txt")),
        Source::PackageDump(dynamic("dumpsys_package.handmade.txt")),
        Source::FridaLog(dynamic("frida_android.handmade.jsonl")),
    ];
    let out = extract_all(&sources, &Options::default(), None);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let ev = out.merged.unwrap().evidence;
    assert_eq!(ev["app"]["id"], "com.example.shop", "named by the Frida log's hooks line");
    assert_eq!(ev["collected"], json!(["permission", "behavior", "watched"]));
    let behaviors = ev["facts"]["behavior"].as_array().unwrap();
    assert!(behaviors.contains(&b("clipboard_read", "READ_CLIPBOARD", Some("foreground"))));
    assert!(!behaviors.iter().any(|f| f["detail"] == "READ_CONTACTS"), "com.example.notes's access left out");
    let sources = [Source::PrivacyReport(dynamic("plaso_ios_app_privacy_report.ndjson"))];
    let out = extract_all(&sources, &Options::default(), None);
    assert!(out.errors[0].to_string().contains("give the app (--ipa, --plist) or --app-id"), "{:?}", out.errors);
}

// ---- hostile input -----------------------------------------------------------------------------------

/// A reader over one file's text.
type Reader<'o> = &'o dyn Fn(&str) -> Result<Partial, indicia_extract::ExtractError>;

/// Every file cut at many offsets, and with bytes replaced, gives facts or an error naming the file: never a
/// panic (tests build with overflow checks).
#[test]
fn cut_and_garbled_inputs_never_panic() {
    let options = Options::default();
    let readers: [(&str, Reader); 9] = [
        ("plaso_ios_app_privacy_report.ndjson", &|t| read_privacy_report(t, "f", "com.apple.mobilecal", &options)),
        ("johnspurlock_readme_beta1_tcc_record.json", &|t| {
            read_privacy_report(t, "f", "com.google.ProjectFi", &options)
        }),
        ("aosp_appops-unversioned.xml", &|t| read_appops(t, "f", Some("com.google.android.apps.maps"))),
        ("aosp_appops-version-1.xml", &|t| read_appops(t, "f", Some("android"))),
        ("appops_dumpsys_android13.handmade.txt", &|t| read_appops(t, "f", Some("com.example.shop"))),
        ("appops_dumpsys_android8.handmade.txt", &|t| read_appops(t, "f", None)),
        ("appops_get.handmade.txt", &|t| read_appops(t, "f", None)),
        ("dumpsys_package.handmade.txt", &|t| read_package_dump(t, "f", None)),
        ("frida_android.handmade.jsonl", &|t| read_frida_log(t, "f", &options)),
    ];
    let mut runs = 0usize;
    for (name, read) in readers {
        let full = text(name);
        let step = (full.len() / 250).max(1);
        for cut in (0..full.len()).step_by(step) {
            let Some(prefix) = full.get(..cut) else { continue };
            if let Err(e) = read(prefix) {
                assert!(e.to_string().starts_with("f: "), "{name} cut at {cut}: {e}");
            }
            runs += 1;
        }
        for (i, garbage) in ["\"", "{", "]", "[", "<", "\n", ":", "=", "\u{0}", "é"].iter().enumerate() {
            for at in (i..full.len()).step_by(step * 3) {
                if !full.is_char_boundary(at) || !full.is_char_boundary(at + 1) {
                    continue;
                }
                let mut garbled = full.clone();
                garbled.replace_range(at..=at, garbage);
                let _ = read(&garbled);
                runs += 1;
            }
        }
    }
    assert!(runs > 3_000, "{runs}");
}
