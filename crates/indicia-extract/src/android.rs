//! Android sources: text manifests and APKs (binary manifest and DEX files).

use std::collections::HashSet;
use std::path::Path;

use serde_json::json;

use crate::archive::{Archive, Limits, read_text};
use crate::dex::Dex;
use crate::error::ExtractError;
use crate::evidence::{Kind, Partial};
use crate::manifest::Manifest;
use crate::{Options, axml, xml};

/// Reads a text `AndroidManifest.xml`: `permission` and `component` facts.
///
/// `fallback_package` stands for `package` when the manifest has none (Gradle source manifests), to
/// resolve relative class names and `${applicationId}`.
pub fn extract_manifest(
    path: &Path,
    options: &Options,
    fallback_package: Option<&str>,
) -> Result<Partial, ExtractError> {
    let text = read_text(path, options.limits.max_small_file)?;
    let root = xml::parse_text(&text).map_err(|e| ExtractError::at(path, e.to_string()))?;
    let manifest = Manifest::from_element(&root, fallback_package).map_err(|e| ExtractError::at(path, e))?;
    let mut partial = manifest.into_partial(&path.display().to_string(), &[Kind::Permission, Kind::Component]);
    if partial.app.id.is_none() && fallback_package.is_none() {
        partial.warnings.push(format!(
            "{}: the manifest has no `package`; relative component names stay relative (give --app-id)",
            path.display()
        ));
    }
    Ok(partial)
}

/// Parses a manifest given as bytes: binary AXML (within the expansion budget of `limits`), or text XML.
pub fn parse_manifest_bytes(bytes: &[u8], fallback_package: Option<&str>, limits: &Limits) -> Result<Manifest, String> {
    let root = if bytes.starts_with(&[0x03, 0x00]) {
        axml::parse(bytes, &mut limits.budget()).map_err(|e| format!("malformed binary XML: {e}"))?
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| "neither binary XML nor UTF-8 text XML".to_owned())?;
        xml::parse_text(text).map_err(|e| e.to_string())?
    };
    Manifest::from_element(&root, fallback_package)
}

/// The number of a DEX file at the archive's root (`classes.dex` is 1, `classes2.dex` 2, any
/// `classes<digits>.dex`), or `None` for any other member.
fn root_dex_number(name: &str) -> Option<u32> {
    let n = name.strip_prefix("classes")?.strip_suffix(".dex")?;
    if n.is_empty() {
        Some(1)
    } else if n.bytes().all(|b| b.is_ascii_digit()) {
        Some(n.parse().unwrap_or(u32::MAX))
    } else {
        None
    }
}

/// What an APK holds, before it becomes facts.
#[derive(Debug, Default)]
pub struct ApkContents {
    /// The manifest, when the archive has one.
    pub manifest: Option<Manifest>,
    /// The DEX members read, in order.
    pub dex_files: Vec<String>,
    /// Every distinct method reference, `java.Class.method`, sorted.
    pub method_refs: Vec<String>,
    /// Classes defined in the DEX files (Java form), sorted, without repeats.
    pub classes: Vec<String>,
}

/// Reads an APK's manifest and DEX files.
pub fn read_apk(path: &Path, options: &Options) -> Result<ApkContents, ExtractError> {
    read_apk_archive(&mut Archive::open(path, options.limits)?, options)
}

/// Reads the manifest and DEX files of an APK opened as `zip`. A zip that holds neither but holds APKs
/// is a split APK archive, not an APK: an error says so, rather than an APK without code read.
pub(crate) fn read_apk_archive(zip: &mut Archive, options: &Options) -> Result<ApkContents, ExtractError> {
    let mut out = ApkContents::default();
    if let Some(bytes) = zip.read("AndroidManifest.xml", options.limits.max_member)? {
        let manifest =
            parse_manifest_bytes(&bytes, None, &options.limits).map_err(|e| zip.error("AndroidManifest.xml", e))?;
        out.manifest = Some(manifest);
    }
    let mut dex_names: Vec<(u32, String)> =
        zip.names().into_iter().filter_map(|n| root_dex_number(&n).map(|k| (k, n))).collect();
    dex_names.sort();
    let mut refs: HashSet<String> = HashSet::new();
    let mut classes: HashSet<String> = HashSet::new();
    for (_, name) in dex_names {
        let Some(bytes) = zip.read(&name, options.limits.max_dex)? else {
            continue;
        };
        let dex = Dex::parse(&bytes).map_err(|e| zip.error(&name, e.to_string()))?;
        let mut budget = options.limits.budget();
        dex.method_refs_into(&mut refs, &mut budget).map_err(|e| zip.error(&name, e.to_string()))?;
        classes.extend(dex.defined_classes(&mut budget).map_err(|e| zip.error(&name, e.to_string()))?);
        out.dex_files.push(name);
    }
    if out.manifest.is_none() && out.dex_files.is_empty() && zip.names().iter().any(|n| crate::split::is_apk_name(n)) {
        return Err(ExtractError::new(
            zip.name(),
            "holds APKs, not an APK's manifest or code: a split APK archive (.apks, .xapk), read as one",
        ));
    }
    out.method_refs = refs.into_iter().collect();
    out.method_refs.sort_unstable();
    out.classes = classes.into_iter().collect();
    out.classes.sort_unstable();
    Ok(out)
}

/// Reads an APK: `permission` and `component` from its manifest, `api` from its DEX method references,
/// `sdk` from tracker signatures over its classes and components.
///
/// Without a manifest, only `api` and `sdk` are collected (a warning says so); without DEX files, `api`
/// and `sdk` are still collected (the APK has no code).
pub fn extract_apk(path: &Path, options: &Options) -> Result<Partial, ExtractError> {
    extract_apk_archive(&mut Archive::open(path, options.limits)?, options)
}

/// [`extract_apk`] of an APK opened as `zip` (its name is the facts' source).
pub(crate) fn extract_apk_archive(zip: &mut Archive, options: &Options) -> Result<Partial, ExtractError> {
    let contents = read_apk_archive(zip, options)?;
    let source = zip.name().to_owned();
    let trackers = options.trackers()?;
    let mut partial = match &contents.manifest {
        Some(m) => m.clone().into_partial(&source, &[Kind::Permission, Kind::Component, Kind::Api, Kind::Sdk]),
        None => {
            let mut p = Partial::new(source.clone(), &[Kind::Api, Kind::Sdk]);
            p.app.platform = Some("android");
            p.warnings.push(format!(
                "{source}: no AndroidManifest.xml in the archive; permissions and components not collected"
            ));
            p
        }
    };
    if contents.dex_files.is_empty() {
        partial.warnings.push(format!("{source}: no classes*.dex at the archive's root"));
    }
    for symbol in &contents.method_refs {
        partial.push(Kind::Api, json!({ "symbol": symbol, "source": "dex" }));
    }
    let components: Vec<&str> =
        contents.manifest.iter().flat_map(|m| m.components.iter().map(|c| c.name.as_str())).collect();
    for idx in trackers.match_code(contents.classes.iter().map(String::as_str), components) {
        if let Some(sig) = trackers.signatures.get(idx) {
            partial.push(Kind::Sdk, sig.fact());
        }
    }
    Ok(partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dex_names() {
        assert_eq!(root_dex_number("classes.dex"), Some(1));
        assert_eq!(root_dex_number("classes2.dex"), Some(2));
        assert_eq!(root_dex_number("classes12.dex"), Some(12));
        assert_eq!(root_dex_number("lib/classes2.dex"), None);
        assert_eq!(root_dex_number("classesX.dex"), None);
        assert_eq!(root_dex_number("classes02.dex"), Some(2));
    }
}
