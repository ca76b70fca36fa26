//! Turning files into documents: encodings, line endings, Markdown, speaker turns.
//!
//! Each file is imported whole or not at all; a batch reports per file what came in or why not.

pub mod blocks;
pub mod container;
pub mod decode;
pub mod markdown;
pub mod office;
pub mod sample;
pub mod search;
pub mod turns;

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;
use serde::Serialize;

use crate::model::DocumentId;
use crate::model::file::FileError;
use crate::project::{NewDocument, Project};

/// Files larger than this are refused before they are read (64 MiB, some ten million words).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file was not imported, as a sentence a researcher understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is empty")]
    Empty,
    #[error("this is not a text file: it looks like {0}")]
    Binary(&'static str),
    #[error(
        "the file looks like UTF-16 text without a byte order mark; import it again with --encoding UTF-16LE (or UTF-16BE)"
    )]
    Utf16WithoutBom,
    #[error(
        "the file is not valid {encoding} (first broken character in line {line}); if you know its encoding, import it again with --encoding NAME, e.g. --encoding windows-1252"
    )]
    Undecodable { encoding: &'static str, line: usize },
    #[error(
        "read as {encoding}, the text shows signs of mojibake (such as “Ã¤” for “ä”); it is probably UTF-8, so import it without --encoding"
    )]
    Mojibake { encoding: &'static str },
    #[error(
        "the file starts with a byte order mark for {bom}, which contradicts the encoding you asked for"
    )]
    BomContradicts { bom: &'static str },
    #[error("the file has {} MB; transcripts larger than {} MB are refused", .0 / 1_000_000, MAX_FILE_BYTES / 1_000_000)]
    TooLarge(u64),
    #[error("the front matter (the block between the +++ lines) cannot be read: {0}")]
    FrontMatter(String),
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    #[error("{0}")]
    Office(String),
    #[error("the document holds no text of its own ({0})")]
    NoText(String),
    #[error("{0}")]
    Project(String),
}

/// What the researcher said about a batch: jobcenter, attributes, encoding.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The jobcenter for every file; overrides the front matter.
    pub jobcenter: Option<String>,
    /// Document attributes for every file; override the front matter.
    pub attributes: Vec<(String, String)>,
    /// Read every file in this encoding instead of detecting it.
    pub encoding: Option<&'static Encoding>,
}

/// What happened to one file of a batch.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub file: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A file's outcome.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Imported {
        document: DocumentId,
        name: String,
        jobcenter: String,
        encoding: String,
        /// How the encoding was chosen.
        detected_by: String,
        chars: usize,
        turns: usize,
        /// What went into the document's memo and what was left out (word processors' files).
        #[serde(skip_serializing_if = "String::is_empty")]
        remarks: String,
    },
    Refused {
        #[serde(serialize_with = "as_sentence")]
        reason: Refusal,
    },
}

fn as_sentence<S: serde::Serializer>(r: &Refusal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&r.to_string())
}

impl FileReport {
    pub fn imported(&self) -> bool {
        matches!(self.outcome, Outcome::Imported { .. })
    }
}

/// Imports files, and the transcripts (`.txt`, `.md`, `.docx`, `.odt`, `.rtf`, `.pdf`) directly inside folders, one transaction each.
pub fn import_paths(
    project: &mut Project,
    paths: &[PathBuf],
    options: &ImportOptions,
) -> Vec<FileReport> {
    let mut reports = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && is_transcript_name(p))
                    .collect(),
                Err(e) => {
                    reports.push(FileReport {
                        file: path.display().to_string(),
                        outcome: Outcome::Refused {
                            reason: Refusal::Unreadable(e.to_string()),
                        },
                    });
                    continue;
                }
            };
            files.sort();
            for file in files {
                reports.push(import_file(project, &file, options));
            }
        } else {
            reports.push(import_file(project, path, options));
        }
    }
    reports
}

/// The file name endings a folder's transcripts are picked by.
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "docx", "odt", "rtf", "pdf"];

/// Whether a file in a folder is taken for a transcript, by its name's ending.
pub fn is_transcript_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| TRANSCRIPT_EXTENSIONS.contains(&e.as_str()))
}

