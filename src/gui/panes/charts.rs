//! Diagramme: code frequencies per jobcenter or group as grouped bars, and a profile chart that
//! compares how the coding of one code (e.g. the work logics) divides among its sub-codes in each
//! jobcenter. The numbers are the code matrix's (`kodierwerk matrix`, `kodierwerk profile`); a
//! click on a bar lists its segments; a chart can be saved as a PNG picture.

use std::sync::{Arc, Mutex};

use egui::{Color32, Rect, RichText, Ui};
use egui_plot::{Bar, BarChart, GridInput, GridMark, Legend, Plot};

use crate::analysis::{Matrix, Measure};
use crate::gui::state::{SaveWhat, WorkbenchState};
use crate::gui::widgets::code_color;
use crate::gui::widgets::conditions::conditions_ui;
use crate::gui::widgets::matrix_choices::{matrix_choices_ui, measure_label};
use crate::gui::widgets::matrix_query::{ask_matrix, matrix_cell_segments, matrix_spec};
use crate::gui::widgets::segment_list::{cell_segments_ui, forget_stale};
use crate::model::Segment;

/// Which chart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartKind {
    /// Grouped bars: the sub-codes of a code, per jobcenter or group.
    #[default]
    Bars,
    /// Stacked bars of 100 %: each jobcenter's division of a code among its sub-codes.
    Profile,
}

/// The chart's choices.
#[derive(Default)]
pub struct ChartsView {
    pub kind: ChartKind,
    /// `jobcenter` or an attribute name.
    pub by: String,
    pub measure: Option<Measure>,
    pub coder: Option<String>,
    pub conditions: Vec<(String, String)>,
    /// The code whose sub-codes are shown (path); empty for the top-level codes.
    pub code: Option<String>,
    /// The bar whose segments are listed: code, column label and segments.
    pub opened: Option<(String, String, Vec<Segment>)>,
    /// The project version and spec the listed bar belongs to.
    opened_for: String,
    /// Where the chart was drawn last (points), for saving it as a picture.
    chart_rect: Option<Rect>,
    /// The window's picture, once the renderer delivered what the save button asked for.
    screenshot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
    /// Where saving the chart as a picture stands.
    picture: Picture,
}

/// Saving a chart as a picture takes a frame drawn for print and the renderer's copy of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Picture {
    #[default]
    None,
    /// The next frame draws the chart on white and asks for a screenshot.
    Draw,
    /// The screenshot was asked for; the chart stays drawn for print until it arrives.
    Waiting,
}

