//! Pack → program: the evaluation graph of a whole pack.
//!
//! ```text
//! hir::Pack ──lower──▶ hash-consed DAG ──fold──▶ folded DAG ──freeze──▶ Program (flat, topological)
//! ```
//!
//! [`lower`](self) turns every indicator's condition into one petgraph DAG in which an identical
//! sub-expression anywhere in the pack is one node (defines are lowered once and shared, `a and b`
//! and `b and a` are one node). Each node belongs to a *region*, the fact kinds it iterates over:
//! `[]` (once per app), `[flow]` (a vector over all flows, computed in one pass), `[sdk, flow]` (a
//! vector over sdks per flow, for a nested quantifier that reads its outer fact). A sub-expression
//! of a quantifier body that does not read that quantifier's fact is hoisted out of it, so a nested
//! quantifier that does not reference an outer binder is evaluated once. `fold` folds constants
//! (params are constants now) without losing the witnesses the spec defines. `freeze` lays the
//! nodes out in topological order in a `Vec` with children as indices; quantifier bodies become
//! scans over their kind's columns, and a nested quantifier gets a sub-program run per outer fact.
//! `eval` runs the program.

use std::sync::Arc;

use crate::evidence::Symbols;
use crate::hir::{Pack, ParamValues};

mod build;
mod dot;
mod dump;
mod fold;
mod freeze;
mod lower;
pub mod value;

pub(crate) use freeze::{Body, Node, Op, Operand};

/// Why a pack could not be compiled (a checked pack compiles unless it exceeds a limit).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompileError {
    /// What went wrong.
    pub message: String,
}

impl CompileError {
    pub(crate) fn new(message: String) -> CompileError {
        CompileError { message }
    }

    pub(crate) fn internal(what: &str) -> CompileError {
        CompileError { message: format!("internal error: {what}") }
    }
}

/// Sizes of the graph at each stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraphStats {
    /// Expression nodes of every indicator's condition, with define references expanded.
    pub nodes_before_sharing: u64,
    /// Nodes of the hash-consed graph (identical sub-expressions shared).
    pub nodes_after_sharing: usize,
    /// Nodes after constant folding.
    pub nodes_after_folding: usize,
    /// Nodes the evaluator computes (values such as constants and fields are read in place).
    pub computed_nodes: usize,
    /// Scans: passes over one kind's facts at top level (one per kind and round).
    pub scans: usize,
    /// Nested scans: quantifiers run per fact of an enclosing quantifier.
    pub nested_scans: usize,
    /// `nodes_before_sharing / nodes_after_folding`.
    pub sharing_ratio: f64,
}

/// A compiled pack: the flat evaluation program for one set of param values.
#[derive(Clone, Debug)]
pub struct Program {
    pub(crate) symbols: Arc<Symbols>,
    pub(crate) kind_names: Vec<String>,
    pub(crate) field_names: Vec<Vec<String>>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) operands: Vec<Operand>,
    pub(crate) consts: Vec<value::ConstVal>,
    /// Per constant: when it is a string or a list of strings, its literal symbols as a bitset.
    pub(crate) sets: Vec<Option<Box<[u64]>>>,
    /// Nodes computed once per app, in execution order.
    pub(crate) top: Vec<u32>,
    /// The node lists of nested scans (ranges into `sub_nodes`).
    pub(crate) subs: Vec<(u32, u32)>,
    pub(crate) sub_nodes: Vec<u32>,
    /// One root per indicator.
    pub(crate) roots: Vec<Operand>,
    pub(crate) patterns: Vec<regex::Regex>,
    pub(crate) pattern_sources: Vec<String>,
    /// Per storage class (each kind, then the class of once-per-app nodes): how many nodes.
    pub(crate) class_sizes: Vec<u32>,
    pub(crate) max_depth: usize,
    pub(crate) stats: GraphStats,
    /// The evaluation schedule, with leaf predicates on one column grouped.
    pub(crate) plan: crate::eval::plan::Plan,
}

impl Program {
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
        dot::to_dot(self)
    }

    /// The program as readable text: one line per node in execution order.
    pub fn dump(&self) -> String {
        dump::dump(self)
    }

    /// How many indicators the program evaluates.
    pub fn indicator_count(&self) -> usize {
        self.roots.len()
    }

    /// A node as one line of the dump, without its number: `[kind] = operation`.
    pub(crate) fn node_text(&self, node: &Node) -> String {
        dump::node_text(self, node)
    }
}

/// The computed node an operand reads, if any.
pub(crate) fn operand_node(o: &Operand) -> Option<u32> {
    match o {
        Operand::Vector(i) | Operand::At(i, _) | Operand::Top(i) => Some(*i),
        _ => None,
    }
}

