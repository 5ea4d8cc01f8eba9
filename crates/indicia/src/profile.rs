//! Where evaluation time goes, per node of the program and per indicator, for a pack's author.
//!
//! [`crate::eval::evaluate_profiled`] adds one app's counts to a [`Profile`]: per node, how
//! often it ran, over how many facts, and the time its step took (a clock read around every step
//! of the schedule, one clock read per step, less the measured cost of one read; a column group's time is split
//! evenly among its predicates; a quantifier whose body reads the enclosing fact carries the
//! time of its nested scan, whose nodes show their run counts only). Aggregated over many apps,
//! [`Profile::render`] lists each indicator's share of the evaluation time (a node shared by
//! several indicators is split evenly among them, and each indicator's verdict and witnesses are
//! its own) and the hottest nodes, described as in [`Program::dump`].
//!
//! ```no_run
//! # fn demo(engine: &indicia::Engine, apps: &[indicia::Evidence]) {
//! let mut profile = indicia::profile::Profile::new();
//! let mut scratch = indicia::eval::Scratch::new();
//! for app in apps {
//!     indicia::eval::evaluate_profiled(engine.program(), app, &mut scratch, &mut profile);
//! }
//! print!("{}", profile.render(engine.program(), engine.pack()));
//! # }
//! ```

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::compile::Program;
use crate::hir::Pack;

/// Counts and times per node, summed over the apps evaluated with
/// [`crate::eval::evaluate_profiled`].
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub(crate) apps: u64,
    pub(crate) setup_nanos: u64,
    pub(crate) node_runs: Vec<u64>,
    pub(crate) node_facts: Vec<u64>,
    pub(crate) node_nanos: Vec<u64>,
    pub(crate) verdict_nanos: Vec<u64>,
    /// The cost of one clock read, subtracted from every measurement.
    overhead: u64,
    /// (nodes, indicators) of the program the counts belong to.
    shape: (usize, usize),
    /// The current app's times, (node or `u32::MAX - indicator`, nanoseconds), kept until the
    /// app ends so that an app whose timing was disturbed can be left out.
    pending: Vec<(u32, u64)>,
    pending_setup: u64,
    /// Recent apps' nanoseconds per unit of work (facts plus nodes).
    recent: Vec<f64>,
    /// Apps whose times were left out.
    dropped: u64,
}

/// An app is left out of the times when its time per unit of work is above this many times the
/// median of recent apps': the thread was most likely preempted during one of its steps, and one
/// preemption would otherwise swamp a node's average.
const DISTURBED: f64 = 8.0;
/// How many recent apps the median is taken over.
const RECENT: usize = 31;

/// One node's totals (see [`Profile::nodes`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCost {
    /// The node's number in [`Program::dump`] (`%n`).
    pub node: u32,
    /// How many times it was computed (once per app, or once per enclosing fact in a nested scan).
    pub runs: u64,
    /// Facts it was computed for, over all runs.
    pub facts: u64,
    /// Time spent computing it, in nanoseconds.
    pub nanos: u64,
    /// How many indicators read it.
    pub users: usize,
    /// What it computes, as in the dump.
    pub text: String,
}

/// One indicator's totals (see [`Profile::indicators`]).
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorCost {
    /// Its position in `Pack::indicators`.
    pub index: usize,
    /// Its id.
    pub id: String,
    /// Its share of the evaluation time in nanoseconds: its nodes' time, each node's split evenly
    /// among the indicators that read it, plus its verdict and witnesses.
    pub share_nanos: f64,
    /// What it would cost alone: the full time of every node it reads, plus its verdict.
    pub alone_nanos: u64,
    /// The time of its verdict and witnesses.
    pub verdict_nanos: u64,
}

impl Profile {
    /// An empty profile (it measures the cost of reading the clock once, here).
    pub fn new() -> Profile {
        let mut best = u64::MAX;
        for _ in 0..64 {
            let a = Instant::now();
            let b = Instant::now();
            best = best.min(u64::try_from(b.duration_since(a).as_nanos()).unwrap_or(u64::MAX));
        }
        Profile { overhead: best, ..Profile::default() }
    }

    /// How many apps the profile holds.
    pub fn apps(&self) -> u64 {
        self.apps
    }

