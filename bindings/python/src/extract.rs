//! `indicia.extract(...)`: evidence from app files and captures, as `indicia extract` prints it.

use std::path::PathBuf;

use indicia_extract::{Countries, Options, Source, extract_all};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::errors::{ExtractError, extract_error};

/// How a path becomes a source of one kind.
type MakeSource = fn(PathBuf) -> Source;

/// One path or a list of paths (`str` or `os.PathLike`).
fn paths(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(value) = value else { return Ok(Vec::new()) };
    if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
        return value.try_iter()?.map(|item| item?.extract::<PathBuf>()).collect();
    }
    Ok(vec![value.extract::<PathBuf>()?])
}

/// Extracts evidence from app files and captures and merges it into one evidence object, as
/// `indicia extract` does; returns its JSON text (pretty-printed as `indicia extract` prints it,
/// or on one line with `compact=True`, as `--compact`), without the final newline.
///
/// Each source takes a path or a list of paths. Warnings go to Python's `warnings` module
/// (category `indicia.ExtractWarning`). When a source cannot be read, `ExtractError` is raised;
/// its `evidence` holds what the other sources gave (what `indicia extract` prints before it
/// exits with status 2), its `errors` one message per failed source.
#[pyfunction]
#[pyo3(signature = (*, apk = None, ipa = None, manifest = None, plist = None, privacy_manifest = None, har = None,
                    pcap = None, mobsf = None, privacy_report = None, appops = None, package_dump = None, frida_log = None,
                    trackers = None, countries = None, clipboard_canary = None, app_id = None, pcap_app = None,
                    compact = false))]
#[expect(clippy::too_many_arguments, reason = "one keyword argument per `indicia extract` option")]
pub fn extract(
    py: Python<'_>,
    apk: Option<&Bound<'_, PyAny>>,
    ipa: Option<&Bound<'_, PyAny>>,
    manifest: Option<&Bound<'_, PyAny>>,
    plist: Option<&Bound<'_, PyAny>>,
    privacy_manifest: Option<&Bound<'_, PyAny>>,
    har: Option<&Bound<'_, PyAny>>,
    pcap: Option<&Bound<'_, PyAny>>,
    mobsf: Option<&Bound<'_, PyAny>>,
    privacy_report: Option<&Bound<'_, PyAny>>,
    appops: Option<&Bound<'_, PyAny>>,
    package_dump: Option<&Bound<'_, PyAny>>,
    frida_log: Option<&Bound<'_, PyAny>>,
    trackers: Option<PathBuf>,
    countries: Option<PathBuf>,
    clipboard_canary: Option<String>,
    app_id: Option<String>,
    pcap_app: Option<Vec<String>>,
    compact: bool,
) -> PyResult<String> {
    let mut sources: Vec<Source> = Vec::new();
    // In the order `indicia extract` takes them.
    let kinds: [(Option<&Bound<'_, PyAny>>, MakeSource); 12] = [
        (apk, Source::apk),
        (ipa, Source::Ipa),
        (manifest, Source::Manifest),
        (plist, Source::InfoPlist),
        (privacy_manifest, Source::PrivacyManifest),
        (har, Source::Har),
        (pcap, Source::Pcap),
        (mobsf, Source::Mobsf),
        (privacy_report, Source::PrivacyReport),
        (appops, Source::AppOps),
        (package_dump, Source::PackageDump),
        (frida_log, Source::FridaLog),
    ];
    for (value, make) in kinds {
        sources.extend(paths(value)?.into_iter().map(make));
    }
    if sources.is_empty() {
        return Err(ExtractError::new_err((
            "no source given (use apk=, ipa=, manifest=, plist=, privacy_manifest=, har=, pcap=, mobsf=, privacy_report=, appops=, package_dump= or frida_log=)".to_string(),
            Vec::<String>::new(),
            None::<String>,
        )));
    }
    let outcome = py.detach(|| -> Result<_, String> {
        let mut options =
            Options { clipboard_canary, capture_apps: pcap_app.unwrap_or_default(), ..Options::default() };
        if let Some(path) = &trackers {
            options.load_trackers(path).map_err(|e| e.to_string())?;
        }
        // As `--countries`: a file, `"none"`, or by default the built-in database.
        match &countries {
            Some(path) if path.as_os_str() == "none" => {}
            Some(path) => options.load_countries(path).map_err(|e| e.to_string())?,
            None => options.countries = Some(Countries::builtin().map_err(|e| e.to_string())?),
        }
        Ok(extract_all(&sources, &options, app_id.as_deref()))
    });
    let outcome = outcome.map_err(|message| extract_error(vec![message], None))?;
    let errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    let Some(merged) = outcome.merged else { return Err(extract_error(errors, None)) };
    let text =
        if compact { serde_json::to_string(&merged.evidence) } else { serde_json::to_string_pretty(&merged.evidence) }
            .map_err(|e| extract_error(vec![format!("cannot write the evidence: {e}")], None))?;
    if !merged.warnings.is_empty() {
        let category = py.import("indicia._errors")?.getattr("ExtractWarning")?;
        let warnings = py.import("warnings")?;
        for warning in &merged.warnings {
            warnings.call_method1("warn", (warning, &category, 1))?;
        }
    }
    if !errors.is_empty() {
        return Err(extract_error(errors, Some(text)));
    }
    Ok(text)
}
