//! The crosstab: codes (with their sub-codes) against conditions on attributes, such as all `zkT`
//! jobcenters in rural areas against all `gE` jobcenters in cities.
//!
//! Columns may share documents (a document can meet several conditions); the last column counts
//! all documents of the project.

use std::collections::HashMap;

use serde::Serialize;

use super::filter::{DocumentFilter, parse_assignment};
use super::{AnalysisData, TableWords};
use crate::model::error::{Error, Result};
use crate::model::{CodePath, DocumentId};

/// What a cell counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Coded segments.
    #[default]
    Segments,
    /// Documents in which the code occurs, each once.
    Documents,
}

/// What to count and in which columns.
#[derive(Clone, Debug, Default)]
pub struct CrosstabSpec {
    /// One column per condition; a condition is `ATTRIBUTE=VALUE` pairs that must all hold (values
    /// of the same attribute are alternatives).
    pub conditions: Vec<Vec<(String, String)>>,
    pub unit: Unit,
    /// Only segments of this coder.
    pub coder: Option<String>,
    /// What the column over all documents is called.
    pub words: TableWords,
}

/// One attribute of a condition with the values it may take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub attribute: String,
    pub values: Vec<String>,
}

/// A column: the documents that meet a condition, or all documents.
#[derive(Clone, Debug, Serialize)]
pub struct CrosstabColumn {
    /// `Trägerschaft=zkT & Lage=Land`, or `Gesamt` for all documents.
    pub label: String,
    /// Empty for the column of all documents.
    pub conditions: Vec<Requirement>,
    /// Documents that meet the condition.
    pub documents: usize,
}

/// One code's row, counting the code with all its sub-codes.
#[derive(Clone, Debug, Serialize)]
pub struct CrosstabRow {
    /// The code's full path.
    pub code: CodePath,
    pub depth: usize,
    /// One count per condition, in the order of `columns`.
    pub cells: Vec<usize>,
    /// The count over all documents.
    pub total: usize,
}

/// A computed crosstab.
#[derive(Clone, Debug, Serialize)]
pub struct Crosstab {
    pub unit: Unit,
    pub columns: Vec<CrosstabColumn>,
    /// The column of all documents.
    pub all: CrosstabColumn,
    pub rows: Vec<CrosstabRow>,
    /// The documents of each condition's column: what a click on a cell opens.
    #[serde(skip)]
    pub column_documents: Vec<Vec<DocumentId>>,
}

/// Splits a condition `ATTRIBUTE=VALUE,ATTRIBUTE=VALUE`. A piece without `=` belongs to the value
/// before it, so that `Ort=Halle, Saale` keeps its comma.
pub fn parse_condition(text: &str) -> Result<Vec<(String, String)>> {
    let mut pieces: Vec<String> = Vec::new();
    for piece in text.split(',') {
        match pieces.last_mut() {
            Some(last) if !piece.contains('=') => {
                last.push(',');
                last.push_str(piece);
            }
            _ => pieces.push(piece.to_owned()),
        }
    }
    if pieces.iter().all(|p| p.trim().is_empty()) {
        return Err(Error::BadAssignment(text.to_owned()));
    }
    pieces.iter().map(|p| parse_assignment(p)).collect()
}

/// Computes the crosstab.
pub fn crosstab(data: &AnalysisData, spec: &CrosstabSpec) -> Result<Crosstab> {
    let coder = data.coder_id(spec.coder.as_deref())?;
    let position: HashMap<_, usize> = data
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();

    let mut columns = Vec::with_capacity(spec.conditions.len());
    // For each column, whether each document (by position) belongs to it.
    let mut members: Vec<Vec<bool>> = Vec::with_capacity(spec.conditions.len());
    let mut column_documents = Vec::with_capacity(spec.conditions.len());
    for pairs in &spec.conditions {
        let filter = DocumentFilter::new(&data.attributes, pairs)?;
        let mut member = vec![false; data.documents.len()];
        let ids = filter.document_ids(data);
        for id in &ids {
            member[position[id]] = true;
        }
        columns.push(CrosstabColumn {
            label: filter.label(),
            conditions: filter
                .conditions()
                .iter()
                .map(|(a, values)| Requirement {
                    attribute: a.name.clone(),
                    values: values.clone(),
                })
                .collect(),
            documents: ids.len(),
        });
        members.push(member);
        column_documents.push(ids);
    }
    let all = CrosstabColumn {
        label: spec.words.total.clone(),
        conditions: Vec::new(),
        documents: data.documents.len(),
    };

    let index_of = data.code_index();
    let ancestors = data.ancestor_chains(&index_of);
    // Segments per (code row, document position), each code with its sub-codes.
    let mut counts: HashMap<(usize, usize), usize> = HashMap::new();
    for segment in &data.segments {
        if coder.is_some_and(|c| c != segment.coder) {
            continue;
        }
        let (Some(&row), Some(&doc)) =
            (index_of.get(&segment.code), position.get(&segment.document))
        else {
            continue;
        };
        for &ancestor in &ancestors[row] {
            *counts.entry((ancestor, doc)).or_default() += 1;
        }
    }

    let mut rows: Vec<CrosstabRow> = data
        .codes
        .iter()
        .map(|code| CrosstabRow {
            code: code.path.clone(),
            depth: code.depth,
            cells: vec![0; columns.len()],
            total: 0,
        })
        .collect();
    for (&(row, doc), &segments) in &counts {
        let n = match spec.unit {
            Unit::Segments => segments,
            Unit::Documents => 1,
        };
        let row = &mut rows[row];
        row.total += n;
        for (cell, member) in row.cells.iter_mut().zip(&members) {
            if member[doc] {
                *cell += n;
            }
        }
    }
    Ok(Crosstab {
        unit: spec.unit,
        columns,
        all,
        rows,
        column_documents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn conditions_split_on_commas_between_assignments() {
        assert_eq!(
            parse_condition("Trägerschaft=zkT, Lage=Land").unwrap(),
            pairs(&[("Trägerschaft", "zkT"), ("Lage", "Land")])
        );
        assert_eq!(
            parse_condition("Ort=Halle, Saale,Lage=Stadt").unwrap(),
            pairs(&[("Ort", "Halle, Saale"), ("Lage", "Stadt")])
        );
        assert!(parse_condition("").is_err());
        assert!(parse_condition("Lage").is_err());
        assert!(parse_condition("=Land").is_err());
    }
}
