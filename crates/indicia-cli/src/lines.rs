//! The lines of a batch (JSON Lines), cut in place from big blocks of input.
//!
//! [`LineBlocks`] reads its input into a block buffer a few MiB at a time and cuts that buffer into
//! lines where it lies (newlines found with `memchr`): a [`Block`] is the buffer and the ranges of its
//! lines, so no line is copied but the partial last one, carried to the front of the next block. A
//! block ends when its buffer is full or, after a read, it holds [`BLOCK_LINES`] lines (so that a
//! slow pipe streams its lines in groups of that many, not a block's worth).
//!
//! Every line gets its 1-based number in the input. Blank lines (only ASCII whitespace) are counted
//! and left out; a line ends before its `\n` or `\r\n`, so that a syntax error's position is on it.
//! A line longer than the limit (its line break, `\n` or `\r\n`, not counted) is read to its end without being kept:
//! its bytes are dropped as they arrive, so memory holds at most the block and the limit, and it
//! stays in the block as a line marked [`Line::too_long`], to be rejected in its place. A block that a
//! line up to the limit does not fit grows to hold it.

use std::io::{self, Read};

use indicia::limits::BATCH_LINE;

/// Bytes read into a block (one line longer than that grows it). 1, 2 and 4 MiB scored the
/// 1.15 GB benchmark batch alike (see the report of issue 18); this one keeps the pipeline's
/// handful of blocks small.
pub(crate) const BLOCK_BYTES: usize = 2 << 20;

/// Lines after which a block ends at the next read even when its buffer has room left.
pub(crate) const BLOCK_LINES: usize = 128;

/// Whole lines of a batch, in place in one buffer.
#[derive(Default)]
pub(crate) struct Block {
    /// The buffer the lines lie in (past them: the next block's start, or garbage).
    bytes: Vec<u8>,
    /// The non-blank lines, in input order.
    pub(crate) lines: Vec<Line>,
    /// Input bytes the block's lines took, line breaks, overlong lines and blank lines included
    /// (blank lines that end the input may be in no block).
    pub(crate) consumed: u64,
}

impl Block {
    /// The text of `line`, line break excluded (empty for a line too long to keep).
    pub(crate) fn text(&self, line: &Line) -> &[u8] {
        self.bytes.get(line.start..line.end).unwrap_or_default()
    }
}

/// One non-blank line of a [`Block`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    start: usize,
    end: usize,
    /// Its 1-based line number in the input.
    pub(crate) number: usize,
    /// Longer than the limit: not kept (its text is empty), to be rejected in its place.
    pub(crate) too_long: bool,
}

/// True when `bytes` holds only ASCII whitespace (a blank line, left out of a batch).
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Cuts an input into [`Block`]s of whole lines (see the module).
pub(crate) struct LineBlocks<R> {
    input: R,
    block_bytes: usize,
    max_line: usize,
    /// Lines seen so far, blank ones included.
    line_number: usize,
    /// The start of a line that did not end in the last block, moved to the front of the next.
    carry: Vec<u8>,
    /// Bytes of an overlong line dropped so far, while its end is being looked for.
    skipped: Option<u64>,
    /// The input ended (or failed: the error waits in `error` until the lines before it are out).
    ended: bool,
    error: Option<io::Error>,
}

impl<R: Read> LineBlocks<R> {
    /// Lines of `input` in blocks of [`BLOCK_BYTES`], longer lines than [`BATCH_LINE`] rejected.
    pub(crate) fn new(input: R) -> LineBlocks<R> {
        LineBlocks::with_sizes(input, BLOCK_BYTES, usize::try_from(BATCH_LINE.get()).unwrap_or(usize::MAX))
    }

    /// Lines of `input` in blocks of `block_bytes` (at least 1), lines longer than `max_line` rejected.
    pub(crate) fn with_sizes(input: R, block_bytes: usize, max_line: usize) -> LineBlocks<R> {
        LineBlocks {
            input,
            block_bytes: block_bytes.max(1),
            max_line,
            line_number: 0,
            carry: Vec::new(),
            skipped: None,
            ended: false,
            error: None,
        }
    }

