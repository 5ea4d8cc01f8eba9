//! Where every name of a pack is declared and where it is used: the language server's map for
//! hover, go to definition, find references, rename and completion.
//!
//! The index is built from the syntax trees of every file of the pack (so a define declared in
//! one file and used in another resolves), following the checker's rules: names live in
//! namespaces (fact kinds, categories, values — consts, params and defines — and indicator ids);
//! inside a quantifier a bare name is first a field of the innermost quantifier's fact, and
//! `B.field` reads the fact of the quantifier that binds `B`. The first declaration of a name is
//! the one uses resolve to (a repeat is a check error). It reads declarations that parsed; a
//! declaration that did not parse declares nothing here.

use std::collections::HashMap;

use indicia_syntax::Span;
use indicia_syntax::ast::{self, Decl, Expr, ExprKind, TestEntry};

/// What a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A fact kind (`fact flow { … }`).
    Fact,
    /// A field of a fact kind.
    Field,
    /// A `const`.
    Const,
    /// A `param`.
    Param,
    /// A `define`.
    Define,
    /// A `category`.
    Category,
    /// An `indicator`, named by its id.
    Indicator,
}

impl SymbolKind {
    /// The declaration keyword, for messages.
    pub fn word(self) -> &'static str {
        match self {
            SymbolKind::Fact => "fact",
            SymbolKind::Field => "field",
            SymbolKind::Const => "const",
            SymbolKind::Param => "param",
            SymbolKind::Define => "define",
            SymbolKind::Category => "category",
            SymbolKind::Indicator => "indicator",
        }
    }
}

/// Identifies a symbol: an index into [`Index::symbols`].
pub type SymbolId = usize;

/// One declared name.
#[derive(Clone, Debug)]
pub struct Symbol {
    /// What it is.
    pub kind: SymbolKind,
    /// The name (an indicator's id without quotes).
    pub name: String,
    /// For a field, its fact kind.
    pub parent: Option<SymbolId>,
    /// The name where it is declared (for an indicator, its quoted id).
    pub name_span: Span,
    /// The whole declaration.
    pub decl_span: Span,
    /// For a field or a param, its type as written (`int?`, `[string]`).
    pub ty: Option<String>,
    /// For a const, a param or a define, its value (a param's default).
    pub value: Option<Span>,
}

/// One use of a name.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Where the name is written.
    pub span: Span,
    /// What it names.
    pub symbol: SymbolId,
    /// For a param named in a test's `params`, the value the test gives it.
    pub test_value: Option<Span>,
}

/// A quantifier body: the fact kind its bare names read the fields of.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The body (after `where`).
    pub body: Span,
    /// The kind ranged over.
    pub kind: SymbolId,
}

/// Every declaration and use of a pack's names.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Every declared name, in pack order (a fact's fields follow it).
    pub symbols: Vec<Symbol>,
    /// Every use of a declared name.
    pub references: Vec<Reference>,
    /// Every quantifier body with the kind in scope there.
    pub scopes: Vec<Scope>,
    facts: HashMap<String, SymbolId>,
    fields: HashMap<(SymbolId, String), SymbolId>,
    values: HashMap<String, SymbolId>,
    categories: HashMap<String, SymbolId>,
    indicators: HashMap<String, SymbolId>,
}

/// An enclosing quantifier while walking an expression: its binder and its kind.
type Frame<'a> = (Option<&'a str>, Option<SymbolId>);

