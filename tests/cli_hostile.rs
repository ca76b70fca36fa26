//! Hostile and broken input: each gets a clear sentence and a failure status, no panic, and leaves
//! the project byte-identical.

mod common;

use common::{Scratch, fingerprint, kw, kw_ok};

fn project_with_one_document(s: &Scratch) -> std::path::PathBuf {
    let project = s.path("p.kodierwerk");
    kw_ok(["new", project.to_str().unwrap()]);
    let file = s.file("a.txt", "I: Frage?\nB: Antwort.\n".as_bytes());
    kw_ok([
        "import",
        project.to_str().unwrap(),
        file.to_str().unwrap(),
        "--jobcenter",
        "Nord",
    ]);
    project
}

fn refused(args: &[&str], sentence: &str) {
    let run = kw(args);
    assert!(!run.ok, "{args:?} should fail");
    assert!(run.stderr.starts_with("kodierwerk: "), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains(sentence) || run.stdout.contains(sentence),
        "{args:?}: expected “{sentence}” in {} {}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let before = fingerprint(&project);
    let huge = s.path("riesig.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    refused(
        &[
            "import",
            project.to_str().unwrap(),
            huge.to_str().unwrap(),
            "--jobcenter",
            "Nord",
        ],
        "transcripts larger than 67 MB are refused",
    );
    assert_eq!(fingerprint(&project), before);
}

#[test]
fn odd_file_names_import_as_they_are() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let name = "Interview – Frau Ö. (2) 'neu' \"x\" 😀 ; $HOME.txt";
    let file = s.file(name, "I: Wie?\nB: So.\n".as_bytes());
    kw_ok([
        "import",
        project.to_str().unwrap(),
        file.to_str().unwrap(),
        "--jobcenter",
        "Nord",
    ]);
    let docs = common::json(&kw_ok([
        "docs",
        project.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert!(
        docs.as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == name.trim_end_matches(".txt"))
    );
}

#[test]
fn project_paths_that_are_not_projects_get_a_sentence() {
    let s = Scratch::new();
    let folder = s.path("ordner");
    std::fs::create_dir(&folder).unwrap();
    refused(&["docs", folder.to_str().unwrap()], "is a folder");
    refused(
        &["docs", s.path("fehlt.kodierwerk").to_str().unwrap()],
        "does not exist",
    );
    let text = s.file("notizen.kodierwerk", b"Das ist kein Projekt.");
    refused(&["docs", text.to_str().unwrap()], "not an SQLite database");
    let empty = s.file("leer.kodierwerk", b"");
    refused(&["docs", empty.to_str().unwrap()], "the file is empty");

    let foreign = s.path("fremd.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    refused(
        &[
            "code",
            foreign.to_str().unwrap(),
            "--doc",
            "1",
            "--start",
            "0",
            "--end",
            "1",
            "--code",
            "A",
            "--coder",
            "X",
        ],
        "database of another program",
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), before);

    refused(
        &["new", s.path("gibt/es/nicht.kodierwerk").to_str().unwrap()],
        "does not exist",
    );
}

#[test]
fn a_project_from_a_newer_version_is_refused_untouched() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    {
        let conn = rusqlite::Connection::open(&project).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = fingerprint(&project);
    refused(&["docs", project.to_str().unwrap()], "newer Kodierwerk");
    refused(
        &[
            "code",
            project.to_str().unwrap(),
            "--doc",
            "a",
            "--start",
            "0",
            "--end",
            "2",
            "--code",
            "Arbeitslogik",
            "--coder",
            "X",
        ],
        "newer Kodierwerk",
    );
    assert_eq!(fingerprint(&project), before);
}

#[test]
fn bad_ranges_and_paths_change_nothing() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    let before = fingerprint(&project);
    for (start, end, sentence) in [
        ("5", "3", "empty or reversed"),
        ("4", "4", "empty or reversed"),
        ("0", "1000", "past the end"),
    ] {
        refused(
            &[
                "code",
                p,
                "--doc",
                "a",
                "--start",
                start,
                "--end",
                end,
                "--code",
                "Arbeitslogik",
                "--coder",
                "X",
            ],
            sentence,
        );
    }
    // A negative position is not even a number the command line accepts.
    let run = kw([
        "code",
        p,
        "--doc",
        "a",
        "--start",
        "-1",
        "--end",
        "3",
        "--code",
        "Arbeitslogik",
        "--coder",
        "X",
    ]);
    assert!(
        !run.ok && run.stderr.contains("unexpected argument '-1'"),
        "{}",
        run.stderr
    );
    refused(
        &[
            "code", p, "--doc", "a", "--start", "0", "--end", "3", "--code", "Nicht/Da", "--coder",
            "X",
        ],
        "Nicht/Da",
    );
    refused(&["add-code", p, "A//B"], "empty");
    refused(&["segments", p, "--code", "Nicht/Da"], "Nicht/Da");
    assert_eq!(fingerprint(&project), before);
}

