//! The code matrix: codes (with their sub-codes) against jobcenters or attribute values.

use std::collections::HashMap;

use serde::Serialize;

use super::filter::{DocumentFilter, find_attribute};
use super::{AnalysisData, TableWords};
use crate::model::CodePath;
use crate::model::error::Result;
use crate::model::range::CharRange;
use crate::model::{AttributeKind, CodeId, DocumentId, Scope};

/// What the columns of the matrix are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Columns {
    /// One column per jobcenter.
    Jobcenter,
    /// One column per value of a jobcenter or document attribute.
    Attribute(String),
}

impl Columns {
    /// Columns as a person names them, on the command line (`--by`) or in the workbench:
    /// `jobcenter` (in any case, umlauts folded) or an attribute's name.
    pub fn parse(by: &str) -> Self {
        if crate::project::fold(by) == "jobcenter" {
            Columns::Jobcenter
        } else {
            Columns::Attribute(by.to_owned())
        }
    }
}

/// Which measure the table shows (JSON always carries all of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Coded segments.
    Segments,
    /// Documents in which the code occurs.
    Documents,
    /// Percent of the column's documents in which the code occurs.
    Percent,
    /// Percent of the column's characters that the code covers.
    Coverage,
    /// Percent of the row's segments (over all columns) that fall in the column.
    RowPercent,
    /// Percent of the column's segments that fall on the code.
    ColumnPercent,
}

/// What to count and how to group.
#[derive(Clone, Debug)]
pub struct MatrixSpec {
    pub by: Columns,
    pub measure: Measure,
    /// Only segments of this coder.
    pub coder: Option<String>,
    /// Only documents that meet these `ATTRIBUTE=VALUE` conditions.
    pub conditions: Vec<(String, String)>,
    /// What the added columns and rows are called.
    pub words: TableWords,
}

/// The measures of one cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Cell {
    /// Coded segments.
    pub segments: usize,
    /// Documents in which the code occurs.
    pub documents: usize,
    /// Percent of the column's documents in which the code occurs.
    pub percent: f64,
    /// Percent of the column's characters that the code covers (overlaps counted once).
    pub coverage: f64,
    /// The cell's segments as percent of the row's segments summed over all columns: where a
    /// code's coding falls. 100 in the total column when the code has segments, 0 when none.
    pub row_percent: f64,
    /// The cell's segments as percent of the column's segments summed over the top-level codes
    /// (each with its sub-codes), that is every counted segment of the column once: the share of
    /// the column's coding that falls on this code. In the total column, over all columns.
    pub column_percent: f64,
}

impl Cell {
    /// The measure as a number (for sorting, heat maps and charts).
    pub fn value(&self, measure: Measure) -> f64 {
        match measure {
            Measure::Segments => self.segments as f64,
            Measure::Documents => self.documents as f64,
            Measure::Percent => self.percent,
            Measure::Coverage => self.coverage,
            Measure::RowPercent => self.row_percent,
            Measure::ColumnPercent => self.column_percent,
        }
    }

    /// The measure as shown in a table: counts as integers, percentages with one decimal.
    pub fn show(&self, measure: Measure) -> String {
        match measure {
            Measure::Segments => self.segments.to_string(),
            Measure::Documents => self.documents.to_string(),
            Measure::Percent => format!("{:.1}", self.percent),
            Measure::Coverage => format!("{:.1}", self.coverage),
            Measure::RowPercent => format!("{:.1}", self.row_percent),
            Measure::ColumnPercent => format!("{:.1}", self.column_percent),
        }
    }
}

/// A group of documents: one jobcenter, or one value of an attribute.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    pub label: String,
    pub documents: usize,
    pub chars: usize,
}

/// One code's row: cells counting the code with all its sub-codes, and the code alone.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub code: CodePath,
    pub depth: usize,
    pub cells: Vec<Cell>,
    pub own: Vec<Cell>,
    /// Over all columns' documents together.
    pub total: Cell,
}

