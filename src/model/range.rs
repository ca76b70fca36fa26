//! Positions in a document's stored text.
//!
//! Segment and turn positions are counted in Unicode scalar values (Rust `char`, egui's `CCursor`),
//! never in bytes. [`CharPos`] and [`CharRange`] carry such counts; [`TextIndex`] is the one place
//! that turns them into byte offsets of a `&str` and back.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in a document's text, counted in Unicode scalar values from its start.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct CharPos(pub usize);

impl fmt::Display for CharPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A non-empty range of characters, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CharRange {
    pub start: CharPos,
    pub end: CharPos,
}

/// Why a pair of positions is not a range in a given text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the range {start}–{end} is empty or reversed: the end must lie after the start")]
    Empty { start: usize, end: usize },
    #[error("the range {start}–{end} reaches past the end of the text, which has {len} characters")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

impl CharRange {
    /// A range from `start` to `end` (exclusive); refuses empty and reversed ranges.
    pub fn new(start: usize, end: usize) -> Result<Self, RangeError> {
        if end <= start {
            return Err(RangeError::Empty { start, end });
        }
        Ok(Self {
            start: CharPos(start),
            end: CharPos(end),
        })
    }

    /// Like [`CharRange::new`], and also checks that the range lies in a text of `len` characters.
    pub fn within(start: usize, end: usize, len: usize) -> Result<Self, RangeError> {
        let range = Self::new(start, end)?;
        if end > len {
            return Err(RangeError::OutOfBounds { start, end, len });
        }
        Ok(range)
    }

    pub fn len(&self) -> usize {
        self.end.0 - self.start.0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, pos: CharPos) -> bool {
        self.start <= pos && pos < self.end
    }

    pub fn overlaps(&self, other: &CharRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for CharRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// Every how many characters [`TextIndex`] remembers a byte offset.
const STRIDE: usize = 64;

/// Converts between character and byte positions of one text in O(1) amortised time.
///
/// Keeps the byte offset of every 64th character, so a lookup walks at most 63 characters.
#[derive(Clone, Debug)]
pub struct TextIndex<'a> {
    text: &'a str,
    checkpoints: Vec<usize>,
    char_len: usize,
}

impl<'a> TextIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut char_len = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % STRIDE == 0 {
                checkpoints.push(byte);
            }
            char_len = i + 1;
        }
        Self {
            text,
            checkpoints,
            char_len,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The number of characters in the text.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// The byte offset of a character position; `None` past the end. The end itself is allowed.
    pub fn byte_of(&self, pos: CharPos) -> Option<usize> {
        if pos.0 == self.char_len {
            return Some(self.text.len());
        }
        if pos.0 > self.char_len {
            return None;
        }
        let checkpoint = self.checkpoints[pos.0 / STRIDE];
        let rest = pos.0 % STRIDE;
        self.text[checkpoint..]
            .char_indices()
            .nth(rest)
            .map(|(b, _)| checkpoint + b)
    }

    /// The character position of a byte offset; `None` if it is past the end or inside a character.
    pub fn char_of(&self, byte: usize) -> Option<CharPos> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return None;
        }
        let block = self.checkpoints.partition_point(|&b| b <= byte).max(1) - 1;
        let start = self.checkpoints.get(block).copied().unwrap_or(0);
        let within = self.text[start..byte].chars().count();
        Some(CharPos(block * STRIDE + within))
    }

    /// The text of a range; `None` if the range reaches past the end.
    pub fn slice(&self, range: CharRange) -> Option<&'a str> {
        let start = self.byte_of(range.start)?;
        let end = self.byte_of(range.end)?;
        Some(&self.text[start..end])
    }

    /// The character range of a byte range; `None` if either end is not a character boundary.
    pub fn range_of_bytes(&self, start: usize, end: usize) -> Option<CharRange> {
        let start = self.char_of(start)?;
        let end = self.char_of(end)?;
        CharRange::new(start.0, end.0).ok()
    }
}

