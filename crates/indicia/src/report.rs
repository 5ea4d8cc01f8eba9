//! Scoring and the report: verdict counts, weights, `risk` and `risk_upper`, per category.
//!
//! [`ReportTemplate::new`] does, once per pack, everything about a report that does not depend on
//! the evidence (ids, titles and refs as shared strings, the category order, the weights scaled to
//! one exact denominator); [`build_report`] then turns the [`Outcomes`] of one app into a
//! [`Report`], the JSON document of cli.md ("The report"), with counting and no string copies;
//! [`write_report`] writes the same document as compact JSON without building it.
//! Risk is computed from the exact decimal weights as written, so that rounding is exact:
//! `100 × 1/16 = 6.25` gives `6.3`.

mod explain;
mod json;

pub use explain::{ExplanationReport, MissingRef, UnknownSite};

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use json::write_report;

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
    pub id: Arc<str>,
    /// Its title.
    pub title: Arc<str>,
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
    pub id: Arc<str>,
    /// Its title.
    pub title: Arc<str>,
    /// Its category's id.
    pub category: Arc<str>,
    /// Its severity.
    pub severity: Severity,
    /// Its weight.
    pub weight: f64,
    /// Its references.
    pub refs: Arc<[Arc<str>]>,
    /// Fail, pass or inconclusive.
    pub verdict: Verdict,
    /// The facts that made it fail (empty unless it failed), sorted by kind name then index.
    pub witnesses: Vec<WitnessRef>,
    /// Why it did not fail, when explanations were asked for (not a member of the
    /// specification's report; docs/report.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<ExplanationReport>,
}

/// A witness in the report: a fact named by its kind and index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WitnessRef {
    /// The fact kind's name.
    pub kind: Arc<str>,
    /// The index of the fact in the evidence's array of that kind.
    pub index: u32,
}

/// Everything about a pack's reports that does not depend on the evidence, computed once.
#[derive(Clone, Debug)]
pub struct ReportTemplate {
    pack: PackInfo,
    /// The categories, sorted by id, with zero counts.
    categories: Vec<CategoryReport>,
    /// Per indicator, in pack order (sorted by id): its report with no verdict yet, and the
    /// position of its category in `categories`.
    indicators: Vec<(IndicatorReport, usize)>,
    /// Per fact kind: its name, and its rank in byte order of names (witnesses sort by name).
    kinds: Vec<(Arc<str>, u32)>,
    /// The weights as written.
    weights: Vec<Weight>,
    /// The weights scaled to one common denominator, when that fits in 128 bits.
    scaled: Option<Vec<u128>>,
    /// The constant parts of the report's compact JSON.
    fragments: json::Fragments,
    /// Kind, field and `unknown` names for explanations.
    names: explain::Names,
}

