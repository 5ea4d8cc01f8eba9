//! `--format html` in a real headless browser (Chromium from Debian's packages, `apt-get install
//! chromium`; or the browser `INDICIA_CHROMIUM` names). The page must load with nothing but itself:
//! no script, no external style, font or image (checked in the text), and Chromium must read it into
//! the expected document (its serialised DOM) and draw it (a screenshot). Without a browser the
//! browser half is skipped and says so.
#![cfg(test)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::stdout_of;

/// A headless-capable Chromium: `INDICIA_CHROMIUM`, or the first of the usual names on `PATH`.
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("INDICIA_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.map(|n| dir.join(n))).find(|p| p.is_file())
}

/// Runs the browser headless on `page` with `args` and returns its standard output.
fn headless(browser: &Path, page: &Path, args: &[&str]) -> String {
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chromium-profile");
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}: {}", browser.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The pages of the test: an example evidence file (`eval`) and a real APK (`scan`), with the
/// number of failed, inconclusive and passed indicators of their JSON reports.
fn pages() -> Vec<(String, String, [usize; 3])> {
    let cases: [(&str, Vec<&str>); 2] = [
        ("douyin", vec!["eval", "examples/evidence/douyin.json"]),
        ("a2dp", vec!["scan", "tests/data/extract/apk/a2dp.Vol_137.apk"]),
    ];
    cases
        .into_iter()
        .map(|(name, args)| {
            let mut html_args = args.clone();
            html_args.extend(["--format", "html"]);
            let report: serde_json::Value = serde_json::from_str(&stdout_of(&args)).unwrap();
            let s = &report["summary"];
            let counts = ["failed", "inconclusive", "passed"].map(|k| s[k].as_u64().unwrap() as usize);
            (name.to_owned(), stdout_of(&html_args), counts)
        })
        .collect()
}

#[test]
fn html_is_self_contained_and_renders_in_chromium() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html");
    std::fs::create_dir_all(&dir).unwrap();
    let pages = pages();
    for (name, html, _) in &pages {
        // Nothing is loaded from anywhere: no script, no link, no source, no URL in the style.
        for forbidden in ["<script", "<link", " src=", " href=", "url(", "@import", "http://", "https://"] {
            assert!(!html.contains(forbidden), "{name}: the page holds {forbidden:?}");
        }
        assert!(html.contains("default-src 'none'"), "{name}: the page forbids every load");
        std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
    }
    let Some(browser) = browser() else {
        eprintln!(
            "html_is_self_contained_and_renders_in_chromium: browser check SKIPPED: no Chromium found \
             (install Debian's `chromium`, or set INDICIA_CHROMIUM to a headless-capable browser)"
        );
        return;
    };
    for (name, _, [failed, inconclusive, passed]) in &pages {
        let page = dir.join(format!("{name}.html"));
        let dom = headless(&browser, &page, &["--dump-dom"]);
        assert!(dom.contains("<section id=\"found\">"), "{name}: what was found");
        for (class, count) in [("fail", failed), ("inconclusive", inconclusive), ("pass", passed)] {
            let seen = dom.matches(&format!("<article class=\"indicator {class}\"")).count();
            assert_eq!(seen, *count, "{name}: {class} indicators in Chromium's DOM");
        }
        let shot = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        headless(&browser, &page, &[&format!("--screenshot={}", shot.display()), "--window-size=1100,1400"]);
        let png = std::fs::read(&shot).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{name}: a drawn page");
    }
}
