//! What panes ask for. Panes never change the project themselves: they push a [`Request`], and
//! `WorkbenchState::apply_pending` carries it out. An [`Edit`] changes the project
//! (recorded for undo by the core's action log) and is always followed by a refresh of the caches;
//! a [`Navigate`] only moves the view; a [`Job`] starts work in the background.

use std::path::PathBuf;

use super::jobs::RefiFile;
use crate::analysis::AutocodeScope;
use crate::model::range::CharRange;
use crate::model::{CodeId, DocumentId, JobcenterId, MemoTarget, SegmentId};
use crate::project::ConsensusDecision;

/// One request of a pane, by its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Edit(Edit),
    Navigate(Navigate),
    Job(Job),
}

impl From<Edit> for Request {
    fn from(edit: Edit) -> Self {
        Self::Edit(edit)
    }
}

impl From<Navigate> for Request {
    fn from(navigate: Navigate) -> Self {
        Self::Navigate(navigate)
    }
}

impl From<Job> for Request {
    fn from(job: Job) -> Self {
        Self::Job(job)
    }
}

/// Where the reader goes: nothing in the project changes.
#[derive(Clone, Debug, PartialEq)]
pub enum Navigate {
    /// Show a document in the browser.
    OpenDocument(DocumentId),
    /// Open the document of a segment, scroll to it and select it.
    JumpToSegment(SegmentId),
    SelectSegment(Option<SegmentId>),
    /// Open a document in the browser at a passage and select it (with every shown coder's stripes).
    ShowPassage {
        document: DocumentId,
        range: CharRange,
    },
}

/// A change of the project: one undo step each.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Code a range of the open document.
    ApplyCode {
        code: CodeId,
        range: CharRange,
    },
    /// Create a code named by the selected text and code the selection with it.
    InVivo {
        range: CharRange,
    },
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
    /// Code the hits of a search (widened to the scope) with a code: one change for all.
    Autocode {
        code: CodeId,
        scope: AutocodeScope,
        query: String,
        hits: Vec<(DocumentId, CharRange)>,
    },
    /// Record the team's decision on a passage where two coders differ.
    DecideConsensus(ConsensusDecision),
    Undo,
    Redo,
}

/// Work that runs off the UI thread and reports when done.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Import files in the background.
    ImportFiles {
        files: Vec<PathBuf>,
        jobcenter: Option<String>,
        encoding: Option<String>,
    },
    /// Write the project as a REFI-QDA project (.qdpx) or codebook (.qdc), in the background.
    ExportRefi { path: PathBuf, what: RefiFile },
    /// Read a REFI-QDA project or codebook into the project, in the background.
    ImportRefi { path: PathBuf },
    /// Merge another project file into the project (or, as a dry run, report what a merge
    /// would do), in the background.
    Merge { path: PathBuf, dry_run: bool },
    /// Export the listed segments to CSV in the background.
    ExportSegments {
        path: PathBuf,
        delimiter: u8,
        bom: bool,
    },
}
