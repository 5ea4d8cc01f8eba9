//! The one pseudo-random sequence of the workspace's tests, benches and generators.
//!
//! xorshift64* (Marsaglia's xorshift with Vigna's multiplier): tiny, fast and good enough for
//! test data, and above all *fixed*: the same seed gives the same sequence on every machine and
//! in every version, so that a generated pack, a bench's evidence or a failing test case can be
//! named by its seed. It is not a cryptographic generator and not for statistics.
//! [`Rng::for_item`] derives the sequence of item `i` of a stream from the stream's seed with
//! splitmix64's mix, so that item `i` does not depend on the items before it.

/// The seed used where none is given (and in place of 0, which xorshift never leaves).
pub const DEFAULT_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// A small deterministic pseudo-random sequence (xorshift64*).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A sequence for `seed` (any value: a zero seed is remapped, since xorshift never leaves 0).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { DEFAULT_SEED } else { seed })
    }

    /// A sequence for item `index` of a stream seeded with `seed`, independent of the others.
    pub fn for_item(seed: u64, index: u64) -> Rng {
        Rng::new(splitmix64(seed ^ splitmix64(index.wrapping_add(0x5851_F42D_4C95_7F2D))))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The next random byte (the high byte of [`Rng::next_u64`], the best mixed).
    pub fn byte(&mut self) -> u8 {
        (self.next_u64() >> 56) as u8
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A reference to one of `items`, uniformly (`None` when there is none).
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One of `items`, uniformly (`""` when there is none).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        self.choose(items).copied().unwrap_or_default()
    }

    /// One of `items`, skewed towards the front: the first is about twice as likely as the
    /// average and the last rarely drawn, as the common values of real evidence are.
    pub fn pick_skewed<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let a = self.below(items.len());
        let b = self.below(items.len());
        items.get(a.min(b)).copied().unwrap_or_default()
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// A good 64-bit mix (splitmix64's finaliser), to derive independent seeds.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sequence is fixed: the same seed repeats it, and the first output for seed 1 is
    /// xorshift64*'s, worked out by hand below.
    #[test]
    fn the_sequence_is_fixed() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let first: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..8).map(|_| b.next_u64()).collect::<Vec<_>>());
        // Seed 1: x = 1; x ^= x >> 12 (1); x ^= x << 25 (0x2000001); x ^= x >> 27 (0x2000001).
        assert_eq!(Rng::new(1).next_u64(), 0x2000001u64.wrapping_mul(0x2545_F491_4F6C_DD1D));
        assert_eq!(Rng::new(0).next_u64(), Rng::new(DEFAULT_SEED).next_u64());
    }

    #[test]
    fn items_are_independent_of_each_other() {
        assert_ne!(Rng::for_item(7, 0).next_u64(), Rng::for_item(7, 1).next_u64());
        assert_eq!(Rng::for_item(7, 3).next_u64(), Rng::for_item(7, 3).next_u64());
    }

    #[test]
    fn draws_stay_in_range() {
        let mut r = Rng::new(3);
        for n in [1, 2, 7, 100] {
            assert!((0..1000).all(|_| r.below(n) < n));
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.pick(&[]), "");
        assert_eq!(r.choose::<u8>(&[]), None);
        let skewed: usize = (0..10_000).filter(|_| r.pick_skewed(&["a", "b", "c", "d"]) == "a").count();
        assert!(skewed > 3500, "front-skewed: {skewed} of 10,000 (uniform would be 2,500)");
    }
}
