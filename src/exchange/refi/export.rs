//! Writing QDPX projects and QDC codebooks.
//!
//! The XML follows the REFI-QDA schemas (`Project.xsd`, `Codebook.xsd`): elements in schema order,
//! no empty list elements. Everything written derives from the project's stored GUIDs and data,
//! never from the time of the export, so exporting twice gives the same bytes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Cursor, Write};
use std::path::{Path, PathBuf};

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::exchange::csv::write_atomically;
use crate::model::bundle::{
    Bundle, BundleCode, BundleSegment, VariableScope, derived_guid, normalise_guid,
};
use crate::model::error::{Error, Result};
use crate::model::range::{CharRange, TextIndex};
use crate::project::Project;

const PROJECT_NAMESPACE: &str = "urn:QDA-XML:project:1.0";
const CODEBOOK_NAMESPACE: &str = "urn:QDA-XML:codebook:1.0";

/// How a choice attribute's allowed values open its REFI `Description`.
const CHOICES_PREFIX: &str = "Werte: ";
const CHOICES_SEPARATOR: &str = " | ";

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportSummary {
    pub path: PathBuf,
    /// True for a QDC codebook, which holds codes only.
    pub codebook_only: bool,
    pub users: usize,
    pub codes: usize,
    pub variables: usize,
    pub cases: usize,
    pub sources: usize,
    /// Coded segments, written as selections with one coding each.
    pub segments: usize,
    pub sets: usize,
    /// Memos, written as notes (the project memo is the project's description).
    pub notes: usize,
}

impl fmt::Display for ExportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if self.codebook_only {
            return write!(
                f,
                "Wrote the REFI-QDA codebook {} with {}.",
                self.path.display(),
                count(self.codes, "code", "codes")
            );
        }
        write!(
            f,
            "Wrote the REFI-QDA project {}: {}, {}, {}, {}, {}, {}, {} and {}.",
            self.path.display(),
            count(self.sources, "document", "documents"),
            count(self.segments, "coded segment", "coded segments"),
            count(self.codes, "code", "codes"),
            count(self.users, "coder", "coders"),
            count(self.cases, "jobcenter", "jobcenters"),
            count(self.variables, "attribute", "attributes"),
            count(self.sets, "set", "sets"),
            count(self.notes, "memo", "memos"),
        )
    }
}

/// The REFI `Description` of a variable: its allowed values (which REFI has no place for) first,
/// then its own description. [`choices_from_description`] reads it back.
pub fn choices_description(choices: &[String], description: &str) -> String {
    let description = description.trim();
    if choices.is_empty() {
        return description.to_owned();
    }
    let values = format!("{CHOICES_PREFIX}{}", choices.join(CHOICES_SEPARATOR));
    if description.is_empty() {
        values
    } else {
        format!("{values}\n\n{description}")
    }
}

/// The allowed values and the rest of a variable's REFI `Description`, as
/// [`choices_description`] writes it; no values if it does not start that way.
pub fn choices_from_description(text: &str) -> (Vec<String>, String) {
    let text = text.trim();
    let Some(rest) = text.strip_prefix(CHOICES_PREFIX) else {
        return (Vec::new(), text.to_owned());
    };
    let (line, description) = rest.split_once('\n').unwrap_or((rest, ""));
    let choices: Vec<String> = line
        .split(CHOICES_SEPARATOR.trim())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    (choices, description.trim().to_owned())
}

/// Where a source's text lies inside a QDPX: `sources/<guid>.txt`.
pub fn source_file_name(guid: &str) -> String {
    format!("sources/{}.txt", source_file_stem(guid))
}

/// The name of a source's text file: its GUID when that is one (nothing else may come from the
/// project into a path inside the archive), else a GUID derived from it.
fn source_file_stem(guid: &str) -> String {
    match normalise_guid(guid) {
        Some(g) if g == guid.to_ascii_lowercase() => g,
        _ => derived_guid(guid, "source file"),
    }
}

/// The `project.qde` of a bundle.
pub fn project_xml(bundle: &Bundle) -> String {
    let plan = Plan::new(bundle);
    let mut buffer = Vec::new();
    let written = write_project(&mut buffer, bundle, &plan);
    into_string(buffer, written)
}

