//! evidence JSON ──read──▶ [`Evidence`]: validate one evidence object against a pack's schema and
//! store its facts column by column.
//!
//! The usual object is read in one pass by the direct reader (`direct`), straight from its text
//! into the columns, with no parser in between and no JSON path kept. Anything else, and every
//! error, is read again by typed serde visitors over sonic-rs, then if need be over
//! `serde_json::Deserializer::from_slice` (strings are borrowed from the input where they have no
//! escapes, and interned at once). No `serde_json::Value` is built except for the free-form `app`
//! object. The first violation in document order stops the read; its JSON path comes from a
//! stack of path segments kept while reading (a segment is popped only when its value was read
//! without error, so after a failure the stack still names the place).
//!
//! Nesting depth is bounded by serde_json's recursion limit (128): every array and object, read
//! or skipped, goes through its `deserialize_any`.

mod any;
mod direct;
mod intern;
mod path;
mod usage;
mod visit;

pub(crate) use direct::special;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::de::DeserializeSeed;

use super::error::{Empty, Problem};
use super::{Column, Evidence, EvidenceError, FactTable, Items, ListColumn, Sym, Symbols};
use crate::compile::Program;
use crate::hir::{ScalarType, Schema, Type};

use intern::Interner;
use path::Seg;
use usage::Interning;

/// Reads one evidence object (JSON bytes) against `schema`, interning strings against the pack's
/// `symbols`.
///
/// For many objects, an [`EvidenceReader`] keeps its scratch buffers between calls.
pub fn read_evidence(bytes: &[u8], schema: &Schema, symbols: &Arc<Symbols>) -> Result<Evidence, EvidenceError> {
    EvidenceReader::new(schema, symbols).read(bytes)
}

/// A reusable evidence reader for one schema: it keeps its interner table, path stack and other
/// scratch buffers from one object to the next.
#[derive(Clone, Debug)]
pub struct EvidenceReader {
    layout: Layout,
    symbols: Arc<Symbols>,
    scratch: Scratch,
}

impl EvidenceReader {
    /// A reader of evidence for `schema`, whose strings are interned against `symbols` first.
    /// Every string gets a symbol that is equal for equal texts.
    pub fn new(schema: &Schema, symbols: &Arc<Symbols>) -> EvidenceReader {
        let layout = Layout::new(schema, None);
        let scratch = Scratch::new(&layout);
        EvidenceReader { layout, symbols: Arc::clone(symbols), scratch }
    }

    /// A reader of evidence for `program`, compiled from a pack of schema `schema`: a string is
    /// looked up only as far as the program compares it (see `usage`). A string field the program
    /// never reads is stored without a lookup, and one it compares with literals only is looked
    /// up among the literals only; the evidence it gives is for this program (and the reference
    /// interpreter, which compares texts), not for another program.
    pub fn for_program(schema: &Schema, program: &Program) -> EvidenceReader {
        let layout = Layout::new(schema, Some(&usage::interning(program)));
        let scratch = Scratch::new(&layout);
        EvidenceReader { layout, symbols: Arc::clone(program.symbols()), scratch }
    }

    /// The pack's literals that this reader interns against.
    pub fn symbols(&self) -> &Arc<Symbols> {
        &self.symbols
    }

    /// Reads one evidence object: the whole of `bytes` must be one JSON object (surrounding
    /// whitespace allowed).
    ///
    /// The object is read by the direct reader first (`direct`: what evidence producers write,
    /// with no serde visitor and no JSON path kept). Anything it does not read (undeclared
    /// members, `\u` escapes, any error…) is read again through the serde visitors, with the
    /// fast parser; only when that fails (or meets a zero float, whose sign it does not keep)
    /// is it read again with the reference parser, which gives the exact error and its path.
    pub fn read(&mut self, bytes: &[u8]) -> Result<Evidence, EvidenceError> {
        let mut evidence = Evidence::default();
        self.read_into(bytes, &mut evidence)?;
        Ok(evidence)
    }

