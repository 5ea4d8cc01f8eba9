//! Constant folding: rebuilds the hash-consed graph bottom-up through the folding constructor
//! ([`Builder::mk`] with `fold` set), so that folded nodes are shared again.
//!
//! What folds (params are constants by now): comparisons, `in`, `intersects`, `matches`/`like`
//! of constants; any operation with the `unknown` operand (unknown); `x in []` and
//! `x intersects []` when `x` cannot be unknown; `not` of a constant; `and`/`or` flattened,
//! de-duplicated and ordered, their identity dropped and `false and …` folded. What does not fold,
//! because the witness walk would see a difference: `true or A` where `A` can carry witnesses
//! (the `true` is kept as a child), and `not not A` for such an `A`.

use petgraph::graph::NodeIndex;
use petgraph::visit::DfsPostOrder;

use super::CompileError;
use super::build::{Builder, Child};

/// Folds `src` (an unfolded graph) into `dst` (a folding builder); returns the new roots.
pub(crate) fn fold(src: &Builder<'_>, dst: &mut Builder<'_>, roots: &[Child]) -> Result<Vec<Child>, CompileError> {
    let order = children_first(src, roots)?;
    let mut map: Vec<Option<Child>> = vec![None; src.graph.node_count()];
    for n in order {
        let node = src.node(n)?;
        let mut missing = false;
        let op = node.op.map_children(|c| match map.get(c.node.index()).copied().flatten() {
            Some(new) => Child { node: new.node, off: c.off.then(new.off) },
            None => {
                missing = true;
                c
            }
        });
        if missing {
            return Err(CompileError::internal("graph is not in topological order"));
        }
        let new = dst.mk(op, node.region)?;
        if let Some(slot) = map.get_mut(n.index()) {
            *slot = Some(new);
        }
    }
    roots
        .iter()
        .map(|r| {
            map.get(r.node.index())
                .copied()
                .flatten()
                .map(|new| Child { node: new.node, off: r.off.then(new.off) })
                .ok_or_else(|| CompileError::internal("root not folded"))
        })
        .collect()
}

/// The nodes reachable from `roots`, children before parents: petgraph's depth-first post-order
/// over the child edges, one walk sharing its visited set across the roots. It is the order
/// folding and freezing build in, and it leaves out every node no indicator reaches (dead nodes).
pub(crate) fn children_first(b: &Builder<'_>, roots: &[Child]) -> Result<Vec<NodeIndex>, CompileError> {
    let mut walk = DfsPostOrder::empty(&b.graph);
    let mut out = Vec::new();
    for r in roots {
        if b.graph.node_weight(r.node).is_none() {
            return Err(CompileError::internal("dangling node"));
        }
        walk.move_to(r.node);
        while let Some(n) = walk.next(&b.graph) {
            out.push(n);
        }
    }
    Ok(out)
}
