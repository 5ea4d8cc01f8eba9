//! Size limits on what indicia reads whole: a rule file, an evidence object (a file, standard input,
//! a test's fixture) and a line of a batch. An input over its limit is an error that names the limit
//! and the flag that raises it, found in bounded memory: at most the limit and one more byte are held,
//! and the rest of an overlong batch line is skipped, not kept.
//!
//! The limits are process-wide. The `indicia` command sets them once from its flags
//! (`--max-rule-file-size`, `--max-evidence-size`, `--max-line-size`) before it reads anything; a
//! library user may [`Limit::set`] them. `docs/limits.md` lists them with their defaults.

use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// One size limit: what it bounds, its default, the flag that changes it, and its current value.
#[derive(Debug)]
pub struct Limit {
    what: &'static str,
    flag: &'static str,
    default: u64,
    current: AtomicU64,
}

/// The largest rule file (`.ind`) read: by `check`, `fmt`, `test`, `eval --rules`, the language server.
pub static RULE_FILE: Limit = Limit::new("a rule file", "--max-rule-file-size", 64 << 20);

/// The largest evidence object read whole: an evidence file, standard input holding one object, a
/// test's fixture.
pub static EVIDENCE: Limit = Limit::new("an evidence object", "--max-evidence-size", 64 << 20);

/// The longest line of a batch (its line break not counted); a longer line is rejected in its place.
pub static BATCH_LINE: Limit = Limit::new("a batch line", "--max-line-size", 64 << 20);

impl Limit {
    const fn new(what: &'static str, flag: &'static str, default: u64) -> Limit {
        Limit { what, flag, default, current: AtomicU64::new(default) }
    }

    /// The limit in bytes.
    pub fn get(&self) -> u64 {
        self.current.load(Ordering::Relaxed)
    }

    /// Sets the limit to `bytes`, for the rest of the process.
    pub fn set(&self, bytes: u64) {
        self.current.store(bytes, Ordering::Relaxed);
    }

    /// The default, in bytes.
    pub fn default_bytes(&self) -> u64 {
        self.default
    }

    /// The command-line flag that sets it.
    pub fn flag(&self) -> &'static str {
        self.flag
    }

    /// Why an input over the limit was refused: `larger than 64 MiB, the limit for … (raise it with …)`.
    pub fn message(&self) -> String {
        format!("larger than {}, the limit for {} (raise it with {})", format_size(self.get()), self.what, self.flag)
    }

    /// The read error of an input over the limit ([`io::ErrorKind::FileTooLarge`], [`Limit::message`]).
    pub fn exceeded(&self) -> io::Error {
        io::Error::new(io::ErrorKind::FileTooLarge, self.message())
    }

    /// Reads the file at `path` whole, or fails with [`Limit::exceeded`] when it is larger than the limit
    /// (`/dev/zero` fails as soon as the limit is read).
    pub fn read_file(&self, path: &Path) -> io::Result<Vec<u8>> {
        let file = std::fs::File::open(path)?;
        let hint = file.metadata().map_or(0, |m| m.len()).min(self.get());
        let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        if read_at_most(file, self.get(), &mut bytes)? { Ok(bytes) } else { Err(self.exceeded()) }
    }

    /// Reads `reader` to its end, or fails with [`Limit::exceeded`] when it holds more than the limit.
    pub fn read(&self, reader: impl Read) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        if read_at_most(reader, self.get(), &mut bytes)? { Ok(bytes) } else { Err(self.exceeded()) }
    }

    /// Appends the next line of `reader` to `line`, its line break included, when it is no longer than
    /// the limit; a longer line is read to its end and dropped (nothing of it is left in `line`). At the
    /// end of the input, nothing is read (`consumed` is 0).
    pub fn read_line(&self, reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<LineRead> {
        let start = line.len();
        let max = self.get();
        let read = reader.by_ref().take(max.saturating_add(1)).read_until(b'\n', line)? as u64;
        if read <= max || line.last() == Some(&b'\n') {
            return Ok(LineRead { consumed: read, too_long: false });
        }
        line.truncate(start);
        let rest = reader.skip_until(b'\n')? as u64;
        Ok(LineRead { consumed: read + rest, too_long: true })
    }
}

