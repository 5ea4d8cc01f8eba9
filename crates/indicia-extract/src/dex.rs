//! A small reader for Dalvik executables (`classes*.dex`): the string, type, method and class tables.
//!
//! Only what evidence needs is read: every `method_ids` entry (as `java.Class.method`) and the classes
//! that the file defines (`class_defs`, for tracker signatures). Every offset and size is checked against
//! the file before use, so a malformed file gives a [`FormatError`], never a panic.

use std::collections::HashSet;

use crate::budget::Budget;
use crate::error::FormatError;

const HEADER_SIZE: usize = 0x70;

/// The tables of one DEX file that evidence uses.
#[derive(Debug)]
pub struct Dex<'a> {
    data: &'a [u8],
    string_ids_off: usize,
    string_ids_size: usize,
    type_ids_off: usize,
    type_ids_size: usize,
    method_ids_off: usize,
    method_ids_size: usize,
    class_defs_off: usize,
    class_defs_size: usize,
}

fn u16_at(data: &[u8], off: usize) -> Result<u16, FormatError> {
    off.checked_add(2)
        .and_then(|end| data.get(off..end))
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes)
        .ok_or_else(|| FormatError::new(format!("offset {off:#x} is past the end of the file")))
}

fn u32_at(data: &[u8], off: usize) -> Result<u32, FormatError> {
    off.checked_add(4)
        .and_then(|end| data.get(off..end))
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| FormatError::new(format!("offset {off:#x} is past the end of the file")))
}

fn usize_at(data: &[u8], off: usize) -> Result<usize, FormatError> {
    u32_at(data, off).and_then(|v| usize::try_from(v).map_err(|_| FormatError::new("value does not fit in memory")))
}

/// Checks that a table of `count` items of `item` bytes at `off` lies inside the file.
fn table(data: &[u8], name: &str, off: usize, count: usize, item: usize) -> Result<(), FormatError> {
    let end = count.checked_mul(item).and_then(|len| off.checked_add(len));
    match end {
        Some(end) if end <= data.len() => Ok(()),
        _ => Err(FormatError::new(format!(
            "{name} table ({count} items at offset {off:#x}) runs past the end of the file ({} bytes)",
            data.len()
        ))),
    }
}

/// Reads an unsigned LEB128 value (at most 5 bytes) at `off`; returns it and the offset after it.
fn uleb128(data: &[u8], mut off: usize) -> Result<(u32, usize), FormatError> {
    let mut value: u32 = 0;
    for shift in [0u32, 7, 14, 21, 28] {
        let byte = *data.get(off).ok_or_else(|| FormatError::new("string data runs past the end of the file"))?;
        off += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, off));
        }
    }
    Err(FormatError::new("malformed uleb128 length"))
}

/// Decodes Modified UTF-8 (DEX strings): `C0 80` is NUL, and characters outside the BMP are surrogate
/// pairs, each half three bytes. Invalid sequences become U+FFFD.
fn mutf8(bytes: &[u8]) -> String {
    if bytes.is_ascii() {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b0) = bytes.get(i) {
        let b1 = bytes.get(i + 1).copied().unwrap_or(0);
        let b2 = bytes.get(i + 2).copied().unwrap_or(0);
        if b0 < 0x80 {
            units.push(u16::from(b0));
            i += 1;
        } else if b0 & 0xe0 == 0xc0 && b1 & 0xc0 == 0x80 {
            units.push((u16::from(b0 & 0x1f) << 6) | u16::from(b1 & 0x3f));
            i += 2;
        } else if b0 & 0xf0 == 0xe0 && b1 & 0xc0 == 0x80 && b2 & 0xc0 == 0x80 {
            units.push((u16::from(b0 & 0x0f) << 12) | (u16::from(b1 & 0x3f) << 6) | u16::from(b2 & 0x3f));
            i += 3;
        } else {
            units.push(0xfffd);
            i += 1;
        }
    }
    String::from_utf16_lossy(&units)
}

/// A type descriptor in Java form: `Lpkg/Outer$Inner;` → `pkg.Outer$Inner`, `[I` → `int[]`,
/// `[[Ljava/lang/String;` → `java.lang.String[][]`. A descriptor that is not well formed is returned
/// as it is.
pub fn java_type(descriptor: &str) -> String {
    let base = descriptor.trim_start_matches('[');
    let dims = descriptor.len() - base.len();
    let mut out = match base {
        "V" => "void".to_owned(),
        "Z" => "boolean".to_owned(),
        "B" => "byte".to_owned(),
        "S" => "short".to_owned(),
        "C" => "char".to_owned(),
        "I" => "int".to_owned(),
        "J" => "long".to_owned(),
        "F" => "float".to_owned(),
        "D" => "double".to_owned(),
        _ => match base.strip_prefix('L').and_then(|b| b.strip_suffix(';')) {
            Some(class) => class.replace('/', "."),
            None => return descriptor.to_owned(),
        },
    };
    for _ in 0..dims {
        out.push_str("[]");
    }
    out
}

