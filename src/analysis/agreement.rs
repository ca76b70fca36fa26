//! Intercoder agreement of two coders, per code and pooled, by a stated unit (characters, speaker
//! turns, documents, segments, words or sentences), and the passages where they disagree.
//!
//! Each coder's segments of a code are first joined where they overlap, so a coder's two
//! overlapping segments count once. The figures come from [`super::agreement_figures`].

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::agreement_count::{characters, clusters, document, match_segments, spans};
use super::agreement_figures::{AgreementTable, Figure, Figures, Undefined};
use super::text_units::{sentences, words};
use super::{AnalysisData, DocumentTurns};
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange};
use crate::model::{CodeId, CodePath, CoderId, DocumentId};
use crate::project::{Project, SegmentFilter};

/// What is compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementUnit {
    /// Every character of the documents.
    #[default]
    Character,
    /// Every speaker turn; coded when a segment covers at least one character (or the minimum share).
    Turn,
    /// Every document; coded when the coder has a segment of the code in it.
    Document,
    /// Every segment of both coders; matched one to one when their overlap reaches the threshold.
    Segment,
    /// Every word (run of letters and digits), as a turn.
    Word,
    /// Every sentence, as a turn.
    Sentence,
}

impl AgreementUnit {
    pub const ALL: [AgreementUnit; 6] = [
        AgreementUnit::Character,
        AgreementUnit::Turn,
        AgreementUnit::Document,
        AgreementUnit::Segment,
        AgreementUnit::Word,
        AgreementUnit::Sentence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgreementUnit::Character => "character",
            AgreementUnit::Turn => "turn",
            AgreementUnit::Document => "document",
            AgreementUnit::Segment => "segment",
            AgreementUnit::Word => "word",
            AgreementUnit::Sentence => "sentence",
        }
    }

    /// Whether the units are spans of the text read beside the segments (turns, words, sentences).
    pub fn is_span(self) -> bool {
        matches!(
            self,
            AgreementUnit::Turn | AgreementUnit::Word | AgreementUnit::Sentence
        )
    }
}

/// The question: which two coders, by which unit, over which codes and documents.
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementSpec {
    /// The coders' names; exactly two.
    pub coders: Vec<String>,
    pub unit: AgreementUnit,
    /// For the segment unit: the overlap (intersection ÷ union, in percent) that makes two segments match.
    pub threshold: f64,
    /// For turns, words and sentences: the share of the unit (in percent) a coder's segments must
    /// cover; `None`: one character.
    pub min_share: Option<f64>,
    /// Only these codes (empty: every code either coder used).
    pub codes: Vec<CodeId>,
    /// Only these documents; `None`: the documents in which both coders coded.
    pub documents: Option<Vec<DocumentId>>,
    /// Count each sub-code's segments for its top-most chosen (or top-level) code.
    pub with_subcodes: bool,
    /// Add bootstrap intervals over documents for the pooled kappa and alpha.
    pub ci: bool,
}

impl Default for AgreementSpec {
    fn default() -> Self {
        Self {
            coders: Vec::new(),
            unit: AgreementUnit::Character,
            threshold: 90.0,
            min_share: None,
            codes: Vec::new(),
            documents: None,
            with_subcodes: false,
            ci: false,
        }
    }
}

/// How the segment unit matched: segments of each coder (overlaps joined), pairs matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SegmentMatches {
    pub matched: u64,
    pub segments_first: u64,
    pub segments_second: u64,
    pub unmatched_first: u64,
    pub unmatched_second: u64,
}

impl SegmentMatches {
    fn add(&mut self, other: &SegmentMatches) {
        self.matched += other.matched;
        self.segments_first += other.segments_first;
        self.segments_second += other.segments_second;
        self.unmatched_first += other.unmatched_first;
        self.unmatched_second += other.unmatched_second;
    }
}

