//! Fleet decisions: a `policy` turns a report into a decision (`deny`, `review`, `allow`…).
//!
//! A policy pack holds one `policy` block (an ordered list of `DECISION: CONDITION` and a
//! `default`), with consts, params and defines beside it. [`lower`] turns it into an ordinary pack
//! over the report schema, so it is checked, compiled and evaluated by the engine itself;
//! [`facts`] turns a report into that pack's evidence. [`Policy::decide`] walks the rules in order:
//! the first whose condition is true decides; a condition that is unknown before any holds gives
//! the default (an inconclusive indicator never silently allows), as does a report where none holds.

pub mod facts;
pub mod lower;

use std::path::Path;
use std::sync::Arc;

use crate::engine::{Engine, EngineError};
use crate::hir::{KindId, Verdict};
use crate::load::{self, LoadedPack};
use crate::outcome::Outcomes;
use crate::report::Report;

pub use lower::{PolicyInfo, Rule};

mod files {
    include!(concat!(env!("OUT_DIR"), "/builtin_policy.rs"));
}

/// The directory of the built-in policy, relative to the repository root.
pub const BUILTIN_DIR: &str = "rules/tw-mabis-v4-policy";

/// Why a policy could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The pack could not be read, has errors or does not compile.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The pack checked clean but declares no `policy`.
    #[error("`{0}` declares no `policy`")]
    NoPolicy(String),
}

/// A checked policy compiled for one set of param values.
#[derive(Clone, Debug)]
pub struct Policy {
    engine: Engine,
    info: Arc<PolicyInfo>,
    indicator_kind: Option<KindId>,
}

/// Why a policy chose its decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The condition of rule `n` (0-based) was true, and every rule before it false.
    Held(usize),
    /// The condition of rule `n` was unknown, every rule before it false: the default decides.
    Unknown(usize),
    /// No condition held: the default decides.
    NoneHeld,
}

/// One app's decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The app's id (`app.id` of the report; empty when it has none).
    pub app: String,
    /// The app's platform (`app.platform`), when given.
    pub platform: Option<String>,
    /// The decision's name.
    pub decision: String,
    /// Why.
    pub basis: Basis,
    /// The rule behind the basis (`Held` and `Unknown`).
    pub rule: Option<Rule>,
    /// The indicators behind it: for a held condition, the report's indicators it was true for
    /// (its witnesses); for an unknown one, the inconclusive indicators whose verdict would
    /// settle it (all inconclusive ones when no single one would).
    pub indicators: Vec<String>,
}

impl Decision {
    /// The reason in one line, e.g. ``rule `deny` (policy.ind:7) held: any indicator where … [TW-BIO-01]``.
    pub fn reason(&self) -> String {
        let listed =
            if self.indicators.is_empty() { String::new() } else { format!(" [{}]", self.indicators.join(", ")) };
        match (&self.basis, &self.rule) {
            (Basis::Held(_), Some(rule)) => {
                format!("rule `{}` ({}) held: {}{listed}", rule.decision, rule.place, rule.condition)
            }
            (Basis::Unknown(_), Some(rule)) => format!(
                "default: rule `{}` ({}) is unknown: {}; inconclusive{listed}",
                rule.decision, rule.place, rule.condition
            ),
            _ => "default: no rule held".to_string(),
        }
    }
}

