//! Tools for testing and measuring indicia, kept out of the engine crate (not published):
//!
//! - [`rng`]: the one deterministic pseudo-random sequence of the workspace's tests, benches and
//!   generators;
//! - [`generate`]: synthetic rule packs and evidence over the standard mobile schema, for the
//!   benches, the tests and `indicia gen`;
//! - [`reference`](mod@reference): a plain tree-walker over the hir, the oracle of the differential test;
//! - [`schema`]: the standard mobile schema, from its one source (`rules/tw-mabis-v4/schema.ind`).

pub mod generate;
pub mod reference;
pub mod rng;
pub mod schema;

pub use rng::Rng;
