//! `adb shell dumpsys package PKG`: the permissions the app requested and those it was granted.
//!
//! The dump has a `Packages:` section with one `Package [NAME] (HASH):` block per package; inside it
//! `requested permissions:` (one name per line, sometimes with `: restricted=true`), `install
//! permissions:` (`NAME: granted=true`) and, under each `User N:` line, `runtime permissions:`
//! (`NAME: granted=false, flags=[ USER_SET|… ]`). Blocks end where the indentation goes back.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::json;

use crate::Options;
use crate::archive::read_text;
use crate::error::ExtractError;
use crate::evidence::{AppInfo, Kind, Partial};
use crate::whole_device::{several_apps, some_apps};

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Requested,
    Install,
    Runtime,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `NAME: granted=true, flags=[…]` → (`NAME`, `Some(true)`); a bare `NAME` → (`NAME`, `None`).
fn permission_line(line: &str) -> Result<(&str, Option<bool>), String> {
    let (name, rest) = match line.split_once(':') {
        Some((name, rest)) => (name.trim(), rest),
        None => (line.trim(), ""),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("not a permission line: `{}`", line.trim()));
    }
    let granted = rest.split([',', ' ']).find_map(|part| part.trim().strip_prefix("granted="));
    let granted = match granted {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => return Err(format!("`granted={other}` is neither true nor false")),
    };
    Ok((name, granted))
}

/// Reads a package dump, keeping the block of `app_id`, or of the only package when `app_id` is `None`:
/// a dump of several packages without `app_id` is an error, as is a dump without the app (it was asked
/// for one package).
///
/// Requested permissions become `permission {name, source: "manifest"}` (the manifest's
/// `uses-permission` list as the package manager parsed it); install permissions `permission {name,
/// source: "install", granted}`; runtime permissions `permission {name, source: "runtime", granted}`,
/// once per user. `collected` is `permission`. The app's `versionName` is kept.
pub fn read_package_dump(text: &str, source: &str, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    if !text.lines().any(|line| line.trim().starts_with("Package [")) {
        return Err(ExtractError::new(
            source,
            "line 1: not a package dump (no `Package [NAME]` block; expected `adb shell dumpsys package PKG` output)",
        ));
    }
    let packages = package_names(text);
    let target = match (app_id, packages.len()) {
        (Some(id), _) => id.to_owned(),
        (None, 1) => packages.iter().next().cloned().unwrap_or_default(),
        // Only unclosed `Package [` lines: the loop below says where.
        (None, 0) => String::new(),
        (None, _) => return Err(several_apps(source, "package dump", &packages)),
    };
    let mut partial = Partial::new(source, &[Kind::Permission]);
    // (indent of the `Package [...]` line) while inside the app's block.
    let mut block: Option<usize> = None;
    let mut list: Option<(List, usize)> = None;
    let mut found = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let depth = indent(line);
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("Package [") {
            let Some(close) = rest.find(']') else {
                return Err(ExtractError::new(source, format!("line {number}: unclosed `[` in `{trimmed}`")));
            };
            let name = rest.get(..close).unwrap_or_default().to_owned();
            block = None;
            list = None;
            if name == target && !found {
                found = true;
                block = Some(depth);
                partial.app = AppInfo { id: Some(name), platform: Some("android"), ..AppInfo::default() };
            }
            continue;
        }
        let Some(block_depth) = block else { continue };
        if depth <= block_depth {
            block = None;
            list = None;
            continue;
        }
        if let Some((kind, list_depth)) = list
            && depth > list_depth
        {
            let (name, granted) =
                permission_line(trimmed).map_err(|e| ExtractError::new(source, format!("line {number}: {e}")))?;
            let fact = match (kind, granted) {
                (List::Requested, _) => json!({ "name": name, "source": "manifest" }),
                (List::Install, Some(g)) => json!({ "name": name, "source": "install", "granted": g }),
                (List::Runtime, Some(g)) => json!({ "name": name, "source": "runtime", "granted": g }),
                (_, None) => {
                    return Err(ExtractError::new(
                        source,
                        format!("line {number}: `{trimmed}` has no `granted=` in a granted-permission list"),
                    ));
                }
            };
            partial.push(Kind::Permission, fact);
            continue;
        }
        list = match trimmed {
            "requested permissions:" => Some((List::Requested, depth)),
            "install permissions:" => Some((List::Install, depth)),
            "runtime permissions:" => Some((List::Runtime, depth)),
            _ => None,
        };
        if let Some(version) = trimmed.strip_prefix("versionName=")
            && partial.app.version.is_none()
        {
            partial.app.version = Some(version.to_owned());
        }
    }
    if !found {
        return Err(ExtractError::new(
            source,
            format!("no package `{target}` in this dump (it names {})", some_apps(&packages)),
        ));
    }
    Ok(partial)
}

/// The names of the `Package [NAME]` blocks of a dump.
fn package_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("Package [")?.split_once(']').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Reads the package dump at `path` (see [`read_package_dump`]).
pub fn extract_package_dump(path: &Path, options: &Options, app_id: Option<&str>) -> Result<Partial, ExtractError> {
    let text = read_text(path, options.limits.max_small_file)?;
    read_package_dump(&text, &path.display().to_string(), app_id)
}
