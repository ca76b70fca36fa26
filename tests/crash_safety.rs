//! Nothing lost to a crash: the real binary is killed (SIGKILL) at random moments while it codes,
//! imports and exports; afterwards every change it reported is there, nothing is half there, SQLite
//! finds the file sound, and the next run works on.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Scratch, kw_ok};
use kodierwerk::project::{Project, SegmentFilter};
use kodierwerk::workload::corpus::{Rng, transcript};
use kodierwerk::workload::session::fingerprint;

fn copy_project(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// Starts `kodierwerk ARGS`, kills it after `after`, returns the lines it printed before.
fn run_and_kill(args: &[&str], after: Duration) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kodierwerk"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
    reader.join().unwrap()
}

/// Every segment still holds exactly the text at its range.
fn assert_consistent(path: &Path) {
    let project = Project::open(path).unwrap();
    assert_eq!(project.integrity_check().unwrap(), "ok");
    let mut texts = std::collections::HashMap::new();
    for segment in project.segments(&SegmentFilter::default()).unwrap() {
        let chars: &Vec<char> = texts.entry(segment.document_id).or_insert_with(|| {
            project
                .document_text(segment.document_id)
                .unwrap()
                .chars()
                .collect()
        });
        let text: String = chars[segment.start..segment.end].iter().collect();
        assert_eq!(text, segment.text, "segment {}", segment.id);
    }
}

#[test]
fn coding_killed_at_random_moments_keeps_every_reported_change() {
    let s = Scratch::new();
    let base = s.path("base.kodierwerk");
    let b = base.to_str().unwrap();
    kw_ok(["new", b]);
    let file = s.file("interview.txt", transcript(5, 40_000).as_bytes());
    kw_ok(["import", b, file.to_str().unwrap(), "--jobcenter", "Nord"]);

    let mut rng = Rng::new(42);
    for round in 0..16u64 {
        let path = s.path(&format!("round-{round}.kodierwerk"));
        copy_project(&base, &path);
        let p = path.to_str().unwrap();
        let seed = (round + 1).to_string();
        let lines = run_and_kill(
            &["exercise", p, "--seed", &seed, "--steps", "1000000"],
            Duration::from_millis(40 + rng.below(400) as u64),
        );
        let reported: Vec<(usize, String)> = lines
            .iter()
            .filter_map(|l| {
                let rest = l.strip_prefix("done ")?;
                let (step, state) = rest.split_once(' ')?;
                Some((step.parse().ok()?, state.to_owned()))
            })
            .collect();
        assert_consistent(&path);
        let now = fingerprint(&Project::open(&path).unwrap()).unwrap();
        let last = reported
            .last()
            .cloned()
            .unwrap_or((0, fingerprint(&Project::open(&base).unwrap()).unwrap()));
        if now != last.1 {
            // The kill came after a commit but before its report: the state must be that of the
            // next step exactly, never something in between.
            let replay = s.path(&format!("replay-{round}.kodierwerk"));
            copy_project(&base, &replay);
            let out = kw_ok([
                "exercise",
                replay.to_str().unwrap(),
                "--seed",
                &seed,
                "--steps",
                &(last.0 + 1).to_string(),
            ]);
            let expected = out
                .lines()
                .last()
                .unwrap()
                .strip_prefix("state ")
                .unwrap()
                .to_owned();
            assert_eq!(
                now, expected,
                "round {round}: after step {} the project is in a state no step left",
                last.0
            );
        }
        // The next run works on.
        let out = kw_ok(["exercise", p, "--seed", "999", "--steps", "20"]);
        assert!(out.contains("done 20 "), "{out}");
        assert_consistent(&path);
    }
}

