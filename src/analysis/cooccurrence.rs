//! Code co-occurrence: how often two codes meet in overlapping passages, in one speaker turn or in
//! one document. A symmetric code × code table over all codes of the code system.
//!
//! Each code counts alone, without its sub-codes: counted with them, a parent would co-occur with
//! its own sub-code wherever that is used. The diagonal (a code with itself) is always 0.
//!
//! A code system of more than [`MAX_TABLE_CODES`] codes is counted by the pairs that occur, not
//! in a square of all codes, and its table holds only the codes that meet another (the most
//! meeting ones, if even those are too many): memory follows the pairs, not the codes squared.

use std::collections::{HashMap, HashSet};

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

/// The most codes a table holds as rows and columns.
pub const MAX_TABLE_CODES: usize = 1_000;

/// A computed co-occurrence table.
#[derive(Clone, Debug, Serialize)]
pub struct Cooccurrence {
    pub scope: CooccurrenceScope,
    /// The columns: every code's full path, in the order of the code system (in a code system of
    /// more than [`MAX_TABLE_CODES`] codes, only the codes that meet another).
    pub codes: Vec<CodePath>,
    pub rows: Vec<CooccurrenceRow>,
    /// How many codes of the code system the table leaves out (0 up to [`MAX_TABLE_CODES`] codes).
    pub left_out: usize,
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

    let mut counts = Counts::new(n);
    let mut add = |a: usize, b: usize| counts.add(a, b);
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

    let (shown, cells) = counts.table();
    let k = shown.len();
    let rows = shown
        .iter()
        .enumerate()
        .map(|(i, &c)| CooccurrenceRow {
            code: data.codes[c].path.clone(),
            depth: data.codes[c].depth,
            cells: cells[i * k..(i + 1) * k].to_vec(),
        })
        .collect();
    Ok(Cooccurrence {
        scope: spec.scope,
        codes: shown.iter().map(|&c| data.codes[c].path.clone()).collect(),
        rows,
        left_out: n - k,
    })
}

/// Pair counts: a square of all codes when that is small, else only the pairs that occur.
enum Counts {
    Square(usize, Vec<usize>),
    Pairs(HashMap<(usize, usize), usize>),
}

impl Counts {
    fn new(n: usize) -> Self {
        if n <= MAX_TABLE_CODES {
            Counts::Square(n, vec![0; n * n])
        } else {
            Counts::Pairs(HashMap::new())
        }
    }

    fn add(&mut self, a: usize, b: usize) {
        if a == b {
            return;
        }
        match self {
            Counts::Square(n, cells) => {
                cells[a * *n + b] += 1;
                cells[b * *n + a] += 1;
            }
            Counts::Pairs(pairs) => *pairs.entry((a.min(b), a.max(b))).or_default() += 1,
        }
    }

    /// The codes the table shows (indices into the code system, in its order) and its cells.
    fn table(self) -> (Vec<usize>, Vec<usize>) {
        match self {
            Counts::Square(n, cells) => ((0..n).collect(), cells),
            Counts::Pairs(pairs) => {
                let mut totals: HashMap<usize, usize> = HashMap::new();
                for (&(a, b), &c) in &pairs {
                    *totals.entry(a).or_default() += c;
                    *totals.entry(b).or_default() += c;
                }
                let mut shown: Vec<usize> = totals.keys().copied().collect();
                if shown.len() > MAX_TABLE_CODES {
                    shown.sort_unstable_by_key(|c| (std::cmp::Reverse(totals[c]), *c));
                    shown.truncate(MAX_TABLE_CODES);
                }
                shown.sort_unstable();
                let column: HashMap<usize, usize> =
                    shown.iter().enumerate().map(|(i, &c)| (c, i)).collect();
                let k = shown.len();
                let mut cells = vec![0; k * k];
                for ((a, b), c) in pairs {
                    if let (Some(&i), Some(&j)) = (column.get(&a), column.get(&b)) {
                        cells[i * k + j] = c;
                        cells[j * k + i] = c;
                    }
                }
                (shown, cells)
            }
        }
    }
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

    /// A code system of 20,000 codes: the table holds the codes that meet, with the same counts
    /// a small code system gives, and says how many it leaves out.
    #[test]
    fn a_huge_code_system_gives_a_table_of_the_codes_that_meet() {
        use crate::model::{Code, CodeId, CoderId, SegmentSpan};
        let data = |n: usize| {
            let codes: Vec<Code> = (0..n)
                .map(|i| Code {
                    id: CodeId(i as i64 + 1),
                    parent: None,
                    name: format!("c{i}"),
                    path: CodePath::parse(&format!("c{i}")).unwrap(),
                    depth: 0,
                    color: String::new(),
                    description: String::new(),
                })
                .collect();
            // c3 meets c7 twice and c11 once, c7 meets c11 once; c0 meets nothing
            let span = |code: i64, start: usize, end: usize| SegmentSpan {
                document: DocumentId(1),
                code: CodeId(code),
                coder: CoderId(1),
                range: r(start, end),
            };
            AnalysisData {
                jobcenters: Vec::new(),
                documents: Vec::new(),
                codes,
                coders: Vec::new(),
                attributes: Vec::new(),
                segments: vec![
                    span(1, 500, 510),
                    span(4, 0, 10),
                    span(8, 5, 15),
                    span(4, 20, 30),
                    span(8, 25, 35),
                    span(12, 28, 40),
                ],
            }
        };
        let spec = CooccurrenceSpec::default();
        let small = cooccurrence(&data(12), &spec, &DocumentTurns::new()).unwrap();
        assert_eq!(small.left_out, 0);
        assert_eq!(small.codes.len(), 12);
        assert_eq!(small.rows[3].cells[7], 2);
        let huge = cooccurrence(&data(20_000), &spec, &DocumentTurns::new()).unwrap();
        let paths: Vec<&str> = huge.codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(paths, ["c3", "c7", "c11"]);
        assert_eq!(huge.left_out, 19_997);
        let cells: Vec<&[usize]> = huge.rows.iter().map(|r| r.cells.as_slice()).collect();
        assert_eq!(cells, [&[0, 2, 1][..], &[2, 0, 1], &[1, 1, 0]]);
        for (i, row) in huge.rows.iter().enumerate() {
            let at = small
                .codes
                .iter()
                .position(|c| *c == huge.codes[i])
                .unwrap();
            for (j, n) in row.cells.iter().enumerate() {
                let col = small
                    .codes
                    .iter()
                    .position(|c| *c == huge.codes[j])
                    .unwrap();
                assert_eq!(*n, small.rows[at].cells[col]);
            }
        }
    }
}
