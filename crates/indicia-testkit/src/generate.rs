//! Generators of synthetic rule packs and evidence over the standard mobile schema (evidence.md),
//! shared by the benches, the tests and `indicia gen` (load tests).
//!
//! - [`generate_pack`] writes a pack of `n` indicators that shares the way a real one does: consts
//!   of permission names, countries and data types; params for policy choices; defines (one for
//!   every few indicators) that build on each other; a pool of regular expressions and globs that
//!   many indicators reuse; binders, nested quantifiers, `count` comparisons, `has`, `observed` and
//!   `unknown`. It checks clean; 1,000 indicators are about 10,000 lines.
//! - [`EvidenceGenerator`] writes one app's evidence as one line of compact JSON: `facts` facts
//!   spread over the eight kinds with realistic shares (many api references, fewer permissions and
//!   flows, a handful of SDKs and review findings), values drawn with a skew towards the common
//!   ones (the permissions, APIs, hosts and countries that most apps share) next to a long tail of
//!   app-specific names. 200 facts are about 15 KB.
//!
//! Everything is deterministic for a seed: the same seed and arguments give the same bytes, and
//! app `i` of a batch depends only on the seed and `i`, so a batch can be generated in pieces.

use std::fmt::Write as _;

use crate::rng::Rng;

pub use crate::schema::MOBILE_SCHEMA;

/// The data types of the mobile schema (`datum.type`, `flow.data`) the generators draw from; the
/// evidence generator favours the front of the list.
pub const DATA_TYPES: &[&str] = &[
    "contacts",
    "location",
    "clipboard",
    "screenshot",
    "screen_recording",
    "storage_file",
    "photos",
    "app_list",
    "device_id",
    "device_info",
    "phone_number",
    "sms",
    "call_log",
    "calendar",
    "camera",
    "microphone",
    "face",
    "fingerprint",
    "voiceprint",
    "network_info",
    "sensor",
    "account",
    "identity_document",
];
/// The behavior kinds of the mobile schema (`behavior.kind`) the generators draw from; the evidence
/// generator favours the front of the list.
pub const BEHAVIORS: &[&str] = &[
    "location_read",
    "contacts_read",
    "clipboard_read",
    "screenshot_read",
    "screen_capture",
    "storage_read",
    "photos_read",
    "app_list_read",
    "device_id_read",
    "device_info_read",
    "phone_number_read",
    "sms_read",
    "call_log_read",
    "camera_open",
    "face_capture",
    "microphone_record",
];
/// The review checks of the mobile schema (`finding.check`); an app has at most one finding per check.
pub const CHECKS: &[&str] = &[
    "excessive_mandatory_fields",
    "excessive_permissions",
    "forced_consent",
    "no_account_deletion",
    "no_data_export",
    "no_consent_withdrawal",
];
const PERMISSIONS: &[&str] = &[
    "ACCESS_FINE_LOCATION",
    "ACCESS_COARSE_LOCATION",
    "ACCESS_BACKGROUND_LOCATION",
    "READ_CONTACTS",
    "WRITE_CONTACTS",
    "READ_SMS",
    "SEND_SMS",
    "RECEIVE_SMS",
    "READ_CALL_LOG",
    "READ_PHONE_STATE",
    "READ_PHONE_NUMBERS",
    "CAMERA",
    "RECORD_AUDIO",
    "READ_EXTERNAL_STORAGE",
    "READ_MEDIA_IMAGES",
    "QUERY_ALL_PACKAGES",
    "GET_ACCOUNTS",
    "BODY_SENSORS",
    "ACTIVITY_RECOGNITION",
    "READ_CALENDAR",
];
const COUNTRIES: &[&str] = &["CN", "HK", "MO", "RU", "KP", "IR", "US", "SG", "JP", "KR", "TW", "DE"];
const SDK_KINDS: &[&str] = &["analytics", "ads", "push", "crash", "identification", "location", "social", "payment"];
const STATES: &[&str] = &["foreground", "background", "not_launched"];
const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
const REGEXES: &[&str] = &[
    r"^(ads?|track(er|ing)?)\.",
    r"\.(cn|com\.cn)$",
    r"(^|\.)doubleclick\.net$",
    r"^api\.[a-z0-9-]+\.(com|net)$",
    r"umeng|cnzz|talkingdata",
    r"^\d{1,3}(\.\d{1,3}){3}$",
    r"(?i)getDeviceId|getImei|getSubscriberId",
    r"^android\.telephony\.TelephonyManager\.",
    r"^android\.location\.LocationManager\.(getLastKnownLocation|requestLocationUpdates)$",
    r"^com\.(tencent|baidu|alibaba|bytedance)\.",
    r"ClipboardManager\.getPrimaryClip$",
    r"^NS[A-Za-z]+UsageDescription$",
    r"MediaProjection|createScreenCaptureIntent",
    r"^CLLocationManager\.",
    r"(?i)(fingerprint|biometric)",
    r"^[a-z]+://",
];
const GLOBS: &[&str] = &[
    "*.cn",
    "*.com.cn",
    "ads.*",
    "*tracker*",
    "android.permission.READ_*",
    "android.permission.ACCESS_*_LOCATION",
    "*.doubleclick.net",
    "api.?.example.*",
    "com.tencent.*",
    "com.baidu.*",
    "*Activity",
    "*Service",
    "*.umeng.com",
    "log?.*",
    "NS*UsageDescription",
    "*.bytedance.*",
];

