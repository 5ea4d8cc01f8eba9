//! Evidence: what a scanner observed about one app, validated against a pack's schema and
//! stored column by column per fact kind.
//!
//! `read` turns JSON bytes into an [`Evidence`] (or an [`EvidenceError`] naming the JSON path
//! of the first violation). Strings are interned while they are read: the pack's own string
//! literals are pre-seeded in a shared [`Symbols`] table, so a string that equals a literal gets
//! that literal's [`Sym`], and evaluation compares integers only.

use std::sync::Arc;

use crate::hir::{FieldId, KindId};

mod error;
mod fact_json;
mod read;

pub use error::{Empty, EvidenceError, Rejected};
/// The first byte of a text that a JSON string must escape (shared by the reader and the report writer).
pub(crate) use read::special as first_special_byte;
pub use read::{EvidenceReader, read_evidence};

pub use crate::compile::symbols::{Sym, Symbols};

/// One app's validated evidence.
///
/// The default is empty: no tables (no kinds), no strings. Reading into an existing one
/// ([`crate::Engine::read_evidence_into`]) reuses its buffers.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// The `app` object, copied to the report as it is.
    pub app: serde_json::Map<String, serde_json::Value>,
    /// One table per fact kind of the schema, indexed by [`KindId`].
    pub tables: Vec<FactTable>,
    /// The pack's literals: symbols below `symbols.len()`.
    pub symbols: Arc<Symbols>,
    /// Strings of this evidence that are not pack literals: symbol `symbols.len() + i` is `local.get(i)`.
    pub local: LocalStrings,
    /// Undeclared kinds and fields and unknown top-level members, one line per kind or per kind and field.
    pub warnings: Vec<String>,
}

impl Evidence {
    /// Empties the evidence (its tables stay, with no facts and nothing observed), keeping the
    /// room of its buffers for the next read.
    pub fn clear(&mut self) {
        self.app.clear();
        self.tables.iter_mut().for_each(FactTable::clear);
        self.local.clear();
        self.warnings.clear();
    }

    /// The table of kind `kind`.
    pub fn table(&self, kind: KindId) -> Option<&FactTable> {
        self.tables.get(kind.index())
    }

    /// The text of symbol `sym`.
    pub fn resolve(&self, sym: Sym) -> &str {
        let seeded = self.symbols.len();
        match (sym as usize).checked_sub(seeded) {
            None => self.symbols.resolve(sym).unwrap_or(""),
            Some(i) => self.local.get(i).unwrap_or(""),
        }
    }
}

/// An evidence object's own strings, in one buffer (one allocation for all of them, not one
/// each): a copy of the object's text, which the direct reader's strings point into, then any
/// string appended on its own.
#[derive(Clone, Default)]
pub struct LocalStrings {
    text: String,
    /// Where each string is in `text`: its start and end.
    spans: Vec<(usize, usize)>,
}

impl LocalStrings {
    /// An empty list with room for `strings` strings of `bytes` bytes in all.
    pub fn with_capacity(strings: usize, bytes: usize) -> LocalStrings {
        LocalStrings { text: String::with_capacity(bytes), spans: Vec::with_capacity(strings) }
    }

    /// Makes room for `strings` more strings of `bytes` bytes in all.
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.spans.reserve(strings);
    }

    /// Appends `s`, giving its index.
    #[inline]
    pub fn push(&mut self, s: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((start, self.text.len()));
        self.spans.len() - 1
    }

    /// Empties the list and keeps a copy of `source`, the text the next strings are read from,
    /// so that each of them is stored by [`LocalStrings::push_span`] without a copy of its own.
    pub(crate) fn copy_source(&mut self, source: &str) {
        self.clear();
        self.text.push_str(source);
    }

    /// Appends the string at `start..end` of the text given to [`LocalStrings::copy_source`],
    /// giving its index (the direct reader gives only spans of strings it read from that text).
    #[inline(always)]
    pub(crate) fn push_span(&mut self, start: usize, end: usize) -> usize {
        self.spans.push((start, end));
        self.spans.len() - 1
    }

    /// String `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        let &(start, end) = self.spans.get(i)?;
        self.text.get(start..end)
    }

    /// How many strings there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there is no string.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The length of the buffer that holds the strings, in bytes (the source text included).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Every string, in index order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Removes every string, keeping the room.
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }
}

/// Equal when they hold the same strings in the same order, wherever their bytes are.
impl PartialEq for LocalStrings {
    fn eq(&self, other: &LocalStrings) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for LocalStrings {}

/// The strings, as a list.
impl std::fmt::Debug for LocalStrings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The facts of one kind, column by column.
#[derive(Clone, Debug, Default)]
pub struct FactTable {
    /// True when the kind is listed in `facts` or in `collected`.
    pub observed: bool,
    /// How many facts there are.
    pub len: usize,
    /// One column per declared field, indexed by [`FieldId`]; each holds `len` entries.
    pub columns: Vec<Column>,
}

impl FactTable {
    /// Empties the table: no facts, not observed; its columns keep their room.
    pub fn clear(&mut self) {
        self.observed = false;
        self.len = 0;
        self.columns.iter_mut().for_each(Column::clear);
    }

    /// The column of field `field`.
    pub fn column(&self, field: FieldId) -> Option<&Column> {
        self.columns.get(field.index())
    }
}

/// The values of one field across the facts of one kind. `None` is a missing or null optional field.
#[derive(Clone, Debug)]
pub enum Column {
    /// A `bool` field.
    Bool(Vec<Option<bool>>),
    /// An `int` field.
    Int(Vec<Option<i64>>),
    /// A `float` field.
    Float(Vec<Option<f64>>),
    /// A `string` field, interned.
    Str(Vec<Option<Sym>>),
    /// A `[T]` field.
    List(ListColumn),
}

/// The most entries an emptied column keeps room for: past it, its room is given back (so that
/// one huge object does not hold its memory for the rest of a batch).
const KEEP_MAX: usize = 1 << 16;

/// Empties `v`, keeping its room unless that is past [`KEEP_MAX`] entries.
fn clear_vec<T>(v: &mut Vec<T>) {
    if v.capacity() > KEEP_MAX {
        *v = Vec::new();
    } else {
        v.clear();
    }
}

impl Column {
    /// Empties the column, keeping its room (up to a bound).
    pub fn clear(&mut self) {
        match self {
            Column::Bool(v) => clear_vec(v),
            Column::Int(v) => clear_vec(v),
            Column::Float(v) => clear_vec(v),
            Column::Str(v) => clear_vec(v),
            Column::List(list) => {
                clear_vec(&mut list.ranges);
                match &mut list.items {
                    Items::Bool(v) => clear_vec(v),
                    Items::Int(v) => clear_vec(v),
                    Items::Float(v) => clear_vec(v),
                    Items::Str(v) => clear_vec(v),
                }
            }
        }
    }
}

/// A list-typed column: each fact's list is a range of `items`.
#[derive(Clone, Debug)]
pub struct ListColumn {
    /// Per fact, `start..end` in `items`, or `None` when missing or null.
    pub ranges: Vec<Option<(u32, u32)>>,
    /// Every element of every list, one after the other.
    pub items: Items,
}

/// The flat elements of a list column.
#[derive(Clone, Debug)]
pub enum Items {
    /// Elements of a `[bool]`.
    Bool(Vec<bool>),
    /// Elements of an `[int]`.
    Int(Vec<i64>),
    /// Elements of a `[float]`.
    Float(Vec<f64>),
    /// Elements of a `[string]`, interned.
    Str(Vec<Sym>),
}
