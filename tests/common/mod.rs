//! Helpers for the flow tests: run the real `kodierwerk` binary in a scratch folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder with a project path in it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}

/// What a run of the binary gave.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            ok: o.status.success(),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Runs `kodierwerk ARGS…`.
pub fn kw<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_kodierwerk"))
        .args(args)
        .output()
        .expect("the binary runs")
        .into()
}

/// Runs `kodierwerk ARGS…` and insists that it succeeds.
pub fn kw_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let run = kw(args);
    assert!(run.ok, "command failed: {}", run.stderr);
    run.stdout
}

/// Parses JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// The bytes of a project file and its write-ahead log, to prove that nothing changed.
pub fn fingerprint(project: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(project).expect("project exists");
    let mut wal = project.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(extra) = std::fs::read(PathBuf::from(wal)) {
        bytes.extend(extra);
    }
    bytes
}

/// Steps the workbench until the analysis worker has delivered what the views asked for and the
/// list of retrieved segments is read (both off the UI thread), then lets the frames settle.
pub fn settle(h: &mut egui_kittest::Harness<'static, kodierwerk::gui::KodierwerkApp>) {
    for _ in 0..500 {
        h.step();
        let busy = h
            .state()
            .state
            .as_ref()
            .is_some_and(|s| s.worker.busy() || s.retrieving());
        if !busy {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
}

// The analysis fixture, shared by `cli_analysis` and `gui_analysis`: a small project whose every
// number is counted by hand (all texts ASCII, so characters and bytes agree):
//
//   jobcenters  Nord  zkT Land   documents nord1, nord2 (nord2 has no codes)
//               Süd   gE  Stadt  document  sued1
//               West  zkT Stadt  document  west1
//               Ost   gE  Land   no documents
//   codes       A, A/A1, A/A2, B
//   every text  "I: ____________\nB: Gut und schlecht.\nI: Warum?\nB: Weil es so ist.\n" (66 chars)
//   turns       T0 [3,15)  T1 [19,36)  T2 [40,46)  T3 [50,65)
//
//   segment  document  code  coder  range     turn (by its start)
//   s1       nord1     A1    Anna   [19,30)   T1
//   s2       nord1     B     Anna   [25,36)   T1   overlaps s1 and s3
//   s3       nord1     A     Anna   [19,36)   T1   holds s1 (nested)
//   s4       nord1     A2    Ben    [50,55)   T3
//   s5       nord1     A     Ben    [55,60)   T3   touches s4: no overlap
//   s6       nord1     A1    Ben    [0,14)    none (starts on the first label)
//   t1       sued1     B     Anna   [3,10)    T0
//   t2       sued1     A2    Anna   [5,12)    T0   overlaps t1
//   t3       sued1     B     Ben    [8,14)    T0   overlaps t1 (same code) and t2
//   u1       west1     A1    Anna   [40,46)   T2
//   u2       west1     A2    Ben    [50,65)   T3

/// The analysis fixture's documents: file, jobcenter, the interviewer's first question.
pub const TEXTS: [(&str, &str, &str); 4] = [
    ("nord1.txt", "JC Nord", "Wie ist das?"),
    ("nord2.txt", "JC Nord", "Wie war das?"),
    ("sued1.txt", "JC Süd", "Wie geht es?"),
    ("west1.txt", "JC West", "Was ist los?"),
];

/// One transcript of the fixture: four turns, the first asking `question`.
pub fn transcript(question: &str) -> String {
    format!("I: {question}\nB: Gut und schlecht.\nI: Warum?\nB: Weil es so ist.\n")
}

/// Builds the analysis fixture (see the table above) through the CLI in `s` and returns the
/// project path.
pub fn fixture(s: &Scratch) -> String {
    let project = s.path("analyse.kodierwerk");
    let p = project.to_str().unwrap().to_owned();
    kw_ok(["new", &p, "--codebook", "empty"]);
    for path in ["A/A1", "A/A2", "B"] {
        kw_ok(["add-code", &p, path]);
    }
    for (file, jobcenter, question) in TEXTS {
        let text = transcript(question);
        // The turn layout the table above relies on.
        assert_eq!(&text[3..15], question);
        assert_eq!(&text[19..36], "Gut und schlecht.");
        assert_eq!(&text[40..46], "Warum?");
        assert_eq!(&text[50..65], "Weil es so ist.");
        let path = s.file(file, text.as_bytes());
        kw_ok([
            "import",
            &p,
            path.to_str().unwrap(),
            "--jobcenter",
            jobcenter,
        ]);
    }
    for (jobcenter, trägerschaft, lage) in [
        ("JC Nord", "zkT", "Land"),
        ("JC Süd", "gE", "Stadt"),
        ("JC West", "zkT", "Stadt"),
        ("JC Ost", "gE", "Land"),
    ] {
        kw_ok([
            "jobcenter",
            &p,
            jobcenter,
            "--attr",
            &format!("Trägerschaft={trägerschaft}"),
            "--attr",
            &format!("Lage={lage}"),
        ]);
    }
    for (doc, code, coder, start, end) in [
        ("nord1", "A/A1", "Anna", 19, 30),
        ("nord1", "B", "Anna", 25, 36),
        ("nord1", "A", "Anna", 19, 36),
        ("nord1", "A/A2", "Ben", 50, 55),
        ("nord1", "A", "Ben", 55, 60),
        ("nord1", "A/A1", "Ben", 0, 14),
        ("sued1", "B", "Anna", 3, 10),
        ("sued1", "A/A2", "Anna", 5, 12),
        ("sued1", "B", "Ben", 8, 14),
        ("west1", "A/A1", "Anna", 40, 46),
        ("west1", "A/A2", "Ben", 50, 65),
    ] {
        code_passage(&p, doc, code, coder, start, end);
    }
    let docs = json(&kw_ok(["docs", &p, "--format", "json"]));
    assert!(docs.as_array().unwrap().iter().all(|d| d["turns"] == 4));
    p
}

/// The workbench on a project, as coder "Tester", in a window `width` × 1000 points.
pub fn workbench_on(
    path: &Path,
    width: f32,
) -> egui_kittest::Harness<'static, kodierwerk::gui::KodierwerkApp> {
    let settings = kodierwerk::gui::Settings {
        coder: "Tester".into(),
        ..Default::default()
    };
    let path = path.to_owned();
    egui_kittest::Harness::builder()
        .with_size(egui::Vec2::new(width, 1000.0))
        .with_max_steps(40)
        .build_eframe(move |_cc| kodierwerk::gui::KodierwerkApp::new(Some(path), settings))
}

/// Codes characters `start..end` of a document with `kodierwerk code`; returns what it printed.
pub fn code_passage(
    p: &str,
    doc: &str,
    code: &str,
    coder: &str,
    start: usize,
    end: usize,
) -> String {
    kw_ok([
        "code",
        p,
        "--doc",
        doc,
        "--start",
        &start.to_string(),
        "--end",
        &end.to_string(),
        "--code",
        code,
        "--coder",
        coder,
    ])
}

/// Replaces the text of the field named `label` with `text`.
pub fn type_into(
    h: &mut egui_kittest::Harness<'static, kodierwerk::gui::KodierwerkApp>,
    label: &str,
    text: &str,
) {
    use egui_kittest::kittest::Queryable;
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text(text.into()));
    h.run();
}

/// Steps until the background jobs (imports, exports, merges) are done.
pub fn wait_for_jobs(h: &mut egui_kittest::Harness<'static, kodierwerk::gui::KodierwerkApp>) {
    for _ in 0..1000 {
        h.step();
        if !h.state().state.as_ref().unwrap().jobs.is_busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
}
