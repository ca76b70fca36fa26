//! Word processors' files into transcript text: `.docx` (Office Open XML), `.odt` (OpenDocument),
//! `.rtf`, and the text layer of `.pdf`. Each reader writes lines into a [`Page`]; what is not the interview (comments,
//! footnotes, pictures, hidden and deleted text) stays out of the text, comments and notes go into
//! the document's memo, and the report says what was moved or left out.

pub mod docx;
pub mod odt;
pub mod pdf;
pub mod rtf;
mod tables;

use std::collections::BTreeMap;

use crate::model::Turn;
use crate::model::range::{CharRange, TextIndex};

use super::Refusal;
use super::container::ContainerError;
use super::turns;

/// What a reader made of a file: the text, the places where a turn must end, the turns it knows
/// for sure (rows of a transcript table), the notes for the memo and what it left out.
#[derive(Debug, Default)]
pub struct Page {
    text: String,
    /// Byte offsets at which any turn found in the text ends (headings, tables).
    breaks: Vec<usize>,
    /// Byte spans of transcript tables, whose turns are `fixed`.
    tables: Vec<(usize, usize)>,
    /// Turns read from table rows: byte span of the spoken text, speaker, timestamp.
    fixed: Vec<(usize, usize, String, Option<String>)>,
    pub notes: Vec<Note>,
    pub left_out: LeftOut,
}

/// A comment, footnote or endnote, with the text it was attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub author: Option<String>,
    pub anchor: String,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    Comment,
    Footnote,
    Endnote,
}

/// What a reader left out of the text, counted for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub pictures: usize,
    pub text_boxes: usize,
    pub hidden: usize,
    pub deletions: usize,
    pub headers_footers: usize,
    pub other: BTreeMap<&'static str, usize>,
}

/// A document read from a word processor's file, ready to become a `NewDocument`.
#[derive(Debug)]
pub struct OfficeDocument {
    pub text: String,
    pub turns: Vec<Turn>,
    pub memo: String,
    /// One sentence on what went into the memo and what was left out; empty if nothing.
    pub remarks: String,
}

impl Page {
    /// The text written so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Adds one line (a paragraph) to the text.
    pub fn line(&mut self, line: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(line);
    }

    /// Marks that a turn must not run on past this point (a heading or a table starts here).
    pub fn break_here(&mut self) {
        let at = if self.text.is_empty() {
            0
        } else {
            self.text.len() + 1
        };
        self.breaks.push(at);
    }

    /// Adds a document's blocks in order: a heading is a line of its own that no turn runs across.
    fn blocks(&mut self, blocks: impl IntoIterator<Item = Block>) {
        for block in blocks {
            match block {
                Block::Line { text, heading } => {
                    if heading {
                        self.break_here();
                    }
                    self.line(&text);
                    if heading {
                        self.break_here();
                    }
                }
                Block::Table(rows) => self.table(rows),
            }
        }
    }

