//! The choosers of grouping, measure and coder that the matrix and the charts share.

use egui::Ui;

use super::coder_choice::coder_choice_ui;
use crate::analysis::Measure;
use crate::gui::state::WorkbenchState;

/// The names of the measures, as the value chooser shows them.
pub fn measure_label(measure: Measure, state: &WorkbenchState) -> &'static str {
    let tr = state.tr;
    match measure {
        Measure::Segments => tr.measure_segments,
        Measure::Documents => tr.measure_documents,
        Measure::Percent => tr.measure_percent,
        Measure::Coverage => tr.measure_coverage,
        Measure::RowPercent => tr.measure_row_percent,
        Measure::ColumnPercent => tr.measure_column_percent,
    }
}

/// Every measure, in the chooser's order.
pub const MEASURES: [Measure; 6] = [
    Measure::Segments,
    Measure::Documents,
    Measure::Percent,
    Measure::Coverage,
    Measure::RowPercent,
    Measure::ColumnPercent,
];

/// The choosers for grouping, measure and coder, shared by the matrix and the charts.
pub fn matrix_choices_ui(
    ui: &mut Ui,
    state: &WorkbenchState,
    id: &str,
    by: &mut String,
    measure: Option<&mut Measure>,
    coder: &mut Option<String>,
) {
    let tr = state.tr;
    let mut by_options = vec![("jobcenter".to_owned(), tr.jobcenter.to_owned())];
    by_options.extend(
        state
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.name.clone())),
    );
    ui.label(tr.columns_by);
    let shown = by_options
        .iter()
        .find(|(k, _)| k == by)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    egui::ComboBox::from_id_salt(format!("{id}-by"))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (key, label) in &by_options {
                ui.selectable_value(by, key.clone(), label);
            }
        })
        .response
        .accessible_name(tr.columns_by);
    if let Some(measure) = measure {
        ui.label(tr.value);
        egui::ComboBox::from_id_salt(format!("{id}-measure"))
            .selected_text(measure_label(*measure, state))
            .show_ui(ui, |ui| {
                for m in MEASURES {
                    ui.selectable_value(measure, m, measure_label(m, state));
                }
            })
            .response
            .accessible_name(tr.value);
    }
    coder_choice_ui(ui, state, id, coder);
}
