//! Formats whose parts can be shared are bounded in what they expand to, not only in their size: a small
//! file whose references reuse one part many times is rejected with an error that says so, after work
//! proportional to the expansion budget. Every input is built here, byte by byte, from the formats'
//! published layouts (Apple's `CFBinaryPList.c` trailer, AOSP's `ResourceTypes.h` chunks, the DEX format).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::{Scratch, build_dex, build_zip};
use indicia_extract::{
    Expansion, Kind, Limits, Options, extract_apk, extract_info_plist, extract_ipa, extract_privacy_manifest,
    parse_manifest_bytes,
};

/// A binary plist (`bplist00`) of the given objects, already encoded, each reference `ref_size` bytes;
/// object 0 is the root. Offsets are written in 4 bytes.
fn bplist(objects: &[Vec<u8>], ref_size: u8) -> Vec<u8> {
    let mut out = b"bplist00".to_vec();
    let mut offsets = Vec::new();
    for object in objects {
        offsets.push(out.len() as u32);
        out.extend_from_slice(object);
    }
    let table = out.len() as u64;
    for off in offsets {
        out.extend_from_slice(&off.to_be_bytes());
    }
    out.extend_from_slice(&[0; 6]); // unused, sort version
    out.push(4); // offset size
    out.push(ref_size);
    out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
    out.extend_from_slice(&0u64.to_be_bytes()); // top object
    out.extend_from_slice(&table.to_be_bytes());
    out
}

/// A collection marker (`0xA` array, `0xD` dictionary) with its count.
fn marker(kind: u8, count: usize) -> Vec<u8> {
    if count < 15 {
        vec![(kind << 4) | count as u8]
    } else {
        let mut m = vec![(kind << 4) | 0xF, 0x12];
        m.extend_from_slice(&(count as u32).to_be_bytes());
        m
    }
}

/// An ASCII string object.
fn ascii(s: &str) -> Vec<u8> {
    let mut m = if s.len() < 15 {
        vec![0x50 | s.len() as u8]
    } else {
        let mut m = vec![0x5F, 0x12];
        m.extend_from_slice(&(s.len() as u32).to_be_bytes());
        m
    };
    m.extend_from_slice(s.as_bytes());
    m
}

/// `{ "a": A0 }` where `A(k)` is the array `[A(k+1), A(k+1)]` for `k < depth` and `A(depth)` is empty: a
/// file of a few hundred bytes that expands to 2^(depth+1) values.
fn doubling_plist(depth: usize) -> Vec<u8> {
    // Objects: 0 the root dictionary, 1 the key, 2.. the arrays.
    let mut objects = vec![vec![0xD1, 1, 2], ascii("a")];
    for k in 0..depth {
        let next = (3 + k) as u8;
        objects.push(vec![0xA2, next, next]);
    }
    objects.push(vec![0xA0]);
    assert!(objects.len() < 256, "one-byte references");
    bplist(&objects, 1)
}

fn expansion_error(result: Result<impl std::fmt::Debug, impl ToString>) -> String {
    let msg = result.expect_err("an expanding input must be rejected").to_string();
    assert!(msg.contains("expands to more than"), "unexpected error: {msg}");
    msg
}

#[test]
fn a_plist_whose_arrays_share_their_children_is_rejected() {
    let dir = Scratch::new("doubling-plist");
    let tiny = doubling_plist(64);
    assert!(tiny.len() < 1024, "{} bytes", tiny.len());
    let p = dir.write("Info.plist", &tiny);
    let o = Options::default();
    let msg = expansion_error(extract_info_plist(&p, &o));
    assert!(msg.contains("Info.plist") && msg.contains("1000000 objects"), "{msg}");
    expansion_error(extract_privacy_manifest(&p, &o));
    let ipa = dir.write("app.ipa", &build_zip(&[("Payload/A.app/Info.plist", &tiny)]));
    let msg = expansion_error(extract_ipa(&ipa, &o));
    assert!(msg.contains("app.ipa!Payload/A.app/Info.plist"), "{msg}");
}

#[test]
fn sharing_within_the_budget_reads_whole() {
    // Depth 10: 2^11 - 1 arrays plus the root and key, well within the default budget.
    let dir = Scratch::new("shared-ok");
    let mut objects = vec![vec![0xD2, 1, 2, 3, 4], ascii("NSCameraUsageDescription"), ascii("a"), ascii("x")];
    for k in 0..10 {
        let next = (6 + k) as u8;
        objects.push(vec![0xA2, next, next]);
    }
    objects.push(vec![0xA0]);
    // Root { NSCameraUsageDescription: "x", a: A0 } (keys 1, 2; values 3, 4).
    let p = dir.write("Info.plist", &bplist(&objects, 1));
    let partial = extract_info_plist(&p, &Options::default()).unwrap();
    assert_eq!(partial.facts_of(Kind::Permission).len(), 1, "{partial:?}");
}

