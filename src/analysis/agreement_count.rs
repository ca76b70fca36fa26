//! How two coders' joined ranges of one code in one document count, by unit: characters, the
//! document, spans (turns, words, sentences), segments matched one to one; and the passages where
//! their ranges differ.

use std::collections::BTreeMap;

use super::agreement::SegmentMatches;
use super::agreement_figures::AgreementTable;
use crate::model::range::{CharRange, intersection};

fn total_len(ranges: &[CharRange]) -> u64 {
    ranges.iter().map(|r| r.len() as u64).sum()
}

pub(super) fn characters(first: &[CharRange], second: &[CharRange], chars: u64) -> AgreementTable {
    let both = total_len(&intersection(first, second));
    let only_first = total_len(first) - both;
    let only_second = total_len(second) - both;
    let neither = chars.saturating_sub(both + only_first + only_second);
    AgreementTable::new(both, only_first, only_second, neither)
}

pub(super) fn document(first: &[CharRange], second: &[CharRange]) -> AgreementTable {
    match (first.is_empty(), second.is_empty()) {
        (false, false) => AgreementTable::new(1, 0, 0, 0),
        (false, true) => AgreementTable::new(0, 1, 0, 0),
        (true, false) => AgreementTable::new(0, 0, 1, 0),
        (true, true) => AgreementTable::new(0, 0, 0, 1),
    }
}

/// The units (by position) a coder's joined ranges code: covering one character, or `min_share`
/// percent of the unit.
fn coded_units(units: &[CharRange], ranges: &[CharRange], min_share: Option<f64>) -> Vec<usize> {
    let mut covered: BTreeMap<usize, usize> = BTreeMap::new();
    for r in ranges {
        let mut u = units.partition_point(|unit| unit.end <= r.start);
        while u < units.len() && units[u].start < r.end {
            let overlap = units[u].end.min(r.end).0 - units[u].start.max(r.start).0;
            *covered.entry(u).or_default() += overlap;
            u += 1;
        }
    }
    covered
        .into_iter()
        .filter(|&(u, chars)| match min_share {
            None => chars > 0,
            Some(share) => chars > 0 && chars as f64 * 100.0 >= share * units[u].len() as f64,
        })
        .map(|(u, _)| u)
        .collect()
}

pub(super) fn spans(
    first: &[CharRange],
    second: &[CharRange],
    units: &[CharRange],
    min_share: Option<f64>,
) -> AgreementTable {
    let a = coded_units(units, first, min_share);
    let b = coded_units(units, second, min_share);
    let (mut i, mut j, mut both) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let only_first = a.len() as u64 - both;
    let only_second = b.len() as u64 - both;
    let neither = (units.len() as u64).saturating_sub(both + only_first + only_second);
    AgreementTable::new(both, only_first, only_second, neither)
}

/// Matches segments one to one, the pairs of largest overlap first, when intersection ÷ union
/// reaches `threshold` percent.
pub(super) fn match_segments(
    first: &[CharRange],
    second: &[CharRange],
    threshold: f64,
) -> SegmentMatches {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in first.iter().enumerate() {
        let from = second.partition_point(|b| b.end <= a.start);
        for (j, b) in second.iter().enumerate().skip(from) {
            if b.start >= a.end {
                break;
            }
            let inter = a.end.min(b.end).0 - a.start.max(b.start).0;
            let union = a.end.max(b.end).0 - a.start.min(b.start).0;
            let ratio = inter as f64 / union as f64;
            if ratio * 100.0 >= threshold - 1e-9 {
                pairs.push((ratio, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut taken_first = vec![false; first.len()];
    let mut taken_second = vec![false; second.len()];
    let mut matched = 0u64;
    for (_, i, j) in pairs {
        if !taken_first[i] && !taken_second[j] {
            taken_first[i] = true;
            taken_second[j] = true;
            matched += 1;
        }
    }
    SegmentMatches {
        matched,
        segments_first: first.len() as u64,
        segments_second: second.len() as u64,
        unmatched_first: first.len() as u64 - matched,
        unmatched_second: second.len() as u64 - matched,
    }
}

/// Passages where either coder coded, each with both coders' ranges in it.
pub(super) fn clusters(
    first: &[CharRange],
    second: &[CharRange],
) -> Vec<(CharRange, Vec<CharRange>, Vec<CharRange>)> {
    let mut all: Vec<(CharRange, bool)> = first
        .iter()
        .map(|r| (*r, true))
        .chain(second.iter().map(|r| (*r, false)))
        .collect();
    all.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out: Vec<(CharRange, Vec<CharRange>, Vec<CharRange>)> = Vec::new();
    for (range, is_first) in all {
        let open = out
            .last()
            .is_some_and(|(passage, _, _)| range.start < passage.end);
        if !open {
            out.push((range, Vec::new(), Vec::new()));
        }
        let Some((passage, a, b)) = out.last_mut() else {
            continue;
        };
        passage.end = passage.end.max(range.end);
        if is_first { a } else { b }.push(range);
    }
    out
}
