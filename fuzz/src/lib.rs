//! Helpers shared by the fuzz targets.

use std::path::PathBuf;

use indicia_extract::Options;

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
    options.limits.expansion.max_objects = 100_000;
    options.limits.expansion.max_bytes = 16 << 20;
    options
}
