//! The workbench's state apart from drawing: the open project, caches of what panes show, the
//! selection, and the one door through which changes reach the project.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::analysis_worker::AnalysisWorker;
use super::command::Command;
use super::i18n::{Lang, Tr};
use super::jobs::Exchange;
use super::jobs::Jobs;
use super::panes::analysis::AnalysisView;
use super::panes::browser::BrowserCache;
use super::panes::charts::ChartsView;
use super::panes::codes::CodeEdit;
use super::panes::dialogs::SaveWhat;
use super::panes::memo::MemoDraft;
use super::panes::relations::RelationsView;
use super::panes::typology::TypologyView;
use crate::model::error::Result;
use crate::model::range::{CharPos, CharRange, TextIndex};
use crate::model::{
    Attribute, Code, CodeId, Coder, DocumentId, DocumentInfo, Jobcenter, MemoTarget, Scope,
    Segment, SegmentId, Turn,
};
use crate::project::{Project, SegmentFilter};

/// A stretch of the open document shown as one block: a speaker turn, or a paragraph outside turns.
#[derive(Clone, Debug)]
pub struct Block {
    pub range: CharRange,
    pub speaker: Option<String>,
    pub timestamp: Option<String>,
    /// The characters of `range`.
    pub text: String,
}

/// The document shown in the browser.
pub struct OpenDocument {
    pub id: DocumentId,
    pub name: String,
    pub char_len: usize,
    pub blocks: Vec<Block>,
    /// Every segment of the document, by start.
    pub segments: Vec<Segment>,
}

impl OpenDocument {
    fn load(project: &Project, id: DocumentId) -> Result<Self> {
        let info = project.document(id)?;
        let text = project.document_text(id)?;
        let turns = project.turns(id)?;
        let segments = project.document_segments(id)?;
        let blocks = blocks(&text, &turns);
        Ok(Self {
            id,
            name: info.name,
            char_len: info.chars,
            blocks,
            segments,
        })
    }

    /// The block that holds a character position (or the nearest one before it).
    pub fn block_at(&self, pos: usize) -> usize {
        self.blocks
            .partition_point(|b| b.range.start.0 <= pos)
            .saturating_sub(1)
    }

    /// The text of a range, across blocks (what lies between blocks, such as labels, is left out).
    pub fn text_of(&self, range: CharRange) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            let start = range.start.0.max(block.range.start.0);
            let end = range.end.0.min(block.range.end.0);
            if start < end {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.extend(
                    block
                        .text
                        .chars()
                        .skip(start - block.range.start.0)
                        .take(end - start),
                );
            }
        }
        out
    }
}

/// Splits a text into blocks: one per turn, and paragraphs for what stands outside turns.
pub fn blocks(text: &str, turns: &[Turn]) -> Vec<Block> {
    let index = TextIndex::new(text);
    let slice = |range: CharRange| index.slice(range).unwrap_or_default().to_owned();
    let mut out = Vec::new();
    let paragraphs = |from: usize, to: usize, out: &mut Vec<Block>| {
        let (Some(a), Some(b)) = (index.byte_of(CharPos(from)), index.byte_of(CharPos(to))) else {
            return;
        };
        let mut start = a;
        for (offset, _) in text[a..b]
            .match_indices("\n\n")
            .chain(std::iter::once((b - a, "")))
        {
            let end = a + offset;
            let chunk = &text[start..end];
            let trimmed_start = start + (chunk.len() - chunk.trim_start().len());
            let trimmed_end = start + chunk.trim_end().len();
            if trimmed_start < trimmed_end
                && let Some(range) = index.range_of_bytes(trimmed_start, trimmed_end)
            {
                out.push(Block {
                    range,
                    speaker: None,
                    timestamp: None,
                    text: slice(range),
                });
            }
            start = end;
        }
    };
    // What stands before the line of the first turn (a title, a header) becomes paragraphs.
    if let Some(first) = turns.first()
        && let Some(byte) = index.byte_of(first.range.start)
        && let Some(line_start) = text[..byte].rfind('\n')
        && let Some(end) = index.char_of(line_start)
    {
        paragraphs(0, end.0, &mut out);
    }
    for turn in turns {
        if turn.range.is_empty() {
            continue;
        }
        out.push(Block {
            range: turn.range,
            speaker: Some(turn.speaker.clone()),
            timestamp: turn.timestamp.clone(),
            text: slice(turn.range),
        });
    }
    if turns.is_empty() {
        paragraphs(0, index.char_len(), &mut out);
    }
    out
}

