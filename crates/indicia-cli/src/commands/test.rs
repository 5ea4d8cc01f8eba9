//! `indicia test [PACK]... [-v] [--run PATTERN] [--format text|json] [--coverage]`: run the
//! `test` blocks of packs.
//!
//! - Text (the default): standard output has one line per failed expectation (as the
//!   specification words it) and the closing `N passed, N failed`; with `-v`, first a line per
//!   test, `ok`/`FAIL` with its time. For each failed expectation standard error says why: where
//!   the `expect` is, the fixture, and the indicator's witnesses (each fact as the fixture has
//!   it) or, for a verdict other than `fail`, what the fixture made of each of its conditions;
//!   for an unknown indicator id, the closest id.
//! - `--format json`: one JSON record per test, JSON Lines (docs/authoring.md has the shape).
//! - `--coverage`: the coverage report instead (text per file and line, or `--format json`);
//!   the failure lines and the closing line go to standard error.

use std::fmt::Write as _;

use indicia::Engine;
use indicia::coverage::{Coverage, coverage, coverage_of};
use indicia::testing::{ExpectFailure, TestResult, TestRun, run_each};
use indicia_syntax::{SourceMap, Span};
use serde_json::{Value, json};

use crate::cli::{DiagnosticFormat, TestArgs, TestFormat};
use crate::exit::Status;

/// Runs the tests of every pack named (the built-in pack when none is).
pub fn run(args: &TestArgs) -> Status {
    let wanted = match args.run.as_deref().map(regex::Regex::new).transpose() {
        Ok(wanted) => wanted,
        Err(error) => {
            crate::stdio::err(format_args!("error: --run: {error}\n"));
            return Status::Usage;
        }
    };
    let mut status = Status::Success;
    let mut total = TestRun::default();
    let mut covered: Vec<(Engine, Coverage)> = Vec::new();
    let packs: Vec<Option<&std::path::Path>> =
        if args.packs.is_empty() { vec![None] } else { args.packs.iter().map(|p| Some(p.as_path())).collect() };
    let mut out = String::new();
    let mut err = String::new();
    let (mut ran, mut not_run) = (0usize, 0usize);
    for pack in packs {
        let engine = match crate::pack::load_engine(pack, DiagnosticFormat::Human) {
            Ok(engine) => engine,
            Err(pack_status) => {
                status.merge(pack_status);
                not_run += 1;
                continue;
            }
        };
        ran += 1;
        let results = run_each(&engine, |name| wanted.as_ref().is_none_or(|w| w.is_match(name)));
        for result in &results {
            total.add(result);
            match args.format {
                TestFormat::Json if !args.coverage => {
                    let _ = writeln!(out, "{}", record(&engine, result));
                }
                _ => {
                    let lines = if args.coverage { &mut err } else { &mut out };
                    if args.verbose {
                        let verdict = if result.passed() { "ok  " } else { "FAIL" };
                        let ms = result.duration.as_secs_f64() * 1000.0;
                        let _ = writeln!(lines, "{verdict} {:?} ({ms:.1} ms)", result.name);
                    }
                    for line in result.lines() {
                        let _ = writeln!(lines, "{line}");
                    }
                    if !result.passed() {
                        err.push_str(&explain(&engine, result));
                    }
                    if !args.coverage {
                        crate::stdio::out(format_args!("{out}"));
                        out.clear();
                        crate::stdio::err(format_args!("{err}"));
                        err.clear();
                    }
                }
            }
        }
        if args.coverage {
            match coverage(&engine) {
                Ok(c) => covered.push((engine, c)),
                Err(error) => {
                    crate::stdio::err(format_args!("error: coverage: {error}\n"));
                    status.merge(Status::Failure);
                }
            }
        }
    }
    if args.coverage {
        match args.format {
            TestFormat::Text => out.push_str(&coverage_text(&covered)),
            TestFormat::Json => {
                let _ = writeln!(out, "{:#}", coverage_json(&covered));
            }
        }
        if let Some(line) = closing_line(&total, ran, not_run) {
            let _ = writeln!(err, "{line}");
        }
    } else if args.format == TestFormat::Text
        && let Some(line) = closing_line(&total, ran, not_run)
    {
        let _ = writeln!(out, "{line}");
    }
    crate::stdio::out(format_args!("{out}"));
    crate::stdio::err(format_args!("{err}"));
    if total.failed > 0 {
        status.merge(Status::Failure);
    }
    status
}

