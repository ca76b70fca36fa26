//! Dokument-Browser: the transcript by speaker turns, codes highlighted in their colours, coding
//! stripes in the margin, selection with the mouse within and across turns.
//!
//! Only the turns in view are laid out and painted; the heights of the others are estimated until
//! they are first seen, so a 300,000-character transcript scrolls at the same cost as a short one.

use std::collections::HashMap;
use std::sync::Arc;

use egui::text::{CCursor, LayoutJob};
use egui::{
    Align2, Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, TextFormat, Ui, Vec2, vec2,
};

use crate::corpus::blocks::Block;
use crate::corpus::search::find_in;
use crate::gui::request::{Edit, Navigate};
use crate::gui::state::{
    DraggedSelection, OpenDocument, ScrollTarget, WorkbenchState, segment_at, visible,
};
use crate::gui::widgets::code_color;
use crate::gui::widgets::markdown::markdown_ui;
use crate::model::range::{CharPos, CharRange, TextIndex};
use crate::model::{CodeId, DocumentId, Segment};

const SPEAKER_WIDTH: f32 = 92.0;
const STRIPE: f32 = 5.0;
const STRIPE_GAP: f32 = 2.0;
const MAX_STRIPES: usize = 12;
const BLOCK_GAP: f32 = 8.0;

/// The browser's own state: its find bar and the layout kept between frames.
#[derive(Default)]
pub struct BrowserView {
    pub find: FindState,
    layout: Layout,
}

/// The find bar of the browser (Ctrl+F).
#[derive(Clone, Debug, Default)]
pub struct FindState {
    pub open: bool,
    pub query: String,
    pub matches: Vec<CharRange>,
    pub current: usize,
    pub focus: bool,
    /// The document the matches were found in.
    document: Option<DocumentId>,
}

impl FindState {
    /// Opens the find bar with the cursor in it.
    pub fn open(&mut self) {
        self.open = true;
        self.focus = true;
    }
}

/// Layout caches of the browser, kept between frames.
#[derive(Default)]
struct Layout {
    document: Option<DocumentId>,
    width: f32,
    heights: Vec<f32>,
    measured: Vec<bool>,
    drag_anchor: Option<usize>,
}

impl Layout {
    fn prepare(&mut self, open: &OpenDocument, text_width: f32, row_height: f32, char_width: f32) {
        if self.document == Some(open.id)
            && (self.width - text_width).abs() < 0.5
            && self.heights.len() == open.blocks.len()
        {
            return;
        }
        self.document = Some(open.id);
        self.width = text_width;
        let per_line = (text_width / char_width).max(10.0) as usize;
        self.heights = open
            .blocks
            .iter()
            .map(|b| {
                let lines: usize = b
                    .text
                    .split('\n')
                    .map(|l| l.chars().count() / per_line + 1)
                    .sum();
                lines as f32 * row_height
            })
            .collect();
        self.measured = vec![false; open.blocks.len()];
    }

    fn tops(&self) -> (Vec<f32>, f32) {
        let mut tops = Vec::with_capacity(self.heights.len());
        let mut y = 4.0;
        for h in &self.heights {
            tops.push(y);
            y += h.max(14.0) + BLOCK_GAP;
        }
        (tops, y)
    }
}

