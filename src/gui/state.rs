//! The workbench's state apart from drawing: the open project, caches of what panes show, the
//! selection, and the one door through which changes reach the project.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::analysis_worker::AnalysisWorker;
use super::i18n::{Lang, Tr};
use super::jobs::{Jobs, RefiFile};
use super::request::{Edit, Job, Navigate, Request};
use super::retriever::Retriever;
use crate::analysis::{AutocodeItem, autocode, autocode_label, autocode_memo};
use crate::corpus::blocks::{Block, block_at, blocks, text_of};
use crate::model::error::Result;
use crate::model::range::CharRange;
use crate::model::{
    Attribute, Code, CodeId, Coder, DocumentId, DocumentInfo, Jobcenter, MemoTarget, Scope,
    Segment, SegmentId,
};
use crate::project::{Project, Replayed, ReplayedRow, SegmentFilter};

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
        block_at(&self.blocks, pos)
    }

    /// The text of a range, across blocks (what lies between blocks, such as labels, is left out).
    pub fn text_of(&self, range: CharRange) -> String {
        text_of(&self.blocks, range)
    }
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
    Agreement,
    Search,
    Words,
}

/// A selection dragged out of the browser onto a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DraggedSelection(pub CharRange);

/// Where the browser should scroll to on the next frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollTarget {
    pub pos: usize,
}

/// What a view offers to save into a file.
pub enum SaveWhat {
    /// A table, header first, as CSV.
    Table(Vec<Vec<String>>),
    /// A chart as a PNG picture.
    Image(std::sync::Arc<egui::ColorImage>),
    /// The project for another QDA program (REFI-QDA .qdpx or, codebook only, .qdc).
    Refi(RefiFile),
}

/// Settings kept between runs (not research data: that lives only in the project file).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub coder: String,
    pub recent: Vec<PathBuf>,
    pub lang: Lang,
}

/// What an edit can have changed, so that the refresh after it reads that much and no more.
enum Touched {
    /// Segments of one document (one segment, if known), and the counts of some codes.
    Segments {
        document: DocumentId,
        codes: Vec<CodeId>,
        segment: Option<SegmentId>,
    },
    Everything,
}

impl Touched {
    /// What an undo or a redo touched: the segments of one document (and the coder a first
    /// coding brought) are read again like an edit of them; anything else, everything.
    fn replayed(replayed: &Replayed) -> Self {
        let segments: Vec<&ReplayedRow> = replayed
            .rows
            .iter()
            .filter(|r| r.table == "segments")
            .collect();
        let only_segments = replayed
            .rows
            .iter()
            .all(|r| r.table == "segments" || r.table == "coders");
        let documents: HashSet<Option<i64>> = segments.iter().map(|r| r.document).collect();
        match (
            only_segments,
            documents.into_iter().collect::<Vec<_>>().as_slice(),
        ) {
            (true, [Some(document)]) => Self::segments(
                DocumentId(*document),
                segments
                    .iter()
                    .flat_map(|r| r.codes.iter().map(|c| CodeId(*c))),
                match segments.as_slice() {
                    [one] => Some(SegmentId(one.id)),
                    _ => None,
                },
            ),
            _ => Self::Everything,
        }
    }

    fn segments(
        document: DocumentId,
        codes: impl IntoIterator<Item = CodeId>,
        segment: Option<SegmentId>,
    ) -> Self {
        Self::Segments {
            document,
            codes: codes.into_iter().collect(),
            segment,
        }
    }
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
    /// Blind coding: every coder but the current one is hidden (the choice before is kept aside).
    pub blind: bool,
    hidden_before_blind: HashSet<String>,
    /// Codes on the keys 1–9.
    pub pinned: Vec<CodeId>,
    pub open: Option<OpenDocument>,
    pub selection: Option<CharRange>,
    pub selected_segment: Option<SegmentId>,
    pub selected_code: Option<CodeId>,
    /// Activated codes × activated documents; read off the UI thread by the retriever, so it can
    /// be a moment behind the project (`retrieving()` says so).
    pub retrieved: Vec<Segment>,
    retriever: Retriever,
    /// The question the list of retrieved segments answers (or is being read for).
    retrieved_for: Option<SegmentFilter>,
    /// Changes to segments made while the list was being read, put in place again when it
    /// arrives: a document's rows, or one segment.
    unlisted_changes: Vec<(DocumentId, Option<SegmentId>)>,
    pub document_filter: String,
    pub scroll_to: Option<ScrollTarget>,
    pub memo_target: Option<MemoTarget>,
    pub message: Option<String>,
    pub error: Option<String>,
    pub requests: Vec<Request>,
    pub jobs: Jobs,
    pub central: CentralView,
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
            blind: false,
            hidden_before_blind: HashSet::new(),
            pinned: Vec::new(),
            open: None,
            selection: None,
            selected_segment: None,
            selected_code: None,
            retrieved: Vec::new(),
            retriever: Retriever::start(project_path.clone()),
            retrieved_for: None,
            unlisted_changes: Vec::new(),
            document_filter: String::new(),
            scroll_to: None,
            memo_target: None,
            message: None,
            error: None,
            requests: Vec::new(),
            jobs: Jobs::default(),
            central: CentralView::Browser,
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

