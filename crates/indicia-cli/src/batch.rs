//! `eval`'s batches: one evidence object per line, streamed through a pipeline of three stages
//! that run at once:
//!
//! ```text
//! reader thread ──chunks of lines──▶ this thread ──pieces──▶ rayon pool ──rendered pieces──▶ writer thread
//!        ▲                                                      │    ▲                          │
//!        └──────────── chunk buffers (by the last piece) ───────┘    └── emptied output buffers ─┘
//! ```
//!
//! The reader splits the input into chunks of up to `CHUNK_LINES` lines (or `CHUNK_BYTES`
//! bytes), stored back to back in one reused buffer. This thread cuts each chunk into pieces of
//! `PIECE_LINES` lines and hands each piece to the pool as its own task, which scores its lines
//! and renders their reports into one output buffer; tasks of the next chunk start while those of
//! the previous one finish, so no core waits for a chunk's slowest piece. The writer prints the
//! pieces in input order (holding back those that finish early) and returns each emptied buffer
//! as the token that lets one more piece start: at most `PIECES_PER_THREAD` pieces per thread
//! are in flight, and at most `QUEUE` chunks wait for them, so the pipeline's memory stays
//! bounded however long the batch is. `--format text` also keeps one [`SummaryRow`] per app for
//! the closing table (printed after the last app, its columns as wide as the longest app id):
//! about 130 bytes plus the app id per app with the built-in pack's 5 categories, 8 bytes more per
//! category, some 150 MB for a million apps; JSON keeps nothing per app. A rejected object prints `{"source": "FILE:LINE", "code": …, "error": …}` in its place
//! (and one line on standard error), and the batch goes on. A line longer than `--max-line-size`
//! ([`BATCH_LINE`]) is read to its end without being kept and rejected the same way. When standard error is a terminal, a
//! progress bar shows how far the batch is.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use indicia::evidence::Rejected;
use indicia::limits::{BATCH_LINE, LineRead};
use indicia::profile::Profile;
use indicia::{Engine, EvidenceError};

use crate::cli::ReportFormat;
use crate::exit::Status;
use crate::output::text::SummaryRow;
use crate::output::view::ReportView;
use crate::output::{self};
use crate::progress::Progress;

/// Most lines the reader gathers into one chunk. With the piece sizes below, 64 to 256 lines
/// scored the 1 GB benchmark batch equally fast (docs/performance.md); more only costs memory.
const CHUNK_LINES: usize = 128;

/// A chunk closes once it holds this many bytes (one longer line still fits whole).
const CHUNK_BYTES: usize = 8 << 20;

/// Chunks waiting between the reader and this thread.
const QUEUE: usize = 2;

/// Lines scored together as one task of the pool, rendered into one output buffer (8 to 64
/// measured: 32 was fastest, by a few per cent).
const PIECE_LINES: usize = 32;

/// Pieces per thread of the pool that may be scored or wait to be written at any time.
const PIECES_PER_THREAD: usize = 8;

/// Read buffer of a batch.
pub(crate) const READ_BUFFER: usize = 1 << 20;

/// How the records of one `eval` run are scored: the engine, the report format, and where
/// `--profile` gathers the apps' time by node (`None` without it; the normal path then takes no
/// lock and writes each report line straight from the outcomes).
#[derive(Clone, Copy)]
pub(crate) struct Scoring<'a> {
    /// The pack's engine.
    pub(crate) engine: &'a Engine,
    /// The report format.
    pub(crate) format: ReportFormat,
    /// The profile every scored app adds its counts to, with `--profile`.
    pub(crate) profile: Option<&'a Mutex<Profile>>,
    /// Colour of the text report (from `--color`, decided once per run).
    pub(crate) style: output::text::Style,
}

