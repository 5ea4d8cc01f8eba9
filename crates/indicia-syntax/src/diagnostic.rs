//! Diagnostics as data: a severity, an optional stable code, a message, a primary span with a
//! label, related places with their own labels, and optional help.
//!
//! Every stage (parser, checker, test runner) reports problems as [`Diagnostic`]s; the
//! `render` module turns them into rustc-style text or JSON. Messages follow one policy: lowercase,
//! one sentence, no final period, user input in backticks.

use crate::span::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The pack cannot be used.
    Error,
    /// Worth knowing; the pack still works.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in rule text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The one-line message, e.g. "unknown fact kind `flwo`".
    pub message: String,
    /// Where the problem is; the caret goes under this span.
    pub span: Span,
    /// Text printed beside the caret, e.g. "did you mean `flow`?".
    pub label: Option<String>,
    /// Extra explanation, printed as a `= help:` line.
    pub help: Option<String>,
    /// A stable code naming the kind of problem (`W0101`), printed as `warning[W0101]`; a
    /// warning's code is what a silencing comment names.
    pub code: Option<&'static str>,
    /// Other places that explain the problem (where an unclosed `(` was opened, where a name was
    /// first declared), each with its label.
    pub related: Vec<Related>,
}

/// A secondary place of a [`Diagnostic`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Where it is (possibly in another file).
    pub span: Span,
    /// What it is, e.g. "the `(` opened here".
    pub label: String,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(Severity::Error, message.into(), span)
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(Severity::Warning, message.into(), span)
    }

    fn new(severity: Severity, message: String, span: Span) -> Diagnostic {
        Diagnostic { severity, message, span, label: None, help: None, code: None, related: Vec::new() }
    }

    /// Sets the stable code.
    pub fn with_code(mut self, code: &'static str) -> Diagnostic {
        self.code = Some(code);
        self
    }

    /// Adds a related place with its label.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push(Related { span, label: label.into() });
        self
    }

    /// Sets the label printed beside the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The name a "did you mean `NAME`?" label proposes (the one wording of suggestions), if the
    /// label is one.
    pub fn suggestion(&self) -> Option<&str> {
        let label = self.label.as_deref()?;
        let name = label.strip_prefix("did you mean `")?.strip_suffix("`?")?;
        (!name.contains('`')).then_some(name)
    }
}

/// The name among `candidates` closest to `name`, if one is close enough to suggest
/// ("did you mean …?"): an edit distance of at most a third of the name's length, at least 1.
/// The distance is strsim's optimal string alignment over characters: Levenshtein's insertions,
/// deletions and substitutions plus the swap of two adjacent characters (`flwo` is 1 from `flow`).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("flwo", ["flow", "sdk", "finding"]), Some("flow"));
        assert_eq!(suggest("restricted_contries", ["restricted_countries", "x"]), Some("restricted_countries"));
        assert_eq!(suggest("zzz", ["flow", "sdk"]), None);
        // A swap of two adjacent characters is one edit (`flwo` above: two for Levenshtein, over
        // the limit of 1), and edits count characters, not bytes (`ö` for `o` is one edit).
        assert_eq!(suggest("flöw", ["flow"]), Some("flow"));
        assert_eq!(suggest("größe", ["grösse", "größte"]), Some("größte"));
        // Three edits are too many for a name of six or seven characters (at most 2).
        assert_eq!(suggest("kitten", ["sitting"]), None);
        assert_eq!(suggest("kittens", ["sitting"]), None);
        assert_eq!(suggest("kitteng", ["sitting"]), Some("sitting"));
    }

    #[test]
    fn the_suggestion_is_the_name_a_did_you_mean_label_proposes() {
        let d = |label: &str| Diagnostic::error("m", Span::new(crate::FileId(0), 0, 1)).with_label(label);
        assert_eq!(d("did you mean `flow`?").suggestion(), Some("flow"));
        assert_eq!(d("first declared here").suggestion(), None);
        assert_eq!(d("did you mean `a` or `b`?").suggestion(), None);
        assert_eq!(Diagnostic::error("m", Span::new(crate::FileId(0), 0, 1)).suggestion(), None);
    }
}
