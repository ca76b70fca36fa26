//! Analyse: the code matrix (as MAXQDA's Code Matrix Browser) — codes with their sub-codes against
//! jobcenters or the values of an attribute, as a heat map; sortable, parents collapsible, filtered
//! by attribute conditions and coder; a click on a cell lists the segments behind the number. The
//! numbers come from the same core function as `kodierwerk matrix`, computed off the UI thread.

use std::collections::HashSet;
use std::sync::Arc;

use egui::{Color32, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::analysis::{Columns, Matrix, MatrixSpec, Measure, matrix};
use crate::gui::command::Command;
use crate::gui::panes::dialogs::SaveWhat;
use crate::gui::state::WorkbenchState;
use crate::gui::widgets::conditions::conditions_ui;
use crate::model::{CodeId, DocumentId, Segment, SegmentId};
use crate::project::SegmentFilter;

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

/// The matrix for these choices, from the analysis worker (the latest one while a new one is computed).
pub fn ask_matrix(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    slot: &'static str,
    spec: MatrixSpec,
) -> (Option<Arc<Matrix>>, bool) {
    let key = format!("{spec:?}");
    let latest = state
        .worker
        .ask(ui.ctx(), slot, key, state.version, move |data, _| {
            matrix(data, &spec)
        });
    if let Some(error) = latest.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
        return (None, false);
    }
    (latest.result, latest.computing)
}

/// The spec for a grouping key (`jobcenter` or an attribute name).
pub fn matrix_spec(
    by: &str,
    measure: Measure,
    coder: Option<String>,
    conditions: Vec<(String, String)>,
) -> MatrixSpec {
    MatrixSpec {
        by: if by == "jobcenter" {
            Columns::Jobcenter
        } else {
            Columns::Attribute(by.to_owned())
        },
        measure,
        coder,
        conditions,
    }
}

