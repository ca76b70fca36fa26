//! Liste der codierten Segmente (retrieved segments): activated codes × activated documents; a
//! click jumps to the passage in context.

use egui::{RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::gui::request::Navigate;
use crate::gui::state::WorkbenchState;
use crate::gui::widgets::code_color;

/// Draws the list of retrieved segments.
pub fn retrieved_segments_ui(ui: &mut Ui, state: &mut WorkbenchState, export_clicked: &mut bool) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.retrieved_segments);
        ui.weak(format!(
            "{} {} · {} {} · {} {}",
            state.retrieved.len(),
            tr.segments_word,
            state.active_codes.len(),
            tr.codes_active,
            state.active_documents.len(),
            tr.documents_active
        ));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add_enabled(
                    !state.retrieved.is_empty(),
                    egui::Button::new(tr.export_csv),
                )
                .clicked()
            {
                *export_clicked = true;
            }
        });
    });
    if state.retrieved.is_empty() {
        ui.weak(tr.retrieved_hint);
        ui.allocate_space(ui.available_size());
        return;
    }
    let colors: std::collections::HashMap<_, _> = state
        .codes
        .iter()
        .map(|c| (c.id, code_color(&c.color)))
        .collect();
    let mut jump = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // A click on a row opens its passage; the row's text is not for selecting.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("retrieved")
        .striped(true)
        .sense(Sense::click())
        .auto_shrink([false, false])
        .column(Column::initial(150.0).resizable(true).clip(true))
        .column(Column::initial(140.0).resizable(true).clip(true))
        .column(Column::initial(50.0).resizable(true).clip(true))
        .column(Column::initial(200.0).resizable(true).clip(true))
        .column(Column::initial(60.0).resizable(true).clip(true))
        .column(Column::remainder().clip(true))
        .header(row_height, |mut header| {
            for title in [
                tr.jobcenter,
                tr.document,
                tr.speaker,
                tr.code,
                tr.coder,
                tr.text,
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, state.retrieved.len(), |mut row| {
                let segment = &state.retrieved[row.index()];
                row.set_selected(state.selected_segment == Some(segment.id));
                row.col(|ui| {
                    ui.label(&segment.jobcenter);
                });
                row.col(|ui| {
                    ui.label(&segment.document);
                });
                row.col(|ui| {
                    ui.label(segment.speaker.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    let color = colors
                        .get(&segment.code_id)
                        .copied()
                        .unwrap_or(egui::Color32::GRAY);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new("■").color(color));
                        ui.label(segment.code.as_str());
                    });
                });
                row.col(|ui| {
                    ui.label(&segment.coder);
                });
                row.col(|ui| {
                    let flat: String = segment
                        .text
                        .chars()
                        .map(|c| if c == '\n' { ' ' } else { c })
                        .collect();
                    ui.label(flat).on_hover_text(&segment.text);
                });
                if row.response().clicked() {
                    jump = Some(segment.id);
                }
            });
        });
    if let Some(id) = jump {
        state.push(Navigate::JumpToSegment(id));
    }
}
