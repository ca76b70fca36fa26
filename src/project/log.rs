//! The action log: every change is one transaction that records the rows it touched, before and
//! after, so that undo and redo work across restarts.
//!
//! What a row looks like after a change is the row itself for as long as the change is done (undo
//! goes from the newest change back, so every later change to that row is undone first). A change
//! therefore records only each row's image *before* it; undo records the image after, as it puts
//! the row back, for a later redo. A coding costs one small log entry instead of a copy of its row.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::model::error::{Error, Result};

/// The tables whose rows the action log records. Only these names ever reach SQL from the log.
pub(super) const LOGGED_TABLES: &[&str] = &[
    "attributes",
    "jobcenters",
    "jobcenter_values",
    "documents",
    "document_values",
    "codes",
    "coders",
    "segments",
    "memos",
    "type_evidence",
];

/// One row as it was before and after a change; `None` where it did not exist.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RowChange {
    pub table: String,
    pub id: i64,
    pub before: Option<Map<String, Json>>,
    pub after: Option<Map<String, Json>>,
    /// The image after is the row as it stands while the change is done (`after` is empty until
    /// an undo records it). Entries of format 4 and older carry their image after instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live: bool,
}

/// An entry of the action log, as listed by `kodierwerk log`.
#[derive(Clone, Debug, Serialize)]
pub struct Action {
    pub id: i64,
    pub at: String,
    pub label: String,
    pub undone: bool,
    pub rows: usize,
}

/// A change in progress: one transaction that records every row it writes.
pub struct Change<'c> {
    tx: Transaction<'c>,
    rows: Vec<RowChange>,
}

