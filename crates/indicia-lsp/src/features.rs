//! The answers to each request, computed from a pack's [`Analysis`].

use std::collections::HashMap;
use std::sync::LazyLock;

use indicia_syntax::ast::{self, Decl, ExprKind, Literal};
use indicia_syntax::{Diagnostic, FileId, Severity, SourceFile, Span};
use lsp_types::{
    CompletionItem, CompletionItemKind, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Hover,
    HoverContents, Location, MarkupContent, MarkupKind, NumberOrString, SymbolKind as LspKind, TextEdit, Uri,
    WorkspaceEdit,
};
use regex::Regex;

use crate::index::{SymbolId, SymbolKind};
use crate::position::{position, range};
use crate::workspace::Analysis;

/// The most lines of a declaration a hover shows.
const HOVER_LINES: usize = 24;

/// The LSP diagnostics of one file of the pack.
pub fn diagnostics(analysis: &Analysis, file: FileId) -> Vec<lsp_types::Diagnostic> {
    let Some(source) = analysis.sources.get(file) else { return Vec::new() };
    let mut mine: Vec<&Diagnostic> = analysis.diagnostics.iter().filter(|d| d.span.file == file).collect();
    mine.sort_by_key(|d| (d.span.start, d.span.end));
    mine.into_iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(label) = d.label.as_deref().filter(|l| !l.is_empty() && !d.message.contains(*l)) {
                message.push_str(&format!(" ({label})"));
            }
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .related
                .iter()
                .filter_map(|r| {
                    Some(DiagnosticRelatedInformation {
                        location: location(analysis, r.span)?,
                        message: r.label.clone(),
                    })
                })
                .collect();
            lsp_types::Diagnostic {
                range: range(source, d.span),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: d.code.map(|c| NumberOrString::String(c.to_string())),
                source: Some("indicia".to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..lsp_types::Diagnostic::default()
            }
        })
        .collect()
}

/// The location of a span.
pub fn location(analysis: &Analysis, span: Span) -> Option<Location> {
    let file = analysis.sources.get(span.file)?;
    let uri = crate::uri::from_path(std::path::Path::new(&file.name))?;
    Some(Location { uri, range: range(file, span) })
}

fn snippet(analysis: &Analysis, span: Span) -> &str {
    analysis.sources.snippet(span)
}

fn code_block(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().take(HOVER_LINES + 1).collect();
    if lines.len() > HOVER_LINES {
        lines.truncate(HOVER_LINES);
        lines.push("…");
    }
    format!("```indicia\n{}\n```", lines.join("\n"))
}

/// The hover text at byte `offset` of `file`.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<Hover> {
    let index = &analysis.index;
    let reference = index.reference_at(file, offset);
    let id = index.at(file, offset)?;
    let symbol = index.symbols.get(id)?;
    let mut parts = Vec::new();
    match symbol.kind {
        SymbolKind::Fact => {
            let fields: Vec<String> =
                index.fields_of(id).map(|f| format!("  {}: {}", f.name, f.ty.as_deref().unwrap_or("?"))).collect();
            parts.push(code_block(&format!("fact {} {{\n{}\n}}", symbol.name, fields.join("\n"))));
        }
        SymbolKind::Field => {
            let fact = symbol.parent.and_then(|p| index.symbols.get(p)).map_or("?", |f| f.name.as_str());
            parts.push(code_block(&format!("{fact}.{}: {}", symbol.name, symbol.ty.as_deref().unwrap_or("?"))));
            if symbol.ty.as_deref().is_some_and(|t| t.ends_with('?')) {
                parts.push("Optional: may be missing or null (unknown); test it with `has`.".to_string());
            }
        }
        SymbolKind::Const | SymbolKind::Define | SymbolKind::Category => {
            parts.push(code_block(snippet(analysis, symbol.decl_span)));
        }
        SymbolKind::Param => {
            parts.push(code_block(snippet(analysis, symbol.decl_span)));
            let default = symbol.value.map_or("", |v| snippet(analysis, v));
            match reference.and_then(|r| r.test_value) {
                Some(value) => {
                    parts.push(format!("Value in this test: `{}`  \nDefault: `{default}`", snippet(analysis, value)));
                }
                None => parts.push(format!(
                    "Default: `{default}` (a test's `params` or `indicia eval --param {}=…` overrides it)",
                    symbol.name
                )),
            }
        }
        SymbolKind::Indicator => parts.push(indicator_hover(analysis, symbol.decl_span)?),
    }
    if let Some(doc) = doc_comment(analysis, symbol.decl_span) {
        parts.push(doc);
    }
    let source = analysis.sources.get(file)?;
    let span = reference.map_or(symbol.name_span, |r| r.span);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: parts.join("\n\n") }),
        range: (span.file == file).then(|| range(source, span)),
    })
}

