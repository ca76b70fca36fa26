//! The project file's schema and its forward migrations.
//!
//! `PRAGMA user_version` holds the schema version; `PRAGMA application_id` marks the file as a
//! Kodierwerk project. Migration `n` takes a file from version `n` to `n + 1`.

/// "KDWK" in ASCII: marks an SQLite file as a Kodierwerk project.
pub const APPLICATION_ID: i32 = 0x4B44_574B;

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = 6;

/// The tables every project has had since format 1; a file that lacks one is damaged.
pub const FOUNDATION_TABLES: &[&str] = &[
    "project_info",
    "attributes",
    "jobcenters",
    "texts",
    "documents",
    "codes",
    "coders",
    "segments",
    "memos",
    "actions",
];

/// Migrations in order; `MIGRATIONS[n]` takes a project from version `n` to `n + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6];

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

/// Version 4: a lean action log whose cost does not grow with the project.
///
/// - The undone changes are found by an index, so that a commit, which ends the redo history, no
///   longer reads the whole log to find them.
/// - The segments of some codes in a document are found by an index on (document, code), so that
///   listing a code's segments does not read every segment of the project.
/// - Speaker turns belong to the stored text (immutable, content-addressed, like the text itself)
///   instead of to the document, so an import no longer copies every turn into the log: undoing it
///   removes the document, and its text and turns wait unlisted for a redo. The turns of the live
///   documents move here; `log::compact_turns` then moves those that only the log still holds
///   (imports undone before the upgrade) and strips every turn from the log, before `turns` goes.
const V4: &str = r#"
CREATE INDEX actions_undone ON actions (id) WHERE state = 'undone';
CREATE INDEX segments_document_code ON segments (document_id, code_id);

CREATE TABLE text_turns (
    id        INTEGER PRIMARY KEY,
    text_id   INTEGER NOT NULL REFERENCES texts (id) DEFERRABLE INITIALLY DEFERRED,
    ordinal   INTEGER NOT NULL,
    speaker   TEXT NOT NULL,
    timestamp TEXT,
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    CHECK (start <= "end")
);
CREATE INDEX text_turns_text ON text_turns (text_id, start);

INSERT INTO text_turns (text_id, ordinal, speaker, timestamp, start, "end")
    SELECT d.text_id, t.ordinal, t.speaker, t.timestamp, t.start, t."end"
    FROM turns t JOIN documents d ON d.id = t.document_id
    WHERE d.id = (SELECT min(o.id) FROM documents o WHERE o.text_id = d.text_id)
    ORDER BY d.text_id, t.ordinal;
"#;

/// What version 4 drops once the log no longer needs it.
pub const V4_AFTER_COMPACTION: &str = "DROP TABLE turns;";

/// Version 5: segment counts by code, so that the code system's count of one code after a change
/// reads that code's rows, not every document's. From this version on a log entry records a row's
/// image after the change only when the change is undone (`log::RowChange::live`); a build that
/// knows only version 4 would misread such entries, which the version number prevents.
const V5: &str = "CREATE INDEX segment_counts_code ON segment_counts (code_id, n);";

/// Version 6: every change has an identity that survives copying the file, so that a merge finds
/// the history two copies share (`guid`), and a merge records how far it took the other file's
/// history (`merged_head`: the other's newest change then), so that merging the same copy again
/// starts from there. Changes made before this version get a GUID derived from the project's GUID
/// and the change's number, time and label (`log::derived_guids`), so that two copies upgraded
/// apart still agree on their shared history.
///
/// It also indexes the display order of codes, documents, jobcenters and attributes, so that a new
/// one finds the end of the list without reading the list: importing a codebook of 20,000 codes or a
/// project of 40,000 sources takes time in proportion to its size, not to its square.
const V6: &str = r#"
ALTER TABLE actions ADD COLUMN guid TEXT;
ALTER TABLE actions ADD COLUMN merged_head TEXT;
CREATE INDEX codes_position ON codes (position);
CREATE INDEX documents_position ON documents (position);
CREATE INDEX jobcenters_position ON jobcenters (position);
CREATE INDEX attributes_position ON attributes (position);
"#;

