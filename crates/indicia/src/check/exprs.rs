//! Step 4: expressions, resolved and typed into the hir arena.
//!
//! A [`Frame`] stands for each enclosing quantifier (or `count`), innermost last. A bare
//! identifier is first a field of the innermost frame's fact kind, then a const, param or define;
//! `B.field` looks `B` up among the frames' binders. Every expression gets a type; one that has an
//! error gets [`Ty::Error`], which every rule accepts silently, so that one mistake gives one
//! message.

use indicia_syntax::Diagnostic;
use indicia_syntax::Span;
use indicia_syntax::ast::{self, BinOp, ExprKind, Ident, Literal, PatternOp};

use super::types::{Ty, lists_compatible, scalars_compatible};
use super::{Checker, MAX_DEPTH, ValueRef, did_you_mean, error_with_suggestion};
use crate::hir::{self, CmpOp, ExprId, FieldId, KindId, ScalarType, Type, Value};

/// One enclosing quantifier: its binder, if any, and the kind it ranges over (`None` when the
/// kind is unknown or did not parse: then its fields are unknown and every use is silent).
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame<'a> {
    pub(super) binder: Option<&'a Ident>,
    pub(super) kind: Option<KindId>,
}

/// A checked expression: its type and its node in the arena.
#[derive(Clone, Copy, Debug)]
pub(super) struct Typed {
    pub(super) ty: Ty,
    pub(super) id: ExprId,
}

/// A field found by name.
struct FieldRef {
    scope: u32,
    kind: KindId,
    field: FieldId,
    ty: Option<Type>,
    optional: bool,
}

/// The outcome of looking a field up.
enum FieldLookup {
    /// Found.
    Found(FieldRef),
    /// An error was reported, or the kind is unknown: stay silent.
    Silent,
    /// A bare name that is not a field of the innermost kind (and there is one).
    NotAField,
}

/// The parts of a `count(…)`.
#[derive(Clone, Copy)]
struct CountParts<'a> {
    binder: Option<&'a Ident>,
    kind: &'a Ident,
    body: Option<&'a ast::Expr>,
}

/// `e` without the parentheses around it.
fn unparen(mut e: &ast::Expr) -> &ast::Expr {
    while let ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    e
}

/// The `count(…)` that `e` is, parentheses aside.
fn count_parts(e: &ast::Expr) -> Option<CountParts<'_>> {
    match &unparen(e).kind {
        ExprKind::Count { binder, kind, body } => {
            Some(CountParts { binder: binder.as_ref(), kind, body: body.as_deref() })
        }
        _ => None,
    }
}

/// The comparison operator of a binary operator, if it is one.
fn cmp_op(op: BinOp) -> Option<CmpOp> {
    match op {
        BinOp::Eq => Some(CmpOp::Eq),
        BinOp::Ne => Some(CmpOp::Ne),
        BinOp::Lt => Some(CmpOp::Lt),
        BinOp::Le => Some(CmpOp::Le),
        BinOp::Gt => Some(CmpOp::Gt),
        BinOp::Ge => Some(CmpOp::Ge),
        _ => None,
    }
}

/// The type and value of a literal.
pub(super) fn literal(lit: &Literal) -> (ScalarType, Value) {
    match lit {
        Literal::Str(s) => (ScalarType::Str, Value::Str(s.as_str().into())),
        Literal::Int(i) => (ScalarType::Int, Value::Int(*i)),
        Literal::Float(f) => (ScalarType::Float, Value::Float(*f)),
        Literal::Bool(b) => (ScalarType::Bool, Value::Bool(*b)),
    }
}

impl<'a> Checker<'a> {
    /// A node for an expression that has an error: the error type.
    fn error_node(&mut self, span: Span) -> Typed {
        Typed { ty: Ty::Error, id: self.push(hir::Expr::Unknown, span) }
    }

    /// Reports `context takes bool, found T` unless `t` is a `bool` (or an error).
    pub(super) fn expect_bool(&mut self, t: Typed, span: Span, context: &str) {
        if !t.ty.is_bool_or_error() {
            self.report(
                Diagnostic::error(format!("{context} takes `bool`, found {}", t.ty.show()), span).with_code("E0501"),
            );
        }
    }

