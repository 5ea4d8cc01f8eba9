//! `indicia eval [--rules PACK] [--param NAME=VALUE]... [--format json|text|sarif|html|markdown] EVIDENCE...`
//!
//! Inputs are read and scored in order. A `.jsonl` file (and standard input that is not one
//! JSON object) is a batch, streamed through the pipeline of [`crate::batch`].

use std::io::{BufReader, Read};
use std::sync::Mutex;

use indicia::Engine;
use indicia::limits::EVIDENCE;
use indicia::profile::Profile;
use serde::Deserialize as _;

use crate::batch::{self, Piece, Scoring};
use crate::cli::{EvalArgs, ReportFormat};
use crate::exit::Status;
use crate::lines::is_blank;
use crate::output::text::{self, SummaryRow};

/// Read buffer of standard input: the parse that tells one object from a batch reads it a byte
/// at a time. A batch read after it asks for up to a block (2 MiB, `crate::lines`) at a time; a
/// request at least as large as this buffer bypasses it when it is empty.
const READ_BUFFER: usize = 1 << 20;

/// Scores every evidence input against the pack.
pub fn run(args: &EvalArgs) -> Status {
    let engine = match crate::pack::load_engine_with_params(args.rules.as_deref(), &args.params) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    let engine = engine.explaining(args.explain || args.format != ReportFormat::Json);
    if args.format.one_app_only() && args.evidence.len() > 1 {
        crate::errln!("error: --format {} prints one app's report: give one evidence object", format_name(args.format));
        return Status::Usage;
    }
    if args.profile {
        return run_profiled(args, &engine);
    }
    let style = text::Style::for_stdout();
    score_inputs(args, Scoring { engine: &engine, format: args.format, profile: None, style }, None)
}

/// `--profile`: scores on one thread (so that the clocks measure evaluation alone), then prints
/// the profile on standard error.
fn run_profiled(args: &EvalArgs, engine: &Engine) -> Status {
    let profile = Mutex::new(Profile::new());
    // Batches are scored on this pool of one thread, handed out from this thread (see
    // `batch::score_batch`: this thread must not be the pool's).
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
    let scoring = Scoring { engine, format: args.format, profile: Some(&profile), style: text::Style::for_stdout() };
    let status = score_inputs(args, scoring, pool.as_ref());
    let profile = profile.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    crate::err!("{}", profile.render(engine.program(), engine.pack()));
    status
}

/// Scores every input in order, batches on `pool` (the global pool when `None`).
fn score_inputs(args: &EvalArgs, scoring: Scoring<'_>, pool: Option<&rayon::ThreadPool>) -> Status {
    let mut session = Session::new(scoring, pool);
    let single_input = args.evidence.len() == 1;
    for input in &args.evidence {
        if input == "-" {
            session.read_stdin(single_input);
        } else if input.ends_with(".jsonl") {
            match std::fs::File::open(input) {
                Ok(file) => {
                    let size = file.metadata().ok().map(|m| m.len());
                    session.read_batch(input, file, size);
                }
                Err(error) => session.unreadable(input, &error),
            }
        } else {
            match EVIDENCE.read_file(std::path::Path::new(input)) {
                Ok(bytes) => session.score_single(input, &bytes, single_input),
                Err(error) => session.unreadable(input, &error),
            }
        }
    }
    session.finish()
}

/// The state of one `eval` run: the engine, the output format, the rows of the closing table
/// and the exit status so far.
struct Session<'a> {
    scoring: Scoring<'a>,
    pool: Option<&'a rayon::ThreadPool>,
    rows: Vec<SummaryRow>,
    status: Status,
}

