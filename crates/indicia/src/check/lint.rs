//! Warnings: things in a pack that checks clean but is most likely not what its author meant.
//! Each warning has a stable code and a name (either silences it, see [`Silences`]); `indicia
//! check` prints them and still exits 0, `--deny-warnings` makes them fail the check.
//!
//! | code | name | what |
//! |---|---|---|
//! | W0101 | `unused-define` | a define no indicator's condition reaches |
//! | W0102 | `unused-const` | a const no expression uses |
//! | W0103 | `unused-param` | a param no indicator's condition reaches |
//! | W0201 | `empty-category` | a category no indicator belongs to |
//! | W0301 | `untested-indicator` | an indicator no `expect` names (in a pack that has tests) |
//! | W0302 | `unknown-expected-indicator` | an `expect "ID"` naming no indicator (the test fails when run) |
//! | W0401 | `constant-condition` | a condition that is always true, always false or always unknown |
//! | W0501 | `plain-regex` | a `matches` pattern that says what `==` or `like` says |
//! | W0502 | `regex-never-matches` | a `matches` pattern no string can match |
//!
//! Reachability goes through defines: a define used only by an unused define is unused too. A
//! condition is constant when it folds to a constant with literals and consts as constants;
//! params are not (a test or `--param` may override them), nor are facts.

use std::collections::HashSet;

use indicia_syntax::ast;
use indicia_syntax::{Diagnostic, FileId, Span};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::{Checker, did_you_mean};
use crate::hir::{self, CmpOp, DefineId, Expr, ExprId, Value};

/// Every warning: its code, its name and what it is about.
pub const WARNINGS: &[(&str, &str, &str)] = &[
    ("W0101", "unused-define", "a define no indicator's condition reaches"),
    ("W0102", "unused-const", "a const no expression uses"),
    ("W0103", "unused-param", "a param no indicator's condition reaches"),
    ("W0201", "empty-category", "a category no indicator belongs to"),
    ("W0301", "untested-indicator", "an indicator no `expect` names, in a pack that has tests"),
    ("W0302", "unknown-expected-indicator", "an `expect \"ID\"` that names no indicator"),
    ("W0401", "constant-condition", "a condition that is always true, always false or always unknown"),
    ("W0501", "plain-regex", "a `matches` pattern that could be `==` or `like`"),
    ("W0502", "regex-never-matches", "a `matches` pattern that no string matches"),
];

/// The code of the warning named `name` (or `name` itself when it is a code).
fn code_of(name: &str) -> Option<&'static str> {
    WARNINGS.iter().find(|(code, n, _)| *code == name || *n == name).map(|(code, _, _)| *code)
}

/// A three-valued constant, or not a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    True,
    False,
    Unknown,
    Varies,
}

impl Fold {
    fn of(b: bool) -> Fold {
        if b { Fold::True } else { Fold::False }
    }

    fn not(self) -> Fold {
        match self {
            Fold::True => Fold::False,
            Fold::False => Fold::True,
            other => other,
        }
    }

    fn and(self, other: Fold) -> Fold {
        match (self, other) {
            (Fold::False, _) | (_, Fold::False) => Fold::False,
            (Fold::True, x) | (x, Fold::True) => x,
            (Fold::Unknown, Fold::Unknown) => Fold::Unknown,
            _ => Fold::Varies,
        }
    }

    fn or(self, other: Fold) -> Fold {
        self.not().and(other.not()).not()
    }

    fn word(self) -> &'static str {
        match self {
            Fold::True => "true",
            Fold::False => "false",
            _ => "unknown",
        }
    }
}

impl<'a> Checker<'a> {
    /// The warnings of a pack that checked without error, minus those its comments silence.
    pub(super) fn lint(&mut self, files: &[(FileId, ast::File)], indicators: &[hir::Indicator], tests: &[hir::Test]) {
        let mut warnings = Vec::new();
        self.unused(indicators, &mut warnings);
        self.empty_categories(indicators, &mut warnings);
        self.test_coverage(indicators, tests, &mut warnings);
        self.constant_conditions(indicators, &mut warnings);
        self.patterns(&mut warnings);
        let silences = Silences::read(self.sources, files);
        self.diags.extend(warnings.into_iter().filter(|w| !silences.silences(w)));
    }

