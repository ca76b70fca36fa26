//! The project file's schema and its forward migrations.
//!
//! `PRAGMA user_version` holds the schema version; `PRAGMA application_id` marks the file as a
//! Kodierwerk project. Migration `n` takes a file from version `n` to `n + 1`.

/// "KDWK" in ASCII: marks an SQLite file as a Kodierwerk project.
pub const APPLICATION_ID: i32 = 0x4B44_574B;

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = 4;

/// Migrations in order; `MIGRATIONS[n]` takes a project from version `n` to `n + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// Version 1: the foundation.
///
/// Dependent rows are removed by the core explicitly (no `ON DELETE CASCADE`), so that every row a
/// change removes is recorded in the action log and can be restored by undo.
const V1: &str = r#"
CREATE TABLE project_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE attributes (
    id       INTEGER PRIMARY KEY,
    scope    TEXT NOT NULL CHECK (scope IN ('jobcenter', 'document')),
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('choice', 'text', 'date')),
    choices  TEXT,
    position INTEGER NOT NULL,
    guid     TEXT NOT NULL UNIQUE
);
CREATE UNIQUE INDEX attributes_name ON attributes (scope, name COLLATE NOCASE);

CREATE TABLE jobcenters (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    guid       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX jobcenters_name ON jobcenters (name COLLATE NOCASE);

CREATE TABLE jobcenter_values (
    id           INTEGER PRIMARY KEY,
    jobcenter_id INTEGER NOT NULL REFERENCES jobcenters (id) DEFERRABLE INITIALLY DEFERRED,
    attribute_id INTEGER NOT NULL REFERENCES attributes (id) DEFERRABLE INITIALLY DEFERRED,
    value        TEXT NOT NULL,
    UNIQUE (jobcenter_id, attribute_id)
);

-- Texts are immutable and addressed by content; documents point at them. Undoing an import removes the
-- document but keeps its text, so that redo can bring it back.
CREATE TABLE texts (
    id       INTEGER PRIMARY KEY,
    sha256   TEXT NOT NULL UNIQUE,
    char_len INTEGER NOT NULL,
    body     TEXT NOT NULL
);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    jobcenter_id INTEGER NOT NULL REFERENCES jobcenters (id) DEFERRABLE INITIALLY DEFERRED,
    name         TEXT NOT NULL,
    text_id      INTEGER NOT NULL REFERENCES texts (id) DEFERRABLE INITIALLY DEFERRED,
    source_name  TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    position     INTEGER NOT NULL,
    guid         TEXT NOT NULL UNIQUE,
    imported_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX documents_name ON documents (name COLLATE NOCASE);
CREATE INDEX documents_jobcenter ON documents (jobcenter_id);

CREATE TABLE document_values (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    attribute_id INTEGER NOT NULL REFERENCES attributes (id) DEFERRABLE INITIALLY DEFERRED,
    value        TEXT NOT NULL,
    UNIQUE (document_id, attribute_id)
);

CREATE TABLE turns (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    ordinal     INTEGER NOT NULL,
    speaker     TEXT NOT NULL,
    timestamp   TEXT,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    CHECK (start <= "end")
);
CREATE INDEX turns_document ON turns (document_id, start);

CREATE TABLE codes (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES codes (id) DEFERRABLE INITIALLY DEFERRED,
    name        TEXT NOT NULL CHECK (name <> '' AND instr(name, '/') = 0),
    color       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    guid        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX codes_name ON codes (coalesce(parent_id, 0), name);

CREATE TABLE coders (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    guid       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX coders_name ON coders (name COLLATE NOCASE);

CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) DEFERRABLE INITIALLY DEFERRED,
    code_id     INTEGER NOT NULL REFERENCES codes (id) DEFERRABLE INITIALLY DEFERRED,
    coder_id    INTEGER NOT NULL REFERENCES coders (id) DEFERRABLE INITIALLY DEFERRED,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    memo        TEXT NOT NULL DEFAULT '',
    guid        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    CHECK (start < "end")
);
CREATE INDEX segments_document ON segments (document_id, start);
CREATE INDEX segments_code ON segments (code_id);

CREATE TABLE memos (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('project', 'jobcenter', 'document', 'code')),
    target_id   INTEGER NOT NULL,
    text        TEXT NOT NULL,
    guid        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    UNIQUE (target_kind, target_id)
);

-- One row per change a researcher made, with the rows it changed before and after, for undo and redo.
CREATE TABLE actions (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    label   TEXT NOT NULL,
    changes TEXT NOT NULL,
    state   TEXT NOT NULL CHECK (state IN ('done', 'undone'))
);
"#;

