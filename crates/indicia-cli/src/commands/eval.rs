//! `indicia eval [--rules PACK] [--param NAME=VALUE]... [--format json|text] EVIDENCE...`
//!
//! Inputs are read and scored in order. A `.jsonl` file (and standard input that is not one
//! JSON object) is a batch, streamed through a pipeline of three stages that run at once:
//!
//! ```text
//! reader thread ──chunks of lines──▶ scoring (rayon, every core) ──rendered pieces──▶ writer thread
//!        ▲                                  │
//!        └──────── emptied chunk buffers ───┘
//! ```
//!
//! The reader splits the input into chunks of up to [`CHUNK_LINES`] lines (or [`CHUNK_BYTES`]
//! bytes), stored back to back in one reused buffer; the scorer splits each chunk into pieces,
//! scores them on every core and renders each piece's reports into one buffer, in input order; the
//! writer prints a chunk's pieces under one lock of standard output. The channels between the
//! stages hold at most [`QUEUE`] chunks, so memory stays bounded however long the batch is. A
//! rejected object prints `{"source": "FILE:LINE", "error": …}` in its place (and one line on
//! standard error), and the batch goes on. When standard error is a terminal, a progress bar
//! shows how far the batch is.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use indicia::Engine;
use indicia::profile::Profile;
use rayon::prelude::*;
use serde::Deserialize as _;

use crate::cli::{EvalArgs, ReportFormat};
use crate::exit::Status;
use crate::output::text::{self, SummaryRow};
use crate::progress::Progress;

/// Most lines of a batch scored together: enough to keep every core busy, few enough to bound
/// memory (smaller chunks also mean fewer fresh pages to fault in: 512 lines cost 2× the resident
/// memory and ~4 % more time than 128 on the 1 GB benchmark batch).
const CHUNK_LINES: usize = 128;

/// A chunk closes once it holds this many bytes (one longer line still fits whole).
const CHUNK_BYTES: usize = 8 << 20;

/// Chunks waiting between two stages of the pipeline.
const QUEUE: usize = 2;

/// Output buffers kept for reuse between chunks.
const MAX_SPARE_BUFFERS: usize = 256;

/// Read buffer of a batch.
const READ_BUFFER: usize = 1 << 20;

/// Scores every evidence input against the pack.
pub fn run(args: &EvalArgs) -> Status {
    let engine = match crate::pack::load_engine_with_params(args.rules.as_deref(), &args.params) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    if args.profile {
        return run_profiled(args, &engine);
    }
    score_inputs(args, &engine)
}

/// The apps' time by node, gathered by [`Piece::score`] when `--profile` is given.
static PROFILE: Mutex<Option<Profile>> = Mutex::new(None);

/// Whether `PROFILE` is in use (checked first, so that the normal path takes no lock).
static PROFILING: AtomicBool = AtomicBool::new(false);

/// `--profile`: scores on one thread (so that the clocks measure evaluation alone), then prints
/// the profile on standard error.
fn run_profiled(args: &EvalArgs, engine: &Engine) -> Status {
    if let Ok(mut slot) = PROFILE.lock() {
        *slot = Some(Profile::new());
        PROFILING.store(true, Ordering::Relaxed);
    }
    let status = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool.install(|| score_inputs(args, engine)),
        Err(_) => score_inputs(args, engine),
    };
    if let Some(profile) = PROFILE.lock().ok().and_then(|mut slot| slot.take()) {
        eprint!("{}", profile.render(engine.program(), engine.pack()));
    }
    status
}