    fn warn(&self, code: &'static str, message: String, span: Span) -> Diagnostic {
        Diagnostic::warning(message, span).with_code(code)
    }

    /// The defines and params reachable from the indicators' conditions.
    fn reachable(&self, indicators: &[hir::Indicator]) -> (HashSet<DefineId>, HashSet<hir::ParamId>) {
        let mut defines = HashSet::new();
        let mut params = HashSet::new();
        let mut stack: Vec<ExprId> = indicators.iter().map(|i| i.when).collect();
        while let Some(id) = stack.pop() {
            let Some(expr) = self.exprs.get(id.index()) else { continue };
            match expr {
                Expr::Param(p) => {
                    params.insert(*p);
                }
                Expr::Define(d) => {
                    if defines.insert(*d)
                        && let Some(body) = self.defines.get(d.index()).and_then(|d| d.body)
                    {
                        stack.push(body);
                    }
                }
                other => stack.extend(other.children()),
            }
        }
        (defines, params)
    }

    fn unused(&self, indicators: &[hir::Indicator], out: &mut Vec<Diagnostic>) {
        let (defines, params) = self.reachable(indicators);
        for (i, define) in self.defines.iter().enumerate() {
            if !defines.contains(&DefineId(u32::try_from(i).unwrap_or(u32::MAX))) {
                let name = &define.decl.name;
                out.push(
                    self.warn("W0101", format!("unused define `{}`", name.name), name.span)
                        .with_label("no indicator's condition uses it"),
                );
            }
        }
        for (i, param) in self.params.iter().enumerate() {
            if !params.contains(&hir::ParamId(u32::try_from(i).unwrap_or(u32::MAX))) {
                let name = &param.decl.name;
                out.push(
                    self.warn("W0103", format!("unused param `{}`", name.name), name.span)
                        .with_label("no indicator's condition uses it"),
                );
            }
        }
        for (i, c) in self.consts.iter().enumerate() {
            if !self.used_consts.contains(&i) {
                let name = &c.decl.name;
                out.push(
                    self.warn("W0102", format!("unused const `{}`", name.name), name.span).with_label("never used"),
                );
            }
        }
    }

    fn empty_categories(&self, indicators: &[hir::Indicator], out: &mut Vec<Diagnostic>) {
        for (i, category) in self.categories.iter().enumerate() {
            if !indicators.iter().any(|ind| ind.category.index() == i) {
                let name = &category.decl.name;
                out.push(
                    self.warn("W0201", format!("category `{}` has no indicator", name.name), name.span)
                        .with_help("give an indicator `category: NAME`, or remove the category"),
                );
            }
        }
    }

    fn test_coverage(&mut self, indicators: &[hir::Indicator], tests: &[hir::Test], out: &mut Vec<Diagnostic>) {
        let named: HashSet<&str> = tests
            .iter()
            .flat_map(|t| &t.expects)
            .filter_map(|e| match &e.expectation {
                hir::Expectation::Verdict { indicator, .. } => Some(indicator.as_str()),
                hir::Expectation::Count { .. } => None,
            })
            .collect();
        if !tests.is_empty() {
            for indicator in indicators.iter().filter(|i| !named.contains(i.id.as_str())) {
                let span = self
                    .indicators
                    .iter()
                    .find(|(d, _)| d.span == indicator.span)
                    .map_or(indicator.span, |(d, _)| d.id.span);
                out.push(
                    self.warn("W0301", format!("no test expects a verdict of indicator `{}`", indicator.id), span)
                        .with_help(format!("add `expect \"{}\": …` to a test block", indicator.id)),
                );
            }
        }
        let ids: Vec<&str> = indicators.iter().map(|i| i.id.as_str()).collect();
        let expects = self.tests.iter().flat_map(|t| &t.entries).filter_map(|e| match e {
            ast::TestEntry::Expect { target: ast::ExpectTarget::Indicator(id), .. } => Some(id),
            _ => None,
        });
        for id in expects.filter(|id| !ids.contains(&id.value.as_str())) {
            let mut warning = self.warn("W0302", format!("no indicator has the id `{}`", id.value), id.span);
            if let Some(label) = did_you_mean(&id.value, ids.iter().copied()) {
                warning = warning.with_label(label);
            }
            out.push(warning.with_help("the test fails when it runs"));
        }
    }