#[test]
fn an_import_killed_midway_leaves_no_half_document() {
    let s = Scratch::new();
    let base = s.path("base.kodierwerk");
    kw_ok(["new", base.to_str().unwrap()]);
    let big = s.file("gross.txt", transcript(9, 12_000_000).as_bytes());
    let (expected, _) = kodierwerk::corpus::prepare(
        "gross.txt",
        &std::fs::read(&big).unwrap(),
        &kodierwerk::corpus::ImportOptions {
            jobcenter: Some("Nord".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut rng = Rng::new(7);
    let mut outcomes = (0, 0);
    for round in 0..6 {
        let path = s.path(&format!("import-{round}.kodierwerk"));
        copy_project(&base, &path);
        run_and_kill(
            &[
                "import",
                path.to_str().unwrap(),
                big.to_str().unwrap(),
                "--jobcenter",
                "Nord",
            ],
            Duration::from_millis(100 + rng.below(1500) as u64),
        );
        let project = Project::open(&path).unwrap();
        assert_eq!(project.integrity_check().unwrap(), "ok");
        let docs = project.documents().unwrap();
        let imported = docs.len() == 1;
        match docs.as_slice() {
            [] => outcomes.0 += 1,
            [doc] => {
                outcomes.1 += 1;
                assert_eq!(project.document_text(doc.id).unwrap(), expected.text);
                assert_eq!(project.turns(doc.id).unwrap(), expected.turns);
            }
            more => panic!("{} documents after one import", more.len()),
        }
        drop(project);
        // The next run works on: the import completes now, or says the text is in already.
        let again = common::kw([
            "import",
            path.to_str().unwrap(),
            big.to_str().unwrap(),
            "--jobcenter",
            "Nord",
        ]);
        if imported {
            assert!(
                !again.ok && again.stdout.contains("same text"),
                "{}",
                again.stdout
            );
        } else {
            assert!(again.ok, "{}", again.stderr);
        }
    }
    assert!(outcomes.0 + outcomes.1 == 6);
}

#[test]
fn an_export_killed_midway_leaves_no_half_csv() {
    let s = Scratch::new();
    let project = s.path("viel.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok([
        "generate",
        p,
        "--documents",
        "20",
        "--chars",
        "60000",
        "--segments",
        "4000",
    ]);
    let total = Project::open(&project)
        .unwrap()
        .segments(&SegmentFilter::default())
        .unwrap()
        .len();
    let mut rng = Rng::new(3);
    for round in 0..6 {
        let out: PathBuf = s.path(&format!("export-{round}.csv"));
        run_and_kill(
            &["export", "csv", p, out.to_str().unwrap()],
            Duration::from_millis(50 + rng.below(900) as u64),
        );
        if out.exists() {
            let mut reader = csv::Reader::from_path(&out).unwrap();
            assert_eq!(
                reader.records().count(),
                total,
                "a CSV at the target path is complete"
            );
        }
    }
    // The project was only read.
    assert_consistent(&project);
}

#[test]
fn a_batch_coding_killed_midway_is_all_there_or_not_at_all() {
    let s = Scratch::new();
    let base = s.path("base.kodierwerk");
    let b = base.to_str().unwrap();
    kw_ok(["new", b]);
    let file = s.file("interview.txt", transcript(3, 40_000).as_bytes());
    kw_ok(["import", b, file.to_str().unwrap(), "--jobcenter", "Nord"]);
    let chars = Project::open(&base).unwrap().documents().unwrap()[0].chars;
    let mut rng = Rng::new(11);
    let batch: String = (0..10_000)
        .map(|i| {
            let start = rng.below(chars - 1000);
            format!(
                "{{\"doc\": 1, \"start\": {start}, \"end\": {}, \"code\": \"Arbeitslogik/Sozialberatung\", \"coder\": \"{}\"}}\n",
                start + 1 + rng.below(900),
                ["Anna", "Ben"][i % 2]
            )
        })
        .collect();
    let codings = s.file("batch.jsonl", batch.as_bytes());
    // Unkilled, the batch codes whole.
    let whole = s.path("whole.kodierwerk");
    copy_project(&base, &whole);
    kw_ok([
        "code",
        whole.to_str().unwrap(),
        "--from",
        codings.to_str().unwrap(),
    ]);
    assert_eq!(
        Project::open(&whole)
            .unwrap()
            .segments(&SegmentFilter::default())
            .unwrap()
            .len(),
        10_000
    );
    let mut outcomes = (0, 0);
    for round in 0..6 {
        let path = s.path(&format!("batch-{round}.kodierwerk"));
        copy_project(&base, &path);
        run_and_kill(
            &[
                "code",
                path.to_str().unwrap(),
                "--from",
                codings.to_str().unwrap(),
            ],
            Duration::from_millis(100 + rng.below(3000) as u64),
        );
        assert_consistent(&path);
        let project = Project::open(&path).unwrap();
        let latest = project.actions(1).unwrap().remove(0).label;
        match project.segments(&SegmentFilter::default()).unwrap().len() {
            0 => {
                outcomes.0 += 1;
                assert!(!latest.contains("Stapel"), "{latest}");
            }
            10_000 => {
                outcomes.1 += 1;
                assert_eq!(latest, "10000 Segmente als Stapel codiert");
            }
            n => panic!("round {round}: {n} of 10,000 segments after a killed batch"),
        }
    }
    eprintln!(
        "killed batches: {} left nothing, {} were complete",
        outcomes.0, outcomes.1
    );
}

#[test]
fn a_merge_killed_midway_leaves_the_project_as_before_or_as_after() {
    let s = Scratch::new();
    let lead = s.path("lead.kodierwerk");
    let l = lead.to_str().unwrap();
    kw_ok(["new", l]);
    let file = s.file("interview.txt", transcript(5, 40_000).as_bytes());
    kw_ok(["import", l, file.to_str().unwrap(), "--jobcenter", "Nord"]);
    let chars = Project::open(&lead).unwrap().documents().unwrap()[0].chars;
    let copy = s.path("kopie.kodierwerk");
    copy_project(&lead, &copy);
    let mut rng = Rng::new(17);
    let batch: String = (0..3_000)
        .map(|_| {
            let start = rng.below(chars - 1000);
            format!(
                "{{\"doc\": 1, \"start\": {start}, \"end\": {}, \"code\": \"Arbeitslogik/Sozialberatung\", \"coder\": \"Anna\"}}\n",
                start + 1 + rng.below(900),
            )
        })
        .collect();
    let codings = s.file("batch.jsonl", batch.as_bytes());
    let c = copy.to_str().unwrap();
    kw_ok(["code", c, "--from", codings.to_str().unwrap()]);
    kw_ok([
        "rename-code",
        c,
        "Arbeitslogik/Arbeitsvermittlung",
        "Vermittlung",
    ]);
    kw_ok([
        "code",
        l,
        "--doc",
        "1",
        "--start",
        "10",
        "--end",
        "50",
        "--code",
        "Arbeitslogik",
        "--coder",
        "Lead",
    ]);
    let before = fingerprint(&Project::open(&lead).unwrap()).unwrap();
    let whole = s.path("whole.kodierwerk");
    copy_project(&lead, &whole);
    let started = std::time::Instant::now();
    kw_ok(["merge", whole.to_str().unwrap(), c]);
    // Kills fall anywhere from the start of a merge to just after its end.
    let took = started.elapsed().as_millis() as usize;
    let after = fingerprint(&Project::open(&whole).unwrap()).unwrap();
    assert_ne!(before, after);

    let mut outcomes = (0, 0);
    for round in 0..5 {
        let path = s.path(&format!("merge-{round}.kodierwerk"));
        copy_project(&lead, &path);
        let p = path.to_str().unwrap();
        run_and_kill(
            &["merge", p, c],
            Duration::from_millis(10 + rng.below(took * 6 / 5) as u64),
        );
        assert_consistent(&path);
        let state = fingerprint(&Project::open(&path).unwrap()).unwrap();
        if state == before {
            outcomes.0 += 1;
            // The next run works on: the merge goes through whole.
            kw_ok(["merge", p, c]);
            assert_eq!(fingerprint(&Project::open(&path).unwrap()).unwrap(), after);
        } else {
            assert_eq!(
                state, after,
                "round {round}: a killed merge left a half state"
            );
            outcomes.1 += 1;
        }
    }
    eprintln!(
        "killed merges: {} left the project as before, {} were complete",
        outcomes.0, outcomes.1
    );
}
