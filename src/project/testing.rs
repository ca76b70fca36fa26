//! Fixtures for the project module's unit tests.

use tempfile::TempDir;

use super::{NewDocument, Project, SegmentFilter};
use crate::model::range::{CharPos, CharRange};
use crate::model::{DocumentId, Turn};

/// A new, empty project in a temporary folder that lives as long as the returned guard.
pub(super) fn project() -> (TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::create(&dir.path().join("p.kodierwerk")).unwrap();
    (dir, project)
}

/// Imports a text as a document of jobcenter "Jobcenter Nord", with one turn over all of it.
pub(super) fn document(project: &mut Project, name: &str, text: &str) -> DocumentId {
    project
        .add_document(&NewDocument {
            name: name.into(),
            jobcenter: "Jobcenter Nord".into(),
            text: text.into(),
            turns: vec![Turn {
                speaker: "I".into(),
                timestamp: None,
                range: CharRange {
                    start: CharPos(0),
                    end: CharPos(text.chars().count()),
                },
            }],
            source_name: format!("{name}.txt"),
            encoding: "UTF-8".into(),
            attributes: Vec::new(),
            memo: String::new(),
        })
        .unwrap()
}

/// Everything a code-system or segment edit may touch, for comparing before and after undo.
pub(super) fn state(project: &Project) -> String {
    format!(
        "{:#?}\n{:#?}\n{:#?}",
        project.codes().unwrap(),
        project.segments(&SegmentFilter::default()).unwrap(),
        project.memos().unwrap(),
    )
}

/// The full paths of the code system, in display order.
pub(super) fn paths(project: &Project) -> Vec<String> {
    project
        .codes()
        .unwrap()
        .into_iter()
        .map(|c| c.path.into())
        .collect()
}

/// Undoing the latest change gives back `before`; redoing it gives back the state after it.
pub(super) fn assert_undo_redo(project: &mut Project, before: &str) {
    let after = state(project);
    project.undo().unwrap();
    assert_eq!(state(project), before, "undo");
    project.redo().unwrap();
    assert_eq!(state(project), after, "redo");
}
