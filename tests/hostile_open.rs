//! Opening what is not quite a project this version can open: a format number no version writes,
//! our marker without our tables, a newer project whose write-ahead log still holds work. Each is
//! refused with a sentence before anything is written: no copy aside, no switch of the journal, no
//! log merged into the file.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, fingerprint, kw, kw_ok};
use rusqlite::Connection;
use rusqlite::config::DbConfig;

/// "KDWK": the marker of a Kodierwerk project.
const APPLICATION_ID: i32 = 0x4B44_574B;

fn project(s: &Scratch) -> PathBuf {
    let project = s.path("p.kodierwerk");
    kw_ok(["new", project.to_str().unwrap()]);
    project
}

/// Files in the scratch folder other than the project and its side files.
fn others(s: &Scratch) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("p.kodierwerk") || n.contains("before"))
        .collect();
    names.sort();
    names
}

/// Runs a command that must be refused with a sentence (no panic, no SQL), status 1.
fn refused(args: &[&str], sentence: &str) {
    let run = kw(args);
    assert!(!run.ok, "{args:?} should fail");
    assert!(run.stderr.starts_with("kodierwerk: "), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stderr.contains("CREATE"), "{}", run.stderr);
    assert!(run.stderr.contains(sentence), "{args:?}: {}", run.stderr);
}

/// Whether the file's header says write-ahead logging (bytes 18 and 19 are 2).
fn in_wal_mode(path: &Path) -> bool {
    let head = std::fs::read(path).unwrap();
    head[18] == 2 && head[19] == 2
}

#[test]
fn a_format_number_no_version_writes_is_refused_without_a_copy() {
    let s = Scratch::new();
    let p = project(&s);
    Connection::open(&p)
        .unwrap()
        .pragma_update(None, "user_version", -1)
        .unwrap();
    let before = fingerprint(&p);
    let path = p.to_str().unwrap();
    for args in [
        vec!["docs", path],
        vec!["add-code", path, "A"],
        vec!["codes", path],
    ] {
        refused(&args, "format -1");
    }
    assert_eq!(fingerprint(&p), before);
    assert!(others(&s).is_empty(), "{:?}", others(&s));
}

#[test]
fn our_marker_without_our_tables_is_refused_untouched() {
    let s = Scratch::new();
    // a database with the marker and a current format number, but none of the tables
    let bare = s.path("p.kodierwerk");
    {
        let conn = Connection::open(&bare).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
    }
    let before = fingerprint(&bare);
    refused(&["docs", bare.to_str().unwrap()], "is damaged");
    refused(&["docs", bare.to_str().unwrap()], "is damaged");
    assert_eq!(fingerprint(&bare), before);
    assert!(!in_wal_mode(&bare));
    assert!(others(&s).is_empty(), "{:?}", others(&s));

    // format 0 (nothing set up yet) but tables already there
    std::fs::remove_file(&bare).unwrap();
    let p = project(&s);
    Connection::open(&p)
        .unwrap()
        .pragma_update(None, "user_version", 0)
        .unwrap();
    let before = fingerprint(&p);
    refused(&["docs", p.to_str().unwrap()], "is damaged");
    refused(&["docs", p.to_str().unwrap()], "is damaged");
    assert_eq!(fingerprint(&p), before);
    assert!(others(&s).is_empty(), "{:?}", others(&s));
}

#[test]
fn a_newer_project_with_work_in_its_log_is_refused_before_the_log_is_merged() {
    let s = Scratch::new();
    let p = project(&s);
    {
        // a newer Kodierwerk's work, still in the write-ahead log when it stopped
        let conn = Connection::open(&p).unwrap();
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.execute(
            "INSERT INTO project_info (key, value) VALUES ('neu', 'x')",
            [],
        )
        .unwrap();
    }
    let mut wal = p.as_os_str().to_owned();
    wal.push("-wal");
    assert!(std::fs::metadata(PathBuf::from(&wal)).unwrap().len() > 0);
    let before = fingerprint(&p);
    refused(
        &["docs", p.to_str().unwrap()],
        "written by a newer Kodierwerk",
    );
    assert_eq!(fingerprint(&p), before, "the log was merged into the file");
    assert!(others(&s).is_empty(), "{:?}", others(&s));
}
