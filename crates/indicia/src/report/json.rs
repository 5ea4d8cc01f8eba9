//! A report written as compact JSON straight from the outcomes, for batches: the same bytes as
//! `serde_json::to_writer(&build_report(…))`, without building the [`Report`](super::Report).
//!
//! Everything that does not depend on the evidence (each category's and indicator's id, title,
//! severity, weight and refs, each kind's name) is rendered once per pack into [`Fragments`];
//! per app, only counts, verdicts, witnesses, the `app` object and the warnings are written.
//! `tests/report_json.rs` checks the bytes against serde_json's over generated packs and evidence.

use serde::Serialize;

use super::{ReportTemplate, Summary, WitnessOrder, category_counts, summary};
use crate::evidence::Evidence;
use crate::hir::Verdict;
use crate::outcome::{Outcomes, Witness};

/// The report's constant parts, pre-rendered.
#[derive(Clone, Debug, Default)]
pub(super) struct Fragments {
    /// `,"pack":{…}`.
    pack: Vec<u8>,
    /// Per category (in report order): `{"id":…,"title":…,"total":`.
    categories: Vec<Vec<u8>>,
    /// Per indicator: `{"id":…,…,"refs":[…],"verdict":`.
    indicators: Vec<Vec<u8>>,
    /// Per fact kind: `,{"kind":…,"index":`.
    kinds: Vec<KindPrefix>,
    /// The prefix of a witness of a kind the template does not know (`"kind":""`).
    unknown_kind: KindPrefix,
    /// Per verdict (fail, pass, inconclusive): `"fail","witnesses":[` and so on.
    verdicts: [Vec<u8>; 3],
}

/// A witness's `,{"kind":…,"index":`, held in a fixed array when it fits (the usual case) so that
/// it is copied as a block of constant size, not by a call to `memcpy` per witness.
#[derive(Clone, Debug)]
enum KindPrefix {
    /// The text and its length (the rest of the array is zeros).
    Short([u8; KIND_PREFIX_MAX], usize),
    /// A longer text.
    Long(Vec<u8>),
}

impl Default for KindPrefix {
    fn default() -> KindPrefix {
        KindPrefix::Long(Vec::new())
    }
}

/// The longest [`KindPrefix::Short`], in bytes.
const KIND_PREFIX_MAX: usize = 32;

impl KindPrefix {
    fn new(text: Vec<u8>) -> KindPrefix {
        let mut short = [0u8; KIND_PREFIX_MAX];
        match short.get_mut(..text.len()) {
            Some(head) => {
                head.copy_from_slice(&text);
                KindPrefix::Short(short, text.len())
            }
            None => KindPrefix::Long(text),
        }
    }

    /// The text's length.
    fn len(&self) -> usize {
        match self {
            KindPrefix::Short(_, len) => *len,
            KindPrefix::Long(text) => text.len(),
        }
    }

    /// Appends the text, without its leading comma when `first`.
    #[inline(always)]
    fn put(&self, out: &mut Vec<u8>, first: bool) {
        let skip = usize::from(first);
        match self {
            KindPrefix::Short(bytes, len) => {
                let end = out.len() + len - skip;
                let from = bytes.get(skip..).unwrap_or_default();
                out.extend_from_slice(from);
                out.truncate(end);
            }
            KindPrefix::Long(text) => out.extend_from_slice(text.get(skip..).unwrap_or_default()),
        }
    }
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
                let mut out = vec![b','];
                member(&mut out, true, "kind", &**name);
                key(&mut out, "index");
                KindPrefix::new(out)
            })
            .collect();
        let mut unknown_kind = vec![b','];
        member(&mut unknown_kind, true, "kind", "");
        key(&mut unknown_kind, "index");
        let verdicts = [Verdict::Fail, Verdict::Pass, Verdict::Inconclusive].map(|verdict| {
            let mut out = Vec::new();
            put(&mut out, &verdict);
            key(&mut out, "witnesses");
            out.push(b'[');
            out
        });
        Fragments { pack, categories, indicators, kinds, unknown_kind: KindPrefix::new(unknown_kind), verdicts }
    }
}