/// What version 6 adds once every change has its GUID.
pub const V6_AFTER_GUIDS: &str = "CREATE UNIQUE INDEX actions_guid ON actions (guid);";

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::model::{DocumentId, JobcenterId, SegmentId};
    use crate::project::Project;

    #[test]
    fn the_end_of_every_list_is_found_without_reading_the_list() {
        // A new code, document, jobcenter or attribute goes after the last; finding the last by
        // reading every row made importing 20,000 codes quadratic.
        let dir = tempfile::tempdir().unwrap();
        let project = Project::create(&dir.path().join("p.kodierwerk")).unwrap();
        for table in ["codes", "documents", "jobcenters", "attributes"] {
            let plan: Vec<String> = project
                .conn
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN SELECT coalesce(max(position), -1) + 1 FROM {table}"
                ))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(
                plan.iter().any(|step| step.contains("INDEX")),
                "{table}: {plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.starts_with("SCAN")),
                "{table}: {plan:?}"
            );
        }
    }

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

    /// Everything a change may touch, turns included, for comparing states before and after.
    fn picture(p: &Project) -> String {
        let documents = p.documents().unwrap();
        let turns: Vec<_> = documents.iter().map(|d| p.turns(d.id).unwrap()).collect();
        let evidence: Vec<_> = p
            .jobcenters()
            .unwrap()
            .iter()
            .map(|j| p.evidence(j.id).unwrap())
            .collect();
        format!(
            "{documents:#?}\n{turns:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{evidence:#?}",
            p.codes().unwrap(),
            p.segments(&crate::project::SegmentFilter::default())
                .unwrap(),
            p.memos().unwrap(),
            p.jobcenters().unwrap(),
        )
    }

    /// Gives every entry of the log its rows' images after the change, as format 4 and older kept
    /// them: going back from the newest done change, a row after a change is the row as it stands
    /// with every later change taken back.
    fn with_images_after(tx: &rusqlite::Transaction<'_>) {
        use std::collections::HashMap;
        type Image = Option<serde_json::Map<String, serde_json::Value>>;
        let done: Vec<(i64, String)> = tx
            .prepare("SELECT id, changes FROM actions WHERE state = 'done' ORDER BY id DESC")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut rows_now: HashMap<(String, i64), Image> = HashMap::new();
        for (id, changes) in done {
            let mut rows: Vec<super::super::log::RowChange> =
                serde_json::from_str(&changes).unwrap();
            for row in rows.iter_mut().rev() {
                let key = (row.table.clone(), row.id);
                let now = rows_now.remove(&key).unwrap_or_else(|| {
                    let table = super::super::log::LOGGED_TABLES
                        .iter()
                        .find(|t| **t == row.table)
                        .unwrap();
                    super::super::log::snapshot(tx, table, row.id).unwrap()
                });
                if row.live {
                    row.after = now;
                    row.live = false;
                }
                rows_now.insert(key, row.before.clone());
            }
            tx.execute(
                "UPDATE actions SET changes = ?1 WHERE id = ?2",
                rusqlite::params![serde_json::to_string(&rows).unwrap(), id],
            )
            .unwrap();
        }
    }

    /// Rewrites a current project as format 3 wrote it: turns as rows of documents, copied into
    /// the log entries of the imports that created them.
    fn as_format_3(path: &std::path::Path) {
        let mut conn = Connection::open(path).unwrap();
        let tx = conn.transaction().unwrap();
        with_images_after(&tx);
        tx.execute_batch(
            r#"CREATE TABLE turns (
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
            DROP INDEX actions_guid;
            DROP INDEX codes_position;
            DROP INDEX documents_position;
            DROP INDEX jobcenters_position;
            DROP INDEX attributes_position;
            ALTER TABLE actions DROP COLUMN guid;
            ALTER TABLE actions DROP COLUMN merged_head;
            DROP INDEX actions_undone;
            DROP INDEX segments_document_code;
            DROP INDEX segment_counts_code;"#,
        )
        .unwrap();
        let actions: Vec<(i64, String, String)> = tx
            .prepare("SELECT id, changes, state FROM actions ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut next_turn = 1;
        for (id, changes, state) in actions {
            let mut rows: Vec<serde_json::Value> = serde_json::from_str(&changes).unwrap();
            let mut added = Vec::new();
            for row in &rows {
                let Some(image) = row["after"]
                    .as_object()
                    .filter(|_| row["table"] == "documents" && row["before"].is_null())
                else {
                    continue;
                };
                let document = image["id"].as_i64().unwrap();
                let text = image["text_id"].as_i64().unwrap();
                let mut stmt = tx
                    .prepare(r#"SELECT ordinal, speaker, timestamp, start, "end" FROM text_turns WHERE text_id = ?1 ORDER BY ordinal"#)
                    .unwrap();
                let turns: Vec<(i64, String, Option<String>, i64, i64)> = stmt
                    .query_map([text], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                for (ordinal, speaker, timestamp, start, end) in turns {
                    let image = serde_json::json!({
                        "id": next_turn, "document_id": document, "ordinal": ordinal,
                        "speaker": speaker, "timestamp": timestamp, "start": start, "end": end,
                    });
                    if state == "done" {
                        tx.execute(
                            r#"INSERT INTO turns VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"#,
                            rusqlite::params![
                                next_turn, document, ordinal, speaker, timestamp, start, end
                            ],
                        )
                        .unwrap();
                    }
                    added.push(serde_json::json!({"table": "turns", "id": next_turn, "before": null, "after": image}));
                    next_turn += 1;
                }
            }
            rows.extend(added);
            tx.execute(
                "UPDATE actions SET changes = ?1 WHERE id = ?2",
                rusqlite::params![serde_json::to_string(&rows).unwrap(), id],
            )
            .unwrap();
        }
        tx.execute_batch("DROP TABLE text_turns;").unwrap();
        tx.pragma_update(None, "user_version", 3).unwrap();
        tx.commit().unwrap();
    }

    #[test]
    fn undo_and_redo_of_every_kind_of_change_reach_across_the_lean_log_migration() {
        use crate::model::{CharRange, MemoTarget, NewCoding, Turn};
        use crate::project::NewDocument;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.kodierwerk");
        let mut p = Project::create(&path).unwrap();
        let text = "I: Wie läuft die E-Akte?\n\nB: Größtenteils gut 😀, sagt man.\n";
        let turn = |speaker: &str, start: usize, end: usize| Turn {
            speaker: speaker.into(),
            timestamp: None,
            range: CharRange::new(start, end).unwrap(),
        };
        let document = |name: &str, text: &str| NewDocument {
            name: name.into(),
            jobcenter: "Jobcenter Nord".into(),
            text: text.into(),
            turns: vec![turn("I", 3, 24), turn("B", 29, 58)],
            source_name: format!("{name}.txt"),
            encoding: "UTF-8".into(),
            attributes: vec![("Rolle".into(), "Führungskraft".into())],
            memo: String::new(),
        };
        let mut states = vec![picture(&p)];
        let mut step = |p: &mut Project, change: &dyn Fn(&mut Project)| {
            change(p);
            states.push(picture(p));
        };
        step(&mut p, &|p| {
            p.add_document(&document("nord-01", text)).unwrap();
        });
        step(&mut p, &|p| {
            p.add_code("Arbeitslogik/Sozialberatung", Some("#3B6FB6"), "Regel")
                .unwrap();
        });
        let code = p.code_by_path("Arbeitslogik/Sozialberatung").unwrap().id;
        step(&mut p, &|p| p.rename_code(code, "Beratung").unwrap());
        step(&mut p, &|p| p.set_code_color(code, "#112233").unwrap());
        step(&mut p, &|p| {
            p.apply_code(
                DocumentId(1),
                CharRange::new(29, 45).unwrap(),
                code,
                "Anna",
                "erst",
            )
            .unwrap();
        });
        step(&mut p, &|p| {
            p.code_in_vivo(DocumentId(1), CharRange::new(7, 23).unwrap(), "Ben")
                .unwrap();
        });
        step(&mut p, &|p| {
            p.set_segment_memo(SegmentId(1), "dann").unwrap()
        });
        step(&mut p, &|p| {
            p.add_code("Haltung", None, "").unwrap();
        });
        step(&mut p, &|p| {
            let other = p.code_by_path("Haltung").unwrap().id;
            p.update_segment(
                SegmentId(1),
                Some(CharRange::new(30, 44).unwrap()),
                Some(other),
            )
            .unwrap();
        });
        step(&mut p, &|p| {
            p.set_memo(&MemoTarget::Project, "Projektmemo").unwrap()
        });
        step(&mut p, &|p| {
            p.set_jobcenter("Jobcenter Nord", &[("Lage".into(), "Land".into())])
                .unwrap();
        });
        step(&mut p, &|p| {
            p.link_evidence(JobcenterId(1), SegmentId(2), "Beleg")
                .unwrap()
        });
        step(&mut p, &|p| {
            p.set_evidence_note(JobcenterId(1), SegmentId(2), "neu")
                .unwrap()
        });
        step(&mut p, &|p| {
            let coding = |start, end| NewCoding {
                doc: "nord-01".into(),
                start,
                end,
                code: "Arbeitslogik/Beratung".into(),
                coder: "Skript".into(),
                memo: String::new(),
            };
            p.code_batch(&[(1, coding(3, 10)), (2, coding(40, 50))])
                .unwrap();
        });
        step(&mut p, &|p| p.delete_segment(SegmentId(3)).unwrap());
        step(&mut p, &|p| {
            let haltung = p.code_by_path("Haltung").unwrap().id;
            p.merge_code(haltung, code).unwrap();
        });
        step(&mut p, &|p| {
            let in_vivo = p
                .codes()
                .unwrap()
                .iter()
                .find(|c| c.name.starts_with("läuft"))
                .unwrap()
                .id;
            p.delete_code(in_vivo).unwrap();
        });
        step(&mut p, &|p| {
            p.add_document(&document("nord-02", "I: Und sonst?\n\nB: Alles gut.\n"))
                .unwrap();
        });
        // The second import is undone before the upgrade: only the log holds its turns then.
        p.undo().unwrap();
        drop(p);
        as_format_3(&path);

        let mut p = Project::open(&path).unwrap();
        let last = states.len() - 1;
        assert_eq!(
            picture(&p),
            states[last - 1],
            "as it was before the upgrade"
        );
        p.redo().unwrap();
        assert_eq!(
            picture(&p),
            states[last],
            "the undone import comes back with its turns"
        );
        assert_eq!(p.turns(DocumentId(2)).unwrap().len(), 2);
        for i in (0..last).rev() {
            p.undo().unwrap();
            assert_eq!(picture(&p), states[i], "undo to state {i}");
        }
        for (i, state) in states.iter().enumerate().skip(1) {
            p.redo().unwrap();
            assert_eq!(picture(&p), *state, "redo to state {i}");
        }
        // The log holds no turns any more, and an import adds none.
        let with_turns: i64 = p
            .conn
            .query_row(
                r#"SELECT count(*) FROM actions WHERE instr(changes, '"table":"turns"') > 0"#,
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(with_turns, 0);
    }
}