/// The seed [`generate_pack`] uses.
pub const DEFAULT_PACK_SEED: u64 = crate::rng::DEFAULT_SEED;

/// A pack of `n` indicators (with about `n / 5` defines, 20 categories and shared consts, params
/// and patterns), as the text of one file, drawn with [`DEFAULT_PACK_SEED`].
pub fn generate_pack(n: usize) -> String {
    generate_pack_seeded(n, DEFAULT_PACK_SEED)
}

/// [`generate_pack`] with another seed.
pub fn generate_pack_seeded(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 400 + 8192);
    out.push_str("standard generated {\n  title: \"A generated pack\"\n  version: \"1.0\"\n}\n\n");
    out.push_str(MOBILE_SCHEMA);
    out.push('\n');
    let categories = 20;
    for c in 0..categories {
        let _ =
            writeln!(out, "category cat_{c} {{ title: \"Category {c}\", description: \"Generated category {c}\" }}");
    }
    out.push('\n');

    // Consts: groups of permissions, data types, countries and behaviors.
    for (i, chunk) in PERMISSIONS.chunks(4).enumerate() {
        let names: Vec<String> = chunk.iter().map(|p| format!("\"android.permission.{p}\"")).collect();
        let _ = writeln!(out, "const permissions_{i} = [{}]", names.join(", "));
    }
    for (i, chunk) in DATA_TYPES.chunks(5).enumerate() {
        let names: Vec<String> = chunk.iter().map(|d| format!("\"{d}\"")).collect();
        let _ = writeln!(out, "const data_{i} = [{}]", names.join(", "));
    }
    let _ = writeln!(out, "const watched_ports = [21, 23, 80, 8080]");
    let _ = writeln!(out, "const big_upload = 1_000_000");
    out.push('\n');

    // Params: policy choices.
    for (i, chunk) in COUNTRIES.chunks(3).enumerate() {
        let names: Vec<String> = chunk.iter().map(|c| format!("\"{c}\"")).collect();
        let _ = writeln!(out, "param countries_{i}: [string] = [{}]", names.join(", "));
    }
    for i in 0..8 {
        let _ = writeln!(out, "param max_{i}: int = {}", 2 + i);
    }
    let _ = writeln!(out, "param ratio: float = 0.5");
    let _ = writeln!(out, "param strict: bool = false");
    out.push('\n');

    // Defines: one for every five indicators; later ones build on earlier ones.
    let defines = (n / 5).max(4);
    for d in 0..defines {
        let body = define_body(&mut rng, d);
        let _ = writeln!(out, "# Shared condition {d}.\ndefine cond_{d} =\n  {body}\n");
    }

    for i in 0..n {
        let id = format!("GEN-{:02}-{i:04}", i % categories);
        let when = condition(&mut rng, defines);
        let _ = writeln!(out, "# Indicator {i}: generated.");
        let _ = writeln!(out, "indicator \"{id}\" {{");
        let _ = writeln!(out, "  title: \"Generated indicator {i}\"");
        let _ = writeln!(out, "  category: cat_{}", i % categories);
        let _ = writeln!(out, "  severity: {}", rng.pick(SEVERITIES));
        if rng.chance(30) {
            let _ = writeln!(out, "  weight: {}.{}", 1 + rng.below(4), rng.below(10));
        }
        let _ = writeln!(out, "  refs: [\"MASVS-PRIVACY-{}\", \"MASWE-{:04}\"]", 1 + rng.below(4), rng.below(120));
        if rng.chance(60) {
            let _ = writeln!(out, "  description: \"What indicator {i} looks for, in a sentence or two.\"");
        }
        let _ = writeln!(out, "  when: {when}");
        out.push_str("}\n\n");
    }
    out
}

