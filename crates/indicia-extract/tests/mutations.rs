//! Deterministic mutation runs over real binary inputs: whatever the bytes, the readers return a value or
//! an error and never panic (arithmetic overflow included, as tests build with overflow checks).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::collections::HashSet;

use common::{Scratch, build_dex, build_zip, data};
use indicia_extract::{
    Dex, Limits, Options, extract_apk, extract_info_plist, extract_privacy_manifest, parse_manifest_bytes,
};
use indicia_testkit::Rng;

/// Iterations are multiplied by `MUTATION_SCALE` (default 1) for longer runs by hand.
fn scale() -> usize {
    std::env::var("MUTATION_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

/// A copy of `input` with a few bytes replaced, often by values that make sizes and offsets extreme.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len());
        out[at] = match rng.below(4) {
            0 => 0xff,
            1 => 0x00,
            2 => 0x80,
            _ => rng.byte(),
        };
    }
    if rng.below(10) == 0 {
        out.truncate(rng.below(out.len()));
    }
    out
}

#[test]
fn axml_mutations() {
    let mut rng = Rng::new(0x5eed_0001);
    for name in ["a2dp.Vol_137", "androguard-TC"] {
        let real = std::fs::read(data(&format!("apk/axml/{name}_AndroidManifest.axml"))).unwrap();
        for _ in 0..400 * scale() {
            let _ = parse_manifest_bytes(&mutate(&mut rng, &real), None, &Limits::default());
        }
    }
}

#[test]
fn dex_mutations() {
    let mut rng = Rng::new(0x5eed_0002);
    let dex = build_dex(
        &["Lcom/a/B;", "Lcom/a/C$D;"],
        &[("Lcom/a/B;", "run"), ("[Ljava/lang/Object;", "clone"), ("Lcom/a/C$D;", "é")],
    );
    for _ in 0..2000 * scale() {
        let bytes = mutate(&mut rng, &dex);
        if let Ok(d) = Dex::parse(&bytes) {
            let _ = d.method_refs_into(&mut HashSet::new(), &mut Limits::default().budget());
            let _ = d.defined_classes(&mut Limits::default().budget());
        }
    }
}

#[test]
fn plist_and_apk_mutations() {
    let dir = Scratch::new("mutations");
    let mut rng = Rng::new(0x5eed_0003);
    let o = Options::default();
    let bplist = std::fs::read(data("ios/privacy-manifests/adjust_PrivacyInfo.binary.xcprivacy")).unwrap();
    let info = std::fs::read(data("ios/info-plists/homeassistant_App_Info.binary.plist")).unwrap();
    for i in 0..150 * scale() {
        let p = dir.write(&format!("p{i}"), &mutate(&mut rng, &bplist));
        let _ = extract_privacy_manifest(&p, &o);
        let p = dir.write(&format!("i{i}"), &mutate(&mut rng, &info));
        let _ = extract_info_plist(&p, &o);
    }
    let apk = build_zip(&[
        ("AndroidManifest.xml", &std::fs::read(data("apk/axml/androguard-TC_AndroidManifest.axml")).unwrap()),
        ("classes.dex", &build_dex(&["Lcom/a/B;"], &[("Lcom/a/B;", "run")])),
    ]);
    for i in 0..150 * scale() {
        let p = dir.write(&format!("a{i}.apk"), &mutate(&mut rng, &apk));
        let _ = extract_apk(&p, &o);
    }
}
