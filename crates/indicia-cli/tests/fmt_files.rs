//! `indicia fmt DIR` rewrites files safely: a link to an ancestor directory does not make the
//! search loop, and a linked rule file is rewritten through its link, which stays a link.
#![cfg(test)]

use std::path::PathBuf;
use std::process::Command;

const UNFORMATTED: &str =
    "category c { title: \"C\" }\nindicator \"X-1\" { title: \"x\" category: c severity: low when: true }\n";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("indicia-fmt-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fmt(path: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_indicia")).arg("fmt").arg(path).output().unwrap()
}

#[cfg(unix)]
#[test]
fn a_link_to_an_ancestor_is_not_followed_and_a_linked_file_stays_a_link() {
    let dir = scratch("links");
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub/up")).unwrap();
    let real = scratch("links-target").join("real.ind");
    std::fs::write(&real, UNFORMATTED).unwrap();
    std::fs::write(dir.join("sub/pack.ind"), UNFORMATTED).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("linked.ind")).unwrap();

    let out = fmt(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let formatted = std::fs::read_to_string(dir.join("sub/pack.ind")).unwrap();
    assert_ne!(formatted, UNFORMATTED, "the file was not formatted");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), formatted, "the link's target was not formatted");
    assert!(std::fs::symlink_metadata(dir.join("linked.ind")).unwrap().file_type().is_symlink());
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sub"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("indicia-fmt"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
