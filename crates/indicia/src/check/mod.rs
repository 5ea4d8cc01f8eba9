//! Name resolution and type checking: the AST of every file of a pack to one [`hir::Pack`].
//!
//! Consumes the parsed files (in pack order: file order, then source order) and produces either a
//! pack in which every name is an index and every expression is typed, or every diagnostic found.
//! The work is done in steps, each in its own module:
//!
//! 1. `names`: declare every name in its namespace (fact kinds, categories, values, indicator
//!    ids), reporting repeats at the second declaration, and read the `fact` schema.
//! 2. `decls`: consts, params, categories, the `standard`, with their block keys.
//! 3. `defines`: the dependency order of the defines, and their cycles; then each define's body
//!    is checked after the defines it uses, so that its type is known where it is used.
//! 4. `exprs`: expressions, with the quantifier scopes, typed into the hir arena.
//! 5. `decls` again: indicators and tests.
//!
//! Errors do not cascade: a declaration that failed to parse still declares its name; an
//! expression with an error gets the error type, which is accepted everywhere without a second
//! message; a define that has an error (or lies on a cycle) is usable without errors.

mod decls;
mod defines;
pub mod dump;
mod exprs;
pub mod lint;
mod names;
mod patterns;
mod types;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use indicia_syntax::ast::{self, PatternOp};
use indicia_syntax::diagnostic::suggest;
use indicia_syntax::{Diagnostic, FileId, SourceMap, Span};

use crate::hir::{self, CategoryId, DefineId, ExprId, KindId, ParamId, PatternId, Value};
use types::Ty;

/// The deepest nesting of expressions the checker follows. The parser refuses trees deeper than
/// its own limit, so this only guards against hand-built trees.
const MAX_DEPTH: usize = indicia_syntax::parser::MAX_NESTING + 8;

/// The most "did you mean" searches over the pack's names in one check.
const MAX_HINTS: usize = 400;

/// A pack that did not check: every diagnostic (parse errors included) and the files to render
/// them against.
///
/// `Display` is the first error (by file and position) as one diagnostic line,
/// `FILE:LINE:COL: error[CODE]: message`, followed by how many more there are; `Debug` is as short
/// (it leaves out the source text). [`render_human`](CheckFailure::render_human),
/// [`render_plain`](CheckFailure::render_plain) and [`render_json`](CheckFailure::render_json)
/// render every diagnostic.
#[derive(thiserror::Error)]
pub struct CheckFailure {
    /// The text of every file of the pack.
    pub sources: SourceMap,
    /// Every problem found, in no particular order (renderers sort them by location).
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckFailure {
    /// The errors (not the warnings), by file and position.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        let mut errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        errors.sort_by_key(|d| (d.span.file.0, d.span.start, d.span.end));
        errors
    }

    /// Every diagnostic as rustc renders its own: the line, a caret, labels and help.
    pub fn render_human(&self) -> String {
        indicia_syntax::render::render_human(&self.sources, &self.diagnostics)
    }

    /// Every diagnostic as one `FILE:LINE:COL: severity[CODE]: message` line.
    pub fn render_plain(&self) -> String {
        indicia_syntax::render::render_plain(&self.sources, &self.diagnostics)
    }

    /// Every diagnostic as a JSON array (docs/cli.md describes its fields).
    pub fn render_json(&self) -> String {
        indicia_syntax::render::render_json(&self.sources, &self.diagnostics)
    }
}

impl std::fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.errors();
        let Some(first) = errors.first() else { return f.write_str("the pack did not check") };
        let line = indicia_syntax::render::render_plain(&self.sources, std::slice::from_ref(*first));
        f.write_str(line.lines().next().unwrap_or_default())?;
        match errors.len() {
            1 => Ok(()),
            2 => f.write_str(" (and 1 more error)"),
            n => write!(f, " (and {} more errors)", n - 1),
        }
    }
}

impl std::fmt::Debug for CheckFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckFailure")
            .field("files", &self.sources.iter().count())
            .field("errors", &self.errors().len())
            .field("first", &self.to_string())
            .finish()
    }
}

