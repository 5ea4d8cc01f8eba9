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

use crate::hir::{Pack, ParamValues};
use freeze::Layout;

mod build;
mod dot;
mod dump;
mod fold;
mod freeze;
mod graph_dump;
mod lower;
mod program;
pub(crate) mod schedule;
pub mod symbols;
mod validate;
pub mod value;

pub use program::Program;
pub(crate) use program::{Body, Node, Op, Operand, node_deps, operand_node};
pub use symbols::{Sym, Symbols};

/// Why a pack could not be compiled: a checked pack compiles unless it exceeds a limit, or the
/// compiler has a bug (an internal error or a program that fails its validation). `Display` reads
/// as a diagnostic line with the error's [`code`](CompileError::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The param values do not match the pack's params.
    #[error("error[C0001]: {given} param values given for {declared} params")]
    ParamCount {
        /// Values given.
        given: usize,
        /// Params the pack declares.
        declared: usize,
    },
    /// Expressions or quantifiers nest deeper than the compiler follows.
    #[error("error[C0002]: {what} nested more than {limit} deep")]
    TooDeep {
        /// `expression` or `quantifiers`.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Defines refer to each other in a cycle (the checker reports these first).
    #[error("error[C0003]: defines refer to each other in a cycle")]
    DefineCycle,
    /// A bug of the compiler: a stage found what an earlier one should have ruled out.
    #[error("error[C0900]: internal error: {what}")]
    Internal {
        /// What was found.
        what: &'static str,
    },
    /// A bug of the compiler: the finished program failed its validation
    /// ([`Program`]'s indices and slots).
    #[error("error[C0901]: invalid program: {what}")]
    Invalid {
        /// The first violation found.
        what: String,
    },
}

impl CompileError {
    pub(crate) fn internal(what: &'static str) -> CompileError {
        CompileError::Internal { what }
    }

    /// The stable code of the error (`C0001`…), as in its `Display`.
    pub fn code(&self) -> &'static str {
        match self {
            CompileError::ParamCount { .. } => "C0001",
            CompileError::TooDeep { .. } => "C0002",
            CompileError::DefineCycle => "C0003",
            CompileError::Internal { .. } => "C0900",
            CompileError::Invalid { .. } => "C0901",
        }
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

/// Compiles `pack` with `params` folded in as constants.
pub fn compile(pack: &Pack, params: &ParamValues) -> Result<Program, CompileError> {
    let (layout, symbols, sizes) = lay_out(pack, params)?;
    Program::new(layout, Arc::new(symbols), sizes)
}

/// The graph of `pack` with `params` before folding (stage 1: lowered and hash-consed), as text:
/// the golden dumps show it between the hir and the program.
pub fn dump_unfolded(pack: &Pack, params: &ParamValues) -> Result<String, CompileError> {
    check_params(pack, params)?;
    let symbols = lower::intern_literals(pack, params);
    let mut raw = build::Builder::new(false, &pack.patterns, &symbols, build::Consts::default(), build::Regions::new());
    let lowered = lower::lower(pack, params, &mut raw)?;
    graph_dump::dump(pack, &raw, &lowered.roots)
}

fn check_params(pack: &Pack, params: &ParamValues) -> Result<(), CompileError> {
    if params.0.len() != pack.params.len() {
        return Err(CompileError::ParamCount { given: params.0.len(), declared: pack.params.len() });
    }
    Ok(())
}

/// Node counts of the stages before the layout, for [`GraphStats`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sizes {
    /// Expression nodes with define references expanded.
    pub(crate) tree: u64,
    /// Nodes of the hash-consed graph before folding.
    pub(crate) after_sharing: usize,
}