    /// The constant value of a boolean expression, if it has one.
    fn fold(&self, id: ExprId, depth: usize) -> Fold {
        let Some(expr) = self.exprs.get(id.index()).filter(|_| depth < super::MAX_DEPTH) else { return Fold::Varies };
        let depth = depth + 1;
        match expr {
            Expr::Lit(Value::Bool(b)) => Fold::of(*b),
            Expr::Unknown => Fold::Unknown,
            Expr::Not(e) => self.fold(*e, depth).not(),
            Expr::And(a, b) => self.fold(*a, depth).and(self.fold(*b, depth)),
            Expr::Or(a, b) => self.fold(*a, depth).or(self.fold(*b, depth)),
            Expr::Define(d) => {
                self.defines.get(d.index()).and_then(|d| d.body).map_or(Fold::Varies, |b| self.fold(b, depth))
            }
            Expr::Compare { op, lhs, rhs } => match (self.literal(*lhs, depth), self.literal(*rhs, depth)) {
                (Some(a), Some(b)) => compare(*op, &a, &b).map_or(Fold::Varies, Fold::of),
                _ => Fold::Varies,
            },
            Expr::In { elem, list } => match (self.literal(*elem, depth), self.literal(*list, depth)) {
                (Some(x), Some(Value::List(items))) => {
                    Fold::of(items.iter().any(|i| compare(CmpOp::Eq, i, &x) == Some(true)))
                }
                (_, Some(Value::List(items))) if items.is_empty() => Fold::False,
                _ => Fold::Varies,
            },
            // A quantifier is unknown over a kind that was not observed and definite over one that
            // was, whatever its body: it varies with the evidence even when its body is constant.
            _ => Fold::Varies,
        }
    }

    /// The literal an expression is (consts are inlined as literals).
    fn literal(&self, id: ExprId, depth: usize) -> Option<Value> {
        match self.exprs.get(id.index())? {
            Expr::Lit(v) => Some(v.clone()),
            Expr::Define(d) if depth < super::MAX_DEPTH => {
                let body = self.defines.get(d.index())?.body?;
                self.literal(body, depth + 1)
            }
            _ => None,
        }
    }

    fn constant_conditions(&self, indicators: &[hir::Indicator], out: &mut Vec<Diagnostic>) {
        let mut roots: Vec<(ExprId, Option<&str>)> = indicators.iter().map(|i| (i.when, Some(i.id.as_str()))).collect();
        roots.extend(self.defines.iter().filter_map(|d| d.body).map(|b| (b, None)));
        let mut seen = HashSet::new();
        for (root, indicator) in roots {
            let mut stack = vec![(root, true)];
            while let Some((id, is_root)) = stack.pop() {
                let Some(expr) = self.exprs.get(id.index()) else { continue };
                if !seen.insert(id) {
                    continue;
                }
                let leaf = matches!(expr, Expr::Lit(_) | Expr::Unknown | Expr::Define(_) | Expr::Param(_));
                let value = self.fold(id, 0);
                if value != Fold::Varies
                    && (!leaf || (is_root && indicator.is_some() && !matches!(expr, Expr::Define(_))))
                {
                    let span = self.expr_spans.get(id.index()).copied().unwrap_or_default();
                    let mut warning = self
                        .warn("W0401", format!("this condition is always {}", value.word()), span)
                        .with_label("constant whatever the evidence");
                    if let (true, Some(indicator)) = (is_root, indicator) {
                        let verdict = match value {
                            Fold::True => "fails every app",
                            Fold::False => "passes every app",
                            _ => "is inconclusive for every app",
                        };
                        warning = warning.with_help(format!("indicator `{indicator}` {verdict}"));
                    }
                    out.push(warning);
                    continue;
                }
                if !matches!(expr, Expr::Define(_)) {
                    stack.extend(expr.children().into_iter().map(|c| (c, false)));
                }
            }
        }
    }

