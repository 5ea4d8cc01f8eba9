//! The inputs of `decide`: each JSON object is a saved report (it has `summary` and
//! `indicators`), evidence (scored with the pack first), or a rejection line of `eval`
//! (`{"source", "error"}`, skipped with a message). Apps are extracted as `scan` does. Lines of a
//! batch are decided in parallel, a block of lines at a time, and kept in input order; a bad line is reported
//! (`FILE:LINE: …`) and the batch goes on.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use indicia::Engine;
use indicia::limits::{BATCH_LINE, EVIDENCE};
use indicia::policy::{Decision, Policy};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::Decided;
use crate::exit::Status;
use crate::lines::{Block, LineBlocks};

/// Which top-level members an object has, read without building it.
#[derive(Deserialize)]
struct Probe {
    summary: Option<IgnoredAny>,
    indicators: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
    source: Option<IgnoredAny>,
}

/// Decides inputs one after the other, keeping the decisions in input order.
pub struct Decider<'a> {
    policy: &'a Policy,
    rules: Option<&'a Path>,
    rules_params: &'a [String],
    engine: OnceLock<Result<Engine, Status>>,
    decided: Vec<Decided>,
    status: Status,
}

impl<'a> Decider<'a> {
    /// A decider with `policy`; evidence is scored with the pack at `rules` (built-in when `None`).
    pub fn new(policy: &'a Policy, rules: Option<&'a Path>, rules_params: &'a [String]) -> Decider<'a> {
        Decider { policy, rules, rules_params, engine: OnceLock::new(), decided: Vec::new(), status: Status::Success }
    }

    /// The decisions so far and the worst status met.
    pub fn finish(self) -> (Vec<Decided>, Status) {
        (self.decided, self.status)
    }

    /// Decides one command-line input: `-`, a file or a directory.
    pub fn input(&mut self, name: &str) {
        if name == "-" {
            self.lines("-", std::io::stdin().lock());
            return;
        }
        let path = Path::new(name);
        if path.is_dir() {
            self.directory(path);
            return;
        }
        self.file(path);
    }

    /// Every `.json`, `.jsonl`, `.apk` and `.ipa` file directly in `dir`, in byte order of name.
    fn directory(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.unreadable(dir, &error),
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && matches!(extension(p).as_deref(), Some("json" | "jsonl" | "apk" | "ipa")))
            .collect();
        files.sort();
        for file in files {
            self.file(&file);
        }
    }

    fn file(&mut self, path: &Path) {
        let shown = path.display().to_string();
        match extension(path).as_deref() {
            Some("apk" | "ipa") => self.app(path),
            Some("jsonl") => match std::fs::File::open(path) {
                Ok(file) => self.lines(&shown, file),
                Err(error) => self.unreadable(path, &error),
            },
            _ => match EVIDENCE.read_file(path) {
                Err(error) => self.unreadable(path, &error),
                Ok(bytes) => {
                    let result = self.object(&bytes);
                    self.keep(shown, result);
                }
            },
        }
    }

    /// An app, extracted as `indicia scan` does (built-in trackers and countries), then scored.
    fn app(&mut self, path: &Path) {
        let shown = path.display().to_string();
        let args = crate::commands::extract::ScanArgs { apps: vec![path.to_path_buf()], ..Default::default() };
        let result = crate::commands::extract::scan_evidence(&args)
            .and_then(|evidence| self.evidence(evidence.to_string().as_bytes()));
        self.keep(shown, result);
    }

    /// A JSON Lines batch, cut into blocks of lines as `eval` cuts it ([`LineBlocks`]); the lines of
    /// a block are decided in parallel and kept in input order.
    fn lines(&mut self, shown: &str, reader: impl Read) {
        let mut blocks = LineBlocks::new(reader);
        let mut block = Block::default();
        loop {
            match blocks.next_into(&mut block) {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    crate::errln!("error: cannot read `{shown}`: {error}");
                    self.status.merge(Status::Usage);
                    return;
                }
            }
            let results: Vec<Option<Result<Decision, String>>> =
                block.lines.par_iter().map(|line| (!line.too_long).then(|| self.object(block.text(line)))).collect();
            for (line, result) in block.lines.iter().zip(results) {
                let source = format!("{shown}:{}", line.number);
                match result {
                    Some(result) => self.keep(source, result),
                    None => self.reject(&source, &BATCH_LINE.message()),
                }
            }
        }
    }

    /// Decides one JSON object: a saved report, or evidence.
    fn object(&self, json: &[u8]) -> Result<Decision, String> {
        let probe: Probe = serde_json::from_slice(json).map_err(|e| format!("not JSON: {e}"))?;
        if probe.summary.is_some() && probe.indicators.is_some() {
            return self.policy.decide_json(json).map_err(|e| e.to_string());
        }
        if probe.error.is_some() && probe.source.is_some() {
            return Err("a rejected object recorded by `eval`, not a report".to_string());
        }
        self.evidence(json)
    }

    /// Scores evidence with the pack, then decides its report.
    fn evidence(&self, json: &[u8]) -> Result<Decision, String> {
        let engine = self
            .engine
            .get_or_init(|| crate::pack::load_engine_with_params(self.rules, self.rules_params))
            .as_ref()
            .map_err(|_| "no pack to score evidence with".to_string())?;
        let report = engine.evaluate_json(json).map_err(|e| format!("evidence rejected: {e}"))?;
        self.policy.decide(&report).map_err(|e| e.to_string())
    }

    fn keep(&mut self, source: String, result: Result<Decision, String>) {
        match result {
            Ok(decision) => self.decided.push(Decided { source, decision }),
            Err(message) => self.reject(&source, &message),
        }
    }

    fn reject(&mut self, source: &str, message: &str) {
        crate::errln!("{source}: rejected: {message}");
        let failed_pack = matches!(self.engine.get(), Some(Err(_)));
        self.status.merge(if failed_pack {
            self.engine.get().and_then(|r| r.as_ref().err().copied()).unwrap_or(Status::Failure)
        } else {
            Status::Failure
        });
    }

    fn unreadable(&mut self, path: &Path, error: &std::io::Error) {
        crate::errln!("error: cannot read `{}`: {error}", path.display());
        self.status.merge(Status::Usage);
    }
}

/// A path's extension in lowercase.
fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}
