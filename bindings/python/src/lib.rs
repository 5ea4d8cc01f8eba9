//! The Python package `indicia`: the native module `indicia._indicia`.
//!
//! - [`engine`]: `Engine` (build, params, pickling, scoring one object or a batch);
//! - [`batch`]: scoring many objects on all cores with the GIL released;
//! - [`report`]: `Report` and its typed parts;
//! - [`arrow`]: Arrow arrays in, `pyarrow.RecordBatch` out;
//! - [`extract`]: `indicia.extract(...)`, evidence from app files and captures;
//! - [`errors`]: the Python exceptions (declared in `indicia/_errors.py`);
//! - [`convert`]: JSON and param values to and from Python objects.

mod arrow;
mod batch;
mod convert;
mod engine;
mod errors;
mod extract;
mod input;
mod report;

use pyo3::prelude::*;

/// The allocator of the `indicia` binary, for the same batch speed (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module; `indicia/__init__.py` re-exports what users need.
#[pymodule]
fn _indicia(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::Engine>()?;
    m.add_class::<report::Report>()?;
    m.add_class::<report::Summary>()?;
    m.add_class::<report::Category>()?;
    m.add_class::<report::Indicator>()?;
    m.add_class::<report::Witness>()?;
    m.add_function(wrap_pyfunction!(extract::extract, m)?)?;
    m.add_function(wrap_pyfunction!(engine::rebuild_engine, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
