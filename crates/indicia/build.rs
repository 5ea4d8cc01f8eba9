//! Embeds the built-in pack (`rules/tw-mabis-v4`: rules, tests and fixtures) and the built-in
//! policy (`rules/tw-mabis-v4-policy`) into the library. Writes `$OUT_DIR/builtin_pack.rs` and
//! `$OUT_DIR/builtin_policy.rs`: sorted tables of (path relative to the repository root, bytes).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const PACK: &str = "rules/tw-mabis-v4";
const POLICY: &str = "rules/tw-mabis-v4-policy";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let root = manifest_dir.join("../..").canonicalize()?;
    embed(&root, PACK, "builtin_pack.rs", "The built-in pack's")?;
    embed(&root, POLICY, "builtin_policy.rs", "The built-in policy's")
}

/// Writes `$OUT_DIR/OUT`: the files below `root/dir` as a sorted table.
fn embed(root: &Path, dir: &str, out_name: &str, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    let pack_dir = root.join(dir);
    println!("cargo:rerun-if-changed={}", pack_dir.display());
    let mut files = Vec::new();
    if pack_dir.is_dir() {
        collect(&pack_dir, &mut files)?;
    }
    files.sort();
    let mut out = format!("/// {what} files: (path from the repository root, contents), sorted by path.\n");
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(root)?.to_string_lossy().replace('\\', "/");
        writeln!(out, "    ({relative:?}, include_bytes!({:?})),", file.display().to_string())?;
    }
    out.push_str("];\n");
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join(out_name), out)?;
    Ok(())
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
