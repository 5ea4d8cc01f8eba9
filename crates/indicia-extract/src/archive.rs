//! Reading files and zip members with size caps, so that no input can exhaust memory.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Instant;

use zip::ZipArchive;

use crate::budget::{Budget, Expansion};
use crate::error::ExtractError;

/// Size caps. Every read is bounded by one of these, whatever the input declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest text input read whole (manifest, plist, privacy manifest, tracker list, country table).
    pub max_small_file: u64,
    /// Largest HAR file.
    pub max_har: u64,
    /// Largest decompressed `AndroidManifest.xml`, `Info.plist` or privacy manifest in an archive.
    pub max_member: u64,
    /// Largest decompressed DEX file.
    pub max_dex: u64,
    /// Most bytes decompressed from one archive in all.
    pub max_archive_total: u64,
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Largest packet capture (pcap or pcapng), read whole.
    pub max_capture: u64,
    /// Largest MobSF report.
    pub max_report: u64,
    /// How far one read of a format with shared parts (binary plist, AXML, DEX) may expand.
    pub expansion: Expansion,
    /// Deepest nesting of arrays and dictionaries in a property list.
    pub max_plist_depth: usize,
    /// When reading must stop (`indicia scan --time-limit`), or never. It is looked at cooperatively:
    /// before each source is read and each archive opened, at every read of a member's decompressor,
    /// and every [`CLOCK_EVERY`](crate::CLOCK_EVERY) objects of a binary plist, AXML or DEX
    /// read; a read past it is an error saying the time limit ran out.
    pub deadline: Option<Instant>,
}

impl Limits {
    /// A fresh expansion budget for one read.
    pub fn budget(&self) -> Budget {
        Budget::new(self.expansion).until(self.deadline)
    }

    /// An error about `file` when the deadline has passed.
    pub fn check_deadline(&self, file: &Path) -> Result<(), ExtractError> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(ExtractError::at(file, TIME_LIMIT)),
            _ => Ok(()),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_small_file: 64 << 20,
            max_har: 512 << 20,
            max_member: 64 << 20,
            max_dex: 256 << 20,
            max_archive_total: 2 << 30,
            max_entries: 500_000,
            max_capture: 1 << 30,
            max_report: 256 << 20,
            expansion: Expansion::default(),
            max_plist_depth: 512,
            deadline: None,
        }
    }
}

/// The problem of a read stopped by [`Limits::deadline`].
pub const TIME_LIMIT: &str = "the time limit ran out before it was read";

fn human(n: u64) -> String {
    if n >= 1 << 20 { format!("{} MiB", n >> 20) } else { format!("{n} bytes") }
}

