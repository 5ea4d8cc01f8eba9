//! The iOS App Privacy Report (Settings → Privacy & Security → App Privacy Report → Save App Activity):
//! NDJSON covering every app on the phone, filtered here to the scanned app.
//!
//! Two forms are read. The current one (iOS 15.2 on) has `"type": "access"` records (`accessor.identifier`,
//! `category`, `kind` intervalBegin/intervalEnd, `timeStamp`) and `"type": "networkActivity"` records
//! (`bundleID`, `domain`, `initiatedType`, `hits`…). The iOS 15 beta form has `stream` and `tccService`
//! (beta 1) or `category` with a lower-case `timestamp` (beta 2), and domain records naming the app in
//! `hasApp.bundleName`. Records are JSON values one after another (one per line in a real export; a
//! pretty-printed record spread over lines is read too).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::archive::read_text;
use crate::error::ExtractError;
use crate::evidence::{AppInfo, Kind, Partial};
use crate::whole_device::app_missing;
use crate::{Options, line_of};

/// The `watched.source` name of this reader.
pub const MONITOR: &str = "privacy_report";

/// Behavior kinds the report records for every app (TCC-guarded accesses): what it watched. It has no
/// record of clipboard reads, the installed-app list, device identifiers or screenshots.
pub const WATCHED: [&str; 6] =
    ["camera_open", "contacts_read", "location_read", "media_library_read", "microphone_record", "photos_read"];

/// The report's access `category` (current form) → behavior kind.
pub const CATEGORIES: [(&str, &str); 7] = [
    ("location", "location_read"),
    ("contacts", "contacts_read"),
    ("photos", "photos_read"),
    ("camera", "camera_open"),
    ("microphone", "microphone_record"),
    ("mediaLibrary", "media_library_read"),
    ("screenRecording", "screen_capture"),
];

/// The beta form's `tccService` → behavior kind.
pub const TCC_SERVICES: [(&str, &str); 7] = [
    ("kTCCServiceAddressBook", "contacts_read"),
    ("kTCCServicePhotos", "photos_read"),
    ("kTCCServiceCamera", "camera_open"),
    ("kTCCServiceMicrophone", "microphone_record"),
    ("kTCCServiceMediaLibrary", "media_library_read"),
    ("kTCCServiceScreenCapture", "screen_capture"),
    ("kTCCServiceLocation", "location_read"),
];

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    let mut at = v;
    for key in path {
        at = at.get(*key)?;
    }
    at.as_str()
}

/// One record of the report, reduced to what the reader keeps.
enum Record<'v> {
    Access { app: &'v str, category: &'v str, kind: Option<&'static str> },
    Network { app: &'v str, domain: &'v str, web: Option<bool> },
    Other,
}

fn classify(v: &Value) -> Record<'_> {
    let accessor = str_at(v, &["accessor", "identifier"]);
    if let (Some(app), Some(service)) = (accessor, str_at(v, &["tccService"])) {
        return Record::Access { app, category: service, kind: lookup(&TCC_SERVICES, service) };
    }
    if let (Some(app), Some(stream)) = (accessor, str_at(v, &["stream"]))
        && stream.ends_with(".stream.location")
    {
        return Record::Access { app, category: "location", kind: Some("location_read") };
    }
    if let (Some(app), Some(category)) = (accessor, str_at(v, &["category"])) {
        return Record::Access { app, category, kind: lookup(&CATEGORIES, category) };
    }
    if let Some(domain) = str_at(v, &["domain"]) {
        let app = str_at(v, &["bundleID"])
            .or_else(|| str_at(v, &["hasApp.bundleName"]))
            .or_else(|| str_at(v, &["hasApp", "bundleName"]));
        if let Some(app) = app {
            let web = match str_at(v, &["initiatedType"]) {
                Some("AppInitiated") => Some(false),
                Some("NonAppInitiated") => Some(true),
                _ => None,
            };
            return Record::Network { app, domain, web };
        }
    }
    Record::Other
}

/// Reads an App Privacy Report, keeping the records of `app_id`.
///
/// Accesses become `behavior {kind, detail: category}`, domains `flow {host, initiator, country, sdk}`
/// (`initiator` `app` for `AppInitiated`, `web` for `NonAppInitiated`, the requests of a web page shown
/// in the app). `watched` lists [`WATCHED`]. When no record names `app_id`, nothing is collected from the
/// report and a warning lists the apps it does name: a report without the app is no proof that the app
/// did nothing (it may not have run in the report's 7 days, or the id may be wrong).
pub fn read_privacy_report(text: &str, source: &str, app_id: &str, options: &Options) -> Result<Partial, ExtractError> {
    let trackers = options.trackers()?;
    let mut partial = Partial::new(source, &[]);
    let mut apps: BTreeSet<String> = BTreeSet::new();
    let mut matched = 0usize;
    let mut unmapped: BTreeSet<String> = BTreeSet::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let start = stream.byte_offset();
        let record = match stream.next() {
            None => break,
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                return Err(ExtractError::new(
                    source,
                    format!("line {}, column {}: not an App Privacy Report record: {e}", e.line(), e.column()),
                ));
            }
        };
        if !record.is_object() {
            let line = line_of(text, start + leading_space(text, start));
            return Err(ExtractError::new(source, format!("line {line}: a record is a JSON object, found {record}")));
        }
        match classify(&record) {
            Record::Access { app, category, kind } => {
                apps.insert(app.to_owned());
                if app != app_id {
                    continue;
                }
                matched += 1;
                match kind {
                    Some(kind) => partial.behavior(kind, Some(category), None),
                    None => {
                        unmapped.insert(category.to_owned());
                    }
                }
            }
            Record::Network { app, domain, web } => {
                apps.insert(app.to_owned());
                if app != app_id {
                    continue;
                }
                matched += 1;
                let host = domain.to_ascii_lowercase();
                let mut flow = Map::new();
                flow.insert("host".into(), json!(host));
                if let Some(web) = web {
                    flow.insert("initiator".into(), json!(if web { "web" } else { "app" }));
                }
                if let Some(country) = options.countries.as_ref().and_then(|c| c.lookup(&host, None)) {
                    flow.insert("country".into(), json!(country));
                }
                if let Some(sig) = trackers.match_host(&host) {
                    flow.insert("sdk".into(), json!(sig.id));
                }
                partial.push(Kind::Flow, Value::Object(flow));
            }
            Record::Other => {}
        }
    }
    if matched == 0 {
        partial.warnings.push(app_missing(source, app_id, "App Privacy Report", &apps));
        return Ok(partial);
    }
    partial.collected.insert(Kind::Flow);
    partial.watching(MONITOR, &WATCHED);
    partial.app = AppInfo { platform: Some("ios"), ..AppInfo::default() };
    for category in unmapped {
        partial.warnings.push(format!("{source}: access category `{category}` has no behavior kind; left out"));
    }
    Ok(partial)
}

fn leading_space(text: &str, from: usize) -> usize {
    text.get(from..).map_or(0, |rest| rest.len() - rest.trim_start().len())
}

/// Reads the App Privacy Report at `path` (see [`read_privacy_report`]). `app_id` is required: the report
/// covers every app on the phone.
pub fn extract_privacy_report(path: &Path, options: &Options, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let source = path.display().to_string();
    let Some(app_id) = app_id else {
        return Err(ExtractError::new(
            source,
            "an App Privacy Report covers every app on the phone: give the app (--ipa, --plist) or --app-id to pick its records",
        ));
    };
    let text = read_text(path, options.limits.max_small_file)?;
    read_privacy_report(&text, &source, app_id, options)
}
