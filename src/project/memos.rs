//! Memos on the project, jobcenters, documents and codes (segment memos live on the segment).

use rusqlite::OptionalExtension;

use super::{Project, new_guid};
use crate::model::error::Result;
use crate::model::{CodeId, DocumentId, JobcenterId, Memo, MemoTarget};

impl Project {
    /// Writes the memo of a target; an empty text removes it.
    pub fn set_memo(&mut self, target: &MemoTarget, text: &str) -> Result<()> {
        let mut change = self.change()?;
        let existing: Option<i64> = change
            .tx()
            .query_row(
                "SELECT id FROM memos WHERE target_kind = ?1 AND target_id = ?2",
                rusqlite::params![target.kind(), target.id()],
                |r| r.get(0),
            )
            .optional()?;
        match (existing, text.trim().is_empty()) {
            (Some(id), true) => change.delete("memos", id)?,
            (Some(id), false) => change.update(
                "memos",
                id,
                "UPDATE memos SET text = ?1, modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2",
                &[&text, &id],
            )?,
            (None, true) => {}
            (None, false) => {
                change.insert(
                    "memos",
                    "INSERT INTO memos (target_kind, target_id, text, guid, created_at, modified_at)
                     VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    &[&target.kind(), &target.id(), &text, &new_guid()],
                )?;
            }
        }
        change.commit(&format!("Memo ({}) geändert", target.kind()))?;
        Ok(())
    }

    /// The memo of a target, if one is written.
    pub fn memo(&self, target: &MemoTarget) -> Result<Option<Memo>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text, modified_at FROM memos WHERE target_kind = ?1 AND target_id = ?2",
                rusqlite::params![target.kind(), target.id()],
                |r| {
                    Ok(Memo {
                        target: target.clone(),
                        text: r.get(0)?,
                        modified_at: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every memo of the project.
    pub fn memos(&self) -> Result<Vec<Memo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target_kind, target_id, text, modified_at FROM memos ORDER BY target_kind, target_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let id: i64 = r.get(1)?;
            let target = match r.get::<_, String>(0)?.as_str() {
                "jobcenter" => MemoTarget::Jobcenter(JobcenterId(id)),
                "document" => MemoTarget::Document(DocumentId(id)),
                "code" => MemoTarget::Code(CodeId(id)),
                _ => MemoTarget::Project,
            };
            Ok(Memo {
                target,
                text: r.get(2)?,
                modified_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
