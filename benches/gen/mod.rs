//! The generator of large, realistic rule packs over the standard mobile schema (evidence.md), for
//! benches and tests: `generate_pack(1000)` gives 1,000 indicators in about 10,000 lines.
//!
//! It now lives in the library, [`indicia::gen`](indicia::r#gen), shared with `indicia gen pack`
//! and `benches/batch.rs`; this file re-exports it, byte for byte the same output as before, so that
//! `#[path = "gen/mod.rs"] mod generator;` keeps working (`gen` is a reserved word in edition 2024).

pub use indicia::r#gen::generate_pack;
