//! Dokumente (document system): jobcenters with their documents and attribute badges, a filter,
//! activation for retrieval, and the way into import.

use egui::{Color32, RichText, Ui};

use crate::gui::request::{Edit, Navigate, Request};
use crate::gui::state::WorkbenchState;
use crate::model::{DocumentInfo, Jobcenter, MemoTarget};
use crate::project::{DIGITALISIERUNGSTYP, LAGE, TRAEGERSCHAFT, fold};

/// Whether a document passes the filter text: its name, jobcenter or any attribute value.
pub fn matches_filter(
    filter: &str,
    document: &DocumentInfo,
    jobcenter: Option<&Jobcenter>,
) -> bool {
    let words: Vec<String> = filter.split_whitespace().map(fold).collect();
    if words.is_empty() {
        return true;
    }
    let mut haystack = vec![fold(&document.name), fold(&document.jobcenter)];
    haystack.extend(document.attributes.iter().map(|(_, v)| fold(v)));
    if let Some(j) = jobcenter {
        haystack.extend(j.attributes.iter().map(|(_, v)| fold(v)));
    }
    words
        .iter()
        .all(|w| haystack.iter().any(|h| h.contains(w.as_str())))
}

/// Draws the document system.
pub fn documents_ui(ui: &mut Ui, state: &mut WorkbenchState, import_clicked: &mut bool) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.documents);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(tr.import_button)
                .on_hover_text(tr.import_hint)
                .clicked()
            {
                *import_clicked = true;
            }
        });
    });
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut state.document_filter)
                .hint_text(tr.filter_hint)
                .desired_width(ui.available_width() - 60.0)
                .id_salt("document-filter"),
        )
        .accessible_name(tr.filter_hint);
        if !state.document_filter.is_empty() && ui.button("✖").clicked() {
            state.document_filter.clear();
        }
    });
    let visible: Vec<&DocumentInfo> = state
        .documents
        .iter()
        .filter(|d| {
            matches_filter(
                &state.document_filter,
                d,
                state.jobcenters.iter().find(|j| j.id == d.jobcenter_id),
            )
        })
        .collect();
    let visible_ids: Vec<_> = visible.iter().map(|d| d.id).collect();
    let mut activation_changed = false;
    ui.horizontal(|ui| {
        ui.weak(format!(
            "{} / {} · {} {}",
            visible.len(),
            state.documents.len(),
            state.active_documents.len(),
            tr.active
        ));
        if ui.small_button(tr.activate_all).clicked() {
            state.active_documents.extend(visible_ids.iter().copied());
            activation_changed = true;
        }
        if ui.small_button(tr.activate_none).clicked() {
            for id in &visible_ids {
                state.active_documents.remove(id);
            }
            activation_changed = true;
        }
    });
    ui.separator();

    let open = state.open.as_ref().map(|o| o.id);
    let mut requests: Vec<Request> = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt("documents")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for jobcenter in &state.jobcenters {
                let docs: Vec<&&DocumentInfo> = visible
                    .iter()
                    .filter(|d| d.jobcenter_id == jobcenter.id)
                    .collect();
                if docs.is_empty() && !state.document_filter.is_empty() {
                    continue;
                }
                let header = egui::CollapsingHeader::new(RichText::new(&jobcenter.name).strong())
                    .id_salt(("jobcenter", jobcenter.id.0))
                    .default_open(true)
                    .show(ui, |ui| {
                        badges_ui(ui, jobcenter);
                        // A thousand documents would cost most of a frame: rows out of sight
                        // take their place without being drawn.
                        let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
                        for doc in docs {
                            let top = ui.cursor().top();
                            let clip = ui.clip_rect();
                            if top > clip.bottom() || top + row.y < clip.top() {
                                ui.allocate_space(row);
                                continue;
                            }
                            let layout = egui::Layout::left_to_right(egui::Align::Center);
                            ui.allocate_ui_with_layout(row, layout, |ui| {
                                let mut active = state.active_documents.contains(&doc.id);
                                if ui
                                    .checkbox(&mut active, "")
                                    .on_hover_text(tr.activate_hint)
                                    .changed()
                                {
                                    if active {
                                        state.active_documents.insert(doc.id);
                                    } else {
                                        state.active_documents.remove(&doc.id);
                                    }
                                    activation_changed = true;
                                }
                                let label = ui.selectable_label(open == Some(doc.id), &doc.name);
                                let role = doc
                                    .attributes
                                    .iter()
                                    .find(|(k, _)| k == "Rolle")
                                    .map(|(_, v)| v.as_str())
                                    .unwrap_or("");
                                ui.weak(format!("{role} · {}", doc.segments));
                                if label.clicked() {
                                    requests.push(Navigate::OpenDocument(doc.id).into());
                                }
                                label
                                    .on_hover_ui(|ui| {
                                        for (k, v) in &doc.attributes {
                                            ui.label(format!("{k}: {v}"));
                                        }
                                        ui.weak(format!(
                                            "{} · {} {}",
                                            doc.source_name, doc.chars, tr.characters
                                        ));
                                    })
                                    .context_menu(|ui| {
                                        if ui.button(tr.memo_open).clicked() {
                                            state.memo_target = Some(MemoTarget::Document(doc.id));
                                            ui.close();
                                        }
                                    });
                            });
                        }
                    });
                header.header_response.context_menu(|ui| {
                    if ui.button(tr.memo_open).clicked() {
                        state.memo_target = Some(MemoTarget::Jobcenter(jobcenter.id));
                        ui.close();
                    }
                    ui.menu_button(tr.assign_type, |ui| {
                        for value in [
                            "Digitale Vorreiter",
                            "Verhaltener Umgang",
                            "Pragmatischer Umgang",
                            "",
                        ] {
                            let label = if value.is_empty() {
                                tr.unassigned
                            } else {
                                value
                            };
                            if ui.button(label).clicked() {
                                requests.push(Request::Edit(Edit::SetJobcenterAttribute {
                                    jobcenter: jobcenter.id,
                                    key: DIGITALISIERUNGSTYP.into(),
                                    value: value.into(),
                                }));
                                ui.close();
                            }
                        }
                    });
                });
            }
        });
    state.requests.extend(requests);
    if activation_changed && let Err(e) = state.refresh_retrieved() {
        state.error = Some(e.to_string());
    }
}

fn badges_ui(ui: &mut Ui, jobcenter: &Jobcenter) {
    ui.horizontal_wrapped(|ui| {
        for (key, value) in &jobcenter.attributes {
            let color = match key.as_str() {
                TRAEGERSCHAFT => Color32::from_rgb(70, 120, 200),
                LAGE => Color32::from_rgb(90, 160, 90),
                DIGITALISIERUNGSTYP => Color32::from_rgb(170, 110, 200),
                _ => Color32::from_gray(140),
            };
            badge(ui, value, color).on_hover_text(key);
        }
    });
}

/// A small rounded label in a colour.
pub fn badge(ui: &mut Ui, text: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(color.gamma_multiply(0.25))
        .stroke(egui::Stroke::new(1.0, color))
        .corner_radius(6.0)
        .inner_margin(egui::Margin::symmetric(5, 1))
        .show(ui, |ui| ui.label(RichText::new(text).small()))
        .response
}
