//! Dialogs: choose files to import (and see the per-file report), export the segment list to CSV,
//! open or create a project, say who is coding.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use crate::corpus::{self, FileReport, Outcome};
use crate::gui::i18n::Tr;
use crate::gui::jobs::RefiFile;
use crate::gui::request::Job;
use crate::gui::state::{SaveWhat, WorkbenchState};

/// Which dialog is open.
#[derive(Default)]
pub enum Dialog {
    #[default]
    None,
    Import(ImportDialog),
    Export(ExportDialog),
    OpenProject(PathDialog),
    NewProject(PathDialog),
    Coder(String),
    Save(SaveDialog),
    /// Choose a REFI-QDA file to import.
    ImportRefi(PathDialog),
    /// Choose a project file to merge into this one.
    Merge(PathDialog),
}

/// Where to save what a view offered.
pub struct SaveDialog {
    pub title: &'static str,
    pub path: String,
    pub what: SaveWhat,
    pub semicolon: bool,
    pub bom: bool,
}

impl SaveDialog {
    pub fn new(title: &'static str, what: SaveWhat) -> Self {
        let name = match what {
            SaveWhat::Table(_) => "tabelle.csv",
            SaveWhat::Image(_) => "diagramm.png",
            SaveWhat::Refi(RefiFile::Project) => "projekt.qdpx",
            SaveWhat::Refi(RefiFile::Codebook) => "codebuch.qdc",
        };
        Self {
            title,
            path: home().join(name).display().to_string(),
            what,
            semicolon: true,
            bom: true,
        }
    }

    /// Writes the file; the sentence to show.
    fn save(&self, tr: &Tr) -> Result<String, String> {
        let path = PathBuf::from(self.path.trim());
        let result = match &self.what {
            SaveWhat::Table(table) => crate::exchange::export_table(
                &path,
                table,
                crate::exchange::CsvOptions {
                    delimiter: if self.semicolon { b';' } else { b',' },
                    bom: self.bom,
                },
            )
            .map(|_| ()),
            SaveWhat::Image(image) => crate::exchange::write_png(
                &path,
                image.width() as u32,
                image.height() as u32,
                image.as_raw(),
            ),
            // Written in the background; the status line reports the end.
            SaveWhat::Refi(_) => return Ok(format!("{} {}", tr.exporting, path.display())),
        };
        result
            .map(|()| format!("{} {}", tr.saved_to, path.display()))
            .map_err(|e| e.to_string())
    }
}

/// What a dialog asks the app to do.
pub enum DialogAction {
    OpenProject(PathBuf),
    NewProject(PathBuf),
    SetCoder(String),
}

/// Choosing transcripts in a folder, with jobcenter and encoding.
pub struct ImportDialog {
    pub folder: PathBuf,
    pub folder_text: String,
    pub chosen: BTreeSet<PathBuf>,
    pub jobcenter: String,
    pub encoding: String,
}

impl ImportDialog {
    pub fn new(folder: PathBuf, chosen: Vec<PathBuf>) -> Self {
        Self {
            folder_text: folder.display().to_string(),
            folder,
            chosen: chosen.into_iter().collect(),
            jobcenter: String::new(),
            encoding: String::new(),
        }
    }
}

/// Where and how to write the CSV export.
pub struct ExportDialog {
    pub path: String,
    pub semicolon: bool,
    pub bom: bool,
}

/// A path typed or picked from the recent projects.
pub struct PathDialog {
    pub path: String,
}

