//! `eval`'s batches: one evidence object per line, streamed through a pipeline of three stages
//! that run at once:
//!
//! ```text
//! reader thread ──blocks of lines──▶ this thread ──pieces──▶ rayon pool ──rendered pieces──▶ writer thread
//!        ▲                                                      │    ▲                          │
//!        └──────────── block buffers (by the last piece) ───────┘    └── emptied output buffers ─┘
//! ```
//!
//! The reader reads the input into blocks of a few MiB and cuts them into lines in place
//! (the `lines` module: no line is copied). This thread cuts each block into pieces of
//! `PIECE_LINES` lines and hands each piece to the pool as its own task, which scores its lines
//! and renders their reports into one output buffer; tasks of the next block start while those of
//! the previous one finish, so no core waits for a block's slowest piece. The writer prints the
//! pieces in input order (holding back those that finish early) and returns each emptied buffer
//! as the token that lets one more piece start: at most `PIECES_PER_THREAD` pieces per thread
//! are in flight, and at most `QUEUE` blocks wait for them, so the pipeline's memory stays
//! bounded however long the batch is. `--format text` also keeps one [`SummaryRow`] per app for
//! the closing table (printed after the last app, its columns as wide as the longest app id):
//! about 130 bytes plus the app id per app with the built-in pack's 5 categories, 8 bytes more per
//! category, some 150 MB for a million apps; JSON keeps nothing per app. A rejected object prints `{"source": "FILE:LINE", "code": …, "error": …}` in its place
//! (and one line on standard error), and the batch goes on. A line longer than `--max-line-size`
//! ([`BATCH_LINE`]) is read to its end without being kept and rejected the same way. When standard error is a terminal, a
//! progress bar shows how far the batch is.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use indicia::evidence::{Evidence, Rejected};
use indicia::limits::BATCH_LINE;
use indicia::profile::Profile;
use indicia::{Engine, EvidenceError};

use crate::cli::ReportFormat;
use crate::exit::Status;
use crate::lines::{Block, LineBlocks};
use crate::output::text::SummaryRow;
use crate::output::view::ReportView;
use crate::output::{self};
use crate::progress::Progress;

/// Blocks waiting between the reader and this thread.
const QUEUE: usize = 2;

/// Lines scored together as one task of the pool, rendered into one output buffer (8 to 64
/// measured: 32 was fastest, by a few per cent).
const PIECE_LINES: usize = 32;

/// Pieces per thread of the pool that may be scored or wait to be written at any time.
const PIECES_PER_THREAD: usize = 8;

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
    let (block_tx, block_rx) = sync_channel::<Block>(QUEUE);
    let (recycle_tx, recycle_rx) = sync_channel::<Block>(QUEUE + 2);
    let (scored_tx, scored_rx) = channel::<Scored>();
    // One token per piece being scored or waiting to be written: they bound the pipeline.
    let (token_tx, token_rx) = sync_channel::<Vec<u8>>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(Vec::new());
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_blocks(input, &block_tx, &recycle_rx));
        let writer = scope.spawn(move || write_pieces(&scored_rx, &token_tx, size));
        // The pieces run on the pool while this thread hands them out, so that no core waits
        // for the slowest piece of a block before the next block starts.
        let hand_out = |pool: &rayon::ScopeFifo<'a>| {
            let mut sequence = 0u64;
            'blocks: for block in block_rx {
                let block = Arc::new(block);
                let pieces = block.lines.len().div_ceil(PIECE_LINES);
                for piece in 0..pieces {
                    // A token is an emptied output buffer; none comes back once the writer
                    // has stopped (standard output closed).
                    let Ok(stdout) = token_rx.recv() else { break 'blocks };
                    let (block, scored_tx, recycle_tx) = (Arc::clone(&block), scored_tx.clone(), recycle_tx.clone());
                    let last = piece + 1 == pieces;
                    pool.spawn_fifo(move |_| {
                        let first = piece * PIECE_LINES;
                        let lines = block.lines.get(first..(first + PIECE_LINES).min(block.lines.len()));
                        let mut scored = Piece { stdout, ..Piece::default() };
                        scored.stdout.clear();
                        for line in lines.unwrap_or_default() {
                            if line.too_long {
                                let error = EvidenceError::TooLarge(Rejected::new("", BATCH_LINE.message()));
                                scored.reject(scoring.format, &format!("{name}:{}", line.number), &error);
                                continue;
                            }
                            scored.score(scoring, name, line.number, block.text(line), false);
                        }
                        let bytes = if last { block.consumed } else { 0 };
                        let _ = scored_tx.send(Scored { sequence, piece: scored, bytes });
                        // The last piece to finish hands the block's buffers back to the reader
                        // (unless this thread still holds the block: then it does).
                        if let Some(block) = Arc::into_inner(block) {
                            let _ = recycle_tx.try_send(block);
                        }
                    });
                    sequence += 1;
                }
                // Whichever lets go of the block last hands its buffers back: here when the
                // pieces finished first (or there were none).
                if let Some(block) = Arc::into_inner(block) {
                    let _ = recycle_tx.try_send(block);
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

/// The reader stage: cuts `input` into blocks of lines and sends them, reusing the buffers the
/// scorer hands back. Returns the read error that ended the input early, if one did.
fn read_blocks(input: impl Read, blocks: &SyncSender<Block>, recycled: &Receiver<Block>) -> Option<std::io::Error> {
    let mut lines = LineBlocks::new(input);
    loop {
        let mut block = recycled.try_recv().unwrap_or_default();
        match lines.next_into(&mut block) {
            Ok(true) => {
                if blocks.send(block).is_err() {
                    return None; // the scorer stopped
                }
            }
            Ok(false) => return None,
            Err(error) => return Some(error),
        }
    }
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
    /// The record is read into this thread's reused evidence ([`Engine::with_read_evidence`]).
    pub(crate) fn score(&mut self, scoring: Scoring<'_>, name: &str, line: usize, bytes: &[u8], pretty: bool) {
        scoring.engine.with_read_evidence(bytes, |read| match read {
            Ok(evidence) => self.render(scoring, name, evidence, pretty),
            Err(error) => self.reject(scoring.format, &format!("{name}:{line}"), &error),
        });
    }

    /// Scores one record's evidence (read from `name`) and renders its report.
    fn render(
        &mut self,
        Scoring { engine, format, profile, style }: Scoring<'_>,
        name: &str,
        evidence: &Evidence,
        pretty: bool,
    ) {
        self.apps += 1;
        let report = match profile {
            None if format == ReportFormat::Json && !pretty && !engine.explains() => {
                // The usual batch line: written straight from the outcomes, no report built.
                engine.evaluate_into_json(evidence, &mut self.stdout);
                self.stdout.push(b'\n');
                return;
            }
            None => engine.evaluate(evidence),
            Some(profile) => match profile.lock() {
                Ok(mut profile) => engine.evaluate_profiled(evidence, &mut profile),
                // A piece that panicked while holding the profile: its counts are lost, not the report.
                Err(poisoned) => engine.evaluate_profiled(evidence, &mut poisoned.into_inner()),
            },
        };
        // The file the report is about: the evidence file (standard input has none).
        let view = ReportView::new(engine.pack(), evidence, &report, (name != "-").then_some(name));
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
