//! Codesystem: the code tree with colours and counts; create, rename, recolour, move by drag,
//! merge, delete (undoable); the coding rule rendered and editable; activation for retrieval.

use egui::{Color32, RichText, Sense, Ui, vec2};

use crate::gui::request::Edit;
use crate::gui::state::{DraggedSelection, WorkbenchState};
use crate::gui::widgets::{code_color, markdown::markdown_ui};
use crate::model::{CodeId, MemoTarget};

/// A code being dragged to a new place in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DraggedCode(pub CodeId);

/// Edits in progress in the code system.
#[derive(Clone, Debug, Default)]
pub struct CodeEdit {
    pub renaming: Option<(CodeId, String)>,
    /// A new code under this parent (None: top level), with the name typed so far.
    pub adding: Option<(Option<CodeId>, String)>,
    pub confirm_delete: Option<(CodeId, usize)>,
    pub editing_rule: Option<(CodeId, String)>,
    pub collapsed: std::collections::HashSet<CodeId>,
    /// The name field that just appeared takes the keyboard focus.
    pub focus_pending: bool,
}

/// Draws the code system and, below it, the selected code's coding rule.
pub fn code_system_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut CodeEdit) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.code_system);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(tr.new_code).clicked() {
                view.adding = Some((None, String::new()));
                view.focus_pending = true;
            }
        });
    });
    if state.selection.is_some() {
        ui.colored_label(ui.visuals().warn_fg_color, tr.click_code_hint);
    }
    ui.separator();
    let height = (ui.available_height() * 0.62).max(160.0);
    egui::ScrollArea::vertical()
        .id_salt("codes")
        .max_height(height)
        .auto_shrink([false, false])
        .show(ui, |ui| tree_ui(ui, state, view));
    ui.separator();
    code_details_ui(ui, state, view);
    delete_dialog_ui(ui, state, view);
}