impl<'c> Change<'c> {
    pub fn begin(conn: &'c mut Connection) -> Result<Self> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Self {
            tx,
            rows: Vec::new(),
        })
    }

    /// The transaction, for reads and for writes that the log does not record (texts).
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    /// Runs an INSERT and records the new row.
    pub fn insert(
        &mut self,
        table: &'static str,
        sql: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<i64> {
        self.tx.prepare_cached(sql)?.execute(values)?;
        let id = self.tx.last_insert_rowid();
        self.rows.push(RowChange {
            table: table.to_owned(),
            id,
            before: None,
            after: None,
            live: true,
        });
        Ok(id)
    }

    /// Runs an UPDATE of one row and records it before and after.
    pub fn update(
        &mut self,
        table: &'static str,
        id: i64,
        sql: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        let before = snapshot(&self.tx, table, id)?;
        self.tx.prepare_cached(sql)?.execute(values)?;
        self.rows.push(RowChange {
            table: table.to_owned(),
            id,
            before,
            after: None,
            live: true,
        });
        Ok(())
    }

    /// Deletes one row and records what it held.
    pub fn delete(&mut self, table: &'static str, id: i64) -> Result<()> {
        let before = snapshot(&self.tx, table, id)?;
        self.tx
            .execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
        self.rows.push(RowChange {
            table: table.to_owned(),
            id,
            before,
            after: None,
            live: false,
        });
        Ok(())
    }

    /// Commits the change as one entry of the action log; the redo history ends here.
    pub fn commit(self, label: &str) -> Result<i64> {
        self.commit_merged(label, None)
    }

    /// Commits a merge: like [`Change::commit`], and the entry keeps the GUID of the other
    /// file's newest change, from where the next merge of that file starts.
    pub fn commit_merged(self, label: &str, merged_head: Option<&str>) -> Result<i64> {
        let Change { tx, rows } = self;
        tx.execute("DELETE FROM actions WHERE state = 'undone'", [])?;
        let changes =
            serde_json::to_string(&rows).map_err(|e| Error::BadLogEntry(e.to_string()))?;
        tx.execute(
            "INSERT INTO actions (at, label, changes, state, guid, merged_head) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, 'done', ?3, ?4)",
            params![label, changes, super::new_guid(), merged_head],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Whether the change has written anything yet.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Gives every change of the log a GUID (format 5 → 6). A copy of a project upgraded apart from
/// the project must find the same GUIDs for the changes both share, so the GUID is derived from
/// what the copies agree on: the project's GUID, and the change's number, time and label.
pub(super) fn derived_guids(tx: &Transaction<'_>) -> Result<()> {
    let project: String = tx
        .query_row(
            "SELECT value FROM project_info WHERE key = 'guid'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let entries: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, at, label FROM actions WHERE guid IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE actions SET guid = ?1 WHERE id = ?2")?;
    for (id, at, label) in entries {
        update.execute(params![derived_guid(&project, id, &at, &label), id])?;
    }
    Ok(())
}

/// The GUID of a change made before format 6, the same in every copy of the project.
pub(super) fn derived_guid(project: &str, id: i64, at: &str, label: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{project}\u{1f}{id}\u{1f}{at}\u{1f}{label}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes).to_string()
}

/// Takes the speaker turns out of the action log (format 3 → 4): turns that only the log still
/// holds (of documents whose import was undone) go to `text_turns` under their text, and every
/// log entry loses its turn rows. Undo and redo of an import then remove and restore the document
/// alone; its text and turns stay stored.
pub(super) fn compact_turns(tx: &Transaction<'_>) -> Result<()> {
    let entries: Vec<(i64, String)> = tx
        .prepare(r#"SELECT id, changes FROM actions WHERE instr(changes, '"table":"turns"') > 0"#)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, changes) in entries {
        let rows = parse_changes(&changes)?;
        let text_of: std::collections::HashMap<i64, i64> = rows
            .iter()
            .filter(|r| r.table == "documents")
            .filter_map(|r| {
                let image = r.after.as_ref().or(r.before.as_ref())?;
                Some((r.id, image.get("text_id")?.as_i64()?))
            })
            .collect();
        let (turns, kept): (Vec<RowChange>, Vec<RowChange>) =
            rows.into_iter().partition(|r| r.table == "turns");
        let mut stored: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
        for turn in &turns {
            let Some(image) = turn.after.as_ref().or(turn.before.as_ref()) else {
                continue;
            };
            let field = |name: &str| image.get(name).cloned().unwrap_or(Json::Null);
            let Some(text) = field("document_id")
                .as_i64()
                .and_then(|document| text_of.get(&document).copied())
            else {
                continue;
            };
            let has_turns = match stored.get(&text) {
                Some(has) => *has,
                None => {
                    let has = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM text_turns WHERE text_id = ?1)",
                        [text],
                        |r| r.get(0),
                    )?;
                    stored.insert(text, has);
                    has
                }
            };
            if has_turns {
                continue;
            }
            tx.execute(
                r#"INSERT INTO text_turns (text_id, ordinal, speaker, timestamp, start, "end") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"#,
                params![
                    text,
                    field("ordinal").as_i64(),
                    field("speaker").as_str(),
                    field("timestamp").as_str(),
                    field("start").as_i64(),
                    field("end").as_i64()
                ],
            )?;
        }
        let changes =
            serde_json::to_string(&kept).map_err(|e| Error::BadLogEntry(e.to_string()))?;
        tx.execute(
            "UPDATE actions SET changes = ?1 WHERE id = ?2",
            params![changes, id],
        )?;
    }
    Ok(())
}

/// Appends `n` done entries that change nothing (no rows), padded to the size of a coding's entry.
pub(super) fn append_generated(conn: &mut Connection, n: usize) -> Result<()> {
    let padding = "x".repeat(600);
    let changes = format!(
        r#"[{{"table":"memos","id":0,"before":null,"after":null,"generated":"{padding}"}}]"#
    );
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO actions (at, label, changes, state, guid) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'erzeugt', ?1, 'done', ?2)",
        )?;
        for _ in 0..n {
            insert.execute(params![changes, super::new_guid()])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// What an undo or a redo wrote back: the change's label and its rows.
#[derive(Clone, Debug)]
pub struct Replayed {
    pub label: String,
    pub rows: Vec<ReplayedRow>,
}

/// A row an undo or a redo wrote back: its table and id, and for a row that names them (a
/// segment) its document and its codes before and after.
#[derive(Clone, Debug)]
pub struct ReplayedRow {
    pub table: String,
    pub id: i64,
    pub document: Option<i64>,
    pub codes: Vec<i64>,
}

impl Replayed {
    fn new(label: String, rows: &[RowChange]) -> Self {
        let rows = rows
            .iter()
            .map(|row| {
                let images = [row.before.as_ref(), row.after.as_ref()];
                let field = |name: &'static str| {
                    images
                        .iter()
                        .flatten()
                        .filter_map(move |image| image.get(name)?.as_i64())
                };
                let mut codes: Vec<i64> = field("code_id").collect();
                codes.dedup();
                ReplayedRow {
                    table: row.table.clone(),
                    id: row.id,
                    document: field("document_id").next(),
                    codes,
                }
            })
            .collect();
        Self { label, rows }
    }
}

