//! `Report`: one app's report. It keeps the report's compact JSON (what `indicia eval` prints for
//! a batch line) and builds the typed view on first use, so that a batch returns its reports
//! without building what nobody reads.

use std::sync::{Arc, OnceLock};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{json_to_py, map_to_py};

/// The report on one app (the document of docs/ "The report").
#[pyclass(frozen, module = "indicia")]
pub struct Report {
    /// The compact JSON, as `indicia eval` prints it in a batch (without the newline).
    json: String,
    /// The typed report, built from `json` when first asked for.
    parsed: OnceLock<Arc<indicia::Report>>,
}

impl Report {
    /// A report known by its compact JSON line.
    pub fn from_line(json: String) -> Report {
        Report { json, parsed: OnceLock::new() }
    }

    /// A report already built, with its compact JSON line.
    pub fn from_parts(report: indicia::Report, json: String) -> Report {
        let parsed = OnceLock::new();
        let _ = parsed.set(Arc::new(report));
        Report { json, parsed }
    }

    fn report(&self) -> PyResult<&indicia::Report> {
        if let Some(report) = self.parsed.get() {
            return Ok(report);
        }
        let report: indicia::Report = serde_json::from_str(&self.json)
            .map_err(|e| PyValueError::new_err(format!("cannot read the report back: {e}")))?;
        Ok(self.parsed.get_or_init(|| Arc::new(report)))
    }
}

#[pymethods]
impl Report {
    /// The report as JSON text: compact (one line of `indicia eval` on a batch, without its
    /// newline) or, with `pretty=True`, as `indicia eval` prints one object.
    #[pyo3(signature = (pretty = false))]
    fn to_json<'py>(&self, py: Python<'py>, pretty: bool) -> PyResult<Bound<'py, PyString>> {
        if pretty {
            let text = serde_json::to_string_pretty(self.report()?)
                .map_err(|e| PyValueError::new_err(format!("cannot write the report: {e}")))?;
            return Ok(PyString::new(py, &text));
        }
        Ok(PyString::new(py, &self.json))
    }

    /// The report as plain Python data (`json.loads(report.to_json())`).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let value: serde_json::Value =
            serde_json::from_str(&self.json).map_err(|e| PyValueError::new_err(e.to_string()))?;
        json_to_py(py, &value)
    }

    /// The app's id (`app.id` of the evidence; "" when it has none).
    #[getter]
    fn app_id(&self) -> PyResult<String> {
        Ok(self.report()?.app_id().to_string())
    }

    /// The evidence's `app` object, as it was given.
    #[getter]
    fn app<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        map_to_py(py, &self.report()?.app)
    }

    /// The name of the pack that scored the app.
    #[getter]
    fn pack_name(&self) -> PyResult<String> {
        Ok(self.report()?.pack.name.clone())
    }

    /// The pack's standard version, if it declares one.
    #[getter]
    fn pack_version(&self) -> PyResult<Option<String>> {
        Ok(self.report()?.pack.version.clone())
    }

    /// Counts and risk over every indicator.
    #[getter]
    fn summary(&self) -> PyResult<Summary> {
        let s = &self.report()?.summary;
        Ok(Summary {
            total: s.total,
            failed: s.failed,
            passed: s.passed,
            inconclusive: s.inconclusive,
            risk: s.risk,
            risk_upper: s.risk_upper,
        })
    }

    /// Counts per category, sorted by id.
    #[getter]
    fn categories(&self) -> PyResult<Vec<Category>> {
        Ok(self.report()?.categories.iter().map(Category::of).collect())
    }

    /// Every indicator with its verdict, sorted by id.
    #[getter]
    fn indicators(&self) -> PyResult<Vec<Indicator>> {
        Ok(self.report()?.indicators.iter().map(Indicator::of).collect())
    }

    /// The indicators the app failed, sorted by id.
    fn failed(&self) -> PyResult<Vec<Indicator>> {
        Ok(self.report()?.failed().map(Indicator::of).collect())
    }

    /// The verdict of every indicator: id → `"fail"`, `"pass"` or `"inconclusive"`.
    #[getter]
    fn verdicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for indicator in &self.report()?.indicators {
            dict.set_item(indicator.id.as_ref(), indicator.verdict.name())?;
        }
        Ok(dict)
    }

    /// The verdict of indicator `id` (KeyError when the pack has no such indicator).
    fn verdict(&self, id: &str) -> PyResult<&'static str> {
        self.report()?
            .indicators
            .iter()
            .find(|i| i.id.as_ref() == id)
            .map(|i| i.verdict.name())
            .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(id.to_string()))
    }

    /// Why each failed indicator failed: id → the facts (witnesses) that made it fail.
    fn explanations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for indicator in self.report()?.failed() {
            let witnesses: Vec<Witness> = indicator.witnesses.iter().map(Witness::of).collect();
            dict.set_item(indicator.id.as_ref(), PyList::new(py, witnesses)?)?;
        }
        Ok(dict)
    }

    /// Evidence warnings: undeclared kinds and fields, unknown top-level members.
    #[getter]
    fn warnings(&self) -> PyResult<Vec<String>> {
        Ok(self.report()?.warnings.clone())
    }

    fn __repr__(&self) -> PyResult<String> {
        let r = self.report()?;
        Ok(format!(
            "<indicia.Report {:?}: failed {}/{}, inconclusive {}, risk {} (up to {})>",
            r.app_id(),
            r.summary.failed,
            r.summary.total,
            r.summary.inconclusive,
            r.summary.risk,
            r.summary.risk_upper
        ))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Report>().is_ok_and(|other| other.get().json == self.json)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.json.hash(&mut hasher);
        hasher.finish()
    }
}