/// The segments of a document made by coders who are not hidden.
pub fn visible<'a>(
    open: &'a OpenDocument,
    hidden: &'a HashSet<String>,
) -> impl Iterator<Item = &'a Segment> {
    open.segments.iter().filter(|s| !hidden.contains(&s.coder))
}

/// The segment a click at this position selects: the shortest visible one that covers it.
pub fn segment_at(open: &OpenDocument, hidden: &HashSet<String>, pos: usize) -> Option<SegmentId> {
    visible(open, hidden)
        .filter(|s| s.start <= pos && pos < s.end)
        .min_by_key(|s| s.end - s.start)
        .map(|s| s.id)
}

/// What the middle of the window shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CentralView {
    Browser,
    Analysis,
    Charts,
    Typology,
    Crosstab,
    Cooccurrence,
}

/// Where the browser should scroll to on the next frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollTarget {
    pub pos: usize,
}

/// The find bar of the browser (Ctrl+F).
#[derive(Clone, Debug, Default)]
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub matches: Vec<CharRange>,
    pub current: usize,
    pub focus: bool,
}

/// Settings kept between runs (not research data: that lives only in the project file).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub coder: String,
    pub recent: Vec<PathBuf>,
    pub lang: Lang,
}

/// Everything a pane needs to draw itself and ask for changes.
pub struct WorkbenchState {
    pub project: Project,
    pub tr: &'static Tr,
    pub coder: String,
    pub documents: Vec<DocumentInfo>,
    pub jobcenters: Vec<Jobcenter>,
    pub codes: Vec<Code>,
    /// Jobcenter attributes, then document attributes.
    pub attributes: Vec<Attribute>,
    pub counts: HashMap<CodeId, (usize, usize)>,
    pub coders: Vec<Coder>,
    pub active_documents: HashSet<DocumentId>,
    pub active_codes: HashSet<CodeId>,
    pub hidden_coders: HashSet<String>,
    /// Codes on the keys 1–9.
    pub pinned: Vec<CodeId>,
    pub open: Option<OpenDocument>,
    pub selection: Option<CharRange>,
    pub selected_segment: Option<SegmentId>,
    pub selected_code: Option<CodeId>,
    pub retrieved: Vec<Segment>,
    pub document_filter: String,
    pub find: FindState,
    pub scroll_to: Option<ScrollTarget>,
    pub memo_target: Option<MemoTarget>,
    pub message: Option<String>,
    pub error: Option<String>,
    pub commands: Vec<Command>,
    pub jobs: Jobs,
    pub browser: BrowserCache,
    pub code_edit: CodeEdit,
    pub memo_draft: Option<MemoDraft>,
    pub central: CentralView,
    pub analysis: AnalysisView,
    pub relations: RelationsView,
    pub charts: ChartsView,
    pub typology: TypologyView,
    /// Computes the Analyse views off the UI thread.
    pub worker: AnalysisWorker,
    /// A file a view offers to save (dialog title and content); the app asks where.
    pub save_request: Option<(&'static str, SaveWhat)>,
    /// Counts every change, so that views can tell when to recompute.
    pub version: u64,
}

impl WorkbenchState {
    pub fn new(project: Project, settings: &Settings) -> Result<Self> {
        let project_path = project.path().to_owned();
        let mut state = Self {
            project,
            tr: settings.lang.tr(),
            coder: settings.coder.clone(),
            documents: Vec::new(),
            jobcenters: Vec::new(),
            codes: Vec::new(),
            attributes: Vec::new(),
            counts: HashMap::new(),
            coders: Vec::new(),
            active_documents: HashSet::new(),
            active_codes: HashSet::new(),
            hidden_coders: HashSet::new(),
            pinned: Vec::new(),
            open: None,
            selection: None,
            selected_segment: None,
            selected_code: None,
            retrieved: Vec::new(),
            document_filter: String::new(),
            find: FindState::default(),
            scroll_to: None,
            memo_target: None,
            message: None,
            error: None,
            commands: Vec::new(),
            jobs: Jobs::default(),
            browser: BrowserCache::default(),
            code_edit: CodeEdit::default(),
            memo_draft: None,
            central: CentralView::Browser,
            analysis: AnalysisView::default(),
            relations: RelationsView::default(),
            charts: ChartsView::default(),
            typology: TypologyView::default(),
            worker: AnalysisWorker::start(project_path),
            save_request: None,
            version: 0,
        };
        state.refresh()?;
        state.active_documents = state.documents.iter().map(|d| d.id).collect();
        state.pinned = state
            .codes
            .iter()
            .filter(|c| c.depth > 0)
            .take(9)
            .map(|c| c.id)
            .collect();
        if let Some(first) = state.documents.first() {
            state.open = Some(OpenDocument::load(&state.project, first.id)?);
        }
        Ok(state)
    }

    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Reloads every cache from the project file.
    pub fn refresh(&mut self) -> Result<()> {
        self.documents = self.project.documents()?;
        self.jobcenters = self.project.jobcenters()?;
        self.codes = self.project.codes()?;
        self.attributes = self.project.attributes(Scope::Jobcenter)?;
        self.attributes
            .extend(self.project.attributes(Scope::Document)?);
        self.counts = self.project.code_counts()?;
        self.coders = self.project.coders()?;
        let known_docs: HashSet<DocumentId> = self.documents.iter().map(|d| d.id).collect();
        self.active_documents.retain(|d| known_docs.contains(d));
        let known_codes: HashSet<CodeId> = self.codes.iter().map(|c| c.id).collect();
        self.active_codes.retain(|c| known_codes.contains(c));
        self.pinned.retain(|c| known_codes.contains(c));
        // A document's text and turns never change after import: only its segments need reloading.
        if let Some(open) = &mut self.open {
            if known_docs.contains(&open.id) {
                open.segments = self.project.document_segments(open.id)?;
            } else {
                self.open = None;
            }
        }
        if let Some(segment) = self.selected_segment
            && !self
                .open
                .as_ref()
                .is_some_and(|o| o.segments.iter().any(|s| s.id == segment))
        {
            self.selected_segment = None;
        }
        self.refresh_retrieved()?;
        self.version += 1;
        Ok(())
    }

