//! What panes ask for. Panes never change the project themselves: they push a [`Command`], and
//! [`super::state::WorkbenchState::apply_pending`] carries it out, records it for undo (through the
//! core's action log) and refreshes the caches.

use std::path::PathBuf;

use crate::model::range::CharRange;
use crate::model::{CodeId, DocumentId, JobcenterId, MemoTarget, SegmentId};

/// One request of a pane.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Show a document in the browser.
    OpenDocument(DocumentId),
    /// Open the document of a segment, scroll to it and select it.
    JumpToSegment(SegmentId),
    /// Code a range of the open document.
    ApplyCode {
        code: CodeId,
        range: CharRange,
    },
    /// Create a code named by the selected text and code the selection with it.
    InVivo {
        range: CharRange,
    },
    SelectSegment(Option<SegmentId>),
    UpdateSegment {
        segment: SegmentId,
        range: Option<CharRange>,
        code: Option<CodeId>,
    },
    SetSegmentMemo {
        segment: SegmentId,
        memo: String,
    },
    DeleteSegment(SegmentId),
    AddCode {
        parent: Option<CodeId>,
        name: String,
    },
    RenameCode {
        code: CodeId,
        name: String,
    },
    RecolorCode {
        code: CodeId,
        color: String,
    },
    DescribeCode {
        code: CodeId,
        markdown: String,
    },
    MoveCode {
        code: CodeId,
        parent: Option<CodeId>,
        before: Option<CodeId>,
    },
    MergeCode {
        source: CodeId,
        target: CodeId,
    },
    DeleteCode(CodeId),
    SetMemo {
        target: MemoTarget,
        text: String,
    },
    SetJobcenterAttribute {
        jobcenter: JobcenterId,
        key: String,
        value: String,
    },
    /// Record that a segment justifies its jobcenter's type.
    LinkEvidence {
        jobcenter: JobcenterId,
        segment: SegmentId,
        note: String,
    },
    UnlinkEvidence {
        jobcenter: JobcenterId,
        segment: SegmentId,
    },
    SetEvidenceNote {
        jobcenter: JobcenterId,
        segment: SegmentId,
        note: String,
    },
    Undo,
    Redo,
    /// Import files in the background.
    Import {
        files: Vec<PathBuf>,
        jobcenter: Option<String>,
        encoding: Option<String>,
    },
    /// Write the project as a REFI-QDA project (.qdpx) or codebook (.qdc), in the background.
    ExportExchange {
        path: PathBuf,
        what: crate::gui::jobs::Exchange,
    },
    /// Read a REFI-QDA project or codebook into the project, in the background.
    ImportExchange {
        path: PathBuf,
    },
    /// Export the listed segments to CSV in the background.
    ExportSegments {
        path: PathBuf,
        delimiter: u8,
        bom: bool,
    },
}
