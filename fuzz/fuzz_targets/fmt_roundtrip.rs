//! The formatter round trip: text that parses without errors formats to text that parses without errors
//! to the same tree (spans aside, comments kept in order) — formatting never changes meaning — and
//! formatting that text again changes nothing.
#![no_main]

#[path = "../../crates/indicia-syntax/tests/fmt/common.rs"]
mod common;

use indicia_syntax::FileId;
use indicia_syntax::fmt::format_source;
use indicia_syntax::parser::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = format_source(FileId(0), text) else {
        return;
    };
    let (mut before, _) = parse(FileId(0), text);
    let (mut after, diagnostics) = parse(FileId(0), &formatted);
    assert!(!diagnostics.iter().any(|d| d.is_error()), "the formatted text does not parse: {diagnostics:?}\n{formatted}");
    common::erase_spans(&mut before);
    common::erase_spans(&mut after);
    for c in before.comments.iter_mut().chain(after.comments.iter_mut()) {
        c.text = c.text.trim_end().to_owned();
    }
    assert_eq!(before, after, "formatting changed the meaning:\n{formatted}");
    let again = format_source(FileId(0), &formatted).unwrap_or_default();
    assert_eq!(again, formatted, "formatting is not idempotent");
});
