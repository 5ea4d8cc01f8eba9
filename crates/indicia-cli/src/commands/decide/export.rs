//! What an MDM imports, from the decisions: deterministic (apps sorted and listed once,
//! identifiers derived from the content, no timestamps).
//!
//! - Android: the application entries of an Android Management API `Policy` (reference:
//!   developers.google.com/android/management/reference/rest/v1/enterprises.policies —
//!   `Policy.applications[]` of `ApplicationPolicy` with `packageName` and `installType`, and
//!   `Policy.playStoreMode`). A blocklist is `playStoreMode: BLACKLIST` with each blocked app
//!   `installType: BLOCKED`; an allowlist is `playStoreMode: WHITELIST` with each allowed app
//!   `installType: AVAILABLE`.
//! - iOS: a configuration profile (Apple's Device Management reference, "Configuring devices with
//!   profiles" / TopLevel, and the Restrictions payload `com.apple.applicationaccess`), whose
//!   Restrictions payload lists `blacklistedAppBundleIDs` or `whitelistedAppBundleIDs`.

use std::collections::BTreeMap;

use indicia::policy::PolicyInfo;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Decided;

/// Which decisions block an app, or which allow it in an allowlist.
pub struct Selection {
    block: Vec<String>,
    allow: Vec<String>,
}

impl Selection {
    /// `--block` (default `deny`) and `--allowlist` (when given, the export is an allowlist).
    pub fn new(block: &[String], allow: &[String]) -> Selection {
        let block = if block.is_empty() { vec!["deny".to_string()] } else { block.to_vec() };
        Selection { block, allow: allow.to_vec() }
    }

    fn is_allowlist(&self) -> bool {
        !self.allow.is_empty()
    }

    /// The ids of the `platform`'s apps to list, sorted, once each. An app decided several times
    /// is blocked when any decision blocks it, and allowed only when every decision allows it.
    fn apps(&self, decided: &[Decided], platform: &str) -> Vec<String> {
        let mut verdicts: BTreeMap<&str, bool> = BTreeMap::new();
        let mut skipped = 0usize;
        for d in decided {
            let decision = &d.decision;
            if decision.platform.as_deref() != Some(platform) || decision.app.is_empty() {
                skipped += 1;
                continue;
            }
            let listed = if self.is_allowlist() {
                self.allow.contains(&decision.decision)
            } else {
                self.block.contains(&decision.decision)
            };
            let entry = verdicts.entry(&decision.app).or_insert(listed);
            *entry = if self.is_allowlist() { *entry && listed } else { *entry || listed };
        }
        if skipped > 0 {
            crate::errln!(
                "note: {skipped} decision(s) of apps without an id or not on {platform} are not in the export"
            );
        }
        verdicts.into_iter().filter(|(_, listed)| *listed).map(|(app, _)| app.to_string()).collect()
    }

    fn decisions(&self) -> String {
        if self.is_allowlist() { self.allow.join(", ") } else { self.block.join(", ") }
    }
}

/// `Policy` of the Android Management API, with only what the decisions set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AndroidPolicy {
    play_store_mode: &'static str,
    applications: Vec<ApplicationPolicy>,
}

/// `ApplicationPolicy` of the Android Management API.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationPolicy {
    package_name: String,
    install_type: &'static str,
}

