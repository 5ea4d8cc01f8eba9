//! MobSF reports of four MobSF versions (3.1.6, 3.6.7, 3.7.9 iOS, 4.0.7). Expected facts were read off
//! the JSON with jq (see `tests/data/extract/README.md`), e.g. the distinct call sites of a group:
//! `.android_api.api_gps.files | [to_entries[] | .key as $k | (.value|split(",")|unique[]) | [$k,.]] | length`.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::{Scratch, data};
use indicia_extract::{Kind, Options, extract_mobsf};
use serde_json::{Value, json};

fn api<'a>(facts: &'a [Value], symbol: &str) -> Option<&'a Value> {
    facts.iter().find(|f| f["symbol"] == symbol)
}

#[test]
fn four_mobsf_versions() {
    let o = Options::default();
    // (file, app id, platform, permissions, dangerous ones, API groups, domains)
    for (file, id, platform, perms, dangerous, groups, domains) in [
        ("defectdojo_mobsf-3.1.6_android_ivlic.json", "iv.lic", "android", 29, 21, 32, 0),
        ("defectdojo_mobsf-3.6.7_android_insecureshop.json", "com.insecureshop", "android", 5, 3, 16, 4),
        ("defectdojo_mobsf-3.7.9_ios_bitbar.json", "com.bitbar.testdroid.BitbarIOSSample", "ios", 0, 0, 0, 2),
        ("defectdojo_mobsf-4.0.7_android_dvba_full.json", "com.app.damnvulnerablebank", "android", 3, 0, 20, 4),
    ] {
        let p = extract_mobsf(&data(&format!("mobsf/{file}")), &o).unwrap();
        assert_eq!(p.app.id.as_deref(), Some(id), "{file}");
        assert_eq!(p.app.platform, Some(platform), "{file}");
        assert_eq!(
            p.collected,
            [Kind::Permission, Kind::Api, Kind::Sdk, Kind::Domain].into_iter().collect(),
            "{file}: a static report observes no behavior and no flow"
        );
        assert_eq!(p.facts_of(Kind::Permission).len(), perms, "{file}");
        let d = p.facts_of(Kind::Permission).iter().filter(|f| f["protection"] == "dangerous").count();
        assert_eq!(d, dangerous, "{file}");
        assert_eq!(p.facts_of(Kind::Api).len(), groups, "{file}");
        assert!(p.facts_of(Kind::Api).iter().all(|f| f["source"] == "mobsf"), "{file}");
        assert_eq!(p.facts_of(Kind::Domain).len(), domains, "{file}");
        assert!(p.facts_of(Kind::Behavior).is_empty() && p.facts_of(Kind::Flow).is_empty());
    }
}

#[test]
fn ivlic_groups_permissions_and_tracker() {
    let p = extract_mobsf(&data("mobsf/defectdojo_mobsf-3.1.6_android_ivlic.json"), &Options::default()).unwrap();
    let apis = p.facts_of(Kind::Api);
    assert_eq!(api(apis, "api_clipboard"), Some(&json!({"symbol": "api_clipboard", "calls": 2, "source": "mobsf"})));
    assert_eq!(api(apis, "api_gps").unwrap()["calls"], 26);
    assert_eq!(api(apis, "api_installed").unwrap()["calls"], 4);
    assert!(api(apis, "api_get_advertising").is_some() && api(apis, "api_get_sim_provider").is_some());
    let camera = p.facts_of(Kind::Permission).iter().find(|f| f["name"] == "android.permission.CAMERA").unwrap();
    assert_eq!(camera, &json!({"name": "android.permission.CAMERA", "source": "manifest", "protection": "dangerous"}));
    assert_eq!(p.facts_of(Kind::Sdk), [json!({"id": "49", "name": "Google Firebase Analytics"})]);
    assert_eq!(p.app.name.as_deref(), Some("knablibom"));
}