    /// [`EvidenceReader::read`] into `evidence`, whose buffers (columns, strings, warnings) are
    /// reused: a batch that reads each object into the same [`Evidence`] allocates nothing per
    /// object in steady state but its `app` object. On an error, `evidence` is left empty.
    pub fn read_into(&mut self, bytes: &[u8], evidence: &mut Evidence) -> Result<(), EvidenceError> {
        if self.read_with(bytes, Parser::Direct, evidence).is_ok() {
            return Ok(());
        }
        match self.read_with(bytes, Parser::Fast, evidence) {
            Ok(()) => Ok(()),
            Err(_) => self.read_with(bytes, Parser::Reference, evidence),
        }
    }

    /// Reads one evidence object with the direct reader alone: `None` where it gives up (then
    /// [`EvidenceReader::read`] reads it through the serde visitors). Where it reads, the result
    /// is [`EvidenceReader::read`]'s; the differential tests compare the two.
    pub fn read_direct(&mut self, bytes: &[u8]) -> Option<Evidence> {
        let mut evidence = Evidence::default();
        self.read_with(bytes, Parser::Direct, &mut evidence).ok().map(|()| evidence)
    }

    /// Reads one evidence object with the reference parser (serde_json) alone: the same result
    /// as [`EvidenceReader::read`], more slowly. The differential tests compare the two.
    pub fn read_reference(&mut self, bytes: &[u8]) -> Result<Evidence, EvidenceError> {
        let mut evidence = Evidence::default();
        self.read_with(bytes, Parser::Reference, &mut evidence).map(|()| evidence)
    }

    /// Reads one evidence object that is already a `serde_json::Value` (as an extractor builds it),
    /// with no JSON text in between: the same checks and result as [`EvidenceReader::read`] of its text.
    pub fn read_value(&mut self, value: &serde_json::Value) -> Result<Evidence, EvidenceError> {
        let mut evidence = Evidence::default();
        self.read_input(Input::Value(value), &mut evidence).map(|()| evidence)
    }

    fn read_with(&mut self, bytes: &[u8], parser: Parser, evidence: &mut Evidence) -> Result<(), EvidenceError> {
        if bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            evidence.clear();
            return Err(EvidenceError::Empty(Empty));
        }
        self.read_input(Input::Text(bytes, parser), evidence)
    }

    /// Reads `input` into `evidence` (its buffers reused); on an error, `evidence` is left empty.
    fn read_input(&mut self, input: Input<'_>, evidence: &mut Evidence) -> Result<(), EvidenceError> {
        let base = Sym::try_from(self.symbols.len()).unwrap_or(Sym::MAX);
        self.scratch.reset();
        // A reader used once looks the literals up where they are; a reused one copies them into
        // its own table, so that a string costs one lookup.
        if !self.scratch.interner.is_seeded() && self.scratch.reads > 0 {
            self.scratch.interner.seed(&self.symbols);
        }
        self.scratch.reads += 1;
        let mut cx = Ctx {
            layout: &self.layout,
            literals: (!self.scratch.interner.is_seeded()).then_some(&*self.symbols),
            base,
            fast: matches!(input, Input::Text(_, Parser::Fast)),
            tables: self.layout.reuse_tables(std::mem::take(&mut evidence.tables), &self.scratch),
            app: None,
            spare_app: std::mem::take(&mut evidence.app),
            warnings: {
                let mut warnings = std::mem::take(&mut evidence.warnings);
                warnings.clear();
                warnings
            },
            s: &mut self.scratch,
        };
        let result = match input {
            Input::Value(value) => visit::TopSeed { cx: &mut cx }.deserialize(value),
            Input::Text(bytes, Parser::Direct) => match simdutf8::basic::from_utf8(bytes) {
                Ok(text) => direct::read(text, &mut cx)
                    .map_err(|direct::Bail| serde::de::Error::custom("not read by the direct reader")),
                Err(_) => Err(serde::de::Error::custom("not UTF-8")),
            },
            Input::Text(bytes, Parser::Fast) => {
                let mut de = sonic_rs::Deserializer::from_slice(bytes);
                let result = visit::TopSeed { cx: &mut cx }.deserialize(&mut de).and_then(|()| de.end());
                // The reference parser finds the same failure and says exactly where it is.
                result.map_err(|_| serde::de::Error::custom("rejected by the fast parser"))
            }
            // Valid UTF-8 (the usual case) is checked once for the whole object, so that the
            // parser need not check every string again; anything else is parsed as bytes, which
            // reports the invalid UTF-8 at its position.
            Input::Text(bytes, Parser::Reference) => match std::str::from_utf8(bytes) {
                Ok(text) => parse_with(&mut serde_json::Deserializer::from_str(text), &mut cx),
                Err(_) => parse_with(&mut serde_json::Deserializer::from_slice(bytes), &mut cx),
            },
        };
        if let Err(err) = result {
            let layout = cx.layout;
            let error = match cx.s.error.take() {
                Some(violation) => violation,
                None => path::from_serde(&err, layout, &cx.s.path),
            };
            // The buffers stay with `evidence` for the next read.
            (evidence.tables, evidence.warnings) = (cx.tables, cx.warnings);
            evidence.app = cx.app.unwrap_or(cx.spare_app);
            evidence.clear();
            return Err(error);
        }
        let Ctx { tables, app, warnings, s, .. } = cx;
        s.remember_sizes(&tables);
        s.interner.take_local_into(&mut evidence.local);
        evidence.app = app.unwrap_or_default();
        evidence.tables = tables;
        evidence.warnings = warnings;
        if !Arc::ptr_eq(&evidence.symbols, &self.symbols) {
            evidence.symbols = Arc::clone(&self.symbols);
        }
        Ok(())
    }
}