/// Lowers, folds and freezes `pack`: the layout the program is built from, its symbols and the
/// node counts along the way.
fn lay_out(pack: &Pack, params: &ParamValues) -> Result<(Layout, Symbols, Sizes), CompileError> {
    check_params(pack, params)?;
    let symbols = lower::intern_literals(pack, params);
    // Stage 1: lower with hash-consing only.
    let mut raw = build::Builder::new(false, &pack.patterns, &symbols, build::Consts::default(), build::Regions::new());
    let lowered = lower::lower(pack, params, &mut raw)?;
    let after_sharing = fold::children_first(&raw, &lowered.roots)?.len();
    // Stage 2: fold constants, sharing again.
    let mut folded = build::Builder::new(true, &pack.patterns, &symbols, raw.consts.clone(), raw.regions.clone());
    let roots = fold::fold(&raw, &mut folded, &lowered.roots)?;
    drop(raw);
    // Stage 3: freeze into a flat layout (the program's constructor schedules it).
    let layout = freeze::freeze(pack, &folded, &roots)?;
    drop(folded);
    Ok((layout, symbols, Sizes { tree: lowered.tree_size, after_sharing }))
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
    fn a_corrupted_program_is_an_error_when_it_is_built() {
        let src = format!("{HEAD}{}{}", ind("A", "any flow where (port == 80 and tls == false)"), ind("B", "true"));
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src)])).unwrap();
        let (layout, symbols, sizes) = lay_out(&pack, &ParamValues::defaults(&pack)).unwrap();
        let build = |layout: Layout| Program::new(layout, Arc::new(symbols.clone()), sizes);
        assert!(build(layout.clone()).is_ok());
        type Corruption = (&'static str, fn(&mut Layout));
        let corruptions: Vec<Corruption> = vec![
            ("a node reads a node out of range", |l| l.nodes[0].op = Op::Not(Operand::Top(9999))),
            ("a node reads a later node", |l| {
                let last = u32::try_from(l.nodes.len() - 1).unwrap();
                l.nodes[0].op = Op::Not(Operand::Vector(last));
            }),
            ("a constant out of range", |l| l.roots[0] = Operand::Const(9999)),
            ("a field out of range", |l| {
                l.nodes[0].op = Op::Has(crate::hir::KindId(0), crate::hir::FieldId(99));
            }),
            ("two nodes share a slot", |l| l.nodes[1].slot = l.nodes[0].slot),
            ("an operand range past the end", |l| l.operands.clear()),
        ];
        for (what, corrupt) in corruptions {
            let mut bad = layout.clone();
            corrupt(&mut bad);
            let error = build(bad).err();
            assert!(matches!(error, Some(CompileError::Invalid { .. })), "{what}: {error:?}");
        }
    }

    /// A column group's store writes its members' planes as one block from the first member's
    /// slot (`freeze::place_groups` makes them adjacent): a group whose members are not where
    /// the block is refused.
    #[test]
    fn a_group_whose_members_are_not_adjacent_is_an_error_when_it_is_built() {
        let src = format!(
            "{HEAD}{}{}{}",
            ind("A", "any flow where host == \"a\""),
            ind("B", "any flow where port == 80"),
            ind("C", "any flow where host == \"c\"")
        );
        let (_, p) = program(&src);
        let g = p.plan.groups.iter().position(|g| g.members.len() == 2).expect("one group for host");
        let group = &p.plan.groups[g];
        assert_eq!(group.members[1].slot, group.first + 1, "adjacent:\n{}", p.dump());
        let mut bad = p.clone();
        bad.plan.groups[g].first += 1;
        let error = validate::validate(&bad).err();
        assert!(matches!(error, Some(CompileError::Invalid { .. })), "{error:?}");
    }

    /// A column group's store skips each member's mode when the group says every member is a
    /// `Hit` (`Group::all_hit`): a flag that disagrees with the members is refused.
    #[test]
    fn a_group_whose_all_hit_flag_disagrees_is_an_error_when_it_is_built() {
        let src =
            format!("{HEAD}{}{}", ind("A", "any flow where host == \"a\""), ind("B", "any flow where host != \"b\""));
        let (_, p) = program(&src);
        let g = p.plan.groups.iter().position(|g| g.members.len() == 2).expect("one group for host");
        assert!(!p.plan.groups[g].all_hit, "a `!=` member is a Miss:\n{}", p.dump());
        assert!(validate::validate(&p).is_ok());
        let mut bad = p.clone();
        bad.plan.groups[g].all_hit = true;
        let error = validate::validate(&bad).err();
        assert!(matches!(error, Some(CompileError::Invalid { .. })), "{error:?}");
    }

    /// The witness writer trusts each root's flattened walk: entries of one kind together, the
    /// last of each marked, and, in a walk said to have one guard per path, that guard named by
    /// the entry; the verdict loop trusts each root's slot. A plan that breaks any of these is
    /// refused.
    #[test]
    fn a_flattened_witness_walk_that_misleads_the_writer_is_an_error_when_it_is_built() {
        let src = "category c { title: \"c\" }\nfact flow { port: int? }\nfact perm { name: string }\n\
                   define x = any flow where port == 1\n";
        let src = format!(
            "{src}{}{}",
            ind("A", "x or ((any flow where port == 2) and (any perm where name == \"a\"))"),
            ind("B", "x or ((any perm where name == \"b\") and (x or (any flow where port == 3)))")
        );
        let (_, p) = program(&src);
        let (Some(a), Some(b)) = (p.plan.root_wit[0], p.plan.root_wit[1]) else { panic!("both walks listed") };
        let kinds: Vec<_> = p.plan.wit_entries[a.start as usize..a.end as usize].iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), 3, "A: two paths over flow, one over perm");
        assert!(kinds[0] == kinds[1] && kinds[1] != kinds[2]);
        assert!(a.one_guard, "A's paths have one guard each");
        assert!(!b.one_guard, "B's path to `port == 3` has two");
        assert!(p.plan.root_slots.is_some(), "both roots are step slots");
        assert!(validate::validate(&p).is_ok());
        let a0 = a.start as usize;
        type Corruption = (&'static str, Box<dyn Fn(&mut Program)>);
        let corruptions: Vec<Corruption> = vec![
            ("a kind's first entry marked last", Box::new(move |p| p.plan.wit_entries[a0].last_of_kind = true)),
            ("a kind's last entry not marked", Box::new(move |p| p.plan.wit_entries[a0 + 1].last_of_kind = false)),
            ("the kinds out of order", Box::new(move |p| p.plan.wit_entries.swap(a0, a0 + 2))),
            ("another guard", Box::new(move |p| p.plan.wit_entries[a0].guard += 1)),
            (
                "two guards said to be one",
                Box::new(move |p| p.plan.root_wit[1] = Some(schedule::WitPaths { one_guard: true, ..b })),
            ),
            ("another root's verdict slot", Box::new(|p| p.plan.root_slots.as_mut().unwrap().swap(0, 1))),
        ];
        for (what, corrupt) in corruptions {
            let mut bad = p.clone();
            corrupt(&mut bad);
            let error = validate::validate(&bad).err();
            assert!(matches!(error, Some(CompileError::Invalid { .. })), "{what}: {error:?}");
        }
    }

    /// A quantifier's step also writes `observed(K) and` it (`schedule::fold_observed_and`): a
    /// program whose step writes another node with it, or a slot that is no node, is refused.
    #[test]
    fn a_quantifier_written_with_another_node_is_an_error_when_it_is_built() {
        use schedule::Step;
        let src = format!(
            "{HEAD}{}{}",
            ind("A", "observed(flow) and any flow where port == 80"),
            ind("B", "observed(flow) and (any flow where tls == false) and (any flow where port == 81)")
        );
        let (_, p) = program(&src);
        // Where each quantifier's `and_observed` is: a step, or an entry of a `Quants` step.
        let guarded = |p: &Program| -> Vec<(bool, usize)> {
            let steps = p.plan.steps.iter().enumerate().filter_map(|(i, s)| match s {
                Step::TopQuant { node, and_observed, .. } if node != and_observed => Some((true, i)),
                _ => None,
            });
            let quants = p.plan.quants.iter().enumerate().filter(|(_, q)| q.node != q.and_observed);
            steps.chain(quants.map(|(i, _)| (false, i))).collect()
        };
        let found = guarded(&p);
        assert!(!found.is_empty(), "no quantifier was folded with its guard:\n{}", p.dump());
        assert!(validate::validate(&p).is_ok());
        let nodes = u16::try_from(p.layout.nodes.len()).unwrap();
        for (in_step, i) in found {
            for wrong in [0, nodes, nodes + 3] {
                let mut bad = p.clone();
                match (in_step, bad.plan.steps.get_mut(i)) {
                    (true, Some(Step::TopQuant { and_observed, .. })) => *and_observed = wrong,
                    _ => bad.plan.quants[i].and_observed = wrong,
                }
                let error = validate::validate(&bad).err();
                assert!(matches!(error, Some(CompileError::Invalid { .. })), "guard {wrong}: {error:?}");
            }
        }
    }

    /// A vector `and` and the quantifier over it run as one step (`schedule::fuse_vec_quants`): a
    /// fused step naming a quantifier slot that is no node, another node as its guard, no fused
    /// entry at all, or an entry over another kind than its run's is refused.
    #[test]
    fn a_fused_vector_step_out_of_range_is_an_error_when_it_is_built() {
        use schedule::Step;
        let src = format!("{HEAD}{}", ind("A", "observed(flow) and any flow where (port == 80 and tls == false)"));
        let (_, p) = program(&src);
        let i = p.plan.steps.iter().position(|s| matches!(s, Step::VecQuants { .. })).expect("a fused step");
        let fused = p.plan.vec_quants[0];
        assert_ne!(fused.quant, fused.and_observed, "the guard is fused too:\n{}", p.dump());
        assert!(validate::validate(&p).is_ok());
        let nodes = u16::try_from(p.layout.nodes.len()).unwrap();
        type Corruption = (&'static str, Box<dyn Fn(&mut Program)>);
        let corruptions: Vec<Corruption> = vec![
            ("a quantifier slot that is no node", Box::new(move |p| p.plan.vec_quants[0].quant = nodes + 1)),
            ("another node as the guard", Box::new(|p| p.plan.vec_quants[0].and_observed = 0)),
            (
                "no fused entry",
                Box::new(move |p| p.plan.steps[i] = Step::VecQuants { kind: fused.kind, start: 7, end: 8 }),
            ),
            (
                "a fused entry over another kind",
                Box::new(move |p| {
                    p.plan.steps[i] = Step::VecQuants { kind: crate::hir::KindId(fused.kind.0 + 1), start: 0, end: 1 }
                }),
            ),
            ("a vector past its class", Box::new(|p| p.plan.vec_quants[0].vectors[2] = 999)),
            ("a slot past the slots", Box::new(|p| p.plan.vec_quants[0].slots = Some([u16::MAX; 2]))),
        ];
        for (what, corrupt) in corruptions {
            let mut bad = p.clone();
            corrupt(&mut bad);
            let error = validate::validate(&bad).err();
            assert!(matches!(error, Some(CompileError::Invalid { .. })), "{what}: {error:?}");
        }
    }

    /// `not X` and `(not X) and unknown` run as one step (`schedule::fuse_not_and_unknown`): a
    /// fused step writing another node, or a slot that is no node, is refused.
    #[test]
    fn a_fused_not_written_with_another_node_is_an_error_when_it_is_built() {
        use schedule::Step;
        let src = format!(
            "{HEAD}{}",
            ind("A", "(any flow where port == 80) or (not (any flow where (tls == false and port == 81)) and unknown)")
        );
        let (_, p) = program(&src);
        let i = p.plan.steps.iter().position(|s| matches!(s, Step::TopNotAndUnknown { .. }));
        let i = i.unwrap_or_else(|| panic!("no fused not:\n{}", p.dump()));
        assert!(validate::validate(&p).is_ok());
        wrong_fused_slots_are_refused(&p, i, |step, field, wrong| {
            if let Step::TopNotAndUnknown { node, not, .. } = step {
                *[node, not][field] = wrong;
            }
        });
    }

    /// Each of the two slots of fused step `i` that `set` writes (field 0 or 1), set to node 0 or
    /// past the nodes, is refused at build time.
    fn wrong_fused_slots_are_refused(p: &Program, i: usize, set: impl Fn(&mut schedule::Step, usize, u16)) {
        let nodes = u16::try_from(p.layout.nodes.len()).unwrap();
        for wrong in [0, nodes + 1] {
            for field in 0..2 {
                let mut bad = p.clone();
                if let Some(step) = bad.plan.steps.get_mut(i) {
                    set(step, field, wrong);
                }
                let error = validate::validate(&bad).err();
                assert!(matches!(error, Some(CompileError::Invalid { .. })), "{field} = {wrong}: {error:?}");
            }
        }
    }

    /// `a or b` and a four-slot `and` reading it run as one step (`schedule::fuse_or_and`), with
    /// the verdicts of Kleene logic; a fused step writing an `and` that does not read its `or`,
    /// or a slot that is no node, is refused.
    #[test]
    fn a_fused_or_and_computes_both_nodes_and_a_wrong_one_is_an_error_when_it_is_built() {
        use crate::hir::Verdict;
        use schedule::Step;
        let when = "any flow where port == 1 and (any flow where port == 2 or any flow where tls == true) and any flow where port == 3";
        let src = format!("{HEAD}{}", ind("A", when));
        let (pack, p) = program(&src);
        let i = p.plan.steps.iter().position(|s| matches!(s, Step::TopOrAnd { .. }));
        let i = i.unwrap_or_else(|| panic!("no fused or:\n{}", p.dump_steps()));
        assert!(validate::validate(&p).is_ok());
        // (flows, verdict): the `or` is unknown when no flow says tls and none is port 2.
        let cases = [
            (
                "{\"host\": \"h\", \"port\": 1}, {\"host\": \"h\", \"port\": 2}, {\"host\": \"h\", \"port\": 3}",
                Verdict::Fail,
            ),
            ("{\"host\": \"h\", \"port\": 1}, {\"host\": \"h\", \"port\": 3, \"tls\": true}", Verdict::Fail),
            ("{\"host\": \"h\", \"port\": 1}, {\"host\": \"h\", \"port\": 3}", Verdict::Inconclusive),
            ("{\"host\": \"h\", \"port\": 1}, {\"host\": \"h\", \"port\": 2, \"tls\": false}", Verdict::Pass),
        ];
        for (flows, want) in cases {
            let app = format!("{{\"app\": {{\"id\": \"a\"}}, \"facts\": {{\"flow\": [{flows}]}}}}");
            let evidence = crate::evidence::read_evidence(app.as_bytes(), &pack.schema, p.symbols()).unwrap();
            let out = crate::eval::evaluate_once(&p, &evidence);
            assert_eq!(out.indicators[0].verdict, want, "{flows}");
        }
        wrong_fused_slots_are_refused(&p, i, |step, field, wrong| {
            if let Step::TopOrAnd { node, or, .. } = step {
                *[node, or][field] = wrong;
            }
        });
    }

    /// The evaluator reads a node's planes with the width of the vector it expects: a vector read
    /// over another kind's facts, or a quantifier body over another kind, is refused at build time.
    #[test]
    fn a_vector_read_over_another_kind_is_an_error_when_it_is_built() {
        let head = format!("{HEAD}fact sdk {{ id: string }}\n");
        let src = format!(
            "{head}{}{}",
            ind("A", "any flow where (port == 80 and tls == false)"),
            ind("B", "any sdk where (id == \"x\" or id == \"y\")")
        );
        let pack = check_pack(load_sources("t", vec![("t.ind".to_string(), src)])).unwrap();
        let (layout, symbols, sizes) = lay_out(&pack, &ParamValues::defaults(&pack)).unwrap();
        let build = |layout: Layout| Program::new(layout, Arc::new(symbols.clone()), sizes);
        assert!(build(layout.clone()).is_ok());
        let first = |n: &Node| n.region.first().copied();
        // A node reads an earlier node of another kind as its own vector.
        let mut bad = layout.clone();
        let (a, b) = (0..bad.nodes.len())
            .flat_map(|b| (0..b).map(move |a| (a, b)))
            .find(|&(a, b)| {
                let (x, y) = (first(&bad.nodes[a]), first(&bad.nodes[b]));
                x.is_some() && y.is_some() && x != y
            })
            .unwrap();
        bad.nodes[b].op = Op::Not(Operand::Vector(u32::try_from(a).unwrap()));
        let error = build(bad).err();
        assert!(matches!(error, Some(CompileError::Invalid { .. })), "vector of another kind: {error:?}");
        // A quantifier's body is a vector over another kind.
        let mut bad = layout.clone();
        let (q, other) = (0..bad.nodes.len())
            .find_map(|q| {
                let Op::Quant { kind, body: Body::Vector(_), .. } = bad.nodes[q].op else { return None };
                let other = bad.nodes[..q].iter().position(|n| first(n).is_some_and(|k| k != kind))?;
                Some((q, other))
            })
            .unwrap();
        if let Op::Quant { body, .. } = &mut bad.nodes[q].op {
            *body = Body::Vector(u32::try_from(other).unwrap());
        }
        let error = build(bad).err();
        assert!(matches!(error, Some(CompileError::Invalid { .. })), "body of another kind: {error:?}");
    }

    #[test]
    fn commuted_and_is_one_node() {
        let src = format!(
            "{HEAD}{}{}",
            ind("A", "any flow where (tls == false and port == 80)"),
            ind("B", "any flow where (port == 80 and tls == false)")
        );
        let (_, p) = program(&src);
        assert_eq!(p.layout.roots[0], p.layout.roots[1], "{}", p.dump());
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