/// The computed nodes a node reads directly (quantifier bodies included).
pub(crate) fn node_deps(op: &Op, operands: &[Operand]) -> Vec<u32> {
    freeze::deps(op, operands)
}

/// Compiles `pack` with `params` folded in as constants.
pub fn compile(pack: &Pack, params: &ParamValues) -> Result<Program, CompileError> {
    if params.0.len() != pack.params.len() {
        return Err(CompileError::new(format!(
            "{} param values given for {} params",
            params.0.len(),
            pack.params.len()
        )));
    }
    let symbols = lower::intern_literals(pack, params);
    // Stage 1: lower with hash-consing only.
    let mut raw = build::Builder::new(false, &pack.patterns, &symbols, build::Consts::default(), build::Regions::new());
    let lowered = lower::lower(pack, params, &mut raw)?;
    let after_sharing = fold::children_first(&raw, &lowered.roots)?.len();
    // Stage 2: fold constants, sharing again.
    let mut folded = build::Builder::new(true, &pack.patterns, &symbols, raw.consts.clone(), raw.regions.clone());
    let roots = fold::fold(&raw, &mut folded, &lowered.roots)?;
    drop(raw);
    // Stage 3: freeze.
    let mut program = freeze::freeze(pack, &folded, &roots)?;
    program.stats.nodes_before_sharing = lowered.tree_size;
    program.stats.nodes_after_sharing = after_sharing;
    let denom = program.stats.nodes_after_folding.max(1) as f64;
    program.stats.sharing_ratio = lowered.tree_size as f64 / denom;
    program.sets = program
        .consts
        .iter()
        .map(|c| {
            let syms: Vec<u32> = match c {
                value::ConstVal::Scalar(value::Scalar::Str(s)) => vec![*s],
                value::ConstVal::List(items) => {
                    let mut out = Vec::new();
                    for i in items {
                        match i {
                            value::Scalar::Str(s) => out.push(*s),
                            _ => return None,
                        }
                    }
                    out
                }
                _ => return None,
            };
            let mut bits = vec![0u64; symbols.len().div_ceil(64)];
            for s in syms {
                if let Some(w) = bits.get_mut(s as usize / 64) {
                    *w |= 1u64 << (s % 64);
                }
            }
            Some(bits.into_boxed_slice())
        })
        .collect();
    program.symbols = lower::share(symbols);
    program.plan = crate::eval::plan::build(&program);
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{check_pack, load_sources};

    fn program(src: &str) -> (Pack, Program) {
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src.to_string())]))
            .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        let p = compile(&pack, &ParamValues::defaults(&pack)).unwrap();
        (pack, p)
    }

    const HEAD: &str =
        "category c { title: \"c\" }\nfact flow { host: string  port: int?  tls: bool? }\nparam ports: [int] = []\n";

    fn ind(id: &str, when: &str) -> String {
        format!("indicator \"{id}\" {{ title: \"t\" category: c severity: low when: {when} }}\n")
    }

    #[test]
    fn a_predicate_shared_by_two_indicators_is_one_node() {
        let one = format!("{HEAD}{}", ind("A", "any flow where port == 80"));
        let two = format!(
            "{HEAD}{}{}",
            ind("A", "any flow where port == 80"),
            ind("B", "any flow where (80 == port and tls == false)")
        );
        let (_, p1) = program(&one);
        let (_, p2) = program(&two);
        // B adds `tls == false`, the `and` and its `any`: `port == 80` is shared (and `80 == port` is it).
        assert_eq!(p2.stats().computed_nodes, p1.stats().computed_nodes + 3, "{}", p2.dump());
        assert!(p2.stats().nodes_before_sharing > p2.stats().nodes_after_sharing as u64);
    }

    #[test]
    fn commuted_and_is_one_node() {
        let src = format!(
            "{HEAD}{}{}",
            ind("A", "any flow where (tls == false and port == 80)"),
            ind("B", "any flow where (port == 80 and tls == false)")
        );
        let (_, p) = program(&src);
        assert_eq!(p.roots[0], p.roots[1], "{}", p.dump());
    }

    #[test]
    fn folding_drops_what_cannot_carry_witnesses_and_keeps_what_can() {
        // `port in ports` with ports = [] is unknown for a missing port: not folded; `1 in ports` is.
        let src = format!(
            "{HEAD}{}{}",
            ind("A", "any flow where 1 in ports"),
            ind("B", "(any flow where port == 80) or true")
        );
        let (_, p) = program(&src);
        // A: the body folds to false, leaving `any flow where false`.
        assert!(p.dump().contains("any flow where false"), "{}", p.dump());
        // B: `true` is kept next to the `any`, whose witnesses the report needs.
        assert!(p.dump().contains("or true") || p.dump().contains("true or"), "{}", p.dump());
        assert_ne!(p.stats().nodes_after_folding, p.stats().nodes_after_sharing);
    }
}
