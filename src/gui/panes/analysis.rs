//! Analyse: the code matrix (as MAXQDA's Code Matrix Browser) — codes with their sub-codes against
//! jobcenters or the values of an attribute, as a heat map; sortable, parents collapsible, filtered
//! by attribute conditions and coder; a click on a cell lists the segments behind the number. The
//! numbers come from the same core function as `kodierwerk matrix`, computed off the UI thread.

use std::collections::HashSet;

use egui::{Color32, RichText, Sense, Ui};
use egui_extras::Column;

use crate::analysis::{Matrix, Measure};
use crate::gui::state::{SaveWhat, WorkbenchState};
use crate::gui::widgets::code_color;
use crate::gui::widgets::conditions::conditions_ui;
use crate::gui::widgets::matrix_choices::matrix_choices_ui;
use crate::gui::widgets::matrix_query::{ask_matrix, matrix_cell_segments, matrix_spec};
use crate::gui::widgets::result_table::result_table_ui;
use crate::gui::widgets::segment_list::{cell_segments_ui, forget_stale};
use crate::model::Segment;

/// What the matrix shows and how; the result itself is kept by the analysis worker.
#[derive(Default)]
pub struct AnalysisView {
    /// `jobcenter` or an attribute name.
    pub by: String,
    pub measure: Option<Measure>,
    pub coder: Option<String>,
    /// Attribute conditions the documents must meet.
    pub conditions: Vec<(String, String)>,
    /// Sorted by the column of this label (it may move when filters change the columns),
    /// descending if true; else tree order.
    pub sort: Option<(String, bool)>,
    /// Parent codes (by path) whose sub-codes are hidden.
    pub collapsed: HashSet<String>,
    /// The cell whose segments are listed: code and column label, and the segments.
    pub opened: Option<(String, String, Vec<Segment>)>,
    /// The project version and spec the listed cell belongs to.
    opened_for: String,
}