fn tree_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut CodeEdit) {
    let tr = state.tr;
    // Taken out while drawing (rows change other parts of `state`), put back at the end.
    let codes = std::mem::take(&mut state.codes);
    let parents: std::collections::HashSet<CodeId> =
        codes.iter().filter_map(|c| c.parent).collect();
    let mut edits = Vec::new();
    let mut hidden_below: Option<usize> = None;
    for code in &codes {
        if let Some(depth) = hidden_below {
            if code.depth > depth {
                continue;
            }
            hidden_below = None;
        }
        let has_children = parents.contains(&code.id);
        let collapsed = view.collapsed.contains(&code.id);
        if collapsed {
            hidden_below = Some(code.depth);
        }
        let (own, total) = state.counts.get(&code.id).copied().unwrap_or_default();
        let row = ui.horizontal(|ui| {
            ui.add_space(code.depth as f32 * 16.0);
            if has_children {
                let arrow = if collapsed { "⏵" } else { "⏷" };
                if ui
                    .add(egui::Button::new(arrow).frame(false).small())
                    .clicked()
                {
                    if collapsed {
                        view.collapsed.remove(&code.id);
                    } else {
                        view.collapsed.insert(code.id);
                    }
                }
            } else {
                ui.add_space(14.0);
            }
            let mut active = state.active_codes.contains(&code.id);
            if ui
                .checkbox(&mut active, "")
                .on_hover_text(tr.activate_hint)
                .changed()
            {
                if active {
                    state.active_codes.insert(code.id);
                } else {
                    state.active_codes.remove(&code.id);
                }
                if let Err(e) = state.refresh_retrieved() {
                    state.error = Some(e.to_string());
                }
            }
            let mut color = code_color(&code.color);
            ui.spacing_mut().interact_size = vec2(16.0, 14.0);
            let swatch = ui.color_edit_button_srgba(&mut color);
            if swatch.changed() {
                edits.push(Edit::RecolorCode {
                    code: code.id,
                    color: format!("#{:02X}{:02X}{:02X}", color.r(), color.g(), color.b()),
                });
            }
            if let Some((id, name)) = &mut view.renaming
                && *id == code.id
            {
                match name_edit(ui, name, tr.rename, &mut view.focus_pending) {
                    Some(true) => {
                        edits.push(Edit::RenameCode {
                            code: code.id,
                            name: name.clone(),
                        });
                        view.renaming = None;
                    }
                    Some(false) => view.renaming = None,
                    None => {}
                }
                return None;
            }
            let selected = state.selected_code == Some(code.id);
            let label = ui
                .add(egui::Button::selectable(selected, &code.name).sense(Sense::click_and_drag()));
            if label.drag_started() {
                label.dnd_set_drag_payload(DraggedCode(code.id));
            }
            if let Some(key) = state.pinned.iter().position(|c| *c == code.id) {
                ui.label(RichText::new(format!("[{}]", key + 1)).weak().small());
            }
            ui.weak(if has_children && total != own {
                format!("{own} ({total})")
            } else {
                own.to_string()
            });
            Some(label)
        });
        let Some(label) = row.inner else { continue };
        let row_rect = row.response.rect;

        if label.clicked() {
            if let Some(range) = state.selection {
                edits.push(Edit::ApplyCode {
                    code: code.id,
                    range,
                });
            }
            state.selected_code = Some(code.id);
        }
        if label.double_clicked() {
            view.renaming = Some((code.id, code.name.clone()));
            view.focus_pending = true;
        }
        // Drops: a selection codes the passage, a code moves under this one.
        let drop_zone = ui.interact(
            row_rect,
            ui.scope_id().with(("code-drop", code.id.0)),
            Sense::hover(),
        );
        if let Some(selection) = drop_zone.dnd_hover_payload::<DraggedSelection>() {
            ui.painter().rect_stroke(
                row_rect,
                2.0,
                (2.0, code_color(&code.color)),
                egui::StrokeKind::Inside,
            );
            let _ = selection;
        }
        if drop_zone.dnd_hover_payload::<DraggedCode>().is_some() {
            ui.painter().hline(
                row_rect.x_range(),
                row_rect.bottom(),
                (2.0, ui.visuals().selection.bg_fill),
            );
        }
        if let Some(selection) = drop_zone.dnd_release_payload::<DraggedSelection>() {
            edits.push(Edit::ApplyCode {
                code: code.id,
                range: selection.0,
            });
        }
        if let Some(dragged) = drop_zone.dnd_release_payload::<DraggedCode>()
            && dragged.0 != code.id
        {
            edits.push(Edit::MoveCode {
                code: dragged.0,
                parent: Some(code.id),
                before: None,
            });
        }
        label.context_menu(|ui| {
            if let Some(range) = state.selection
                && ui.button(tr.code_selection).clicked()
            {
                edits.push(Edit::ApplyCode {
                    code: code.id,
                    range,
                });
                ui.close();
            }
            if ui.button(tr.new_subcode).clicked() {
                view.adding = Some((Some(code.id), String::new()));
                view.focus_pending = true;
                ui.close();
            }
            if ui.button(tr.rename).clicked() {
                view.renaming = Some((code.id, code.name.clone()));
                view.focus_pending = true;
                ui.close();
            }
            if ui.button(tr.memo_open).clicked() {
                state.memo_target = Some(MemoTarget::Code(code.id));
                ui.close();
            }
            let pinned = state.pinned.contains(&code.id);
            if !pinned && state.pinned.len() < 9 && ui.button(tr.pin).clicked() {
                state.pinned.push(code.id);
                ui.close();
            }
            if pinned && ui.button(tr.unpin).clicked() {
                state.pinned.retain(|c| *c != code.id);
                ui.close();
            }
            if code.parent.is_some() && ui.button(tr.move_to_top).clicked() {
                edits.push(Edit::MoveCode {
                    code: code.id,
                    parent: None,
                    before: None,
                });
                ui.close();
            }
            ui.menu_button(tr.merge_into, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(400.0)
                    .show(ui, |ui| {
                        for target in codes.iter().filter(|c| {
                            c.id != code.id && !c.path.starts_with(&format!("{}/", code.path))
                        }) {
                            if ui.button(target.path.as_str()).clicked() {
                                edits.push(Edit::MergeCode {
                                    source: code.id,
                                    target: target.id,
                                });
                                ui.close();
                            }
                        }
                    });
            });
            ui.separator();
            if ui
                .button(RichText::new(tr.delete_code).color(ui.visuals().error_fg_color))
                .clicked()
            {
                view.confirm_delete = Some((code.id, total));
                ui.close();
            }
        });
        if view
            .adding
            .as_ref()
            .is_some_and(|(parent, _)| *parent == Some(code.id))
            && let Some((ok, name)) = new_code_row(ui, state, view, code.depth + 1)
        {
            if ok {
                edits.push(Edit::AddCode {
                    parent: Some(code.id),
                    name,
                });
            }
            view.adding = None;
        }
    }
    if view
        .adding
        .as_ref()
        .is_some_and(|(parent, _)| parent.is_none())
        && let Some((ok, name)) = new_code_row(ui, state, view, 0)
    {
        if ok {
            edits.push(Edit::AddCode { parent: None, name });
        }
        view.adding = None;
    }
    // Dropping a code below the tree makes it a top-level code.
    let (rect, response) = ui.allocate_exact_size(vec2(ui.available_width(), 28.0), Sense::hover());
    if response.dnd_hover_payload::<DraggedCode>().is_some() {
        ui.painter().rect_stroke(
            rect,
            3.0,
            (1.5, ui.visuals().selection.bg_fill),
            egui::StrokeKind::Inside,
        );
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            tr.drop_top_level,
            egui::FontId::proportional(12.0),
            ui.visuals().weak_text_color(),
        );
    }
    if let Some(dragged) = response.dnd_release_payload::<DraggedCode>() {
        edits.push(Edit::MoveCode {
            code: dragged.0,
            parent: None,
            before: None,
        });
    }
    state.codes = codes;
    for edit in edits {
        state.push(edit);
    }
}

