//! In steady state, scoring an app allocates nothing beyond its outcomes: once a [`Scratch`] has
//! seen the largest app, every buffer keeps its address and capacity however many apps follow,
//! and new outcomes take one allocation for the list plus one exactly sized witness list per
//! failed indicator (none for a passed or inconclusive one). Outcomes reused by `evaluate_into`
//! take none: once they have seen every app, their lists keep their addresses and capacities too,
//! and they hold what `evaluate` returns, whatever they held before.
//!
//! The workspace forbids `unsafe`, so a counting `#[global_allocator]` would need a crate that
//! implements one; the structural check here (addresses and capacities of every scratch buffer
//! and outcome list, exact capacities of new outcome lists) needs none (`alloc_count.rs` counts).

#[cfg(test)]
mod support {
    use indicia::eval::{Scratch, evaluate, evaluate_into};
    use indicia::outcome::Outcomes;
    use indicia::{Engine, Evidence};

    /// The engine and apps of one scenario.
    pub struct Case {
        pub engine: Engine,
        pub apps: Vec<Evidence>,
    }

    pub fn case(engine: Engine, facts: &[usize]) -> Case {
        let mut apps = Vec::new();
        for (seed, &n) in facts.iter().enumerate() {
            for i in 0..3 {
                let json = indicia_testkit::generate::EvidenceGenerator::new(n, 11 + seed as u64).app(i);
                apps.push(engine.read_evidence(json.as_bytes()).unwrap());
            }
        }
        Case { engine, apps }
    }

    /// Warms a scratch over every app, then checks that more rounds leave its buffers in place
    /// and that each outcome list is exactly sized.
    pub fn check(case: &Case) {
        let program = case.engine.program();
        let mut scratch = Scratch::new();
        for app in &case.apps {
            evaluate(program, app, &mut scratch);
        }
        let warmed = scratch.footprint();
        let mut failed = 0usize;
        for _ in 0..3 {
            for app in &case.apps {
                let outcomes = evaluate(program, app, &mut scratch);
                assert_eq!(scratch.footprint(), warmed, "a scratch buffer moved or grew");
                assert_eq!(outcomes.indicators.capacity(), outcomes.indicators.len());
                for o in &outcomes.indicators {
                    assert_eq!(o.witnesses.capacity(), o.witnesses.len(), "witness list not exactly sized");
                    failed += usize::from(!o.witnesses.is_empty());
                }
            }
        }
        assert!(failed > 0, "the scenario fails no indicator: witnesses are not exercised");
        check_reused(case, &mut scratch);
    }

    /// Every list of `out`: its address and capacity.
    fn footprint(out: &Outcomes) -> Vec<(usize, usize)> {
        let mut lists = vec![(out.indicators.as_ptr() as usize, out.indicators.capacity())];
        lists.extend(out.indicators.iter().map(|o| (o.witnesses.as_ptr() as usize, o.witnesses.capacity())));
        lists
    }

    /// One `Outcomes` reused over every app: once warmed, its lists stay in place, and it holds
    /// what `evaluate` returns.
    fn check_reused(case: &Case, scratch: &mut Scratch) {
        let program = case.engine.program();
        let mut out = Outcomes::default();
        for app in &case.apps {
            evaluate_into(program, app, scratch, &mut out);
        }
        let warmed = footprint(&out);
        let warmed_scratch = scratch.footprint();
        for _ in 0..3 {
            for app in &case.apps {
                evaluate_into(program, app, scratch, &mut out);
                assert_eq!(footprint(&out), warmed, "an outcome list moved or grew");
                assert_eq!(scratch.footprint(), warmed_scratch, "a scratch buffer moved or grew");
                assert_eq!(out, evaluate(program, app, scratch));
            }
        }
    }
}

#[test]
fn builtin_pack_reuses_its_buffers() {
    support::check(&support::case(indicia::Engine::builtin(), &[1_000, 200, 10]));
}

#[test]
fn generated_pack_with_patterns_and_nested_scans_reuses_its_buffers() {
    let text = indicia_testkit::generate::generate_pack(150);
    assert!(text.contains("matches") || text.contains("like"), "the generated pack has no pattern");
    let engine = indicia::Engine::from_source("gen", &text).unwrap();
    assert!(engine.program().stats().nested_scans > 0, "the generated pack has no nested scan");
    support::check(&support::case(engine, &[400, 50]));
}

/// One `Outcomes` reused across apps of different shapes (many failures, then fewer; tiny and
/// large apps), across an explaining run and across programs with more and fewer indicators
/// holds exactly what a new one would.
#[test]
fn reused_outcomes_hold_what_new_ones_would() {
    use indicia::eval::{Scratch, evaluate, evaluate_explained, evaluate_explained_into, evaluate_into};
    use indicia::hir::Verdict;
    use indicia::outcome::Outcomes;

    let builtin = indicia::Engine::builtin();
    let generated = indicia::Engine::from_source("gen", &indicia_testkit::generate::generate_pack(60)).unwrap();
    let read = |engine: &indicia::Engine, facts: usize, seed: u64, i: u64| {
        let json = indicia_testkit::generate::EvidenceGenerator::new(facts, seed).app(i);
        engine.read_evidence(json.as_bytes()).unwrap()
    };
    let mut apps: Vec<indicia::Evidence> = Vec::new();
    for (facts, seed) in [(1_000, 1), (200, 2), (10, 3), (0, 4), (200, 5), (1_000, 6)] {
        apps.extend((0..4).map(|i| read(&builtin, facts, seed, i)));
    }
    let failed = |o: &Outcomes| o.indicators.iter().filter(|o| o.verdict == Verdict::Fail).count();
    let mut scratch = Scratch::new();
    let mut out = Outcomes::default();
    let (mut fewer_after_more, mut explained) = (false, 0usize);
    for (i, app) in apps.iter().enumerate() {
        let before = failed(&out);
        let program = builtin.program();
        if i % 3 == 2 {
            evaluate_explained_into(program, app, &mut scratch, &mut out);
            assert_eq!(out, evaluate_explained(program, app, &mut scratch), "explaining, app {i}");
            explained += out.indicators.iter().filter(|o| o.explanation.is_some()).count();
        } else {
            evaluate_into(program, app, &mut scratch, &mut out);
            assert_eq!(out, evaluate(program, app, &mut scratch), "app {i}");
            assert!(out.indicators.iter().all(|o| o.explanation.is_none()), "an explanation left over, app {i}");
        }
        fewer_after_more |= failed(&out) < before;
        // Another program's outcomes in between: more indicators, then back to 15.
        if i % 5 == 4 {
            let other = read(&generated, 200, 7, i as u64);
            evaluate_into(generated.program(), &other, &mut scratch, &mut out);
            assert_eq!(out, evaluate(generated.program(), &other, &mut scratch));
            assert!(out.indicators.len() > 15);
        }
    }
    assert!(fewer_after_more, "no app failed fewer indicators than the one before");
    assert!(explained > 0, "no explanation was computed");
}