/// One code's (or the pooled) table and figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgreementRow {
    /// The code's path; empty for the pooled row (and left out of its JSON).
    #[serde(skip_serializing_if = "is_pooled")]
    pub code: CodePath,
    #[serde(skip)]
    pub code_id: Option<CodeId>,
    #[serde(skip)]
    pub depth: usize,
    #[serde(flatten)]
    pub table: AgreementTable,
    #[serde(flatten)]
    pub figures: Figures,
    /// For the segment unit only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub segments: Option<SegmentMatches>,
    /// Why a figure is `null`, by the figure's name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub undefined: BTreeMap<&'static str, Undefined>,
}

fn is_pooled(code: &CodePath) -> bool {
    code.as_str().is_empty()
}

impl AgreementRow {
    fn new(
        code: CodePath,
        code_id: Option<CodeId>,
        depth: usize,
        table: AgreementTable,
        segments: Option<SegmentMatches>,
    ) -> Self {
        let figures = table.figures();
        let undefined = figures
            .named()
            .into_iter()
            .filter_map(|(name, f)| match f {
                Figure::Undefined(why) => Some((name, why)),
                Figure::Value(_) => None,
            })
            .collect();
        Self {
            code,
            code_id,
            depth,
            table,
            figures,
            segments,
            undefined,
        }
    }
}

/// A 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Bootstrap intervals over documents for the pooled figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Confidence {
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
    pub cohen_kappa: Option<Interval>,
    pub krippendorff_alpha: Option<Interval>,
}

/// The pooled row (the codes' tables summed) and, if asked, its intervals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pooled {
    #[serde(flatten)]
    pub row: AgreementRow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<Confidence>,
}

/// The answer: the coders, the unit, one row per code and the pooled row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    pub coders: [String; 2],
    pub unit: AgreementUnit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_share: Option<f64>,
    /// How many documents were compared.
    pub documents: usize,
    pub codes: Vec<AgreementRow>,
    pub pooled: Pooled,
}

/// A passage of one code where the two coders' ranges differ, with both coders' ranges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    pub document: DocumentId,
    /// From the first start to the last end of both coders' overlapping ranges.
    pub passage: CharRange,
    pub first: Vec<CharRange>,
    pub second: Vec<CharRange>,
}

/// The units of each document for turns, words and sentences, sorted and disjoint.
pub type DocumentUnits = HashMap<DocumentId, Vec<CharRange>>;

/// Reads what a unit needs beside the segments: turns, or the words or sentences of the texts
/// (within the speaker turns, where a document has them). Empty for the other units.
pub fn load_units(
    project: &Project,
    data: &AnalysisData,
    unit: AgreementUnit,
) -> Result<DocumentUnits> {
    let split: fn(&str) -> Vec<CharRange> = match unit {
        AgreementUnit::Word => words,
        AgreementUnit::Sentence => sentences,
        AgreementUnit::Turn => {
            return data
                .documents
                .iter()
                .map(|d| {
                    let turns = project.turns(d.id)?;
                    Ok((d.id, turns.into_iter().map(|t| t.range).collect()))
                })
                .collect();
        }
        _ => return Ok(DocumentUnits::new()),
    };
    data.documents
        .iter()
        .map(|d| {
            let text = project.document_text(d.id)?;
            let turns: Vec<CharRange> = project.turns(d.id)?.into_iter().map(|t| t.range).collect();
            Ok((d.id, split_within(&text, &turns, split)))
        })
        .collect()
}

/// The words or sentences of a text; with speaker turns, those of each turn, so that labels
/// („I:“, „B:“) and timestamps between turns are no units.
fn split_within(
    text: &str,
    turns: &[CharRange],
    split: fn(&str) -> Vec<CharRange>,
) -> Vec<CharRange> {
    if turns.is_empty() {
        return split(text);
    }
    let index = crate::model::range::TextIndex::new(text);
    turns
        .iter()
        .flat_map(|turn| {
            let offset = turn.start.0;
            split(index.slice(*turn).unwrap_or_default())
                .into_iter()
                .map(move |r| CharRange {
                    start: CharPos(r.start.0 + offset),
                    end: CharPos(r.end.0 + offset),
                })
        })
        .collect()
}

