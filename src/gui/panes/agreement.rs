//! Übereinstimmung: how far two coders agree, per code and pooled (the same core function as
//! `kodierwerk agreement`, computed off the UI thread); a click on a code lists the passages where
//! they differ, each with both coders' ranges, to open in the browser and to decide: the decision
//! becomes segments of the consensus coder, one undoable change each.

use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_extras::Column;

use crate::analysis::{
    Agreement, AgreementRow, AgreementSpec, AgreementUnit, Disagreement, Figure, Undefined,
    agreement, disagreements, load_units,
};
use crate::gui::i18n::Tr;
use crate::gui::request::{Edit, Navigate};
use crate::gui::state::WorkbenchState;
use crate::gui::widgets::result_table::result_table_ui;
use crate::model::range::{CharRange, TextIndex};
use crate::model::{CodeId, DocumentId};
use crate::project::{CONSENSUS_CODER, ConsensusChoice, ConsensusDecision, consensus_label};

/// The question of the view and the code whose disagreements are listed.
pub struct AgreementView {
    pub first: Option<String>,
    pub second: Option<String>,
    pub unit: AgreementUnit,
    /// Percent, for the segment unit.
    pub threshold: f64,
    /// Percent for turns, words and sentences; 0: one character is enough.
    pub min_share: f64,
    pub with_subcodes: bool,
    /// Add the bootstrap interval of the pooled kappa and alpha.
    pub ci: bool,
    /// Only the documents activated in the document system (else those both coders coded).
    pub activated_documents: bool,
    /// Only the codes activated in the code system (else every code either coder used).
    pub activated_codes: bool,
    /// The consensus coder's name.
    pub consensus: String,
    /// The code whose disagreements are listed.
    pub opened: Option<CodeId>,
}

impl Default for AgreementView {
    fn default() -> Self {
        Self {
            first: None,
            second: None,
            unit: AgreementUnit::Character,
            threshold: 90.0,
            min_share: 0.0,
            with_subcodes: false,
            ci: false,
            activated_documents: false,
            activated_codes: false,
            consensus: CONSENSUS_CODER.to_owned(),
            opened: None,
        }
    }
}

/// A disagreement as the list shows it: where, the passage's text, and what is decided.
pub struct DisagreementItem {
    pub disagreement: Disagreement,
    pub document: String,
    pub text: String,
    /// The latest decision's words from the action log, if the passage is decided.
    pub decided: Option<String>,
}

/// Draws the agreement table and the chosen code's disagreements.
pub fn agreement_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut AgreementView) {
    let tr = state.tr;
    default_coders(state, view);
    ui.horizontal_wrapped(|ui| {
        ui.heading(tr.agreement_heading);
        coder_combo(
            ui,
            state,
            "agreement-first",
            tr.first_coder,
            &mut view.first,
        );
        coder_combo(
            ui,
            state,
            "agreement-second",
            tr.second_coder,
            &mut view.second,
        );
        unit_combo(ui, tr, &mut view.unit);
        match view.unit {
            AgreementUnit::Segment => {
                ui.label(tr.threshold);
                ui.add(egui::DragValue::new(&mut view.threshold).range(1.0..=100.0))
                    .accessible_name(tr.threshold);
            }
            unit if unit.is_span() => {
                ui.label(tr.min_share);
                ui.add(egui::DragValue::new(&mut view.min_share).range(0.0..=100.0))
                    .on_hover_text(tr.min_share_hint)
                    .accessible_name(tr.min_share);
            }
            _ => {}
        }
        ui.checkbox(&mut view.with_subcodes, tr.with_subcodes);
        ui.checkbox(&mut view.ci, tr.with_interval)
            .on_hover_text(tr.with_interval_hint);
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(tr.compared_documents);
        ui.radio_value(&mut view.activated_documents, false, tr.both_coded);
        ui.radio_value(&mut view.activated_documents, true, tr.activated_documents);
        ui.separator();
        ui.label(tr.compared_codes);
        ui.radio_value(&mut view.activated_codes, false, tr.every_code);
        ui.radio_value(&mut view.activated_codes, true, tr.activated_codes);
        ui.separator();
        ui.label(tr.consensus_coder);
        ui.add(egui::TextEdit::singleline(&mut view.consensus).desired_width(90.0))
            .accessible_name(tr.consensus_coder);
    });
    if state.blind {
        ui.label(
            RichText::new(format!("{} {}.", tr.blind_on, state.coder.trim()))
                .color(ui.visuals().warn_fg_color),
        );
    }
    let (Some(first), Some(second)) = (view.first.clone(), view.second.clone()) else {
        ui.weak(tr.need_two_coders);
        return;
    };
    if first.to_lowercase() == second.to_lowercase() {
        ui.weak(tr.need_two_coders);
        return;
    }
    if view.activated_codes && state.active_codes.is_empty() {
        ui.weak(tr.no_activated_codes);
        return;
    }
    if view.activated_documents && state.active_documents.is_empty() {
        ui.weak(tr.no_activated_documents);
        return;
    }
    let spec = spec(state, view, &first, &second);
    let key = format!("{spec:?}");
    let asked = spec.clone();
    let latest = state.worker.ask(
        ui.ctx(),
        "agreement",
        key.clone(),
        state.version,
        move |data, project| {
            let units = load_units(project, data, asked.unit)?;
            agreement(data, &asked, &units)
        },
    );
    let computing = latest.computing;
    let Some(a) = latest.show(ui, tr.computing) else {
        return;
    };
    ui.weak(summary(tr, &a));
    if let Some(ci) = &a.pooled.ci {
        let show = |i: Option<crate::analysis::Interval>| match i {
            Some(i) => format!("{:.3} – {:.3}", i.low, i.high),
            None => format!("– ({})", tr.no_variance),
        };
        ui.label(format!(
            "{}: κ {} · α {}",
            tr.interval_line,
            show(ci.cohen_kappa),
            show(ci.krippendorff_alpha)
        ));
    }
    ui.separator();
    let list_height = if view.opened.is_some() { 300.0 } else { 0.0 };
    let table_height = (ui.available_height() - list_height).max(140.0);
    if let Some(code) = agreement_table_ui(ui, tr, &a, table_height)
        && !computing
    {
        view.opened = if view.opened == Some(code) {
            None
        } else {
            Some(code)
        };
    }
    if let Some(code) = view.opened {
        if !a.codes.iter().any(|r| r.code_id == Some(code)) {
            view.opened = None;
            return;
        }
        disagreements_ui(ui, state, view, &spec, code, [first, second], key);
    }
}

