//! Evidence for the typology: coded segments that justify the type a jobcenter was assigned.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::log::Change;
use super::{Project, codes};
use crate::model::error::{Error, Result};
use crate::model::{CodeId, CodePath, DocumentId, JobcenterId, SegmentId};

/// A segment linked as evidence for its jobcenter's type, with what a reader needs to judge it.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub segment_id: SegmentId,
    pub document_id: DocumentId,
    pub document: String,
    pub code_id: CodeId,
    /// The code's full path.
    pub code: CodePath,
    pub coder: String,
    pub start: usize,
    pub end: usize,
    /// The text as it stood when the passage was coded.
    pub text: String,
    /// Why the passage justifies the type.
    pub note: String,
    pub created_at: String,
}

impl Project {
    /// Links a segment of one of the jobcenter's documents as evidence for its type; linking
    /// twice changes nothing.
    pub fn link_evidence(
        &mut self,
        jobcenter: JobcenterId,
        segment: SegmentId,
        note: &str,
    ) -> Result<()> {
        let mut change = self.change()?;
        let name = jobcenter_name(change.tx(), jobcenter)?;
        let (document, owner_id, owner) = change
            .tx()
            .query_row(
                "SELECT d.name, j.id, j.name FROM segments s
                 JOIN documents d ON d.id = s.document_id JOIN jobcenters j ON j.id = d.jobcenter_id
                 WHERE s.id = ?1",
                [segment.0],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        JobcenterId(r.get(1)?),
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::UnknownSegment(segment.0))?;
        if owner_id != jobcenter {
            return Err(Error::EvidenceFromOtherJobcenter {
                segment: segment.0,
                document,
                owner,
                jobcenter: name,
            });
        }
        if link_id(change.tx(), jobcenter, segment)?.is_some() {
            return Ok(());
        }
        change.insert(
            "type_evidence",
            "INSERT INTO type_evidence (jobcenter_id, segment_id, note, created_at)
             VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            &[&jobcenter.0, &segment.0, &note.trim()],
        )?;
        change.commit(&format!(
            "Segment {segment} als Beleg für „{name}“ verknüpft"
        ))?;
        Ok(())
    }

    /// Removes a segment from the jobcenter's evidence (the segment itself stays).
    pub fn unlink_evidence(&mut self, jobcenter: JobcenterId, segment: SegmentId) -> Result<()> {
        let mut change = self.change()?;
        let name = jobcenter_name(change.tx(), jobcenter)?;
        let id = link_id(change.tx(), jobcenter, segment)?.ok_or_else(|| Error::NotEvidence {
            segment: segment.0,
            jobcenter: name.clone(),
        })?;
        change.delete("type_evidence", id)?;
        change.commit(&format!("Segment {segment} nicht mehr Beleg für „{name}“"))?;
        Ok(())
    }

    /// Rewrites the note of an evidence link (why the passage justifies the type).
    pub fn set_evidence_note(
        &mut self,
        jobcenter: JobcenterId,
        segment: SegmentId,
        note: &str,
    ) -> Result<()> {
        let mut change = self.change()?;
        let name = jobcenter_name(change.tx(), jobcenter)?;
        let id = link_id(change.tx(), jobcenter, segment)?.ok_or_else(|| Error::NotEvidence {
            segment: segment.0,
            jobcenter: name.clone(),
        })?;
        change.update(
            "type_evidence",
            id,
            "UPDATE type_evidence SET note = ?1 WHERE id = ?2",
            &[&note.trim(), &id],
        )?;
        change.commit(&format!("Notiz zum Beleg {segment} für „{name}“ geändert"))?;
        Ok(())
    }

