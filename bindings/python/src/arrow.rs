//! Arrow in, Arrow out: a column of evidence JSON (or of app paths) becomes a
//! `pyarrow.RecordBatch` of scores, what Spark's `mapInArrow` and Ray Data's `map_batches` pass
//! around. The arrays cross into Rust through the Arrow C data interface (`arrow-pyarrow`), without
//! a copy (a `ChunkedArray` chunk by chunk), and are scored with the GIL released.
//!
//! Every string column is `large_string` (64-bit offsets): a `string` column holds at most 2 GiB
//! (32-bit offsets), which the evidence or the reports of one batch of large apps can pass, and
//! arrow-rs's `StringBuilder` panics there.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int32Builder, LargeStringBuilder, ListBuilder};
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

/// The type of every string column, and of the items of `warnings`.
const STRING: DataType = DataType::LargeUtf8;

/// Scores an array of evidence JSON into a record batch.
pub fn evaluate_arrow<'py>(py: Python<'py>, engine: &Engine, array: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let arrays = import(array)?;
    let values = byte_values(&arrays)?;
    let rows = py.detach(|| batch::score_rows(engine, &values));
    let batch = Columns::new(engine, false).rows(rows.iter(), None)?;
    batch.to_pyarrow(py)
}

/// Extracts and scores the app at each path of a string array into a record batch.
pub fn scan_arrow<'py>(py: Python<'py>, engine: &Engine, paths: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let arrays = import(paths)?;
    let values = byte_values(&arrays)?;
    let paths: Vec<Option<String>> =
        values.iter().map(|v| v.map(|bytes| String::from_utf8_lossy(bytes).into_owned())).collect();
    let scans: Vec<Scan> = py.detach(|| match Countries::builtin() {
        // As `indicia scan`: the built-in tracker signatures and country database.
        Ok(countries) => {
            let options = Options { countries: Some(countries), ..Options::default() };
            paths.par_iter().map(|path| scan_one(engine, &options, path.as_deref())).collect()
        }
        // As `indicia scan` too: no app is scanned without its country database.
        Err(error) => {
            let message = format!("cannot read the built-in country database: {error}");
            paths.iter().map(|_| Scan::failed(&message)).collect()
        }
    });
    let rows = scans.iter().map(|scan| &scan.scored);
    let batch = Columns::new(engine, true).rows(rows, Some(ScanColumns { paths: &paths, scans: &scans }))?;
    batch.to_pyarrow(py)
}

/// What extracting and scoring one app gave.
struct Scan {
    /// The evidence, compact JSON as `indicia extract --compact` prints it.
    evidence: Option<String>,
    /// The extraction's warnings (what `indicia scan` prints as `warning: …`).
    warnings: Option<Vec<String>>,
    /// The score, or why there is none.
    scored: Scored,
}

impl Scan {
    fn failed(message: &str) -> Scan {
        Scan { evidence: None, warnings: None, scored: Err(rejected(message)) }
    }
}

/// One app's evidence, warnings and score.
fn scan_one(engine: &Engine, options: &Options, path: Option<&str>) -> Scan {
    let Some(path) = path else { return Scan::failed("the path is null") };
    let source = match Source::app(Path::new(path)) {
        Ok(source) => source,
        Err(error) => return Scan::failed(&error.to_string()),
    };
    let out = extract_all(&[source], options, None);
    if !out.errors.is_empty() {
        let messages: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        return Scan::failed(&messages.join("; "));
    }
    let Some(merged) = out.merged else { return Scan::failed("no evidence was produced") };
    let evidence = merged.evidence.to_string();
    let scored = batch::score_row(engine, evidence.as_bytes());
    Scan { evidence: Some(evidence), warnings: Some(merged.warnings), scored }
}

