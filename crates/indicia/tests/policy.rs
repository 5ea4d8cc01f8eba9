//! The built-in policy over the example evidence: the decisions an administrator expects, read
//! off the fixtures by hand (docs/rules/tw-mabis-v4-policy.md gives the reasoning).

// In a `#[cfg(test)]` module, the helpers may fail by panicking like the tests (clippy.toml).
#[cfg(test)]
mod policy {
    use std::path::Path;

    use indicia::Engine;
    use indicia::policy::{Basis, Policy};

    fn decide(file: &str) -> indicia::policy::Decision {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence").join(file);
        let bytes = std::fs::read(&path).unwrap();
        let report = Engine::builtin().evaluate_json(&bytes).unwrap();
        Policy::builtin().unwrap().decide(&report).unwrap()
    }

    /// `tests/fleet/*/`: each policy over its reports gives the expected decisions.
    #[test]
    fn fleet_cases_give_their_expected_decisions() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fleet");
        let mut cases: Vec<_> =
            std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
        cases.sort();
        assert!(cases.len() >= 4, "too few fleet cases");
        for case in cases {
            let policy = Policy::from_path(case.join("policy.ind")).unwrap();
            let reports = std::fs::read_to_string(case.join("reports.jsonl")).unwrap();
            let expected = std::fs::read_to_string(case.join("expected.jsonl")).unwrap();
            assert_eq!(reports.lines().count(), expected.lines().count(), "{}", case.display());
            for (n, (report, expected)) in reports.lines().zip(expected.lines()).enumerate() {
                let d = policy.decide_json(report.as_bytes()).unwrap();
                let (basis, rule) = match d.basis {
                    Basis::Held(r) => ("rule", Some(r + 1)),
                    Basis::Unknown(r) => ("unknown", Some(r + 1)),
                    Basis::NoneHeld => ("none", None),
                };
                let actual = serde_json::json!({
                    "app": d.app, "decision": d.decision, "basis": basis, "rule": rule, "indicators": d.indicators,
                });
                let expected: serde_json::Value = serde_json::from_str(expected).unwrap();
                assert_eq!(actual, expected, "{} line {}: {}", case.display(), n + 1, d.reason());
            }
        }
    }

    /// Params override the policy's lists, as `indicia decide --param` does.
    #[test]
    fn param_overrides_move_an_app_between_lists() {
        let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fleet/param-lists");
        let reports = std::fs::read_to_string(case.join("reports.jsonl")).unwrap();
        let clean = reports.lines().nth(4).unwrap();
        let policy = Policy::from_path(case.join("policy.ind")).unwrap();
        assert_eq!(policy.decide_json(clean.as_bytes()).unwrap().decision, "allow");
        let stricter = policy.with_param_overrides(&[r#"always_deny=["com.clean"]"#.to_string()]).unwrap();
        let d = stricter.decide_json(clean.as_bytes()).unwrap();
        assert_eq!((d.decision.as_str(), d.basis), ("deny", Basis::Held(0)));
    }

    /// An app whose run-time indicators were not observed is reviewed, never allowed: the
    /// benign app with its flows unobserved leaves TW-DT-03 inconclusive.
    #[test]
    fn the_built_in_policy_reviews_an_app_it_cannot_clear() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence/benign-notes.json");
        let mut evidence: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let collected = evidence["collected"].as_array_mut().unwrap();
        collected.retain(|k| k != "flow");
        evidence["facts"].as_object_mut().unwrap().remove("flow");
        let report = Engine::builtin().evaluate_json(evidence.to_string().as_bytes()).unwrap();
        let d = Policy::builtin().unwrap().decide(&report).unwrap();
        assert_eq!(d.decision, "review", "{}", d.reason());
        assert!(matches!(d.basis, Basis::Unknown(_)), "{}", d.reason());
        assert!(d.indicators.iter().any(|i| i == "TW-DT-03"), "{}", d.reason());
    }

    #[test]
    fn the_built_in_policy_denies_the_five_nsb_apps_and_allows_the_benign_one() {
        let both = ["TW-BIO-01", "TW-DT-03"];
        for (file, id, behind) in [
            ("rednote.json", "com.xingin.xhs", &both[..]),
            ("douyin.json", "com.ss.android.ugc.aweme", &both[..]),
            ("weibo.json", "com.sina.weibo", &["TW-DT-03"][..]),
            ("wechat.json", "com.tencent.mm", &both[..]),
            ("baidu-cloud.json", "com.baidu.netdisk", &both[..]),
        ] {
            let d = decide(file);
            assert_eq!((d.app.as_str(), d.decision.as_str()), (id, "deny"), "{file}: {}", d.reason());
            assert_eq!(d.basis, Basis::Held(2), "{file}: {}", d.reason());
            assert_eq!(d.indicators, behind, "{file}");
        }
        let benign = decide("benign-notes.json");
        assert_eq!(benign.decision, "allow", "{}", benign.reason());
        assert_eq!(benign.basis, Basis::Held(5));
    }
}
