//! The workbench at the size QualCoder users find slow: a 300,000-character transcript with 2,000
//! coded segments. Measures, driving the real panes headless (egui `run_ui` plus tessellation):
//! the CPU time of a frame with the document open and scrolled to its middle, the time from
//! "apply code" to the frame that shows it, and the time to open the document.
//!
//! `cargo bench --bench workbench`; with `KODIERWERK_BENCH_FULL=1` the transcript sits in a project of
//! 1,000,000 segments and 1,000,000 log entries (generated first, a few minutes).

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, Vec2};
use kodierwerk::coding::codebook;
use kodierwerk::corpus::{ImportOptions, prepare};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::gui::{Edit, Navigate, ScrollTarget, Settings};
use kodierwerk::model::DocumentId;
use kodierwerk::model::range::CharRange;
use kodierwerk::project::Project;
use kodierwerk::workload::corpus::{Rng, generate_project, transcript};

const CHARS: usize = 300_000;
const SEGMENTS: usize = 2_000;

struct Fixture {
    _dir: tempfile::TempDir,
    app: KodierwerkApp,
    ctx: egui::Context,
    big: DocumentId,
    small: DocumentId,
}

/// The transcript and its segments, alone in a project or (`crowded`) in one that already holds
/// 1,000 generated transcripts with 1,000,000 segments and 1,000,000 entries in its action log.
fn fixture(crowded: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gross.kodierwerk");
    let mut project = if crowded {
        generate_project(&path, 1_000, 10_000, 1_000, 8).unwrap();
        let mut project = Project::open(&path).unwrap();
        project.append_generated_history(1_000_000).unwrap();
        project
    } else {
        Project::create(&path).unwrap()
    };
    project
        .add_codebook(&codebook::default_codebook().unwrap(), "Codebuch")
        .unwrap();
    let options = ImportOptions {
        jobcenter: Some("Jobcenter Nord".into()),
        ..ImportOptions::default()
    };
    let text = transcript(1, CHARS);
    let (doc, _) = prepare("gross.txt", text.as_bytes(), &options).unwrap();
    let big = project.add_document(&doc).unwrap();
    let (doc, _) = prepare("klein.txt", transcript(2, 5_000).as_bytes(), &options).unwrap();
    let small = project.add_document(&doc).unwrap();
    let leaves: Vec<_> = project
        .codes()
        .unwrap()
        .into_iter()
        .filter(|c| c.depth > 0)
        .collect();
    let len = project.document(big).unwrap().chars;
    let mut rng = Rng::new(3);
    project
        .bulk_segments(
            big,
            (0..SEGMENTS).map(|i| {
                let start = rng.below(len - 700);
                let end = start + 40 + rng.below(600);
                (
                    CharRange::new(start, end).unwrap(),
                    leaves[rng.below(leaves.len())].id,
                    if i % 2 == 0 { "Anna" } else { "Jonas" },
                )
            }),
        )
        .unwrap();
    drop(project);
    let settings = Settings {
        coder: "Anna".into(),
        ..Settings::default()
    };
    let mut app = KodierwerkApp::new(Some(path), settings);
    let ctx = egui::Context::default();
    let state = app.state.as_mut().unwrap();
    state.push(Navigate::OpenDocument(big));
    state.apply_pending();
    state.scroll_to = Some(ScrollTarget { pos: len / 2 });
    let mut f = Fixture {
        _dir: dir,
        app,
        ctx,
        big,
        small,
    };
    for _ in 0..5 {
        frame(&mut f);
    }
    f
}

fn input() -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1600.0, 1000.0))),
        ..RawInput::default()
    }
}

/// One whole frame of the workbench, tessellated as the renderer would receive it.
fn frame(f: &mut Fixture) {
    let output = f.ctx.run_ui(input(), |ui| f.app.frame_ui(ui));
    let primitives = f
        .ctx
        .tessellate(output.shapes.clone(), output.pixels_per_point);
    std::hint::black_box(primitives);
    output.drop_without_applying_deltas();
}

fn bench(c: &mut Criterion) {
    let crowded = std::env::var_os("KODIERWERK_BENCH_FULL").is_some();
    let mut f = fixture(crowded);
    let mut group = c.benchmark_group(if crowded {
        "workbench (300,000 characters, 2,000 segments, in a project of 1,000,000 segments and 1,000,000 log entries)"
    } else {
        "workbench (300,000 characters, 2,000 segments)"
    });
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));

    group.bench_function("frame, document open and scrolled", |b| {
        b.iter(|| frame(&mut f))
    });

    let code = f.app.state.as_ref().unwrap().codes[1].id;
    group.bench_function("apply code to the frame that shows it", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let state = f.app.state.as_mut().unwrap();
                let start = 150_000 + (i as usize % 100) * 50;
                state.push(Edit::ApplyCode {
                    code,
                    range: CharRange::new(start, start + 120).unwrap(),
                });
                let t = Instant::now();
                state.apply_pending();
                frame(&mut f);
                total += t.elapsed();
                let state = f.app.state.as_mut().unwrap();
                state.push(Edit::Undo);
                state.apply_pending();
            }
            total
        })
    });

    group.bench_function("open the document to its first frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let state = f.app.state.as_mut().unwrap();
                state.push(Navigate::OpenDocument(f.small));
                state.apply_pending();
                frame(&mut f);
                let state = f.app.state.as_mut().unwrap();
                let t = Instant::now();
                state.push(Navigate::OpenDocument(f.big));
                state.apply_pending();
                frame(&mut f);
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
