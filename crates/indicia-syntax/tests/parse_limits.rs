//! Hostile input: deep nesting gives one diagnostic instead of a stack overflow (these tests run
//! on the default 2 MB test thread, in whatever profile the suite is built with), and 10 MB of
//! garbage gets a bounded number of diagnostics.
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

use indicia_syntax::ast::Decl;
use indicia_syntax::parser::{MAX_DIAGNOSTICS, MAX_NESTING, parse};
use indicia_syntax::{FileId, SourceMap, render};

/// Parses `text` as one define followed by a good const; the define must fail with exactly one
/// "nesting too deep" error and the const must still parse.
fn one_nesting_error(body: &str) {
    let text = format!("define d = {body}\nconst after = 1\n");
    let (file, diags) = parse(FileId(0), &text);
    assert_eq!(diags.len(), 1, "{:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert_eq!(diags[0].message, "expression nested too deeply");
    assert!(matches!(&file.decls[0], Decl::Broken(b) if b.name.as_ref().unwrap().name == "d"));
    assert!(matches!(&file.decls[1], Decl::Const(c) if c.name.name == "after"));
}

#[test]
fn a_hundred_thousand_parentheses() {
    let n = 100_000;
    one_nesting_error(&format!("{}x{}", "(".repeat(n), ")".repeat(n)));
    // Unbalanced, too.
    one_nesting_error(&"(".repeat(n));
}

#[test]
fn a_hundred_thousand_nots() {
    one_nesting_error(&format!("{}x", "not ".repeat(100_000)));
}

#[test]
fn a_hundred_thousand_nested_quantifiers_and_counts() {
    one_nesting_error(&format!("{}x", "any f where ".repeat(100_000)));
    one_nesting_error(&format!("{}x{}", "count(f where ".repeat(100_000), ")".repeat(100_000)));
    one_nesting_error(&format!("{}x", "not (any f where ".repeat(50_000)));
}

#[test]
fn a_hundred_thousand_operators_in_a_chain() {
    one_nesting_error(&vec!["x"; 100_000].join(" or "));
    one_nesting_error(&vec!["x == 1"; 100_000].join(" and "));
}

#[test]
fn nested_lists_do_not_recurse() {
    let text = format!("const xs = {}\nconst after = 1\n", "[".repeat(100_000));
    let (file, diags) = parse(FileId(0), &text);
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.starts_with("a list takes literals only"));
    assert_eq!(file.decls.len(), 2);
}

#[test]
fn just_under_the_limit_is_fine() {
    let n = MAX_NESTING - 1;
    let text = format!("define d = {}x{}\n", "(".repeat(n), ")".repeat(n));
    let (_, diags) = parse(FileId(0), &text);
    assert!(diags.is_empty());
}

/// A deterministic byte soup: grammar tokens, stray characters, quotes and line breaks.
fn garbage(len: usize) -> String {
    const PIECES: &[&str] = &[
        "indicator ",
        "\"x\" ",
        "{ ",
        "} ",
        "( ",
        ") ",
        "[ ",
        "] ",
        "when: ",
        "any ",
        "flow ",
        "where ",
        "== ",
        "\n",
        "\ncategory ",
        "\nconst a = ",
        "1_0 ",
        "9999999999999999999999 ",
        "\"\\q\" ",
        "\"open\n",
        "$ ",
        "é ",
        "# c\n",
        "not ",
        "in ",
        ", ",
        ": ",
        "\n  fact ",
        "\ttest ",
        "\r\n",
        "\\u{D800}",
        "-",
        ".5 ",
    ];
    let mut rng = indicia_testkit::Rng::new(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(len + 32);
    while out.len() < len {
        out.push_str(rng.pick(PIECES));
    }
    out
}

#[test]
fn ten_megabytes_of_garbage_get_bounded_diagnostics() {
    let text = garbage(10 * 1024 * 1024);
    let (file, diags) = parse(FileId(0), &text);
    assert!(diags.len() <= MAX_DIAGNOSTICS, "{} diagnostics", diags.len());
    assert!(diags.len() == MAX_DIAGNOSTICS, "garbage this size must hit the cap");
    assert!(diags.last().unwrap().message.ends_with("more errors in this file not shown"));
    assert!(!file.decls.is_empty());
    for d in &diags {
        assert!(d.span.end as usize <= text.len() && text.is_char_boundary(d.span.start as usize));
        assert!(text.is_char_boundary(d.span.end as usize));
    }
    // Rendering the capped list stays bounded too.
    let mut sources = SourceMap::new();
    let id = sources.add("garbage.ind", text.as_str());
    assert_eq!(id, FileId(0));
    let out = render::render_plain(&sources, &diags);
    assert_eq!(
        out.lines().count(),
        diags.len(),
        "{}",
        out.lines().filter(|l| !l.starts_with("garbage.ind:")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn ten_megabytes_of_one_line() {
    // No line break at all: nothing to resume at, one error.
    let text = "a ".repeat(5 * 1024 * 1024);
    let (_, diags) = parse(FileId(0), &text);
    assert_eq!(diags.len(), 1);
    let text = format!("define d = {}", "x or ".repeat(2 * 1024 * 1024));
    let (_, diags) = parse(FileId(0), &text);
    assert_eq!(diags.len(), 1);
}

/// The deepest trees the parser accepts fit in half the default test-thread stack, even in an
/// unoptimised build (measured at opt-level 0: about 560 KiB for `count(` nesting, the worst).
#[test]
fn the_deepest_accepted_nesting_fits_in_one_megabyte() {
    let n = MAX_NESTING - 1;
    let texts = [
        format!("define d = {}x{}", "(".repeat(n), ")".repeat(n)),
        format!("define d = {}x{}", "count(f where ".repeat(n), ")".repeat(n)),
        format!("define d = {}x", "any f where ".repeat(n)),
        format!("define d = {}x{}", "(a or not any f where (".repeat(n / 5), "))".repeat(n / 5)),
    ];
    for text in texts {
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                let (_, diags) = parse(FileId(0), &text);
                diags.len()
            })
            .unwrap();
        assert_eq!(handle.join().unwrap(), 0);
    }
}
