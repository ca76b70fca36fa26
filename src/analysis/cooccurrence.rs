//! Code co-occurrence: how often two codes meet in overlapping passages, in one speaker turn or in
//! one document. A symmetric code × code table over all codes of the code system.
//!
//! Each code counts alone, without its sub-codes: counted with them, a parent would co-occur with
//! its own sub-code wherever that is used. The diagonal (a code with itself) is always 0.

use std::collections::HashSet;

use serde::Serialize;

use super::{AnalysisData, DocumentTurns};
use crate::model::CodePath;
use crate::model::error::Result;
use crate::model::range::CharRange;
use crate::model::{CodeId, DocumentId, Segment, SegmentId, turn_at};

/// Where two codes must meet to count as co-occurring.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CooccurrenceScope {
    /// Two segments whose character ranges overlap; counts pairs of segments.
    #[default]
    Overlap,
    /// Segments that start in the same speaker turn; counts turns.
    Turn,
    /// Segments in the same document; counts documents.
    Document,
}

/// What to count.
#[derive(Clone, Debug, Default)]
pub struct CooccurrenceSpec {
    pub scope: CooccurrenceScope,
    /// Only segments of this coder; without one, segments of all coders meet each other.
    pub coder: Option<String>,
}

/// One code's row: how often it co-occurs with each code, in the order of `codes`.
#[derive(Clone, Debug, Serialize)]
pub struct CooccurrenceRow {
    /// The code's full path.
    pub code: CodePath,
    pub depth: usize,
    pub cells: Vec<usize>,
}

/// A computed co-occurrence table.
#[derive(Clone, Debug, Serialize)]
pub struct Cooccurrence {
    pub scope: CooccurrenceScope,
    /// The columns: every code's full path, in the order of the code system.
    pub codes: Vec<CodePath>,
    pub rows: Vec<CooccurrenceRow>,
}

/// Computes the co-occurrence table. `turns` is read only for the turn scope (see
/// [`super::load_turns`]); a document missing from it has no turns.
pub fn cooccurrence(
    data: &AnalysisData,
    spec: &CooccurrenceSpec,
    turns: &DocumentTurns,
) -> Result<Cooccurrence> {
    let coder = data.coder_id(spec.coder.as_deref())?;
    let index_of = data.code_index();
    let n = data.codes.len();
    let mut spans: Vec<(DocumentId, CharRange, usize)> = data
        .segments
        .iter()
        .filter(|s| coder.is_none_or(|c| c == s.coder))
        .filter_map(|s| Some((s.document, s.range, *index_of.get(&s.code)?)))
        .collect();

    let mut counts = vec![0usize; n * n];
    let mut add = |a: usize, b: usize| {
        if a != b {
            counts[a * n + b] += 1;
            counts[b * n + a] += 1;
        }
    };
    match spec.scope {
        CooccurrenceScope::Overlap => {
            spans.sort_unstable_by_key(|&(doc, range, _)| (doc, range.start));
            let ranges: Vec<CharRange> = spans.iter().map(|s| s.1).collect();
            let mut from = 0;
            while from < spans.len() {
                let doc = spans[from].0;
                let to = from + spans[from..].partition_point(|s| s.0 == doc);
                overlapping_pairs(&ranges[from..to], |a, b| {
                    add(spans[from + a].2, spans[from + b].2)
                });
                from = to;
            }
        }
        CooccurrenceScope::Turn => {
            let keys = spans
                .iter()
                .filter_map(|&(doc, range, code)| {
                    let turn = turn_at(turns.get(&doc)?, range.start.0)?;
                    Some(((doc, turn), code))
                })
                .collect();
            pairs_in_groups(keys, add);
        }
        CooccurrenceScope::Document => {
            let keys = spans.iter().map(|&(doc, _, code)| (doc, code)).collect();
            pairs_in_groups(keys, add);
        }
    }

    let rows = data
        .codes
        .iter()
        .enumerate()
        .map(|(i, code)| CooccurrenceRow {
            code: code.path.clone(),
            depth: code.depth,
            cells: counts[i * n..(i + 1) * n].to_vec(),
        })
        .collect();
    Ok(Cooccurrence {
        scope: spec.scope,
        codes: data.codes.iter().map(|c| c.path.clone()).collect(),
        rows,
    })
}

/// Calls `on_pair(earlier, later)` once for each pair of overlapping ranges, by their positions in
/// `ranges`, which must be sorted by start. Ranges that only touch (`[0,5)`, `[5,8)`) do not
/// overlap. A sweep: each range is compared only with the ranges still open where it starts.
pub fn overlapping_pairs(ranges: &[CharRange], mut on_pair: impl FnMut(usize, usize)) {
    debug_assert!(ranges.windows(2).all(|w| w[0].start <= w[1].start));
    let mut open: Vec<usize> = Vec::new();
    for (i, range) in ranges.iter().enumerate() {
        open.retain(|&o| ranges[o].end > range.start);
        for &o in &open {
            on_pair(o, i);
        }
        open.push(i);
    }
}

