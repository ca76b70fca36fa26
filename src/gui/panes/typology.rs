//! Typologie: each jobcenter's Digitalisierungstyp with the segments that justify it, and the
//! types' code profiles side by side with the codes that separate them most. The numbers come from
//! the same core function as `kodierwerk typology`; evidence is the same as `kodierwerk evidence`.

use egui::{Sense, Ui};
use egui_extras::Column;

use crate::analysis::{Typology, TypologySpec, separating_codes, typology};
use crate::gui::request::{Edit, Navigate};
use crate::gui::state::{SaveWhat, WorkbenchState};
use crate::gui::widgets::result_table::result_table_ui;
use crate::gui::widgets::segment_list::{
    code_segments, forget_stale, jobcenter_line, opened_list_ui,
};
use crate::model::{AttributeKind, JobcenterId, Scope, Segment, SegmentId};
use crate::project::{DIGITALISIERUNGSTYP, Evidence};

/// The view's choices and the evidence list of the chosen jobcenter.
#[derive(Default)]
pub struct TypologyView {
    /// The choice attribute whose values are the types.
    pub attribute: String,
    pub coder: Option<String>,
    /// Rows sorted by how strongly they separate the types, instead of the code system's order.
    pub by_spread: bool,
    /// The jobcenter whose evidence is listed.
    pub jobcenter: Option<JobcenterId>,
    /// The listed evidence, read at this project version.
    evidence: Option<(u64, JobcenterId, Vec<Evidence>)>,
    /// Evidence per jobcenter, read at this project version.
    counts: Option<(u64, std::collections::HashMap<JobcenterId, usize>)>,
    /// The evidence whose note is being rewritten, with the draft.
    editing_note: Option<(SegmentId, String, bool)>,
    /// A note for the next link.
    pub note: String,
    /// The profile cell whose segments are listed: title and segments.
    pub opened: Option<(String, Vec<Segment>)>,
    /// The project version and spec the listed cell belongs to.
    opened_for: String,
}

/// Draws the typology view.
pub fn typology_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut TypologyView) {
    let tr = state.tr;
    if view.attribute.is_empty() {
        view.attribute = DIGITALISIERUNGSTYP.to_owned();
    }
    let mut attribute = view.attribute.clone();
    let mut coder = view.coder.clone();
    ui.horizontal(|ui| {
        ui.heading(tr.typology);
        ui.label(tr.type_attribute);
        egui::ComboBox::from_id_salt("typology-attribute")
            .selected_text(&attribute)
            .show_ui(ui, |ui| {
                for a in &state.attributes {
                    if matches!(a.kind, AttributeKind::Choice(_)) {
                        ui.selectable_value(&mut attribute, a.name.clone(), &a.name);
                    }
                }
            })
            .response
            .accessible_name(tr.type_attribute);
        ui.label(tr.coder);
        egui::ComboBox::from_id_salt("typology-coder")
            .selected_text(coder.clone().unwrap_or_else(|| tr.all_coders.to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut coder, None, tr.all_coders);
                for c in &state.coders {
                    ui.selectable_value(&mut coder, Some(c.name.clone()), &c.name);
                }
            })
            .response
            .accessible_name(tr.coder);
    });
    view.attribute = attribute.clone();
    view.coder = coder.clone();
    ui.separator();

    let is_jobcenter_type = state
        .attributes
        .iter()
        .any(|a| a.name == attribute && a.scope == Scope::Jobcenter);
    egui::Panel::top("typology-assignment")
        .resizable(true)
        .default_size(180.0)
        .show(ui, |ui| {
            if is_jobcenter_type {
                egui::Panel::left("typology-jobcenters")
                    .resizable(true)
                    .default_size(410.0)
                    .show(ui, |ui| assignment_ui(ui, state, view, &attribute));
                evidence_ui(ui, state, view);
            } else {
                ui.weak(tr.type_of_documents);
            }
        });

    let spec = TypologySpec {
        attribute,
        coder,
        codes: None,
        words: tr.table_words(),
    };
    forget_stale(&mut view.opened, &mut view.opened_for, state.version, &spec);
    let latest = state.worker.ask(
        ui.ctx(),
        "typology",
        format!("{spec:?}"),
        state.version,
        move |data, _| typology(data, &spec),
    );
    let computing = latest.computing;
    let Some(t) = latest.show(ui, tr.computing) else {
        return;
    };
    profile_ui(ui, state, view, &t, computing);
}

