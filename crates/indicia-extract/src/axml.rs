//! A reader for Android binary XML (AXML), the form `AndroidManifest.xml` takes inside an APK.
//!
//! The file is a `RES_XML_TYPE` chunk holding a string pool, an optional resource-id map and a stream of
//! namespace and element chunks. Attribute names are taken from the resource-id map where it names a known
//! `android:` attribute (obfuscators blank or rename the name strings), else from the string pool.

use crate::budget::{Budget, OverBudget};
use crate::error::FormatError;
use crate::xml::{ANDROID_NS, Attr, AttrValue, Element, TreeBuilder};

const RES_STRING_POOL_TYPE: u16 = 0x0001;
const RES_XML_TYPE: u16 = 0x0003;
const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;
const UTF8_FLAG: u32 = 1 << 8;
const NO_INDEX: u32 = 0xffff_ffff;

/// Most strings accepted in a pool (manifests have a few thousand).
const MAX_STRINGS: usize = 1 << 20;

fn u16_at(data: &[u8], off: usize) -> Result<u16, FormatError> {
    off.checked_add(2)
        .and_then(|end| data.get(off..end))
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes)
        .ok_or_else(|| FormatError::new(format!("binary XML truncated at offset {off:#x}")))
}

fn u32_at(data: &[u8], off: usize) -> Result<u32, FormatError> {
    off.checked_add(4)
        .and_then(|end| data.get(off..end))
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| FormatError::new(format!("binary XML truncated at offset {off:#x}")))
}

/// Spends `bytes` bytes and one object of `budget`: binary XML shares its strings, so each use is counted.
fn spend(budget: &mut Budget, bytes: usize) -> Result<(), FormatError> {
    budget.spend(1, bytes as u64).map_err(|e: OverBudget| FormatError::new(format!("binary XML {e}")))
}

fn usize_at(data: &[u8], off: usize) -> Result<usize, FormatError> {
    u32_at(data, off).and_then(|v| usize::try_from(v).map_err(|_| FormatError::new("value does not fit in memory")))
}

/// The name of an `android:` attribute known by its resource id.
fn android_attr_name(id: u32) -> Option<&'static str> {
    Some(match id {
        0x0101_0001 => "label",
        0x0101_0003 => "name",
        0x0101_0010 => "exported",
        0x0101_000e => "enabled",
        0x0101_020c => "minSdkVersion",
        0x0101_021b => "versionCode",
        0x0101_021c => "versionName",
        0x0101_0270 => "targetSdkVersion",
        0x0101_0271 => "maxSdkVersion",
        _ => return None,
    })
}

struct StringPool {
    strings: Vec<String>,
}

impl StringPool {
    fn parse(data: &[u8], start: usize, chunk_size: usize, budget: &mut Budget) -> Result<Self, FormatError> {
        let end = start
            .checked_add(chunk_size)
            .filter(|&e| e <= data.len())
            .ok_or_else(|| FormatError::new("string pool runs past the end of the file"))?;
        let chunk =
            data.get(start..end).ok_or_else(|| FormatError::new("string pool runs past the end of the file"))?;
        let header_size = usize::from(u16_at(chunk, 2)?);
        let count = usize_at(chunk, 8)?;
        let flags = u32_at(chunk, 16)?;
        let strings_start = usize_at(chunk, 20)?;
        if count > MAX_STRINGS {
            return Err(FormatError::new(format!("string pool claims {count} strings")));
        }
        let offsets_end = count
            .checked_mul(4)
            .and_then(|n| n.checked_add(header_size))
            .filter(|&e| e <= chunk.len())
            .ok_or_else(|| FormatError::new("string pool offsets run past the pool"))?;
        let _ = offsets_end;
        let utf8 = flags & UTF8_FLAG != 0;
        let mut strings = Vec::with_capacity(count);
        for i in 0..count {
            let off = usize_at(chunk, header_size + i * 4)?;
            let at = strings_start.checked_add(off).ok_or_else(|| FormatError::new("string offset overflows"))?;
            // A string that cannot be read becomes empty rather than failing the whole manifest,
            // as Android's own parser tolerates unused bad entries.
            // Offsets may share one string's bytes, so each decoded copy is spent.
            let s = if utf8 { utf8_string(chunk, at) } else { utf16_string(chunk, at) }.unwrap_or_default();
            spend(budget, s.len())?;
            strings.push(s);
        }
        Ok(Self { strings })
    }

    fn get(&self, idx: u32) -> Option<&str> {
        if idx == NO_INDEX {
            return None;
        }
        self.strings.get(usize::try_from(idx).ok()?).map(String::as_str)
    }
}

