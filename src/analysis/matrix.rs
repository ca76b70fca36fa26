//! The code matrix: codes (with their sub-codes) against jobcenters or attribute values.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::AnalysisData;
use super::filter::{DocumentFilter, find_attribute};
use crate::coding::range::CharRange;
use crate::error::Result;
use crate::model::{AttributeKind, DocumentId, Scope};

/// What the columns of the matrix are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Columns {
    /// One column per jobcenter.
    Jobcenter,
    /// One column per value of a jobcenter or document attribute.
    Attribute(String),
}

/// Which measure the table shows (JSON always carries all four).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Coded segments.
    Segments,
    /// Documents in which the code occurs.
    Documents,
    /// Percent of the column's documents in which the code occurs.
    Percent,
    /// Percent of the column's characters that the code covers.
    Coverage,
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
}

/// The four measures of one cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Cell {
    pub segments: usize,
    pub documents: usize,
    pub percent: f64,
    pub coverage: f64,
}

impl Cell {
    /// The measure as shown in a table: counts as integers, percentages with one decimal.
    pub fn show(&self, measure: Measure) -> String {
        match measure {
            Measure::Segments => self.segments.to_string(),
            Measure::Documents => self.documents.to_string(),
            Measure::Percent => format!("{:.1}", self.percent),
            Measure::Coverage => format!("{:.1}", self.coverage),
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
    pub code: String,
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
}

/// The label of the column for documents that have no value for the grouping attribute.
pub const NO_VALUE: &str = "(ohne Wert)";

/// Computes the code matrix.
pub fn matrix(data: &AnalysisData, spec: &MatrixSpec) -> Result<Matrix> {
    let filter = DocumentFilter::new(&data.attributes, &spec.conditions)?;
    let coder = data.coder_id(spec.coder.as_deref())?;
    let documents = filter.documents(data);
    let (by, labels, column_of) = group(data, &spec.by, &documents)?;

    let mut columns: Vec<Column> = labels
        .iter()
        .map(|label| Column {
            label: label.clone(),
            documents: 0,
            chars: 0,
        })
        .collect();
    for doc in &documents {
        let column = &mut columns[column_of[&doc.id]];
        column.documents += 1;
        column.chars += doc.chars;
    }
    let all = Column {
        label: "Gesamt".into(),
        documents: documents.len(),
        chars: documents.iter().map(|d| d.chars).sum(),
    };

    let index_of = data.code_index();
    let ancestors = data.ancestor_chains(&index_of);

    // Ranges per (code row, document), for the total and for the code alone.
    let mut total_ranges: HashMap<(usize, DocumentId), Vec<CharRange>> = HashMap::new();
    let mut own_ranges: HashMap<(usize, DocumentId), Vec<CharRange>> = HashMap::new();
    for segment in &data.segments {
        if coder.is_some_and(|c| c != segment.coder) || !column_of.contains_key(&segment.document) {
            continue;
        }
        let Some(&row) = index_of.get(&segment.code) else {
            continue;
        };
        own_ranges
            .entry((row, segment.document))
            .or_default()
            .push(segment.range);
        for &ancestor in &ancestors[row] {
            total_ranges
                .entry((ancestor, segment.document))
                .or_default()
                .push(segment.range);
        }
    }

    let fill =
        |ranges: &HashMap<(usize, DocumentId), Vec<CharRange>>, row: usize| -> (Vec<Cell>, Cell) {
            let mut cells = vec![Cell::default(); columns.len()];
            let mut total = Cell::default();
            let mut covered = vec![0usize; columns.len()];
            let mut covered_all = 0usize;
            let mut docs_seen: HashSet<DocumentId> = HashSet::new();
            for ((r, doc), list) in ranges {
                if *r != row {
                    continue;
                }
                let column = column_of[doc];
                let union = union_len(list);
                cells[column].segments += list.len();
                total.segments += list.len();
                if docs_seen.insert(*doc) {
                    cells[column].documents += 1;
                    total.documents += 1;
                }
                covered[column] += union;
                covered_all += union;
            }
            for (i, cell) in cells.iter_mut().enumerate() {
                cell.percent = percent(cell.documents, columns[i].documents);
                cell.coverage = percent(covered[i], columns[i].chars);
            }
            total.percent = percent(total.documents, all.documents);
            total.coverage = percent(covered_all, all.chars);
            (cells, total)
        };

    let mut rows = Vec::with_capacity(data.codes.len());
    for (i, code) in data.codes.iter().enumerate() {
        let (cells, total) = fill(&total_ranges, i);
        let (own, _) = fill(&own_ranges, i);
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
        column_documents[column_of[&doc.id]].push(doc.id);
    }
    Ok(Matrix {
        by,
        measure: spec.measure,
        columns,
        all,
        rows,
        column_documents,
    })
}

type Grouping = (String, Vec<String>, HashMap<DocumentId, usize>);

/// The column labels and which column each selected document falls in.
fn group(
    data: &AnalysisData,
    by: &Columns,
    documents: &[&crate::model::DocumentInfo],
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
                labels.push(NO_VALUE.into());
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
}
