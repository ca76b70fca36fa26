//! Kreuztabelle (codes against attribute conditions) and Code-Relationen (code × code
//! co-occurrence), with the passages behind a co-occurrence cell. Numbers from the same core
//! functions as `kodierwerk crosstab` and `kodierwerk cooccurrence`.

use egui::{RichText, Sense, Ui};
use egui_extras::Column;

use crate::analysis::{
    Cooccurrence, CooccurrenceScope, CooccurrenceSpec, CrosstabSpec, DocumentTurns, Unit,
    cooccurrence, crosstab, load_turns, parse_condition, passages,
};
use crate::gui::state::WorkbenchState;
use crate::gui::widgets::coder_choice::coder_choice_ui;
use crate::gui::widgets::conditions::attribute_values;
use crate::gui::widgets::result_table::result_table_ui;
use crate::gui::widgets::segment_list::{
    code_segments, forget_stale, jobcenter_line, opened_list_ui,
};
use crate::model::{CodeId, Segment};
use crate::project::SegmentFilter;

/// The choices and last results of the two views.
pub struct RelationsView {
    /// Conditions as typed, e.g. `Trägerschaft=zkT, Lage=Land`.
    pub conditions: Vec<String>,
    pub unit: Unit,
    pub scope: CooccurrenceScope,
    pub crosstab_coder: Option<String>,
    pub cooccurrence_coder: Option<String>,
    /// The crosstab cell whose segments are listed: title and segments.
    pub crosstab_opened: Option<(String, Vec<Segment>)>,
    /// The co-occurrence cell whose passages are listed.
    pub opened: Option<(String, Vec<Segment>)>,
    /// The project version and spec each listed cell belongs to.
    crosstab_opened_for: String,
    opened_for: String,
}

impl Default for RelationsView {
    fn default() -> Self {
        Self {
            conditions: vec!["Trägerschaft=zkT".into(), "Trägerschaft=gE".into()],
            unit: Unit::Segments,
            scope: CooccurrenceScope::Overlap,
            crosstab_coder: None,
            cooccurrence_coder: None,
            crosstab_opened: None,
            opened: None,
            crosstab_opened_for: String::new(),
            opened_for: String::new(),
        }
    }
}

