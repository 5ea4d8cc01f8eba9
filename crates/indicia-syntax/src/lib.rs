//! The indicia rule language's front end.
//!
//! - Step one, [`parser`]: rule text to an [`ast::File`], recovering at the next top-level
//!   declaration so that one run reports every error; parsing never fails, it returns the tree and
//!   its diagnostics.
//! - Step two, [`fmt`]: an AST back to canonical text, comments kept.
//! - [`diagnostic`] and [`render`]: problems as data, and their rustc-style and JSON renderings.
//! - [`span`]: source files, spans, and line/column lookup.
//! - [`text`]: rule text from bytes, with an error at the first byte that is not UTF-8.
//!
//! Name resolution and type checking live in the `indicia` crate, which owns the fact schema.

pub mod ast;
pub mod diagnostic;
pub mod fmt;
pub mod parser;
pub mod render;
pub mod span;
pub mod text;

pub use diagnostic::{Diagnostic, Severity};
pub use span::{FileId, SourceFile, SourceMap, Span};