    /// Adds a table: as a transcript (one turn per row) if it looks like one, else one line per
    /// row with cells separated by tabs.
    pub fn table(&mut self, rows: Vec<Vec<String>>) {
        if rows.is_empty() {
            return;
        }
        self.break_here();
        match tables::transcript_columns(&rows) {
            Some(columns) => {
                let start = if self.text.is_empty() {
                    0
                } else {
                    self.text.len() + 1
                };
                for (i, row) in rows.iter().enumerate() {
                    if i == 0 && columns.header {
                        self.line(&row.join("\t"));
                        continue;
                    }
                    let speaker = row[columns.speaker].trim().trim_end_matches(':').trim();
                    let spoken = row[columns.text].trim();
                    let time = columns.time.map(|t| row[t].trim()).unwrap_or("");
                    let mut line = String::new();
                    if !time.is_empty() {
                        line.push_str(time);
                        line.push(' ');
                    }
                    if !speaker.is_empty() {
                        line.push_str(speaker);
                        line.push_str(": ");
                    }
                    let at = line.len();
                    line.push_str(spoken);
                    let base = if self.text.is_empty() {
                        0
                    } else {
                        self.text.len() + 1
                    };
                    self.line(&line);
                    if !speaker.is_empty() {
                        self.fixed.push((
                            base + at,
                            base + line.len(),
                            speaker.to_owned(),
                            (!time.is_empty()).then(|| turns::timestamp_text(time).to_owned()),
                        ));
                    }
                }
                self.tables.push((start, self.text.len()));
            }
            None => {
                for row in &rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| c.split('\n').collect::<Vec<_>>().join(" "))
                        .collect();
                    self.line(&cells.join("\t"));
                }
            }
        }
        self.break_here();
    }

    /// The finished document: the text without empty lines at its start and end, its turns, the
    /// memo and the report's sentence.
    pub fn finish(self, file_name: &str) -> Result<OfficeDocument, Refusal> {
        let lead = self.text.len() - self.text.trim_start_matches('\n').len();
        let text = self.text.trim_matches('\n').to_owned();
        if text.trim().is_empty() {
            return Err(
                if self.notes.is_empty() && self.left_out == LeftOut::default() {
                    Refusal::Empty
                } else {
                    Refusal::NoText(self.remarks_sentence())
                },
            );
        }
        let shift = |b: usize| b.saturating_sub(lead).min(text.len());
        let index = TextIndex::new(&text);
        let chars = |b: usize| index.char_of(shift(b)).map(|c| c.0).unwrap_or(0);
        let tables: Vec<(usize, usize)> = self
            .tables
            .iter()
            .map(|&(s, e)| (chars(s), chars(e)))
            .collect();
        let breaks: Vec<usize> = self.breaks.iter().map(|&b| chars(b)).collect();
        let mut found: Vec<Turn> = turns::find_turns(&text)
            .into_iter()
            .filter(|t| {
                !tables
                    .iter()
                    .any(|&(s, e)| t.range.start.0 >= s && t.range.start.0 <= e)
            })
            .map(|mut t| {
                if let Some(&b) = breaks
                    .iter()
                    .filter(|&&b| b > t.range.start.0 && b < t.range.end.0)
                    .min()
                {
                    let body: String = text
                        .chars()
                        .skip(t.range.start.0)
                        .take(b - t.range.start.0)
                        .collect();
                    let mut body = body.trim_end();
                    if t.timestamp.is_none()
                        && let Some((ts, at)) = turns::trailing_timestamp(body)
                    {
                        t.timestamp = Some(ts.to_owned());
                        body = body[..at].trim_end();
                    }
                    t.range.end.0 = t.range.start.0 + body.chars().count();
                }
                t
            })
            .collect();
        for (s, e, speaker, timestamp) in &self.fixed {
            found.push(Turn {
                speaker: speaker.clone(),
                timestamp: timestamp.clone(),
                range: CharRange {
                    start: crate::model::CharPos(chars(*s)),
                    end: crate::model::CharPos(chars(*e)),
                },
            });
        }
        found.sort_by_key(|t| t.range.start.0);
        let memo = memo(&self.notes, file_name);
        let remarks = self.remarks_sentence();
        Ok(OfficeDocument {
            text,
            turns: found,
            memo,
            remarks,
        })
    }

    fn remarks_sentence(&self) -> String {
        let count = |kind: NoteKind| self.notes.iter().filter(|n| n.kind == kind).count();
        let moved: Vec<String> = [
            (count(NoteKind::Comment), "comment", "comments"),
            (count(NoteKind::Footnote), "footnote", "footnotes"),
            (count(NoteKind::Endnote), "endnote", "endnotes"),
        ]
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect();
        let l = &self.left_out;
        let mut out: Vec<String> = [
            (l.pictures, "picture", "pictures"),
            (l.text_boxes, "text box", "text boxes"),
            (
                l.hidden,
                "passage of hidden text",
                "passages of hidden text",
            ),
            (
                l.deletions,
                "deletion of tracked changes",
                "deletions of tracked changes",
            ),
            (
                l.headers_footers,
                "page header or footer",
                "page headers and footers",
            ),
        ]
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect();
        out.extend(l.other.iter().map(|(what, n)| format!("{n} {what}")));
        let mut sentence = String::new();
        if !moved.is_empty() {
            sentence.push_str(&format!("{} moved to the memo", join_and(&moved)));
        }
        if !out.is_empty() {
            if !sentence.is_empty() {
                sentence.push_str(", ");
            }
            sentence.push_str(&format!("{} left out", join_and(&out)));
        }
        sentence
    }
}

/// A block of the body: a paragraph's line or a table's rows.
enum Block {
    Line { text: String, heading: bool },
    Table(Vec<Vec<String>>),
}

/// Blocks as plain lines: a table's rows with tabs between cells.
fn flatten(blocks: Vec<Block>) -> String {
    let mut lines = Vec::new();
    for block in blocks {
        match block {
            Block::Line { text, .. } => lines.push(text),
            Block::Table(rows) => {
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| c.replace('\n', " ")).collect();
                    lines.push(cells.join("\t"));
                }
            }
        }
    }
    lines.join("\n")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The document's memo: each comment and note with the text it was attached to.
fn memo(notes: &[Note], file_name: &str) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = format!("Kommentare und Anmerkungen aus „{file_name}“\n");
    let mut footnote = 0;
    let mut endnote = 0;
    for note in notes {
        let head = match note.kind {
            NoteKind::Comment => match &note.author {
                Some(author) => format!("Kommentar von {author}"),
                None => "Kommentar".to_owned(),
            },
            NoteKind::Footnote => {
                footnote += 1;
                format!("Fußnote {footnote}")
            }
            NoteKind::Endnote => {
                endnote += 1;
                format!("Endnote {endnote}")
            }
        };
        out.push('\n');
        if note.anchor.trim().is_empty() {
            out.push_str(&format!("{head}: {}\n", note.body.trim()));
        } else {
            out.push_str(&format!(
                "{head} zu „{}“: {}\n",
                note.anchor.trim(),
                note.body.trim()
            ));
        }
    }
    out
}

