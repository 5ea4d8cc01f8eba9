//! The built-in pack `rules/tw-mabis-v4` (issue 5): no revoked ATT&CK id in its references, and its
//! illustrative NSB fixtures consistent with each other and with the published facts.

use std::fs;
use std::path::{Path, PathBuf};

/// ATT&CK for Mobile ids that are revoked or deprecated (research §5.2): none may appear in `refs`.
const REVOKED_ATTACK_IDS: &[&str] = &[
    "T1432", "T1433", "T1435", "T1412", "T1419", "T1507", "T1411", "T1508", "T1410", "T1438", "T1476", "T1475",
    "T1444", // mobile, revoked or deprecated
    "T1614", "T1620", "T1077", // enterprise ids wrongly used for mobile in the seed article
];

/// The five apps of the NSB table: fixture stem and published number of failed indicators.
const NSB_APPS: &[(&str, usize)] =
    &[("rednote", 15), ("weibo", 13), ("douyin", 13), ("wechat", 10), ("baidu-cloud", 9)];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pack_dir() -> PathBuf {
    root().join("rules/tw-mabis-v4")
}

/// Every `.ind` file of the pack, recursively, as (path, text).
fn rule_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut entries: Vec<PathBuf> =
            fs::read_dir(dir).expect("pack directory").map(|e| e.expect("directory entry").path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "ind") {
                let text = fs::read_to_string(&path).expect("rule file");
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&pack_dir(), &mut out);
    out
}

/// The string literals of a rule file, outside comments (a rough lexer: enough for `refs`).
fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                s.push(escaped);
                            }
                        }
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(s);
            }
            _ => {}
        }
    }
    out
}