/// Draws the document browser.
pub fn document_browser_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut BrowserView) {
    let tr = state.tr;
    if state.open.is_none() {
        ui.centered_and_justified(|ui| ui.weak(tr.no_document_open));
        return;
    }
    // Matches belong to the document they were found in.
    let shown = state.open.as_ref().map(|o| o.id);
    if view.find.document != shown {
        view.find.matches.clear();
        view.find.document = shown;
    }
    toolbar_ui(ui, state, &mut view.find);
    if view.find.open {
        find_bar_ui(ui, state, &mut view.find);
    }
    ui.separator();
    if state.selected_segment.is_some() {
        egui::Panel::bottom("segment-inspector").show(ui, |ui| segment_inspector_ui(ui, state));
    }

    let font = FontId::proportional(ui.style().text_styles[&egui::TextStyle::Body].size + 1.0);
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    let char_width = ui.fonts_mut(|f| f.glyph_width(&font, 'n'));
    let stripe_columns = stripe_columns(state);
    let stripes_width = stripe_columns.len().min(MAX_STRIPES) as f32 * (STRIPE + STRIPE_GAP) + 6.0;
    let full_width = ui.available_width() - 16.0;
    let text_x = stripes_width + SPEAKER_WIDTH;
    let text_width = (full_width - text_x - 8.0).max(120.0);

    let Some(open_document) = state.open.take() else {
        return;
    };
    let open = &open_document;
    let cache = &mut view.layout;
    cache.prepare(open, text_width, row_height, char_width);
    let (tops, total) = cache.tops();

    let mut scroll = egui::ScrollArea::vertical()
        .id_salt(("browser", open.id.0))
        .auto_shrink([false, false]);
    if let Some(ScrollTarget { pos }) = state.scroll_to.take() {
        let block = open.block_at(pos);
        let y = tops.get(block).copied().unwrap_or(0.0);
        scroll = scroll.vertical_scroll_offset((y - 60.0).max(0.0));
    }

    let mut laid_out: Vec<(usize, Pos2, Arc<Galley>)> = Vec::new();
    let mut remeasured = false;
    let output = scroll.show_viewport(ui, |ui, viewport| {
        ui.set_height(total);
        ui.set_width(full_width);
        let origin = ui.max_rect().min;
        let first = tops.partition_point(|&t| t + 2000.0 < viewport.min.y);
        let first = (first..tops.len())
            .find(|&i| tops[i] + cache.heights[i] >= viewport.min.y)
            .unwrap_or(tops.len());
        let visible: Vec<usize> = (first..tops.len())
            .take_while(|&i| tops[i] <= viewport.max.y)
            .collect();

        let highlights = Highlights::new(state, open, &view.find, ui);
        for &i in &visible {
            let block = &open.blocks[i];
            let job = highlights.job(block, &font, text_width);
            let galley = ui.fonts_mut(|f| f.layout_job(job));
            // Speaker and timestamp stand on two lines beside the text.
            let lines = if block.timestamp.is_some() { 2.0 } else { 1.0 };
            let height = galley.size().y.max(lines * row_height);
            if !cache.measured[i] || (cache.heights[i] - height).abs() > 0.5 {
                remeasured |= (cache.heights[i] - height).abs() > 0.5;
                cache.heights[i] = height;
                cache.measured[i] = true;
            }
            let top = origin.y + tops[i];
            laid_out.push((i, Pos2::new(origin.x + text_x, top), galley));
        }

        let area = Rect::from_min_size(
            origin + vec2(0.0, viewport.min.y),
            vec2(full_width, viewport.height()),
        );
        let response = ui.interact(
            area,
            ui.scope_id().with("browser-text"),
            Sense::click_and_drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Document, true, tr.document_text)
        });
        handle_pointer(ui, state, cache, &response, &laid_out, open);

        let painter = ui.painter().clone();
        let speaker_font = FontId::proportional(font.size - 1.0);
        let small = FontId::proportional(font.size - 3.0);
        for (i, pos, galley) in &laid_out {
            let block = &open.blocks[*i];
            if let Some(speaker) = &block.speaker {
                let x = origin.x + stripes_width;
                painter.text(
                    Pos2::new(x, pos.y),
                    Align2::LEFT_TOP,
                    format!("{speaker}:"),
                    speaker_font.clone(),
                    ui.visuals().strong_text_color(),
                );
                if let Some(ts) = &block.timestamp {
                    painter.text(
                        Pos2::new(x, pos.y + row_height),
                        Align2::LEFT_TOP,
                        ts,
                        small.clone(),
                        ui.visuals().weak_text_color(),
                    );
                }
            }
            painter.galley(*pos, galley.clone(), ui.visuals().text_color());
            stripes_ui(
                ui,
                state,
                open,
                (block, *pos, galley),
                origin.x,
                &stripe_columns,
            );
        }
        response
    });
    if remeasured {
        ui.ctx().request_repaint();
    }
    let _ = output;
    state.open = Some(open_document);
}

