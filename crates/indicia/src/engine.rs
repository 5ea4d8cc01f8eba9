//! The embedding API: an [`Engine`] is a checked pack compiled for one set of param values.
//!
//! ```no_run
//! let engine = indicia::Engine::builtin();
//! let bytes = std::fs::read("app.json")?;
//! let report = engine.evaluate_json(&bytes)?;
//! for indicator in report.failed() {
//!     println!("{} {}", indicator.id, indicator.title);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! An engine is immutable once built, `Send + Sync`, and cheap to clone and share across threads;
//! evaluation state lives in a per-thread scratch object inside `eval`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::check::CheckFailure;
use crate::compile::{self, CompileError, Program};
use crate::evidence::{Evidence, EvidenceError, EvidenceReader};
use crate::hir::{Pack, ParamValues};
use crate::load::{self, LoadedPack};
use crate::outcome::Outcomes;
use crate::params::{self, ParamError};
use crate::report::{Report, ReportTemplate, build_report};
use crate::reuse::with_reused;

/// Why an engine could not be built: one variant per stage, each holding that stage's error.
///
/// Each `Display` reads as one diagnostic line (a check failure's is its first error with its
/// place and code; [`CheckFailure::render_human`] renders them all), and each `Debug` is short.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A pack path could not be read.
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// The pack has errors.
    #[error(transparent)]
    Check(#[from] CheckFailure),
    /// The pack could not be compiled into a program.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// A param override was refused.
    #[error(transparent)]
    Param(#[from] ParamError),
}

/// Where the pack's auxiliary files (test fixtures) are read from.
#[derive(Clone, Debug)]
enum Files {
    /// The file system.
    Disk,
    /// Files compiled into the binary, by path.
    Embedded(&'static [(&'static str, &'static [u8])]),
}

/// A checked pack compiled into one evaluation program, ready to score evidence.
#[derive(Clone, Debug)]
pub struct Engine {
    /// Unique per compiled program (clones share it): keys the per-thread evidence readers.
    id: u64,
    pack: Arc<Pack>,
    template: Arc<ReportTemplate>,
    params: ParamValues,
    program: Arc<Program>,
    files: Files,
    /// Whether reports explain the verdicts that are not failures.
    explain: bool,
}

impl Engine {
    /// Loads, checks and compiles the pack at `path`: a directory of `.ind` files or one file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Engine, EngineError> {
        let loaded = load::load_path(path.as_ref())?;
        Engine::from_loaded(loaded, Files::Disk)
    }

    /// Checks and compiles a pack given as source text: `files` are `(display name, text)` pairs;
    /// `name` is the pack's name when it has no `standard`.
    pub fn from_sources(name: &str, files: Vec<(String, String)>) -> Result<Engine, EngineError> {
        Engine::from_loaded(load::load_sources(name, files), Files::Disk)
    }

    /// [`Engine::from_sources`] for files given as bytes (`indicia check -`): one that is not UTF-8 is an
    /// error at its first bad byte.
    pub fn from_bytes(name: &str, files: Vec<(String, Vec<u8>)>) -> Result<Engine, EngineError> {
        Engine::from_loaded(load::load_bytes(name, files), Files::Disk)
    }

    /// Checks and compiles a one-file pack given as text.
    pub fn from_source(name: &str, text: &str) -> Result<Engine, EngineError> {
        Engine::from_sources(name, vec![(format!("{name}.ind"), text.to_string())])
    }

    pub(crate) fn from_embedded(
        name: &str,
        sources: Vec<(String, String)>,
        files: &'static [(&'static str, &'static [u8])],
    ) -> Result<Engine, EngineError> {
        Engine::from_loaded(load::load_sources(name, sources), Files::Embedded(files))
    }

    fn from_loaded(loaded: LoadedPack, files: Files) -> Result<Engine, EngineError> {
        let pack = load::check_pack(loaded)?;
        let params = ParamValues::defaults(&pack);
        let template = Arc::new(ReportTemplate::new(&pack));
        Engine::compile(Arc::new(pack), template, params, files)
    }

    /// Compiles a pack already checked (its test fixtures are read from disk).
    pub(crate) fn from_checked(pack: Pack) -> Result<Engine, EngineError> {
        let params = ParamValues::defaults(&pack);
        let template = Arc::new(ReportTemplate::new(&pack));
        Engine::compile(Arc::new(pack), template, params, Files::Disk)
    }

    fn compile(
        pack: Arc<Pack>,
        template: Arc<ReportTemplate>,
        params: ParamValues,
        files: Files,
    ) -> Result<Engine, EngineError> {
        let program = compile::compile(&pack, &params)?;
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Ok(Engine { id, pack, template, params, program: Arc::new(program), files, explain: false })
    }

    /// The same pack compiled with `NAME=VALUE` param overrides applied to the defaults.
    pub fn with_param_overrides(&self, overrides: &[String]) -> Result<Engine, EngineError> {
        let params = params::apply_overrides(&self.pack, overrides)?;
        self.with_params(params)
    }

    /// The same pack compiled with the given param values.
    pub fn with_params(&self, params: ParamValues) -> Result<Engine, EngineError> {
        if params == self.params {
            return Ok(self.clone());
        }
        let mut engine = Engine::compile(self.pack.clone(), self.template.clone(), params, self.files.clone())?;
        engine.explain = self.explain;
        Ok(engine)
    }

    /// The same engine, whose reports explain (`true`) or do not explain every verdict that is
    /// not a failure (docs/language.md, "Why inconclusive"). Off by default: explaining costs a
    /// walk per inconclusive or passed indicator.
    pub fn explaining(&self, explain: bool) -> Engine {
        Engine { explain, ..self.clone() }
    }

    /// Whether reports explain verdicts.
    pub fn explains(&self) -> bool {
        self.explain
    }

    /// Another pack compiled with this engine's params and pack files (coverage's probes).
    pub(crate) fn with_pack(&self, pack: Pack) -> Result<Engine, EngineError> {
        let template = Arc::new(ReportTemplate::new(&pack));
        Engine::compile(Arc::new(pack), template, self.params.clone(), self.files.clone())
    }

    /// The checked pack.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The param values this engine was compiled with.
    pub fn params(&self) -> &ParamValues {
        &self.params
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Reads and validates one evidence object against the pack's schema, for this engine: its
    /// strings are interned only as far as this engine's program compares them, so evaluate it
    /// with this engine. Each thread keeps a reader (and its scratch buffers) for the engine it
    /// last read for.
    pub fn read_evidence(&self, json: &[u8]) -> Result<Evidence, EvidenceError> {
        self.with_reader(|reader| reader.read(json))
    }

    /// [`Engine::read_evidence`] into `evidence`, reusing its buffers: for batches, which read
    /// every object into the same [`Evidence`] and so allocate almost nothing per object. On an
    /// error, `evidence` is left empty (and ready for the next read).
    pub fn read_evidence_into(&self, json: &[u8], evidence: &mut Evidence) -> Result<(), EvidenceError> {
        self.with_reader(|reader| reader.read_into(json, evidence))
    }

    /// Reads `json` into this thread's reused [`Evidence`] (see [`Engine::read_evidence_into`])
    /// and hands the result to `then`: what a batch does per object, without keeping an
    /// `Evidence` of its own. A call from inside `then` reads into a fresh `Evidence`.
    pub fn with_read_evidence<T>(&self, json: &[u8], then: impl FnOnce(Result<&Evidence, EvidenceError>) -> T) -> T {
        thread_local! {
            static EVIDENCE: RefCell<Evidence> = RefCell::new(Evidence::default());
        }
        with_reused(&EVIDENCE, |evidence| {
            let result = self.read_evidence_into(json, evidence);
            then(result.map(|()| &*evidence))
        })
    }

    /// Validates one evidence object that is already a JSON value (what `indicia-extract` builds),
    /// as [`Engine::read_evidence`] does its text.
    pub fn read_evidence_value(&self, value: &serde_json::Value) -> Result<Evidence, EvidenceError> {
        self.with_reader(|reader| reader.read_value(value))
    }

    /// Runs `read` with this thread's reader for this engine.
    fn with_reader<T>(&self, read: impl FnOnce(&mut EvidenceReader) -> T) -> T {
        thread_local! {
            static READER: RefCell<Option<(u64, EvidenceReader)>> = const { RefCell::new(None) };
        }
        READER.with(|cell| {
            let mut slot = cell.borrow_mut();
            match slot.as_mut() {
                Some((id, reader)) if *id == self.id => read(reader),
                _ => {
                    let mut reader = EvidenceReader::for_program(&self.pack.schema, &self.program);
                    let result = read(&mut reader);
                    *slot = Some((self.id, reader));
                    result
                }
            }
        })
    }

    /// Scores validated evidence.
    pub fn evaluate(&self, evidence: &Evidence) -> Report {
        let outcomes = if self.explain {
            crate::eval::evaluate_explained_once(&self.program, evidence)
        } else {
            crate::eval::evaluate_once(&self.program, evidence)
        };
        build_report(&self.template, evidence, &outcomes)
    }

    /// Scores validated evidence and appends its report to `out` as one line of compact JSON
    /// (without the newline): the bytes `serde_json::to_writer(&engine.evaluate(evidence))`
    /// gives, written without building the [`Report`], from outcomes kept per thread and reused.
    pub fn evaluate_into_json(&self, evidence: &Evidence, out: &mut Vec<u8>) {
        if self.explain {
            let mark = out.len();
            if serde_json::to_writer(&mut *out, &self.evaluate(evidence)).is_err() {
                out.truncate(mark);
            }
            return;
        }
        thread_local! {
            static OUTCOMES: RefCell<Outcomes> = RefCell::new(Outcomes::default());
        }
        with_reused(&OUTCOMES, |outcomes| {
            crate::eval::evaluate_once_into(&self.program, evidence, outcomes);
            crate::report::write_report(&self.template, evidence, outcomes, out);
        });
    }

    /// Scores validated evidence and adds the time each node of the program took to `profile`
    /// (see [`crate::profile`]); slower than [`Engine::evaluate`], for `indicia eval --profile`. An
    /// engine that explains (see [`Engine::explains`]) explains this report too.
    pub fn evaluate_profiled(&self, evidence: &Evidence, profile: &mut crate::profile::Profile) -> Report {
        thread_local! {
            static SCRATCH: RefCell<crate::eval::Scratch> = RefCell::new(crate::eval::Scratch::new());
        }
        let outcomes =
            with_reused(&SCRATCH, |scratch| crate::eval::evaluate_profiled(&self.program, evidence, scratch, profile));
        if self.explain {
            // The profile keeps the timed run; the explanations come from the explaining evaluator.
            return self.evaluate(evidence);
        }
        build_report(&self.template, evidence, &outcomes)
    }

    /// Reads, validates and scores one evidence object.
    pub fn evaluate_json(&self, json: &[u8]) -> Result<Report, EvidenceError> {
        let evidence = self.read_evidence(json)?;
        Ok(self.evaluate(&evidence))
    }

    /// Reads an auxiliary file of the pack (a test's evidence fixture) by the path the checker
    /// resolved for it; one larger than [`crate::limits::EVIDENCE`] is an error.
    pub fn read_pack_file(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match &self.files {
            Files::Disk => crate::limits::EVIDENCE.read_file(path),
            Files::Embedded(files) => {
                let wanted = normalize(path);
                files
                    .iter()
                    .find(|(name, _)| normalize(Path::new(name)) == wanted)
                    .map(|(_, bytes)| bytes.to_vec())
                    .ok_or_else(|| {
                        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the built-in pack")
                    })
            }
        }
    }
}

/// `a/b/../c` → `a/c`, lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Engine>();
    }

    #[test]
    fn evidence_read_as_a_value_is_the_evidence_read_as_text() {
        let engine = crate::builtin::try_engine().unwrap().explaining(true);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence");
        for name in ["wechat.json", "benign-notes.json", "douyin.json"] {
            let text = std::fs::read(root.join(name)).unwrap();
            let value: serde_json::Value = serde_json::from_slice(&text).unwrap();
            let from_text = serde_json::to_value(engine.evaluate(&engine.read_evidence(&text).unwrap())).unwrap();
            let from_value =
                serde_json::to_value(engine.evaluate(&engine.read_evidence_value(&value).unwrap())).unwrap();
            assert_eq!(from_text, from_value, "{name}");
        }
        // A violation is the same error, at the same JSON path.
        let bad = serde_json::json!({"app": {"id": "x"}, "collected": ["flow"], "facts": {"flow": [{"host": 3}]}});
        let from_text = engine.read_evidence(bad.to_string().as_bytes()).unwrap_err();
        let from_value = engine.read_evidence_value(&bad).unwrap_err();
        assert_eq!(from_text.to_string(), from_value.to_string());
    }

    #[test]
    fn evidence_read_into_a_reused_one_is_the_evidence_read_afresh() {
        let engine = crate::builtin::try_engine().unwrap().explaining(true);
        let other = Engine::from_source(
            "o",
            "category c { title: \"c\" }\nfact flow { port: int, host: string? }\n\
            indicator \"A\" { title: \"t\" category: c severity: low when: any flow where port == 80 }\n",
        )
        .unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence");
        let report = |engine: &Engine, evidence: &Evidence| serde_json::to_value(engine.evaluate(evidence)).unwrap();
        let mut reused = Evidence::default();
        for name in ["wechat.json", "benign-notes.json", "douyin.json", "wechat.json"] {
            let text = std::fs::read(root.join(name)).unwrap();
            // Into an evidence of another engine's schema first, then of this one's.
            let flows = br#"{"app": {"id": "o"}, "facts": {"flow": [{"port": 80}, {"port": 1, "host": "h"}]}}"#;
            other.read_evidence_into(flows, &mut reused).unwrap();
            assert_eq!(report(&other, &reused), report(&other, &other.read_evidence(flows).unwrap()));
            engine.read_evidence_into(&text, &mut reused).unwrap();
            assert_eq!(report(&engine, &reused), report(&engine, &engine.read_evidence(&text).unwrap()), "{name}");
            // A rejected object leaves it empty, and it reads the next one as before.
            assert!(engine.read_evidence_into(b"{\"facts\": 3}", &mut reused).is_err());
            assert!(reused.tables.iter().all(|t| t.len == 0 && !t.observed) && reused.local.is_empty());
        }
    }

    #[test]
    fn evidence_lent_by_the_engine_is_the_evidence_read_afresh() {
        let engine = crate::builtin::try_engine().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence");
        let report = |evidence: &Evidence| serde_json::to_value(engine.evaluate(evidence)).unwrap();
        for name in ["wechat.json", "benign-notes.json", "douyin.json"] {
            let text = std::fs::read(root.join(name)).unwrap();
            let afresh = report(&engine.read_evidence(&text).unwrap());
            assert_eq!(engine.with_read_evidence(&text, |read| report(read.unwrap())), afresh, "{name}");
            // A call from inside the first one reads into its own evidence and leaves the first as it was.
            let (outer, inner) = engine.with_read_evidence(&text, |outer| {
                let inner = engine
                    .with_read_evidence(b"{\"app\": {\"id\": \"x\"}, \"facts\": {}}", |inner| report(inner.unwrap()));
                (report(outer.unwrap()), inner)
            });
            assert_eq!(outer, afresh, "{name}");
            assert_eq!(inner["app"]["id"], "x");
            // A rejected object is the reader's error, with its JSON path.
            let error = engine.with_read_evidence(b"{\"facts\": 3}", |read| read.err().map(|e| e.to_string()));
            assert!(error.is_some_and(|e| e.contains("facts")));
        }
    }

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(normalize(Path::new("a/tests/../fixtures/x.json")), PathBuf::from("a/fixtures/x.json"));
        assert_eq!(normalize(Path::new("./a/b")), PathBuf::from("a/b"));
    }

    #[test]
    fn a_check_failure_displays_as_its_first_diagnostic_line_and_debugs_short() {
        let source = "category c { title: \"c\" }\nfact flow { host: string }\n\
            indicator \"A\" { title: \"t\" category: c severity: low when: any flwo }\n\
            indicator \"B\" { title: \"t\" category: c severity: low when: any flwo }\n";
        let error = Engine::from_source("p", source).err().unwrap();
        let shown = error.to_string();
        assert!(shown.starts_with("p.ind:3:"), "{shown}");
        assert!(
            shown.contains(": error") && shown.contains("flwo") && shown.ends_with("(and 1 more error)"),
            "{shown}"
        );
        assert_eq!(shown.lines().count(), 1, "{shown}");
        let debug = format!("{error:?}");
        assert!(debug.len() < 400 && !debug.contains("fact flow"), "{debug}");
        let EngineError::Check(failure) = error else { panic!("not a check failure") };
        assert_eq!(failure.errors().len(), 2);
        assert!(failure.render_human().contains('^'));
    }

    #[test]
    fn a_compile_error_has_a_code() {
        let pack = crate::load::check_pack(crate::load::load_sources("t", Vec::new())).unwrap();
        let error = compile::compile(&pack, &ParamValues(vec![crate::hir::Value::Bool(true)])).unwrap_err();
        assert_eq!(error.code(), "C0001");
        assert_eq!(error.to_string(), "error[C0001]: 1 param values given for 0 params");
        assert!(matches!(EngineError::from(error), EngineError::Compile(CompileError::ParamCount { .. })));
    }
}
