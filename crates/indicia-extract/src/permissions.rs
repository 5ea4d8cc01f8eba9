//! Android's platform permissions and their protection levels (AOSP, API 36), for reports that show a
//! permission with its level (`dangerous`, `normal`, `signature|privileged`…).
//!
//! The table is `data/aosp_permissions_api36.tsv` (Apache-2.0, AOSP through androguard; see
//! `data/README.md`), compiled in and indexed on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The Android API level the table was taken from.
pub const PERMISSIONS_API_LEVEL: u32 = 36;

/// The table: a header line, then `name \t protectionLevel \t permissionGroup` per line.
const TABLE: &str = include_str!("../data/aosp_permissions_api36.tsv");

fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        TABLE
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut columns = line.split('\t');
                Some((columns.next()?, columns.next()?))
            })
            .collect()
    })
}

/// The protection level AOSP declares for platform permission `name`, flags included
/// (`dangerous|instant`); `None` for a permission the platform does not declare (an app's own, a
/// vendor's, or an iOS usage key).
pub fn protection_level(name: &str) -> Option<&'static str> {
    index().get(name).copied()
}

/// The base level of a protection level: the part before the first `|` (`dangerous` of
/// `dangerous|instant`).
pub fn base_level(level: &str) -> &str {
    level.split('|').next().unwrap_or(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected levels as AOSP's core/res/AndroidManifest.xml (API 36) declares them, read off the TSV with grep.
    #[test]
    fn levels_of_known_permissions() {
        assert_eq!(protection_level("android.permission.READ_CONTACTS"), Some("dangerous"));
        assert_eq!(protection_level("android.permission.CAMERA"), Some("dangerous|instant"));
        assert_eq!(protection_level("android.permission.INTERNET"), Some("normal|instant"));
        assert_eq!(protection_level("android.permission.RECEIVE_BOOT_COMPLETED"), Some("normal"));
        assert_eq!(protection_level("com.example.OWN_PERMISSION"), None);
        assert_eq!(protection_level("NSCameraUsageDescription"), None);
        assert_eq!(base_level("signature|privileged"), "signature");
        assert_eq!(base_level("normal"), "normal");
    }

    #[test]
    fn every_row_has_a_level() {
        let rows: Vec<&str> = TABLE.lines().skip(1).collect();
        assert_eq!(rows.len(), 1029);
        assert_eq!(index().len(), rows.len(), "names are unique");
        assert!(index().values().all(|level| !level.is_empty()));
    }
}