/// A computed code matrix.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub by: String,
    pub measure: Measure,
    pub columns: Vec<Column>,
    /// Documents and characters of all columns together.
    pub all: Column,
    pub rows: Vec<Row>,
    /// The documents of each column: what a click on a cell opens.
    #[serde(skip)]
    pub column_documents: Vec<Vec<DocumentId>>,
    /// What the added columns and rows are called, as the spec said.
    #[serde(skip)]
    pub words: TableWords,
}

impl Matrix {
    /// The table as text, as the CLI prints it and the GUI exports it: a header (`code`, the
    /// columns, the total), one row per code (its path, then the shown values), and a last row
    /// with the documents of each column.
    pub fn table(&self) -> Vec<Vec<String>> {
        self.table_of(0..self.rows.len())
    }

    /// The table with these rows (by index into `rows`) in this order: what a sorted or folded
    /// view shows.
    pub fn table_of(&self, rows: impl IntoIterator<Item = usize>) -> Vec<Vec<String>> {
        let mut header = vec!["code".to_owned()];
        header.extend(self.columns.iter().map(|c| c.label.clone()));
        header.push(self.all.label.clone());
        let mut table = vec![header];
        for r in rows.into_iter().map(|i| &self.rows[i]) {
            let mut row = vec![r.code.to_string()];
            row.extend(r.cells.iter().map(|c| c.show(self.measure)));
            row.push(r.total.show(self.measure));
            table.push(row);
        }
        let mut documents = vec![self.words.documents.clone()];
        documents.extend(self.columns.iter().map(|c| c.documents.to_string()));
        documents.push(self.all.documents.to_string());
        table.push(documents);
        table
    }

    /// The rows in tree order with the siblings under each parent sorted by the value in
    /// `column` (`columns.len()` is the total), largest first if `descending`; ties keep the
    /// code system's order. Sub-codes stay under their parent.
    pub fn sorted_rows(&self, column: usize, descending: bool) -> Vec<usize> {
        let value = |i: usize| {
            let r = &self.rows[i];
            r.cells.get(column).unwrap_or(&r.total).value(self.measure)
        };
        // Rows are in tree order: a row's children are the following rows one level deeper,
        // up to the next row at its own depth or above.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); self.rows.len() + 1];
        let mut stack: Vec<usize> = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            stack.truncate(r.depth.min(stack.len()));
            let parent = stack.last().map_or(self.rows.len(), |&p| p);
            children[parent].push(i);
            stack.push(i);
        }
        for list in &mut children {
            list.sort_by(|&a, &b| {
                let (va, vb) = (value(a), value(b));
                let order = va.partial_cmp(&vb).unwrap_or(std::cmp::Ordering::Equal);
                if descending { order.reverse() } else { order }
            });
        }
        let mut order = Vec::with_capacity(self.rows.len());
        let mut todo: Vec<usize> = children[self.rows.len()].iter().rev().copied().collect();
        while let Some(i) = todo.pop() {
            order.push(i);
            todo.extend(children[i].iter().rev().copied());
        }
        order
    }
}

/// How the coding of one parent code divides among its sub-codes in each column: the profile
/// chart comparing jobcenters (e.g. the share of each work logic).
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    pub parent: String,
    pub columns: Vec<String>,
    /// The sub-codes (paths), in the code system's order.
    pub codes: Vec<CodePath>,
    /// `shares[code][column]`: percent of the column's segments of all sub-codes (each counted
    /// with its own sub-codes) that fall on this sub-code; 0 in a column without such segments.
    pub shares: Vec<Vec<f64>>,
    /// The segments of all sub-codes together, per column: what the shares divide.
    pub segments: Vec<usize>,
}

