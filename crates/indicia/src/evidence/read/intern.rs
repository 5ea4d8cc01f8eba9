//! The reader's string interner: every string of an evidence object gets a [`Sym`], the pack
//! literal's when it equals one, else one of the object's own (numbered from `Symbols::len()`).
//!
//! The object's own strings go into one [`LocalStrings`] buffer that is handed to the
//! [`Evidence`](crate::evidence::Evidence): the direct reader's as spans of one copy of the
//! object's text ([`Interner::copy_source`]: one copy of the whole text costs less than one per
//! string), the serde visitors' back to back. The hash tables hold symbols only, never strings,
//! so interning a new string allocates nothing but room in that buffer. The string is hashed
//! once for both tables.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::Interning;
use crate::evidence::{LocalStrings, Sym, Symbols};

/// The room kept between reads (in strings) once an unusually large object is gone.
const SPARE: usize = 4096;

/// Interns the strings of one evidence object after another.
#[derive(Clone, Debug, Default)]
pub(super) struct Interner {
    /// Seeded with random keys, so that crafted evidence cannot pick colliding strings.
    hasher: foldhash::fast::RandomState,
    /// The pack's literals, copied in by [`Interner::seed`]; before that, lookups go to the
    /// pack's own table.
    literals: HashTable<(Box<str>, Sym)>,
    seeded: bool,
    /// Once seeded: a bit per [`sketch`] of the literals' texts. A string whose bit is clear is
    /// no literal, and is not hashed to find out.
    sketches: Vec<u64>,
    /// The object's own strings, by index into `strings`.
    local: HashTable<u32>,
    strings: LocalStrings,
}

/// Interning failed: one object has more distinct strings than a [`Sym`] can number.
#[derive(Debug)]
pub(super) struct TooManyStrings;

impl Interner {
    /// Whether the pack's literals are in this interner's own table.
    pub(super) fn is_seeded(&self) -> bool {
        self.seeded
    }

    /// Copies the pack's literals into this interner (worth it for a reader used many times:
    /// a string then costs one hash and one probe).
    pub(super) fn seed(&mut self, symbols: &Symbols) {
        self.sketches = vec![0; SKETCH_BITS / 64];
        let hasher = &self.hasher;
        self.literals.reserve(symbols.len(), |(s, _)| hasher.hash_one(&**s));
        for sym in 0..Sym::try_from(symbols.len()).unwrap_or(Sym::MAX) {
            if let Some(s) = symbols.resolve(sym) {
                let hash = hasher.hash_one(s);
                if self.literals.find(hash, |(k, _)| **k == *s).is_none() {
                    self.literals.insert_unique(hash, (s.into(), sym), |(k, _)| hasher.hash_one(&**k));
                }
                let bit = sketch(s);
                if let Some(word) = self.sketches.get_mut(bit / 64) {
                    *word |= 1 << (bit % 64);
                }
            }
        }
        self.seeded = true;
    }

    /// Whether `s` may be a literal (false: it certainly is none); always true before seeding.
    #[inline(always)]
    fn maybe_literal(&self, s: &str) -> bool {
        if !self.seeded {
            return true;
        }
        let bit = sketch(s);
        self.sketches.get(bit / 64).is_none_or(|word| word & (1 << (bit % 64)) != 0)
    }

    /// The symbol of `s`, looked up as far as `how` says: a literal's (looked up in `unseeded`
    /// when the interner holds none), else the object's own, numbered from `base` (with
    /// [`Interning::Full`], the same symbol as an equal string met before). `at` is where `s`
    /// starts in the text given to [`Interner::copy_source`], if it comes from there: a new
    /// string is then stored as that span, without a copy.
    #[inline(always)]
    pub(super) fn intern(
        &mut self,
        s: &str,
        at: Option<usize>,
        how: Interning,
        base: Sym,
        unseeded: Option<&Symbols>,
    ) -> Result<Sym, TooManyStrings> {
        // Inline: a string that needs no lookup is only stored.
        if how == Interning::Copy {
            return self.push(s, at, base).map(|(sym, _)| sym);
        }
        let maybe_literal = self.maybe_literal(s);
        if how == Interning::Literals && !maybe_literal {
            return self.push(s, at, base).map(|(sym, _)| sym);
        }
        self.look_up(s, at, how, base, unseeded, maybe_literal)
    }