/// Draws the crosstab.
pub fn crosstab_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut RelationsView) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.crosstab);
        ui.selectable_value(&mut view.unit, Unit::Segments, tr.measure_segments);
        ui.selectable_value(&mut view.unit, Unit::Documents, tr.count_documents_once);
        ui.separator();
        let mut coder = view.crosstab_coder.clone();
        coder_choice_ui(ui, state, "crosstab", &mut coder);
        view.crosstab_coder = coder;
    });
    let mut remove = None;
    // Taken out while drawing, so that the menus can read the attributes' values when opened.
    let mut conditions = std::mem::take(&mut view.conditions);
    for (i, condition) in conditions.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("{} {}", tr.condition, i + 1));
            ui.add(
                egui::TextEdit::singleline(condition)
                    .desired_width(360.0)
                    .hint_text("Trägerschaft=zkT, Lage=Land"),
            )
            .accessible_name(format!("{} {}", tr.condition, i + 1));
            ui.menu_button(tr.add_attribute, |ui| {
                for attribute in &state.attributes {
                    let name = &attribute.name;
                    ui.menu_button(name, |ui| {
                        for value in attribute_values(state, name) {
                            if ui.button(&value).clicked() {
                                if !condition.trim().is_empty() {
                                    condition.push_str(", ");
                                }
                                condition.push_str(&format!("{name}={value}"));
                                ui.close();
                            }
                        }
                    });
                }
            })
            .response
            .on_hover_text(tr.add_attribute_hint)
            .accessible_name(format!("{} {}", tr.add_attribute, i + 1));
            if ui.small_button("✖").on_hover_text(tr.delete).clicked() {
                remove = Some(i);
            }
        });
    }
    view.conditions = conditions;
    if let Some(i) = remove {
        view.conditions.remove(i);
    }
    if ui.button(tr.add_condition).clicked() {
        view.conditions.push(String::new());
    }
    ui.separator();

    let conditions: Vec<String> = view
        .conditions
        .iter()
        .filter(|c| !c.trim().is_empty())
        .cloned()
        .collect();
    let parsed = match conditions
        .iter()
        .map(|c| parse_condition(c))
        .collect::<crate::Result<Vec<_>>>()
    {
        Ok(parsed) => parsed,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
            return;
        }
    };
    let spec = CrosstabSpec {
        conditions: parsed,
        unit: view.unit,
        coder: view.crosstab_coder.clone(),
        words: tr.table_words(),
    };
    forget_stale(
        &mut view.crosstab_opened,
        &mut view.crosstab_opened_for,
        state.version,
        &spec,
    );
    let latest = state.worker.ask(
        ui.ctx(),
        "crosstab",
        format!("{spec:?}"),
        state.version,
        move |data, _| crosstab(data, &spec),
    );
    let computing = latest.computing;
    let Some(table) = latest.show(ui, tr.computing) else {
        return;
    };
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let list_height = if view.crosstab_opened.is_some() {
        200.0
    } else {
        0.0
    };
    let table_height = (ui.available_height() - list_height).max(120.0);
    let mut clicked: Option<(usize, usize)> = None;
    result_table_ui(ui, "crosstab", table_height, 260.0, |builder| {
        builder
            .columns(
                Column::initial(150.0).resizable(true).clip(true),
                table.columns.len() + 1,
            )
            .header(row_height * 1.6, |mut header| {
                header.col(|ui| {
                    ui.strong(tr.code);
                });
                for column in table.columns.iter().chain(std::iter::once(&table.all)) {
                    header.col(|ui| {
                        ui.strong(&column.label)
                            .on_hover_text(format!("{} {}", column.documents, tr.documents));
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, table.rows.len(), |mut row| {
                    let row_index = row.index();
                    let r = &table.rows[row_index];
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            ui.add_space(r.depth as f32 * 14.0);
                            ui.label(r.code.leaf());
                        });
                    });
                    for (j, value) in r.cells.iter().chain(std::iter::once(&r.total)).enumerate() {
                        let column = table
                            .columns
                            .get(j)
                            .map_or(table.all.label.as_str(), |c| c.label.as_str());
                        row.col(|ui| {
                            let (rect, response) =
                                ui.allocate_exact_size(ui.available_size(), Sense::click());
                            ui.painter().text(
                                rect.left_center(),
                                egui::Align2::LEFT_CENTER,
                                value.to_string(),
                                egui::FontId::proportional(13.0),
                                ui.visuals().text_color(),
                            );
                            let response =
                                response.accessible_name(format!("{} × {column}: {value}", r.code));
                            if response.clicked() {
                                clicked = Some((row_index, j));
                            }
                        });
                    }
                });
            });
    });
    if let Some((i, j)) = clicked
        && !computing
    {
        let code = table.rows[i].code.clone();
        let (column, documents) = match table.columns.get(j) {
            Some(c) => (c.label.clone(), table.column_documents[j].clone()),
            None => (
                table.all.label.clone(),
                state.documents.iter().map(|d| d.id).collect(),
            ),
        };
        let coder = view.crosstab_coder.clone();
        match code_segments(state, &code, documents, coder.as_deref()) {
            Ok(segments) => {
                view.crosstab_opened = Some((format!("{code} × {column}"), segments));
            }
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    opened_list_ui(
        ui,
        state,
        "crosstab-segments",
        &mut view.crosstab_opened,
        jobcenter_line,
    );
}

/// Draws the code relations (co-occurrence) and the passages behind a clicked cell.
pub fn cooccurrence_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut RelationsView) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.code_relations);
        ui.selectable_value(
            &mut view.scope,
            CooccurrenceScope::Overlap,
            tr.scope_overlap,
        );
        ui.selectable_value(&mut view.scope, CooccurrenceScope::Turn, tr.scope_turn);
        ui.selectable_value(
            &mut view.scope,
            CooccurrenceScope::Document,
            tr.scope_document,
        );
        ui.separator();
        let mut coder = view.cooccurrence_coder.clone();
        coder_choice_ui(ui, state, "cooccurrence", &mut coder);
        view.cooccurrence_coder = coder;
    });
    ui.separator();
    let spec = CooccurrenceSpec {
        scope: view.scope,
        coder: view.cooccurrence_coder.clone(),
    };
    forget_stale(&mut view.opened, &mut view.opened_for, state.version, &spec);
    let latest = state.worker.ask(
        ui.ctx(),
        "cooccurrence",
        format!("{spec:?}"),
        state.version,
        move |data, project| {
            let turns = if spec.scope == CooccurrenceScope::Turn {
                load_turns(project, data)?
            } else {
                DocumentTurns::new()
            };
            cooccurrence(data, &spec, &turns)
        },
    );
    let computing = latest.computing;
    let Some(table) = latest.show(ui, tr.computing) else {
        return;
    };
    let heat = ui.visuals().selection.bg_fill;
    let max = table
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let list_height = if view.opened.is_some() { 200.0 } else { 0.0 };
    let table_height = (ui.available_height() - list_height).max(120.0);
    let mut clicked = None;
    result_table_ui(ui, "relations", table_height, 240.0, |builder| {
        builder
            .columns(Column::exact(34.0), table.codes.len())
            .header(row_height * 1.6, |mut header| {
                header.col(|ui| {
                    ui.strong(tr.code);
                });
                for (j, code) in table.codes.iter().enumerate() {
                    header.col(|ui| {
                        ui.label(RichText::new((j + 1).to_string()).strong())
                            .on_hover_text(code.as_str());
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, table.rows.len(), |mut row| {
                    let i = row.index();
                    let r = &table.rows[i];
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            ui.add_space(r.depth as f32 * 14.0);
                            ui.label(format!("{} {}", i + 1, r.code.leaf()));
                        });
                    });
                    for (j, n) in r.cells.iter().enumerate() {
                        row.col(|ui| {
                            let (rect, response) =
                                ui.allocate_exact_size(ui.available_size(), Sense::click());
                            if *n > 0 {
                                ui.painter().rect_filled(
                                    rect,
                                    2.0,
                                    heat.gamma_multiply(0.15 + 0.85 * *n as f32 / max),
                                );
                            }
                            ui.painter().text(
                                rect.center(),
                                egui::Align2::CENTER_CENTER,
                                n.to_string(),
                                egui::FontId::proportional(12.0),
                                ui.visuals().strong_text_color(),
                            );
                            let response = response
                                .accessible_name(format!("{} × {}: {n}", r.code, table.codes[j]))
                                .on_hover_text(format!("{} × {}: {n}", r.code, table.codes[j]));
                            if response.clicked() {
                                clicked = Some((i, j));
                            }
                        });
                    }
                });
            });
    });
    if let Some((i, j)) = clicked
        && !computing
    {
        open_passages(state, view, &table, i, j);
    }
    passages_ui(ui, state, view);
}