/// The body of define `d`: a condition over one or two kinds, sometimes using earlier defines.
fn define_body(rng: &mut Rng, d: usize) -> String {
    let base = match rng.below(8) {
        0 => format!("any permission where name in permissions_{}", rng.below(5)),
        1 => format!("any behavior where kind == \"{}\"", rng.pick(BEHAVIORS)),
        2 => format!("any flow where (has data and data intersects data_{})", rng.below(5)),
        3 => format!("any api where symbol matches \"{}\"", escape(rng.pick(REGEXES))),
        4 => format!("any sdk where (kind == \"{}\" and country in countries_{})", rng.pick(SDK_KINDS), rng.below(4)),
        5 => format!("any finding where (check == \"{}\" and failed)", rng.pick(CHECKS)),
        6 => format!("any flow where host like \"{}\"", rng.pick(GLOBS)),
        _ => format!("any datum where (type in data_{} and has shared and shared)", rng.below(5)),
    };
    if d >= 4 && rng.chance(40) {
        let earlier = rng.below(d);
        let op = if rng.chance(50) { "and" } else { "or" };
        format!("{base}\n  {op} cond_{earlier}")
    } else {
        base
    }
}

/// An indicator's condition: two or three parts joined by `and`/`or`, over two or three lines.
fn condition(rng: &mut Rng, defines: usize) -> String {
    let parts = 2 + rng.below(2);
    let mut text = part(rng, defines);
    for _ in 1..parts {
        let op = if rng.chance(60) { "or" } else { "and" };
        let _ = write!(text, "\n        {op} {}", part(rng, defines));
    }
    text
}

/// One part of a condition.
fn part(rng: &mut Rng, defines: usize) -> String {
    match rng.below(14) {
        0 | 1 => format!("cond_{}", rng.below(defines)),
        2 => format!("(not observed(permission) or cond_{})", rng.below(defines)),
        3 => format!(
            "any f in flow where (f.country in countries_{} and (any s in sdk where (s.id == f.sdk and s.kind == \"{}\")))",
            rng.below(4),
            rng.pick(SDK_KINDS)
        ),
        4 => format!("count(flow where (tls == false and port in watched_ports)) > max_{}", rng.below(8)),
        5 => format!("count(p in permission where p.name like \"{}\") >= {}", rng.pick(GLOBS), 1 + rng.below(5)),
        6 => format!("any flow where (state == \"{}\" and has bytes_out and bytes_out > big_upload)", rng.pick(STATES)),
        7 => format!("any api where (symbol matches \"{}\" and calls > {})", escape(rng.pick(REGEXES)), rng.below(3)),
        8 => format!(
            "any flow where (host matches \"{}\" or host like \"{}\")",
            escape(rng.pick(REGEXES)),
            rng.pick(GLOBS)
        ),
        9 => format!(
            "((any finding where (check == \"{0}\" and failed)) or ((none finding where check == \"{0}\") and unknown))",
            rng.pick(CHECKS)
        ),
        10 => format!("any flow where (before_consent == true and data intersects data_{})", rng.below(5)),
        11 => format!("none c in component where (c.exported == true and c.name like \"{}\")", rng.pick(GLOBS)),
        12 => format!("any datum where (type == \"{}\" and shared == strict)", rng.pick(DATA_TYPES)),
        _ => format!("all flow where (tls == true or country not in countries_{})", rng.below(4)),
    }
}

/// A regular expression as a string literal's body.
fn escape(regex: &str) -> String {
    regex.replace('\\', "\\\\").replace('"', "\\\"")
}

// ---- Evidence -------------------------------------------------------------------------------------