fn toolbar_ui(ui: &mut Ui, state: &mut WorkbenchState, find: &mut FindState) {
    let tr = state.tr;
    let Some(open) = &state.open else { return };
    let name = open.name.clone();
    let selection = state.selection;
    ui.horizontal(|ui| {
        ui.heading(&name);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(tr.find).on_hover_text("Ctrl+F").clicked() {
                find.open = !find.open;
                find.focus = find.open;
            }
            if let Some(range) = selection {
                if ui
                    .button(tr.in_vivo)
                    .on_hover_text(tr.in_vivo_hint)
                    .clicked()
                {
                    state.push(Edit::InVivo { range });
                }
                ui.weak(format!("{} {}–{}", tr.selection, range.start, range.end));
            } else {
                ui.weak(tr.select_hint);
            }
        });
    });
}

fn find_bar_ui(ui: &mut Ui, state: &mut WorkbenchState, find: &mut FindState) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.label(tr.find);
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut find.query)
                    .desired_width(220.0)
                    .id_salt("find"),
            )
            .accessible_name(tr.find);
        if find.focus {
            edit.request_focus();
            find.focus = false;
        }
        if edit.changed() {
            find.matches = find_matches(state.open.as_ref(), &find.query);
            find.current = 0;
            if let Some(first) = find.matches.first() {
                state.scroll_to = Some(ScrollTarget { pos: first.start.0 });
            }
        }
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let count = find.matches.len();
        if count > 0 {
            ui.label(format!("{}/{count}", find.current + 1));
        } else if !find.query.is_empty() {
            ui.weak(tr.no_matches);
        }
        if (ui.button("⬇").clicked() || enter) && count > 0 {
            find.current = (find.current + 1) % count;
            state.scroll_to = Some(ScrollTarget {
                pos: find.matches[find.current].start.0,
            });
            if enter {
                edit.request_focus();
            }
        }
        if ui.button("⬆").clicked() && count > 0 {
            find.current = (find.current + count - 1) % count;
            state.scroll_to = Some(ScrollTarget {
                pos: find.matches[find.current].start.0,
            });
        }
        if ui.button("✖").clicked() {
            find.open = false;
            find.matches.clear();
        }
    });
}

/// Every place where the query stands in the open document, case ignored.
pub fn find_matches(open: Option<&OpenDocument>, query: &str) -> Vec<CharRange> {
    let Some(open) = open else { return Vec::new() };
    open.blocks
        .iter()
        .flat_map(|block| {
            find_in(&block.text, query)
                .into_iter()
                .filter_map(move |r| {
                    let start = block.range.start.0;
                    CharRange::new(start + r.start.0, start + r.end.0).ok()
                })
        })
        .collect()
}

/// The codes with visible segments in the open document, each with its stripe column.
fn stripe_columns(state: &WorkbenchState) -> Vec<CodeId> {
    let used: std::collections::HashSet<CodeId> =
        state.visible_segments().map(|s| s.code_id).collect();
    state
        .codes
        .iter()
        .filter(|c| used.contains(&c.id))
        .map(|c| c.id)
        .collect()
}

/// How each character of a block is shown: code colours, selection, search hits.
struct Highlights<'a> {
    segments: Vec<&'a Segment>,
    colors: HashMap<CodeId, Color32>,
    selection: Option<CharRange>,
    selected_segment: Option<&'a Segment>,
    matches: &'a [CharRange],
    current_match: Option<CharRange>,
    text_color: Color32,
    strong_color: Color32,
    selection_color: Color32,
}

impl<'a> Highlights<'a> {
    fn new(
        state: &'a WorkbenchState,
        open: &'a OpenDocument,
        find: &'a FindState,
        ui: &Ui,
    ) -> Self {
        Self {
            segments: visible(open, &state.hidden_coders).collect(),
            colors: state
                .codes
                .iter()
                .map(|c| (c.id, code_color(&c.color)))
                .collect(),
            selection: state.selection,
            selected_segment: state
                .selected_segment
                .and_then(|id| visible(open, &state.hidden_coders).find(|s| s.id == id)),
            matches: &find.matches,
            current_match: find.matches.get(find.current).copied(),
            text_color: ui.visuals().text_color(),
            strong_color: ui.visuals().strong_text_color(),
            selection_color: ui.visuals().selection.bg_fill,
        }
    }

