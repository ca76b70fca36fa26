//! What the REFI-QDA exchange carries of a project, independent of XML: the contract between the
//! project file (which reads and writes a [`Bundle`]) and the QDPX/QDC reader and writer.
//!
//! Positions are Unicode code points of `Source::text` (the text as Kodierwerk stores it: no BOM,
//! line ends `\n`), 0-based, end exclusive. Every program's own counting is translated to this by
//! the importer before a bundle is built; the exporter writes it unchanged, as the standard says.
//! GUIDs are lowercase, without braces (see [`normalise_guid`]).

use crate::model::Turn;

/// A whole project, or (for a QDC codebook) only its codes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bundle {
    /// The project's name (the file name without extension on export).
    pub name: String,
    /// The project memo, Markdown.
    pub memo: String,
    pub users: Vec<User>,
    /// The code tree, parents before their children, siblings in their order.
    pub codes: Vec<BundleCode>,
    pub variables: Vec<Variable>,
    /// Jobcenters.
    pub cases: Vec<Case>,
    pub sources: Vec<Source>,
    /// One coded passage with one code by one coder: Kodierwerk's segment.
    pub segments: Vec<BundleSegment>,
    /// Where sources without a case go on import (Kodierwerk needs a jobcenter for every document).
    pub default_case_name: String,
}

/// A coder.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub guid: String,
    pub name: String,
}

/// A code of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleCode {
    pub guid: String,
    pub parent: Option<String>,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// The coding rule (REFI `Description`), Markdown.
    pub description: String,
    /// The code memo (a REFI `Note` referenced by the code), Markdown; empty if none.
    pub memo: String,
}

/// Which entities an attribute describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableScope {
    Case,
    Source,
}

/// An attribute definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub guid: String,
    pub name: String,
    pub scope: VariableScope,
    /// True for attributes holding dates (YYYY-MM-DD); everything else is text.
    pub is_date: bool,
    /// Allowed values of a choice attribute (REFI has no such notion; written into the
    /// variable's description on export and read back from it).
    pub choices: Vec<String>,
    pub description: String,
}

/// A jobcenter: a case with its attribute values and memo.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub guid: String,
    pub name: String,
    /// (variable guid, value).
    pub values: Vec<(String, String)>,
    pub memo: String,
}

/// A text document.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub guid: String,
    pub name: String,
    /// The case (jobcenter) it belongs to.
    pub case: Option<String>,
    pub text: String,
    /// The speaker turns of `text`: found by the importer, kept by the project file as given.
    pub turns: Vec<Turn>,
    /// (variable guid, value).
    pub values: Vec<(String, String)>,
    pub memo: String,
    /// ISO 8601; empty if unknown.
    pub created_at: String,
}

/// A coded segment.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleSegment {
    pub guid: String,
    pub source: String,
    pub code: String,
    pub user: String,
    /// Code points of the source's text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub memo: String,
    /// ISO 8601; empty if unknown.
    pub created_at: String,
}

/// A GUID as Kodierwerk stores it: lowercase, without braces or surrounding space; `None` if the
/// text is not a GUID.
pub fn normalise_guid(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    uuid::Uuid::parse_str(t)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// A GUID derived from another one and a purpose, the same every time: for REFI entities that have
/// no row of their own in the project (a segment's `Coding`, a jobcenter group's `Set`), so that
/// exporting twice gives the same GUIDs.
pub fn derived_guid(base: &str, purpose: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{base}\u{0}{purpose}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_read_in_any_case_with_or_without_braces() {
        let want = Some("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".to_string());
        assert_eq!(normalise_guid("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"), want);
        assert_eq!(
            normalise_guid(" {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0} "),
            want
        );
        assert_eq!(normalise_guid("not a guid"), None);
    }

    #[test]
    fn derived_guids_are_stable_and_differ_by_purpose() {
        let base = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        assert_eq!(derived_guid(base, "coding"), derived_guid(base, "coding"));
        assert_ne!(derived_guid(base, "coding"), derived_guid(base, "set"));
        assert!(normalise_guid(&derived_guid(base, "coding")).is_some());
    }
}
