//! The APK extractor against real APKs: androguard 4.1.4's reading and the method-reference hashes.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indicia_extract::{Kind, Options, extract_apk, read_apk};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/extract").join(rel)
}

fn load(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(rel)).unwrap()).unwrap()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[test]
fn agrees_with_androguard() {
    let expected = load("apk/expected_androguard-4.1.4.json");
    let options = Options::default();
    for (file, want) in expected.as_object().unwrap() {
        let contents = read_apk(&data(&format!("apk/{file}")), &options).unwrap();
        assert_eq!(contents.dex_files, strings(&want["dex_files"]).into_iter().collect::<Vec<_>>(), "{file}");
        let Some(package) = want.get("package") else {
            assert!(contents.manifest.is_none(), "{file}");
            continue;
        };
        let m = contents.manifest.unwrap();
        assert_eq!(m.package.as_deref(), package.as_str(), "{file}");
        let perms: BTreeSet<String> = m.permissions.iter().cloned().collect();
        assert_eq!(perms, strings(&want["uses_permissions"]), "{file}");
        for (kind, key) in
            [("activity", "activities"), ("service", "services"), ("receiver", "receivers"), ("provider", "providers")]
        {
            let got: BTreeSet<String> =
                m.components.iter().filter(|c| c.kind == kind).map(|c| c.name.clone()).collect();
            assert_eq!(got, strings(&want[key]), "{file} {key}");
        }
    }
}

#[test]
fn method_refs_match_expected_hashes() {
    let expected = load("apk/expected_method_refs.json");
    let options = Options::default();
    for (file, want) in expected.as_object().unwrap() {
        let contents = read_apk(&data(&format!("apk/{file}")), &options).unwrap();
        let mut hasher = Sha256::new();
        for symbol in &contents.method_refs {
            hasher.update(symbol.as_bytes());
            hasher.update(b"\n");
        }
        let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(contents.method_refs.len() as u64, want["distinct_method_refs"].as_u64().unwrap(), "{file}");
        assert_eq!(hash, want["sha256_of_sorted_lines"].as_str().unwrap(), "{file}");
        for example in want["examples"].as_array().unwrap() {
            assert!(
                contents.method_refs.binary_search(&example.as_str().unwrap().to_owned()).is_ok(),
                "{file}: {example}"
            );
        }
    }
}

#[test]
fn apk_evidence_kinds() {
    let options = Options::default();
    let p = extract_apk(&data("apk/com.politedroid_6.apk"), &options).unwrap();
    assert_eq!(p.app.id.as_deref(), Some("com.politedroid"));
    assert_eq!(p.collected, [Kind::Permission, Kind::Api, Kind::Component, Kind::Sdk].into_iter().collect());
    assert_eq!(p.facts_of(Kind::Api).len(), 117);
    assert!(
        p.facts_of(Kind::Permission)
            .iter()
            .any(|f| f["name"] == "android.permission.READ_CALENDAR" && f["source"] == "manifest")
    );
    assert!(
        p.facts_of(Kind::Component).iter().any(|f| f["kind"] == "receiver" && f["name"] == "com.politedroid.Update")
    );
    // No manifest: only the code kinds are collected.
    let p = extract_apk(&data("apk/multidex.apk"), &options).unwrap();
    assert_eq!(p.collected, [Kind::Api, Kind::Sdk].into_iter().collect());
    assert_eq!(p.facts_of(Kind::Api).len(), 6);
}
