//! Documents, their immutable texts and their speaker turns.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::log::Change;
use super::{Project, attributes, jobcenters, new_guid};
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange, char_len};
use crate::model::{DocumentId, DocumentInfo, JobcenterId, Scope, Turn};

/// A document ready to be stored: the importer's result.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub name: String,
    pub jobcenter: String,
    /// The stored text: decoded, without BOM, line endings as `\n`.
    pub text: String,
    pub turns: Vec<Turn>,
    /// The file name it came from (no folders: those may name people or places).
    pub source_name: String,
    /// The encoding the file was decoded from.
    pub encoding: String,
    pub attributes: Vec<(String, String)>,
    /// The document's memo, stored with it (comments and notes of a word processor's file).
    pub memo: String,
}

/// The SHA-256 of a stored text, in hex: how duplicates are recognised.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Project {
    /// Stores a document whole, or nothing: refuses duplicates by content and by name.
    pub fn add_document(&mut self, doc: &NewDocument) -> Result<DocumentId> {
        let hash = content_hash(&doc.text);
        let mut change = self.change()?;
        let duplicate: Option<String> = change
            .tx()
            .query_row(
                "SELECT d.name FROM documents d JOIN texts t ON t.id = d.text_id WHERE t.sha256 = ?1",
                [&hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(existing) = duplicate {
            return Err(Error::DuplicateText(existing));
        }
        if find(change.tx(), &doc.name)?.is_some() {
            return Err(Error::DocumentNameTaken(doc.name.clone()));
        }
        if doc.jobcenter.trim().is_empty() {
            return Err(Error::NoJobcenter);
        }
        let (jobcenter, _) = jobcenters::ensure(&mut change, &doc.jobcenter)?;
        let id = insert_document(
            &mut change,
            &DocumentRow {
                jobcenter,
                name: &doc.name,
                text: &doc.text,
                source_name: &doc.source_name,
                encoding: &doc.encoding,
                guid: &new_guid(),
                imported_at: None,
                turns: &doc.turns,
            },
        )?;
        for (key, value) in &doc.attributes {
            attributes::set_value(&mut change, Scope::Document, id, key, value)?;
        }
        if !doc.memo.trim().is_empty() {
            change.insert(
                "memos",
                "INSERT INTO memos (target_kind, target_id, text, guid, created_at, modified_at)
                 VALUES ('document', ?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                &[&id, &doc.memo, &new_guid()],
            )?;
        }
        change.commit(&format!("Dokument „{}“ importiert", doc.name))?;
        Ok(DocumentId(id))
    }

    /// Sets (or with an empty value, removes) attributes of a document.
    pub fn set_document_attributes(
        &mut self,
        document: DocumentId,
        values: &[(String, String)],
    ) -> Result<()> {
        let name = self.document(document)?.name;
        let mut change = self.change()?;
        for (key, value) in values {
            attributes::set_value(&mut change, Scope::Document, document.0, key, value)?;
        }
        change.commit(&format!("Merkmale von „{name}“ geändert"))?;
        Ok(())
    }

    /// Finds a document by its number or its name (case does not matter); refuses a number that
    /// is also another document's name, naming both.
    pub fn resolve_document(&self, reference: &str) -> Result<DocumentId> {
        let reference = reference.trim();
        let named = find(&self.conn, reference)?;
        if let Ok(n) = reference.parse::<i64>() {
            let numbered: Option<String> = self
                .conn
                .query_row("SELECT name FROM documents WHERE id = ?1", [n], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(name) = numbered {
                return match named {
                    Some(other) if other.0 != n => Err(Error::NumberOrName {
                        reference: reference.to_owned(),
                        numbered: name,
                        named: other.0,
                    }),
                    _ => Ok(DocumentId(n)),
                };
            }
        }
        named.ok_or_else(|| Error::UnknownDocument(reference.to_owned()))
    }

    /// All documents in their order.
    pub fn documents(&self) -> Result<Vec<DocumentInfo>> {
        self.query_documents(None)
    }

    /// One document's listing.
    pub fn document(&self, id: DocumentId) -> Result<DocumentInfo> {
        self.query_documents(Some(id))?
            .pop()
            .ok_or_else(|| Error::UnknownDocument(id.to_string()))
    }

    /// The stored text of a document, exactly.
    pub fn document_text(&self, id: DocumentId) -> Result<String> {
        self.conn
            .query_row(
                "SELECT t.body FROM documents d JOIN texts t ON t.id = d.text_id WHERE d.id = ?1",
                [id.0],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::UnknownDocument(id.to_string()))
    }

    /// The speaker turns of a document, in order.
    pub fn turns(&self, id: DocumentId) -> Result<Vec<Turn>> {
        turns(&self.conn, id)
    }

    fn query_documents(&self, only: Option<DocumentId>) -> Result<Vec<DocumentInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.name, d.jobcenter_id, j.name, d.source_name, d.encoding, t.char_len,
                    (SELECT count(*) FROM text_turns u WHERE u.text_id = d.text_id),
                    (SELECT coalesce(sum(n), 0) FROM segment_counts c WHERE c.document_id = d.id),
                    d.imported_at
             FROM documents d JOIN jobcenters j ON j.id = d.jobcenter_id JOIN texts t ON t.id = d.text_id
             WHERE ?1 IS NULL OR d.id = ?1
             ORDER BY j.position, j.id, d.position, d.id",
        )?;
        let mut rows = stmt
            .query_map([only.map(|d| d.0)], |r| {
                Ok(DocumentInfo {
                    id: DocumentId(r.get(0)?),
                    name: r.get(1)?,
                    jobcenter_id: JobcenterId(r.get(2)?),
                    jobcenter: r.get(3)?,
                    source_name: r.get(4)?,
                    encoding: r.get(5)?,
                    chars: r.get::<_, i64>(6)? as usize,
                    turns: r.get::<_, i64>(7)? as usize,
                    segments: r.get::<_, i64>(8)? as usize,
                    attributes: Vec::new(),
                    imported_at: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if let [doc] = rows.as_mut_slice() {
            doc.attributes = attributes::values_of(&self.conn, Scope::Document, doc.id.0)?;
            return Ok(rows);
        }
        let mut values = attributes::values_by_owner(&self.conn, Scope::Document)?;
        for doc in &mut rows {
            doc.attributes = values.remove(&doc.id.0).unwrap_or_default();
        }
        Ok(rows)
    }
}

/// A document as it goes into the table, with its speaker turns.
pub(super) struct DocumentRow<'a> {
    pub jobcenter: JobcenterId,
    pub name: &'a str,
    pub text: &'a str,
    pub source_name: &'a str,
    pub encoding: &'a str,
    pub guid: &'a str,
    /// ISO 8601; now if `None`.
    pub imported_at: Option<&'a str>,
    pub turns: &'a [Turn],
}

/// Stores a document within a change: its text (content-addressed, shared with an identical one
/// stored before) and the text's turns unless stored before, then the document after the others.
/// Only the document row enters the log. Returns the document's row id.
pub(super) fn insert_document(change: &mut Change<'_>, row: &DocumentRow<'_>) -> Result<i64> {
    let hash = content_hash(row.text);
    let text_id: i64 = match change
        .tx()
        .query_row("SELECT id FROM texts WHERE sha256 = ?1", [&hash], |r| {
            r.get(0)
        })
        .optional()?
    {
        Some(id) => id,
        None => {
            change.tx().execute(
                "INSERT INTO texts (sha256, char_len, body) VALUES (?1, ?2, ?3)",
                params![hash, char_len(row.text) as i64, row.text],
            )?;
            change.tx().last_insert_rowid()
        }
    };
    let position: i64 = change.tx().query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM documents",
        [],
        |r| r.get(0),
    )?;
    let id = change.insert(
        "documents",
        "INSERT INTO documents (jobcenter_id, name, text_id, source_name, encoding, position, guid, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
        &[
            &row.jobcenter.0,
            &row.name as &dyn rusqlite::ToSql,
            &text_id,
            &row.source_name,
            &row.encoding,
            &position,
            &row.guid,
            &row.imported_at,
        ],
    )?;
    // Turns follow from the text: stored once with it, immutable like it, not in the log.
    let stored: bool = change.tx().query_row(
        "SELECT EXISTS (SELECT 1 FROM text_turns WHERE text_id = ?1)",
        [text_id],
        |r| r.get(0),
    )?;
    if !stored {
        let mut insert = change.tx().prepare_cached(
            r#"INSERT INTO text_turns (text_id, ordinal, speaker, timestamp, start, "end") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"#,
        )?;
        for (ordinal, turn) in row.turns.iter().enumerate() {
            insert.execute(params![
                text_id,
                ordinal as i64,
                turn.speaker,
                turn.timestamp,
                turn.range.start.0 as i64,
                turn.range.end.0 as i64,
            ])?;
        }
    }
    Ok(id)
}

pub(super) fn find(conn: &Connection, name: &str) -> Result<Option<DocumentId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM documents WHERE name = ?1 COLLATE NOCASE",
            [name.trim()],
            |r| r.get(0).map(DocumentId),
        )
        .optional()?)
}

pub(super) fn turns(conn: &Connection, id: DocumentId) -> Result<Vec<Turn>> {
    let mut stmt = conn.prepare_cached(
        r#"SELECT u.speaker, u.timestamp, u.start, u."end" FROM text_turns u JOIN documents d ON d.text_id = u.text_id
           WHERE d.id = ?1 ORDER BY u.start, u.ordinal"#,
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok(Turn {
            speaker: r.get(0)?,
            timestamp: r.get(1)?,
            range: CharRange {
                start: CharPos(r.get::<_, i64>(2)? as usize),
                end: CharPos(r.get::<_, i64>(3)? as usize),
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