/// Appends the report of one app (`outcomes` of `evidence`, parallel to the pack's indicators)
/// to `out` as compact JSON, without a trailing newline.
pub fn write_report(template: &ReportTemplate, evidence: &Evidence, outcomes: &Outcomes, out: &mut Vec<u8>) {
    let f = &template.fragments;
    out.extend_from_slice(b"{\"app\":");
    write_object(out, &evidence.app);
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
    let mut order = WitnessOrder::default();
    for (i, (prefix, outcome)) in f.indicators.iter().zip(&outcomes.indicators).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(prefix);
        let [fail, pass, inconclusive] = &f.verdicts;
        out.extend_from_slice(match outcome.verdict {
            Verdict::Fail => fail,
            Verdict::Pass => pass,
            Verdict::Inconclusive => inconclusive,
        });
        if !write_witnesses_sorted(template, &outcome.witnesses, out) {
            write_witnesses(template, &mut order, &outcome.witnesses, out);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"warnings\":");
    if evidence.warnings.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        put(out, &evidence.warnings);
    }
    out.push(b'}');
}

/// Appends `witnesses` in report order, in any order they come (see [`WitnessOrder`]).
#[cold]
fn write_witnesses(template: &ReportTemplate, order: &mut WitnessOrder, witnesses: &[Witness], out: &mut Vec<u8>) {
    let f = &template.fragments;
    let mut first = true;
    for (kind, run) in order.runs(template, witnesses) {
        let prefix = f.kinds.get(kind).unwrap_or(&f.unknown_kind);
        // Room for the whole run: its prefixes, indices (at most 10 digits) and braces.
        out.reserve(run.len() * (prefix.len() + 11));
        for witness in run {
            prefix.put(out, first);
            first = false;
            write_uint(out, witness.index as usize);
            out.push(b'}');
        }
    }
}

/// The most runs (kinds) [`write_witnesses_sorted`] reorders in place.
const RUNS_MAX: usize = 8;

/// Appends `witnesses` if they come sorted by (kind, index) without repeats (as the evaluator gives
/// them), run by run, the runs then put in the order of their kinds' names (unknown kinds last, in
/// their order) by moving their bytes. `out` ends with the `[` that opens the list. False, and `out`
/// as it was, if they do not come so or hold more than [`RUNS_MAX`] kinds: [`WitnessOrder`] then
/// orders them.
fn write_witnesses_sorted(template: &ReportTemplate, witnesses: &[Witness], out: &mut Vec<u8>) -> bool {
    let f = &template.fragments;
    // Every witness is written with its leading comma, the first one's over the list's `[`.
    let Some(open) = out.len().checked_sub(1) else { return false };
    out.truncate(open);
    let fail = |out: &mut Vec<u8>| {
        out.truncate(open);
        out.push(b'[');
        false
    };
    // (kind, index) as one number, compared at once.
    let key = |w: &Witness| (w.kind.index() as u64) << 32 | u64::from(w.index);
    // Per run: (rank of the kind's name, start, end in `out`).
    let mut runs = [(0u32, 0usize, 0usize); RUNS_MAX];
    let mut count = 0;
    let mut previous: Option<&Witness> = None;
    let mut prefix = &f.unknown_kind;
    for (i, witness) in witnesses.iter().enumerate() {
        if previous.is_none_or(|p| p.kind != witness.kind) {
            if previous.is_some_and(|p| key(witness) <= key(p)) {
                return fail(out);
            }
            let kind = witness.kind.index();
            let Some(run) = runs.get_mut(count) else { return fail(out) };
            *run = (template.kinds.get(kind).map_or(u32::MAX, |k| k.1), out.len(), 0);
            if let Some(last) = count.checked_sub(1).and_then(|c| runs.get_mut(c)) {
                last.2 = out.len();
            }
            count += 1;
            prefix = f.kinds.get(kind).unwrap_or(&f.unknown_kind);
            // Room for the rest: prefixes, indices (at most 10 digits) and braces.
            out.reserve((witnesses.len() - i) * (prefix.len() + 11));
        } else if previous.is_some_and(|p| witness.index <= p.index) {
            return fail(out);
        }
        previous = Some(witness);
        prefix.put(out, false);
        write_uint(out, witness.index as usize);
        out.push(b'}');
    }
    if count == 0 {
        out.push(b'[');
        return true;
    }
    let runs = runs.get_mut(..count).unwrap_or_default();
    if let Some(last) = runs.last_mut() {
        last.2 = out.len();
    }
    if !runs.is_sorted_by_key(|run| run.0) {
        // Ranks are distinct but for unknown kinds, which keep their order (a stable sort).
        runs.sort_by_key(|run| run.0);
        let end = out.len();
        for &(_, start, stop) in runs.iter() {
            out.extend_from_within(start..stop);
        }
        out.copy_within(end.., open);
        out.truncate(open + (out.len() - end));
    }
    if let Some(first) = out.get_mut(open) {
        *first = b'[';
    }
    true
}