/// Scores a batch read from `input` (`name` in messages; `size` bytes when known, for the
/// progress bar) as `scoring` says, on `pool` (the global pool when `None`). Returns the read error that ended the
/// input early, and the status and rows of the closing table (none when the writer stage failed).
///
/// The calling thread hands the pieces out and waits for tokens, so it must not be a thread of the
/// pool that scores them: were it the only one (as `--profile`'s pool of one thread once was, by
/// `install`), no piece would ever be scored once the first tokens were spent.
pub(crate) fn score_batch<'a>(
    scoring: Scoring<'a>,
    name: &'a str,
    input: impl Read + Send,
    size: Option<u64>,
    pool: Option<&rayon::ThreadPool>,
) -> (Option<std::io::Error>, Option<(Status, Vec<SummaryRow>)>) {
    let threads = pool.map_or_else(rayon::current_num_threads, rayon::ThreadPool::current_num_threads);
    let in_flight = threads * PIECES_PER_THREAD;
    let (chunk_tx, chunk_rx) = sync_channel::<Chunk>(QUEUE);
    let (recycle_tx, recycle_rx) = sync_channel::<Chunk>(QUEUE + 2);
    let (scored_tx, scored_rx) = channel::<Scored>();
    // One token per piece being scored or waiting to be written: they bound the pipeline.
    let (token_tx, token_rx) = sync_channel::<Vec<u8>>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(Vec::new());
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(input, &chunk_tx, &recycle_rx));
        let writer = scope.spawn(move || write_pieces(&scored_rx, &token_tx, size));
        // The pieces run on the pool while this thread hands them out, so that no core waits
        // for the slowest piece of a chunk before the next chunk starts.
        let hand_out = |pool: &rayon::ScopeFifo<'a>| {
            let mut sequence = 0u64;
            'chunks: for chunk in chunk_rx {
                let chunk = Arc::new(chunk);
                let pieces = chunk.lines.len().div_ceil(PIECE_LINES);
                for piece in 0..pieces {
                    // A token is an emptied output buffer; none comes back once the writer
                    // has stopped (standard output closed).
                    let Ok(stdout) = token_rx.recv() else { break 'chunks };
                    let (chunk, scored_tx, recycle_tx) = (Arc::clone(&chunk), scored_tx.clone(), recycle_tx.clone());
                    let last = piece + 1 == pieces;
                    pool.spawn_fifo(move |_| {
                        let first = piece * PIECE_LINES;
                        let lines = chunk.lines.get(first..(first + PIECE_LINES).min(chunk.lines.len()));
                        let mut scored = Piece { stdout, ..Piece::default() };
                        scored.stdout.clear();
                        for line in lines.unwrap_or_default() {
                            if line.too_long {
                                let error = EvidenceError::TooLarge(Rejected::new("", BATCH_LINE.message()));
                                scored.reject(scoring.format, &format!("{name}:{}", line.number), &error);
                                continue;
                            }
                            let bytes = chunk.bytes.get(line.start..line.end).unwrap_or_default();
                            scored.score(scoring, name, line.number, bytes, false);
                        }
                        let bytes = if last { chunk.consumed } else { 0 };
                        let _ = scored_tx.send(Scored { sequence, piece: scored, bytes });
                        // The last piece to finish hands the chunk's buffers back to the reader.
                        if let Some(chunk) = Arc::into_inner(chunk) {
                            let _ = recycle_tx.try_send(chunk);
                        }
                    });
                    sequence += 1;
                }
            }
        };
        match pool {
            Some(pool) => pool.in_place_scope_fifo(hand_out),
            None => rayon::in_place_scope_fifo(hand_out),
        }
        drop(scored_tx);
        drop(recycle_tx);
        (reader.join().ok().flatten(), writer.join().ok())
    })
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
    /// Longer than [`BATCH_LINE`]: skipped unread, rejected in its place (`start..end` is empty).
    too_long: bool,
}

