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
    let mut order = WitnessOrder::with_kinds(template.kinds.len());
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
        let mut first = true;
        for (kind, run) in order.runs(template, &outcome.witnesses) {
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
    use super::write_uint;

    #[test]
    fn uints_in_decimal() {
        for n in [0usize, 7, 9, 10, 42, 99, 100, 505, 999, 1000, 1001, 65_536, 4_294_967_295, usize::MAX] {
            let mut out = Vec::new();
            write_uint(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }
}
