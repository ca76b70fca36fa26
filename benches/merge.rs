//! Merging a coder's copy back: a project of 1,000 transcripts with 1,000,000 segments is copied;
//! the copy codes 100,000 passages (in 100 changes of 1,000), the lead goes on with 100 codings of
//! its own; then the copy is merged into the lead's project, first as a dry run, then for real.
//! `KODIERWERK_BENCH_SMALL=1` runs the same at a tenth of the size.
//!
//! `cargo bench --bench merge` (a few minutes, most of it generating the project)

use std::time::Instant;

use kodierwerk::model::NewCoding;
use kodierwerk::project::{MergeKind, Project};
use kodierwerk::workload::corpus::{Rng, generate_project};

fn codings(rng: &mut Rng, n: usize, documents: usize, coder: &str) -> Vec<(usize, NewCoding)> {
    (0..n)
        .map(|i| {
            let start = rng.below(39_000);
            (
                i + 1,
                NewCoding {
                    doc: format!("G{:05}", 1 + rng.below(documents)),
                    start,
                    end: start + 1 + rng.below(600),
                    code: "Arbeitslogik/Sozialberatung".into(),
                    coder: coder.into(),
                    memo: String::new(),
                },
            )
        })
        .collect()
}

fn main() {
    let small = std::env::var_os("KODIERWERK_BENCH_SMALL").is_some();
    let (documents, added) = if small {
        (100, 10_000)
    } else {
        (1_000, 100_000)
    };
    let dir = tempfile::tempdir().unwrap();
    let lead_path = dir.path().join("studie.kodierwerk");
    let started = Instant::now();
    let generated = generate_project(&lead_path, documents, 40_000, 1_000, 7).unwrap();
    println!(
        "generated {} documents with {} segments in {:.0} s",
        generated.documents,
        generated.segments,
        started.elapsed().as_secs_f64()
    );
    let copy_path = dir.path().join("kopie-anna.kodierwerk");
    std::fs::copy(&lead_path, &copy_path).unwrap();
    let mut rng = Rng::new(11);
    {
        let mut copy = Project::open(&copy_path).unwrap();
        for batch in codings(&mut rng, added, documents, "Anna").chunks(1_000) {
            copy.code_batch(batch).unwrap();
        }
    }
    let mut lead = Project::open(&lead_path).unwrap();
    for coding in codings(&mut rng, 100, documents, "Lead") {
        lead.code_batch(&[coding]).unwrap();
    }

    if std::env::var_os("KODIERWERK_BENCH_REPEAT").is_some() {
        for _ in 0..10 {
            lead.merge_file(&copy_path, true).unwrap();
        }
    }
    let start = Instant::now();
    let dry = lead.merge_file(&copy_path, true).unwrap();
    let dry_time = start.elapsed();
    let start = Instant::now();
    let report = lead.merge_file(&copy_path, false).unwrap();
    let time = start.elapsed();
    assert_eq!(dry.counts, report.counts);
    let segments = report.count(MergeKind::Segments);
    println!(
        "merge of a copy that added {added} segments into {} segments: {:.2} s (dry run {:.2} s); {} came across, {} already there, {} conflicts",
        generated.segments,
        time.as_secs_f64(),
        dry_time.as_secs_f64(),
        segments.came_across,
        segments.already_there,
        report.conflicts.len()
    );
    let start = Instant::now();
    lead.undo().unwrap();
    println!("undo of that merge: {:.2} s", start.elapsed().as_secs_f64());
}