impl Matrix {
    /// The profile of `parent`'s direct sub-codes across the columns (`""`: the top-level codes);
    /// `None` if the code is not in the matrix or has no sub-codes.
    pub fn profile(&self, parent: &str) -> Option<Profile> {
        let (depth, prefix) = if parent.is_empty() {
            (0, String::new())
        } else {
            let row = self.rows.iter().find(|r| r.code == parent)?;
            (row.depth + 1, format!("{parent}/"))
        };
        let children: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.depth == depth && r.code.starts_with(&prefix))
            .collect();
        if children.is_empty() {
            return None;
        }
        let segments: Vec<usize> = (0..self.columns.len())
            .map(|j| children.iter().map(|r| r.cells[j].segments).sum())
            .collect();
        let shares = children
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .zip(&segments)
                    .map(|(cell, &all)| {
                        if all == 0 {
                            0.0
                        } else {
                            100.0 * cell.segments as f64 / all as f64
                        }
                    })
                    .collect()
            })
            .collect();
        Some(Profile {
            parent: parent.to_owned(),
            columns: self.columns.iter().map(|c| c.label.clone()).collect(),
            codes: children.iter().map(|r| r.code.clone()).collect(),
            shares,
            segments,
        })
    }
}

/// Computes the code matrix.
pub fn matrix(data: &AnalysisData, spec: &MatrixSpec) -> Result<Matrix> {
    let filter = DocumentFilter::new(&data.attributes, &spec.conditions)?;
    let coder = data.coder_id(spec.coder.as_deref())?;
    let documents = filter.documents(data);
    let (by, labels, column_of) = group(data, &spec.by, &documents, &spec.words.no_value)?;

    let mut columns: Vec<Column> = labels
        .iter()
        .map(|label| Column {
            label: label.clone(),
            documents: 0,
            chars: 0,
        })
        .collect();
    for doc in &documents {
        let Some(&column) = column_of.get(&doc.id) else {
            continue;
        };
        let column = &mut columns[column];
        column.documents += 1;
        column.chars += doc.chars;
    }
    let all = Column {
        label: spec.words.total.clone(),
        documents: documents.len(),
        chars: documents.iter().map(|d| d.chars).sum(),
    };

    let index_of = data.code_index();
    let ancestors = data.ancestor_chains(&index_of);
    let width = columns.len();

    // The counted segments, grouped by document (a counting sort keeps this linear).
    let slot_of: HashMap<DocumentId, usize> = documents
        .iter()
        .enumerate()
        .map(|(slot, doc)| (doc.id, slot))
        .collect();
    let row_of = CodeRows::new(&index_of);
    let mut placed: Vec<(usize, usize, CharRange)> = Vec::new();
    let mut starts = vec![0usize; documents.len() + 1];
    let mut last_document: Option<(DocumentId, Option<usize>)> = None;
    for segment in &data.segments {
        if coder.is_some_and(|c| c != segment.coder) {
            continue;
        }
        let slot = match last_document {
            Some((id, slot)) if id == segment.document => slot,
            _ => {
                let slot = slot_of.get(&segment.document).copied();
                last_document = Some((segment.document, slot));
                slot
            }
        };
        let (Some(slot), Some(row)) = (slot, row_of.get(segment.code)) else {
            continue;
        };
        starts[slot + 1] += 1;
        placed.push((slot, row, segment.range));
    }
    for slot in 0..documents.len() {
        starts[slot + 1] += starts[slot];
    }
    let mut by_document = match placed.first() {
        Some(&(_, row, range)) => vec![(range, row); placed.len()],
        None => Vec::new(),
    };
    let mut next = starts.clone();
    for (slot, row, range) in placed {
        by_document[next[slot]] = (range, row);
        next[slot] += 1;
    }

    // Per (code row, column): the code with its sub-codes, and the code alone. Each document's
    // segments are swept in order of their start, so overlaps are counted once.
    let mut total_counts = vec![Counts::default(); data.codes.len() * width];
    let mut own_counts = vec![Counts::default(); data.codes.len() * width];
    let mut column_segments = vec![0usize; width];
    let mut total_sweep = Sweep::new(data.codes.len());
    let mut own_sweep = Sweep::new(data.codes.len());
    for (slot, doc) in documents.iter().enumerate() {
        let Some(&column) = column_of.get(&doc.id) else {
            continue;
        };
        let spans = &mut by_document[starts[slot]..starts[slot + 1]];
        spans.sort_unstable_by_key(|(range, _)| range.start);
        column_segments[column] += spans.len();
        for &(range, row) in spans.iter() {
            own_sweep.add(row, range);
            for &ancestor in &ancestors[row] {
                total_sweep.add(ancestor, range);
            }
        }
        total_sweep.finish(&mut total_counts, width, column);
        own_sweep.finish(&mut own_counts, width, column);
    }
    let all_segments: usize = column_segments.iter().sum();

    let fill = |counts: &[Counts]| -> (Vec<Cell>, Cell) {
        let row_segments: usize = counts.iter().map(|c| c.segments).sum();
        let cells = counts
            .iter()
            .enumerate()
            .map(|(i, c)| Cell {
                segments: c.segments,
                documents: c.documents,
                percent: percent(c.documents, columns[i].documents),
                coverage: percent(c.covered, columns[i].chars),
                row_percent: percent(c.segments, row_segments),
                column_percent: percent(c.segments, column_segments[i]),
            })
            .collect();
        let documents = counts.iter().map(|c| c.documents).sum();
        let covered = counts.iter().map(|c| c.covered).sum();
        let total = Cell {
            segments: row_segments,
            documents,
            percent: percent(documents, all.documents),
            coverage: percent(covered, all.chars),
            row_percent: percent(row_segments, row_segments),
            column_percent: percent(row_segments, all_segments),
        };
        (cells, total)
    };

    let mut rows = Vec::with_capacity(data.codes.len());
    for (i, code) in data.codes.iter().enumerate() {
        let span = i * width..(i + 1) * width;
        let (cells, total) = fill(&total_counts[span.clone()]);
        let (own, _) = fill(&own_counts[span]);
        rows.push(Row {
            code: code.path.clone(),
            depth: code.depth,
            cells,
            own,
            total,
        });
    }
    let mut column_documents = vec![Vec::new(); columns.len()];
    for doc in &documents {
        if let Some(&column) = column_of.get(&doc.id) {
            column_documents[column].push(doc.id);
        }
    }
    Ok(Matrix {
        by,
        measure: spec.measure,
        columns,
        all,
        rows,
        column_documents,
        words: spec.words.clone(),
    })
}

