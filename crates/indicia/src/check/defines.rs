//! Step 3: defines, in dependency order.
//!
//! The names a define's body uses are found first (with the same scoping as the checker: inside a
//! quantifier a field of the innermost fact wins), giving a graph of defines. Its strongly
//! connected components, found by an iterative Tarjan walk, come out dependencies first: each
//! define's body is then checked after every define it uses, so their types are known. A
//! component with more than one define, or a define that uses itself, is a cycle: one error names
//! it, and its defines get the error type so that their uses stay silent.

use std::collections::{HashSet, VecDeque};

use indicia_syntax::Diagnostic;
use indicia_syntax::ast::{self, ExprKind};

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
        self.report(Diagnostic::error(message, first.span).with_help(help));
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

/// Per-node state of Tarjan's walk.
#[derive(Clone, Copy, Default)]
struct NodeState {
    index: Option<usize>,
    low: usize,
    on_stack: bool,
}

/// The strongly connected components of a graph, each emitted after every component it has an
/// edge to (dependencies first). Iterative: the graph's depth costs no stack.
fn strongly_connected(graph: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut state = vec![NodeState::default(); graph.len()];
    let mut next = 0usize;
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let visit = |v: usize, state: &mut Vec<NodeState>, next: &mut usize, stack: &mut Vec<usize>| {
        if let Some(s) = state.get_mut(v) {
            *s = NodeState { index: Some(*next), low: *next, on_stack: true };
        }
        *next += 1;
        stack.push(v);
    };
    for root in 0..graph.len() {
        if state.get(root).is_some_and(|s| s.index.is_some()) {
            continue;
        }
        visit(root, &mut state, &mut next, &mut stack);
        calls.push((root, 0));
        while let Some(&(v, edge)) = calls.last() {
            let successor = graph.get(v).and_then(|edges| edges.get(edge)).copied();
            if let Some(call) = calls.last_mut() {
                call.1 += 1;
            }
            if let Some(w) = successor {
                let Some(ws) = state.get(w).copied() else { continue };
                match ws.index {
                    None => {
                        visit(w, &mut state, &mut next, &mut stack);
                        calls.push((w, 0));
                    }
                    Some(wi) if ws.on_stack => {
                        if let Some(s) = state.get_mut(v) {
                            s.low = s.low.min(wi);
                        }
                    }
                    Some(_) => {}
                }
                continue;
            }
            calls.pop();
            let Some(vs) = state.get(v).copied() else { continue };
            if let Some(&(parent, _)) = calls.last()
                && let Some(p) = state.get_mut(parent)
            {
                p.low = p.low.min(vs.low);
            }
            if Some(vs.low) == vs.index {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    if let Some(s) = state.get_mut(w) {
                        s.on_stack = false;
                    }
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.reverse();
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_dependencies_first() {
        // 0 uses 1, 1 uses 2, 2 uses 1, 3 uses itself, 4 alone.
        let graph = vec![vec![1], vec![2], vec![1], vec![3], vec![]];
        let sccs = strongly_connected(&graph);
        assert_eq!(sccs, vec![vec![1, 2], vec![0], vec![3], vec![4]]);
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
