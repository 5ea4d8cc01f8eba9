//! Scoring and the report: verdict counts, weights, `risk` and `risk_upper`, per category.
//!
//! [`build_report`] turns the [`Outcomes`] of one app into a [`Report`], the JSON document of
//! cli.md ("The report"). Risk is computed from the exact decimal weights as written, so that
//! rounding is exact: `100 × 1/16 = 6.25` gives `6.3`.

use serde::{Deserialize, Serialize};

use crate::evidence::Evidence;
use crate::hir::{Pack, Severity, Verdict, Weight};
use crate::outcome::{Outcomes, Witness};

/// The report on one app, as cli.md specifies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The evidence's `app` object, copied as it is.
    pub app: serde_json::Map<String, serde_json::Value>,
    /// Which pack scored it.
    pub pack: PackInfo,
    /// Counts and risk over every indicator.
    pub summary: Summary,
    /// Counts per declared category, sorted by id.
    pub categories: Vec<CategoryReport>,
    /// Every indicator, sorted by id.
    pub indicators: Vec<IndicatorReport>,
    /// Evidence warnings: undeclared kinds and fields, unknown top-level members.
    pub warnings: Vec<String>,
}

impl Report {
    /// The indicators the app failed.
    pub fn failed(&self) -> impl Iterator<Item = &IndicatorReport> {
        self.indicators.iter().filter(|i| i.verdict == Verdict::Fail)
    }

    /// The app's id.
    pub fn app_id(&self) -> &str {
        self.app.get("id").and_then(|v| v.as_str()).unwrap_or("")
    }
}

/// `pack` in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    /// The standard's name, or the pack's directory name or file stem.
    pub name: String,
    /// The standard's version, or null.
    pub version: Option<String>,
}

/// `summary` in the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of indicators.
    pub total: usize,
    /// Indicators whose condition is true.
    pub failed: usize,
    /// Indicators whose condition is false.
    pub passed: usize,
    /// Indicators whose condition is unknown.
    pub inconclusive: usize,
    /// `100 × Σw(failed) / Σw(all)`, rounded to one decimal, half away from zero.
    pub risk: f64,
    /// `100 × Σw(failed or inconclusive) / Σw(all)`, rounded the same way.
    pub risk_upper: f64,
}

/// One entry of `categories` in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryReport {
    /// The category's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Number of its indicators.
    pub total: usize,
    /// How many of them failed.
    pub failed: usize,
    /// How many passed.
    pub passed: usize,
    /// How many were inconclusive.
    pub inconclusive: usize,
}

/// One entry of `indicators` in the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorReport {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its category's id.
    pub category: String,
    /// Its severity.
    pub severity: Severity,
    /// Its weight.
    pub weight: f64,
    /// Its references.
    pub refs: Vec<String>,
    /// Fail, pass or inconclusive.
    pub verdict: Verdict,
    /// The facts that made it fail (empty unless it failed), sorted by kind name then index.
    pub witnesses: Vec<WitnessRef>,
}

/// A witness in the report: a fact named by its kind and index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WitnessRef {
    /// The fact kind's name.
    pub kind: String,
    /// The index of the fact in the evidence's array of that kind.
    pub index: u32,
}

/// Builds the report of one app from its outcomes. `outcomes.indicators` is parallel to
/// `pack.indicators`.
pub fn build_report(pack: &Pack, evidence: &Evidence, outcomes: &Outcomes) -> Report {
    let mut categories: Vec<CategoryReport> = pack
        .categories
        .iter()
        .map(|c| CategoryReport {
            id: c.id.clone(),
            title: c.title.clone(),
            total: 0,
            failed: 0,
            passed: 0,
            inconclusive: 0,
        })
        .collect();
    let mut tally = Tally::default();
    let mut indicators = Vec::with_capacity(pack.indicators.len());
    for (indicator, outcome) in pack.indicators.iter().zip(&outcomes.indicators) {
        tally.add(indicator.weight, outcome.verdict);
        if let Some(category) = categories.get_mut(indicator.category.index()) {
            category.total += 1;
            match outcome.verdict {
                Verdict::Fail => category.failed += 1,
                Verdict::Pass => category.passed += 1,
                Verdict::Inconclusive => category.inconclusive += 1,
            }
        }
        indicators.push(IndicatorReport {
            id: indicator.id.clone(),
            title: indicator.title.clone(),
            category: pack.categories.get(indicator.category.index()).map(|c| c.id.clone()).unwrap_or_default(),
            severity: indicator.severity,
            weight: indicator.weight.as_f64(),
            refs: indicator.refs.clone(),
            verdict: outcome.verdict,
            witnesses: witness_refs(pack, &outcome.witnesses),
        });
    }
    categories.sort_by(|a, b| a.id.cmp(&b.id));
    indicators.sort_by(|a, b| a.id.cmp(&b.id));
    Report {
        app: evidence.app.clone(),
        pack: PackInfo { name: pack.name.clone(), version: pack.standard.as_ref().map(|s| s.version.clone()) },
        summary: tally.summary(),
        categories,
        indicators,
        warnings: evidence.warnings.clone(),
    }
}

