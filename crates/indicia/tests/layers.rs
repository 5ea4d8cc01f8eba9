//! The engine's modules import one way along the pipeline (docs/ARCHITECTURE.md, "The engine
//! crate's modules"): a module may name a module of its own layer or an earlier one, never a later
//! one. Unit tests (`#[cfg(test)]` blocks and `tests.rs` files) are exempt: they may build a
//! whole engine to test one stage.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The layers, in pipeline order.
    const LAYERS: &[&[&str]] = &[
        // `limits`: the size limits on inputs, read by the loader and the engine; it imports nothing.
        // `reuse`: per-thread buffers lent by `eval` and the engine; it imports nothing either.
        &["hir", "limits", "reuse"],
        // `policy::lower` rewrites a policy's syntax tree before the check: a front-end pass.
        &["check", "load", "params", "policy::lower"],
        &["compile"],
        &["evidence"],
        &["eval", "outcome", "profile"],
        &["report"],
        &["engine", "builtin", "testing", "coverage", "policy"],
    ];

    /// The layer of `module` (`a` or `a::b`; a listed `a::b` overrides its parent `a`).
    fn layer(module: &str) -> Option<usize> {
        let find = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
        find(module).or_else(|| find(module.split("::").next().unwrap_or(module)))
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }

    /// The module a source file belongs to: `compile` for `compile/fold.rs`, `policy::lower` for
    /// `policy/lower.rs` (two levels, so that a listed submodule is found).
    fn owner(src: &Path, file: &Path) -> Option<String> {
        let rel = file.strip_prefix(src).ok()?;
        let parts: Vec<&str> =
            rel.components().filter_map(|c| c.as_os_str().to_str()).map(|c| c.trim_end_matches(".rs")).collect();
        Some(parts.iter().take(2).copied().filter(|p| *p != "mod").collect::<Vec<_>>().join("::"))
    }

    /// The crate modules a piece of code names as `crate::NAME`.
    fn named_modules(code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let bare = after.strip_prefix("r#").unwrap_or(after);
            let word =
                |t: &str| -> String { t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
            let mut name = word(bare);
            // A second segment (`crate::policy::lower::f`), for submodules listed on their own.
            if let Some(next) = bare.get(name.len()..).and_then(|t| t.strip_prefix("::")) {
                let second = word(next);
                if !second.is_empty() && LAYERS.iter().any(|l| l.contains(&format!("{name}::{second}").as_str())) {
                    name = format!("{name}::{second}");
                }
            }
            if name.is_empty() {
                // `use crate::{a, b}`: every name in the braces.
                if let Some(inner) = after.strip_prefix('{').and_then(|s| s.split('}').next()) {
                    for part in inner.split(',') {
                        let n: String =
                            part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                        if !n.is_empty() {
                            out.push(n);
                        }
                    }
                }
            } else {
                out.push(name);
            }
            rest = after;
        }
        out
    }

    #[test]
    fn modules_import_along_the_pipeline_only() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files.sort();
        let mut wrong = Vec::new();
        let mut seen = 0;
        for file in &files {
            let Some(module) = owner(&src, file) else { continue };
            if module == "lib" || file.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let Some(own) = layer(&module) else {
                panic!("{}: module `{module}` is in no layer of this test", file.display());
            };
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (number, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for named in named_modules(line) {
                    seen += 1;
                    match layer(&named) {
                        Some(l) if l > own => {
                            wrong.push(format!(
                                "{}:{}: `{module}` imports later `{named}`",
                                file.display(),
                                number + 1
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found only {seen} crate paths: is it reading the sources?");
        assert!(wrong.is_empty(), "imports against the pipeline:\n{}", wrong.join("\n"));
    }

    #[test]
    fn the_scan_sees_braced_and_plain_paths() {
        assert_eq!(named_modules("use crate::{hir, eval::X};"), vec!["hir", "eval"]);
        assert_eq!(named_modules("let x = crate::report::f(crate::r#gen::g());"), vec!["report", "gen"]);
        assert_eq!(named_modules("crate::policy::lower::is_policy(crate::policy::X)"), vec!["policy::lower", "policy"]);
        assert_eq!(layer("policy::lower"), Some(1));
        assert_eq!(layer("compile::fold"), Some(2));
    }
}