/// A QDC codebook of the bundle's codes. The schema wants at least one code; [`export_qdc`]
/// refuses a project without codes.
pub fn codebook_xml(bundle: &Bundle) -> String {
    let mut buffer = Vec::new();
    let written = write_codebook(&mut buffer, bundle);
    into_string(buffer, written)
}

/// Writes the project as a QDPX file (a zip of `project.qde` and `sources/`), atomically.
pub fn export_qdpx(project: &Project, out: &Path) -> Result<ExportSummary> {
    let bundle = project.to_bundle()?;
    let plan = Plan::new(&bundle);
    write_atomically(out, |file| {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::DEFAULT)
            .unix_permissions(0o644);
        zip.start_file("project.qde", options)
            .map_err(io::Error::other)?;
        write_project(&mut zip, &bundle, &plan)?;
        for source in &bundle.sources {
            zip.start_file(source_file_name(&source.guid), options)
                .map_err(io::Error::other)?;
            zip.write_all(source.text.as_bytes())?;
        }
        let bytes = zip.finish().map_err(io::Error::other)?.into_inner();
        file.write_all(&bytes)
    })?;
    Ok(plan.summary(&bundle, out))
}

/// Writes the project's code system as a QDC codebook, atomically.
pub fn export_qdc(project: &Project, out: &Path) -> Result<ExportSummary> {
    let bundle = project.codebook_bundle()?;
    if bundle.codes.is_empty() {
        return Err(Error::EmptyCodebook);
    }
    let xml = codebook_xml(&bundle);
    write_atomically(out, |file| file.write_all(xml.as_bytes()))?;
    Ok(ExportSummary {
        path: out.to_owned(),
        codebook_only: true,
        codes: bundle.codes.len(),
        ..ExportSummary::default()
    })
}

fn into_string(buffer: Vec<u8>, written: io::Result<()>) -> String {
    if let Err(e) = written {
        unreachable!("writing XML into memory cannot fail: {e}");
    }
    String::from_utf8(buffer).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn origin() -> String {
    format!("Kodierwerk {}", env!("CARGO_PKG_VERSION"))
}

/// A memo written as a REFI note, with the time and coder of what it belongs to where known
/// (other programs need a note's `creationDateTime`).
struct Note<'b> {
    guid: String,
    name: String,
    text: &'b str,
    created: Option<&'b str>,
    user: Option<&'b str>,
}

/// A coded segment as it will be written, with the text it covers.
struct Selection<'b> {
    segment: &'b BundleSegment,
    text: &'b str,
    note: Option<String>,
}

/// A group of documents: those of the jobcenters with one value of a choice attribute.
struct Set<'b> {
    guid: String,
    name: String,
    members: Vec<&'b str>,
}

/// What the XML will hold beyond the bundle itself: notes, sets and checked selections.
struct Plan<'b> {
    notes: Vec<Note<'b>>,
    /// Note GUIDs by the GUID of the code or source they belong to.
    note_of: HashMap<&'b str, String>,
    selections: HashMap<&'b str, Vec<Selection<'b>>>,
    sets: Vec<Set<'b>>,
    users: HashSet<&'b str>,
}

fn note_guid(target: &str) -> String {
    derived_guid(target, "memo")
}

