//! Helpers shared by the fuzz targets.

use std::path::PathBuf;
use std::sync::OnceLock;

use indicia::Engine;
use indicia_extract::{Options, Source, extract_all};

/// Writes `bytes` to this process's scratch file with extension `ext` and returns its path: the
/// extractors read files, and each fuzzing process writes its own.
pub fn scratch_file(bytes: &[u8], ext: &str) -> Option<PathBuf> {
    let path = std::env::temp_dir().join(format!("indicia-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).ok()?;
    Some(path)
}

/// Extractor options with caps small enough for fuzzing (every cap must still give an error, never a
/// crash or a long run).
pub fn options() -> Options {
    let mut options = Options::default();
    options.limits.max_small_file = 4 << 20;
    options.limits.max_har = 4 << 20;
    options.limits.max_member = 4 << 20;
    options.limits.max_dex = 16 << 20;
    options.limits.max_archive_total = 32 << 20;
    options.limits.max_capture = 4 << 20;
    options.limits.max_report = 4 << 20;
    options.limits.expansion.max_objects = 100_000;
    options.limits.expansion.max_bytes = 16 << 20;
    options
}

/// Reads `data` as the one source `source` makes of a scratch file with extension `ext`, for the app
/// `app_id`, as `indicia extract` does: evidence or an error, never a panic; and the evidence extracted,
/// when there is some, is accepted by the built-in pack's reader (a reader never writes a fact the
/// schema does not allow).
pub fn extract_accepted(data: &[u8], ext: &str, source: fn(PathBuf) -> Source, app_id: Option<&str>) {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let Some(path) = scratch_file(data, ext) else {
        return;
    };
    let out = extract_all(&[source(path)], &options(), app_id);
    if let Some(merged) = out.merged {
        let engine = ENGINE.get_or_init(Engine::builtin);
        let json = serde_json::to_vec(&merged.evidence).unwrap_or_default();
        if let Err(e) = engine.read_evidence(&json) {
            panic!("extracted evidence is rejected: {e}");
        }
    }
}
