//! Binary and text Android manifests (`parse_manifest_bytes`): an error or a manifest, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = indicia_fuzz::options();
    let _ = indicia_extract::parse_manifest_bytes(data, None, &options.limits);
    let _ = indicia_extract::parse_manifest_bytes(data, Some("org.example"), &options.limits);
});
