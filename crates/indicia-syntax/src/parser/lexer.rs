//! Step zero of parsing: rule text to tokens, on demand.
//!
//! The lexer never fails. A run of characters that cannot start a token becomes one
//! [`TokKind::Unknown`] token (the parser reports it where it finds it), and a string without its
//! closing quote ends at the line break or the end of the file, flagged so that the parser can
//! report it when it reads the string. Values (escapes, numbers) are decoded by the parser, only
//! for the tokens it reads, so that a region skipped during error recovery costs no diagnostics.
//! Comments are collected as they are passed.
//!
//! The token recognisers are nom combinators over `&str`; positions are byte offsets.

use nom::{
    IResult, Parser,
    bytes::complete::{take_till, take_while},
    character::complete::{char, satisfy},
    combinator::{opt, recognize},
    sequence::pair,
};

use crate::ast::Comment;
use crate::span::{FileId, Span};

/// A reserved word: the language's one table of them, [`crate::ast::Keyword`].
pub(crate) use crate::ast::Keyword as Kw;

/// How a string token ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StrEnd {
    /// With its closing quote.
    Closed,
    /// At a raw line break (not included in the token).
    LineBreak,
    /// At the end of the file.
    Eof,
}

/// The kinds of token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    Ident,
    Kw(Kw),
    /// A string; `escapes` when it holds a backslash.
    Str {
        escapes: bool,
        end: StrEnd,
    },
    Int,
    Float,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    Comma,
    Dot,
    Assign,
    Question,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    /// A run of characters that start no token.
    Unknown,
    Eof,
}

/// One token: its kind, its byte range, and where it stands on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: u32,
    pub end: u32,
    /// Only whitespace and comments precede it on its line (or it starts the file).
    pub line_start: bool,
    /// It starts in the first column.
    pub col1: bool,
}

impl Tok {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Produces tokens one at a time.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    file: FileId,
    /// Every comment passed so far.
    pub comments: Vec<Comment>,
}

type R<'a, T> = IResult<&'a str, T>;

fn comment(i: &str) -> R<'_, &str> {
    recognize(pair(char('#'), take_till(|c| c == '\n'))).parse(i)
}

fn digits(i: &str) -> R<'_, &str> {
    recognize(pair(satisfy(|c| c.is_ascii_digit()), take_while(|c: char| c.is_ascii_digit() || c == '_'))).parse(i)
}

/// `-?[0-9][0-9_]*` with an optional `\.[0-9][0-9_]*`; the flag tells a float.
fn number(i: &str) -> R<'_, (&str, bool)> {
    let (rest, (int_part, frac)) =
        pair(recognize(pair(opt(char('-')), digits)), opt(recognize(pair(char('.'), digits)))).parse(i)?;
    let len = int_part.len() + frac.map_or(0, str::len);
    Ok((rest, (i.get(..len).unwrap_or(i), frac.is_some())))
}

/// True for a character that can start a token or separate tokens.
fn starts_something(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '"'
                | '#'
                | ' '
                | '\t'
                | '\r'
                | '\n'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | ':'
                | ','
                | '.'
                | '='
                | '?'
                | '<'
                | '>'
                | '!'
                | '-'
        )
}

impl<'a> Lexer<'a> {
    pub fn new(file: FileId, text: &'a str) -> Lexer<'a> {
        Lexer { text, pos: 0, file, comments: Vec::new() }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Skips whitespace and comments; true when a line break was passed.
    fn skip_trivia(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let mut newline = false;
        loop {
            match bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                // A byte-order mark at the start of the file is whitespace.
                Some(0xEF) if self.pos == 0 && self.text.starts_with('\u{feff}') => self.pos += 3,
                Some(b'\n') => {
                    newline = true;
                    self.pos += 1;
                }
                Some(b'#') => {
                    let rest = self.rest();
                    let Ok((after, text)) = comment(rest) else { return newline };
                    let start = self.pos;
                    let text = text.strip_suffix('\r').unwrap_or(text);
                    self.comments.push(Comment {
                        text: text.to_string(),
                        span: Span::new(self.file, start, start + text.len()),
                    });
                    self.pos += rest.len() - after.len();
                }
                _ => return newline,
            }
        }
    }

    /// The next token; [`TokKind::Eof`] forever once the text is used up.
    pub fn next_token(&mut self) -> Tok {
        let newline = self.skip_trivia() || self.pos == 0;
        let start = self.pos;
        let col1 = start == 0 || self.text.as_bytes().get(start.wrapping_sub(1)) == Some(&b'\n');
        let line_start = newline || start == 0;
        let rest = self.rest();
        let (kind, len) = self.scan(rest);
        self.pos = (start + len).min(self.text.len());
        Tok { kind, start: clamp(start), end: clamp(self.pos), line_start, col1 }
    }

    fn scan(&self, rest: &'a str) -> (TokKind, usize) {
        let bytes = rest.as_bytes();
        let Some(&first) = bytes.first() else { return (TokKind::Eof, 0) };
        let second = bytes.get(1).copied();
        match first {
            b'"' => scan_string(bytes),
            b'0'..=b'9' | b'-' if first != b'-' || second.is_some_and(|b| b.is_ascii_digit()) => match number(rest) {
                Ok((after, (_, is_float))) => {
                    (if is_float { TokKind::Float } else { TokKind::Int }, rest.len() - after.len())
                }
                Err(_) => (TokKind::Unknown, 1),
            },
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let len = bytes.iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).unwrap_or(bytes.len());
                let word = rest.get(..len).unwrap_or("");
                (Kw::from_word(word).map_or(TokKind::Ident, TokKind::Kw), len)
            }
            b'=' if second == Some(b'=') => (TokKind::EqEq, 2),
            b'!' if second == Some(b'=') => (TokKind::NotEq, 2),
            b'<' if second == Some(b'=') => (TokKind::Le, 2),
            b'>' if second == Some(b'=') => (TokKind::Ge, 2),
            b'{' => (TokKind::LBrace, 1),
            b'}' => (TokKind::RBrace, 1),
            b'[' => (TokKind::LBracket, 1),
            b']' => (TokKind::RBracket, 1),
            b'(' => (TokKind::LParen, 1),
            b')' => (TokKind::RParen, 1),
            b':' => (TokKind::Colon, 1),
            b',' => (TokKind::Comma, 1),
            b'.' => (TokKind::Dot, 1),
            b'=' => (TokKind::Assign, 1),
            b'?' => (TokKind::Question, 1),
            b'<' => (TokKind::Lt, 1),
            b'>' => (TokKind::Gt, 1),
            _ => (TokKind::Unknown, unknown_run(rest)),
        }
    }
}