/// What [`Limit::read_line`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineRead {
    /// Bytes of the input the line took, its line break included (0 at the end of the input).
    pub consumed: u64,
    /// The line was longer than the limit and was dropped.
    pub too_long: bool,
}

/// Appends `reader`'s bytes to `bytes` up to its end, if it holds at most `max` bytes: returns true. When
/// it holds more, stops after `max + 1` bytes and returns false (the bytes read so far are in `bytes`).
pub fn read_at_most(reader: impl Read, max: u64, bytes: &mut Vec<u8>) -> io::Result<bool> {
    let read = reader.take(max.saturating_add(1)).read_to_end(bytes)? as u64;
    Ok(read <= max)
}

/// A size for people: `64 MiB`, `1.5 KiB`, `100 bytes`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 4] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    if bytes == 1 { "1 byte".to_string() } else { format!("{bytes} bytes") }
}

/// Reads a size as the flags take it: a number of bytes, with an optional unit. `K`, `M`, `G`, `T` and
/// `KiB`…`TiB` are powers of 1024; `KB`…`TB` powers of 1000 (as GNU coreutils reads them); case does not
/// matter, and a space may stand between number and unit (`64M`, `64 MiB`, `1g`, `100000`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| format!("`{text}` is not a size (e.g. 64M, 64MiB, 1G, 100000)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => return Err(format!("unknown unit `{other}` in `{text}` (K, M, G, T, KiB…TiB or KB…TB)")),
    };
    number.checked_mul(factor).ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_and_decimal_units() {
        assert_eq!(parse_size("100000"), Ok(100_000));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64 MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("2KB"), Ok(2000));
        assert_eq!(parse_size("7b"), Ok(7));
        assert!(parse_size("").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn sizes_print_in_the_largest_whole_unit() {
        assert_eq!(format_size(64 << 20), "64 MiB");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(1000), "1000 bytes");
    }

    #[test]
    fn a_reader_over_the_limit_stops_one_byte_past_it() {
        let mut bytes = Vec::new();
        assert!(read_at_most(&b"12345"[..], 5, &mut bytes).unwrap());
        assert_eq!(bytes, b"12345");
        bytes.clear();
        assert!(!read_at_most(io::repeat(0), 10, &mut bytes).unwrap());
        assert_eq!(bytes.len(), 11);
    }

    #[test]
    fn an_overlong_line_is_dropped_and_the_next_one_read() {
        let limit = Limit::new("a line", "--max", 4);
        let mut input = io::BufReader::with_capacity(3, &b"abcd\nabcdefgh\r\n\nxyz"[..]);
        let mut line = Vec::new();
        let mut reads = Vec::new();
        loop {
            let read = limit.read_line(&mut input, &mut line).unwrap();
            if read.consumed == 0 {
                break;
            }
            reads.push((read, String::from_utf8(std::mem::take(&mut line)).unwrap()));
        }
        let lines: Vec<(u64, bool, &str)> = reads.iter().map(|(r, l)| (r.consumed, r.too_long, l.as_str())).collect();
        assert_eq!(lines, [(5, false, "abcd\n"), (10, true, ""), (1, false, "\n"), (3, false, "xyz")]);
    }

    #[test]
    fn a_file_over_the_limit_is_an_error_naming_the_limit_and_its_flag() {
        let limit = Limit::new("an evidence object", "--max-evidence-size", 1 << 20);
        let error = limit.read_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(
            error.to_string(),
            "larger than 1 MiB, the limit for an evidence object (raise it with --max-evidence-size)"
        );
    }
}