/// Picks the first two coders other than the consensus coder when none are chosen, and forgets
/// a coder who is gone.
fn default_coders(state: &WorkbenchState, view: &mut AgreementView) {
    let known = |name: &Option<String>| {
        name.as_ref()
            .is_some_and(|n| state.coders.iter().any(|c| c.name == *n))
    };
    if !known(&view.first) {
        view.first = None;
    }
    if !known(&view.second) {
        view.second = None;
    }
    let consensus = view.consensus.trim().to_lowercase();
    let mut others = state
        .coders
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| n.to_lowercase() != consensus);
    if view.first.is_none() && view.second.is_none() {
        view.first = others.next();
        view.second = others.next();
    }
}

fn spec(state: &WorkbenchState, view: &AgreementView, first: &str, second: &str) -> AgreementSpec {
    let mut codes: Vec<CodeId> = if view.activated_codes {
        state.active_codes.iter().copied().collect()
    } else {
        Vec::new()
    };
    codes.sort();
    let documents = view.activated_documents.then(|| {
        let mut documents: Vec<DocumentId> = state.active_documents.iter().copied().collect();
        documents.sort();
        documents
    });
    AgreementSpec {
        coders: vec![first.to_owned(), second.to_owned()],
        unit: view.unit,
        threshold: view.threshold,
        min_share: (view.min_share > 0.0).then_some(view.min_share),
        codes,
        documents,
        with_subcodes: view.with_subcodes,
        ci: view.ci,
    }
}

fn coder_combo(
    ui: &mut Ui,
    state: &WorkbenchState,
    id: &str,
    label: &str,
    coder: &mut Option<String>,
) {
    ui.label(label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(coder.clone().unwrap_or_else(|| "—".to_owned()))
        .show_ui(ui, |ui| {
            for c in &state.coders {
                ui.selectable_value(coder, Some(c.name.clone()), &c.name);
            }
        })
        .response
        .accessible_name(label);
}

fn unit_name(tr: &Tr, unit: AgreementUnit) -> &'static str {
    match unit {
        AgreementUnit::Character => tr.unit_character,
        AgreementUnit::Turn => tr.unit_turn,
        AgreementUnit::Document => tr.unit_document,
        AgreementUnit::Segment => tr.unit_segment,
        AgreementUnit::Word => tr.unit_word,
        AgreementUnit::Sentence => tr.unit_sentence,
    }
}

fn unit_combo(ui: &mut Ui, tr: &Tr, unit: &mut AgreementUnit) {
    ui.label(tr.unit);
    egui::ComboBox::from_id_salt("agreement-unit")
        .selected_text(unit_name(tr, *unit))
        .show_ui(ui, |ui| {
            for u in AgreementUnit::ALL {
                ui.selectable_value(unit, u, unit_name(tr, u));
            }
        })
        .response
        .accessible_name(tr.unit);
}