/// The number of characters in a text.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Sorts ranges and joins those that overlap or touch: the characters they cover, once.
pub fn joined(mut ranges: Vec<CharRange>) -> Vec<CharRange> {
    ranges.sort();
    let mut out: Vec<CharRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The characters both joined lists (sorted, not overlapping) cover.
pub fn intersection(a: &[CharRange], b: &[CharRange]) -> Vec<CharRange> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if start < end {
            out.push(CharRange { start, end });
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWKWARD: &str = "Bürger:innen, Straße — 👩‍💻 cafe\u{301} Ä\n🇩🇪 Fachexpert*innen";

    #[test]
    fn positions_count_scalar_values_not_bytes() {
        let index = TextIndex::new(AWKWARD);
        assert_eq!(index.char_len(), AWKWARD.chars().count());
        assert!(AWKWARD.len() > index.char_len());
        // "ü" is one character but two bytes.
        assert_eq!(index.byte_of(CharPos(2)), Some(3));
        assert_eq!(index.char_of(3), Some(CharPos(2)));
        // inside "ü" is no boundary
        assert_eq!(index.char_of(2), None);
    }

    #[test]
    fn every_char_round_trips() {
        let long = AWKWARD.repeat(20);
        let index = TextIndex::new(&long);
        for (i, (byte, _)) in long.char_indices().enumerate() {
            assert_eq!(index.byte_of(CharPos(i)), Some(byte), "char {i}");
            assert_eq!(index.char_of(byte), Some(CharPos(i)), "byte {byte}");
        }
        assert_eq!(index.byte_of(CharPos(index.char_len())), Some(long.len()));
        assert_eq!(index.byte_of(CharPos(index.char_len() + 1)), None);
    }

    #[test]
    fn slices_cut_on_characters() {
        let index = TextIndex::new(AWKWARD);
        let range = CharRange::new(0, 12).unwrap();
        assert_eq!(index.slice(range), Some("Bürger:innen"));
        let start = AWKWARD.find("Straße").unwrap();
        let range = index.range_of_bytes(start, start + "Straße".len()).unwrap();
        assert_eq!(range.len(), 6);
        assert_eq!(index.slice(range), Some("Straße"));
        // the combining accent belongs to its own scalar value
        let cafe = AWKWARD.find("cafe").unwrap();
        let range = index
            .range_of_bytes(cafe, cafe + "cafe\u{301}".len())
            .unwrap();
        assert_eq!(range.len(), 5);
        // the woman-technologist emoji is three scalar values joined by a zero-width joiner
        let emoji = AWKWARD.find('👩').unwrap();
        let range = index.range_of_bytes(emoji, emoji + "👩‍💻".len()).unwrap();
        assert_eq!(range.len(), 3);
    }

    #[test]
    fn ranges_refuse_empty_reversed_and_overlong() {
        assert_eq!(
            CharRange::new(5, 5),
            Err(RangeError::Empty { start: 5, end: 5 })
        );
        assert!(CharRange::new(6, 5).is_err());
        assert_eq!(
            CharRange::within(3, 11, 10),
            Err(RangeError::OutOfBounds {
                start: 3,
                end: 11,
                len: 10
            })
        );
        assert!(CharRange::within(3, 10, 10).is_ok());
    }

    #[test]
    fn empty_text_has_only_position_zero() {
        let index = TextIndex::new("");
        assert_eq!(index.char_len(), 0);
        assert_eq!(index.byte_of(CharPos(0)), Some(0));
        assert_eq!(index.char_of(0), Some(CharPos(0)));
        assert_eq!(index.byte_of(CharPos(1)), None);
    }

    #[test]
    fn overlap_is_strict() {
        let a = CharRange::new(0, 5).unwrap();
        let b = CharRange::new(5, 8).unwrap();
        let c = CharRange::new(4, 6).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && b.overlaps(&c));
    }

    proptest::proptest! {
        #[test]
        fn conversions_agree_with_std(text in "\\PC{0,300}") {
            let index = TextIndex::new(&text);
            for (i, (byte, _)) in text.char_indices().enumerate() {
                proptest::prop_assert_eq!(index.byte_of(CharPos(i)), Some(byte));
                proptest::prop_assert_eq!(index.char_of(byte), Some(CharPos(i)));
            }
        }
    }
}
