//! The indicia engine: load and check a rule pack, compile it into one evaluation graph, read
//! evidence, evaluate, score and report.
//!
//! ```text
//! source ──parse──▶ ast ──check──▶ hir::Pack ──graph──▶ Program
//! evidence JSON ──evidence::read──▶ Evidence ──eval──▶ Outcomes ──report──▶ Report
//! ```
//!
//! Most users need only [`Engine`] and [`Report`]; the modules are public for tools that want
//! the stages one by one.

pub mod builtin;
pub mod check;
pub mod compile;
pub mod coverage;
pub mod engine;
pub mod eval;
pub mod evidence;
pub mod hir;
pub mod limits;
pub mod load;
pub mod outcome;
pub mod params;
pub mod policy;
pub mod profile;
pub mod report;
mod reuse;
pub mod testing;

pub use check::CheckFailure;
pub use compile::CompileError;
pub use engine::{Engine, EngineError};
pub use evidence::{Evidence, EvidenceError};
/// The diagnostics of a check failure, re-exported so that an embedder renders them without
/// depending on `indicia-syntax` itself.
pub use indicia_syntax::{Diagnostic, Severity, SourceMap, Span, render};
pub use report::Report;