fn witness_refs(pack: &Pack, witnesses: &[Witness]) -> Vec<WitnessRef> {
    let mut refs: Vec<WitnessRef> = witnesses
        .iter()
        .map(|w| WitnessRef {
            kind: pack.schema.kind(w.kind).map(|k| k.name.clone()).unwrap_or_default(),
            index: w.index,
        })
        .collect();
    refs.sort();
    refs.dedup();
    refs
}

/// Verdict counts and exact weight sums.
#[derive(Default)]
struct Tally {
    failed: usize,
    passed: usize,
    inconclusive: usize,
    weights: Vec<(Weight, Verdict)>,
}

impl Tally {
    fn add(&mut self, weight: Weight, verdict: Verdict) {
        match verdict {
            Verdict::Fail => self.failed += 1,
            Verdict::Pass => self.passed += 1,
            Verdict::Inconclusive => self.inconclusive += 1,
        }
        self.weights.push((weight, verdict));
    }

    fn summary(&self) -> Summary {
        let failed = |v: Verdict| v == Verdict::Fail;
        let open = |v: Verdict| v != Verdict::Pass;
        Summary {
            total: self.failed + self.passed + self.inconclusive,
            failed: self.failed,
            passed: self.passed,
            inconclusive: self.inconclusive,
            risk: risk(&self.weights, failed),
            risk_upper: risk(&self.weights, open),
        }
    }
}

/// `100 × Σw(selected) / Σw(all)` rounded to one decimal, half away from zero, computed exactly
/// on the decimal weights; 0.0 when the weights sum to 0.
pub fn risk(weights: &[(Weight, Verdict)], selected: impl Fn(Verdict) -> bool) -> f64 {
    exact_risk_tenths(weights, &selected).map_or_else(
        || {
            // Weights too precise for 128-bit arithmetic: fall back to floating point.
            let all: f64 = weights.iter().map(|(w, _)| w.as_f64()).sum();
            let part: f64 = weights.iter().filter(|(_, v)| selected(*v)).map(|(w, _)| w.as_f64()).sum();
            if all > 0.0 { (1000.0 * part / all).round() / 10.0 } else { 0.0 }
        },
        |tenths| tenths as f64 / 10.0,
    )
}

fn exact_risk_tenths(weights: &[(Weight, Verdict)], selected: &impl Fn(Verdict) -> bool) -> Option<u128> {
    let scale = weights.iter().map(|(w, _)| w.scale).max().unwrap_or(0);
    let mut all: u128 = 0;
    let mut part: u128 = 0;
    for (w, verdict) in weights {
        let factor = 10u128.checked_pow(scale - w.scale)?;
        let units = u128::from(w.units).checked_mul(factor)?;
        all = all.checked_add(units)?;
        if selected(*verdict) {
            part = part.checked_add(units)?;
        }
    }
    if all == 0 {
        return Some(0);
    }
    // round(1000 × part / all), half away from zero (everything is non-negative)
    let numerator = part.checked_mul(2000)?.checked_add(all)?;
    Some(numerator / all.checked_mul(2)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(units: u64, scale: u32) -> Weight {
        Weight { units, scale }
    }

    #[test]
    fn risk_rounds_half_away_from_exact_fractions() {
        // 100 × 1/16 = 6.25 → 6.3
        let mut ws = vec![(w(1, 0), Verdict::Fail)];
        ws.extend(std::iter::repeat_n((w(1, 0), Verdict::Pass), 15));
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 6.3);
        // weights 0.1 and 0.2 count as 1/10 and 2/10: 100 × 0.1 / 0.3 = 33.33… → 33.3
        let ws = [(w(1, 1), Verdict::Fail), (w(2, 1), Verdict::Pass)];
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 33.3);
        // 7/13 = 53.846 → 53.8; (7+5)/13 = 92.3
        let ws = [
            (w(3, 0), Verdict::Fail),
            (w(4, 0), Verdict::Fail),
            (w(1, 0), Verdict::Pass),
            (w(5, 0), Verdict::Inconclusive),
        ];
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 53.8);
        assert_eq!(risk(&ws, |v| v != Verdict::Pass), 92.3);
        assert_eq!(risk(&[], |_| true), 0.0);
        // 100 × 1/8 = 12.5 exactly: stays 12.5; 100 × 1/6 = 16.67 → 16.7
        let ws = [(w(1, 0), Verdict::Fail), (w(5, 0), Verdict::Pass)];
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 16.7);
        let ws = [
            (w(5, 2), Verdict::Fail),
            (w(5, 2), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
            (w(1, 0), Verdict::Pass),
        ];
        // 0.05 / (0.1 + 8) = 0.617% → 0.6
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 0.6);
    }

    #[test]
    fn half_tenth_rounds_up() {
        // 1/2000 of the weight = 0.05 % → rounds to 0.1
        let ws = [(w(1, 0), Verdict::Fail), (w(1999, 0), Verdict::Pass)];
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 0.1);
    }
}