/// Draws the code matrix and the segments behind the chosen cell.
pub fn analysis_ui(ui: &mut Ui, state: &mut WorkbenchState) {
    let tr = state.tr;
    if state.analysis.by.is_empty() {
        state.analysis.by = "jobcenter".into();
    }
    let mut by = state.analysis.by.clone();
    let mut measure = state.analysis.measure.unwrap_or(Measure::Segments);
    let mut coder = state.analysis.coder.clone();
    let mut conditions = state.analysis.conditions.clone();
    ui.horizontal(|ui| {
        ui.heading(tr.code_matrix);
        matrix_choices_ui(ui, state, "matrix", &mut by, Some(&mut measure), &mut coder);
    });
    conditions_ui(ui, "matrix", &mut conditions, state);
    if by != state.analysis.by {
        state.analysis.sort = None;
    }
    state.analysis.by = by.clone();
    state.analysis.measure = Some(measure);
    state.analysis.coder = coder.clone();
    state.analysis.conditions = conditions.clone();

    let spec = matrix_spec(&by, measure, coder, conditions);
    // A listed cell belongs to the table it was opened from.
    let listed_for = format!("{}\u{0}{spec:?}", state.version);
    if state.analysis.opened_for != listed_for {
        state.analysis.opened = None;
        state.analysis.opened_for = listed_for;
    }
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
                Some((tr.save_table_title, SaveWhat::Table(shown_table(state, &m))));
        }
        if ui
            .button(tr.copy_table)
            .on_hover_text(tr.copy_table_hint)
            .clicked()
        {
            ui.ctx()
                .copy_text(crate::exchange::tab_separated(&shown_table(state, &m)));
            state.message = Some(tr.copied.to_owned());
        }
        if computing {
            ui.spinner();
            ui.weak(tr.computing);
        }
    });
    ui.separator();
    // A click on an older table while the new one is computed would answer the wrong question.
    if let Some(cell) = matrix_table_ui(ui, state, &m)
        && !computing
    {
        let coder = state.analysis.coder.clone();
        match matrix_cell_segments(state, &m, cell, coder.as_deref()) {
            Ok(opened) => state.analysis.opened = Some(opened),
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    let mut opened = state.analysis.opened.take();
    cell_segments_ui(ui, state, &mut opened);
    state.analysis.opened = opened;
}

/// The table as shown (sorted, folded) for saving and copying.
fn shown_table(state: &WorkbenchState, m: &Matrix) -> Vec<Vec<String>> {
    m.table_of(shown_rows(
        m,
        state.analysis.sort.as_ref(),
        &state.analysis.collapsed,
    ))
}

/// The rows to draw: sorted or in tree order, without the sub-codes of collapsed parents.
fn shown_rows(
    m: &Matrix,
    sort: Option<&(String, bool)>,
    collapsed: &HashSet<String>,
) -> Vec<usize> {
    let column = sort.and_then(|(label, descending)| {
        let j = m
            .columns
            .iter()
            .position(|c| &c.label == label)
            .or_else(|| (&m.all.label == label).then_some(m.columns.len()))?;
        Some((j, *descending))
    });
    let order: Vec<usize> = match column {
        Some((column, descending)) => m.sorted_rows(column, descending),
        None => (0..m.rows.len()).collect(),
    };
    order
        .into_iter()
        .filter(|&i| {
            let code = &m.rows[i].code;
            !collapsed.iter().any(|parent| {
                code.strip_prefix(parent.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .collect()
}

/// Draws the heat map; returns the clicked cell (row, column).
fn matrix_table_ui(ui: &mut Ui, state: &mut WorkbenchState, m: &Matrix) -> Option<(usize, usize)> {
    let tr = state.tr;
    let mut clicked: Option<(usize, usize)> = None;
    let rows = shown_rows(m, state.analysis.sort.as_ref(), &state.analysis.collapsed);
    let has_children: HashSet<usize> = (0..m.rows.len().saturating_sub(1))
        .filter(|&i| m.rows[i + 1].depth > m.rows[i].depth)
        .collect();
    let list_height = if state.analysis.opened.is_some() {
        220.0
    } else {
        0.0
    };
    let max = m
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| c.value(m.measure))
        .fold(0.0_f64, f64::max);
    let heat = ui.visuals().selection.bg_fill;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let table_height = (ui.available_height() - list_height).max(120.0);
    let mut sort = state.analysis.sort.clone();
    let mut toggle: Option<String> = None;
    egui::ScrollArea::horizontal()
        .id_salt("code-matrix-wide")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("code-matrix")
                .striped(true)
                .auto_shrink([false, false])
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height)
                .column(Column::initial(260.0).resizable(true).clip(true))
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
                            let name = r.code.rsplit('/').next().unwrap_or(&r.code);
                            ui.horizontal(|ui| {
                                ui.add_space(r.depth as f32 * 14.0);
                                if has_children.contains(&i) {
                                    let open = !state.analysis.collapsed.contains(r.code.as_str());
                                    let (rect, response) = ui.allocate_exact_size(
                                        egui::vec2(14.0, 14.0),
                                        Sense::click(),
                                    );
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
                                    .map(|c| crate::gui::widgets::code_color(&c.color))
                                    .unwrap_or(Color32::GRAY);
                                ui.label(RichText::new("■").color(color));
                                ui.label(name).on_hover_text(r.code.as_str());
                            });
                        });
                        for (j, cell) in r.cells.iter().chain(std::iter::once(&r.total)).enumerate()
                        {
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
    state.analysis.sort = sort;
    if let Some(code) = toggle
        && !state.analysis.collapsed.remove(&code)
    {
        state.analysis.collapsed.insert(code);
    }
    clicked
}

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

/// The segments behind cell (row, column) of `m`: code, column label and segments.
pub fn matrix_cell_segments(
    state: &WorkbenchState,
    m: &Matrix,
    (i, j): (usize, usize),
    coder: Option<&str>,
) -> crate::Result<(String, String, Vec<Segment>)> {
    let code = m.rows[i].code.clone();
    let column = m
        .columns
        .get(j)
        .map_or(m.all.label.clone(), |c| c.label.clone());
    let documents = if j < m.columns.len() {
        m.column_documents[j].clone()
    } else {
        m.column_documents.concat()
    };
    let segments = code_segments(state, &code, documents, coder)?;
    Ok((code.into(), column, segments))
}

/// What the reader did with a segment list.
#[derive(Default)]
pub struct ListAction {
    pub close: bool,
    pub jump: Option<SegmentId>,
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
    if action.close {
        *opened = None;
    }
    if let Some(id) = action.jump {
        state.push(Command::JumpToSegment(id));
    }
}
