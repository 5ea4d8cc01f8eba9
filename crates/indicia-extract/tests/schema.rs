//! The extractors write the standard mobile schema, whose one source is `rules/tw-mabis-v4/schema.ind`
//! (`indicia_testkit::schema::MOBILE_SCHEMA`): every kind they can collect is declared there, and the
//! evidence they make from every sample input of the repository reads against a pack that declares only
//! that schema with no error and no warning: no undeclared kind or field, no value of another type, no
//! required field missing.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indicia_extract::{Kind, Options, Source, extract_source, merge};
use indicia_testkit::schema::MOBILE_SCHEMA;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(rel)
}

/// The files of `dir` (below `tests/data`) whose names end in one of `extensions`, sorted.
fn files(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(data(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().is_some_and(|name| extensions.iter().any(|x| name.ends_with(x))))
        .collect();
    out.sort();
    out
}

/// Every sample input, with the source that reads it and the app to keep (for the device-wide files).
fn samples() -> Vec<(Source, Option<&'static str>)> {
    let mut out = Vec::new();
    let mut add = |source: fn(PathBuf) -> Source, list: Vec<PathBuf>, app: Option<&'static str>| {
        assert!(!list.is_empty());
        out.extend(list.into_iter().map(|p| (source(p), app)));
    };
    add(Source::Apk, files("extract/apk", &[".apk"]), None);
    add(Source::Manifest, files("extract/android-manifests", &[".xml"]), Some("com.example.app"));
    add(Source::InfoPlist, files("extract/ios/info-plists", &[".plist"]), None);
    add(Source::PrivacyManifest, files("extract/ios/privacy-manifests", &[".xcprivacy"]), None);
    add(Source::Har, files("extract/har", &[".har"]), None);
    add(Source::Mobsf, files("extract/mobsf", &[".json"]), None);
    add(Source::Pcap, files("extract/network", &[".pcap", ".pcapng"]), Some("com.example.app"));
    add(Source::AppOps, files("dynamic", &[".xml", "appops_get.handmade.txt"]), Some("com.google.android.apps.maps"));
    add(Source::AppOps, files("dynamic", &["appops_dumpsys_android13.handmade.txt"]), Some("com.example.shop"));
    add(Source::PackageDump, files("dynamic", &["dumpsys_package.handmade.txt"]), Some("com.example.shop"));
    add(Source::FridaLog, files("dynamic", &["_android.handmade.jsonl", "_ios.handmade.jsonl"]), None);
    add(Source::PrivacyReport, files("dynamic", &["privacy_report.ndjson"]), Some("com.apple.mobilecal"));
    out
}

#[test]
fn every_kind_an_extractor_collects_is_declared() {
    let engine = indicia::Engine::from_source("schema", MOBILE_SCHEMA).unwrap();
    for kind in Kind::ALL {
        assert!(engine.pack().schema.kind_id(kind.name()).is_some(), "`{}` is not declared in schema.ind", kind.name());
    }
}

#[test]
fn every_fact_extracted_from_the_samples_reads_clean_against_the_schema() {
    let engine = indicia::Engine::from_source("schema", MOBILE_SCHEMA).unwrap();
    let options = Options { countries: Some(indicia_extract::Countries::builtin().unwrap()), ..Options::default() };
    let mut seen: BTreeSet<Kind> = BTreeSet::new();
    let mut read = 0;
    for (source, app) in samples() {
        let name = source.path().display().to_string();
        // A sample that is meant to be broken (`*.invalid.har`) has nothing to check.
        let Ok(partials) = extract_source(&source, &options, app) else { continue };
        for partial in &partials {
            seen.extend(partial.facts.iter().filter(|(_, facts)| !facts.is_empty()).map(|(kind, _)| *kind));
        }
        let merged = merge(partials, app);
        let json = serde_json::to_vec(&merged.evidence).unwrap();
        match engine.read_evidence(&json) {
            Ok(evidence) => assert!(evidence.warnings.is_empty(), "{name}: {:?}", evidence.warnings),
            Err(error) => panic!("{name}: {error}"),
        }
        read += 1;
    }
    assert!(read >= 60, "only {read} samples extracted");
    // The samples exercise every kind, so that none goes unchecked.
    assert_eq!(seen, Kind::ALL.into_iter().collect(), "kinds no sample gave a fact of");
}
