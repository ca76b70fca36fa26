//! Memos on the project, a jobcenter, a document or a code: written in Markdown, shown rendered.

use egui::Ui;

use crate::gui::request::Edit;
use crate::gui::state::WorkbenchState;
use crate::gui::widgets::markdown::markdown_ui;
use crate::model::MemoTarget;

/// The memo being edited: its target, the text typed so far, and whether the preview shows.
#[derive(Clone, Debug)]
pub struct MemoDraft {
    pub target: MemoTarget,
    pub text: String,
    pub saved: String,
    pub preview: bool,
}

/// What a memo is about, in words.
pub fn target_title(state: &WorkbenchState, target: &MemoTarget) -> String {
    let tr = state.tr;
    match target {
        MemoTarget::Project => tr.project_memo.to_owned(),
        MemoTarget::Jobcenter(id) => state
            .jobcenters
            .iter()
            .find(|j| j.id == *id)
            .map(|j| j.name.clone())
            .unwrap_or_default(),
        MemoTarget::Document(id) => state
            .documents
            .iter()
            .find(|d| d.id == *id)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        MemoTarget::Code(id) => state
            .code(*id)
            .map(|c| c.path.to_string())
            .unwrap_or_default(),
    }
}

/// Draws the memo window while a memo is open.
pub fn memo_window_ui(ui: &mut Ui, state: &mut WorkbenchState, draft: &mut Option<MemoDraft>) {
    let tr = state.tr;
    let Some(target) = state.memo_target.clone() else {
        *draft = None;
        return;
    };
    if draft.as_ref().is_none_or(|d| d.target != target) {
        let text = match state.project.memo(&target) {
            Ok(memo) => memo.map(|m| m.text).unwrap_or_default(),
            Err(e) => {
                state.error = Some(e.to_string());
                String::new()
            }
        };
        *draft = Some(MemoDraft {
            preview: !text.is_empty(),
            saved: text.clone(),
            text,
            target: target.clone(),
        });
    }
    let title = format!("{}: {}", tr.memo, target_title(state, &target));
    let mut open = true;
    let mut save = false;
    egui::Window::new(title)
        .id(egui::Id::unique("memo-window"))
        .open(&mut open)
        .default_size([460.0, 360.0])
        .resizable(true)
        .show(ui.ctx(), |ui| {
            let Some(draft) = draft.as_mut() else {
                return;
            };
            ui.horizontal(|ui| {
                ui.selectable_value(&mut draft.preview, false, tr.edit);
                ui.selectable_value(&mut draft.preview, true, tr.preview);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .add_enabled(draft.text != draft.saved, egui::Button::new(tr.save))
                        .clicked()
                    {
                        save = true;
                    }
                });
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if draft.preview {
                        markdown_ui(ui, &draft.text);
                    } else {
                        let edit = ui
                            .add(
                                egui::TextEdit::multiline(&mut draft.text)
                                    .desired_rows(14)
                                    .desired_width(f32::INFINITY)
                                    .hint_text(tr.memo_hint),
                            )
                            .accessible_name(tr.memo);
                        if edit.lost_focus() && draft.text != draft.saved {
                            save = true;
                        }
                    }
                });
        });
    if !open {
        save = true;
    }
    if save
        && let Some(draft) = draft.as_mut()
        && draft.text != draft.saved
    {
        let text = draft.text.clone();
        draft.saved = text.clone();
        state.push(Edit::SetMemo { target, text });
    }
    if !open {
        state.memo_target = None;
    }
}