/// An indicator's title, category, severity, weight and refs.
fn indicator_hover(analysis: &Analysis, decl_span: Span) -> Option<String> {
    let decl = analysis.files.iter().flat_map(|(_, f)| &f.decls).find_map(|d| match d {
        Decl::Indicator(i) if i.span == decl_span => Some(i),
        _ => None,
    })?;
    let entry = |key: &str| decl.entries.iter().find(|e| e.key.name == key).map(|e| &e.value);
    let text = |e: Option<&ast::Expr>| match e.map(|e| &e.kind) {
        Some(ExprKind::Literal(Literal::Str(s))) => Some(s.clone()),
        Some(ExprKind::Name(n)) => Some(n.name.clone()),
        Some(_) => e.map(|e| snippet(analysis, e.span).to_string()),
        None => None,
    };
    let mut out = format!("**{}**", decl.id.value);
    if let Some(title) = text(entry("title")) {
        out.push_str(&format!(" — {title}"));
    }
    let mut facts = Vec::new();
    for key in ["category", "severity", "weight"] {
        if let Some(value) = text(entry(key)) {
            facts.push(format!("{key}: `{value}`"));
        }
    }
    if !facts.is_empty() {
        out.push_str(&format!("\n\n{}", facts.join(" · ")));
    }
    if let Some(ExprKind::List(items)) = entry("refs").map(|e| &e.kind) {
        let refs: Vec<String> = items.iter().filter_map(|i| text(Some(i))).map(|r| format!("`{r}`")).collect();
        out.push_str(&format!("\n\nrefs: {}", refs.join(", ")));
    }
    if let Some(description) = text(entry("description")) {
        out.push_str(&format!("\n\n{description}"));
    }
    Some(out)
}

/// The comment lines right above a declaration, without their `#`.
fn doc_comment(analysis: &Analysis, decl_span: Span) -> Option<String> {
    let ast = analysis.ast(decl_span.file)?;
    let source = analysis.sources.get(decl_span.file)?;
    let mut line = source.line_col(decl_span.start as usize).line;
    let mut lines = Vec::new();
    for comment in ast.comments.iter().rev().filter(|c| c.span.start < decl_span.start) {
        let at = source.line_col(comment.span.start as usize);
        let own_line = source.line_text(at.line).trim_start().starts_with('#');
        if at.line + 1 != line || !own_line {
            break;
        }
        lines.push(comment.text.trim_start_matches('#').trim().to_string());
        line = at.line;
    }
    lines.reverse();
    let text = lines.join(" ").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The declaration of the name at byte `offset` of `file`.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Option<Location> {
    let id = analysis.index.at(file, offset)?;
    location(analysis, analysis.index.symbols.get(id)?.name_span)
}

/// Every use of the name at byte `offset` of `file` (and its declaration when asked).
pub fn references(analysis: &Analysis, file: FileId, offset: usize, declaration: bool) -> Vec<Location> {
    let Some(id) = analysis.index.at(file, offset) else { return Vec::new() };
    let decl = analysis.index.symbols.get(id).map(|s| s.name_span).filter(|_| declaration);
    decl.into_iter()
        .chain(analysis.index.uses_of(id).map(|r| r.span))
        .filter_map(|span| location(analysis, span))
        .collect()
}

static AFTER_QUANTIFIER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:any|all|none)\s+|\bcount\s*\(\s*|\bobserved\s*\(\s*)(?:[A-Za-z_]\w*\s+in\s+)?[A-Za-z_]*$").ok()
});
static AFTER_DOT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\b([A-Za-z_]\w*)\.[A-Za-z_]*$").ok());
static AFTER_CATEGORY: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\bcategory\s*:\s*[A-Za-z_]*$").ok());
static QUANTIFIER_HEAD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:any|all|none)\s+|\bcount\s*\(\s*)(?:([A-Za-z_]\w*)\s+in\s+)?([A-Za-z_]\w*)\s+where\b").ok()
});