impl ReportTemplate {
    /// The template of `pack`'s reports.
    pub fn new(pack: &Pack) -> ReportTemplate {
        let mut order: Vec<usize> = (0..pack.categories.len()).collect();
        order.sort_by(|&a, &b| pack.categories.get(a).map(|c| &c.id).cmp(&pack.categories.get(b).map(|c| &c.id)));
        let mut position = vec![0usize; pack.categories.len()];
        for (sorted, &original) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(original) {
                *slot = sorted;
            }
        }
        let categories = order
            .iter()
            .filter_map(|&i| pack.categories.get(i))
            .map(|c| CategoryReport {
                id: Arc::from(c.id.as_str()),
                title: Arc::from(c.title.as_str()),
                total: 0,
                failed: 0,
                passed: 0,
                inconclusive: 0,
            })
            .collect::<Vec<_>>();
        let indicators = pack
            .indicators
            .iter()
            .map(|indicator| {
                let slot = position.get(indicator.category.index()).copied().unwrap_or(0);
                let category = categories.get(slot).map(|c| c.id.clone()).unwrap_or_else(|| Arc::from(""));
                let report = IndicatorReport {
                    id: Arc::from(indicator.id.as_str()),
                    title: Arc::from(indicator.title.as_str()),
                    category,
                    severity: indicator.severity,
                    weight: indicator.weight.as_f64(),
                    refs: indicator.refs.iter().map(|r| Arc::from(r.as_str())).collect(),
                    verdict: Verdict::Pass,
                    witnesses: Vec::new(),
                    explanation: None,
                };
                (report, slot)
            })
            .collect();
        let mut names: Vec<(&str, usize)> =
            pack.schema.kinds.iter().enumerate().map(|(i, k)| (k.name.as_str(), i)).collect();
        names.sort();
        let mut kinds: Vec<(Arc<str>, u32)> =
            pack.schema.kinds.iter().map(|k| (Arc::from(k.name.as_str()), 0)).collect();
        for (rank, (_, kind)) in names.iter().enumerate() {
            if let Some(slot) = kinds.get_mut(*kind) {
                slot.1 = u32::try_from(rank).unwrap_or(u32::MAX);
            }
        }
        let weights: Vec<Weight> = pack.indicators.iter().map(|i| i.weight).collect();
        let mut template = ReportTemplate {
            pack: PackInfo { name: pack.name.clone(), version: pack.standard.as_ref().map(|s| s.version.clone()) },
            categories,
            indicators,
            kinds,
            scaled: scale_weights(&weights),
            weights,
            fragments: json::Fragments::default(),
            names: explain::Names::new(pack),
        };
        template.fragments = json::Fragments::new(&template);
        template
    }
}

/// Builds the report of one app from its outcomes. `outcomes.indicators` is parallel to the
/// pack's indicators.
pub fn build_report(template: &ReportTemplate, evidence: &Evidence, outcomes: &Outcomes) -> Report {
    let verdicts: Vec<Verdict> = outcomes.indicators.iter().map(|o| o.verdict).collect();
    let mut categories = template.categories.clone();
    for (category, [total, failed, passed, inconclusive]) in
        categories.iter_mut().zip(category_counts(template, &verdicts))
    {
        (category.total, category.failed, category.passed, category.inconclusive) =
            (total, failed, passed, inconclusive);
    }
    let mut order = WitnessOrder::with_kinds(template.kinds.len());
    let indicators = template
        .indicators
        .iter()
        .zip(&outcomes.indicators)
        .map(|((indicator, _), outcome)| {
            let mut witnesses = Vec::with_capacity(outcome.witnesses.len());
            for (kind, run) in order.runs(template, &outcome.witnesses) {
                let name = template.kinds.get(kind).map_or_else(|| Arc::from(""), |k| k.0.clone());
                witnesses.extend(run.iter().map(|w| WitnessRef { kind: name.clone(), index: w.index }));
            }
            IndicatorReport {
                verdict: outcome.verdict,
                witnesses,
                explanation: outcome.explanation.as_ref().map(|e| template.names.report(e)),
                ..indicator.clone()
            }
        })
        .collect();
    Report {
        app: evidence.app.clone(),
        pack: template.pack.clone(),
        summary: summary(template, &verdicts),
        categories,
        indicators,
        warnings: evidence.warnings.clone(),
    }
}

/// Per category, in report order: `[total, failed, passed, inconclusive]`.
fn category_counts(template: &ReportTemplate, verdicts: &[Verdict]) -> Vec<[usize; 4]> {
    let mut counts = vec![[0usize; 4]; template.categories.len()];
    for ((_, slot), verdict) in template.indicators.iter().zip(verdicts) {
        if let Some([total, failed, passed, inconclusive]) = counts.get_mut(*slot) {
            *total += 1;
            match verdict {
                Verdict::Fail => *failed += 1,
                Verdict::Pass => *passed += 1,
                Verdict::Inconclusive => *inconclusive += 1,
            }
        }
    }
    counts
}

