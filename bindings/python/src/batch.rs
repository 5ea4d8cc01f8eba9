//! Scoring many evidence objects on all cores. Callers release the GIL around these functions:
//! they touch no Python object, only bytes borrowed from objects the caller holds.
//!
//! The work is split as `indicia eval` splits a batch: pieces of [`PIECE`] objects, each a task of
//! rayon's pool (`RAYON_NUM_THREADS` sets its size; the default is one thread per core).

use indicia::evidence::Rejected;
use indicia::{Engine, EvidenceError};
use rayon::prelude::*;

/// Objects scored together as one task of the pool (as `indicia eval` does).
const PIECE: usize = 32;

/// One object's outcome: its report as the compact JSON `indicia eval` prints for a batch line
/// (without the newline), or why it was rejected.
pub type Line = Result<String, EvidenceError>;

/// Scores every object into its report line, in input order.
pub fn score_lines(engine: &Engine, inputs: &[&[u8]]) -> Vec<Line> {
    inputs.par_iter().with_min_len(PIECE).map(|json| score_line(engine, json)).collect()
}

/// The figures of one scored app that the Arrow columns hold, and its report line.
pub struct Row {
    /// `app.id`.
    pub app_id: String,
    /// Failed indicators.
    pub failed: usize,
    /// Inconclusive indicators.
    pub inconclusive: usize,
    /// `risk`.
    pub risk: f64,
    /// `risk_upper`.
    pub risk_upper: f64,
    /// Failed indicators per category, categories sorted by id (as in the report).
    pub failed_by_category: Vec<usize>,
    /// The report's compact JSON.
    pub line: String,
}

/// The members of a report line that the Arrow columns hold; serde skips the rest.
#[derive(serde::Deserialize)]
struct Figures {
    app: AppFigures,
    summary: SummaryFigures,
    categories: Vec<CategoryFigures>,
}

#[derive(serde::Deserialize)]
struct AppFigures {
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct SummaryFigures {
    failed: usize,
    inconclusive: usize,
    risk: f64,
    risk_upper: f64,
}

#[derive(serde::Deserialize)]
struct CategoryFigures {
    failed: usize,
}

impl Row {
    /// The row of a report line, its figures read back from it. (Building the `Report` instead
    /// costs more on two threads than on one: every report clones the pack's shared strings, and
    /// their reference counts bounce between the cores.)
    pub fn of_line(line: String) -> Result<Row, EvidenceError> {
        let figures: Figures = serde_json::from_str(&line)
            .map_err(|e| EvidenceError::Internal(Rejected::new("", format!("cannot read the report back: {e}"))))?;
        Ok(Row {
            app_id: figures.app.id.as_ref().and_then(|id| id.as_str()).unwrap_or("").to_string(),
            failed: figures.summary.failed,
            inconclusive: figures.summary.inconclusive,
            risk: figures.summary.risk,
            risk_upper: figures.summary.risk_upper,
            failed_by_category: figures.categories.iter().map(|c| c.failed).collect(),
            line,
        })
    }
}

/// One object's row, or why it was rejected.
pub type Scored = Result<Row, EvidenceError>;

/// Scores every object into its row, in input order.
pub fn score_rows(engine: &Engine, inputs: &[Option<&[u8]>]) -> Vec<Scored> {
    inputs
        .par_iter()
        .with_min_len(PIECE)
        .map(|json| match json {
            Some(json) => score_row(engine, json),
            None => Err(rejected("the evidence is null")),
        })
        .collect()
}

/// Reads and scores one object into its report line, as `indicia eval` writes it: read into
/// this thread's reused `Evidence` ([`Engine::with_read_evidence`]), as each thread of
/// `indicia eval` reads a batch.
pub fn score_line(engine: &Engine, json: &[u8]) -> Line {
    engine.with_read_evidence(json, |read| {
        let evidence = read?;
        let mut out = Vec::with_capacity(4096);
        engine.evaluate_into_json(evidence, &mut out);
        // The report writer writes UTF-8 (JSON of UTF-8 strings); checked here, on the pool.
        Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    })
}

/// Reads and scores one object into its row.
pub fn score_row(engine: &Engine, json: &[u8]) -> Scored {
    Row::of_line(score_line(engine, json)?)
}

/// Reads, scores and renders one object: its report and the report's compact JSON (the bytes
/// `Engine::evaluate_into_json` writes, `tests/report_json.rs` of the engine checks it).
pub fn score_report(engine: &Engine, json: &[u8]) -> Result<(indicia::Report, String), EvidenceError> {
    let report = engine.evaluate_json(json)?;
    let line = serde_json::to_string(&report).unwrap_or_default();
    Ok((report, line))
}

/// A rejection that is not about the evidence's JSON (there was none to read, so no path).
pub fn rejected(message: &str) -> EvidenceError {
    EvidenceError::Unavailable(Rejected::new("", message))
}