/// Undoes the latest change that is not undone yet.
pub fn undo(conn: &mut Connection) -> Result<Replayed> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let latest: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT id, label, changes FROM actions WHERE state = 'done' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, label, changes)) = latest else {
        return Err(Error::NothingToUndo);
    };
    let mut rows = parse_changes(&changes)?;
    let mut recorded = false;
    for row in rows.iter_mut().rev() {
        let table = checked_table(&row.table)?;
        if row.live {
            row.after = snapshot(&tx, table, row.id)?;
            row.live = false;
            recorded = true;
        }
        restore(&tx, table, row.id, row.before.as_ref())?;
    }
    if recorded {
        let changes =
            serde_json::to_string(&rows).map_err(|e| Error::BadLogEntry(e.to_string()))?;
        tx.execute(
            "UPDATE actions SET state = 'undone', changes = ?2 WHERE id = ?1",
            params![id, changes],
        )?;
    } else {
        tx.execute("UPDATE actions SET state = 'undone' WHERE id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(Replayed::new(label, &rows))
}

/// Redoes the earliest undone change.
pub fn redo(conn: &mut Connection) -> Result<Replayed> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let next: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT id, label, changes FROM actions WHERE state = 'undone' ORDER BY id ASC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, label, changes)) = next else {
        return Err(Error::NothingToRedo);
    };
    let rows = parse_changes(&changes)?;
    for row in &rows {
        restore(&tx, &row.table, row.id, row.after.as_ref())?;
    }
    tx.execute("UPDATE actions SET state = 'done' WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(Replayed::new(label, &rows))
}

/// The action log, newest first.
pub fn actions(conn: &Connection, limit: usize) -> Result<Vec<Action>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, label, state, json_array_length(changes) FROM actions ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(Action {
            id: r.get(0)?,
            at: r.get(1)?,
            label: r.get(2)?,
            undone: r.get::<_, String>(3)? == "undone",
            rows: r.get::<_, i64>(4)? as usize,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn parse_changes(changes: &str) -> Result<Vec<RowChange>> {
    serde_json::from_str(changes).map_err(|e| Error::BadLogEntry(e.to_string()))
}

fn checked_table(table: &str) -> Result<&'static str> {
    LOGGED_TABLES
        .iter()
        .find(|t| **t == table)
        .copied()
        .ok_or_else(|| Error::BadLogEntry(format!("unknown table {table}")))
}

pub(super) fn snapshot(
    conn: &Connection,
    table: &'static str,
    id: i64,
) -> Result<Option<Map<String, Json>>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let row = stmt
        .query_row([id], |r| {
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = match r.get_ref(i)? {
                    ValueRef::Null => Json::Null,
                    ValueRef::Integer(n) => Json::from(n),
                    ValueRef::Real(x) => Json::from(x),
                    ValueRef::Text(t) => Json::from(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Json::from(b.to_vec()),
                };
                map.insert(name.clone(), value);
            }
            Ok(map)
        })
        .optional()?;
    Ok(row)
}

/// Puts a row back to a recorded image: removes it, then inserts the image if there is one.
fn restore(
    conn: &Connection,
    table: &str,
    id: i64,
    image: Option<&Map<String, Json>>,
) -> Result<()> {
    let table = checked_table(table)?;
    conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
    let Some(image) = image else {
        return Ok(());
    };
    let mut columns = Vec::with_capacity(image.len());
    let mut values = Vec::with_capacity(image.len());
    for (name, value) in image {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(Error::BadLogEntry(format!("bad column name {name}")));
        }
        columns.push(format!("\"{name}\""));
        values.push(match value {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Integer(i64::from(*b)),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Integer(i),
                None => Value::Real(n.as_f64().unwrap_or_default()),
            },
            Json::String(s) => Value::Text(s.clone()),
            other => return Err(Error::BadLogEntry(format!("unexpected value {other}"))),
        });
    }
    let placeholders = (1..=values.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({placeholders})",
        columns.join(", ")
    );
    conn.execute(&sql, rusqlite::params_from_iter(values))?;
    Ok(())
}