/// One line that states what was compared.
fn summary(tr: &Tr, a: &Agreement) -> String {
    let mut line = format!(
        "{} – {} · {}: {} · {} {}",
        a.coders[0],
        a.coders[1],
        tr.unit,
        unit_name(tr, a.unit),
        a.documents,
        tr.documents_compared
    );
    if let Some(threshold) = a.threshold {
        line.push_str(&format!(
            " · {} {threshold} % · {}",
            tr.threshold.trim_end_matches(" %"),
            tr.segments_counted
        ));
    }
    if let Some(share) = a.min_share {
        line.push_str(&format!(" · {} {share}", tr.min_share));
    }
    line
}

fn reason(tr: &Tr, why: Undefined) -> &'static str {
    match why {
        Undefined::NoUnits => tr.no_units,
        Undefined::NoVariance => tr.no_variance,
        Undefined::NothingCoded => tr.nothing_coded,
    }
}

/// A figure as the table shows it: the value, or a dash and why.
fn shown(tr: &Tr, figure: Figure, decimals: usize) -> String {
    match figure {
        // No "-0.000": a value that rounds to zero shows as zero.
        Figure::Value(v) if v.abs() < 0.5 / 10f64.powi(decimals as i32) => {
            format!("{:.decimals$}", 0.0)
        }
        Figure::Value(v) => format!("{v:.decimals$}"),
        Figure::Undefined(why) => format!("– ({})", reason(tr, why)),
    }
}

/// The cells of a row, after its code: the figures first (they are what a team reads), then the
/// 2×2 table.
fn cells(tr: &Tr, r: &AgreementRow) -> Vec<String> {
    let t = &r.table;
    let f = &r.figures;
    let mut cells = vec![shown(tr, f.percent_agreement, 1)];
    for figure in [
        f.cohen_kappa,
        f.krippendorff_alpha,
        f.brennan_prediger,
        f.positive_agreement,
    ] {
        cells.push(shown(tr, figure, 3));
    }
    cells.extend(
        [t.both, t.only_first, t.only_second, t.neither]
            .iter()
            .map(u64::to_string),
    );
    if let Some(m) = r.segments {
        cells.push(m.matched.to_string());
    }
    cells
}