/// The turns as units, for callers that hold them already.
pub fn turn_units(turns: &DocumentTurns) -> DocumentUnits {
    turns
        .iter()
        .map(|(d, t)| (*d, t.iter().map(|t| t.range).collect()))
        .collect()
}

/// The documents a filter of documents and jobcenters chooses, or `None` when it chooses none
/// in particular (then agreement compares the documents both coders coded).
pub fn chosen_documents(data: &AnalysisData, filter: &SegmentFilter) -> Option<Vec<DocumentId>> {
    if filter.documents.is_empty() && filter.jobcenters.is_empty() {
        return None;
    }
    Some(
        data.documents
            .iter()
            .filter(|d| filter.documents.is_empty() || filter.documents.contains(&d.id))
            .filter(|d| filter.jobcenters.is_empty() || filter.jobcenters.contains(&d.jobcenter_id))
            .map(|d| d.id)
            .collect(),
    )
}

/// Agreement of the spec's two coders. `units` holds the turns, words or sentences the unit
/// needs ([`load_units`]).
pub fn agreement(
    data: &AnalysisData,
    spec: &AgreementSpec,
    units: &DocumentUnits,
) -> Result<Agreement> {
    let groups = Groups::collect(data, spec)?;
    let unit = spec.unit;
    let mut rows: Vec<(AgreementTable, SegmentMatches)> =
        vec![Default::default(); groups.rows.len()];
    let mut per_document: Vec<AgreementTable> = vec![Default::default(); groups.documents.len()];
    let chars: HashMap<DocumentId, u64> = data
        .documents
        .iter()
        .map(|d| (d.id, d.chars as u64))
        .collect();
    let units_of = |doc: usize| -> u64 {
        match unit {
            AgreementUnit::Character => chars.get(&groups.documents[doc]).copied().unwrap_or(0),
            AgreementUnit::Document => 1,
            AgreementUnit::Segment => 0,
            _ => units
                .get(&groups.documents[doc])
                .map_or(0, |u| u.len() as u64),
        }
    };
    let doc_units: Vec<u64> = (0..groups.documents.len()).map(units_of).collect();
    let total: u64 = doc_units.iter().sum();
    for (row, _) in &mut rows {
        row.neither = total;
        row.units = total;
    }
    for (doc, table) in per_document.iter_mut().enumerate() {
        table.neither = doc_units[doc] * groups.rows.len() as u64;
        table.units = table.neither;
    }
    let empty = Vec::new();
    for group in groups.iter() {
        let (table, matches) = match unit {
            AgreementUnit::Character => (
                characters(&group.first, &group.second, doc_units[group.doc]),
                None,
            ),
            AgreementUnit::Document => (document(&group.first, &group.second), None),
            AgreementUnit::Segment => {
                let m = match_segments(&group.first, &group.second, spec.threshold);
                let table =
                    AgreementTable::new(2 * m.matched, m.unmatched_first, m.unmatched_second, 0);
                (table, Some(m))
            }
            _ => {
                let doc_units = units.get(&groups.documents[group.doc]).unwrap_or(&empty);
                (
                    spans(&group.first, &group.second, doc_units, spec.min_share),
                    None,
                )
            }
        };
        let (row, row_matches) = &mut rows[group.row];
        row.neither -= doc_units[group.doc];
        row.units -= doc_units[group.doc];
        row.add(&table);
        if let Some(m) = matches {
            row_matches.add(&m);
        }
        let doc = &mut per_document[group.doc];
        doc.neither -= doc_units[group.doc];
        doc.units -= doc_units[group.doc];
        doc.add(&table);
    }
    let segment_unit = unit == AgreementUnit::Segment;
    let mut pooled_table = AgreementTable::default();
    let mut pooled_matches = SegmentMatches::default();
    let codes: Vec<AgreementRow> = groups
        .rows
        .iter()
        .zip(&rows)
        .map(|(&position, (table, matches))| {
            pooled_table.add(table);
            pooled_matches.add(matches);
            let code = &data.codes[position];
            AgreementRow::new(
                code.path.clone(),
                Some(code.id),
                code.depth,
                *table,
                segment_unit.then_some(*matches),
            )
        })
        .collect();
    let pooled = Pooled {
        row: AgreementRow::new(
            CodePath::default(),
            None,
            0,
            pooled_table,
            segment_unit.then_some(pooled_matches),
        ),
        ci: spec.ci.then(|| bootstrap(&per_document, SEED)),
    };
    Ok(Agreement {
        coders: groups.coder_names.clone(),
        unit,
        threshold: segment_unit.then_some(spec.threshold),
        min_share: if unit.is_span() { spec.min_share } else { None },
        documents: groups.documents.len(),
        codes,
        pooled,
    })
}