/// What a read reads: JSON text with a parser, or a value already parsed.
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a [u8], Parser),
    Value(&'a serde_json::Value),
}

/// The JSON parser behind a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parser {
    /// The direct reader (`direct`): no serde visitor, no JSON path; it gives up on anything
    /// unusual and on every error, and the object is read again with [`Parser::Fast`].
    Direct,
    /// sonic-rs (SIMD): the usual path. It accepts exactly what serde_json accepts and gives
    /// the same values, except that it reads `-0` as `0`; so a zero float sends the object to
    /// the reference parser, as does any failure.
    Fast,
    /// serde_json, whose errors give the line, column and kind of a syntax error.
    Reference,
}

/// Reads one top-level object from `de` into `cx`, then requires the end of the input.
fn parse_with<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    cx: &mut Ctx<'_>,
) -> Result<(), serde_json::Error> {
    visit::TopSeed { cx }.deserialize(&mut *de).and_then(|()| de.end())
}

/// The schema, laid out for reading: names and types of every kind and field.
#[derive(Clone, Debug)]
struct Layout {
    kinds: Vec<KindLayout>,
    kind_index: HashMap<Box<str>, usize>,
}

#[derive(Clone, Debug)]
struct KindLayout {
    name: Box<str>,
    /// The name as a member of `facts` is written, for the direct reader.
    key: direct::Key,
    fields: Vec<FieldLayout>,
    /// For kinds with many fields, a name → field map (few fields are found by a scan).
    field_index: Option<HashMap<Box<str>, usize>>,
}

#[derive(Clone, Debug)]
struct FieldLayout {
    name: Box<str>,
    /// The name as a member is written, for the direct reader.
    key: direct::Key,
    ty: Type,
    optional: bool,
    /// How its strings are interned.
    interning: Interning,
}

/// Past this many fields, a kind's fields are looked up in a hash map rather than scanned.
const FIELD_SCAN_MAX: usize = 12;

