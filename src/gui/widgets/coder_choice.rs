//! The coder chooser of the Analyse views: all coders or one.

use egui::Ui;

use crate::gui::state::WorkbenchState;

/// The coder chooser of the Analyse views: all coders or one.
pub fn coder_choice_ui(ui: &mut Ui, state: &WorkbenchState, id: &str, coder: &mut Option<String>) {
    let tr = state.tr;
    ui.label(tr.coder);
    egui::ComboBox::from_id_salt(format!("{id}-coder"))
        .selected_text(coder.clone().unwrap_or_else(|| tr.all_coders.to_owned()))
        .show_ui(ui, |ui| {
            ui.selectable_value(coder, None, tr.all_coders);
            for c in &state.coders {
                ui.selectable_value(coder, Some(c.name.clone()), &c.name);
            }
        })
        .response
        .accessible_name(tr.coder);
}
