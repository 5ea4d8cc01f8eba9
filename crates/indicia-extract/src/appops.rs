//! Android AppOps: the text of `adb shell dumpsys appops [--package PKG]` and `adb shell appops get PKG`
//! (Android 9–10 inline form and Android 11+ `Access:`/`Reject:` form), and the persisted
//! `/data/system/appops.xml` (old layout and the Android 11+ `v="1"` layout). The form is told by the
//! content: a file whose first non-blank text is `<` is the XML.
//!
//! AppOps records an access when the system checks an op for the app: the providers and services behind
//! the location, contacts, call log, SMS, calendar, camera, microphone and clipboard APIs note their op
//! on every read. It does not record the installed-app list, most device identifiers or screenshots.

use std::collections::BTreeSet;
use std::path::Path;

use crate::archive::read_text;
use crate::error::ExtractError;
use crate::evidence::{AppInfo, Partial};
use crate::whole_device::{app_missing, several_apps};
use crate::xml::{AttrValue, Element, parse_text};
use crate::{Options, attempt};

/// The `watched.source` name of this reader.
pub const MONITOR: &str = "appops";

/// Behavior kinds AppOps records on every version from Android 9 on (the op is noted by the system
/// service or provider that serves the read): what an AppOps dump watched.
pub const WATCHED: [&str; 8] = [
    "calendar_read",
    "call_log_read",
    "camera_open",
    "clipboard_read",
    "contacts_read",
    "location_read",
    "microphone_record",
    "sms_read",
];

/// Ops that stand for a behavior: AppOpsManager's op code, its name, the behavior kind. Ops not listed
/// (WAKE_LOCK, READ_PHONE_STATE, …) give no fact. READ_EXTERNAL_STORAGE, READ_MEDIA_*, PROJECT_MEDIA,
/// READ_PHONE_NUMBERS and READ_DEVICE_IDENTIFIERS are reported when seen but not watched: the same data
/// is reachable without noting them (java.io file access, accessibility screenshots, getLine1Number
/// under READ_PHONE_STATE, ANDROID_ID).
pub const OPS: [(u32, &str, &str); 22] = [
    (0, "COARSE_LOCATION", "location_read"),
    (1, "FINE_LOCATION", "location_read"),
    (2, "GPS", "location_read"),
    (4, "READ_CONTACTS", "contacts_read"),
    (6, "READ_CALL_LOG", "call_log_read"),
    (8, "READ_CALENDAR", "calendar_read"),
    (14, "READ_SMS", "sms_read"),
    (21, "READ_ICC_SMS", "sms_read"),
    (26, "CAMERA", "camera_open"),
    (27, "RECORD_AUDIO", "microphone_record"),
    (29, "READ_CLIPBOARD", "clipboard_read"),
    (41, "MONITOR_LOCATION", "location_read"),
    (42, "MONITOR_HIGH_POWER_LOCATION", "location_read"),
    (46, "PROJECT_MEDIA", "screen_capture"),
    (59, "READ_EXTERNAL_STORAGE", "storage_read"),
    (65, "READ_PHONE_NUMBERS", "phone_number_read"),
    (81, "READ_MEDIA_AUDIO", "storage_read"),
    (83, "READ_MEDIA_VIDEO", "storage_read"),
    (85, "READ_MEDIA_IMAGES", "photos_read"),
    (89, "READ_DEVICE_IDENTIFIERS", "device_id_read"),
    (100, "PHONE_CALL_MICROPHONE", "microphone_record"),
    (101, "PHONE_CALL_CAMERA", "camera_open"),
];

/// The behavior of an op name (`READ_CLIPBOARD`), or `None` for an op that stands for none.
pub fn op_behavior(name: &str) -> Option<&'static str> {
    op_by_name(name).map(|(_, b)| b)
}

/// The op of [`OPS`] named `name` and its behavior.
fn op_by_name(name: &str) -> Option<(&'static str, &'static str)> {
    OPS.iter().find(|(_, n, _)| *n == name).map(|(_, n, b)| (*n, *b))
}

fn op_by_code(code: u32) -> Option<(&'static str, &'static str)> {
    OPS.iter().find(|(c, _, _)| *c == code).map(|(_, n, b)| (*n, *b))
}

/// The `state` of a uid state: the short names of the text dump (`top`, `bg`…) or the numbers of the
/// XML (200, 600…). Persistent, top and foreground are `foreground`; a foreground service is
/// `foreground_service` (running, not on screen); background and cached are `background`.
fn state_of_short(short: &str) -> Option<&'static str> {
    match short {
        "pers" | "top" | "fg" => Some("foreground"),
        "fgsl" | "fgs" => Some("foreground_service"),
        "bg" | "cch" => Some("background"),
        _ => None,
    }
}