    /// Recomputes the list of retrieved segments: activated codes × activated documents.
    pub fn refresh_retrieved(&mut self) -> Result<()> {
        if self.active_codes.is_empty() || self.active_documents.is_empty() {
            self.retrieved.clear();
            return Ok(());
        }
        self.retrieved = self.project.segments(&self.retrieval_filter())?;
        Ok(())
    }

    /// Activated codes × activated documents, by the coders who are shown.
    pub fn retrieval_filter(&self) -> SegmentFilter {
        if self.active_codes.is_empty() || self.active_documents.is_empty() {
            return SegmentFilter::nothing();
        }
        let coders: Vec<_> = self
            .coders
            .iter()
            .filter(|c| !self.hidden_coders.contains(&c.name))
            .map(|c| c.id)
            .collect();
        if coders.is_empty() && !self.coders.is_empty() {
            return SegmentFilter::nothing();
        }
        SegmentFilter {
            codes: self.active_codes.iter().copied().collect(),
            documents: self.active_documents.iter().copied().collect(),
            coders,
            ..SegmentFilter::default()
        }
    }

    pub fn code(&self, id: CodeId) -> Option<&Code> {
        self.codes.iter().find(|c| c.id == id)
    }

    /// The segments of the open document that the visible coders made.
    pub fn visible_segments(&self) -> impl Iterator<Item = &Segment> {
        self.open
            .iter()
            .flat_map(|o| visible(o, &self.hidden_coders))
    }