impl Layout {
    /// The layout of `schema`; `interning` gives per kind and field how strings are interned
    /// (`None`, or a field it lacks: fully).
    fn new(schema: &Schema, interning: Option<&[Vec<Interning>]>) -> Layout {
        let kinds: Vec<KindLayout> = schema
            .kinds
            .iter()
            .enumerate()
            .map(|(kind, k)| {
                let fields: Vec<FieldLayout> = k
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(field, f)| FieldLayout {
                        name: f.name.as_str().into(),
                        key: direct::Key::new(&f.name),
                        ty: f.ty,
                        optional: f.optional,
                        interning: interning
                            .and_then(|i| i.get(kind))
                            .and_then(|k| k.get(field))
                            .copied()
                            .unwrap_or_default(),
                    })
                    .collect();
                let field_index = (fields.len() > FIELD_SCAN_MAX).then(|| {
                    let mut index = HashMap::new();
                    for (i, f) in fields.iter().enumerate() {
                        index.entry(f.name.clone()).or_insert(i);
                    }
                    index
                });
                KindLayout { name: k.name.as_str().into(), key: direct::Key::new(&k.name), fields, field_index }
            })
            .collect();
        let mut kind_index = HashMap::new();
        for (i, k) in kinds.iter().enumerate() {
            kind_index.entry(k.name.clone()).or_insert(i);
        }
        Layout { kinds, kind_index }
    }

    fn kind_id(&self, name: &str) -> Option<usize> {
        self.kind_index.get(name).copied()
    }

    fn kind_name(&self, kind: usize) -> &str {
        self.kinds.get(kind).map_or("", |k| &k.name)
    }

    fn field_name(&self, kind: usize, field: usize) -> &str {
        self.kinds.get(kind).and_then(|k| k.fields.get(field)).map_or("", |f| &f.name)
    }

    /// A table per kind, empty: `tables` (a previous object's, of this layout) emptied with their
    /// room kept, or new tables ([`Layout::empty_tables`]) when `tables` are not of this layout.
    fn reuse_tables(&self, mut tables: Vec<FactTable>, scratch: &Scratch) -> Vec<FactTable> {
        let fits = tables.len() == self.kinds.len()
            && tables.iter().zip(&self.kinds).all(|(table, kind)| {
                table.columns.len() == kind.fields.len()
                    && table.columns.iter().zip(&kind.fields).all(|(column, field)| column_fits(column, field.ty))
            });
        if !fits {
            return self.empty_tables(scratch);
        }
        tables.iter_mut().for_each(FactTable::clear);
        tables
    }

    /// A table per kind, with room for as many facts as the previous object had.
    fn empty_tables(&self, scratch: &Scratch) -> Vec<FactTable> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| {
                let len = scratch.len_hint.get(k).copied().unwrap_or(0);
                let columns = kind
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(f, field)| {
                        let items = scratch.items_hint.get(k).and_then(|h| h.get(f)).copied().unwrap_or(0);
                        empty_column(field.ty, len, items)
                    })
                    .collect();
                FactTable { observed: false, len: 0, columns }
            })
            .collect()
    }
}

impl KindLayout {
    /// The field named `name`, trying field `guess` and the ones after it first (facts of one
    /// kind tend to list their fields in declaration order, leaving out optional ones).
    #[inline]
    fn field_id(&self, name: &str, guess: usize) -> Option<usize> {
        match &self.field_index {
            Some(index) => {
                if self.fields.get(guess).is_some_and(|f| *f.name == *name) {
                    return Some(guess);
                }
                index.get(name).copied()
            }
            None => {
                let (before, after) = self.fields.split_at(guess.min(self.fields.len()));
                match after.iter().position(|f| *f.name == *name) {
                    Some(i) => Some(guess + i),
                    None => before.iter().position(|f| *f.name == *name),
                }
            }
        }
    }
}

fn empty_column(ty: Type, len: usize, items: usize) -> Column {
    if ty.list {
        let items = match ty.scalar {
            ScalarType::Bool => Items::Bool(Vec::with_capacity(items)),
            ScalarType::Int => Items::Int(Vec::with_capacity(items)),
            ScalarType::Float => Items::Float(Vec::with_capacity(items)),
            ScalarType::Str => Items::Str(Vec::with_capacity(items)),
        };
        return Column::List(ListColumn { ranges: Vec::with_capacity(len), items });
    }
    match ty.scalar {
        ScalarType::Bool => Column::Bool(Vec::with_capacity(len)),
        ScalarType::Int => Column::Int(Vec::with_capacity(len)),
        ScalarType::Float => Column::Float(Vec::with_capacity(len)),
        ScalarType::Str => Column::Str(Vec::with_capacity(len)),
    }
}

