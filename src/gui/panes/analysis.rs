//! Analyse: the code matrix (as MAXQDA's Code Matrix Browser) — codes with their sub-codes against
//! jobcenters or the values of an attribute, as a heat map; a click on a cell lists the segments
//! behind the number. The numbers come from the same core function as `kodierwerk matrix`.

use egui::{Color32, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::analysis::AnalysisData;
use crate::analysis::matrix::{self, Columns, Matrix, MatrixSpec, Measure};
use crate::gui::command::Command;
use crate::gui::state::WorkbenchState;
use crate::model::{CodeId, Segment};
use crate::project::SegmentFilter;

/// What the analysis shows, and the last result (recomputed when the project or the choice changes).
#[derive(Default)]
pub struct AnalysisView {
    /// `jobcenter` or an attribute name.
    pub by: String,
    pub measure: Option<Measure>,
    pub coder: Option<String>,
    cache: Option<(u64, String, Measure, Option<String>, Matrix)>,
    /// The cell whose segments are listed: code and column label, and the segments.
    pub opened: Option<(String, String, Vec<Segment>)>,
}

fn measure_label(measure: Measure, state: &WorkbenchState) -> &'static str {
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

/// Draws the code matrix and the segments behind the chosen cell.
pub fn analysis_ui(ui: &mut Ui, state: &mut WorkbenchState) {
    let tr = state.tr;
    if state.analysis.by.is_empty() {
        state.analysis.by = "jobcenter".into();
    }
    let measure = state.analysis.measure.unwrap_or(Measure::Segments);
    let mut by_options = vec![("jobcenter".to_owned(), tr.jobcenter.to_owned())];
    by_options.extend(
        state
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.name.clone())),
    );
    ui.horizontal(|ui| {
        ui.heading(tr.code_matrix);
        ui.label(tr.columns_by);
        let shown = by_options
            .iter()
            .find(|(k, _)| *k == state.analysis.by)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        egui::ComboBox::from_id_salt("matrix-by")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (key, label) in &by_options {
                    ui.selectable_value(&mut state.analysis.by, key.clone(), label);
                }
            })
            .response
            .accessible_name(tr.columns_by);
        ui.label(tr.value);
        let mut chosen = measure;
        egui::ComboBox::from_id_salt("matrix-measure")
            .selected_text(measure_label(measure, state))
            .show_ui(ui, |ui| {
                for m in [
                    Measure::Segments,
                    Measure::Documents,
                    Measure::Percent,
                    Measure::Coverage,
                    Measure::RowPercent,
                    Measure::ColumnPercent,
                ] {
                    ui.selectable_value(&mut chosen, m, measure_label(m, state));
                }
            })
            .response
            .accessible_name(tr.value);
        state.analysis.measure = Some(chosen);
        ui.label(tr.coder);
        let mut coder = state.analysis.coder.clone();
        egui::ComboBox::from_id_salt("matrix-coder")
            .selected_text(coder.clone().unwrap_or_else(|| tr.all_coders.to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut coder, None, tr.all_coders);
                for c in &state.coders {
                    ui.selectable_value(&mut coder, Some(c.name.clone()), &c.name);
                }
            })
            .response
            .accessible_name(tr.coder);
        state.analysis.coder = coder;
    });
    ui.separator();

    let key = (
        state.version,
        state.analysis.by.clone(),
        chosen_measure(state),
        state.analysis.coder.clone(),
    );
    let fresh = state
        .analysis
        .cache
        .as_ref()
        .is_some_and(|(v, by, m, c, _)| (*v, by.clone(), *m, c.clone()) == key);
    if !fresh {
        let spec = MatrixSpec {
            by: if key.1 == "jobcenter" {
                Columns::Jobcenter
            } else {
                Columns::Attribute(key.1.clone())
            },
            measure: key.2,
            coder: key.3.clone(),
            conditions: Vec::new(),
        };
        match AnalysisData::load(&state.project).and_then(|data| matrix::matrix(&data, &spec)) {
            Ok(m) => state.analysis.cache = Some((key.0, key.1, key.2, key.3, m)),
            Err(e) => {
                state.error = Some(e.to_string());
                return;
            }
        }
    }
    // Taken out while drawing (the panes below need `state` too), put back at the end.
    let Some(cache) = state.analysis.cache.take() else {
        return;
    };
    let m = &cache.4;
    let mut open_cell: Option<(usize, usize)> = None;
    let list_height = if state.analysis.opened.is_some() {
        220.0
    } else {
        0.0
    };
    let max = m
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| value(c, m.measure))
        .fold(0.0_f64, f64::max);
    let heat = ui.visuals().selection.bg_fill;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let table_height = (ui.available_height() - list_height).max(120.0);
    egui::ScrollArea::horizontal()
        .id_salt("code-matrix-wide")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("code-matrix")
                .striped(true)
                .auto_shrink([false, false])
                .max_scroll_height(table_height)
                .column(Column::initial(240.0).resizable(true).clip(true))
                .columns(
                    Column::initial(84.0).resizable(true).clip(true),
                    m.columns.len() + 1,
                )
                .header(row_height * 1.6, |mut header| {
                    header.col(|ui| {
                        ui.strong(tr.code);
                    });
                    for column in m.columns.iter().chain(std::iter::once(&m.all)) {
                        header.col(|ui| {
                            ui.strong(&column.label)
                                .on_hover_text(format!("{} {}", column.documents, tr.documents));
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, m.rows.len(), |mut row| {
                        let i = row.index();
                        let r = &m.rows[i];
                        row.col(|ui| {
                            let name = r.code.rsplit('/').next().unwrap_or(&r.code);
                            ui.horizontal(|ui| {
                                ui.add_space(r.depth as f32 * 14.0);
                                let color = state
                                    .codes
                                    .iter()
                                    .find(|c| c.path == r.code)
                                    .map(|c| crate::gui::widgets::code_color(&c.color))
                                    .unwrap_or(Color32::GRAY);
                                ui.label(RichText::new("■").color(color));
                                ui.label(name);
                            });
                        });
                        for (j, cell) in r.cells.iter().chain(std::iter::once(&r.total)).enumerate()
                        {
                            row.col(|ui| {
                                let v = value(cell, m.measure);
                                let alpha = if max > 0.0 { (v / max) as f32 } else { 0.0 };
                                let (rect, response) =
                                    ui.allocate_exact_size(ui.available_size(), Sense::click());
                                ui.painter().rect_filled(
                                    rect,
                                    2.0,
                                    heat.gamma_multiply(0.15 + 0.85 * alpha)
                                        .gamma_multiply(if v > 0.0 { 1.0 } else { 0.0 }),
                                );
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
                                    .accessible_name(format!("{} × {column}", r.code))
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
                                    open_cell = Some((i, j));
                                }
                            });
                        }
                    });
                });
        });

    if let Some((i, j)) = open_cell {
        let code_path = m.rows[i].code.clone();
        let column = m
            .columns
            .get(j)
            .map_or(m.all.label.clone(), |c| c.label.clone());
        let documents = if j < m.columns.len() {
            m.column_documents[j].clone()
        } else {
            m.column_documents.concat()
        };
        let code: Option<CodeId> = state
            .codes
            .iter()
            .find(|c| c.path == code_path)
            .map(|c| c.id);
        let coders = state
            .analysis
            .coder
            .as_ref()
            .and_then(|name| {
                state
                    .coders
                    .iter()
                    .find(|c| &c.name == name)
                    .map(|c| vec![c.id])
            })
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
        match state.project.segments(&filter) {
            Ok(segments) => state.analysis.opened = Some((code_path, column, segments)),
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    state.analysis.cache = Some(cache);
    cell_segments_ui(ui, state);
}

fn chosen_measure(state: &WorkbenchState) -> Measure {
    state.analysis.measure.unwrap_or(Measure::Segments)
}

fn value(cell: &matrix::Cell, measure: Measure) -> f64 {
    match measure {
        Measure::Segments => cell.segments as f64,
        Measure::Documents => cell.documents as f64,
        Measure::Percent => cell.percent,
        Measure::Coverage => cell.coverage,
        Measure::RowPercent => cell.row_percent,
        Measure::ColumnPercent => cell.column_percent,
    }
}

/// The segments behind the clicked cell; a click jumps to the passage in the browser.
fn cell_segments_ui(ui: &mut Ui, state: &mut WorkbenchState) {
    let tr = state.tr;
    let Some((code, column, segments)) = &state.analysis.opened else {
        return;
    };
    ui.separator();
    let mut jump = None;
    let mut close = false;
    ui.horizontal(|ui| {
        ui.strong(format!(
            "{code} × {column}: {} {}",
            segments.len(),
            tr.segments_word
        ));
        if ui.small_button("✖").on_hover_text(tr.cancel).clicked() {
            close = true;
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("cell-segments")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for segment in segments {
                let flat: String = segment
                    .text
                    .chars()
                    .map(|c| if c == '\n' { ' ' } else { c })
                    .collect();
                let text = format!(
                    "{} · {} · {}: {flat}",
                    segment.document,
                    segment.coder,
                    segment.speaker.as_deref().unwrap_or("–")
                );
                if ui
                    .add(egui::Label::new(text).truncate().sense(Sense::click()))
                    .clicked()
                {
                    jump = Some(segment.id);
                }
            }
        });
    if close {
        state.analysis.opened = None;
    }
    if let Some(id) = jump {
        state.push(Command::JumpToSegment(id));
        state.central = crate::gui::state::CentralView::Browser;
    }
}
