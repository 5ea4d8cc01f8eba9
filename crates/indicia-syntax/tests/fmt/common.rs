//! Helpers shared by the formatter's tests.

#![allow(dead_code)]

use indicia_syntax::Span;
use indicia_syntax::ast::*;

/// Sets every span of `file` (comments included) to the default, so that trees parsed from
/// different texts compare equal when only their layout differs.
pub fn erase_spans(file: &mut File) {
    for c in &mut file.comments {
        c.span = Span::default();
    }
    for d in &mut file.decls {
        match d {
            Decl::Standard(b) | Decl::Category(b) | Decl::Policy(b) => {
                b.span = Span::default();
                ident(&mut b.name);
                b.entries.iter_mut().for_each(entry);
            }
            Decl::Fact(f) => {
                f.span = Span::default();
                ident(&mut f.name);
                for field in &mut f.fields {
                    field.span = Span::default();
                    ident(&mut field.name);
                    ty(&mut field.ty);
                }
            }
            Decl::Const(v) | Decl::Define(v) => {
                v.span = Span::default();
                ident(&mut v.name);
                expr(&mut v.value);
            }
            Decl::Param(p) => {
                p.span = Span::default();
                ident(&mut p.name);
                ty(&mut p.ty);
                expr(&mut p.default);
            }
            Decl::Indicator(i) => {
                i.span = Span::default();
                i.id.span = Span::default();
                i.entries.iter_mut().for_each(entry);
            }
            Decl::Test(t) => {
                t.span = Span::default();
                t.name.span = Span::default();
                for e in &mut t.entries {
                    match e {
                        TestEntry::Field(e) => entry(e),
                        TestEntry::Params { key, values, span } => {
                            *span = Span::default();
                            ident(key);
                            values.iter_mut().for_each(entry);
                        }
                        TestEntry::Expect { target, value, span } => {
                            *span = Span::default();
                            match target {
                                ExpectTarget::Indicator(s) => s.span = Span::default(),
                                ExpectTarget::Count(i) => ident(i),
                            }
                            expr(value);
                        }
                    }
                }
            }
            Decl::Broken(b) => {
                b.span = Span::default();
                if let Some(n) = &mut b.name {
                    ident(n);
                }
            }
        }
    }
}

fn ident(i: &mut Ident) {
    i.span = Span::default();
}

fn ty(t: &mut TypeExpr) {
    t.span = Span::default();
    ident(&mut t.scalar);
}

fn entry(e: &mut Entry) {
    e.span = Span::default();
    ident(&mut e.key);
    expr(&mut e.value);
}

fn expr(e: &mut Expr) {
    e.span = Span::default();
    match &mut e.kind {
        ExprKind::Literal(_) | ExprKind::Unknown => {}
        ExprKind::List(items) => items.iter_mut().for_each(expr),
        ExprKind::Name(i) | ExprKind::Observed(i) => ident(i),
        ExprKind::Field { binder, field } => {
            ident(binder);
            ident(field);
        }
        ExprKind::Has { binder, field } => {
            if let Some(b) = binder {
                ident(b);
            }
            ident(field);
        }
        ExprKind::Quantifier { binder, kind, body, .. } | ExprKind::Count { binder, kind, body } => {
            if let Some(b) = binder {
                ident(b);
            }
            ident(kind);
            if let Some(b) = body {
                expr(b);
            }
        }
        ExprKind::Paren(inner) | ExprKind::Not(inner) => expr(inner),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs);
            expr(rhs);
        }
        ExprKind::Pattern { lhs, pattern, .. } => {
            expr(lhs);
            pattern.span = Span::default();
        }
    }
}

/// Inserts comments into canonical text at token boundaries chosen from `seed`: a space between
/// two tokens (outside strings and comments) becomes either a trailing comment and a line break,
/// or a line break, a comment on its own line and another line break; a line end may get a
/// trailing comment. Returns the new text and the comment texts in order.
pub fn insert_comments(text: &str, seed: u64) -> (String, Vec<String>) {
    let mut rng = indicia_testkit::Rng::new(seed);
    let mut next = move || rng.next_u64();
    let mut out = String::new();
    let mut comments = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for c in text.chars() {
        if in_comment {
            out.push(c);
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '#' => {
                in_comment = true;
                out.push(c);
            }
            ' ' | '\n' => {
                let roll = next() % 8;
                let n = comments.len();
                if roll == 0 {
                    let text = format!("# c{n} trailing");
                    out.push_str(&format!(" {text}\n"));
                    comments.push(text);
                } else if roll == 1 {
                    let text = format!("# c{n} own line");
                    out.push_str(&format!("\n   {text}\n"));
                    comments.push(text);
                } else if roll == 2 && c == '\n' {
                    let text = format!("#c{n} after a blank line");
                    out.push_str(&format!("\n\n{text}\n\n"));
                    comments.push(text);
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    if next() % 2 == 0 {
        let text = format!("# c{} at the end", comments.len());
        out.push_str(&format!("\n{text}"));
        comments.push(text);
    }
    (out, comments)
}
