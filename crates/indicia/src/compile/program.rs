//! The compiled program: computed nodes in topological order, children as indices
//! ([`Operand`]s), with the evaluation schedule and the literal tables the evaluator reads.

use std::sync::Arc;

use indicia_syntax::ast::Quantifier;

use super::freeze::Layout;
use super::schedule::{self, Plan};
use super::symbols::Symbols;
use super::value::{ConstVal, Scalar};
use super::{CompileError, GraphStats, Sizes};
use crate::hir::{CmpOp, ExprId, FieldId, KindId};

/// An operand of a node, relative to the node's region.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Operand {
    /// A constant.
    Const(u32),
    /// `observed(K)`.
    Observed(KindId),
    /// A field of the fact the node iterates over: one value per fact.
    Column { kind: KindId, field: FieldId },
    /// A field of an enclosing fact: the value at the loop index `cur[depth]`.
    Outer { kind: KindId, field: FieldId, depth: u8 },
    /// A boolean node of the same region: one value per fact.
    Vector(u32),
    /// A boolean node of an enclosing region: its value at the loop index `cur[depth]`.
    At(u32, u8),
    /// A boolean node computed once per app.
    Top(u32),
}

/// A quantifier's body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Body {
    /// No `where`: every fact.
    All,
    /// A body that does not read the quantified fact: one value for every fact.
    Scalar(Operand),
    /// A body computed once per app as a vector over the kind's facts.
    Vector(u32),
    /// A body that reads an enclosing fact: sub-program `sub` computes `node` per enclosing fact.
    Nested { node: u32, sub: u32 },
}

/// A computed node's operation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Truthy(Operand),
    Has(KindId, FieldId),
    Not(Operand),
    And(u32, u32),
    Or(u32, u32),
    Cmp { op: CmpOp, l: Operand, r: Operand },
    In { elem: Operand, list: Operand },
    Intersects { l: Operand, r: Operand },
    Match { subject: Operand, pattern: u32 },
    Quant { q: Quantifier, kind: KindId, body: Body },
    Count { kind: KindId, body: Body, op: CmpOp, n: Scalar },
}

/// A computed node.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) op: Op,
    /// The kinds of the node's region, innermost first (empty: once per app).
    pub(crate) region: Vec<KindId>,
    /// Storage class: the innermost kind's index, or the number of kinds for once-per-app nodes.
    pub(crate) class: u32,
    /// Index within the class.
    pub(crate) slot: u32,
}

impl Node {
    pub(crate) fn depth(&self) -> usize {
        self.region.len()
    }
}

/// A compiled pack: the flat evaluation program for one set of param values.
#[derive(Clone, Debug)]
pub struct Program {
    pub(crate) symbols: Arc<Symbols>,
    /// The folded graph laid out flat: nodes, operands, constants, nested scans, roots, patterns.
    pub(crate) layout: Layout,
    /// Per constant: when it is a string or a list of strings, its literal symbols as a bitset.
    pub(crate) sets: Vec<Option<Box<[u64]>>>,
    /// Nodes computed once per app, in execution order.
    pub(crate) top: Vec<u32>,
    pub(crate) stats: GraphStats,
    /// The evaluation schedule, with leaf predicates on one column grouped.
    pub(crate) plan: Plan,
}

impl Program {
    /// The one constructor: schedules the frozen layout, builds the plan and the literal sets,
    /// and validates the result ([`validate`](super::validate)), so that every `Program` that
    /// exists has every index in range.
    pub(crate) fn new(mut layout: Layout, symbols: Arc<Symbols>, sizes: Sizes) -> Result<Program, CompileError> {
        let top = schedule::order(&layout.nodes, &layout.operands);
        // A column group's members in adjacent slots (its store writes one block).
        let groups = schedule::group_members(&layout, &top);
        super::freeze::place_groups(&mut layout, &groups);
        let plan = schedule::build(&layout, &top);
        let stats = GraphStats {
            nodes_before_sharing: sizes.tree,
            nodes_after_sharing: sizes.after_sharing,
            nodes_after_folding: layout.nodes_after_folding,
            computed_nodes: layout.nodes.len(),
            scans: schedule::count_scans(&layout.nodes, &top),
            nested_scans: layout.subs.len(),
            sharing_ratio: sizes.tree as f64 / layout.nodes_after_folding.max(1) as f64,
        };
        let sets = layout.consts.iter().map(|c| literal_set(c, symbols.len())).collect();
        let program = Program { symbols, layout, sets, top, stats, plan };
        super::validate::validate(&program)?;
        Ok(program)
    }