    /// Fills `block` (its buffer reused) with the next lines. `Ok(false)` once the input has no more
    /// lines. A read error comes after the lines read before it; the line it cut short is lost.
    pub(crate) fn next_into(&mut self, block: &mut Block) -> io::Result<bool> {
        block.lines.clear();
        block.consumed = 0;
        if self.ended {
            return self.error.take().map_or(Ok(false), Err);
        }
        self.prepare(block);
        let mut filled = self.carry.len();
        if let Some(front) = block.bytes.get_mut(..filled) {
            front.copy_from_slice(&self.carry);
        }
        self.carry.clear();
        let mut line_start = 0;
        loop {
            if filled == block.bytes.len() {
                if !block.lines.is_empty() {
                    break;
                }
                if line_start > 0 {
                    // Only blank lines before the partial one: move it to the front.
                    block.bytes.copy_within(line_start..filled, 0);
                    filled -= line_start;
                    line_start = 0;
                } else {
                    // One line up to the limit fills the buffer: grow it (to at most the limit + 2,
                    // enough to hold the line with its `\r\n`, or to find it too long).
                    let grown = block.bytes.len().saturating_mul(2).min(self.max_line.saturating_add(2));
                    block.bytes.resize(grown.max(block.bytes.len() + 1), 0);
                }
            }
            let read = match self.input.read(block.bytes.get_mut(filled..).unwrap_or_default()) {
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    // The lines read before are still handed out; the one cut short is lost.
                    self.ended = true;
                    if block.lines.is_empty() {
                        return Err(error);
                    }
                    self.error = Some(error);
                    return Ok(true);
                }
            };
            if read == 0 {
                self.ended = true;
                if let Some(skipped) = self.skipped.take() {
                    block.consumed += skipped;
                    self.overlong(block);
                } else if filled > line_start {
                    self.end_line(block, line_start, filled, false);
                }
                return Ok(!block.lines.is_empty());
            }
            line_start = self.cut(block, line_start, filled, filled + read);
            filled += read;
            let partial = filled - line_start;
            if let Some(skipped) = &mut self.skipped {
                *skipped += partial as u64;
                filled = line_start;
            } else if partial > self.max_line.saturating_add(1) {
                // Too long even if its last byte is the `\r` of a `\r\n`.
                self.skipped = Some(partial as u64);
                filled = line_start;
            }
            if block.lines.len() >= BLOCK_LINES {
                break;
            }
        }
        self.carry.extend_from_slice(block.bytes.get(line_start..filled).unwrap_or_default());
        Ok(true)
    }

    /// Sizes `block`'s buffer for a block: the block size, or twice the carried line when that is
    /// longer; a buffer a long line grew returns to the block size.
    fn prepare(&self, block: &mut Block) {
        let wanted = self.block_bytes.max(self.carry.len().saturating_mul(2));
        if block.bytes.is_empty() || block.bytes.len() > wanted.max(self.block_bytes.saturating_mul(2)) {
            // Zeroed by the allocator (fresh pages need no writing), not by `resize`.
            block.bytes = vec![0; wanted];
        } else if block.bytes.len() < wanted {
            block.bytes.resize(wanted, 0);
        }
    }

    /// Cuts the lines that end in `block.bytes[from..to]` (the line in progress starts at
    /// `line_start`); returns where the next line starts.
    fn cut(&mut self, block: &mut Block, mut line_start: usize, from: usize, to: usize) -> usize {
        let mut at = from;
        while let Some(found) = block.bytes.get(at..to).and_then(|fresh| memchr::memchr(b'\n', fresh)) {
            let newline = at + found;
            at = newline + 1;
            match self.skipped.take() {
                Some(skipped) => {
                    block.consumed += skipped + (newline - line_start) as u64 + 1;
                    self.overlong(block);
                }
                None => self.end_line(block, line_start, newline, true),
            }
            line_start = newline + 1;
        }
        line_start
    }

    /// The line at `start..end` ended, at a line break (`newline`) or at the end of the input: kept,
    /// left out when blank, or rejected when too long. A `\r` before the line break is not part of it.
    fn end_line(&mut self, block: &mut Block, start: usize, end: usize, newline: bool) {
        block.consumed += (end - start + usize::from(newline)) as u64;
        let end =
            if newline && block.bytes.get(end.wrapping_sub(1)) == Some(&b'\r') && end > start { end - 1 } else { end };
        if end - start > self.max_line {
            return self.overlong(block);
        }
        self.line_number += 1;
        let text = block.bytes.get(start..end).unwrap_or_default();
        if !is_blank(text) {
            block.lines.push(Line { start, end, number: self.line_number, too_long: false });
        }
    }

    /// Records a line too long to keep, in its place.
    fn overlong(&mut self, block: &mut Block) {
        self.line_number += 1;
        block.lines.push(Line { start: 0, end: 0, number: self.line_number, too_long: true });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line as the tests compare it: number, text (empty when too long), too long.
    type Cut = (usize, Vec<u8>, bool);

    /// Reads at most `step` bytes per call from `bytes`, then fails with `error` if given.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
        error: Option<io::ErrorKind>,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.bytes.is_empty() {
                return self.error.take().map_or(Ok(0), |kind| Err(kind.into()));
            }
            let n = buf.len().min(self.step).min(self.bytes.len());
            let (now, later) = self.bytes.split_at(n);
            buf.get_mut(..n).unwrap().copy_from_slice(now);
            self.bytes = later;
            Ok(n)
        }
    }

    /// Every block of `input` read `step` bytes at a time: the lines, the bytes consumed, the error.
    fn cut(input: &[u8], step: usize, block_bytes: usize, max_line: usize) -> (Vec<Cut>, u64, Option<io::Error>) {
        let mut blocks = LineBlocks::with_sizes(Trickle { bytes: input, step, error: None }, block_bytes, max_line);
        let (mut lines, mut consumed, mut block) = (Vec::new(), 0, Block::default());
        loop {
            match blocks.next_into(&mut block) {
                Ok(true) => {}
                Ok(false) => return (lines, consumed, None),
                Err(error) => return (lines, consumed, Some(error)),
            }
            assert!(!block.lines.is_empty());
            consumed += block.consumed;
            lines.extend(block.lines.iter().map(|l| (l.number, block.text(l).to_vec(), l.too_long)));
        }
    }

    /// The lines of `input` as the batch reads them, found the obvious way, and the bytes up to the
    /// end of the last (blank lines after it are in no block).
    fn expected(input: &[u8], max_line: usize) -> (Vec<Cut>, u64) {
        let (mut lines, mut consumed) = (Vec::new(), 0);
        let mut rest = input;
        let mut number = 0;
        while !rest.is_empty() {
            let (line, newline) = match rest.iter().position(|&b| b == b'\n') {
                Some(at) => (&rest[..at], true),
                None => (rest, false),
            };
            rest = &rest[(line.len() + usize::from(newline))..];
            number += 1;
            let text = if newline { line.strip_suffix(b"\r").unwrap_or(line) } else { line };
            if text.len() > max_line {
                lines.push((number, Vec::new(), true));
            } else if !text.iter().all(u8::is_ascii_whitespace) {
                lines.push((number, text.to_vec(), false));
            } else {
                continue;
            }
            consumed = (input.len() - rest.len()) as u64;
        }
        (lines, consumed)
    }

    #[test]
    fn lines_keep_their_numbers_skip_blank_ones_and_lose_their_line_breaks() {
        let input = b"{\"a\": 1}\n  \n{\"b\": 2}\r\n\r\n{\"c\": 3}";
        let lines = vec![
            (1, b"{\"a\": 1}".to_vec(), false),
            (3, b"{\"b\": 2}".to_vec(), false),
            (5, b"{\"c\": 3}".to_vec(), false),
        ];
        assert_eq!(cut(input, usize::MAX, BLOCK_BYTES, 100).0, lines);
        assert_eq!(cut(input, usize::MAX, BLOCK_BYTES, 100).1, input.len() as u64);
    }

    #[test]
    fn a_line_spanning_two_blocks_is_carried_whole_into_the_second() {
        // Blocks of 8 bytes: the second line starts in the first block and ends in the second.
        let input = b"{\"a\":1}\n{\"bb\":2}\n";
        let (lines, consumed, error) = cut(input, usize::MAX, 12, 100);
        assert_eq!(lines, vec![(1, b"{\"a\":1}".to_vec(), false), (2, b"{\"bb\":2}".to_vec(), false)]);
        assert_eq!((consumed, error.is_none()), (input.len() as u64, true));
    }

    #[test]
    fn a_line_longer_than_a_block_grows_the_block_to_hold_it() {
        let long = format!("{{\"id\": \"{}\"}}", "x".repeat(100));
        let input = format!("{{}}\n{long}\n{{}}\n");
        let (lines, consumed, _) = cut(input.as_bytes(), 7, 16, 1000);
        let long = (2, long.into_bytes(), false);
        assert_eq!(lines, vec![(1, b"{}".to_vec(), false), long, (3, b"{}".to_vec(), false)]);
        assert_eq!(consumed, input.len() as u64);
    }

    #[test]
    fn an_overlong_line_across_blocks_is_dropped_as_it_arrives_and_marked_in_its_place() {
        let input = format!("{{}}\n{}\n{{\"b\":1}}\n{}", "y".repeat(500), "z".repeat(50));
        let (lines, consumed, error) = cut(input.as_bytes(), 5, 16, 40);
        let expected = vec![
            (1, b"{}".to_vec(), false),
            (2, Vec::new(), true),
            (3, b"{\"b\":1}".to_vec(), false),
            (4, Vec::new(), true), // the last line, without a line break
        ];
        assert_eq!((lines, consumed, error.is_none()), (expected, input.len() as u64, true));
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_kept_and_one_byte_more_is_not() {
        // Its line break (`\n` or `\r\n`) not counted.
        let input = b"abcd\nabcde\nabcd\r\nabcde\r\nabcd";
        let (lines, ..) = cut(input, 3, 4, 4);
        let kept = |n| (n, b"abcd".to_vec(), false);
        assert_eq!(lines, vec![kept(1), (2, Vec::new(), true), kept(3), (4, Vec::new(), true), kept(5)]);
    }

    #[test]
    fn a_read_error_comes_after_the_lines_read_before_it() {
        let input = b"{\"a\":1}\n{\"b\":";
        let trickle = Trickle { bytes: input, step: 4, error: Some(io::ErrorKind::Other) };
        let mut blocks = LineBlocks::with_sizes(trickle, 64, 100);
        let mut block = Block::default();
        assert!(blocks.next_into(&mut block).unwrap());
        assert_eq!(block.lines.iter().map(|l| l.number).collect::<Vec<_>>(), vec![1]);
        assert_eq!(blocks.next_into(&mut block).unwrap_err().kind(), io::ErrorKind::Other);
        assert!(!blocks.next_into(&mut block).unwrap());
    }

    #[test]
    fn a_slow_input_ends_a_block_after_its_lines_not_when_its_buffer_is_full() {
        let input = "{}\n".repeat(BLOCK_LINES + 5);
        let mut blocks =
            LineBlocks::with_sizes(Trickle { bytes: input.as_bytes(), step: 30, error: None }, 1 << 20, 100);
        let mut block = Block::default();
        assert!(blocks.next_into(&mut block).unwrap());
        assert!((BLOCK_LINES..BLOCK_LINES + 10).contains(&block.lines.len()));
    }

    proptest! {
        #[test]
        fn blocks_cut_the_lines_a_plain_split_finds(
            input in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b' '), Just(b'\r'), Just(b'\n')], 0..400),
            step in 1usize..50,
            block_bytes in 1usize..40,
            max_line in 0usize..30,
        ) {
            let (lines, consumed, error) = cut(&input, step, block_bytes, max_line);
            prop_assert!(error.is_none());
            let (expected_lines, through_last_line) = expected(&input, max_line);
            prop_assert_eq!(lines, expected_lines);
            // Blank lines after the last line count only if a block holds them with a line.
            prop_assert!((through_last_line..=input.len() as u64).contains(&consumed));
        }
    }
}
