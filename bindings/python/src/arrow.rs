//! Arrow in, Arrow out: a column of evidence JSON (or of app paths) becomes a
//! `pyarrow.RecordBatch` of scores, what Spark's `mapInArrow` and Ray Data's `map_batches` pass
//! around. The arrays cross into Rust through the Arrow C data interface (`arrow-pyarrow`), without
//! a copy, and are scored with the GIL released.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int32Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, make_array};
use arrow_data::ArrayData;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{DataType, Field, Schema};
use indicia::Engine;
use indicia_extract::{Countries, Options, Source, extract_all};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::batch::{self, Scored, rejected};

/// Scores an array of evidence JSON into a record batch.
pub fn evaluate_arrow<'py>(py: Python<'py>, engine: &Engine, array: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let array = import(array)?;
    let values = byte_values(&array)?;
    let rows = py.detach(|| batch::score_rows(engine, &values));
    let batch = Columns::new(engine, false).rows(rows.iter(), None)?;
    batch.to_pyarrow(py)
}

/// Extracts and scores the app at each path of a string array into a record batch.
pub fn scan_arrow<'py>(py: Python<'py>, engine: &Engine, paths: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let array = import(paths)?;
    let values = byte_values(&array)?;
    let paths: Vec<Option<String>> =
        values.iter().map(|v| v.map(|bytes| String::from_utf8_lossy(bytes).into_owned())).collect();
    let scanned: Vec<(Option<String>, Scored)> = py.detach(|| {
        // As `indicia scan`: the built-in tracker signatures and country database.
        let options = Options { countries: Countries::builtin().ok(), ..Options::default() };
        paths.par_iter().map(|path| scan_one(engine, &options, path.as_deref())).collect()
    });
    let evidence: Vec<Option<&str>> = scanned.iter().map(|(e, _)| e.as_deref()).collect();
    let rows = scanned.iter().map(|(_, scored)| scored);
    let batch = Columns::new(engine, true).rows(rows, Some(ScanColumns { paths: &paths, evidence: &evidence }))?;
    batch.to_pyarrow(py)
}

/// One app's evidence (compact JSON, as `indicia extract --compact` prints it) and its score.
fn scan_one(engine: &Engine, options: &Options, path: Option<&str>) -> (Option<String>, Scored) {
    let Some(path) = path else { return (None, Err(rejected("the path is null"))) };
    let source = match Source::app(Path::new(path)) {
        Ok(source) => source,
        Err(error) => return (None, Err(rejected(&error.to_string()))),
    };
    let out = extract_all(&[source], options, None);
    if !out.errors.is_empty() {
        let messages: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        return (None, Err(rejected(&messages.join("; "))));
    }
    let Some(merged) = out.merged else { return (None, Err(rejected("no evidence was produced"))) };
    let evidence = merged.evidence.to_string();
    let scored = batch::score_row(engine, evidence.as_bytes());
    (Some(evidence), scored)
}

/// An array from Python: anything with `__arrow_c_array__`, or a `ChunkedArray` (combined).
fn import(object: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    let object = if !object.hasattr("__arrow_c_array__")? && object.hasattr("combine_chunks")? {
        object.call_method0("combine_chunks")?
    } else {
        object.clone()
    };
    Ok(make_array(ArrayData::from_pyarrow_bound(&object)?))
}

/// The values of a string or binary array (of any offset width, or a view), nulls as `None`.
fn byte_values(array: &ArrayRef) -> PyResult<Vec<Option<&[u8]>>> {
    let values: Vec<Option<&[u8]>> = match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().map(|v| v.map(str::as_bytes)).collect(),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().map(|v| v.map(str::as_bytes)).collect(),
        DataType::Utf8View => array.as_string_view().iter().map(|v| v.map(str::as_bytes)).collect(),
        DataType::Binary => array.as_binary::<i32>().iter().collect(),
        DataType::LargeBinary => array.as_binary::<i64>().iter().collect(),
        DataType::BinaryView => array.as_binary_view().iter().collect(),
        other => {
            return Err(PyTypeError::new_err(format!("expected an array of strings or binary, not {other}")));
        }
    };
    Ok(values)
}

/// The columns only `scan_arrow` has: each row's path and extracted evidence.
struct ScanColumns<'a> {
    paths: &'a [Option<String>],
    evidence: &'a [Option<&'a str>],
}

