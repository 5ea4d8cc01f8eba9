//! Evidence producers for indicia.
//!
//! Each extractor reads one source and returns a [`Partial`]: the fact kinds the source can observe and
//! the facts it found, in the standard mobile schema of the evidence specification ("Where facts come
//! from"). [`merge`] joins the partials of one app into one evidence object.
//!
//! | source | function | kinds collected |
//! |---|---|---|
//! | text `AndroidManifest.xml` | [`extract_manifest`] | `permission`, `component` |
//! | APK (binary manifest, `classes*.dex`) | [`extract_apk`] | `permission`, `component`, `api`, `sdk` |
//! | `Info.plist` (XML or binary) | [`extract_info_plist`] | `permission` |
//! | `PrivacyInfo.xcprivacy` | [`extract_privacy_manifest`] | `datum`, `api`, `sdk` |
//! | IPA | [`extract_ipa`] | as `Info.plist`, plus the privacy manifest kinds when it has one |
//! | split APK archive (`.apks`, `.xapk`) | [`extract_split_archive`] | as an APK, for the base and each split of its set |
//! | HAR 1.2 | [`extract_har`] | `flow` |
//! | iOS App Privacy Report (NDJSON) | [`extract_privacy_report`] | `behavior`, `watched`, `flow` |
//! | Android AppOps (`dumpsys appops`, `appops get`, `appops.xml`) | [`extract_appops`] | `behavior`, `watched` |
//! | `dumpsys package PKG` | [`extract_package_dump`] | `permission` |
//! | log of `tools/frida/indicia-hooks.js` | [`extract_frida_log`] | `behavior`, `watched` |
//! | pcap, pcapng | [`extract_pcap`] | `flow` |
//! | MobSF JSON report | [`extract_mobsf`] | `permission`, `api`, `sdk`, `domain` |
//!
//! The App Privacy Report, AppOps and package dumps may cover several apps: they keep the records of the
//! app that the other sources (or `--app-id`) name, see [`extract_all`]. A Frida log of another app than
//! the one they name is refused.
//!
//! No input makes an extractor panic or read without bound: every read is capped by [`Limits`], and a
//! bad input gives an [`ExtractError`] naming the file and the problem. Formats whose parts can be
//! referenced more than once (binary plists, AXML string pools, DEX string tables) are also bounded in
//! what they expand to, by a [`Budget`]: a reader of a new such format takes one from
//! [`Limits::budget`] and spends it on every object it produces.

mod android;
mod appops;
mod archive;
mod axml;
mod budget;
mod countries;
mod dex;
mod error;
mod evidence;
mod frida;
mod har;
mod ios;
mod ip_country;
mod manifest;
mod mobsf;
mod package_dump;
mod pcap;
mod permissions;
mod privacy_report;
mod property_list;
mod split;
mod trackers;
mod whole_device;
mod xml;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use android::{ApkContents, extract_apk, extract_manifest, parse_manifest_bytes, read_apk};
pub use appops::{OPS as APPOPS_OPS, WATCHED as APPOPS_WATCHED, extract_appops, op_behavior, read_appops};
pub use archive::Limits;
pub use budget::{Budget, CLOCK_EVERY, Expansion, OverBudget};
pub use countries::{Countries, CountryTable};
pub use dex::{Dex, java_type};
pub use error::{ExtractError, FormatError};
pub use evidence::{AppInfo, Kind, Merged, Partial, merge};
pub use frida::{extract_frida_log, read_frida_log, sdk_of_stack};
pub use har::{DEVICE_ID_KEYS, Detectors, LAT_KEYS, LON_KEYS, PHONE_KEYS, extract_har};
pub use ios::{DATA_TYPES, data_type_term, extract_info_plist, extract_ipa, extract_privacy_manifest, purpose_term};
pub use ip_country::{ATTRIBUTION as IP_COUNTRY_ATTRIBUTION, IpCountryDb, SOURCE as IP_COUNTRY_SOURCE};
pub use manifest::{Component, Manifest, QUERY_ALL_PACKAGES};
pub use mobsf::{MOBSF_SOURCE, extract_mobsf};
pub use package_dump::{extract_package_dump, read_package_dump};
pub use pcap::{extract_pcap, read_pcap};
pub use permissions::{PERMISSIONS_API_LEVEL, base_level, protection_level};
pub use privacy_report::{
    CATEGORIES as PRIVACY_REPORT_CATEGORIES, WATCHED as PRIVACY_REPORT_WATCHED, extract_privacy_report,
    read_privacy_report,
};
pub use split::{BASE_NAMES as SPLIT_BASE_NAMES, extract_split_archive};
pub use trackers::{BUILTIN_ORIGIN, Signature, TrackerSet};