#[test]
fn a_plist_that_repeats_one_long_string_is_rejected_by_its_bytes() {
    // One array of 100,000 references to one 1,000-byte string: 100 kB that expand to 100 MB of text,
    // over the default 64 MiB though under the default million objects.
    let dir = Scratch::new("string-plist");
    let n = 100_000;
    let mut array = marker(0xA, n);
    array.extend(std::iter::repeat_n(3u8, n));
    let objects = vec![vec![0xD1, 1, 2], ascii("a"), array, ascii(&"s".repeat(1000))];
    let p = dir.write("Info.plist", &bplist(&objects, 1));
    let msg = expansion_error(extract_info_plist(&p, &Options::default()));
    assert!(msg.contains("67108864 bytes"), "{msg}");
}

#[test]
fn the_budget_is_a_setting() {
    let dir = Scratch::new("plist-settings");
    let p = dir.write("Info.plist", &doubling_plist(8));
    let mut o = Options::default();
    assert!(extract_info_plist(&p, &o).is_ok());
    o.limits.expansion = Expansion { max_objects: 100, ..Expansion::default() };
    let msg = expansion_error(extract_info_plist(&p, &o));
    assert!(msg.contains("100 objects"), "{msg}");
}

/// A UTF-8 string of the binary XML string pool (lengths below 0x8000).
fn pool_string(s: &str, out: &mut Vec<u8>) {
    for len in [s.chars().count(), s.len()] {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            out.push(0x80 | (len >> 8) as u8);
            out.push(len as u8);
        }
    }
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

fn chunk(kind: u16, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend_from_slice(&((8 + header.len()) as u16).to_le_bytes());
    out.extend_from_slice(&((8 + header.len() + body.len()) as u32).to_le_bytes());
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    out
}

/// A binary `AndroidManifest.xml`: `<manifest>` with `attrs` attributes, each named and valued by one
/// 30,000-byte string of the pool.
fn sharing_axml(attrs: usize) -> Vec<u8> {
    let strings = ["manifest".to_owned(), "n".repeat(30_000)];
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for s in &strings {
        offsets.extend_from_slice(&(data.len() as u32).to_le_bytes());
        pool_string(s, &mut data);
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let mut header = Vec::new();
    header.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes()); // styles
    header.extend_from_slice(&(1u32 << 8).to_le_bytes()); // UTF-8
    header.extend_from_slice(&((28 + offsets.len()) as u32).to_le_bytes()); // strings start
    header.extend_from_slice(&0u32.to_le_bytes()); // styles start
    let mut body = offsets;
    body.extend_from_slice(&data);
    let pool = chunk(0x0001, &header, &body);

    let node_header = [1u32.to_le_bytes(), u32::MAX.to_le_bytes()].concat(); // line, comment
    let mut ext = Vec::new();
    ext.extend_from_slice(&u32::MAX.to_le_bytes()); // namespace
    ext.extend_from_slice(&0u32.to_le_bytes()); // name: "manifest"
    ext.extend_from_slice(&20u16.to_le_bytes()); // attribute start
    ext.extend_from_slice(&20u16.to_le_bytes()); // attribute size
    ext.extend_from_slice(&(attrs as u16).to_le_bytes());
    ext.extend_from_slice(&[0; 6]); // id, class, style indices
    for _ in 0..attrs {
        ext.extend_from_slice(&u32::MAX.to_le_bytes()); // namespace
        ext.extend_from_slice(&1u32.to_le_bytes()); // name: the long string
        ext.extend_from_slice(&1u32.to_le_bytes()); // raw value: the long string
        ext.extend_from_slice(&[8, 0, 0, 0x03]); // size, res0, type string
        ext.extend_from_slice(&1u32.to_le_bytes());
    }
    let start = chunk(0x0102, &node_header, &ext);
    let end_ext = [u32::MAX.to_le_bytes(), 0u32.to_le_bytes()].concat();
    let end = chunk(0x0103, &node_header, &end_ext);
    chunk(0x0003, &[], &[pool, start, end].concat())
}

#[test]
fn a_binary_manifest_whose_attributes_share_one_long_string_is_rejected() {
    // 1,500 attributes of 20 bytes, each naming and valued by the 30,000-byte string: 90 MB copied.
    let axml = sharing_axml(1500);
    assert!(axml.len() < 100_000);
    let msg = expansion_error(parse_manifest_bytes(&axml, None, &Limits::default()));
    assert!(msg.contains("binary XML"), "{msg}");
    // The same layout with a few attributes reads.
    let manifest = parse_manifest_bytes(&sharing_axml(3), None, &Limits::default()).unwrap();
    assert_eq!(manifest.package, None);
}

#[test]
fn a_dex_whose_methods_share_one_long_class_name_is_rejected() {
    // 100 methods of one class whose descriptor is 1 MB: every reference copies the class name.
    let dir = Scratch::new("dex-sharing");
    let class = format!("L{};", "c".repeat(1 << 20));
    let names: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    let methods: Vec<(&str, &str)> = names.iter().map(|n| (class.as_str(), n.as_str())).collect();
    let apk = dir.write("app.apk", &build_zip(&[("classes.dex", &build_dex(&[], &methods))]));
    let msg = expansion_error(extract_apk(&apk, &Options::default()));
    assert!(msg.contains("app.apk!classes.dex") && msg.contains("DEX"), "{msg}");
    // A few such methods are read.
    let apk = dir.write("few.apk", &build_zip(&[("classes.dex", &build_dex(&[], &methods[..3]))]));
    assert!(extract_apk(&apk, &Options::default()).is_ok());
}