/// A text field for a new code's name, indented to its place in the tree.
fn new_code_row(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    view: &mut CodeEdit,
    depth: usize,
) -> Option<(bool, String)> {
    let hint = state.tr.new_code_hint;
    let mut result = None;
    ui.horizontal(|ui| {
        ui.add_space(depth as f32 * 16.0 + 14.0);
        if let Some((_, name)) = &mut view.adding {
            result =
                name_edit(ui, name, hint, &mut view.focus_pending).map(|ok| (ok, name.clone()));
        }
    });
    result
}

/// A one-line name field that takes the focus when it appears: Some(true) when confirmed with
/// Enter or by clicking elsewhere, Some(false) when cancelled with Escape or left empty.
fn name_edit(
    ui: &mut Ui,
    name: &mut String,
    label: &str,
    focus_pending: &mut bool,
) -> Option<bool> {
    let edit = ui
        .add(
            egui::TextEdit::singleline(name)
                .hint_text(label)
                .desired_width(180.0),
        )
        .accessible_name(label);
    if std::mem::take(focus_pending) {
        edit.request_focus();
    }
    let (enter, escape) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::Escape),
        )
    });
    if escape {
        Some(false)
    } else if edit.lost_focus() || (edit.has_focus() && enter) {
        Some(!name.trim().is_empty())
    } else {
        None
    }
}

fn code_details_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut CodeEdit) {
    let tr = state.tr;
    let Some(code) = state.selected_code.and_then(|id| state.code(id)).cloned() else {
        ui.weak(tr.no_code_selected);
        return;
    };
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
        ui.painter().rect_filled(rect, 2.0, code_color(&code.color));
        ui.strong(code.path.as_str());
    });
    let editing = view
        .editing_rule
        .as_ref()
        .is_some_and(|(id, _)| *id == code.id);
    egui::ScrollArea::vertical()
        .id_salt("code-rule")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if editing {
                if let Some((_, text)) = &mut view.editing_rule {
                    ui.add(
                        egui::TextEdit::multiline(text)
                            .desired_rows(10)
                            .desired_width(f32::INFINITY)
                            .code_editor(),
                    )
                    .accessible_name(tr.edit_rule);
                }
                ui.horizontal(|ui| {
                    if ui.button(tr.save).clicked()
                        && let Some((id, text)) = view.editing_rule.take()
                    {
                        state.push(Edit::DescribeCode {
                            code: id,
                            markdown: text,
                        });
                    }
                    if ui.button(tr.cancel).clicked() {
                        view.editing_rule = None;
                    }
                });
            } else {
                if code.description.trim().is_empty() {
                    ui.weak(tr.no_rule);
                } else {
                    markdown_ui(ui, &code.description);
                }
                if ui.button(tr.edit_rule).clicked() {
                    view.editing_rule = Some((code.id, code.description.clone()));
                }
            }
        });
}

fn delete_dialog_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut CodeEdit) {
    let tr = state.tr;
    let Some((id, count)) = view.confirm_delete else {
        return;
    };
    let Some(code) = state.code(id).cloned() else {
        view.confirm_delete = None;
        return;
    };
    let modal = egui::Modal::new(egui::Id::unique("delete-code")).show(ui.ctx(), |ui| {
        ui.heading(format!("{} „{}“?", tr.delete_code, code.path));
        ui.label(format!("{count} {}", tr.delete_code_segments));
        ui.weak(tr.delete_code_undo);
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new(tr.delete).color(Color32::WHITE))
                .clicked()
            {
                state.push(Edit::DeleteCode(id));
                view.confirm_delete = None;
            }
            if ui.button(tr.cancel).clicked() {
                view.confirm_delete = None;
            }
        });
    });
    if modal.should_close() {
        view.confirm_delete = None;
    }
}