/// Calls `add` once per group for each two different codes that occur in that group.
fn pairs_in_groups<K: Ord + Copy>(mut keys: Vec<(K, usize)>, mut add: impl FnMut(usize, usize)) {
    keys.sort_unstable();
    keys.dedup();
    for group in keys.chunk_by(|a, b| a.0 == b.0) {
        for (i, &(_, a)) in group.iter().enumerate() {
            for &(_, b) in &group[i + 1..] {
                add(a, b);
            }
        }
    }
}

/// The passages behind one cell: the segments of code `a` and of code `b` (each alone, as the
/// table counts them) that meet in the scope, by document and position.
pub fn passages(
    segments: &[Segment],
    a: CodeId,
    b: CodeId,
    scope: CooccurrenceScope,
    turns: &DocumentTurns,
) -> Vec<Segment> {
    let of = |code: CodeId| segments.iter().filter(move |s| s.code_id == code);
    let mut keep: HashSet<SegmentId> = HashSet::new();
    if a == b {
        return Vec::new();
    }
    match scope {
        CooccurrenceScope::Overlap => {
            for x in of(a) {
                for y in of(b).filter(|y| y.document_id == x.document_id) {
                    if x.range().overlaps(&y.range()) {
                        keep.insert(x.id);
                        keep.insert(y.id);
                    }
                }
            }
        }
        CooccurrenceScope::Turn | CooccurrenceScope::Document => {
            let key = |s: &Segment| -> Option<(DocumentId, usize)> {
                match scope {
                    CooccurrenceScope::Turn => {
                        Some((s.document_id, turn_at(turns.get(&s.document_id)?, s.start)?))
                    }
                    _ => Some((s.document_id, 0)),
                }
            };
            let keys_a: HashSet<_> = of(a).filter_map(key).collect();
            let keys_b: HashSet<_> = of(b).filter_map(key).collect();
            for s in of(a).chain(of(b)) {
                if key(s).is_some_and(|k| keys_a.contains(&k) && keys_b.contains(&k)) {
                    keep.insert(s.id);
                }
            }
        }
    }
    let mut out: Vec<Segment> = segments
        .iter()
        .filter(|s| keep.contains(&s.id))
        .cloned()
        .collect();
    out.sort_by_key(|s| (s.document_id, s.start, s.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Turn;

    fn r(a: usize, b: usize) -> CharRange {
        CharRange::new(a, b).unwrap()
    }

    fn pairs(ranges: &[CharRange]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        overlapping_pairs(ranges, |a, b| found.push((a, b)));
        found
    }

    #[test]
    fn touching_ranges_do_not_overlap() {
        assert_eq!(pairs(&[r(0, 5), r(5, 8)]), []);
    }

    #[test]
    fn nested_and_crossing_ranges_overlap() {
        assert_eq!(pairs(&[r(0, 20), r(3, 5)]), [(0, 1)]);
        assert_eq!(pairs(&[r(0, 10), r(9, 12)]), [(0, 1)]);
        assert_eq!(pairs(&[r(4, 6), r(4, 9)]), [(0, 1)]);
    }

    #[test]
    fn a_long_range_stays_open_past_short_ones() {
        // [0,100) holds [10,20) and [30,40); those two do not meet; [35,50) meets [0,100) and [30,40).
        let found = pairs(&[r(0, 100), r(10, 20), r(30, 40), r(35, 50)]);
        assert_eq!(found, [(0, 1), (0, 2), (0, 3), (2, 3)]);
    }

    #[test]
    fn the_sweep_agrees_with_comparing_every_pair() {
        let mut seed = 7u64;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % m
        };
        let mut ranges: Vec<CharRange> = (0..300)
            .map(|_| {
                let start = next(1000);
                r(start, start + 1 + next(40))
            })
            .collect();
        ranges.sort();
        let mut naive = Vec::new();
        for i in 0..ranges.len() {
            for j in i + 1..ranges.len() {
                if ranges[i].overlaps(&ranges[j]) {
                    naive.push((i, j));
                }
            }
        }
        let mut swept = pairs(&ranges);
        swept.sort();
        assert_eq!(swept, naive);
    }

    #[test]
    fn a_segment_belongs_to_the_turn_it_starts_in() {
        let turn = |a, b| Turn {
            speaker: "B".into(),
            timestamp: None,
            range: r(a, b),
        };
        // "I: Frage\nB: Antwort\n": turns [3,8) and [12,19).
        let turns = [turn(3, 8), turn(12, 19)];
        assert_eq!(turn_at(&turns, 0), None);
        assert_eq!(turn_at(&turns, 3), Some(0));
        assert_eq!(turn_at(&turns, 7), Some(0));
        assert_eq!(turn_at(&turns, 8), Some(1));
        assert_eq!(turn_at(&turns, 10), Some(1));
        assert_eq!(turn_at(&turns, 18), Some(1));
        assert_eq!(turn_at(&turns, 19), None);
        assert_eq!(turn_at(&[], 5), None);
    }
}