impl Index {
    /// The index of a pack's parsed files, in pack order.
    pub fn build<'a>(files: impl IntoIterator<Item = &'a ast::File> + Clone) -> Index {
        let mut index = Index::default();
        for file in files.clone() {
            for decl in &file.decls {
                index.declare(decl);
            }
        }
        for file in files {
            for decl in &file.decls {
                index.uses(decl);
            }
        }
        index
    }

    fn add(&mut self, kind: SymbolKind, name: &str, name_span: Span, decl_span: Span) -> SymbolId {
        let id = self.symbols.len();
        self.symbols.push(Symbol {
            kind,
            name: name.to_string(),
            parent: None,
            name_span,
            decl_span,
            ty: None,
            value: None,
        });
        let table = match kind {
            SymbolKind::Fact => &mut self.facts,
            SymbolKind::Const | SymbolKind::Param | SymbolKind::Define => &mut self.values,
            SymbolKind::Category => &mut self.categories,
            SymbolKind::Indicator => &mut self.indicators,
            SymbolKind::Field => return id,
        };
        table.entry(name.to_string()).or_insert(id);
        id
    }

    fn declare(&mut self, decl: &Decl) {
        match decl {
            Decl::Fact(f) => {
                let fact = self.add(SymbolKind::Fact, &f.name.name, f.name.span, f.span);
                for field in &f.fields {
                    let id = self.add(SymbolKind::Field, &field.name.name, field.name.span, field.span);
                    if let Some(s) = self.symbols.get_mut(id) {
                        s.parent = Some(fact);
                        s.ty = Some(type_text(&field.ty));
                    }
                    self.fields.entry((fact, field.name.name.clone())).or_insert(id);
                }
            }
            Decl::Const(v) | Decl::Define(v) => {
                let kind = if matches!(decl, Decl::Const(_)) { SymbolKind::Const } else { SymbolKind::Define };
                let id = self.add(kind, &v.name.name, v.name.span, v.span);
                if let Some(s) = self.symbols.get_mut(id) {
                    s.value = Some(v.value.span);
                }
            }
            Decl::Param(p) => {
                let id = self.add(SymbolKind::Param, &p.name.name, p.name.span, p.span);
                if let Some(s) = self.symbols.get_mut(id) {
                    s.ty = Some(type_text(&p.ty));
                    s.value = Some(p.default.span);
                }
            }
            Decl::Category(c) => {
                self.add(SymbolKind::Category, &c.name.name, c.name.span, c.span);
            }
            Decl::Indicator(i) => {
                self.add(SymbolKind::Indicator, &i.id.value, i.id.span, i.span);
            }
            Decl::Standard(_) | Decl::Test(_) | Decl::Policy(_) | Decl::Broken(_) => {}
        }
    }

    fn refer(&mut self, span: Span, symbol: Option<SymbolId>) {
        if let Some(symbol) = symbol {
            self.references.push(Reference { span, symbol, test_value: None });
        }
    }

    fn uses(&mut self, decl: &Decl) {
        match decl {
            Decl::Const(v) | Decl::Define(v) => self.expr(&v.value, &mut Vec::new()),
            Decl::Param(p) => self.expr(&p.default, &mut Vec::new()),
            Decl::Indicator(i) => {
                for entry in &i.entries {
                    match (entry.key.name.as_str(), &entry.value.kind) {
                        ("when", _) => self.expr(&entry.value, &mut Vec::new()),
                        ("category", ExprKind::Name(name)) => {
                            let target = self.categories.get(&name.name).copied();
                            self.refer(name.span, target);
                        }
                        _ => {}
                    }
                }
            }
            Decl::Test(t) => {
                for entry in &t.entries {
                    match entry {
                        TestEntry::Params { values, .. } => {
                            for value in values {
                                let target = self.values.get(&value.key.name).copied();
                                let param = target.filter(|&s| self.kind(s) == Some(SymbolKind::Param));
                                if let Some(symbol) = param {
                                    self.references.push(Reference {
                                        span: value.key.span,
                                        symbol,
                                        test_value: Some(value.value.span),
                                    });
                                }
                            }
                        }
                        TestEntry::Expect { target: ast::ExpectTarget::Indicator(id), .. } => {
                            let target = self.indicators.get(&id.value).copied();
                            self.refer(id.span, target);
                        }
                        _ => {}
                    }
                }
            }
            // A policy's conditions (every entry but `default`) use names like a `when`.
            Decl::Policy(p) => {
                for entry in p.entries.iter().filter(|e| e.key.name != "default") {
                    self.expr(&entry.value, &mut Vec::new());
                }
            }
            Decl::Fact(_) | Decl::Category(_) | Decl::Standard(_) | Decl::Broken(_) => {}
        }
    }

    fn kind(&self, symbol: SymbolId) -> Option<SymbolKind> {
        self.symbols.get(symbol).map(|s| s.kind)
    }

    /// The field `name` of the fact kind `fact`.
    pub fn field(&self, fact: SymbolId, name: &str) -> Option<SymbolId> {
        self.fields.get(&(fact, name.to_string())).copied()
    }

    /// The const, param or define `name`.
    pub fn value(&self, name: &str) -> Option<SymbolId> {
        self.values.get(name).copied()
    }

    /// The fact kind `name`.
    pub fn fact(&self, name: &str) -> Option<SymbolId> {
        self.facts.get(name).copied()
    }

    fn expr<'a>(&mut self, e: &'a Expr, frames: &mut Vec<Frame<'a>>) {
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Unknown => {}
            ExprKind::Name(name) => {
                let field = frames.last().and_then(|&(_, kind)| kind).and_then(|k| self.field(k, &name.name));
                let target = field.or_else(|| self.value(&name.name));
                self.refer(name.span, target);
            }
            ExprKind::Field { binder, field } | ExprKind::Has { binder: Some(binder), field } => {
                let kind = frames.iter().rev().find(|(b, _)| *b == Some(binder.name.as_str())).and_then(|f| f.1);
                let target = kind.and_then(|k| self.field(k, &field.name));
                self.refer(field.span, target);
            }
            ExprKind::Has { binder: None, field } => {
                let target = frames.last().and_then(|&(_, kind)| kind).and_then(|k| self.field(k, &field.name));
                self.refer(field.span, target);
            }
            ExprKind::Observed(kind) => {
                let target = self.fact(&kind.name);
                self.refer(kind.span, target);
            }
            ExprKind::Quantifier { binder, kind, body, .. } | ExprKind::Count { binder, kind, body } => {
                let target = self.fact(&kind.name);
                self.refer(kind.span, target);
                if let Some(body) = body {
                    if let Some(kind) = target {
                        self.scopes.push(Scope { body: body.span, kind });
                    }
                    frames.push((binder.as_ref().map(|b| b.name.as_str()), target));
                    self.expr(body, frames);
                    frames.pop();
                }
            }
            ExprKind::Paren(inner) | ExprKind::Not(inner) => self.expr(inner, frames),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, frames);
                self.expr(rhs, frames);
            }
            ExprKind::Pattern { lhs, .. } => self.expr(lhs, frames),
        }
    }

    /// The symbol named at byte `offset` of `file`: a use or a declaration's name.
    pub fn at(&self, file: indicia_syntax::FileId, offset: usize) -> Option<SymbolId> {
        let covers = |s: Span| s.file == file && (s.start as usize) <= offset && offset <= s.end as usize;
        self.references
            .iter()
            .find(|r| covers(r.span))
            .map(|r| r.symbol)
            .or_else(|| self.symbols.iter().position(|s| covers(s.name_span)))
    }

    /// The reference at byte `offset` of `file`, if one is there.
    pub fn reference_at(&self, file: indicia_syntax::FileId, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .find(|r| r.span.file == file && (r.span.start as usize) <= offset && offset <= r.span.end as usize)
    }

    /// Every use of `symbol`, in pack order.
    pub fn uses_of(&self, symbol: SymbolId) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| r.symbol == symbol)
    }

    /// The fields of fact kind `fact`, in declaration order.
    pub fn fields_of(&self, fact: SymbolId) -> impl Iterator<Item = &Symbol> {
        self.symbols.iter().filter(move |s| s.kind == SymbolKind::Field && s.parent == Some(fact))
    }

    /// The kind whose fields bare names read at byte `offset` of `file` (the innermost body).
    pub fn scope_at(&self, file: indicia_syntax::FileId, offset: usize) -> Option<SymbolId> {
        self.scopes
            .iter()
            .filter(|s| s.body.file == file && (s.body.start as usize) <= offset && offset <= s.body.end as usize)
            .min_by_key(|s| s.body.len())
            .map(|s| s.kind)
    }
}

/// A type as written: `int`, `string?`, `[string]?`.
pub fn type_text(ty: &ast::TypeExpr) -> String {
    let scalar = &ty.scalar.name;
    let core = if ty.list { format!("[{scalar}]") } else { scalar.clone() };
    if ty.optional { format!("{core}?") } else { core }
}