    /// The total measured time of the apps kept (see [`Profile::dropped`]): setup, every node
    /// and every verdict.
    pub fn total(&self) -> Duration {
        let sum = self.setup_nanos + self.node_nanos.iter().sum::<u64>() + self.verdict_nanos.iter().sum::<u64>();
        Duration::from_nanos(sum)
    }

    /// Sizes the counters for `program`; counts of another program are dropped.
    pub(crate) fn fit(&mut self, program: &Program) {
        let shape = (program.layout.nodes.len(), program.layout.roots.len());
        if self.shape != shape {
            let overhead = self.overhead;
            *self = Profile { overhead, shape, ..Profile::default() };
            self.node_runs = vec![0; shape.0];
            self.node_facts = vec![0; shape.0];
            self.node_nanos = vec![0; shape.0];
            self.verdict_nanos = vec![0; shape.1];
        }
    }

    /// Nanoseconds from `since` to `now`, less the cost of one clock read.
    pub(crate) fn between(&self, since: Instant, now: Instant) -> u64 {
        u64::try_from(now.duration_since(since).as_nanos()).unwrap_or(u64::MAX).saturating_sub(self.overhead)
    }

    /// Starts an app whose setup took `nanos`.
    pub(crate) fn begin_app(&mut self, nanos: u64) {
        self.apps += 1;
        self.pending.clear();
        self.pending_setup = nanos;
    }

    /// Counts a run of `node` over `facts` facts that took `nanos`.
    pub(crate) fn add(&mut self, node: u32, runs: u64, facts: u64, nanos: u64) {
        let i = node as usize;
        for (v, x) in [(&mut self.node_runs, runs), (&mut self.node_facts, facts)] {
            if let Some(slot) = v.get_mut(i) {
                *slot += x;
            }
        }
        if nanos > 0 {
            self.pending.push((node, nanos));
        }
    }

    /// Counts the time of an indicator's verdict and witnesses.
    pub(crate) fn add_verdict(&mut self, indicator: usize, nanos: u64) {
        let key = u32::try_from(indicator).map_or(0, |i| u32::MAX - i);
        self.pending.push((key, nanos));
    }

    /// Ends an app of `work` units (facts plus nodes): keeps its times unless they were disturbed.
    pub(crate) fn end_app(&mut self, work: usize) {
        let total = self.pending_setup + self.pending.iter().map(|(_, n)| n).sum::<u64>();
        let rate = total as f64 / work.max(1) as f64;
        let mut sorted = self.recent.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied();
        if self.recent.len() >= RECENT {
            self.recent.remove(0);
        }
        self.recent.push(rate);
        if sorted.len() >= 8 && median.is_some_and(|m| rate > DISTURBED * m) {
            self.dropped += 1;
            return;
        }
        self.setup_nanos += self.pending_setup;
        let nodes = self.node_nanos.len();
        for &(key, nanos) in &self.pending {
            let slot = if (key as usize) < nodes {
                self.node_nanos.get_mut(key as usize)
            } else {
                self.verdict_nanos.get_mut((u32::MAX - key) as usize)
            };
            if let Some(x) = slot {
                *x += nanos;
            }
        }
    }

    /// How many apps' times were left out because the thread was most likely preempted.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Per node, the indicators that read it.
    fn users(program: &Program) -> Vec<Vec<usize>> {
        let n = program.layout.nodes.len();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut seen = vec![usize::MAX; n];
        let mut stack = Vec::new();
        for (ind, root) in program.layout.roots.iter().enumerate() {
            stack.clear();
            if let Some(r) = crate::compile::operand_node(root) {
                stack.push(r);
            }
            while let Some(i) = stack.pop() {
                match seen.get_mut(i as usize) {
                    Some(s) if *s != ind => *s = ind,
                    _ => continue,
                }
                if let Some(u) = users.get_mut(i as usize) {
                    u.push(ind);
                }
                if let Some(node) = program.layout.nodes.get(i as usize) {
                    stack.extend(crate::compile::node_deps(&node.op, &program.layout.operands));
                }
            }
        }
        users
    }