/// Completion at byte `offset` of `file`: fact kinds after a quantifier, a binder's fields after
/// `B.`, categories after `category:`, and otherwise the fields of the kind in scope, the values
/// (defines, consts, params) and the keywords.
pub fn completion(analysis: &Analysis, file: FileId, offset: usize) -> Vec<CompletionItem> {
    let Some(source) = analysis.sources.get(file) else { return Vec::new() };
    let text: &str = &source.text;
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    let index = &analysis.index;
    let item = |label: &str, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    };
    let of_kind = |kind: SymbolKind, lsp: CompletionItemKind| -> Vec<CompletionItem> {
        index.symbols.iter().filter(|s| s.kind == kind).map(|s| item(&s.name, lsp, s.ty.clone())).collect()
    };
    let fields = |fact: SymbolId| -> Vec<CompletionItem> {
        index.fields_of(fact).map(|f| item(&f.name, CompletionItemKind::FIELD, f.ty.clone())).collect()
    };
    if AFTER_QUANTIFIER.as_ref().is_some_and(|r| r.is_match(line)) {
        return of_kind(SymbolKind::Fact, CompletionItemKind::STRUCT);
    }
    if AFTER_CATEGORY.as_ref().is_some_and(|r| r.is_match(line)) {
        return of_kind(SymbolKind::Category, CompletionItemKind::ENUM);
    }
    let declaration = declaration_text(before);
    if let Some(binder) = AFTER_DOT.as_ref().and_then(|r| r.captures(line)).and_then(|c| c.get(1)) {
        let kind = QUANTIFIER_HEAD.as_ref().and_then(|r| {
            r.captures_iter(declaration)
                .filter(|c| c.get(1).is_some_and(|b| b.as_str() == binder.as_str()))
                .last()
                .and_then(|c| c.get(2))
                .and_then(|k| index.fact(k.as_str()))
        });
        return kind.map(fields).unwrap_or_default();
    }
    // The kind in scope: from the syntax tree, or (in text that does not parse yet) from the
    // last quantifier head before the cursor in this declaration.
    let scope = index.scope_at(file, offset).or_else(|| {
        QUANTIFIER_HEAD
            .as_ref()
            .and_then(|r| r.captures_iter(declaration).last()?.get(2).and_then(|k| index.fact(k.as_str())))
    });
    let mut items = scope.map(fields).unwrap_or_default();
    items.extend(of_kind(SymbolKind::Define, CompletionItemKind::FUNCTION));
    items.extend(of_kind(SymbolKind::Const, CompletionItemKind::CONSTANT));
    items.extend(of_kind(SymbolKind::Param, CompletionItemKind::VARIABLE));
    items.extend(ast::RESERVED.iter().map(|k| item(k, CompletionItemKind::KEYWORD, None)));
    items
}

/// The text of the declaration the cursor is in: from the last line that starts with a
/// declaration keyword in column 1.
fn declaration_text(before: &str) -> &str {
    let mut start = 0;
    let mut at = 0;
    for line in before.split_inclusive('\n') {
        let word = line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
        if ast::DeclKind::ALL.iter().any(|k| k.keyword() == word) {
            start = at;
        }
        at += line.len();
    }
    before.get(start..).unwrap_or("")
}

/// The outline of file `file`: each declaration, a fact with its fields.
pub fn document_symbols(analysis: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    let (Some(ast), Some(source)) = (analysis.ast(file), analysis.sources.get(file)) else { return Vec::new() };
    ast.decls.iter().filter_map(|decl| decl_symbol(source, decl)).collect()
}

#[allow(deprecated, reason = "DocumentSymbol's `deprecated` field must be written to build one")]
fn symbol(
    source: &SourceFile,
    name: &str,
    detail: Option<String>,
    kind: LspKind,
    span: Span,
    name_span: Span,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(source, span),
        selection_range: range(source, name_span),
        children: None,
    }
}