/// Puts witnesses in report order: by kind name, then index, without repeats.
///
/// The evaluator gives them sorted by (kind index, fact index) without repeats; they then go out
/// as they are, run by run (one run per kind), the runs ordered by the kind's name: no sort of
/// the witnesses themselves. Witnesses in any other order are sorted first (into `sorted`).
#[derive(Debug, Default)]
pub(crate) struct WitnessOrder {
    /// The witnesses sorted, when they did not come sorted.
    sorted: Vec<Witness>,
    /// The runs of the list being ordered: `(rank of the kind's name, start, end)`.
    runs: Vec<(u32, usize, usize)>,
}

impl WitnessOrder {
    /// An order with room for the runs of `kinds` kinds.
    pub(crate) fn with_kinds(kinds: usize) -> WitnessOrder {
        WitnessOrder { sorted: Vec::new(), runs: Vec::with_capacity(kinds) }
    }

    /// `witnesses` in report order, as runs of one kind each: `(kind index, its witnesses)`.
    pub(crate) fn runs<'a>(
        &'a mut self,
        template: &ReportTemplate,
        witnesses: &'a [Witness],
    ) -> impl Iterator<Item = (usize, &'a [Witness])> + 'a {
        let list: &'a [Witness] = if find_runs(template, witnesses, &mut self.runs) {
            witnesses
        } else {
            self.sorted.clear();
            self.sorted.extend_from_slice(witnesses);
            self.sorted.sort_unstable();
            self.sorted.dedup();
            find_runs(template, &self.sorted, &mut self.runs);
            &self.sorted
        };
        // Kind indices are distinct, ranks too (unknown kinds aside, which keep their order).
        if self.runs.len() > 1 {
            self.runs.sort_by_key(|run| run.0);
        }
        self.runs.iter().map(move |&(_, start, end)| {
            (list.get(start).map_or(0, |w| w.kind.index()), list.get(start..end).unwrap_or_default())
        })
    }
}

/// The runs of one kind of `list` into `runs` (see [`WitnessOrder`]), if `list` is sorted by
/// (kind, index) without repeats (false, and the runs are incomplete, if not).
fn find_runs(template: &ReportTemplate, list: &[Witness], runs: &mut Vec<(u32, usize, usize)>) -> bool {
    let rank = |w: &Witness| template.kinds.get(w.kind.index()).map_or(u32::MAX, |k| k.1);
    // (kind, index) as one number, compared at once.
    let key = |w: &Witness| (w.kind.index() as u64) << 32 | u64::from(w.index);
    runs.clear();
    let Some(first) = list.first() else { return true };
    let (mut previous, mut start) = (first, 0);
    for (i, witness) in list.iter().enumerate().skip(1) {
        if key(witness) <= key(previous) {
            return false;
        }
        if witness.kind != previous.kind {
            runs.push((rank(previous), start, i));
            start = i;
        }
        previous = witness;
    }
    runs.push((rank(previous), start, list.len()));
    true
}

fn summary(template: &ReportTemplate, verdicts: &[Verdict]) -> Summary {
    let (mut failed, mut passed, mut inconclusive) = (0, 0, 0);
    for verdict in verdicts {
        match verdict {
            Verdict::Fail => failed += 1,
            Verdict::Pass => passed += 1,
            Verdict::Inconclusive => inconclusive += 1,
        }
    }
    let (risk, risk_upper) = match &template.scaled {
        Some(scaled) => {
            // One pass: the weights of the failed, and of the failed or inconclusive.
            let all: u128 = scaled.iter().sum();
            let (mut failing, mut open) = (0u128, 0u128);
            for (w, verdict) in scaled.iter().zip(verdicts) {
                match verdict {
                    Verdict::Fail => {
                        failing += w;
                        open += w;
                    }
                    Verdict::Inconclusive => open += w,
                    Verdict::Pass => {}
                }
            }
            (tenths(failing, all), tenths(open, all))
        }
        None => {
            let weights: Vec<(Weight, Verdict)> =
                template.weights.iter().copied().zip(verdicts.iter().copied()).collect();
            (risk(&weights, |v| v == Verdict::Fail), risk(&weights, |v| v != Verdict::Pass))
        }
    };
    Summary { total: verdicts.len(), failed, passed, inconclusive, risk, risk_upper }
}

