//! Reading QDPX projects and QDC codebooks as other programs write them.
//!
//! Lenient about what programs do differently (namespace versions, GUID spelling, `Sources/` or
//! `sources/`, text inline or in files, memos as notes, descriptions or links), strict about what
//! could corrupt a project: every selection is placed through [`dialect::decide`], and what cannot
//! be placed with confidence is reported, not guessed. Nothing is written until the whole file has
//! been read; [`import_qdpx`] then hands one [`Bundle`] to the project as one undoable change.

mod entities;
mod fields;
mod notes;
mod report;
mod sources;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::archive::{self, Archive, Element};
use super::dialect::{self, Dialect};
use crate::model::bundle::Bundle;
use crate::model::error::{Error, Result};
use crate::project::Project;

use entities::Value;
use fields::guid_of;
use notes::{MemoText, Note};
pub use report::{ImportCounts, ImportReport, SourceDialect, UnplacedSelection};
use report::{name_list, plural, was};

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
    let bytes = crate::model::file::read_limited(path, crate::corpus::MAX_FILE_BYTES)
        .map_err(|e| Error::file(path, e))?;
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

/// The most codings one selection may carry (each stores the passage's text again).
const MAX_CODINGS_PER_SELECTION: usize = 64;
/// The most places one note may be attached to (each place holds the note's text again).
const MAX_NOTE_USES: usize = 100;
/// The most the memos of one import may hold together, in bytes.
const MAX_MEMO_BYTES: usize = 64 * 1024 * 1024;

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
    /// Codings beyond the most one selection may carry.
    surplus_codings: usize,
    /// An archive error met while reading: the whole import is refused.
    fatal: Option<Error>,
    /// The description as written of variables whose description lists allowed values.
    choice_descriptions: HashMap<String, String>,
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported".into())
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
            surplus_codings: 0,
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

    /// Puts notes and descriptions into memos and values to their variables, and counts.
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
        if self.surplus_codings > 0 {
            let n = self.surplus_codings;
            self.discard(format!(
                "{} beyond the {MAX_CODINGS_PER_SELECTION} one passage may carry {} not imported.",
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
}