/// Draws the code matrix and the segments behind the chosen cell.
pub fn analysis_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut AnalysisView) {
    let tr = state.tr;
    if view.by.is_empty() {
        view.by = "jobcenter".into();
    }
    let mut by = view.by.clone();
    let mut measure = view.measure.unwrap_or(Measure::Segments);
    let mut coder = view.coder.clone();
    let mut conditions = view.conditions.clone();
    ui.horizontal(|ui| {
        ui.heading(tr.code_matrix);
        matrix_choices_ui(ui, state, "matrix", &mut by, Some(&mut measure), &mut coder);
    });
    conditions_ui(ui, "matrix", &mut conditions, state);
    if by != view.by {
        view.sort = None;
    }
    view.by = by.clone();
    view.measure = Some(measure);
    view.coder = coder.clone();
    view.conditions = conditions.clone();

    let spec = matrix_spec(&by, measure, coder, conditions, tr.table_words());
    forget_stale(&mut view.opened, &mut view.opened_for, state.version, &spec);
    let (result, computing) = ask_matrix(ui, state, "matrix", spec);
    let Some(m) = result else {
        if computing {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr.computing);
            });
        }
        return;
    };
    ui.horizontal(|ui| {
        if ui
            .button(tr.csv_dots)
            .on_hover_text(tr.save_table_title)
            .clicked()
        {
            state.save_request =
                Some((tr.save_table_title, SaveWhat::Table(shown_table(view, &m))));
        }
        if ui
            .button(tr.copy_table)
            .on_hover_text(tr.copy_table_hint)
            .clicked()
        {
            ui.ctx()
                .copy_text(crate::exchange::tab_separated(&shown_table(view, &m)));
            state.message = Some(tr.copied.to_owned());
        }
        if computing {
            ui.spinner();
            ui.weak(tr.computing);
        }
    });
    ui.separator();
    // A click on an older table while the new one is computed would answer the wrong question.
    if let Some(cell) = matrix_table_ui(ui, state, view, &m)
        && !computing
    {
        let coder = view.coder.clone();
        match matrix_cell_segments(state, &m, cell, coder.as_deref()) {
            Ok(opened) => view.opened = Some(opened),
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    cell_segments_ui(ui, state, &mut view.opened);
}

/// The table as shown (sorted, folded) for saving and copying.
fn shown_table(view: &AnalysisView, m: &Matrix) -> Vec<Vec<String>> {
    m.table_of(shown_rows(view, m))
}

/// The rows to draw: sorted or in tree order, without the sub-codes of collapsed parents.
fn shown_rows(view: &AnalysisView, m: &Matrix) -> Vec<usize> {
    let sort = view
        .sort
        .as_ref()
        .map(|(label, descending)| (label.as_str(), *descending));
    m.shown_rows(sort, &view.collapsed)
}

/// Draws the heat map; returns the clicked cell (row, column).
fn matrix_table_ui(
    ui: &mut Ui,
    state: &WorkbenchState,
    view: &mut AnalysisView,
    m: &Matrix,
) -> Option<(usize, usize)> {
    let tr = state.tr;
    let mut clicked: Option<(usize, usize)> = None;
    let rows = shown_rows(view, m);
    let has_children: HashSet<usize> = (0..m.rows.len().saturating_sub(1))
        .filter(|&i| m.rows[i + 1].depth > m.rows[i].depth)
        .collect();
    let list_height = if view.opened.is_some() { 220.0 } else { 0.0 };
    let max = m
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| c.value(m.measure))
        .fold(0.0_f64, f64::max);
    let heat = ui.visuals().selection.bg_fill;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let table_height = (ui.available_height() - list_height).max(120.0);
    let mut sort = view.sort.clone();
    let mut toggle: Option<String> = None;
    result_table_ui(ui, "code-matrix", table_height, 260.0, |builder| {
        builder
            .columns(
                Column::initial(84.0).resizable(true).clip(true),
                m.columns.len() + 1,
            )
            .header(row_height * 1.6, |mut header| {
                header.col(|ui| {
                    if ui
                        .add(egui::Button::new(RichText::new(tr.code).strong()).frame(false))
                        .on_hover_text(tr.sort_hint)
                        .clicked()
                    {
                        sort = None;
                    }
                });
                for column in m.columns.iter().chain(std::iter::once(&m.all)) {
                    header.col(|ui| {
                        let arrow = match &sort {
                            Some((c, true)) if *c == column.label => "⬇ ",
                            Some((c, false)) if *c == column.label => "⬆ ",
                            _ => "",
                        };
                        let response = ui
                            .add(
                                egui::Button::new(
                                    RichText::new(format!("{arrow}{}", column.label)).strong(),
                                )
                                .frame(false),
                            )
                            .on_hover_text(format!(
                                "{} {}\n{}",
                                column.documents, tr.documents, tr.sort_hint
                            ))
                            .accessible_name(format!("{} {}", tr.sort_by, column.label));
                        if response.clicked() {
                            let label = column.label.clone();
                            sort = match sort.take() {
                                Some((c, true)) if c == label => Some((label, false)),
                                Some((c, false)) if c == label => None,
                                _ => Some((label, true)),
                            };
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut row| {
                    let i = rows[row.index()];
                    let r = &m.rows[i];
                    row.col(|ui| {
                        let name = r.code.leaf();
                        ui.horizontal(|ui| {
                            ui.add_space(r.depth as f32 * 14.0);
                            if has_children.contains(&i) {
                                let open = !view.collapsed.contains(r.code.as_str());
                                let (rect, response) =
                                    ui.allocate_exact_size(egui::vec2(14.0, 14.0), Sense::click());
                                egui::collapsing_header::paint_default_icon(
                                    ui,
                                    if open { 1.0 } else { 0.0 },
                                    &response,
                                );
                                let _ = rect;
                                let response = response
                                    .accessible_name(format!(
                                        "{} {name}",
                                        if open { tr.collapse } else { tr.expand }
                                    ))
                                    .on_hover_text(if open { tr.collapse } else { tr.expand });
                                if response.clicked() {
                                    toggle = Some(r.code.to_string());
                                }
                            } else {
                                ui.add_space(14.0);
                            }
                            let color = state
                                .codes
                                .iter()
                                .find(|c| c.path == r.code)
                                .map(|c| code_color(&c.color))
                                .unwrap_or(Color32::GRAY);
                            ui.label(RichText::new("■").color(color));
                            ui.label(name).on_hover_text(r.code.as_str());
                        });
                    });
                    for (j, cell) in r.cells.iter().chain(std::iter::once(&r.total)).enumerate() {
                        row.col(|ui| {
                            let v = cell.value(m.measure);
                            let alpha = if max > 0.0 { (v / max) as f32 } else { 0.0 };
                            let (rect, response) =
                                ui.allocate_exact_size(ui.available_size(), Sense::click());
                            if v > 0.0 {
                                ui.painter().rect_filled(
                                    rect,
                                    2.0,
                                    heat.gamma_multiply(0.15 + 0.85 * alpha.min(1.0)),
                                );
                            }
                            ui.painter().text(
                                rect.center(),
                                egui::Align2::CENTER_CENTER,
                                cell.show(m.measure),
                                egui::FontId::proportional(13.0),
                                ui.visuals().strong_text_color(),
                            );
                            let column = m
                                .columns
                                .get(j)
                                .map_or(m.all.label.as_str(), |c| c.label.as_str());
                            let response = response
                                .accessible_name(format!(
                                    "{} × {column}: {}",
                                    r.code,
                                    cell.show(m.measure)
                                ))
                                .on_hover_text(format!(
                                    "{} · {column}\n{} {} · {} {} · {:.1} % · {:.1} %",
                                    r.code,
                                    cell.segments,
                                    tr.measure_segments,
                                    cell.documents,
                                    tr.measure_documents,
                                    cell.percent,
                                    cell.coverage
                                ));
                            if response.clicked() {
                                clicked = Some((i, j));
                            }
                        });
                    }
                });
            });
    });
    view.sort = sort;
    if let Some(code) = toggle
        && !view.collapsed.remove(&code)
    {
        view.collapsed.insert(code);
    }
    clicked
}
