//! The built-in pack, `rules/tw-mabis-v4`, compiled into the library whole: rules, tests and
//! fixtures. A test proves that it checks clean and that its tests pass, so [`engine`] cannot
//! fail at run time.

use crate::engine::{Engine, EngineError};

mod files {
    include!(concat!(env!("OUT_DIR"), "/builtin_pack.rs"));
}

/// The directory of the built-in pack, relative to the repository root.
pub const PACK_DIR: &str = "rules/tw-mabis-v4";

/// Every file of the built-in pack: (path from the repository root, contents).
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    files::FILES
}

/// The `.ind` sources of the built-in pack, as (display name, text), in byte order of path.
pub fn sources() -> Vec<(String, String)> {
    files::FILES
        .iter()
        .filter(|(name, _)| name.ends_with(".ind"))
        .map(|(name, bytes)| (name.to_string(), String::from_utf8_lossy(bytes).into_owned()))
        .collect()
}

/// Builds the engine of the built-in pack, or reports why it cannot be built.
pub fn try_engine() -> Result<Engine, EngineError> {
    Engine::from_embedded("tw-mabis-v4", sources(), files::FILES)
}

impl Engine {
    /// The built-in pack (`rules/tw-mabis-v4`, compiled into the binary).
    pub fn builtin() -> Engine {
        engine()
    }
}

/// The engine of the built-in pack, built once per process and then shared.
#[expect(clippy::panic, reason = "the built-in pack is fixed at build time and a test proves it checks clean")]
pub fn engine() -> Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| match try_engine() {
            Ok(engine) => engine,
            Err(error) => panic!("the built-in pack does not build: {error}"),
        })
        .clone()
}
