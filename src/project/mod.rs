//! The project file: one SQLite database per project. The only place in Kodierwerk with SQL.
//!
//! Every change a researcher makes is one committed transaction that also writes an entry of the
//! action log ([`log`]); nothing waits in memory for a "save".

mod attributes;
mod autocode;
pub mod bundle;
mod codes;
mod consensus;
mod documents;
mod jobcenters;
pub mod log;
mod memos;
mod merge;
mod recovery;
pub mod schema;
mod segments;
#[cfg(test)]
mod testing;
mod typology;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::model::error::{Error, Result};

pub use attributes::{DIGITALISIERUNGSTYP, LAGE, TRAEGERSCHAFT, canonical_value, fold};
pub use autocode::{CodedPassages, NewPassage, Planned, PlannedSegment};
pub use consensus::{
    CONSENSUS_CODER, ConsensusChoice, ConsensusDecision, ConsensusOutcome, consensus_label,
};
pub use documents::{NewDocument, content_hash};
pub use log::{Replayed, ReplayedRow};
pub use merge::{
    Conflict, Kind as MergeKind, KindCount, LeftOut, LeftOutReason, MergeMode, MergeReport,
    Resolution,
};
pub use segments::SegmentFilter;
pub use typology::Evidence;

/// An open project file.
pub struct Project {
    conn: Connection,
    path: PathBuf,
    /// Where the file and its write-ahead log were copied before SQLite recovered the log.
    recovery_copy: Option<PathBuf>,
    _open: recovery::OpenHere,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project").field("path", &self.path).finish()
    }
}

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Project {
    /// Creates a new, empty project file; refuses to overwrite anything.
    pub fn create(path: &Path) -> Result<Self> {
        if path.exists() {
            return Err(Error::ProjectExists(path.to_owned()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::CannotOpen) => Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the folder does not exist or cannot be written",
                ),
            ),
            _ => Error::from(e),
        })?;
        let mut project = Self {
            conn,
            path: path.to_owned(),
            recovery_copy: None,
            _open: recovery::OpenHere::new(path),
        };
        let result = project.initialise();
        if result.is_err() {
            drop(project);
            remove_database(path);
        }
        result?;
        Self::open(path)
    }

    /// Opens an existing project, migrating an older one after copying it aside.
    pub fn open(path: &Path) -> Result<Self> {
        check_file(path)?;
        let version = probe(path)?;
        let recovery_copy = recovery::keep_log_aside(path)?;
        let open_here = recovery::OpenHere::new(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        configure(&conn)?;
        let mut project = Self {
            conn,
            path: path.to_owned(),
            recovery_copy,
            _open: open_here,
        };
        if version < schema::CURRENT_VERSION {
            project.back_up_before_migration(version)?;
            project.migrate(version).map_err(|e| Error::UpgradeFailed {
                path: path.to_owned(),
                from: version,
                reason: short_reason(e),
            })?;
        }
        Ok(project)
    }

    /// A new, empty project that lives in memory only: where a file of another program is read
    /// into before it is merged. Nothing of it reaches the disk.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let path = PathBuf::from(":memory:");
        let mut project = Self {
            conn,
            _open: recovery::OpenHere::new(&path),
            path,
            recovery_copy: None,
        };
        project.initialise()?;
        Ok(project)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the file and its write-ahead log were copied before SQLite merged a log left behind
    /// (by a crash, or put there from elsewhere), if it had to: opening that copy gives the state
    /// before the merge.
    pub fn recovery_copy(&self) -> Option<&Path> {
        self.recovery_copy.as_deref()
    }

    /// Runs several reads on one snapshot of the file, so that a write committed meanwhile by
    /// another connection (a background import, the command line) is seen whole or not at all.
    pub fn snapshot<T>(&self, read: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let result = read(self);
        tx.rollback()?;
        result
    }

    /// Undoes the latest change; returns what it was.
    pub fn undo(&mut self) -> Result<String> {
        Ok(log::undo(&mut self.conn)?.label)
    }

    /// Redoes the change undone last; returns what it was.
    pub fn redo(&mut self) -> Result<String> {
        Ok(log::redo(&mut self.conn)?.label)
    }

    /// Undoes the latest change; says which rows it wrote back, so that a view can read again
    /// only what changed.
    pub fn undo_replayed(&mut self) -> Result<log::Replayed> {
        log::undo(&mut self.conn)
    }

    /// Redoes the change undone last; says which rows it wrote back.
    pub fn redo_replayed(&mut self) -> Result<log::Replayed> {
        log::redo(&mut self.conn)
    }

    /// The newest `limit` entries of the action log.
    pub fn actions(&self, limit: usize) -> Result<Vec<log::Action>> {
        log::actions(&self.conn, limit)
    }

    /// Empties the action log: nothing before this point can be undone any more. For generated
    /// projects, whose bulk data is not recorded.
    pub(crate) fn forget_history(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM actions", [])?;
        Ok(())
    }

    /// Appends `n` entries to the action log that change nothing, each larger than a coding's
    /// (600 bytes; a coding's entry names its row in about 60): a long history for benchmarks,
    /// never on a researcher's data.
    pub fn append_generated_history(&mut self, n: usize) -> Result<()> {
        log::append_generated(&mut self.conn, n)
    }

    /// Runs SQLite's own consistency check; `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    fn change(&mut self) -> Result<log::Change<'_>> {
        log::Change::begin(&mut self.conn)
    }

    fn initialise(&mut self) -> Result<()> {
        self.conn
            .pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.migrate(0)
    }

    /// Brings the schema from version `from` to the current one, one committed step per version.
    fn migrate(&mut self, from: i64) -> Result<()> {
        for version in from..schema::CURRENT_VERSION {
            let tx = self.conn.transaction()?;
            tx.execute_batch(schema::MIGRATIONS[version as usize])?;
            if version == 3 {
                log::compact_turns(&tx)?;
                tx.execute_batch(schema::V4_AFTER_COMPACTION)?;
            }
            if version == 5 {
                log::derived_guids(&tx)?;
                tx.execute_batch(schema::V6_AFTER_GUIDS)?;
            }
            if version == 0 {
                tx.execute(
                    "INSERT INTO project_info (key, value) VALUES ('guid', ?1), ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    [new_guid()],
                )?;
                attributes::insert_builtin(&tx)?;
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn back_up_before_migration(&self, version: i64) -> Result<()> {
        let stem = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into());
        let mut backup = self
            .path
            .with_file_name(format!("{stem}.before-format-{version}"));
        let mut n = 1;
        while backup.exists() {
            n += 1;
            backup = self
                .path
                .with_file_name(format!("{stem}.before-format-{version}.{n}"));
        }
        self.conn
            .backup(rusqlite::MAIN_DB, &backup, rusqlite::backup::NO_PROGRESS)?;
        Ok(())
    }
}

/// A connection that only reads, and never merges the write-ahead log into the file.
fn read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// What the file is, found out without writing anything (a read-only connection that never
/// merges the write-ahead log into the file): its format.
/// Refuses a database of another program, a newer project, a format number no version writes,
/// and our marker on a database without the tables its format has.
fn probe(path: &Path) -> Result<i64> {
    let conn = read_only(path)?;
    let not_ours = |reason: String| Error::NotAProject {
        path: path.to_owned(),
        reason,
    };
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_ours("the file is damaged".into()),
            _ => Error::from(e),
        })?;
    if application_id != schema::APPLICATION_ID {
        return Err(not_ours("it is a database of another program".into()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::CURRENT_VERSION {
        return Err(Error::NewerVersion {
            path: path.to_owned(),
            found: version,
            known: schema::CURRENT_VERSION,
        });
    }
    if version < 0 {
        return Err(not_ours(format!(
            "it carries project format {version}, which no Kodierwerk writes: the file is damaged or was changed by another program; it was not changed"
        )));
    }
    let mut statement = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?;
    let tables: Vec<String> = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if version == 0 {
        if !tables.is_empty() {
            return Err(not_ours(
                "it carries project format 0 (not set up) but holds tables: the file is damaged or was changed by another program; it was not changed".into(),
            ));
        }
        return Ok(0);
    }
    let missing: Vec<&str> = schema::FOUNDATION_TABLES
        .iter()
        .copied()
        .filter(|t| !tables.iter().any(|have| have == t))
        .collect();
    if !missing.is_empty() {
        return Err(not_ours(format!(
            "it carries Kodierwerk's marker but lacks the tables {}: the file is damaged or was made by another program; it was not changed",
            missing.join(", ")
        )));
    }
    Ok(version)
}

/// A database error as the end of a sentence, without the SQL that caused it.
fn short_reason(error: Error) -> String {
    match error {
        Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(message)))
        | Error::Sqlite(rusqlite::Error::SqlInputError { msg: message, .. }) => message,
        Error::Sqlite(e) => e
            .sqlite_error_code()
            .map_or_else(|| "a database error".to_owned(), |c| format!("{c:?}")),
        other => other.to_string(),
    }
}