/// Android permissions, the common first (most apps declare the first few).
const EVIDENCE_PERMISSIONS: &[&str] = &[
    "android.permission.INTERNET",
    "android.permission.ACCESS_NETWORK_STATE",
    "android.permission.WAKE_LOCK",
    "android.permission.ACCESS_WIFI_STATE",
    "android.permission.POST_NOTIFICATIONS",
    "android.permission.VIBRATE",
    "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.FOREGROUND_SERVICE",
    "android.permission.CAMERA",
    "android.permission.READ_EXTERNAL_STORAGE",
    "android.permission.WRITE_EXTERNAL_STORAGE",
    "android.permission.ACCESS_FINE_LOCATION",
    "android.permission.ACCESS_COARSE_LOCATION",
    "android.permission.READ_PHONE_STATE",
    "android.permission.RECORD_AUDIO",
    "android.permission.READ_MEDIA_IMAGES",
    "android.permission.READ_MEDIA_VIDEO",
    "android.permission.READ_CONTACTS",
    "android.permission.GET_ACCOUNTS",
    "android.permission.BLUETOOTH_CONNECT",
    "android.permission.USE_BIOMETRIC",
    "android.permission.SYSTEM_ALERT_WINDOW",
    "android.permission.QUERY_ALL_PACKAGES",
    "android.permission.ACCESS_BACKGROUND_LOCATION",
    "android.permission.READ_CALENDAR",
    "android.permission.READ_SMS",
    "android.permission.RECEIVE_SMS",
    "android.permission.READ_CALL_LOG",
    "android.permission.READ_PHONE_NUMBERS",
    "android.permission.BODY_SENSORS",
    "android.permission.ACTIVITY_RECOGNITION",
    "android.permission.READ_PRIVILEGED_PHONE_STATE",
    "com.google.android.c2dm.permission.RECEIVE",
    "com.google.android.gms.permission.AD_ID",
];
const PERMISSION_SOURCES: &[&str] = &["manifest", "manifest", "manifest", "runtime", "queries"];

/// Platform APIs a scanner reports, the common first.
const EVIDENCE_APIS: &[&str] = &[
    "java.net.URL.openConnection",
    "android.net.ConnectivityManager.getActiveNetworkInfo",
    "android.content.pm.PackageManager.getPackageInfo",
    "android.provider.Settings$Secure.getString",
    "android.net.wifi.WifiManager.getConnectionInfo",
    "android.telephony.TelephonyManager.getNetworkOperator",
    "android.content.ClipboardManager.getPrimaryClip",
    "android.location.LocationManager.getLastKnownLocation",
    "android.telephony.TelephonyManager.getDeviceId",
    "android.content.pm.PackageManager.getInstalledPackages",
    "android.hardware.Camera.open",
    "android.media.AudioRecord.startRecording",
    "android.location.LocationManager.requestLocationUpdates",
    "com.google.android.gms.location.FusedLocationProviderClient.getLastLocation",
    "android.telephony.TelephonyManager.getSubscriberId",
    "android.telephony.TelephonyManager.getLine1Number",
    "android.telephony.TelephonyManager.getImei",
    "android.net.wifi.WifiInfo.getMacAddress",
    "android.os.Build.getSerial",
    "android.content.pm.PackageManager.getInstalledApplications",
    "android.provider.ContactsContract$Contacts.getLookupUri",
    "android.content.ContentResolver.query",
    "android.media.projection.MediaProjectionManager.getMediaProjection",
    "android.accessibilityservice.AccessibilityService.takeScreenshot",
    "com.google.mlkit.vision.face.FaceDetector.process",
    "android.hardware.biometrics.BiometricPrompt.authenticate",
    "java.lang.Runtime.exec",
    "android.app.ActivityManager.getRunningAppProcesses",
];
const API_SOURCES: &[&str] = &["dex", "dex", "dex", "runtime", "privacy_manifest"];

/// Third-party SDKs: id, name, kind, vendor country.
const EVIDENCE_SDKS: &[(&str, &str, &str, &str)] = &[
    ("com.google.firebase.analytics", "Firebase Analytics", "analytics", "US"),
    ("com.google.android.gms.ads", "Google Mobile Ads", "ads", "US"),
    ("com.facebook.sdk", "Facebook SDK", "social", "US"),
    ("com.google.firebase.crashlytics", "Crashlytics", "crash", "US"),
    ("com.umeng.analytics", "Umeng", "analytics", "CN"),
    ("com.tencent.bugly", "Bugly", "crash", "CN"),
    ("cn.jpush", "JPush", "push", "CN"),
    ("com.bytedance.sdk.openadsdk", "Pangle", "ads", "CN"),
    ("com.baidu.location", "Baidu Location", "location", "CN"),
    ("com.appsflyer", "AppsFlyer", "analytics", "US"),
    ("com.adjust.sdk", "Adjust", "analytics", "DE"),
    ("com.alipay.sdk", "Alipay", "payment", "CN"),
    ("com.tencent.mm.opensdk", "WeChat OpenSDK", "social", "CN"),
    ("io.sentry", "Sentry", "crash", "US"),
    ("com.unity3d.ads", "Unity Ads", "ads", "US"),
    ("com.shumei.smantifraud", "Shumei", "identification", "CN"),
];

