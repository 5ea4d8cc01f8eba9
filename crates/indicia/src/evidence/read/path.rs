//! JSON paths and error messages: where a violation is and what was found there.

use std::fmt::{self, Write as _};

use super::Layout;
use crate::evidence::EvidenceError;
use crate::evidence::error::{Problem, Rejected};

/// One step of a JSON path.
#[derive(Clone, Debug)]
pub(super) enum Seg {
    /// A member with a fixed name (`app`, `facts`, `collected`, `id`).
    Static(&'static str),
    /// A declared fact kind, a member of `facts`.
    Kind(usize),
    /// A declared field of a fact kind.
    Field(usize, usize),
    /// Any other member.
    Key(Box<str>),
    /// An array element.
    Index(usize),
}

/// Renders a path: members joined with `.`, indices as `[i]`, and a member whose name is not an
/// identifier as `["a b"]`.
pub(super) fn render<'a>(layout: &Layout, segs: impl Iterator<Item = &'a Seg>) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Static(name) => member(&mut out, name),
            Seg::Kind(k) => member(&mut out, layout.kind_name(*k)),
            Seg::Field(k, f) => member(&mut out, layout.field_name(*k, *f)),
            Seg::Key(name) => member(&mut out, name),
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn member(out: &mut String, name: &str) {
    if is_identifier(name) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    } else {
        out.push('[');
        out.push_str(&quote(name));
        out.push(']');
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `s` as a JSON string literal.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Longest string shown whole in a message, in characters.
const SHOWN_CHARS: usize = 40;

/// A JSON value met where another was expected, for messages: `string "443"`, `number 7`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Found<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
    Array,
    Object,
}

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Found::Null => f.write_str("null"),
            Found::Bool(b) => write!(f, "boolean {b}"),
            Found::U64(n) => write!(f, "number {n}"),
            Found::I64(n) => write!(f, "number {n}"),
            Found::F64(x) => write!(f, "number {x:?}"),
            Found::Str(s) => match s.char_indices().nth(SHOWN_CHARS) {
                None => write!(f, "string {}", quote(s)),
                Some((cut, _)) => {
                    let shown = quote(s.get(..cut).unwrap_or_default());
                    let shown = shown.strip_suffix('"').unwrap_or(&shown);
                    write!(f, "string {shown}…\" ({} bytes)", s.len())
                }
            },
            Found::Array => f.write_str("array"),
            Found::Object => f.write_str("object"),
        }
    }
}

/// Turns an error of serde_json's own (not a violation the visitors recorded) into an
/// [`EvidenceError`] at the path where reading stopped.
#[cold]
pub(super) fn from_serde(err: &serde_json::Error, layout: &Layout, path: &[Seg]) -> EvidenceError {
    let (line, column) = (err.line(), err.column());
    let text = err.to_string();
    let what = text.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&text);
    let at = format!("at line {line} column {column}");
    let path = render(layout, path.iter());
    match what {
        "number out of range" => {
            EvidenceError::OutOfRange(Rejected::new(path, format!("number out of range of a 64-bit float {at}")))
        }
        "lone leading surrogate in hex escape" | "unexpected end of hex escape" => EvidenceError::InvalidJson(
            Rejected::new(path, format!("string escape is not a Unicode scalar value (lone surrogate) {at}")),
        ),
        "recursion limit exceeded" => {
            EvidenceError::TooLarge(Rejected::new(path, format!("JSON nested more than 128 levels deep {at}")))
        }
        "trailing characters" => {
            EvidenceError::InvalidJson(Rejected::new(path, format!("trailing data after the JSON object {at}")))
        }
        "invalid unicode code point" => {
            EvidenceError::InvalidJson(Rejected::new(path, format!("invalid JSON {at}: invalid UTF-8")))
        }
        _ => EvidenceError::InvalidJson(Rejected::new(path, format!("invalid JSON {at}: {what}"))),
    }
}

/// The expected type's name: `int`, `[string]`.
pub(super) fn type_name(ty: crate::hir::Type) -> String {
    if ty.list { format!("[{}]", ty.scalar.name()) } else { ty.scalar.name().to_owned() }
}

/// The message for a wrong value: `expected int, found string "443"`.
#[cold]
pub(super) fn expected(what: &str, found: Found<'_>) -> Problem {
    Problem::WrongType(format!("expected {what}, found {found}"))
}