/// The jobcenters with their type, evidence count, and the evidence of the chosen one.
fn assignment_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    view: &mut TypologyView,
    attribute: &str,
) {
    let tr = state.tr;
    ui.strong(tr.type_assignment);
    let choices = state
        .attributes
        .iter()
        .find(|a| a.name == attribute)
        .and_then(|a| match &a.kind {
            AttributeKind::Choice(c) => Some(c.clone()),
            _ => None,
        })
        .unwrap_or_default();
    if view
        .counts
        .as_ref()
        .is_none_or(|(v, _)| *v != state.version)
    {
        match state.project.evidence_counts() {
            Ok(counts) => view.counts = Some((state.version, counts)),
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    let counts = view.counts.as_ref().map(|(_, c)| c);
    let mut edits = Vec::new();
    let mut chosen = view.jobcenter;
    egui::ScrollArea::vertical()
        .id_salt("typology-jobcenters")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("typology-grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for j in &state.jobcenters {
                        let current = j
                            .attributes
                            .iter()
                            .find(|(k, _)| k == attribute)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default();
                        if ui
                            .selectable_label(chosen == Some(j.id), &j.name)
                            .accessible_name(format!("{}: {}", tr.evidence, j.name))
                            .clicked()
                        {
                            chosen = Some(j.id);
                        }
                        let mut value = current.clone();
                        egui::ComboBox::from_id_salt(("typology-type", j.id))
                            .selected_text(if value.is_empty() {
                                tr.unassigned.to_owned()
                            } else {
                                value.clone()
                            })
                            .width(140.0)
                            .show_ui(ui, |ui| {
                                for c in &choices {
                                    ui.selectable_value(&mut value, c.clone(), c);
                                }
                            })
                            .response
                            .accessible_name(format!("{attribute} {}", j.name));
                        if value != current {
                            edits.push(Edit::SetJobcenterAttribute {
                                jobcenter: j.id,
                                key: attribute.to_owned(),
                                value,
                            });
                        }
                        let n = counts.and_then(|c| c.get(&j.id)).copied().unwrap_or(0);
                        let word = if n == 1 {
                            tr.evidence_one
                        } else {
                            tr.evidence_short
                        };
                        ui.label(format!("{n} {word}"))
                            .on_hover_text(tr.evidence_hint);
                        ui.end_row();
                    }
                });
        });
    view.jobcenter = chosen;
    for c in edits {
        state.push(c);
    }
}

