//! `indicia scan` over many apps: each app extracted and scored as its own task on the rayon pool,
//! printed in input order by a writer thread.
//!
//! ```text
//! this thread ──apps (one token each)──▶ rayon pool ──events──▶ writer thread ──▶ standard output
//!      ▲                                                              │
//!      └──────────────────────── tokens ─────────────────────────────┘
//! ```
//!
//! This thread walks the arguments ([`crate::apps`]) and hands each app to the pool once it holds a
//! token; [`TOKENS_PER_THREAD`] tokens per thread of the pool exist, and the writer gives one back each
//! time it prints an app. So however many apps there are, at most that many are being read or wait to
//! be printed, and memory is bounded by that window times what one app may take (the extractor's
//! [`Limits`]). The writer prints the apps in input order, holding back those
//! that finish early: one JSON line each (`{"source": …, "error": …}` for an app that cannot be read),
//! or the text report and, at the end, the table across apps.
//!
//! **Time limit.** Each app gets a deadline when its task starts: the extractor stops at its next
//! look at the clock past it (`Limits::deadline`: before each source and archive, at every read of a
//! member's decompressor, every 1,024 objects of an AXML, DEX or plist read) and the app is an error
//! line. As a backstop for any work between two looks, the writer does not wait for an app longer than
//! twice its limit after it started: it prints its error line then, gives its token back and goes on;
//! the task's late result is dropped. Safe Rust cannot stop a thread, so such a task keeps its thread
//! busy until it returns (every read being capped in size, it does return), and the batch goes on with
//! the others.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, channel, sync_channel};
use std::time::{Duration, Instant};

use indicia::Engine;
use indicia_extract::{Limits, Options, Source};

use crate::apps::{App, Found};
use crate::cli::ReportFormat;
use crate::commands::extract::ScanArgs;
use crate::exit::Status;
use crate::output::text::{self, SummaryRow};
use crate::output::view::ReportView;
use crate::output::{self};
use crate::progress::Progress;

/// Apps per thread of the pool that may be read, scored or wait to be printed at any time.
pub const TOKENS_PER_THREAD: usize = 2;

/// What a batch needs for every app, shared by the tasks.
pub struct Batch {
    /// The pack, compiled.
    pub engine: Engine,
    /// How to extract (trackers, countries, limits).
    pub options: Options,
    /// How to print.
    pub format: ReportFormat,
    /// Colour of the text reports.
    pub style: text::Style,
    /// Each app's time limit (`None`: no limit).
    pub limit: Option<Duration>,
}

/// What the tasks and this thread tell the writer.
enum Event {
    /// App `index` (shown as the string) started at this instant.
    Started(u64, Instant, String),
    /// App `index` is done: its output.
    Done(u64, Output),
    /// No more apps: there were this many.
    End(u64),
}

/// One app's output.
struct Output {
    /// Its line (JSON) or report (text), ending in a line break.
    stdout: Vec<u8>,
    /// Lines for standard error (warnings, and the error of an app that cannot be read).
    stderr: Vec<String>,
    /// Its row of the closing table (text, scored apps).
    row: Option<SummaryRow>,
    /// The worst outcome (an app that cannot be read: failure; an argument that cannot be read: usage).
    status: Status,
}

/// Scans every app `apps` yields and prints them in order; returns the exit status.
pub fn run(batch: Batch, apps: impl Iterator<Item = App>) -> Status {
    let batch = Arc::new(batch);
    let in_flight = rayon::current_num_threads().max(1) * TOKENS_PER_THREAD;
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = token_tx.send(());
    }
    let (event_tx, event_rx) = channel::<Event>();
    let writer = {
        let batch = Arc::clone(&batch);
        std::thread::spawn(move || write_apps(&batch, &event_rx, &token_tx))
    };
    let mut count = 0u64;
    for app in apps {
        // No token comes back once the writer has stopped (standard output closed).
        if token_rx.recv().is_err() {
            break;
        }
        let (batch, events) = (Arc::clone(&batch), event_tx.clone());
        let index = count;
        // 'static tasks (not a scope), so that a task past its time limit never holds up the end.
        rayon::spawn_fifo(move || {
            let started = Instant::now();
            let _ = events.send(Event::Started(index, started, app.source.clone()));
            let deadline = batch.limit.and_then(|limit| started.checked_add(limit));
            let _ = events.send(Event::Done(index, scan_one(&batch, &app, deadline)));
        });
        count += 1;
    }
    let _ = event_tx.send(Event::End(count));
    drop(event_tx);
    writer.join().unwrap_or(Status::Usage)
}

