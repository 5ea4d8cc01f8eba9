//! Helpers shared by the integration tests: paths to the copied real data, scratch directories, and
//! writers for the small synthetic inputs (DEX files and zip archives) that the tests build.
#![allow(dead_code, reason = "each test file uses a different part of the helpers")]

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file of the copied real data (`tests/data/extract/`).
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/extract").join(rel)
}

/// A fresh scratch directory for one test (removed on drop).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("indicia-extract-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn uleb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &d in data {
        a = (a + u32::from(d)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Writes a small DEX file (version 035) that defines the classes `defined` (type descriptors such as
/// `Lcom/example/Main;`) and references the methods `methods` (`(class descriptor, method name)`), all
/// with the prototype `()V`.
///
/// The file has the header (with its Adler-32 checksum; the SHA-1 signature is left zero), `string_ids`,
/// `type_ids`, one `proto_ids` entry, `method_ids`, `class_defs` (no superclass, no class data) and the
/// string data, with the sorting the format asks for (strings and types sorted, methods by class then
/// name). It has no `map_list` and no code, which is all a reader of these tables needs.
pub fn build_dex(defined: &[&str], methods: &[(&str, &str)]) -> Vec<u8> {
    build_dex_with(defined, methods, &[])
}

/// [`build_dex`] with extra string constants (`filler`), as code's string literals would add.
pub fn build_dex_with(defined: &[&str], methods: &[(&str, &str)], filler: &[String]) -> Vec<u8> {
    let mut strings: Vec<String> = vec!["V".to_owned()];
    strings.extend(defined.iter().map(|s| (*s).to_owned()));
    for (class, name) in methods {
        strings.push((*class).to_owned());
        strings.push((*name).to_owned());
    }
    strings.extend(filler.iter().cloned());
    strings.sort();
    strings.dedup();
    let sidx = |s: &str| strings.binary_search_by(|x| x.as_str().cmp(s)).unwrap() as u32;
    let type_set: std::collections::BTreeSet<&str> =
        std::iter::once("V").chain(defined.iter().copied()).chain(methods.iter().map(|(c, _)| *c)).collect();
    // Sorted by string index, which is string order.
    let types: Vec<String> = type_set.iter().map(|t| (*t).to_owned()).collect();
    let tidx = |s: &str| types.binary_search_by(|x| x.as_str().cmp(s)).unwrap() as u16;
    let mut mids: Vec<(u16, u32)> = methods.iter().map(|(c, n)| (tidx(c), sidx(n))).collect();
    mids.sort();
    mids.dedup();

    let header = 0x70usize;
    let string_ids_off = header;
    let type_ids_off = string_ids_off + 4 * strings.len();
    let proto_ids_off = type_ids_off + 4 * types.len();
    let method_ids_off = proto_ids_off + 12;
    let class_defs_off = method_ids_off + 8 * mids.len();
    let data_off = class_defs_off + 32 * defined.len();
    let mut data = Vec::new();
    let mut string_offs = Vec::new();
    for s in &strings {
        string_offs.push((data_off + data.len()) as u32);
        uleb(s.encode_utf16().count() as u32, &mut data);
        data.extend_from_slice(s.as_bytes());
        data.push(0);
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let file_size = data_off + data.len();

    let mut out = Vec::with_capacity(file_size);
    out.extend_from_slice(b"dex\n035\0");
    out.extend_from_slice(&[0; 4]); // checksum, set below
    out.extend_from_slice(&[0; 20]); // SHA-1 signature, left zero
    let put = |out: &mut Vec<u8>, v: usize| out.extend_from_slice(&(v as u32).to_le_bytes());
    put(&mut out, file_size);
    put(&mut out, header);
    out.extend_from_slice(&0x1234_5678u32.to_le_bytes());
    put(&mut out, 0); // link_size
    put(&mut out, 0); // link_off
    put(&mut out, 0); // map_off
    put(&mut out, strings.len());
    put(&mut out, string_ids_off);
    put(&mut out, types.len());
    put(&mut out, type_ids_off);
    put(&mut out, 1);
    put(&mut out, proto_ids_off);
    put(&mut out, 0); // field_ids
    put(&mut out, 0);
    put(&mut out, mids.len());
    put(&mut out, method_ids_off);
    put(&mut out, defined.len());
    put(&mut out, class_defs_off);
    put(&mut out, data.len());
    put(&mut out, data_off);
    assert_eq!(out.len(), header);
    for off in &string_offs {
        out.extend_from_slice(&off.to_le_bytes());
    }
    for t in &types {
        out.extend_from_slice(&sidx(t).to_le_bytes());
    }
    // proto "()V": shorty "V", return type V, no parameters.
    out.extend_from_slice(&sidx("V").to_le_bytes());
    out.extend_from_slice(&u32::from(tidx("V")).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for (class, name) in &mids {
        out.extend_from_slice(&class.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&name.to_le_bytes());
    }
    for class in defined {
        out.extend_from_slice(&u32::from(tidx(class)).to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes()); // ACC_PUBLIC
        out.extend_from_slice(&u32::MAX.to_le_bytes()); // no superclass
        out.extend_from_slice(&[0; 20]); // interfaces, source file, annotations, class data, static values
    }
    out.extend_from_slice(&data);
    let sum = adler32(&out[12..]);
    out[8..12].copy_from_slice(&sum.to_le_bytes());
    out
}

/// Writes a zip archive with `members` (name, bytes), deflated.
pub fn build_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub mod capture;