/// The passages of one code where the two coders differ, by document and position.
pub fn disagreements(
    data: &AnalysisData,
    spec: &AgreementSpec,
    code: CodeId,
) -> Result<Vec<Disagreement>> {
    let groups = Groups::collect(data, spec)?;
    let Some(row) = groups.rows.iter().position(|&p| data.codes[p].id == code) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for group in groups.iter().filter(|g| g.row == row) {
        let document = groups.documents[group.doc];
        for (passage, first, second) in clusters(&group.first, &group.second) {
            if first != second {
                out.push(Disagreement {
                    document,
                    passage,
                    first,
                    second,
                });
            }
        }
    }
    Ok(out)
}

/// The seed of the bootstrap, so that the same project gives the same interval.
const SEED: u64 = 20_240_314;
const RESAMPLES: usize = 1000;

/// Each coder's joined ranges of one row (code) in one document.
struct Group {
    doc: usize,
    row: usize,
    first: Vec<CharRange>,
    second: Vec<CharRange>,
}

/// The segments of the two coders, sorted by document, row and coder.
struct Groups {
    coder_names: [String; 2],
    documents: Vec<DocumentId>,
    /// The code (by position in `data.codes`) of each row, in the code system's order.
    rows: Vec<usize>,
    /// (document, row, coder 0 or 1, start, end)
    items: Vec<(u32, u32, u8, usize, usize)>,
}

impl Groups {
    fn collect(data: &AnalysisData, spec: &AgreementSpec) -> Result<Self> {
        let (ids, coder_names) = two_coders(data, &spec.coders)?;
        let documents: Vec<DocumentId> = match &spec.documents {
            Some(chosen) => data
                .documents
                .iter()
                .filter(|d| chosen.contains(&d.id))
                .map(|d| d.id)
                .collect(),
            None => {
                let mut coded: HashMap<DocumentId, [bool; 2]> = HashMap::new();
                for s in &data.segments {
                    if let Some(c) = ids.iter().position(|&id| id == s.coder) {
                        coded.entry(s.document).or_default()[c] = true;
                    }
                }
                data.documents
                    .iter()
                    .filter(|d| coded.get(&d.id) == Some(&[true, true]))
                    .map(|d| d.id)
                    .collect()
            }
        };
        let doc_index: HashMap<DocumentId, u32> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, i as u32))
            .collect();
        let index_of = data.code_index();
        let chains = data.ancestor_chains(&index_of);
        let chosen: Vec<usize> = spec
            .codes
            .iter()
            .map(|c| {
                index_of
                    .get(c)
                    .copied()
                    .ok_or_else(|| Error::UnknownCode(c.to_string()))
            })
            .collect::<Result<_>>()?;
        let target: Vec<Option<usize>> = chains
            .iter()
            .enumerate()
            .map(
                |(own, chain)| match (spec.with_subcodes, chosen.is_empty()) {
                    (false, true) => Some(own),
                    (false, false) => chosen.contains(&own).then_some(own),
                    (true, true) => chain.last().copied(),
                    (true, false) => chain.iter().rev().find(|p| chosen.contains(p)).copied(),
                },
            )
            .collect();
        let mut items = Vec::new();
        let mut used = vec![false; data.codes.len()];
        for &p in &chosen {
            used[p] = true;
        }
        for s in &data.segments {
            let Some(coder) = ids.iter().position(|&id| id == s.coder) else {
                continue;
            };
            let Some(&doc) = doc_index.get(&s.document) else {
                continue;
            };
            let Some(row) = index_of.get(&s.code).and_then(|&p| target[p]) else {
                continue;
            };
            used[row] = true;
            items.push((doc, row as u32, coder as u8, s.range.start.0, s.range.end.0));
        }
        let rows: Vec<usize> = (0..data.codes.len()).filter(|&p| used[p]).collect();
        let row_of: HashMap<usize, u32> = rows
            .iter()
            .enumerate()
            .map(|(i, &p)| (p, i as u32))
            .collect();
        for item in &mut items {
            item.1 = row_of[&(item.1 as usize)];
        }
        items.sort_unstable();
        Ok(Self {
            coder_names,
            documents,
            rows,
            items,
        })
    }

    /// Each (document, row) that either coder coded, with both coders' joined ranges.
    fn iter(&self) -> impl Iterator<Item = Group> + '_ {
        self.items
            .chunk_by(|a, b| a.0 == b.0 && a.1 == b.1)
            .map(|chunk| {
                let split = chunk.partition_point(|i| i.2 == 0);
                Group {
                    doc: chunk[0].0 as usize,
                    row: chunk[0].1 as usize,
                    first: joined(&chunk[..split]),
                    second: joined(&chunk[split..]),
                }
            })
    }
}