    /// Carries out the commands the panes pushed this frame.
    pub fn apply_pending(&mut self) {
        let commands = std::mem::take(&mut self.commands);
        for command in commands {
            if let Err(error) = self.apply(command) {
                self.error = Some(error.to_string());
            }
        }
    }

    fn open_document(&mut self, id: DocumentId) -> Result<()> {
        if self.open.as_ref().is_some_and(|o| o.id == id) {
            return Ok(());
        }
        self.open = Some(OpenDocument::load(&self.project, id)?);
        self.selection = None;
        self.selected_segment = None;
        self.find.matches.clear();
        self.scroll_to = Some(ScrollTarget { pos: 0 });
        Ok(())
    }

    /// Codes a range of the open document as the current coder, and selects the new segment.
    fn code_range(&mut self, code: CodeId, range: CharRange) -> Result<()> {
        let Some(document) = self.open.as_ref().map(|o| o.id) else {
            return Ok(());
        };
        let coder = self.coder_name();
        let id = self.project.apply_code(document, range, code, &coder, "")?;
        self.coded(code, id);
        Ok(())
    }

    /// Selects a segment just coded, and keeps its code at hand.
    fn coded(&mut self, code: CodeId, segment: SegmentId) {
        self.selected_segment = Some(segment);
        self.selection = None;
        self.active_codes.insert(code);
    }

    fn coder_name(&self) -> String {
        if self.coder.trim().is_empty() {
            self.tr.unknown_coder.to_owned()
        } else {
            self.coder.trim().to_owned()
        }
    }

