//! Split APK archives: one zip holding an app's base APK and its split APKs, as app stores and backup
//! tools hand them out — `.apks` (bundletool's `build-apks`, SAI) and `.xapk` (APKPure, with a
//! `manifest.json`).
//!
//! The parts read are those of one installed app, read as `extract --apk BASE --apk SPLIT…` reads a base
//! and its splits (each APK's manifest and DEX files, merged):
//!
//! 1. an `.xapk`'s `manifest.json` that lists `split_apks` names them (the one with `"id": "base"` first);
//! 2. else the base is the member named `base.apk` or `base-master.apk` (bundletool), else the one an
//!    `.xapk` manifest's `package_name` names (`PACKAGE.apk`), else the only APK in the archive; the parts
//!    are the base and every other APK in the base's folder (not in its subfolders).
//!
//! Any other APK in the archive (bundletool's `standalones/` for old devices, a universal APK beside the
//! splits) is not read, and a warning names it, so that the evidence never claims it. An archive with
//! several APKs and none of these markers is an error. Each APK is decompressed into an anonymous
//! temporary file (not memory) and read from there; the archive's limits hold for all its APKs together.

use std::path::Path;

use crate::archive::Archive;
use crate::error::ExtractError;
use crate::evidence::Partial;
use crate::{Options, android};

/// Names of a base APK in a split set.
pub const BASE_NAMES: [&str; 2] = ["base.apk", "base-master.apk"];

/// Most APKs a warning names one by one before it counts the rest.
const NAMED_IN_WARNING: usize = 10;

/// True when a zip member's name ends in `.apk` (any case) and is not a folder.
pub(crate) fn is_apk_name(name: &str) -> bool {
    name.len() > 4 && name.get(name.len() - 4..).is_some_and(|ext| ext.eq_ignore_ascii_case(".apk"))
}

/// The folder part of a member's name (`splits/` of `splits/base-master.apk`, empty at the root).
fn folder(name: &str) -> &str {
    name.rfind('/').and_then(|slash| name.get(..=slash)).unwrap_or("")
}

/// Reads a split APK archive: one partial per APK read (the base's first), each named
/// `ARCHIVE!MEMBER`; the first carries the warning that names the APKs not read.
pub fn extract_split_archive(path: &Path, options: &Options) -> Result<Vec<Partial>, ExtractError> {
    let mut zip = Archive::open(path, options.limits)?;
    let names = zip.names();
    let apks: Vec<&str> = names.iter().map(String::as_str).filter(|n| is_apk_name(n)).collect();
    let xapk = match zip.read("manifest.json", options.limits.max_member)? {
        Some(bytes) => Some(XapkManifest::parse(&bytes).map_err(|e| zip.error("manifest.json", e))?),
        None => None,
    };
    let parts = parts(&apks, xapk.as_ref()).map_err(|e| ExtractError::at(path, e))?;
    let mut partials = Vec::with_capacity(parts.len());
    for member in &parts {
        options.limits.check_deadline(path)?;
        let mut apk = zip.open_nested(member)?;
        let partial = android::extract_apk_archive(&mut apk, options)?;
        zip.spend(apk.spent());
        partials.push(partial);
    }
    let unread: Vec<&str> = apks.iter().copied().filter(|a| !parts.iter().any(|p| p == a)).collect();
    if let (Some(first), false) = (partials.first_mut(), unread.is_empty()) {
        let mut named = unread.iter().take(NAMED_IN_WARNING).copied().collect::<Vec<_>>().join(", ");
        if unread.len() > NAMED_IN_WARNING {
            named.push_str(&format!(" and {} more", unread.len() - NAMED_IN_WARNING));
        }
        first.warnings.push(format!(
            "{}: {} APK(s) in the archive not read (not parts of the base APK's split set): {named}",
            zip.name(),
            unread.len()
        ));
    }
    Ok(partials)
}