/// The user's home folder, or the current one.
pub fn home() -> PathBuf {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Draws the open dialog, if any; returns what the app must do.
pub fn dialogs_ui(
    ui: &mut Ui,
    dialog: &mut Dialog,
    state: Option<&mut WorkbenchState>,
    tr: &'static Tr,
    recent: &[PathBuf],
) -> Option<DialogAction> {
    let ctx = ui.ctx().clone();
    let mut close = false;
    let mut action = None;
    match dialog {
        Dialog::None => {}
        Dialog::Import(d) => {
            if let Some(state) = state {
                egui::Window::new(tr.import_title)
                    .collapsible(false)
                    .default_size([560.0, 480.0])
                    .show(&ctx, |ui| {
                        if let Some(done) = import_ui(ui, d, tr) {
                            if done {
                                state.push(Job::ImportFiles {
                                    files: d.chosen.iter().cloned().collect(),
                                    jobcenter: Some(d.jobcenter.clone()),
                                    encoding: Some(d.encoding.clone()),
                                });
                            }
                            close = true;
                        }
                    });
            }
        }
        Dialog::Export(d) => {
            if let Some(state) = state {
                egui::Window::new(tr.export_title)
                    .collapsible(false)
                    .show(&ctx, |ui| {
                        ui.label(format!("{} {}", state.retrieved.len(), tr.export_what));
                        ui.horizontal(|ui| {
                            ui.label(tr.file);
                            ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(360.0))
                                .accessible_name(tr.file);
                        });
                        ui.checkbox(&mut d.semicolon, tr.semicolon);
                        ui.checkbox(&mut d.bom, tr.bom);
                        ui.weak(tr.export_safety);
                        ui.horizontal(|ui| {
                            if ui.button(tr.export_csv).clicked() && !d.path.trim().is_empty() {
                                state.push(Job::ExportSegments {
                                    path: PathBuf::from(d.path.trim()),
                                    delimiter: if d.semicolon { b';' } else { b',' },
                                    bom: d.bom,
                                });
                                close = true;
                            }
                            if ui.button(tr.cancel).clicked() {
                                close = true;
                            }
                        });
                    });
            }
        }
        Dialog::OpenProject(d) | Dialog::NewProject(d) => {
            egui::Window::new(tr.project_file)
                .collapsible(false)
                .show(&ctx, |ui| {
                    ui.horizontal(|ui| {
                        ui.label(tr.file);
                        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0))
                            .accessible_name(tr.file);
                    });
                    if !recent.is_empty() {
                        ui.label(tr.recent);
                        for path in recent.iter().take(8) {
                            if ui.link(path.display().to_string()).clicked() {
                                d.path = path.display().to_string();
                            }
                        }
                    }
                    ui.horizontal(|ui| {
                        if ui.button(tr.open).clicked() {
                            action = Some(DialogAction::OpenProject(PathBuf::from(d.path.trim())));
                            close = true;
                        }
                        if ui.button(tr.create).clicked() {
                            action = Some(DialogAction::NewProject(PathBuf::from(d.path.trim())));
                            close = true;
                        }
                        if ui.button(tr.cancel).clicked() {
                            close = true;
                        }
                    });
                });
        }
        Dialog::Save(d) => {
            egui::Window::new(d.title)
                .collapsible(false)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .show(&ctx, |ui| {
                    ui.horizontal(|ui| {
                        ui.label(tr.file);
                        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0))
                            .accessible_name(tr.file);
                    });
                    if let SaveWhat::Table(_) = d.what {
                        ui.checkbox(&mut d.semicolon, tr.semicolon);
                        ui.checkbox(&mut d.bom, tr.bom);
                        ui.weak(tr.export_safety);
                    }
                    ui.horizontal(|ui| {
                        if ui.button(tr.save).clicked() && !d.path.trim().is_empty() {
                            if let Some(state) = state {
                                if let SaveWhat::Refi(what) = d.what {
                                    state.push(Job::ExportRefi {
                                        path: PathBuf::from(d.path.trim()),
                                        what,
                                    });
                                }
                                match d.save(tr) {
                                    Ok(message) => state.message = Some(message),
                                    Err(error) => state.error = Some(error),
                                }
                            }
                            close = true;
                        }
                        if ui.button(tr.cancel).clicked() {
                            close = true;
                        }
                    });
                });
        }
        Dialog::ImportRefi(d) => {
            egui::Window::new(tr.import_refi_title)
                .collapsible(false)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .show(&ctx, |ui| {
                    ui.label(tr.import_refi_hint);
                    ui.horizontal(|ui| {
                        ui.label(tr.file);
                        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0))
                            .accessible_name(tr.file);
                    });
                    ui.horizontal(|ui| {
                        if ui.button(tr.import_start).clicked() && !d.path.trim().is_empty() {
                            if let Some(state) = state {
                                state.push(Job::ImportRefi {
                                    path: PathBuf::from(d.path.trim()),
                                });
                            }
                            close = true;
                        }
                        if ui.button(tr.cancel).clicked() {
                            close = true;
                        }
                    });
                });
        }
        Dialog::Merge(d) => {
            egui::Window::new(tr.merge_title)
                .collapsible(false)
                .pivot(egui::Align2::CENTER_CENTER)
                .default_pos(ctx.content_rect().center())
                .default_width(560.0)
                .show(&ctx, |ui| {
                    ui.label(tr.merge_hint);
                    ui.add_space(6.0);
                    ui.horizontal(|ui| {
                        ui.label(tr.file);
                        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0))
                            .accessible_name(tr.file);
                    });
                    ui.horizontal(|ui| {
                        if ui.button(tr.merge_check).clicked() && !d.path.trim().is_empty() {
                            if let Some(state) = state {
                                state.push(Job::Merge {
                                    path: PathBuf::from(d.path.trim()),
                                    dry_run: true,
                                });
                            }
                            close = true;
                        }
                        if ui.button(tr.cancel).clicked() {
                            close = true;
                        }
                    });
                });
        }
        Dialog::Coder(name) => {
            egui::Modal::new(egui::Id::unique("coder")).show(&ctx, |ui| {
                ui.heading(tr.who_codes);
                ui.label(tr.who_codes_hint);
                let edit = ui
                    .add(egui::TextEdit::singleline(name).hint_text(tr.coder_name))
                    .accessible_name(tr.coder_name);
                edit.request_focus();
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button(tr.ok).clicked() || enter) && !name.trim().is_empty() {
                    action = Some(DialogAction::SetCoder(name.trim().to_owned()));
                    close = true;
                }
            });
        }
    }
    if close {
        *dialog = Dialog::None;
    }
    action
}

