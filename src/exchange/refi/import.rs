//! Reading QDPX projects and QDC codebooks as other programs write them.
//!
//! Lenient about what programs do differently (namespace versions, GUID spelling, `Sources/` or
//! `sources/`, text inline or in files, memos as notes, descriptions or links), strict about what
//! could corrupt a project: every selection is placed through [`dialect::decide`], and what cannot
//! be placed with confidence is reported, not guessed. Nothing is written until the whole file has
//! been read; [`import_qdpx`] then hands one [`Bundle`] to the project as one undoable change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::archive::{self, Archive, Element};
use super::bundle::{
    Bundle, BundleCode, BundleSegment, Case, Source, User, Variable, VariableScope, derived_guid,
    normalise_guid,
};
use super::dialect::{self, Dialect, Selection, SourceText};
use super::export::choices_from_description;
use crate::coding::range::{CharPos, TextIndex};
use crate::error::{Error, Result};
use crate::project::Project;
use crate::project::exchange::BundleImport;

/// The colour of an imported code that has none of its own nor a parent's (the grey Kodierwerk
/// gives new codes).
const DEFAULT_CODE_COLOR: &str = "#9ca3af";

/// Unplaced selections listed one by one in the terminal; the rest are counted.
const UNPLACED_SHOWN: usize = 20;

/// What an import brought in, how positions were read, and what was left out and why.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    pub file: PathBuf,
    /// `Project@origin` (or `CodeBook@origin`), as written.
    pub origin: String,
    pub counts: ImportCounts,
    /// One entry per source with selections.
    pub dialects: Vec<SourceDialect>,
    /// Selections that were not placed.
    pub unplaced: Vec<UnplacedSelection>,
    /// What was read but not imported, one sentence each.
    pub discarded: Vec<String>,
    /// What the project made of it (added, reused by name, left out); `None` for a reading only.
    pub written: Option<BundleImport>,
}

/// How many of each came in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub users: usize,
    pub codes: usize,
    pub sources: usize,
    pub cases: usize,
    pub variables: usize,
    /// Selections placed on their text with at least one code.
    pub selections: usize,
    /// Segments (a selection with two codes gives two).
    pub segments: usize,
    /// Notes that became (part of) a memo.
    pub notes: usize,
}

/// The position dialect chosen for one source.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDialect {
    pub source: String,
    pub dialect: Dialect,
    /// Whether the selections confirmed it.
    pub confirmed: bool,
    /// One sentence: program, counting, evidence.
    pub how: String,
}

/// A selection that was read but not placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnplacedSelection {
    pub source: String,
    pub selection: String,
    /// The positions as written in the file.
    pub start: String,
    pub end: String,
    pub reason: String,
}

impl fmt::Display for UnplacedSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the selection {}–{} in “{}” was not placed: {}.",
            self.start, self.end, self.source, self.reason
        )
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        let origin = if self.origin.trim().is_empty() {
            String::new()
        } else {
            format!(", written by {}", self.origin.trim())
        };
        writeln!(f, "Read {}{origin}:", self.file.display())?;
        let parts = [
            plural(c.users, "coder", "coders"),
            plural(c.codes, "code", "codes"),
            plural(c.sources, "document", "documents"),
            plural(c.cases, "case (jobcenter)", "cases (jobcenters)"),
            plural(c.variables, "attribute", "attributes"),
            format!(
                "{} ({})",
                plural(c.segments, "coded passage", "coded passages"),
                plural(c.selections, "selection", "selections")
            ),
            plural(c.notes, "note", "notes"),
        ];
        writeln!(f, "  {}.", parts.join(", "))?;
        if !self.dialects.is_empty() {
            writeln!(f, "Positions:")?;
            for d in &self.dialects {
                writeln!(f, "  “{}”: {}.", d.source, d.how)?;
            }
        }
        if !self.unplaced.is_empty() {
            writeln!(f, "Not placed ({}):", self.unplaced.len())?;
            for u in self.unplaced.iter().take(UNPLACED_SHOWN) {
                writeln!(f, "  - {u}")?;
            }
            if self.unplaced.len() > UNPLACED_SHOWN {
                writeln!(
                    f,
                    "  - and {} more selections.",
                    self.unplaced.len() - UNPLACED_SHOWN
                )?;
            }
        }
        if !self.discarded.is_empty() {
            writeln!(f, "Not imported:")?;
            for d in &self.discarded {
                writeln!(f, "  - {d}")?;
            }
        }
        if let Some(written) = &self.written {
            write!(f, "{written}")?;
        }
        Ok(())
    }
}

/// Imports a QDPX project into `project` as one undoable change; a file that cannot be read
/// changes nothing.
pub fn import_qdpx(project: &mut Project, path: &Path) -> Result<ImportReport> {
    let (bundle, report) = read_qdpx(path)?;
    let label = format!("REFI-QDA-Projekt „{}“ importiert", file_name(path));
    write(project, &bundle, report, &label)
}

/// Imports a QDC codebook into `project` as one undoable change; codes already there (same name
/// at the same place) are reused.
pub fn import_qdc(project: &mut Project, path: &Path) -> Result<ImportReport> {
    let (bundle, report) = read_qdc(path)?;
    let label = format!("Codebuch „{}“ importiert", file_name(path));
    write(project, &bundle, report, &label)
}

fn write(
    project: &mut Project,
    bundle: &Bundle,
    mut report: ImportReport,
    label: &str,
) -> Result<ImportReport> {
    report.written = Some(project.import_bundle(bundle, label)?);
    Ok(report)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| archive::display(path))
}