/// `N passed, N failed`, and how many packs were not run for their errors; none when no pack ran
/// (a count of nothing would read as a clean run).
fn closing_line(total: &TestRun, ran: usize, not_run: usize) -> Option<String> {
    match (ran, not_run) {
        (0, _) => None,
        (_, 0) => Some(total.summary_line()),
        (_, 1) => Some(format!("{} (1 pack with errors not run)", total.summary_line())),
        (_, n) => Some(format!("{} ({n} packs with errors not run)", total.summary_line())),
    }
}

/// `FILE:LINE:COLUMN` of a span.
fn place(sources: &SourceMap, span: Span) -> (String, usize, usize) {
    match sources.get(span.file) {
        Some(file) => {
            let at = file.line_col(span.start as usize);
            (file.name.clone(), at.line, at.column)
        }
        None => ("<unknown>".to_string(), 1, 1),
    }
}

/// A span's text on one line (runs of white space as one space), shortened to `width`
/// characters.
fn excerpt(sources: &SourceMap, span: Span, width: usize) -> String {
    let text = sources.snippet(span).split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > width { format!("{}…", text.chars().take(width - 1).collect::<String>()) } else { text }
}

/// The fact `kind[index]` as the fixture has it.
fn fact(engine: &Engine, result: &TestResult, kind: &str, index: u32) -> Value {
    let bytes = engine.read_pack_file(&result.fixture).unwrap_or_default();
    let doc: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    doc.pointer(&format!("/facts/{kind}/{index}")).cloned().unwrap_or(Value::Null)
}

/// Why a test failed, for standard error.
fn explain(engine: &Engine, result: &TestResult) -> String {
    let sources = &engine.pack().sources;
    let mut out = String::new();
    let (file, line, column) = place(sources, result.span);
    if result.error.is_some() {
        let _ = writeln!(out, "  --> {file}:{line}:{column}");
        return out;
    }
    for failure in &result.failures {
        let (file, line, column) = place(sources, failure.span);
        let _ = writeln!(out, "  --> {file}:{line}:{column}: {}", excerpt(sources, failure.span, 80));
        let _ = writeln!(out, "  fixture: {}", result.fixture.display());
        if let Some(suggestion) = &failure.suggestion {
            let _ = writeln!(out, "  did you mean `{suggestion}`?");
        }
        for (kind, index) in &failure.witnesses {
            let _ = writeln!(out, "  witness {kind}[{index}]: {}", fact(engine, result, kind, *index));
        }
        if let (Some(indicator), Some(actual)) = (&failure.indicator, &failure.actual)
            && actual != "fail"
        {
            out.push_str(&why_not_fail(engine, result, indicator));
        }
    }
    out
}

/// What the test's fixture made of each condition of `indicator`.
fn why_not_fail(engine: &Engine, result: &TestResult, indicator: &str) -> String {
    let pack = engine.pack();
    let Some(test) = pack.tests.iter().find(|t| t.span == result.span) else { return String::new() };
    let Ok(cov) = coverage_of(engine, &[test]) else { return String::new() };
    let mut out = format!("  what the fixture made of `{indicator}`'s conditions:\n");
    for c in cov.conditions.iter().filter(|c| c.owner == indicator) {
        let (_, line, column) = place(&pack.sources, c.span);
        let _ = writeln!(out, "    {line}:{column}  {}  {}", excerpt(&pack.sources, c.span, 60), outcomes(c));
    }
    out
}

fn outcomes(c: &indicia::coverage::ConditionCoverage) -> String {
    if c.never_reached() {
        return "never reached".to_string();
    }
    let seen = [(c.made_true, "true"), (c.made_false, "false"), (c.made_unknown, "unknown")];
    seen.iter().filter(|(yes, _)| *yes).map(|(_, w)| *w).collect::<Vec<_>>().join(", ")
}

/// One test as a JSON record.
fn record(engine: &Engine, result: &TestResult) -> Value {
    let sources = &engine.pack().sources;
    let (file, line, _) = place(sources, result.span);
    let failures: Vec<Value> = result.failures.iter().map(|f| failure_json(engine, result, f)).collect();
    let verdict = if result.error.is_some() {
        "error"
    } else if result.passed() {
        "pass"
    } else {
        "fail"
    };
    json!({
        "test": result.name,
        "pack": engine.pack().name,
        "file": file,
        "line": line,
        "fixture": result.fixture.display().to_string(),
        "result": verdict,
        "duration_ms": (result.duration.as_secs_f64() * 1e6).round() / 1e3,
        "error": result.error,
        "failures": failures,
    })
}