/// The Android Management API policy fragment, pretty JSON.
pub fn android_policy(decided: &[Decided], selection: &Selection) -> Result<String, String> {
    let (mode, install_type) =
        if selection.is_allowlist() { ("WHITELIST", "AVAILABLE") } else { ("BLACKLIST", "BLOCKED") };
    let applications = selection
        .apps(decided, "android")
        .into_iter()
        .map(|package_name| ApplicationPolicy { package_name, install_type })
        .collect();
    let policy = AndroidPolicy { play_store_mode: mode, applications };
    let mut text = serde_json::to_string_pretty(&policy).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

/// An Apple configuration profile with one Restrictions payload, XML property list.
pub fn mobileconfig(
    decided: &[Decided],
    selection: &Selection,
    profile_id: &str,
    policy: &PolicyInfo,
) -> Result<String, String> {
    use plist::{Dictionary, Value};
    let apps = selection.apps(decided, "ios");
    let (key, verb) = if selection.is_allowlist() {
        ("whitelistedAppBundleIDs", "allowed")
    } else {
        ("blacklistedAppBundleIDs", "blocked")
    };
    let content = format!("{profile_id}\n{key}\n{}", apps.join("\n"));
    let mut payload = Dictionary::new();
    payload.insert("PayloadDisplayName".into(), Value::String("App restrictions".into()));
    payload.insert("PayloadIdentifier".into(), Value::String(format!("{profile_id}.restrictions")));
    payload.insert("PayloadType".into(), Value::String("com.apple.applicationaccess".into()));
    payload.insert("PayloadUUID".into(), Value::String(content_uuid(&format!("restrictions\n{content}"))));
    payload.insert("PayloadVersion".into(), Value::Integer(1.into()));
    payload.insert(key.into(), Value::Array(apps.iter().map(|a| Value::String(a.clone())).collect()));
    let mut profile = Dictionary::new();
    profile.insert("PayloadContent".into(), Value::Array(vec![Value::Dictionary(payload)]));
    profile.insert(
        "PayloadDescription".into(),
        Value::String(format!(
            "{} app(s) {verb} by policy {} of indicia (decisions: {})",
            apps.len(),
            policy.name,
            selection.decisions()
        )),
    );
    profile.insert("PayloadDisplayName".into(), Value::String(format!("App restrictions ({})", policy.name)));
    profile.insert("PayloadIdentifier".into(), Value::String(profile_id.to_string()));
    profile.insert("PayloadType".into(), Value::String("Configuration".into()));
    profile.insert("PayloadUUID".into(), Value::String(content_uuid(&format!("profile\n{content}"))));
    profile.insert("PayloadVersion".into(), Value::Integer(1.into()));
    let mut out = Vec::new();
    Value::Dictionary(profile).to_writer_xml(&mut out).map_err(|e| e.to_string())?;
    out.push(b'\n');
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// A UUID derived from `content`: the first 16 bytes of its SHA-256 with the version and variant
/// bits of RFC 9562's version 8 (custom) UUIDs, upper case as Apple's tools write them.
fn content_uuid(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicia::policy::{Basis, Decision};

    fn decided(app: &str, platform: &str, decision: &str) -> Decided {
        Decided {
            source: "test".into(),
            decision: Decision {
                app: app.into(),
                platform: Some(platform.into()),
                decision: decision.into(),
                basis: Basis::NoneHeld,
                rule: None,
                indicators: Vec::new(),
            },
        }
    }

    fn fleet() -> Vec<Decided> {
        vec![
            decided("com.b", "android", "deny"),
            decided("com.a", "android", "deny"),
            decided("com.a", "android", "allow"),
            decided("com.c", "android", "allow"),
            decided("com.c", "android", "review"),
            decided("com.d", "android", "allow"),
            decided("com.i", "ios", "deny"),
            decided("com.j", "ios", "allow"),
        ]
    }

    /// The structure of the Android Management API reference (enterprises.policies, Policy and
    /// ApplicationPolicy): `playStoreMode` one of its enum values, `applications` an array of
    /// objects with a `packageName` string and an `installType` of the InstallType enum.
    fn check_android_structure(text: &str) -> serde_json::Value {
        let policy: serde_json::Value = serde_json::from_str(text).unwrap();
        let object = policy.as_object().unwrap();
        assert!(object.keys().all(|k| k == "playStoreMode" || k == "applications"), "{text}");
        assert!(["WHITELIST", "BLACKLIST"].contains(&policy["playStoreMode"].as_str().unwrap()));
        for app in policy["applications"].as_array().unwrap() {
            let app = app.as_object().unwrap();
            assert_eq!(app.len(), 2);
            assert!(app["packageName"].is_string());
            let install_types = ["INSTALL_TYPE_UNSPECIFIED", "PREINSTALLED", "FORCE_INSTALLED", "BLOCKED", "AVAILABLE"];
            assert!(install_types.contains(&app["installType"].as_str().unwrap()));
        }
        policy
    }

    #[test]
    fn android_blocklist_blocks_any_app_a_decision_blocks() {
        let text = android_policy(&fleet(), &Selection::new(&[], &[])).unwrap();
        let policy = check_android_structure(&text);
        assert_eq!(policy["playStoreMode"], "BLACKLIST");
        let apps: Vec<&str> =
            policy["applications"].as_array().unwrap().iter().map(|a| a["packageName"].as_str().unwrap()).collect();
        assert_eq!(apps, ["com.a", "com.b"]);
        assert!(policy["applications"].as_array().unwrap().iter().all(|a| a["installType"] == "BLOCKED"));
    }

    #[test]
    fn android_allowlist_allows_only_apps_every_decision_allows() {
        let text = android_policy(&fleet(), &Selection::new(&[], &["allow".into()])).unwrap();
        let policy = check_android_structure(&text);
        assert_eq!(policy["playStoreMode"], "WHITELIST");
        let apps: Vec<&str> =
            policy["applications"].as_array().unwrap().iter().map(|a| a["packageName"].as_str().unwrap()).collect();
        assert_eq!(apps, ["com.d"]);
    }

    /// The structure of Apple's Device Management reference: a TopLevel profile dictionary
    /// (`PayloadContent` array, `PayloadIdentifier`, `PayloadType` `Configuration`, `PayloadUUID`,
    /// `PayloadVersion` 1) holding a Restrictions payload (`PayloadType`
    /// `com.apple.applicationaccess`, its own identifier, UUID and version) whose
    /// `blacklistedAppBundleIDs` or `whitelistedAppBundleIDs` is an array of strings.
    #[test]
    fn mobileconfig_follows_the_profile_structure_and_is_deterministic() {
        let info = PolicyInfo { name: "fleet".into(), default: "review".into(), rules: Vec::new() };
        let text = mobileconfig(&fleet(), &Selection::new(&[], &[]), "org.example", &info).unwrap();
        assert_eq!(text, mobileconfig(&fleet(), &Selection::new(&[], &[]), "org.example", &info).unwrap());
        let value = plist::Value::from_reader_xml(text.as_bytes()).unwrap();
        let top = value.as_dictionary().unwrap();
        assert_eq!(top.get("PayloadType").and_then(|v| v.as_string()), Some("Configuration"));
        assert_eq!(top.get("PayloadVersion").and_then(|v| v.as_signed_integer()), Some(1));
        assert_eq!(top.get("PayloadIdentifier").and_then(|v| v.as_string()), Some("org.example"));
        let uuid = top.get("PayloadUUID").and_then(|v| v.as_string()).unwrap();
        let content = top.get("PayloadContent").and_then(|v| v.as_array()).unwrap();
        assert_eq!(content.len(), 1);
        let payload = content[0].as_dictionary().unwrap();
        assert_eq!(payload.get("PayloadType").and_then(|v| v.as_string()), Some("com.apple.applicationaccess"));
        assert_eq!(payload.get("PayloadVersion").and_then(|v| v.as_signed_integer()), Some(1));
        assert!(payload.get("PayloadIdentifier").and_then(|v| v.as_string()).unwrap().starts_with("org.example."));
        assert_ne!(payload.get("PayloadUUID").and_then(|v| v.as_string()).unwrap(), uuid);
        let blocked: Vec<&str> = payload
            .get("blacklistedAppBundleIDs")
            .and_then(|v| v.as_array())
            .unwrap()
            .iter()
            .map(|v| v.as_string().unwrap())
            .collect();
        assert_eq!(blocked, ["com.i"]);
        assert!(!text.contains("<date>"), "no timestamps");
        let allow = mobileconfig(&fleet(), &Selection::new(&[], &["allow".into()]), "org.example", &info).unwrap();
        assert!(allow.contains("<key>whitelistedAppBundleIDs</key>") && allow.contains("com.j"));
        assert_ne!(allow, text);
    }

    #[test]
    fn content_uuids_are_stable_version_8_and_differ_by_content() {
        let a = content_uuid("profile\norg.x\nblacklistedAppBundleIDs\ncom.a");
        assert_eq!(a, content_uuid("profile\norg.x\nblacklistedAppBundleIDs\ncom.a"));
        assert_ne!(a, content_uuid("profile\norg.x\nblacklistedAppBundleIDs\ncom.b"));
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'8', "version nibble in {a}");
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'A' | b'B'), "variant in {a}");
    }
}
