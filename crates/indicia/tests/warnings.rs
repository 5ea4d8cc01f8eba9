//! One case directory per warning code under `tests/warnings/` (`W0101-unused-define/`…): its pack
//! checks without error, and its warnings, rendered as `indicia check` prints them, are exactly
//! `expected.stderr`, every one with the code the directory is named after. `silenced/` shows the
//! silencing comments: no warning. Every code of `check::lint::WARNINGS` has its case.
//! `BLESS=1` rewrites the golden files.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use indicia::check::lint::WARNINGS;
    use indicia::load::{check_pack, load_path};
    use indicia_syntax::render::render_human;

    fn cases() -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> =
            std::fs::read_dir("tests/warnings").unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
        dirs.sort();
        dirs
    }

    #[test]
    fn every_case_renders_its_expected_warnings() {
        let bless = std::env::var_os("BLESS").is_some();
        let mut failures = Vec::new();
        for dir in cases() {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let pack = check_pack(load_path(&dir).unwrap())
                .unwrap_or_else(|f| panic!("{name}: {}", render_human(&f.sources, &f.diagnostics)));
            let code = name.split('-').next().unwrap();
            for w in &pack.warnings {
                if name == "silenced" {
                    continue;
                }
                assert_eq!(w.code, Some(code), "{name}: {w:?}");
            }
            let got = render_human(&pack.sources, &pack.warnings);
            let golden = dir.join("expected.stderr");
            if bless {
                std::fs::write(&golden, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&golden).unwrap_or_default();
            if got != want {
                failures.push(format!("{}:\n--- want\n{want}--- got\n{got}", golden.display()));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_code_has_a_case_and_the_silenced_case_is_silent() {
        let names: Vec<String> =
            cases().iter().map(|d| d.file_name().unwrap().to_string_lossy().into_owned()).collect();
        for (code, name, _) in WARNINGS {
            assert!(names.contains(&format!("{code}-{name}")), "no case directory `{code}-{name}`");
        }
        let silenced = check_pack(load_path(Path::new("tests/warnings/silenced")).unwrap()).unwrap();
        assert!(silenced.warnings.is_empty(), "{:?}", silenced.warnings);
    }
}
