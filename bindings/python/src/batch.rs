//! Scoring many evidence objects on all cores. Callers release the GIL around these functions:
//! they touch no Python object, only bytes borrowed from objects the caller holds.
//!
//! The work is split as `indicia eval` splits a batch: pieces of [`PIECE`] objects, each a task of
//! rayon's pool (`RAYON_NUM_THREADS` sets its size; the default is one thread per core).

use std::sync::Arc;

use indicia::{Engine, EvidenceError};
use rayon::prelude::*;

/// Objects scored together as one task of the pool (as `indicia eval` does).
const PIECE: usize = 32;

/// One object's outcome: its report as the compact JSON `indicia eval` prints for a batch line
/// (without the newline), or why it was rejected.
pub type Line = Result<Vec<u8>, EvidenceError>;

/// Scores every object into its report line, in input order.
pub fn score_lines(engine: &Engine, inputs: &[&[u8]]) -> Vec<Line> {
    inputs
        .par_iter()
        .with_min_len(PIECE)
        .map(|json| {
            let evidence = engine.read_evidence(json)?;
            let mut out = Vec::with_capacity(4096);
            engine.evaluate_into_json(&evidence, &mut out);
            Ok(out)
        })
        .collect()
}

/// One object's outcome with its report built (for the Arrow columns).
pub type Scored = Result<(Arc<indicia::Report>, String), EvidenceError>;

/// Scores every object into its report and report line, in input order.
pub fn score_reports(engine: &Engine, inputs: &[Option<&[u8]>]) -> Vec<Scored> {
    inputs
        .par_iter()
        .with_min_len(PIECE)
        .map(|json| match json {
            Some(json) => score_report(engine, json),
            None => Err(rejected("the evidence is null")),
        })
        .collect()
}

/// A rejection that is not about the evidence's JSON (it has no path).
pub fn rejected(message: &str) -> EvidenceError {
    EvidenceError { path: String::new(), message: message.to_string() }
}

/// Reads, scores and renders one object.
pub fn score_report(engine: &Engine, json: &[u8]) -> Scored {
    let report = engine.evaluate_json(json)?;
    let line = serde_json::to_string(&report).unwrap_or_default();
    Ok((Arc::new(report), line))
}