/// The members to read, base first (module doc), or why there are none.
fn parts(apks: &[&str], xapk: Option<&XapkManifest>) -> Result<Vec<String>, String> {
    if let Some(listed) = xapk.and_then(|m| m.split_apks.as_deref()).filter(|l| !l.is_empty()) {
        let mut parts: Vec<&XapkPart> = listed.iter().collect();
        // The base first; the others in the manifest's order.
        parts.sort_by_key(|p| p.id.as_deref() != Some("base"));
        return parts
            .into_iter()
            .map(|p| match apks.iter().find(|a| **a == p.file) {
                Some(found) => Ok((*found).to_owned()),
                None => Err(format!("manifest.json lists {}, which the archive does not hold", p.file)),
            })
            .collect();
    }
    let by_name = |name: &str| apks.iter().copied().find(|a| a.rsplit('/').next() == Some(name));
    let base = BASE_NAMES
        .iter()
        .find_map(|b| by_name(b))
        .or_else(|| xapk.and_then(|m| m.package_name.as_deref()).and_then(|p| by_name(&format!("{p}.apk"))))
        .or(match apks {
            [only] => Some(*only),
            _ => None,
        });
    let Some(base) = base else {
        return Err(if apks.is_empty() {
            "a zip with no APK, manifest or code: not an app".to_owned()
        } else {
            format!(
                "holds {} APKs but no base APK (base.apk, base-master.apk, or one named by an .xapk's manifest.json)",
                apks.len()
            )
        });
    };
    let mut parts = vec![base.to_owned()];
    parts.extend(apks.iter().filter(|a| **a != base && folder(a) == folder(base)).map(|a| (*a).to_owned()));
    Ok(parts)
}

/// What indicia reads of an `.xapk`'s `manifest.json` (APKPure's format; other members are ignored).
#[derive(Debug, Default, serde::Deserialize)]
struct XapkManifest {
    /// The app's package name.
    package_name: Option<String>,
    /// The APKs of the app, when it is split.
    split_apks: Option<Vec<XapkPart>>,
}

/// One entry of `split_apks`.
#[derive(Debug, serde::Deserialize)]
struct XapkPart {
    /// The member's name.
    file: String,
    /// `base` for the base APK, else the split's name.
    id: Option<String>,
}

impl XapkManifest {
    fn parse(bytes: &[u8]) -> Result<XapkManifest, String> {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        serde_json::from_slice(text).map_err(|e| format!("not an .xapk manifest: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(parts: Result<Vec<String>, String>) -> Vec<String> {
        parts.unwrap_or_else(|e| vec![format!("error: {e}")])
    }

    #[test]
    fn the_base_and_its_folder_are_read_and_nothing_else() {
        let bundletool = ["splits/base-master.apk", "splits/base-xxhdpi.apk", "standalones/standalone-x.apk"];
        assert_eq!(names(parts(&bundletool, None)), ["splits/base-master.apk", "splits/base-xxhdpi.apk"]);
        let sai = ["base.apk", "split_config.arm64_v8a.apk", "sub/base.apk"];
        assert_eq!(names(parts(&sai, None)), ["base.apk", "split_config.arm64_v8a.apk"]);
        assert_eq!(names(parts(&["universal.apk"], None)), ["universal.apk"]);
        assert!(names(parts(&["a.apk", "b.apk"], None))[0].starts_with("error: holds 2 APKs but no base APK"));
        assert!(names(parts(&[], None))[0].starts_with("error: a zip with no APK"));
    }

    #[test]
    fn an_xapk_manifest_names_the_parts() {
        let manifest = XapkManifest::parse(
            br#"{"package_name": "com.x", "split_apks": [{"file": "config.en.apk", "id": "config.en"}, {"file": "com.x.apk", "id": "base"}]}"#,
        )
        .unwrap();
        let apks = ["com.x.apk", "config.en.apk", "other.apk"];
        assert_eq!(names(parts(&apks, Some(&manifest))), ["com.x.apk", "config.en.apk"]);
        assert!(names(parts(&["com.x.apk"], Some(&manifest)))[0].contains("lists config.en.apk"));
        let single = XapkManifest::parse(br#"{"package_name": "com.x"}"#).unwrap();
        assert_eq!(names(parts(&apks, Some(&single))), ["com.x.apk", "config.en.apk", "other.apk"]);
        assert!(XapkManifest::parse(b"[1]").is_err());
    }

    #[test]
    fn apk_names() {
        assert!(is_apk_name("base.apk") && is_apk_name("splits/B.APK"));
        assert!(!is_apk_name(".apk") && !is_apk_name("base.apks") && !is_apk_name("a.dex"));
    }
}
