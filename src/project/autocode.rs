//! Coding many passages in one change, as autocoding from a search does: a passage that the same
//! coder already coded with the same code extends that segment instead of doubling it.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::Project;
use super::codes::code_path;
use super::segments::{SegmentRow, checked_coder, ensure_coder, find_coder, insert_segment};
use crate::model::error::Result;
use crate::model::range::{CharPos, CharRange, TextIndex, joined};
use crate::model::{CodeId, CoderId, DocumentId, SegmentId};

/// A passage to code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPassage {
    pub document: DocumentId,
    pub range: CharRange,
    pub code: CodeId,
    /// The memo of the segment, if a new one is made.
    pub memo: String,
}

/// What coding a passage does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Planned {
    /// A new segment.
    New,
    /// An existing segment of the same coder and code grows to hold the passage.
    Extend { segment: SegmentId, from: CharRange },
    /// An existing segment of the same coder and code holds it already: nothing changes.
    Covered { segment: SegmentId },
}

/// A segment as it will stand after coding a passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedSegment {
    pub document: DocumentId,
    pub range: CharRange,
    pub code: CodeId,
    pub planned: Planned,
    pub memo: String,
}

/// How many segments a run of passages made, extended, or found there already.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CodedPassages {
    pub new: usize,
    pub extended: usize,
    pub covered: usize,
}

impl Project {
    /// What [`Project::code_passages`] would do, changing nothing. Passages of one document and
    /// code that overlap or touch become one.
    pub fn plan_passages(
        &self,
        passages: &[NewPassage],
        coder: &str,
    ) -> Result<Vec<PlannedSegment>> {
        plan(&self.conn, passages, coder)
    }

    /// Codes the passages as one change (one undo takes all back), as `coder`: each passage a new
    /// segment with its memo, or an existing segment of the same coder and code that overlaps it
    /// extended to hold it. Every range is checked against its text first. Nothing to do writes
    /// nothing.
    pub fn code_passages(
        &mut self,
        passages: &[NewPassage],
        coder: &str,
        label: &str,
    ) -> Result<CodedPassages> {
        let coder = checked_coder(coder)?;
        let mut texts: HashMap<DocumentId, String> = HashMap::new();
        for p in passages {
            if let std::collections::hash_map::Entry::Vacant(entry) = texts.entry(p.document) {
                entry.insert(self.document_text(p.document)?);
            }
        }
        let indexes: HashMap<DocumentId, TextIndex<'_>> = texts
            .iter()
            .map(|(id, text)| (*id, TextIndex::new(text)))
            .collect();
        for p in passages {
            CharRange::within(
                p.range.start.0,
                p.range.end.0,
                indexes[&p.document].char_len(),
            )?;
        }
        let mut change = self.change()?;
        let planned = plan(change.tx(), passages, coder)?;
        let mut outcome = CodedPassages::default();
        let mut coder_id: Option<CoderId> = None;
        for p in &planned {
            let index = &indexes[&p.document];
            match p.planned {
                Planned::New => {
                    let id = match coder_id {
                        Some(id) => id,
                        None => *coder_id.insert(ensure_coder(&mut change, coder, None)?),
                    };
                    insert_segment(
                        &mut change,
                        &SegmentRow::new(p.document, p.code, id, p.range, index).memo(&p.memo),
                    )?;
                    outcome.new += 1;
                }
                Planned::Extend { segment, .. } => {
                    let text = index.slice(p.range).unwrap_or_default();
                    change.update(
                        "segments",
                        segment.0,
                        r#"UPDATE segments SET start = ?1, "end" = ?2, text = ?3,
                               modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                           WHERE id = ?4"#,
                        &[
                            &(p.range.start.0 as i64),
                            &(p.range.end.0 as i64),
                            &text,
                            &segment.0,
                        ],
                    )?;
                    outcome.extended += 1;
                }
                Planned::Covered { .. } => outcome.covered += 1,
            }
        }
        if outcome.new + outcome.extended > 0 {
            change.commit(label)?;
        }
        Ok(outcome)
    }
}