fn state_of_code(code: u64) -> Option<&'static str> {
    match code {
        100 | 200 | 500 => Some("foreground"),
        300 | 400 => Some("foreground_service"),
        600 | 700 => Some("background"),
        _ => None,
    }
}

/// One recorded access or rejection of an op.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    op: &'static str,
    behavior: &'static str,
    rejected: bool,
    state: Option<&'static str>,
}

fn to_partial(source: &str, app_id: Option<&str>, events: BTreeSet<Event>) -> Partial {
    let mut partial = Partial::new(source, &[]);
    partial.watching(MONITOR, &WATCHED);
    partial.app = AppInfo { id: app_id.map(str::to_owned), platform: Some("android"), ..AppInfo::default() };
    for e in events {
        if e.rejected {
            partial.behavior(&attempt(e.behavior), Some(&format!("{} rejected", e.op)), e.state);
        } else {
            partial.behavior(e.behavior, Some(e.op), e.state);
        }
    }
    partial
}

// ---- text ---------------------------------------------------------------------------------------------

/// One package's events; the package is `None` for `appops get` output, which names none.
type Section = (Option<String>, BTreeSet<Event>);

/// What the text reader found: per package (or for the whole file, when it names none) the events.
struct TextDump {
    /// `(package, events)` in file order; the package is `None` for `appops get` output.
    packages: Vec<Section>,
    /// Whether anything AppOps-like was seen at all.
    recognised: bool,
}

fn op_header(line: &str) -> Option<(&str, &str)> {
    // dumpsys: `READ_CLIPBOARD (allow):` or `MONITOR_LOCATION (allow / switch COARSE_LOCATION=allow): time=…`
    // appops get: `READ_CLIPBOARD: allow; time=+1h2m3s ago; rejectTime=+5m ago`
    // dumpsys before Android 10: `READ_CLIPBOARD: mode=0; time=+1h2m3s ago; duration=+12ms`
    let name_end = line.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))?;
    let (name, rest) = line.split_at(name_end);
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    if let Some(rest) = rest.strip_prefix(" (") {
        let close = rest.find("):")?;
        return Some((name, rest.get(close + 2..)?));
    }
    let rest = rest.strip_prefix(": ")?;
    let mode_end = rest.find(';').unwrap_or(rest.len());
    // `allow` (appops get) or `mode=0` (dumpsys before Android 10, and the uid-wide mode lines).
    let mode = rest.get(..mode_end)?.trim();
    let mode = mode.strip_prefix("mode=").unwrap_or(mode);
    if mode.is_empty() || !mode.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return None;
    }
    Some((name, rest.get(mode_end..)?))
}

/// Inline times of the Android 9–10 form and of `appops get`: `time=…` is an access, `rejectTime=…` a
/// rejection.
fn inline_times(rest: &str) -> (bool, bool) {
    let mut access = false;
    let mut reject = false;
    for part in rest.split(';') {
        let part = part.trim();
        access |= part.starts_with("time=");
        reject |= part.starts_with("rejectTime=");
    }
    (access, reject)
}

fn parse_text_dump(text: &str, source: &str) -> Result<TextDump, ExtractError> {
    let mut packages: Vec<Section> = Vec::new();
    let mut recognised = false;
    let mut op: Option<(&'static str, &'static str)> = None;
    let mut in_op = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with("Uid ") && line.ends_with(':') && !line.starts_with("Uid mode:") {
            recognised = true;
            in_op = false;
            op = None;
            continue;
        }
        if let Some(name) = line.strip_prefix("Package ").and_then(|l| l.strip_suffix(':')) {
            recognised = true;
            packages.push((Some(name.trim().to_owned()), BTreeSet::new()));
            in_op = false;
            op = None;
            continue;
        }
        if line == "No operations." || line.starts_with("Current AppOps Service state") {
            recognised = true;
            continue;
        }
        let access = line.strip_prefix("Access: [").map(|r| (r, false));
        let reject = line.strip_prefix("Reject: [").map(|r| (r, true));
        if let Some((rest, rejected)) = access.or(reject) {
            if !in_op {
                return Err(ExtractError::new(
                    source,
                    format!("line {number}: an access line outside an op: `{line}`"),
                ));
            }
            let Some(close) = rest.find(']') else {
                return Err(ExtractError::new(source, format!("line {number}: unclosed `[` in `{line}`")));
            };
            let key = rest.get(..close).unwrap_or_default();
            let short = key.split('-').next().unwrap_or_default();
            let Some(state) = state_of_short(short) else {
                return Err(ExtractError::new(
                    source,
                    format!(
                        "line {number}: unknown uid state `{short}` in `[{key}]` (expected pers, top, fgsl, fgs, fg, bg or cch)"
                    ),
                ));
            };
            if let Some((name, behavior)) = op {
                add(&mut packages, Event { op: name, behavior, rejected, state: Some(state) });
            }
            continue;
        }
        if line.starts_with("Running start at:") {
            if let Some((name, behavior)) = op
                && in_op
            {
                add(&mut packages, Event { op: name, behavior, rejected: false, state: None });
            }
            continue;
        }
        if line.starts_with("Uid mode:") {
            recognised = true;
            continue;
        }
        if let Some((name, rest)) = op_header(line) {
            recognised = true;
            in_op = true;
            op = op_by_name(name);
            let (accessed, rejected) = inline_times(rest);
            if let Some((name, behavior)) = op {
                if accessed {
                    add(&mut packages, Event { op: name, behavior, rejected: false, state: None });
                }
                if rejected {
                    add(&mut packages, Event { op: name, behavior, rejected: true, state: None });
                }
            }
        }
    }
    Ok(TextDump { packages, recognised })
}

