//! In steady state, scoring an app allocates nothing beyond its outcomes: once a [`Scratch`] has
//! seen the largest app, every buffer keeps its address and capacity however many apps follow,
//! and the outcomes themselves take one allocation for the list plus one exactly sized witness
//! list per failed indicator (none for a passed or inconclusive one).
//!
//! The workspace forbids `unsafe`, so a counting `#[global_allocator]` would need a crate that
//! implements one; the structural check here (addresses and capacities of every scratch buffer,
//! exact capacities of the outcome lists) needs none.

#[cfg(test)]
mod support {
    use indicia::eval::{Scratch, evaluate};
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