type Grouping = (String, Vec<String>, HashMap<DocumentId, usize>);

/// The column labels and which column each selected document falls in.
fn group(
    data: &AnalysisData,
    by: &Columns,
    documents: &[&crate::model::DocumentInfo],
    no_value: &str,
) -> Result<Grouping> {
    match by {
        Columns::Jobcenter => {
            let labels: Vec<String> = data.jobcenters.iter().map(|j| j.name.clone()).collect();
            let position: HashMap<_, usize> = data
                .jobcenters
                .iter()
                .enumerate()
                .map(|(i, j)| (j.id, i))
                .collect();
            let column_of = documents
                .iter()
                .filter_map(|d| position.get(&d.jobcenter_id).map(|&i| (d.id, i)))
                .collect();
            Ok(("jobcenter".into(), labels, column_of))
        }
        Columns::Attribute(name) => {
            let attribute = find_attribute(&data.attributes, name)?;
            let jobcenter_values: HashMap<_, _> = data
                .jobcenters
                .iter()
                .map(|j| (j.id, &j.attributes))
                .collect();
            let value_of = |doc: &crate::model::DocumentInfo| -> Option<String> {
                let values = match attribute.scope {
                    Scope::Jobcenter => jobcenter_values
                        .get(&doc.jobcenter_id)
                        .map(|v| v.as_slice())
                        .unwrap_or(&[]),
                    Scope::Document => doc.attributes.as_slice(),
                };
                values
                    .iter()
                    .find(|(n, _)| *n == attribute.name)
                    .map(|(_, v)| v.clone())
            };
            let mut labels: Vec<String> = match &attribute.kind {
                AttributeKind::Choice(choices) => choices.clone(),
                _ => Vec::new(),
            };
            let mut others: Vec<String> = documents
                .iter()
                .filter_map(|d| value_of(d))
                .filter(|v| !labels.contains(v))
                .collect();
            others.sort();
            others.dedup();
            labels.extend(others);
            let mut column_of = HashMap::new();
            let mut needs_empty = false;
            for doc in documents {
                let label = value_of(doc);
                let index = match label {
                    Some(v) => labels.iter().position(|l| *l == v),
                    None => {
                        needs_empty = true;
                        None
                    }
                };
                column_of.insert(doc.id, index.unwrap_or(usize::MAX));
            }
            if needs_empty {
                labels.push(no_value.to_owned());
                let empty = labels.len() - 1;
                for index in column_of.values_mut() {
                    if *index == usize::MAX {
                        *index = empty;
                    }
                }
            }
            Ok((attribute.name.clone(), labels, column_of))
        }
    }
}

