//! Golden dumps, one per compiler stage: for each `tests/graph/N.ind`, its hir
//! (`indicia::check::dump`) must equal `N.hir`, its graph before folding
//! (`indicia::compile::dump_unfolded`) `N.unfolded`, and the compiled program's [`Program::dump`]
//! `N.graph`, reviewed as text (lowering, sharing, folding, column groups, nested scans). After an intended change, rewrite the files with `BLESS=1 cargo test -p indicia --test
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
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph")
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

    /// The dumps of the pack at `path`, with default params, stage by stage: (extension, text) for
    /// its hir, its graph before folding and its compiled program.
    pub fn dumps(path: &Path) -> Vec<(&'static str, String)> {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let pack = check_pack(load_sources("graph", vec![(name.clone(), text)]))
            .unwrap_or_else(|f| panic!("{name} does not check: {:?}", f.diagnostics));
        let params = ParamValues::defaults(&pack);
        vec![
            ("hir", indicia::check::dump::dump(&pack)),
            ("unfolded", indicia::compile::dump_unfolded(&pack, &params).unwrap()),
            ("graph", compile(&pack, &params).unwrap().dump()),
        ]
    }
}

#[test]
fn graph_dumps_match_their_golden_files() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let packs = support::packs();
    assert!(packs.len() >= 3, "expected the golden packs under {}", support::dir().display());
    let mut stale = Vec::new();
    for pack in &packs {
        for (extension, actual) in support::dumps(pack) {
            let golden = pack.with_extension(extension);
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
    }
    assert!(stale.is_empty(), "graph dumps differ (BLESS=1 rewrites them): {stale:?}");
}
