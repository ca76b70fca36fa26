//! Frequencies per jobcenter and per group of jobcenters, crosstabs, co-occurrence, typology and
//! intercoder agreement: plain functions over a snapshot of the project ([`AnalysisData`]), shared
//! by the CLI and the GUI.
//! Each analysis takes a spec (its question) and returns serialisable rows (its answer); the
//! modules are private, this facade is what the faces use.

mod agreement;
mod agreement_count;
mod agreement_figures;
mod autocode;
mod cooccurrence;
mod crosstab;
mod filter;
mod fold;
mod matrix;
mod matrix_rows;
mod query;
mod search;
mod search_corpus;
mod text_units;
mod typology;
mod word_counts;
mod words;

pub use agreement::{
    Agreement, AgreementRow, AgreementSpec, AgreementUnit, Confidence, Disagreement, DocumentUnits,
    Interval, Pooled, SegmentMatches, agreement, chosen_documents, disagreements, load_units,
    turn_units,
};
pub use agreement_figures::{AgreementTable, Figure, Figures, Undefined};
pub use autocode::{
    AutocodeItem, AutocodeScope, CONFIRM_ABOVE, Dictionary, autocode, autocode_label,
    autocode_memo, autocode_passages, plan_autocode,
};
pub use cooccurrence::{
    Cooccurrence, CooccurrenceRow, CooccurrenceScope, CooccurrenceSpec, MAX_TABLE_CODES,
    cooccurrence, overlapping_pairs, passages,
};
pub use crosstab::{
    Crosstab, CrosstabColumn, CrosstabRow, CrosstabSpec, Requirement, Unit, crosstab,
    parse_condition,
};
pub use filter::{
    DocumentFilter, SegmentQuery, find_attribute, parse_assignment, parse_assignments,
    resolve_segment_filter,
};
pub use fold::{fold_text, words_of};
pub use matrix::{
    Cell, Column, Columns, Matrix, MatrixSpec, Measure, Profile, Row, matrix, union_len,
};
pub use query::{Query, parse_query};
pub use search::{
    CONTEXT, CorpusDocument, Found, Hit, ResolvedScope, SearchCorpus, SearchOptions, SearchScope,
    SearchSpec, TextUnit, find, hits, resolve_scope, search_project,
};
pub use typology::{ProfileRow, TypeColumn, Typology, TypologySpec, separating_codes, typology};
pub use word_counts::{
    GERMAN_STOPWORDS, StopWords, WordGroup, WordRow, WordSpec, WordTable, read_stopwords, stem_of,
    word_frequencies,
};
pub use words::TableWords;

use std::collections::HashMap;

use crate::model::error::{Error, Result};
use crate::model::{
    Attribute, Code, CodeId, Coder, CoderId, DocumentId, DocumentInfo, Jobcenter, Scope,
    SegmentSpan, Turn,
};
use crate::project::Project;

/// What the analyses read: the project's cases, documents, codes and segments.
#[derive(Clone, Debug)]
pub struct AnalysisData {
    pub jobcenters: Vec<Jobcenter>,
    pub documents: Vec<DocumentInfo>,
    pub codes: Vec<Code>,
    pub coders: Vec<Coder>,
    /// Jobcenter attributes first, then document attributes.
    pub attributes: Vec<Attribute>,
    pub segments: Vec<SegmentSpan>,
}

/// The speaker turns of each document, read only for analyses that need them.
pub type DocumentTurns = HashMap<DocumentId, Vec<Turn>>;

impl AnalysisData {
    pub fn load(project: &Project) -> Result<Self> {
        project.snapshot(|project| {
            let mut data = Self::load_cases(project)?;
            data.segments = project.segment_spans()?;
            Ok(data)
        })
    }

    /// The same without the segments: enough to choose documents by their attributes, which a
    /// listing of some segments does before it reads only those.
    pub fn load_cases(project: &Project) -> Result<Self> {
        let mut attributes = project.attributes(Scope::Jobcenter)?;
        attributes.extend(project.attributes(Scope::Document)?);
        Ok(Self {
            jobcenters: project.jobcenters()?,
            documents: project.documents()?,
            codes: project.codes()?,
            coders: project.coders()?,
            attributes,
            segments: Vec::new(),
        })
    }

    /// The coder a researcher names (case-insensitive), or none for all coders.
    pub fn coder_id(&self, name: Option<&str>) -> Result<Option<CoderId>> {
        let Some(name) = name else { return Ok(None) };
        self.coders
            .iter()
            .find(|c| c.name.to_lowercase() == name.trim().to_lowercase())
            .map(|c| Some(c.id))
            .ok_or_else(|| Error::UnknownCoder(name.to_owned()))
    }

    /// Each code's position in `codes`.
    pub fn code_index(&self) -> HashMap<CodeId, usize> {
        self.codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect()
    }

    /// For each code (by position), its own position followed by its ancestors' positions: a
    /// segment counts for all of them when codes are counted with their sub-codes.
    pub fn ancestor_chains(&self, index_of: &HashMap<CodeId, usize>) -> Vec<Vec<usize>> {
        self.codes
            .iter()
            .enumerate()
            .map(|(own, code)| {
                let mut chain = vec![own];
                let mut parent = code.parent;
                while let Some(p) = parent {
                    let Some(&i) = index_of.get(&p) else { break };
                    if chain.contains(&i) {
                        break;
                    }
                    chain.push(i);
                    parent = self.codes[i].parent;
                }
                chain
            })
            .collect()
    }
}

/// Reads the speaker turns of every document of the data (for the turn scope of co-occurrence).
pub fn load_turns(project: &Project, data: &AnalysisData) -> Result<DocumentTurns> {
    data.documents
        .iter()
        .map(|d| Ok((d.id, project.turns(d.id)?)))
        .collect()
}
