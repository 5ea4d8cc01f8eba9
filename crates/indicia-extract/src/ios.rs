//! iOS sources: `Info.plist` (XML or binary), privacy manifests (`PrivacyInfo.xcprivacy`) and IPAs.

use std::path::Path;

use plist::{Dictionary, Value as Plist};
use serde_json::{Map, Value, json};

use crate::Options;
use crate::archive::{Archive, read_file};
use crate::error::ExtractError;
use crate::evidence::{AppInfo, Kind, Partial};
use crate::property_list::read_dictionary;

/// Privacy manifest data types and the data-type vocabulary term each becomes (`datum.type`).
///
/// Terms of the evidence vocabulary are used where one fits; the others are new terms in the same style.
/// A data type not in this table becomes its name without the prefix, in snake case.
pub const DATA_TYPES: &[(&str, &str)] = &[
    ("Name", "name"),
    ("EmailAddress", "email"),
    ("PhoneNumber", "phone_number"),
    ("PhysicalAddress", "physical_address"),
    ("OtherUserContactInfo", "contact_info"),
    ("Health", "health"),
    ("Fitness", "fitness"),
    ("PaymentInfo", "payment_info"),
    ("CreditInfo", "credit_info"),
    ("OtherFinancialInfo", "financial_info"),
    ("PreciseLocation", "location"),
    ("CoarseLocation", "location"),
    ("SensitiveInfo", "sensitive_info"),
    ("Contacts", "contacts"),
    ("EmailsOrTextMessages", "sms"),
    ("PhotosorVideos", "photos"),
    ("PhotosOrVideos", "photos"),
    ("AudioData", "microphone"),
    ("GameplayContent", "gameplay_content"),
    ("CustomerSupport", "customer_support"),
    ("OtherUserContent", "user_content"),
    ("BrowsingHistory", "browsing_history"),
    ("SearchHistory", "search_history"),
    ("UserID", "account"),
    ("DeviceID", "device_id"),
    ("PurchaseHistory", "purchase_history"),
    ("ProductInteraction", "product_interaction"),
    ("AdvertisingData", "advertising_data"),
    ("OtherUsageData", "usage_data"),
    ("CrashData", "crash_data"),
    ("PerformanceData", "performance_data"),
    ("OtherDiagnosticData", "diagnostic_data"),
    ("EnvironmentScanning", "sensor"),
    ("Hands", "sensor"),
    ("Head", "sensor"),
    ("OtherDataTypes", "other"),
];

const DATA_TYPE_PREFIX: &str = "NSPrivacyCollectedDataType";
const PURPOSE_PREFIX: &str = "NSPrivacyCollectedDataTypePurpose";