/// Extracts and scores one app, its output rendered.
fn scan_one(batch: &Batch, app: &App, deadline: Option<Instant>) -> Output {
    let sources = match &app.found {
        Found::File(path) => Source::app(path).map(|s| vec![s]).map_err(|e| e.to_string()),
        Found::Split(parts) => Ok(parts.iter().cloned().map(Source::Apk).collect()),
        Found::Unreadable { reason, named } => {
            let status = if *named { Status::Usage } else { Status::Failure };
            return error_output(batch.format, &app.source, reason, status);
        }
    };
    let timed;
    let options = match deadline {
        Some(deadline) => {
            timed = Options {
                limits: Limits { deadline: Some(deadline), ..batch.options.limits },
                ..batch.options.clone()
            };
            &timed
        }
        None => &batch.options,
    };
    let merged =
        sources.and_then(|sources| crate::commands::extract::app_evidence(sources, &ScanArgs::default(), options));
    let merged = match merged {
        Ok(merged) => merged,
        // An app named on the command line is 2, as a single app is (docs/exit-statuses.md); one
        // found in a directory is 1, as a rejected line of a batch.
        Err(reason) => {
            let status = if app.named { Status::Usage } else { Status::Failure };
            return error_output(batch.format, &app.source, &reason, status);
        }
    };
    let stderr: Vec<String> = merged.warnings.iter().map(|w| format!("warning: {w}")).collect();
    let engine = &batch.engine;
    let evidence = match engine.read_evidence_value(&merged.evidence) {
        Ok(evidence) => evidence,
        Err(error) => {
            let reason = format!("{}: the extracted evidence does not fit the pack's schema: {error}", app.source);
            return error_output(batch.format, &app.source, &reason, Status::Failure);
        }
    };
    let mut report = engine.evaluate(&evidence);
    report.warnings.extend(merged.warnings.iter().map(|w| format!("extract: {w}")));
    let mut out = Output { stdout: Vec::new(), stderr, row: None, status: Status::Success };
    let view = ReportView::new(engine.pack(), &evidence, &report, Some(&app.source));
    match batch.format {
        ReportFormat::Json => {
            // `source` first, then the detailed report's members.
            let mut line = serde_json::Map::new();
            line.insert("source".to_owned(), serde_json::Value::from(app.source.as_str()));
            if let serde_json::Value::Object(members) = output::json::detailed(&view) {
                line.extend(members);
            }
            if let Err(error) = serde_json::to_writer(&mut out.stdout, &line) {
                let reason = format!("{}: cannot write the report: {error}", app.source);
                return error_output(batch.format, &app.source, &reason, Status::Failure);
            }
            out.stdout.push(b'\n');
        }
        ReportFormat::Text => {
            out.stdout.extend_from_slice(format!("{}:\n", app.source).as_bytes());
            out.stdout.extend_from_slice(text::render_report(&view, batch.style).as_bytes());
            out.stdout.push(b'\n');
            let mut row = SummaryRow::of(&report);
            row.app.clone_from(&app.source);
            out.row = Some(row);
        }
        format => {
            out.stdout.extend_from_slice(output::render(format, &view, output::Options::default()).as_bytes());
            out.stdout.push(b'\n');
        }
    }
    out
}

/// The output of an app that cannot be scanned: its error line in its place, and on standard error.
fn error_output(format: ReportFormat, source: &str, reason: &str, status: Status) -> Output {
    let stdout = match format {
        ReportFormat::Json => {
            let line = serde_json::json!({ "source": source, "error": reason });
            format!("{line}\n").into_bytes()
        }
        _ => format!("{source}: error: {reason}\n\n").into_bytes(),
    };
    Output { stdout, stderr: vec![format!("error: {reason}")], row: None, status }
}

/// The writer: prints each app in input order (see [`in_order`]), keeps the progress display and the
/// rows of the closing table, and prints the table at the end. Returns the exit status.
fn write_apps(batch: &Batch, events: &Receiver<Event>, tokens: &SyncSender<()>) -> Status {
    let mut progress = Progress::apps();
    let mut status = Status::Success;
    let mut rows = Vec::new();
    in_order(batch.limit, batch.format, events, |output| {
        crate::stdio::out_bytes(&output.stdout);
        for line in &output.stderr {
            progress.eprintln(line);
        }
        status.merge(output.status);
        rows.extend(output.row);
        progress.advance(1, 1); // the apps display counts apps as its position
        let _ = tokens.send(());
        !crate::stdio::stopped()
    });
    progress.finish();
    if batch.format == ReportFormat::Text && !rows.is_empty() {
        crate::out!("{}", text::closing_table(batch.engine.pack(), &rows));
    }
    status
}