/// The report of a REFI-QDA import; false once the researcher closed it.
pub fn refi_report_ui(ui: &mut Ui, report: &str, tr: &Tr) -> bool {
    let mut open = true;
    let mut close = false;
    egui::Window::new(tr.refi_report)
        .open(&mut open)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ui.ctx().content_rect().center())
        .default_size([680.0, 420.0])
        .show(ui.ctx(), |ui| {
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    ui.add(egui::Label::new(report).selectable(true));
                });
            ui.horizontal(|ui| {
                if ui.button(tr.copy_table).clicked() {
                    ui.ctx().copy_text(report.to_owned());
                }
                if ui.button(tr.ok).clicked() {
                    close = true;
                }
            });
        });
    open && !close
}

/// The import chooser; Some(true) to import, Some(false) to cancel.
fn import_ui(ui: &mut Ui, d: &mut ImportDialog, tr: &Tr) -> Option<bool> {
    let mut result = None;
    ui.horizontal(|ui| {
        ui.label(tr.folder);
        let edit = ui
            .add(egui::TextEdit::singleline(&mut d.folder_text).desired_width(380.0))
            .accessible_name(tr.folder);
        if edit.lost_focus() {
            let typed = PathBuf::from(d.folder_text.trim());
            if typed.is_dir() {
                d.folder = typed;
            } else if typed.is_file() {
                d.chosen.insert(typed);
            }
        }
        if ui.button("⬆").on_hover_text(tr.parent_folder).clicked()
            && let Some(parent) = d.folder.parent()
        {
            d.folder = parent.to_owned();
            d.folder_text = d.folder.display().to_string();
        }
    });
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for (path, is_dir) in list_folder(&d.folder) {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if is_dir {
                    if ui.selectable_label(false, format!("📁 {name}")).clicked() {
                        d.folder = path.clone();
                        d.folder_text = d.folder.display().to_string();
                    }
                } else {
                    let mut chosen = d.chosen.contains(&path);
                    if ui.checkbox(&mut chosen, name).changed() {
                        if chosen {
                            d.chosen.insert(path);
                        } else {
                            d.chosen.remove(&path);
                        }
                    }
                }
            }
        });
    ui.separator();
    ui.label(format!("{} {}", d.chosen.len(), tr.files_chosen));
    ui.horizontal(|ui| {
        ui.label(tr.jobcenter);
        ui.add(
            egui::TextEdit::singleline(&mut d.jobcenter)
                .hint_text(tr.jobcenter_hint)
                .desired_width(260.0),
        )
        .accessible_name(tr.jobcenter);
    });
    ui.horizontal(|ui| {
        ui.label(tr.encoding);
        ui.add(
            egui::TextEdit::singleline(&mut d.encoding)
                .hint_text(tr.encoding_hint)
                .desired_width(160.0),
        )
        .accessible_name(tr.encoding);
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!d.chosen.is_empty(), egui::Button::new(tr.import_start))
            .clicked()
        {
            result = Some(true);
        }
        if ui.button(tr.cancel).clicked() {
            result = Some(false);
        }
    });
    result
}

/// Sub-folders and transcripts of a folder, folders first, by name; hidden entries left out.
fn list_folder(folder: &Path) -> Vec<(PathBuf, bool)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter_map(|p| {
            if p.is_dir() {
                Some((p, true))
            } else if corpus::is_transcript_name(&p) {
                Some((p, false))
            } else {
                None
            }
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The per-file report of the last import; returns false when closed.
pub fn import_report_ui(ui: &mut Ui, reports: &[FileReport], tr: &Tr) -> bool {
    let mut open = true;
    let mut close = false;
    let imported = reports.iter().filter(|r| r.imported()).count();
    egui::Window::new(tr.import_report)
        .open(&mut open)
        .default_size([620.0, 320.0])
        .show(ui.ctx(), |ui| {
            ui.label(format!("{imported} / {} {}", reports.len(), tr.imported_of));
            egui::ScrollArea::vertical().show(ui, |ui| {
                for report in reports {
                    let name = Path::new(&report.file)
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| report.file.clone());
                    match &report.outcome {
                        Outcome::Imported {
                            name: doc,
                            jobcenter,
                            encoding,
                            turns,
                            remarks,
                            ..
                        } => {
                            ui.label(
                                RichText::new(format!(
                                    "✔ {name}: {doc} · {jobcenter} · {encoding} · {turns} {}",
                                    tr.turns
                                ))
                                .color(egui::Color32::from_rgb(60, 150, 60)),
                            );
                            if !remarks.is_empty() {
                                ui.label(format!("    {remarks}"));
                            }
                        }
                        Outcome::Refused { reason } => {
                            ui.label(
                                RichText::new(format!("✖ {name}: {reason}"))
                                    .color(ui.visuals().error_fg_color),
                            );
                        }
                    }
                }
            });
            if ui.button(tr.ok).clicked() {
                close = true;
            }
        });
    open && !close
}