impl<'a> Session<'a> {
    fn new(scoring: Scoring<'a>, pool: Option<&'a rayon::ThreadPool>) -> Session<'a> {
        Session { scoring, pool, rows: Vec::new(), status: Status::Success }
    }

    fn unreadable(&mut self, input: &str, error: &std::io::Error) {
        crate::errln!("error: cannot read `{input}`: {error}");
        self.status.merge(Status::Usage);
    }

    /// A file that holds one object, however many lines it has.
    fn score_single(&mut self, name: &str, bytes: &[u8], alone: bool) {
        let mut piece = Piece::default();
        let line = first_content_line(bytes);
        piece.score(self.scoring, name, line, bytes, alone);
        crate::stdio::out_bytes(&piece.stdout);
        for line in &piece.stderr {
            crate::errln!("{line}");
        }
        self.take(piece);
    }

    /// Merges a scored piece's status and rows.
    fn take(&mut self, piece: Piece) {
        if !piece.stderr.is_empty() {
            self.status.merge(Status::Failure);
        }
        self.rows.extend(piece.rows);
    }

    /// Standard input: one object if all of it parses as one JSON object, else a batch of lines.
    ///
    /// To stream a long batch with bounded memory, the decision is made as early as it can be:
    /// the first JSON value is parsed from the stream, keeping the bytes read; the input is one
    /// object only if that value is an object and nothing but whitespace follows it. Otherwise the
    /// parse stops at the first byte that rules it out (in a batch, at the latest on its second
    /// line), and the bytes kept are replayed in front of the rest as a batch.
    ///
    /// At most [`EVIDENCE`] bytes are kept. A first value longer than that on one line is replayed
    /// as a batch (whose line limit rejects it in its place); one that spans lines is one object
    /// over the limit, an error.
    fn read_stdin(&mut self, alone: bool) {
        let mut tee = Tee {
            inner: BufReader::with_capacity(READ_BUFFER, std::io::stdin()),
            seen: Vec::new(),
            max: usize::try_from(EVIDENCE.get()).unwrap_or(usize::MAX),
            error: None,
        };
        let one_object = {
            let mut de = serde_json::Deserializer::from_reader(&mut tee);
            serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end()).is_ok()
        };
        if let Some(error) = tee.error.take() {
            if error.kind() != std::io::ErrorKind::FileTooLarge {
                return self.unreadable("-", &error);
            }
            if tee.seen.contains(&b'\n') {
                return self.unreadable("-", &EVIDENCE.exceeded());
            }
        }
        let Tee { inner, seen, .. } = tee;
        if is_blank(&seen) {
            return; // empty standard input: no object
        }
        let starts_with_brace = seen.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if one_object && starts_with_brace {
            self.score_single("-", &seen, alone);
        } else {
            self.read_batch("-", std::io::Cursor::new(seen).chain(inner), None);
        }
    }

    /// A batch: one object per line, blank lines skipped, streamed through the pipeline.
    fn read_batch(&mut self, name: &str, input: impl Read + Send, size: Option<u64>) {
        if self.scoring.format.one_app_only() {
            crate::errln!(
                "error: `{name}` is a batch, and --format {} prints one app's report: give one evidence object",
                format_name(self.scoring.format)
            );
            self.status.merge(Status::Usage);
            return;
        }
        let (read_error, written) = batch::score_batch(self.scoring, name, input, size, self.pool);
        if let Some((status, rows)) = written {
            self.status.merge(status);
            self.rows.extend(rows);
        }
        if let Some(error) = read_error {
            self.unreadable(name, &error);
        }
    }

    fn finish(self) -> Status {
        if self.scoring.format == ReportFormat::Text && self.rows.len() > 1 {
            crate::out!("{}", text::closing_table(self.scoring.engine.pack(), &self.rows));
        }
        self.status
    }
}

/// The name of `format` as `--format` takes it.
fn format_name(format: ReportFormat) -> String {
    use clap::ValueEnum as _;
    format.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default()
}

/// A reader that keeps a copy of every byte read through it, up to `max` bytes (past them it fails with
/// [`EVIDENCE`]'s error), and the read error that ended it (serde_json's own error would hide it).
struct Tee<R> {
    inner: R,
    seen: Vec<u8>,
    max: usize,
    error: Option<std::io::Error>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // One byte more than `max` is read, to tell an input of `max` bytes from a longer one.
        if self.seen.len() > self.max {
            self.error = Some(EVIDENCE.exceeded());
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        let room = (self.max - self.seen.len()).saturating_add(1);
        let buf = match buf.len() > room {
            true => buf.get_mut(..room).unwrap_or_default(),
            false => buf,
        };
        match self.inner.read(buf) {
            Ok(n) => {
                self.seen.extend_from_slice(buf.get(..n).unwrap_or_default());
                Ok(n)
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => Err(error),
            Err(error) => {
                let kind = error.kind();
                self.error = Some(error);
                Err(kind.into())
            }
        }
    }
}

/// The 1-based line of the first non-whitespace byte (1 for an empty or blank input).
fn first_content_line(bytes: &[u8]) -> usize {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    1 + bytes.iter().take(start).filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_line_skips_blank_lines() {
        assert_eq!(first_content_line(b"\n{\n}"), 2);
        assert_eq!(first_content_line(b"  {}"), 1);
        assert_eq!(first_content_line(b""), 1);
        assert_eq!(first_content_line(b"\n\n  x"), 3);
    }
}
