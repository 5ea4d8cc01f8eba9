//! An expansion budget for readers of formats whose parts can be shared.
//!
//! Some formats let one stored part be used many times: a binary plist's arrays and dictionaries hold
//! references to objects that other collections may reference too; an AXML attribute names a string of
//! its pool; a DEX method names its class's descriptor. A reader that copies each use of a shared part
//! can turn a few hundred bytes into gigabytes (a binary plist of 487 bytes whose arrays each reference
//! the next one twice, 64 levels deep, expands to 2⁶⁴ objects). The size of the input bounds nothing.
//!
//! Such a reader starts a [`Budget`] from the [`Expansion`] caps of its [`Limits`](crate::Limits) and
//! calls [`Budget::spend`] for every object it produces and every byte it copies, each time a shared part
//! is used. The first use past a cap is an [`OverBudget`] error, so the work done and the memory held
//! stay proportional to the caps, never to what the references would expand to.
//!
//! A budget may also carry a deadline ([`Limits::deadline`](crate::Limits::deadline), set by `indicia
//! scan`'s per-app time limit): [`Budget::spend`] then looks at the clock every [`CLOCK_EVERY`] calls
//! (and at the first) and fails with [`OverBudget::Time`] once the deadline has passed. This is how a
//! long read is interrupted without a second thread: the reader stops at its next spend.
//!
//! ```
//! use indicia_extract::{Budget, Expansion};
//!
//! let mut budget = Budget::new(Expansion { max_objects: 2, max_bytes: 100 });
//! assert!(budget.spend(1, 40).is_ok());
//! assert!(budget.spend(1, 40).is_ok());
//! assert!(budget.spend(1, 0).is_err()); // a third object
//! ```

use std::fmt;
use std::time::Instant;

/// Caps on how far one read may expand its input: objects produced and bytes copied, counting a shared
/// part once per use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expansion {
    /// Most objects (plist values, XML elements and attributes, DEX method references) one read produces.
    pub max_objects: u64,
    /// Most bytes of strings and data one read copies out of its input.
    pub max_bytes: u64,
}

impl Default for Expansion {
    /// One million objects and 64 MiB: a real `Info.plist`, privacy manifest or binary manifest produces
    /// a few thousand objects; a DEX file at most some 65,536 method references of some 100 bytes each.
    fn default() -> Self {
        Self { max_objects: 1_000_000, max_bytes: 64 << 20 }
    }
}

/// Which cap of an [`Expansion`] a read went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverBudget {
    /// More objects than [`Expansion::max_objects`] (the cap is given).
    Objects(u64),
    /// More bytes than [`Expansion::max_bytes`] (the cap is given).
    Bytes(u64),
    /// The deadline of the read passed.
    Time,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverBudget::Objects(cap) => write!(
                f,
                "expands to more than {cap} objects (a part referenced more than once counts each time \
                 it is used)"
            ),
            OverBudget::Bytes(cap) => write!(
                f,
                "expands to more than {cap} bytes (a part referenced more than once counts each time \
                 it is used)"
            ),
            OverBudget::Time => f.write_str("was still being read when the time limit ran out"),
        }
    }
}

impl std::error::Error for OverBudget {}

/// How many calls of [`Budget::spend`] pass between two looks at the clock (a look costs some 20 ns;
/// a spend a few).
pub const CLOCK_EVERY: u64 = 1024;

/// The running count of one read against its [`Expansion`] caps (and its deadline, if any).
#[derive(Debug, Clone)]
pub struct Budget {
    caps: Expansion,
    objects: u64,
    bytes: u64,
    deadline: Option<Instant>,
    calls: u64,
}

impl Budget {
    /// A budget with nothing spent and no deadline.
    pub fn new(caps: Expansion) -> Self {
        Self { caps, objects: 0, bytes: 0, deadline: None, calls: 0 }
    }

    /// The same budget, failing with [`OverBudget::Time`] once `deadline` (if any) has passed.
    #[must_use]
    pub fn until(mut self, deadline: Option<Instant>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Counts `objects` more objects and `bytes` more bytes; an error once either total passes its cap,
    /// or (looked at every [`CLOCK_EVERY`] calls) once the deadline has passed.
    pub fn spend(&mut self, objects: u64, bytes: u64) -> Result<(), OverBudget> {
        self.objects = self.objects.saturating_add(objects);
        self.bytes = self.bytes.saturating_add(bytes);
        let look = self.calls.is_multiple_of(CLOCK_EVERY);
        self.calls = self.calls.wrapping_add(1);
        if look && self.deadline.is_some_and(|d| Instant::now() >= d) {
            Err(OverBudget::Time)
        } else if self.objects > self.caps.max_objects {
            Err(OverBudget::Objects(self.caps.max_objects))
        } else if self.bytes > self.caps.max_bytes {
            Err(OverBudget::Bytes(self.caps.max_bytes))
        } else {
            Ok(())
        }
    }

    /// Objects counted so far.
    pub fn objects(&self) -> u64 {
        self.objects
    }

    /// Bytes counted so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cap_is_inclusive_and_reported() {
        let mut b = Budget::new(Expansion { max_objects: 3, max_bytes: 10 });
        assert_eq!(b.spend(3, 10), Ok(()));
        assert_eq!(b.spend(1, 0), Err(OverBudget::Objects(3)));
        let mut b = Budget::new(Expansion { max_objects: 3, max_bytes: 10 });
        assert_eq!(b.spend(0, 11), Err(OverBudget::Bytes(10)));
        assert_eq!((b.objects(), b.bytes()), (0, 11));
        let mut b = Budget::new(Expansion { max_objects: u64::MAX, max_bytes: u64::MAX });
        assert_eq!(b.spend(u64::MAX, u64::MAX), Ok(()));
        assert_eq!(b.spend(1, 1), Ok(()), "saturates instead of wrapping");
    }

    #[test]
    fn a_passed_deadline_stops_the_first_spend_and_then_every_clock_look() {
        let caps = Expansion { max_objects: u64::MAX, max_bytes: u64::MAX };
        let mut b = Budget::new(caps).until(Some(Instant::now()));
        assert_eq!(b.spend(1, 1), Err(OverBudget::Time));
        for _ in 1..CLOCK_EVERY {
            assert_eq!(b.spend(1, 1), Ok(()), "the clock is read only every CLOCK_EVERY spends");
        }
        assert_eq!(b.spend(1, 1), Err(OverBudget::Time));
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        let mut b = Budget::new(caps).until(Some(far));
        assert!((0..3 * CLOCK_EVERY).all(|_| b.spend(1, 1).is_ok()));
    }
}
