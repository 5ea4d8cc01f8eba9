//! Split APK archives (`.apks`, `.xapk`) built from the real APKs of the test data
//! (tests/data/extract/README.md, `apks/`): the base and the splits of its set are read, what is not
//! read is named in a warning and contributes nothing, and the archive's size limit holds for all its APKs.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::collections::BTreeSet;

use common::data;
use indicia_extract::{Limits, Options, Source, extract_all, extract_split_archive, read_apk};
use serde_json::Value;

fn field(evidence: &Value, kind: &str, name: &str) -> BTreeSet<String> {
    let facts = evidence["facts"][kind].as_array().cloned().unwrap_or_default();
    facts.iter().map(|f| f[name].as_str().unwrap().to_owned()).collect()
}

/// (archive, the members read in order, the APK in it that is not read)
const ARCHIVES: [(&str, [&str; 2], &str); 2] = [
    ("apks/politedroid.apks", ["base.apk", "split_config.arm64_v8a.apk"], "standalones/standalone.apk"),
    ("apks/politedroid.xapk", ["com.politedroid.apk", "config.arm64_v8a.apk"], "unlisted.apk"),
];

#[test]
fn the_base_and_its_splits_are_read_and_the_others_named_as_not_read() {
    let options = Options::default();
    // The parts, read alone: the base is com.politedroid_6.apk and the split multidex.apk (README), whose
    // readings tests/real_apks.rs checks against androguard and the method-reference hashes.
    let base = read_apk(&data("apk/com.politedroid_6.apk"), &options).unwrap();
    let split = read_apk(&data("apk/multidex.apk"), &options).unwrap();
    let symbols: BTreeSet<String> = base.method_refs.iter().chain(&split.method_refs).cloned().collect();
    for (archive, read, unread) in ARCHIVES {
        let path = data(archive);
        assert_eq!(Source::app(&path).unwrap(), Source::SplitArchive(path.clone()));
        assert_eq!(Source::apk(path.clone()), Source::SplitArchive(path.clone()));
        let partials = extract_split_archive(&path, &options).unwrap();
        let sources: Vec<&str> = partials.iter().map(|p| p.source.as_str()).collect();
        let expected: Vec<String> = read.iter().map(|m| format!("{}!{m}", path.display())).collect();
        assert_eq!(sources, expected, "{archive}");

        let out = extract_all(&[Source::SplitArchive(path.clone())], &options, None);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let merged = out.merged.unwrap();
        let evidence = &merged.evidence;
        assert_eq!(evidence["app"]["id"], "com.politedroid", "{archive}");
        // androguard 4.1.4's uses-permission list of the base (tests/data/extract/apk/expected_androguard-4.1.4.json);
        // none of the unread APK's (souch.smsbypass: READ_CONTACTS, RECEIVE_SMS, SEND_SMS, ...).
        assert_eq!(
            field(evidence, "permission", "name"),
            ["android.permission.READ_CALENDAR", "android.permission.RECEIVE_BOOT_COMPLETED"].map(str::to_owned).into(),
            "{archive}"
        );
        assert_eq!(field(evidence, "api", "symbol"), symbols, "{archive}: base and split code");
        assert!(symbols.len() > base.method_refs.len(), "the split adds code");
        let warning = format!("{}: 1 APK(s) in the archive not read", path.display());
        assert!(
            merged.warnings.iter().any(|w| w.starts_with(&warning) && w.ends_with(unread)),
            "{archive}: {:?}",
            merged.warnings
        );
    }
}

#[test]
fn an_archive_of_apks_is_not_read_as_an_apk() {
    let error = read_apk(&data("apks/politedroid.apks"), &Options::default()).unwrap_err();
    assert!(error.to_string().contains("a split APK archive"), "{error}");
}

#[test]
fn the_archive_limit_holds_for_its_apks_together() {
    // Enough for the base APK's bytes (16,578 stored), not for what reading it decompresses as well.
    let limits = Limits { max_archive_total: 17_000, ..Limits::default() };
    let options = Options { limits, ..Options::default() };
    let error = extract_split_archive(&data("apks/politedroid.apks"), &options).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("politedroid.apks!base.apk") && message.contains("over the limit"), "{message}");
    // Too little for the base APK itself.
    let options = Options { limits: Limits { max_archive_total: 16_000, ..Limits::default() }, ..Options::default() };
    let error = extract_split_archive(&data("apks/politedroid.apks"), &options).unwrap_err();
    assert!(error.to_string().contains("over the limit of 16000 bytes"), "{error}");
}
