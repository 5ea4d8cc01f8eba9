//! Why an evidence object was rejected: [`EvidenceError`], one case per kind of problem, each with
//! the JSON path of the first violation and a stable code (`docs/evidence.md` lists them).

use std::fmt;

/// Why an evidence object was rejected. Each case holds the JSON path of the first violation
/// (`facts.flow[3].port`; empty for the document itself) and has a stable [`code`](Self::code).
/// `Display` is one diagnostic line, `path: what was wrong`, e.g.
/// `facts.flow[3].port: expected int, found string "443"`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// `V0001`: the input is empty or white space only.
    #[error("{0}")]
    Empty(Empty),
    /// `V0002`: the text is not one JSON object (a syntax error, invalid UTF-8, a lone surrogate,
    /// trailing data).
    #[error("{0}")]
    InvalidJson(Rejected),
    /// `V0003`: a value of the wrong type, e.g. a string where an int is declared.
    #[error("{0}")]
    WrongType(Rejected),
    /// `V0004`: a number outside the range of its type (an int beyond 64 bits, a float that
    /// overflows).
    #[error("{0}")]
    OutOfRange(Rejected),
    /// `V0005`: a member given twice in one object.
    #[error("{0}")]
    Duplicate(Rejected),
    /// `V0006`: a required member or field is missing.
    #[error("{0}")]
    Missing(Rejected),
    /// `V0007`: the object exceeds a limit (nesting depth, distinct strings, list elements).
    #[error("{0}")]
    TooLarge(Rejected),
    /// `V0008`: there is no evidence to read: an embedder could not obtain it (a null input, an
    /// app that could not be extracted). The reader itself never gives it.
    #[error("{0}")]
    Unavailable(Rejected),
    /// `V0900`: an internal error of the reader or its caller (a bug, never the input's fault).
    #[error("{0}")]
    Internal(Rejected),
}

/// An empty input (`V0001`): nothing to read, so no path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Empty;

impl fmt::Display for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("empty input: expected one JSON object")
    }
}

/// Where an object was rejected and what was wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The JSON path, e.g. `facts.flow[3].port`; empty for the document itself.
    pub path: String,
    /// What was wrong, e.g. `expected int, found string "443"`.
    pub detail: String,
}

impl Rejected {
    /// `detail` at `path`.
    pub fn new(path: impl Into<String>, detail: impl Into<String>) -> Rejected {
        Rejected { path: path.into(), detail: detail.into() }
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { f.write_str(&self.detail) } else { write!(f, "{}: {}", self.path, self.detail) }
    }
}

impl EvidenceError {
    /// The stable code of this kind of rejection, e.g. `V0003` for a wrong type.
    pub fn code(&self) -> &'static str {
        match self {
            EvidenceError::Empty(_) => "V0001",
            EvidenceError::InvalidJson(_) => "V0002",
            EvidenceError::WrongType(_) => "V0003",
            EvidenceError::OutOfRange(_) => "V0004",
            EvidenceError::Duplicate(_) => "V0005",
            EvidenceError::Missing(_) => "V0006",
            EvidenceError::TooLarge(_) => "V0007",
            EvidenceError::Unavailable(_) => "V0008",
            EvidenceError::Internal(_) => "V0900",
        }
    }

    /// The JSON path of the violation; empty for the document itself.
    pub fn path(&self) -> &str {
        self.rejected().map_or("", |r| r.path.as_str())
    }

    /// What was wrong, without the path, e.g. `expected int, found string "443"`.
    pub fn detail(&self) -> &str {
        match self {
            EvidenceError::Empty(_) => "empty input: expected one JSON object",
            other => other.rejected().map_or("", |r| r.detail.as_str()),
        }
    }

    fn rejected(&self) -> Option<&Rejected> {
        match self {
            EvidenceError::Empty(_) => None,
            EvidenceError::InvalidJson(r)
            | EvidenceError::WrongType(r)
            | EvidenceError::OutOfRange(r)
            | EvidenceError::Duplicate(r)
            | EvidenceError::Missing(r)
            | EvidenceError::TooLarge(r)
            | EvidenceError::Unavailable(r)
            | EvidenceError::Internal(r) => Some(r),
        }
    }
}

/// What a visitor found wrong, before the path is known: [`Problem::at`] makes the error.
#[derive(Clone, Debug)]
pub(crate) enum Problem {
    /// A value of the wrong type: the whole message, `expected int, found string "443"`.
    WrongType(String),
    /// A number outside its type's range: the whole message.
    OutOfRange(String),
    /// A member given twice.
    Duplicate,
    /// A required member of the document is missing.
    MissingMember,
    /// A required field of a fact is missing.
    MissingField,
    /// A limit was exceeded: what was too many.
    TooLarge(&'static str),
    /// A bug of the reader: what went wrong.
    Internal(&'static str),
}

impl Problem {
    /// The error of this problem at `path`.
    #[cold]
    pub(crate) fn at(self, path: String) -> EvidenceError {
        match self {
            Problem::WrongType(detail) => EvidenceError::WrongType(Rejected { path, detail }),
            Problem::OutOfRange(detail) => EvidenceError::OutOfRange(Rejected { path, detail }),
            Problem::Duplicate => EvidenceError::Duplicate(Rejected::new(path, "member given twice")),
            Problem::MissingMember => EvidenceError::Missing(Rejected::new(path, "missing required member")),
            Problem::MissingField => EvidenceError::Missing(Rejected::new(path, "required field is missing")),
            Problem::TooLarge(what) => EvidenceError::TooLarge(Rejected::new(path, what)),
            Problem::Internal(what) => EvidenceError::Internal(Rejected::new(path, format!("internal error: {what}"))),
        }
    }
}