/// Hosts' registrable domains and where they are, the common first.
const EVIDENCE_DOMAINS: &[(&str, &str)] = &[
    ("googleapis.example", "US"),
    ("app-backend.example", "TW"),
    ("cdn.cloudfront.example", "US"),
    ("umeng.example.cn", "CN"),
    ("doubleclick.example", "US"),
    ("facebook.example", "US"),
    ("bugly.qq.example", "CN"),
    ("jpush.example.cn", "CN"),
    ("pangle.example", "SG"),
    ("appsflyer.example", "US"),
    ("adjust.example", "DE"),
    ("aliyuncs.example", "CN"),
    ("akamai.example", "JP"),
    ("baidu.example", "CN"),
    ("sentry.example", "US"),
    ("line-apps.example", "JP"),
];
const HOST_PREFIXES: &[&str] = &["api", "log", "cdn", "img", "ads", "t", "sdk", "track", "push", "config", "static"];
const PORTS: &[i64] = &[443, 443, 443, 443, 443, 80, 8080, 5228, 8443];
const PURPOSES: &[&str] = &["app_functionality", "analytics", "advertising", "personalization", "fraud_prevention"];
const DATUM_SOURCES: &[&str] = &["data_safety", "privacy_label", "privacy_manifest"];
const COMPONENT_KINDS: &[&str] = &["activity", "activity", "activity", "service", "receiver", "provider"];
const COMPONENT_NAMES: &[&str] =
    &["Main", "Splash", "Login", "Settings", "Profile", "Share", "Player", "Sync", "Push", "Upload", "Camera", "Web"];
const BEHAVIOR_DETAILS: &[&str] = &[
    "seen once during the first launch",
    "repeated every few seconds while idle",
    "after the user opened the share sheet",
    "through a third-party SDK's background task",
];
const ANDROID_PACKAGES: &[&str] = &["ui", "net", "data", "util", "push", "media", "core", "widget"];
const ANDROID_METHODS: &[&str] = &["a", "b", "c", "init", "run", "onCreate", "load", "send", "query", "update"];

/// The eight kinds of the mobile schema, in the order evidence lists them, with each kind's share
/// of an app's facts in percent: scanners report many API references, fewer permissions, flows and
/// components, and a handful of SDKs, behaviors, data declarations and review findings.
const KIND_SHARES: [(&str, u64); 8] = [
    ("permission", 16),
    ("api", 43),
    ("component", 11),
    ("sdk", 4),
    ("flow", 12),
    ("behavior", 5),
    ("datum", 7),
    ("finding", 2),
];

/// Writes apps' evidence, one compact JSON object each (see the module documentation).
#[derive(Clone, Debug)]
pub struct EvidenceGenerator {
    facts: usize,
    seed: u64,
}

impl EvidenceGenerator {
    /// Apps of about `facts` facts each (exactly `facts`, but for the review findings, of which an
    /// app has at most one per check), drawn from `seed`.
    pub fn new(facts: usize, seed: u64) -> EvidenceGenerator {
        EvidenceGenerator { facts, seed }
    }

    /// App `index`'s evidence, as one line of JSON without the newline.
    pub fn app(&self, index: u64) -> String {
        let mut out = String::with_capacity(self.facts * 80 + 256);
        self.write_app(index, &mut out);
        out
    }