/// Draws the chart view.
pub fn charts_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut ChartsView) {
    let tr = state.tr;
    take_screenshot(ui, state, view);
    if view.by.is_empty() {
        view.by = "jobcenter".into();
    }
    // First shown: the first top-level code with sub-codes (the work logics in the sample).
    let mut code = view.code.clone().unwrap_or_else(|| {
        let parents = parent_codes(state);
        state
            .codes
            .iter()
            .find(|c| c.parent.is_none() && parents.contains(&c.id))
            .map(|c| c.path.to_string())
            .unwrap_or_default()
    });
    let mut kind = view.kind;
    let mut by = view.by.clone();
    let mut measure = view.measure.unwrap_or(Measure::Segments);
    let mut coder = view.coder.clone();
    let mut conditions = view.conditions.clone();
    ui.horizontal(|ui| {
        ui.heading(tr.charts);
        ui.selectable_value(&mut kind, ChartKind::Bars, tr.chart_bars);
        ui.selectable_value(&mut kind, ChartKind::Profile, tr.chart_profile);
        ui.separator();
        ui.label(tr.chart_code);
        egui::ComboBox::from_id_salt("chart-code")
            .selected_text(if code.is_empty() {
                tr.top_level_codes.to_owned()
            } else {
                code.clone()
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut code, String::new(), tr.top_level_codes);
                let parents = parent_codes(state);
                for c in state.codes.iter().filter(|c| parents.contains(&c.id)) {
                    ui.selectable_value(&mut code, c.path.to_string(), c.path.as_str());
                }
            })
            .response
            .accessible_name(tr.chart_code);
    });
    ui.horizontal(|ui| {
        // A profile divides segments; the measure chooser is for the bars.
        let measure = (kind == ChartKind::Bars).then_some(&mut measure);
        matrix_choices_ui(ui, state, "chart", &mut by, measure, &mut coder);
    });
    conditions_ui(ui, "chart", &mut conditions, state);
    view.kind = kind;
    view.code = Some(code.clone());
    view.by = by.clone();
    view.measure = Some(measure);
    view.coder = coder.clone();
    view.conditions = conditions.clone();

    let spec_measure = if kind == ChartKind::Profile {
        Measure::Segments
    } else {
        measure
    };
    let spec = matrix_spec(&by, spec_measure, coder, conditions, tr.table_words());
    forget_stale(
        &mut view.opened,
        &mut view.opened_for,
        state.version,
        &(kind, &code, &spec),
    );
    let (result, computing) = ask_matrix(ui, state, "chart", spec);
    let Some(m) = result else {
        if computing {
            ui.spinner();
        }
        return;
    };
    ui.horizontal(|ui| {
        if ui
            .button(tr.save_picture)
            .on_hover_text(tr.save_picture_hint)
            .clicked()
        {
            // The next frame draws the chart on white, as for print, and photographs it.
            view.picture = Picture::Draw;
            ui.ctx().request_repaint();
        }
        if computing {
            ui.spinner();
            ui.weak(tr.computing);
        }
    });
    ui.separator();
    let list_height = if view.opened.is_some() { 200.0 } else { 0.0 };
    let height = (ui.available_height() - list_height).max(200.0);
    // Drawn for print until the picture arrives: the renderer may read a later frame's pixels.
    let for_print = view.picture != Picture::None;
    // egui_plot reads parts of its look from the context's style, so for the one frame that is
    // photographed the context is light too, and restored right after the chart.
    let dark = for_print.then(|| {
        let visuals = ui.ctx().global_style().visuals.clone();
        ui.ctx().set_visuals(egui::Visuals::light());
        visuals
    });
    let clicked = ui
        .scope(|ui| {
            if for_print {
                *ui.visuals_mut() = egui::Visuals::light();
            }
            egui::Frame::new()
                .fill(ui.visuals().panel_fill)
                .inner_margin(6.0)
                .show(ui, |ui| match kind {
                    ChartKind::Bars => bars_ui(ui, state, &m, &code, height),
                    ChartKind::Profile => profile_ui(ui, state, &m, &code, height),
                })
        })
        .inner;
    // The picture is the framed chart: title, plot, axes and legend.
    view.chart_rect = Some(clicked.response.rect);
    let clicked = clicked.inner;
    if let Some(visuals) = dark {
        ui.ctx().set_visuals(visuals);
    }
    if view.picture == Picture::Draw {
        view.picture = Picture::Waiting;
        let slot = Arc::clone(&view.screenshot);
        let ctx = ui.ctx().clone();
        ui.ctx().request_screenshot(move |image| {
            if let Ok(mut slot) = slot.lock() {
                *slot = Some(image);
            }
            ctx.request_repaint();
        });
    }
    if let Some((path, column)) = clicked
        && !computing
        && let Some(row) = m.rows.iter().position(|r| r.code == path)
    {
        let coder = view.coder.clone();
        match matrix_cell_segments(state, &m, (row, column), coder.as_deref()) {
            Ok(opened) => view.opened = Some(opened),
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    cell_segments_ui(ui, state, &mut view.opened);
}

/// The codes that have sub-codes: what a chart can show.
fn parent_codes(state: &WorkbenchState) -> std::collections::HashSet<crate::model::CodeId> {
    state.codes.iter().filter_map(|c| c.parent).collect()
}

fn color_of(state: &WorkbenchState, path: &str) -> Color32 {
    state
        .codes
        .iter()
        .find(|c| c.path == path)
        .map_or(Color32::GRAY, |c| code_color(&c.color))
}

/// A fixed chart (no zoom, drag or scroll: a click opens segments) with one group per label from
/// top to bottom on the y axis, and the legend in the code system's order, top right.
fn chart_plot(id: &'static str, labels: Vec<String>) -> Plot<'static> {
    let n = labels.len();
    Plot::new(id)
        .legend(
            Legend::default()
                .follow_insertion_order(true)
                .position(egui_plot::Corner::RightTop),
        )
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .y_grid_spacer(column_marks(n))
        .y_axis_formatter(move |mark, _| group_label(&labels, mark.value))
        .y_axis_min_width(150.0)
}

/// One grid mark per column, so that the axis names every jobcenter or group once.
fn column_marks(n: usize) -> impl Fn(GridInput) -> Vec<GridMark> {
    move |_| {
        (0..n)
            .map(|i| GridMark {
                value: i as f64,
                step_size: 1.0,
            })
            .collect()
    }
}

/// The chart's heading: which code's sub-codes, what is measured, grouped by what.
fn chart_title(ui: &mut Ui, state: &WorkbenchState, m: &Matrix, parent: &str, what: &str) {
    let tr = state.tr;
    let code = if parent.is_empty() {
        tr.top_level_codes
    } else {
        parent
    };
    let by = if m.by == "jobcenter" {
        tr.jobcenter
    } else {
        m.by.as_str()
    };
    ui.label(
        RichText::new(format!("{code} · {what} · {by}"))
            .strong()
            .size(15.0),
    );
}

/// Grouped bars; returns the clicked bar (code path, column).
fn bars_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    m: &Matrix,
    parent: &str,
    height: f32,
) -> Option<(String, usize)> {
    let tr = state.tr;
    let rows = m.child_rows(parent);
    let n = m.columns.len();
    chart_title(ui, state, m, parent, measure_label(m.measure, state));
    let width = 0.8 / rows.len().max(1) as f64;
    // Groups from top to bottom, in the matrix's column order; the bars of a group in the code
    // system's order from top to bottom.
    let group_y = |j: usize| (n - 1 - j) as f64;
    let charts: Vec<BarChart> = rows
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let r = &m.rows[i];
            let color = color_of(state, &r.code);
            let bars = r
                .cells
                .iter()
                .enumerate()
                .map(|(j, cell)| {
                    let y = group_y(j) + 0.4 - width * (k as f64 + 0.5);
                    Bar::new(y, cell.value(m.measure))
                        .width(width * 0.9)
                        .fill(color)
                        .name(format!("{} · {}", r.code.leaf(), m.columns[j].label))
                })
                .collect();
            BarChart::new(r.code.leaf(), bars)
                .color(color)
                .horizontal()
                .id(("chart-series", &r.code))
        })
        .collect();
    let labels: Vec<String> = m.columns.iter().map(|c| c.label.clone()).collect();
    let measure = m.measure;
    let largest = rows
        .iter()
        .flat_map(|&i| m.rows[i].cells.iter())
        .map(|c| c.value(measure))
        .fold(0.0_f64, f64::max);
    let plot = chart_plot("chart-bars", labels)
        .x_axis_label(measure_label(measure, state))
        .include_x(0.0)
        // Room on the right for the legend.
        .include_x(largest * 1.4);
    let response = show_chart(ui, plot, charts, height, n, rows.len() as f32 * 8.0 + 8.0);
    response
        .response
        .accessible_name(format!("{} {}", tr.chart_bars, tr.charts));
    let point = response.inner?;
    let group = point.y.round();
    if group < 0.0 || group as usize >= n {
        return None;
    }
    let j = n - 1 - group as usize;
    let k = ((group + 0.4 - point.y) / width).floor();
    if k < 0.0 {
        return None;
    }
    let row = rows.get(k as usize)?;
    let r = &m.rows[*row];
    let value = r.cells[j].value(m.measure);
    (point.x >= 0.0 && point.x <= value).then(|| (r.code.to_string(), j))
}

