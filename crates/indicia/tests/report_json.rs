//! `Engine::evaluate_into_json` writes exactly the bytes serde_json writes for the report that
//! `Engine::evaluate` builds: over generated packs and evidence, the built-in pack's fixtures,
//! and evidence whose `app` object, warnings and kind names need escaping.

// In a `#[cfg(test)]` module, the helpers may fail by panicking like the tests (clippy.toml).
#[cfg(test)]
mod report_json {
    use indicia::Engine;
    use indicia_testkit::generate::{EvidenceGenerator, generate_pack_seeded};

    /// Scores `json` both ways and compares the bytes.
    fn same_bytes(engine: &Engine, json: &[u8]) {
        let evidence = engine.read_evidence(json).unwrap();
        let expected = serde_json::to_vec(&engine.evaluate(&evidence)).unwrap();
        let mut written = b"previous line\n".to_vec();
        engine.evaluate_into_json(&evidence, &mut written);
        let written = written.strip_prefix(b"previous line\n".as_slice()).unwrap();
        assert_eq!(String::from_utf8_lossy(written), String::from_utf8_lossy(&expected));
    }

    #[test]
    fn generated_packs_and_evidence() {
        for (indicators, seed) in [(15, 1), (60, 2), (250, 3)] {
            let engine = Engine::from_source("generated", &generate_pack_seeded(indicators, seed)).unwrap();
            for facts in [0, 5, 200] {
                let apps = EvidenceGenerator::new(facts, seed);
                for index in 0..20 {
                    same_bytes(&engine, apps.app(index).as_bytes());
                }
            }
        }
    }

    #[test]
    fn builtin_pack_over_its_fixtures() {
        let engine = Engine::builtin();
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/tw-mabis-v4/tests/fixtures");
        let mut seen = 0;
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                same_bytes(&engine, &std::fs::read(&path).unwrap());
                seen += 1;
            }
        }
        assert!(seen >= 6, "the fixtures were found ({seen})");
    }

    #[test]
    fn escapes_warnings_and_odd_names() {
        let pack = r#"
        category odd { title: "Tab\there, é and \\ backslash \"quoted\"" }
        fact weird { name: string, n: float? }
        indicator "X-1 \u{1F600} \"q\"" {
          title: "Quote \" and newline \n"
          category: odd
          severity: high
          weight: 0.35
          refs: ["a\"b", "c\\d"]
          when: any weird where name == "x"
        }
        indicator "X-2" { title: "Two" category: odd severity: low when: none weird where n > 1.5 }
    "#;
        let engine = Engine::from_source("odd", pack).unwrap();
        let evidence = r#"{"app": {"id": "x\u0001\"y", "name": "漢字 \ud83d\ude00", "n": -0.0, "deep": [{"a": null}, 1e300]},
            "facts": {"weird": [{"name": "y"}, {"name": "x", "n": 2.25, "na\"me": 1}], "nope\n": [], "z": [{}]},
            "extra": 1}"#;
        same_bytes(&engine, evidence.as_bytes());
        // The case covers what it means to: a failure with a witness, and escaped warnings.
        let report = engine.evaluate_json(evidence.as_bytes()).unwrap();
        assert_eq!(report.failed().map(|i| i.witnesses.len()).collect::<Vec<_>>(), [1]);
        assert!(report.warnings.len() >= 3, "{:?}", report.warnings);
    }
}
