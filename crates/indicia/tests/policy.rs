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

    #[test]
    fn the_built_in_policy_denies_the_five_nsb_apps_and_allows_the_benign_one() {
        for (file, id) in [
            ("rednote.json", "com.xingin.xhs"),
            ("douyin.json", "com.ss.android.ugc.aweme"),
            ("weibo.json", "com.sina.weibo"),
            ("wechat.json", "com.tencent.mm"),
            ("baidu-cloud.json", "com.baidu.netdisk"),
        ] {
            let d = decide(file);
            assert_eq!((d.app.as_str(), d.decision.as_str()), (id, "deny"), "{file}: {}", d.reason());
        }
        let benign = decide("benign-notes.json");
        assert_eq!(benign.decision, "allow", "{}", benign.reason());
        assert_eq!(benign.basis, Basis::Held(5));
    }
}
