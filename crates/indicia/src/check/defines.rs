//! Step 3: defines, in dependency order.
//!
//! The names a define's body uses are found first (with the same scoping as the checker: inside a
//! quantifier a field of the innermost fact wins), giving a graph of defines. Its strongly
//! connected components (petgraph's Kosaraju, iterative) come out dependencies first: each
//! define's body is then checked after every define it uses, so their types are known. A
//! component with more than one define, or a define that uses itself, is a cycle: one error names
//! it, and its defines get the error type so that their uses stay silent.

use std::collections::{HashSet, VecDeque};

use indicia_syntax::Diagnostic;
use indicia_syntax::ast::{self, ExprKind};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::types::Ty;
use super::{Checker, ValueRef};
use crate::hir::KindId;

/// The innermost quantifier around an expression, for the dependency walk: none, one over an
/// unknown or broken kind (whose fields are unknown), or one over a kind.
#[derive(Clone, Copy)]
enum Innermost {
    None,
    Unknown,
    Kind(KindId),
}

impl<'a> Checker<'a> {
    /// Checks every define: finds the order and the cycles, then each body.
    pub(super) fn check_defines(&mut self) {
        let graph: Vec<Vec<usize>> = self.defines.iter().map(|d| self.uses(&d.decl.value)).collect();
        for component in strongly_connected(&graph) {
            let cyclic = component.len() > 1
                || component.first().is_some_and(|&v| graph.get(v).is_some_and(|edges| edges.contains(&v)));
            if cyclic {
                self.report_cycle(&component, &graph);
            }
            for &v in &component {
                let Some(decl) = self.defines.get(v).map(|d| d.decl) else { continue };
                let t = self.top_expr(&decl.value);
                if let Some(define) = self.defines.get_mut(v) {
                    define.body = Some(t.id);
                    define.ty = if cyclic { Ty::Error } else { t.ty };
                }
            }
        }
    }

    /// The defines (by index) that an expression uses, without repeats, in order of first use.
    fn uses(&self, root: &ast::Expr) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let mut stack: Vec<(&ast::Expr, Innermost)> = vec![(root, Innermost::None)];
        while let Some((e, inner)) = stack.pop() {
            match &e.kind {
                ExprKind::Name(id) => {
                    if let Innermost::Kind(k) = inner
                        && self.kind(k).is_some_and(|k| k.field(&id.name).is_some())
                    {
                        continue;
                    }
                    if matches!(inner, Innermost::Unknown) {
                        continue;
                    }
                    if let Some(ValueRef::Define(d)) = self.values.get(id.name.as_str()).and_then(|v| v.target)
                        && seen.insert(d.index())
                    {
                        out.push(d.index());
                    }
                }
                ExprKind::Quantifier { kind, body, .. } | ExprKind::Count { kind, body, .. } => {
                    if let Some(body) = body {
                        let inner = match self.kinds.get(kind.name.as_str()).and_then(|k| k.target) {
                            Some(k) => Innermost::Kind(k),
                            None => Innermost::Unknown,
                        };
                        stack.push((body, inner));
                    }
                }
                ExprKind::Paren(x) | ExprKind::Not(x) => stack.push((x, inner)),
                ExprKind::Binary { lhs, rhs, .. } => {
                    stack.push((rhs, inner));
                    stack.push((lhs, inner));
                }
                ExprKind::Pattern { lhs, .. } => stack.push((lhs, inner)),
                ExprKind::List(items) => stack.extend(items.iter().rev().map(|i| (i, inner))),
                ExprKind::Literal(_)
                | ExprKind::Field { .. }
                | ExprKind::Has { .. }
                | ExprKind::Unknown
                | ExprKind::Observed(_) => {}
            }
        }
        out
    }

    /// Reports one cycle through the defines of `component`, from the one declared first.
    fn report_cycle(&mut self, component: &[usize], graph: &[Vec<usize>]) {
        let Some(&start) = component.iter().min() else { return };
        let path = cycle_from(start, component, graph);
        let names: Vec<String> = path
            .iter()
            .chain(std::iter::once(&start))
            .filter_map(|&v| self.defines.get(v))
            .map(|d| format!("`{}`", d.decl.name.name))
            .collect();
        let Some(first) = self.defines.get(start).map(|d| &d.decl.name) else { return };
        let message = format!("define `{}` depends on itself: {}", first.name, names.join(" -> "));
        let help = "a define may use other defines, but not in a cycle";
        self.report(Diagnostic::error(message, first.span).with_code("E0601").with_help(help));
    }
}

/// A shortest path of defines from `start` back to `start` inside one component (the closing
/// `start` left out).
fn cycle_from(start: usize, component: &[usize], graph: &[Vec<usize>]) -> Vec<usize> {
    let mut parent: Vec<Option<usize>> = vec![None; graph.len()];
    let mut member = vec![false; graph.len()];
    for &v in component {
        if let Some(m) = member.get_mut(v) {
            *m = true;
        }
    }
    let mut queue = VecDeque::from([start]);
    let mut last = start;
    'search: while let Some(v) = queue.pop_front() {
        for &w in graph.get(v).map_or(&[][..], Vec::as_slice) {
            if w == start {
                last = v;
                break 'search;
            }
            if member.get(w).copied().unwrap_or(false) && parent.get(w).is_some_and(Option::is_none) {
                if let Some(p) = parent.get_mut(w) {
                    *p = Some(v);
                }
                queue.push_back(w);
            }
        }
    }
    let mut path = vec![last];
    let mut v = last;
    while v != start {
        match parent.get(v).copied().flatten() {
            Some(p) => {
                path.push(p);
                v = p;
            }
            None => break,
        }
    }
    path.reverse();
    path
}

/// The strongly connected components of a graph (petgraph's Kosaraju, which is iterative: the
/// graph's depth costs no stack), each emitted after every component it has an edge to
/// (dependencies first), its members in increasing order.
fn strongly_connected(graph: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), (), usize> = DiGraph::with_capacity(graph.len(), graph.iter().map(Vec::len).sum());
    for _ in graph {
        g.add_node(());
    }
    for (v, edges) in graph.iter().enumerate() {
        for &w in edges {
            g.add_edge(NodeIndex::new(v), NodeIndex::new(w), ());
        }
    }
    kosaraju_scc(&g)
        .into_iter()
        .map(|c| {
            let mut c: Vec<usize> = c.into_iter().map(NodeIndex::index).collect();
            c.sort_unstable();
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_dependencies_first() {
        // 0 uses 1, 1 uses 2, 2 uses 1, 3 uses itself, 4 alone.
        let graph = vec![vec![1], vec![2], vec![1], vec![3], vec![]];
        let sccs = strongly_connected(&graph);
        let mut sorted = sccs.clone();
        sorted.sort();
        assert_eq!(sorted, vec![vec![0], vec![1, 2], vec![3], vec![4]]);
        // {1, 2} before 0, which uses it.
        let at = |c: &[usize]| sccs.iter().position(|x| x == c).unwrap();
        assert!(at(&[1, 2]) < at(&[0]), "{sccs:?}");
        assert_eq!(cycle_from(1, &[1, 2], &graph), vec![1, 2]);
        assert_eq!(cycle_from(3, &[3], &graph), vec![3]);
    }

    #[test]
    fn a_long_chain_costs_no_stack() {
        let n = 200_000;
        let graph: Vec<Vec<usize>> = (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }).collect();
        let sccs = strongly_connected(&graph);
        assert_eq!(sccs.len(), n);
        assert_eq!(sccs.first(), Some(&vec![n - 1]));
    }
}
