//! Segments listed under an Analyse view: one line each, a click jumps to the passage.

use egui::{Sense, Ui};

use crate::gui::request::Navigate;
use crate::gui::state::WorkbenchState;
use crate::model::{CodeId, DocumentId, Segment, SegmentId};
use crate::project::SegmentFilter;

/// The segments of a code (with its sub-codes) in these documents, of one coder or all.
pub fn code_segments(
    state: &WorkbenchState,
    code_path: &str,
    documents: Vec<DocumentId>,
    coder: Option<&str>,
) -> crate::Result<Vec<Segment>> {
    let code: Option<CodeId> = state
        .codes
        .iter()
        .find(|c| c.path == code_path)
        .map(|c| c.id);
    let coders = coder
        .and_then(|name| state.coders.iter().find(|c| c.name == name))
        .map(|c| vec![c.id])
        .unwrap_or_default();
    let filter = match code {
        Some(code) if !documents.is_empty() => SegmentFilter {
            codes: vec![code],
            documents,
            coders,
            ..SegmentFilter::default()
        },
        _ => SegmentFilter::nothing(),
    };
    state.project.segments(&filter)
}

/// A listed cell belongs to the table it was opened from: forgets it once the project (its
/// `version`) or the question (`spec`) changed.
pub fn forget_stale<T>(
    opened: &mut Option<T>,
    opened_for: &mut String,
    version: u64,
    spec: &impl std::fmt::Debug,
) {
    let now = format!("{version}\u{0}{spec:?}");
    if *opened_for != now {
        *opened = None;
        *opened_for = now;
    }
}

/// What the reader did with a segment list.
#[derive(Default)]
pub struct ListAction {
    pub close: bool,
    pub jump: Option<SegmentId>,
}

impl ListAction {
    /// Asks for the jump, if any; true if the list is to close.
    pub fn follow(self, state: &mut WorkbenchState) -> bool {
        if let Some(id) = self.jump {
            state.push(Navigate::JumpToSegment(id));
        }
        self.close
    }
}

/// Segments listed under an Analyse view, one line each; a click on a line jumps to the passage.
pub fn segment_list_ui(
    ui: &mut Ui,
    state: &WorkbenchState,
    id: &str,
    heading: String,
    segments: &[Segment],
    line: impl Fn(&Segment) -> String,
) -> ListAction {
    let tr = state.tr;
    let mut action = ListAction::default();
    ui.separator();
    ui.horizontal(|ui| {
        let word = if segments.len() == 1 {
            tr.segment
        } else {
            tr.segments_word
        };
        ui.strong(format!("{heading}: {} {word}", segments.len()));
        if ui.small_button("✖").on_hover_text(tr.cancel).clicked() {
            action.close = true;
        }
    });
    egui::ScrollArea::vertical()
        .id_salt(id)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for segment in segments {
                let flat: String = line(segment)
                    .chars()
                    .map(|c| if c == '\n' { ' ' } else { c })
                    .collect();
                if ui
                    .add(egui::Label::new(flat).truncate().sense(Sense::click()))
                    .clicked()
                {
                    action.jump = Some(segment.id);
                }
            }
        });
    action
}

/// How a matrix cell's segment reads in the list: document, coder, speaker and text.
pub fn matrix_line(segment: &Segment) -> String {
    format!(
        "{} · {} · {}: {}",
        segment.document,
        segment.coder,
        segment.speaker.as_deref().unwrap_or("–"),
        segment.text
    )
}

/// How a segment reads in a list across jobcenters: jobcenter, document, coder and text.
pub fn jobcenter_line(segment: &Segment) -> String {
    format!(
        "{} · {} · {}: {}",
        segment.jobcenter, segment.document, segment.coder, segment.text
    )
}

/// The list of a matrix or chart cell, if one is open; closing or a jump is carried out.
pub fn cell_segments_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    opened: &mut Option<(String, String, Vec<Segment>)>,
) {
    let Some((code, column, segments)) = opened.as_ref() else {
        return;
    };
    let action = segment_list_ui(
        ui,
        state,
        "cell-segments",
        format!("{code} × {column}"),
        segments,
        matrix_line,
    );
    if action.follow(state) {
        *opened = None;
    }
}

/// A titled list of a clicked cell, if one is open; closing or a jump is carried out.
pub fn opened_list_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    id: &str,
    opened: &mut Option<(String, Vec<Segment>)>,
    line: impl Fn(&Segment) -> String,
) {
    let Some((title, segments)) = opened.as_ref() else {
        return;
    };
    let action = segment_list_ui(ui, state, id, title.clone(), segments, line);
    if action.follow(state) {
        *opened = None;
    }
}
