//! Generates a ~50 MB APK with 100,000 distinct method references and times its extraction.
//!
//! ```text
//! cargo run --release -p indicia-extract --example perf_apk [-- OUT.apk]
//! ```
//!
//! The APK has two DEX files (`classes.dex`, `classes2.dex`), each with 2,500 classes of 20 methods
//! (50,000 method references) and 150,000 string constants, deflated; a 45 MiB native library of
//! pseudo-random bytes, stored; and the real binary manifest of androguard's TC test app. Extraction is
//! timed as `indicia extract --apk` runs it: read and merge into evidence, then write the JSON text.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a measurement program, not library code"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use indicia_extract::{Kind, Options, Source, extract_all};

fn dex(part: usize) -> Vec<u8> {
    let classes: Vec<String> = (0..2_500).map(|c| format!("Lcom/example/big/p{part}/m{}/Class{c};", c % 50)).collect();
    let names: Vec<String> = (0..20).map(|m| format!("method{m}")).collect();
    let methods: Vec<(&str, &str)> =
        classes.iter().flat_map(|c| names.iter().map(move |n| (c.as_str(), n.as_str()))).collect();
    let defined: Vec<&str> = classes.iter().map(String::as_str).collect();
    let filler: Vec<String> =
        (0..150_000).map(|i| format!("string constant {part}-{i} used by some code {:x}", i * 7919)).collect();
    common::build_dex_with(&defined, &methods, &filler)
}

fn main() {
    let out = std::env::args().nth(1).map_or_else(|| std::env::temp_dir().join("indicia-perf.apk"), PathBuf::from);
    let manifest = std::fs::read(common::data("apk/axml/androguard-TC_AndroidManifest.axml")).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("AndroidManifest.xml", deflated).unwrap();
    zip.write_all(&manifest).unwrap();
    for (i, name) in ["classes.dex", "classes2.dex"].iter().enumerate() {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(&dex(i)).unwrap();
    }
    zip.start_file("lib/arm64-v8a/libapp.so", stored).unwrap();
    let mut rng = indicia_testkit::Rng::new(0x9e37_79b9_7f4a_7c15);
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..45 {
        for b in block.chunks_exact_mut(8) {
            b.copy_from_slice(&rng.next_u64().to_le_bytes());
        }
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
    let size = std::fs::metadata(&out).unwrap().len();

    let start = Instant::now();
    let contents = indicia_extract::read_apk(&out, &Options::default()).unwrap();
    println!("read_apk (zip, manifest, DEX tables, symbols): {:.3} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let p = indicia_extract::extract_apk(&out, &Options::default()).unwrap();
    println!("extract_apk (the above, tracker signatures, facts): {:.3} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let merged = indicia_extract::merge(vec![p], None);
    println!("merge: {:.3} s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let _ = serde_json::to_string_pretty(&merged.evidence).unwrap();
    println!("JSON text: {:.3} s ({} classes)", start.elapsed().as_secs_f64(), contents.classes.len());

    let mut best = f64::MAX;
    let mut refs = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let extraction = extract_all(&[Source::Apk(out.clone())], &Options::default(), None);
        let merged = extraction.merged.unwrap();
        let text = serde_json::to_string_pretty(&merged.evidence).unwrap();
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        refs = merged.evidence["facts"][Kind::Api.name()].as_array().unwrap().len();
        assert!(text.len() > 1_000_000);
    }
    println!(
        "{}: {:.1} MB, {refs} method references; extraction (best of 5): {:.3} s",
        out.display(),
        size as f64 / 1e6,
        best
    );
}
