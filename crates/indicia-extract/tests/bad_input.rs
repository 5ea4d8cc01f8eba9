//! Bad input never panics: each gets an error naming the file and the problem, in bounded memory (a
//! hang shows as a stuck test; speed is measured in benches, never asserted). The inputs are built here (a sparse 1 GiB file, a crafted zip bomb, truncated and garbled
//! copies of real files), never committed.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::io::Write;
use std::path::Path;

use common::{Scratch, build_dex, build_zip, data};
use indicia_extract::{
    ExtractError, Options, Source, extract_apk, extract_har, extract_info_plist, extract_ipa, extract_manifest,
    extract_privacy_manifest,
};

/// Runs every extractor that fits `path`'s role and returns the error, checking that it names the file.
fn fails(result: Result<impl std::fmt::Debug, ExtractError>, path: &Path, needle: &str) -> String {
    let err = result.expect_err("bad input must be an error");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "error does not name the file: {msg}");
    assert!(msg.to_lowercase().contains(&needle.to_lowercase()), "error `{msg}` does not say `{needle}`");
    msg
}

#[test]
fn garbage_everywhere() {
    let dir = Scratch::new("garbage");
    let mut noise = Vec::with_capacity(64 * 1024);
    let mut rng = indicia_testkit::Rng::new(0x1234_5678);
    for _ in 0..64 * 1024 {
        noise.push(rng.byte());
    }
    let p = dir.write("noise.bin", &noise);
    let o = Options::default();
    fails(extract_apk(&p, &o), &p, "zip");
    fails(extract_ipa(&p, &o), &p, "zip");
    fails(extract_manifest(&p, &o, None), &p, "UTF-8");
    fails(extract_info_plist(&p, &o), &p, "property list");
    fails(extract_privacy_manifest(&p, &o), &p, "property list");
    fails(extract_har(&p, &o), &p, "invalid JSON");
    let empty = dir.write("empty", b"");
    fails(extract_apk(&empty, &o), &empty, "zip");
    fails(extract_manifest(&empty, &o, None), &empty, "root element");
    fails(extract_har(&empty, &o), &empty, "JSON");
    let missing = dir.path("missing.apk");
    fails(extract_apk(&missing, &o), &missing, "cannot open");
}

#[test]
fn truncated_zip() {
    let dir = Scratch::new("truncated");
    let real = std::fs::read(data("apk/a2dp.Vol_137.apk")).unwrap();
    let o = Options::default();
    for cut in [real.len() / 2, real.len() - 10, 100] {
        let p = dir.write(&format!("cut{cut}.apk"), &real[..cut]);
        fails(extract_apk(&p, &o), &p, "zip");
    }
    // The central directory intact but a member's data garbled: the member is named.
    let mut garbled = real.clone();
    for b in &mut garbled[2000..40_000] {
        *b = !*b;
    }
    let p = dir.write("garbled.apk", &garbled);
    let msg = extract_apk(&p, &o).unwrap_err().to_string();
    assert!(msg.starts_with(&p.display().to_string()), "{msg}");
}

#[test]
fn malformed_axml_and_dex_members() {
    let dir = Scratch::new("members");
    let o = Options::default();
    let real = std::fs::read(data("apk/axml/a2dp.Vol_137_AndroidManifest.axml")).unwrap();
    for (name, manifest) in [
        ("half", real[..real.len() / 2].to_vec()),
        ("header", real[..8].to_vec()),
        ("garbage", {
            let mut g = real.clone();
            for (i, b) in g.iter_mut().enumerate().skip(8) {
                *b = (i * 7) as u8;
            }
            g
        }),
        ("text", b"<manifest package='p'><application>".to_vec()),
    ] {
        let p = dir.write(&format!("{name}.apk"), &build_zip(&[("AndroidManifest.xml", &manifest)]));
        let msg = fails(extract_apk(&p, &o), &p, "AndroidManifest.xml");
        assert!(!msg.is_empty());
    }
    let dex = build_dex(&["La/B;"], &[("La/B;", "c")]);
    for (name, bad) in [
        ("short", dex[..50].to_vec()),
        ("cut", dex[..dex.len() - 30].to_vec()),
        ("magic", {
            let mut d = dex.clone();
            d[0] = b'x';
            d
        }),
        ("huge-count", {
            let mut d = dex.clone();
            d[88..92].copy_from_slice(&0x0fff_ffffu32.to_le_bytes());
            d
        }),
    ] {
        let p = dir.write(&format!("dex-{name}.apk"), &build_zip(&[("classes2.dex", &bad)]));
        fails(extract_apk(&p, &o), &p, "classes2.dex");
    }
}