#[test]
fn domains_keep_mobsf_country() {
    let p =
        extract_mobsf(&data("mobsf/defectdojo_mobsf-3.6.7_android_insecureshop.json"), &Options::default()).unwrap();
    let d = p.facts_of(Kind::Domain);
    assert!(
        d.contains(&json!({"host": "images.pexels.com", "ip": "104.16.235.10", "country": "US", "source": "mobsf"}))
    );
    // No geolocation in the report: no country.
    assert!(d.contains(&json!({"host": "www.insecureshop.com", "source": "mobsf"})));
    let ios = extract_mobsf(&data("mobsf/defectdojo_mobsf-3.7.9_ios_bitbar.json"), &Options::default()).unwrap();
    assert!(
        ios.facts_of(Kind::Domain)
            .contains(&json!({"host": "www.apple.com", "ip": "92.122.160.209", "country": "GB", "source": "mobsf"}))
    );
    let dvba =
        extract_mobsf(&data("mobsf/defectdojo_mobsf-4.0.7_android_dvba_full.json"), &Options::default()).unwrap();
    assert_eq!(api(dvba.facts_of(Kind::Api), "api_gps").unwrap()["calls"], 6);
    assert_eq!(api(dvba.facts_of(Kind::Api), "api_installed").unwrap()["calls"], 2);
}

/// The newer layout of MobSF's Trackers.py, `{"name", "categories", "url"}` per tracker (a hand-made
/// report, see the data README): one `sdk` per tracker, never one per key.
#[test]
fn trackers_in_the_newer_object_layout() {
    let p = extract_mobsf(&data("mobsf/handmade_mobsf-tracker-objects_android.json"), &Options::default()).unwrap();
    assert_eq!(p.app.id.as_deref(), Some("com.example.shop"));
    assert_eq!(
        p.facts_of(Kind::Sdk),
        [
            // No built-in signature has this name: the kind is MobSF's first category that maps.
            json!({"id": "17", "name": "Braze (formerly Appboy)", "kind": "location"}),
            // Named like a built-in (LibChecker) signature: its kind.
            json!({"id": "190", "name": "Bugly", "kind": "crash"}),
            json!({"id": "312", "name": "Google AdMob", "kind": "ads"}),
            json!({"id": "49", "name": "Google Firebase Analytics", "kind": "analytics"}),
        ]
    );
    assert_eq!(api(p.facts_of(Kind::Api), "api_installed").unwrap()["calls"], 2);
}

/// `trackers.trackers` as an object: of newer-layout trackers, or of `NAME: URL` pairs.
#[test]
fn trackers_as_an_object() {
    let dir = Scratch::new("mobsf-tracker-object");
    let o = Options::default();
    let read = |name: &str, trackers: &str| {
        let report = format!(r#"{{"package_name": "x", "permissions": {{}}, "trackers": {{"trackers": {trackers}}}}}"#);
        extract_mobsf(&dir.write(name, report.as_bytes()), &o).unwrap().facts_of(Kind::Sdk).to_vec()
    };
    let tracker = json!({"id": "312", "name": "Google AdMob", "kind": "ads"});
    assert_eq!(
        read(
            "a.json",
            r#"{"0": {"name": "Google AdMob", "categories": "Advertisement", "url": "https://reports.exodus-privacy.eu.org/trackers/312/"}}"#
        ),
        std::slice::from_ref(&tracker)
    );
    assert_eq!(read("b.json", r#"{"Google AdMob": "https://reports.exodus-privacy.eu.org/trackers/312"}"#), [tracker]);
    assert_eq!(read("c.json", r#"[{"name": "Unknown SDK"}]"#), [json!({"id": "Unknown SDK", "name": "Unknown SDK"})]);
    assert_eq!(read("d.json", "{}"), Vec::<Value>::new());
}

#[test]
fn bad_reports_are_errors_naming_the_file() {
    let dir = Scratch::new("mobsf-bad");
    let o = Options::default();
    let err = |name: &str, text: &str| extract_mobsf(&dir.write(name, text.as_bytes()), &o).unwrap_err().to_string();
    assert!(err("a.json", "{\"permissions\": ").contains("a.json: not a MobSF report: invalid JSON at line 1"));
    assert!(err("b.json", "[]").contains("not a JSON object"));
    assert!(err("c.json", "{\"log\": {}}").contains("not a MobSF static report"));
    assert!(
        err("d.json", r#"{"package_name": "x", "permissions": 3}"#)
            .contains("$.permissions: expected an object, found a number")
    );
    assert!(
        err("e.json", r#"{"package_name": "x", "permissions": {}, "trackers": {"trackers": 3}}"#)
            .contains("$.trackers.trackers: expected an array or an object, found a number")
    );
    let real = std::fs::read(data("mobsf/defectdojo_mobsf-3.7.9_ios_bitbar.json")).unwrap();
    for cut in (0..real.len()).step_by(97) {
        let r = extract_mobsf(&dir.write("cut.json", &real[..cut]), &o);
        assert!(r.is_err(), "a report cut at {cut} was read");
    }
}
