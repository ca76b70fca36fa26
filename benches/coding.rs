//! What one change costs as a project grows: the core's `apply_code` (with its commit), a memo
//! edit, a recode and an undo, each timed 1,000 times in rounds that take turns between the projects,
//! p50 and p99, on projects of 0 segments with 10,000 entries in the action log, 100,000 and
//! (with `KODIERWERK_BENCH_FULL=1`) 1,000,000 segments with as many entries in the log; and
//! a batch of 100,000 codings (`kodierwerk code --from`) read and coded as one change; and the
//! import of 200 and of 2,000 transcripts, which should take ten times as long, not more.
//!
//! `cargo bench --bench coding` (a few minutes; the data is generated, deterministic by seed)

use std::path::Path;
use std::time::{Duration, Instant};

use kodierwerk::corpus::{ImportOptions, import_paths};
use kodierwerk::exchange::read_codings;
use kodierwerk::model::{CharRange, CodeId, DocumentId, SegmentId};
use kodierwerk::project::Project;
use kodierwerk::workload::corpus::{Rng, generate_project, write_corpus};

const ROUNDS: usize = 1_000;

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[i].as_secs_f64() * 1000.0
}

fn report(size: &str, what: &str, mut times: Vec<Duration>) {
    println!(
        "{size}: {what}: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.99)
    );
}

/// One project of the comparison, with what its rounds need.
struct Sized {
    name: String,
    project: Project,
    code: CodeId,
    other: CodeId,
    doc: DocumentId,
    len: usize,
    rng: Rng,
    coded: Vec<SegmentId>,
    times: Vec<Duration>,
}

/// A project of `documents` transcripts with 1,000 segments each and as many log entries (the
/// empty project: one transcript without segments, and 10,000 log entries).
fn project(dir: &Path, documents: usize) -> Sized {
    let path = dir.join(format!("p{documents}.kodierwerk"));
    generate_project(&path, documents.max(1), 40_000, 1_000 * documents.min(1), 5).unwrap();
    let mut project = Project::open(&path).unwrap();
    let history = (1_000 * documents).max(10_000);
    project.append_generated_history(history).unwrap();
    let codes = project.codes().unwrap();
    let doc = DocumentId(1);
    let len = project.document(doc).unwrap().chars;
    Sized {
        name: format!("{} segments, {history} log entries", 1_000 * documents),
        project,
        code: codes[1].id,
        other: codes[2].id,
        doc,
        len,
        rng: Rng::new(9),
        coded: Vec::new(),
        times: Vec::new(),
    }
}

/// Times `step` `ROUNDS` times on every project, in rounds of 100 that take turns between the
/// projects, so that whatever else the machine does falls on all of them alike.
fn timed(projects: &mut [Sized], what: &str, mut step: impl FnMut(&mut Sized, usize)) {
    for round in 0..ROUNDS / 100 {
        for p in projects.iter_mut() {
            for i in round * 100..(round + 1) * 100 {
                let start = Instant::now();
                step(p, i);
                p.times.push(start.elapsed());
            }
        }
    }
    for p in projects.iter_mut() {
        report(&p.name, what, std::mem::take(&mut p.times));
    }
}

fn changes(projects: &mut [Sized]) {
    timed(projects, "apply_code", |p, _| {
        let start = p.rng.below(p.len - 300);
        let range = CharRange::new(start, start + 1 + p.rng.below(250)).unwrap();
        let id = p
            .project
            .apply_code(p.doc, range, p.code, "Anna", "")
            .unwrap();
        p.coded.push(id);
    });
    timed(projects, "memo edit", |p, i| {
        p.project
            .set_segment_memo(p.coded[i], &format!("Memo {i}"))
            .unwrap();
    });
    timed(projects, "recode", |p, i| {
        p.project
            .update_segment(p.coded[i], None, Some(p.other))
            .unwrap()
    });
    timed(projects, "undo", |p, _| {
        p.project.undo().unwrap();
    });
}

fn batch(dir: &Path) {
    let path = dir.join("batch.kodierwerk");
    generate_project(&path, 24, 40_000, 0, 3).unwrap();
    let mut rng = Rng::new(4);
    let text: String = (0..100_000)
        .map(|i| {
            let start = rng.below(39_000);
            format!(
                "{{\"doc\": {}, \"start\": {start}, \"end\": {}, \"code\": \"Arbeitslogik/Sozialberatung\", \"coder\": \"{}\"}}\n",
                1 + rng.below(24),
                start + 1 + rng.below(600),
                ["Anna", "Ben"][i % 2]
            )
        })
        .collect();
    let mut times = Vec::new();
    for run in 0..3 {
        let copy = dir.join(format!("batch-{run}.kodierwerk"));
        std::fs::copy(&path, &copy).unwrap();
        let mut project = Project::open(&copy).unwrap();
        let start = Instant::now();
        let codings = read_codings(&text, false).unwrap();
        assert_eq!(project.code_batch(&codings).unwrap(), 100_000);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "batch of 100,000 codings (JSON lines read and coded as one change): median {:.2} s (runs: {})",
        times[1].as_secs_f64(),
        times
            .iter()
            .map(|t| format!("{:.2} s", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Importing grows with the corpus, not faster: 200 and 2,000 transcripts of 40,000 characters.
fn import_growth(dir: &Path) {
    let mut per_document = Vec::new();
    for documents in [200, 2_000] {
        let corpus = dir.join(format!("korpus-{documents}"));
        write_corpus(&corpus, documents, 40_000, 12).unwrap();
        let mut project =
            Project::create(&dir.join(format!("import-{documents}.kodierwerk"))).unwrap();
        let options = ImportOptions {
            jobcenter: Some("Jobcenter Nord".into()),
            ..ImportOptions::default()
        };
        let start = Instant::now();
        let reports = import_paths(&mut project, std::slice::from_ref(&corpus), &options);
        let elapsed = start.elapsed();
        assert!(reports.iter().all(|r| r.imported()));
        println!(
            "import of {documents} transcripts: {:.2} s ({:.2} ms per transcript)",
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1000.0 / documents as f64
        );
        per_document.push(elapsed.as_secs_f64() / documents as f64);
    }
    println!(
        "2,000 transcripts take {:.1}× the time of 200 (linear: 10×)",
        per_document[1] / per_document[0] * 10.0
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::env::var_os("KODIERWERK_BENCH_FULL").is_some();
    let mut projects = Vec::new();
    for documents in [0, 100, 1_000] {
        if documents == 1_000 && !full {
            println!("(1,000,000 segments: set KODIERWERK_BENCH_FULL=1)");
            continue;
        }
        projects.push(project(dir.path(), documents));
    }
    changes(&mut projects);
    drop(projects);
    batch(dir.path());
    import_growth(dir.path());
}