/// Checks the parsed files of one pack, given in pack order, against each other.
///
/// `default_name` names the pack when it has no `standard`. On success the pack owns `sources`;
/// on failure the diagnostics come back with them.
pub fn check(sources: SourceMap, files: &[(FileId, ast::File)], default_name: &str) -> Result<hir::Pack, CheckFailure> {
    let mut checker = Checker::new(&sources);
    let decls: Vec<&ast::Decl> = files.iter().flat_map(|(_, file)| file.decls.iter()).collect();
    checker.declare_all(&decls);
    checker.check_categories();
    checker.check_consts();
    checker.check_params();
    checker.check_defines();
    let indicators = checker.check_indicators();
    let tests = checker.check_tests();
    let standard = checker.check_standard();
    if !checker.diags.iter().any(Diagnostic::is_error) {
        checker.lint(files, &indicators, &tests);
    }
    let Checker { diags, kind_info, categories, params, defines, exprs, expr_spans, patterns, .. } = checker;
    if diags.iter().any(Diagnostic::is_error) {
        return Err(CheckFailure { sources, diagnostics: diags });
    }
    let warnings = diags;
    let schema = hir::Schema { kinds: kind_info.into_iter().map(names::KindInfo::into_hir).collect() };
    let name = standard.as_ref().map_or_else(|| default_name.to_string(), |s| s.name.clone());
    Ok(hir::Pack {
        name,
        standard,
        schema,
        categories: categories.into_iter().map(|c| c.category).collect(),
        params: params
            .into_iter()
            .map(|p| hir::Param { name: p.name, ty: p.ty.to_type(), default: p.default })
            .collect(),
        defines: defines
            .into_iter()
            .map(|d| hir::Define {
                name: d.decl.name.name.clone(),
                ty: d.ty.to_type(),
                body: d.body.unwrap_or(ExprId(0)),
            })
            .collect(),
        indicators,
        tests,
        exprs,
        expr_spans,
        patterns,
        sources,
        warnings,
    })
}

/// Where a name of the values namespace points.
#[derive(Clone, Copy, Debug)]
enum ValueRef {
    /// A const: an index into [`Checker::consts`].
    Const(usize),
    /// A param.
    Param(ParamId),
    /// A define.
    Define(DefineId),
    /// A declaration that did not parse.
    Broken,
}

impl ValueRef {
    /// What the name is, for messages.
    fn what(self) -> &'static str {
        match self {
            ValueRef::Const(_) => "a const",
            ValueRef::Param(_) => "a param",
            ValueRef::Define(_) => "a define",
            ValueRef::Broken => "a name",
        }
    }
}

/// A declared name: where, and what it points to (`None` for a declaration that did not parse).
#[derive(Clone, Copy, Debug)]
struct Declared<T> {
    target: Option<T>,
    span: Span,
}

/// A const's value once checked (`Ty::Error` when it has an error).
#[derive(Clone, Debug)]
struct ConstInfo<'a> {
    decl: &'a ast::ValueDecl,
    ty: Ty,
    value: Value,
}

/// A param once checked (`Ty::Error` when it has an error).
#[derive(Clone, Debug)]
struct ParamInfo<'a> {
    decl: &'a ast::ParamDecl,
    name: String,
    ty: Ty,
    default: Value,
}

/// A define: its declaration, and once checked its type and body.
#[derive(Clone, Debug)]
struct DefineInfo<'a> {
    decl: &'a ast::ValueDecl,
    ty: Ty,
    body: Option<ExprId>,
}

/// A category once checked.
#[derive(Clone, Debug)]
struct CategoryInfo<'a> {
    decl: &'a ast::BlockDecl,
    category: hir::Category,
}