/// The builders of the output columns.
struct Columns {
    categories: Vec<String>,
    scan: bool,
    app_id: StringBuilder,
    failed: Int32Builder,
    inconclusive: Int32Builder,
    risk: Float64Builder,
    risk_upper: Float64Builder,
    per_category: Vec<Int32Builder>,
    report: StringBuilder,
    error: StringBuilder,
}

impl Columns {
    fn new(engine: &Engine, scan: bool) -> Columns {
        let mut categories: Vec<String> = engine.pack().categories.iter().map(|c| c.id.clone()).collect();
        categories.sort();
        let per_category = categories.iter().map(|_| Int32Builder::new()).collect();
        Columns {
            categories,
            scan,
            app_id: StringBuilder::new(),
            failed: Int32Builder::new(),
            inconclusive: Int32Builder::new(),
            risk: Float64Builder::new(),
            risk_upper: Float64Builder::new(),
            per_category,
            report: StringBuilder::new(),
            error: StringBuilder::new(),
        }
    }

    /// The schema of the batch (see `Engine.evaluate_arrow`).
    fn schema(&self) -> Schema {
        let mut fields = Vec::new();
        if self.scan {
            fields.push(Field::new("path", DataType::Utf8, true));
        }
        fields.push(Field::new("app_id", DataType::Utf8, true));
        fields.push(Field::new("failed", DataType::Int32, true));
        fields.push(Field::new("inconclusive", DataType::Int32, true));
        fields.push(Field::new("risk", DataType::Float64, true));
        fields.push(Field::new("risk_upper", DataType::Float64, true));
        for category in &self.categories {
            fields.push(Field::new(format!("failed_{category}"), DataType::Int32, true));
        }
        if self.scan {
            fields.push(Field::new("evidence", DataType::Utf8, true));
        }
        fields.push(Field::new("report", DataType::Utf8, true));
        fields.push(Field::new("error", DataType::Utf8, true));
        Schema::new(fields)
    }

    /// Appends every row and finishes the batch; `scan` gives the path and evidence columns.
    fn rows<'a>(
        mut self,
        rows: impl Iterator<Item = &'a Scored>,
        scan: Option<ScanColumns<'_>>,
    ) -> PyResult<RecordBatch> {
        let rows: Vec<&Scored> = rows.collect();
        // Sized once: growing a buffer of a whole batch's reports by doubling costs page faults.
        let bytes = rows.iter().map(|row| row.as_ref().map_or(0, |r| r.line.len())).sum();
        self.report = StringBuilder::with_capacity(rows.len(), bytes);
        for row in rows {
            self.push(row);
        }
        let schema = Arc::new(self.schema());
        let mut columns: Vec<ArrayRef> = Vec::new();
        if let Some(ScanColumns { paths, .. }) = scan {
            let mut path = StringBuilder::new();
            for p in paths {
                path.append_option(p.as_deref());
            }
            columns.push(Arc::new(path.finish()));
        }
        columns.push(Arc::new(self.app_id.finish()));
        columns.push(Arc::new(self.failed.finish()));
        columns.push(Arc::new(self.inconclusive.finish()));
        columns.push(Arc::new(self.risk.finish()));
        columns.push(Arc::new(self.risk_upper.finish()));
        for mut builder in self.per_category {
            columns.push(Arc::new(builder.finish()));
        }
        if let Some(ScanColumns { evidence, .. }) = scan {
            let mut column = StringBuilder::new();
            for e in evidence {
                column.append_option(*e);
            }
            columns.push(Arc::new(column.finish()));
        }
        columns.push(Arc::new(self.report.finish()));
        columns.push(Arc::new(self.error.finish()));
        RecordBatch::try_new(schema, columns).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn push(&mut self, row: &Scored) {
        match row {
            Ok(row) => {
                self.app_id.append_value(&row.app_id);
                self.failed.append_value(count(row.failed));
                self.inconclusive.append_value(count(row.inconclusive));
                self.risk.append_value(row.risk);
                self.risk_upper.append_value(row.risk_upper);
                for (builder, failed) in self.per_category.iter_mut().zip(&row.failed_by_category) {
                    builder.append_value(count(*failed));
                }
                self.report.append_value(&row.line);
                self.error.append_null();
            }
            Err(error) => {
                self.app_id.append_null();
                self.failed.append_null();
                self.inconclusive.append_null();
                self.risk.append_null();
                self.risk_upper.append_null();
                for builder in &mut self.per_category {
                    builder.append_null();
                }
                self.report.append_null();
                self.error.append_value(error.to_string());
            }
        }
    }
}

/// A count as an Arrow `int32` (Spark has no unsigned types).
fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