/// Length of a run of characters that start no token (at least the first character).
fn unknown_run(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else { return 0 };
    chars.find(|&(_, c)| starts_something(c)).map_or(rest.len(), |(i, _)| i).max(first.len_utf8())
}

/// A string from its opening quote: ends after the closing quote, or before a raw line break, or
/// at the end of the text. A backslash escapes the next character unless that is a line break.
fn scan_string(bytes: &[u8]) -> (TokKind, usize) {
    let mut escapes = false;
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return (TokKind::Str { escapes, end: StrEnd::Closed }, i + 1),
            b'\n' | b'\r' => return (TokKind::Str { escapes, end: StrEnd::LineBreak }, i),
            b'\\' => {
                escapes = true;
                match bytes.get(i + 1) {
                    Some(b'\n' | b'\r') | None => i += 1,
                    Some(_) => i += 2,
                }
            }
            _ => i += 1,
        }
    }
    (TokKind::Str { escapes, end: StrEnd::Eof }, bytes.len())
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokKind> {
        let mut lx = Lexer::new(FileId(0), text);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            if t.kind == TokKind::Eof {
                return out;
            }
            out.push(t.kind);
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("1 -2 3_000 1.5 -0.25 1. 1_.2_"),
            vec![
                TokKind::Int,
                TokKind::Int,
                TokKind::Int,
                TokKind::Float,
                TokKind::Float,
                TokKind::Int,
                TokKind::Dot,
                TokKind::Float
            ]
        );
        assert_eq!(kinds("- x"), vec![TokKind::Unknown, TokKind::Ident]);
    }

    #[test]
    fn punctuation_and_words() {
        assert_eq!(
            kinds("a==b!=c<=d>=e<f>g=h?:,.{}[]()"),
            vec![
                TokKind::Ident,
                TokKind::EqEq,
                TokKind::Ident,
                TokKind::NotEq,
                TokKind::Ident,
                TokKind::Le,
                TokKind::Ident,
                TokKind::Ge,
                TokKind::Ident,
                TokKind::Lt,
                TokKind::Ident,
                TokKind::Gt,
                TokKind::Ident,
                TokKind::Assign,
                TokKind::Ident,
                TokKind::Question,
                TokKind::Colon,
                TokKind::Comma,
                TokKind::Dot,
                TokKind::LBrace,
                TokKind::RBrace,
                TokKind::LBracket,
                TokKind::RBracket,
                TokKind::LParen,
                TokKind::RParen,
            ]
        );
        assert_eq!(
            kinds("not in where _x"),
            vec![TokKind::Kw(Kw::Not), TokKind::Kw(Kw::In), TokKind::Kw(Kw::Where), TokKind::Ident]
        );
        assert_eq!(kinds("$%& é !"), vec![TokKind::Unknown, TokKind::Unknown, TokKind::Unknown]);
    }

    #[test]
    fn strings_end_at_quote_line_break_or_eof() {
        let closed = TokKind::Str { escapes: true, end: StrEnd::Closed };
        assert_eq!(kinds(r#""a\"b""#), vec![closed]);
        assert_eq!(kinds("\"ab\ncd"), vec![TokKind::Str { escapes: false, end: StrEnd::LineBreak }, TokKind::Ident]);
        assert_eq!(kinds("\"ab\\\ncd"), vec![TokKind::Str { escapes: true, end: StrEnd::LineBreak }, TokKind::Ident]);
        assert_eq!(kinds("\"ab"), vec![TokKind::Str { escapes: false, end: StrEnd::Eof }]);
    }

    #[test]
    fn comments_and_line_starts() {
        let mut lx = Lexer::new(FileId(0), "a # one\r\n  b c\n#two");
        let a = lx.next_token();
        let b = lx.next_token();
        let c = lx.next_token();
        assert!(a.line_start && a.col1);
        assert!(b.line_start && !b.col1);
        assert!(!c.line_start);
        assert_eq!(lx.next_token().kind, TokKind::Eof);
        let texts: Vec<_> = lx.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["# one", "#two"]);
        assert_eq!(lx.comments.first().map(|c| c.span.range()), Some(2..7));
    }
}