impl<'b> Plan<'b> {
    fn new(bundle: &'b Bundle) -> Self {
        let mut notes = Vec::new();
        let mut note_of = HashMap::new();
        let users: HashSet<&str> = bundle.users.iter().map(|u| u.guid.as_str()).collect();
        // a code's memo is dated by the code's first coding, else by the first source
        let first_source = bundle
            .sources
            .iter()
            .map(|s| s.created_at.as_str())
            .filter(|t| is_xsd_date_time(t))
            .min();
        let mut first_coding: HashMap<&str, &str> = HashMap::new();
        for segment in &bundle.segments {
            if is_xsd_date_time(&segment.created_at) {
                let first = first_coding
                    .entry(segment.code.as_str())
                    .or_insert(segment.created_at.as_str());
                *first = (*first).min(segment.created_at.as_str());
            }
        }
        for code in &bundle.codes {
            if !code.memo.trim().is_empty() {
                let guid = note_guid(&code.guid);
                note_of.insert(code.guid.as_str(), guid.clone());
                notes.push(Note {
                    guid,
                    name: format!("Memo – {}", code.name),
                    text: &code.memo,
                    created: first_coding
                        .get(code.guid.as_str())
                        .copied()
                        .or(first_source),
                    user: None,
                });
            }
        }

        let codes: HashSet<&str> = bundle.codes.iter().map(|c| c.guid.as_str()).collect();
        let mut by_source: HashMap<&str, Vec<&BundleSegment>> = HashMap::new();
        for segment in &bundle.segments {
            by_source
                .entry(segment.source.as_str())
                .or_default()
                .push(segment);
        }
        let mut selections = HashMap::new();
        for source in &bundle.sources {
            if !source.memo.trim().is_empty() {
                let guid = note_guid(&source.guid);
                note_of.insert(source.guid.as_str(), guid.clone());
                notes.push(Note {
                    guid,
                    name: format!("Memo – {}", source.name),
                    text: &source.memo,
                    created: Some(source.created_at.as_str())
                        .filter(|t| is_xsd_date_time(t))
                        .or(first_source),
                    user: None,
                });
            }
            let Some(segments) = by_source.get(source.guid.as_str()) else {
                continue;
            };
            let index = TextIndex::new(&source.text);
            let mut list = Vec::with_capacity(segments.len());
            for segment in segments {
                let Some(text) = CharRange::within(segment.start, segment.end, index.char_len())
                    .ok()
                    .and_then(|range| index.slice(range))
                else {
                    continue;
                };
                if !codes.contains(segment.code.as_str()) {
                    continue;
                }
                let note = (!segment.memo.trim().is_empty()).then(|| {
                    let guid = note_guid(&segment.guid);
                    notes.push(Note {
                        guid: guid.clone(),
                        name: format!("Memo – {} {}–{}", source.name, segment.start, segment.end),
                        text: &segment.memo,
                        created: Some(segment.created_at.as_str())
                            .filter(|t| is_xsd_date_time(t))
                            .or(first_source),
                        user: Some(segment.user.as_str()).filter(|u| users.contains(u)),
                    });
                    guid
                });
                list.push(Selection {
                    segment,
                    text,
                    note,
                });
            }
            selections.insert(source.guid.as_str(), list);
        }

        let mut sets = Vec::new();
        for variable in &bundle.variables {
            if variable.scope != VariableScope::Case {
                continue;
            }
            for value in &variable.choices {
                let cases: HashSet<&str> = bundle
                    .cases
                    .iter()
                    .filter(|c| {
                        c.values
                            .iter()
                            .any(|(v, x)| *v == variable.guid && x == value)
                    })
                    .map(|c| c.guid.as_str())
                    .collect();
                let members: Vec<&str> = bundle
                    .sources
                    .iter()
                    .filter(|s| s.case.as_deref().is_some_and(|c| cases.contains(c)))
                    .map(|s| s.guid.as_str())
                    .collect();
                if !members.is_empty() {
                    sets.push(Set {
                        guid: derived_guid(&variable.guid, value),
                        name: format!("{} = {value}", variable.name),
                        members,
                    });
                }
            }
        }

        Self {
            notes,
            note_of,
            selections,
            sets,
            users,
        }
    }

    fn summary(&self, bundle: &Bundle, path: &Path) -> ExportSummary {
        ExportSummary {
            path: path.to_owned(),
            codebook_only: false,
            users: bundle.users.len(),
            codes: bundle.codes.len(),
            variables: bundle.variables.len(),
            cases: bundle.cases.len(),
            sources: bundle.sources.len(),
            segments: self.selections.values().map(Vec::len).sum(),
            sets: self.sets.len(),
            notes: self.notes.len(),
        }
    }
}

