//! HAR captures: flows, or an error naming the JSON path, never a panic; the merged evidence of a capture
//! is one the built-in pack's reader accepts.
#![no_main]

use indicia_extract::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    indicia_fuzz::extract_accepted(data, "har", Source::Har, Some("org.example"));
});