/// The state of one check.
struct Checker<'a> {
    sources: &'a SourceMap,
    diags: Vec<Diagnostic>,
    /// The fact kinds namespace.
    kinds: HashMap<&'a str, Declared<KindId>>,
    kind_info: Vec<names::KindInfo>,
    /// The categories namespace.
    category_names: HashMap<&'a str, Declared<CategoryId>>,
    categories: Vec<CategoryInfo<'a>>,
    /// The values namespace: consts, params and defines.
    values: HashMap<&'a str, Declared<ValueRef>>,
    consts: Vec<ConstInfo<'a>>,
    /// The consts some expression uses (indices into `consts`), for the unused-const warning.
    used_consts: std::collections::HashSet<usize>,
    params: Vec<ParamInfo<'a>>,
    defines: Vec<DefineInfo<'a>>,
    /// The indicator ids namespace.
    indicator_ids: HashMap<&'a str, Declared<()>>,
    /// Every `standard`, `indicator` and `test` declaration, in pack order (repeats included; an
    /// indicator with a repeated id is checked but left out of the pack).
    standards: Vec<&'a ast::BlockDecl>,
    indicators: Vec<(&'a ast::IndicatorDecl, bool)>,
    tests: Vec<&'a ast::TestDecl>,
    /// The hir being built.
    exprs: Vec<hir::Expr>,
    expr_spans: Vec<Span>,
    patterns: Vec<hir::Pattern>,
    pattern_cache: HashMap<(PatternOp, String), Result<PatternId, String>>,
    /// Set once "nested too deeply" has been reported, so that it is reported once.
    too_deep: bool,
    /// How many more "did you mean" searches over the pack's own names may run: each costs a
    /// pass over a namespace, so a pack of garbage with thousands of unknown names stays linear.
    hints_left: usize,
}

impl<'a> Checker<'a> {
    fn new(sources: &'a SourceMap) -> Checker<'a> {
        Checker {
            sources,
            diags: Vec::new(),
            kinds: HashMap::new(),
            kind_info: Vec::new(),
            category_names: HashMap::new(),
            categories: Vec::new(),
            values: HashMap::new(),
            consts: Vec::new(),
            used_consts: std::collections::HashSet::new(),
            params: Vec::new(),
            defines: Vec::new(),
            indicator_ids: HashMap::new(),
            standards: Vec::new(),
            indicators: Vec::new(),
            tests: Vec::new(),
            exprs: Vec::new(),
            expr_spans: Vec::new(),
            patterns: Vec::new(),
            pattern_cache: HashMap::new(),
            too_deep: false,
            hints_left: MAX_HINTS,
        }
    }

    /// Records a diagnostic.
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// Adds an expression to the arena.
    fn push(&mut self, expr: hir::Expr, span: Span) -> ExprId {
        let id = ExprId(u32::try_from(self.exprs.len()).unwrap_or(u32::MAX));
        self.exprs.push(expr);
        self.expr_spans.push(span);
        id
    }

    /// `line N` when `first` is in the file of `here`, else `FILE:N`: where an earlier
    /// declaration is, for a label. (A binary search over line starts: no walk along the line.)
    fn place(&self, first: Span, here: Span) -> String {
        let Some(file) = self.sources.get(first.file) else { return "elsewhere".to_string() };
        let offset = first.start as usize;
        let (mut low, mut high) = (1usize, file.line_count());
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            if file.line_start(mid).is_some_and(|start| start <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        let line = low;
        if first.file == here.file { format!("line {line}") } else { format!("{}:{line}", file.name) }
    }

    /// "did you mean" among the pack's own names (a namespace that may be large), within the
    /// budget of [`MAX_HINTS`] searches.
    fn hint<'c>(&mut self, name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
        if self.hints_left == 0 {
            return None;
        }
        self.hints_left -= 1;
        // Identifiers are ASCII, so a length difference bounds the edit distance from below.
        let limit = (name.len() / 3).max(1);
        did_you_mean(name, candidates.into_iter().filter(|c| c.len().abs_diff(name.len()) <= limit))
    }

    /// The display name of a file.
    fn file_name(&self, file: FileId) -> &'a str {
        self.sources.get(file).map_or("", |f| f.name.as_str())
    }
}

/// "did you mean `x`?" for the candidate closest to `name`, if one is close enough.
fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// An error at `span` with an optional "did you mean" label.
fn error_with_suggestion(message: String, span: Span, suggestion: Option<String>) -> Diagnostic {
    let diagnostic = Diagnostic::error(message, span);
    match suggestion {
        Some(label) => diagnostic.with_label(label),
        None => diagnostic,
    }
}
