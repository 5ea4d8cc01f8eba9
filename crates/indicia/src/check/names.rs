//! Step 1: every declaration's name in its namespace, the `fact` schema, and the lookups that
//! expressions use (fact kinds, fields, binders).
//!
//! Four namespaces: fact kinds, categories, values (consts, params and defines) and indicator ids.
//! A name is declared once in its namespace; a repeat is an error at the second declaration (in
//! pack order) and the first one stands. A declaration that did not parse declares its name
//! anyway, as a broken target, so that its uses raise no further error.

use std::collections::HashMap;

use indicia_syntax::Diagnostic;
use indicia_syntax::ast::{self, Decl, DeclKind, Ident};

use super::types::{SCALAR_NAMES, scalar_named};
use super::{Checker, ConstInfo, Declared, DefineInfo, ParamInfo, ValueRef, did_you_mean, error_with_suggestion};
use crate::hir::{self, CategoryId, DefineId, FieldId, KindId, ParamId, Type, Value};

/// One fact kind as the checker sees it: fields whose type did not check are kept (so that their
/// uses are silent) with no type.
#[derive(Clone, Debug)]
pub(super) struct KindInfo {
    pub(super) name: String,
    pub(super) fields: Vec<FieldInfo>,
    /// Field name to index in `fields`.
    index: HashMap<String, FieldId>,
}

/// One field of a fact kind.
#[derive(Clone, Debug)]
pub(super) struct FieldInfo {
    pub(super) name: String,
    /// `None` when the written type is not a type.
    pub(super) ty: Option<Type>,
    pub(super) optional: bool,
}

impl KindInfo {
    /// The hir fact kind (only called for a pack without errors, where every type is known).
    pub(super) fn into_hir(self) -> hir::FactKind {
        hir::FactKind {
            name: self.name,
            fields: self
                .fields
                .into_iter()
                .map(|f| hir::Field { name: f.name, ty: f.ty.unwrap_or(Type::BOOL), optional: f.optional })
                .collect(),
        }
    }

    /// The field named `name`.
    pub(super) fn field(&self, name: &str) -> Option<(FieldId, &FieldInfo)> {
        let id = *self.index.get(name)?;
        Some((id, self.fields.get(id.index())?))
    }
}

