//! Deterministic synthetic evidence over the standard mobile schema, for the peer comparison.
//!
//! [`generate`] writes one evidence object with about `facts` facts. Values are drawn so that the
//! 15 indicators of tw-mabis-v4 come out fail, pass and inconclusive in realistic proportions:
//! most permissions, API symbols, hosts and data types are ordinary, a few hit the pack's lists;
//! optional fields are sometimes missing or null; some kinds are unobserved, some observed but
//! empty, some listed only in `collected`, some only in `facts`. Every object is valid for the
//! pack's schema, so indicia accepts it.

#![allow(dead_code)]

use std::sync::LazyLock;

use indicia_testkit::Rng;
use indicia_testkit::generate::{BEHAVIORS, CHECKS};
use serde_json::{Map, Value, json};

const PERMISSIONS_HIT: &[&str] = &[
    "android.permission.ACCESS_FINE_LOCATION",
    "android.permission.READ_CONTACTS",
    "android.permission.CAMERA",
    "android.permission.READ_EXTERNAL_STORAGE",
    "android.permission.READ_PHONE_STATE",
    "android.permission.READ_PRIVILEGED_PHONE_STATE",
    "NSLocationWhenInUseUsageDescription",
    "NSContactsUsageDescription",
    "NSCameraUsageDescription",
    "NSPhotoLibraryUsageDescription",
    "android.permission.QUERY_ALL_PACKAGES",
    "android.permission.RECORD_AUDIO",
];

const PERMISSIONS_PLAIN: &[&str] = &[
    "android.permission.INTERNET",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.WAKE_LOCK",
    "android.permission.VIBRATE",
    "android.permission.POST_NOTIFICATIONS",
    "android.permission.USE_BIOMETRIC",
    "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.FOREGROUND_SERVICE",
    "NSFaceIDUsageDescription",
    "LSApplicationQueriesSchemes",
];

const APIS_HIT: &[&str] = &[
    "android.location.LocationManager.getLastKnownLocation",
    "com.google.android.gms.location.FusedLocationProviderClient.getLastLocation",
    "CNContactStore.enumerateContactsWithFetchRequest:error:usingBlock:",
    "android.content.ClipboardManager.getPrimaryClip",
    "UIPasteboard.string",
    "android.media.projection.MediaProjectionManager.getMediaProjection",
    "PHAsset.fetchAssetsWithOptions:",
    "android.content.pm.PackageManager.getInstalledPackages",
    "android.telephony.TelephonyManager.getDeviceId",
    "UIDevice.identifierForVendor",
    "com.google.mlkit.vision.face.FaceDetector.process",
    "VNDetectFaceRectanglesRequest.init",
];

const API_SOURCES: &[&str] = &["dex", "dex", "dex", "dex", "privacy_manifest", "runtime"];
const PERMISSION_SOURCES: &[&str] = &["manifest", "manifest", "plist", "queries", "runtime"];
const COUNTRIES: &[&str] = &["US", "US", "JP", "SG", "DE", "TW", "HK", "CN"];
const STATES: &[&str] = &["foreground", "foreground", "foreground", "background", "not_launched"];
/// Data types that no indicator of tw-mabis-v4 names and that its `nonessential_data` leaves out.
const DATA_PLAIN: &[&str] = &["device_info", "network_info", "sensor", "account", "photos"];
/// The data types that hit the pack's lists. Not derived from [`indicia_testkit::generate::DATA_TYPES`]: picks
/// are uniform, so this order decides every seed's object, and with it the bench's object's verdicts.
const DATA_HIT: &[&str] = &[
    "location",
    "contacts",
    "clipboard",
    "screenshot",
    "screen_recording",
    "storage_file",
    "app_list",
    "device_id",
    "phone_number",
    "face",
    "microphone",
];
/// Behavior kinds that no indicator of tw-mabis-v4 looks for, drawn for the plain behaviors.
const BEHAVIORS_PLAIN: &[&str] = &["camera_open", "device_info_read", "microphone_record", "sms_read"];
/// The behavior kinds some indicator looks for: [`BEHAVIORS`] but the plain ones and
/// `call_log_read`, which no indicator looks for either.
static BEHAVIORS_HIT: LazyLock<Vec<&str>> =
    LazyLock::new(|| all_but(BEHAVIORS, &[BEHAVIORS_PLAIN, &["call_log_read"]].concat()));
