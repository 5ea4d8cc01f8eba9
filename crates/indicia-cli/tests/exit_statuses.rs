//! Walks the table of `docs/exit-statuses.md`: runs the example of every row from the repository root
//! and checks that `indicia` ends with the status the row gives. The table is the contract; this test
//! keeps the program to it.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use common::{indicia, root};

/// One row of the table: the status and the example command (without the leading `indicia`).
struct Row {
    status: i32,
    example: String,
}

/// The cells of a Markdown table row (`\|` is a `|` inside a cell).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("docs/exit-statuses.md")).unwrap();
    text.lines()
        .filter(|line| line.starts_with('|'))
        .map(cells)
        .filter(|cells| cells.first().is_some_and(|c| c.parse::<i32>().is_ok()))
        .map(|cells| {
            assert_eq!(cells.len(), 3, "a row has a status, a situation and an example: {cells:?}");
            let example = cells[2].trim_matches('`');
            let command = example
                .strip_prefix("indicia ")
                .or((example == "indicia").then_some(""))
                .unwrap_or_else(|| panic!("the example of `{}` is an `indicia` command: {example}", cells[1]));
            Row { status: cells[0].parse().unwrap(), example: command.to_string() }
        })
        .collect()
}

/// Runs one example: `ARGS [< IN] [> OUT] [| head -1]`; returns the exit status and standard error.
fn run(example: &str) -> (Option<i32>, String) {
    let mut words = shlex::split(example).unwrap();
    let mut stdin = Stdio::null();
    let mut stdout = Stdio::piped();
    let mut head = false;
    if words.ends_with(&["|".to_string(), "head".to_string(), "-1".to_string()]) {
        words.truncate(words.len() - 3);
        head = true;
    }
    while words.len() >= 2 && matches!(words[words.len() - 2].as_str(), "<" | ">") {
        let file = root().join(words.pop().unwrap());
        match words.pop().unwrap().as_str() {
            "<" => stdin = Stdio::from(std::fs::File::open(file).unwrap()),
            _ => stdout = Stdio::from(std::fs::OpenOptions::new().write(true).open(file).unwrap()),
        }
    }
    let mut child = indicia().args(&words).stdin(stdin).stdout(stdout).stderr(Stdio::piped()).spawn().unwrap();
    if let Some(out) = child.stdout.take() {
        let mut reader = BufReader::new(out);
        if head {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            drop(reader); // the reader stops: the pipe closes
        } else {
            std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        }
    }
    let output = child.wait_with_output().unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn every_row_of_the_exit_status_table_holds() {
    let rows = rows();
    assert!(rows.len() >= 30, "the table was read: {} rows", rows.len());
    for status in 0..=2 {
        assert!(rows.iter().any(|r| r.status == status), "a row for status {status}");
    }
    let mut failures = Vec::new();
    for row in &rows {
        let (code, stderr) = run(&row.example);
        if code != Some(row.status) || stderr.contains("panicked") {
            failures.push(format!("indicia {}: exit {code:?}, the table says {}\n{stderr}", row.example, row.status));
        }
    }
    assert!(failures.is_empty(), "{} row(s) do not hold:\n\n{}", failures.len(), failures.join("\n\n"));
}
