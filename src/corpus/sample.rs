//! The sample project: six invented jobcenters, 24 transcripts, the default codebook and a demo
//! coding by two coders, built into the program so that a first start shows a living project.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::Serialize;

use super::{ImportOptions, prepare};
use crate::coding::codebook;
use crate::model::MemoTarget;
use crate::model::error::{Error, Result};
use crate::model::range::{CharRange, TextIndex};
use crate::project::Project;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/sample_corpus.rs"));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobcentersFile {
    #[serde(default)]
    project: ProjectSection,
    jobcenter: Vec<JobcenterEntry>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProjectSection {
    #[serde(default)]
    memo: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JobcenterEntry {
    name: String,
    #[serde(default)]
    memo: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodingFile {
    segment: Vec<DemoSegment>,
}

/// One segment of the demo coding, anchored by the quoted text rather than by positions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoSegment {
    document: String,
    code: String,
    coder: String,
    quote: String,
    #[serde(default)]
    memo: String,
    /// Set when the segment justifies its jobcenter's Digitalisierungstyp: the note of that link.
    #[serde(default)]
    evidence: Option<String>,
}

/// What the sample project holds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SampleSummary {
    pub jobcenters: usize,
    pub documents: usize,
    pub codes: usize,
    pub segments: usize,
}

/// The texts of the bundled transcripts, as written (Markdown).
pub fn bundled_texts() -> impl Iterator<Item = &'static str> {
    bundled::FILES
        .iter()
        .filter(|(p, _)| p.starts_with("transcripts/"))
        .map(|(_, text)| *text)
}

fn broken(what: impl Into<String>) -> Error {
    Error::BadSampleCorpus(what.into())
}

fn bundled_file(name: &str) -> Result<&'static str> {
    bundled::FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| broken(format!("{name} is missing")))
}

/// Creates a new project at `path` holding the sample corpus, the default codebook and the demo coding.
pub fn create_sample(path: &Path) -> Result<SampleSummary> {
    let mut project = Project::create(path)?;
    let result = fill(&mut project);
    if result.is_err() {
        drop(project);
        let _ = std::fs::remove_file(path);
    }
    result
}

fn fill(project: &mut Project) -> Result<SampleSummary> {
    let codes = codebook::default_codebook()?;
    let mut summary = SampleSummary {
        codes: project.add_codebook(&codes, "Standard-Codebuch übernommen")?,
        ..SampleSummary::default()
    };

    let jobcenters: JobcentersFile = toml::from_str(bundled_file("jobcenters.toml")?)
        .map_err(|e| broken(format!("jobcenters.toml: {e}")))?;
    if !jobcenters.project.memo.trim().is_empty() {
        project.set_memo(&MemoTarget::Project, jobcenters.project.memo.trim())?;
    }
    for entry in &jobcenters.jobcenter {
        let values: Vec<(String, String)> = entry.attributes.clone().into_iter().collect();
        let (id, _) = project.set_jobcenter(&entry.name, &values)?;
        if !entry.memo.trim().is_empty() {
            project.set_memo(&MemoTarget::Jobcenter(id), entry.memo.trim())?;
        }
        summary.jobcenters += 1;
    }

    for (path, text) in bundled::FILES
        .iter()
        .filter(|(p, _)| p.starts_with("transcripts/"))
    {
        let file_name = path.trim_start_matches("transcripts/");
        let (document, _) = prepare(file_name, text.as_bytes(), &ImportOptions::default())
            .map_err(|e| broken(format!("{path}: {e}")))?;
        project.add_document(&document)?;
        summary.documents += 1;
    }

    for (path, text) in bundled::FILES
        .iter()
        .filter(|(p, _)| p.starts_with("demo_coding/"))
    {
        let coding: CodingFile =
            toml::from_str(text).map_err(|e| broken(format!("{path}: {e}")))?;
        for segment in coding.segment {
            let document = project.resolve_document(&segment.document)?;
            let body = project.document_text(document)?;
            let (start, end) = locate(&body, &segment.quote).ok_or_else(|| {
                broken(format!(
                    "{path}: quote not found once in {}: {}",
                    segment.document, segment.quote
                ))
            })?;
            let code = project.code_by_path(&segment.code)?;
            let id = project.apply_code(
                document,
                CharRange::new(start, end)?,
                code.id,
                &segment.coder,
                segment.memo.trim(),
            )?;
            if let Some(note) = &segment.evidence {
                let jobcenter = project.document(document)?.jobcenter_id;
                project.link_evidence(jobcenter, id, note.trim())?;
            }
            summary.segments += 1;
        }
    }
    Ok(summary)
}

/// The character range of the one place where `quote` stands in `text`.
fn locate(text: &str, quote: &str) -> Option<(usize, usize)> {
    let byte = text.find(quote)?;
    if text[byte + 1..].contains(quote) {
        return None;
    }
    let index = TextIndex::new(text);
    let range = index.range_of_bytes(byte, byte + quote.len())?;
    Some((range.start.0, range.end.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_must_stand_exactly_once() {
        assert_eq!(locate("Größe und Maß", "Maß"), Some((10, 13)));
        assert_eq!(locate("ja ja", "ja"), None);
        assert_eq!(locate("ja", "nein"), None);
    }

    #[test]
    fn the_bundled_corpus_is_complete() {
        let transcripts = bundled::FILES
            .iter()
            .filter(|(p, _)| p.starts_with("transcripts/"))
            .count();
        assert!(transcripts >= 24, "{transcripts} transcripts");
        assert!(bundled_file("jobcenters.toml").is_ok());
    }
}
