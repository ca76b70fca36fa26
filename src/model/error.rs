//! The errors a researcher can cause, each worded as a sentence that says what happened and what to do.

use std::path::PathBuf;

use crate::model::range::RangeError;

/// Everything the core refuses, with the sentence the person reads.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} does not exist. Create a project with `kodierwerk new {}`.", .0.display(), .0.display())]
    ProjectMissing(PathBuf),
    #[error("{} exists already; choose another file name or open the existing project.", .0.display())]
    ProjectExists(PathBuf),
    #[error("{} is the project itself; name the copy to merge into it.", .0.display())]
    MergeWithItself(PathBuf),
    #[error("{} is a folder, not a project file.", .0.display())]
    ProjectIsDirectory(PathBuf),
    #[error("{} is not a Kodierwerk project ({reason}).", .path.display())]
    NotAProject { path: PathBuf, reason: String },
    #[error(
        "{} was written by a newer Kodierwerk (project format {found}, this program knows up to {known}). Update Kodierwerk to open it; the file was not changed.",
        .path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{} could not be upgraded from project format {from} ({reason}); the copy made before the upgrade (beside it, ending in .before-format-{from}) holds it as it was.",
        .path.display()
    )]
    UpgradeFailed {
        path: PathBuf,
        from: i64,
        reason: String,
    },
    #[error(
        "the project file is in use by another Kodierwerk window or command; close that and try again"
    )]
    Busy,
    #[error(
        "the project file cannot be written (read-only file or folder); copy it to a folder you may write to"
    )]
    ReadOnly,
    #[error(
        "{} is a database (a Kodierwerk project?); an export never replaces one. Choose another file name; nothing was written.",
        .0.display()
    )]
    ExportOntoDatabase(PathBuf),
    #[error(
        "this analysis failed inside Kodierwerk (a bug); the project is unchanged. Change a setting or the project to try again"
    )]
    AnalysisFailed,
    #[error("the disk is full; free some space and repeat the last step (nothing was lost)")]
    DiskFull,
    #[error("no document named or numbered “{0}” in this project (see `kodierwerk docs`)")]
    UnknownDocument(String),
    #[error("“{0}” names more than one document; use its number from `kodierwerk docs`")]
    AmbiguousDocument(String),
    #[error(
        "“{reference}” is the number of the document “{numbered}” and the name of document {named}; write the number ({named}) or the name (“{numbered}”) of the one you mean"
    )]
    NumberOrName {
        reference: String,
        numbered: String,
        named: i64,
    },
    #[error("the same text is already in the project as document “{0}”")]
    DuplicateText(String),
    #[error("a document named “{0}” is already in the project; rename the file")]
    DocumentNameTaken(String),
    #[error("no jobcenter given: name one with --jobcenter NAME or in the file's front matter")]
    NoJobcenter,
    #[error(
        "no code “{0}” in the code system (see `kodierwerk codes`, or create it with `kodierwerk add-code`)"
    )]
    UnknownCode(String),
    #[error("no jobcenter “{0}” in this project (see `kodierwerk jobcenter`)")]
    UnknownJobcenter(String),
    #[error("no coder “{0}” in this project")]
    UnknownCoder(String),
    #[error("no segment number {0} in this project")]
    UnknownSegment(i64),
    #[error("line {line}: {reason}. Nothing was coded: a batch is coded whole or not at all.")]
    BadBatchLine { line: usize, reason: String },
    #[error("“{0}” is not a usable code path: {1}")]
    BadCodePath(String, &'static str),
    #[error(
        "“{0}” would lie more than {max} levels deep in the code system, deeper than Kodierwerk keeps code trees; nothing was changed",
        max = crate::model::code_path::MAX_CODE_DEPTH
    )]
    CodeTreeTooDeep(String),
    #[error("a code “{0}” exists already at that place in the code system")]
    DuplicateCode(String),
    #[error("“{0}” is not a usable code name: {1}")]
    BadCodeName(String, &'static str),
    #[error("“{0}” is not a usable coder name: {1}")]
    BadCoderName(String, &'static str),
    #[error(
        "the code “{code}” cannot be moved into “{target}”, because that is the code itself or one of its sub-codes; choose a place outside “{code}”"
    )]
    MoveIntoOwnSubtree { code: String, target: String },
    #[error(
        "the code “{code}” cannot be merged into “{target}”, because that is the code itself or one of its sub-codes; choose a code outside “{code}”"
    )]
    MergeIntoOwnSubtree { code: String, target: String },
    #[error(
        "the code “{code}” is not {place}, so nothing can be placed before it there; choose one of the codes at the new place"
    )]
    NotASibling { code: String, place: String },
    #[error("“{0}” is not a colour; write it as #RRGGBB, e.g. #3B6FB6")]
    BadColor(String),
    #[error("“{value}” is not a value of {attribute}; allowed are: {allowed}")]
    BadAttributeValue {
        attribute: String,
        value: String,
        allowed: String,
    },
    #[error("“{0}” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-14")]
    BadDate(String),
    #[error(
        "no attribute “{0}” in this project (`kodierwerk jobcenters` and `kodierwerk docs` show them)"
    )]
    UnknownAttribute(String),
    #[error("“{0}” must have the form KEY=VALUE")]
    BadAssignment(String),
    #[error("“{0}” is a {1} attribute and cannot be used here")]
    WrongAttributeScope(String, &'static str),
    #[error(
        "segment {segment} is in “{document}” of {owner}, not of {jobcenter}; only passages from a jobcenter's own documents can justify its type"
    )]
    EvidenceFromOtherJobcenter {
        segment: i64,
        document: String,
        owner: String,
        jobcenter: String,
    },
    #[error(
        "segment {segment} is not linked as evidence for {jobcenter} (`kodierwerk evidence --jobcenter` lists the links)"
    )]
    NotEvidence { segment: i64, jobcenter: String },
    #[error(
        "“{0}” takes free values, not a fixed list of types; a typology compares the values of a choice attribute such as Digitalisierungstyp (for others use `kodierwerk matrix --by`)"
    )]
    NotATypeAttribute(String),
    #[error("{0}")]
    Range(#[from] RangeError),
    #[error("agreement compares two coders; name exactly two, e.g. --coders Anna,Jonas")]
    NotTwoCoders,
    #[error("“{0}” is named twice; agreement compares two different coders")]
    SameCoderTwice(String),
    #[error(
        "“{0}” is one of the coders compared; the consensus needs a coder of its own, e.g. Konsens"
    )]
    ConsensusIsACoder(String),
    #[error("neither coder coded “{code}” in the passage {passage}; there is nothing to decide")]
    NothingToDecide { code: String, passage: String },
    #[error("the search “{query}” cannot be read at character {position}: {reason}")]
    BadQuery {
        query: String,
        /// Counted in characters from 1, as a person counts.
        position: usize,
        reason: String,
    },
    #[error("the regular expression cannot be read: {0}")]
    BadRegex(String),
    #[error("the dictionary {file} cannot be read: {reason}")]
    BadDictionary { file: String, reason: String },
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
    #[error("the codebook {file} cannot be read: {reason}")]
    BadCodebook { file: String, reason: String },
    #[error(
        "the project has no codes, so there is no codebook to export; add codes first (`kodierwerk add-code`)"
    )]
    EmptyCodebook,
    #[error("the sample corpus is broken ({0}); this is a bug in this build of Kodierwerk")]
    BadSampleCorpus(String),
    #[error("{} cannot be read: {reason}.", .path.display())]
    File {
        path: PathBuf,
        reason: crate::model::file::FileError,
    },
    #[error(
        "{} cannot be the export's file: {reason}. Choose another file name; nothing was written.",
        .path.display()
    )]
    ExportTarget { path: PathBuf, reason: &'static str },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the project file could not be read or written: {0}")]
    Sqlite(rusqlite::Error),
    #[error("the action log holds an entry this program cannot read ({0})")]
    BadLogEntry(String),
    #[error(
        "{file} cannot be imported: {reason}. Export it again from the other program as a REFI-QDA project (.qdpx) or codebook (.qdc); nothing was imported."
    )]
    NotRefiQda { file: String, reason: String },
    #[error(
        "{file} was refused because {reason}; nothing was imported. Ask for a fresh export from the program that made it."
    )]
    UnsafeExchangeFile { file: String, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy,
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                Error::ReadOnly
            }
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Sqlite(error),
        }
    }
}

impl Error {
    /// Why a named file was not read, with its path.
    pub fn file(path: impl Into<PathBuf>, reason: crate::model::file::FileError) -> Self {
        match reason {
            crate::model::file::FileError::Io(source) => Error::io(path, source),
            reason => Error::File {
                path: path.into(),
                reason,
            },
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