/// Whether `column` holds values of type `ty`.
fn column_fits(column: &Column, ty: Type) -> bool {
    match (column, ty.list) {
        (Column::List(list), true) => matches!(
            (&list.items, ty.scalar),
            (Items::Bool(_), ScalarType::Bool)
                | (Items::Int(_), ScalarType::Int)
                | (Items::Float(_), ScalarType::Float)
                | (Items::Str(_), ScalarType::Str)
        ),
        (Column::List(_), false) => false,
        (column, false) => matches!(
            (column, ty.scalar),
            (Column::Bool(_), ScalarType::Bool)
                | (Column::Int(_), ScalarType::Int)
                | (Column::Float(_), ScalarType::Float)
                | (Column::Str(_), ScalarType::Str)
        ),
        (_, true) => false,
    }
}

fn items_len(column: &Column) -> usize {
    match column {
        Column::List(list) => match &list.items {
            Items::Bool(v) => v.len(),
            Items::Int(v) => v.len(),
            Items::Float(v) => v.len(),
            Items::Str(v) => v.len(),
        },
        _ => 0,
    }
}

/// The largest capacity hint kept for a column, in entries.
const HINT_MAX: usize = 4096;

/// Buffers kept from one read to the next.
#[derive(Clone, Debug, Default)]
struct Scratch {
    /// Where the reader is: the path of the value being read.
    path: Vec<Seg>,
    /// The first violation, recorded where it was found (serde's own error carries no path).
    error: Option<EvidenceError>,
    /// Every string met → its symbol.
    interner: Interner,
    /// How many objects this reader has read.
    reads: u64,
    /// Per kind, per field: the number of the last fact object that gave the field.
    stamps: Vec<Vec<u64>>,
    /// The number of the fact object being read.
    stamp: u64,
    /// Per kind: whether `facts` named it already (a second time is a duplicate member).
    kind_seen: Vec<bool>,
    /// Undeclared kinds already warned about.
    warned_kinds: HashSet<Box<str>>,
    /// Per kind, undeclared fields already warned about.
    warned_fields: Vec<HashSet<Box<str>>>,
    /// Undeclared member names of the fact object being read (for duplicates).
    fact_keys: KeySet,
    /// Per kind: how many facts the previous object had (capacity hints).
    len_hint: Vec<usize>,
    /// Per kind, per field: how many list items the previous object had.
    items_hint: Vec<Vec<usize>>,
}

impl Scratch {
    fn new(layout: &Layout) -> Scratch {
        Scratch {
            stamps: layout.kinds.iter().map(|k| vec![0; k.fields.len()]).collect(),
            kind_seen: vec![false; layout.kinds.len()],
            warned_fields: vec![HashSet::new(); layout.kinds.len()],
            len_hint: vec![0; layout.kinds.len()],
            items_hint: layout.kinds.iter().map(|k| vec![0; k.fields.len()]).collect(),
            ..Scratch::default()
        }
    }

    fn reset(&mut self) {
        self.path.clear();
        self.error = None;
        // A rejected object leaves its own strings behind.
        self.interner.reset();
        self.kind_seen.fill(false);
        clear_set(&mut self.warned_kinds);
        for set in &mut self.warned_fields {
            clear_set(set);
        }
        self.fact_keys.clear();
    }

    /// Keeps the sizes of this object's columns as capacity hints for the next one (bounded, so
    /// that one huge object does not make every later one allocate as much).
    fn remember_sizes(&mut self, tables: &[FactTable]) {
        for ((table, len), items) in tables.iter().zip(&mut self.len_hint).zip(&mut self.items_hint) {
            *len = table.len.min(HINT_MAX);
            for (column, n) in table.columns.iter().zip(items.iter_mut()) {
                *n = items_len(column).min(HINT_MAX);
            }
        }
    }
}

/// Past this capacity, a set is dropped rather than cleared: clearing costs its capacity, and
/// after one huge object every later clear would pay for it.
const SET_KEEP_MAX: usize = 256;

/// Empties `set`, keeping its room only while that is small.
fn clear_set(set: &mut HashSet<Box<str>>) {
    if set.capacity() > SET_KEEP_MAX {
        *set = HashSet::new();
    } else if !set.is_empty() {
        set.clear();
    }
}