    /// Asks for an edit, a move or a background job; carried out after the frame is drawn.
    pub fn push(&mut self, request: impl Into<Request>) {
        self.requests.push(request.into());
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
        self.hide_for_blind_coding();
        let known_docs: HashSet<DocumentId> = self.documents.iter().map(|d| d.id).collect();
        self.active_documents.retain(|d| known_docs.contains(d));
        let known_codes: HashSet<CodeId> = self.codes.iter().map(|c| c.id).collect();
        self.active_codes.retain(|c| known_codes.contains(c));
        self.pinned.retain(|c| known_codes.contains(c));
        if self
            .open
            .as_ref()
            .is_some_and(|o| !known_docs.contains(&o.id))
        {
            self.open = None;
        }
        self.refresh_open_segments()?;
        self.refresh_retrieved()?;
        self.version += 1;
        Ok(())
    }

    /// Reloads what a change to the segments of `document` can have changed, and no more: at a
    /// million segments the frame that shows a new coding must not wait for every count. The
    /// counts of `codes` (and their parents) are read again; the code tree too, since coding in
    /// vivo adds a code.
    fn refresh_segments(
        &mut self,
        document: DocumentId,
        codes: &[CodeId],
        segment: Option<SegmentId>,
    ) -> Result<()> {
        self.codes = self.project.codes()?;
        for &code in codes {
            self.recount(code)?;
        }
        self.coders = self.project.coders()?;
        self.hide_for_blind_coding();
        if let Some(listed) = self.documents.iter_mut().find(|d| d.id == document) {
            *listed = self.project.document(document)?;
        }
        match segment {
            // One segment changed: it alone is read and put in place, in the open document and
            // in the list.
            Some(id) => {
                let now = self.segment_now(id)?;
                self.patch_open(id, now.as_ref());
                self.patch_listed(document, id, now)?;
            }
            None => {
                self.refresh_open_segments()?;
                self.refresh_listed(document)?;
            }
        }
        self.version += 1;
        Ok(())
    }

