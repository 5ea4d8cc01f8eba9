//! A generated pack of 1,000 indicators (about 10,000 lines) parses clean. Its parse time is
//! printed, not asserted; measure it with
//! `cargo test --release -p indicia-syntax --test parse_speed -- --nocapture`.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use std::fmt::Write;
use std::time::Instant;

use indicia_syntax::FileId;
use indicia_syntax::ast::Decl;
use indicia_syntax::parser::parse;

/// About ten lines per indicator, with a mix of every expression form.
fn pack(indicators: usize) -> String {
    let mut s = String::from(
        "standard gen { title: \"Generated\" version: \"1.0\" }\n\
         category c { title: \"C\" }\n\
         fact flow { host: string  country: string?  port: int?  tls: bool?  data: [string]? }\n\
         fact permission { name: string  source: string? }\n\
         const restricted = [\"CN\", \"HK\", \"MO\"]\n\
         param max: int = 5\n",
    );
    for i in 0..indicators {
        let when = match i % 4 {
            0 => format!(
                "any flow where (country in restricted and port == {i})\n        or any permission where name == \"p.{i}\""
            ),
            1 => format!(
                "count(f in flow where f.tls == false and not has f.country) >= max\n        and none permission where name like \"*.{i}\""
            ),
            2 => format!(
                "any flow where host matches \"^(ads|track){i}\\\\.\" and (not observed(permission) or unknown)"
            ),
            _ => format!(
                "any f in flow where (f.data intersects [\"contacts\", \"sms\"] and f.country not in [\"TW\", \"{i}\"])"
            ),
        };
        writeln!(
            s,
            "\n# Indicator number {i}.\nindicator \"G-{i}\" {{\n  title: \"Generated indicator {i}\"\n  category: c\n  severity: high\n  weight: {w}\n  refs: [\"R-{i}\", \"MASVS-PRIVACY-1\"]\n  when: {when}\n}}",
            w = i % 7 + 1
        )
        .unwrap();
    }
    s
}

#[test]
fn a_thousand_indicators_parse_clean_and_fast() {
    let text = pack(1000);
    let lines = text.lines().count();
    assert!(lines >= 10_000, "{lines} lines");
    let (file, diags) = parse(FileId(0), &text);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.decls.iter().filter(|d| matches!(d, Decl::Indicator(_))).count(), 1000);
    assert_eq!(file.comments.len(), 1000);
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(parse(FileId(0), std::hint::black_box(&text)));
    }
    let per = start.elapsed() / runs;
    println!("parse: {lines} lines, {} bytes, 1000 indicators: {per:?} per parse", text.len());
}