/// Appends `object` as serde_json writes it; its strings that need no escape are copied as
/// they are, without going through serde_json.
fn write_object(out: &mut Vec<u8>, object: &serde_json::Map<String, serde_json::Value>) {
    out.push(b'{');
    for (i, (key, value)) in object.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        match value {
            serde_json::Value::String(s) => write_str(out, s),
            other => put(out, other),
        }
    }
    out.push(b'}');
}

/// Appends `s` as a JSON string, as serde_json writes it (which escapes `"`, `\\` and the
/// control characters below U+0020 only).
fn write_str(out: &mut Vec<u8>, s: &str) {
    if crate::evidence::first_special_byte(s.as_bytes(), 0) < s.len() {
        put(out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
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

/// Appends `n` in decimal (numbers below 1000, the usual indices and counts, without a loop).
#[inline(always)]
fn write_uint(out: &mut Vec<u8>, n: usize) {
    let digit = |d: usize| b'0' + (d % 10) as u8;
    if n < 10 {
        out.push(digit(n));
    } else if n < 100 {
        out.extend_from_slice(&[digit(n / 10), digit(n)]);
    } else if n < 1000 {
        out.extend_from_slice(&[digit(n / 100), digit(n / 10), digit(n)]);
    } else {
        write_long_uint(out, n);
    }
}

/// Appends `n` in decimal, digit by digit.
fn write_long_uint(out: &mut Vec<u8>, mut n: usize) {
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
    use super::{ReportTemplate, WitnessOrder, write_uint, write_witnesses, write_witnesses_sorted};
    use crate::hir::KindId;
    use crate::outcome::Witness;

    #[test]
    fn witnesses_written_in_place_as_the_general_order_writes_them() {
        // Ten kinds declared out of name order, so that runs get reordered.
        let kinds = ["zeta", "alpha", "mid", "k3", "b4", "y5", "c6", "x7", "d8", "w9"];
        let mut source = String::from("category c { title: \"c\" }\n");
        for kind in kinds {
            source.push_str(&format!("fact {kind} {{ a: int }}\n"));
        }
        source.push_str("indicator \"I\" { title: \"t\" category: c severity: low when: any alpha }\n");
        let engine = crate::Engine::from_source("p", &source).unwrap();
        let template = ReportTemplate::new(engine.pack());
        let w = |kind: u32, index: u32| Witness { kind: KindId(kind), index };
        let lists: Vec<Vec<Witness>> = vec![
            vec![],
            vec![w(2, 4)],
            vec![w(0, 1), w(0, 7), w(1, 0), w(1, 3), w(2, 2)],
            vec![w(1, 0), w(1, 3), w(2, 2), w(2, 1000)],
            vec![w(2, 2), w(0, 7), w(1, 3), w(0, 1), w(1, 0), w(0, 7), w(2, 2)],
            vec![w(0, 1), w(0, 1)],
            vec![w(0, 1), w(11, 0), w(12, 2), w(3, 5)],
            vec![w(0, 1), w(11, 0), w(12, 2)],
            (0..10).map(|k| w(k, k)).collect(),
            (0..8).map(|k| w(k, 100 - k)).collect(),
        ];
        for list in &lists {
            let mut expected = b"x[".to_vec();
            write_witnesses(&template, &mut WitnessOrder::default(), list, &mut expected);
            let mut written = b"x[".to_vec();
            if !write_witnesses_sorted(&template, list, &mut written) {
                assert_eq!(written, b"x[", "{list:?}");
                write_witnesses(&template, &mut WitnessOrder::default(), list, &mut written);
            }
            assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected), "{list:?}");
        }
        // Sorted lists of at most eight kinds take the in-place path.
        assert!(write_witnesses_sorted(&template, &lists[2], &mut b"[".to_vec()));
        assert!(write_witnesses_sorted(&template, &lists[9], &mut b"[".to_vec()));
        assert!(!write_witnesses_sorted(&template, &lists[4], &mut b"[".to_vec()));
    }

    #[test]
    fn uints_in_decimal() {
        for n in [0usize, 7, 9, 10, 42, 99, 100, 505, 999, 1000, 1001, 65_536, 4_294_967_295, usize::MAX] {
            let mut out = Vec::new();
            write_uint(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }
}
