//! Merging another file into the project: a Kodierwerk project (a coder's copy, or one made
//! apart), or a REFI-QDA project (.qdpx) of another program, brought in the same way.

use std::path::Path;

use crate::model::error::Result;
use crate::project::{MergeReport, Project};

/// Merges `other` into `project` (with `dry_run`, only reports). A `.qdpx` file is read into a
/// project in memory first (nothing of it is written anywhere else) and merged as a project made
/// apart: matched by text, code path and name, nothing deleted.
pub fn merge_file(project: &mut Project, other: &Path, dry_run: bool) -> Result<MergeReport> {
    let refi = other
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("qdpx"));
    if !refi {
        return project.merge_file(other, dry_run);
    }
    let (bundle, _) = super::read_qdpx(other)?;
    let mut scratch = Project::in_memory()?;
    scratch.import_bundle(&bundle, "REFI-QDA")?;
    let name = other
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    project.merge_from(&scratch, &name, dry_run)
}