#[test]
fn malformed_text_inputs() {
    let dir = Scratch::new("text");
    let o = Options::default();
    for (name, text, needle) in [
        ("unclosed.xml", "<manifest><application></manifest>", "malformed XML"),
        ("notmanifest.xml", "<plist/>", "<manifest>"),
        ("open.xml", "<manifest><application>", "ends inside"),
    ] {
        let p = dir.write(name, text.as_bytes());
        fails(extract_manifest(&p, &o, None), &p, needle);
    }
    let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
    let p = dir.write("deep.xml", deep.as_bytes());
    fails(extract_manifest(&p, &o, None), &p, "deeper");
    let p = dir.write("array.plist", b"<?xml version=\"1.0\"?><plist version=\"1.0\"><array/></plist>");
    fails(extract_info_plist(&p, &o), &p, "not a dictionary");
    let real = std::fs::read(data("ios/info-plists/homeassistant_App_Info.binary.plist")).unwrap();
    let p = dir.write("cut.plist", &real[..real.len() / 2]);
    fails(extract_info_plist(&p, &o), &p, "property list");
    let broken = data("har/mitmproxy_brokenfile.invalid.har");
    fails(extract_har(&broken, &o), &broken, "line 5");
    for (name, text, needle) in [
        ("nolog.har", r#"{"entries": []}"#, "no `log`"),
        ("noentries.har", r#"{"log": {"entries": 3}}"#, "log.entries"),
        ("nourl.har", r#"{"log": {"entries": [{"request": {"method": "GET"}}]}}"#, "log.entries[0].request.url"),
    ] {
        let p = dir.write(name, text.as_bytes());
        fails(extract_har(&p, &o), &p, needle);
    }
}

#[test]
fn sparse_gigabyte_file() {
    let dir = Scratch::new("sparse");
    let p = dir.path("huge.bin");
    std::fs::File::create(&p).unwrap().set_len(1 << 30).unwrap();
    let o = Options::default();
    fails(extract_apk(&p, &o), &p, "zip");
    fails(extract_ipa(&p, &o), &p, "zip");
    fails(extract_har(&p, &o), &p, "too large");
    fails(extract_manifest(&p, &o, None), &p, "too large");
    fails(extract_info_plist(&p, &o), &p, "too large");
    fails(extract_privacy_manifest(&p, &o), &p, "too large");
    fails(Source::app(&p), &p, "zip");
}

/// A zip whose only member, `classes.dex`, is 300 MiB of zeros deflated to about 300 KiB.
#[test]
fn zip_bomb() {
    let dir = Scratch::new("bomb");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(false);
    zip.start_file("classes.dex", options).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 2 << 20, "{}", bytes.len());
    let p = dir.write("bomb.apk", &bytes);
    fails(extract_apk(&p, &Options::default()), &p, "over the limit");

    // The same member with its declared size patched to 1000 bytes: the reader stops at the cap and the
    // member is reported, whatever the header says.
    let mut lying = bytes.clone();
    let size = (300u32 << 20).to_le_bytes();
    let mut patched = 0;
    let mut i = 0;
    while i + 4 <= lying.len() {
        if lying[i..i + 4] == size {
            lying[i..i + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
        i += 1;
    }
    assert!(patched >= 2, "{patched}");
    let p = dir.write("lying.apk", &lying);
    fails(extract_apk(&p, &Options::default()), &p, "classes.dex");
}
