//! The pack's string literals, interned once when the pack is compiled: evidence is read against
//! them, so a string of the evidence that equals a literal gets the literal's symbol.

use std::collections::HashMap;
use std::sync::Arc;

/// An interned string: an index into the pack's [`Symbols`] followed by the
/// evidence's own strings.
pub type Sym = u32;

/// The pack's string literals, shared (behind an `Arc`) by every evidence object read for one
/// compiled pack. Symbols `0..len()` are these literals.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    map: HashMap<Arc<str>, Sym>,
    strings: Vec<Arc<str>>,
}

impl Symbols {
    /// An empty table.
    pub fn new() -> Symbols {
        Symbols::default()
    }

    /// The symbol of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym::try_from(self.strings.len()).unwrap_or(Sym::MAX);
        let s: Arc<str> = Arc::from(s);
        self.strings.push(s.clone());
        self.map.insert(s, sym);
        sym
    }

    /// The symbol of `s`, if it is one of the table's strings.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).copied()
    }

    /// The string of symbol `sym`, if it is one of the table's.
    pub fn resolve(&self, sym: Sym) -> Option<&str> {
        self.strings.get(sym as usize).map(|s| &**s)
    }

    /// How many strings the table holds.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True when the table holds no string.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}
