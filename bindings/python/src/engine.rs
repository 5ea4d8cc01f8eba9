//! `Engine`: a checked pack compiled for one set of param values. Immutable and thread-safe (it
//! wraps `indicia::Engine`, which is `Send + Sync`); pickled as the recipe it was built from (the
//! pack's source text and its param values), so that Spark and Ray can ship it to workers that do
//! not have the pack's files.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::batch;
use crate::convert::{params_from_py, params_to_py};
use crate::errors::{Place, evidence_error, pack_error};
use crate::input::{self, Text};
use crate::report::Report;

/// How an engine's pack was given, to rebuild it elsewhere.
#[derive(Clone, Debug)]
enum Recipe {
    /// The built-in pack.
    Builtin,
    /// A pack from source text: its name and its files as `(display name, text)`.
    Sources { name: String, files: Vec<(String, String)> },
}

/// A rule pack checked and compiled for one set of param values, ready to score evidence.
#[pyclass(frozen, module = "indicia")]
pub struct Engine {
    inner: indicia::Engine,
    recipe: Arc<Recipe>,
}

impl Engine {
    /// The wrapped engine.
    pub fn inner(&self) -> &indicia::Engine {
        &self.inner
    }

    /// `built` with the given param overrides applied.
    fn build(built: indicia::Engine, recipe: Recipe, params: Option<&Bound<'_, PyAny>>) -> PyResult<Engine> {
        let values = params_from_py(built.pack(), params)?;
        let inner = built.with_params(values).map_err(|e| pack_error(&e))?;
        Ok(Engine { inner, recipe: Arc::new(recipe) })
    }

    /// The recipe of a pack read from files: its name and its source text.
    fn recipe_of(engine: &indicia::Engine) -> Recipe {
        let pack = engine.pack();
        let files = pack.sources.iter().map(|(_, file)| (file.name.clone(), file.text.to_string())).collect();
        Recipe::Sources { name: pack.name.clone(), files }
    }

    /// Scores `inputs` on all cores with the GIL released, each rejected object's exception
    /// placed by `place`.
    fn score_batch<'py>(
        &self,
        py: Python<'py>,
        inputs: &[&[u8]],
        place: impl Fn(usize) -> Place,
    ) -> PyResult<Bound<'py, PyList>> {
        let engine = &self.inner;
        let lines = py.detach(|| batch::score_lines(engine, inputs));
        reports_list(py, lines, place)
    }
}

/// One item per scored object, in order: its `Report`, or the `EvidenceError` placed by `place`.
fn reports_list<'py>(
    py: Python<'py>,
    lines: Vec<batch::Line>,
    place: impl Fn(usize) -> Place,
) -> PyResult<Bound<'py, PyList>> {
    let mut out = Vec::with_capacity(lines.len());
    for (index, line) in lines.into_iter().enumerate() {
        out.push(match line {
            Ok(json) => Bound::new(py, Report::from_line(json))?.into_any(),
            Err(error) => evidence_error(&error, Some(&place(index))).into_value(py).into_bound(py).into_any(),
        });
    }
    PyList::new(py, out)
}

#[pymethods]
impl Engine {
    /// The built-in pack (`tw-mabis-v4`), with optional param overrides (`{"name": value}`).
    #[staticmethod]
    #[pyo3(signature = (params = None))]
    fn builtin(params: Option<&Bound<'_, PyAny>>) -> PyResult<Engine> {
        Engine::build(indicia::Engine::builtin(), Recipe::Builtin, params)
    }

    /// Loads, checks and compiles the pack at `path` (a directory of `.ind` files or one file).
    #[staticmethod]
    #[pyo3(signature = (path, params = None))]
    fn from_path(py: Python<'_>, path: PathBuf, params: Option<&Bound<'_, PyAny>>) -> PyResult<Engine> {
        let built = py.detach(|| indicia::Engine::from_path(&path)).map_err(|e| pack_error(&e))?;
        let recipe = Engine::recipe_of(&built);
        Engine::build(built, recipe, params)
    }

    /// Checks and compiles a one-file pack given as text; `name` is the pack's name when it has
    /// no `standard`.
    #[staticmethod]
    #[pyo3(signature = (text, name = "pack", params = None))]
    fn from_source(text: &str, name: &str, params: Option<&Bound<'_, PyAny>>) -> PyResult<Engine> {
        let built = indicia::Engine::from_source(name, text).map_err(|e| pack_error(&e))?;
        let recipe = Recipe::Sources { name: name.to_string(), files: vec![(format!("{name}.ind"), text.to_string())] };
        Engine::build(built, recipe, params)
    }

    /// The same pack with other param values (overrides applied to the pack's defaults).
    fn with_params(&self, params: &Bound<'_, PyAny>) -> PyResult<Engine> {
        let values = params_from_py(self.inner.pack(), Some(params))?;
        let inner = self.inner.with_params(values).map_err(|e| pack_error(&e))?;
        Ok(Engine { inner, recipe: self.recipe.clone() })
    }

    /// The pack's name (its standard's name, or the directory or file name).
    #[getter]
    fn pack_name(&self) -> String {
        self.inner.pack().name.clone()
    }

    /// The pack's standard version, if it declares one.
    #[getter]
    fn pack_version(&self) -> Option<String> {
        self.inner.pack().standard.as_ref().map(|s| s.version.clone())
    }