/// Settings of every connection: write-ahead log, durable commits, foreign keys, patience with a
/// second process.
fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -65_536)?;
    Ok(())
}

/// Refuses what is plainly no project before SQLite touches it.
/// Whether the file at `path` is an SQLite database (a project, or another program's): exports
/// must never replace one.
pub fn is_database(path: &Path) -> bool {
    let mut head = [0u8; 16];
    crate::model::file::open_regular(path)
        .is_ok_and(|mut f| f.read_exact(&mut head).is_ok() && &head == SQLITE_MAGIC)
}

fn check_file(path: &Path) -> Result<()> {
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::ProjectMissing(path.to_owned()),
        _ => Error::io(path, e),
    })?;
    if metadata.is_dir() {
        return Err(Error::ProjectIsDirectory(path.to_owned()));
    }
    let mut file = crate::model::file::open_regular(path).map_err(|e| match e {
        crate::model::file::FileError::NotAFile => Error::NotAProject {
            path: path.to_owned(),
            reason: "it is not a regular file but a pipe, a device or a socket".into(),
        },
        e => Error::file(path, e),
    })?;
    let mut head = [0u8; 16];
    let read = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    if read == 0 {
        return Err(Error::NotAProject {
            path: path.to_owned(),
            reason: "the file is empty".into(),
        });
    }
    if read < 16 || &head != SQLITE_MAGIC {
        return Err(Error::NotAProject {
            path: path.to_owned(),
            reason: "it is not an SQLite database".into(),
        });
    }
    Ok(())
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// A fresh GUID for an entity, kept for the life of the project (REFI-QDA exchange needs stable ones).
pub(crate) fn new_guid() -> String {
    // Time-ordered (version 7): new rows append to the GUID indexes instead of landing at random
    // places in them, which keeps a batch of 100,000 codings from rewriting the whole index.
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CharRange, MemoTarget};

    #[test]
    fn a_long_generated_history_changes_nothing_and_undo_reaches_through_it() {
        let (_dir, mut project) = super::testing::project();
        let doc = super::testing::document(&mut project, "d", "Größe und Maß");
        let code = project.add_code("A", None, "").unwrap();
        project.append_generated_history(3).unwrap();
        let before = super::testing::state(&project);
        project
            .apply_code(doc, CharRange::new(0, 5).unwrap(), code, "Anna", "")
            .unwrap();
        project.undo().unwrap();
        assert_eq!(super::testing::state(&project), before);
        for _ in 0..3 {
            assert_eq!(project.undo().unwrap(), "erzeugt");
            assert_eq!(super::testing::state(&project), before);
        }
        // A new change ends the redo history: the undone entries are gone, through the index.
        project.set_memo(&MemoTarget::Project, "neu").unwrap();
        assert!(project.redo().is_err());
        assert_eq!(
            project
                .actions(100)
                .unwrap()
                .iter()
                .filter(|a| a.undone)
                .count(),
            0
        );
    }

    #[test]
    fn a_new_project_reopens_with_its_version_and_marker() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.kodierwerk");
        drop(Project::create(&path).unwrap());
        let project = Project::open(&path).unwrap();
        let version: i64 = project
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::CURRENT_VERSION);
        let mode: String = project
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert!(matches!(
            Project::create(&path),
            Err(Error::ProjectExists(_))
        ));
    }

    #[test]
    fn a_newer_project_is_refused_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.kodierwerk");
        drop(Project::create(&path).unwrap());
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", schema::CURRENT_VERSION + 1)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Project::open(&path).unwrap_err();
        assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
        assert!(err.to_string().contains("newer Kodierwerk"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn an_older_project_is_copied_aside_then_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.kodierwerk");
        {
            // A file of version 0: marked as ours, but with no schema yet.
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .unwrap();
        }
        let project = Project::open(&path).unwrap();
        let version: i64 = project
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::CURRENT_VERSION);
        assert!(dir.path().join("old.kodierwerk.before-format-0").exists());
    }

    #[test]
    fn a_version_1_project_gains_its_segment_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.kodierwerk");
        {
            // A version-1 project with two segments, as the first release wrote it.
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(schema::MIGRATIONS[0]).unwrap();
            tx.execute_batch(
                "INSERT INTO jobcenters VALUES (1, 'J', 0, 'g1', 'now');
                 INSERT INTO texts VALUES (1, 'h', 10, 'Größe eins');
                 INSERT INTO documents VALUES (1, 1, 'd', 1, 'd.txt', 'UTF-8', 0, 'g2', 'now');
                 INSERT INTO codes VALUES (1, NULL, 'A', '#FFFFFF', '', 0, 'g3', 'now');
                 INSERT INTO coders VALUES (1, 'Anna', 'g4', 'now');
                 INSERT INTO segments VALUES (1, 1, 1, 1, 0, 5, 'Größe', '', 'g5', 'now', 'now');
                 INSERT INTO segments VALUES (2, 1, 1, 1, 1, 4, 'röß', '', 'g6', 'now', 'now');",
            )
            .unwrap();
            tx.pragma_update(None, "user_version", 1).unwrap();
            tx.commit().unwrap();
        }
        let mut project = Project::open(&path).unwrap();
        assert!(dir.path().join("v1.kodierwerk.before-format-1").exists());
        let counts = project.code_counts().unwrap();
        assert_eq!(counts[&crate::model::CodeId(1)], (2, 2));
        assert_eq!(project.documents().unwrap()[0].segments, 2);
        // The counts follow every later change, undo included.
        project
            .apply_code(
                crate::model::DocumentId(1),
                CharRange::new(0, 3).unwrap(),
                crate::model::CodeId(1),
                "Anna",
                "",
            )
            .unwrap();
        assert_eq!(
            project.code_counts().unwrap()[&crate::model::CodeId(1)],
            (3, 3)
        );
        project.undo().unwrap();
        assert_eq!(
            project.code_counts().unwrap()[&crate::model::CodeId(1)],
            (2, 2)
        );
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.kodierwerk");
        std::fs::write(&empty, b"").unwrap();
        assert!(
            Project::open(&empty)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );

        let text = dir.path().join("notes.kodierwerk");
        std::fs::write(&text, b"just some notes").unwrap();
        assert!(matches!(
            Project::open(&text),
            Err(Error::NotAProject { .. })
        ));

        let foreign = dir.path().join("other.sqlite");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let before = std::fs::read(&foreign).unwrap();
        let err = Project::open(&foreign).unwrap_err();
        assert!(err.to_string().contains("another program"), "{err}");
        assert_eq!(std::fs::read(&foreign).unwrap(), before);

        assert!(matches!(
            Project::open(dir.path()),
            Err(Error::ProjectIsDirectory(_))
        ));
        assert!(matches!(
            Project::open(&dir.path().join("missing.kodierwerk")),
            Err(Error::ProjectMissing(_))
        ));
    }
}
