//! The test runner behind `indicia test`: runs the `test` blocks of a pack.
//!
//! Each test compiles the pack with its `params`, reads its evidence fixture, scores it and
//! compares every expectation. [`run_each`] returns one [`TestResult`] per test (its time, its
//! fixture, each failed expectation with what explains it); [`run_tests`] sums them up as the
//! lines the specification asks for: one per failed expectation naming the test, the
//! expectation, the expected and the actual value; an unknown indicator id or an unreadable or
//! rejected fixture fails the test with that reason.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicia_syntax::Span;
use indicia_syntax::diagnostic::suggest;

use crate::engine::Engine;
use crate::hir::{Expectation, ParamValues, SummaryCount, Test, Verdict};
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

    /// Adds one test's result.
    pub fn add(&mut self, result: &TestResult) {
        if result.passed() {
            self.passed += 1;
        } else {
            self.failed += 1;
            self.failures.extend(result.lines());
        }
    }

    /// The closing line: `N passed, N failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// One test's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// The `test` block.
    pub span: Span,
    /// Its evidence fixture.
    pub fixture: PathBuf,
    /// How long compiling with its params, reading the fixture and scoring it took.
    pub duration: Duration,
    /// Why the test could not run (a fixture that cannot be read or is rejected).
    pub error: Option<String>,
    /// Its failed expectations, in source order.
    pub failures: Vec<ExpectFailure>,
}

impl TestResult {
    /// Every expectation held.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }

    /// The specification's lines: one per failed expectation, or the reason it could not run.
    pub fn lines(&self) -> Vec<String> {
        let prefix = format!("test {:?}", self.name);
        match &self.error {
            Some(reason) => vec![format!("{prefix}: {reason}")],
            None => self.failures.iter().map(|f| format!("{prefix}: {}", f.line)).collect(),
        }
    }
}

/// A failed expectation and what explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectFailure {
    /// The `expect` entry.
    pub span: Span,
    /// `expect "ID": expected fail, got pass`, or `expect "ID": no indicator has this id`.
    pub line: String,
    /// The indicator an `expect "ID"` names.
    pub indicator: Option<String>,
    /// The expected value (`fail`, `3`), when it could be compared.
    pub expected: Option<String>,
    /// The actual value.
    pub actual: Option<String>,
    /// For an indicator that failed: its witnesses, `(kind, index)`.
    pub witnesses: Vec<(String, u32)>,
    /// For an unknown id: the closest id of the pack.
    pub suggestion: Option<String>,
}

/// Runs every test of the engine's pack.
pub fn run_tests(engine: &Engine) -> TestRun {
    let mut run = TestRun::default();
    for result in run_each(engine, |_| true) {
        run.add(&result);
    }
    run
}

/// Runs the tests of the engine's pack whose name `wanted` accepts, in pack order.
pub fn run_each(engine: &Engine, wanted: impl Fn(&str) -> bool) -> Vec<TestResult> {
    engine.pack().tests.iter().filter(|t| wanted(&t.name)).map(|t| run_one(engine, t)).collect()
}

/// Runs one test.
pub fn run_one(engine: &Engine, test: &Test) -> TestResult {
    let start = Instant::now();
    let scored = score_fixture(engine, test);
    let duration = start.elapsed();
    let mut result = TestResult {
        name: test.name.clone(),
        span: test.span,
        fixture: test.evidence.clone(),
        duration,
        error: None,
        failures: Vec::new(),
    };
    match scored {
        Ok(report) => result.failures = check_expectations(test, &report),
        Err(reason) => result.error = Some(reason),
    }
    result
}

fn check_expectations(test: &Test, report: &Report) -> Vec<ExpectFailure> {
    let ids = || report.indicators.iter().map(|i| &*i.id);
    test.expects
        .iter()
        .filter_map(|expect| match &expect.expectation {
            Expectation::Verdict { indicator, verdict } => {
                match report.indicators.iter().find(|i| *i.id == **indicator) {
                    None => Some(ExpectFailure {
                        span: expect.span,
                        line: format!("expect {indicator:?}: no indicator has this id"),
                        indicator: Some(indicator.clone()),
                        expected: None,
                        actual: None,
                        witnesses: Vec::new(),
                        suggestion: suggest(indicator, ids()).map(str::to_string),
                    }),
                    Some(actual) if actual.verdict != *verdict => Some(ExpectFailure {
                        span: expect.span,
                        line: format!(
                            "expect {indicator:?}: expected {}, got {}",
                            verdict.name(),
                            actual.verdict.name()
                        ),
                        indicator: Some(indicator.clone()),
                        expected: Some(verdict.name().to_string()),
                        actual: Some(actual.verdict.name().to_string()),
                        witnesses: if actual.verdict == Verdict::Fail {
                            actual.witnesses.iter().map(|w| (w.kind.to_string(), w.index)).collect()
                        } else {
                            Vec::new()
                        },
                        suggestion: None,
                    }),
                    Some(_) => None,
                }
            }
            Expectation::Count { count, value } => {
                let actual = summary_count(report, *count);
                (i64::try_from(actual).ok() != Some(*value)).then(|| ExpectFailure {
                    span: expect.span,
                    line: format!("expect {}: expected {value}, got {actual}", count.name()),
                    indicator: None,
                    expected: Some(value.to_string()),
                    actual: Some(actual.to_string()),
                    witnesses: Vec::new(),
                    suggestion: None,
                })
            }
        })
        .collect()
}

/// The test's fixture scored with its params.
pub(crate) fn score_fixture(engine: &Engine, test: &Test) -> Result<Report, String> {
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