    /// Checks a condition outside any quantifier (a `when`, a define's body).
    pub(super) fn top_expr(&mut self, e: &'a ast::Expr) -> Typed {
        let mut scope = Vec::new();
        self.expr(e, &mut scope, 0)
    }

    /// Checks one expression in `scope`.
    pub(super) fn expr(&mut self, e: &'a ast::Expr, scope: &mut Vec<Frame<'a>>, depth: usize) -> Typed {
        if depth > MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                self.report(Diagnostic::error("this expression is nested too deeply", e.span).with_code("E0502"));
            }
            return self.error_node(e.span);
        }
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(lit) => {
                let (scalar, value) = literal(lit);
                Typed { ty: Ty::Scalar(scalar), id: self.push(hir::Expr::Lit(value), span) }
            }
            ExprKind::List(items) => match self.list_literal(items) {
                Some((ty, value)) => Typed { ty, id: self.push(hir::Expr::Lit(value), span) },
                None => self.error_node(span),
            },
            ExprKind::Name(id) => self.name(id, scope, span),
            ExprKind::Field { binder, field } => match self.lookup_field(Some(binder), field, scope) {
                FieldLookup::Found(f) => Typed {
                    ty: f.ty.map_or(Ty::Error, Ty::of),
                    id: self.push(hir::Expr::Field { scope: f.scope, kind: f.kind, field: f.field }, span),
                },
                FieldLookup::Silent | FieldLookup::NotAField => self.error_node(span),
            },
            ExprKind::Has { binder, field } => self.has(binder.as_ref(), field, scope, span),
            ExprKind::Unknown => Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Unknown, span) },
            ExprKind::Observed(kind) => match self.resolve_kind(kind) {
                Ok(Some(k)) => Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Observed(k), span) },
                Ok(None) | Err(()) => self.error_node(span),
            },
            ExprKind::Quantifier { quantifier, binder, kind, body } => {
                match self.quantified(binder.as_ref(), kind, body.as_deref(), scope, depth) {
                    Some((kind, body)) => Typed {
                        ty: Ty::BOOL,
                        id: self.push(hir::Expr::Quant { quantifier: *quantifier, kind, body }, span),
                    },
                    None => self.error_node(span),
                }
            }
            ExprKind::Count { binder, kind, body } => {
                let help = "compare it with a number, e.g. `count(flow) > 3`; the number is a literal, or a \
                            const, param or define of type `int` or `float`";
                self.report(
                    Diagnostic::error("`count(…)` may only be compared with a number", span)
                        .with_code("E0503")
                        .with_help(help),
                );
                self.quantified(binder.as_ref(), kind, body.as_deref(), scope, depth);
                self.error_node(span)
            }
            ExprKind::Paren(inner) => self.expr(inner, scope, depth + 1),
            ExprKind::Not(inner) => {
                let t = self.expr(inner, scope, depth + 1);
                self.expect_bool(t, inner.span, "`not`");
                Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Not(t.id), span) }
            }
            ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), .. } => self.logic_chain(*op, e, scope, depth),
            ExprKind::Binary { op, lhs, rhs } => match op {
                BinOp::In | BinOp::NotIn => self.membership(*op, lhs, rhs, span, scope, depth),
                BinOp::Intersects => self.intersects(lhs, rhs, span, scope, depth),
                _ => match cmp_op(*op) {
                    Some(cmp) => self.comparison(cmp, lhs, rhs, span, scope, depth),
                    None => self.error_node(span),
                },
            },
            ExprKind::Pattern { op, lhs, pattern } => {
                let subject = self.expr(lhs, scope, depth + 1);
                if !subject.ty.is_error() && subject.ty != Ty::Scalar(ScalarType::Str) {
                    let message = format!("`{}` takes a `string`, found {}", op.keyword(), subject.ty.show());
                    self.report(Diagnostic::error(message, lhs.span).with_code("E0504"));
                }
                match self.pattern(*op, pattern) {
                    Some(pattern) => {
                        Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Match { subject: subject.id, pattern }, span) }
                    }
                    None => Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Unknown, span) },
                }
            }
        }
    }

    /// A chain `a and b and c` (or `or`), which the parser nests to the left: walked as a list so
    /// that a long chain costs no stack.
    fn logic_chain(&mut self, op: BinOp, e: &'a ast::Expr, scope: &mut Vec<Frame<'a>>, depth: usize) -> Typed {
        let mut operands = Vec::new();
        let mut current = e;
        loop {
            match &current.kind {
                ExprKind::Binary { op: o, lhs, rhs } if *o == op => {
                    operands.push(&**rhs);
                    current = lhs;
                }
                _ => {
                    operands.push(current);
                    break;
                }
            }
        }
        let context = format!("`{}`", op.symbol());
        let mut acc: Option<(ExprId, Span)> = None;
        for operand in operands.into_iter().rev() {
            let t = self.expr(operand, scope, depth + 1);
            self.expect_bool(t, operand.span, &context);
            acc = Some(match acc {
                None => (t.id, operand.span),
                Some((left, left_span)) => {
                    let joined = left_span.to(operand.span);
                    let node = if op == BinOp::And { hir::Expr::And(left, t.id) } else { hir::Expr::Or(left, t.id) };
                    (self.push(node, joined), joined)
                }
            });
        }
        match acc {
            Some((id, _)) => {
                if let Some(s) = self.expr_spans.get_mut(id.index()) {
                    *s = e.span;
                }
                Typed { ty: Ty::BOOL, id }
            }
            None => self.error_node(e.span),
        }
    }

    /// A bare identifier: a field of the innermost quantifier's fact, else a const, param or define.
    pub(super) fn name(&mut self, id: &'a Ident, scope: &[Frame<'a>], span: Span) -> Typed {
        if !scope.is_empty() {
            match self.lookup_field(None, id, scope) {
                FieldLookup::Found(f) => {
                    let node = hir::Expr::Field { scope: f.scope, kind: f.kind, field: f.field };
                    return Typed { ty: f.ty.map_or(Ty::Error, Ty::of), id: self.push(node, span) };
                }
                FieldLookup::Silent => return self.error_node(span),
                FieldLookup::NotAField => {}
            }
        }
        let target = self.values.get(id.name.as_str()).and_then(|d| d.target);
        match target {
            Some(ValueRef::Const(i)) => match self.consts.get(i) {
                Some(c) => {
                    self.used_consts.insert(i);
                    let (ty, value) = (c.ty, c.value.clone());
                    Typed { ty, id: self.push(hir::Expr::Lit(value), span) }
                }
                None => self.error_node(span),
            },
            Some(ValueRef::Param(p)) => {
                let ty = self.params.get(p.index()).map_or(Ty::Error, |p| p.ty);
                Typed { ty, id: self.push(hir::Expr::Param(p), span) }
            }
            Some(ValueRef::Define(d)) => {
                let ty = self.defines.get(d.index()).map_or(Ty::Error, |d| d.ty);
                Typed { ty, id: self.push(hir::Expr::Define(d), span) }
            }
            Some(ValueRef::Broken) => self.error_node(span),
            None => {
                self.unknown_name(id, scope);
                self.error_node(span)
            }
        }
    }

    /// Reports an unknown bare identifier, with the nearest value or field as a suggestion, and a
    /// help line when it is a field that is not in reach.
    fn unknown_name(&mut self, id: &Ident, scope: &[Frame<'a>]) {
        let message = format!("unknown name `{}`", id.name);
        if self.hints_left == 0 {
            self.report(Diagnostic::error(message, id.span).with_code("E0505"));
            return;
        }
        let innermost = scope.last().and_then(|f| f.kind).and_then(|k| self.kind(k));
        let fields = innermost.map(|k| k.fields.iter().map(|f| f.name.as_str())).into_iter().flatten();
        let candidates: Vec<String> = self.values.keys().copied().chain(fields).map(str::to_string).collect();
        let label = self.hint(&id.name, candidates.iter().map(String::as_str));
        let mut diagnostic = error_with_suggestion(message, id.span, label).with_code("E0505");
        let outer_kind = scope
            .iter()
            .rev()
            .skip(1)
            .filter_map(|f| f.kind.and_then(|k| self.kind(k)))
            .find(|k| k.field(&id.name).is_some());
        if let Some(kind) = outer_kind {
            diagnostic = diagnostic.with_help(format!(
                "`{}` is a field of `{}`, which an enclosing quantifier ranges over: bind that fact \
                 (`any f in {} …`) and write `f.{}`",
                id.name, kind.name, kind.name, id.name
            ));
        } else if scope.is_empty() {
            let kinds = self.kinds_with_field(&id.name);
            if let Some(kind) = kinds.first() {
                diagnostic = diagnostic.with_help(format!(
                    "`{}` is a field of `{kind}`; a field is read inside a quantifier over its fact kind, \
                     e.g. `any {kind} where …`",
                    id.name
                ));
            }
        }
        self.report(diagnostic);
    }

    /// Looks up `field` (bare) or `binder.field`.
    fn lookup_field(&mut self, binder: Option<&Ident>, field: &Ident, scope: &[Frame<'a>]) -> FieldLookup {
        let (depth, frame) = match binder {
            None => match scope.last() {
                Some(frame) => (0usize, *frame),
                None => return FieldLookup::NotAField,
            },
            Some(binder) => {
                let found =
                    scope.iter().rev().enumerate().find(|(_, f)| f.binder.is_some_and(|b| b.name == binder.name));
                match found {
                    Some((depth, frame)) => (depth, *frame),
                    None => {
                        self.unknown_binder(binder, scope);
                        return FieldLookup::Silent;
                    }
                }
            }
        };
        let Some(kind_id) = frame.kind else { return FieldLookup::Silent };
        let Some(kind) = self.kind(kind_id) else { return FieldLookup::Silent };
        match kind.field(&field.name) {
            Some((field_id, info)) => FieldLookup::Found(FieldRef {
                scope: u32::try_from(depth).unwrap_or(u32::MAX),
                kind: kind_id,
                field: field_id,
                ty: info.ty,
                optional: info.optional,
            }),
            None if binder.is_none() => FieldLookup::NotAField,
            None => {
                let message = format!("fact kind `{}` has no field `{}`", kind.name, field.name);
                let fields: Vec<String> = kind.fields.iter().map(|f| f.name.clone()).collect();
                let label = self.hint(&field.name, fields.iter().map(String::as_str));
                self.report(error_with_suggestion(message, field.span, label).with_code("E0506"));
                FieldLookup::Silent
            }
        }
    }

    /// Reports `B.field` where no enclosing quantifier binds `B`.
    fn unknown_binder(&mut self, binder: &Ident, scope: &[Frame<'a>]) {
        let label = did_you_mean(&binder.name, scope.iter().filter_map(|f| f.binder.map(|b| b.name.as_str())));
        let message = format!("unknown binder `{}`", binder.name);
        let help = format!(
            "`{0}.field` reads the fact bound by an enclosing `any {0} in …`, `all {0} in …`, `none {0} in …` \
             or `count({0} in …)`",
            binder.name
        );
        self.report(error_with_suggestion(message, binder.span, label).with_code("E0507").with_help(help));
    }

    /// `has f` or `has B.f`: the field must be optional.
    fn has(&mut self, binder: Option<&Ident>, field: &Ident, scope: &[Frame<'a>], span: Span) -> Typed {
        match self.lookup_field(binder, field, scope) {
            FieldLookup::Found(f) => {
                if !f.optional {
                    let kind = self.kind(f.kind).map_or("", |k| k.name.as_str());
                    let message =
                        format!("`has` takes an optional field, but `{}` of `{kind}` is required", field.name);
                    let help = "a required field is always present, so `has` would always be true";
                    self.report(Diagnostic::error(message, field.span).with_code("E0508").with_help(help));
                }
                let node = hir::Expr::Has { scope: f.scope, kind: f.kind, field: f.field };
                Typed { ty: Ty::BOOL, id: self.push(node, span) }
            }
            FieldLookup::Silent => self.error_node(span),
            FieldLookup::NotAField => {
                match scope.last().and_then(|f| f.kind).and_then(|k| self.kind(k)) {
                    Some(kind) => {
                        let message = format!("fact kind `{}` has no field `{}`", kind.name, field.name);
                        let fields: Vec<String> = kind.fields.iter().map(|f| f.name.clone()).collect();
                        let label = self.hint(&field.name, fields.iter().map(String::as_str));
                        self.report(error_with_suggestion(message, field.span, label).with_code("E0506"));
                    }
                    None => {
                        let message = format!("`has {}` reads a field, and no quantifier encloses it", field.name);
                        let help = "write `has` inside a quantifier, e.g. `any flow where has country`";
                        self.report(Diagnostic::error(message, field.span).with_code("E0509").with_help(help));
                    }
                }
                self.error_node(span)
            }
        }
    }

    /// The kind and body of a quantifier or `count`: `None` when the kind is unknown.
    fn quantified(
        &mut self,
        binder: Option<&'a Ident>,
        kind: &'a Ident,
        body: Option<&'a ast::Expr>,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
    ) -> Option<(KindId, Option<ExprId>)> {
        let kind_id = self.resolve_kind(kind).ok().flatten();
        if let Some(b) = binder {
            let outer = scope.iter().rev().find_map(|f| f.binder.filter(|o| o.name == b.name));
            if let Some(outer) = outer {
                let label = format!("`{}` is already bound at {}", b.name, self.place(outer.span, b.span));
                let message = format!("binder `{}` is already bound by an enclosing quantifier", b.name);
                self.report(Diagnostic::error(message, b.span).with_code("E0510").with_label(label));
            }
        }
        scope.push(Frame { binder, kind: kind_id });
        let body_id = body.map(|b| {
            let t = self.expr(b, scope, depth + 1);
            self.expect_bool(t, b.span, "a `where` body");
            t.id
        });
        scope.pop();
        kind_id.map(|k| (k, body_id))
    }

    /// `lhs op rhs`, where either side may be a `count(…)`.
    fn comparison(
        &mut self,
        op: CmpOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        span: Span,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
    ) -> Typed {
        match (count_parts(lhs), count_parts(rhs)) {
            (Some(left), Some(right)) => {
                let message = "a `count(…)` cannot be compared with another `count(…)`";
                let help = "compare each count with a number, and join the comparisons with `and` or `or`";
                self.report(Diagnostic::error(message, span).with_code("E0511").with_help(help));
                self.quantified(left.binder, left.kind, left.body, scope, depth + 1);
                self.quantified(right.binder, right.kind, right.body, scope, depth + 1);
                self.error_node(span)
            }
            (Some(count), None) => self.count_comparison(count, op, rhs, span, scope, depth),
            (None, Some(count)) => self.count_comparison(count, op.flip(), lhs, span, scope, depth),
            (None, None) => {
                let (l, r) =
                    self.operands(lhs, rhs, scope, depth, |checker, l, r| checker.check_comparison(op, l, r, span));
                Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Compare { op, lhs: l.id, rhs: r.id }, span) }
            }
        }
    }

    /// Types both operands of a binary operator, left first, and runs `rule` (the operator's typing
    /// rule, which reports what it finds wrong) on their types and spans, unless either already has
    /// an error: that one was reported where it arose.
    fn operands(
        &mut self,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
        rule: impl FnOnce(&mut Self, (Ty, Span), (Ty, Span)),
    ) -> (Typed, Typed) {
        let l = self.expr(lhs, scope, depth + 1);
        let r = self.expr(rhs, scope, depth + 1);
        if !l.ty.is_error() && !r.ty.is_error() {
            rule(self, (l.ty, lhs.span), (r.ty, rhs.span));
        }
        (l, r)
    }

    /// The typing rule of `==`, `!=` (two scalars of one type) and `<`, `<=`, `>`, `>=` (numbers).
    fn check_comparison(&mut self, op: CmpOp, (l, lspan): (Ty, Span), (r, rspan): (Ty, Span), span: Span) {
        let symbol = op.symbol();
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            if let Some((ty, at)) = [(l, lspan), (r, rspan)].into_iter().find(|(t, _)| t.is_list()) {
                let message = format!("`{symbol}` compares two scalars, found {}", ty.show());
                let help = "to look a value up in a list, write `x in list`; to compare two lists, `a intersects b`";
                self.report(Diagnostic::error(message, at).with_code("E0512").with_help(help));
                return;
            }
            if let (Ty::Scalar(a), Ty::Scalar(b)) = (l, r)
                && !scalars_compatible(a, b)
            {
                let message =
                    format!("`{symbol}` compares two values of one type, found {} and {}", l.show(), r.show());
                self.report(Diagnostic::error(message, span).with_code("E0513"));
            }
        } else if let Some((ty, at)) = [(l, lspan), (r, rspan)].into_iter().find(|(t, _)| !t.is_numeric()) {
            let message = format!("`{symbol}` compares numbers, found {}", ty.show());
            self.report(Diagnostic::error(message, at).with_code("E0514"));
        }
    }

    /// `count(…) op n`, the count on the left.
    fn count_comparison(
        &mut self,
        count: CountParts<'a>,
        op: CmpOp,
        number: &'a ast::Expr,
        span: Span,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
    ) -> Typed {
        let counted = self.quantified(count.binder, count.kind, count.body, scope, depth + 1);
        let n = self.count_number(number, scope, depth + 1);
        match (counted, n) {
            (Some((kind, body)), Some(n)) => {
                Typed { ty: Ty::BOOL, id: self.push(hir::Expr::CountCmp { kind, body, op, n }, span) }
            }
            _ => Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Unknown, span) },
        }
    }

    /// The number a `count(…)` is compared with: a numeric literal, const, param or define.
    fn count_number(&mut self, number: &'a ast::Expr, scope: &mut Vec<Frame<'a>>, depth: usize) -> Option<ExprId> {
        let inner = unparen(number);
        let help = "a `count(…)` is compared with a number: a numeric literal, or a const, param or define of \
                    type `int` or `float`";
        let t = match &inner.kind {
            ExprKind::Literal(Literal::Int(_) | Literal::Float(_)) => return Some(self.expr(inner, scope, depth).id),
            ExprKind::Name(id) => {
                let t = self.name(id, scope, inner.span);
                if let Some(hir::Expr::Field { .. }) = self.exprs.get(t.id.index()) {
                    let message = format!("a `count(…)` cannot be compared with the field `{}`", id.name);
                    self.report(Diagnostic::error(message, inner.span).with_code("E0515").with_help(help));
                    return None;
                }
                t
            }
            _ => self.expr(inner, scope, depth),
        };
        if t.ty.is_error() {
            return None;
        }
        let plain_number = matches!(inner.kind, ExprKind::Name(_)) && t.ty.is_numeric();
        if !plain_number {
            let message = format!("a `count(…)` is compared with a number, found {}", t.ty.show());
            self.report(Diagnostic::error(message, inner.span).with_code("E0516").with_help(help));
            return None;
        }
        Some(t.id)
    }

    /// `x in L` and `x not in L`.
    fn membership(
        &mut self,
        op: BinOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        span: Span,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
    ) -> Typed {
        let (l, r) = self.operands(lhs, rhs, scope, depth, |checker, l, r| checker.check_membership(op, l, r, span));
        let id = self.push(hir::Expr::In { elem: l.id, list: r.id }, span);
        let id = if op == BinOp::NotIn { self.push(hir::Expr::Not(id), span) } else { id };
        Typed { ty: Ty::BOOL, id }
    }

    /// The typing rule of `in` and `not in`: a scalar on the left, a list of its type on the right.
    fn check_membership(&mut self, op: BinOp, (l, lspan): (Ty, Span), (r, rspan): (Ty, Span), span: Span) {
        let symbol = op.symbol();
        match (l, r) {
            (Ty::Scalar(x), Ty::List(e)) if !scalars_compatible(x, e) => {
                let message =
                    format!("`{symbol}` takes a value and a list of its type, found {} and {}", l.show(), r.show());
                self.report(Diagnostic::error(message, span).with_code("E0517"));
            }
            (Ty::Scalar(_), Ty::List(_) | Ty::EmptyList) => {}
            (Ty::Scalar(_), other) => {
                let message = format!("`{symbol}` takes a list on its right, found {}", other.show());
                self.report(Diagnostic::error(message, rspan).with_code("E0518"));
            }
            (other, _) => {
                let message = format!("`{symbol}` takes a scalar on its left, found {}", other.show());
                let help = "to compare two lists, write `a intersects b`";
                self.report(Diagnostic::error(message, lspan).with_code("E0519").with_help(help));
            }
        }
    }

    /// `a intersects b`.
    fn intersects(
        &mut self,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        span: Span,
        scope: &mut Vec<Frame<'a>>,
        depth: usize,
    ) -> Typed {
        let (l, r) = self.operands(lhs, rhs, scope, depth, |checker, l, r| checker.check_intersects(l, r, span));
        Typed { ty: Ty::BOOL, id: self.push(hir::Expr::Intersects { lhs: l.id, rhs: r.id }, span) }
    }

    /// The typing rule of `intersects`: two lists of one element type.
    fn check_intersects(&mut self, (l, lspan): (Ty, Span), (r, rspan): (Ty, Span), span: Span) {
        if let Some((ty, at)) = [(l, lspan), (r, rspan)].into_iter().find(|(t, _)| !t.is_list()) {
            let message = format!("`intersects` takes two lists, found {}", ty.show());
            self.report(Diagnostic::error(message, at).with_code("E0520"));
        } else if !lists_compatible(l, r) {
            let message =
                format!("`intersects` takes two lists of one element type, found {} and {}", l.show(), r.show());
            self.report(Diagnostic::error(message, span).with_code("E0521"));
        }
    }

    /// A list literal: literals of one type (`int` and `float` mix into a `float` list, whose
    /// elements are then all floats). `None` after reporting an error.
    pub(super) fn list_literal(&mut self, items: &[ast::Expr]) -> Option<(Ty, Value)> {
        let mut element: Option<ScalarType> = None;
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let ExprKind::Literal(lit) = &item.kind else {
                let help = if matches!(item.kind, ExprKind::Unknown) {
                    "`unknown` is an operand, not a literal"
                } else {
                    "a list literal holds strings, numbers or booleans written out"
                };
                self.report(
                    Diagnostic::error("a list takes literals only", item.span).with_code("E0522").with_help(help),
                );
                ok = false;
                continue;
            };
            let (scalar, value) = literal(lit);
            element = match element {
                None => Some(scalar),
                Some(e) if e == scalar => Some(e),
                Some(e) if e.is_numeric() && scalar.is_numeric() => Some(ScalarType::Float),
                Some(e) => {
                    let message =
                        format!("a list takes elements of one type, found `{}` and `{}`", e.name(), scalar.name());
                    self.report(Diagnostic::error(message, item.span).with_code("E0523"));
                    ok = false;
                    Some(e)
                }
            };
            values.push(value);
        }
        if !ok {
            return None;
        }
        match element {
            None => Some((Ty::EmptyList, Value::List(values.into()))),
            Some(ScalarType::Float) => {
                let floats: Vec<Value> = values.iter().map(super::types::int_to_float).collect();
                Some((Ty::List(ScalarType::Float), Value::List(floats.into())))
            }
            Some(scalar) => Some((Ty::List(scalar), Value::List(values.into()))),
        }
    }

    /// A literal or a list of literals, as a const, a param's default or a test's param must be;
    /// `what` names the place for the message. `None` after reporting an error.
    pub(super) fn constant(&mut self, e: &ast::Expr, what: &str) -> Option<(Ty, Value)> {
        match &e.kind {
            ExprKind::Literal(lit) => {
                let (scalar, value) = literal(lit);
                Some((Ty::Scalar(scalar), value))
            }
            ExprKind::List(items) => self.list_literal(items),
            other => {
                let message = format!("{what} takes a literal or a list of literals");
                let diagnostic = Diagnostic::error(message, e.span).with_code("E0524");
                let diagnostic = match other {
                    ExprKind::Unknown => diagnostic.with_help("`unknown` is an operand, not a literal"),
                    ExprKind::Name(_) => {
                        diagnostic.with_help("write the value out: a const, param or define is not a literal")
                    }
                    _ => diagnostic,
                };
                self.report(diagnostic);
                None
            }
        }
    }

    /// A `matches`/`like` pattern, compiled once per distinct pattern; `None` after reporting
    /// that it does not compile.
    fn pattern(&mut self, op: PatternOp, lit: &ast::StrLit) -> Option<hir::PatternId> {
        let key = (op, lit.value.clone());
        let compiled = match self.pattern_cache.get(&key) {
            Some(done) => done.clone(),
            None => {
                let result = super::patterns::compile(op, &lit.value).map(|regex| {
                    let id = hir::PatternId(u32::try_from(self.patterns.len()).unwrap_or(u32::MAX));
                    self.patterns.push(hir::Pattern { op, source: lit.value.clone(), regex });
                    id
                });
                self.pattern_cache.insert(key, result.clone());
                result
            }
        };
        match compiled {
            Ok(id) => Some(id),
            Err(reason) => {
                let what = match op {
                    PatternOp::Matches => "regular expression",
                    PatternOp::Like => "glob",
                };
                let message = format!("`{}` is not a valid {what}", super::patterns::shown(&lit.value));
                self.report(Diagnostic::error(message, lit.span).with_code("E0525").with_label(reason));
                None
            }
        }
    }
}
