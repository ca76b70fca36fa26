//! Files that are not what a command expects: an export aimed at a database's side files, a
//! symbolic link, a pipe; pipes and endless devices named as transcript, project, codebook or
//! exchange file. Each is refused at once with a sentence, and nothing is replaced or changed.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, Scratch, fingerprint, kw_ok};
use kodierwerk::model::CharRange;
use kodierwerk::project::{Project, SegmentFilter};

fn project_with_one_document(s: &Scratch) -> PathBuf {
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

/// Runs the binary and fails the test if it has not ended after ten seconds (a hang).
fn kw_within(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kodierwerk"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap().into()
}

fn refused_within(args: &[&str], sentence: &str) {
    let run = kw_within(args);
    assert!(!run.ok, "{args:?} should fail: {}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr.contains(sentence) || run.stdout.contains(sentence),
        "{args:?}: expected “{sentence}” in {} {}",
        run.stdout,
        run.stderr
    );
}

fn fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

/// Which file stands at a path (a replaced file is a new one), `None` if none.
fn inode(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).ok().map(|m| m.ino())
}

fn side(project: &Path, ending: &str) -> PathBuf {
    let mut name = project.as_os_str().to_owned();
    name.push(ending);
    PathBuf::from(name)
}

#[test]
fn an_export_never_replaces_a_databases_side_files() {
    let s = Scratch::new();
    let path = project_with_one_document(&s);
    let p = path.to_str().unwrap();
    // the window has the project open: its -wal and -shm are live
    let mut open = Project::open(&path).unwrap();
    let doc = open.documents().unwrap()[0].id;
    let code = open.add_code("A", None, "").unwrap();
    open.apply_code(doc, CharRange::new(0, 2).unwrap(), code, "Anna", "")
        .unwrap();
    for ending in ["-wal", "-shm", "-journal"] {
        let target = side(&path, ending);
        let before = inode(&target);
        for kind in ["csv", "qdpx", "qdc"] {
            refused_within(
                &["export", kind, p, target.to_str().unwrap()],
                "side file of an SQLite database",
            );
        }
        assert_eq!(inode(&target), before, "{ending} was replaced");
    }
    // work acknowledged afterwards is kept
    for start in [3, 5, 7] {
        open.apply_code(
            doc,
            CharRange::new(start, start + 1).unwrap(),
            code,
            "Anna",
            "",
        )
        .unwrap();
    }
    drop(open);
    let reopened = Project::open(&path).unwrap();
    assert_eq!(reopened.integrity_check().unwrap(), "ok");
    assert_eq!(
        reopened.segments(&SegmentFilter::default()).unwrap().len(),
        4
    );
    // a name that only ends like a side file is an ordinary export
    s.file("notizen.txt", b"meine Notizen");
    let notes = s.path("notizen.txt-wal");
    kw_ok(["export", "csv", p, notes.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&notes)
            .unwrap()
            .starts_with("segment_id")
    );
}

#[test]
fn an_export_replaces_only_regular_files_and_writes_to_standard_output_on_request() {
    let s = Scratch::new();
    let path = project_with_one_document(&s);
    let p = path.to_str().unwrap();
    let real = s.file("eigen.csv", b"meine Tabelle");
    let link = s.path("verweis.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    refused_within(
        &["export", "csv", p, link.to_str().unwrap()],
        "it is a symbolic link",
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"meine Tabelle");
    let pipe = s.path("rohr.csv");
    fifo(&pipe);
    for kind in ["csv", "qdc"] {
        refused_within(
            &["export", kind, p, pipe.to_str().unwrap()],
            "not a regular file but a device, a pipe or a socket",
        );
        assert!(is_fifo(&pipe));
    }
    let run = kw_within(&["export", "csv", p, "-"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.starts_with("segment_id"), "{}", run.stdout);
    assert_eq!(run.stderr, "wrote 0 segments to standard output\n");
    assert!(!s.path("-").exists());
}

#[test]
fn pipes_and_endless_devices_are_refused_before_they_are_read() {
    let s = Scratch::new();
    let path = project_with_one_document(&s);
    let p = path.to_str().unwrap();
    let before = fingerprint(&path);
    let pipe = s.path("rohr");
    fifo(&pipe);
    let zero = |name: &str| {
        let link = s.path(name);
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        link
    };
    let (zero_txt, zero_qdc, zero_toml) = (zero("null.txt"), zero("null.qdc"), zero("null.toml"));
    let pipe = pipe.to_str().unwrap();
    let not_a_file = "not a regular file";
    for file in [pipe, zero_txt.to_str().unwrap()] {
        refused_within(&["import", p, file, "--jobcenter", "Nord"], not_a_file);
    }
    for file in [pipe, zero_qdc.to_str().unwrap()] {
        refused_within(&["import-qdc", p, file], not_a_file);
        refused_within(&["import-qdpx", p, file], not_a_file);
    }
    refused_within(&["docs", pipe], not_a_file);
    let new = s.path("neu.kodierwerk");
    for codebook in [pipe, zero_toml.to_str().unwrap()] {
        refused_within(
            &["new", new.to_str().unwrap(), "--codebook", codebook],
            not_a_file,
        );
        assert!(!new.exists());
    }
    refused_within(
        &["code", p, "--from", zero_txt.to_str().unwrap()],
        not_a_file,
    );
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn generated_transcripts_are_written_only_as_new_files_and_their_size_is_bounded() {
    let s = Scratch::new();
    let path = project_with_one_document(&s);
    let before = fingerprint(&path);
    let folder = s.path("korpus");
    std::fs::create_dir(&folder).unwrap();
    std::os::unix::fs::symlink(&path, folder.join("G00001.txt")).unwrap();
    std::fs::write(folder.join("G00002.txt"), b"meine Datei").unwrap();
    let folder_arg = folder.to_str().unwrap();
    refused_within(
        &["generate-corpus", folder_arg, "--documents", "2"],
        "exists already",
    );
    assert_eq!(fingerprint(&path), before);
    assert!(
        std::fs::symlink_metadata(folder.join("G00001.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_file(folder.join("G00001.txt")).unwrap();
    refused_within(
        &["generate-corpus", folder_arg, "--documents", "2"],
        "exists already",
    );
    assert_eq!(
        std::fs::read(folder.join("G00002.txt")).unwrap(),
        b"meine Datei"
    );

    let new = s.path("gross.kodierwerk");
    let new_arg = new.to_str().unwrap();
    for args in [
        ["--chars", "0"],
        ["--chars", "99999999999"],
        ["--documents", "100000000"],
        ["--segments", "99999999"],
    ] {
        let mut all = vec!["generate", new_arg];
        all.extend(args);
        refused_within(&all, "out of range");
        assert!(!new.exists());
    }
    refused_within(
        &[
            "generate",
            new_arg,
            "--documents",
            "100000",
            "--chars",
            "10000000",
        ],
        "would take more than",
    );
    assert!(!new.exists());
}

#[test]
fn temporary_files_of_killed_exports_are_cleaned_up() {
    let s = Scratch::new();
    let path = project_with_one_document(&s);
    let stale = s.file(".kodierwerk-export-AbC123", b"halb");
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    let running = s.file(".kodierwerk-export-XyZ789", b"wird geschrieben");
    let other = s.file(".versteckt", b"fremd");
    kw_ok([
        "export",
        "csv",
        path.to_str().unwrap(),
        s.path("segmente.csv").to_str().unwrap(),
    ]);
    assert!(!stale.exists());
    assert!(running.exists());
    assert!(other.exists());
}
