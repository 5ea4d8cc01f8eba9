//! The standard mobile schema (docs/evidence.md), from its one source: `rules/tw-mabis-v4/schema.ind`,
//! the built-in pack's schema file. The generators declare it at the top of every generated pack;
//! `crates/indicia-extract/tests/schema.rs` checks the extractors' kinds and fields against it.

/// The `fact` declarations of the standard mobile schema, as the text of `rules/tw-mabis-v4/schema.ind`.
pub const MOBILE_SCHEMA: &str = include_str!("../../../rules/tw-mabis-v4/schema.ind");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_the_built_in_packs_schema_file() {
        let embedded = indicia::builtin::files()
            .iter()
            .find(|(path, _)| *path == "rules/tw-mabis-v4/schema.ind")
            .map(|(_, bytes)| *bytes);
        assert_eq!(embedded, Some(MOBILE_SCHEMA.as_bytes()));
    }
}