/// Reads a QDPX project (a zip with `project.qde` and `sources/`) into a bundle; writes nothing.
pub fn read_qdpx(path: &Path) -> Result<(Bundle, ImportReport)> {
    let mut archive = Archive::open(path)?;
    let entry = archive.project_entry()?;
    let file = archive::display(path);
    let xml = archive.read(entry)?;
    let root = archive::parse_xml(&xml, &file)?;
    drop(xml);
    if root.name != "Project" {
        return Err(Error::NotRefiQda {
            file,
            reason: format!(
                "{} holds a <{}> where a REFI-QDA <Project> belongs",
                archive.name(entry),
                root.name
            ),
        });
    }
    let mut reading = Reading::new(path, root.attr("origin").unwrap_or(""), Some(&mut archive));
    reading.project(&root);
    reading.finish(path)
}

/// Reads a QDC codebook (one XML file) into a bundle holding only codes; writes nothing.
pub fn read_qdc(path: &Path) -> Result<(Bundle, ImportReport)> {
    let file = archive::display(path);
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if size > archive::MAX_TOTAL_BYTES {
        return Err(Error::UnsafeExchangeFile {
            file,
            reason: format!(
                "it is larger than {} MB, far more than any codebook",
                archive::MAX_TOTAL_BYTES / (1024 * 1024)
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Error::NotRefiQda {
            file,
            reason: "it is a zip archive, that is a whole project: import it as .qdpx".into(),
        });
    }
    let root = archive::parse_xml(&bytes, &file)?;
    drop(bytes);
    if root.name != "CodeBook" {
        return Err(Error::NotRefiQda {
            file,
            reason: format!(
                "it holds a <{}> where a REFI-QDA <CodeBook> belongs",
                root.name
            ),
        });
    }
    let mut reading = Reading::new(path, root.attr("origin").unwrap_or(""), None);
    reading.codebook(&root);
    reading.expect_children(&root, &["Codes", "Sets"], "codebook");
    reading.sets(&root);
    reading.bundle.name = file_stem(path);
    reading.bundle.default_case_name = file_stem(path);
    reading.finish(path)
}

/// Whom a memo is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Target {
    Project,
    Code(String),
    Case(String),
    Source(String),
    Selection(String),
    Coding(String),
}

/// A memo's text: a note by GUID or text written in place (a `Description`).
#[derive(Clone, Debug)]
enum MemoText {
    Note(String),
    Inline(String),
}

/// What a GUID names, for links and note references.
#[derive(Clone, Debug)]
enum Kind {
    Target(Target),
    Note,
    /// Something else: a coder, a variable, or an item that was not imported.
    Elsewhere,
}

/// What is known of a selection for its memos.
struct SelectionInfo {
    source: usize,
    label: String,
    segments: Vec<usize>,
}

struct Note {
    name: String,
    text: String,
}

/// A variable value found on a case or a source.
struct Value {
    owner: VariableScope,
    index: usize,
    variable: String,
    value: String,
}

/// The state of one import while the XML is walked.
struct Reading<'a> {
    file: String,
    origin: String,
    program: String,
    expected: Option<Dialect>,
    archive: Option<&'a mut Archive>,
    bundle: Bundle,
    kinds: HashMap<String, Kind>,
    memos: Vec<(Target, MemoText)>,
    notes: HashMap<String, Note>,
    note_order: Vec<String>,
    selections: HashMap<String, SelectionInfo>,
    codings: HashMap<String, usize>,
    segment_guids: HashSet<String>,
    values: Vec<Value>,
    unknown: BTreeMap<String, usize>,
    report: ImportReport,
    unknown_users: BTreeMap<String, usize>,
    missing_codes: usize,
    uncoded: usize,
    /// An archive error met while reading: the whole import is refused.
    fatal: Option<Error>,
    /// The description as written of variables whose description lists allowed values.
    choice_descriptions: HashMap<String, String>,
}

/// The GUID a REFI identifier stands for: normalised, or (for a program that writes something
/// else) derived from the text, the same for every mention; `None` if empty.
fn guid_of(raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    if raw.is_empty() {
        return None;
    }
    Some(normalise_guid(raw).unwrap_or_else(|| derived_guid(raw, "refi identifier")))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported".into())
}

/// Memo or description text as stored: `\n` line ends, otherwise as written; empty if blank.
fn memo_text(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    crate::corpus::decode::normalise_line_endings(text)
}