    /// `matches` patterns that are plain text or never match.
    fn patterns(&self, out: &mut Vec<Diagnostic>) {
        for (id, expr) in self.exprs.iter().enumerate() {
            let Expr::Match { pattern, .. } = expr else { continue };
            let Some(p) = self.patterns.get(pattern.index()).filter(|p| p.op == ast::PatternOp::Matches) else {
                continue;
            };
            let span = self.expr_spans.get(id).copied().unwrap_or_default();
            if let Some(instead) = plain_form(&p.source) {
                out.push(
                    self.warn("W0501", "this regular expression matches plain text".to_string(), span)
                        .with_label(format!("write `{instead}`"))
                        .with_help("`==` and `like` say the same more plainly, and are read at a glance"),
                );
            } else if never_matches(&p.source) {
                out.push(
                    self.warn("W0502", "this regular expression can never match".to_string(), span)
                        .with_label("no string matches it")
                        .with_help("an anchor (`^`, `$`) inside the text or an empty class rules out every match"),
                );
            }
        }
    }
}

/// `a op b` for two literals of one type (`None` for types it does not fold).
fn compare(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    let order = match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y)?,
        _ => return None,
    };
    Some(match op {
        CmpOp::Eq => order.is_eq(),
        CmpOp::Ne => order.is_ne(),
        CmpOp::Lt => order.is_lt(),
        CmpOp::Le => order.is_le(),
        CmpOp::Gt => order.is_gt(),
        CmpOp::Ge => order.is_ge(),
    })
}

/// What a regular expression made of literal text (with `^`, `$`, `.` and `.*`) says as `==`
/// or `like`: `^abc$` is `== "abc"`, `abc` is `like "*abc*"`, `^a.*b$` is `like "a*b"`.
fn plain_form(source: &str) -> Option<String> {
    let (anchored_start, rest) = match source.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, source),
    };
    let (anchored_end, body) = match rest.strip_suffix('$').filter(|b| !b.ends_with('\\')) {
        Some(body) => (true, body),
        None => (false, rest),
    };
    let mut glob = String::new();
    let mut wild = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() && e != '*' && e != '?' => glob.push(e),
                _ => return None,
            },
            '.' if chars.peek() == Some(&'*') => {
                chars.next();
                glob.push('*');
                wild = true;
            }
            '.' => {
                glob.push('?');
                wild = true;
            }
            '*' | '?' | '+' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => return None,
            c if c.is_control() => return None,
            c => glob.push(c),
        }
    }
    if glob.is_empty() {
        return None;
    }
    let quoted = |s: &str| indicia_syntax::fmt::quote(s);
    // `.` is any character but a line break, `?` any character: the same on one-line values.
    if anchored_start && anchored_end && !wild {
        return Some(format!("== {}", quoted(&glob)));
    }
    let lead = if anchored_start || glob.starts_with('*') { "" } else { "*" };
    let tail = if anchored_end || glob.ends_with('*') { "" } else { "*" };
    let glob = format!("{lead}{glob}{tail}");
    Some(format!("like {}", quoted(&glob)))
}

/// True when no string matches the regular expression (an empty class, or an anchor that text
/// must precede or follow).
fn never_matches(source: &str) -> bool {
    regex_syntax::Parser::new().parse(source).is_ok_and(|hir| never(&hir))
}

fn never(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c.ranges().is_empty(),
        HirKind::Class(Class::Bytes(c)) => c.ranges().is_empty(),
        HirKind::Repetition(r) => r.min > 0 && never(&r.sub),
        HirKind::Capture(c) => never(&c.sub),
        HirKind::Alternation(all) => all.iter().all(never),
        HirKind::Concat(parts) => {
            if parts.iter().any(never) {
                return true;
            }
            // Text (something that cannot match empty) before `\A`/`^`, or after `\z`/`$`.
            let text = |h: &Hir| h.properties().minimum_len().is_some_and(|n| n > 0);
            let start = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::Start));
            let end = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::End));
            parts.iter().enumerate().any(|(i, h)| {
                (start(h) && parts.iter().take(i).any(text)) || (end(h) && parts.iter().skip(i + 1).any(text))
            })
        }
        _ => false,
    }
}