/// Why a saved report could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Not a report of `indicia eval` or `scan`.
    #[error("not a report: {0}")]
    Json(#[from] serde_json::Error),
    /// The report made evidence the policy refused (a bug if it happens: reported, not hidden).
    #[error("the report could not be read as the policy's evidence: {0}")]
    Evidence(#[from] crate::evidence::EvidenceError),
}

impl Policy {
    /// The built-in policy (`rules/tw-mabis-v4-policy`) for the built-in pack.
    pub fn builtin() -> Result<Policy, PolicyError> {
        let sources = builtin_files()
            .iter()
            .filter(|(name, _)| name.ends_with(".ind"))
            .map(|(name, bytes)| (name.to_string(), String::from_utf8_lossy(bytes).into_owned()))
            .collect();
        Policy::from_loaded(load::load_sources("tw-mabis-v4-policy", sources), BUILTIN_DIR)
    }

    /// Loads, checks and compiles the policy at `path` (a directory or one `.ind` file).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let loaded = load::load_path(path).map_err(EngineError::from)?;
        Policy::from_loaded(loaded, &path.display().to_string())
    }

    /// A one-file policy given as text.
    pub fn from_source(name: &str, text: &str) -> Result<Policy, PolicyError> {
        Policy::from_loaded(load::load_sources(name, vec![(format!("{name}.ind"), text.to_string())]), name)
    }

    fn from_loaded(loaded: LoadedPack, what: &str) -> Result<Policy, PolicyError> {
        let (pack, info) = load::check_pack_with_policy(loaded).map_err(EngineError::Check)?;
        let info = info.ok_or_else(|| PolicyError::NoPolicy(what.to_string()))?;
        let engine = Engine::from_checked(pack)?;
        let indicator_kind = engine.pack().schema.kind_id("result");
        Ok(Policy { engine, info: Arc::new(info), indicator_kind })
    }

    /// The same policy with `NAME=VALUE` param overrides.
    pub fn with_param_overrides(&self, overrides: &[String]) -> Result<Policy, EngineError> {
        Ok(Policy { engine: self.engine.with_param_overrides(overrides)?, ..self.clone() })
    }

    /// The same policy with checked param values.
    pub fn with_params(&self, params: crate::hir::ParamValues) -> Result<Policy, EngineError> {
        Ok(Policy { engine: self.engine.with_params(params)?, ..self.clone() })
    }

    /// The compiled decision pack (its indicators are the rules, in order).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The policy's name, default and rules.
    pub fn info(&self) -> &PolicyInfo {
        &self.info
    }

    /// Decides a saved report: one JSON report as `indicia eval` or `scan` writes it.
    pub fn decide_json(&self, json: &[u8]) -> Result<Decision, ReportError> {
        let report: Report = serde_json::from_slice(json)?;
        self.decide(&report)
    }

    /// Decides one report.
    pub fn decide(&self, report: &Report) -> Result<Decision, ReportError> {
        let mut buffer = Vec::with_capacity(256 + 160 * report.indicators.len());
        let outcomes = self.outcomes(report, None, &mut buffer)?;
        let text = |key: &str| report.app.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let mut decision = Decision {
            app: text("id").unwrap_or_default(),
            platform: text("platform"),
            decision: self.info.default.clone(),
            basis: Basis::NoneHeld,
            rule: None,
            indicators: Vec::new(),
        };
        for (index, outcome) in outcomes.indicators.iter().enumerate() {
            let rule = self.info.rules.get(index).cloned();
            match outcome.verdict {
                Verdict::Pass => continue,
                Verdict::Fail => {
                    decision.indicators = outcome
                        .witnesses
                        .iter()
                        .filter(|w| Some(w.kind) == self.indicator_kind)
                        .filter_map(|w| report.indicators.get(w.index as usize))
                        .map(|i| i.id.to_string())
                        .collect();
                    decision.decision = rule.as_ref().map_or_else(String::new, |r| r.decision.clone());
                    decision.basis = Basis::Held(index);
                }
                Verdict::Inconclusive => {
                    decision.indicators = self.unsettled(report, index, &mut buffer)?;
                    decision.basis = Basis::Unknown(index);
                }
            }
            decision.rule = rule;
            break;
        }
        Ok(decision)
    }

    /// The policy's outcomes over `report` (with one verdict flipped, when asked).
    fn outcomes(
        &self,
        report: &Report,
        flip: Option<(usize, Verdict)>,
        buffer: &mut Vec<u8>,
    ) -> Result<Outcomes, ReportError> {
        facts::evidence_json(report, flip, buffer);
        let evidence = self.engine.read_evidence(buffer)?;
        Ok(crate::eval::evaluate_once(self.engine.program(), &evidence))
    }

    /// The inconclusive indicators of `report` whose verdict, once known, would settle rule
    /// `rule` (all inconclusive ones when no single one would).
    fn unsettled(&self, report: &Report, rule: usize, buffer: &mut Vec<u8>) -> Result<Vec<String>, ReportError> {
        let inconclusive: Vec<usize> = report
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.verdict == Verdict::Inconclusive)
            .map(|(index, _)| index)
            .collect();
        let mut settling = Vec::new();
        for &index in &inconclusive {
            for verdict in [Verdict::Fail, Verdict::Pass] {
                let flipped = self.outcomes(report, Some((index, verdict)), buffer)?;
                if flipped.indicators.get(rule).is_some_and(|o| o.verdict != Verdict::Inconclusive) {
                    settling.push(index);
                    break;
                }
            }
        }
        let chosen = if settling.is_empty() { inconclusive } else { settling };
        Ok(chosen.into_iter().filter_map(|i| report.indicators.get(i)).map(|i| i.id.to_string()).collect())
    }
}

/// Every file of the built-in policy: (path from the repository root, contents).
pub fn builtin_files() -> &'static [(&'static str, &'static [u8])] {
    files::FILES
}