fn write_project<W: Write>(out: W, bundle: &Bundle, plan: &Plan<'_>) -> io::Result<()> {
    let mut x = Xml::new(out);
    x.declaration()?;
    let origin = origin();
    x.start(
        "Project",
        &[
            ("xmlns", PROJECT_NAMESPACE),
            ("name", &bundle.name),
            ("origin", &origin),
        ],
    )?;

    if !bundle.users.is_empty() {
        x.start("Users", &[])?;
        for user in &bundle.users {
            x.empty("User", &[("guid", &user.guid), ("name", &user.name)])?;
        }
        x.end("Users")?;
    }

    if !bundle.codes.is_empty() {
        x.start("CodeBook", &[])?;
        write_codes(&mut x, bundle, Some(plan))?;
        x.end("CodeBook")?;
    }

    let variables: HashMap<&str, bool> = bundle
        .variables
        .iter()
        .map(|v| (v.guid.as_str(), v.is_date))
        .collect();
    if !bundle.variables.is_empty() {
        x.start("Variables", &[])?;
        for variable in &bundle.variables {
            let kind = if variable.is_date { "Date" } else { "Text" };
            let attributes = [
                ("guid", variable.guid.as_str()),
                ("name", variable.name.as_str()),
                ("typeOfVariable", kind),
            ];
            let description = choices_description(&variable.choices, &variable.description);
            if description.is_empty() {
                x.empty("Variable", &attributes)?;
            } else {
                x.start("Variable", &attributes)?;
                x.text_element("Description", &description)?;
                x.end("Variable")?;
            }
        }
        x.end("Variables")?;
    }

    if !bundle.cases.is_empty() {
        x.start("Cases", &[])?;
        for case in &bundle.cases {
            x.start("Case", &[("guid", &case.guid), ("name", &case.name)])?;
            if !case.memo.trim().is_empty() {
                // A case cannot refer to a note; its memo is its description.
                x.text_element("Description", &case.memo)?;
            }
            write_values(&mut x, &case.values, &variables)?;
            for source in &bundle.sources {
                if source.case.as_deref() == Some(case.guid.as_str()) {
                    x.empty("SourceRef", &[("targetGUID", &source.guid)])?;
                }
            }
            x.end("Case")?;
        }
        x.end("Cases")?;
    }

    if !bundle.sources.is_empty() {
        x.start("Sources", &[])?;
        for source in &bundle.sources {
            let path = format!("internal://{}.txt", source_file_stem(&source.guid));
            let mut attributes = vec![
                ("guid", source.guid.as_str()),
                ("name", source.name.as_str()),
                ("plainTextPath", path.as_str()),
            ];
            if is_xsd_date_time(&source.created_at) {
                attributes.push(("creationDateTime", source.created_at.as_str()));
            }
            x.start("TextSource", &attributes)?;
            for selection in plan
                .selections
                .get(source.guid.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                write_selection(&mut x, selection, plan)?;
            }
            if let Some(note) = plan.note_of.get(source.guid.as_str()) {
                x.empty("NoteRef", &[("targetGUID", note)])?;
            }
            write_values(&mut x, &source.values, &variables)?;
            x.end("TextSource")?;
        }
        x.end("Sources")?;
    }

    if !plan.notes.is_empty() {
        x.start("Notes", &[])?;
        for note in &plan.notes {
            let mut attributes = vec![("guid", note.guid.as_str()), ("name", note.name.as_str())];
            if let Some(user) = note.user {
                attributes.push(("creatingUser", user));
            }
            if let Some(created) = note.created {
                attributes.push(("creationDateTime", created));
            }
            x.start("Note", &attributes)?;
            x.text_element("PlainTextContent", note.text)?;
            x.end("Note")?;
        }
        x.end("Notes")?;
    }

    if !plan.sets.is_empty() {
        x.start("Sets", &[])?;
        for set in &plan.sets {
            x.start("Set", &[("guid", &set.guid), ("name", &set.name)])?;
            for member in &set.members {
                x.empty("MemberSource", &[("targetGUID", member)])?;
            }
            x.end("Set")?;
        }
        x.end("Sets")?;
    }

    if !bundle.memo.trim().is_empty() {
        x.text_element("Description", &bundle.memo)?;
    }
    x.end("Project")?;
    x.finish()
}

