//! The indicia engine: load and check a rule pack, compile it into one evaluation graph, read
//! evidence, evaluate, score and report.
//!
//! ```text
//! source ──parse──▶ ast ──check──▶ hir::Pack ──graph──▶ Program
//! evidence JSON ──evidence::read──▶ Evidence ──eval──▶ Outcomes ──score──▶ Report
//! ```

pub mod check;
pub mod eval;
pub mod evidence;
pub mod graph;
pub mod hir;
pub mod load;
pub mod outcome;
pub mod reference;