    fn job(&self, block: &Block, font: &FontId, width: f32) -> LayoutJob {
        let (start, end) = (block.range.start.0, block.range.end.0);
        let inside: Vec<&Segment> = self
            .segments
            .iter()
            .copied()
            .filter(|s| s.start < end && s.end > start)
            .collect();
        let mut cuts = vec![start, end];
        let mut add = |a: usize, b: usize| {
            cuts.push(a.clamp(start, end));
            cuts.push(b.clamp(start, end));
        };
        for s in &inside {
            add(s.start, s.end);
        }
        if let Some(sel) = self.selection {
            add(sel.start.0, sel.end.0);
        }
        let hits: Vec<&CharRange> = self
            .matches
            .iter()
            .filter(|m| m.start.0 < end && m.end.0 > start)
            .collect();
        for m in &hits {
            add(m.start.0, m.end.0);
        }
        cuts.sort_unstable();
        cuts.dedup();

        let index = TextIndex::new(&block.text);
        let mut job = LayoutJob::default();
        job.wrap.max_width = width;
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let range = CharRange {
                start: CharPos(a - start),
                end: CharPos(b - start),
            };
            let Some(text) = index.slice(range) else {
                continue;
            };
            let covering: Vec<&Segment> = inside
                .iter()
                .copied()
                .filter(|s| s.start <= a && b <= s.end)
                .collect();
            let mut format = TextFormat::simple(font.clone(), self.text_color);
            if !covering.is_empty() {
                format.background = self.blend(&covering);
            }
            if let Some(selected) = self.selected_segment
                && selected.start <= a
                && b <= selected.end
            {
                format.underline = Stroke::new(2.0, self.text_color);
                format.color = self.strong_color;
            }
            if let Some(m) = hits.iter().find(|m| m.start.0 <= a && b <= m.end.0) {
                format.background = if Some(**m) == self.current_match {
                    Color32::from_rgb(255, 150, 40)
                } else {
                    Color32::from_rgb(255, 230, 90)
                };
                format.color = Color32::BLACK;
            }
            if self
                .selection
                .is_some_and(|s| s.start.0 <= a && b <= s.end.0)
            {
                format.background = self.selection_color;
            }
            job.append(text, 0.0, format);
        }
        job
    }

    fn blend(&self, covering: &[&Segment]) -> Color32 {
        let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
        for s in covering {
            let c = self
                .colors
                .get(&s.code_id)
                .copied()
                .unwrap_or(Color32::GRAY);
            r += c.r() as u32;
            g += c.g() as u32;
            b += c.b() as u32;
        }
        let n = covering.len() as u32;
        let alpha = (0.42 + 0.14 * (n.min(4) as f32 - 1.0)).min(0.85);
        Color32::from_rgb((r / n) as u8, (g / n) as u8, (b / n) as u8).gamma_multiply(alpha)
    }
}

