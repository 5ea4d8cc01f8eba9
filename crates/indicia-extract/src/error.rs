//! The one error type of the extractors: which file, and what is wrong with it.

use std::path::Path;

/// An input that could not be read or understood.
///
/// Its message always names the file (or the archive member) and the problem, for example
/// `app.apk: not a zip archive (no end of central directory)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ExtractError {
    /// The file the problem is in, as given by the caller (an archive member is `archive!member`).
    pub file: String,
    /// What is wrong with it.
    pub problem: String,
}

impl ExtractError {
    /// An error about `file`.
    pub fn new(file: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { file: file.into(), problem: problem.into() }
    }

    /// An error about the file at `path`.
    pub fn at(path: &Path, problem: impl Into<String>) -> Self {
        Self::new(path.display().to_string(), problem)
    }
}

/// A problem inside a binary format, before it is tied to a file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FormatError(pub String);

impl FormatError {
    /// A format error with this message.
    pub fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}
