//! HAR captures: flows, or an error naming the JSON path, never a panic; the merged evidence of a capture
//! is one the built-in pack's reader accepts.
#![no_main]

use std::sync::OnceLock;

use indicia::Engine;
use indicia_extract::{Source, extract_all};
use libfuzzer_sys::fuzz_target;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let options = indicia_fuzz::options();
    let Some(path) = indicia_fuzz::scratch_file(data, "har") else {
        return;
    };
    let out = extract_all(&[Source::Har(path)], &options, Some("org.example"));
    if let Some(merged) = out.merged {
        let engine = ENGINE.get_or_init(Engine::builtin);
        let json = serde_json::to_vec(&merged.evidence).unwrap_or_default();
        if let Err(e) = engine.read_evidence(&json) {
            panic!("extracted evidence is rejected: {e}");
        }
    }
});
