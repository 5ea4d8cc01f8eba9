//! Byte offsets and spans to LSP positions and ranges, and back.
//!
//! LSP positions are a 0-based line and a column in UTF-16 code units (the protocol's default
//! encoding, the only one every client supports); indicia's spans are byte ranges. A position
//! past the end of its line is clamped to the line's end, and one past the last line to the end
//! of the text.

use indicia_syntax::{SourceFile, Span};
use lsp_types::{Position, Range};

/// The LSP position of byte `offset` of `file` (clamped to the text).
pub fn position(file: &SourceFile, offset: usize) -> Position {
    let at = file.line_col(offset);
    let line_start = file.line_start(at.line).unwrap_or(0);
    let offset = offset.min(file.text.len());
    let before = file.text.get(line_start..offset).unwrap_or("");
    let character = before.chars().map(char::len_utf16).sum::<usize>();
    Position { line: to_u32(at.line - 1), character: to_u32(character) }
}

/// The LSP range of `span` in `file`.
pub fn range(file: &SourceFile, span: Span) -> Range {
    let start = span.start as usize;
    Range { start: position(file, start), end: position(file, (span.end as usize).max(start)) }
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = text.get(line_start..).unwrap_or("");
    let line = line.split('\n').next().unwrap_or("");
    let mut units = 0usize;
    for (i, c) in line.char_indices() {
        if units >= position.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    line_start + line.trim_end_matches('\r').len()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "ab\n\"名前😀\" x\r\nlast";
        let file = SourceFile::new("a.ind", text);
        for (i, _) in text.char_indices().filter(|&(_, c)| c != '\n') {
            let p = position(&file, i);
            assert_eq!(offset(text, p), i, "offset {i} at {p:?}");
        }
        let x = text.find('x').unwrap_or(0);
        // `"`, 名, 前 count one unit each, 😀 two, `"` and a space one each.
        assert_eq!(position(&file, x), Position { line: 1, character: 7 });
        assert_eq!(offset(text, Position { line: 1, character: 99 }), text.find('\r').unwrap_or(0));
        assert_eq!(offset(text, Position { line: 9, character: 0 }), text.len());
    }
}
