//! The log of `tools/frida/indicia-hooks.js`: one JSON object per line, as the script prints it.
//!
//! ```text
//! {"indicia":1,"type":"hooks","platform":"android","app":"com.example","watched":["clipboard_read",…],"seen_only":["face_capture",…],"failed":[{"api":"…","error":"…"}]}
//! {"indicia":1,"type":"call","behavior":"clipboard_read","api":"android.content.ClipboardManager.getPrimaryClip","state":"foreground","stack":["com.example.Foo.bar(Foo.java:12)",…]}
//! ```
//!
//! A `hooks` line lists the behaviors whose hooks were all installed: what the log watched (`seen_only`,
//! the behaviors the script reports but can never watch, is informative and not read). A `call` line is
//! one call of a hooked API. Lines that are not JSON objects (Frida's banner and prompt, when the
//! console was saved) and JSON objects without `"indicia"` are skipped with a warning.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::Options;
use crate::archive::read_text;
use crate::error::ExtractError;
use crate::evidence::{Kind, Partial};
use crate::trackers::TrackerSet;

/// The `watched.source` name of this reader.
pub const MONITOR: &str = "frida";

/// Platform frames that never name an SDK: the hooked API's own callers inside the framework.
const PLATFORM_PREFIXES: [&str; 10] = [
    "android.",
    "androidx.",
    "java.",
    "javax.",
    "kotlin.",
    "dalvik.",
    "com.android.",
    "sun.",
    "libcore.",
    "org.apache.harmony.",
];

/// The class of a stack frame: `com.example.Foo.bar(Foo.java:12)` → `com.example.Foo`; an iOS frame
/// `-[FBSDKAppEvents logEvent:]` or `0x1a2b FBSDKCoreKit!-[…]` → `FBSDKAppEvents`.
fn frame_class(frame: &str) -> Option<&str> {
    let frame = frame.trim().trim_start_matches("at ").trim();
    if let Some(start) = frame.find("[").filter(|_| frame.contains("-[") || frame.contains("+[")) {
        let rest = frame.get(start + 1..)?;
        return rest.split([' ', ']', '(']).next().filter(|c| !c.is_empty());
    }
    let method = frame.split('(').next()?.trim();
    let (class, _) = method.rsplit_once('.')?;
    Some(class)
}

/// The SDK whose code made the call: the first frame (nearest the call) outside the platform whose class
/// a tracker signature matches.
pub fn sdk_of_stack<'t>(stack: &[&str], trackers: &'t TrackerSet) -> Option<&'t str> {
    for frame in stack {
        let Some(class) = frame_class(frame) else { continue };
        if PLATFORM_PREFIXES.iter().any(|p| class.starts_with(p)) {
            continue;
        }
        if let Some(&index) = trackers.match_code([class], []).iter().next() {
            return trackers.signatures.get(index).map(|s| s.id.as_str());
        }
    }
    None
}

fn field<'v>(obj: &'v Map<String, Value>, key: &str, number: usize) -> Result<Option<&'v str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("line {number}: `{key}` is not a string: {other}")),
    }
}

fn required<'v>(obj: &'v Map<String, Value>, key: &str, number: usize) -> Result<&'v str, String> {
    field(obj, key, number)?.ok_or_else(|| format!("line {number}: a `call` line without `{key}`"))
}

