//! `indicia eval [--rules PACK] [--param NAME=VALUE]... [--format json|text] EVIDENCE...`
//!
//! Inputs are read and scored in order. A `.jsonl` file (and standard input that is not one
//! JSON object) is a batch, streamed in chunks that are scored in parallel on every core and
//! printed in input order, so memory stays bounded however long the batch is. A rejected object
//! prints `{"source": "FILE:LINE", "error": …}` in its place (and one line on standard error),
//! and the batch goes on.

use std::io::{BufRead, BufReader, Read, Write};

use indicia::Engine;
use rayon::prelude::*;

use crate::cli::{DiagnosticFormat, EvalArgs, ReportFormat};
use crate::exit::Status;
use crate::output::text::{self, SummaryRow};

/// Lines of a batch scored together: enough to keep every core busy, few enough to bound memory.
const CHUNK_LINES: usize = 512;

/// One evidence object to score: where it came from and its bytes.
struct Record {
    /// `FILE:LINE`, for errors.
    source: String,
    bytes: Vec<u8>,
}

/// What scoring one record printed.
struct Scored {
    /// The text for standard output (a report or an error object), without a final newline.
    stdout: String,
    /// The line for standard error, when the record was rejected.
    stderr: Option<String>,
    /// The row of the closing table, for `--format text`.
    row: Option<SummaryRow>,
}

/// Scores every evidence input against the pack.
pub fn run(args: &EvalArgs) -> Status {
    let engine = match crate::pack::load_engine(args.rules.as_deref(), DiagnosticFormat::Human) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    let engine = match engine.with_param_overrides(&args.params) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return Status::Usage;
        }
    };
    let mut session = Session::new(&engine, args.format);
    let single_input = args.evidence.len() == 1;
    for input in &args.evidence {
        if input == "-" {
            session.read_stdin(single_input);
        } else if input.ends_with(".jsonl") {
            match std::fs::File::open(input) {
                Ok(file) => session.read_batch(input, BufReader::new(file)),
                Err(error) => session.unreadable(input, &error),
            }
        } else {
            match std::fs::read(input) {
                Ok(bytes) => session.score_single(input, bytes, single_input),
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
    fn score_single(&mut self, name: &str, bytes: Vec<u8>, alone: bool) {
        let line = first_content_line(&bytes);
        let record = Record { source: format!("{name}:{line}"), bytes };
        let scored = score(self.engine, self.format, &record, alone);
        self.emit(scored);
    }

    /// Standard input: one object if all of it parses as one JSON object, else a batch of lines.
    ///
    /// To stream a long batch with bounded memory, the decision is made as early as it can be:
    /// when the first non-blank line is a whole JSON object by itself and another non-blank line
    /// follows, the input is a batch and is streamed; only when the first line is not a whole
    /// object (a pretty-printed object, or a bad first line) is the whole input read first.
    fn read_stdin(&mut self, alone: bool) {
        let mut stdin = std::io::stdin().lock();
        let mut head = Vec::new();
        let mut first_line = Vec::new();
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    let blank = line.iter().all(u8::is_ascii_whitespace);
                    head.extend_from_slice(&line);
                    if !blank {
                        first_line = line;
                        break;
                    }
                }
                Err(error) => return self.unreadable("-", &error),
            }
        }
        if first_line.is_empty() {
            return; // empty standard input: no object
        }
        if is_one_json_object(&first_line) {
            // Look for a second non-blank line.
            let mut rest = Vec::new();
            loop {
                let mut line = Vec::new();
                match stdin.read_until(b'\n', &mut line) {
                    Ok(0) => break,
                    Ok(_) => {
                        let blank = line.iter().all(u8::is_ascii_whitespace);
                        rest.extend_from_slice(&line);
                        if !blank {
                            break;
                        }
                    }
                    Err(error) => return self.unreadable("-", &error),
                }
            }
            if rest.iter().all(u8::is_ascii_whitespace) {
                head.extend_from_slice(&rest);
                return self.score_single("-", head, alone);
            }
            head.extend_from_slice(&rest);
            return self.read_batch("-", BufReader::new(head.as_slice().chain(stdin)));
        }
        if let Err(error) = stdin.read_to_end(&mut head) {
            return self.unreadable("-", &error);
        }
        if is_one_json_object(&head) {
            self.score_single("-", head, alone);
        } else {
            self.read_batch("-", BufReader::new(head.as_slice()));
        }
    }

    /// A batch: one object per line, blank lines skipped, scored in parallel chunks.
    fn read_batch(&mut self, name: &str, mut reader: impl BufRead) {
        let mut line_number = 0usize;
        let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_LINES);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    line_number += 1;
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    chunk.push(Record { source: format!("{name}:{line_number}"), bytes: line });
                    if chunk.len() == CHUNK_LINES {
                        self.score_chunk(std::mem::take(&mut chunk));
                    }
                }
                Err(error) => {
                    self.score_chunk(std::mem::take(&mut chunk));
                    self.unreadable(name, &error);
                    return;
                }
            }
        }
        self.score_chunk(chunk);
    }

    fn score_chunk(&mut self, chunk: Vec<Record>) {
        let engine = self.engine;
        let format = self.format;
        let scored: Vec<Scored> = chunk.par_iter().map(|record| score(engine, format, record, false)).collect();
        for item in scored {
            self.emit(item);
        }
    }

    fn emit(&mut self, scored: Scored) {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        let _ = writeln!(stdout, "{}", scored.stdout);
        if let Some(line) = scored.stderr {
            eprintln!("{line}");
            self.status.merge(Status::Failure);
        }
        if let Some(row) = scored.row {
            self.rows.push(row);
        }
    }

    fn finish(self) -> Status {
        if self.format == ReportFormat::Text && self.rows.len() > 1 {
            print!("{}", text::closing_table(self.engine.pack(), &self.rows));
        }
        self.status
    }
}

/// Reads, validates and scores one record, and renders the result.
fn score(engine: &Engine, format: ReportFormat, record: &Record, pretty: bool) -> Scored {
    let evidence = match engine.read_evidence(&record.bytes) {
        Ok(evidence) => evidence,
        Err(error) => {
            let object = serde_json::json!({ "source": record.source, "error": error.to_string() });
            return Scored {
                stdout: object.to_string(),
                stderr: Some(format!("error: {}: {error}", record.source)),
                row: None,
            };
        }
    };
    let report = engine.evaluate(&evidence);
    match format {
        ReportFormat::Json => {
            let rendered = if pretty { serde_json::to_string_pretty(&report) } else { serde_json::to_string(&report) };
            Scored { stdout: rendered.unwrap_or_default(), stderr: None, row: None }
        }
        ReportFormat::Text => Scored {
            stdout: text::render_report(engine.pack(), &evidence, &report),
            stderr: None,
            row: Some(SummaryRow::of(&report)),
        },
    }
}

/// The 1-based line of the first non-whitespace byte (1 for an empty or blank input).
fn first_content_line(bytes: &[u8]) -> usize {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    1 + bytes.iter().take(start).filter(|&&b| b == b'\n').count()
}

/// True when `bytes` is exactly one JSON object (syntax only; validation comes later).
fn is_one_json_object(bytes: &[u8]) -> bool {
    let starts_with_brace = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    starts_with_brace && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
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
    fn one_object_detection() {
        assert!(is_one_json_object(b"{\n \"a\": 1\n}\n"));
        assert!(!is_one_json_object(b"{\"a\": 1}\n{\"a\": 2}\n"));
        assert!(!is_one_json_object(b"[1]"));
        assert!(!is_one_json_object(b"{"));
    }
}