/// Draws the bars in `height`, or taller with a scroll bar when the groups would get less than
/// `per_group` points each (60 jobcenters); the clicked point, if any.
fn show_chart(
    ui: &mut Ui,
    plot: Plot<'static>,
    charts: Vec<BarChart>,
    height: f32,
    groups: usize,
    per_group: f32,
) -> egui_plot::PlotResponse<Option<egui_plot::PlotPoint>> {
    let visible = height - 30.0;
    let needed = groups as f32 * per_group + 60.0;
    egui::ScrollArea::vertical()
        .id_salt("chart-scroll")
        .max_height(visible)
        .show(ui, |ui| {
            plot.height(visible.max(needed)).show(ui, |plot| {
                for chart in charts {
                    plot.bar_chart(chart);
                }
                plot.response()
                    .clicked()
                    .then(|| plot.pointer_coordinate())
                    .flatten()
            })
        })
        .inner
}

/// The label of the group at `y` (top to bottom), or nothing between groups.
fn group_label(labels: &[String], y: f64) -> String {
    let i = y.round();
    if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= labels.len() {
        return String::new();
    }
    labels[labels.len() - 1 - i as usize].clone()
}

/// Stacked bars of 100 % per column, one bar per jobcenter or group; returns the clicked part.
fn profile_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    m: &Matrix,
    parent: &str,
    height: f32,
) -> Option<(String, usize)> {
    let tr = state.tr;
    let Some(profile) = m.profile(parent) else {
        ui.weak(tr.no_subcodes);
        return None;
    };
    chart_title(ui, state, m, parent, tr.profile_share);
    let n = profile.columns.len();
    let mut charts: Vec<BarChart> = Vec::new();
    for (k, code) in profile.codes.iter().enumerate() {
        let bars = (0..n)
            .map(|j| {
                Bar::new((n - 1 - j) as f64, profile.shares[k][j])
                    .width(0.7)
                    .fill(color_of(state, code))
                    .name(format!(
                        "{} · {}: {:.1} % ({} {})",
                        code.leaf(),
                        profile.columns[j],
                        profile.shares[k][j],
                        profile.segments[j],
                        tr.segments_word
                    ))
            })
            .collect();
        let below: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(code.leaf(), bars)
            .color(color_of(state, code))
            .horizontal()
            .stack_on(&below);
        charts.push(chart);
    }
    let labels = profile.columns.clone();
    let plot = chart_plot("chart-profile", labels)
        .x_axis_label(tr.profile_share)
        .include_x(0.0)
        .include_x(140.0);
    let response = show_chart(ui, plot, charts, height, n, 16.0);
    response
        .response
        .accessible_name(format!("{} {}", tr.chart_profile, tr.charts));
    let point = response.inner?;
    let group = point.y.round();
    // Bars are 0.7 wide: a click between them opens nothing.
    if group < 0.0 || group as usize >= n || point.x < 0.0 || (point.y - group).abs() > 0.35 {
        return None;
    }
    let j = n - 1 - group as usize;
    let mut start = 0.0;
    for (k, code) in profile.codes.iter().enumerate() {
        let end = start + profile.shares[k][j];
        if point.x < end {
            return Some((code.to_string(), j));
        }
        start = end;
    }
    None
}

/// Cuts the chart out of the window's picture the save button asked for, and offers it to be saved.
fn take_screenshot(ui: &Ui, state: &mut WorkbenchState, view: &mut ChartsView) {
    let shot = view.screenshot.lock().ok().and_then(|mut slot| slot.take());
    if shot.is_some() {
        view.picture = Picture::None;
    }
    if let (Some(image), Some(rect)) = (shot, view.chart_rect) {
        let ppp = ui.ctx().pixels_per_point();
        let whole = Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(image.width() as f32, image.height() as f32) / ppp,
        );
        let visible = rect.intersect(whole);
        if !visible.is_positive() {
            return;
        }
        let region = image.region(&visible, Some(ppp));
        state.save_request = Some((state.tr.save_picture, SaveWhat::Image(Arc::new(region))));
    }
}