/// The reader stage: splits `input` into chunks and sends them, reusing the buffers the scorer
/// hands back. A line longer than [`BATCH_LINE`] is read to its end without being kept. Returns the
/// read error that ended the input early, if one did.
fn read_chunks(input: impl Read, chunks: &SyncSender<Chunk>, recycled: &Receiver<Chunk>) -> Option<std::io::Error> {
    let mut reader = BufReader::with_capacity(READ_BUFFER, input);
    let mut line_number = 0usize;
    let mut chunk = Chunk::default();
    loop {
        let start = chunk.bytes.len();
        match BATCH_LINE.read_line(&mut reader, &mut chunk.bytes) {
            Ok(LineRead { consumed: 0, .. }) => break,
            Ok(LineRead { consumed, too_long }) => {
                line_number += 1;
                chunk.consumed += consumed;
                let text = chunk.bytes.get(start..).unwrap_or_default();
                if !too_long && is_blank(text) {
                    chunk.bytes.truncate(start);
                    continue;
                }
                // The line ends before its newline, so that a syntax error's position is on it
                // (`line 1 column 7`, not `line 2 column 0`). An overlong line kept nothing.
                let newline =
                    text.strip_suffix(b"\r\n").or_else(|| text.strip_suffix(b"\n")).map_or(0, |t| text.len() - t.len());
                chunk.lines.push(Line { start, end: chunk.bytes.len() - newline, number: line_number, too_long });
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

/// A piece scored, with its place in the batch and the input bytes it accounts for (for the
/// progress bar).
struct Scored {
    sequence: u64,
    piece: Piece,
    bytes: u64,
}

/// The writer stage: prints the pieces in input order (holding back those that finish early),
/// their error lines on standard error, and keeps the progress bar; each emptied output buffer
/// goes back as the token for the next piece. Returns the status and the rows of the closing
/// table.
fn write_pieces(
    scored: &Receiver<Scored>,
    tokens: &SyncSender<Vec<u8>>,
    size: Option<u64>,
) -> (Status, Vec<SummaryRow>) {
    let mut progress = Progress::new(size);
    let mut status = Status::Success;
    let mut rows = Vec::new();
    let mut waiting: BTreeMap<u64, Scored> = BTreeMap::new();
    let mut next = 0u64;
    let mut stdout = std::io::stdout().lock();
    'receive: for arrived in scored {
        waiting.insert(arrived.sequence, arrived);
        while let Some(Scored { piece, bytes, .. }) = waiting.remove(&next) {
            next += 1;
            // A closed pipe (e.g. `| head`) ends the batch quietly; another failed write ends it
            // with a message and exit 2 (crate::stdio).
            let written = stdout.write_all(&piece.stdout);
            let failed = written.is_err();
            crate::stdio::record(written, "standard output");
            if failed {
                break 'receive;
            }
            for line in &piece.stderr {
                progress.eprintln(line);
                status.merge(Status::Failure);
            }
            rows.extend(piece.rows);
            progress.advance(bytes, piece.apps);
            let _ = tokens.send(piece.stdout);
        }
        if waiting.is_empty() {
            let flushed = stdout.flush();
            let failed = flushed.is_err();
            crate::stdio::record(flushed, "standard output");
            if failed {
                break;
            }
        }
    }
    crate::stdio::record(stdout.flush(), "standard output");
    progress.finish();
    (status, rows)
}

/// What scoring some consecutive records printed.
#[derive(Default)]
pub(crate) struct Piece {
    /// The text for standard output: one report or error object per record, each ending in a
    /// newline.
    pub(crate) stdout: Vec<u8>,
    /// One line for standard error per rejected record.
    pub(crate) stderr: Vec<String>,
    /// The rows of the closing table, for `--format text`.
    pub(crate) rows: Vec<SummaryRow>,
    /// Records scored.
    apps: u64,
}

impl Piece {
    /// Reads, validates and scores one record (`name:line` for errors), and renders the result.
    pub(crate) fn score(
        &mut self,
        Scoring { engine, format, profile, style }: Scoring<'_>,
        name: &str,
        line: usize,
        bytes: &[u8],
        pretty: bool,
    ) {
        let evidence = match engine.read_evidence(bytes) {
            Ok(evidence) => evidence,
            Err(error) => return self.reject(format, &format!("{name}:{line}"), &error),
        };
        self.apps += 1;
        let report = match profile {
            None if format == ReportFormat::Json && !pretty && !engine.explains() => {
                // The usual batch line: written straight from the outcomes, no report built.
                engine.evaluate_into_json(&evidence, &mut self.stdout);
                self.stdout.push(b'\n');
                return;
            }
            None => engine.evaluate(&evidence),
            Some(profile) => match profile.lock() {
                Ok(mut profile) => engine.evaluate_profiled(&evidence, &mut profile),
                // A piece that panicked while holding the profile: its counts are lost, not the report.
                Err(poisoned) => engine.evaluate_profiled(&evidence, &mut poisoned.into_inner()),
            },
        };
        // The file the report is about: the evidence file (standard input has none).
        let view = ReportView::new(engine.pack(), &evidence, &report, (name != "-").then_some(name));
        let options = output::Options { pretty, detailed: engine.explains(), style };
        self.stdout.extend_from_slice(output::render(format, &view, options).as_bytes());
        if matches!(format, ReportFormat::Text | ReportFormat::Markdown) {
            self.stdout.push(b'\n'); // a blank line between apps
        }
        if format == ReportFormat::Text {
            self.rows.push(SummaryRow::of(&report));
        }
    }
}

impl Piece {
    /// Records a rejected object (`source` is `FILE:LINE`): its error object (JSON) or line (text) in
    /// its place among the reports, and one line for standard error.
    pub(crate) fn reject(&mut self, format: ReportFormat, source: &str, error: &EvidenceError) {
        self.apps += 1;
        match format {
            ReportFormat::Json => {
                let object = serde_json::json!({ "source": source, "code": error.code(), "error": error.to_string() });
                let _ = serde_json::to_writer(&mut self.stdout, &object);
                self.stdout.push(b'\n');
            }
            // In its place among the reports, in words.
            _ => {
                self.stdout.extend_from_slice(format!("{source}: rejected: {error}\n\n").as_bytes());
            }
        }
        self.stderr.push(format!("error[{}]: {source}: {error}", error.code()));
    }
}

/// True when `bytes` holds only ASCII whitespace.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(lines[0], (1, &b"{\"n\": 0}"[..]));
        assert_eq!(lines[1], (3, &b"{\"n\": 1}"[..])); // line 2 was blank
        let blank_lines = (CHUNK_LINES + 10).div_ceil(100);
        assert_eq!(lines.last().copied(), Some((CHUNK_LINES + 10 + blank_lines + 1, &b"{\"last\": true}"[..])));
    }
}
