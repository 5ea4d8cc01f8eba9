//! `matches` and `like` patterns: a regular expression is compiled as written (an unanchored
//! search); a glob becomes an anchored regular expression in which `*` is any run and `?` one
//! Unicode scalar value, everything else literal, newlines included.

use indicia_syntax::ast::PatternOp;
use regex::Regex;

/// Compiled patterns above this size are refused rather than built.
const SIZE_LIMIT: usize = 1 << 20;

/// Compiles a pattern, or says in a few words why it does not compile.
pub(super) fn compile(op: PatternOp, source: &str) -> Result<Regex, String> {
    let regex = match op {
        PatternOp::Matches => source.to_string(),
        PatternOp::Like => glob_to_regex(source),
    };
    regex::RegexBuilder::new(&regex).size_limit(SIZE_LIMIT).build().map_err(|e| reason(op, &e))
}

/// The regular expression equivalent to a glob.
pub(crate) fn glob_to_regex(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len() + 8);
    out.push_str("(?s)^");
    let mut literal = String::new();
    let mut last_star = false;
    for c in glob.chars() {
        match c {
            '*' | '?' => {
                out.push_str(&regex::escape(&literal));
                literal.clear();
                if c == '?' {
                    out.push('.');
                    last_star = false;
                } else if !last_star {
                    out.push_str(".*");
                    last_star = true;
                }
            }
            other => {
                literal.push(other);
                last_star = false;
            }
        }
    }
    out.push_str(&regex::escape(&literal));
    out.push('$');
    out
}

/// A short reason from a regex error: its last `error: …` line.
fn reason(op: PatternOp, error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find_map(|line| line.trim().strip_prefix("error: "))
            .map_or_else(|| "invalid syntax".to_string(), str::to_string),
        regex::Error::CompiledTooBig(_) => match op {
            PatternOp::Matches => "the compiled expression is too big".to_string(),
            PatternOp::Like => "the glob is too long".to_string(),
        },
        _ => "does not compile".to_string(),
    }
}

/// A pattern as shown in a one-line message: control characters escaped, long ones shortened.
pub(super) fn shown(source: &str) -> String {
    let mut out = String::new();
    for (i, c) in source.chars().enumerate() {
        if i >= 60 {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}