    fn apply(&mut self, command: Command) -> Result<()> {
        let changed = match command {
            Command::OpenDocument(id) => {
                self.open_document(id)?;
                self.central = CentralView::Browser;
                false
            }
            Command::JumpToSegment(id) => {
                let segment = self.project.segment(id)?;
                self.central = CentralView::Browser;
                self.open_document(segment.document_id)?;
                self.selected_segment = Some(id);
                self.selection = None;
                self.scroll_to = Some(ScrollTarget { pos: segment.start });
                false
            }
            Command::SelectSegment(id) => {
                self.selected_segment = id;
                false
            }
            Command::ApplyCode { code, range } => {
                self.code_range(code, range)?;
                true
            }
            Command::InVivo { range } => {
                let Some(document) = self.open.as_ref().map(|o| o.id) else {
                    return Ok(());
                };
                let coder = self.coder_name();
                let Some((code, segment)) = self.project.code_in_vivo(document, range, &coder)?
                else {
                    return Ok(());
                };
                self.coded(code, segment);
                self.selected_code = Some(code);
                true
            }
            Command::UpdateSegment {
                segment,
                range,
                code,
            } => {
                self.project.update_segment(segment, range, code)?;
                true
            }
            Command::SetSegmentMemo { segment, memo } => {
                if self.project.segment(segment)?.memo == memo {
                    return Ok(());
                }
                self.project.set_segment_memo(segment, &memo)?;
                true
            }
            Command::DeleteSegment(segment) => {
                self.project.delete_segment(segment)?;
                self.selected_segment = None;
                true
            }
            Command::AddCode { parent, name } => {
                let path = match parent.and_then(|p| self.code(p)) {
                    Some(p) => format!("{}/{}", p.path, name.trim()),
                    None => name.trim().to_owned(),
                };
                let id = self.project.add_code(&path, None, "")?;
                self.selected_code = Some(id);
                true
            }
            Command::RenameCode { code, name } => {
                self.project.rename_code(code, &name)?;
                true
            }
            Command::RecolorCode { code, color } => {
                self.project.set_code_color(code, &color)?;
                true
            }
            Command::DescribeCode { code, markdown } => {
                self.project.set_code_description(code, &markdown)?;
                true
            }
            Command::MoveCode {
                code,
                parent,
                before,
            } => {
                self.project.move_code(code, parent, before)?;
                true
            }
            Command::MergeCode { source, target } => {
                let moved = self.project.merge_code(source, target)?;
                self.message = Some(format!("{} {moved}", self.tr.merged_segments));
                self.selected_code = Some(target);
                true
            }
            Command::DeleteCode(code) => {
                let removed = self.project.delete_code(code)?;
                self.message = Some(format!("{} {removed}", self.tr.deleted_segments));
                if self.selected_code == Some(code) {
                    self.selected_code = None;
                }
                true
            }
            Command::SetMemo { target, text } => {
                let old = self
                    .project
                    .memo(&target)?
                    .map(|m| m.text)
                    .unwrap_or_default();
                if old == text {
                    return Ok(());
                }
                self.project.set_memo(&target, &text)?;
                true
            }
            Command::SetJobcenterAttribute {
                jobcenter,
                key,
                value,
            } => {
                let Some(name) = self
                    .jobcenters
                    .iter()
                    .find(|j| j.id == jobcenter)
                    .map(|j| j.name.clone())
                else {
                    return Ok(());
                };
                self.project.set_jobcenter(&name, &[(key, value)])?;
                true
            }
            Command::LinkEvidence {
                jobcenter,
                segment,
                note,
            } => {
                self.project.link_evidence(jobcenter, segment, &note)?;
                let name = self
                    .jobcenters
                    .iter()
                    .find(|j| j.id == jobcenter)
                    .map(|j| j.name.clone())
                    .unwrap_or_default();
                self.message = Some(format!("{}: {name}", self.tr.linked_as_evidence));
                true
            }
            Command::SetEvidenceNote {
                jobcenter,
                segment,
                note,
            } => {
                self.project.set_evidence_note(jobcenter, segment, &note)?;
                true
            }
            Command::UnlinkEvidence { jobcenter, segment } => {
                self.project.unlink_evidence(jobcenter, segment)?;
                true
            }
            Command::Undo => {
                let label = self.project.undo()?;
                self.message = Some(format!("{}: {label}", self.tr.undone));
                true
            }
            Command::Redo => {
                let label = self.project.redo()?;
                self.message = Some(format!("{}: {label}", self.tr.redone));
                true
            }
            Command::Import {
                files,
                jobcenter,
                encoding,
            } => {
                self.jobs
                    .start_import(self.project.path().to_owned(), files, jobcenter, encoding);
                false
            }
            Command::ExportExchange { path, what } => {
                self.jobs
                    .start_exchange_export(self.project.path().to_owned(), path, what);
                false
            }
            Command::ImportExchange { path } => {
                let what = if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("qdc"))
                {
                    Exchange::Codebook
                } else {
                    Exchange::Project
                };
                self.jobs
                    .start_exchange_import(self.project.path().to_owned(), path, what);
                false
            }
            Command::ExportSegments {
                path,
                delimiter,
                bom,
            } => {
                self.jobs.start_export(
                    self.project.path().to_owned(),
                    self.retrieval_filter(),
                    self.retrieved.len(),
                    path,
                    delimiter,
                    bom,
                );
                false
            }
        };
        if changed {
            self.refresh()?;
        } else {
            self.refresh_retrieved()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_become_blocks_and_the_header_a_paragraph() {
        let text = "Interview Nord\n\nI: Frage?\n\nB: Antwort,\nzweite Zeile.\n";
        let turns = crate::corpus::turns::find_turns(text);
        let blocks = blocks(text, &turns);
        let shown: Vec<(&str, Option<&str>)> = blocks
            .iter()
            .map(|b| (b.text.as_str(), b.speaker.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Interview Nord", None),
                ("Frage?", Some("I")),
                ("Antwort,\nzweite Zeile.", Some("B"))
            ]
        );
    }

    #[test]
    fn the_first_label_is_not_a_paragraph() {
        let text = "I: #00:00:04# Vielen Dank.\n\nB: Gerne.";
        let turns = crate::corpus::turns::find_turns(text);
        let blocks = blocks(text, &turns);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "Vielen Dank.");
    }

    #[test]
    fn text_without_turns_is_split_into_paragraphs() {
        let text = "Beobachtung am Empfang.\n\nZweiter Absatz: Größe.\n\n\n";
        let blocks = blocks(text, &[]);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].text, "Zweiter Absatz: Größe.");
        assert_eq!(blocks[1].range.start.0, 25);
    }
}