/// Settings shared by the extractors. A clone shares the country database (and copies the tracker
/// signatures, when they are not the built-in ones).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Size caps.
    pub limits: Limits,
    /// Tracker signatures; `None` uses the built-in set ([`TrackerSet::builtin`]).
    pub trackers: Option<TrackerSet>,
    /// Country table or MaxMind DB for `flow.country`; `None` leaves countries out.
    pub countries: Option<Countries>,
    /// A string planted in the device's clipboard: a request that carries it sends `clipboard`.
    pub clipboard_canary: Option<String>,
    /// More names of the scanned app in a packet capture with PCAPdroid's app attribution (an app
    /// name, a package name or an Android UID), besides the app id and name the other sources give.
    pub capture_apps: Vec<String>,
}

static BUILTIN: OnceLock<Result<TrackerSet, String>> = OnceLock::new();

impl Options {
    /// The tracker set in use: the given one, or the built-in one (compiled once per process).
    pub fn trackers(&self) -> Result<&TrackerSet, ExtractError> {
        match &self.trackers {
            Some(set) => Ok(set),
            None => BUILTIN
                .get_or_init(TrackerSet::builtin)
                .as_ref()
                .map_err(|e| ExtractError::new("built-in tracker signatures", e.clone())),
        }
    }

    /// Loads tracker signatures from a JSON file (Exodus, ETIP or LibChecker format).
    pub fn load_trackers(&mut self, path: &Path) -> Result<(), ExtractError> {
        let text = archive::read_text(path, self.limits.max_small_file)?;
        let set = TrackerSet::from_json(&text, &path.display().to_string()).map_err(|e| ExtractError::at(path, e))?;
        self.trackers = Some(set);
        Ok(())
    }

    /// Loads a country table (CSV) or a MaxMind DB (`.mmdb`).
    pub fn load_countries(&mut self, path: &Path) -> Result<(), ExtractError> {
        self.countries = Some(Countries::load(path)?);
        Ok(())
    }
}

/// One input of an extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An APK (base or split).
    Apk(PathBuf),
    /// A text `AndroidManifest.xml`.
    Manifest(PathBuf),
    /// An `Info.plist`.
    InfoPlist(PathBuf),
    /// A `PrivacyInfo.xcprivacy`.
    PrivacyManifest(PathBuf),
    /// An IPA.
    Ipa(PathBuf),
    /// A split APK archive (`.apks`, `.xapk`): a zip of an app's base APK and its splits.
    SplitArchive(PathBuf),
    /// A HAR capture.
    Har(PathBuf),
    /// An iOS App Privacy Report (NDJSON), filtered to the app.
    PrivacyReport(PathBuf),
    /// An AppOps dump (`dumpsys appops`, `appops get`) or `appops.xml`, filtered to the app.
    AppOps(PathBuf),
    /// `dumpsys package` output, filtered to the app.
    PackageDump(PathBuf),
    /// A log of the indicia Frida script.
    FridaLog(PathBuf),
    /// A packet capture (pcap or pcapng).
    Pcap(PathBuf),
    /// A MobSF JSON report.
    Mobsf(PathBuf),
}

impl Source {
    /// The file this source reads.
    pub fn path(&self) -> &Path {
        match self {
            Source::Apk(p)
            | Source::Manifest(p)
            | Source::InfoPlist(p)
            | Source::PrivacyManifest(p)
            | Source::Ipa(p)
            | Source::SplitArchive(p)
            | Source::Har(p)
            | Source::PrivacyReport(p)
            | Source::AppOps(p)
            | Source::PackageDump(p)
            | Source::FridaLog(p)
            | Source::Pcap(p)
            | Source::Mobsf(p) => p,
        }
    }

    /// Whether the source covers several apps and is filtered to the app that the others name.
    pub fn is_filtered(&self) -> bool {
        matches!(self, Source::PrivacyReport(_) | Source::AppOps(_) | Source::PackageDump(_))
    }
}

/// The behavior kind of a refused access: `clipboard_read` → `clipboard_read_attempt`.
pub fn attempt(kind: &str) -> String {
    format!("{kind}_attempt")
}

/// The 1-based line of byte offset `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes().iter().take(at).filter(|&&b| b == b'\n').count() + 1
}

/// Runs the extractor of one source. `app_id` stands for a text manifest's missing `package`.
///
/// A source is not started once [`Limits::deadline`] has passed.
pub fn extract_source(source: &Source, options: &Options, app_id: Option<&str>) -> Result<Vec<Partial>, ExtractError> {
    options.limits.check_deadline(source.path())?;
    Ok(match source {
        Source::Apk(p) => vec![extract_apk(p, options)?],
        Source::Manifest(p) => vec![extract_manifest(p, options, app_id)?],
        Source::InfoPlist(p) => vec![extract_info_plist(p, options)?],
        Source::PrivacyManifest(p) => vec![extract_privacy_manifest(p, options)?],
        Source::Ipa(p) => extract_ipa(p, options)?,
        Source::SplitArchive(p) => extract_split_archive(p, options)?,
        Source::Har(p) => vec![extract_har(p, options)?],
        Source::PrivacyReport(p) => vec![extract_privacy_report(p, options, app_id)?],
        Source::AppOps(p) => vec![extract_appops(p, options, app_id)?],
        Source::PackageDump(p) => vec![extract_package_dump(p, options, app_id)?],
        Source::FridaLog(p) => vec![extract_frida_log(p, options, app_id)?],
        Source::Pcap(p) => {
            let mut apps: Vec<&str> = app_id.into_iter().collect();
            apps.extend(options.capture_apps.iter().map(String::as_str));
            vec![extract_pcap(p, options, &apps)?]
        }
        Source::Mobsf(p) => vec![extract_mobsf(p, options)?],
    })
}

