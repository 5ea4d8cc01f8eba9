//! Steps 2 and 5: declarations with block keys (`standard`, `category`, `indicator`, `test`) and
//! the constant ones (`const`, `param`).
//!
//! Blocks are checked against a table of their keys: an unknown key (with a suggestion), a
//! repeated key (at the second one) and a missing required key (at the declaration's name) are
//! errors. Each value is then checked for what its key takes.

use std::collections::HashMap;
use std::path::Path;

use indicia_syntax::ast::{self, Entry, ExprKind, Literal, TestEntry};
use indicia_syntax::{Diagnostic, Span};

use super::types::{Ty, coerce};
use super::{Checker, ValueRef, did_you_mean, error_with_suggestion};
use crate::hir::{self, Expectation, Severity, SummaryCount, Value, Verdict, Weight};

/// A block's keys, each with whether it is required.
type Keys = &'static [(&'static str, bool)];

const STANDARD_KEYS: Keys = &[("title", true), ("version", true), ("source", false), ("description", false)];
const CATEGORY_KEYS: Keys = &[("title", true), ("description", false)];
const INDICATOR_KEYS: Keys = &[
    ("title", true),
    ("category", true),
    ("severity", true),
    ("weight", false),
    ("refs", false),
    ("description", false),
    ("when", true),
];
const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const VERDICTS: [&str; 3] = ["fail", "pass", "inconclusive"];
const COUNTS: [&str; 4] = ["failed", "passed", "inconclusive", "total"];