fn failure_json(engine: &Engine, result: &TestResult, f: &ExpectFailure) -> Value {
    let (file, line, column) = place(&engine.pack().sources, f.span);
    let witnesses: Vec<Value> = f
        .witnesses
        .iter()
        .map(|(kind, index)| json!({"kind": kind, "index": index, "fact": fact(engine, result, kind, *index)}))
        .collect();
    json!({
        "message": f.line,
        "file": file,
        "line": line,
        "column": column,
        "indicator": f.indicator,
        "expected": f.expected,
        "actual": f.actual,
        "witnesses": witnesses,
        "suggestion": f.suggestion,
    })
}

/// One row per condition, per file and line; a closing total.
fn coverage_text(covered: &[(Engine, Coverage)]) -> String {
    let mut out = String::new();
    let (mut both, mut all, mut never) = (0, 0, 0);
    for (engine, cov) in covered {
        let sources = &engine.pack().sources;
        let mut rows: Vec<_> = cov.conditions.iter().map(|c| (place(sources, c.span), c)).collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut current = String::new();
        for ((file, line, column), c) in rows {
            if file != current {
                let _ = writeln!(out, "{file}");
                current = file;
            }
            let mark = |yes: bool, word: &str| if yes { word.to_string() } else { "-".repeat(word.len()) };
            let seen = if c.never_reached() {
                "never reached".to_string()
            } else {
                format!(
                    "{} {} {}",
                    mark(c.made_true, "true"),
                    mark(c.made_false, "false"),
                    mark(c.made_unknown, "unknown")
                )
            };
            let _ = writeln!(
                out,
                "  {:>4}:{:<3} {:<22} {:<48} {seen}",
                line,
                column,
                c.owner,
                excerpt(sources, c.span, 48)
            );
            all += 1;
            both += usize::from(c.covered());
            never += usize::from(c.never_reached());
        }
        for skipped in &cov.skipped {
            let _ = writeln!(out, "not counted: {skipped}");
        }
    }
    let percent = if all == 0 { 100.0 } else { 100.0 * both as f64 / all as f64 };
    let _ = writeln!(
        out,
        "coverage: {both} of {all} conditions made both true and false ({percent:.1}%), {never} never reached"
    );
    out
}

/// The coverage report as JSON, in the spirit of `opa test --coverage`.
fn coverage_json(covered: &[(Engine, Coverage)]) -> Value {
    use std::collections::BTreeMap;
    // file -> line -> every condition starting there made both true and false
    let mut lines: BTreeMap<String, BTreeMap<usize, bool>> = BTreeMap::new();
    let mut conditions: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (engine, cov) in covered {
        let sources = &engine.pack().sources;
        for c in &cov.conditions {
            let (file, line, column) = place(sources, c.span);
            let end = sources.get(c.span.file).map(|f| f.line_col(c.span.end as usize));
            let ok = lines.entry(file.clone()).or_default().entry(line).or_insert(true);
            *ok &= c.covered();
            conditions.entry(file).or_default().push(json!({
                "owner": c.owner,
                "text": excerpt(sources, c.span, 200),
                "start": {"row": line, "column": column},
                "end": {"row": end.map_or(line, |e| e.line), "column": end.map_or(column, |e| e.column)},
                "true": c.made_true,
                "false": c.made_false,
                "unknown": c.made_unknown,
                "reached": !c.never_reached(),
            }));
        }
    }
    let ranges = |rows: &BTreeMap<usize, bool>, want: bool| -> Vec<Value> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (&row, &ok) in rows.iter().filter(|(_, ok)| **ok == want) {
            let _ = ok;
            match out.last_mut() {
                Some(last) if last.1 + 1 == row => last.1 = row,
                _ => out.push((row, row)),
            }
        }
        out.into_iter().map(|(a, b)| json!({"start": {"row": a}, "end": {"row": b}})).collect()
    };
    let percent = |yes: usize, no: usize| {
        if yes + no == 0 { 100.0 } else { (1000.0 * yes as f64 / (yes + no) as f64).round() / 10.0 }
    };
    let (mut all_yes, mut all_no) = (0, 0);
    let mut files = serde_json::Map::new();
    for (file, rows) in &lines {
        let yes = rows.values().filter(|ok| **ok).count();
        let no = rows.len() - yes;
        all_yes += yes;
        all_no += no;
        files.insert(
            file.clone(),
            json!({
                "covered": ranges(rows, true),
                "not_covered": ranges(rows, false),
                "covered_lines": yes,
                "not_covered_lines": no,
                "coverage": percent(yes, no),
                "conditions": conditions.remove(file).unwrap_or_default(),
            }),
        );
    }
    json!({
        "files": files,
        "covered_lines": all_yes,
        "not_covered_lines": all_no,
        "coverage": percent(all_yes, all_no),
    })
}