/// `summary` of a report.
#[pyclass(frozen, get_all, module = "indicia")]
pub struct Summary {
    /// Number of indicators.
    pub total: usize,
    /// Indicators whose condition is true.
    pub failed: usize,
    /// Indicators whose condition is false.
    pub passed: usize,
    /// Indicators whose condition is unknown.
    pub inconclusive: usize,
    /// `100 × Σw(failed) / Σw(all)`, one decimal.
    pub risk: f64,
    /// `100 × Σw(failed or inconclusive) / Σw(all)`, one decimal.
    pub risk_upper: f64,
}

#[pymethods]
impl Summary {
    fn __repr__(&self) -> String {
        format!(
            "Summary(total={}, failed={}, passed={}, inconclusive={}, risk={}, risk_upper={})",
            self.total, self.failed, self.passed, self.inconclusive, self.risk, self.risk_upper
        )
    }
}

/// One category's counts.
#[pyclass(frozen, get_all, module = "indicia")]
pub struct Category {
    /// The category's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Number of its indicators.
    pub total: usize,
    /// How many failed.
    pub failed: usize,
    /// How many passed.
    pub passed: usize,
    /// How many were inconclusive.
    pub inconclusive: usize,
}

impl Category {
    fn of(c: &indicia::report::CategoryReport) -> Category {
        Category {
            id: c.id.to_string(),
            title: c.title.to_string(),
            total: c.total,
            failed: c.failed,
            passed: c.passed,
            inconclusive: c.inconclusive,
        }
    }
}

#[pymethods]
impl Category {
    fn __repr__(&self) -> String {
        format!(
            "Category(id={:?}, failed={}, passed={}, inconclusive={}, total={})",
            self.id, self.failed, self.passed, self.inconclusive, self.total
        )
    }
}

/// One indicator's verdict.
#[pyclass(frozen, get_all, module = "indicia")]
pub struct Indicator {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its category's id.
    pub category: String,
    /// `"low"`, `"medium"`, `"high"` or `"critical"`.
    pub severity: String,
    /// Its weight.
    pub weight: f64,
    /// Its references.
    pub refs: Vec<String>,
    /// `"fail"`, `"pass"` or `"inconclusive"`.
    pub verdict: String,
    /// The facts that made it fail (empty unless it failed).
    pub witnesses: Vec<Witness>,
}

impl Indicator {
    fn of(i: &indicia::report::IndicatorReport) -> Indicator {
        Indicator {
            id: i.id.to_string(),
            title: i.title.to_string(),
            category: i.category.to_string(),
            severity: i.severity.name().to_string(),
            weight: i.weight,
            refs: i.refs.iter().map(|r| r.to_string()).collect(),
            verdict: i.verdict.name().to_string(),
            witnesses: i.witnesses.iter().map(Witness::of).collect(),
        }
    }
}

#[pymethods]
impl Indicator {
    fn __repr__(&self) -> String {
        format!("Indicator(id={:?}, verdict={:?}, title={:?})", self.id, self.verdict, self.title)
    }
}

/// A fact that made an indicator fail: its kind and its index in the evidence's array of that kind.
#[pyclass(frozen, get_all, from_py_object, module = "indicia")]
#[derive(Clone)]
pub struct Witness {
    /// The fact kind.
    pub kind: String,
    /// The index of the fact in `facts[kind]`.
    pub index: u32,
}

impl Witness {
    fn of(w: &indicia::report::WitnessRef) -> Witness {
        Witness { kind: w.kind.to_string(), index: w.index }
    }
}

#[pymethods]
impl Witness {
    fn __repr__(&self) -> String {
        format!("Witness(kind={:?}, index={})", self.kind, self.index)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Witness>().is_ok_and(|o| o.get().kind == self.kind && o.get().index == self.index)
    }
}