/// Imports one file whole, or refuses it and changes nothing.
pub fn import_file(project: &mut Project, path: &Path, options: &ImportOptions) -> FileReport {
    let outcome = read_file(path).and_then(|bytes| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        import_bytes(project, &name, &bytes, options)
    });
    FileReport {
        file: path.display().to_string(),
        outcome: match outcome {
            Ok(outcome) => outcome,
            Err(reason) => Outcome::Refused { reason },
        },
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, Refusal> {
    let metadata = std::fs::metadata(path).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    if metadata.is_dir() {
        return Err(Refusal::Unreadable("it is a folder".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(metadata.len()));
    }
    crate::model::file::read_limited(path, MAX_FILE_BYTES).map_err(|e| match e {
        FileError::TooLarge { limit } => Refusal::TooLarge(limit + 1),
        e => Refusal::Unreadable(e.to_string()),
    })
}

/// Imports the bytes of a file called `file_name` (its extension decides Markdown or plain text).
pub fn import_bytes(
    project: &mut Project,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Outcome, Refusal> {
    let (document, how, remarks) = prepare_with_remarks(file_name, bytes, options)?;
    let id = project
        .add_document(&document)
        .map_err(|e| Refusal::Project(e.to_string()))?;
    Ok(Outcome::Imported {
        document: id,
        name: document.name,
        jobcenter: document.jobcenter,
        encoding: document.encoding,
        detected_by: how.to_owned(),
        chars: crate::model::range::char_len(&document.text),
        turns: document.turns.len(),
        remarks,
    })
}

/// Decodes and parses a file into a document ready to store; touches no project.
pub fn prepare(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(NewDocument, &'static str), Refusal> {
    prepare_with_remarks(file_name, bytes, options).map(|(d, how, _)| (d, how))
}

/// As [`prepare`], with the sentence on what went into the memo or was left out.
pub fn prepare_with_remarks(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(NewDocument, &'static str, String), Refusal> {
    if let Some(format) = office::sniff(file_name, bytes)? {
        let read = office::read(format, file_name, bytes)?;
        let mut document = new_document(
            file_name,
            read.text,
            markdown::FrontMatter::default(),
            options,
        )?;
        document.turns = read.turns;
        document.memo = read.memo;
        document.encoding = office::format_name(format).to_owned();
        return Ok((document, "by its content", read.remarks));
    }
    let decoded = decode::decode(bytes, options.encoding)?;
    let path = Path::new(file_name);
    let is_markdown = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    );
    let (text, front) = if is_markdown {
        let rendered = markdown::render(&decoded.text)?;
        (rendered.text, rendered.front_matter)
    } else {
        (decoded.text, markdown::FrontMatter::default())
    };
    let mut document = new_document(file_name, text, front, options)?;
    document.turns = turns::find_turns(&document.text);
    document.encoding = decoded.encoding.to_owned();
    Ok((document, decoded.how, String::new()))
}

/// A document of this text (its turns still to be found), named after the file, in the jobcenter the researcher
/// or the front matter gave.
fn new_document(
    file_name: &str,
    text: String,
    front: markdown::FrontMatter,
    options: &ImportOptions,
) -> Result<NewDocument, Refusal> {
    if text.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    let path = Path::new(file_name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_name.to_owned());
    let jobcenter = options
        .jobcenter
        .clone()
        .or(front.jobcenter)
        .ok_or_else(|| Refusal::Project(crate::Error::NoJobcenter.to_string()))?;
    let mut attributes = front.attributes;
    for (key, value) in &options.attributes {
        attributes.retain(|(k, _)| crate::project::fold(k) != crate::project::fold(key));
        attributes.push((key.clone(), value.clone()));
    }
    Ok(NewDocument {
        name: front.name.unwrap_or(stem),
        jobcenter,
        text,
        turns: Vec::new(),
        source_name: file_name.to_owned(),
        encoding: String::new(),
        attributes,
        memo: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::range::TextIndex;

    fn check(file_name: &str, bytes: &[u8]) {
        if let Ok((doc, _)) = prepare(
            file_name,
            bytes,
            &ImportOptions {
                jobcenter: Some("X".into()),
                ..ImportOptions::default()
            },
        ) {
            let index = TextIndex::new(&doc.text);
            assert!(!doc.text.contains('\r'));
            for turn in &doc.turns {
                assert!(turn.range.start <= turn.range.end);
                assert!(index.slice(turn.range).is_some(), "turn outside the text");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            check("x.txt", &bytes);
            check("x.md", &bytes);
        }

        #[test]
        fn transcript_like_text_keeps_turns_on_the_text(
            lines in proptest::collection::vec(
                ("(I|B|B1|Frau K\\.|#00:0[0-9]:1[0-9]#|\\[00:01:02\\]|[a-zäöüß ]{0,5}):?[ \\t]?", "\\PC{0,40}"),
                0..20,
            ),
            crlf in proptest::bool::ANY,
        ) {
            let newline = if crlf { "\r\n" } else { "\n" };
            let text: String = lines.iter().map(|(a, b)| format!("{a}{b}{newline}")).collect();
            check("x.txt", text.as_bytes());
            check("x.md", text.as_bytes());
        }
    }
}