/// The evidence of the chosen jobcenter, and linking the segment selected in the browser.
fn evidence_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut TypologyView) {
    let tr = state.tr;
    let Some(jobcenter) = view.jobcenter else {
        ui.weak(tr.choose_jobcenter_for_evidence);
        return;
    };
    let name = state
        .jobcenters
        .iter()
        .find(|j| j.id == jobcenter)
        .map(|j| j.name.clone())
        .unwrap_or_default();
    ui.strong(format!("{} · {name}", tr.evidence));
    let fresh = view
        .evidence
        .as_ref()
        .is_some_and(|(v, j, _)| *v == state.version && *j == jobcenter);
    if !fresh {
        match state.project.evidence(jobcenter) {
            Ok(list) => view.evidence = Some((state.version, jobcenter, list)),
            Err(e) => {
                view.evidence = None;
                state.error = Some(e.to_string());
            }
        }
    }
    // Linking the segment selected in the browser.
    ui.horizontal_wrapped(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut view.note)
                .hint_text(tr.evidence_note)
                .desired_width(140.0),
        )
        .accessible_name(tr.evidence_note);
        let segment = state.selected_segment;
        let button = ui
            .add_enabled(segment.is_some(), egui::Button::new(tr.link_evidence))
            .on_hover_text(tr.link_evidence_hint)
            .on_disabled_hover_text(tr.link_evidence_hint);
        if button.clicked()
            && let Some(segment) = segment
        {
            let note = std::mem::take(&mut view.note);
            state.push(Edit::LinkEvidence {
                jobcenter,
                segment,
                note,
            });
        }
    });
    let Some((_, _, list)) = &view.evidence else {
        return;
    };
    let mut jump = None;
    let mut unlink = None;
    let mut editing = view.editing_note.take();
    let mut renote: Option<(SegmentId, String)> = None;
    egui::ScrollArea::vertical()
        .id_salt("typology-evidence")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if list.is_empty() {
                ui.weak(tr.no_evidence);
            }
            for e in list {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("✖")
                        .on_hover_text(tr.unlink_evidence)
                        .clicked()
                    {
                        unlink = Some(e.segment_id);
                    }
                    if let Some((segment, draft, fresh)) = &mut editing
                        && *segment == e.segment_id
                    {
                        let edit = ui
                            .add(egui::TextEdit::singleline(draft).desired_width(220.0))
                            .accessible_name(format!("{} {}", tr.evidence_note, e.segment_id));
                        if std::mem::take(fresh) {
                            edit.request_focus();
                        } else if edit.lost_focus() {
                            renote = Some((e.segment_id, draft.clone()));
                        }
                        return;
                    }
                    if ui
                        .small_button(tr.edit_note)
                        .on_hover_text(tr.evidence_note)
                        .clicked()
                    {
                        editing = Some((e.segment_id, e.note.clone(), true));
                    }
                    let leaf = e.code.leaf();
                    let flat: String = e
                        .text
                        .chars()
                        .map(|c| if c == '\n' { ' ' } else { c })
                        .collect();
                    // The note says why; it comes first, the passage follows.
                    let note = if e.note.is_empty() {
                        String::new()
                    } else {
                        format!("„{}“ · ", e.note)
                    };
                    if ui
                        .add(
                            egui::Label::new(format!("{note}{} · {leaf}: {flat}", e.document))
                                .truncate()
                                .sense(Sense::click()),
                        )
                        .on_hover_text(&e.text)
                        .clicked()
                    {
                        jump = Some(e.segment_id);
                    }
                });
            }
        });
    if let Some((segment, note)) = renote {
        editing = None;
        let unchanged = list
            .iter()
            .any(|e| e.segment_id == segment && e.note == note.trim());
        if !unchanged {
            state.push(Edit::SetEvidenceNote {
                jobcenter,
                segment,
                note,
            });
        }
    }
    view.editing_note = editing;
    if let Some(segment) = unlink {
        state.push(Edit::UnlinkEvidence { jobcenter, segment });
    }
    if let Some(segment) = jump {
        state.push(Navigate::JumpToSegment(segment));
    }
}

