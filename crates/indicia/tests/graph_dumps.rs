//! Golden graph dumps: for each `tests/graph/N.ind`, the compiled program's [`Program::dump`]
//! must equal `tests/graph/N.graph`, reviewed as text (sharing, folding, column groups, nested
//! scans). After an intended change, rewrite the files with `BLESS=1 cargo test -p indicia --test
//! graph_dumps` and review the diff.
//!
//! [`Program::dump`]: indicia::compile::Program::dump

#[cfg(test)]
mod support {
    use std::path::{Path, PathBuf};

    use indicia::compile::compile;
    use indicia::hir::ParamValues;
    use indicia::load::{check_pack, load_sources};

    pub fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/graph")
    }

    /// Every `.ind` of the folder, sorted.
    pub fn packs() -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ind"))
            .collect();
        out.sort();
        out
    }

    /// The dump of the program compiled from the pack at `path`, with default params.
    pub fn dump(path: &Path) -> String {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let pack = check_pack(load_sources("graph", vec![(name.clone(), text)]))
            .unwrap_or_else(|f| panic!("{name} does not check: {:?}", f.diagnostics));
        compile(&pack, &ParamValues::defaults(&pack)).unwrap().dump()
    }
}

#[test]
fn graph_dumps_match_their_golden_files() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let packs = support::packs();
    assert!(packs.len() >= 3, "expected the golden packs under {}", support::dir().display());
    let mut stale = Vec::new();
    for pack in &packs {
        let actual = support::dump(pack);
        let golden = pack.with_extension("graph");
        if bless {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            eprintln!("--- {} (expected)\n{expected}\n+++ actual\n{actual}", golden.display());
            stale.push(golden.display().to_string());
        }
    }
    assert!(stale.is_empty(), "graph dumps differ (BLESS=1 rewrites them): {stale:?}");
}
