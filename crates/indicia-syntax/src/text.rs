//! Rule text from bytes: a rule file is UTF-8, and one that is not is still read, with an error at its
//! first bad byte, so that `check` and `fmt` report it the same way, with a location.

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// A rule file's bytes as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text: the bytes themselves when they are UTF-8, else with each invalid sequence replaced by
    /// U+FFFD.
    pub text: String,
    /// Byte offset of the first invalid sequence, when there is one (the text before it is unchanged).
    pub first_invalid: Option<usize>,
    /// The bytes as given, kept only when they are not UTF-8 (otherwise they are `text`).
    original: Option<Vec<u8>>,
}

impl Decoded {
    /// Decodes `bytes`, without copying them when they are UTF-8.
    pub fn new(bytes: Vec<u8>) -> Decoded {
        match String::from_utf8(bytes) {
            Ok(text) => Decoded { text, first_invalid: None, original: None },
            Err(error) => {
                let first_invalid = Some(error.utf8_error().valid_up_to());
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                Decoded { text, first_invalid, original: Some(error.into_bytes()) }
            }
        }
    }

    /// The bytes as given.
    pub fn into_bytes(self) -> Vec<u8> {
        self.original.unwrap_or_else(|| self.text.into_bytes())
    }

    /// The error for a file that is not UTF-8, under the replacement character of its first bad byte;
    /// `None` for UTF-8 text.
    pub fn diagnostic(&self, file: FileId) -> Option<Diagnostic> {
        let at = self.first_invalid?;
        let span = Span::new(file, at, at + char::REPLACEMENT_CHARACTER.len_utf8());
        Some(
            Diagnostic::error("this file is not UTF-8 text", span)
                .with_code("E0001")
                .with_label("not UTF-8")
                .with_help("a rule file is UTF-8 text; save it in that encoding"),
        )
    }
}

impl From<String> for Decoded {
    fn from(text: String) -> Decoded {
        Decoded { text, first_invalid: None, original: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_byte_is_located() {
        let d = Decoded::new(b"ab\nc\xffd\xfe".to_vec());
        assert_eq!(d.first_invalid, Some(4));
        assert_eq!(d.text, "ab\nc\u{fffd}d\u{fffd}");
        let diag = d.diagnostic(FileId(0)).unwrap();
        assert_eq!((diag.span.start, diag.span.end), (4, 7));
        assert_eq!(d.text.get(4..7), Some("\u{fffd}"));
        let ok = Decoded::new(b"fine".to_vec());
        assert_eq!((ok.text.as_str(), ok.first_invalid), ("fine", None));
        assert!(ok.diagnostic(FileId(0)).is_none());
        assert_eq!(ok.into_bytes(), b"fine");
        assert_eq!(d.into_bytes(), b"ab\nc\xffd\xfe");
    }
}