/// `CamelCase` → `camel_case` (runs of capitals stay one word: `UserID` → `user_id`).
fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let prev_upper = i > 0 && chars.get(i - 1).is_some_and(char::is_ascii_uppercase);
            if prev_lower || (prev_upper && next_lower) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The vocabulary term for a privacy manifest data type (`NSPrivacyCollectedDataTypePreciseLocation` →
/// `location`).
pub fn data_type_term(key: &str) -> String {
    let short = key.strip_prefix(DATA_TYPE_PREFIX).unwrap_or(key);
    DATA_TYPES.iter().find(|(k, _)| *k == short).map_or_else(|| snake(short), |(_, v)| (*v).to_owned())
}

/// The purpose term (`NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising` → `third_party_advertising`).
pub fn purpose_term(key: &str) -> String {
    snake(key.strip_prefix(PURPOSE_PREFIX).unwrap_or(key))
}

/// A literal string value (not a build variable such as `$(PRODUCT_BUNDLE_IDENTIFIER)`).
fn literal(dict: &Dictionary, key: &str) -> Option<String> {
    dict.get(key).and_then(Plist::as_string).filter(|s| !s.is_empty() && !s.contains("$(")).map(str::to_owned)
}

/// The facts of an `Info.plist` dictionary: usage keys (`NS…UsageDescription`, and
/// `NSLocationTemporaryUsageDescriptionDictionary`), background modes, query schemes.
pub fn info_plist_partial(dict: &Dictionary, source: &str) -> Partial {
    let mut p = Partial::new(source, &[Kind::Permission]);
    p.app = AppInfo {
        id: literal(dict, "CFBundleIdentifier"),
        name: literal(dict, "CFBundleDisplayName").or_else(|| literal(dict, "CFBundleName")),
        platform: Some("ios"),
        version: literal(dict, "CFBundleShortVersionString"),
    };
    for key in dict.keys() {
        if key.starts_with("NS") && key.contains("UsageDescription") {
            p.push(Kind::Permission, json!({ "name": key, "source": "plist" }));
        }
    }
    if let Some(modes) = dict.get("UIBackgroundModes").and_then(Plist::as_array) {
        for mode in modes.iter().filter_map(Plist::as_string) {
            p.push(Kind::Permission, json!({ "name": format!("UIBackgroundModes:{mode}"), "source": "plist" }));
        }
    }
    if dict.get("LSApplicationQueriesSchemes").and_then(Plist::as_array).is_some_and(|a| !a.is_empty()) {
        p.push(Kind::Permission, json!({ "name": "LSApplicationQueriesSchemes", "source": "plist" }));
    }
    p
}

/// A tracking domain as a bare host: `https://consent.adjust.com/` → `consent.adjust.com`.
fn bare_domain(entry: &str) -> String {
    let s = entry.trim();
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let s = s.split(['/', '?', '#']).next().unwrap_or(s);
    s.to_ascii_lowercase()
}

/// The facts of a privacy manifest dictionary: `datum` per collected data type and purpose, `api` per
/// required-reason API category, `sdk` per tracking domain.
pub fn privacy_partial(dict: &Dictionary, source: &str) -> Partial {
    let mut p = Partial::new(source, &[Kind::Datum, Kind::Api, Kind::Sdk]);
    p.app.platform = Some("ios");
    for item in dict
        .get("NSPrivacyCollectedDataTypes")
        .and_then(Plist::as_array)
        .into_iter()
        .flatten()
        .filter_map(Plist::as_dictionary)
    {
        let Some(kind) = item.get("NSPrivacyCollectedDataType").and_then(Plist::as_string) else {
            continue;
        };
        let term = data_type_term(kind);
        let shared = item.get("NSPrivacyCollectedDataTypeTracking").and_then(Plist::as_boolean);
        let purposes: Vec<String> = item
            .get("NSPrivacyCollectedDataTypePurposes")
            .and_then(Plist::as_array)
            .into_iter()
            .flatten()
            .filter_map(Plist::as_string)
            .map(purpose_term)
            .collect();
        let make = |purpose: Option<&String>| {
            let mut m = Map::new();
            m.insert("type".into(), json!(term));
            if let Some(purpose) = purpose {
                m.insert("purpose".into(), json!(purpose));
            }
            if let Some(shared) = shared {
                m.insert("shared".into(), json!(shared));
            }
            m.insert("source".into(), json!("privacy_manifest"));
            Value::Object(m)
        };
        if purposes.is_empty() {
            p.push(Kind::Datum, make(None));
        }
        for purpose in &purposes {
            p.push(Kind::Datum, make(Some(purpose)));
        }
    }
    for item in dict
        .get("NSPrivacyAccessedAPITypes")
        .and_then(Plist::as_array)
        .into_iter()
        .flatten()
        .filter_map(Plist::as_dictionary)
    {
        if let Some(cat) = item.get("NSPrivacyAccessedAPIType").and_then(Plist::as_string) {
            p.push(Kind::Api, json!({ "symbol": cat, "source": "privacy_manifest" }));
        }
    }
    for domain in dict
        .get("NSPrivacyTrackingDomains")
        .and_then(Plist::as_array)
        .into_iter()
        .flatten()
        .filter_map(Plist::as_string)
    {
        let domain = bare_domain(domain);
        if !domain.is_empty() {
            p.push(Kind::Sdk, json!({ "id": domain, "kind": "tracking" }));
        }
    }
    p
}

/// Reads an `Info.plist` file (XML or binary): `permission` facts.
pub fn extract_info_plist(path: &Path, options: &Options) -> Result<Partial, ExtractError> {
    let bytes = read_file(path, options.limits.max_small_file)?;
    let dict = read_dictionary(&bytes, &options.limits).map_err(|e| ExtractError::at(path, e))?;
    Ok(info_plist_partial(&dict, &path.display().to_string()))
}

/// Reads a privacy manifest (`PrivacyInfo.xcprivacy`, XML or binary): `datum`, `api` and `sdk` facts.
pub fn extract_privacy_manifest(path: &Path, options: &Options) -> Result<Partial, ExtractError> {
    let bytes = read_file(path, options.limits.max_small_file)?;
    let dict = read_dictionary(&bytes, &options.limits).map_err(|e| ExtractError::at(path, e))?;
    Ok(privacy_partial(&dict, &path.display().to_string()))
}

/// The app bundle directory of an IPA member (`Payload/X.app/`), if it is inside one.
fn bundle_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("Payload/")?;
    let end = rest.find(".app/")?;
    name.get(..("Payload/".len() + end + ".app/".len()))
}

