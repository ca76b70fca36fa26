//! Coders and coded segments.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};

use super::log::Change;
use super::{Project, codes, documents, new_guid};
use crate::coding::range::{CharPos, CharRange, TextIndex};
use crate::error::{Error, Result};
use crate::model::{
    CodeId, Coder, CoderId, DocumentId, JobcenterId, Segment, SegmentId, SegmentSpan,
};

/// Which segments to list; an empty list means "all".
#[derive(Clone, Debug, Default)]
pub struct SegmentFilter {
    /// Codes, each with its sub-codes.
    pub codes: Vec<CodeId>,
    pub jobcenters: Vec<JobcenterId>,
    pub documents: Vec<DocumentId>,
    pub coders: Vec<CoderId>,
}

impl Project {
    /// All coders, by name.
    pub fn coders(&self) -> Result<Vec<Coder>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name FROM coders ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| {
            Ok(Coder {
                id: CoderId(r.get(0)?),
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The coder of that name (case does not matter).
    pub fn coder(&self, name: &str) -> Result<Coder> {
        self.coders()?
            .into_iter()
            .find(|c| c.name.to_lowercase() == name.trim().to_lowercase())
            .ok_or_else(|| Error::UnknownCoder(name.to_owned()))
    }

    /// Codes a range of a document; the coder is created on first use. Returns the new segment.
    pub fn apply_code(
        &mut self,
        document: DocumentId,
        start: usize,
        end: usize,
        code: CodeId,
        coder: &str,
        memo: &str,
    ) -> Result<SegmentId> {
        let text = self.document_text(document)?;
        let index = TextIndex::new(&text);
        let range = CharRange::within(start, end, index.char_len())?;
        let coded = index.slice(range).unwrap_or_default().to_owned();
        let code_path = self
            .codes()?
            .into_iter()
            .find(|c| c.id == code)
            .map(|c| c.path)
            .ok_or_else(|| Error::UnknownCode(code.to_string()))?;
        let doc_name = self.document(document)?.name;
        let coder = coder.trim();
        if coder.is_empty() {
            return Err(Error::UnknownCoder(String::new()));
        }
        let mut change = self.change()?;
        let coder_id = ensure_coder(&mut change, coder)?;
        let id = change.insert(
            "segments",
            r#"INSERT INTO segments (document_id, code_id, coder_id, start, "end", text, memo, guid, created_at, modified_at)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"#,
            &[
                &document.0,
                &code.0,
                &coder_id.0,
                &(range.start.0 as i64),
                &(range.end.0 as i64),
                &coded,
                &memo,
                &new_guid(),
            ],
        )?;
        change.commit(&format!("„{code_path}“ in „{doc_name}“ codiert ({range})"))?;
        Ok(SegmentId(id))
    }

    /// Replaces a segment's memo.
    pub fn set_segment_memo(&mut self, segment: SegmentId, memo: &str) -> Result<()> {
        let mut change = self.change()?;
        exists(change.tx(), segment)?;
        change.update(
            "segments",
            segment.0,
            "UPDATE segments SET memo = ?1, modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2",
            &[&memo, &segment.0],
        )?;
        change.commit(&format!("Memo an Segment {segment} geändert"))?;
        Ok(())
    }

    /// Removes a segment (undo brings it back).
    pub fn delete_segment(&mut self, segment: SegmentId) -> Result<()> {
        let mut change = self.change()?;
        exists(change.tx(), segment)?;
        change.delete("segments", segment.0)?;
        change.commit(&format!("Segment {segment} gelöscht"))?;
        Ok(())
    }

    /// Every segment, reduced to document, code, coder and range: the input of the analyses.
    pub fn segment_spans(&self) -> Result<Vec<SegmentSpan>> {
        let mut stmt = self.conn.prepare_cached(
            r#"SELECT document_id, code_id, coder_id, start, "end" FROM segments"#,
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SegmentSpan {
                document: DocumentId(r.get(0)?),
                code: CodeId(r.get(1)?),
                coder: CoderId(r.get(2)?),
                range: CharRange {
                    start: CharPos(r.get::<_, i64>(3)? as usize),
                    end: CharPos(r.get::<_, i64>(4)? as usize),
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Segments that pass the filter, by jobcenter, document and position.
    pub fn segments(&self, filter: &SegmentFilter) -> Result<Vec<Segment>> {
        let codes = codes::codes(&self.conn)?;
        let paths: HashMap<CodeId, &str> = codes.iter().map(|c| (c.id, c.path.as_str())).collect();
        let wanted_codes: Option<HashSet<CodeId>> = (!filter.codes.is_empty()).then(|| {
            let mut set: HashSet<CodeId> = filter.codes.iter().copied().collect();
            // Parents come before children, so one pass collects every subtree.
            for code in &codes {
                if let Some(parent) = code.parent
                    && set.contains(&parent)
                {
                    set.insert(code.id);
                }
            }
            set
        });
        let mut stmt = self.conn.prepare_cached(
            r#"SELECT s.id, s.document_id, d.name, d.jobcenter_id, j.name, s.code_id, s.coder_id, c.name,
                      s.start, s."end", s.text, s.memo, s.created_at, s.modified_at
               FROM segments s
               JOIN documents d ON d.id = s.document_id
               JOIN jobcenters j ON j.id = d.jobcenter_id
               JOIN coders c ON c.id = s.coder_id
               ORDER BY j.position, j.id, d.position, d.id, s.start, s."end", s.id"#,
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        let mut speakers = SpeakerCache::default();
        while let Some(r) = rows.next()? {
            let document_id = DocumentId(r.get(1)?);
            let jobcenter_id = JobcenterId(r.get(3)?);
            let code_id = CodeId(r.get(5)?);
            let coder_id = CoderId(r.get(6)?);
            if !filter.documents.is_empty() && !filter.documents.contains(&document_id)
                || !filter.jobcenters.is_empty() && !filter.jobcenters.contains(&jobcenter_id)
                || !filter.coders.is_empty() && !filter.coders.contains(&coder_id)
                || wanted_codes
                    .as_ref()
                    .is_some_and(|set| !set.contains(&code_id))
            {
                continue;
            }
            let start = r.get::<_, i64>(8)? as usize;
            out.push(Segment {
                id: SegmentId(r.get(0)?),
                document_id,
                document: r.get(2)?,
                jobcenter: r.get(4)?,
                code_id,
                code: paths.get(&code_id).copied().unwrap_or_default().to_owned(),
                coder: r.get(7)?,
                start,
                end: r.get::<_, i64>(9)? as usize,
                text: r.get(10)?,
                speaker: speakers.speaker_at(&self.conn, document_id, start)?,
                memo: r.get(11)?,
                created_at: r.get(12)?,
                modified_at: r.get(13)?,
            });
        }
        Ok(out)
    }
}

/// The turns of the document read last, to name the speaker of each segment.
#[derive(Default)]
struct SpeakerCache {
    document: Option<DocumentId>,
    turns: Vec<crate::model::Turn>,
}

impl SpeakerCache {
    fn speaker_at(
        &mut self,
        conn: &Connection,
        document: DocumentId,
        start: usize,
    ) -> Result<Option<String>> {
        if self.document != Some(document) {
            self.turns = documents::turns(conn, document)?;
            self.document = Some(document);
        }
        // The turn that contains the start; between turns (on a speaker label), the turn that follows.
        let after = self.turns.partition_point(|t| t.range.start.0 <= start);
        let turn = self.turns[..after]
            .iter()
            .rev()
            .find(|t| start < t.range.end.0)
            .or_else(|| self.turns.get(after).filter(|_| after > 0));
        Ok(turn.map(|t| t.speaker.clone()))
    }
}

fn exists(conn: &Connection, segment: SegmentId) -> Result<()> {
    conn.query_row("SELECT id FROM segments WHERE id = ?1", [segment.0], |r| {
        r.get::<_, i64>(0)
    })
    .optional()?
    .map(|_| ())
    .ok_or(Error::UnknownSegment(segment.0))
}

/// The coder of that name, created within the change if new.
pub(super) fn ensure_coder(change: &mut Change<'_>, name: &str) -> Result<CoderId> {
    let existing: Option<i64> = change
        .tx()
        .query_row(
            "SELECT id FROM coders WHERE name = ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(CoderId(id));
    }
    let id = change.insert(
        "coders",
        "INSERT INTO coders (name, guid, created_at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        &[&name, &new_guid()],
    )?;
    Ok(CoderId(id))
}
