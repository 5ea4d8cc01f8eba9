//! Check and compile together: any text either builds an engine or gives diagnostics (rendered without a
//! panic); an engine scores empty evidence.
#![no_main]

use indicia::{Engine, EngineError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Engine::from_source("fuzz.ind", text) {
        Ok(engine) => {
            let _ = engine.evaluate_json(br#"{"app": {"id": "x"}, "facts": {}}"#);
        }
        Err(EngineError::Check(indicia::CheckFailure { sources, diagnostics })) => {
            let _ = indicia_syntax::render::render_human(&sources, &diagnostics);
            let _ = indicia_syntax::render::render_json(&sources, &diagnostics);
        }
        Err(_) => {}
    }
});
