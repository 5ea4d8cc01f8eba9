//! `file:` URIs to paths and back. The server reads packs from the file system, so it takes
//! `file:` URIs only; a document under another scheme gets no diagnostics.

use std::path::{Path, PathBuf};

use lsp_types::Uri;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Bytes escaped in a URI path: controls, space, the characters RFC 3986 reserves for other parts of a
/// URI or does not allow in a path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The path a `file:` URI names.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///x` (empty authority) or `file://localhost/x`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    // A backslash is part of a Unix file name: escaped, not taken for a separator.
    format!("file://{}", utf8_percent_encode(text, PATH)).parse().ok()
}

/// A path as the path of a URI reference: `\\` becomes `/` (a Windows path), and the bytes a URI path
/// may not hold are percent-encoded (`apps/a b.apk` → `apps/a%20b.apk`). Used for `file:` URIs here and
/// for the artifact locations of SARIF reports.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(&path.replace('\\', "/"), PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_path("apps/a b.apk"), "apps/a%20b.apk");
        assert_eq!(encode_path("C:\\apps\\x#1.apk"), "C:/apps/x%231.apk");
        assert_eq!(encode_path("/tmp/应用.apk"), "/tmp/%E5%BA%94%E7%94%A8.apk");
    }

    #[test]
    fn round_trip_with_escapes() {
        let path = Path::new("/tmp/a pack/名前#1\\.ind");
        let uri = from_path(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20pack/%E5%90%8D%E5%89%8D%231%5C.ind");
        assert_eq!(to_path(&uri).as_deref(), Some(path));
        let other: Option<Uri> = "untitled:Untitled-1".parse().ok();
        assert!(other.is_some_and(|u| to_path(&u).is_none()));
    }
}