/// The types' code profiles side by side; a click on a cell lists its segments.
fn profile_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    view: &mut TypologyView,
    t: &Typology,
    computing: bool,
) {
    let tr = state.tr;
    let top = separating_codes(t, 5);
    ui.strong(tr.separating_codes);
    for (i, r) in top.iter().enumerate() {
        let (Some(high), Some(low)) = (r.highest, r.lowest) else {
            continue;
        };
        ui.label(format!(
            "{}. {} — {:.0} Pp.: {} {:.0} % · {} {:.0} %",
            i + 1,
            r.path,
            r.spread,
            t.types[high].value,
            r.shares[high],
            t.types[low].value,
            r.shares[low]
        ));
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut view.by_spread, tr.sort_by_spread);
        if ui.button(tr.csv_dots).clicked() {
            state.save_request = Some((tr.save_table_title, SaveWhat::Table(t.table(&t.rows))));
        }
        if ui.button(tr.copy_table).clicked() {
            ui.ctx()
                .copy_text(crate::exchange::tab_separated(&t.table(&t.rows)));
            state.message = Some(tr.copied.to_owned());
        }
    });
    if !t.unassigned_jobcenters.is_empty() {
        ui.weak(format!(
            "{}: {}",
            tr.without_type,
            t.unassigned_jobcenters.join(", ")
        ));
    }
    let mut order: Vec<usize> = (0..t.rows.len()).collect();
    if view.by_spread {
        order = separating_codes(t, t.rows.len())
            .iter()
            .filter_map(|r| t.rows.iter().position(|x| x.code_id == r.code_id))
            .collect();
    }
    let heat = ui.visuals().selection.bg_fill;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    // The view is crowded: with a cell's segments listed below, the table's body gets what is
    // left after its header and the list, so that the list stays in sight.
    let list_height = if view.opened.is_some() { 150.0 } else { 0.0 };
    let mut clicked = None;
    let table_height = (ui.available_height() - row_height * 1.6 - list_height).max(60.0);
    result_table_ui(ui, "typology-profile", table_height, 250.0, |builder| {
        builder
            .columns(
                Column::initial(120.0).resizable(true).clip(true),
                t.types.len(),
            )
            .column(Column::initial(90.0))
            .header(row_height * 1.6, |mut header| {
                header.col(|ui| {
                    ui.strong(tr.code);
                });
                for ty in &t.types {
                    header.col(|ui| {
                        ui.strong(&ty.value).on_hover_text(format!(
                            "{} {} · {}",
                            ty.documents,
                            tr.documents,
                            ty.jobcenters.join(", ")
                        ));
                    });
                }
                header.col(|ui| {
                    ui.strong(tr.spread).on_hover_text(tr.spread_hint);
                });
            })
            .body(|body| {
                body.rows(row_height, order.len(), |mut row| {
                    let i = order[row.index()];
                    let r = &t.rows[i];
                    row.col(|ui| {
                        ui.horizontal(|ui| {
                            if !view.by_spread {
                                ui.add_space(r.depth as f32 * 14.0);
                            }
                            let label = if view.by_spread {
                                r.path.as_str()
                            } else {
                                r.path.leaf()
                            };
                            ui.label(label).on_hover_text(r.path.as_str());
                        });
                    });
                    for (k, ty) in t.types.iter().enumerate() {
                        row.col(|ui| {
                            let share = r.shares[k];
                            let (rect, response) =
                                ui.allocate_exact_size(ui.available_size(), Sense::click());
                            if share > 0.0 {
                                ui.painter().rect_filled(
                                    rect,
                                    2.0,
                                    heat.gamma_multiply(0.15 + 0.85 * (share / 100.0) as f32),
                                );
                            }
                            let text = format!("{share:.1} %");
                            ui.painter().text(
                                rect.center(),
                                egui::Align2::CENTER_CENTER,
                                &text,
                                egui::FontId::proportional(13.0),
                                ui.visuals().strong_text_color(),
                            );
                            let response = response
                                .accessible_name(format!("{} × {}: {text}", r.path, ty.value))
                                .on_hover_text(format!(
                                    "{} {} {} {} · {:.2} {}",
                                    r.documents[k],
                                    tr.of,
                                    ty.documents,
                                    tr.documents,
                                    r.segments_per_document[k],
                                    tr.segments_per_document
                                ));
                            if response.clicked() {
                                clicked = Some((i, k));
                            }
                        });
                    }
                    row.col(|ui| {
                        ui.label(format!("{:.1}", r.spread));
                    });
                });
            });
    });
    if let Some((i, k)) = clicked
        && !computing
    {
        let r = &t.rows[i];
        let ty = &t.types[k];
        let coder = view.coder.clone();
        match code_segments(state, &r.path, ty.document_ids.clone(), coder.as_deref()) {
            Ok(segments) => {
                view.opened = Some((format!("{} × {}", r.path, ty.value), segments));
            }
            Err(e) => state.error = Some(e.to_string()),
        }
    }
    opened_list_ui(
        ui,
        state,
        "typology-segments",
        &mut view.opened,
        jobcenter_line,
    );
}