/// `a`, `a and b`, `a, b and c`, each in backticks.
fn listing<'s>(names: impl IntoIterator<Item = &'s str>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// `a`, `a or b`, `a, b or c`, each in backticks.
fn alternatives(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The severity named `name`.
fn severity_named(name: &str) -> Option<Severity> {
    match name {
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

/// The weight written as `text` (digits, `_` separators, at most one `.`), exactly.
fn exact_weight(text: &str) -> Result<Weight, &'static str> {
    let text: String = text.chars().filter(|&c| c != '_').collect();
    if text.starts_with('-') {
        return Err("a weight is a number greater than 0");
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = format!("{whole}{fraction}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a weight is a number greater than 0");
    }
    let units: u64 = digits.parse().map_err(|_| "this weight has too many digits")?;
    if units == 0 {
        return Err("a weight is a number greater than 0");
    }
    let scale = u32::try_from(fraction.len()).map_err(|_| "this weight has too many digits")?;
    if scale > 18 {
        return Err("this weight has too many digits");
    }
    Ok(Weight { units, scale })
}

impl<'a> Checker<'a> {
    /// Sorts a block's entries by key: reports unknown and repeated keys, and missing required
    /// ones (at `name_span`). Returns the entry of each key of `keys`, in the table's order.
    fn keyed(&mut self, what: &str, name_span: Span, entries: &[&'a Entry], keys: Keys) -> Vec<Option<&'a Entry>> {
        let mut found: Vec<Option<&'a Entry>> = vec![None; keys.len()];
        for &entry in entries {
            let key = entry.key.name.as_str();
            match keys.iter().position(|(k, _)| *k == key) {
                Some(i) => match found.get(i).copied().flatten() {
                    Some(first) => {
                        let label = format!("first given at {}", self.place(first.key.span, entry.key.span));
                        let message = format!("repeated key `{key}` in {what}");
                        self.report(Diagnostic::error(message, entry.key.span).with_code("E0401").with_label(label));
                    }
                    None => {
                        if let Some(slot) = found.get_mut(i) {
                            *slot = Some(entry);
                        }
                    }
                },
                None => {
                    let label = did_you_mean(key, keys.iter().map(|(k, _)| *k));
                    let help = format!("the keys are {}", listing(keys.iter().map(|(k, _)| *k)));
                    let message = format!("unknown key `{key}` in {what}");
                    self.report(
                        error_with_suggestion(message, entry.key.span, label).with_code("E0402").with_help(help),
                    );
                }
            }
        }
        for ((key, required), entry) in keys.iter().zip(&found) {
            if *required && entry.is_none() {
                self.report(Diagnostic::error(format!("missing key `{key}` in {what}"), name_span).with_code("E0403"));
            }
        }
        found
    }

    /// The string a `key: "…"` entry holds.
    fn string_entry(&mut self, entry: Option<&Entry>) -> Option<String> {
        let entry = entry?;
        match &entry.value.kind {
            ExprKind::Literal(Literal::Str(s)) => Some(s.clone()),
            _ => {
                let message = format!("`{}` takes a string", entry.key.name);
                self.report(Diagnostic::error(message, entry.value.span).with_code("E0404"));
                None
            }
        }
    }

    /// Checks each category's block.
    pub(super) fn check_categories(&mut self) {
        for i in 0..self.categories.len() {
            let Some(decl) = self.categories.get(i).map(|c| c.decl) else { continue };
            let entries: Vec<&Entry> = decl.entries.iter().collect();
            let what = format!("category `{}`", decl.name.name);
            let found = self.keyed(&what, decl.name.span, &entries, CATEGORY_KEYS);
            let title = self.string_entry(found.first().copied().flatten()).unwrap_or_default();
            let description = self.string_entry(found.get(1).copied().flatten());
            if let Some(info) = self.categories.get_mut(i) {
                info.category.title = title;
                info.category.description = description;
            }
        }
    }

    /// The pack's `standard`, if any; a second one is an error.
    pub(super) fn check_standard(&mut self) -> Option<hir::Standard> {
        let standards = self.standards.clone();
        let first = *standards.first()?;
        for extra in standards.iter().skip(1) {
            let label =
                format!("the first is `{}` at {}", first.name.name, self.place(first.name.span, extra.name.span));
            let message = "a pack has at most one `standard`";
            self.report(Diagnostic::error(message, extra.name.span).with_code("E0405").with_label(label));
        }
        let entries: Vec<&Entry> = first.entries.iter().collect();
        let what = format!("standard `{}`", first.name.name);
        let found = self.keyed(&what, first.name.span, &entries, STANDARD_KEYS);
        let mut strings = found.iter().map(|e| self.string_entry(*e)).collect::<Vec<_>>().into_iter();
        let title = strings.next().flatten().unwrap_or_default();
        let version = strings.next().flatten().unwrap_or_default();
        let source = strings.next().flatten();
        let description = strings.next().flatten();
        Some(hir::Standard { name: first.name.name.clone(), title, version, source, description })
    }

    /// Checks each const: a literal or a list of literals.
    pub(super) fn check_consts(&mut self) {
        for i in 0..self.consts.len() {
            let Some(decl) = self.consts.get(i).map(|c| c.decl) else { continue };
            if let Some((ty, value)) = self.constant(&decl.value, "a const")
                && let Some(c) = self.consts.get_mut(i)
            {
                c.ty = ty;
                c.value = value;
            }
        }
    }

    /// Checks each param: a scalar or list type, not optional, and a default of that type.
    pub(super) fn check_params(&mut self) {
        for i in 0..self.params.len() {
            let Some(decl) = self.params.get(i).map(|p| p.decl) else { continue };
            let Some((ty, optional)) = self.written_type(&decl.ty) else {
                self.constant(&decl.default, "a param's default");
                continue;
            };
            if optional {
                let message = format!("param `{}` cannot have an optional type", decl.name.name);
                let help = "drop the `?`: a param always has a value";
                self.report(Diagnostic::error(message, decl.ty.span).with_code("E0406").with_help(help));
            }
            let mut default = None;
            if let Some((from, value)) = self.constant(&decl.default, "a param's default") {
                default = coerce(&value, from, ty);
                if default.is_none() {
                    let message = format!(
                        "the default of `{}` must have type {}, found {}",
                        decl.name.name,
                        Ty::of(ty).show(),
                        from.show()
                    );
                    self.report(Diagnostic::error(message, decl.default.span).with_code("E0407"));
                }
            }
            if let Some(p) = self.params.get_mut(i) {
                p.ty = Ty::of(ty);
                p.default = default.unwrap_or(Value::Bool(false));
            }
        }
    }

    /// Checks every indicator; returns those with a fresh id, sorted by id.
    pub(super) fn check_indicators(&mut self) -> Vec<hir::Indicator> {
        let mut out = Vec::new();
        for (decl, fresh) in self.indicators.clone() {
            if let Some(indicator) = self.indicator(decl)
                && fresh
            {
                out.push(indicator);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// One indicator, or `None` when it has an error.
    fn indicator(&mut self, decl: &'a ast::IndicatorDecl) -> Option<hir::Indicator> {
        let entries: Vec<&Entry> = decl.entries.iter().collect();
        let what = format!("indicator `{}`", decl.id.value);
        let found = self.keyed(&what, decl.id.span, &entries, INDICATOR_KEYS);
        let get = |i: usize| found.get(i).copied().flatten();
        let title = self.string_entry(get(0));
        let category = get(1).and_then(|e| self.category_entry(e));
        let severity = get(2).and_then(|e| self.severity_entry(e));
        let weight = match get(3) {
            Some(e) => self.weight_entry(e).map(Some),
            None => Some(None),
        };
        let refs = match get(4) {
            Some(e) => self.refs_entry(e),
            None => Some(Vec::new()),
        };
        let description = self.string_entry(get(5));
        let when = get(6).map(|e| {
            let t = self.top_expr(&e.value);
            self.expect_bool(t, e.value.span, "`when`");
            t.id
        });
        let severity = severity?;
        Some(hir::Indicator {
            id: decl.id.value.clone(),
            title: title?,
            category: category?,
            severity,
            weight: weight?.unwrap_or_else(|| severity.default_weight()),
            refs: refs?,
            description,
            when: when?,
            span: decl.span,
        })
    }

    /// `category: NAME`.
    fn category_entry(&mut self, entry: &Entry) -> Option<hir::CategoryId> {
        match &entry.value.kind {
            ExprKind::Name(name) => self.resolve_category(name).ok().flatten(),
            _ => {
                self.report(
                    Diagnostic::error("`category` takes the name of a category", entry.value.span).with_code("E0408"),
                );
                None
            }
        }
    }

    /// `severity: low|medium|high|critical`.
    fn severity_entry(&mut self, entry: &Entry) -> Option<Severity> {
        let help = format!("a severity is {}", alternatives(&SEVERITIES));
        match &entry.value.kind {
            ExprKind::Name(name) => {
                let severity = severity_named(&name.name);
                if severity.is_none() {
                    let label = did_you_mean(&name.name, SEVERITIES);
                    let message = format!("unknown severity `{}`", name.name);
                    self.report(error_with_suggestion(message, name.span, label).with_code("E0409").with_help(help));
                }
                severity
            }
            _ => {
                self.report(
                    Diagnostic::error("`severity` takes a severity", entry.value.span)
                        .with_code("E0410")
                        .with_help(help),
                );
                None
            }
        }
    }

    /// `weight: N`, a number greater than 0, kept exactly as written.
    fn weight_entry(&mut self, entry: &Entry) -> Option<Weight> {
        let value = &entry.value;
        let result = match &value.kind {
            ExprKind::Literal(Literal::Int(_) | Literal::Float(_)) => exact_weight(self.sources.snippet(value.span)),
            _ => Err("`weight` takes a number greater than 0"),
        };
        match result {
            Ok(weight) => Some(weight),
            Err(message) => {
                let diagnostic = Diagnostic::error(message, value.span).with_code("E0411");
                let diagnostic = if message.starts_with("a weight") {
                    diagnostic.with_label(format!("found `{}`", self.sources.snippet(value.span)))
                } else {
                    diagnostic
                };
                self.report(diagnostic);
                None
            }
        }
    }

    /// `refs: ["…", …]`.
    fn refs_entry(&mut self, entry: &Entry) -> Option<Vec<String>> {
        let ExprKind::List(items) = &entry.value.kind else {
            self.report(Diagnostic::error("`refs` takes a list of strings", entry.value.span).with_code("E0412"));
            return None;
        };
        let mut refs = Vec::with_capacity(items.len());
        for item in items {
            match &item.kind {
                ExprKind::Literal(Literal::Str(s)) => refs.push(s.clone()),
                _ => {
                    self.report(Diagnostic::error("`refs` takes a list of strings", item.span).with_code("E0412"));
                    return None;
                }
            }
        }
        Some(refs)
    }

    /// Checks every test, in pack order.
    pub(super) fn check_tests(&mut self) -> Vec<hir::Test> {
        self.tests.clone().into_iter().filter_map(|decl| self.test(decl)).collect()
    }

    /// One test, or `None` when it has an error.
    fn test(&mut self, decl: &'a ast::TestDecl) -> Option<hir::Test> {
        let what = format!("test `{}`", decl.name.value);
        let mut evidence: Option<&Entry> = None;
        let mut params: Option<(&ast::Ident, &[Entry])> = None;
        let mut expects = Vec::new();
        let mut ok = true;
        for entry in &decl.entries {
            match entry {
                TestEntry::Field(field) if field.key.name == "evidence" => match evidence {
                    Some(first) => {
                        self.repeated_key(&what, &first.key, &field.key);
                        ok = false;
                    }
                    None => evidence = Some(field),
                },
                TestEntry::Field(field) => {
                    let key = field.key.name.as_str();
                    let label = did_you_mean(key, ["evidence", "params"]);
                    let help = "a test takes `evidence`, `params` and `expect` entries";
                    let message = format!("unknown key `{key}` in {what}");
                    self.report(
                        error_with_suggestion(message, field.key.span, label).with_code("E0402").with_help(help),
                    );
                    ok = false;
                }
                TestEntry::Params { key, values, .. } => match params {
                    Some((first, _)) => {
                        self.repeated_key(&what, first, key);
                        ok = false;
                    }
                    None => params = Some((key, values)),
                },
                TestEntry::Expect { target, value, span } => match self.expectation(target, value) {
                    Some(expectation) => expects.push(hir::Expect { expectation, span: *span }),
                    None => ok = false,
                },
            }
        }
        let params = match params {
            Some((_, values)) => self.test_params(&what, values),
            None => Some(Vec::new()),
        };
        let evidence = match evidence {
            Some(entry) => self.string_entry(Some(entry)),
            None => {
                self.report(
                    Diagnostic::error(format!("missing key `evidence` in {what}"), decl.name.span).with_code("E0403"),
                );
                None
            }
        };
        let params = params?;
        let evidence = evidence?;
        if !ok {
            return None;
        }
        let file = self.file_name(decl.span.file);
        let evidence = Path::new(file).parent().unwrap_or(Path::new("")).join(evidence);
        Some(hir::Test { name: decl.name.value.clone(), evidence, params, expects, span: decl.span })
    }

    fn repeated_key(&mut self, what: &str, first: &ast::Ident, again: &ast::Ident) {
        let label = format!("first given at {}", self.place(first.span, again.span));
        let message = format!("repeated key `{}` in {what}", again.name);
        self.report(Diagnostic::error(message, again.span).with_code("E0401").with_label(label));
    }

    /// `params: { name: value … }`: declared params, values of their types.
    fn test_params(&mut self, what: &str, values: &'a [Entry]) -> Option<Vec<(hir::ParamId, Value)>> {
        let mut out: Vec<(hir::ParamId, Value)> = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut ok = true;
        for entry in values {
            let name = &entry.key;
            if let Some(&first) = seen.get(name.name.as_str()) {
                let label = format!("first given at {}", self.place(first, name.span));
                let message = format!("repeated param `{}` in {what}", name.name);
                self.report(Diagnostic::error(message, name.span).with_code("E0413").with_label(label));
                ok = false;
                continue;
            }
            seen.insert(&name.name, name.span);
            let target = self.values.get(name.name.as_str()).and_then(|d| d.target);
            let param = match target {
                Some(ValueRef::Param(p)) => p,
                Some(ValueRef::Broken) => {
                    ok = false;
                    continue;
                }
                other => {
                    let params: Vec<String> = self.params.iter().map(|p| p.name.clone()).collect();
                    let label = self.hint(&name.name, params.iter().map(String::as_str));
                    let message = format!("unknown param `{}`", name.name);
                    let mut diagnostic = error_with_suggestion(message, name.span, label).with_code("E0414");
                    if let Some(other) = other {
                        diagnostic = diagnostic.with_help(format!(
                            "`{}` is {}; a test overrides params only",
                            name.name,
                            other.what()
                        ));
                    }
                    self.report(diagnostic);
                    ok = false;
                    continue;
                }
            };
            let declared = self.params.get(param.index()).map_or(Ty::Error, |p| p.ty);
            let Some((from, value)) = self.constant(&entry.value, "a test's param") else {
                ok = false;
                continue;
            };
            if declared.is_error() {
                ok = false;
                continue;
            }
            match coerce(&value, from, declared.to_type()) {
                Some(value) => out.push((param, value)),
                None => {
                    let message = format!("param `{}` has type {}, found {}", name.name, declared.show(), from.show());
                    self.report(Diagnostic::error(message, entry.value.span).with_code("E0415"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// `expect "ID": verdict` or `expect COUNT: N`.
    fn expectation(&mut self, target: &ast::ExpectTarget, value: &ast::Expr) -> Option<Expectation> {
        match target {
            ast::ExpectTarget::Indicator(id) => {
                let help = format!("a verdict is {}", alternatives(&VERDICTS));
                let verdict = match &value.kind {
                    ExprKind::Name(name) => match name.name.as_str() {
                        "fail" => Some(Verdict::Fail),
                        "pass" => Some(Verdict::Pass),
                        "inconclusive" => Some(Verdict::Inconclusive),
                        other => {
                            let label = did_you_mean(other, VERDICTS);
                            let message = format!("unknown verdict `{other}`");
                            self.report(
                                error_with_suggestion(message, name.span, label).with_code("E0416").with_help(help),
                            );
                            None
                        }
                    },
                    _ => {
                        let message = format!("`expect \"{}\"` takes a verdict", id.value);
                        self.report(Diagnostic::error(message, value.span).with_code("E0417").with_help(help));
                        None
                    }
                };
                verdict.map(|verdict| Expectation::Verdict { indicator: id.value.clone(), verdict })
            }
            ast::ExpectTarget::Count(name) => {
                let count = match name.name.as_str() {
                    "failed" => Some(SummaryCount::Failed),
                    "passed" => Some(SummaryCount::Passed),
                    "inconclusive" => Some(SummaryCount::Inconclusive),
                    "total" => Some(SummaryCount::Total),
                    other => {
                        let label = did_you_mean(other, COUNTS);
                        let help = format!(
                            "`expect` takes an indicator id in quotes, or one of the counts {}",
                            alternatives(&COUNTS)
                        );
                        let message = format!("unknown count `{other}`");
                        self.report(
                            error_with_suggestion(message, name.span, label).with_code("E0418").with_help(help),
                        );
                        None
                    }
                };
                let number = match &value.kind {
                    ExprKind::Literal(Literal::Int(n)) if *n >= 0 => Some(*n),
                    _ => {
                        let message = format!("`expect {}` takes a count: a whole number, 0 or more", name.name);
                        self.report(Diagnostic::error(message, value.span).with_code("E0419"));
                        None
                    }
                };
                Some(Expectation::Count { count: count?, value: number? })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_exact_decimals() {
        assert_eq!(exact_weight("3"), Ok(Weight { units: 3, scale: 0 }));
        assert_eq!(exact_weight("0.1"), Ok(Weight { units: 1, scale: 1 }));
        assert_eq!(exact_weight("2.50"), Ok(Weight { units: 250, scale: 2 }));
        assert_eq!(exact_weight("1_000"), Ok(Weight { units: 1000, scale: 0 }));
        assert!(exact_weight("0").is_err());
        assert!(exact_weight("0.000").is_err());
        assert!(exact_weight("-1").is_err());
        assert!(exact_weight("99999999999999999999999").is_err());
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(listing(["a"]), "`a`");
        assert_eq!(listing(["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(alternatives(&["x", "y"]), "`x` or `y`");
    }
}