    /// A segment as the project holds it now, or none if a change took it away.
    fn segment_now(&self, id: SegmentId) -> Result<Option<Segment>> {
        match self.project.segment(id) {
            Ok(segment) => Ok(Some(segment)),
            Err(crate::Error::UnknownSegment(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Puts one segment of the open document in place (by start, end and number), or takes it out.
    fn patch_open(&mut self, id: SegmentId, now: Option<&Segment>) {
        if let Some(open) = &mut self.open {
            open.segments.retain(|s| s.id != id);
            if let Some(segment) = now.filter(|s| s.document_id == open.id) {
                let key = |s: &Segment| (s.start, s.end, s.id);
                let at = open.segments.partition_point(|s| key(s) < key(segment));
                open.segments.insert(at, segment.clone());
            }
        }
        if self.selected_segment == Some(id) && now.is_none() {
            self.selected_segment = None;
        }
    }

    /// Puts one segment in place in the list of retrieved segments (documents in the order of the
    /// document system, then by start, end and number) if it passes the list's filter, or takes it
    /// out; the whole list is read again when what is activated changed.
    fn patch_listed(
        &mut self,
        document: DocumentId,
        id: SegmentId,
        now: Option<Segment>,
    ) -> Result<()> {
        let filter = self.retrieval_filter();
        if self.retrieved_for.as_ref() != Some(&filter) {
            return self.refresh_retrieved();
        }
        if self.retriever.busy() {
            // The list being read may or may not hold this change: it is put in place again
            // when the list arrives (putting a segment in place twice changes nothing).
            self.unlisted_changes.push((document, Some(id)));
        }
        self.place_listed(&filter, document, id, now);
        Ok(())
    }

    /// Puts one segment in place in the list, or takes it out.
    fn place_listed(
        &mut self,
        filter: &SegmentFilter,
        document: DocumentId,
        id: SegmentId,
        now: Option<Segment>,
    ) {
        self.retrieved.retain(|s| s.id != id);
        let Some(segment) = now.filter(|s| self.passes(filter, s)) else {
            return;
        };
        debug_assert_eq!(segment.document_id, document);
        let rank: HashMap<DocumentId, usize> = self
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id, i))
            .collect();
        let key = |s: &Segment| {
            (
                rank.get(&s.document_id).copied().unwrap_or(usize::MAX),
                s.start,
                s.end,
                s.id,
            )
        };
        let at = self.retrieved.partition_point(|s| key(s) < key(&segment));
        self.retrieved.insert(at, segment);
    }

    /// Whether a segment passes a filter of the list: its document, its code or a code above it,
    /// its coder.
    fn passes(&self, filter: &SegmentFilter, segment: &Segment) -> bool {
        let document = filter.documents.is_empty()
            || filter.documents.binary_search(&segment.document_id).is_ok();
        let coder = filter.coders.is_empty()
            || self
                .coders
                .iter()
                .find(|c| c.name == segment.coder)
                .is_some_and(|c| filter.coders.contains(&c.id));
        let mut code = filter.codes.is_empty();
        let mut next = Some(segment.code_id);
        while let Some(id) = next.filter(|_| !code) {
            code = filter.codes.binary_search(&id).is_ok();
            next = self.code(id).and_then(|c| c.parent);
        }
        document && coder && code
    }

    /// Brings the list of retrieved segments up to date after a change to one document's
    /// segments: while the same codes and documents stay activated, that document's rows are read
    /// again and put in place of its old ones (the list goes by document, in the order of the
    /// document system), so the frame that shows the change shows it in the list too, without
    /// reading every listed segment again.
    fn refresh_listed(&mut self, document: DocumentId) -> Result<()> {
        let filter = self.retrieval_filter();
        if self.retrieved_for.as_ref() != Some(&filter) {
            return self.refresh_retrieved();
        }
        if self.retriever.busy() {
            self.unlisted_changes.push((document, None));
        }
        self.relist_document(filter, document)
    }

    /// Reads one document's rows of the list again and puts them in place of its old ones.
    fn relist_document(&mut self, filter: SegmentFilter, document: DocumentId) -> Result<()> {
        if !filter.documents.contains(&document) {
            return Ok(());
        }
        let fresh = self.project.segments(&SegmentFilter {
            documents: vec![document],
            ..filter
        })?;
        let at = match self
            .retrieved
            .iter()
            .position(|s| s.document_id == document)
        {
            Some(first) => first,
            None => {
                let rank: HashMap<DocumentId, usize> = self
                    .documents
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (d.id, i))
                    .collect();
                let own = rank.get(&document).copied().unwrap_or(usize::MAX);
                self.retrieved
                    .iter()
                    .position(|s| rank.get(&s.document_id).is_some_and(|r| *r > own))
                    .unwrap_or(self.retrieved.len())
            }
        };
        let old = self.retrieved[at..]
            .iter()
            .take_while(|s| s.document_id == document)
            .count();
        self.retrieved.splice(at..at + old, fresh);
        Ok(())
    }

    /// Reads one code's own count again and carries the difference up to its parents' totals.
    fn recount(&mut self, code: CodeId) -> Result<()> {
        let own = self.project.own_segment_count(code)?;
        let entry = self.counts.entry(code).or_default();
        let delta = own as i64 - entry.0 as i64;
        entry.0 = own;
        let mut next = Some(code);
        while let Some(id) = next {
            let total = &mut self.counts.entry(id).or_default().1;
            *total = (*total as i64 + delta).max(0) as usize;
            next = self.code(id).and_then(|c| c.parent);
        }
        Ok(())
    }

    /// A document's text and turns never change after import: only its segments need reloading.
    fn refresh_open_segments(&mut self) -> Result<()> {
        if let Some(open) = &mut self.open {
            open.segments = self.project.document_segments(open.id)?;
        }
        if let Some(segment) = self.selected_segment
            && !self
                .open
                .as_ref()
                .is_some_and(|o| o.segments.iter().any(|s| s.id == segment))
        {
            self.selected_segment = None;
        }
        Ok(())
    }

    /// Turns blind coding on (only the current coder's segments are shown) or off (the coders
    /// hidden before are hidden again).
    pub fn set_blind(&mut self, on: bool) -> Result<()> {
        if on == self.blind {
            return Ok(());
        }
        self.blind = on;
        if on {
            self.hidden_before_blind = self.hidden_coders.clone();
            self.hide_for_blind_coding();
        } else {
            self.hidden_coders = std::mem::take(&mut self.hidden_before_blind);
        }
        self.refresh_retrieved()
    }

    /// Sets who is coding; under blind coding, that coder's segments are the ones shown.
    pub fn set_coder(&mut self, name: String) -> Result<()> {
        self.coder = name;
        if self.blind {
            self.hide_for_blind_coding();
            self.refresh_retrieved()?;
        }
        Ok(())
    }

    fn hide_for_blind_coding(&mut self) {
        if !self.blind {
            return;
        }
        let me = self.coder_name().to_lowercase();
        self.hidden_coders = self
            .coders
            .iter()
            .filter(|c| c.name.to_lowercase() != me)
            .map(|c| c.name.clone())
            .collect();
    }

    /// Asks for the list of retrieved segments again (activated codes × activated documents); it
    /// arrives in a later frame through [`WorkbenchState::take_retrieved`].
    pub fn refresh_retrieved(&mut self) -> Result<()> {
        if self.active_codes.is_empty() || self.active_documents.is_empty() {
            self.retriever.cancel();
            self.retrieved.clear();
            self.retrieved_for = None;
            self.unlisted_changes.clear();
            return Ok(());
        }
        let filter = self.retrieval_filter();
        self.retrieved_for = Some(filter.clone());
        self.unlisted_changes.clear();
        if let Err(error) = self.retriever.ask(filter) {
            self.error = Some(error);
        }
        Ok(())
    }

    /// Takes in the list of retrieved segments if a newer one arrived; `ctx` is woken by the next.
    pub fn take_retrieved(&mut self, ctx: &egui::Context) {
        match self.retriever.poll(Some(ctx)) {
            Some(Ok(segments)) => {
                self.retrieved = segments;
                if let Err(error) = self.relist_changes() {
                    self.error = Some(error.to_string());
                }
            }
            Some(Err(error)) => self.error = Some(error),
            None => {}
        }
    }

    /// Puts in place, in a list just read, the changes made while it was read.
    fn relist_changes(&mut self) -> Result<()> {
        let Some(filter) = self.retrieved_for.clone() else {
            return Ok(());
        };
        for (document, segment) in std::mem::take(&mut self.unlisted_changes) {
            match segment {
                Some(id) => {
                    let now = self.segment_now(id)?;
                    self.place_listed(&filter, document, id, now);
                }
                None => self.relist_document(filter.clone(), document)?,
            }
        }
        Ok(())
    }

    /// True while the list of retrieved segments is being read.
    pub fn retrieving(&self) -> bool {
        self.retriever.busy()
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
        let mut codes: Vec<CodeId> = self.active_codes.iter().copied().collect();
        codes.sort();
        let mut documents: Vec<DocumentId> = self.active_documents.iter().copied().collect();
        documents.sort();
        SegmentFilter {
            codes,
            documents,
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

    /// Carries out the requests the panes pushed this frame.
    pub fn apply_pending(&mut self) {
        let requests = std::mem::take(&mut self.requests);
        for request in requests {
            if let Err(error) = self.apply(request) {
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
        self.scroll_to = Some(ScrollTarget { pos: 0 });
        Ok(())
    }

    /// Codes a range of the open document as the current coder, and selects the new segment.
    fn code_range(&mut self, code: CodeId, range: CharRange) -> Result<Option<SegmentId>> {
        let Some(document) = self.open.as_ref().map(|o| o.id) else {
            return Ok(None);
        };
        let coder = self.coder_name();
        let id = self.project.apply_code(document, range, code, &coder, "")?;
        self.coded(code, id);
        Ok(Some(id))
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

    fn apply(&mut self, request: Request) -> Result<()> {
        match request {
            Request::Edit(edit) => {
                if self.changes_nothing(&edit)? {
                    return Ok(());
                }
                match self.edit(edit)? {
                    Touched::Segments {
                        document,
                        codes,
                        segment,
                    } => self.refresh_segments(document, &codes, segment),
                    Touched::Everything => self.refresh(),
                }
            }
            // Moving the view or starting a job changes neither the project nor what is activated:
            // the list of retrieved segments stays as it is (a finished job refreshes).
            Request::Navigate(to) => self.navigate(to),
            Request::Job(job) => {
                self.start(job);
                Ok(())
            }
        }
    }

    /// An edit that would write what the project already holds, or that has nothing to act on.
    fn changes_nothing(&self, edit: &Edit) -> Result<bool> {
        Ok(match edit {
            Edit::ApplyCode { .. } | Edit::InVivo { .. } => self.open.is_none(),
            Edit::SetSegmentMemo { segment, memo } => self.project.segment(*segment)?.memo == *memo,
            Edit::SetMemo { target, text } => {
                self.project
                    .memo(target)?
                    .map(|m| m.text)
                    .unwrap_or_default()
                    == *text
            }
            Edit::SetJobcenterAttribute { jobcenter, .. } => {
                !self.jobcenters.iter().any(|j| j.id == *jobcenter)
            }
            _ => false,
        })
    }

    fn jobcenter_name(&self, id: crate::model::JobcenterId) -> Option<String> {
        self.jobcenters
            .iter()
            .find(|j| j.id == id)
            .map(|j| j.name.clone())
    }

    fn edit(&mut self, edit: Edit) -> Result<Touched> {
        let open = self.open.as_ref().map(|o| o.id);
        match edit {
            Edit::ApplyCode { code, range } => {
                let coded = self.code_range(code, range)?;
                if let Some(document) = open {
                    return Ok(Touched::segments(document, [code], coded));
                }
            }
            Edit::InVivo { range } => {
                let Some(document) = open else {
                    return Ok(Touched::Everything);
                };
                let coder = self.coder_name();
                let coded = self.project.code_in_vivo(document, range, &coder)?;
                if let Some((code, segment)) = coded {
                    self.coded(code, segment);
                    self.selected_code = Some(code);
                }
                let (codes, segment) = (coded.map(|(c, _)| c), coded.map(|(_, s)| s));
                return Ok(Touched::segments(document, codes, segment));
            }
            Edit::UpdateSegment {
                segment,
                range,
                code,
            } => {
                let before = self.project.segment(segment)?;
                self.project.update_segment(segment, range, code)?;
                let codes = [Some(before.code_id), code].into_iter().flatten();
                return Ok(Touched::segments(before.document_id, codes, Some(segment)));
            }
            Edit::SetSegmentMemo { segment, memo } => {
                let document = self.project.segment(segment)?.document_id;
                self.project.set_segment_memo(segment, &memo)?;
                return Ok(Touched::segments(document, [], Some(segment)));
            }
            Edit::DeleteSegment(segment) => {
                let before = self.project.segment(segment)?;
                self.project.delete_segment(segment)?;
                self.selected_segment = None;
                return Ok(Touched::segments(
                    before.document_id,
                    [before.code_id],
                    Some(segment),
                ));
            }
            Edit::AddCode { parent, name } => {
                let path = match parent.and_then(|p| self.code(p)) {
                    Some(p) => format!("{}/{}", p.path, name.trim()),
                    None => name.trim().to_owned(),
                };
                let id = self.project.add_code(&path, None, "")?;
                self.selected_code = Some(id);
            }
            Edit::RenameCode { code, name } => self.project.rename_code(code, &name)?,
            Edit::RecolorCode { code, color } => self.project.set_code_color(code, &color)?,
            Edit::DescribeCode { code, markdown } => {
                self.project.set_code_description(code, &markdown)?;
            }
            Edit::MoveCode {
                code,
                parent,
                before,
            } => self.project.move_code(code, parent, before)?,
            Edit::MergeCode { source, target } => {
                let moved = self.project.merge_code(source, target)?;
                self.message = Some(format!("{} {moved}", self.tr.merged_segments));
                self.selected_code = Some(target);
            }
            Edit::DeleteCode(code) => {
                let removed = self.project.delete_code(code)?;
                self.message = Some(format!("{} {removed}", self.tr.deleted_segments));
                if self.selected_code == Some(code) {
                    self.selected_code = None;
                }
            }
            Edit::SetMemo { target, text } => self.project.set_memo(&target, &text)?,
            Edit::SetJobcenterAttribute {
                jobcenter,
                key,
                value,
            } => {
                if let Some(name) = self.jobcenter_name(jobcenter) {
                    self.project.set_jobcenter(&name, &[(key, value)])?;
                }
            }
            Edit::LinkEvidence {
                jobcenter,
                segment,
                note,
            } => {
                self.project.link_evidence(jobcenter, segment, &note)?;
                let name = self.jobcenter_name(jobcenter).unwrap_or_default();
                self.message = Some(format!("{}: {name}", self.tr.linked_as_evidence));
            }
            Edit::SetEvidenceNote {
                jobcenter,
                segment,
                note,
            } => self.project.set_evidence_note(jobcenter, segment, &note)?,
            Edit::UnlinkEvidence { jobcenter, segment } => {
                self.project.unlink_evidence(jobcenter, segment)?;
            }
            Edit::DecideConsensus(decision) => {
                let outcome = self.project.decide_consensus(&decision)?;
                let ranges: Vec<String> = outcome
                    .segments
                    .iter()
                    .map(|(_, r)| r.to_string())
                    .collect();
                let ranges = if ranges.is_empty() {
                    "—".to_owned()
                } else {
                    ranges.join(", ")
                };
                self.message = Some(format!("{}: {ranges}", self.tr.consensus_recorded));
            }
            Edit::Autocode {
                code,
                scope,
                query,
                hits,
            } => {
                let path = self
                    .code(code)
                    .map(|c| c.path.to_string())
                    .unwrap_or_default();
                let item = AutocodeItem {
                    code,
                    memo: autocode_memo(&query),
                    hits,
                };
                let label = autocode_label(&format!("„{query}“ mit „{path}“"), item.hits.len());
                let coder = self.coder_name();
                let done = autocode(&mut self.project, &[item], scope, &coder, &label)?;
                self.active_codes.insert(code);
                self.message = Some(format!(
                    "{}: {} {}, {} {}",
                    self.tr.autocoded,
                    done.new,
                    self.tr.autocoded_new,
                    done.extended,
                    self.tr.autocoded_extended
                ));
            }
            Edit::Undo => {
                let undone = self.project.undo_replayed()?;
                self.message = Some(format!("{}: {}", self.tr.undone, undone.label));
                return Ok(Touched::replayed(&undone));
            }
            Edit::Redo => {
                let redone = self.project.redo_replayed()?;
                self.message = Some(format!("{}: {}", self.tr.redone, redone.label));
                return Ok(Touched::replayed(&redone));
            }
        }
        Ok(Touched::Everything)
    }

    fn navigate(&mut self, to: Navigate) -> Result<()> {
        match to {
            Navigate::OpenDocument(id) => {
                self.open_document(id)?;
                self.central = CentralView::Browser;
            }
            Navigate::JumpToSegment(id) => {
                let segment = self.project.segment(id)?;
                self.central = CentralView::Browser;
                self.open_document(segment.document_id)?;
                self.selected_segment = Some(id);
                self.selection = None;
                self.scroll_to = Some(ScrollTarget { pos: segment.start });
            }
            Navigate::SelectSegment(id) => self.selected_segment = id,
            Navigate::ShowPassage { document, range } => {
                self.central = CentralView::Browser;
                self.open_document(document)?;
                self.selected_segment = None;
                self.selection = Some(range);
                self.scroll_to = Some(ScrollTarget { pos: range.start.0 });
            }
        }
        Ok(())
    }

    /// Starts a background job on the project file.
    fn start(&mut self, job: Job) {
        let project = self.project.path().to_owned();
        match job {
            Job::ImportFiles {
                files,
                jobcenter,
                encoding,
            } => self.jobs.start_import(project, files, jobcenter, encoding),
            Job::ExportRefi { path, what } => self.jobs.start_refi_export(project, path, what),
            Job::ImportRefi { path } => {
                let what = if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("qdc"))
                {
                    RefiFile::Codebook
                } else {
                    RefiFile::Project
                };
                self.jobs.start_refi_import(project, path, what);
            }
            Job::Merge { path, dry_run } => self.jobs.start_merge(project, path, dry_run),
            Job::ExportSegments {
                path,
                delimiter,
                bom,
            } => {
                let filter = self.retrieval_filter();
                let listed = self.retrieved.len();
                self.jobs
                    .start_export(project, filter, listed, path, delimiter, bom);
            }
        }
    }
}
