//! The evidence reader, against the built-in pack: the fast and the reference parser accept and reject
//! the same objects, and an accepted object's report written straight to JSON is the report serialized.
#![no_main]

use std::sync::OnceLock;

use indicia::Engine;
use indicia::evidence::EvidenceReader;
use libfuzzer_sys::fuzz_target;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(Engine::builtin);
    let mut reader = EvidenceReader::new(&engine.pack().schema, engine.program().symbols());
    let fast = reader.read(data);
    let reference = reader.read_reference(data);
    assert_eq!(fast.is_ok(), reference.is_ok(), "the readers disagree: {:?} / {:?}", fast.err(), reference.err());
    if let (Ok(a), Ok(b)) = (fast, reference) {
        let report = engine.evaluate(&a);
        assert_eq!(report, engine.evaluate(&b), "the readers' evidence scores differently");
        let mut line = Vec::new();
        engine.evaluate_into_json(&a, &mut line);
        let written: serde_json::Value = serde_json::from_slice(&line).unwrap_or_default();
        let serialized = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(written, serialized, "the JSON line writer and the report disagree");
    }
});