const SDKS: &[&str] = &["com.tencent.mm.opensdk", "com.umeng.analytics", "com.facebook.sdk", "com.appsflyer"];
const SDK_KINDS: &[&str] = &["analytics", "ads", "push", "crash", "social"];
const COMPONENT_KINDS: &[&str] = &["activity", "service", "receiver", "provider"];

/// The names of `vocabulary` that are not in `left_out`, in order.
fn all_but(vocabulary: &[&'static str], left_out: &[&str]) -> Vec<&'static str> {
    vocabulary.iter().copied().filter(|name| !left_out.contains(name)).collect()
}

/// Sets `key` on `object` to a value, to null, or not at all (`missing_pct`% missing or null,
/// half each).
fn optional(rng: &mut Rng, object: &mut Map<String, Value>, key: &str, missing_pct: u64, value: Value) {
    if rng.chance(missing_pct) {
        if rng.chance(50) {
            object.insert(key.to_string(), Value::Null);
        }
    } else {
        object.insert(key.to_string(), value);
    }
}

fn permission(rng: &mut Rng) -> Value {
    let name = if rng.chance(20) { rng.pick(PERMISSIONS_HIT) } else { rng.pick(PERMISSIONS_PLAIN) };
    let mut fact = Map::new();
    fact.insert("name".into(), json!(name));
    let source = rng.pick(PERMISSION_SOURCES);
    optional(rng, &mut fact, "source", 10, json!(source));
    let granted = rng.chance(50);
    optional(rng, &mut fact, "granted", 60, json!(granted));
    Value::Object(fact)
}

fn api(rng: &mut Rng) -> Value {
    let symbol = if rng.chance(8) {
        rng.pick(APIS_HIT).to_string()
    } else {
        format!("com.vendor{}.Class{}.m{}", rng.below(20), rng.below(50), rng.below(10))
    };
    let mut fact = Map::new();
    fact.insert("symbol".into(), json!(symbol));
    let calls = 1 + rng.below(40);
    optional(rng, &mut fact, "calls", 60, json!(calls));
    let source = rng.pick(API_SOURCES);
    optional(rng, &mut fact, "source", 10, json!(source));
    Value::Object(fact)
}

fn flow(rng: &mut Rng) -> Value {
    let mut fact = Map::new();
    fact.insert("host".into(), json!(format!("api{}.host{}.example", rng.below(5), rng.below(40))));
    let ip = format!("192.0.2.{}", rng.below(255));
    optional(rng, &mut fact, "ip", 60, json!(ip));
    let country = rng.pick(COUNTRIES);
    let country_missing = if country == "CN" { 0 } else { 8 };
    let country = if country == "CN" && rng.chance(70) { "US" } else { country };
    optional(rng, &mut fact, "country", country_missing, json!(country));
    let port = if rng.chance(90) { 443 } else { 80 };
    optional(rng, &mut fact, "port", 5, json!(port));
    let tls = port == 443;
    optional(rng, &mut fact, "tls", 5, json!(tls));
    let bytes = rng.below(50_000);
    optional(rng, &mut fact, "bytes_out", 60, json!(bytes));
    let mut data: Vec<&str> = Vec::new();
    for _ in 0..rng.below(3) {
        data.push(if rng.chance(12) { rng.pick(DATA_HIT) } else { rng.pick(DATA_PLAIN) });
    }
    optional(rng, &mut fact, "data", 15, json!(data));
    let sdk = rng.pick(SDKS);
    if rng.chance(30) {
        optional(rng, &mut fact, "sdk", 10, json!(sdk));
    }
    let state = rng.pick(STATES);
    optional(rng, &mut fact, "state", 10, json!(state));
    let before = rng.chance(10);
    optional(rng, &mut fact, "before_consent", 40, json!(before));
    Value::Object(fact)
}

fn behavior(rng: &mut Rng) -> Value {
    let kind = if rng.chance(15) { rng.pick(&BEHAVIORS_HIT) } else { rng.pick(BEHAVIORS_PLAIN) };
    let mut fact = Map::new();
    fact.insert("kind".into(), json!(kind));
    optional(rng, &mut fact, "detail", 70, json!("seen by the monitor"));
    let state = rng.pick(STATES);
    optional(rng, &mut fact, "state", 30, json!(state));
    Value::Object(fact)
}

fn finding(rng: &mut Rng) -> Value {
    let check = rng.pick(CHECKS);
    let failed = rng.chance(25);
    let mut fact = Map::new();
    fact.insert("check".into(), json!(check));
    fact.insert("failed".into(), json!(failed));
    optional(rng, &mut fact, "note", 70, json!("reviewer's note"));
    Value::Object(fact)
}

fn sdk(rng: &mut Rng) -> Value {
    let id = rng.pick(SDKS);
    let kind = rng.pick(SDK_KINDS);
    let mut fact = Map::new();
    fact.insert("id".into(), json!(id));
    optional(rng, &mut fact, "kind", 20, json!(kind));
    let country = rng.pick(COUNTRIES);
    optional(rng, &mut fact, "country", 30, json!(country));
    Value::Object(fact)
}

fn datum(rng: &mut Rng) -> Value {
    let ty = if rng.chance(50) { rng.pick(DATA_HIT) } else { rng.pick(DATA_PLAIN) };
    let shared = rng.chance(30);
    let mut fact = Map::new();
    fact.insert("type".into(), json!(ty));
    optional(rng, &mut fact, "shared", 40, json!(shared));
    optional(rng, &mut fact, "purpose", 50, json!("analytics"));
    Value::Object(fact)
}

fn component(rng: &mut Rng) -> Value {
    let kind = rng.pick(COMPONENT_KINDS);
    let exported = rng.chance(30);
    let mut fact = Map::new();
    fact.insert("kind".into(), json!(kind));
    fact.insert("name".into(), json!(format!("com.example.app.Component{}", rng.below(1000))));
    optional(rng, &mut fact, "exported", 30, json!(exported));
    Value::Object(fact)
}

/// Share of each kind in a generated object, per 100 facts: permission, api, flow, behavior,
/// finding, sdk, datum, component.
const MIX: [(&str, usize); 8] = [
    ("permission", 14),
    ("api", 45),
    ("flow", 18),
    ("behavior", 6),
    ("finding", 3),
    ("sdk", 5),
    ("datum", 4),
    ("component", 5),
];

/// One evidence object with about `facts` facts, the same for the same `seed`.
pub fn generate(seed: u64, facts: usize) -> String {
    let mut rng = Rng::for_item(seed, 0);
    let mut collected: Vec<&str> = Vec::new();
    let mut table = Map::new();
    for (kind, share) in MIX {
        // Each analysis ran with some chance; when it ran its kind is listed in `collected`, in
        // `facts`, or in both; when it did not, the kind is absent.
        let ran = match kind {
            "finding" => rng.chance(70),
            "behavior" | "flow" => rng.chance(85),
            _ => rng.chance(92),
        };
        if !ran {
            continue;
        }
        let n = (facts * share).div_ceil(100);
        let n = if n == 0 { 0 } else { n / 2 + rng.below(n + 1) };
        let make: fn(&mut Rng) -> Value = match kind {
            "permission" => permission,
            "api" => api,
            "flow" => flow,
            "behavior" => behavior,
            "finding" => finding,
            "sdk" => sdk,
            "datum" => datum,
            _ => component,
        };
        let items: Vec<Value> = (0..n).map(|_| make(&mut rng)).collect();
        match rng.below(4) {
            0 => collected.push(kind),
            1 => {
                table.insert(kind.to_string(), Value::Array(items));
            }
            _ => {
                collected.push(kind);
                table.insert(kind.to_string(), Value::Array(items));
            }
        }
    }
    let mut evidence = Map::new();
    evidence.insert(
        "app".into(),
        json!({ "id": format!("com.example.generated{seed}"), "name": "Generated", "platform": "android" }),
    );
    if !collected.is_empty() || rng.chance(50) {
        evidence.insert("collected".into(), json!(collected));
    }
    evidence.insert("facts".into(), Value::Object(table));
    Value::Object(evidence).to_string()
}

/// The object the bench measures: the first seed from 1000 whose object has 190 to 215 facts,
/// and every kind listed in `facts`. Returns the seed and the JSON.
pub fn bench_object() -> (u64, String) {
    let mut seed = 1000;
    loop {
        let json = generate(seed, 200);
        let facts = count_facts(&json);
        if (190..=215).contains(&facts) && kinds_in_facts(&json) == MIX.len() {
            return (seed, json);
        }
        seed += 1;
    }
}

/// How many kinds an evidence object lists in `facts`.
fn kinds_in_facts(json: &str) -> usize {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    value.get("facts").and_then(Value::as_object).map(Map::len).unwrap_or(0)
}

/// How many facts an evidence object holds.
pub fn count_facts(json: &str) -> usize {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    value
        .get("facts")
        .and_then(Value::as_object)
        .map(|facts| facts.values().filter_map(Value::as_array).map(Vec::len).sum())
        .unwrap_or(0)
}