fn decl_symbol(source: &SourceFile, decl: &Decl) -> Option<DocumentSymbol> {
    Some(match decl {
        Decl::Standard(b) => {
            symbol(source, &b.name.name, Some("standard".into()), LspKind::NAMESPACE, b.span, b.name.span)
        }
        Decl::Category(b) => symbol(source, &b.name.name, Some("category".into()), LspKind::ENUM, b.span, b.name.span),
        Decl::Fact(f) => {
            let mut s = symbol(source, &f.name.name, Some("fact".into()), LspKind::STRUCT, f.span, f.name.span);
            let fields = f.fields.iter().map(|field| {
                let ty = crate::index::type_text(&field.ty);
                symbol(source, &field.name.name, Some(ty), LspKind::FIELD, field.span, field.name.span)
            });
            s.children = Some(fields.collect());
            s
        }
        Decl::Const(v) => symbol(source, &v.name.name, Some("const".into()), LspKind::CONSTANT, v.span, v.name.span),
        Decl::Param(p) => {
            let ty = crate::index::type_text(&p.ty);
            symbol(source, &p.name.name, Some(format!("param: {ty}")), LspKind::VARIABLE, p.span, p.name.span)
        }
        Decl::Define(v) => symbol(source, &v.name.name, Some("define".into()), LspKind::FUNCTION, v.span, v.name.span),
        Decl::Indicator(i) => {
            let title = i.entries.iter().find(|e| e.key.name == "title").and_then(|e| match &e.value.kind {
                ExprKind::Literal(Literal::Str(s)) => Some(s.clone()),
                _ => None,
            });
            symbol(source, &i.id.value, title.or(Some("indicator".into())), LspKind::EVENT, i.span, i.id.span)
        }
        Decl::Test(t) => symbol(source, &t.name.value, Some("test".into()), LspKind::METHOD, t.span, t.name.span),
        Decl::Policy(b) => symbol(source, &b.name.name, Some("policy".into()), LspKind::INTERFACE, b.span, b.name.span),
        Decl::Broken(_) => return None,
    })
}

/// The edits that put `text` in canonical form (none when it does not parse or is canonical).
pub fn formatting(text: &str) -> Vec<TextEdit> {
    match indicia_syntax::fmt::format_source(FileId(0), text) {
        Ok(formatted) if formatted != text => {
            let whole = SourceFile::new("", text);
            let end = position(&whole, text.len());
            let range = lsp_types::Range { start: lsp_types::Position::new(0, 0), end };
            vec![TextEdit { range, new_text: formatted }]
        }
        _ => Vec::new(),
    }
}

/// The define, const or param named at byte `offset` of `file`, with the span of the name there.
pub fn renameable(analysis: &Analysis, file: FileId, offset: usize) -> Result<(SymbolId, Span), String> {
    let index = &analysis.index;
    let id = index.at(file, offset).ok_or("no name to rename here")?;
    let symbol = index.symbols.get(id).ok_or("no name to rename here")?;
    if !matches!(symbol.kind, SymbolKind::Define | SymbolKind::Param | SymbolKind::Const) {
        return Err(format!("a {} cannot be renamed; defines, consts and params can", symbol.kind.word()));
    }
    let span = index.reference_at(file, offset).map_or(symbol.name_span, |r| r.span);
    Ok((id, span))
}

/// Renames the define, const or param at byte `offset` of `file` to `new_name`, in every file.
#[expect(clippy::mutable_key_type, reason = "lsp-types keys a WorkspaceEdit's changes by Uri, hashed by its text")]
pub fn rename(analysis: &Analysis, file: FileId, offset: usize, new_name: &str) -> Result<WorkspaceEdit, String> {
    let (id, _) = renameable(analysis, file, offset)?;
    let index = &analysis.index;
    let valid = new_name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!("`{new_name}` is not a name: a letter or `_`, then letters, digits and `_`"));
    }
    if ast::is_reserved(new_name) {
        return Err(format!("`{new_name}` is a reserved word"));
    }
    if let Some(other) =
        index.value(new_name).and_then(|o| index.symbols.get(o)).filter(|_| index.value(new_name) != Some(id))
    {
        return Err(format!("`{new_name}` is already declared as a {}", other.kind.word()));
    }
    let decl = index.symbols.get(id).map(|s| s.name_span);
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for span in decl.into_iter().chain(index.uses_of(id).map(|r| r.span)) {
        if let Some(at) = location(analysis, span) {
            changes.entry(at.uri).or_default().push(TextEdit { range: at.range, new_text: new_name.to_string() });
        }
    }
    Ok(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() })
}
