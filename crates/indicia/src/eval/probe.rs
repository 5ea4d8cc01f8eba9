//! Hooks around the parts of an evaluation: none for [`super::evaluate`], a clock read per step
//! for [`super::evaluate_profiled`].

use std::time::Instant;

use super::Run;
use crate::compile::schedule::{self as plan, Step};
use crate::compile::{Body, Op, Program};
use crate::profile::Profile;

/// Hooks around the parts of an evaluation; [`NoProbe`]'s compile to nothing.
pub(super) trait Probe {
    type Mark: Copy;
    fn mark(&mut self) -> Self::Mark;
    /// Each hook returns the mark the next part starts from (one clock read per part).
    fn setup(&mut self, since: Self::Mark) -> Self::Mark;
    fn step(&mut self, step: Step, run: &Run<'_>, since: Self::Mark) -> Self::Mark;
    fn verdict(&mut self, indicator: usize, since: Self::Mark) -> Self::Mark;
    fn finish(&mut self, run: &Run<'_>);
}

pub(super) struct NoProbe;

impl Probe for NoProbe {
    type Mark = ();
    #[inline(always)]
    fn mark(&mut self) {}
    #[inline(always)]
    fn setup(&mut self, _: ()) {}
    #[inline(always)]
    fn step(&mut self, _: Step, _: &Run<'_>, _: ()) {}
    #[inline(always)]
    fn verdict(&mut self, _: usize, _: ()) {}
    #[inline(always)]
    fn finish(&mut self, _: &Run<'_>) {}
}

/// The probe of [`evaluate_profiled`](super::evaluate_profiled).
pub(super) struct Timed<'a> {
    pub(super) profile: &'a mut Profile,
    pub(super) program: &'a Program,
}

impl Probe for Timed<'_> {
    type Mark = Instant;
    fn mark(&mut self) -> Instant {
        Instant::now()
    }
    fn setup(&mut self, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        self.profile.begin_app(nanos);
        now
    }
    fn step(&mut self, step: Step, run: &Run<'_>, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        let p = self.program;
        let single = step.node();
        let (members, quants): (&[plan::Member], &[plan::QuantStep]) = match step {
            Step::Group(g) => (&p.plan.groups[g as usize].members, &[]),
            Step::Quants { start, end, .. } => (&[], &p.plan.quants[start as usize..end as usize]),
            _ => (&[], &[]),
        };
        // A fused vector step's quantifier, and a quantifier's `observed(K) and` it, are computed
        // with it.
        let fused = match step {
            Step::VecQuants { start, end, .. } => &p.plan.vec_quants[start as usize..end as usize],
            _ => &[],
        };
        let single = single.into_iter().chain(fused.iter().flat_map(|v| [v.node, u32::from(v.quant)]));
        let guards = quants
            .iter()
            .map(|q| (q.node, q.and_observed))
            .chain(fused.iter().map(|v| (v.quant, v.and_observed)))
            .chain(match step {
                Step::TopQuant { node, and_observed, .. } => Some((node, and_observed)),
                Step::TopNotAndUnknown { node, not, .. } => Some((node, not)),
                Step::TopOrAnd { node, or, .. } => Some((or, node)),
                _ => None,
            });
        let guards = guards.filter(|(q, g)| q != g).map(|(_, g)| u32::from(g));
        let count = (members.len() + quants.len() + guards.clone().count() + single.clone().count()).max(1) as u64;
        let nodes = members.iter().map(|m| m.node).chain(quants.iter().map(|q| u32::from(q.node))).chain(guards);
        for (k, i) in nodes.chain(single).enumerate() {
            // A group's (a quantifier run's) time is split evenly among its predicates
            // (quantifiers), the remainder to the first.
            let share = nanos / count + if k == 0 { nanos % count } else { 0 };
            self.profile.add(i, 1, run.width(i) as u64, share);
            // A quantifier whose body reads the enclosing fact runs its sub-program per fact.
            let (Op::Quant { kind, body: Body::Nested { sub, .. }, .. }
            | Op::Count { kind, body: Body::Nested { sub, .. }, .. }) = &p.layout.nodes[i as usize].op
            else {
                continue;
            };
            if !run.is_observed(*kind) {
                continue;
            }
            let outer = run.width(i) as u64;
            let (s, e) = p.layout.subs[*sub as usize];
            for &x in &p.layout.sub_nodes[s as usize..e as usize] {
                self.profile.add(x, outer, outer * run.width(x) as u64, 0);
            }
        }
        now
    }
    fn verdict(&mut self, indicator: usize, since: Instant) -> Instant {
        let now = Instant::now();
        let nanos = self.profile.between(since, now);
        self.profile.add_verdict(indicator, nanos);
        now
    }
    fn finish(&mut self, run: &Run<'_>) {
        self.profile.end_app(run.classes.iter().map(|c| c.len).sum::<usize>() + self.program.layout.nodes.len());
    }
}