    /// The `unknown` operand of the pack that constant `c` stands for, if any.
    pub(crate) fn unknown_site(&self, c: u32) -> Option<ExprId> {
        self.layout.unknown_sites.get(c as usize).copied().flatten()
    }

    /// Every string literal of the pack (params included), interned: read evidence with these.
    pub fn symbols(&self) -> &Arc<Symbols> {
        &self.symbols
    }

    /// Node counts at each stage and the sharing ratio.
    pub fn stats(&self) -> GraphStats {
        self.stats
    }

    /// The program as Graphviz DOT.
    pub fn to_dot(&self) -> String {
        super::dot::to_dot(self)
    }

    /// The program as readable text: one line per node in execution order.
    pub fn dump(&self) -> String {
        super::dump::dump(self)
    }

    /// The evaluation schedule's steps as text, one per line in the order they run (for finding
    /// what runs per app; its format may change with the schedule).
    pub fn dump_steps(&self) -> String {
        super::dump::steps(self)
    }

    /// How many indicators the program evaluates.
    pub fn indicator_count(&self) -> usize {
        self.layout.roots.len()
    }

    /// A node as one line of the dump, without its number: `[kind] = operation`.
    pub(crate) fn node_text(&self, node: &Node) -> String {
        super::dump::node_text(self, node)
    }
}

/// When constant `c` is a string or a list of strings: its literal symbols as a bitset over
/// `symbols` symbols.
fn literal_set(c: &ConstVal, symbols: usize) -> Option<Box<[u64]>> {
    let syms: Vec<u32> = match c {
        ConstVal::Scalar(Scalar::Str(s)) => vec![*s],
        ConstVal::List(items) => {
            let mut out = Vec::new();
            for i in items {
                match i {
                    Scalar::Str(s) => out.push(*s),
                    _ => return None,
                }
            }
            out
        }
        _ => return None,
    };
    let mut bits = vec![0u64; symbols.div_ceil(64)];
    for s in syms {
        if let Some(w) = bits.get_mut(s as usize / 64) {
            *w |= 1u64 << (s % 64);
        }
    }
    Some(bits.into_boxed_slice())
}

/// The computed node an operand reads, if any.
pub(crate) fn operand_node(o: &Operand) -> Option<u32> {
    match o {
        Operand::Vector(i) | Operand::At(i, _) | Operand::Top(i) => Some(*i),
        _ => None,
    }
}

/// Direct dependencies of a node on other computed nodes, anywhere (bodies included).
pub(crate) fn node_deps(op: &Op, operands: &[Operand]) -> Vec<u32> {
    fn of(o: &Operand, out: &mut Vec<u32>) {
        match o {
            Operand::Vector(i) | Operand::At(i, _) | Operand::Top(i) => out.push(*i),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match op {
        Op::Truthy(a) | Op::Not(a) => of(a, &mut out),
        Op::Has(..) => {}
        Op::And(s, e) | Op::Or(s, e) => {
            for o in operands.get(*s as usize..*e as usize).unwrap_or(&[]) {
                of(o, &mut out);
            }
        }
        Op::Cmp { l, r, .. } | Op::Intersects { l, r } => {
            of(l, &mut out);
            of(r, &mut out);
        }
        Op::In { elem, list } => {
            of(elem, &mut out);
            of(list, &mut out);
        }
        Op::Match { subject, .. } => of(subject, &mut out),
        Op::Quant { body, .. } | Op::Count { body, .. } => match body {
            Body::All => {}
            Body::Scalar(o) => of(o, &mut out),
            Body::Vector(i) | Body::Nested { node: i, .. } => out.push(*i),
        },
    }
    out
}