fn write_selection<W: Write>(
    x: &mut Xml<W>,
    selection: &Selection<'_>,
    plan: &Plan<'_>,
) -> io::Result<()> {
    let segment = selection.segment;
    let start = segment.start.to_string();
    let end = segment.end.to_string();
    let user = plan
        .users
        .contains(segment.user.as_str())
        .then_some(segment.user.as_str());
    let created = is_xsd_date_time(&segment.created_at).then_some(segment.created_at.as_str());
    let mut attributes = vec![
        ("guid", segment.guid.as_str()),
        ("name", selection.text),
        ("startPosition", start.as_str()),
        ("endPosition", end.as_str()),
    ];
    let mut stamp = Vec::new();
    if let Some(user) = user {
        stamp.push(("creatingUser", user));
    }
    if let Some(created) = created {
        stamp.push(("creationDateTime", created));
    }
    attributes.extend(stamp.iter().copied());
    x.start("PlainTextSelection", &attributes)?;
    let coding = derived_guid(&segment.guid, "coding");
    let mut coding_attributes = vec![("guid", coding.as_str())];
    coding_attributes.extend(stamp.iter().copied());
    x.start("Coding", &coding_attributes)?;
    x.empty("CodeRef", &[("targetGUID", &segment.code)])?;
    x.end("Coding")?;
    if let Some(note) = &selection.note {
        x.empty("NoteRef", &[("targetGUID", note)])?;
    }
    x.end("PlainTextSelection")
}

fn write_values<W: Write>(
    x: &mut Xml<W>,
    values: &[(String, String)],
    variables: &HashMap<&str, bool>,
) -> io::Result<()> {
    for (variable, value) in values {
        let Some(is_date) = variables.get(variable.as_str()) else {
            continue;
        };
        x.start("VariableValue", &[])?;
        x.empty("VariableRef", &[("targetGUID", variable)])?;
        if *is_date && is_xsd_date(value) {
            x.text_element("DateValue", value)?;
        } else {
            x.text_element("TextValue", value)?;
        }
        x.end("VariableValue")?;
    }
    Ok(())
}

fn write_codebook<W: Write>(out: W, bundle: &Bundle) -> io::Result<()> {
    let mut x = Xml::new(out);
    x.declaration()?;
    let origin = origin();
    x.start(
        "CodeBook",
        &[("xmlns", CODEBOOK_NAMESPACE), ("origin", &origin)],
    )?;
    write_codes(&mut x, bundle, None)?;
    x.end("CodeBook")?;
    x.finish()
}

/// The `Codes` element with the tree; with a plan (a project) codes refer to their memo notes.
fn write_codes<W: Write>(
    x: &mut Xml<W>,
    bundle: &Bundle,
    plan: Option<&Plan<'_>>,
) -> io::Result<()> {
    let known: HashSet<&str> = bundle.codes.iter().map(|c| c.guid.as_str()).collect();
    let mut children: HashMap<Option<&str>, Vec<&BundleCode>> = HashMap::new();
    for code in &bundle.codes {
        let parent = code.parent.as_deref().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(code);
    }
    x.start("Codes", &[])?;
    for code in children.get(&None).map(Vec::as_slice).unwrap_or_default() {
        write_code(x, code, &children, plan)?;
    }
    x.end("Codes")
}

fn write_code<W: Write>(
    x: &mut Xml<W>,
    code: &BundleCode,
    children: &HashMap<Option<&str>, Vec<&BundleCode>>,
    plan: Option<&Plan<'_>>,
) -> io::Result<()> {
    let mut attributes = vec![
        ("guid", code.guid.as_str()),
        ("name", code.name.as_str()),
        ("isCodable", "true"),
    ];
    if is_rgb(&code.color) {
        attributes.push(("color", code.color.as_str()));
    }
    let kids = children
        .get(&Some(code.guid.as_str()))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let note = plan.and_then(|p| p.note_of.get(code.guid.as_str()));
    if kids.is_empty() && note.is_none() && code.description.trim().is_empty() {
        return x.empty("Code", &attributes);
    }
    x.start("Code", &attributes)?;
    if !code.description.trim().is_empty() {
        x.text_element("Description", &code.description)?;
    }
    if let Some(note) = note {
        x.empty("NoteRef", &[("targetGUID", note)])?;
    }
    for kid in kids {
        write_code(x, kid, children, plan)?;
    }
    x.end("Code")
}

