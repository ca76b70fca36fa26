//! Scale: import of 1,000 transcripts (~40 MB), CSV export of 1,000,000 segments, opening a project
//! of that size to the workbench's first frame. Each is timed several times and the median printed.
//! Peak memory of the real window is measured separately (see the README's performance section).
//!
//! `cargo bench --bench scale` (about two minutes; the data is generated, deterministic by seed)

use std::path::Path;
use std::time::{Duration, Instant};

use egui::{Pos2, RawInput, Rect, Vec2};
use kodierwerk::corpus::{ImportOptions, import_paths};
use kodierwerk::exchange::{CsvOptions, export_segments};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::gui::{CentralView, Settings};
use kodierwerk::project::{Project, SegmentFilter};
use kodierwerk::workload::corpus::{generate_project, write_corpus};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(what: &str, times: Vec<Duration>, target: &str) {
    let all: Vec<String> = times
        .iter()
        .map(|t| format!("{:.0} ms", t.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "{what}: median {:.0} ms (runs: {}) — target {target}",
        median(times).as_secs_f64() * 1000.0,
        all.join(", ")
    );
}

fn import_corpus(dir: &Path) {
    let corpus = dir.join("korpus");
    let bytes = write_corpus(&corpus, 1000, 40_000, 11).unwrap();
    println!("corpus: 1,000 transcripts, {:.1} MB", bytes as f64 / 1e6);
    let mut times = Vec::new();
    for run in 0..3 {
        let path = dir.join(format!("import-{run}.kodierwerk"));
        let mut project = Project::create(&path).unwrap();
        let options = ImportOptions {
            jobcenter: Some("Jobcenter Nord".into()),
            ..ImportOptions::default()
        };
        let start = Instant::now();
        let reports = import_paths(&mut project, std::slice::from_ref(&corpus), &options);
        times.push(start.elapsed());
        assert!(reports.iter().all(|r| r.imported()));
    }
    report("import of 1,000 transcripts", times, "under 10 s");
}

fn first_frame(path: &Path) -> Duration {
    let ctx = egui::Context::default();
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1600.0, 1000.0))),
        ..RawInput::default()
    };
    let settings = Settings {
        coder: "Anna".into(),
        ..Settings::default()
    };
    let start = Instant::now();
    let mut app = KodierwerkApp::new(Some(path.to_owned()), settings);
    let output = ctx.run_ui(input, |ui| app.frame_ui(ui));
    let primitives = ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
    let elapsed = start.elapsed();
    std::hint::black_box(primitives);
    output.drop_without_applying_deltas();
    assert!(app.state.is_some(), "{:?}", app.problem);
    elapsed
}

/// Frame times of an Analyse view showing the million-segment project, after the worker delivered.
fn analysis_frames(path: &Path, view: CentralView, what: &str) {
    let ctx = egui::Context::default();
    let input = || RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1600.0, 1000.0))),
        ..RawInput::default()
    };
    let settings = Settings {
        coder: "Anna".into(),
        ..Settings::default()
    };
    let mut app = KodierwerkApp::new(Some(path.to_owned()), settings);
    if let Some(state) = app.state.as_mut() {
        state.central = view;
    }
    let frame = |app: &mut KodierwerkApp| {
        let start = Instant::now();
        let output = ctx.run_ui(input(), |ui| app.frame_ui(ui));
        let primitives = ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
        std::hint::black_box(primitives);
        output.drop_without_applying_deltas();
        start.elapsed()
    };
    let start = Instant::now();
    frame(&mut app);
    while app.state.as_ref().is_some_and(|s| s.worker.busy()) {
        std::thread::sleep(Duration::from_millis(5));
        frame(&mut app);
    }
    println!(
        "{what}: computed off the UI thread in {:.0} ms (frames went on meanwhile)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    let times = (0..20).map(|_| frame(&mut app)).collect();
    report(&format!("{what}: frame while shown"), times, "under 16 ms");
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    import_corpus(dir.path());

    let path = dir.path().join("million.kodierwerk");
    let start = Instant::now();
    let generated = generate_project(&path, 1000, 40_000, 1000, 5).unwrap();
    println!(
        "generated {} documents and {} segments in {:.1} s",
        generated.documents,
        generated.segments,
        start.elapsed().as_secs_f64()
    );

    let project = Project::open(&path).unwrap();
    let mut times = Vec::new();
    for run in 0..3 {
        let out = dir.path().join(format!("export-{run}.csv"));
        let start = Instant::now();
        let rows = export_segments(
            &project,
            &SegmentFilter::default(),
            &out,
            CsvOptions::default(),
        )
        .unwrap();
        times.push(start.elapsed());
        assert_eq!(rows, 1_000_000);
    }
    report("CSV export of 1,000,000 segments", times, "under 3 s");
    drop(project);

    for (view, what) in [
        (
            CentralView::Analysis,
            "code matrix, 1,000,000 segments × 60 jobcenters",
        ),
        (CentralView::Charts, "bar chart, 1,000,000 segments"),
        (CentralView::Typology, "typology, 1,000,000 segments"),
    ] {
        analysis_frames(&path, view, what);
    }

    let times = (0..5).map(|_| first_frame(&path)).collect();
    report(
        "opening the 1,000,000-segment project to the first frame",
        times,
        "under 300 ms",
    );
}
