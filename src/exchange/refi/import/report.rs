//! What an import reports: what came in, how positions were read, and what was left out.

use std::fmt;
use std::path::PathBuf;

use crate::exchange::refi::dialect::Dialect;
use crate::project::bundle::BundleImport;

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

/// "was" or "were" after a count.
pub(super) fn was(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Up to five names in quotes, then how many more.
pub(super) fn name_list(names: &[String]) -> String {
    let mut shown: Vec<String> = names.iter().take(5).map(|n| format!("“{n}”")).collect();
    if names.len() > 5 {
        shown.push(format!("{} more", names.len() - 5));
    }
    shown.join(", ")
}