/// The two coders' ids and names as the project spells them.
fn two_coders(data: &AnalysisData, names: &[String]) -> Result<([CoderId; 2], [String; 2])> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if names.len() != 2 {
        return Err(Error::NotTwoCoders);
    }
    let mut ids = [CoderId(0); 2];
    let mut spelled = [String::new(), String::new()];
    for (i, name) in names.iter().enumerate() {
        let id = data
            .coder_id(Some(name))?
            .ok_or_else(|| Error::UnknownCoder((*name).to_owned()))?;
        ids[i] = id;
        spelled[i] = data
            .coders
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| (*name).to_owned(), |c| c.name.clone());
    }
    if ids[0] == ids[1] {
        return Err(Error::SameCoderTwice(spelled[0].clone()));
    }
    Ok((ids, spelled))
}

/// Sorted ranges joined where they overlap or touch.
fn joined(items: &[(u32, u32, u8, usize, usize)]) -> Vec<CharRange> {
    let mut out: Vec<CharRange> = Vec::new();
    for &(_, _, _, start, end) in items {
        match out.last_mut() {
            Some(last) if start <= last.end.0 => last.end.0 = last.end.0.max(end),
            _ => out.push(CharRange {
                start: CharPos(start),
                end: CharPos(end),
            }),
        }
    }
    out
}

/// Splitmix64: the bootstrap's reproducible random numbers.
struct Splitmix(u64);

impl Splitmix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// Resamples the documents with replacement and takes the 2.5th and 97.5th percentiles of the
/// pooled kappa and alpha; a resample where a figure is undefined does not count for it.
fn bootstrap(per_document: &[AgreementTable], seed: u64) -> Confidence {
    let mut rng = Splitmix(seed);
    let mut kappas = Vec::with_capacity(RESAMPLES);
    let mut alphas = Vec::with_capacity(RESAMPLES);
    if per_document.len() >= 2 {
        for _ in 0..RESAMPLES {
            let mut table = AgreementTable::default();
            for _ in 0..per_document.len() {
                table.add(&per_document[rng.below(per_document.len())]);
            }
            let f = table.figures();
            kappas.extend(f.cohen_kappa.value());
            alphas.extend(f.krippendorff_alpha.value());
        }
    }
    Confidence {
        level: 0.95,
        resamples: RESAMPLES,
        seed,
        cohen_kappa: interval(kappas),
        krippendorff_alpha: interval(alphas),
    }
}

fn interval(mut values: Vec<f64>) -> Option<Interval> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some(Interval {
        low: at(0.025),
        high: at(0.975),
    })
}

#[cfg(test)]
#[path = "agreement_tests.rs"]
mod tests;