/// Draws the table, pooled row first; returns the code whose name was clicked.
fn agreement_table_ui(ui: &mut Ui, tr: &Tr, a: &Agreement, height: f32) -> Option<CodeId> {
    let mut columns = vec![
        tr.percent_col.to_owned(),
        tr.kappa_col.to_owned(),
        tr.alpha_col.to_owned(),
        tr.bp_col.to_owned(),
        tr.positive_col.to_owned(),
        tr.both_col.to_owned(),
        format!("{} {}", tr.only_col, a.coders[0]),
        format!("{} {}", tr.only_col, a.coders[1]),
        tr.neither_col.to_owned(),
    ];
    if a.unit == AgreementUnit::Segment {
        columns.push(tr.matched_col.to_owned());
    }
    let rows: Vec<&AgreementRow> = std::iter::once(&a.pooled.row).chain(&a.codes).collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut clicked = None;
    result_table_ui(ui, "agreement-table", height, 200.0, |builder| {
        builder
            .columns(
                Column::initial(76.0).resizable(true).clip(true),
                columns.len(),
            )
            .header(row_height * 1.6, |mut header| {
                header.col(|ui| {
                    ui.strong(tr.code);
                });
                for column in &columns {
                    header.col(|ui| {
                        ui.strong(column);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, rows.len(), |mut row| {
                    let r = rows[row.index()];
                    let name = match r.code_id {
                        None => tr.pooled_row.to_owned(),
                        Some(_) => r.code.to_string(),
                    };
                    row.col(|ui| match r.code_id {
                        None => {
                            ui.strong(&name);
                        }
                        Some(code) => {
                            ui.horizontal(|ui| {
                                ui.add_space(r.depth as f32 * 10.0);
                                if ui
                                    .link(r.code.leaf())
                                    .on_hover_text(format!("{}\n{}", r.code, tr.open_code_hint))
                                    .accessible_name(&name)
                                    .clicked()
                                {
                                    clicked = Some(code);
                                }
                            });
                        }
                    });
                    for (column, value) in columns.iter().zip(cells(tr, r)) {
                        row.col(|ui| {
                            let text = if r.code_id.is_none() {
                                RichText::new(&value).strong()
                            } else {
                                RichText::new(&value)
                            };
                            named_text(ui, text, format!("{name} × {column}: {value}"));
                        });
                    }
                });
            });
    });
    clicked
}

/// A text on one line whose accessible name says where it belongs (a table cell's code and
/// column, a passage's decision), for screen readers and tests.
fn named_text(ui: &mut Ui, text: RichText, name: String) {
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        ui.available_width(),
        egui::TextStyle::Body,
    );
    let (rect, response) = ui.allocate_exact_size(galley.size(), egui::Sense::hover());
    ui.painter()
        .galley(rect.min, galley, ui.visuals().text_color());
    response.accessible_name(name);
}

/// The ranges of one coder in a passage, as a person reads them.
fn ranges(list: &[CharRange]) -> String {
    if list.is_empty() {
        "—".to_owned()
    } else {
        list.iter()
            .map(CharRange::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Lists the disagreements of a code; each can be shown in the browser and decided.
fn disagreements_ui(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    view: &AgreementView,
    spec: &AgreementSpec,
    code: CodeId,
    coders: [String; 2],
    key: String,
) {
    let tr = state.tr;
    let asked = spec.clone();
    let latest = state.worker.ask(
        ui.ctx(),
        "disagreements",
        format!("{key}\u{0}{code}"),
        state.version,
        move |data, project| {
            let list = disagreements(data, &asked, code)?;
            let path = data
                .codes
                .iter()
                .find(|c| c.id == code)
                .map(|c| c.path.to_string())
                .unwrap_or_default();
            let done: Vec<String> = project
                .actions(5000)?
                .into_iter()
                .filter(|a| !a.undone)
                .map(|a| a.label)
                .collect();
            let mut texts: HashMap<DocumentId, String> = HashMap::new();
            let mut items = Vec::with_capacity(list.len());
            for d in list {
                let document = data
                    .documents
                    .iter()
                    .find(|doc| doc.id == d.document)
                    .map(|doc| doc.name.clone())
                    .unwrap_or_default();
                let text = match texts.entry(d.document) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(project.document_text(d.document)?)
                    }
                };
                let text = TextIndex::new(text).slice(d.passage).unwrap_or_default();
                let text: String = text.chars().take(240).collect();
                let prefix = consensus_label(&path, &document, d.passage);
                let decided = done
                    .iter()
                    .find(|label| label.starts_with(&prefix))
                    .map(|label| label[prefix.len()..].to_owned());
                items.push(DisagreementItem {
                    disagreement: d,
                    document,
                    text,
                    decided,
                });
            }
            Ok(items)
        },
    );
    let Some(items) = latest.show(ui, tr.computing) else {
        return;
    };
    let path = state
        .code(code)
        .map(|c| c.path.to_string())
        .unwrap_or_default();
    ui.separator();
    ui.strong(format!(
        "{} „{path}“ ({})",
        tr.disagreements_of,
        items.len()
    ));
    if items.is_empty() {
        ui.weak(tr.no_disagreements);
        return;
    }
    let [first, second] = coders;
    egui::ScrollArea::vertical()
        .id_salt("disagreements")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for item in items.iter() {
                let d = &item.disagreement;
                let place = format!("{} {}", item.document, d.passage);
                ui.horizontal_wrapped(|ui| {
                    if ui
                        .button(tr.show_passage)
                        .on_hover_text(tr.show_passage_hint)
                        .accessible_name(format!("{} {place}", tr.show_passage))
                        .clicked()
                    {
                        state.push(Navigate::ShowPassage {
                            document: d.document,
                            range: d.passage,
                        });
                    }
                    ui.strong(&place);
                    ui.label(format!("{first}: {}", ranges(&d.first)));
                    ui.label(format!("{second}: {}", ranges(&d.second)));
                    let status = match &item.decided {
                        Some(words) => RichText::new(format!("✔ {} {words}", tr.decided))
                            .color(ui.visuals().hyperlink_color),
                        None => RichText::new(tr.undecided).weak(),
                    };
                    named_text(
                        ui,
                        status,
                        format!(
                            "{place}: {}",
                            item.decided.as_deref().unwrap_or(tr.undecided)
                        ),
                    );
                });
                ui.horizontal_wrapped(|ui| {
                    for choice in ConsensusChoice::ALL {
                        let label = match choice {
                            ConsensusChoice::First => format!("{first} {}", tr.take),
                            ConsensusChoice::Second => format!("{second} {}", tr.take),
                            ConsensusChoice::Joined => tr.take_joined.to_owned(),
                            ConsensusChoice::Common => tr.take_common.to_owned(),
                            ConsensusChoice::Neither => tr.take_neither.to_owned(),
                        };
                        if ui
                            .small_button(&label)
                            .accessible_name(format!("{label}: {place}"))
                            .clicked()
                        {
                            state.push(Edit::DecideConsensus(ConsensusDecision {
                                document: d.document,
                                code,
                                passage: d.passage,
                                coders: [first.clone(), second.clone()],
                                choice,
                                with_subcodes: view.with_subcodes,
                                consensus: view.consensus.trim().to_owned(),
                            }));
                        }
                    }
                    ui.weak(item.text.replace('\n', " "));
                });
                ui.separator();
            }
        });
}