/// `T` followed by four digits, optionally `.` and three digits.
fn is_attack_id(id: &str) -> bool {
    let (base, sub) = match id.split_once('.') {
        Some((base, sub)) => (base, Some(sub)),
        None => (id, None),
    };
    let four_digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    base.strip_prefix('T').is_some_and(four_digits)
        && sub.is_none_or(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn no_revoked_attack_id_in_the_pack() {
    let files = rule_files();
    assert!(files.len() >= 6, "the pack has its rule files");
    let mut attack_refs = 0;
    for (path, text) in &files {
        for literal in string_literals(text) {
            if let Some(id) = literal.strip_prefix("MITRE-ATTACK:") {
                attack_refs += 1;
                assert!(is_attack_id(id), "{}: malformed ATT&CK reference {literal:?}", path.display());
                let base = id.split('.').next().unwrap_or(id);
                assert!(
                    !REVOKED_ATTACK_IDS.contains(&base),
                    "{}: revoked or non-mobile ATT&CK id {literal:?}",
                    path.display()
                );
            }
        }
        // A revoked id must not hide in any other literal either (e.g. a differently spelled prefix).
        for literal in string_literals(text) {
            for revoked in REVOKED_ATTACK_IDS {
                let mentions = literal.match_indices(revoked).any(|(at, _)| {
                    let after = literal[at + revoked.len()..].chars().next();
                    after.is_none_or(|c| !c.is_ascii_digit())
                });
                assert!(!mentions, "{}: {literal:?} mentions the revoked id {revoked}", path.display());
            }
        }
    }
    assert!(attack_refs >= 20, "the pack references ATT&CK ids ({attack_refs} found)");
}

#[test]
fn the_pack_declares_the_fifteen_indicators() {
    let text: String = rule_files().into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n");
    let ids = [
        "TW-PD-01",
        "TW-PD-02",
        "TW-PD-03",
        "TW-PD-04",
        "TW-PD-05",
        "TW-EP-01",
        "TW-EP-02",
        "TW-EP-03",
        "TW-EP-04",
        "TW-DT-01",
        "TW-DT-02",
        "TW-DT-03",
        "TW-SI-01",
        "TW-SI-02",
        "TW-BIO-01",
    ];
    for id in ids {
        let declaration = format!("indicator \"{id}\"");
        assert_eq!(text.matches(&declaration).count(), 1, "{id} is declared once");
    }
    assert_eq!(text.matches("\nindicator \"").count(), ids.len(), "no indicator beyond the 15");
    assert!(text.contains("standard tw_mabis {"), "the standard block");
}

fn read_json(path: &Path) -> serde_json::Value {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn nsb_examples_are_the_test_fixtures_and_say_they_are_illustrative() {
    let examples = root().join("examples/evidence");
    let fixtures = pack_dir().join("tests/fixtures");
    let mut pairs: Vec<(String, String)> =
        NSB_APPS.iter().map(|(stem, _)| (format!("{stem}.json"), format!("{stem}.json"))).collect();
    pairs.push(("benign-notes.json".to_string(), "benign-android.json".to_string()));
    for (example, fixture) in pairs {
        let example_json = read_json(&examples.join(&example));
        let fixture_json = read_json(&fixtures.join(&fixture));
        assert_eq!(example_json, fixture_json, "examples/evidence/{example} is a copy of tests/fixtures/{fixture}");
        let note = example_json["app"]["note"].as_str().unwrap_or_default();
        assert!(note.contains("illustrative") && note.contains("not measured"), "{example}: app.note says so");
        assert!(example_json["app"]["id"].is_string(), "{example}: app.id");
    }
}

/// Findings only ever decide the review items: a fixture reaches its total through behaviors,
/// API calls and flows, so each NSB fixture carries them and lists the analyses that ran.
#[test]
fn nsb_fixtures_carry_dynamic_evidence() {
    for (stem, _) in NSB_APPS {
        let json = read_json(&pack_dir().join(format!("tests/fixtures/{stem}.json")));
        let collected: Vec<&str> =
            json["collected"].as_array().expect("collected").iter().filter_map(|v| v.as_str()).collect();
        for kind in ["permission", "behavior", "flow", "finding"] {
            assert!(collected.contains(&kind), "{stem}: collected lists {kind}");
        }
        let checks: Vec<&str> =
            json["facts"]["finding"].as_array().expect("findings").iter().filter_map(|f| f["check"].as_str()).collect();
        for check in &checks {
            assert!(
                [
                    "excessive_mandatory_fields",
                    "excessive_permissions",
                    "forced_consent",
                    "no_account_deletion",
                    "no_data_export",
                    "no_consent_withdrawal"
                ]
                .contains(check),
                "{stem}: finding {check} is a review check of the vocabulary"
            );
        }
    }
}

// ---- With the engine: the built-in pack scores the NSB fixtures as published ----

/// Scores one file of `examples/evidence/` with the built-in pack.
fn score(file: &str) -> indicia::Report {
    let path = root().join("examples/evidence").join(file);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    indicia::Engine::builtin().evaluate_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn verdict(report: &indicia::Report, id: &str) -> String {
    let indicator = report.indicators.iter().find(|i| &*i.id == id).unwrap_or_else(|| panic!("{id} in the report"));
    indicator.verdict.name().to_string()
}

#[test]
fn builtin_pack_reproduces_the_nsb_totals() {
    for (stem, failed) in NSB_APPS {
        let report = score(&format!("{stem}.json"));
        assert_eq!(report.summary.total, 15, "{stem}: 15 indicators");
        assert_eq!(report.summary.failed, *failed, "{stem}: {failed} of 15 failed, as the NSB published");
        assert_eq!(report.summary.inconclusive, 0, "{stem}: every indicator decided");
    }
    let benign = score("benign-notes.json");
    assert_eq!((benign.summary.failed, benign.summary.passed), (0, 15), "the benign app passes all 15");
}

#[test]
fn builtin_pack_agrees_with_the_confirmed_per_app_facts() {
    let reports: Vec<(&str, indicia::Report)> =
        NSB_APPS.iter().map(|(stem, _)| (*stem, score(&format!("{stem}.json")))).collect();
    for (stem, report) in &reports {
        for id in ["TW-SI-01", "TW-SI-02", "TW-DT-03"] {
            assert_eq!(verdict(report, id), "fail", "{stem} fails {id}");
        }
        let pd_failed = ["TW-PD-01", "TW-PD-02", "TW-PD-03", "TW-PD-04", "TW-PD-05"]
            .iter()
            .filter(|id| verdict(report, id) == "fail")
            .count();
        match *stem {
            "rednote" | "weibo" | "douyin" => assert_eq!(pd_failed, 5, "{stem} fails PD-01…05"),
            "wechat" => assert_eq!(pd_failed, 4, "WeChat fails four of PD-01…05"),
            _ => {}
        }
    }
    let bio_failed = reports.iter().filter(|(_, r)| verdict(r, "TW-BIO-01") == "fail").count();
    assert_eq!(bio_failed, 4, "four of the five fail TW-BIO-01");
}

#[test]
fn builtin_pack_refs_carry_no_revoked_id_and_categories_hold_5_4_3_2_1() {
    let report = score("rednote.json");
    assert_eq!(report.pack.name, "tw_mabis");
    assert_eq!(report.pack.version.as_deref(), Some("4.0"));
    for indicator in &report.indicators {
        for reference in indicator.refs.iter() {
            if let Some(id) = reference.strip_prefix("MITRE-ATTACK:") {
                let base = id.split('.').next().unwrap_or(id);
                assert!(!REVOKED_ATTACK_IDS.contains(&base), "{}: revoked id {reference}", indicator.id);
            }
        }
        assert!(indicator.refs.iter().any(|r| r.starts_with("MASVS-PRIVACY-")), "{}: a MASVS ref", indicator.id);
    }
    let sizes: Vec<(&str, usize)> = report.categories.iter().map(|c| (&*c.id, c.total)).collect();
    assert_eq!(
        sizes,
        [
            ("biometrics", 1),
            ("data_transmission", 3),
            ("excessive_permissions", 4),
            ("personal_data", 5),
            ("system_information", 2)
        ]
    );
}

#[test]
fn builtin_pack_test_blocks_all_pass() {
    let run = indicia::testing::run_tests(&indicia::Engine::builtin());
    assert!(run.passed >= 18, "the pack's test blocks ran ({} passed)", run.passed);
    assert_eq!(run.failed, 0, "{}", run.failures.join("\n"));
}
