//! The evaluation plan: the once-per-app node order with the leaf predicates on one string column
//! gathered into *column groups*, each computed by one pass over the column.
//!
//! A group holds up to 64 predicates that compare one column with literals (`field in [..]`,
//! `field == "x"`, `field != "x"`; `"x" in list`, `list intersects [..]`; `field matches /re/`,
//! `field like "glob"`). Per group, a table maps every pack literal to the bitset of the group's
//! predicates it satisfies, so one table load per fact (per list element) feeds every predicate
//! on the column; a symbol that is not a pack literal satisfies no set predicate. Patterns run as
//! one [`RegexSet`] per group, once per distinct string of the app.

use regex::RegexSet;

use crate::graph::value::{ConstVal, Scalar};
use crate::graph::{Op, Operand, Program};
use crate::hir::{CmpOp, FieldId, KindId};

/// Most predicates one group computes (one bit each in a `u64` mask).
pub(crate) const GROUP_MAX: usize = 64;

/// One step of the once-per-app schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Compute one node.
    Node(u32),
    /// Compute every predicate of column group `g`.
    Group(u32),
}

/// What a group's column holds and how its predicates read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GroupKind {
    /// A string column against literal sets: a fact's mask is `table[sym]`.
    StrSet,
    /// A string-list column: a fact's mask is the union of `table[item]` over its items.
    ListSet,
    /// A string column against patterns: a fact's mask is the set of patterns its string matches.
    Match,
}

/// One predicate of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Member {
    /// The node it computes.
    pub(crate) node: u32,
    /// `!=`: true when the value is present and not in the set.
    pub(crate) negate: bool,
}

/// Predicates computed by one pass over one column.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) kind: GroupKind,
    pub(crate) fact: KindId,
    pub(crate) field: FieldId,
    pub(crate) members: Vec<Member>,
    /// Set groups: `table[sym - lo]` is the mask of members that `sym` satisfies.
    pub(crate) lo: u32,
    pub(crate) table: Vec<u64>,
    /// Match groups: the members' pattern indices and, when it could be built, their set.
    pub(crate) patterns: Vec<u32>,
    pub(crate) set: Option<RegexSet>,
}

impl Group {
    /// The mask of a pack literal or evidence string `sym` in a set group.
    #[inline]
    pub(crate) fn mask(&self, sym: u32) -> u64 {
        self.table.get(sym.wrapping_sub(self.lo) as usize).copied().unwrap_or(0)
    }
}

/// The schedule of a program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    pub(crate) steps: Vec<Step>,
    pub(crate) groups: Vec<Group>,
}

/// The literal symbols of constant `c` when it is a string or a list of strings.
fn str_syms(p: &Program, c: u32, list: bool) -> Option<Vec<u32>> {
    match p.consts.get(c as usize)? {
        ConstVal::Scalar(Scalar::Str(s)) if !list => Some(vec![*s]),
        ConstVal::List(items) if list => {
            items.iter().map(|i| if let Scalar::Str(s) = i { Some(*s) } else { None }).collect()
        }
        _ => None,
    }
}

/// Which group a node can join: (kind of group, fact kind, field, its literal symbols or
/// pattern, negated).
fn classify(p: &Program, op: &Op) -> Option<(GroupKind, KindId, FieldId, Vec<u32>, bool)> {
    match op {
        Op::In { elem: Operand::Column { kind, field }, list: Operand::Const(c) } => {
            Some((GroupKind::StrSet, *kind, *field, str_syms(p, *c, true)?, false))
        }
        Op::Cmp { op: cmp @ (CmpOp::Eq | CmpOp::Ne), l, r } => {
            let (kind, field, c) = match (l, r) {
                (Operand::Column { kind, field }, Operand::Const(c))
                | (Operand::Const(c), Operand::Column { kind, field }) => (*kind, *field, *c),
                _ => return None,
            };
            Some((GroupKind::StrSet, kind, field, str_syms(p, c, false)?, *cmp == CmpOp::Ne))
        }
        Op::In { elem: Operand::Const(c), list: Operand::Column { kind, field } } => {
            Some((GroupKind::ListSet, *kind, *field, str_syms(p, *c, false)?, false))
        }
        Op::Intersects { l, r } => {
            let (kind, field, c) = match (l, r) {
                (Operand::Column { kind, field }, Operand::Const(c))
                | (Operand::Const(c), Operand::Column { kind, field }) => (*kind, *field, *c),
                _ => return None,
            };
            Some((GroupKind::ListSet, kind, field, str_syms(p, c, true)?, false))
        }
        Op::Match { subject: Operand::Column { kind, field }, pattern } => {
            Some((GroupKind::Match, *kind, *field, vec![*pattern], false))
        }
        _ => None,
    }
}

/// Builds the plan of `p` (whose `top`, `consts` and `patterns` are final).
pub(crate) fn build(p: &Program) -> Plan {
    let mut groups: Vec<Group> = Vec::new();
    let mut syms_of: Vec<Vec<(u32, usize)>> = Vec::new();
    let mut steps: Vec<Step> = Vec::with_capacity(p.top.len());
    // Open group per (group kind, fact kind, field).
    let mut open: std::collections::HashMap<(GroupKind, KindId, FieldId), usize> = std::collections::HashMap::new();
    for &i in &p.top {
        let Some(node) = p.nodes.get(i as usize) else { continue };
        let joined = if node.depth() == 1 { classify(p, &node.op) } else { None };
        let Some((gk, kind, field, syms, negate)) = joined else {
            steps.push(Step::Node(i));
            continue;
        };
        let key = (gk, kind, field);
        let g = match open.get(&key) {
            Some(&g) if groups.get(g).is_some_and(|x| x.members.len() < GROUP_MAX) => g,
            _ => {
                let g = groups.len();
                groups.push(Group {
                    kind: gk,
                    fact: kind,
                    field,
                    members: Vec::new(),
                    lo: 0,
                    table: Vec::new(),
                    patterns: Vec::new(),
                    set: None,
                });
                syms_of.push(Vec::new());
                open.insert(key, g);
                steps.push(Step::Group(u32::try_from(g).unwrap_or(u32::MAX)));
                g
            }
        };
        let (Some(group), Some(all)) = (groups.get_mut(g), syms_of.get_mut(g)) else { continue };
        let bit = group.members.len();
        group.members.push(Member { node: i, negate });
        if gk == GroupKind::Match {
            group.patterns.extend(syms);
        } else {
            all.extend(syms.into_iter().map(|s| (s, bit)));
        }
    }
    for (group, syms) in groups.iter_mut().zip(&syms_of) {
        match group.kind {
            GroupKind::Match => {
                let sources = group.patterns.iter().map(|&i| p.patterns.get(i as usize).map_or("", |r| r.as_str()));
                group.set = regex::RegexSetBuilder::new(sources).size_limit(64 << 20).build().ok();
            }
            GroupKind::StrSet | GroupKind::ListSet => {
                let lo = syms.iter().map(|(s, _)| *s).min().unwrap_or(0);
                let hi = syms.iter().map(|(s, _)| *s).max().map_or(0, |h| h + 1);
                let mut table = vec![0u64; hi.saturating_sub(lo) as usize];
                for &(s, bit) in syms {
                    if let Some(x) = table.get_mut((s - lo) as usize) {
                        *x |= 1u64 << bit;
                    }
                }
                group.lo = lo;
                group.table = table;
            }
        }
    }
    Plan { steps, groups }
}