/// Scores every input in order.
fn score_inputs(args: &EvalArgs, engine: &Engine) -> Status {
    let mut session = Session::new(engine, args.format);
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
            match std::fs::read(input) {
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
    engine: &'a Engine,
    format: ReportFormat,
    rows: Vec<SummaryRow>,
    status: Status,
}

impl<'a> Session<'a> {
    fn new(engine: &'a Engine, format: ReportFormat) -> Session<'a> {
        Session { engine, format, rows: Vec::new(), status: Status::Success }
    }

    fn unreadable(&mut self, input: &str, error: &std::io::Error) {
        eprintln!("error: cannot read `{input}`: {error}");
        self.status.merge(Status::Usage);
    }

    /// A file that holds one object, however many lines it has.
    fn score_single(&mut self, name: &str, bytes: &[u8], alone: bool) {
        let mut piece = Piece::default();
        let line = first_content_line(bytes);
        piece.score(self.engine, self.format, name, line, bytes, alone);
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        let _ = stdout.write_all(&piece.stdout);
        for line in &piece.stderr {
            eprintln!("{line}");
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
    fn read_stdin(&mut self, alone: bool) {
        let mut tee =
            Tee { inner: BufReader::with_capacity(READ_BUFFER, std::io::stdin()), seen: Vec::new(), error: None };
        let one_object = {
            let mut de = serde_json::Deserializer::from_reader(&mut tee);
            serde::de::IgnoredAny::deserialize(&mut de).and_then(|_| de.end()).is_ok()
        };
        if let Some(error) = tee.error.take() {
            return self.unreadable("-", &error);
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
        let engine = self.engine;
        let format = self.format;
        let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(QUEUE);
        let (recycle_tx, recycle_rx) = sync_channel::<Chunk>(QUEUE + 2);
        let (scored_tx, scored_rx) = sync_channel::<Scored>(QUEUE);
        let (spare_tx, spare_rx) = sync_channel::<Vec<Vec<u8>>>(QUEUE + 2);
        let (read_error, written) = std::thread::scope(|scope| {
            let reader = scope.spawn(move || read_chunks(input, &chunk_tx, &recycle_rx));
            let writer = scope.spawn(move || write_pieces(&scored_rx, &spare_tx, size));
            // Output buffers the writer has emptied, reused so that rendering seldom allocates.
            let mut spare: Vec<Vec<u8>> = Vec::new();
            for chunk in chunk_rx {
                while let Ok(buffers) = spare_rx.try_recv() {
                    spare.extend(buffers);
                }
                let pieces = score_chunk(engine, format, name, &chunk, &mut spare);
                spare.truncate(MAX_SPARE_BUFFERS);
                if scored_tx.send(Scored { pieces, bytes: chunk.consumed }).is_err() {
                    break; // the writer stopped: standard output is closed
                }
                // A full or closed recycling queue only costs an allocation.
                let _ = recycle_tx.try_send(chunk);
            }
            drop(scored_tx);
            drop(recycle_tx);
            (reader.join().ok().flatten(), writer.join().ok())
        });
        if let Some((status, rows)) = written {
            self.status.merge(status);
            self.rows.extend(rows);
        }
        if let Some(error) = read_error {
            self.unreadable(name, &error);
        }
    }

    fn finish(self) -> Status {
        if self.format == ReportFormat::Text && self.rows.len() > 1 {
            print!("{}", text::closing_table(self.engine.pack(), &self.rows));
        }
        self.status
    }
}

/// Lines of a batch, back to back in one buffer.
#[derive(Default)]
struct Chunk {
    /// The lines' bytes (blank lines left out).
    bytes: Vec<u8>,
    /// Each line: its range in `bytes` and its 1-based line number in the input.
    lines: Vec<Line>,
    /// Input bytes this chunk covers, blank lines included (for the progress bar).
    consumed: u64,
}

/// One non-blank line of a chunk.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    number: usize,
}

/// A reader that keeps a copy of every byte read through it, and the read error that ended it
/// (serde_json's own error would hide it).
struct Tee<R> {
    inner: R,
    seen: Vec<u8>,
    error: Option<std::io::Error>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
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

/// The reader stage: splits `input` into chunks and sends them, reusing the buffers the scorer
/// hands back. Returns the read error that ended the input early, if one did.
fn read_chunks(input: impl Read, chunks: &SyncSender<Chunk>, recycled: &Receiver<Chunk>) -> Option<std::io::Error> {
    let mut reader = BufReader::with_capacity(READ_BUFFER, input);
    let mut line_number = 0usize;
    let mut chunk = Chunk::default();
    loop {
        let start = chunk.bytes.len();
        match reader.read_until(b'\n', &mut chunk.bytes) {
            Ok(0) => break,
            Ok(read) => {
                line_number += 1;
                chunk.consumed += read as u64;
                if chunk.bytes.get(start..).is_some_and(is_blank) {
                    chunk.bytes.truncate(start);
                    continue;
                }
                chunk.lines.push(Line { start, end: chunk.bytes.len(), number: line_number });
                if chunk.lines.len() >= CHUNK_LINES || chunk.bytes.len() >= CHUNK_BYTES {
                    let mut next = recycled.try_recv().unwrap_or_default();
                    next.bytes.clear();
                    next.lines.clear();
                    next.consumed = 0;
                    if chunks.send(std::mem::replace(&mut chunk, next)).is_err() {
                        return None; // the scorer stopped
                    }
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                // What was read before the error is still scored.
                chunk.bytes.truncate(start);
                let _ = chunks.send(chunk);
                return Some(error);
            }
        }
    }
    if !chunk.lines.is_empty() {
        let _ = chunks.send(chunk);
    }
    None
}

/// A chunk scored: its pieces, in input order, and the input bytes it covered.
struct Scored {
    pieces: Vec<Piece>,
    bytes: u64,
}

/// The scoring stage: scores a chunk on every core, in pieces of consecutive lines, each
/// rendered into one buffer (taken from `spare` when it has one), and returns the pieces in input
/// order.
fn score_chunk(
    engine: &Engine,
    format: ReportFormat,
    name: &str,
    chunk: &Chunk,
    spare: &mut Vec<Vec<u8>>,
) -> Vec<Piece> {
    // A few pieces per thread balance the load; every piece is rendered into one buffer.
    let per_piece = chunk.lines.len().div_ceil(rayon::current_num_threads() * 4).max(1);
    let buffers: Vec<Vec<u8>> =
        (0..chunk.lines.len().div_ceil(per_piece)).map(|_| spare.pop().unwrap_or_default()).collect();
    chunk
        .lines
        .par_chunks(per_piece)
        .zip(buffers)
        .map(|(lines, mut stdout)| {
            stdout.clear();
            let mut piece = Piece { stdout, ..Piece::default() };
            for line in lines {
                let bytes = chunk.bytes.get(line.start..line.end).unwrap_or_default();
                piece.score(engine, format, name, line.number, bytes, false);
            }
            piece
        })
        .collect()
}

/// The writer stage: prints each chunk's pieces under one lock of standard output, the error
/// lines on standard error, and keeps the progress bar. Returns the status and the rows of the
/// closing table.
fn write_pieces(
    pieces: &Receiver<Scored>,
    spare: &SyncSender<Vec<Vec<u8>>>,
    size: Option<u64>,
) -> (Status, Vec<SummaryRow>) {
    let mut progress = Progress::new(size);
    let mut status = Status::Success;
    let mut rows = Vec::new();
    for scored in pieces {
        let mut apps = 0;
        let mut closed = false;
        {
            let mut stdout = std::io::stdout().lock();
            for piece in &scored.pieces {
                // A closed pipe (e.g. `| head`) ends the batch quietly.
                closed = closed || stdout.write_all(&piece.stdout).is_err();
            }
            closed = closed || stdout.flush().is_err();
        }
        let mut buffers = Vec::with_capacity(scored.pieces.len());
        for piece in scored.pieces {
            apps += piece.apps;
            for line in &piece.stderr {
                progress.eprintln(line);
                status.merge(Status::Failure);
            }
            rows.extend(piece.rows);
            buffers.push(piece.stdout);
        }
        // Hand the emptied buffers back to the scorer (unless it has enough already).
        let _ = spare.try_send(buffers);
        progress.advance(scored.bytes, apps);
        if closed {
            break;
        }
    }
    progress.finish();
    (status, rows)
}

/// What scoring some consecutive records printed.
#[derive(Default)]
struct Piece {
    /// The text for standard output: one report or error object per record, each ending in a
    /// newline.
    stdout: Vec<u8>,
    /// One line for standard error per rejected record.
    stderr: Vec<String>,
    /// The rows of the closing table, for `--format text`.
    rows: Vec<SummaryRow>,
    /// Records scored.
    apps: u64,
}

impl Piece {
    /// Reads, validates and scores one record (`name:line` for errors), and renders the result.
    fn score(&mut self, engine: &Engine, format: ReportFormat, name: &str, line: usize, bytes: &[u8], pretty: bool) {
        self.apps += 1;
        let evidence = match engine.read_evidence(bytes) {
            Ok(evidence) => evidence,
            Err(error) => {
                let source = format!("{name}:{line}");
                let object = serde_json::json!({ "source": source, "error": error.to_string() });
                let _ = serde_json::to_writer(&mut self.stdout, &object);
                self.stdout.push(b'\n');
                self.stderr.push(format!("error: {source}: {error}"));
                return;
            }
        };
        let profiling = PROFILING.load(Ordering::Relaxed);
        if format == ReportFormat::Json && !pretty && !profiling {
            // The usual batch line: written straight from the outcomes, no report built.
            engine.evaluate_into_json(&evidence, &mut self.stdout);
            self.stdout.push(b'\n');
            return;
        }
        let report = if profiling {
            match PROFILE.lock().as_deref_mut() {
                Ok(Some(profile)) => engine.evaluate_profiled(&evidence, profile),
                _ => engine.evaluate(&evidence),
            }
        } else {
            engine.evaluate(&evidence)
        };
        match format {
            ReportFormat::Json => {
                let mark = self.stdout.len();
                let written = if pretty {
                    serde_json::to_writer_pretty(&mut self.stdout, &report)
                } else {
                    serde_json::to_writer(&mut self.stdout, &report)
                };
                if written.is_err() {
                    self.stdout.truncate(mark);
                }
                self.stdout.push(b'\n');
            }
            ReportFormat::Text => {
                self.stdout.extend_from_slice(text::render_report(engine.pack(), &evidence, &report).as_bytes());
                self.stdout.push(b'\n');
                self.rows.push(SummaryRow::of(&report));
            }
        }
    }
}

/// True when `bytes` holds only ASCII whitespace.
fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
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

    #[test]
    fn chunks_keep_line_numbers_skip_blank_lines_and_close_at_the_line_limit() {
        let mut input = String::new();
        for i in 0..(CHUNK_LINES + 10) {
            input.push_str(&format!("{{\"n\": {i}}}\n"));
            if i % 100 == 0 {
                input.push_str("  \n");
            }
        }
        input.push_str("{\"last\": true}"); // no final newline
        let (tx, rx) = sync_channel(100);
        let (_recycle_tx, recycle_rx) = sync_channel(1);
        assert!(read_chunks(input.as_bytes(), &tx, &recycle_rx).is_none());
        drop(tx);
        let chunks: Vec<Chunk> = rx.iter().collect();
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].lines.len(), CHUNK_LINES);
        assert_eq!(chunks.iter().map(|c| c.consumed).sum::<u64>(), input.len() as u64);
        let lines: Vec<(usize, &[u8])> =
            chunks.iter().flat_map(|c| c.lines.iter().map(|l| (l.number, &c.bytes[l.start..l.end]))).collect();
        assert_eq!(lines.len(), CHUNK_LINES + 11);
        assert_eq!(lines[0], (1, &b"{\"n\": 0}\n"[..]));
        assert_eq!(lines[1], (3, &b"{\"n\": 1}\n"[..])); // line 2 was blank
        let blank_lines = (CHUNK_LINES + 10).div_ceil(100);
        assert_eq!(lines.last().copied(), Some((CHUNK_LINES + 10 + blank_lines + 1, &b"{\"last\": true}"[..])));
    }
}
