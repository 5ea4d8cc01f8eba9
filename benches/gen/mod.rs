//! A generator of large, realistic rule packs over the standard mobile schema (evidence.md), for
//! benches and tests: `generate_pack(1000)` gives 1,000 indicators in about 10,000 lines.
//!
//! The pack shares the way a real one does: consts of permission names, countries and data types;
//! params for policy choices; defines (one for every few indicators) that build on each other;
//! a pool of regular expressions and globs that many indicators reuse; binders, nested quantifiers,
//! `count` comparisons, `has`, `observed` and `unknown`. The output is deterministic (a fixed
//! pseudo-random sequence) and checks clean.
//!
//! Use it from another bench or test with `#[path = "gen/mod.rs"] mod generator;` (`gen` is a
//! reserved word in edition 2024).

use std::fmt::Write as _;

/// The standard mobile schema of evidence.md, as `fact` declarations.
pub const MOBILE_SCHEMA: &str = r#"# The standard mobile schema (evidence.md).
fact permission { name: string  source: string?  granted: bool? }
fact api { symbol: string  calls: int?  source: string? }
fact flow {
  host: string
  ip: string?
  country: string?
  port: int?
  tls: bool?
  bytes_out: int?
  data: [string]?
  sdk: string?
  state: string?
  before_consent: bool?
}
fact sdk { id: string  name: string?  kind: string?  country: string? }
fact behavior { kind: string  detail: string?  state: string? }
fact finding { check: string  failed: bool  note: string? }
fact datum { type: string  purpose: string?  shared: bool?  source: string? }
fact component { kind: string  name: string  exported: bool? }
"#;

const DATA_TYPES: &[&str] = &[
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
const BEHAVIORS: &[&str] = &[
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
const CHECKS: &[&str] = &[
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

/// A small deterministic pseudo-random sequence (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// A pack of `n` indicators (with about `n / 5` defines, 20 categories and shared consts, params
/// and patterns), as the text of one file.
pub fn generate_pack(n: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
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