/// The outcome of [`extract_all`].
#[derive(Debug)]
pub struct Extraction {
    /// The merged evidence (`None` when every source failed or none was given).
    pub merged: Option<Merged>,
    /// The sources that failed, each with its error; the others are in the evidence.
    pub errors: Vec<ExtractError>,
}

/// Extracts every source and merges them into one evidence object. A source that fails is left out
/// (its kinds are not collected) and its error returned beside the evidence.
///
/// Frida logs are read after the app's own files and refused when they name another app than the one
/// those name, else than `app_id` (a log of one app is no evidence about another). The sources that
/// cover several apps ([`Source::is_filtered`]) are read next, keeping the records of the app that the
/// other sources name (the first that names one, as in [`merge`]), else of `app_id`. Packet captures are
/// read last: the app ids and names all sources give (and
/// [`Options::capture_apps`]) pick the scanned app's packets in a capture with PCAPdroid's attribution.
pub fn extract_all(sources: &[Source], options: &Options, app_id: Option<&str>) -> Extraction {
    let mut partials: Vec<Partial> = Vec::new();
    let mut errors = Vec::new();
    let is_capture = |s: &&Source| matches!(s, Source::Pcap(_));
    let is_frida = |s: &&Source| matches!(s, Source::FridaLog(_));
    for source in sources.iter().filter(|s| !s.is_filtered() && !is_capture(s) && !is_frida(s)) {
        match extract_source(source, options, app_id) {
            Ok(ps) => partials.extend(ps),
            Err(e) => errors.push(e),
        }
    }
    let scanned = |partials: &[Partial]| partials.iter().find_map(|p| p.app.id.clone()).or(app_id.map(str::to_owned));
    let id = scanned(&partials);
    for source in sources.iter().filter(is_frida) {
        match extract_source(source, options, id.as_deref()) {
            Ok(ps) => partials.extend(ps),
            Err(e) => errors.push(e),
        }
    }
    let id = scanned(&partials);
    let id = id.as_deref();
    for source in sources.iter().filter(|s| s.is_filtered()) {
        match extract_source(source, options, id) {
            Ok(ps) => partials.extend(ps),
            Err(e) => errors.push(e),
        }
    }
    let mut apps: Vec<String> = app_id.into_iter().map(str::to_owned).collect();
    for p in &partials {
        apps.extend(p.app.id.iter().chain(&p.app.name).cloned());
    }
    apps.extend(options.capture_apps.iter().cloned());
    let apps: Vec<&str> = apps.iter().map(String::as_str).collect();
    for source in sources.iter().filter(is_capture) {
        if let Err(e) = options.limits.check_deadline(source.path()) {
            errors.push(e);
            continue;
        }
        match extract_pcap(source.path(), options, &apps) {
            Ok(p) => partials.push(p),
            Err(e) => errors.push(e),
        }
    }
    let merged = (!partials.is_empty()).then(|| merge(partials, app_id));
    Extraction { merged, errors }
}

impl Source {
    /// The source for a file given as an APK: a split APK archive by its extension (`.apks`, `.xapk`),
    /// else an APK.
    pub fn apk(path: PathBuf) -> Source {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("apks" | "xapk") => Source::SplitArchive(path),
            _ => Source::Apk(path),
        }
    }

    /// The source for an app archive, by extension (`.apk`; `.apks` and `.xapk`, split APK archives;
    /// `.ipa`) or else by its members (`AndroidManifest.xml` or `classes.dex` → APK, `Payload/` → IPA,
    /// other `.apk` files → split APK archive).
    pub fn app(path: &Path) -> Result<Source, ExtractError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("apk") => return Ok(Source::Apk(path.to_owned())),
            Some("apks" | "xapk") => return Ok(Source::SplitArchive(path.to_owned())),
            Some("ipa") => return Ok(Source::Ipa(path.to_owned())),
            _ => {}
        }
        let zip = archive::Archive::open(path, Limits::default())?;
        let names = zip.names();
        if names.iter().any(|n| n == "AndroidManifest.xml" || n == "classes.dex") {
            Ok(Source::Apk(path.to_owned()))
        } else if names.iter().any(|n| n.starts_with("Payload/")) {
            Ok(Source::Ipa(path.to_owned()))
        } else if names.iter().any(|n| split::is_apk_name(n)) {
            Ok(Source::SplitArchive(path.to_owned()))
        } else {
            Err(ExtractError::at(
                path,
                "neither an APK (no AndroidManifest.xml or classes.dex), a split APK archive (no .apk) nor an IPA (no Payload/)",
            ))
        }
    }
}
