//! The workbench window: menu, panes, shortcuts, dialogs, status line.

use std::path::{Path, PathBuf};

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::i18n::{Lang, Tr};
use super::jobs::RefiFile;
use super::panes::agreement::{self, AgreementView};
use super::panes::analysis::{self, AnalysisView};
use super::panes::browser::{self, BrowserView};
use super::panes::charts::{self, ChartsView};
use super::panes::codes::{self, CodeEdit};
use super::panes::dialogs::{
    self, Dialog, DialogAction, ExportDialog, ImportDialog, PathDialog, SaveDialog,
};
use super::panes::memo::{self, MemoDraft};
use super::panes::merge::{self, MergeAnswer};
use super::panes::relations::{self, RelationsView};
use super::panes::search::{self, SearchView};
use super::panes::typology::{self, TypologyView};
use super::panes::{documents, segments};
use super::request::{Edit, Job};
use super::state::{CentralView, SaveWhat, Settings, WorkbenchState};
use crate::model::MemoTarget;
use crate::project::Project;

/// The panes' own view state, beside the shared [`WorkbenchState`]; a new project starts them afresh.
#[derive(Default)]
pub struct Views {
    pub browser: BrowserView,
    pub codes: CodeEdit,
    pub memo: Option<MemoDraft>,
    pub analysis: AnalysisView,
    pub relations: RelationsView,
    pub charts: ChartsView,
    pub typology: TypologyView,
    pub agreement: AgreementView,
    pub search: SearchView,
}

/// The desktop app: a project's workbench, or a sentence saying why none is open.
pub struct KodierwerkApp {
    pub state: Option<WorkbenchState>,
    pub views: Views,
    pub settings: Settings,
    pub dialog: Dialog,
    pub problem: Option<String>,
    /// For smoke runs: close the window after this many frames.
    pub close_after_frames: Option<u64>,
    frames: u64,
}

/// Where the sample project lives when the workbench starts for the first time.
pub fn sample_project_path() -> PathBuf {
    let base = if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        PathBuf::from(dir)
    } else if let Some(dir) = std::env::var_os("APPDATA") {
        PathBuf::from(dir)
    } else if cfg!(target_os = "macos") {
        dialogs::home().join("Library/Application Support")
    } else {
        dialogs::home().join(".local/share")
    };
    base.join("kodierwerk").join("Beispielprojekt.kodierwerk")
}

/// Opens a project, creating the sample project if that is what is asked for and missing.
pub fn open_or_create_sample(path: &Path) -> crate::Result<Project> {
    if !path.exists() && path == sample_project_path() {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| crate::Error::io(folder, e))?;
        }
        crate::corpus::sample::create_sample(path)?;
    }
    Project::open(path)
}

impl KodierwerkApp {
    /// The app on a project file; a failure to open it becomes the sentence the window shows.
    pub fn new(project: Option<PathBuf>, settings: Settings) -> Self {
        let path = project
            .or_else(|| settings.recent.iter().find(|p| p.exists()).cloned())
            .unwrap_or_else(sample_project_path);
        let mut app = Self {
            state: None,
            views: Views::default(),
            settings,
            dialog: Dialog::None,
            problem: None,
            close_after_frames: None,
            frames: 0,
        };
        app.open(&path, false);
        if app.settings.coder.trim().is_empty() {
            app.dialog = Dialog::Coder(String::new());
        }
        app
    }