    /// The jobcenter's evidence, by document and position.
    pub fn evidence(&self, jobcenter: JobcenterId) -> Result<Vec<Evidence>> {
        jobcenter_name(&self.conn, jobcenter)?;
        let paths: HashMap<CodeId, CodePath> = codes::codes(&self.conn)?
            .into_iter()
            .map(|c| (c.id, c.path))
            .collect();
        let mut stmt = self.conn.prepare_cached(
            r#"SELECT s.id, d.id, d.name, s.code_id, c.name, s.start, s."end", s.text, e.note, e.created_at
               FROM type_evidence e
               JOIN segments s ON s.id = e.segment_id
               JOIN documents d ON d.id = s.document_id
               JOIN coders c ON c.id = s.coder_id
               WHERE e.jobcenter_id = ?1
               ORDER BY d.position, d.id, s.start, s."end", s.id"#,
        )?;
        let rows = stmt.query_map([jobcenter.0], |r| {
            let code_id = CodeId(r.get(3)?);
            Ok(Evidence {
                segment_id: SegmentId(r.get(0)?),
                document_id: DocumentId(r.get(1)?),
                document: r.get(2)?,
                code_id,
                code: paths.get(&code_id).cloned().unwrap_or_default(),
                coder: r.get(4)?,
                start: r.get::<_, i64>(5)? as usize,
                end: r.get::<_, i64>(6)? as usize,
                text: r.get(7)?,
                note: r.get(8)?,
                created_at: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many evidence segments each jobcenter has; jobcenters without any are left out.
    pub fn evidence_counts(&self) -> Result<HashMap<JobcenterId, usize>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT jobcenter_id, count(*) FROM type_evidence GROUP BY jobcenter_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((JobcenterId(r.get(0)?), r.get::<_, i64>(1)? as usize))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Removes, within a change, the evidence links of segments about to be deleted, so that undo
/// brings back segments and links together.
pub(super) fn unlink_segments(change: &mut Change<'_>, segments: &[i64]) -> Result<()> {
    let mut links = Vec::new();
    {
        let mut stmt = change
            .tx()
            .prepare_cached("SELECT id FROM type_evidence WHERE segment_id = ?1 ORDER BY id")?;
        for segment in segments {
            for id in stmt.query_map([segment], |r| r.get::<_, i64>(0))? {
                links.push(id?);
            }
        }
    }
    for id in links {
        change.delete("type_evidence", id)?;
    }
    Ok(())
}

fn jobcenter_name(conn: &Connection, jobcenter: JobcenterId) -> Result<String> {
    conn.query_row(
        "SELECT name FROM jobcenters WHERE id = ?1",
        [jobcenter.0],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::UnknownJobcenter(jobcenter.to_string()))
}

fn link_id(conn: &Connection, jobcenter: JobcenterId, segment: SegmentId) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM type_evidence WHERE jobcenter_id = ?1 AND segment_id = ?2",
            [jobcenter.0, segment.0],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, project, state};
    use super::*;
    use crate::model::CharRange;
    use crate::project::NewDocument;

    const TEXT: &str = "B: Wir beraten persönlich, die E-Akte hilft selten.";

    fn links(p: &Project, jobcenter: JobcenterId) -> Vec<(i64, String)> {
        p.evidence(jobcenter)
            .unwrap()
            .into_iter()
            .map(|e| (e.segment_id.0, e.note))
            .collect()
    }

    #[test]
    fn evidence_is_linked_once_listed_and_undone() {
        let (_dir, mut p) = project();
        let a = p.add_code("Haltung/Skeptisch", None, "").unwrap();
        let doc = document(&mut p, "nord-01", TEXT);
        let nord = p.jobcenter("Jobcenter Nord").unwrap().id;
        let s1 = p
            .apply_code(doc, CharRange::new(3, 25).unwrap(), a, "Anna", "")
            .unwrap();
        let s2 = p
            .apply_code(doc, CharRange::new(0, 2).unwrap(), a, "Ben", "")
            .unwrap();
        let before = state(&p);

        p.link_evidence(nord, s1, "  persönlich statt digital ")
            .unwrap();
        p.link_evidence(nord, s2, "").unwrap();
        let actions = p.actions(100).unwrap().len();
        p.link_evidence(nord, s1, "anders").unwrap();
        assert_eq!(p.actions(100).unwrap().len(), actions, "twice is a no-op");

        let listed = p.evidence(nord).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].segment_id, s2, "by position");
        let first = &listed[1];
        assert_eq!(first.text, "Wir beraten persönlich");
        assert_eq!(first.code, "Haltung/Skeptisch");
        assert_eq!(
            (first.coder.as_str(), first.document.as_str()),
            ("Anna", "nord-01")
        );
        assert_eq!((first.start, first.end), (3, 25));
        assert_eq!(first.note, "persönlich statt digital");
        assert_eq!(p.evidence_counts().unwrap()[&nord], 2);
        assert_eq!(
            p.actions(1).unwrap()[0].label,
            "Segment 2 als Beleg für „Jobcenter Nord“ verknüpft"
        );

        p.unlink_evidence(nord, s2).unwrap();
        assert_eq!(links(&p, nord), [(s1.0, "persönlich statt digital".into())]);
        assert!(matches!(
            p.unlink_evidence(nord, s2),
            Err(Error::NotEvidence { segment: 2, .. })
        ));
        p.undo().unwrap();
        assert_eq!(links(&p, nord).len(), 2);
        p.redo().unwrap();
        assert_eq!(links(&p, nord).len(), 1);
        p.undo().unwrap();
        p.undo().unwrap();
        p.undo().unwrap();
        assert!(links(&p, nord).is_empty());
        assert!(p.evidence_counts().unwrap().is_empty());
        assert_eq!(state(&p), before);
    }

    #[test]
    fn an_evidence_note_is_rewritten_and_undone() {
        let (_dir, mut p) = project();
        let a = p.add_code("Haltung/Skeptisch", None, "").unwrap();
        let doc = document(&mut p, "nord-01", TEXT);
        let nord = p.jobcenter("Jobcenter Nord").unwrap().id;
        let s1 = p
            .apply_code(doc, CharRange::new(3, 25).unwrap(), a, "Anna", "")
            .unwrap();
        p.link_evidence(nord, s1, "erste Lesart").unwrap();
        p.set_evidence_note(nord, s1, " persönlich vor digital ")
            .unwrap();
        assert_eq!(links(&p, nord), [(s1.0, "persönlich vor digital".into())]);
        p.undo().unwrap();
        assert_eq!(links(&p, nord), [(s1.0, "erste Lesart".into())]);
        p.unlink_evidence(nord, s1).unwrap();
        assert!(matches!(
            p.set_evidence_note(nord, s1, "x"),
            Err(Error::NotEvidence { .. })
        ));
    }

    #[test]
    fn evidence_from_another_jobcenter_is_refused() {
        let (_dir, mut p) = project();
        let a = p.add_code("A", None, "").unwrap();
        let doc = document(&mut p, "nord-01", TEXT);
        let sued_doc = p
            .add_document(&NewDocument {
                name: "sued-01".into(),
                jobcenter: "Jobcenter Süd".into(),
                text: "I: Wie digital sind Sie?".into(),
                turns: Vec::new(),
                source_name: "sued-01.txt".into(),
                encoding: "UTF-8".into(),
                attributes: Vec::new(),
                memo: String::new(),
            })
            .unwrap();
        let nord = p.jobcenter("Jobcenter Nord").unwrap().id;
        let sued = p.jobcenter("Jobcenter Süd").unwrap().id;
        let s = p
            .apply_code(sued_doc, CharRange::new(0, 2).unwrap(), a, "Anna", "")
            .unwrap();
        p.apply_code(doc, CharRange::new(0, 2).unwrap(), a, "Anna", "")
            .unwrap();
        let actions = p.actions(100).unwrap().len();

        let err = p.link_evidence(nord, s, "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "segment 1 is in “sued-01” of Jobcenter Süd, not of Jobcenter Nord; only passages from a jobcenter's own documents can justify its type"
        );
        assert!(matches!(
            p.link_evidence(nord, SegmentId(99), ""),
            Err(Error::UnknownSegment(99))
        ));
        assert!(matches!(
            p.link_evidence(JobcenterId(99), s, ""),
            Err(Error::UnknownJobcenter(_))
        ));
        assert_eq!(p.actions(100).unwrap().len(), actions);
        p.link_evidence(sued, s, "").unwrap();
        assert!(p.evidence(nord).unwrap().is_empty());
        assert_eq!(p.evidence(sued).unwrap().len(), 1);
    }

    #[test]
    fn deleting_segments_takes_their_links_and_undo_brings_both_back() {
        let (_dir, mut p) = project();
        let a = p.add_code("A/a1", None, "").unwrap();
        let parent = p.code_by_path("A").unwrap().id;
        let b = p.add_code("B", None, "").unwrap();
        let doc = document(&mut p, "nord-01", TEXT);
        let nord = p.jobcenter("Jobcenter Nord").unwrap().id;
        let s1 = p
            .apply_code(doc, CharRange::new(3, 25).unwrap(), a, "Anna", "")
            .unwrap();
        let s2 = p
            .apply_code(doc, CharRange::new(30, 36).unwrap(), b, "Anna", "")
            .unwrap();
        p.link_evidence(nord, s1, "Beleg eins").unwrap();
        p.link_evidence(nord, s2, "Beleg zwei").unwrap();
        let all = links(&p, nord);

        p.delete_segment(s2).unwrap();
        assert_eq!(links(&p, nord), [(s1.0, "Beleg eins".into())]);
        p.undo().unwrap();
        assert_eq!(links(&p, nord), all);
        p.redo().unwrap();
        assert_eq!(links(&p, nord).len(), 1);
        p.undo().unwrap();

        p.delete_code(parent).unwrap();
        assert_eq!(links(&p, nord), [(s2.0, "Beleg zwei".into())]);
        p.undo().unwrap();
        assert_eq!(links(&p, nord), all);
        assert_eq!(p.integrity_check().unwrap(), "ok");
        let violations: i64 = p
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
    }
}