/// Version 2: segment counts per document and code, kept by triggers, so that the code system and
/// the document list show counts without scanning a million segments after every change.
const V2: &str = r#"
CREATE TABLE segment_counts (
    document_id INTEGER NOT NULL,
    code_id     INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (document_id, code_id)
) WITHOUT ROWID;

INSERT INTO segment_counts (document_id, code_id, n)
    SELECT document_id, code_id, count(*) FROM segments GROUP BY document_id, code_id;

CREATE TRIGGER segment_counts_insert AFTER INSERT ON segments BEGIN
    INSERT INTO segment_counts (document_id, code_id, n) VALUES (NEW.document_id, NEW.code_id, 1)
        ON CONFLICT (document_id, code_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER segment_counts_delete AFTER DELETE ON segments BEGIN
    UPDATE segment_counts SET n = n - 1 WHERE document_id = OLD.document_id AND code_id = OLD.code_id;
    DELETE FROM segment_counts WHERE document_id = OLD.document_id AND code_id = OLD.code_id AND n <= 0;
END;

CREATE TRIGGER segment_counts_update AFTER UPDATE OF document_id, code_id ON segments
WHEN OLD.document_id <> NEW.document_id OR OLD.code_id <> NEW.code_id BEGIN
    UPDATE segment_counts SET n = n - 1 WHERE document_id = OLD.document_id AND code_id = OLD.code_id;
    DELETE FROM segment_counts WHERE document_id = OLD.document_id AND code_id = OLD.code_id AND n <= 0;
    INSERT INTO segment_counts (document_id, code_id, n) VALUES (NEW.document_id, NEW.code_id, 1)
        ON CONFLICT (document_id, code_id) DO UPDATE SET n = n + 1;
END;
"#;

/// Version 3: evidence for the typology, segments that justify a jobcenter's type.
const V3: &str = r#"
CREATE TABLE type_evidence (
    id           INTEGER PRIMARY KEY,
    jobcenter_id INTEGER NOT NULL REFERENCES jobcenters (id) DEFERRABLE INITIALLY DEFERRED,
    segment_id   INTEGER NOT NULL REFERENCES segments (id) DEFERRABLE INITIALLY DEFERRED,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    UNIQUE (jobcenter_id, segment_id)
);
CREATE INDEX type_evidence_segment ON type_evidence (segment_id);
"#;

/// Version 4: the undone changes found by an index, so that a commit, which ends the redo history,
/// no longer reads the whole action log to find them.
const V4: &str = r#"
CREATE INDEX actions_undone ON actions (id) WHERE state = 'undone';
"#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::model::{JobcenterId, SegmentId};
    use crate::project::Project;

    #[test]
    fn a_version_2_project_gains_evidence_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.kodierwerk");
        {
            // A version-2 project with one coded segment, as the second release wrote it.
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(MIGRATIONS[0]).unwrap();
            tx.execute_batch(MIGRATIONS[1]).unwrap();
            tx.execute_batch(
                "INSERT INTO jobcenters VALUES (1, 'Jobcenter Nord', 0, 'g1', 'now');
                 INSERT INTO texts VALUES (1, 'h', 10, 'Größe eins');
                 INSERT INTO documents VALUES (1, 1, 'd', 1, 'd.txt', 'UTF-8', 0, 'g2', 'now');
                 INSERT INTO codes VALUES (1, NULL, 'A', '#FFFFFF', '', 0, 'g3', 'now');
                 INSERT INTO coders VALUES (1, 'Anna', 'g4', 'now');
                 INSERT INTO segments VALUES (1, 1, 1, 1, 0, 5, 'Größe', '', 'g5', 'now', 'now');",
            )
            .unwrap();
            tx.pragma_update(None, "user_version", 2).unwrap();
            tx.commit().unwrap();
        }
        let mut project = Project::open(&path).unwrap();
        let backup = Connection::open(dir.path().join("v2.kodierwerk.before-format-2")).unwrap();
        let (version, segments): (i64, i64) = backup
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM segments",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((version, segments), (2, 1));
        let version: i64 = project
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, CURRENT_VERSION);
        assert_eq!(
            project.code_counts().unwrap()[&crate::model::CodeId(1)],
            (1, 1)
        );

        project
            .link_evidence(JobcenterId(1), SegmentId(1), "Beleg")
            .unwrap();
        assert_eq!(project.evidence(JobcenterId(1)).unwrap()[0].text, "Größe");
        project.undo().unwrap();
        assert!(project.evidence(JobcenterId(1)).unwrap().is_empty());
        drop(project);
        // Reopening a current project neither migrates nor copies again.
        Project::open(&path).unwrap();
        let backups: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("before-format"))
            .collect();
        assert!(
            backups
                .iter()
                .all(|name| name.starts_with("v2.kodierwerk.before-format-2")),
            "{backups:?}"
        );
    }
}
