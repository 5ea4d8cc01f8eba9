//! Counts allocations: in steady state, scoring an app allocates its outcomes and nothing else —
//! one allocation for the outcome list plus one for each non-empty witness list — and scoring
//! into reused outcomes (`evaluate_into`) allocates nothing. The counting
//! allocator comes from `stats_alloc`, so this test needs no `unsafe` of its own. The file holds a
//! single test so that no other test thread allocates while it counts.

use std::alloc::System;

use indicia::eval::{Scratch, evaluate, evaluate_into};
use indicia::outcome::Outcomes;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn steady_state_evaluation_allocates_only_its_outcomes() -> Result<(), String> {
    let engine = indicia::Engine::builtin();
    let mut apps = Vec::new();
    for (seed, facts) in [(1u64, 50usize), (2, 200), (3, 1_000)] {
        for i in 0..3 {
            let json = indicia_testkit::generate::EvidenceGenerator::new(facts, seed).app(i);
            apps.push(engine.read_evidence(json.as_bytes()).map_err(|e| e.to_string())?);
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/evidence");
    for name in ["rednote.json", "benign-notes.json"] {
        let bytes = std::fs::read(root.join(name)).map_err(|e| e.to_string())?;
        apps.push(engine.read_evidence(&bytes).map_err(|e| e.to_string())?);
    }
    let program = engine.program();
    let mut scratch = Scratch::new();
    let mut reused = Outcomes::default();
    for _ in 0..2 {
        for app in &apps {
            evaluate(program, app, &mut scratch);
            evaluate_into(program, app, &mut scratch, &mut reused);
        }
    }
    let mut failing_apps = 0;
    for app in &apps {
        let region = Region::new(GLOBAL);
        let outcomes = evaluate(program, app, &mut scratch);
        let allocations = region.change().allocations;
        let witness_lists = outcomes.indicators.iter().filter(|o| o.witnesses.capacity() > 0).count();
        failing_apps += usize::from(witness_lists > 0);
        if allocations > 1 + witness_lists {
            return Err(format!("{allocations} allocations for {witness_lists} witness lists"));
        }
        let region = Region::new(GLOBAL);
        evaluate_into(program, app, &mut scratch, &mut reused);
        let change = region.change();
        if change.allocations + change.reallocations > 0 {
            return Err(format!("evaluate_into allocated: {change:?}"));
        }
        if reused != outcomes {
            return Err("evaluate_into gave other outcomes than evaluate".to_string());
        }
    }
    // The apps exercise witnesses, so the bound above is not trivially 1.
    assert!(failing_apps > 0);
    Ok(())
}