    fn tr(&self) -> &'static Tr {
        self.settings.lang.tr()
    }

    fn open(&mut self, path: &Path, create: bool) {
        let project = if create {
            Project::create(path).and_then(|mut p| {
                let codes = crate::coding::codebook::default_codebook()?;
                p.add_codebook(&codes, "Standard-Codebuch übernommen")?;
                Ok(p)
            })
        } else {
            open_or_create_sample(path)
        };
        let mut recovery_copy = None;
        let opened = project.and_then(|p| {
            recovery_copy = p.recovery_copy().map(Path::to_owned);
            WorkbenchState::new(p, &self.settings)
        });
        match opened {
            Ok(mut state) => {
                if let Some(copy) = recovery_copy {
                    state.error = Some(format!(
                        "{} had a write-ahead log left behind (by a crash, or copied there); before it was merged into the project, both were copied to {} (open that copy to see the project as it was before).",
                        path.display(),
                        copy.display()
                    ));
                }
                self.state = Some(state);
                self.views = Views::default();
                self.problem = None;
                let path = path.to_owned();
                self.settings.recent.retain(|p| *p != path);
                self.settings.recent.insert(0, path);
                self.settings.recent.truncate(10);
            }
            Err(e) => {
                let message = e.to_string();
                match &mut self.state {
                    Some(state) => state.error = Some(message),
                    None => self.problem = Some(message),
                }
            }
        }
    }

    /// Draws one frame and applies what the panes asked for.
    pub fn frame_ui(&mut self, ui: &mut Ui) {
        let tr = self.tr();
        if let Some(state) = &mut self.state {
            state.tr = tr;
            if state.jobs.poll() {
                ui.ctx().request_repaint();
            }
            if std::mem::take(&mut state.jobs.project_changed)
                && let Err(e) = state.refresh()
            {
                state.error = Some(e.to_string());
            }
            if state.jobs.is_busy() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
            state.worker.poll();
            state.take_retrieved(ui.ctx());
            if state.retrieving() {
                // The reader wakes the window when it is done; this covers a question asked
                // before the window was there to be woken.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(50));
            }
            shortcuts(ui, state, &mut self.views);
        }
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() && self.state.is_some() {
            let folder = dropped[0]
                .parent()
                .map(Path::to_owned)
                .unwrap_or_else(dialogs::home);
            self.dialog = Dialog::Import(ImportDialog::new(folder, dropped));
        }

        self.menu_ui(ui);
        self.status_ui(ui);
        let mut import_clicked = false;
        let mut export_clicked = false;
        let views = &mut self.views;
        match &mut self.state {
            Some(state) => {
                if let Some(error) = state.error.clone() {
                    egui::Panel::top("error").show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new(format!("⚠ {error}"))
                                    .color(ui.visuals().error_fg_color),
                            );
                            if ui.small_button("✖").clicked() {
                                state.error = None;
                            }
                        });
                    });
                }
                egui::Panel::left("documents")
                    .resizable(true)
                    .default_size(300.0)
                    .max_size(520.0)
                    .show(ui, |ui| {
                        documents::documents_ui(ui, state, &mut import_clicked)
                    });
                egui::Panel::right("codes")
                    .resizable(true)
                    .default_size(340.0)
                    .max_size(560.0)
                    .show(ui, |ui| codes::code_system_ui(ui, state, &mut views.codes));
                egui::Panel::bottom("segments")
                    .resizable(true)
                    .default_size(240.0)
                    .min_size(120.0)
                    .show(ui, |ui| {
                        segments::retrieved_segments_ui(ui, state, &mut export_clicked)
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    // The tabs wrap onto a second line when the middle is narrow.
                    ui.horizontal_wrapped(|ui| {
                        ui.selectable_value(
                            &mut state.central,
                            CentralView::Browser,
                            tr.browser_tab,
                        );
                        ui.selectable_value(
                            &mut state.central,
                            CentralView::Analysis,
                            tr.analysis_tab,
                        );
                        ui.selectable_value(&mut state.central, CentralView::Charts, tr.charts);
                        ui.selectable_value(&mut state.central, CentralView::Typology, tr.typology);
                        ui.selectable_value(&mut state.central, CentralView::Crosstab, tr.crosstab);
                        ui.selectable_value(
                            &mut state.central,
                            CentralView::Cooccurrence,
                            tr.code_relations,
                        );
                        ui.selectable_value(
                            &mut state.central,
                            CentralView::Agreement,
                            tr.agreement_tab,
                        );
                        ui.selectable_value(&mut state.central, CentralView::Search, tr.search_tab);
                        ui.selectable_value(&mut state.central, CentralView::Words, tr.words_tab);
                    });
                    ui.separator();
                    match state.central {
                        CentralView::Browser => {
                            browser::document_browser_ui(ui, state, &mut views.browser);
                        }
                        CentralView::Analysis => {
                            analysis::analysis_ui(ui, state, &mut views.analysis);
                        }
                        CentralView::Charts => charts::charts_ui(ui, state, &mut views.charts),
                        CentralView::Typology => {
                            typology::typology_ui(ui, state, &mut views.typology);
                        }
                        CentralView::Crosstab => {
                            relations::crosstab_ui(ui, state, &mut views.relations);
                        }
                        CentralView::Cooccurrence => {
                            relations::cooccurrence_ui(ui, state, &mut views.relations);
                        }
                        CentralView::Agreement => {
                            agreement::agreement_ui(ui, state, &mut views.agreement);
                        }
                        CentralView::Search => search::search_ui(ui, state, &mut views.search),
                        CentralView::Words => search::words_ui(ui, state, &mut views.search),
                    }
                });
                memo::memo_window_ui(ui, state, &mut views.memo);
                if let Some(reports) = &state.jobs.import_report
                    && !dialogs::import_report_ui(ui, reports, tr)
                {
                    state.jobs.import_report = None;
                }
                if let Some(report) = &state.jobs.refi_report
                    && !dialogs::refi_report_ui(ui, report, tr)
                {
                    state.jobs.refi_report = None;
                }
                if let Some((report, other)) = &state.jobs.merge_report {
                    match merge::merge_report_ui(ui, report, tr) {
                        MergeAnswer::Reading => {}
                        MergeAnswer::Close => state.jobs.merge_report = None,
                        MergeAnswer::Merge => {
                            let path = other.clone();
                            state.jobs.merge_report = None;
                            state.push(Job::Merge {
                                path,
                                dry_run: false,
                            });
                        }
                    }
                }
            }
            None => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.add_space(80.0);
                        ui.heading(tr.no_project);
                        if let Some(problem) = &self.problem {
                            ui.label(RichText::new(problem).color(ui.visuals().error_fg_color));
                        }
                        if ui.button(tr.open_project).clicked() {
                            self.dialog = Dialog::OpenProject(PathDialog {
                                path: String::new(),
                            });
                        }
                    });
                });
            }
        }
        if import_clicked {
            self.dialog = Dialog::Import(ImportDialog::new(dialogs::home(), Vec::new()));
        }
        if let Some(state) = &mut self.state
            && let Some((title, what)) = state.save_request.take()
        {
            self.dialog = Dialog::Save(SaveDialog::new(title, what));
        }
        if export_clicked {
            self.dialog = Dialog::Export(ExportDialog {
                path: dialogs::home().join("segmente.csv").display().to_string(),
                semicolon: true,
                bom: true,
            });
        }
        let recent = self.settings.recent.clone();
        match dialogs::dialogs_ui(ui, &mut self.dialog, self.state.as_mut(), tr, &recent) {
            Some(DialogAction::OpenProject(path)) => self.open(&path, false),
            Some(DialogAction::NewProject(path)) => self.open(&path, true),
            Some(DialogAction::SetCoder(name)) => {
                self.settings.coder = name.clone();
                if let Some(state) = &mut self.state
                    && let Err(e) = state.set_coder(name)
                {
                    state.error = Some(e.to_string());
                }
            }
            None => {}
        }
        if let Some(state) = &mut self.state
            && !state.requests.is_empty()
        {
            state.apply_pending();
            ui.ctx().request_repaint();
        }
    }

    fn menu_ui(&mut self, ui: &mut Ui) {
        let tr = self.tr();
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button(tr.menu_project, |ui| {
                    if ui.button(tr.open_project).clicked() {
                        self.dialog = Dialog::OpenProject(PathDialog {
                            path: dialogs::home()
                                .join("studie.kodierwerk")
                                .display()
                                .to_string(),
                        });
                        ui.close();
                    }
                    if ui.button(tr.open_sample).clicked() {
                        self.open(&sample_project_path(), false);
                        ui.close();
                    }
                    ui.separator();
                    let has = self.state.is_some();
                    if ui
                        .add_enabled(has, egui::Button::new(tr.import_dots))
                        .clicked()
                    {
                        self.dialog =
                            Dialog::Import(ImportDialog::new(dialogs::home(), Vec::new()));
                        ui.close();
                    }
                    if ui
                        .add_enabled(has, egui::Button::new(tr.export_dots))
                        .clicked()
                    {
                        self.dialog = Dialog::Export(ExportDialog {
                            path: dialogs::home().join("segmente.csv").display().to_string(),
                            semicolon: true,
                            bom: true,
                        });
                        ui.close();
                    }
                    ui.separator();
                    if ui
                        .add_enabled(has, egui::Button::new(tr.import_refi_dots))
                        .on_hover_text(tr.import_refi_hint)
                        .clicked()
                    {
                        self.dialog = Dialog::ImportRefi(PathDialog {
                            path: dialogs::home().join("projekt.qdpx").display().to_string(),
                        });
                        ui.close();
                    }
                    if ui
                        .add_enabled(has, egui::Button::new(tr.export_qdpx_dots))
                        .on_hover_text(tr.export_qdpx_hint)
                        .clicked()
                    {
                        self.dialog = Dialog::Save(SaveDialog::new(
                            tr.export_qdpx_dots,
                            SaveWhat::Refi(RefiFile::Project),
                        ));
                        ui.close();
                    }
                    if ui
                        .add_enabled(has, egui::Button::new(tr.export_qdc_dots))
                        .clicked()
                    {
                        self.dialog = Dialog::Save(SaveDialog::new(
                            tr.export_qdc_dots,
                            SaveWhat::Refi(RefiFile::Codebook),
                        ));
                        ui.close();
                    }
                    ui.separator();
                    if ui
                        .add_enabled(has, egui::Button::new(tr.merge_dots))
                        .on_hover_text(tr.merge_hint)
                        .clicked()
                    {
                        self.dialog = Dialog::Merge(PathDialog {
                            path: dialogs::home()
                                .join("kopie.kodierwerk")
                                .display()
                                .to_string(),
                        });
                        ui.close();
                    }
                    ui.separator();
                    if ui
                        .add_enabled(has, egui::Button::new(tr.project_memo))
                        .clicked()
                        && let Some(state) = &mut self.state
                    {
                        state.memo_target = Some(MemoTarget::Project);
                        ui.close();
                    }
                });
                ui.menu_button(tr.menu_edit, |ui| {
                    if let Some(state) = &mut self.state {
                        let find = &mut self.views.browser.find;
                        if ui
                            .add(egui::Button::new(tr.undo).shortcut_text("Ctrl+Z"))
                            .clicked()
                        {
                            state.push(Edit::Undo);
                            ui.close();
                        }
                        if ui
                            .add(egui::Button::new(tr.redo).shortcut_text("Ctrl+Shift+Z"))
                            .clicked()
                        {
                            state.push(Edit::Redo);
                            ui.close();
                        }
                        if ui
                            .add(egui::Button::new(tr.find).shortcut_text("Ctrl+F"))
                            .clicked()
                        {
                            find.open();
                            ui.close();
                        }
                    }
                });
                ui.menu_button(tr.menu_view, |ui| {
                    ui.label(tr.language);
                    ui.radio_value(&mut self.settings.lang, Lang::De, "Deutsch");
                    ui.radio_value(&mut self.settings.lang, Lang::En, "English");
                    if let Some(state) = &mut self.state {
                        ui.separator();
                        let mut blind = state.blind;
                        if ui
                            .checkbox(&mut blind, tr.blind_coding)
                            .on_hover_text(tr.blind_coding_hint)
                            .changed()
                            && let Err(e) = state.set_blind(blind)
                        {
                            state.error = Some(e.to_string());
                        }
                        ui.label(tr.coders_shown);
                        let mut changed = false;
                        for coder in state.coders.clone() {
                            let mut shown = !state.hidden_coders.contains(&coder.name);
                            if ui
                                .add_enabled(
                                    !state.blind,
                                    egui::Checkbox::new(&mut shown, &coder.name),
                                )
                                .changed()
                            {
                                if shown {
                                    state.hidden_coders.remove(&coder.name);
                                } else {
                                    state.hidden_coders.insert(coder.name.clone());
                                }
                                changed = true;
                            }
                        }
                        if changed && let Err(e) = state.refresh_retrieved() {
                            state.error = Some(e.to_string());
                        }
                    }
                });
            });
        });
    }

    fn status_ui(&mut self, ui: &mut Ui) {
        let tr = self.tr();
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                let Some(state) = &mut self.state else {
                    ui.weak(tr.no_project);
                    return;
                };
                ui.weak(state.project.path().display().to_string());
                ui.separator();
                let coder = if state.coder.is_empty() {
                    "—".to_owned()
                } else {
                    state.coder.clone()
                };
                if ui
                    .link(format!("{}: {coder}", tr.coder))
                    .on_hover_text(tr.change_coder)
                    .clicked()
                {
                    self.dialog = Dialog::Coder(state.coder.clone());
                }
                ui.separator();
                for job in &state.jobs.running {
                    let label = match job.label {
                        "import" => tr.importing,
                        "merge" => tr.merging,
                        _ => tr.exporting,
                    };
                    let fraction = if job.total == 0 {
                        0.0
                    } else {
                        job.done as f32 / job.total as f32
                    };
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(180.0)
                            .text(format!("{label} {}/{}", job.done, job.total)),
                    );
                }
                for finished in state.jobs.finished.drain(..) {
                    match finished {
                        Ok(text) => state.message = Some(format!("{}: {text}", tr.exported)),
                        Err(text) => state.error = Some(text),
                    }
                }
                if let Some(message) = &state.message {
                    ui.label(message);
                }
            });
        });
    }
}

