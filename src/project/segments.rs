//! Coders and coded segments.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};

use super::log::Change;
use super::{Project, codes, documents, new_guid, typology};
use crate::coding::in_vivo::{in_vivo_name, selected_words};
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange, TextIndex};
use crate::model::{
    Code, CodeId, CodePath, Coder, CoderId, DocumentId, JobcenterId, NewCoding, Segment, SegmentId,
    SegmentSpan, turn_at,
};

/// Which segments to list; an empty list means "all".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentFilter {
    /// Codes, each with its sub-codes.
    pub codes: Vec<CodeId>,
    pub jobcenters: Vec<JobcenterId>,
    pub documents: Vec<DocumentId>,
    pub coders: Vec<CoderId>,
}

impl SegmentFilter {
    /// A filter that no segment passes (document numbers start at 1).
    pub fn nothing() -> Self {
        Self {
            documents: vec![DocumentId(0)],
            ..Self::default()
        }
    }
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
        range: CharRange,
        code: CodeId,
        coder: &str,
        memo: &str,
    ) -> Result<SegmentId> {
        let text = self.document_text(document)?;
        let index = TextIndex::new(&text);
        let range = CharRange::within(range.start.0, range.end.0, index.char_len())?;
        let code_path = self
            .codes()?
            .into_iter()
            .find(|c| c.id == code)
            .map(|c| c.path)
            .ok_or_else(|| Error::UnknownCode(code.to_string()))?;
        let doc_name = self.document(document)?.name;
        let coder = checked_coder(coder)?;
        let mut change = self.change()?;
        let coder = ensure_coder(&mut change, coder, None)?;
        let id = insert_segment(
            &mut change,
            &SegmentRow::new(document, code, coder, range, &index).memo(memo),
        )?;
        change.commit(&format!("„{code_path}“ in „{doc_name}“ codiert ({range})"))?;
        Ok(id)
    }

    /// Codes a range with a new top-level code named by its words as the reader sees them
    /// ([`selected_words`], [`in_vivo_name`]), or with the
    /// top-level code of that name if there is one: one change, undone by one undo. Returns the
    /// code and the new segment; `None` if the range holds no word to name a code by.
    pub fn code_in_vivo(
        &mut self,
        document: DocumentId,
        range: CharRange,
        coder: &str,
    ) -> Result<Option<(CodeId, SegmentId)>> {
        let text = self.document_text(document)?;
        let index = TextIndex::new(&text);
        let range = CharRange::within(range.start.0, range.end.0, index.char_len())?;
        let turns = documents::turns(&self.conn, document)?;
        let name = in_vivo_name(&selected_words(&index, &turns, range));
        if name.is_empty() {
            return Ok(None);
        }
        let path = CodePath::parse(&name)?;
        let doc_name = self.document(document)?.name;
        let coder = checked_coder(coder)?;
        let mut change = self.change()?;
        let code = codes::ensure_path(&mut change, &path)?;
        let coder = ensure_coder(&mut change, coder, None)?;
        let segment = insert_segment(
            &mut change,
            &SegmentRow::new(document, code, coder, range, &index),
        )?;
        change.commit(&format!(
            "In vivo „{path}“ in „{doc_name}“ codiert ({range})"
        ))?;
        Ok(Some((code, segment)))
    }

    /// Codes a batch as one change (one undo), after checking every coding first: a document, code
    /// or range that does not fit refuses the whole batch, naming the line (the number beside each
    /// coding) where it stands, and nothing changes. Returns how many segments were coded.
    pub fn code_batch(&mut self, codings: &[(usize, NewCoding)]) -> Result<usize> {
        let bad = |line: usize, error: Error| Error::BadBatchLine {
            line,
            reason: error.to_string(),
        };
        let mut documents: HashMap<&str, DocumentId> = HashMap::new();
        let mut texts: HashMap<DocumentId, String> = HashMap::new();
        let mut codes: HashMap<&str, CodeId> = HashMap::new();
        let mut checked = Vec::with_capacity(codings.len());
        for (line, coding) in codings {
            let document = match documents.get(coding.doc.as_str()) {
                Some(id) => *id,
                None => {
                    let id = self
                        .resolve_document(&coding.doc)
                        .map_err(|e| bad(*line, e))?;
                    documents.insert(&coding.doc, id);
                    id
                }
            };
            if let std::collections::hash_map::Entry::Vacant(entry) = texts.entry(document) {
                entry.insert(self.document_text(document)?);
            }
            let code = match codes.get(coding.code.as_str()) {
                Some(id) => *id,
                None => {
                    let id = self
                        .code_by_path(&coding.code)
                        .map_err(|e| bad(*line, e))?
                        .id;
                    codes.insert(&coding.code, id);
                    id
                }
            };
            checked_coder(&coding.coder).map_err(|e| bad(*line, e))?;
            checked.push((*line, document, code));
        }
        let indexes: HashMap<DocumentId, TextIndex<'_>> = texts
            .iter()
            .map(|(id, text)| (*id, TextIndex::new(text)))
            .collect();
        let mut rows = Vec::with_capacity(codings.len());
        for ((line, coding), (_, document, code)) in codings.iter().zip(&checked) {
            let index = &indexes[document];
            let range = CharRange::within(coding.start, coding.end, index.char_len())
                .map_err(|e| bad(*line, e.into()))?;
            rows.push((coding, *document, *code, range, index));
        }
        let mut change = self.change()?;
        let mut coders: HashMap<String, CoderId> = HashMap::new();
        for (coding, document, code, range, index) in &rows {
            let coder = once_per_name(&mut coders, coding.coder.trim(), |name| {
                ensure_coder(&mut change, name, None)
            })?;
            insert_segment(
                &mut change,
                &SegmentRow::new(*document, *code, coder, *range, index).memo(&coding.memo),
            )?;
        }
        let n = rows.len();
        change.commit(&format!("{n} Segmente als Stapel codiert"))?;
        Ok(n)
    }

    /// Codes many ranges of one document in one change (generated data, batch coding).
    pub fn bulk_segments<'a>(
        &mut self,
        document: DocumentId,
        segments: impl IntoIterator<Item = (CharRange, CodeId, &'a str)>,
    ) -> Result<usize> {
        let text = self.document_text(document)?;
        let index = TextIndex::new(&text);
        let mut change = self.change()?;
        let mut coders: HashMap<String, CoderId> = HashMap::new();
        let mut n = 0;
        for (range, code, coder) in segments {
            let range = CharRange::within(range.start.0, range.end.0, index.char_len())?;
            let coder = once_per_name(&mut coders, coder, |name| {
                ensure_coder(&mut change, name, None)
            })?;
            insert_segment(
                &mut change,
                &SegmentRow::new(document, code, coder, range, &index),
            )?;
            n += 1;
        }
        change.commit(&format!("{n} Segmente codiert"))?;
        Ok(n)
    }

    /// Inserts generated segments of one document without recording them in the action log: for
    /// generated projects only, which [`Project::forget_history`] afterwards.
    pub(crate) fn insert_generated_segments<'a>(
        &mut self,
        document: DocumentId,
        segments: impl IntoIterator<Item = (CharRange, CodeId, &'a str)>,
    ) -> Result<usize> {
        let text = self.document_text(document)?;
        let index = TextIndex::new(&text);
        let tx = self.conn.transaction()?;
        let mut coders: HashMap<String, CoderId> = HashMap::new();
        let mut n = 0;
        {
            let mut insert = tx.prepare_cached(INSERT_SEGMENT)?;
            for (range, code, coder) in segments {
                let range = CharRange::within(range.start.0, range.end.0, index.char_len())?;
                let coder = once_per_name(&mut coders, coder, |name| {
                    if let Some(id) = find_coder(&tx, name)? {
                        return Ok(id);
                    }
                    let none: Option<&str> = None;
                    tx.execute(INSERT_CODER, rusqlite::params![name, new_guid(), none])?;
                    Ok(CoderId(tx.last_insert_rowid()))
                })?;
                let row = SegmentRow::new(document, code, coder, range, &index);
                insert.execute(rusqlite::params_from_iter(row.values()))?;
                n += 1;
            }
        }
        tx.commit()?;
        Ok(n)
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
        typology::unlink_segments(&mut change, &[segment.0])?;
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
        let mut out = Vec::new();
        self.for_each_segment(filter, |s| {
            out.push(s);
            Ok(())
        })?;
        Ok(out)
    }

    /// Hands each segment that passes the filter to `visit`, in the order of [`Project::segments`],
    /// without holding them all in memory (exports of a million segments).
    pub fn for_each_segment(
        &self,
        filter: &SegmentFilter,
        mut visit: impl FnMut(Segment) -> Result<()>,
    ) -> Result<()> {
        // A few documents asked for: only their names are read (ids are numbers, safe to inline).
        let few = (!filter.documents.is_empty() && filter.documents.len() <= 64)
            .then_some(filter.documents.as_slice());
        let reader = SegmentReader::new(&self.conn, few)?;
        let wanted_codes: Option<HashSet<CodeId>> = (!filter.codes.is_empty()).then(|| {
            let mut set: HashSet<CodeId> = filter.codes.iter().copied().collect();
            // Parents come before children, so one pass collects every subtree.
            for code in &reader.codes {
                if let Some(parent) = code.parent
                    && set.contains(&parent)
                {
                    set.insert(code.id);
                }
            }
            set
        });
        // With codes asked for, only their rows are read, through the index on (document, code).
        let code_list: Option<String> = wanted_codes.as_ref().map(|set| {
            set.iter()
                .map(|code| code.0.to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        // Document by document in their order, each through an index on the document.
        for (document, jobcenter) in reader.order.clone() {
            if !(filter.documents.is_empty() || filter.documents.contains(&document))
                || !(filter.jobcenters.is_empty() || filter.jobcenters.contains(&jobcenter))
            {
                continue;
            }
            reader.read_document(
                document,
                code_list.as_deref().map_or(Rows::All, Rows::Codes),
                |code, coder| {
                    (filter.coders.is_empty() || filter.coders.contains(&coder))
                        && wanted_codes.as_ref().is_none_or(|set| set.contains(&code))
                },
                &mut visit,
            )?;
        }
        Ok(())
    }

    /// One segment, with the same fields as [`Project::segments`] gives.
    pub fn segment(&self, id: SegmentId) -> Result<Segment> {
        let document: DocumentId = self
            .conn
            .query_row(
                "SELECT document_id FROM segments WHERE id = ?1",
                [id.0],
                |r| r.get(0).map(DocumentId),
            )
            .optional()?
            .ok_or(Error::UnknownSegment(id.0))?;
        let mut found = None;
        SegmentReader::new(&self.conn, Some(&[document]))?.read_document(
            document,
            Rows::One(id),
            |_, _| true,
            |s| {
                if s.id == id {
                    found = Some(s);
                }
                Ok(())
            },
        )?;
        found.ok_or(Error::UnknownSegment(id.0))
    }

    /// All segments of one document, by start, end and number: what the document view draws.
    pub fn document_segments(&self, document: DocumentId) -> Result<Vec<Segment>> {
        let mut out = Vec::new();
        SegmentReader::new(&self.conn, Some(&[document]))?.read_document(
            document,
            Rows::All,
            |_, _| true,
            |s| {
                out.push(s);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Changes a segment's range (checked against its document's text) and/or its code.
    pub fn update_segment(
        &mut self,
        segment: SegmentId,
        range: Option<CharRange>,
        code: Option<CodeId>,
    ) -> Result<()> {
        let mut change = self.change()?;
        let (document, old_code, old_range, old_text) = change
            .tx()
            .query_row(
                r#"SELECT document_id, code_id, start, "end", text FROM segments WHERE id = ?1"#,
                [segment.0],
                |r| {
                    Ok((
                        DocumentId(r.get(0)?),
                        CodeId(r.get(1)?),
                        CharRange {
                            start: CharPos(r.get::<_, i64>(2)? as usize),
                            end: CharPos(r.get::<_, i64>(3)? as usize),
                        },
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or(Error::UnknownSegment(segment.0))?;
        let (new_range, new_text) = match range {
            Some(range) if range != old_range => {
                let body: String = change.tx().query_row(
                    "SELECT t.body FROM documents d JOIN texts t ON t.id = d.text_id WHERE d.id = ?1",
                    [document.0],
                    |r| r.get(0),
                )?;
                let index = TextIndex::new(&body);
                let range = CharRange::within(range.start.0, range.end.0, index.char_len())?;
                let text = index.slice(range).unwrap_or_default().to_owned();
                (range, text)
            }
            _ => (old_range, old_text),
        };
        let new_code = code.unwrap_or(old_code);
        let new_path = codes::code_path(change.tx(), new_code)?;
        if new_range == old_range && new_code == old_code {
            return Ok(());
        }
        change.update(
            "segments",
            segment.0,
            r#"UPDATE segments SET code_id = ?1, start = ?2, "end" = ?3, text = ?4,
                   modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
               WHERE id = ?5"#,
            &[
                &new_code.0,
                &(new_range.start.0 as i64),
                &(new_range.end.0 as i64),
                &new_text,
                &segment.0,
            ],
        )?;
        let label = if new_code == old_code {
            format!("Bereich von Segment {segment} auf {new_range} geändert")
        } else if new_range == old_range {
            let old_path = codes::code_path(change.tx(), old_code)?;
            format!("Segment {segment} von „{old_path}“ auf „{new_path}“ umcodiert")
        } else {
            format!("Segment {segment} auf {new_range} mit „{new_path}“ geändert")
        };
        change.commit(&label)?;
        Ok(())
    }
}

/// Reads segments document by document, with the names of documents, jobcenters, codes and
/// coders looked up once instead of joined into every row.
struct SegmentReader<'c> {
    conn: &'c Connection,
    codes: Vec<Code>,
    paths: HashMap<CodeId, CodePath>,
    coders: HashMap<CoderId, String>,
    /// Document name and jobcenter name by document.
    names: HashMap<DocumentId, (String, String)>,
    /// Documents in display order, with their jobcenters.
    order: Vec<(DocumentId, JobcenterId)>,
}

impl<'c> SegmentReader<'c> {
    /// A reader for the segments of every document, or (`only`) of a few: a list of one
    /// document's segments then reads that document's name, not the whole document list.
    fn new(conn: &'c Connection, only: Option<&[DocumentId]>) -> Result<Self> {
        let codes = codes::codes(conn)?;
        let paths = codes.iter().map(|c| (c.id, c.path.clone())).collect();
        let mut stmt = conn.prepare_cached("SELECT id, name FROM coders")?;
        let coders = stmt
            .query_map([], |r| Ok((CoderId(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let only = only.map(|ids| {
            let ids: Vec<String> = ids.iter().map(|d| d.0.to_string()).collect();
            format!("WHERE d.id IN ({})", ids.join(","))
        });
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT d.id, d.jobcenter_id, d.name, j.name FROM documents d JOIN jobcenters j ON j.id = d.jobcenter_id
             {} ORDER BY j.position, j.id, d.position, d.id",
            only.unwrap_or_default()
        ))?;
        let mut names = HashMap::new();
        let mut order = Vec::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                DocumentId(r.get(0)?),
                JobcenterId(r.get(1)?),
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (document, jobcenter, name, jobcenter_name) = row?;
            names.insert(document, (name, jobcenter_name));
            order.push((document, jobcenter));
        }
        Ok(Self {
            conn,
            codes,
            paths,
            coders,
            names,
            order,
        })
    }

    /// Hands the segments of one document that `keep` accepts (by code and coder) to `visit`;
    /// `rows` lets SQLite read only some codes' rows, or one row.
    fn read_document(
        &self,
        document: DocumentId,
        rows: Rows<'_>,
        mut keep: impl FnMut(CodeId, CoderId) -> bool,
        mut visit: impl FnMut(Segment) -> Result<()>,
    ) -> Result<()> {
        let Some((document_name, jobcenter_name)) = self.names.get(&document) else {
            return Ok(());
        };
        let (index, only) = match rows {
            Rows::All => (String::new(), String::new()),
            Rows::Codes(list) => (
                "INDEXED BY segments_document_code".to_owned(),
                format!("AND code_id IN ({list})"),
            ),
            Rows::One(_) => (String::new(), "AND id = ?2".to_owned()),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            r#"SELECT id, code_id, coder_id, start, "end", text, memo, created_at, modified_at
               FROM segments {index} WHERE document_id = ?1 {only} ORDER BY start, "end", id"#
        ))?;
        let mut rows = match rows {
            Rows::One(id) => stmt.query(params![document.0, id.0])?,
            _ => stmt.query([document.0])?,
        };
        let mut speakers = SpeakerCache::default();
        while let Some(r) = rows.next()? {
            let code = CodeId(r.get(1)?);
            let coder = CoderId(r.get(2)?);
            if !keep(code, coder) {
                continue;
            }
            let start = r.get::<_, i64>(3)? as usize;
            visit(Segment {
                id: SegmentId(r.get(0)?),
                document_id: document,
                document: document_name.clone(),
                jobcenter: jobcenter_name.clone(),
                code_id: code,
                code: self.paths.get(&code).cloned().unwrap_or_default(),
                coder: self.coders.get(&coder).cloned().unwrap_or_default(),
                start,
                end: r.get::<_, i64>(4)? as usize,
                text: r.get(5)?,
                speaker: speakers.speaker_at(self.conn, document, start)?,
                memo: r.get(6)?,
                created_at: r.get(7)?,
                modified_at: r.get(8)?,
            })?;
        }
        Ok(())
    }
}

/// Which rows of a document a [`SegmentReader`] reads.
enum Rows<'a> {
    All,
    /// Those of some codes (row ids joined by commas), through the index on (document, code).
    Codes(&'a str),
    One(SegmentId),
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
        Ok(turn_at(&self.turns, start).map(|i| self.turns[i].speaker.clone()))
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

/// The one statement that writes a segment; `created_at` (?9) defaults to now.
const INSERT_SEGMENT: &str = r#"INSERT INTO segments (document_id, code_id, coder_id, start, "end", text, memo, guid, created_at, modified_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), coalesce(?9, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"#;

/// The one statement that writes a coder; `created_at` (?3) defaults to now.
const INSERT_CODER: &str = "INSERT INTO coders (name, guid, created_at) VALUES (?1, ?2, coalesce(?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))";

/// A segment as it is written: who coded what where, with the coded text cut from the document.
pub(super) struct SegmentRow<'a> {
    pub document: DocumentId,
    pub code: CodeId,
    pub coder: CoderId,
    /// The range's ends, as SQLite stores them.
    pub start: i64,
    pub end: i64,
    pub text: &'a str,
    pub memo: &'a str,
    pub guid: String,
    /// ISO 8601; `None`: now.
    pub created_at: Option<&'a str>,
}

impl<'a> SegmentRow<'a> {
    /// A new segment with a new GUID, no memo, created now; `range` must lie in `index`'s text.
    pub fn new(
        document: DocumentId,
        code: CodeId,
        coder: CoderId,
        range: CharRange,
        index: &TextIndex<'a>,
    ) -> Self {
        Self {
            document,
            code,
            coder,
            start: range.start.0 as i64,
            end: range.end.0 as i64,
            text: index.slice(range).unwrap_or_default(),
            memo: "",
            guid: new_guid(),
            created_at: None,
        }
    }

    pub fn memo(self, memo: &'a str) -> Self {
        Self { memo, ..self }
    }

    fn values(&self) -> [&dyn rusqlite::ToSql; 9] {
        [
            &self.document.0,
            &self.code.0,
            &self.coder.0,
            &self.start,
            &self.end,
            &self.text,
            &self.memo,
            &self.guid,
            &self.created_at,
        ]
    }
}

/// Writes one segment within a change.
pub(super) fn insert_segment(change: &mut Change<'_>, row: &SegmentRow<'_>) -> Result<SegmentId> {
    let id = change.insert("segments", INSERT_SEGMENT, &row.values())?;
    Ok(SegmentId(id))
}

/// The coder of a name from the batch's cache, found or created by `get` on its first use.
fn once_per_name(
    cache: &mut HashMap<String, CoderId>,
    name: &str,
    get: impl FnOnce(&str) -> Result<CoderId>,
) -> Result<CoderId> {
    if let Some(id) = cache.get(name) {
        return Ok(*id);
    }
    let id = get(name)?;
    cache.insert(name.to_owned(), id);
    Ok(id)
}

/// A coder's name as given, trimmed; refuses an empty one.
pub(super) fn checked_coder(name: &str) -> Result<&str> {
    match name.trim() {
        "" => Err(Error::UnknownCoder(String::new())),
        name if name.chars().any(char::is_control) => Err(Error::BadCoderName(
            name.escape_debug().to_string(),
            "it contains a line break or control character",
        )),
        name => Ok(name),
    }
}

/// The coder of that name (case does not matter), if there is one.
pub(super) fn find_coder(conn: &Connection, name: &str) -> Result<Option<CoderId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM coders WHERE name = ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )
        .optional()?
        .map(CoderId))
}

/// The coder of that name, created within the change if new (with `guid`, or a new one).
pub(super) fn ensure_coder(
    change: &mut Change<'_>,
    name: &str,
    guid: Option<&str>,
) -> Result<CoderId> {
    if let Some(id) = find_coder(change.tx(), name)? {
        return Ok(id);
    }
    let guid = guid.map_or_else(new_guid, str::to_owned);
    let id = change.insert("coders", INSERT_CODER, &[&name, &guid, &None::<String>])?;
    Ok(CoderId(id))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_undo_redo, document, project, state};
    use super::*;

    const TEXT: &str = "Grüß Gott, wir beraten persönlich 😀. Die Software hilft selten.";

    fn range(start: usize, end: usize) -> Option<CharRange> {
        Some(CharRange::new(start, end).unwrap())
    }

    fn latest_label(p: &Project) -> String {
        p.actions(1).unwrap().remove(0).label
    }

    /// A coding's log entry names the row it wrote and holds no copy of it; the undo that takes
    /// it back records the row, and the redo puts back exactly that row, memo and dates included.
    #[test]
    fn a_coding_is_logged_without_a_copy_of_its_row_until_undo_records_it() {
        let (_dir, mut p) = project();
        let code = p.add_code("A", None, "").unwrap();
        let doc = document(&mut p, "Interview 1", TEXT);
        // The newest entry but `back`.
        let entry = |p: &Project, back: i64| -> String {
            p.conn
                .query_row(
                    "SELECT changes FROM actions ORDER BY id DESC LIMIT 1 OFFSET ?1",
                    [back],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let seg = p
            .apply_code(
                doc,
                CharRange::new(11, 33).unwrap(),
                code,
                "Anna",
                "Kernstelle",
            )
            .unwrap();
        p.set_segment_memo(seg, "Kernstelle, geprüft").unwrap();
        let coded = p.segment(seg).unwrap();
        let (coding, memo) = (entry(&p, 1), entry(&p, 0));
        assert!(!coding.contains("persönlich"), "{coding}");
        assert!(
            memo.contains("\"Kernstelle\"") && !memo.contains("geprüft"),
            "{memo}"
        );

        p.undo().unwrap();
        assert!(entry(&p, 0).contains("Kernstelle, geprüft"));
        p.undo().unwrap();
        assert!(entry(&p, 1).contains("wir beraten persönlich"));
        assert!(p.segment(seg).is_err());
        p.redo().unwrap();
        p.redo().unwrap();
        let again = p.segment(seg).unwrap();
        assert_eq!(format!("{again:?}"), format!("{coded:?}"));
        // Undone and redone once, the entries keep their images; a second round is the same.
        p.undo().unwrap();
        p.undo().unwrap();
        p.redo().unwrap();
        p.redo().unwrap();
        assert_eq!(
            format!("{:?}", p.segment(seg).unwrap()),
            format!("{coded:?}")
        );
    }

    #[test]
    fn in_vivo_is_one_change_that_one_undo_takes_back() {
        let (_dir, mut p) = project();
        let doc = document(&mut p, "Interview 1", TEXT);
        let before = state(&p);
        // „wir beraten persönlich“
        let (code, segment) = p
            .code_in_vivo(doc, CharRange::new(11, 33).unwrap(), "Anna")
            .unwrap()
            .unwrap();
        assert_eq!(p.code_by_path("wir beraten persönlich").unwrap().id, code);
        assert_eq!(p.segment(segment).unwrap().code_id, code);
        assert_eq!(p.coders().unwrap()[0].name, "Anna");
        assert!(latest_label(&p).starts_with("In vivo „wir beraten persönlich“"));
        assert_undo_redo(&mut p, &before);
        assert!(p.coders().unwrap().iter().any(|c| c.name == "Anna"));
        p.undo().unwrap();
        assert!(p.codes().unwrap().is_empty());
        assert!(p.coders().unwrap().is_empty());

        // The same words again reuse the code; a selection without words codes nothing.
        p.redo().unwrap();
        let (again, _) = p
            .code_in_vivo(doc, CharRange::new(11, 33).unwrap(), "Ben")
            .unwrap()
            .unwrap();
        assert_eq!(again, code);
        assert_eq!(p.codes().unwrap().len(), 1);
        let actions = p.actions(100).unwrap().len();
        assert_eq!(
            p.code_in_vivo(doc, CharRange::new(34, 36).unwrap(), "Anna")
                .unwrap(),
            None
        );
        assert_eq!(p.actions(100).unwrap().len(), actions);
    }

    #[test]
    fn a_segment_changes_range_and_code_and_undo_restores_it() {
        let (_dir, mut p) = project();
        let a = p.add_code("A", None, "").unwrap();
        let b = p.add_code("B/b1", None, "").unwrap();
        let doc = document(&mut p, "Interview 1", TEXT);
        let seg = p
            .apply_code(doc, CharRange::new(0, 4).unwrap(), a, "Anna", "Memo")
            .unwrap();
        p.conn
            .execute(
                "UPDATE segments SET modified_at = '2000-01-01T00:00:00Z' WHERE id = ?1",
                [seg.0],
            )
            .unwrap();
        let created = p.segment(seg).unwrap();

        let before = state(&p);
        p.update_segment(seg, range(23, 35), None).unwrap();
        let moved = p.segment(seg).unwrap();
        assert_eq!((moved.start, moved.end), (23, 35));
        assert_eq!(moved.text, "persönlich 😀");
        assert_eq!(moved.code, "A");
        assert_eq!(
            (moved.memo.as_str(), moved.coder.as_str()),
            ("Memo", "Anna")
        );
        assert_eq!(moved.created_at, created.created_at);
        assert_ne!(moved.modified_at, created.modified_at);
        assert_eq!(latest_label(&p), "Bereich von Segment 1 auf 23–35 geändert");
        assert_undo_redo(&mut p, &before);

        let before = state(&p);
        p.update_segment(seg, None, Some(b)).unwrap();
        assert_eq!(p.segment(seg).unwrap().code, "B/b1");
        assert_eq!(latest_label(&p), "Segment 1 von „A“ auf „B/b1“ umcodiert");
        assert_undo_redo(&mut p, &before);

        let before = state(&p);
        p.update_segment(seg, range(0, 4), Some(a)).unwrap();
        let both = p.segment(seg).unwrap();
        assert_eq!((both.text.as_str(), both.code.as_str()), ("Grüß", "A"));
        assert_eq!(latest_label(&p), "Segment 1 auf 0–4 mit „A“ geändert");
        p.undo().unwrap();
        assert_eq!(state(&p), before);
    }

    #[test]
    fn a_segment_update_is_checked_before_anything_changes() {
        let (_dir, mut p) = project();
        let a = p.add_code("A", None, "").unwrap();
        let doc = document(&mut p, "Interview 1", TEXT);
        let seg = p
            .apply_code(doc, CharRange::new(0, 4).unwrap(), a, "Anna", "")
            .unwrap();
        let len = TEXT.chars().count();
        let unchanged = state(&p);
        let actions = p.actions(100).unwrap().len();

        let err = p
            .update_segment(seg, range(len - 2, len + 1), None)
            .unwrap_err();
        assert!(matches!(err, Error::Range(_)), "{err}");
        assert!(matches!(
            p.update_segment(seg, None, Some(CodeId(999))),
            Err(Error::UnknownCode(_))
        ));
        assert!(matches!(
            p.update_segment(SegmentId(999), range(0, 1), None),
            Err(Error::UnknownSegment(999))
        ));
        p.update_segment(seg, range(0, 4), Some(a)).unwrap();
        p.update_segment(seg, None, None).unwrap();
        assert_eq!(state(&p), unchanged);
        assert_eq!(p.actions(100).unwrap().len(), actions);

        p.update_segment(seg, range(len - 1, len), None).unwrap();
        assert_eq!(p.segment(seg).unwrap().text, ".");
        assert!(matches!(
            p.segment(SegmentId(999)),
            Err(Error::UnknownSegment(999))
        ));
    }

    #[test]
    fn a_document_lists_its_segments_by_position() {
        let (_dir, mut p) = project();
        let a = p.add_code("A", None, "").unwrap();
        let b = p.add_code("A/b", None, "").unwrap();
        let long = "Wort ".repeat(1_000);
        let doc = document(&mut p, "Interview 1", &long);
        let other = document(&mut p, "Interview 2", TEXT);
        p.apply_code(other, CharRange::new(0, 4).unwrap(), a, "Anna", "")
            .unwrap();
        // 2,000 segments in one transaction, in an order unlike the one wanted.
        {
            let tx = p.conn.transaction().unwrap();
            let coder: i64 = tx
                .query_row("SELECT id FROM coders", [], |r| r.get(0))
                .unwrap();
            for i in (0..2_000_i64).rev() {
                let start = (i * 7) % 4_990;
                let end = start + 1 + i % 9;
                let code = if i % 3 == 0 { a } else { b };
                tx.execute(
                    r#"INSERT INTO segments (document_id, code_id, coder_id, start, "end", text, guid, created_at, modified_at)
                       VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, 'now', 'now')"#,
                    rusqlite::params![doc.0, code.0, coder, start, end, new_guid()],
                )
                .unwrap();
            }
            tx.commit().unwrap();
        }
        let listed = p.document_segments(doc).unwrap();
        assert_eq!(listed.len(), 2_000);
        assert!(
            listed
                .windows(2)
                .all(|w| (w[0].start, w[0].end, w[0].id) < (w[1].start, w[1].end, w[1].id))
        );
        assert!(listed.iter().all(|s| s.speaker.as_deref() == Some("I")));
        let filtered = p
            .segments(&SegmentFilter {
                documents: vec![doc],
                ..SegmentFilter::default()
            })
            .unwrap();
        assert_eq!(format!("{listed:?}"), format!("{filtered:?}"));
        assert_eq!(
            format!("{:?}", p.segment(listed[5].id).unwrap()),
            format!("{:?}", listed[5])
        );

        let others = p.document_segments(other).unwrap();
        assert_eq!(others.len(), 1);
        assert_eq!(
            (others[0].code.as_str(), others[0].text.as_str()),
            ("A", "Grüß")
        );
        assert!(p.document_segments(DocumentId(999)).unwrap().is_empty());
    }
}
