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

#[test]
fn a_log_left_behind_is_copied_aside_with_the_file_before_it_is_merged() {
    let s = Scratch::new();
    let p = project(&s);
    {
        // work that stayed in the write-ahead log (a crash, or a log copied back from elsewhere)
        let conn = Connection::open(&p).unwrap();
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
        conn.execute(
            "INSERT INTO project_info (key, value) VALUES ('spur', 'vorher')",
            [],
        )
        .unwrap();
    }
    let before = fingerprint(&p);
    let path = p.to_str().unwrap();

    // while another process has the project open, its log is its own: no copy
    let holder = Connection::open(&p).unwrap();
    holder
        .query_row("SELECT count(*) FROM project_info", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    let run = kw(["docs", path]);
    assert!(run.ok, "{}", run.stderr);
    assert!(others(&s).is_empty(), "{:?}", others(&s));
    holder
        .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .unwrap();
    drop(holder);
    assert_eq!(fingerprint(&p), before);

    // alone, the read-only `docs` makes SQLite merge the log: the file and the log are copied first
    let run = kw(["docs", path]);
    assert!(run.ok, "{}", run.stderr);
    assert!(
        run.stderr.contains("p.kodierwerk.before-recovery"),
        "{}",
        run.stderr
    );
    let copy = s.path("p.kodierwerk.before-recovery");
    assert_eq!(fingerprint(&copy), before);
    assert_eq!(
        others(&s),
        [
            "p.kodierwerk.before-recovery",
            "p.kodierwerk.before-recovery-wal"
        ]
    );
    let spur: String = Connection::open(&copy)
        .unwrap()
        .query_row(
            "SELECT value FROM project_info WHERE key = 'spur'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(spur, "vorher");
    // once merged, the next run has nothing to copy
    let run = kw(["docs", path]);
    assert!(run.ok, "{}", run.stderr);
    assert!(!run.stderr.contains("before-recovery"), "{}", run.stderr);
    assert!(!s.path("p.kodierwerk.before-recovery-2").exists());
}

#[test]
fn code_trees_stop_at_a_stated_depth_wherever_codes_are_made() {
    let s = Scratch::new();
    let p = project(&s);
    let path = p.to_str().unwrap();
    let before = fingerprint(&p);
    let deep = vec!["x"; 20_000].join("/");
    refused(&["add-code", path, &deep], "more than 32 levels deep");
    let deep33 = vec!["x"; 33].join("/");
    refused(&["add-code", path, &deep33], "more than 32 levels deep");
    assert_eq!(fingerprint(&p), before);
    let deep32 = vec!["y"; 32].join("/");
    kw_ok(["add-code", path, &deep32]);
    // a codebook file
    let codebook = s.file(
        "tief.toml",
        format!("[[code]]\npath = \"{deep33}\"\ncolor = \"#FFFFFF\"\n").as_bytes(),
    );
    refused(
        &[
            "new",
            s.path("neu.kodierwerk").to_str().unwrap(),
            "--codebook",
            codebook.to_str().unwrap(),
        ],
        "more than 32 levels deep",
    );
    // moving a subtree under a deep code
    let mut project = kodierwerk::project::Project::open(&p).unwrap();
    let top = project.add_code("z/z/z", None, "").unwrap();
    let z = project.code_by_path("z").unwrap().id;
    let deepest = project.code_by_path(&vec!["y"; 31].join("/")).unwrap().id;
    let err = project.move_code(z, Some(deepest), None).unwrap_err();
    assert!(
        err.to_string().contains("more than 32 levels deep"),
        "{err}"
    );
    assert!(project.code_by_path("z/z/z").unwrap().id == top);
    // a REFI-QDA codebook nesting 40 codes
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"x\"><Codes>",
    );
    for i in 0..40 {
        xml.push_str(&format!(
            "<Code guid=\"00000000-0000-4000-8000-{i:012}\" name=\"k{i}\" isCodable=\"true\">"
        ));
    }
    xml.push_str(&"</Code>".repeat(40));
    xml.push_str("</Codes></CodeBook>");
    let qdc = s.file("tief.qdc", xml.as_bytes());
    drop(project);
    let before = fingerprint(&p);
    refused(
        &["import-qdc", path, qdc.to_str().unwrap()],
        "more than 32 levels deep",
    );
    assert_eq!(fingerprint(&p), before);
}

#[cfg(feature = "gui")]
#[test]
fn the_window_says_when_a_log_left_behind_was_copied_aside() {
    use egui_kittest::kittest::Queryable;
    let s = Scratch::new();
    let p = project(&s);
    {
        let conn = Connection::open(&p).unwrap();
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .unwrap();
        conn.execute(
            "INSERT INTO project_info (key, value) VALUES ('spur', 'vorher')",
            [],
        )
        .unwrap();
    }
    let mut h = common::workbench_on(&p, 1400.0);
    h.run();
    assert!(
        h.query_by_label_contains("p.kodierwerk.before-recovery")
            .is_some()
    );
    assert!(s.path("p.kodierwerk.before-recovery").exists());
}