/// Keyboard: undo, redo, find, keys 1–9 for pinned codes, Escape.
fn shortcuts(ui: &Ui, state: &mut WorkbenchState, views: &mut Views) {
    let typing = ui.ctx().memory(|m| m.focused().is_some());
    let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
    let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    let redo_y = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
    let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
    ui.input_mut(|i| {
        if i.consume_shortcut(&find) {
            views.browser.find.open();
        }
        if typing {
            return;
        }
        // The longer shortcut first: Ctrl+Shift+Z also matches Ctrl+Z otherwise.
        if i.consume_shortcut(&redo) || i.consume_shortcut(&redo_y) {
            state.push(Edit::Redo);
        } else if i.consume_shortcut(&undo) {
            state.push(Edit::Undo);
        }
        if i.key_pressed(Key::Escape) {
            state.selection = None;
            state.selected_segment = None;
        }
        if let Some(range) = state.selection {
            const KEYS: [Key; 9] = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            for (n, key) in KEYS.iter().enumerate() {
                if i.consume_key(Modifiers::NONE, *key)
                    && let Some(code) = state.pinned.get(n).copied()
                {
                    state.push(Edit::ApplyCode { code, range });
                }
            }
        }
    });
}

impl eframe::App for KodierwerkApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
        if let Some(limit) = self.close_after_frames {
            self.frames += 1;
            if self.frames >= limit {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                ui.ctx().request_repaint();
            }
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}