/// `#RRGGBB` or `#RGB`, as the schema's `RGBType` wants.
fn is_rgb(color: &str) -> bool {
    color.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 6 || hex.len() == 3) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// `YYYY-MM-DD`, as `xsd:date` wants it (without a time zone).
fn is_xsd_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// `YYYY-MM-DDThh:mm:ss`, optionally with fractions and a zone (`Z`, `+hh:mm`), as
/// `xsd:dateTime` wants it.
fn is_xsd_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 19 || !is_xsd_date(&text[..10]) || b[10] != b'T' {
        return false;
    }
    let time_ok = b[11..19].iter().enumerate().all(|(i, c)| match i {
        2 | 5 => *c == b':',
        _ => c.is_ascii_digit(),
    });
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    let zone_ok = match rest.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    time_ok && zone_ok
}

/// Whether XML 1.0 can carry a character at all (even as a character reference).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes an attribute value so that a parser gives back exactly this text: line breaks and
/// tabs as character references (a parser would turn them into spaces otherwise). Characters
/// XML cannot carry become U+FFFD, which keeps positions counted in characters.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes element text; a carriage return as a reference, so that it is not read as a line end.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A thin layer over quick-xml's writer with this module's escaping.
struct Xml<W: Write> {
    writer: Writer<W>,
}

impl<W: Write> Xml<W> {
    fn new(out: W) -> Self {
        Self {
            writer: Writer::new_with_indent(out, b' ', 2),
        }
    }

