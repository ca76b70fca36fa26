//! The ground floor: the domain's plain values (jobcenters, documents and their turns, codes,
//! coders, segments, memos), character positions ([`range`]), code paths ([`code_path`]), the
//! REFI-QDA exchange contract ([`bundle`]), the errors a researcher can cause ([`error`]) and the
//! reading of files a person names ([`file`]).
//!
//! Imports nothing of Kodierwerk above it; every other layer may use it. The project module reads
//! and writes these values; the CLI, the GUI and the analyses receive them.

pub mod bundle;
pub mod code_path;
pub mod error;
pub mod file;
pub mod range;

use serde::Serialize;

pub use code_path::CodePath;
pub use error::{Error, Result};
pub use range::{CharPos, CharRange, TextIndex};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A jobcenter's row id.
    JobcenterId,
    /// A document's row id, shown to users as the document's number.
    DocumentId,
    /// A code's row id.
    CodeId,
    /// A coder's row id.
    CoderId,
    /// A segment's row id, shown to users as the segment's number.
    SegmentId,
    /// An attribute definition's row id.
    AttributeId,
);

/// Whether an attribute describes jobcenters or documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Jobcenter,
    Document,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Jobcenter => "jobcenter",
            Scope::Document => "document",
        }
    }
}

/// What values an attribute takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "choices", rename_all = "lowercase")]
pub enum AttributeKind {
    /// One of a fixed list of values (Trägerschaft: gE or zkT).
    Choice(Vec<String>),
    /// Free text.
    Text,
    /// A calendar date, YYYY-MM-DD.
    Date,
}

/// An attribute definition: Trägerschaft, Lage, Rolle, … or one a researcher added.
#[derive(Clone, Debug, Serialize)]
pub struct Attribute {
    pub id: AttributeId,
    pub scope: Scope,
    pub name: String,
    #[serde(flatten)]
    pub kind: AttributeKind,
}

/// Attribute values in the order of their definitions: (name, value).
pub type AttributeValues = Vec<(String, String)>;

/// A jobcenter, the case unit of the study.
#[derive(Clone, Debug, Serialize)]
pub struct Jobcenter {
    pub id: JobcenterId,
    pub name: String,
    #[serde(serialize_with = "serialize_values")]
    pub attributes: AttributeValues,
    pub documents: usize,
}

/// A document as listed: everything but its text.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub name: String,
    pub jobcenter_id: JobcenterId,
    pub jobcenter: String,
    pub source_name: String,
    pub encoding: String,
    pub chars: usize,
    pub turns: usize,
    pub segments: usize,
    #[serde(serialize_with = "serialize_values")]
    pub attributes: AttributeValues,
    pub imported_at: String,
}

/// One speaker turn of a transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Turn {
    pub speaker: String,
    pub timestamp: Option<String>,
    /// The characters of what was said, without the speaker label and timestamp.
    pub range: CharRange,
}

/// The turn (by position) a segment starting at `start` belongs to: the turn that contains it, or
/// on a speaker label between two turns the turn that follows; none before the first turn or
/// after the last. The same rule names a segment's speaker. `turns` are sorted and disjoint.
pub fn turn_at(turns: &[Turn], start: usize) -> Option<usize> {
    let after = turns.partition_point(|t| t.range.start.0 <= start);
    if after == 0 {
        return None;
    }
    if start < turns[after - 1].range.end.0 {
        Some(after - 1)
    } else {
        (after < turns.len()).then_some(after)
    }
}

/// A code of the code system.
#[derive(Clone, Debug, Serialize)]
pub struct Code {
    pub id: CodeId,
    pub parent: Option<CodeId>,
    pub name: String,
    /// Names from the top of the tree down to this code.
    pub path: CodePath,
    pub depth: usize,
    pub color: String,
    /// The coding rule, in Markdown.
    pub description: String,
}

/// A person who codes.
#[derive(Clone, Debug, Serialize)]
pub struct Coder {
    pub id: CoderId,
    pub name: String,
}

/// A coded segment with what a researcher needs to read it in context.
#[derive(Clone, Debug, Serialize)]
pub struct Segment {
    pub id: SegmentId,
    pub document_id: DocumentId,
    pub document: String,
    pub jobcenter: String,
    pub code_id: CodeId,
    pub code: CodePath,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    /// The text as it stood when the passage was coded.
    pub text: String,
    /// The speaker of the turn where the segment starts, if the document has turns.
    pub speaker: Option<String>,
    pub memo: String,
    pub created_at: String,
    pub modified_at: String,
}

impl Segment {
    pub fn range(&self) -> CharRange {
        CharRange {
            start: crate::model::range::CharPos(self.start),
            end: crate::model::range::CharPos(self.end),
        }
    }
}

/// A segment reduced to what counting needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentSpan {
    pub document: DocumentId,
    pub code: CodeId,
    pub coder: CoderId,
    pub range: CharRange,
}

/// What a memo is written about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum MemoTarget {
    Project,
    Jobcenter(JobcenterId),
    Document(DocumentId),
    Code(CodeId),
}

impl MemoTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            MemoTarget::Project => "project",
            MemoTarget::Jobcenter(_) => "jobcenter",
            MemoTarget::Document(_) => "document",
            MemoTarget::Code(_) => "code",
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            MemoTarget::Project => 0,
            MemoTarget::Jobcenter(id) => id.0,
            MemoTarget::Document(id) => id.0,
            MemoTarget::Code(id) => id.0,
        }
    }
}

/// A memo, written in Markdown.
#[derive(Clone, Debug, Serialize)]
pub struct Memo {
    pub target: MemoTarget,
    pub text: String,
    pub modified_at: String,
}

fn serialize_values<S: serde::Serializer>(
    values: &AttributeValues,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(values.len()))?;
    for (k, v) in values {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// One coding of a batch, as a script names it: a document by name or number, a code by path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCoding {
    #[serde(deserialize_with = "name_or_number")]
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub code: String,
    pub coder: String,
    #[serde(default)]
    pub memo: String,
}

/// A document reference written as `"HS-01"` or as its number `3`.
fn name_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Reference {
        Name(String),
        Number(u64),
    }
    Ok(match <Reference as serde::Deserialize>::deserialize(d)? {
        Reference::Name(name) => name,
        Reference::Number(n) => n.to_string(),
    })
}