#[test]
fn an_export_that_cannot_be_written_says_so_and_leaves_nothing() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    refused(
        &[
            "export",
            "csv",
            p,
            s.path("fehlt/segmente.csv").to_str().unwrap(),
        ],
        "No such file or directory",
    );
    let folder = s.path("ziel");
    std::fs::create_dir(&folder).unwrap();
    refused(
        &["export", "csv", p, folder.to_str().unwrap()],
        "this is a folder",
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn an_export_never_replaces_a_project() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let other = s.path("andere.kodierwerk");
    kw_ok(["new", other.to_str().unwrap()]);
    let p = project.to_str().unwrap();
    let before = (fingerprint(&project), fingerprint(&other));
    for target in [p, other.to_str().unwrap()] {
        for kind in ["csv", "qdpx", "qdc"] {
            refused(
                &["export", kind, p, target],
                "is a database (a Kodierwerk project?); an export never replaces one",
            );
        }
    }
    assert_eq!((fingerprint(&project), fingerprint(&other)), before);
    // The path in the sentence stays as written, not capitalised.
    let run = kw(["export", "csv", p, p]);
    assert!(
        run.stderr.starts_with(&format!("kodierwerk: {p} ")),
        "{}",
        run.stderr
    );
    kw_ok(["docs", p]);
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap().to_owned();
    kw_ok(["new", &p]);
    let file = s.file(
        "a.txt",
        "B: "
            .to_owned()
            .as_bytes()
            .iter()
            .chain("x".repeat(500).as_bytes())
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    kw_ok(["import", &p, file.to_str().unwrap(), "--jobcenter", "Nord"]);
    let writers: Vec<_> = ["Anna", "Jonas"]
        .into_iter()
        .map(|coder| {
            let p = p.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let start = (i * 7).to_string();
                    let end = (i * 7 + 20).to_string();
                    let run = kw([
                        "code",
                        &p,
                        "--doc",
                        "a",
                        "--start",
                        &start,
                        "--end",
                        &end,
                        "--code",
                        "Arbeitslogik",
                        "--coder",
                        coder,
                    ]);
                    assert!(
                        run.ok || run.stderr.contains("in use by another"),
                        "{}",
                        run.stderr
                    );
                    assert!(run.ok, "a write was refused: {}", run.stderr);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let segments = common::json(&kw_ok(["segments", &p, "--format", "json"]));
    assert_eq!(segments.as_array().unwrap().len(), 50);
    let project = kodierwerk::project::Project::open(&project).unwrap();
    assert_eq!(project.integrity_check().unwrap(), "ok");
}

/// Makes a file immutable (even for root) while it lives; undoes that when dropped.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn new(path: &std::path::Path) -> Option<Self> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(path.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_read_only_project_says_so() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let before = std::fs::read(&project).unwrap();
    // Tests run as root, for whom file permissions do not hold: the immutable flag does.
    let Some(_guard) = Immutable::new(&project) else {
        eprintln!(
            "chattr is not available on this file system; the read-only case is not checked here"
        );
        return;
    };
    refused(
        &[
            "code",
            project.to_str().unwrap(),
            "--doc",
            "a",
            "--start",
            "0",
            "--end",
            "3",
            "--code",
            "Arbeitslogik",
            "--coder",
            "X",
        ],
        "cannot be written (read-only file or folder)",
    );
    assert_eq!(std::fs::read(&project).unwrap(), before);
}

#[test]
fn an_export_into_a_folder_without_write_permission_says_so() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let folder = s.path("gesperrt");
    std::fs::create_dir(&folder).unwrap();
    let Some(_guard) = Immutable::new(&folder) else {
        eprintln!(
            "chattr is not available on this file system; the locked folder is not checked here"
        );
        return;
    };
    refused(
        &[
            "export",
            "csv",
            project.to_str().unwrap(),
            folder.join("segmente.csv").to_str().unwrap(),
        ],
        "Operation not permitted",
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn a_sentence_says_its_cause_once() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    kw_ok(["add-code", p, "A"]);
    let run = kw([
        "code", p, "--doc", "1", "--start", "5", "--end", "5", "--code", "A", "--coder", "Anna",
    ]);
    assert!(!run.ok);
    assert_eq!(
        run.stderr.matches("empty or reversed").count(),
        1,
        "{}",
        run.stderr
    );
    let run = kw(["export", "csv", p, s.path("fehlt/x.csv").to_str().unwrap()]);
    assert!(!run.ok);
    assert_eq!(
        run.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn a_number_that_is_also_a_name_is_refused_naming_both() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    let one = s.file("1.txt", "I: Zweites?\nB: Ja.\n".as_bytes());
    kw_ok(["import", p, one.to_str().unwrap(), "--jobcenter", "Nord"]);
    refused(
        &["text", p, "--doc", "1"],
        "“1” is the number of the document “a” and the name of document 2",
    );
    assert!(kw_ok(["text", p, "--doc", "2"]).contains("Zweites"));
    assert!(kw_ok(["text", p, "--doc", "a"]).contains("Antwort"));
}

#[test]
fn a_coder_name_with_a_line_break_or_an_escape_is_refused() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    kw_ok(["add-code", p, "A"]);
    let before = fingerprint(&project);
    for coder in ["Anna\nJonas", "Anna\u{1b}]0;x\u{7}"] {
        let run = kw([
            "code", p, "--doc", "1", "--start", "0", "--end", "2", "--code", "A", "--coder", coder,
        ]);
        assert!(!run.ok);
        assert!(
            run.stderr.contains("not a usable coder name"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    }
    assert_eq!(fingerprint(&project), before);
}

#[test]
fn an_import_report_as_csv_is_csv() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    let good = s.file("b.txt", "I: Noch eine?\nB: Ja.\n".as_bytes());
    let empty = s.file("leer.txt", b"");
    let run = kw([
        "import",
        p,
        good.to_str().unwrap(),
        empty.to_str().unwrap(),
        "--jobcenter",
        "Nord",
        "--format",
        "csv",
    ]);
    assert!(!run.ok);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "file,status,document,name,jobcenter,encoding,detected_by,chars,turns,remarks_or_reason"
    );
    assert!(
        lines[1].contains(",imported,2,b,Nord,UTF-8,"),
        "{}",
        run.stdout
    );
    assert!(
        lines[2].contains(",refused,,,,,,,,the file is empty"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn escape_sequences_in_names_are_shown_not_sent_to_the_terminal() {
    let s = Scratch::new();
    let project = project_with_one_document(&s);
    let p = project.to_str().unwrap();
    let file = s.file(
        "Titel\u{1b}]0;gehackt\u{7}.txt",
        "I: Wie?\nB: So.\n".as_bytes(),
    );
    let run = kw([
        "import",
        p,
        file.to_str().unwrap(),
        "--jobcenter",
        "Nord\u{1b}[31m",
    ]);
    assert!(run.ok, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("\\u{1b}]0;gehackt\\u{7}"),
        "{:?}",
        run.stdout
    );
    let docs = kw_ok(["docs", p]);
    assert!(
        !docs.contains('\u{1b}') && !docs.contains('\u{7}'),
        "{docs:?}"
    );
    let run = kw(["text", p, "--doc", "Titel\u{1b}]0;gehackt"]);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}