fn plan(conn: &Connection, passages: &[NewPassage], coder: &str) -> Result<Vec<PlannedSegment>> {
    let coder = find_coder(conn, checked_coder(coder)?)?;
    let mut groups: Vec<((DocumentId, CodeId), Vec<CharRange>, String)> = Vec::new();
    let mut at: HashMap<(DocumentId, CodeId), usize> = HashMap::new();
    for p in passages {
        let key = (p.document, p.code);
        let i = *at.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new(), p.memo.clone()));
            groups.len() - 1
        });
        groups[i].1.push(p.range);
    }
    let mut out = Vec::new();
    for ((document, code), ranges, memo) in groups {
        code_path(conn, code)?;
        let mut existing: Vec<(SegmentId, CharRange)> = match coder {
            Some(coder) => segments_of(conn, document, code, coder)?,
            None => Vec::new(),
        };
        for range in joined(ranges) {
            let planned = match existing.iter_mut().find(|(_, r)| r.overlaps(&range)) {
                Some((segment, r)) if r.start <= range.start && range.end <= r.end => {
                    out.push(PlannedSegment {
                        document,
                        range: *r,
                        code,
                        planned: Planned::Covered { segment: *segment },
                        memo: String::new(),
                    });
                    continue;
                }
                Some((segment, r)) => {
                    let from = *r;
                    *r = CharRange {
                        start: CharPos(r.start.0.min(range.start.0)),
                        end: CharPos(r.end.0.max(range.end.0)),
                    };
                    (
                        *r,
                        Planned::Extend {
                            segment: *segment,
                            from,
                        },
                    )
                }
                None => (range, Planned::New),
            };
            out.push(PlannedSegment {
                document,
                range: planned.0,
                code,
                planned: planned.1,
                memo: memo.clone(),
            });
        }
    }
    // A segment extended by several passages is written once, as it ends up.
    let mut last: HashMap<SegmentId, usize> = HashMap::new();
    for (i, p) in out.iter().enumerate() {
        if let Planned::Extend { segment, .. } = p.planned {
            last.insert(segment, i);
        }
    }
    let mut i = 0;
    out.retain(|p| {
        i += 1;
        match p.planned {
            Planned::Extend { segment, .. } => last[&segment] == i - 1,
            _ => true,
        }
    });
    Ok(out)
}

fn segments_of(
    conn: &Connection,
    document: DocumentId,
    code: CodeId,
    coder: CoderId,
) -> Result<Vec<(SegmentId, CharRange)>> {
    let mut stmt = conn.prepare_cached(
        r#"SELECT id, start, "end" FROM segments INDEXED BY segments_document_code
           WHERE document_id = ?1 AND code_id = ?2 AND coder_id = ?3 ORDER BY start, "end", id"#,
    )?;
    let rows = stmt.query_map([document.0, code.0, coder.0], |r| {
        Ok((
            SegmentId(r.get(0)?),
            CharRange {
                start: CharPos(r.get::<_, i64>(1)? as usize),
                end: CharPos(r.get::<_, i64>(2)? as usize),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, project, state};
    use super::*;

    fn passage(document: DocumentId, start: usize, end: usize, code: CodeId) -> NewPassage {
        NewPassage {
            document,
            range: CharRange::new(start, end).unwrap(),
            code,
            memo: "Suche: Akte".into(),
        }
    }

    #[test]
    fn passages_are_one_change_and_extend_instead_of_doubling() {
        let (_dir, mut p) = project();
        let code = p.add_code("A", None, "").unwrap();
        let doc = document(
            &mut p,
            "d",
            "Die Akte liegt hier, die Akte dort, und noch eine Akte.",
        );
        let kept = p
            .apply_code(doc, CharRange::new(0, 8).unwrap(), code, "Anna", "alt")
            .unwrap();
        // Another coder's segment is not extended.
        p.apply_code(doc, CharRange::new(25, 29).unwrap(), code, "Ben", "")
            .unwrap();
        let before = state(&p);
        let passages = [
            passage(doc, 4, 14, code),
            passage(doc, 25, 29, code),
            passage(doc, 2, 6, code),
            passage(doc, 50, 54, code),
            passage(doc, 52, 54, code),
        ];
        let planned = p.plan_passages(&passages, "Anna").unwrap();
        let ranges: Vec<(usize, usize, Planned)> = planned
            .iter()
            .map(|s| (s.range.start.0, s.range.end.0, s.planned))
            .collect();
        assert_eq!(
            ranges,
            [
                (
                    0,
                    14,
                    Planned::Extend {
                        segment: kept,
                        from: CharRange::new(0, 8).unwrap()
                    }
                ),
                (25, 29, Planned::New),
                (50, 54, Planned::New),
            ]
        );
        assert_eq!(state(&p), before);
        let outcome = p.code_passages(&passages, "Anna", "Autocodiert").unwrap();
        assert_eq!(
            outcome,
            CodedPassages {
                new: 2,
                extended: 1,
                covered: 0
            }
        );
        let extended = p.segment(kept).unwrap();
        assert_eq!((extended.start, extended.end), (0, 14));
        assert_eq!(
            (extended.memo.as_str(), extended.text.as_str()),
            ("alt", "Die Akte liegt")
        );
        let anna: Vec<_> = p
            .document_segments(doc)
            .unwrap()
            .into_iter()
            .filter(|s| s.coder == "Anna")
            .collect();
        assert_eq!(anna.len(), 3);
        assert_eq!(anna[2].memo, "Suche: Akte");

        // The same run again changes nothing and writes no log entry.
        let actions = p.actions(100).unwrap().len();
        let again = p.code_passages(&passages, "Anna", "Autocodiert").unwrap();
        assert_eq!((again.new, again.extended, again.covered), (0, 0, 3));
        assert_eq!(p.actions(100).unwrap().len(), actions);

        // One undo takes the whole run back.
        p.undo().unwrap();
        assert_eq!(state(&p), before);
        let err = p
            .code_passages(&[passage(doc, 50, 999, code)], "Anna", "x")
            .unwrap_err();
        assert!(matches!(err, crate::Error::Range(_)), "{err}");
    }
}
