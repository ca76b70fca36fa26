//! Frequencies per jobcenter and per group of jobcenters: plain functions over a snapshot of the
//! project, shared by the CLI and the GUI.

pub mod filter;
pub mod matrix;

use crate::error::Result;
use crate::model::{Attribute, Code, Coder, DocumentInfo, Jobcenter, Scope, SegmentSpan};
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

impl AnalysisData {
    pub fn load(project: &Project) -> Result<Self> {
        let mut attributes = project.attributes(Scope::Jobcenter)?;
        attributes.extend(project.attributes(Scope::Document)?);
        Ok(Self {
            jobcenters: project.jobcenters()?,
            documents: project.documents()?,
            codes: project.codes()?,
            coders: project.coders()?,
            attributes,
            segments: project.segment_spans()?,
        })
    }
}
