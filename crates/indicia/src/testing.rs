//! The test runner behind `indicia test`: runs every `test` block of a pack.
//!
//! Each test compiles the pack with its `params`, reads its evidence fixture, scores it and
//! compares every expectation. A failing expectation gives one line naming the test, the
//! expectation, the expected and the actual value; an unknown indicator id or an unreadable or
//! rejected fixture fails the test with that reason.

use crate::engine::Engine;
use crate::hir::{Expectation, ParamValues, SummaryCount, Test};
use crate::report::Report;

/// The result of running a pack's tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestRun {
    /// Tests whose every expectation held.
    pub passed: usize,
    /// Tests with at least one failed expectation, or that could not run.
    pub failed: usize,
    /// One line per failed expectation or test that could not run, in test order.
    pub failures: Vec<String>,
}

impl TestRun {
    /// Adds another run's counts and lines to this one.
    pub fn merge(&mut self, other: TestRun) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.failures.extend(other.failures);
    }

    /// The closing line: `N passed, N failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// Runs every test of the engine's pack.
pub fn run_tests(engine: &Engine) -> TestRun {
    let mut run = TestRun::default();
    for test in &engine.pack().tests {
        let failures = run_test(engine, test);
        if failures.is_empty() {
            run.passed += 1;
        } else {
            run.failed += 1;
            run.failures.extend(failures);
        }
    }
    run
}

/// Runs one test; returns its failure lines (empty when it passed).
pub fn run_test(engine: &Engine, test: &Test) -> Vec<String> {
    let prefix = format!("test {:?}", test.name);
    let report = match score_fixture(engine, test) {
        Ok(report) => report,
        Err(reason) => return vec![format!("{prefix}: {reason}")],
    };
    test.expects
        .iter()
        .filter_map(|expect| match &expect.expectation {
            Expectation::Verdict { indicator, verdict } => {
                match report.indicators.iter().find(|i| *i.id == **indicator) {
                    None => Some(format!("{prefix}: expect {indicator:?}: no indicator has this id")),
                    Some(actual) if actual.verdict != *verdict => Some(format!(
                        "{prefix}: expect {indicator:?}: expected {}, got {}",
                        verdict.name(),
                        actual.verdict.name()
                    )),
                    Some(_) => None,
                }
            }
            Expectation::Count { count, value } => {
                let actual = summary_count(&report, *count);
                (i64::try_from(actual).ok() != Some(*value))
                    .then(|| format!("{prefix}: expect {}: expected {value}, got {actual}", count.name()))
            }
        })
        .collect()
}

fn score_fixture(engine: &Engine, test: &Test) -> Result<Report, String> {
    let mut params = ParamValues::defaults(engine.pack());
    for (id, value) in &test.params {
        if let Some(slot) = params.0.get_mut(id.index()) {
            *slot = value.clone();
        }
    }
    let engine = engine.with_params(params).map_err(|e| format!("cannot compile with its params: {e}"))?;
    let path = test.evidence.display();
    let bytes = engine.read_pack_file(&test.evidence).map_err(|e| format!("cannot read evidence `{path}`: {e}"))?;
    engine.evaluate_json(&bytes).map_err(|e| format!("evidence `{path}` rejected: {e}"))
}

fn summary_count(report: &Report, count: SummaryCount) -> usize {
    match count {
        SummaryCount::Failed => report.summary.failed,
        SummaryCount::Passed => report.summary.passed,
        SummaryCount::Inconclusive => report.summary.inconclusive,
        SummaryCount::Total => report.summary.total,
    }
}