/// What one (code row, column) cell counts before it becomes a [`Cell`].
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    segments: usize,
    documents: usize,
    covered: usize,
}

/// Code rows by code id: a table when the ids are dense (as the project hands them out), else
/// the map.
enum CodeRows<'a> {
    Table {
        first: i64,
        rows: Vec<Option<usize>>,
    },
    Map(&'a HashMap<CodeId, usize>),
}

impl<'a> CodeRows<'a> {
    fn new(index_of: &'a HashMap<CodeId, usize>) -> Self {
        let first = index_of.keys().map(|c| c.0).min().unwrap_or(0);
        let last = index_of.keys().map(|c| c.0).max().unwrap_or(0);
        match usize::try_from(last.abs_diff(first)) {
            Ok(span) if span <= 4 * index_of.len() + 1024 => {
                let mut rows = vec![None; span + 1];
                for (code, &row) in index_of {
                    rows[code.0.abs_diff(first) as usize] = Some(row);
                }
                Self::Table { first, rows }
            }
            _ => Self::Map(index_of),
        }
    }

    fn get(&self, code: CodeId) -> Option<usize> {
        match self {
            Self::Table { first, rows } => code
                .0
                .checked_sub(*first)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| rows.get(i).copied().flatten()),
            Self::Map(map) => map.get(&code).copied(),
        }
    }
}

/// One document's tally per code row, fed with ranges in order of their start.
struct Sweep {
    segments: Vec<usize>,
    covered: Vec<usize>,
    reach: Vec<usize>,
    touched: Vec<usize>,
}

impl Sweep {
    fn new(rows: usize) -> Self {
        Self {
            segments: vec![0; rows],
            covered: vec![0; rows],
            reach: vec![0; rows],
            touched: Vec::new(),
        }
    }

    /// Adds a range that starts no earlier than the ranges added before it in this document.
    fn add(&mut self, row: usize, range: CharRange) {
        if self.segments[row] == 0 {
            self.touched.push(row);
        }
        self.segments[row] += 1;
        let start = range.start.0.max(self.reach[row]);
        if range.end.0 > start {
            self.covered[row] += range.end.0 - start;
        }
        self.reach[row] = self.reach[row].max(range.end.0);
    }