    /// The param values this engine was compiled with: name → value.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_to_py(py, self.inner.pack(), self.inner.params())
    }

    /// The indicators' ids, sorted.
    #[getter]
    fn indicator_ids(&self) -> Vec<String> {
        self.inner.pack().indicators.iter().map(|i| i.id.clone()).collect()
    }

    /// The categories' ids, sorted.
    #[getter]
    fn category_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.inner.pack().categories.iter().map(|c| c.id.clone()).collect();
        ids.sort();
        ids
    }

    /// Reads, validates and scores one evidence object (`bytes`, `str` or `dict`). Raises
    /// `EvidenceError` (with the JSON path) when it does not fit the pack's schema.
    fn evaluate(&self, py: Python<'_>, evidence: &Bound<'_, PyAny>) -> PyResult<Report> {
        let text = input::text(evidence)?;
        let json = text.as_bytes();
        let engine = &self.inner;
        let scored = py.detach(|| batch::score_report(engine, json));
        match scored {
            Ok((report, line)) => Ok(Report::from_parts(report, line)),
            Err(error) => Err(evidence_error(&error, None)),
        }
    }

    /// Scores a list of evidence objects on all cores with the GIL released. Returns one item per
    /// object, in order: its `Report`, or the `EvidenceError` that rejected it (not raised, so that
    /// one bad object does not lose the batch). `source` names the batch in the errors
    /// (`source:N` for the N-th object, as `indicia eval` names lines).
    #[pyo3(signature = (evidence, source = "-"))]
    fn evaluate_many<'py>(
        &self,
        py: Python<'py>,
        evidence: &Bound<'py, PyAny>,
        source: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let texts: Vec<Text<'py>> = input::texts(evidence)?;
        let inputs: Vec<&[u8]> = texts.iter().map(Text::as_bytes).collect();
        self.score_batch(py, &inputs, |index| Place { index, line: index + 1, name: source.to_string() })
    }

    /// Scores a JSON Lines text (`bytes` or `str`, one object per line, blank lines skipped) on
    /// all cores with the GIL released, as `indicia eval batch.jsonl` does. Returns one item per
    /// object: its `Report` or its `EvidenceError` (whose `to_json()` is the line `indicia eval`
    /// prints in its place, naming it `source:LINE`).
    #[pyo3(signature = (data, source = "-"))]
    fn evaluate_jsonl<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        source: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let text = input::jsonl_data(data)?;
        let bytes = text.as_bytes();
        let engine = &self.inner;
        // The text is cut into lines without the GIL too: on a large batch the cut is a
        // measurable share of the call.
        let (numbers, lines) = py.detach(|| {
            let lines = input::jsonl_lines(bytes);
            let inputs: Vec<&[u8]> = lines.iter().map(|(_, line)| *line).collect();
            let numbers: Vec<usize> = lines.iter().map(|(number, _)| *number).collect();
            (numbers, batch::score_lines(engine, &inputs))
        });
        reports_list(py, lines, |index| Place {
            index,
            line: numbers.get(index).copied().unwrap_or(0),
            name: source.to_string(),
        })
    }

    /// Scores an Arrow array of evidence JSON (string or binary; any object with
    /// `__arrow_c_array__`, or a `pyarrow.ChunkedArray`) and returns a `pyarrow.RecordBatch`:
    /// `app_id`, `failed`, `inconclusive`, `risk`, `risk_upper`, `failed_<category>` per category,
    /// `report` (the report's compact JSON) and `error` (why an object was rejected, else null).
    fn evaluate_arrow<'py>(&self, py: Python<'py>, array: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::evaluate_arrow(py, &self.inner, array)
    }

    /// Extracts evidence from each app file of an Arrow string array of paths (APK or IPA) and
    /// scores it, on all cores with the GIL released. Returns the columns of `evaluate_arrow`
    /// with `path` first, and the extracted `evidence` (compact JSON) and the extraction's
    /// `warnings` (a list of strings) before `report`.
    fn scan_arrow<'py>(&self, py: Python<'py>, paths: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::scan_arrow(py, &self.inner, paths)
    }

    /// Pickling: the engine is rebuilt from its pack's source text and its param values.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let rebuild = py.import("indicia._indicia")?.getattr("_rebuild_engine")?;
        let params = params_to_py(py, self.inner.pack(), self.inner.params())?;
        let args = match self.recipe.as_ref() {
            Recipe::Builtin => ("builtin", String::new(), Vec::<(String, String)>::new(), params).into_pyobject(py)?,
            Recipe::Sources { name, files } => ("sources", name.clone(), files.clone(), params).into_pyobject(py)?,
        };
        Ok((rebuild, args))
    }

    fn __repr__(&self) -> String {
        let pack = self.inner.pack();
        format!("<indicia.Engine {:?}: {} indicators>", pack.name, pack.indicators.len())
    }
}

/// Rebuilds a pickled engine (see `Engine.__reduce__`).
#[pyfunction]
#[pyo3(name = "_rebuild_engine")]
pub fn rebuild_engine(
    py: Python<'_>,
    kind: &str,
    name: String,
    files: Vec<(String, String)>,
    params: &Bound<'_, PyAny>,
) -> PyResult<Engine> {
    match kind {
        "builtin" => Engine::build(indicia::Engine::builtin(), Recipe::Builtin, Some(params)),
        _ => {
            let built =
                py.detach(|| indicia::Engine::from_sources(&name, files.clone())).map_err(|e| pack_error(&e))?;
            Engine::build(built, Recipe::Sources { name, files }, Some(params))
        }
    }
}
