//! `dumpsys package` output, filtered to one app: evidence the built-in pack accepts, or an error, never a panic.
#![no_main]

use indicia_extract::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    indicia_fuzz::extract_accepted(data, "txt", Source::PackageDump, Some("com.example.shop"));
});