/// A set of member names, for duplicate detection: a scan while small, a hash set beyond.
#[derive(Clone, Debug, Default)]
struct KeySet {
    small: Vec<Box<str>>,
    large: HashSet<Box<str>>,
}

/// Past this many names, a [`KeySet`] moves to a hash set.
const KEYSET_SCAN_MAX: usize = 16;

impl KeySet {
    /// Adds `name`; false when it was there already.
    fn insert(&mut self, name: &str) -> bool {
        if !self.large.is_empty() {
            return self.large.insert(name.into());
        }
        if self.small.iter().any(|k| **k == *name) {
            return false;
        }
        if self.small.len() < KEYSET_SCAN_MAX {
            self.small.push(name.into());
        } else {
            self.large.extend(self.small.drain(..));
            self.large.insert(name.into());
        }
        true
    }

    /// Empties the set (once per fact object: nothing to do in the usual case, an empty set).
    #[inline]
    fn clear(&mut self) {
        if !self.small.is_empty() {
            self.small.clear();
        }
        if !self.large.is_empty() || self.large.capacity() > 0 {
            clear_set(&mut self.large);
        }
    }
}

/// The state of one read, shared by the visitors.
struct Ctx<'r> {
    layout: &'r Layout,
    /// The pack's literals, when they are not in `s.strings`.
    literals: Option<&'r Symbols>,
    /// The first local symbol: `symbols.len()`.
    base: Sym,
    /// Whether the fast parser is reading (see [`Parser::Fast`]).
    fast: bool,
    s: &'r mut Scratch,
    tables: Vec<FactTable>,
    app: Option<serde_json::Map<String, serde_json::Value>>,
    /// The previous object's `app`, whose room the direct reader may reuse for this one's.
    spare_app: serde_json::Map<String, serde_json::Value>,
    warnings: Vec<String>,
}

impl Ctx<'_> {
    /// Records a violation at the current path (plus `last`) unless one was recorded already,
    /// and gives the error that stops the read.
    #[cold]
    fn violation<E: serde::de::Error>(&mut self, last: Option<Seg>, problem: Problem) -> E {
        if self.s.error.is_none() {
            let path = path::render(self.layout, self.s.path.iter().chain(last.as_ref()));
            self.s.error = Some(problem.at(path));
        }
        E::custom("evidence violation")
    }

    /// The symbol of `s`, interned as `how`: a pack literal's, else the evidence's own.
    #[inline]
    fn intern<E: serde::de::Error>(&mut self, s: &str, how: Interning) -> Result<Sym, E> {
        match self.s.interner.intern(s, None, how, self.base, self.literals) {
            Ok(sym) => Ok(sym),
            Err(intern::TooManyStrings) => {
                Err(self.violation(None, Problem::TooLarge("too many distinct strings in one evidence object")))
            }
        }
    }

    /// Fails on a zero float from the fast parser, which does not keep the sign of zero; the
    /// reference parser then reads the object again.
    #[inline]
    fn check_float<E: serde::de::Error>(&self, v: f64) -> Result<(), E> {
        if self.fast && v == 0.0 {
            Err(E::custom("a zero float: read again with the reference parser"))
        } else {
            Ok(())
        }
    }

    fn warn_kind(&mut self, name: &str) {
        if !self.s.warned_kinds.contains(name) {
            self.s.warned_kinds.insert(name.into());
            self.warnings.push(format!("undeclared fact kind `{name}` ignored"));
        }
    }

    fn warn_field(&mut self, kind: usize, name: &str) {
        let Some(set) = self.s.warned_fields.get_mut(kind) else { return };
        if !set.contains(name) {
            set.insert(name.into());
            let kind_name = self.layout.kind_name(kind);
            self.warnings.push(format!("undeclared field `{kind_name}.{name}` ignored"));
        }
    }

    #[inline]
    fn push_path(&mut self, seg: Seg) {
        self.s.path.push(seg);
    }

    #[inline]
    fn pop_path(&mut self) {
        self.s.path.pop();
    }
}
