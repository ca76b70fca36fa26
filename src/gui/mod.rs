//! The egui face: the workbench window over the same core as the command line.
//!
//! Layers, each using only those below it: `state`, `request`, `i18n`, `jobs`, `analysis_worker`,
//! `retriever` and `widgets` at the bottom; `panes` (one file per pane with its own view state) above them;
//! `app` on top, owning the panes' views.

mod analysis_worker;
mod app;
mod i18n;
mod jobs;
mod panes;
mod request;
mod retriever;
mod state;
mod widgets;

use std::path::PathBuf;

pub use app::{KodierwerkApp, Views, open_or_create_sample, sample_project_path};
pub use i18n::Lang;
pub use jobs::RefiFile;
pub use request::{Edit, Job, Navigate, Request};
pub use state::{CentralView, OpenDocument, ScrollTarget, Settings, WorkbenchState};

/// Set to a number, the window closes itself after that many frames: for smoke runs in CI.
pub const CLOSE_AFTER_FRAMES: &str = "KODIERWERK_CLOSE_AFTER_FRAMES";

/// Opens the workbench window on a project (or the last one, or the sample project).
pub fn run(project: Option<PathBuf>, coder: Option<String>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Kodierwerk")
            .with_inner_size([1500.0, 940.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "Kodierwerk",
        options,
        Box::new(move |cc| {
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
                .unwrap_or_default();
            if let Some(coder) = coder.filter(|c| !c.trim().is_empty()) {
                settings.coder = coder.trim().to_owned();
            }
            let mut app = KodierwerkApp::new(project, settings);
            app.close_after_frames = std::env::var(CLOSE_AFTER_FRAMES)
                .ok()
                .and_then(|n| n.parse().ok());
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("the workbench window could not be opened ({e}); the command line still works, see `kodierwerk --help`"))
}