/// The arrays of an Arrow object from Python, none of them copied: the array itself (anything with
/// `__arrow_c_array__`), or each chunk of a `pyarrow.ChunkedArray` (anything with `chunks`).
fn import(object: &Bound<'_, PyAny>) -> PyResult<Vec<ArrayRef>> {
    if !object.hasattr("__arrow_c_array__")? && object.hasattr("chunks")? {
        return object
            .getattr("chunks")?
            .try_iter()?
            .map(|chunk| Ok(make_array(ArrayData::from_pyarrow_bound(&chunk?)?)))
            .collect();
    }
    Ok(vec![make_array(ArrayData::from_pyarrow_bound(object)?)])
}

/// The values of string or binary arrays (of any offset width, or views), in order, nulls as
/// `None`.
fn byte_values(arrays: &[ArrayRef]) -> PyResult<Vec<Option<&[u8]>>> {
    let mut values = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for array in arrays {
        values.extend(array_values(array)?);
    }
    Ok(values)
}

/// The values of one string or binary array (of any offset width, or a view), nulls as `None`.
fn array_values(array: &ArrayRef) -> PyResult<Vec<Option<&[u8]>>> {
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

/// The columns only `scan_arrow` has: each row's path, extracted evidence and warnings.
struct ScanColumns<'a> {
    paths: &'a [Option<String>],
    scans: &'a [Scan],
}

/// The builders of the output columns.
struct Columns {
    categories: Vec<String>,
    scan: bool,
    app_id: LargeStringBuilder,
    failed: Int32Builder,
    inconclusive: Int32Builder,
    risk: Float64Builder,
    risk_upper: Float64Builder,
    per_category: Vec<Int32Builder>,
    report: LargeStringBuilder,
    error: LargeStringBuilder,
}

impl Columns {
    fn new(engine: &Engine, scan: bool) -> Columns {
        let mut categories: Vec<String> = engine.pack().categories.iter().map(|c| c.id.clone()).collect();
        categories.sort();
        let per_category = categories.iter().map(|_| Int32Builder::new()).collect();
        Columns {
            categories,
            scan,
            app_id: LargeStringBuilder::new(),
            failed: Int32Builder::new(),
            inconclusive: Int32Builder::new(),
            risk: Float64Builder::new(),
            risk_upper: Float64Builder::new(),
            per_category,
            report: LargeStringBuilder::new(),
            error: LargeStringBuilder::new(),
        }
    }

    /// The schema of the batch (see `Engine.evaluate_arrow`).
    fn schema(&self) -> Schema {
        let mut fields = Vec::new();
        if self.scan {
            fields.push(Field::new("path", STRING, true));
        }
        fields.push(Field::new("app_id", STRING, true));
        fields.push(Field::new("failed", DataType::Int32, true));
        fields.push(Field::new("inconclusive", DataType::Int32, true));
        fields.push(Field::new("risk", DataType::Float64, true));
        fields.push(Field::new("risk_upper", DataType::Float64, true));
        for category in &self.categories {
            fields.push(Field::new(format!("failed_{category}"), DataType::Int32, true));
        }
        if self.scan {
            fields.push(Field::new("evidence", STRING, true));
            fields.push(Field::new("warnings", DataType::List(Arc::new(Field::new_list_field(STRING, true))), true));
        }
        fields.push(Field::new("report", STRING, true));
        fields.push(Field::new("error", STRING, true));
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
        self.report = LargeStringBuilder::with_capacity(rows.len(), bytes);
        for row in rows {
            self.push(row);
        }
        let schema = Arc::new(self.schema());
        let mut columns: Vec<ArrayRef> = Vec::new();
        if let Some(ScanColumns { paths, .. }) = scan {
            let mut path = LargeStringBuilder::new();
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
        if let Some(ScanColumns { scans, .. }) = scan {
            let mut evidence = LargeStringBuilder::new();
            let mut warnings = ListBuilder::new(LargeStringBuilder::new());
            for scan in scans {
                evidence.append_option(scan.evidence.as_deref());
                match &scan.warnings {
                    Some(list) => warnings.append_value(list.iter().map(Some)),
                    None => warnings.append_null(),
                }
            }
            columns.push(Arc::new(evidence.finish()));
            columns.push(Arc::new(warnings.finish()));
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
