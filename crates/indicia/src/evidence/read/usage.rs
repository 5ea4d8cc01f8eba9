//! How a compiled program uses each string field, so that the reader interns only what the
//! program compares.
//!
//! The evaluator compares strings by symbol, and only for equality (`==`, `!=`, `in`,
//! `intersects`); `matches` reads a string's text (and remembers its answer per symbol). So a
//! string needs:
//!
//! - [`Interning::Full`] (the same symbol for the same text) where the program compares it with
//!   another value of the evidence (a join, `x in other.list`), matches it against a pattern, or
//!   uses it in any way this analysis does not recognise;
//! - [`Interning::Literals`] (a pack literal's symbol when it equals one, else a symbol of its own)
//!   where the program compares it only with constants: a string that is no literal equals none of
//!   them, whatever its symbol;
//! - [`Interning::Copy`] (a symbol of its own, not looked up at all) where the program never reads
//!   the field's value.
//!
//! Every string is still stored, so [`Evidence::resolve`](crate::evidence::Evidence::resolve) and
//! [`Evidence::fact_json`](crate::evidence::Evidence::fact_json) give its text as before; the
//! reference interpreter compares texts and is not affected.

use crate::compile::{Body, Op, Operand, Program};

/// How the strings of one field are interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Interning {
    /// Stored with a symbol of its own, never looked up.
    Copy,
    /// Looked up among the pack's literals only.
    Literals,
    /// Looked up among the literals and the object's other strings: equal texts, equal symbols.
    #[default]
    Full,
}

/// Per kind, per field: how the program needs the field's strings interned.
pub(crate) fn interning(program: &Program) -> Vec<Vec<Interning>> {
    let mut uses: Vec<Vec<Interning>> =
        program.layout.field_names.iter().map(|fields| vec![Interning::Copy; fields.len()]).collect();
    let mut need = |o: &Operand, level: Interning| {
        if let Operand::Column { kind, field } | Operand::Outer { kind, field, .. } = o
            && let Some(slot) = uses.get_mut(kind.index()).and_then(|k| k.get_mut(field.index()))
        {
            *slot = (*slot).max(level);
        }
    };
    let constant = |o: &Operand| matches!(o, Operand::Const(_));
    // Compared with a constant on the other side: literals suffice; else every value matters.
    let against = |other: &Operand| if constant(other) { Interning::Literals } else { Interning::Full };
    for node in &program.layout.nodes {
        match &node.op {
            // Booleans and presence: no string is compared.
            Op::Truthy(o) | Op::Not(o) => need(o, Interning::Full),
            Op::Has(..) => {}
            Op::And(start, end) | Op::Or(start, end) => {
                for o in program.layout.operands.get(*start as usize..*end as usize).unwrap_or(&[]) {
                    need(o, Interning::Full);
                }
            }
            Op::Cmp { l, r, .. } | Op::Intersects { l, r } => {
                need(l, against(r));
                need(r, against(l));
            }
            Op::In { elem, list } => {
                need(elem, against(list));
                need(list, against(elem));
            }
            Op::Match { subject, .. } => need(subject, Interning::Full),
            Op::Quant { body, .. } | Op::Count { body, .. } => {
                if let Body::Scalar(o) = body {
                    need(o, Interning::Full);
                }
            }
        }
    }
    for o in &program.layout.roots {
        need(o, Interning::Full);
    }
    uses
}