/// Reads a Frida log of the indicia hook script.
///
/// Each `call` becomes `behavior {kind: behavior, detail: api, state, sdk}` (`sdk` from the stack, see
/// [`sdk_of_stack`]); `watched` lists what the `hooks` lines name. A log without a `hooks` line watched
/// nothing that can be proved: `watched` is collected empty, so a behavior not seen stays inconclusive.
pub fn read_frida_log(text: &str, source: &str, options: &Options) -> Result<Partial, ExtractError> {
    let trackers = options.trackers()?;
    let err = |problem: String| ExtractError::new(source, problem);
    let mut partial = Partial::new(source, &[]);
    let mut watched: BTreeSet<String> = BTreeSet::new();
    let mut hooks_lines = 0usize;
    // The first `hooks` line that names no app.
    let mut unnamed: Option<usize> = None;
    let mut skipped = 0usize;
    let mut calls = 0usize;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if !line.starts_with('{') {
            skipped += usize::from(!line.is_empty());
            continue;
        }
        let value: Value = serde_json::from_str(line)
            .map_err(|e| err(format!("line {number}, column {}: not a JSON object: {e}", e.column())))?;
        let Value::Object(obj) = value else { continue };
        if !obj.contains_key("indicia") {
            skipped += 1;
            continue;
        }
        match field(&obj, "type", number).map_err(err)? {
            Some("hooks") => {
                hooks_lines += 1;
                let list = obj
                    .get("watched")
                    .and_then(Value::as_array)
                    .ok_or_else(|| err(format!("line {number}: a `hooks` line without its `watched` list")))?;
                for item in list {
                    let kind = item
                        .as_str()
                        .ok_or_else(|| err(format!("line {number}: `watched` holds a non-string: {item}")))?;
                    watched.insert(kind.to_owned());
                }
                if let Some(failed) = obj.get("failed").and_then(Value::as_array).filter(|f| !f.is_empty()) {
                    let apis: Vec<String> =
                        failed.iter().filter_map(|f| f.get("api").and_then(Value::as_str)).map(str::to_owned).collect();
                    partial.warnings.push(format!(
                        "{source}: line {number}: {} hooks were not installed ({}); their behaviors are not watched",
                        failed.len(),
                        apis.join(", ")
                    ));
                }
                match (field(&obj, "app", number).map_err(err)?, partial.app.id.as_deref()) {
                    (Some(app), None) => partial.app.id = Some(app.to_owned()),
                    (Some(app), Some(have)) if app != have => {
                        return Err(err(format!(
                            "line {number}: a `hooks` line of the app `{app}` in a log of `{have}`: a log holds one app"
                        )));
                    }
                    (Some(_), Some(_)) => {}
                    (None, _) => {
                        unnamed.get_or_insert(number);
                    }
                }
                partial.app.platform = match field(&obj, "platform", number).map_err(err)? {
                    Some("android") => Some("android"),
                    Some("ios") => Some("ios"),
                    _ => partial.app.platform,
                };
            }
            Some("call") => {
                calls += 1;
                let kind = required(&obj, "behavior", number).map_err(err)?;
                let api = required(&obj, "api", number).map_err(err)?;
                let state = field(&obj, "state", number).map_err(err)?;
                let stack: Vec<&str> = match obj.get("stack") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(frames)) => frames.iter().filter_map(Value::as_str).collect(),
                    Some(other) => return Err(err(format!("line {number}: `stack` is not a list: {other}"))),
                };
                let mut fact = Map::new();
                fact.insert("kind".into(), json!(kind));
                fact.insert("detail".into(), json!(api));
                if let Some(state) = state {
                    fact.insert("state".into(), json!(state));
                }
                if let Some(sdk) = sdk_of_stack(&stack, trackers) {
                    fact.insert("sdk".into(), json!(sdk));
                }
                partial.push(Kind::Behavior, Value::Object(fact));
            }
            Some(other) => {
                partial.warnings.push(format!("{source}: line {number}: unknown line type `{other}` skipped"));
            }
            None => return Err(err(format!("line {number}: an indicia line without `type`"))),
        }
    }
    if hooks_lines == 0 && calls == 0 {
        return Err(err(format!(
            "not a log of the indicia Frida script: no line with \"indicia\" in {} lines (run it with `frida -U -f APP -l tools/frida/indicia-hooks.js -o LOG`)",
            text.lines().count()
        )));
    }
    if hooks_lines == 0 {
        partial.warnings.push(format!(
            "{source}: no `hooks` line, so which APIs were hooked is unknown: no behavior counts as watched"
        ));
    }
    if let Some(number) = unnamed.filter(|_| partial.app.id.is_none()) {
        partial.warnings.push(format!(
            "{source}: line {number}: the `hooks` line names no app (`app: null`): the log is taken to be of the scanned app"
        ));
    }
    if skipped > 0 {
        partial.warnings.push(format!("{source}: {skipped} lines that are not indicia JSON were skipped"));
    }
    let watched: Vec<&str> = watched.iter().map(String::as_str).collect();
    partial.watching(MONITOR, &watched);
    Ok(partial)
}

/// Reads the Frida log at `path` (see [`read_frida_log`]); its size limit is the HAR's.
///
/// `app_id` is the scanned app: a log whose `hooks` line names another app is refused, since its calls
/// and what it watched are another app's. A log that names no app is kept, with a warning.
pub fn extract_frida_log(path: &Path, options: &Options, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let text = read_text(path, options.limits.max_har)?;
    let source = path.display().to_string();
    let partial = read_frida_log(&text, &source, options)?;
    if let (Some(logged), Some(scanned)) = (partial.app.id.as_deref(), app_id)
        && logged != scanned
    {
        return Err(ExtractError::new(
            source,
            format!(
                "a log of the app `{logged}`, not of the scanned app `{scanned}`: nothing from it is used (hook the scanned app, or scan `{logged}`)"
            ),
        ));
    }
    Ok(partial)
}
