//! The report of *Projekt → Projekt zusammenführen …* (the file is chosen in `dialogs.rs`): the dry
//! run's, with the merge on confirmation, and then the report of what was done.

use egui::{RichText, Ui};

use crate::gui::i18n::Tr;
use crate::project::MergeReport;

/// What the researcher answered to a merge report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeAnswer {
    /// The report stays open.
    Reading,
    Close,
    /// Merge what the dry run showed.
    Merge,
}

/// The report of a merge or its dry run; a dry run that would change something offers to merge.
pub fn merge_report_ui(ui: &mut Ui, report: &MergeReport, tr: &Tr) -> MergeAnswer {
    let mut answer = MergeAnswer::Reading;
    let mut open = true;
    egui::Window::new(tr.merge_report_title)
        .open(&mut open)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ui.ctx().content_rect().center())
        .default_size([820.0, 560.0])
        .show(ui.ctx(), |ui| {
            let title = tr
                .merge_title_line
                .replace("{other}", &report.other)
                .replace("{project}", &report.project);
            ui.label(RichText::new(title).strong());
            let status = if !report.changes_project {
                tr.merge_nothing
            } else if report.dry_run {
                tr.merge_dry_note
            } else {
                tr.merge_done_note
            };
            ui.label(status);
            ui.weak(match report.mode {
                crate::project::MergeMode::CommonAncestor => {
                    let since = if report.since_earlier_merge {
                        tr.merge_since_merge
                    } else {
                        ""
                    };
                    tr.merge_common
                        .replace("{shared}", &report.shared_changes.to_string())
                        .replace("{since}", since)
                        .replace("{ours}", &report.project_changes.to_string())
                        .replace("{theirs}", &report.other_changes.to_string())
                }
                crate::project::MergeMode::NoCommonAncestor => tr.merge_apart.to_owned(),
            });
            ui.add_space(6.0);
            counts_ui(ui, report, tr);
            ui.add_space(6.0);
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .auto_shrink([false, true])
                .show(ui, |ui| details_ui(ui, report, tr));
            ui.separator();
            ui.horizontal(|ui| {
                if report.dry_run && report.changes_project {
                    if ui.button(tr.merge_confirm).clicked() {
                        answer = MergeAnswer::Merge;
                    }
                    if ui.button(tr.cancel).clicked() {
                        answer = MergeAnswer::Close;
                    }
                } else if ui.button(tr.ok).clicked() {
                    answer = MergeAnswer::Close;
                }
            });
        });
    if !open {
        answer = MergeAnswer::Close;
    }
    answer
}

fn counts_ui(ui: &mut Ui, report: &MergeReport, tr: &Tr) {
    egui::Grid::new("merge_counts")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for head in tr.merge_columns {
                ui.label(RichText::new(head).strong());
            }
            ui.end_row();
            for count in &report.counts {
                let Some(kind) = count.kind else { continue };
                ui.label(tr.merge_kinds[kind as usize]);
                for n in [
                    count.came_across,
                    count.changed,
                    count.deleted,
                    count.already_there,
                ] {
                    if n == 0 {
                        ui.weak("–");
                    } else {
                        ui.label(n.to_string());
                    }
                }
                ui.end_row();
            }
        });
}

/// Conflicts drawn one by one; more are counted, and listed in full by `kodierwerk merge --format
/// json`.
const SHOWN: usize = 200;

fn details_ui(ui: &mut Ui, report: &MergeReport, tr: &Tr) {
    if !report.conflicts.is_empty() {
        ui.label(
            RichText::new(format!(
                "{} ({})",
                tr.merge_conflicts,
                report.conflicts.len()
            ))
            .strong(),
        );
        for c in report.conflicts.iter().take(SHOWN) {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                let what = if c.what.is_empty() {
                    tr.project_memo.to_owned()
                } else {
                    format!("{} {}", tr.merge_kinds[c.kind as usize], c.what)
                };
                let field = tr
                    .merge_fields
                    .iter()
                    .find(|(column, _)| *column == c.field)
                    .map_or(c.field.as_str(), |(_, word)| word);
                ui.label(RichText::new(format!("{what}: {field}")).strong());
                ui.label(format!(
                    "{}: {}",
                    tr.merge_project_value,
                    value(&c.project, tr)
                ));
                ui.label(format!("{}: {}", tr.merge_other_value, value(&c.other, tr)));
                ui.weak(tr.merge_resolutions[c.done as usize]);
            });
        }
        if report.conflicts.len() > SHOWN {
            ui.weak(
                tr.merge_more
                    .replace("{n}", &(report.conflicts.len() - SHOWN).to_string()),
            );
        }
        ui.add_space(6.0);
    }
    if !report.left_out.is_empty() {
        ui.label(
            RichText::new(format!("{} ({})", tr.merge_left_out, report.left_out.len())).strong(),
        );
        for l in &report.left_out {
            ui.label(format!(
                "• {} {}: {}",
                tr.merge_kinds[l.kind as usize], l.what, tr.merge_reasons[l.why as usize]
            ));
        }
        ui.add_space(6.0);
    }
    if !report.notes.is_empty() {
        ui.label(RichText::new(tr.merge_notes).strong());
        for note in &report.notes {
            ui.label(format!("• {note}"));
        }
    }
}

/// A value as the report shows it: the merge's own words translated, a row's value on one line.
fn value(text: &str, tr: &Tr) -> String {
    for (word, shown) in tr.merge_values {
        if text == word {
            return shown.to_owned();
        }
        if let Some(rest) = text.strip_prefix(word).filter(|r| r.starts_with(" (")) {
            return format!("{shown}{rest}");
        }
    }
    short(text)
}

/// A value on one line, cut to 80 characters.
fn short(text: &str) -> String {
    let line = text.replace('\n', " / ");
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(79).collect::<String>())
    } else {
        line
    }
}