/// An index type from a vector length.
fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl<'a> Checker<'a> {
    /// Declares every name of the pack, in pack order.
    pub(super) fn declare_all(&mut self, decls: &[&'a Decl]) {
        for decl in decls {
            match decl {
                Decl::Standard(d) => self.standards.push(d),
                Decl::Category(d) => self.declare_category(d),
                Decl::Fact(d) => self.declare_fact(d),
                Decl::Const(d) => {
                    let slot = self.consts.len();
                    if self.declare_value(&d.name, ValueRef::Const(slot)) {
                        self.consts.push(ConstInfo { decl: d, ty: super::Ty::Error, value: Value::Bool(false) });
                    }
                }
                Decl::Param(d) => {
                    let id = ParamId(index(self.params.len()));
                    if self.declare_value(&d.name, ValueRef::Param(id)) {
                        self.params.push(ParamInfo {
                            decl: d,
                            name: d.name.name.clone(),
                            ty: super::Ty::Error,
                            default: Value::Bool(false),
                        });
                    }
                }
                Decl::Define(d) => {
                    let id = DefineId(index(self.defines.len()));
                    if self.declare_value(&d.name, ValueRef::Define(id)) {
                        self.defines.push(DefineInfo { decl: d, ty: super::Ty::Error, body: None });
                    }
                }
                Decl::Indicator(d) => {
                    let fresh = self.declare_indicator(&d.id.value, d.id.span);
                    self.indicators.push((d, fresh));
                }
                Decl::Test(d) => self.tests.push(d),
                // `load::check_pack` lowers a policy pack before checking it; a `policy` that
                // reaches the checker was handed over directly.
                Decl::Policy(d) => self.report(
                    Diagnostic::error("a `policy` must be checked as a policy pack", d.name.span)
                        .with_code("E0301")
                        .with_help("load it with `indicia::load::check_pack`"),
                ),
                Decl::Broken(d) => self.declare_broken(d),
            }
        }
    }

    /// A declaration that did not parse: its name counts as declared (without a repeat error,
    /// which would only echo the parse error).
    fn declare_broken(&mut self, decl: &'a ast::BrokenDecl) {
        let Some(name) = &decl.name else { return };
        let key = name.name.as_str();
        let span = name.span;
        let broken_kind = |c: &mut Checker<'a>| {
            c.kinds.entry(key).or_insert(Declared { target: None, span });
        };
        let broken_category = |c: &mut Checker<'a>| {
            c.category_names.entry(key).or_insert(Declared { target: None, span });
        };
        let broken_value = |c: &mut Checker<'a>| {
            c.values.entry(key).or_insert(Declared { target: Some(ValueRef::Broken), span });
        };
        match decl.kind {
            Some(DeclKind::Fact) => broken_kind(self),
            Some(DeclKind::Category) => broken_category(self),
            Some(DeclKind::Const | DeclKind::Param | DeclKind::Define) => broken_value(self),
            Some(DeclKind::Indicator) => {
                self.indicator_ids.entry(key).or_insert(Declared { target: None, span });
            }
            Some(DeclKind::Standard | DeclKind::Test | DeclKind::Policy) => {}
            None => {
                broken_kind(self);
                broken_category(self);
                broken_value(self);
            }
        }
    }

    /// Declares a const, param or define; false (with an error) when the name is taken.
    fn declare_value(&mut self, name: &'a Ident, target: ValueRef) -> bool {
        if let Some(first) = self.values.get(name.name.as_str()).copied() {
            if first.target.is_some_and(|t| !matches!(t, ValueRef::Broken)) {
                let what = first.target.map_or("a name", ValueRef::what);
                let label = format!("first declared as {what} at {}", self.place(first.span, name.span));
                self.report(
                    Diagnostic::error(format!("`{}` is declared twice", name.name), name.span)
                        .with_code("E0302")
                        .with_label(label),
                );
            }
            return false;
        }
        self.values.insert(&name.name, Declared { target: Some(target), span: name.span });
        true
    }

    /// Declares an indicator id; false (with an error) when it is taken.
    fn declare_indicator(&mut self, id: &'a str, span: indicia_syntax::Span) -> bool {
        if let Some(first) = self.indicator_ids.get(id).copied() {
            if first.target.is_some() {
                let label = format!("first declared at {}", self.place(first.span, span));
                self.report(
                    Diagnostic::error(format!("indicator `{id}` is declared twice"), span)
                        .with_code("E0303")
                        .with_label(label),
                );
            }
            return false;
        }
        self.indicator_ids.insert(id, Declared { target: Some(()), span });
        true
    }

    fn declare_category(&mut self, decl: &'a ast::BlockDecl) {
        let name = &decl.name;
        if let Some(first) = self.category_names.get(name.name.as_str()).copied() {
            if first.target.is_some() {
                let label = format!("first declared at {}", self.place(first.span, name.span));
                let message = format!("category `{}` is declared twice", name.name);
                self.report(Diagnostic::error(message, name.span).with_code("E0304").with_label(label));
            }
            return;
        }
        let id = CategoryId(index(self.categories.len()));
        self.category_names.insert(&name.name, Declared { target: Some(id), span: name.span });
        let category = hir::Category { id: name.name.clone(), title: String::new(), description: None };
        self.categories.push(super::CategoryInfo { decl, category });
    }

    /// Declares a fact kind and reads its fields.
    fn declare_fact(&mut self, decl: &'a ast::FactDecl) {
        let name = &decl.name;
        if let Some(first) = self.kinds.get(name.name.as_str()).copied() {
            if first.target.is_some() {
                let label = format!("first declared at {}", self.place(first.span, name.span));
                let message = format!("fact kind `{}` is declared twice", name.name);
                self.report(Diagnostic::error(message, name.span).with_code("E0305").with_label(label));
            }
            return;
        }
        let mut fields: Vec<FieldInfo> = Vec::with_capacity(decl.fields.len());
        let mut field_index: HashMap<String, FieldId> = HashMap::with_capacity(decl.fields.len());
        let mut field_spans: Vec<indicia_syntax::Span> = Vec::with_capacity(decl.fields.len());
        for field in &decl.fields {
            let first = field_index.get(&field.name.name).and_then(|id| field_spans.get(id.index())).copied();
            if let Some(first) = first {
                let label = format!("first declared at {}", self.place(first, field.name.span));
                let message = format!("field `{}` is declared twice in `{}`", field.name.name, name.name);
                self.report(Diagnostic::error(message, field.name.span).with_code("E0306").with_label(label));
                continue;
            }
            let ty = self.written_type(&field.ty).map(|(ty, _)| ty);
            field_index.insert(field.name.name.clone(), FieldId(index(fields.len())));
            fields.push(FieldInfo { name: field.name.name.clone(), ty, optional: field.ty.optional });
            field_spans.push(field.name.span);
        }
        let id = KindId(index(self.kind_info.len()));
        self.kinds.insert(&name.name, Declared { target: Some(id), span: name.span });
        self.kind_info.push(KindInfo { name: name.name.clone(), fields, index: field_index });
    }

    /// The type a `TypeExpr` names (the `?` is left to the caller), or an error.
    pub(super) fn written_type(&mut self, ty: &ast::TypeExpr) -> Option<(Type, bool)> {
        match scalar_named(&ty.scalar.name) {
            Some(scalar) => Some((Type { scalar, list: ty.list }, ty.optional)),
            None => {
                let message = format!("unknown type `{}`", ty.scalar.name);
                let label = did_you_mean(&ty.scalar.name, SCALAR_NAMES);
                let help = "a type is `bool`, `int`, `float`, `string`, or a list of one of them such as `[string]`";
                self.report(error_with_suggestion(message, ty.scalar.span, label).with_code("E0307").with_help(help));
                None
            }
        }
    }

    /// Resolves a fact kind name: `Ok(Some(id))`, `Ok(None)` for a kind whose declaration did not
    /// parse, `Err(())` after reporting an unknown kind.
    pub(super) fn resolve_kind(&mut self, name: &Ident) -> Result<Option<KindId>, ()> {
        if let Some(declared) = self.kinds.get(name.name.as_str()) {
            return Ok(declared.target);
        }
        let kinds: Vec<&str> = if self.hints_left > 0 { self.kinds.keys().copied().collect() } else { Vec::new() };
        let label = self.hint(&name.name, kinds);
        self.report(
            error_with_suggestion(format!("unknown fact kind `{}`", name.name), name.span, label).with_code("E0308"),
        );
        Err(())
    }

    /// The kind with id `id`.
    pub(super) fn kind(&self, id: KindId) -> Option<&KindInfo> {
        self.kind_info.get(id.index())
    }

    /// Fact kinds (by name, sorted) that have a field named `field`: for help lines.
    pub(super) fn kinds_with_field(&self, field: &str) -> Vec<&str> {
        let mut found: Vec<&str> =
            self.kind_info.iter().filter(|k| k.field(field).is_some()).map(|k| k.name.as_str()).collect();
        found.sort_unstable();
        found
    }

    /// Resolves a category name for an indicator: `Ok(Some(id))`, `Ok(None)` for a category whose
    /// declaration did not parse, `Err(())` after reporting an unknown one.
    pub(super) fn resolve_category(&mut self, name: &Ident) -> Result<Option<CategoryId>, ()> {
        if let Some(declared) = self.category_names.get(name.name.as_str()) {
            return Ok(declared.target);
        }
        let names: Vec<&str> =
            if self.hints_left > 0 { self.category_names.keys().copied().collect() } else { Vec::new() };
        let label = self.hint(&name.name, names);
        self.report(
            error_with_suggestion(format!("unknown category `{}`", name.name), name.span, label).with_code("E0309"),
        );
        Err(())
    }
}