    fn declaration(&mut self) -> io::Result<()> {
        self.writer.write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("utf-8"),
            Some("yes"),
        )))
    }

    fn element<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
        let mut element = BytesStart::new(name);
        for (key, value) in attributes {
            element.push_attribute(Attribute {
                key: QName(key.as_bytes()),
                value: Cow::Owned(escape_attribute(value).into_bytes()),
            });
        }
        element
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.writer
            .write_event(Event::Start(Self::element(name, attributes)))
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
        self.writer
            .write_event(Event::Empty(Self::element(name, attributes)))
    }

    fn end(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    fn text_element(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.start(name, &[])?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(escape_text(text))))?;
        self.end(name)
    }

    fn finish(mut self) -> io::Result<()> {
        self.writer.get_mut().write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::bundle::{Case, Source, User, Variable};

    const G: [&str; 8] = [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
        "00000000-0000-4000-8000-000000000004",
        "00000000-0000-4000-8000-000000000005",
        "00000000-0000-4000-8000-000000000006",
        "00000000-0000-4000-8000-000000000007",
        "00000000-0000-4000-8000-000000000008",
    ];

    fn bundle() -> Bundle {
        Bundle {
            name: "Studie <&>".into(),
            memo: "Projekt-Memo".into(),
            users: vec![User {
                guid: G[0].into(),
                name: "Anna \"A\"".into(),
            }],
            codes: vec![
                BundleCode {
                    guid: G[1].into(),
                    parent: None,
                    name: "Arbeitslogik".into(),
                    color: "#3B6FB6".into(),
                    description: "Regel & mehr".into(),
                    memo: "Code-Memo".into(),
                },
                BundleCode {
                    guid: G[2].into(),
                    parent: Some(G[1].into()),
                    name: "Sozialberatung".into(),
                    color: "#7ACB63".into(),
                    description: String::new(),
                    memo: String::new(),
                },
            ],
            variables: vec![Variable {
                guid: G[3].into(),
                name: "Trägerschaft".into(),
                scope: VariableScope::Case,
                is_date: false,
                choices: vec!["gE".into(), "zkT".into()],
                description: String::new(),
            }],
            cases: vec![Case {
                guid: G[4].into(),
                name: "Jobcenter Nord".into(),
                values: vec![(G[3].into(), "zkT".into())],
                memo: "Fall-Memo".into(),
            }],
            sources: vec![Source {
                guid: G[5].into(),
                name: "nord-01".into(),
                case: Some(G[4].into()),
                text: "I: Grüß Gott 😀\nB: Zeile\tzwei".into(),
                turns: Vec::new(),
                values: Vec::new(),
                memo: String::new(),
                created_at: "2024-03-14T10:00:00Z".into(),
            }],
            segments: vec![BundleSegment {
                guid: G[6].into(),
                source: G[5].into(),
                code: G[2].into(),
                user: G[0].into(),
                start: 3,
                end: 28,
                memo: "Segment-Memo".into(),
                created_at: "now".into(),
            }],
            default_case_name: String::new(),
        }
    }

    #[test]
    fn choices_survive_the_description() {
        let choices = vec!["gE".to_owned(), "zkT".to_owned()];
        let text = choices_description(&choices, "Wer trägt.");
        assert_eq!(text, "Werte: gE | zkT\n\nWer trägt.");
        assert_eq!(
            choices_from_description(&text),
            (choices, "Wer trägt.".to_owned())
        );
        assert_eq!(
            choices_from_description("Nur Text"),
            (Vec::new(), "Nur Text".to_owned())
        );
        assert_eq!(choices_description(&[], " x "), "x");
    }

    #[test]
    fn the_project_xml_holds_everything_in_schema_order() {
        let xml = project_xml(&bundle());
        let order = [
            "<Users>",
            "<CodeBook>",
            "<Variables>",
            "<Cases>",
            "<Sources>",
            "<Notes>",
            "<Sets>",
            "<Description>Projekt-Memo</Description>\n</Project>",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|tag| {
                xml.find(tag)
                    .unwrap_or_else(|| panic!("{tag} missing:\n{xml}"))
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
        assert!(xml.contains(r#"name="Studie &lt;&amp;&gt;""#));
        assert!(xml.contains(r#"name="Anna &quot;A&quot;""#));
        assert!(xml.contains("<Description>Werte: gE | zkT</Description>"));
        assert!(xml.contains(r#"<Set guid=""#) && xml.contains(r#"name="Trägerschaft = zkT""#));
        // The coded text keeps its line break and tab as references, and its emoji.
        assert!(
            xml.contains(r#"name="Grüß Gott 😀&#10;B: Zeile&#9;zwei""#),
            "{xml}"
        );
        // A timestamp that is none is left out rather than written invalid.
        assert!(!xml.contains("\"now\""));
        assert!(xml.contains("<Description>Fall-Memo</Description>"));
        assert_eq!(xml, project_xml(&bundle()));
    }

    #[test]
    fn empty_lists_are_left_out() {
        let xml = project_xml(&Bundle {
            name: "leer".into(),
            ..Bundle::default()
        });
        for tag in [
            "Users",
            "CodeBook",
            "Variables",
            "Cases",
            "Sources",
            "Notes",
            "Sets",
            "Description",
        ] {
            assert!(!xml.contains(tag), "{tag} in {xml}");
        }
        assert!(xml.contains(r#"<Project xmlns="urn:QDA-XML:project:1.0" name="leer""#));
    }

    #[test]
    fn the_codebook_nests_codes_without_notes() {
        let xml = codebook_xml(&bundle());
        assert!(xml.contains(r#"<CodeBook xmlns="urn:QDA-XML:codebook:1.0""#));
        assert!(!xml.contains("NoteRef"));
        let parent = xml.find(r#"name="Arbeitslogik""#).unwrap();
        let child = xml.find(r#"name="Sozialberatung""#).unwrap();
        let close = xml.find("</Code>").unwrap();
        assert!(parent < child && child < close, "{xml}");
    }

    #[test]
    fn timestamps_and_dates_are_checked_against_the_schema_forms() {
        assert!(is_xsd_date_time("2024-03-14T10:00:00Z"));
        assert!(is_xsd_date_time("2024-03-14T10:00:00.123+01:00"));
        assert!(!is_xsd_date_time("2024-03-14 10:00:00"));
        assert!(!is_xsd_date_time("now"));
        assert!(is_xsd_date("2024-03-14"));
        assert!(!is_xsd_date("14.03.2024"));
        assert!(is_rgb("#3B6FB6") && is_rgb("#abc") && !is_rgb("blue"));
    }

    #[test]
    fn characters_xml_cannot_carry_keep_their_place() {
        assert_eq!(escape_attribute("a\u{1}b\r"), "a\u{FFFD}b&#13;");
        assert_eq!(escape_text("<x> & \"y\""), "&lt;x&gt; &amp; \"y\"");
    }
}
