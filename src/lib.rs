//! The workspace's root package: it owns the top-level `examples/`, `benches/` and `tests/`.
//! It has no code of its own.
