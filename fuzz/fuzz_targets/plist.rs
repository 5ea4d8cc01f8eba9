//! Property lists (XML, binary, ASCII) as `Info.plist` and privacy manifests, within the expansion budget
//! and the nesting cap.
#![no_main]

use indicia_extract::{extract_info_plist, extract_privacy_manifest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = indicia_fuzz::options();
    let Some(path) = indicia_fuzz::scratch_file(data, "plist") else {
        return;
    };
    let _ = extract_info_plist(&path, &options);
    let _ = extract_privacy_manifest(&path, &options);
});