    /// Appends app `index`'s evidence to `out`, as one line of JSON without the newline.
    pub fn write_app(&self, index: u64, out: &mut String) {
        let mut rng = Rng::for_item(self.seed, index);
        let mut counts = [0usize; 8];
        for _ in 0..self.facts {
            let mut roll = rng.next_u64() % 100;
            for (slot, (_, share)) in counts.iter_mut().zip(KIND_SHARES) {
                if roll < share {
                    *slot += 1;
                    break;
                }
                roll -= share;
            }
        }
        // Review findings: at most one per check (the rest become api references).
        let [_, apis, .., findings] = &mut counts;
        let extra = findings.saturating_sub(CHECKS.len());
        *findings -= extra;
        *apis += extra;
        let app_prefix = rng.pick(&["com", "tw", "cn", "jp"]);
        let _ = write!(
            out,
            r#"{{"app":{{"id":"{app_prefix}.gen.app{index}","name":"Generated app {index}","platform":"android","version":"{}.{}.{}"}},"#,
            1 + rng.below(9),
            rng.below(20),
            rng.below(100)
        );
        // One app in ten had no manual review: `finding` is not collected.
        let reviewed = !rng.chance(10);
        out.push_str(r#""collected":["permission","api","component","sdk","flow","behavior","datum""#);
        out.push_str(if reviewed { r#","finding"],"facts":{"# } else { r#"],"facts":{"# });
        let mut first_kind = true;
        for ((kind, _), count) in KIND_SHARES.iter().zip(counts) {
            if count == 0 || (*kind == "finding" && !reviewed) {
                continue;
            }
            if !first_kind {
                out.push(',');
            }
            first_kind = false;
            let _ = write!(out, r#""{kind}":["#);
            for i in 0..count {
                if i > 0 {
                    out.push(',');
                }
                write_fact(&mut rng, kind, i, index, out);
            }
            out.push(']');
        }
        out.push_str("}}");
    }
}

/// One fact of `kind` (the `i`-th of its kind in app `app`).
fn write_fact(rng: &mut Rng, kind: &str, i: usize, app: u64, out: &mut String) {
    match kind {
        "permission" => {
            let _ = write!(
                out,
                r#"{{"name":"{}","source":"{}""#,
                rng.pick_skewed(EVIDENCE_PERMISSIONS),
                rng.pick(PERMISSION_SOURCES)
            );
            if rng.chance(30) {
                let _ = write!(out, r#","granted":{}"#, rng.chance(70));
            }
            out.push('}');
        }
        "api" => {
            if rng.chance(55) {
                let _ = write!(out, r#"{{"symbol":"{}""#, rng.pick_skewed(EVIDENCE_APIS));
            } else {
                // An app-specific or SDK-internal method: the long tail of distinct symbols.
                let (sdk, _, _, _) = EVIDENCE_SDKS.get(rng.below(EVIDENCE_SDKS.len())).copied().unwrap_or_default();
                let _ = write!(
                    out,
                    r#"{{"symbol":"{sdk}.{}.C{}.{}""#,
                    rng.pick(ANDROID_PACKAGES),
                    rng.below(4000),
                    rng.pick(ANDROID_METHODS)
                );
            }
            if rng.chance(70) {
                let _ = write!(out, r#","source":"{}""#, rng.pick(API_SOURCES));
            }
            if rng.chance(60) {
                let _ = write!(out, r#","calls":{}"#, 1 + rng.below(4) * rng.below(12));
            }
            out.push('}');
        }
        "component" => {
            let _ = write!(
                out,
                r#"{{"kind":"{}","name":"com.gen.app{app}.{}.{}{i}","exported":{}}}"#,
                rng.pick(COMPONENT_KINDS),
                rng.pick(ANDROID_PACKAGES),
                rng.pick(COMPONENT_NAMES),
                rng.chance(20)
            );
        }
        "sdk" => {
            let (id, name, sdk_kind, country) =
                EVIDENCE_SDKS.get(rng.below(EVIDENCE_SDKS.len())).copied().unwrap_or_default();
            let _ = write!(out, r#"{{"id":"{id}","name":"{name}","kind":"{sdk_kind}""#);
            if rng.chance(90) {
                let _ = write!(out, r#","country":"{country}""#);
            }
            out.push('}');
        }
        "flow" => write_flow(rng, out),
        "behavior" => {
            let _ = write!(out, r#"{{"kind":"{}""#, rng.pick_skewed(BEHAVIORS));
            if rng.chance(30) {
                let _ = write!(out, r#","detail":"{}""#, rng.pick(BEHAVIOR_DETAILS));
            }
            if rng.chance(90) {
                let _ = write!(out, r#","state":"{}""#, rng.pick_skewed(STATES));
            }
            out.push('}');
        }
        "datum" => {
            let _ = write!(out, r#"{{"type":"{}","purpose":"{}""#, rng.pick_skewed(DATA_TYPES), rng.pick(PURPOSES));
            if rng.chance(80) {
                let _ = write!(out, r#","shared":{}"#, rng.chance(40));
            }
            if rng.chance(50) {
                let _ = write!(out, r#","source":"{}""#, rng.pick(DATUM_SOURCES));
            }
            out.push('}');
        }
        _ => {
            let check = CHECKS.get(i).copied().unwrap_or("excessive_permissions");
            let failed = rng.chance(25);
            let _ = write!(out, r#"{{"check":"{check}","failed":{failed}"#);
            if failed {
                out.push_str(r#","note":"seen by the reviewer""#);
            }
            out.push('}');
        }
    }
}

/// One network flow: a host under a common domain, where it is, what was sent and when.
fn write_flow(rng: &mut Rng, out: &mut String) {
    let (domain, country) = EVIDENCE_DOMAINS.get(rng.below(EVIDENCE_DOMAINS.len())).copied().unwrap_or_default();
    let _ = write!(out, r#"{{"host":"{}.{domain}""#, rng.pick(HOST_PREFIXES));
    if rng.chance(25) {
        let _ = write!(out, r#","ip":"203.0.{}.{}""#, rng.below(256), 1 + rng.below(254));
    }
    if rng.chance(85) {
        let _ = write!(out, r#","country":"{country}""#);
    }
    let port = PORTS.get(rng.below(PORTS.len())).copied().unwrap_or(443);
    let _ = write!(out, r#","port":{port},"tls":{}"#, port != 80 && !rng.chance(5));
    if rng.chance(60) {
        let _ = write!(out, r#","bytes_out":{}"#, 200 + rng.below(64) * rng.below(4096));
    }
    if rng.chance(75) {
        out.push_str(r#","data":["#);
        for d in 0..rng.below(4) {
            if d > 0 {
                out.push(',');
            }
            let _ = write!(out, r#""{}""#, rng.pick_skewed(DATA_TYPES));
        }
        out.push(']');
    }
    if rng.chance(30) {
        let (id, _, _, _) = EVIDENCE_SDKS.get(rng.below(EVIDENCE_SDKS.len())).copied().unwrap_or_default();
        let _ = write!(out, r#","sdk":"{id}""#);
    }
    if rng.chance(90) {
        let _ = write!(out, r#","state":"{}""#, rng.pick_skewed(STATES));
    }
    if rng.chance(40) {
        let _ = write!(out, r#","before_consent":{}"#, rng.chance(15));
    }
    out.push('}');
}

/// App 0's evidence of about `facts` facts drawn from `seed`: one JSON object.
pub fn evidence_json(facts: usize, seed: u64) -> String {
    EvidenceGenerator::new(facts, seed).app(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_are_deterministic_and_seeded() {
        assert_eq!(generate_pack(20), generate_pack(20));
        assert_ne!(generate_pack_seeded(20, 1), generate_pack_seeded(20, 2));
        assert!(generate_pack(20).contains("GEN-19-0019"));
    }

    #[test]
    fn evidence_is_one_line_of_json_near_15_kb_for_200_facts() {
        let generator = EvidenceGenerator::new(200, 7);
        let mut sizes = Vec::new();
        for i in 0..50 {
            let text = generator.app(i);
            assert!(!text.contains('\n'));
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let facts: usize = value["facts"].as_object().unwrap().values().map(|v| v.as_array().unwrap().len()).sum();
            assert!((190..=200).contains(&facts), "{facts} facts");
            assert_eq!(value["app"]["id"].as_str().unwrap().rsplit("app").next().unwrap(), i.to_string());
            sizes.push(text.len());
        }
        let mean = sizes.iter().sum::<usize>() / sizes.len();
        assert!((13_500..=16_500).contains(&mean), "mean size {mean}");
    }

    #[test]
    fn evidence_depends_only_on_seed_and_index() {
        let a = EvidenceGenerator::new(30, 1);
        assert_eq!(a.app(5), a.app(5));
        assert_ne!(a.app(5), a.app(6));
        assert_ne!(a.app(5), EvidenceGenerator::new(30, 2).app(5));
        assert_eq!(evidence_json(0, 3), EvidenceGenerator::new(0, 3).app(0));
    }
}