/// Whether a style's name (not its id, which Word translates: `berschrift1`) makes a heading.
pub(crate) fn is_heading_name(name: &str) -> bool {
    let name = name.trim().trim_end_matches(';').trim().to_lowercase();
    [
        "heading",
        "überschrift",
        "title",
        "titel",
        "subtitle",
        "untertitel",
    ]
    .iter()
    .any(|h| name.starts_with(h))
}

/// Which word processor's format a file is in, by its first bytes and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Odt,
    Rtf,
    Pdf,
}

/// Recognises a word processor's file, or refuses one that cannot be read; `Ok(None)` for
/// anything else (plain text goes on to be decoded).
pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<Option<Format>, Refusal> {
    let ext = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let named = match ext.as_str() {
        "docx" | "docm" | "dotx" => Some("Word (.docx)"),
        "odt" | "ott" => Some("OpenDocument (.odt)"),
        "rtf" => Some("RTF"),
        "pdf" => Some("PDF"),
        "doc" => Some("Word (.doc)"),
        _ => None,
    };
    if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Err(if is_encrypted_ooxml(bytes) {
            Refusal::Office(
                "it is protected by a password; open it in Word or LibreOffice, remove the password (save it without one) and import it again".into(),
            )
        } else {
            Refusal::Office(
                "it is an old Word file (.doc); open it in Word or LibreOffice and save it as .docx, then import that".into(),
            )
        });
    }
    if bytes.starts_with(b"PK") {
        return match ext.as_str() {
            "odt" | "ott" => Ok(Some(Format::Odt)),
            "docx" | "docm" | "dotx" => Ok(Some(Format::Docx)),
            _ if contains(bytes, b"word/document.xml") => Ok(Some(Format::Docx)),
            _ if contains(bytes, b"application/vnd.oasis.opendocument.text") => {
                Ok(Some(Format::Odt))
            }
            _ => Err(Refusal::Binary(
                "a zip archive that holds no Word or OpenDocument text",
            )),
        };
    }
    if bytes.starts_with(b"{\\rtf") {
        return Ok(Some(Format::Rtf));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(Some(Format::Pdf));
    }
    match named {
        Some(kind) if !bytes.is_empty() => Err(Refusal::Office(format!(
            "it is named as a {kind} file but is not one (its content is something else); check that it is the right file"
        ))),
        _ => Ok(None),
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An encrypted Office Open XML file is a compound file with an `EncryptionInfo` stream.
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    contains(bytes, &name)
}

/// Reads a word processor's file into a document.
pub fn read(format: Format, file_name: &str, bytes: &[u8]) -> Result<OfficeDocument, Refusal> {
    let page = match format {
        Format::Docx => docx::read(bytes)?,
        Format::Odt => odt::read(bytes)?,
        Format::Rtf => rtf::read(bytes)?,
        Format::Pdf => pdf::read(bytes)?,
    };
    page.finish(file_name)
}

/// The name of a format as the report gives it.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Docx => "Word (.docx)",
        Format::Odt => "OpenDocument (.odt)",
        Format::Rtf => "RTF",
        Format::Pdf => "PDF",
    }
}

/// A container's refusal as a sentence about an office file.
pub(crate) fn refused(e: ContainerError, what: &str) -> Refusal {
    match e {
        ContainerError::NotZip => Refusal::Office(format!(
            "it is not a readable {what} file: the zip archive inside is broken or cut short; save it again from the word processor"
        )),
        ContainerError::Encrypted(_) => Refusal::Office(
            "it is protected by a password; remove the password in the word processor and import it again".into(),
        ),
        ContainerError::Unsafe(reason) => Refusal::Office(format!(
            "it was refused for safety because {reason}; nothing was imported"
        )),
        ContainerError::Broken(reason) => Refusal::Office(format!(
            "it is not a readable {what} file because {reason}; save it again from the word processor"
        )),
    }
}

/// Opens the zip archive of an office file.
pub(crate) fn open<'a>(
    bytes: &'a [u8],
    what: &str,
) -> Result<super::container::Archive<std::io::Cursor<&'a [u8]>>, Refusal> {
    super::container::Archive::new(std::io::Cursor::new(bytes)).map_err(|e| match e {
        super::container::OpenError::Container(e) => refused(e, what),
        super::container::OpenError::Io(e) => Refusal::Unreadable(e.to_string()),
    })
}

/// Reads and parses one XML part of an office file, `None` if the archive has no such entry.
pub(crate) fn part(
    zip: &mut super::container::Archive<std::io::Cursor<&[u8]>>,
    name: &str,
    what: &str,
) -> Result<Option<super::container::Element>, Refusal> {
    let Some(index) = zip.find(name) else {
        return Ok(None);
    };
    let bytes = zip.read(index).map_err(|e| refused(e, what))?;
    super::container::parse_xml(&bytes)
        .map(Some)
        .map_err(|e| match e {
            ContainerError::Broken(reason) => {
                refused(ContainerError::Broken(format!("{name}: {reason}")), what)
            }
            e => refused(e, what),
        })
}
