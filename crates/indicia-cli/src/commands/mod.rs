//! One module per subcommand.

pub mod check;
pub mod decide;
pub mod eval;
pub mod extract;
pub mod fmt;
pub mod r#gen;
pub mod graph;
pub mod lsp;
pub mod scan;
pub mod test;