/// Draws the coding stripes of one block: one column per code, hover for code, coder and memo.
fn stripes_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    open: &OpenDocument,
    (block, pos, galley): (&Block, Pos2, &Arc<Galley>),
    left: f32,
    columns: &[CodeId],
) {
    let (start, end) = (block.range.start.0, block.range.end.0);
    let mut clicked = None;
    let segments: Vec<Segment> = visible(open, &state.hidden_coders)
        .filter(|s| s.start < end && s.end > start)
        .cloned()
        .collect();
    for segment in &segments {
        let column = columns
            .iter()
            .position(|c| *c == segment.code_id)
            .unwrap_or(0)
            .min(MAX_STRIPES - 1);
        let a = segment.start.max(start) - start;
        let b = segment.end.min(end) - start;
        let y0 = galley.pos_from_cursor(CCursor::new(a)).min.y;
        let y1 = galley.pos_from_cursor(CCursor::new(b)).max.y;
        let x = left + 3.0 + column as f32 * (STRIPE + STRIPE_GAP);
        let rect = Rect::from_min_max(
            Pos2::new(x, pos.y + y0),
            Pos2::new(x + STRIPE, pos.y + y1.max(y0 + 4.0)),
        );
        let color = state
            .code(segment.code_id)
            .map(|c| code_color(&c.color))
            .unwrap_or(Color32::GRAY);
        let mine = segment.coder.eq_ignore_ascii_case(state.coder.trim());
        let fill = if mine {
            color
        } else {
            color.gamma_multiply(0.55)
        };
        ui.painter().rect_filled(rect, 1.5, fill);
        if Some(segment.id) == state.selected_segment {
            ui.painter().rect_stroke(
                rect.expand(1.0),
                1.5,
                Stroke::new(1.5, ui.visuals().strong_text_color()),
                egui::StrokeKind::Outside,
            );
        }
        let response = ui
            .interact(
                rect.expand2(Vec2::new(1.0, 0.0)),
                ui.scope_id()
                    .with(("stripe", segment.id.0, block.range.start.0)),
                Sense::click(),
            )
            .on_hover_ui(|ui| segment_tooltip(ui, state, segment));
        if response.clicked() {
            clicked = Some(segment.id);
        }
    }
    if let Some(id) = clicked {
        state.push(Navigate::SelectSegment(Some(id)));
    }
}

fn segment_tooltip(ui: &mut Ui, state: &WorkbenchState, segment: &Segment) {
    let tr = state.tr;
    ui.strong(segment.code.as_str());
    ui.label(format!("{}: {}", tr.coder, segment.coder));
    if !segment.memo.trim().is_empty() {
        ui.separator();
        ui.set_max_width(420.0);
        markdown_ui(ui, &segment.memo);
    }
}

/// Mouse: drag to select (within and across turns), drag a selection onto a code, click a coded
/// passage to select its segment.
fn handle_pointer(
    ui: &Ui,
    state: &mut WorkbenchState,
    cache: &mut Layout,
    response: &egui::Response,
    laid_out: &[(usize, Pos2, Arc<Galley>)],
    open: &OpenDocument,
) {
    let hit = |pos: Pos2| -> Option<usize> {
        let (i, origin, galley) = laid_out
            .iter()
            .min_by(|a, b| distance_y(a, pos).total_cmp(&distance_y(b, pos)))?;
        let block = &open.blocks[*i];
        let cursor = galley.cursor_from_pos(pos - *origin);
        Some((block.range.start.0 + cursor.index.0).min(block.range.end.0))
    };
    if response.drag_started() {
        let press = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        let at = press.and_then(hit);
        if let (Some(at), Some(selection)) = (at, state.selection)
            && selection.start.0 <= at
            && at < selection.end.0
        {
            response.dnd_set_drag_payload(DraggedSelection(selection));
            cache.drag_anchor = None;
        } else {
            cache.drag_anchor = at;
        }
    }
    if response.dragged()
        && let (Some(anchor), Some(pointer)) = (cache.drag_anchor, response.interact_pointer_pos())
        && let Some(head) = hit(pointer)
    {
        state.selection = CharRange::new(anchor.min(head), anchor.max(head)).ok();
        state.selected_segment = None;
        // Scroll while dragging past the edge.
        let edge = response.rect;
        if pointer.y > edge.bottom() - 10.0 {
            ui.scroll_with_delta(vec2(0.0, -12.0));
        } else if pointer.y < edge.top() + 10.0 {
            ui.scroll_with_delta(vec2(0.0, 12.0));
        }
    }
    if response.drag_stopped() {
        cache.drag_anchor = None;
    }
    if response.clicked()
        && let Some(at) = response.interact_pointer_pos().and_then(hit)
    {
        state.selection = None;
        let segment = segment_at(open, &state.hidden_coders, at);
        state.push(Navigate::SelectSegment(segment));
    }
    if response.hovered()
        && !response.dragged()
        && let Some(at) = ui.input(|i| i.pointer.hover_pos()).and_then(hit)
    {
        let covering: Vec<Segment> = visible(open, &state.hidden_coders)
            .filter(|s| s.start <= at && at < s.end)
            .cloned()
            .collect();
        if !covering.is_empty() {
            response.clone().on_hover_ui_at_pointer(|ui| {
                for (n, segment) in covering.iter().enumerate() {
                    if n > 0 {
                        ui.separator();
                    }
                    segment_tooltip(ui, state, segment);
                }
            });
        }
    }
}

