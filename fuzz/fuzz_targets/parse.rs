//! The parser: any text parses to a tree and diagnostics, never a panic; every diagnostic's span lies
//! inside the text, on character boundaries.
#![no_main]

use indicia_syntax::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_file, diagnostics) = indicia_syntax::parser::parse(FileId(0), text);
    for d in &diagnostics {
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(start <= end && end <= text.len(), "span {start}..{end} outside a text of {}", text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "span {start}..{end} splits a character");
    }
});