fn utf8_string(chunk: &[u8], mut at: usize) -> Option<String> {
    // UTF-16 length, then UTF-8 length, each one or two bytes.
    let mut lengths = [0usize; 2];
    for len in &mut lengths {
        let b0 = usize::from(*chunk.get(at)?);
        if b0 & 0x80 != 0 {
            let b1 = usize::from(*chunk.get(at + 1)?);
            *len = ((b0 & 0x7f) << 8) | b1;
            at += 2;
        } else {
            *len = b0;
            at += 1;
        }
    }
    let bytes = chunk.get(at..at.checked_add(lengths[1])?)?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

fn utf16_string(chunk: &[u8], mut at: usize) -> Option<String> {
    let u0 = usize::from(u16_at(chunk, at).ok()?);
    let len = if u0 & 0x8000 != 0 {
        let u1 = usize::from(u16_at(chunk, at + 2).ok()?);
        at += 4;
        ((u0 & 0x7fff) << 16) | u1
    } else {
        at += 2;
        u0
    };
    let bytes = chunk.get(at..at.checked_add(len.checked_mul(2)?)?)?;
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c.first().copied().unwrap_or(0), c.get(1).copied().unwrap_or(0)]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

fn typed_value(pool: &StringPool, raw: u32, data_type: u8, data: u32) -> AttrValue {
    match data_type {
        0x03 => AttrValue::Str(pool.get(data).or_else(|| pool.get(raw)).unwrap_or_default().to_owned()),
        0x01 => AttrValue::Ref(data),
        0x10 | 0x11 => AttrValue::Int(i64::from(i32::from_ne_bytes(data.to_ne_bytes()))),
        0x12 => AttrValue::Bool(data != 0),
        _ => match pool.get(raw) {
            Some(s) => AttrValue::Str(s.to_owned()),
            None => AttrValue::Other(data),
        },
    }
}

/// Parses a binary XML document into an element tree, spending `budget` on every string, element and
/// attribute it produces.
pub fn parse(data: &[u8], budget: &mut Budget) -> Result<Element, FormatError> {
    let kind = u16_at(data, 0).map_err(|_| FormatError::new("too short for binary XML"))?;
    if kind != RES_XML_TYPE {
        return Err(FormatError::new(format!("not binary XML (chunk type {kind:#06x}, expected {RES_XML_TYPE:#06x})")));
    }
    let header_size = usize::from(u16_at(data, 2)?);
    let declared = usize_at(data, 4)?;
    let total = declared.min(data.len());
    let mut off = header_size.max(8);
    let mut pool: Option<StringPool> = None;
    let mut res_ids: Vec<u32> = Vec::new();
    let mut builder = TreeBuilder::default();
    while off.checked_add(8).is_some_and(|e| e <= total) {
        let ctype = u16_at(data, off)?;
        let chdr = usize::from(u16_at(data, off + 2)?);
        let csize = usize_at(data, off + 4)?;
        if csize < 8 || off.checked_add(csize).is_none_or(|e| e > total) {
            return Err(FormatError::new(format!("chunk at offset {off:#x} has a bad size ({csize} bytes)")));
        }
        match ctype {
            RES_STRING_POOL_TYPE if pool.is_none() => {
                pool = Some(StringPool::parse(data, off, csize, budget)?);
            }
            RES_XML_RESOURCE_MAP_TYPE => {
                let n = (csize.saturating_sub(chdr)) / 4;
                res_ids = (0..n).map(|i| u32_at(data, off + chdr + i * 4)).collect::<Result<_, _>>()?;
            }
            RES_XML_START_ELEMENT_TYPE => {
                let pool = pool.as_ref().ok_or_else(|| FormatError::new("element before the string pool"))?;
                let ext = off + chdr;
                let ns_idx = u32_at(data, ext)?;
                let _ = ns_idx;
                let name = pool.get(u32_at(data, ext + 4)?).unwrap_or_default().to_owned();
                let attr_start = usize::from(u16_at(data, ext + 8)?);
                let attr_size = usize::from(u16_at(data, ext + 10)?).max(20);
                let attr_count = usize::from(u16_at(data, ext + 12)?);
                let mut attrs = Vec::with_capacity(attr_count);
                for i in 0..attr_count {
                    let a = ext + attr_start + i * attr_size;
                    if a + 20 > off + csize {
                        return Err(FormatError::new(format!("attributes of <{name}> run past their chunk")));
                    }
                    let a_ns = u32_at(data, a)?;
                    let a_name = u32_at(data, a + 4)?;
                    let raw = u32_at(data, a + 8)?;
                    let data_type = *data.get(a + 15).ok_or_else(|| FormatError::new("binary XML truncated"))?;
                    let value = u32_at(data, a + 16)?;
                    let known =
                        usize::try_from(a_name).ok().and_then(|i| res_ids.get(i)).and_then(|&id| android_attr_name(id));
                    let (ns, attr_name) = match known {
                        Some(n) => (ANDROID_NS.to_owned(), n.to_owned()),
                        None => (
                            pool.get(a_ns).unwrap_or_default().to_owned(),
                            pool.get(a_name).unwrap_or_default().to_owned(),
                        ),
                    };
                    let value = typed_value(pool, raw, data_type, value);
                    let value_len = match &value {
                        AttrValue::Str(s) => s.len(),
                        _ => 0,
                    };
                    spend(budget, ns.len() + attr_name.len() + value_len)?;
                    attrs.push(Attr { ns, name: attr_name, value });
                }
                spend(budget, name.len())?;
                builder.start(Element { name, attrs, children: Vec::new() })?;
            }
            RES_XML_END_ELEMENT_TYPE => builder.end()?,
            _ => {}
        }
        off += csize;
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::budget::Expansion;

    fn parse_default(data: &[u8]) -> Result<Element, FormatError> {
        parse(data, &mut Budget::new(Expansion::default()))
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse_default(b"").is_err());
        assert!(parse_default(b"\x03\x00\x08\x00\xff\xff\xff\xff").is_err());
        assert!(
            parse_default(&[0x03, 0x00, 0x08, 0x00, 0x10, 0, 0, 0, 0x01, 0, 0x08, 0, 0xff, 0xff, 0xff, 0x7f]).is_err()
        );
    }
}