fn distance_y(entry: &(usize, Pos2, Arc<Galley>), pos: Pos2) -> f32 {
    let (_, origin, galley) = entry;
    let top = origin.y;
    let bottom = origin.y + galley.size().y;
    if pos.y < top {
        top - pos.y
    } else if pos.y > bottom {
        pos.y - bottom
    } else {
        0.0
    }
}

/// The selected segment: its code, range, memo; recode, resize to the selection, delete.
fn segment_inspector_ui(ui: &mut Ui, state: &mut WorkbenchState) {
    let tr = state.tr;
    let Some(id) = state.selected_segment else {
        return;
    };
    let Some(segment) = state.visible_segments().find(|s| s.id == id).cloned() else {
        return;
    };
    ui.horizontal(|ui| {
        let color = state
            .code(segment.code_id)
            .map(|c| code_color(&c.color))
            .unwrap_or(Color32::GRAY);
        let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
        ui.painter().rect_filled(rect, 2.0, color);
        ui.strong(format!("{} {}", tr.segment, segment.id));
        ui.label(format!(
            "{}–{} · {} · {}",
            segment.start, segment.end, segment.coder, segment.created_at
        ));
    });
    ui.horizontal(|ui| {
        ui.label(tr.code);
        let mut chosen = segment.code_id;
        egui::ComboBox::from_id_salt("segment-code")
            .selected_text(segment.code.as_str())
            .width(320.0)
            .show_ui(ui, |ui| {
                for code in &state.codes {
                    ui.selectable_value(
                        &mut chosen,
                        code.id,
                        format!("{}{}", "  ".repeat(code.depth), code.name),
                    );
                }
            })
            .response
            .accessible_name(tr.code);
        if chosen != segment.code_id {
            state.push(Edit::UpdateSegment {
                segment: id,
                range: None,
                code: Some(chosen),
            });
        }
        if let Some(selection) = state.selection
            && ui.button(tr.set_range_to_selection).clicked()
        {
            state.push(Edit::UpdateSegment {
                segment: id,
                range: Some(selection),
                code: None,
            });
        }
        if ui.button(tr.delete_segment).clicked() {
            state.push(Edit::DeleteSegment(id));
        }
        let jobcenter = state
            .documents
            .iter()
            .find(|d| d.id == segment.document_id)
            .map(|d| (d.jobcenter_id, d.jobcenter.clone()));
        if let Some((jobcenter, name)) = jobcenter
            && ui
                .button(tr.link_as_evidence)
                .on_hover_text(format!("{} {name}", tr.link_as_evidence_hint))
                .clicked()
        {
            state.push(Edit::LinkEvidence {
                jobcenter,
                segment: id,
                note: String::new(),
            });
        }
    });
    let memo_id = ui.scope_id().with(("segment-memo", id.0));
    let mut memo = ui
        .data_mut(|d| d.get_temp::<String>(memo_id))
        .unwrap_or_else(|| segment.memo.clone());
    ui.horizontal(|ui| {
        ui.label(tr.memo);
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut memo)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .hint_text(tr.memo_hint),
            )
            .accessible_name(tr.memo);
        if edit.lost_focus() && memo != segment.memo {
            state.push(Edit::SetSegmentMemo {
                segment: id,
                memo: memo.clone(),
            });
        }
        if edit.has_focus() || edit.changed() {
            ui.data_mut(|d| d.insert_temp(memo_id, memo.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(memo_id));
        }
    });
}
