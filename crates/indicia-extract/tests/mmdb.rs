//! Countries from a MaxMind DB file: a tiny database written here, byte by byte, in the MaxMind DB
//! format 2.0 (an IPv4 search tree with 24-bit records, a data section and the metadata map).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use common::Scratch;
use indicia_extract::{Countries, Kind, Options, extract_har};
use serde_json::json;

fn string(s: &str) -> Vec<u8> {
    assert!(s.len() < 29);
    let mut out = vec![0x40 | s.len() as u8];
    out.extend_from_slice(s.as_bytes());
    out
}

fn map(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0xe0 | entries.len() as u8];
    for (k, v) in entries {
        out.extend(string(k));
        out.extend_from_slice(v);
    }
    out
}

fn uint(type_bits: u8, v: u64) -> Vec<u8> {
    let bytes: Vec<u8> = v.to_be_bytes().iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = vec![type_bits | bytes.len() as u8];
    out.extend(bytes);
    out
}

fn uint16(v: u16) -> Vec<u8> {
    uint(0xa0, u64::from(v))
}

fn uint32(v: u32) -> Vec<u8> {
    uint(0xc0, u64::from(v))
}

fn uint64(v: u64) -> Vec<u8> {
    let bytes: Vec<u8> = v.to_be_bytes().iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = vec![bytes.len() as u8, 9 - 7];
    out.extend(bytes);
    out
}

fn array_of_strings(items: &[&str]) -> Vec<u8> {
    let mut out = vec![items.len() as u8, 11 - 7];
    for s in items {
        out.extend(string(s));
    }
    out
}

/// A database in which `prefix`/24 maps to `{"country": {"iso_code": cc}}` and nothing else is found.
fn tiny_mmdb(prefix: [u8; 3], cc: &str) -> Vec<u8> {
    let node_count: u32 = 24;
    let data_pointer = node_count + 16; // data section offset 0
    let bits: Vec<bool> = prefix.iter().flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1)).collect();
    let mut out = Vec::new();
    for (i, &bit) in bits.iter().enumerate() {
        let next = if i + 1 == bits.len() { data_pointer } else { i as u32 + 1 };
        let (left, right) = if bit { (node_count, next) } else { (next, node_count) };
        out.extend_from_slice(&left.to_be_bytes()[1..]);
        out.extend_from_slice(&right.to_be_bytes()[1..]);
    }
    out.extend_from_slice(&[0; 16]);
    out.extend(map(&[("country", map(&[("iso_code", string(cc))]))]));
    out.extend_from_slice(b"\xab\xcd\xefMaxMind.com");
    out.extend(map(&[
        ("binary_format_major_version", uint16(2)),
        ("binary_format_minor_version", uint16(0)),
        ("build_epoch", uint64(1_700_000_000)),
        ("database_type", string("Test-Country")),
        ("description", map(&[("en", string("indicia test"))])),
        ("ip_version", uint16(4)),
        ("languages", array_of_strings(&["en"])),
        ("node_count", uint32(node_count)),
        ("record_size", uint16(24)),
    ]));
    out
}

#[test]
fn countries_from_an_mmdb_file() {
    let dir = Scratch::new("mmdb");
    let db = dir.write("test.mmdb", &tiny_mmdb([203, 0, 113], "TW"));
    let countries = Countries::load(&db).unwrap();
    assert!(matches!(countries, Countries::Mmdb(_)));
    assert_eq!(countries.lookup("x", Some("203.0.113.77".parse().unwrap())).as_deref(), Some("TW"));
    assert_eq!(countries.lookup("x", Some("203.0.114.1".parse().unwrap())), None);
    assert_eq!(countries.lookup("x", None), None);

    let har = dir.write(
        "c.har",
        br#"{"log": {"entries": [
            {"request": {"method": "GET", "url": "https://a.example/", "headersSize": 10, "bodySize": 0}, "serverIPAddress": "203.0.113.5"},
            {"request": {"method": "GET", "url": "https://b.example/", "headersSize": 10, "bodySize": 0}, "serverIPAddress": "192.0.2.5"}]}}"#,
    );
    let options = Options { countries: Some(countries), ..Options::default() };
    let p = extract_har(&har, &options).unwrap();
    let flows = p.facts_of(Kind::Flow);
    assert_eq!(flows[0]["country"], json!("TW"));
    assert!(flows[1].get("country").is_none());

    let bad = dir.write("bad.mmdb", b"not a database");
    let err = Countries::load(&bad).unwrap_err().to_string();
    assert!(err.contains("bad.mmdb") && err.contains("MaxMind"), "{err}");
}