/// "was" or "were" after a count.
fn was(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Up to five names in quotes, then how many more.
fn name_list(names: &[String]) -> String {
    let mut shown: Vec<String> = names.iter().take(5).map(|n| format!("“{n}”")).collect();
    if names.len() > 5 {
        shown.push(format!("{} more", names.len() - 5));
    }
    shown.join(", ")
}

/// `#rrggbb` from `#RRGGBB` or `#RGB`; `None` for anything else.
fn colour(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#').unwrap_or(raw.trim());
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

/// A REFI dateTime as ISO 8601 (with or without zone), or empty if it is none.
fn date_time(raw: Option<&str>) -> String {
    let t = raw.unwrap_or("").trim();
    let b = t.as_bytes();
    let date_like = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if date_like {
        t.to_owned()
    } else {
        String::new()
    }
}

impl<'a> Reading<'a> {
    fn new(path: &Path, origin: &str, archive: Option<&'a mut Archive>) -> Self {
        let (program, expected) = dialect::origin_dialect(origin);
        Self {
            file: archive::display(path),
            origin: origin.to_owned(),
            program,
            expected,
            archive,
            bundle: Bundle::default(),
            kinds: HashMap::new(),
            memos: Vec::new(),
            notes: HashMap::new(),
            note_order: Vec::new(),
            selections: HashMap::new(),
            codings: HashMap::new(),
            segment_guids: HashSet::new(),
            values: Vec::new(),
            unknown: BTreeMap::new(),
            report: ImportReport::default(),
            unknown_users: BTreeMap::new(),
            missing_codes: 0,
            uncoded: 0,
            fatal: None,
            choice_descriptions: HashMap::new(),
        }
    }

    fn discard(&mut self, sentence: String) {
        let mut chars = sentence.chars();
        let capitalised = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => sentence,
        };
        self.report.discarded.push(capitalised);
    }

    /// Counts children this importer does not know, to report them once per name.
    fn expect_children(&mut self, element: &Element, known: &[&str], place: &str) {
        for child in &element.children {
            if !known.contains(&child.name.as_str()) {
                *self
                    .unknown
                    .entry(format!("<{}> in {place}", child.name))
                    .or_default() += 1;
            }
        }
    }

    fn note_refs(&mut self, element: &Element, target: &Target) {
        for r in element.children_named("NoteRef") {
            if let Some(note) = guid_of(r.attr("targetGUID")) {
                self.memos.push((target.clone(), MemoText::Note(note)));
            }
        }
    }

    fn description(&mut self, element: &Element, target: &Target) {
        let text = memo_text(element.child_text("Description"));
        if !text.is_empty() {
            self.memos.push((target.clone(), MemoText::Inline(text)));
        }
    }

    fn project(&mut self, root: &Element) {
        self.expect_children(
            root,
            &[
                "Users",
                "CodeBook",
                "Variables",
                "Cases",
                "Sources",
                "Notes",
                "Links",
                "Sets",
                "Graphs",
                "Description",
                "NoteRef",
            ],
            "the project",
        );
        let name = root.attr_nonempty("name").unwrap_or("").to_owned();
        self.bundle.name = name.clone();
        self.bundle.default_case_name = if name.is_empty() || name.eq_ignore_ascii_case("untitled")
        {
            file_stem(Path::new(&self.file))
        } else {
            name
        };
        if let Some(users) = root.child("Users") {
            self.users(users);
        }
        if let Some(book) = root.child("CodeBook") {
            self.expect_children(book, &["Codes"], "the codebook");
            self.codebook(book);
        }
        if let Some(notes) = root.child("Notes") {
            self.notes(notes);
        }
        if let Some(variables) = root.child("Variables") {
            self.variables(variables);
        }
        if let Some(cases) = root.child("Cases") {
            self.cases(cases);
        }
        let fallback_user = guid_of(root.attr("creatingUserGUID"));
        if let Some(sources) = root.child("Sources") {
            self.sources(sources, fallback_user.as_deref());
        }
        self.assign_cases(root.child("Cases"));
        if let Some(links) = root.child("Links") {
            self.links(links);
        }
        self.sets(root);
        if let Some(graphs) = root.child("Graphs") {
            let n = graphs.children_named("Graph").count();
            if n > 0 {
                self.discard(format!(
                    "{} {} not imported: Kodierwerk has no network views.",
                    plural(n, "graph", "graphs"),
                    was(n)
                ));
            }
        }
        self.description(root, &Target::Project);
        self.note_refs(root, &Target::Project);
    }

    fn users(&mut self, users: &Element) {
        self.expect_children(users, &["User"], "the users");
        for (n, user) in users.children_named("User").enumerate() {
            let Some(guid) = guid_of(user.attr("guid")) else {
                self.discard(format!("user {} has no GUID and was not imported.", n + 1));
                continue;
            };
            if self.kinds.contains_key(&guid) {
                continue;
            }
            let name = user
                .attr_nonempty("name")
                .or_else(|| user.attr_nonempty("id"))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("User {}", n + 1));
            self.kinds.insert(guid.clone(), Kind::Elsewhere);
            self.bundle.users.push(User { guid, name });
        }
    }

    fn codebook(&mut self, book: &Element) {
        if let Some(codes) = book.child("Codes") {
            self.expect_children(codes, &["Code"], "the codebook");
            for code in codes.children_named("Code") {
                self.code(code, None, None);
            }
        }
    }

    fn code(&mut self, code: &Element, parent: Option<&str>, parent_colour: Option<&str>) {
        self.expect_children(code, &["Description", "NoteRef", "Code"], "a code");
        let name = code.attr_nonempty("name").unwrap_or("").to_owned();
        let name = if name.is_empty() {
            format!("Code {}", self.bundle.codes.len() + 1)
        } else {
            name
        };
        let Some(guid) = guid_of(code.attr("guid")) else {
            self.discard(format!(
                "the code “{name}” has no GUID and was not imported, nor its sub-codes."
            ));
            return;
        };
        if self.kinds.contains_key(&guid) {
            self.discard(format!(
                "the code “{name}” repeats the GUID {guid} of another item and was not imported, nor its sub-codes."
            ));
            return;
        }
        let color = code
            .attr("color")
            .and_then(colour)
            .or_else(|| parent_colour.map(str::to_owned))
            .unwrap_or_else(|| DEFAULT_CODE_COLOR.to_owned());
        self.kinds
            .insert(guid.clone(), Kind::Target(Target::Code(guid.clone())));
        self.bundle.codes.push(BundleCode {
            guid: guid.clone(),
            parent: parent.map(str::to_owned),
            name,
            color: color.clone(),
            description: memo_text(code.child_text("Description")),
            memo: String::new(),
        });
        self.note_refs(code, &Target::Code(guid.clone()));
        for child in code.children_named("Code") {
            self.code(child, Some(&guid), Some(&color));
        }
    }

    /// Reads a text that may be inline or in a file of the archive; `Err` says why there is none.
    fn text_of(&mut self, element: &Element) -> std::result::Result<String, String> {
        if let Some(content) = element.child("PlainTextContent") {
            return Ok(content.text.clone());
        }
        let Some(path) = element.attr_nonempty("plainTextPath") else {
            return Err("it has neither text in the file nor a plainTextPath".into());
        };
        let lower = path.to_lowercase();
        let inner = if path
            .get(..11)
            .is_some_and(|p| p.eq_ignore_ascii_case("internal://"))
        {
            &path[11..]
        } else if lower.starts_with("relative://")
            || lower.starts_with("absolute://")
            || lower.starts_with("file:")
            || lower.contains(":\\")
            || path.starts_with('/')
            || path.starts_with('\\')
        {
            return Err(format!(
                "its text {path} lies outside the archive (not contained in the export)"
            ));
        } else {
            path
        };
        if !archive::is_inside(inner) {
            return Err(format!(
                "its text path {path} points outside the archive's sources folder"
            ));
        }
        let Some(archive) = self.archive.as_deref_mut() else {
            return Err(format!("its text {path} is in no archive"));
        };
        let index = archive
            .find(&format!("sources/{inner}"))
            .or_else(|| archive.find(inner));
        let Some(index) = index else {
            return Err(format!("its text file {path} is missing from the archive"));
        };
        let bytes = match archive.read(index) {
            Ok(bytes) => bytes,
            Err(e) => {
                let why = format!("its text file {path} could not be unpacked");
                self.fatal.get_or_insert(e);
                return Err(why);
            }
        };
        decode_text(&bytes).map_err(|why| format!("its text file {path} {why}"))
    }

    fn notes(&mut self, notes: &Element) {
        self.expect_children(notes, &["Note"], "the notes");
        for note in notes.children_named("Note") {
            let Some(guid) = guid_of(note.attr("guid")) else {
                continue;
            };
            let name = note.attr_nonempty("name").unwrap_or("").to_owned();
            let mut text = match self.text_of(note) {
                Ok(text) => memo_text(&text),
                Err(_) => String::new(),
            };
            if text.is_empty() {
                text = memo_text(note.child_text("Description"));
            }
            if text.is_empty() {
                text = name.clone();
            }
            let passages = note.children_named("PlainTextSelection").count();
            if passages > 0 {
                self.discard(format!(
                    "{} inside the note “{name}” {} not imported: Kodierwerk codes documents, not memos.",
                    plural(passages, "coded passage", "coded passages"),
                    was(passages)
                ));
            }
            if text.is_empty() {
                continue;
            }
            self.kinds.insert(guid.clone(), Kind::Note);
            self.note_order.push(guid.clone());
            self.notes.insert(guid, Note { name, text });
        }
    }

    fn variables(&mut self, variables: &Element) {
        self.expect_children(variables, &["Variable"], "the variables");
        for variable in variables.children_named("Variable") {
            let name = variable.attr_nonempty("name").unwrap_or("").to_owned();
            let Some(guid) = guid_of(variable.attr("guid")) else {
                self.discard(format!(
                    "the variable “{name}” has no GUID and was not imported."
                ));
                continue;
            };
            if name.is_empty() || self.kinds.contains_key(&guid) {
                self.discard(format!(
                    "a variable without a name or with a repeated GUID ({guid}) was not imported."
                ));
                continue;
            }
            let kind = variable.attr("typeOfVariable").unwrap_or("Text").trim();
            let written = memo_text(variable.child_text("Description"));
            let (choices, description) = choices_from_description(&written);
            if !choices.is_empty() {
                self.choice_descriptions.insert(guid.clone(), written);
            }
            self.kinds.insert(guid.clone(), Kind::Elsewhere);
            self.bundle.variables.push(Variable {
                guid,
                name,
                scope: VariableScope::Case,
                is_date: kind.eq_ignore_ascii_case("Date"),
                choices,
                description,
            });
        }
    }

    fn variable_values(&mut self, element: &Element, owner: VariableScope, index: usize) {
        for vv in element.children_named("VariableValue") {
            let Some(variable) = vv
                .child("VariableRef")
                .and_then(|r| guid_of(r.attr("targetGUID")))
            else {
                continue;
            };
            let value = [
                "TextValue",
                "BooleanValue",
                "IntegerValue",
                "FloatValue",
                "DateValue",
                "DateTimeValue",
            ]
            .iter()
            .find_map(|k| vv.child(k))
            .map(|v| memo_text(&v.text))
            .unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            self.values.push(Value {
                owner,
                index,
                variable,
                value,
            });
        }
    }

    fn cases(&mut self, cases: &Element) {
        self.expect_children(cases, &["Case"], "the cases");
        let mut coded = 0;
        let mut with_selections = 0;
        for (n, case) in cases.children_named("Case").enumerate() {
            self.expect_children(
                case,
                &[
                    "Description",
                    "CodeRef",
                    "VariableValue",
                    "SourceRef",
                    "SelectionRef",
                ],
                "a case",
            );
            let Some(guid) = guid_of(case.attr("guid")) else {
                continue;
            };
            if self.kinds.contains_key(&guid) {
                continue;
            }
            let name = case
                .attr_nonempty("name")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Case {}", n + 1));
            let index = self.bundle.cases.len();
            self.kinds
                .insert(guid.clone(), Kind::Target(Target::Case(guid.clone())));
            self.bundle.cases.push(Case {
                guid: guid.clone(),
                name,
                values: Vec::new(),
                memo: String::new(),
            });
            self.description(case, &Target::Case(guid.clone()));
            self.note_refs(case, &Target::Case(guid.clone()));
            self.variable_values(case, VariableScope::Case, index);
            coded += case.children_named("CodeRef").count();
            with_selections += case.children_named("SelectionRef").count();
        }
        if coded > 0 {
            self.discard(format!(
                "{} of cases {} not imported: a jobcenter is not coded as a whole in Kodierwerk.",
                plural(coded, "code assignment", "code assignments"),
                was(coded)
            ));
        }
        if with_selections > 0 {
            self.discard(format!(
                "{} from cases to single passages {} not imported: a jobcenter holds whole documents.",
                plural(with_selections, "reference", "references"),
                was(with_selections)
            ));
        }
    }

    /// Puts each source into the first imported case that names it (`Case/SourceRef`).
    fn assign_cases(&mut self, cases: Option<&Element>) {
        let Some(cases) = cases else {
            return;
        };
        let known: HashMap<String, String> = self
            .bundle
            .cases
            .iter()
            .map(|c| (c.guid.clone(), c.name.clone()))
            .collect();
        let mut by_source: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for case in cases.children_named("Case") {
            let Some(case_guid) = guid_of(case.attr("guid")) else {
                continue;
            };
            let Some(name) = known.get(&case_guid) else {
                continue;
            };
            for r in case.children_named("SourceRef") {
                if let Some(source) = guid_of(r.attr("targetGUID")) {
                    let cases = by_source.entry(source).or_default();
                    if !cases.iter().any(|(g, _)| *g == case_guid) {
                        cases.push((case_guid.clone(), name.clone()));
                    }
                }
            }
        }
        let mut several = Vec::new();
        for source in &mut self.bundle.sources {
            if let Some(cases) = by_source.get(&source.guid)
                && let Some((first, first_name)) = cases.first()
            {
                source.case = Some(first.clone());
                if cases.len() > 1 {
                    let names: Vec<String> = cases.iter().map(|(_, n)| n.clone()).collect();
                    several.push(format!(
                        "the source “{}” belongs to the cases {}; Kodierwerk gives a document one jobcenter, so it went to “{first_name}”.",
                        source.name,
                        name_list(&names)
                    ));
                }
            }
        }
        for sentence in several {
            self.discard(sentence);
        }
    }

    fn sources(&mut self, sources: &Element, fallback_user: Option<&str>) {
        self.expect_children(
            sources,
            &[
                "TextSource",
                "PictureSource",
                "PDFSource",
                "AudioSource",
                "VideoSource",
            ],
            "the sources",
        );
        for source in sources.children_named("TextSource") {
            self.text_source(source, fallback_user);
        }
        for (element, what, region, regions) in [
            (
                "PictureSource",
                "picture",
                "picture region",
                "picture regions",
            ),
            ("PDFSource", "PDF", "PDF region", "PDF regions"),
            ("AudioSource", "audio", "audio passage", "audio passages"),
            ("VideoSource", "video", "video passage", "video passages"),
        ] {
            let mut names = Vec::new();
            let mut selections = 0;
            for source in sources.children_named(element) {
                if let Some(guid) = guid_of(source.attr("guid")) {
                    self.kinds.insert(guid, Kind::Elsewhere);
                }
                names.push(
                    source
                        .attr_nonempty("name")
                        .unwrap_or("(unnamed)")
                        .to_owned(),
                );
                for child in &source.children {
                    if child.name.ends_with("Selection") {
                        selections += 1;
                        if let Some(guid) = guid_of(child.attr("guid")) {
                            self.kinds.insert(guid, Kind::Elsewhere);
                        }
                    }
                    if child.name == "Transcript" {
                        selections += child.children_named("TranscriptSelection").count();
                    }
                }
            }
            if !names.is_empty() {
                let sources = plural(
                    names.len(),
                    &format!("{what} source"),
                    &format!("{what} sources"),
                );
                let with = if selections > 0 {
                    format!(" with {}", plural(selections, region, regions))
                } else {
                    String::new()
                };
                self.discard(format!(
                    "{sources} ({}){with} {} not imported: Kodierwerk holds text documents only.",
                    name_list(&names),
                    was(names.len())
                ));
            }
        }
    }

    fn text_source(&mut self, source: &Element, fallback_user: Option<&str>) {
        self.expect_children(
            source,
            &[
                "Description",
                "PlainTextContent",
                "PlainTextSelection",
                "Coding",
                "NoteRef",
                "VariableValue",
            ],
            "a text source",
        );
        let name = source.attr_nonempty("name").unwrap_or("").to_owned();
        let Some(guid) = guid_of(source.attr("guid")) else {
            self.discard(format!(
                "the source “{name}” has no GUID and was not imported."
            ));
            return;
        };
        let name = if name.is_empty() { guid.clone() } else { name };
        let selection_count = source.children_named("PlainTextSelection").count();
        let with_selections = if selection_count > 0 {
            format!(
                " with its {}",
                plural(selection_count, "selection", "selections")
            )
        } else {
            String::new()
        };
        if self.kinds.contains_key(&guid) {
            self.discard(format!(
                "the source “{name}”{with_selections} repeats the GUID {guid} of another item and was not imported."
            ));
            return;
        }
        let raw = match self.text_of(source) {
            Ok(raw) => raw,
            Err(why) => {
                self.kinds.insert(guid, Kind::Elsewhere);
                self.discard(format!(
                    "the source “{name}”{with_selections} was not imported: {why}."
                ));
                return;
            }
        };
        let text = SourceText::new(&raw);
        drop(raw);
        let index = self.bundle.sources.len();
        self.kinds
            .insert(guid.clone(), Kind::Target(Target::Source(guid.clone())));

        let elements: Vec<&Element> = source.children_named("PlainTextSelection").collect();
        let mut selections = Vec::with_capacity(elements.len());
        let mut numeric = Vec::with_capacity(elements.len());
        for e in &elements {
            let start = e
                .attr("startPosition")
                .and_then(|s| s.trim().parse::<i64>().ok());
            let end = e
                .attr("endPosition")
                .and_then(|s| s.trim().parse::<i64>().ok());
            numeric.push(start.is_some() && end.is_some());
            selections.push(Selection {
                start: start.unwrap_or(0),
                end: end.unwrap_or(0),
                quote: e.attr("name").unwrap_or("").to_owned(),
            });
        }
        let decision = dialect::decide(&text, &selections, &self.program, self.expected);
        if !elements.is_empty() {
            self.report.dialects.push(SourceDialect {
                source: name.clone(),
                dialect: decision.dialect,
                confirmed: decision.confirmed,
                how: decision.how.clone(),
            });
        }
        let char_len = text.char_len();
        let index_text = TextIndex::new(text.stored());
        for ((element, placed), ok) in elements.iter().zip(decision.placements).zip(numeric) {
            self.expect_children(
                element,
                &["Description", "Coding", "NoteRef"],
                "a selection",
            );
            let selection_guid = guid_of(element.attr("guid")).unwrap_or_else(|| {
                derived_guid(
                    &guid,
                    &format!("selection {}", element.attr("startPosition").unwrap_or("")),
                )
            });
            let placed = if ok {
                placed.map_err(|why| why.to_string())
            } else {
                Err("its positions are not whole numbers".to_owned())
            };
            let (start, end) = match placed {
                Ok(range) => range,
                Err(reason) => {
                    self.kinds.insert(selection_guid, Kind::Elsewhere);
                    self.report.unplaced.push(UnplacedSelection {
                        source: name.clone(),
                        selection: element.attr("guid").unwrap_or("").to_owned(),
                        start: element
                            .attr("startPosition")
                            .unwrap_or("?")
                            .trim()
                            .to_owned(),
                        end: element.attr("endPosition").unwrap_or("?").trim().to_owned(),
                        reason,
                    });
                    continue;
                }
            };
            let found = match (
                index_text.byte_of(CharPos(start)),
                index_text.byte_of(CharPos(end)),
            ) {
                (Some(a), Some(b)) => &text.stored()[a..b],
                _ => "",
            };
            let target = Target::Selection(selection_guid.clone());
            self.kinds
                .insert(selection_guid.clone(), Kind::Target(target.clone()));
            self.description(element, &target);
            self.note_refs(element, &target);
            let selection_user = guid_of(element.attr("creatingUser"));
            let created = date_time(element.attr("creationDateTime"));
            let mut segments = Vec::new();
            for (n, coding) in element.children_named("Coding").enumerate() {
                let seg_guid = if n == 0 {
                    selection_guid.clone()
                } else {
                    guid_of(coding.attr("guid"))
                        .unwrap_or_else(|| derived_guid(&selection_guid, &format!("coding {n}")))
                };
                if let Some(s) = self.segment(
                    coding,
                    seg_guid,
                    &guid,
                    (start, end),
                    selection_user.as_deref().or(fallback_user),
                    &created,
                ) {
                    segments.push(s);
                }
            }
            if segments.is_empty() && element.children_named("Coding").next().is_none() {
                self.uncoded += 1;
            }
            if !segments.is_empty() {
                self.report.counts.selections += 1;
            }
            self.selections.insert(
                selection_guid,
                SelectionInfo {
                    source: index,
                    label: dialect::shorten(found),
                    segments,
                },
            );
        }
        for coding in source.children_named("Coding") {
            let seg_guid = guid_of(coding.attr("guid"))
                .unwrap_or_else(|| derived_guid(&guid, "whole source coding"));
            let created = date_time(coding.attr("creationDateTime"));
            if char_len > 0 {
                self.segment(
                    coding,
                    seg_guid,
                    &guid,
                    (0, char_len),
                    fallback_user,
                    &created,
                );
            }
        }
        self.description(source, &Target::Source(guid.clone()));
        self.note_refs(source, &Target::Source(guid.clone()));
        self.variable_values(source, VariableScope::Source, index);
        self.bundle.sources.push(Source {
            guid,
            name,
            case: None,
            text: text.into_stored(),
            values: Vec::new(),
            memo: String::new(),
            created_at: date_time(source.attr("creationDateTime")),
        });
    }

    /// One coding of a placed selection as a segment; `None` if its code is unknown.
    fn segment(
        &mut self,
        coding: &Element,
        guid: String,
        source: &str,
        (start, end): (usize, usize),
        fallback_user: Option<&str>,
        selection_created: &str,
    ) -> Option<usize> {
        let code = coding
            .child("CodeRef")
            .and_then(|r| guid_of(r.attr("targetGUID")))
            .filter(|g| matches!(self.kinds.get(g), Some(Kind::Target(Target::Code(_)))));
        let Some(code) = code else {
            self.missing_codes += 1;
            return None;
        };
        let guid = if self.segment_guids.contains(&guid) {
            derived_guid(&guid, &format!("repeated {}", self.bundle.segments.len()))
        } else {
            guid
        };
        let user =
            guid_of(coding.attr("creatingUser")).or_else(|| fallback_user.map(str::to_owned));
        let user = self.known_user(user);
        let created = match date_time(coding.attr("creationDateTime")) {
            d if d.is_empty() => selection_created.to_owned(),
            d => d,
        };
        if let Some(coding_guid) = guid_of(coding.attr("guid")) {
            self.codings
                .insert(coding_guid.clone(), self.bundle.segments.len());
            self.kinds
                .entry(coding_guid.clone())
                .or_insert(Kind::Target(Target::Coding(coding_guid.clone())));
            self.note_refs(coding, &Target::Coding(coding_guid));
        }
        self.segment_guids.insert(guid.clone());
        self.bundle.segments.push(BundleSegment {
            guid,
            source: source.to_owned(),
            code,
            user,
            start,
            end,
            memo: String::new(),
            created_at: created,
        });
        Some(self.bundle.segments.len() - 1)
    }

    /// A user GUID that is in the bundle's users, adding a stand-in for one the file does not list.
    fn known_user(&mut self, user: Option<String>) -> String {
        let guid = user.unwrap_or_else(|| derived_guid(&self.file, "unknown coder"));
        if !self.bundle.users.iter().any(|u| u.guid == guid) {
            let name = format!("unknown coder {}", &guid[..8.min(guid.len())]);
            self.bundle.users.push(User {
                guid: guid.clone(),
                name: name.clone(),
            });
            self.unknown_users.insert(name, 0);
        }
        if let Some(name) = self
            .bundle
            .users
            .iter()
            .find(|u| u.guid == guid)
            .map(|u| u.name.clone())
            && let Some(n) = self.unknown_users.get_mut(&name)
        {
            *n += 1;
        }
        guid
    }

    fn links(&mut self, links: &Element) {
        self.expect_children(links, &["Link"], "the links");
        let mut other = 0;
        for link in links.children_named("Link") {
            let a = guid_of(link.attr("originGUID"));
            let b = guid_of(link.attr("targetGUID"));
            let kind = |g: &Option<String>| g.as_ref().and_then(|g| self.kinds.get(g)).cloned();
            match (kind(&a), kind(&b)) {
                (Some(Kind::Note), Some(Kind::Target(t))) => {
                    self.memos.push((t, MemoText::Note(a.unwrap_or_default())));
                }
                (Some(Kind::Target(t)), Some(Kind::Note)) => {
                    self.memos.push((t, MemoText::Note(b.unwrap_or_default())));
                }
                _ => other += 1,
            }
        }
        if other > 0 {
            self.discard(format!(
                "{} between codes, passages or documents {} not imported: Kodierwerk has no links (memos linked to something were kept).",
                plural(other, "link", "links"),
                was(other)
            ));
        }
    }

    fn sets(&mut self, root: &Element) {
        let Some(sets) = root.child("Sets") else {
            return;
        };
        let names: Vec<String> = sets
            .children_named("Set")
            .map(|s| s.attr_nonempty("name").unwrap_or("(unnamed)").to_owned())
            .collect();
        // Kodierwerk's own sets are derived from jobcenter attributes, which come in anyway.
        let own = self.program == "Kodierwerk";
        if !names.is_empty() && !own {
            self.discard(format!(
                "{} ({}) {} not imported: Kodierwerk has no sets; their members were imported.",
                plural(names.len(), "set", "sets"),
                name_list(&names),
                was(names.len())
            ));
        }
    }

    /// Puts notes and descriptions into memos, assigns sources to cases and values to variables,
    /// and counts.
    fn finish(mut self, path: &Path) -> Result<(Bundle, ImportReport)> {
        if let Some(fatal) = self.fatal.take() {
            return Err(fatal);
        }
        self.place_memos();
        self.report.file = path.to_owned();
        self.report.origin = self.origin.clone();
        let b = &self.bundle;
        self.report.counts.users = b.users.len();
        self.report.counts.codes = b.codes.len();
        self.report.counts.sources = b.sources.len();
        self.report.counts.cases = b.cases.len();
        self.report.counts.variables = b.variables.len();
        self.report.counts.segments = b.segments.len();
        if self.missing_codes > 0 {
            let n = self.missing_codes;
            self.discard(format!(
                "{} referred to a code that is not in the codebook and {} not imported.",
                plural(n, "coding", "codings"),
                was(n)
            ));
        }
        if self.uncoded > 0 {
            let n = self.uncoded;
            self.discard(format!(
                "{} without any code {} not imported as passages (Kodierwerk keeps coded passages); memos on them went to their document's memo.",
                plural(n, "selection", "selections"),
                was(n)
            ));
        }
        let unknown_users: Vec<(String, usize)> = std::mem::take(&mut self.unknown_users)
            .into_iter()
            .collect();
        for (name, n) in unknown_users {
            self.discard(format!(
                "{} {} made by a coder the file does not list and went to “{name}”.",
                plural(n, "coding", "codings"),
                was(n)
            ));
        }
        let unknown: Vec<(String, usize)> = std::mem::take(&mut self.unknown).into_iter().collect();
        for (what, n) in unknown {
            self.discard(format!(
                "{what} ({}) is not part of REFI-QDA as Kodierwerk reads it and was ignored.",
                plural(n, "time", "times")
            ));
        }
        Ok((self.bundle, self.report))
    }

    fn place_memos(&mut self) {
        // Sources to cases.
        // (Read from the kinds collected while walking; done here so that case order is kept.)
        self.values_to_variables();
        let code_index: HashMap<String, usize> = self
            .bundle
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.guid.clone(), i))
            .collect();
        let case_index: HashMap<String, usize> = self
            .bundle
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.guid.clone(), i))
            .collect();
        let source_index: HashMap<String, usize> = self
            .bundle
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.guid.clone(), i))
            .collect();
        let mut used_notes: HashSet<String> = HashSet::new();
        let mut lost: Vec<String> = Vec::new();
        let memos = std::mem::take(&mut self.memos);
        for (target, text) in memos {
            let (body, note_guid) = match &text {
                MemoText::Inline(t) => (t.clone(), None),
                MemoText::Note(g) => match self.notes.get(g) {
                    Some(note) => (note.text.clone(), Some(g.clone())),
                    None => continue,
                },
            };
            let placed = match &target {
                Target::Project => {
                    push_memo(&mut self.bundle.memo, &body);
                    true
                }
                Target::Code(g) => code_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.codes[i].memo, &body))
                    .is_some(),
                Target::Case(g) => case_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.cases[i].memo, &body))
                    .is_some(),
                Target::Source(g) => source_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.sources[i].memo, &body))
                    .is_some(),
                Target::Coding(g) => match self.codings.get(g) {
                    Some(&i) => {
                        push_memo(&mut self.bundle.segments[i].memo, &body);
                        true
                    }
                    None => false,
                },
                Target::Selection(g) => match self.selections.get(g) {
                    Some(info) if !info.segments.is_empty() => {
                        for &i in &info.segments {
                            push_memo(&mut self.bundle.segments[i].memo, &body);
                        }
                        true
                    }
                    Some(info) => {
                        let about = format!("Memo on “{}”:\n\n{body}", info.label);
                        push_memo(&mut self.bundle.sources[info.source].memo, &about);
                        true
                    }
                    None => false,
                },
            };
            match (placed, note_guid) {
                (true, Some(g)) => {
                    used_notes.insert(g);
                }
                (false, Some(g)) => {
                    let name = self
                        .notes
                        .get(&g)
                        .map(|n| n.name.clone())
                        .unwrap_or_default();
                    lost.push(format!("the note “{name}”"));
                }
                (false, None) => lost.push(format!("a description ({})", dialect::shorten(&body))),
                (true, None) => {}
            }
        }
        let mut loose = Vec::new();
        for g in &self.note_order {
            if !used_notes.contains(g)
                && let Some(note) = self.notes.get(g)
            {
                let heading = if note.name.is_empty() || note.name == note.text {
                    note.text.clone()
                } else {
                    format!("{}\n\n{}", note.name, note.text)
                };
                push_memo(&mut self.bundle.memo, &heading);
                loose.push(note.name.clone());
                used_notes.insert(g.clone());
            }
        }
        if !loose.is_empty() {
            self.discard(format!(
                "{} attached to nothing that was imported went into the project memo.",
                plural(loose.len(), "note", "notes")
            ));
        }
        self.report.counts.notes = used_notes.len();
        if !lost.is_empty() {
            self.discard(format!(
                "{} belonged to items that were not imported: {}.",
                plural(lost.len(), "memo", "memos"),
                lost.join("; ")
            ));
        }
    }

    fn values_to_variables(&mut self) {
        let variable_index: HashMap<String, usize> = self
            .bundle
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.guid.clone(), i))
            .collect();
        let mut on_cases = vec![0usize; self.bundle.variables.len()];
        let mut on_sources = vec![0usize; self.bundle.variables.len()];
        let mut unknown = 0;
        for v in &self.values {
            match (variable_index.get(&v.variable), v.owner) {
                (Some(&i), VariableScope::Case) => on_cases[i] += 1,
                (Some(&i), VariableScope::Source) => on_sources[i] += 1,
                (None, _) => unknown += 1,
            }
        }
        for (i, variable) in self.bundle.variables.iter_mut().enumerate() {
            if on_sources[i] > on_cases[i] {
                variable.scope = VariableScope::Source;
            }
        }
        // Allowed values (written by Kodierwerk into the description) hold only if every value fits.
        for (i, variable) in self.bundle.variables.iter_mut().enumerate() {
            if variable.choices.is_empty() {
                continue;
            }
            let fits = self.values.iter().all(|v| {
                variable_index.get(&v.variable) != Some(&i)
                    || v.owner != variable.scope
                    || variable.choices.contains(&v.value)
            });
            if !fits {
                variable.choices.clear();
                if let Some(written) = self.choice_descriptions.get(&variable.guid) {
                    variable.description = written.clone();
                }
            }
        }
        let mut wrong_scope: BTreeMap<String, usize> = BTreeMap::new();
        for v in std::mem::take(&mut self.values) {
            let Some(&i) = variable_index.get(&v.variable) else {
                continue;
            };
            let variable = &self.bundle.variables[i];
            if variable.scope != v.owner {
                *wrong_scope.entry(variable.name.clone()).or_default() += 1;
                continue;
            }
            let value = if variable.is_date {
                v.value.chars().take(10).collect()
            } else {
                v.value
            };
            let entry = (v.variable, value);
            match v.owner {
                VariableScope::Case => self.bundle.cases[v.index].values.push(entry),
                VariableScope::Source => self.bundle.sources[v.index].values.push(entry),
            }
        }
        if unknown > 0 {
            self.discard(format!(
                "{} referred to a variable the file does not define and {} not imported.",
                plural(unknown, "value", "values"),
                was(unknown)
            ));
        }
        for (name, n) in wrong_scope {
            self.discard(format!(
                "{} of the variable “{name}” {} not imported: it is used mostly on the other kind (cases or documents), and in Kodierwerk an attribute describes either jobcenters or documents.",
                plural(n, "value", "values"),
                was(n)
            ));
        }
    }
}

/// Adds a text to a memo, a blank line between it and what the memo holds.
fn push_memo(memo: &mut String, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if memo.trim().is_empty() {
        memo.clear();
        memo.push_str(text);
    } else {
        let kept = memo.trim_end().len();
        memo.truncate(kept);
        memo.push_str("\n\n");
        memo.push_str(text.trim_start());
    }
}

/// A source's text file: UTF-8 with or without BOM, UTF-16 with BOM, or (with a note in the
/// report) what the encoding detector finds.
fn decode_text(bytes: &[u8]) -> std::result::Result<String, String> {
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            return if had_errors {
                Err(format!("is not valid {}", encoding.name()))
            } else {
                Ok(text.into_owned())
            };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err("is not UTF-8 text, as REFI-QDA requires".into()),
    }
}