    /// Adds the document to its column's counts and starts afresh.
    fn finish(&mut self, counts: &mut [Counts], width: usize, column: usize) {
        for &row in &self.touched {
            let cell = &mut counts[row * width + column];
            cell.segments += self.segments[row];
            cell.documents += 1;
            cell.covered += self.covered[row];
            self.segments[row] = 0;
            self.covered[row] = 0;
            self.reach[row] = 0;
        }
        self.touched.clear();
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The number of characters covered by a set of possibly overlapping ranges.
pub fn union_len(ranges: &[CharRange]) -> usize {
    let mut sorted: Vec<CharRange> = ranges.to_vec();
    sorted.sort();
    let mut covered = 0;
    let mut reach = 0;
    for r in sorted {
        let start = r.start.0.max(reach);
        if r.end.0 > start {
            covered += r.end.0 - start;
        }
        reach = reach.max(r.end.0);
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_ranges_count_once() {
        let r = |a, b| CharRange::new(a, b).unwrap();
        assert_eq!(union_len(&[r(0, 10), r(5, 15), r(20, 25)]), 20);
        assert_eq!(union_len(&[r(5, 8), r(0, 20)]), 20);
        assert_eq!(union_len(&[]), 0);
    }

    /// The matrix agrees with counting each cell naively, on scattered ids and segments.
    #[test]
    fn cells_agree_with_counting_each_cell_alone() {
        use crate::model::{
            Code, CodeId, CoderId, DocumentInfo, Jobcenter, JobcenterId, SegmentSpan,
        };
        let mut seed = 7u64;
        let mut below = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        let codes: Vec<Code> = (0..7)
            .map(|i| Code {
                id: CodeId(100 + 3 * i),
                parent: (i > 2).then_some(CodeId(100 + 3 * (i % 3))),
                name: format!("c{i}"),
                path: CodePath::parse(&format!("c{i}")).unwrap(),
                depth: usize::from(i > 2),
                color: String::new(),
                description: String::new(),
            })
            .collect();
        let documents: Vec<DocumentInfo> = (0..9)
            .map(|i| DocumentInfo {
                id: DocumentId(50 - i),
                name: format!("d{i}"),
                jobcenter_id: JobcenterId(i % 4 + 1),
                jobcenter: String::new(),
                source_name: String::new(),
                encoding: String::new(),
                chars: 200,
                turns: 0,
                segments: 0,
                attributes: Vec::new(),
                imported_at: String::new(),
            })
            .collect();
        let segments: Vec<SegmentSpan> = (0..300)
            .map(|_| {
                let start = below(180);
                SegmentSpan {
                    document: documents[below(9)].id,
                    code: codes[below(7)].id,
                    coder: CoderId(1),
                    range: CharRange::new(start, start + 1 + below(20)).unwrap(),
                }
            })
            .collect();
        let data = AnalysisData {
            jobcenters: (1..=4)
                .map(|i| Jobcenter {
                    id: JobcenterId(i),
                    name: format!("J{i}"),
                    attributes: Vec::new(),
                    documents: 0,
                })
                .collect(),
            documents,
            codes,
            coders: Vec::new(),
            attributes: Vec::new(),
            segments,
        };
        let spec = MatrixSpec {
            by: Columns::Jobcenter,
            measure: Measure::Segments,
            coder: None,
            conditions: Vec::new(),
            words: TableWords::default(),
        };
        let m = matrix(&data, &spec).unwrap();
        let chains = data.ancestor_chains(&data.code_index());
        let counts = |row: usize, column: usize, with_sub_codes: bool| {
            let docs: Vec<DocumentId> = data
                .documents
                .iter()
                .filter(|d| d.jobcenter_id.0 as usize == column + 1)
                .map(|d| d.id)
                .collect();
            let mut segments = 0;
            let (mut documents, mut covered) = (0, 0);
            for doc in &docs {
                let ranges: Vec<CharRange> = data
                    .segments
                    .iter()
                    .filter(|s| s.document == *doc)
                    .filter(|s| {
                        let own = data.codes.iter().position(|c| c.id == s.code).unwrap();
                        own == row || (with_sub_codes && chains[own].contains(&row))
                    })
                    .map(|s| s.range)
                    .collect();
                segments += ranges.len();
                documents += usize::from(!ranges.is_empty());
                covered += union_len(&ranges);
            }
            (segments, documents, covered, docs.len())
        };
        for (row, r) in m.rows.iter().enumerate() {
            for column in 0..4 {
                let column_segments: usize = (0..3).map(|top| counts(top, column, true).0).sum();
                for (cell, with_sub_codes) in [(r.cells[column], true), (r.own[column], false)] {
                    let (segments, documents, covered, docs) = counts(row, column, with_sub_codes);
                    let row_segments: usize =
                        (0..4).map(|c| counts(row, c, with_sub_codes).0).sum();
                    assert_eq!(cell.segments, segments);
                    assert_eq!(cell.documents, documents);
                    assert_eq!(cell.percent, percent(documents, docs));
                    assert_eq!(cell.coverage, percent(covered, docs * 200));
                    assert_eq!(cell.row_percent, percent(segments, row_segments));
                    assert_eq!(cell.column_percent, percent(segments, column_segments));
                }
            }
        }
        assert_eq!(
            m.rows[0].total.column_percent,
            percent(m.rows[0].total.segments, 300)
        );
    }
}

/// A matrix of one jobcenter column `JC`, its total labelled `total`, with these rows (path,
/// depth, segments), for unit tests.
#[cfg(test)]
pub(super) fn one_column(total: &str, rows: &[(&str, usize, usize)]) -> Matrix {
    let column = Column {
        label: "JC".into(),
        documents: 1,
        chars: 1,
    };
    let rows = rows
        .iter()
        .map(|&(code, depth, segments)| {
            let cell = Cell {
                segments,
                ..Cell::default()
            };
            Row {
                code: CodePath::parse(code).unwrap(),
                depth,
                cells: vec![cell],
                own: vec![cell],
                total: cell,
            }
        })
        .collect();
    Matrix {
        by: "jobcenter".into(),
        measure: Measure::Segments,
        all: Column {
            label: total.into(),
            ..column.clone()
        },
        columns: vec![column],
        rows,
        column_documents: vec![Vec::new()],
        words: TableWords::default(),
    }
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    #[test]
    fn sorting_keeps_sub_codes_under_their_parent() {
        let m = one_column(
            "JC",
            &[
                ("A", 0, 3),
                ("A/a1", 1, 1),
                ("A/a2", 1, 2),
                ("B", 0, 5),
                ("B/b1", 1, 5),
                ("C", 0, 3),
            ],
        );
        let names = |order: Vec<usize>| -> Vec<&str> {
            order.iter().map(|&i| m.rows[i].code.as_str()).collect()
        };
        assert_eq!(
            names(m.sorted_rows(0, true)),
            ["B", "B/b1", "A", "A/a2", "A/a1", "C"]
        );
        assert_eq!(
            names(m.sorted_rows(1, false)),
            ["A", "A/a1", "A/a2", "C", "B", "B/b1"]
        );
        assert_eq!(m.table()[0], ["code", "JC", "JC"]);
        let profile = m.profile("A").unwrap();
        assert_eq!(profile.codes, ["A/a1", "A/a2"]);
        assert_eq!(profile.segments, [3]);
        assert!((profile.shares[0][0] - 100.0 / 3.0).abs() < 1e-9);
        assert!((profile.shares[1][0] - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(m.profile("").unwrap().codes, ["A", "B", "C"]);
        assert_eq!(m.profile("").unwrap().segments, [11]);
        assert!(m.profile("C").is_none());
        assert!(m.profile("Z").is_none());
        assert_eq!(m.table()[4], ["B", "5", "5"]);
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    /// A document whose jobcenter is not in the data (a snapshot taken while another program
    /// wrote) is left out, not a panic.
    #[test]
    fn a_document_without_its_jobcenter_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.kodierwerk");
        crate::corpus::sample::create_sample(&path).unwrap();
        let project = crate::project::Project::open(&path).unwrap();
        let mut data = AnalysisData::load(&project).unwrap();
        let gone = data.jobcenters.remove(0);
        let spec = MatrixSpec {
            by: Columns::Jobcenter,
            measure: Measure::Segments,
            coder: None,
            conditions: Vec::new(),
            words: TableWords::default(),
        };
        let m = matrix(&data, &spec).unwrap();
        assert_eq!(m.columns.len(), data.jobcenters.len());
        assert!(m.columns.iter().all(|c| c.label != gone.name));
    }
}