/// The weights as integers over the common denominator `10^max_scale`, if that fits.
fn scale_weights(weights: &[Weight]) -> Option<Vec<u128>> {
    let scale = weights.iter().map(|w| w.scale).max().unwrap_or(0);
    let scaled: Option<Vec<u128>> =
        weights.iter().map(|w| u128::from(w.units).checked_mul(10u128.checked_pow(scale - w.scale)?)).collect();
    // The sum, times 2000, must fit too.
    let total = scaled.as_ref()?.iter().try_fold(0u128, |acc, w| acc.checked_add(*w))?;
    total.checked_mul(2000)?;
    scaled
}

/// `100 × part / all` in tenths, rounded half away from zero, as a float with one decimal.
fn tenths(part: u128, all: u128) -> f64 {
    if all == 0 {
        return 0.0;
    }
    // round(1000 × part / all), half away from zero (everything is non-negative); checked by
    // `scale_weights`: 2000 × all fits.
    let rounded = (part * 2000 + all) / (all * 2);
    rounded as f64 / 10.0
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

    /// Witnesses in report order, as `(kind name, index)`.
    fn ordered(template: &ReportTemplate, witnesses: &[Witness]) -> Vec<(String, u32)> {
        let mut order = WitnessOrder::with_kinds(template.kinds.len());
        let mut out = Vec::new();
        for (kind, run) in order.runs(template, witnesses) {
            let name = template.kinds.get(kind).map_or("", |k| &*k.0);
            out.extend(run.iter().map(|w| (name.to_string(), w.index)));
        }
        out
    }

    #[test]
    fn witnesses_go_out_by_kind_name_then_index_in_any_input_order() {
        // Kinds declared out of name order: zeta (0), alpha (1), mid (2).
        let source = "category c { title: \"c\" }\nfact zeta { a: int }\nfact alpha { a: int }\nfact mid { a: int }\n\
            indicator \"I\" { title: \"t\" category: c severity: low when: any alpha }\n";
        let engine = crate::Engine::from_source("p", source).unwrap();
        let template = ReportTemplate::new(engine.pack());
        let w = |kind: u32, index: u32| Witness { kind: crate::hir::KindId(kind), index };
        let expected = |pairs: &[(&str, u32)]| pairs.iter().map(|(k, i)| (k.to_string(), *i)).collect::<Vec<_>>();
        // As the evaluator gives them: sorted by kind index, then index.
        let sorted = [w(0, 1), w(0, 7), w(1, 0), w(1, 3), w(2, 2)];
        let want = expected(&[("alpha", 0), ("alpha", 3), ("mid", 2), ("zeta", 1), ("zeta", 7)]);
        assert_eq!(ordered(&template, &sorted), want);
        // Any other order, with repeats: sorted and deduplicated first, the same report.
        let shuffled = [w(2, 2), w(0, 7), w(1, 3), w(0, 1), w(1, 0), w(0, 7), w(2, 2)];
        assert_eq!(ordered(&template, &shuffled), want);
        assert_eq!(ordered(&template, &[]), expected(&[]));
        assert_eq!(ordered(&template, &[w(2, 4)]), expected(&[("mid", 4)]));
        // A kind the template does not know sorts last, by kind index.
        assert_eq!(ordered(&template, &[w(0, 1), w(9, 0), w(5, 2)]), expected(&[("zeta", 1), ("", 2), ("", 0)]));
    }

    #[test]
    fn half_tenth_rounds_up() {
        // 1/2000 of the weight = 0.05 % → rounds to 0.1
        let ws = [(w(1, 0), Verdict::Fail), (w(1999, 0), Verdict::Pass)];
        assert_eq!(risk(&ws, |v| v == Verdict::Fail), 0.1);
    }
}
