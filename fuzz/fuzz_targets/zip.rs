//! Zip archives as APKs, IPAs and split APK archives (members, and the APKs inside, read within the
//! archive caps), and the app-kind detection of `scan`.
#![no_main]

use indicia_extract::{Source, extract_apk, extract_ipa, extract_split_archive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = indicia_fuzz::options();
    let Some(path) = indicia_fuzz::scratch_file(data, "zip") else {
        return;
    };
    let _ = extract_apk(&path, &options);
    let _ = extract_ipa(&path, &options);
    let _ = extract_split_archive(&path, &options);
    let _ = Source::app(&path);
});
