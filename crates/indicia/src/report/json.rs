//! A report written as compact JSON straight from the outcomes, for batches: the same bytes as
//! `serde_json::to_writer(&build_report(…))`, without building the [`Report`](super::Report).
//!
//! Everything that does not depend on the evidence (each category's and indicator's id, title,
//! severity, weight and refs, each kind's name) is rendered once per pack into [`Fragments`];
//! per app, only counts, verdicts, witnesses, the `app` object and the warnings are written.
//! `tests/report_json.rs` checks the bytes against serde_json's over generated packs and evidence.

use serde::Serialize;

use super::{ReportTemplate, Summary, category_counts, summary, witness_order};
use crate::evidence::Evidence;
use crate::hir::Verdict;
use crate::outcome::Outcomes;

/// The report's constant parts, pre-rendered.
#[derive(Clone, Debug, Default)]
pub(super) struct Fragments {
    /// `,"pack":{…}`.
    pack: Vec<u8>,
    /// Per category (in report order): `{"id":…,"title":…,"total":`.
    categories: Vec<Vec<u8>>,
    /// Per indicator: `{"id":…,…,"refs":[…],"verdict":`.
    indicators: Vec<Vec<u8>>,
    /// Per fact kind: `{"kind":…,"index":`.
    kinds: Vec<Vec<u8>>,
}

/// Appends `value` as compact JSON (serialising plain data into a `Vec` cannot fail).
fn put<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mark = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(mark);
        out.extend_from_slice(b"null");
    }
}

/// Appends `,"key":` (or `{"key":` for the first member of an object) and `value`.
fn member<T: Serialize + ?Sized>(out: &mut Vec<u8>, first: bool, key: &str, value: &T) {
    out.push(if first { b'{' } else { b',' });
    put(out, key);
    out.push(b':');
    put(out, value);
}

/// Appends `,"key":`, whose value the caller writes.
fn key(out: &mut Vec<u8>, key: &str) {
    out.push(b',');
    put(out, key);
    out.push(b':');
}

impl Fragments {
    /// Renders the constant parts of `template`'s reports.
    pub(super) fn new(template: &ReportTemplate) -> Fragments {
        let mut pack = Vec::new();
        key(&mut pack, "pack");
        put(&mut pack, &template.pack);
        let categories = template
            .categories
            .iter()
            .map(|c| {
                let mut out = Vec::new();
                member(&mut out, true, "id", &*c.id);
                member(&mut out, false, "title", &*c.title);
                key(&mut out, "total");
                out
            })
            .collect();
        let indicators = template
            .indicators
            .iter()
            .map(|(i, _)| {
                let mut out = Vec::new();
                member(&mut out, true, "id", &*i.id);
                member(&mut out, false, "title", &*i.title);
                member(&mut out, false, "category", &*i.category);
                member(&mut out, false, "severity", &i.severity);
                member(&mut out, false, "weight", &i.weight);
                member(&mut out, false, "refs", &*i.refs);
                key(&mut out, "verdict");
                out
            })
            .collect();
        let kinds = template
            .kinds
            .iter()
            .map(|(name, _)| {
                let mut out = Vec::new();
                member(&mut out, true, "kind", &**name);
                key(&mut out, "index");
                out
            })
            .collect();
        Fragments { pack, categories, indicators, kinds }
    }
}

/// Appends the report of one app (`outcomes` of `evidence`, parallel to the pack's indicators)
/// to `out` as compact JSON, without a trailing newline.
pub fn write_report(template: &ReportTemplate, evidence: &Evidence, outcomes: &Outcomes, out: &mut Vec<u8>) {
    let f = &template.fragments;
    out.extend_from_slice(b"{\"app\":");
    put(out, &evidence.app);
    out.extend_from_slice(&f.pack);

    let verdicts: Vec<Verdict> = outcomes.indicators.iter().map(|o| o.verdict).collect();
    write_summary(out, &summary(template, &verdicts));

    let counts = category_counts(template, &verdicts);
    out.extend_from_slice(b",\"categories\":[");
    for (i, (prefix, [total, failed, passed, inconclusive])) in f.categories.iter().zip(&counts).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(prefix);
        write_uint(out, *total);
        out.extend_from_slice(b",\"failed\":");
        write_uint(out, *failed);
        out.extend_from_slice(b",\"passed\":");
        write_uint(out, *passed);
        out.extend_from_slice(b",\"inconclusive\":");
        write_uint(out, *inconclusive);
        out.push(b'}');
    }

    out.extend_from_slice(b"],\"indicators\":[");
    let mut sorted: Vec<(u32, usize, u32)> = Vec::new();
    for (i, (prefix, outcome)) in f.indicators.iter().zip(&outcomes.indicators).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(prefix);
        out.push(b'"');
        out.extend_from_slice(outcome.verdict.name().as_bytes());
        out.extend_from_slice(b"\",\"witnesses\":[");
        witness_order(template, &outcome.witnesses, &mut sorted);
        for (n, (_, kind, index)) in sorted.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            match f.kinds.get(*kind) {
                Some(prefix) => out.extend_from_slice(prefix),
                None => out.extend_from_slice(b"{\"kind\":\"\",\"index\":"),
            }
            write_uint(out, *index as usize);
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"warnings\":");
    put(out, &evidence.warnings);
    out.push(b'}');
}

fn write_summary(out: &mut Vec<u8>, s: &Summary) {
    out.extend_from_slice(b",\"summary\":{\"total\":");
    write_uint(out, s.total);
    out.extend_from_slice(b",\"failed\":");
    write_uint(out, s.failed);
    out.extend_from_slice(b",\"passed\":");
    write_uint(out, s.passed);
    out.extend_from_slice(b",\"inconclusive\":");
    write_uint(out, s.inconclusive);
    out.extend_from_slice(b",\"risk\":");
    put(out, &s.risk);
    out.extend_from_slice(b",\"risk_upper\":");
    put(out, &s.risk_upper);
    out.push(b'}');
}

/// Appends `n` in decimal.
fn write_uint(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::write_uint;

    #[test]
    fn uints_in_decimal() {
        for n in [0usize, 7, 10, 99, 100, 4_294_967_295, usize::MAX] {
            let mut out = Vec::new();
            write_uint(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }
}
