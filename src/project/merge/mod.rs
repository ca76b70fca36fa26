//! Merging another project file (a coder's copy, or a project made apart) into this one.
//!
//! Where both files descend from one project, the part of the action log they share (changes are
//! named by GUID) is their common ancestor, and a real three-way merge follows: for each row the
//! other file changed since then, its value then (the image before the first change that touched
//! it) and now are compared with the project's row and with what the project changed since.
//! What one side alone changed comes across, deletions included; what both changed differently is
//! a conflict, resolved by a stated rule and listed. Without an ancestor every row of the other
//! file is new, matched by what names it (text hash, code path, names), and nothing is deleted.
//!
//! The other file is only read. The whole merge is one [`Change`]: one undo takes it back, and
//! killed midway the project is as before.

mod entity;
mod side;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

pub use entity::Kind;

use self::side::{Ancestor, Diff, Rows};
use super::{Project, check_file, probe, read_only, recovery, schema};
use crate::model::error::{Error, Result};

/// How the two files are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeMode {
    /// Both descend from one project: a three-way merge from their shared history.
    CommonAncestor,
    /// Made apart: rows matched by text, path and name; nothing deleted.
    NoCommonAncestor,
}

/// What a merge did (or, in a dry run, would do) per kind of row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: Option<Kind>,
    /// New rows taken over from the other file.
    pub came_across: usize,
    /// Rows of the project that took over the other file's change (or, for a text both sides
    /// wrote, the other's text appended).
    pub changed: usize,
    /// Rows deleted because the other file deleted them.
    pub deleted: usize,
    /// Changes of the other file the project holds already.
    pub already_there: usize,
}

/// A row both files changed, differently: both values and what the merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: Kind,
    /// The row, as a person names it (empty for the project's memo).
    pub what: String,
    /// The column both changed (`deleted` where one side deleted the row, `place` for a
    /// segment's range or code).
    pub field: String,
    pub project: String,
    pub other: String,
    pub done: Resolution,
}

/// How a conflict was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The project's value stays; the other's is in the report.
    ProjectKept,
    /// The project's text stays, the other's is appended under a header naming coder and date.
    OtherAppended,
    /// The project's segment stays; the other's version is added beside it.
    OtherBeside,
    /// Deleted in the project, but used by new rows of the other file: brought back.
    Restored,
    /// Deleted in the project, changed in the other file: stays deleted.
    StaysDeleted,
    /// Deleted in the other file, but changed in the project since: stays.
    KeptChanged,
    /// Deleted in the other file, but the project still uses it: stays.
    KeptInUse,
}

impl Resolution {
    pub fn sentence(self) -> &'static str {
        match self {
            Resolution::ProjectKept => "the project's value kept",
            Resolution::OtherAppended => "the other's text appended under the project's",
            Resolution::OtherBeside => "the project's segment kept, the other's added beside it",
            Resolution::Restored => "brought back, since new work of the other file uses it",
            Resolution::StaysDeleted => "stays deleted",
            Resolution::KeptChanged => "kept, since the project changed it",
            Resolution::KeptInUse => "kept, since the project still uses it",
        }
    }
}

/// A row of the other file that did not come across, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub kind: Kind,
    pub what: String,
    pub why: LeftOutReason,
}

/// Why a row of the other file did not come across.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutReason {
    /// A document whose name the project gives to another text: its codings are not put on the
    /// project's document of that name.
    NameHasAnotherText,
    /// What it belongs to did not come across.
    OwnerLeftOut,
}

impl LeftOutReason {
    pub fn sentence(self) -> &'static str {
        match self {
            LeftOutReason::NameHasAnotherText => {
                "the project has a document of this name with another text; its codings are not put on that one"
            }
            LeftOutReason::OwnerLeftOut => "what it belongs to did not come across",
        }
    }
}

/// The report of a merge.
#[derive(Clone, Debug, Serialize)]
pub struct MergeReport {
    pub project: String,
    pub other: String,
    pub dry_run: bool,
    pub mode: MergeMode,
    /// Changes both histories share (their common ancestor).
    pub shared_changes: usize,
    /// Changes made in the project since the common ancestor.
    pub project_changes: usize,
    /// Changes made in the other file since the common ancestor.
    pub other_changes: usize,
    /// Whether the common ancestor is an earlier merge of the two files.
    pub since_earlier_merge: bool,
    pub counts: Vec<KindCount>,
    pub conflicts: Vec<Conflict>,
    pub left_out: Vec<LeftOut>,
    /// Things worth knowing that are neither conflict nor loss (a document matched by its text
    /// under another name).
    pub notes: Vec<String>,
    /// Whether the project was (or would be) changed.
    pub changes_project: bool,
}

impl MergeReport {
    pub fn count(&self, kind: Kind) -> KindCount {
        self.counts
            .iter()
            .find(|c| c.kind == Some(kind))
            .cloned()
            .unwrap_or_default()
    }

    fn tally(&mut self, kind: Kind) -> &mut KindCount {
        let i = match self.counts.iter().position(|c| c.kind == Some(kind)) {
            Some(i) => i,
            None => {
                self.counts.push(KindCount {
                    kind: Some(kind),
                    ..KindCount::default()
                });
                self.counts.len() - 1
            }
        };
        &mut self.counts[i]
    }
}

