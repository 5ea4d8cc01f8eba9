//! Text manifests, standalone binary manifests, Info.plists and privacy manifests from real projects.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::data;
use indicia_extract::{
    Kind, Limits, Options, extract_info_plist, extract_manifest, extract_privacy_manifest, parse_manifest_bytes,
};
use serde_json::json;

#[test]
fn binary_manifests_read_as_their_decoded_text() {
    for name in ["a2dp.Vol_137", "souch.smsbypass_9", "androguard-TC"] {
        let binary = std::fs::read(data(&format!("apk/axml/{name}_AndroidManifest.axml"))).unwrap();
        let text = std::fs::read(data(&format!("apk/axml/{name}_AndroidManifest.decoded.xml"))).unwrap();
        let from_binary = parse_manifest_bytes(&binary, None, &Limits::default()).unwrap();
        let from_text = parse_manifest_bytes(&text, None, &Limits::default()).unwrap();
        assert_eq!(from_binary.package, from_text.package, "{name}");
        assert_eq!(from_binary.permissions, from_text.permissions, "{name}");
        assert_eq!(from_binary.components, from_text.components, "{name}");
        assert_eq!(from_binary.target_sdk, from_text.target_sdk, "{name}");
        assert!(from_binary.package.is_some());
    }
    let m = parse_manifest_bytes(
        &std::fs::read(data("apk/axml/a2dp.Vol_137_AndroidManifest.axml")).unwrap(),
        None,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(m.version_name.as_deref(), Some("2.12.9.2"));
    assert_eq!(m.version_code, Some(137));
    assert_eq!(m.permissions.len(), 17);
}

#[test]
fn source_manifests() {
    let o = Options::default();
    // (file, uses-permission count after tools:node="remove", components)
    for (file, perms, comps) in [
        ("antennapod_AndroidManifest.xml", 9, 10),
        ("homeassistant_full_AndroidManifest.xml", 3, 8),
        ("homeassistant_main_AndroidManifest.xml", 66, 87),
        ("newpipe_AndroidManifest.xml", 9, 21),
        ("nextcloud_gplay_AndroidManifest.xml", 1, 3),
        ("nextcloud_main_AndroidManifest.xml", 27, 67),
        ("thunderbird_legacy-common_AndroidManifest.xml", 12, 26),
        ("wikipedia_AndroidManifest.xml", 12, 84),
    ] {
        let p = extract_manifest(&data(&format!("android-manifests/{file}")), &o, Some("com.test")).unwrap();
        assert_eq!(p.collected, [Kind::Permission, Kind::Component].into_iter().collect(), "{file}");
        assert_eq!(p.facts_of(Kind::Permission).len(), perms, "{file}");
        assert_eq!(p.facts_of(Kind::Component).len(), comps, "{file}");
        for c in p.facts_of(Kind::Component) {
            let name = c["name"].as_str().unwrap();
            assert!(name.contains('.') && !name.starts_with('.'), "{file}: {name}");
        }
    }
    let p = extract_manifest(&data("android-manifests/nextcloud_main_AndroidManifest.xml"), &o, None).unwrap();
    assert!(
        p.facts_of(Kind::Permission)
            .contains(&json!({"name": "android.permission.READ_CONTACTS", "source": "manifest"}))
    );
}

#[test]
fn info_plists_xml_and_binary_agree() {
    let o = Options::default();
    let xml = extract_info_plist(&data("ios/info-plists/homeassistant_App_Info.plist"), &o).unwrap();
    let bin = extract_info_plist(&data("ios/info-plists/homeassistant_App_Info.binary.plist"), &o).unwrap();
    assert_eq!(xml.facts, bin.facts);
    let perms = xml.facts_of(Kind::Permission);
    let usage = perms.iter().filter(|f| f["name"].as_str().unwrap().contains("UsageDescription")).count();
    assert_eq!(usage, 21);
    assert!(perms.contains(&json!({"name": "UIBackgroundModes:location", "source": "plist"})));
    assert!(perms.contains(&json!({"name": "LSApplicationQueriesSchemes", "source": "plist"})));
    // `$(PRODUCT_BUNDLE_IDENTIFIER)` is a build variable, not an id.
    assert_eq!(xml.app.id, None);
    for name in [
        "mastodon_App_Info.plist",
        "sentry-sample-iOS-Swift_App_Info.plist",
        "homeassistant_NotificationService_Info.plist",
        "adjust-AdjustSigSdk-framework_Info.binary.plist",
    ] {
        extract_info_plist(&data(&format!("ios/info-plists/{name}")), &o).unwrap();
    }
}

#[test]
fn privacy_manifests() {
    let o = Options::default();
    let xml = extract_privacy_manifest(&data("ios/privacy-manifests/adjust_PrivacyInfo.xcprivacy"), &o).unwrap();
    let bin = extract_privacy_manifest(&data("ios/privacy-manifests/adjust_PrivacyInfo.binary.xcprivacy"), &o).unwrap();
    assert_eq!(xml.facts, bin.facts);
    assert_eq!(xml.collected, [Kind::Api, Kind::Sdk, Kind::Datum].into_iter().collect());
    assert_eq!(xml.facts_of(Kind::Sdk).len(), 8);
    assert!(xml.facts_of(Kind::Sdk).contains(&json!({"id": "consent.adjust.com", "kind": "tracking"})));
    assert!(
        xml.facts_of(Kind::Api)
            .contains(&json!({"symbol": "NSPrivacyAccessedAPICategoryUserDefaults", "source": "privacy_manifest"}))
    );
    assert_eq!(
        xml.facts_of(Kind::Datum)[0],
        json!({"type": "device_id", "purpose": "analytics", "shared": true, "source": "privacy_manifest"})
    );
    let dir = std::fs::read_dir(data("ios/privacy-manifests")).unwrap();
    for entry in dir {
        let path = entry.unwrap().path();
        let p = extract_privacy_manifest(&path, &o).unwrap();
        for d in p.facts_of(Kind::Datum) {
            let t = d["type"].as_str().unwrap();
            assert!(!t.starts_with("NS") && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{t}");
        }
    }
    let branch = extract_privacy_manifest(&data("ios/privacy-manifests/branch_PrivacyInfo.xcprivacy"), &o).unwrap();
    assert_eq!(branch.facts_of(Kind::Sdk).len(), 2);
}