/// Hands each app's output to `print` in input order, until every app is printed or `print` returns
/// false. An app whose task started more than twice `limit` ago and is not done is handed over as an
/// error output then, and its late result is dropped.
fn in_order(
    limit: Option<Duration>,
    format: ReportFormat,
    events: &Receiver<Event>,
    mut print: impl FnMut(Output) -> bool,
) {
    let mut done: BTreeMap<u64, Output> = BTreeMap::new();
    let mut started: HashMap<u64, (Instant, String)> = HashMap::new();
    let mut next = 0u64;
    let mut total: Option<u64> = None;
    while total != Some(next) {
        // The backstop of the app printed next, if it started and has a limit.
        let backstop =
            limit.and_then(|limit| started.get(&next).and_then(|(at, _)| at.checked_add(limit.saturating_mul(2))));
        let event = match backstop {
            Some(at) => match events.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(event) => Some(event),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            },
            None => match events.recv() {
                Ok(event) => Some(event),
                Err(_) => return,
            },
        };
        match event {
            Some(Event::Started(index, at, source)) if index >= next => {
                started.insert(index, (at, source));
            }
            Some(Event::Done(index, output)) if index >= next => {
                done.insert(index, output);
            }
            Some(Event::End(count)) => total = Some(count),
            Some(_) => {} // the late result of an abandoned app
            None => {
                let seconds = limit.unwrap_or_default().as_secs_f64();
                let source = started.get(&next).map_or_else(String::new, |(_, source)| source.clone());
                let reason = format!(
                    "{source}: the time limit ran out ({seconds} s), and it was still not done at twice the limit; \
                     its result is dropped"
                );
                done.insert(next, error_output(format, &source, &reason, Status::Failure));
            }
        }
        while let Some(output) = done.remove(&next) {
            started.remove(&next);
            next += 1;
            if !print(output) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(output: &Output) -> String {
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    #[test]
    fn outputs_come_in_input_order_and_a_stuck_app_is_abandoned_at_twice_its_limit() {
        let limit = Duration::from_millis(50);
        let (tx, rx) = channel();
        let now = Instant::now();
        let output = |line: &str| Output {
            stdout: line.as_bytes().to_vec(),
            stderr: vec![],
            row: None,
            status: Status::Success,
        };
        // App 1 finishes first, app 0 never does (its task is stuck), app 2 finishes after the backstop.
        tx.send(Event::Started(0, now, "stuck.apk".into())).unwrap();
        tx.send(Event::Started(1, now, "b.apk".into())).unwrap();
        tx.send(Event::Done(1, output("b\n"))).unwrap();
        let late = tx.clone();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(limit * 3);
            late.send(Event::Started(2, Instant::now(), "c.apk".into())).unwrap();
            late.send(Event::Done(2, output("c\n"))).unwrap();
            late.send(Event::Done(0, output("too late\n"))).unwrap();
            late.send(Event::End(3)).unwrap();
        });
        let mut printed = Vec::new();
        in_order(Some(limit), ReportFormat::Json, &rx, |o| {
            printed.push((text(&o), o.status));
            true
        });
        sender.join().unwrap();
        assert!(now.elapsed() >= limit * 2, "the stuck app was waited for until its backstop");
        assert_eq!(printed.len(), 3, "{printed:?}");
        let stuck: serde_json::Value = serde_json::from_str(&printed[0].0).unwrap();
        assert_eq!(stuck["source"], "stuck.apk");
        assert!(stuck["error"].as_str().unwrap().contains("time limit"), "{stuck}");
        assert_eq!(printed[0].1, Status::Failure);
        assert_eq!(printed[1].0, "b\n");
        assert_eq!(printed[2].0, "c\n");
    }

    #[test]
    fn without_a_limit_nothing_is_abandoned_and_printing_stops_when_asked() {
        let (tx, rx) = channel();
        let output = |line: &str| Output {
            stdout: line.as_bytes().to_vec(),
            stderr: vec![],
            row: None,
            status: Status::Success,
        };
        for i in (0..4).rev() {
            tx.send(Event::Done(i, output(&format!("{i}\n")))).unwrap();
        }
        tx.send(Event::End(4)).unwrap();
        let mut printed = Vec::new();
        in_order(None, ReportFormat::Json, &rx, |o| {
            printed.push(text(&o));
            printed.len() < 2
        });
        assert_eq!(printed, ["0\n", "1\n"]);
    }

    #[test]
    fn a_deadline_already_passed_makes_the_app_an_error_line_from_the_extractor() {
        let apk =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/extract/apk/com.politedroid_6.apk");
        let batch = Batch {
            engine: indicia::builtin::try_engine().unwrap(),
            options: Options::default(),
            format: ReportFormat::Json,
            style: text::Style::default(),
            limit: None,
        };
        let app = App { source: "p.apk".into(), found: Found::File(apk), named: false };
        let scored = scan_one(&batch, &app, None);
        let line: serde_json::Value = serde_json::from_str(&text(&scored)).unwrap();
        assert_eq!(line["source"], "p.apk");
        assert_eq!(line["app"]["id"], "com.politedroid");
        let timed_out = scan_one(&batch, &app, Some(Instant::now()));
        let line: serde_json::Value = serde_json::from_str(&text(&timed_out)).unwrap();
        assert_eq!(line["source"], "p.apk");
        assert!(line["error"].as_str().unwrap().contains("time limit ran out"), "{line}");
        assert_eq!(timed_out.status, Status::Failure);
    }
}