    /// Every node that ran, the most expensive first (then the most runs, then by number).
    pub fn nodes(&self, program: &Program) -> Vec<NodeCost> {
        let users = Profile::users(program);
        let mut out: Vec<NodeCost> = program
            .layout
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, node)| {
                let runs = self.node_runs.get(i).copied().unwrap_or(0);
                (runs > 0).then(|| NodeCost {
                    node: u32::try_from(i).unwrap_or(u32::MAX),
                    runs,
                    facts: self.node_facts.get(i).copied().unwrap_or(0),
                    nanos: self.node_nanos.get(i).copied().unwrap_or(0),
                    users: users.get(i).map_or(0, Vec::len),
                    text: program.node_text(node),
                })
            })
            .collect();
        out.sort_by(|a, b| b.nanos.cmp(&a.nanos).then(b.runs.cmp(&a.runs)).then(a.node.cmp(&b.node)));
        out
    }

    /// Every indicator, the largest share first (then by position).
    pub fn indicators(&self, program: &Program, pack: &Pack) -> Vec<IndicatorCost> {
        let users = Profile::users(program);
        let mut out: Vec<IndicatorCost> = (0..program.layout.roots.len())
            .map(|index| {
                let verdict = self.verdict_nanos.get(index).copied().unwrap_or(0);
                IndicatorCost {
                    index,
                    id: pack.indicators.get(index).map_or_else(|| format!("#{index}"), |x| x.id.clone()),
                    share_nanos: verdict as f64,
                    alone_nanos: verdict,
                    verdict_nanos: verdict,
                }
            })
            .collect();
        for (i, us) in users.iter().enumerate() {
            let nanos = self.node_nanos.get(i).copied().unwrap_or(0);
            if us.is_empty() || nanos == 0 {
                continue;
            }
            let share = nanos as f64 / us.len() as f64;
            for &u in us {
                if let Some(x) = out.get_mut(u) {
                    x.share_nanos += share;
                    x.alone_nanos += nanos;
                }
            }
        }
        out.sort_by(|a, b| b.share_nanos.total_cmp(&a.share_nanos).then(a.index.cmp(&b.index)));
        out
    }

    /// A report for the pack's author: time per app, each indicator's share, the hottest nodes.
    pub fn render(&self, program: &Program, pack: &Pack) -> String {
        let mut out = String::new();
        let apps = self.apps.max(1) as f64;
        let timed = self.apps.saturating_sub(self.dropped).max(1) as f64;
        let total = self.total().as_nanos() as f64;
        let per_app = |nanos: f64| nanos / timed / 1000.0;
        let pct = |nanos: f64| if total > 0.0 { 100.0 * nanos / total } else { 0.0 };
        let nodes = self.nodes(program);
        let node_sum: u64 = nodes.iter().map(|n| n.nanos).sum();
        let verdicts: u64 = self.verdict_nanos.iter().sum();
        let _ = writeln!(
            out,
            "profile of {} app(s): {:.2} µs per app (setup {:.2}, nodes {:.2}, verdicts and witnesses {:.2}), \
             each step timed: expect the times to run above an unprofiled evaluation",
            self.apps,
            per_app(total),
            per_app(self.setup_nanos as f64),
            per_app(node_sum as f64),
            per_app(verdicts as f64),
        );
        if self.dropped > 0 {
            let _ = writeln!(
                out,
                "{} app(s) left out of the times: each took over {DISTURBED} times the usual time per fact (preempted)",
                self.dropped
            );
        }
        let _ = writeln!(out, "\nindicators by share of the time (a shared node split evenly among its readers):");
        let _ = writeln!(out, "{:>7} {:>12} {:>12}  indicator", "share", "µs/app", "alone µs/app");
        for ind in self.indicators(program, pack) {
            let title = pack.indicators.get(ind.index).map_or("", |x| x.title.as_str());
            let _ = writeln!(
                out,
                "{:>6.1}% {:>12.3} {:>12.3}  {} {}",
                pct(ind.share_nanos),
                per_app(ind.share_nanos),
                per_app(ind.alone_nanos as f64),
                ind.id,
                title
            );
        }
        let _ = writeln!(out, "\nhottest nodes:");
        let _ = writeln!(
            out,
            "{:>7} {:>10} {:>9} {:>10} {:>8}  node",
            "share", "µs/app", "runs/app", "facts/app", "readers"
        );
        for n in nodes.iter().take(25) {
            let _ = writeln!(
                out,
                "{:>6.1}% {:>10.3} {:>9.1} {:>10.1} {:>8}  %{} {}",
                pct(n.nanos as f64),
                per_app(n.nanos as f64),
                n.runs as f64 / apps,
                n.facts as f64 / apps,
                n.users,
                n.node,
                clip(&n.text, 110)
            );
        }
        if nodes.len() > 25 {
            let _ = writeln!(out, "… and {} more nodes", nodes.len() - 25);
        }
        out
    }
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or(s)),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Scratch, evaluate, evaluate_profiled};

    #[test]
    fn counts_add_up_and_lists_are_sorted_by_cost() {
        let engine = crate::builtin::engine();
        let program = engine.program();
        let apps: Vec<_> = (0..4)
            .map(|i| {
                engine
                    .read_evidence(indicia_testkit::generate::EvidenceGenerator::new(150, 5).app(i).as_bytes())
                    .unwrap()
            })
            .collect();
        let mut profile = Profile::new();
        let mut scratch = Scratch::new();
        for app in &apps {
            let profiled = evaluate_profiled(program, app, &mut scratch, &mut profile);
            assert_eq!(profiled, evaluate(program, app, &mut Scratch::new()), "profiling changed an outcome");
        }
        assert_eq!(profile.apps(), 4);
        let nodes = profile.nodes(program);
        // The built-in pack has no nested scan: every node runs once per app.
        assert_eq!(nodes.len(), program.layout.nodes.len());
        assert!(nodes.iter().all(|n| n.runs == 4), "{nodes:?}");
        assert!(nodes.iter().all(|n| n.users >= 1));
        assert!(nodes.windows(2).all(|w| w[0].nanos >= w[1].nanos));
        // Shares add up to the node and verdict time; alone costs are at least the share.
        let inds = profile.indicators(program, engine.pack());
        assert_eq!(inds.len(), 15);
        let shares: f64 = inds.iter().map(|i| i.share_nanos).sum();
        let parts = nodes.iter().map(|n| n.nanos).sum::<u64>() + profile.verdict_nanos.iter().sum::<u64>();
        assert!((shares - parts as f64).abs() <= 1e-6 * parts as f64 + 1.0, "{shares} vs {parts}");
        assert!(inds.iter().all(|i| i.alone_nanos as f64 + 1e-6 >= i.share_nanos));
        assert!(inds.windows(2).all(|w| w[0].share_nanos >= w[1].share_nanos));
        // The rendering lists every indicator once, in the same order.
        let text = profile.render(program, engine.pack());
        let positions: Vec<usize> = inds
            .iter()
            .map(|i| text.find(&format!(" {} ", i.id)).unwrap_or_else(|| panic!("{} missing:\n{text}", i.id)))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(text.contains("hottest nodes"), "{text}");
    }

    #[test]
    fn nested_scans_count_their_runs_per_enclosing_fact() {
        let engine = crate::Engine::from_source("gen", &indicia_testkit::generate::generate_pack(60)).unwrap();
        let program = engine.program();
        assert!(program.stats().nested_scans > 0);
        let app =
            engine.read_evidence(indicia_testkit::generate::EvidenceGenerator::new(300, 9).app(0).as_bytes()).unwrap();
        let mut profile = Profile::new();
        evaluate_profiled(program, &app, &mut Scratch::new(), &mut profile);
        let runs: Vec<u64> = profile.node_runs.clone();
        // A node of a nested scan ran once per enclosing fact of every scan that holds it.
        for (k, (s, e)) in program.layout.subs.iter().enumerate() {
            for &x in &program.layout.sub_nodes[*s as usize..*e as usize] {
                assert!(runs[x as usize] >= 1, "nested scan #{k}: %{x} never counted");
                assert_eq!(profile.node_nanos[x as usize], 0, "nested nodes carry no time of their own");
            }
        }
        // Every once-per-app node ran exactly once.
        for &i in &program.top {
            assert_eq!(runs[i as usize], 1, "%{i}");
        }
        // A second program resets the counts.
        profile.fit(crate::builtin::engine().program());
        assert_eq!(profile.apps(), 0);
    }
}
