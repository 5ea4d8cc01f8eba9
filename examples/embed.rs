//! A scanner embedding indicia: build the engine once, score many apps on several threads.
//!
//! Run with `cargo run --example embed -- examples/evidence/*.json` (no arguments: the bundled
//! example evidence).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Built once; immutable, Send + Sync, cheap to clone. `Engine::from_path("rules/x")` loads a
    // pack of your own.
    let engine = indicia::Engine::builtin();

    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/evidence");
        paths = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
    }

    // One thread per app; every thread shares the same engine.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .map(|path| {
                let engine = &engine;
                scope.spawn(move || {
                    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
                    engine.evaluate_json(&bytes).map_err(|e| e.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into()))).collect()
    });

    for (path, result) in paths.iter().zip(results) {
        match result {
            Ok(report) => {
                println!(
                    "{}: failed {}/{}, risk {} (up to {})",
                    report.app_id(),
                    report.summary.failed,
                    report.summary.total,
                    report.summary.risk,
                    report.summary.risk_upper
                );
                for indicator in report.failed() {
                    let facts: Vec<String> =
                        indicator.witnesses.iter().map(|w| format!("{}[{}]", w.kind, w.index)).collect();
                    println!("  {} {} <- {}", indicator.id, indicator.title, facts.join(", "));
                }
            }
            Err(error) => eprintln!("{}: rejected: {error}", path.display()),
        }
    }
    Ok(())
}