fn open_passages(
    state: &mut WorkbenchState,
    view: &mut RelationsView,
    table: &Cooccurrence,
    i: usize,
    j: usize,
) {
    let code = |path: &str| -> Option<CodeId> {
        state.codes.iter().find(|c| c.path == path).map(|c| c.id)
    };
    let (Some(a), Some(b)) = (code(&table.codes[i]), code(&table.codes[j])) else {
        return;
    };
    let scope = view.scope;
    // With a coder chosen, only that coder's segments meet, as in the table.
    let coders = view
        .cooccurrence_coder
        .as_ref()
        .and_then(|name| state.coders.iter().find(|c| &c.name == name))
        .map(|c| vec![c.id])
        .unwrap_or_default();
    let result = (|| -> crate::Result<Vec<Segment>> {
        let segments = state.project.segments(&SegmentFilter {
            codes: vec![a, b],
            coders,
            ..SegmentFilter::default()
        })?;
        // Only the documents of these segments need their turns.
        let mut turns = DocumentTurns::new();
        if scope == CooccurrenceScope::Turn {
            for segment in &segments {
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    turns.entry(segment.document_id)
                {
                    slot.insert(state.project.turns(segment.document_id)?);
                }
            }
        }
        Ok(passages(&segments, a, b, scope, &turns))
    })();
    match result {
        Ok(passages) => {
            view.opened = Some((format!("{} × {}", table.codes[i], table.codes[j]), passages));
        }
        Err(e) => state.error = Some(e.to_string()),
    }
}

fn passages_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut RelationsView) {
    opened_list_ui(ui, state, "relation-passages", &mut view.opened, |s| {
        format!("{} · {} · {}: {}", s.document, s.code, s.coder, s.text)
    });
}
