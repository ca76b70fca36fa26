//! A filter bar of attribute conditions (`Trägerschaft = zkT`, `Rolle = Bürger:in`) for the
//! Analyse views: values of one attribute are alternatives, different attributes must all hold,
//! as `--where` on the command line.

use egui::Ui;

use crate::gui::state::WorkbenchState;
use crate::model::{AttributeKind, Scope};

/// The values an attribute takes: its choices, or the values found in the project.
pub fn attribute_values(state: &WorkbenchState, name: &str) -> Vec<String> {
    let Some(attribute) = state.attributes.iter().find(|a| a.name == name) else {
        return Vec::new();
    };
    if let AttributeKind::Choice(choices) = &attribute.kind {
        return choices.clone();
    }
    let found: Box<dyn Iterator<Item = &(String, String)>> = match attribute.scope {
        Scope::Jobcenter => Box::new(state.jobcenters.iter().flat_map(|j| &j.attributes)),
        Scope::Document => Box::new(state.documents.iter().flat_map(|d| &d.attributes)),
    };
    let mut values: Vec<String> = found
        .filter(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect();
    values.sort();
    values.dedup();
    values
}

/// Draws the conditions as removable chips and a menu to add one; true if they changed.
pub fn conditions_ui(
    ui: &mut Ui,
    id: &str,
    conditions: &mut Vec<(String, String)>,
    state: &WorkbenchState,
) -> bool {
    let tr = state.tr;
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(tr.filter);
        if conditions.is_empty() {
            ui.weak(tr.all_documents);
        }
        let mut remove = None;
        for (i, (name, value)) in conditions.iter().enumerate() {
            let chip = ui
                .button(format!("{name} = {value}  ✖"))
                .on_hover_text(tr.remove_filter);
            if chip.clicked() {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            conditions.remove(i);
            changed = true;
        }
        ui.menu_button(tr.add_filter, |ui| {
            for attribute in &state.attributes {
                ui.menu_button(&attribute.name, |ui| {
                    for value in attribute_values(state, &attribute.name) {
                        let pair = (attribute.name.clone(), value.clone());
                        let on = conditions.contains(&pair);
                        if ui.selectable_label(on, &value).clicked() {
                            if on {
                                conditions.retain(|c| *c != pair);
                            } else {
                                conditions.push(pair);
                            }
                            changed = true;
                            ui.close();
                        }
                    }
                });
            }
        })
        .response
        .on_hover_text(tr.filter_explained)
        .accessible_name(format!("{} {id}", tr.add_filter));
    });
    changed
}