impl<'a> Dex<'a> {
    /// Reads the header of a DEX file and checks that its tables lie inside it.
    pub fn parse(data: &'a [u8]) -> Result<Self, FormatError> {
        let magic = data
            .get(..8)
            .ok_or_else(|| FormatError::new(format!("too short for a DEX header ({} bytes)", data.len())))?;
        if !magic.starts_with(b"dex\n") || magic.get(7) != Some(&0) {
            return Err(FormatError::new("not a DEX file (bad magic)"));
        }
        if data.len() < HEADER_SIZE {
            return Err(FormatError::new(format!("too short for a DEX header ({} bytes)", data.len())));
        }
        let endian = u32_at(data, 40)?;
        if endian != 0x1234_5678 {
            return Err(FormatError::new(format!(
                "unsupported endian tag {endian:#010x} (only little-endian DEX is read)"
            )));
        }
        let dex = Dex {
            data,
            string_ids_size: usize_at(data, 56)?,
            string_ids_off: usize_at(data, 60)?,
            type_ids_size: usize_at(data, 64)?,
            type_ids_off: usize_at(data, 68)?,
            method_ids_size: usize_at(data, 88)?,
            method_ids_off: usize_at(data, 92)?,
            class_defs_size: usize_at(data, 96)?,
            class_defs_off: usize_at(data, 100)?,
        };
        table(data, "string_ids", dex.string_ids_off, dex.string_ids_size, 4)?;
        table(data, "type_ids", dex.type_ids_off, dex.type_ids_size, 4)?;
        table(data, "method_ids", dex.method_ids_off, dex.method_ids_size, 8)?;
        table(data, "class_defs", dex.class_defs_off, dex.class_defs_size, 32)?;
        Ok(dex)
    }

    /// Number of `method_ids` entries.
    pub fn method_count(&self) -> usize {
        self.method_ids_size
    }

    /// The string at index `idx` of `string_ids`, its bytes and one object spent from `budget` (string
    /// ids may share their data, so each read is counted).
    pub fn string(&self, idx: usize, budget: &mut Budget) -> Result<String, FormatError> {
        if idx >= self.string_ids_size {
            return Err(FormatError::new(format!(
                "string index {idx} out of range ({} strings)",
                self.string_ids_size
            )));
        }
        let off = usize_at(self.data, self.string_ids_off + idx * 4)?;
        let (_utf16_len, start) = uleb128(self.data, off)?;
        let rest =
            self.data.get(start..).ok_or_else(|| FormatError::new("string data offset past the end of the file"))?;
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| FormatError::new(format!("string {idx} is not terminated")))?;
        budget.spend(1, len as u64).map_err(|e| FormatError::new(format!("DEX string table {e}")))?;
        Ok(mutf8(rest.get(..len).unwrap_or_default()))
    }

    /// The descriptor of type `idx` of `type_ids` (spending `budget` as [`Dex::string`] does).
    pub fn type_descriptor(&self, idx: usize, budget: &mut Budget) -> Result<String, FormatError> {
        if idx >= self.type_ids_size {
            return Err(FormatError::new(format!("type index {idx} out of range ({} types)", self.type_ids_size)));
        }
        let sidx = usize_at(self.data, self.type_ids_off + idx * 4)?;
        self.string(sidx, budget)
    }

    /// Adds every method reference as `java.Class.method` to `out`, spending `budget` on each string read
    /// and each reference made (a class's name is copied into every reference to one of its methods).
    pub fn method_refs_into(&self, out: &mut HashSet<String>, budget: &mut Budget) -> Result<(), FormatError> {
        let mut class_names: Vec<Option<String>> = vec![None; self.type_ids_size];
        for i in 0..self.method_ids_size {
            let off = self.method_ids_off + i * 8;
            let class_idx = usize::from(u16_at(self.data, off)?);
            let name_idx = usize_at(self.data, off + 4)?;
            let slot = class_names.get_mut(class_idx).ok_or_else(|| {
                FormatError::new(format!(
                    "method {i}: class index {class_idx} out of range ({} types)",
                    self.type_ids_size
                ))
            })?;
            let class = match slot {
                Some(name) => name,
                None => slot.insert(java_type(&self.type_descriptor(class_idx, budget)?)),
            };
            let name = self.string(name_idx, budget)?;
            budget
                .spend(1, (class.len() + 1 + name.len()) as u64)
                .map_err(|e| FormatError::new(format!("DEX method references {e}")))?;
            let mut symbol = String::with_capacity(class.len() + 1 + name.len());
            symbol.push_str(class);
            symbol.push('.');
            symbol.push_str(&name);
            out.insert(symbol);
        }
        Ok(())
    }

    /// The classes this file defines (`class_defs`), in Java form (spending `budget` on each name read).
    pub fn defined_classes(&self, budget: &mut Budget) -> Result<Vec<String>, FormatError> {
        let mut out = Vec::with_capacity(self.class_defs_size);
        for i in 0..self.class_defs_size {
            let class_idx = usize_at(self.data, self.class_defs_off + i * 32)?;
            out.push(java_type(&self.type_descriptor(class_idx, budget)?));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_forms() {
        assert_eq!(java_type("Lpkg/Outer$Inner;"), "pkg.Outer$Inner");
        assert_eq!(java_type("[I"), "int[]");
        assert_eq!(java_type("[[Ljava/lang/String;"), "java.lang.String[][]");
        assert_eq!(java_type("J"), "long");
        assert_eq!(java_type("Q"), "Q");
    }

    #[test]
    fn modified_utf8() {
        assert_eq!(mutf8(b"abc"), "abc");
        assert_eq!(mutf8(&[0xc0, 0x80]), "\0");
        assert_eq!(mutf8("é".as_bytes()), "é");
        // U+1F600 as a surrogate pair, each half in three bytes.
        assert_eq!(mutf8(&[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), "\u{1F600}");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Dex::parse(b"").is_err());
        assert!(Dex::parse(b"dex\n035\0").is_err());
        let mut bad = vec![0u8; 0x70];
        bad[..8].copy_from_slice(b"dex\n035\0");
        bad[40..44].copy_from_slice(&0x1234_5678u32.to_le_bytes());
        bad[88..92].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Dex::parse(&bad).is_err());
    }
}