/// Adds an event to the section being read: the last `Package` section, or one without a package (for
/// `appops get` output, which names none).
fn add(packages: &mut Vec<Section>, event: Event) {
    if packages.is_empty() {
        packages.push((None, BTreeSet::new()));
    }
    if let Some((_, events)) = packages.last_mut() {
        events.insert(event);
    }
}

/// Picks the app's events from what a text dump or XML file holds, by package.
fn pick(
    source: &str,
    sections: Vec<Section>,
    app_id: Option<&str>,
    what: &str,
) -> Result<Option<Section>, ExtractError> {
    let named: BTreeSet<String> = sections.iter().filter_map(|(p, _)| p.clone()).collect();
    if named.is_empty() {
        // `appops get PKG`: the whole file is the app's.
        let events = sections.into_iter().flat_map(|(_, e)| e).collect();
        return Ok(Some((app_id.map(str::to_owned), events)));
    }
    let id = match app_id {
        Some(id) => id.to_owned(),
        None if named.len() == 1 => named.iter().next().cloned().unwrap_or_default(),
        None => return Err(several_apps(source, what, &named)),
    };
    if !named.contains(&id) {
        return Ok(None);
    }
    let events = sections.into_iter().filter(|(p, _)| p.as_deref() == Some(id.as_str())).flat_map(|(_, e)| e).collect();
    Ok(Some((Some(id), events)))
}

fn not_found(source: &str, app_id: Option<&str>, what: &str, named: &BTreeSet<String>) -> Partial {
    let mut partial = Partial::new(source, &[]);
    partial.warnings.push(app_missing(source, app_id.unwrap_or_default(), what, named));
    partial
}

/// Reads the text of `dumpsys appops` or `appops get` (see the module documentation).
///
/// Each op of [`OPS`] with a recorded access becomes `behavior {kind, detail: OP, state}` (state from the
/// `[top-s]` key of an Android 11+ `Access:` line; the older inline form has none); a recorded rejection
/// becomes `behavior {kind: "<kind>_attempt", detail: "OP rejected", state}`. `watched` lists [`WATCHED`].
/// A dump of several packages is filtered to `app_id`; one without the app gives a warning and nothing.
pub fn read_appops_text(text: &str, source: &str, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let dump = parse_text_dump(text, source)?;
    if !dump.recognised {
        return Err(ExtractError::new(
            source,
            "line 1: not an AppOps dump (no `Uid`, `Package` or `OP: mode` line; expected `dumpsys appops` or `appops get` output, or appops.xml)",
        ));
    }
    let named: BTreeSet<String> = dump.packages.iter().filter_map(|(p, _)| p.clone()).collect();
    match pick(source, dump.packages, app_id, "AppOps dump")? {
        Some((id, events)) => Ok(to_partial(source, id.as_deref(), events)),
        None => Ok(not_found(source, app_id, "AppOps dump", &named)),
    }
}

// ---- XML ----------------------------------------------------------------------------------------------

fn attr<'e>(el: &'e Element, name: &str) -> Option<&'e AttrValue> {
    el.plain(name)
}

fn attr_int(el: &Element, name: &str, place: &str) -> Result<Option<u64>, String> {
    match attr(el, name) {
        None => Ok(None),
        Some(v) => v
            .text()
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("{place}: attribute `{name}` is not a whole number: `{}`", v.text())),
    }
}

/// The uid state in a v1 `<st n=KEY>`: `KEY = (uidState << 31) | opFlags`.
fn state_of_key(key: u64) -> Option<&'static str> {
    state_of_code(key >> 31)
}