    /// [`Interner::intern`] of a string that is looked up.
    #[inline(never)]
    fn look_up(
        &mut self,
        s: &str,
        at: Option<usize>,
        how: Interning,
        base: Sym,
        unseeded: Option<&Symbols>,
        maybe_literal: bool,
    ) -> Result<Sym, TooManyStrings> {
        let Interner { hasher, literals, local, strings, .. } = self;
        let hash = hasher.hash_one(s);
        match unseeded {
            Some(symbols) => {
                if let Some(sym) = symbols.get(s) {
                    return Ok(sym);
                }
            }
            None if maybe_literal => {
                if let Some((_, sym)) = literals.find(hash, |(k, _)| **k == *s) {
                    return Ok(*sym);
                }
            }
            None => {}
        }
        if how == Interning::Literals {
            return self.push(s, at, base).map(|(sym, _)| sym);
        }
        if let Some(&i) = local.find(hash, |&i| strings.get(i as usize) == Some(s)) {
            return Ok(base.saturating_add(i));
        }
        let (sym, i) = self.push(s, at, base)?;
        let Interner { hasher, local, strings, .. } = self;
        local.insert_unique(hash, i, |&i| hasher.hash_one(strings.get(i as usize).unwrap_or("")));
        Ok(sym)
    }

    /// Appends `s` (at `at` of the source text, if it comes from there) to the object's own
    /// strings: its symbol and its index.
    #[inline(always)]
    fn push(&mut self, s: &str, at: Option<usize>, base: Sym) -> Result<(Sym, u32), TooManyStrings> {
        let i = u32::try_from(self.strings.len()).map_err(|_| TooManyStrings)?;
        let sym = base.checked_add(i).ok_or(TooManyStrings)?;
        match at {
            Some(start) => self.strings.push_span(start, start + s.len()),
            None => self.strings.push(s),
        };
        Ok((sym, i))
    }

    /// Forgets the object's own strings and keeps a copy of `text`, the object about to be read,
    /// whose strings are then stored as spans of it (see [`Interner::intern`]'s `at`).
    pub(super) fn copy_source(&mut self, text: &str) {
        if !self.local.is_empty() {
            self.local.clear();
        }
        self.strings.copy_source(text);
    }

    /// Forgets the object's own strings (after a rejected object, or before the first).
    pub(super) fn reset(&mut self) {
        self.local.clear();
        if self.local.capacity() > 4 * SPARE {
            self.local.shrink_to(SPARE, |_| 0);
        }
        if self.strings.text_len() > SPARE * 64 {
            self.strings = LocalStrings::default();
        } else {
            self.strings.clear();
        }
    }

    /// Hands over the object's own strings, in symbol order, into `local` and forgets them;
    /// `local`'s previous strings are dropped, its buffers kept for the next object.
    pub(super) fn take_local_into(&mut self, local: &mut LocalStrings) {
        // Room for as many as this object had (bounded), if the buffers taken back are smaller.
        let (strings, bytes) = (self.strings.len().min(SPARE), self.strings.text_len().min(SPARE * 64));
        std::mem::swap(&mut self.strings, local);
        self.reset();
        self.strings.reserve(strings, bytes);
    }
}

/// The size of the literals' sketch, in bits.
const SKETCH_BITS: usize = 4096;

/// A cheap digest of `s` (its length and last eight bytes) for the literals' sketch: not a hash
/// table's hash (nothing is looked up by it), only a filter.
#[inline]
fn sketch(s: &str) -> usize {
    let bytes = s.as_bytes();
    let tail = match bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)) {
        Some(tail) => tail.try_into().map_or(0, u64::from_le_bytes),
        None => bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)),
    };
    let mixed = (tail ^ (bytes.len() as u64).rotate_left(56)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 52) as usize % SKETCH_BITS
}
