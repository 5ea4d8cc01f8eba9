//! MobSF static-analysis reports (the JSON of `/api/v1/report_json`, versions 3.x and 4.x, Android and
//! iOS) → `permission`, `api`, `sdk` and `domain` facts.
//!
//! A MobSF static report is a reading of the app's files: its API groups (`api_clipboard`, `api_gps`,
//! `api_installed`…) are code references, not observations, so they become `api` facts with
//! `source: "mobsf"` (which the built-in pack does not count as run-time use), and its domains are hosts
//! named in the code, not flows: they become `domain` facts. No `behavior` or `flow` is produced.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::Options;
use crate::archive::read_file;
use crate::error::ExtractError;
use crate::evidence::{Kind, Partial};
use crate::trackers::category_kind;

/// The value `source` takes in facts from a MobSF report.
pub const MOBSF_SOURCE: &str = "mobsf";

fn object<'a>(
    report: &'a Map<String, Value>,
    key: &str,
    path: &Path,
) -> Result<Option<&'a Map<String, Value>>, ExtractError> {
    match report.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        // MobSF writes an empty list where a group is empty in some versions.
        Some(Value::Array(a)) if a.is_empty() => Ok(None),
        Some(other) => Err(ExtractError::at(path, format!("$.{key}: expected an object, found {}", type_name(other)))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.as_object().and_then(|m| text_field(m, key))
}

/// The number of distinct (file, line) places an API group lists: `{"files": {"a.java": "3,9"}}`.
fn call_sites(group: &Value) -> Option<u64> {
    let files = group.get("files")?.as_object()?;
    let mut places = BTreeSet::new();
    for (file, lines) in files {
        match lines {
            Value::String(s) => {
                for line in s.split(',').map(str::trim).filter(|l| !l.is_empty()) {
                    places.insert((file.as_str(), line.to_owned()));
                }
            }
            _ => {
                places.insert((file.as_str(), String::new()));
            }
        }
    }
    u64::try_from(places.len()).ok()
}

/// One tracker MobSF found in the app's code.
struct Tracker<'r> {
    name: &'r str,
    /// The Exodus page of the tracker, `…/trackers/ID`.
    url: Option<&'r str>,
    /// The Exodus categories, `"Analytics, Profiling"` (newer layout only).
    categories: Option<&'r str>,
}