/// The Android 9 per-state attributes, in uid-state order: persistent, top, foreground service,
/// foreground, background, cached.
const TIME_ATTRS: [&str; 6] = ["tp", "tt", "tfs", "tf", "tb", "tc"];
const REJECT_ATTRS: [&str; 6] = ["rp", "rt", "rfs", "rf", "rb", "rc"];
const PER_STATE: [&str; 6] =
    ["foreground", "foreground", "foreground_service", "foreground", "background", "background"];

fn xml_sections(root: &Element) -> Result<Vec<Section>, String> {
    let mut out = Vec::new();
    for pkg in root.children_named("pkg") {
        let Some(name) = attr(pkg, "n").map(AttrValue::text) else {
            return Err("a <pkg> without its name `n`".to_owned());
        };
        let mut events = BTreeSet::new();
        for uid in pkg.children_named("uid") {
            for op in uid.children_named("op") {
                let place = format!("package `{name}`");
                let Some(code) = attr_int(op, "n", &place)? else {
                    return Err(format!("{place}: an <op> without its code `n`"));
                };
                let place = format!("package `{name}`, op {code}");
                let Some((op_name, behavior)) = op_by_code(u32::try_from(code).unwrap_or(u32::MAX)) else {
                    continue;
                };
                // Old layout: `t` (last access) and `r` (last rejection) on the <op> itself.
                if attr_int(op, "t", &place)?.is_some_and(|t| t > 0) {
                    events.insert(Event { op: op_name, behavior, rejected: false, state: None });
                }
                if attr_int(op, "r", &place)?.is_some_and(|r| r > 0) {
                    events.insert(Event { op: op_name, behavior, rejected: true, state: None });
                }
                // Android 9 layout: one attribute per uid state (`tt` last access while top, `rb` last
                // rejection while in the background…).
                for (i, state) in PER_STATE.iter().enumerate() {
                    let (Some(t), Some(r)) = (TIME_ATTRS.get(i), REJECT_ATTRS.get(i)) else { continue };
                    if attr_int(op, t, &place)?.is_some_and(|t| t > 0) {
                        events.insert(Event { op: op_name, behavior, rejected: false, state: Some(state) });
                    }
                    if attr_int(op, r, &place)?.is_some_and(|r| r > 0) {
                        events.insert(Event { op: op_name, behavior, rejected: true, state: Some(state) });
                    }
                }
                // v1 layout: one <st n=KEY t= r= …> per uid state, flags and attribution tag.
                for st in op.children_named("st") {
                    let Some(key) = attr_int(st, "n", &place)? else {
                        return Err(format!("{place}: an <st> without its key `n`"));
                    };
                    let state = state_of_key(key);
                    if attr_int(st, "t", &place)?.is_some_and(|t| t > 0) {
                        events.insert(Event { op: op_name, behavior, rejected: false, state });
                    }
                    if attr_int(st, "r", &place)?.is_some_and(|r| r > 0) {
                        events.insert(Event { op: op_name, behavior, rejected: true, state });
                    }
                }
            }
        }
        out.push((Some(name), events));
    }
    Ok(out)
}

/// Reads a persisted `/data/system/appops.xml` (either layout), keeping the package `app_id`.
///
/// Facts as [`read_appops_text`]; the uid state comes from the v1 `<st>` key, the old layout has none.
/// A file without the package gives a warning and nothing (it covers every app on the device).
pub fn read_appops_xml(text: &str, source: &str, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let root = parse_text(text).map_err(|e| ExtractError::new(source, e.to_string()))?;
    if root.name != "app-ops" {
        return Err(ExtractError::new(
            source,
            format!("not an appops.xml: the root element is <{}>, not <app-ops>", root.name),
        ));
    }
    let sections = xml_sections(&root).map_err(|e| ExtractError::new(source, e))?;
    let named: BTreeSet<String> = sections.iter().filter_map(|(p, _)| p.clone()).collect();
    match pick(source, sections, app_id, "appops.xml")? {
        Some((id, events)) => Ok(to_partial(source, id.as_deref(), events)),
        None => Ok(not_found(source, app_id, "appops.xml", &named)),
    }
}

/// Reads `--appops F`: appops.xml when the text starts with `<`, else a text dump.
pub fn read_appops(text: &str, source: &str, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('<') {
        read_appops_xml(text, source, app_id)
    } else {
        read_appops_text(text, source, app_id)
    }
}

/// Reads the AppOps file at `path` (see [`read_appops`]).
pub fn extract_appops(path: &Path, options: &Options, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let text = read_text(path, options.limits.max_small_file)?;
    read_appops(&text, &path.display().to_string(), app_id)
}