/// Reads an IPA: the app's `Info.plist` (`Payload/X.app/Info.plist`) and every privacy manifest inside
/// the app bundle (the app's own and its frameworks'). `datum`, `api` and `sdk` are collected only when
/// the bundle has at least one privacy manifest.
pub fn extract_ipa(path: &Path, options: &Options) -> Result<Vec<Partial>, ExtractError> {
    let mut zip = Archive::open(path, options.limits)?;
    let names = zip.names();
    let info = names
        .iter()
        .filter(|n| bundle_of(n).is_some_and(|b| n.len() == b.len() + "Info.plist".len() && n.ends_with("/Info.plist")))
        .min_by_key(|n| n.len())
        .cloned()
        .ok_or_else(|| ExtractError::at(path, "no Payload/*.app/Info.plist: not an iOS app archive"))?;
    let bundle = bundle_of(&info).unwrap_or_default().to_owned();
    let mut out = Vec::new();
    let bytes =
        zip.read(&info, options.limits.max_member)?.ok_or_else(|| zip.error(&info, "listed but cannot be read"))?;
    let dict = read_dictionary(&bytes, &options.limits).map_err(|e| zip.error(&info, e))?;
    out.push(info_plist_partial(&dict, &format!("{}!{info}", zip.name())));
    for name in names.iter().filter(|n| n.starts_with(&bundle) && n.ends_with("PrivacyInfo.xcprivacy")) {
        let Some(bytes) = zip.read(name, options.limits.max_member)? else {
            continue;
        };
        let dict = read_dictionary(&bytes, &options.limits).map_err(|e| zip.error(name, e))?;
        out.push(privacy_partial(&dict, &format!("{}!{name}", zip.name())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms() {
        assert_eq!(data_type_term("NSPrivacyCollectedDataTypePreciseLocation"), "location");
        assert_eq!(data_type_term("NSPrivacyCollectedDataTypeDeviceID"), "device_id");
        assert_eq!(data_type_term("NSPrivacyCollectedDataTypeSomethingNewID"), "something_new_id");
        assert_eq!(purpose_term("NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising"), "third_party_advertising");
        assert_eq!(bare_domain("https://consent.adjust.com/x"), "consent.adjust.com");
        assert_eq!(bundle_of("Payload/A.app/Info.plist"), Some("Payload/A.app/"));
        assert_eq!(bundle_of("Other/A.app/Info.plist"), None);
    }
}