impl Project {
    /// Merges the project file `other` into this one as one change; with `dry_run`, reports what
    /// it would do and changes nothing. `other` is only read: a file of a newer Kodierwerk is
    /// refused, one of an older one is upgraded in memory.
    pub fn merge_file(&mut self, other: &Path, dry_run: bool) -> Result<MergeReport> {
        if same_file(self.path(), other) {
            return Err(Error::MergeWithItself(other.to_owned()));
        }
        let theirs = open_other(other)?;
        self.merge_from(&theirs, &display_name(other), dry_run)
    }

    /// Merges an open project (a file read by [`Project::merge_file`], or one built in memory
    /// from another program's export) into this one.
    pub fn merge_from(
        &mut self,
        other: &Project,
        other_name: &str,
        dry_run: bool,
    ) -> Result<MergeReport> {
        let theirs_conn = &other.conn;
        let related = project_guid(&self.conn)? == project_guid(theirs_conn)?;
        let theirs_history = side::history(theirs_conn)?;
        let mut theirs_rows = Rows::new();
        let project_name = display_name(self.path());
        let mut change = self.change()?;
        let ours_history = side::history(change.tx())?;
        let mut ours_rows = Rows::new();
        let (mode, ancestor, ours_diff, theirs_diff) = if related {
            let ancestor = side::ancestor(&ours_history, &theirs_history);
            let since = |log: &[side::Logged], from: usize| -> Vec<i64> {
                log[from..].iter().map(|l| l.id).collect()
            };
            let ours_diff = side::diff(
                change.tx(),
                &mut ours_rows,
                &since(&ours_history, ancestor.ours),
            )?;
            let theirs_diff = side::diff(
                theirs_conn,
                &mut theirs_rows,
                &since(&theirs_history, ancestor.theirs),
            )?;
            (MergeMode::CommonAncestor, ancestor, ours_diff, theirs_diff)
        } else {
            let theirs_diff = side::everything(theirs_conn, &mut theirs_rows)?;
            let ancestor = Ancestor {
                ours: 0,
                theirs: 0,
                by_merge: false,
            };
            (
                MergeMode::NoCommonAncestor,
                ancestor,
                Diff::default(),
                theirs_diff,
            )
        };
        let mut report = MergeReport {
            project: project_name,
            other: other_name.to_owned(),
            dry_run,
            mode,
            shared_changes: ancestor.ours,
            project_changes: ours_history.len() - ancestor.ours,
            other_changes: theirs_history.len() - ancestor.theirs,
            since_earlier_merge: ancestor.by_merge,
            counts: Kind::ALL
                .into_iter()
                .map(|kind| KindCount {
                    kind: Some(kind),
                    ..KindCount::default()
                })
                .collect(),
            conflicts: Vec::new(),
            left_out: Vec::new(),
            notes: Vec::new(),
            changes_project: false,
        };
        let author = write::Author::of(theirs_conn, &theirs_diff, other_name)?;
        let mut merger = write::Merger {
            change: &mut change,
            ours_rows: &mut ours_rows,
            theirs_conn,
            theirs_rows: &mut theirs_rows,
            ours_diff: &ours_diff,
            theirs_diff: &theirs_diff,
            three_way: mode == MergeMode::CommonAncestor,
            ident: HashMap::new(),
            done: HashSet::new(),
            left_out: HashSet::new(),
            beside: HashSet::new(),
            author,
            report: &mut report,
            ours_ids: HashMap::new(),
        };
        merger.run()?;
        report.changes_project = !change.is_empty();
        if dry_run || change.is_empty() {
            drop(change);
            return Ok(report);
        }
        let head = theirs_history.last().map(|l| l.guid.as_str());
        let label = merge_label(&report);
        change.commit_merged(&label, head)?;
        Ok(report)
    }
}

/// The log label of a merge: the other file and what came across.
fn merge_label(report: &MergeReport) -> String {
    let (new, changed, deleted) = report.counts.iter().fold((0, 0, 0), |(n, c, d), k| {
        (n + k.came_across, c + k.changed, d + k.deleted)
    });
    let mut label = format!(
        "„{}“ zusammengeführt ({new} neu, {changed} geändert, {deleted} gelöscht",
        report.other
    );
    match report.conflicts.len() {
        0 => {}
        1 => label.push_str(", 1 Konflikt"),
        n => label.push_str(&format!(", {n} Konflikte")),
    }
    label.push(')');
    label
}

/// Opens the other file without changing it: read-only at this version, upgraded in memory if
/// older, refused if newer.
fn open_other(path: &Path) -> Result<Project> {
    check_file(path)?;
    let version = probe(path)?;
    let conn = read_only(path)?;
    let read_only = |conn| Project {
        conn,
        path: path.to_owned(),
        recovery_copy: None,
        _open: recovery::OpenHere::new(path),
    };
    if version == schema::CURRENT_VERSION {
        return Ok(read_only(conn));
    }
    let mut memory = Connection::open_in_memory()?;
    {
        let backup = rusqlite::backup::Backup::new(&conn, &mut memory)?;
        backup.run_to_completion(1024, std::time::Duration::ZERO, None)?;
    }
    let mut project = read_only(memory);
    project.migrate(version)?;
    Ok(project)
}

fn project_guid(conn: &Connection) -> Result<String> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT value FROM project_info WHERE key = 'guid'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