/// The warnings a pack's comments silence.
///
/// `# indicia: allow(CODE, …)` names warnings by code (`W0101`) or name (`unused-define`). On a
/// line of its own it silences them in the declaration that follows it; after code on a line, it
/// silences them on that line.
#[derive(Debug, Default)]
pub struct Silences {
    /// (file, start, end) byte ranges with the codes silenced there.
    ranges: Vec<(FileId, u32, u32, Vec<&'static str>)>,
}

impl Silences {
    fn read(sources: &indicia_syntax::SourceMap, files: &[(FileId, ast::File)]) -> Silences {
        let mut ranges = Vec::new();
        for (id, file) in files {
            let Some(source) = sources.get(*id) else { continue };
            for comment in &file.comments {
                let Some(codes) = allowed(&comment.text) else { continue };
                let line = source.line_col(comment.span.start as usize).line;
                let line_start = source.line_start(line).unwrap_or(0);
                let own_line =
                    source.text.get(line_start..comment.span.start as usize).is_some_and(|t| t.trim().is_empty());
                let range = if own_line {
                    let next = file.decls.iter().find(|d| d.span().start >= comment.span.end);
                    next.map(|d| (d.span().start, d.span().end))
                } else {
                    let end = source.line_start(line + 1).unwrap_or(source.text.len());
                    Some((u32::try_from(line_start).unwrap_or(u32::MAX), u32::try_from(end).unwrap_or(u32::MAX)))
                };
                if let Some((start, end)) = range {
                    ranges.push((*id, start, end, codes));
                }
            }
        }
        Silences { ranges }
    }

    fn silences(&self, warning: &Diagnostic) -> bool {
        let Some(code) = warning.code else { return false };
        let at = warning.span;
        self.ranges.iter().any(|(file, start, end, codes)| {
            *file == at.file && *start <= at.start && at.start < *end && codes.contains(&code)
        })
    }
}

/// The codes of an `indicia: allow(…)` comment (unknown names are ignored).
fn allowed(comment: &str) -> Option<Vec<&'static str>> {
    let rest = comment.trim_start_matches('#').trim_start().strip_prefix("indicia:")?.trim_start();
    let list = rest.strip_prefix("allow")?.trim_start().strip_prefix('(')?;
    let list = list.split(')').next()?;
    Some(list.split(',').filter_map(|name| code_of(name.trim())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_regexes() {
        assert_eq!(plain_form("^abc$").as_deref(), Some("== \"abc\""));
        assert_eq!(plain_form("abc").as_deref(), Some("like \"*abc*\""));
        assert_eq!(plain_form("^com\\.tencent\\.").as_deref(), Some("like \"com.tencent.*\""));
        assert_eq!(plain_form("^a.*b$").as_deref(), Some("like \"a*b\""));
        assert_eq!(plain_form("^com\\.tencent\\..*").as_deref(), Some("like \"com.tencent.*\""));
        assert_eq!(plain_form("a+"), None);
        assert_eq!(plain_form("(?i)abc"), None);
        assert_eq!(plain_form("^a\\*$"), None);
        assert_eq!(plain_form("[ab]c"), None);
    }

    #[test]
    fn impossible_regexes() {
        for never in ["a^b", "a\\Ab", "$a", "x\\zy", "[^\\s\\S]", "(a$b|c^d)", "(?:a$b)+"] {
            assert!(never_matches(never), "{never}");
        }
        for fine in ["^a$", "a|$", "(a$b)?", "a*^", "^$", "(?m)a$\\nb"] {
            assert!(!never_matches(fine), "{fine}");
        }
    }

    #[test]
    fn silencing_comments() {
        assert_eq!(allowed("# indicia: allow(W0101, unused-param)"), Some(vec!["W0101", "W0103"]));
        assert_eq!(allowed("#indicia:allow(constant-condition)"), Some(vec!["W0401"]));
        assert_eq!(allowed("# allow(W0101)"), None);
    }
}