/// Reads a whole file of at most `cap` bytes; a larger file is an error, found without reading it.
pub fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, ExtractError> {
    let file = File::open(path).map_err(|e| ExtractError::at(path, format!("cannot open: {e}")))?;
    let meta = file.metadata().map_err(|e| ExtractError::at(path, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(ExtractError::at(path, "is a directory, not a file"));
    }
    if meta.len() > cap {
        return Err(ExtractError::at(
            path,
            format!("file too large ({} bytes; the limit is {})", meta.len(), human(cap)),
        ));
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| ExtractError::at(path, format!("cannot read: {e}")))?;
    if buf.len() as u64 > cap {
        return Err(ExtractError::at(path, format!("file too large (the limit is {})", human(cap))));
    }
    Ok(buf)
}

/// Reads a whole file as UTF-8 text (a leading byte-order mark is dropped).
pub fn read_text(path: &Path, cap: u64) -> Result<String, ExtractError> {
    let bytes = read_file(path, cap)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ExtractError::at(path, format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Checks that a zip end-of-central-directory record is where the format puts it (in the last 64 KiB plus
/// 22 bytes), reading only that tail, so that a large file that is not a zip is rejected at once.
fn check_end_record(file: &File, len: u64) -> Result<(), String> {
    const TAIL: u64 = 22 + 65_535;
    let start = len.saturating_sub(TAIL);
    let mut reader = file;
    reader.seek(SeekFrom::Start(start)).map_err(|e| format!("cannot read: {e}"))?;
    let mut tail = Vec::with_capacity(usize::try_from(len - start).unwrap_or(0));
    reader.take(TAIL).read_to_end(&mut tail).map_err(|e| format!("cannot read: {e}"))?;
    reader.seek(SeekFrom::Start(0)).map_err(|e| format!("cannot read: {e}"))?;
    if tail.len() < 22 {
        return Err(format!("not a zip archive (only {len} bytes)"));
    }
    if tail.windows(4).any(|w| w == b"PK\x05\x06") {
        Ok(())
    } else {
        Err("not a zip archive (no end of central directory record)".to_owned())
    }
}

/// An open zip archive with a running budget of decompressed bytes.
pub struct Archive {
    zip: ZipArchive<BufReader<File>>,
    name: String,
    limits: Limits,
    spent: u64,
}

impl Archive {
    /// Opens `path` as a zip archive.
    pub fn open(path: &Path, limits: Limits) -> Result<Self, ExtractError> {
        limits.check_deadline(path)?;
        let file = File::open(path).map_err(|e| ExtractError::at(path, format!("cannot open: {e}")))?;
        let meta = file.metadata().map_err(|e| ExtractError::at(path, format!("cannot read: {e}")))?;
        if meta.is_dir() {
            return Err(ExtractError::at(path, "is a directory, not a file"));
        }
        Self::from_file(file, meta.len(), path.display().to_string(), limits).map_err(|e| ExtractError::at(path, e))
    }

    /// Opens member `member`, itself a zip archive (an APK in a split APK archive), as an archive named
    /// `ARCHIVE!MEMBER`. The member is decompressed into an anonymous temporary file (deleted when the
    /// archive is dropped), so that memory does not grow with its size; its bytes count against this
    /// archive's budget, and the nested archive gets what is left of that budget as its own.
    pub fn open_nested(&mut self, member: &str) -> Result<Archive, ExtractError> {
        let name = format!("{}!{member}", self.name);
        let file = tempfile::tempfile()
            .map_err(|e| ExtractError::new(&name, format!("cannot make a temporary file to read it: {e}")))?;
        let mut writer = std::io::BufWriter::new(file);
        let cap = self.limits.max_archive_total;
        match self.read_into(member, cap, &mut writer)? {
            Some(_) => {}
            None => return Err(ExtractError::new(&name, "no such member")),
        }
        let mut file = writer
            .into_inner()
            .map_err(|e| ExtractError::new(&name, format!("cannot write a temporary file: {}", e.error())))?;
        let len = file.seek(SeekFrom::Start(0)).and_then(|_| file.metadata().map(|m| m.len()));
        let len = len.map_err(|e| ExtractError::new(&name, format!("cannot read a temporary file: {e}")))?;
        let limits = Limits { max_archive_total: self.left(), ..self.limits };
        let nested = Self::from_file(file, len, name.clone(), limits).map_err(|e| ExtractError::new(&name, e))?;
        Ok(nested)
    }

    /// Bytes this archive may still decompress.
    pub fn left(&self) -> u64 {
        self.limits.max_archive_total.saturating_sub(self.spent)
    }

    /// Counts `bytes` decompressed elsewhere (in a nested archive) against this archive's budget.
    pub fn spend(&mut self, bytes: u64) {
        self.spent = self.spent.saturating_add(bytes);
    }

    /// Bytes decompressed from this archive so far.
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// A zip archive over `file` of `len` bytes, named `name` in messages.
    fn from_file(file: File, len: u64, name: String, limits: Limits) -> Result<Self, String> {
        check_end_record(&file, len)?;
        let zip = ZipArchive::new(BufReader::new(file)).map_err(|e| format!("not a readable zip archive: {e}"))?;
        if zip.len() > limits.max_entries {
            return Err(format!("zip archive has {} entries (the limit is {})", zip.len(), limits.max_entries));
        }
        Ok(Self { zip, name, limits, spent: 0 })
    }

    /// The archive's name as used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// An error about member `member`.
    pub fn error(&self, member: &str, problem: impl Into<String>) -> ExtractError {
        ExtractError::new(format!("{}!{member}", self.name), problem)
    }

    /// Names of all entries, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_owned).collect()
    }

    /// Reads member `member` whole, decompressing at most `cap` bytes (and at most what is left of the
    /// archive's budget); `Ok(None)` when there is no such member.
    pub fn read(&mut self, member: &str, cap: u64) -> Result<Option<Vec<u8>>, ExtractError> {
        let mut buf = Vec::new();
        Ok(self.read_into(member, cap, &mut buf)?.map(|_| buf))
    }

    /// Decompresses member `member` into `out`, at most `cap` bytes (and at most what is left of the
    /// archive's budget); returns the bytes written, or `Ok(None)` when there is no such member.
    fn read_into(&mut self, member: &str, cap: u64, out: &mut impl Write) -> Result<Option<u64>, ExtractError> {
        let cap = cap.min(self.left());
        let mut entry = match self.zip.by_name(member) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                let problem = format!("cannot read this member: {e}");
                return Err(ExtractError::new(format!("{}!{member}", self.name), problem));
            }
        };
        let declared = entry.size();
        if declared > cap {
            let problem = format!("member declares {declared} bytes uncompressed, over the limit of {}", human(cap));
            return Err(ExtractError::new(format!("{}!{member}", self.name), problem));
        }
        // Never trust the declared size beyond the cap, and never read more than one byte past it: a
        // member that inflates to more than it declares is a bomb or corrupt.
        let mut input = Timed { inner: &mut entry, deadline: self.limits.deadline }.take(declared.saturating_add(1));
        let copied = std::io::copy(&mut input, out);
        drop(entry);
        let copied = match copied {
            Ok(copied) => copied,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Err(self.error(member, TIME_LIMIT)),
            Err(e) => return Err(self.error(member, format!("corrupt member: {e}"))),
        };
        if copied > declared {
            return Err(self.error(
                member,
                format!("decompresses to more than its declared {declared} bytes: a zip bomb or a corrupt archive"),
            ));
        }
        self.spent = self.spent.saturating_add(copied);
        Ok(Some(copied))
    }
}

/// A reader that fails with [`std::io::ErrorKind::TimedOut`] once `deadline` has passed, looking at the
/// clock at each read (a decompressor's read fills up to a buffer, so the look costs nothing).
struct Timed<R> {
    inner: R,
    deadline: Option<Instant>,
}

impl<R: Read> Read for Timed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.inner.read(buf)
    }
}