/// The trackers of `$.trackers.trackers`, in either layout of MobSF's `Trackers.py`: the older one writes
/// one object per tracker with the tracker's name as its only key (`{NAME: URL}`), the newer one
/// `{"name": NAME, "categories": "A, B", "url": URL}`. The list may also be an object whose values are
/// trackers of the newer layout, or one object of `NAME: URL` pairs.
fn detected_trackers<'r>(trackers: &'r Value, path: &Path) -> Result<Vec<Tracker<'r>>, ExtractError> {
    let entries: Vec<(String, &Map<String, Value>)> = match trackers {
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, e)| {
                e.as_object().map(|o| (format!("$.trackers.trackers[{i}]"), o)).ok_or_else(|| {
                    ExtractError::at(
                        path,
                        format!("$.trackers.trackers[{i}]: expected an object, found {}", type_name(e)),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => {
            map.iter().filter_map(|(k, v)| v.as_object().map(|o| (format!("$.trackers.trackers.{k}"), o))).collect()
        }
        Value::Object(map) => vec![("$.trackers.trackers".to_owned(), map)],
        other => {
            return Err(ExtractError::at(
                path,
                format!("$.trackers.trackers: expected an array or an object, found {}", type_name(other)),
            ));
        }
    };
    let mut out = Vec::new();
    for (at, entry) in entries {
        let newer = entry.keys().all(|k| matches!(k.as_str(), "name" | "categories" | "url"));
        if newer && entry.contains_key("name") {
            let name = text_field(entry, "name")
                .ok_or_else(|| ExtractError::at(path, format!("{at}.name: expected a tracker name")))?;
            out.push(Tracker { name, url: text_field(entry, "url"), categories: text_field(entry, "categories") });
        } else {
            out.extend(entry.iter().map(|(name, url)| Tracker { name, url: url.as_str(), categories: None }));
        }
    }
    Ok(out)
}

fn text_field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// Reads a MobSF JSON report.
pub fn extract_mobsf(path: &Path, options: &Options) -> Result<Partial, ExtractError> {
    let bytes = read_file(path, options.limits.max_report)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        ExtractError::at(
            path,
            format!("not a MobSF report: invalid JSON at line {}, column {}: {e}", e.line(), e.column()),
        )
    })?;
    let report = doc.as_object().ok_or_else(|| ExtractError::at(path, "not a MobSF report: not a JSON object"))?;
    let android = report.contains_key("package_name") || report.contains_key("android_api");
    let ios = report.contains_key("bundle_id") || report.contains_key("ios_api");
    if !(android || ios) || !report.contains_key("permissions") {
        return Err(ExtractError::at(
            path,
            "not a MobSF static report: no `permissions` and no `package_name`/`bundle_id` (MobSF's /api/v1/report_json output is expected)",
        ));
    }
    let mut p = Partial::new(path.display().to_string(), &[Kind::Permission, Kind::Api, Kind::Sdk, Kind::Domain]);
    p.app.platform = Some(if android { "android" } else { "ios" });
    let id_key = if android { "package_name" } else { "bundle_id" };
    p.app.id = text(&doc, id_key).map(str::to_owned);
    p.app.name = text(&doc, "app_name").map(str::to_owned);
    p.app.version = text(&doc, "version_name").or_else(|| text(&doc, "app_version")).map(str::to_owned);

    let perm_source = if android { "manifest" } else { "plist" };
    for (name, info) in object(report, "permissions", path)?.into_iter().flatten() {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("source".into(), json!(perm_source));
        if let Some(status) = text(info, "status") {
            m.insert("protection".into(), json!(status));
        }
        p.push(Kind::Permission, Value::Object(m));
    }

    for key in ["android_api", "ios_api"] {
        for (group, info) in object(report, key, path)?.into_iter().flatten() {
            let mut m = Map::new();
            m.insert("symbol".into(), json!(group));
            if let Some(n) = call_sites(info) {
                m.insert("calls".into(), json!(n));
            }
            m.insert("source".into(), json!(MOBSF_SOURCE));
            p.push(Kind::Api, Value::Object(m));
        }
    }

    let known = options.trackers()?;
    if let Some(trackers) = report.get("trackers").and_then(|t| t.get("trackers")) {
        for tracker in detected_trackers(trackers, path)? {
            let id = tracker
                .url
                .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .unwrap_or(tracker.name);
            let sig = known.signatures.iter().find(|s| s.id == id || s.name.eq_ignore_ascii_case(tracker.name));
            let kind = sig
                .and_then(|s| s.kind.as_deref())
                .or_else(|| tracker.categories.and_then(|c| c.split(',').find_map(|c| category_kind(c.trim()))));
            let mut m = Map::new();
            m.insert("id".into(), json!(id));
            m.insert("name".into(), json!(tracker.name));
            if let Some(kind) = kind {
                m.insert("kind".into(), json!(kind));
            }
            p.push(Kind::Sdk, Value::Object(m));
        }
    }

    for (host, info) in object(report, "domains", path)?.into_iter().flatten() {
        let geo = info.get("geolocation").filter(|g| g.is_object());
        let ip = geo.and_then(|g| text(g, "ip"));
        let mut m = Map::new();
        m.insert("host".into(), json!(host.to_ascii_lowercase()));
        if let Some(ip) = ip {
            m.insert("ip".into(), json!(ip));
        }
        let country = geo
            .and_then(|g| text(g, "country_short"))
            .filter(|c| c.len() == 2 && *c != "-")
            .map(str::to_owned)
            .or_else(|| {
                let ip = ip.and_then(|s| s.parse().ok());
                options.countries.as_ref().and_then(|c| c.lookup(host, ip))
            });
        if let Some(cc) = country {
            m.insert("country".into(), json!(cc.to_ascii_uppercase()));
        }
        m.insert("source".into(), json!(MOBSF_SOURCE));
        p.push(Kind::Domain, Value::Object(m));
    }
    Ok(p)
}
