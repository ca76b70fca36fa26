//! The team's decision on a passage where two coders differ, written as segments of a consensus
//! coder: one change per decision, so one undo takes it back.

use rusqlite::Connection;

use super::Project;
use super::codes::subtree;
use super::segments::{SegmentRow, checked_coder, ensure_coder, find_coder, insert_segment};
use super::typology;
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange, TextIndex, intersection, joined};
use crate::model::{CodeId, CoderId, DocumentId, SegmentId};

/// How the action log names a decision on a passage, up to the choice; the workbench reads the
/// log by it to show what is decided.
pub fn consensus_label(code_path: &str, document: &str, passage: CharRange) -> String {
    format!("Konsens „{code_path}“ in „{document}“ ({passage}): ")
}

/// The consensus coder's name unless the team chooses another.
pub const CONSENSUS_CODER: &str = "Konsens";

/// What the consensus coder gets for a disagreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsensusChoice {
    /// The first coder's ranges.
    First,
    /// The second coder's ranges.
    Second,
    /// Both coders' ranges joined.
    Joined,
    /// Only the characters both coders coded.
    Common,
    /// No segment.
    Neither,
}

impl ConsensusChoice {
    pub const ALL: [ConsensusChoice; 5] = [
        ConsensusChoice::First,
        ConsensusChoice::Second,
        ConsensusChoice::Joined,
        ConsensusChoice::Common,
        ConsensusChoice::Neither,
    ];
}

/// One decision: which passage of which code, between which coders, taken how, written as whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsensusDecision {
    pub document: DocumentId,
    pub code: CodeId,
    /// The coders' segments of the code that overlap this passage are what is decided.
    pub passage: CharRange,
    /// The first and the second coder, by name.
    pub coders: [String; 2],
    pub choice: ConsensusChoice,
    /// Count the code's sub-codes' segments as the code's.
    pub with_subcodes: bool,
    /// The consensus coder's name (created on first use).
    pub consensus: String,
}

/// What a decision wrote: the consensus coder's new segments and how many earlier ones of the
/// passage it replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsensusOutcome {
    pub segments: Vec<(SegmentId, CharRange)>,
    pub replaced: usize,
}

impl Project {
    /// Writes a decision as the consensus coder's segments of the code in the passage, replacing
    /// that coder's earlier segments of the code there: one change, one undo.
    pub fn decide_consensus(&mut self, d: &ConsensusDecision) -> Result<ConsensusOutcome> {
        let text = self.document_text(d.document)?;
        let index = TextIndex::new(&text);
        let passage = CharRange::within(d.passage.start.0, d.passage.end.0, index.char_len())?;
        let code_path = self
            .codes()?
            .into_iter()
            .find(|c| c.id == d.code)
            .map(|c| c.path)
            .ok_or_else(|| Error::UnknownCode(d.code.to_string()))?;
        let doc_name = self.document(d.document)?.name;
        let [first, second] = [0, 1].map(|i| {
            find_coder(&self.conn, d.coders[i].trim())?
                .ok_or_else(|| Error::UnknownCoder(d.coders[i].clone()))
        });
        let (first, second) = (first?, second?);
        if first == second {
            return Err(Error::SameCoderTwice(d.coders[0].clone()));
        }
        let consensus = checked_coder(&d.consensus)?;
        if let Some(existing) = find_coder(&self.conn, consensus)?
            && (existing == first || existing == second)
        {
            return Err(Error::ConsensusIsACoder(consensus.to_owned()));
        }
        let codes: Vec<CodeId> = if d.with_subcodes {
            subtree(&self.conn, d.code)?
                .into_iter()
                .map(|(c, _)| c)
                .collect()
        } else {
            vec![d.code]
        };
        let a = joined(overlapping(&self.conn, d.document, &codes, first, passage)?);
        let b = joined(overlapping(
            &self.conn, d.document, &codes, second, passage,
        )?);
        if a.is_empty() && b.is_empty() {
            return Err(Error::NothingToDecide {
                code: code_path.to_string(),
                passage: passage.to_string(),
            });
        }
        let ranges = match d.choice {
            ConsensusChoice::First => a,
            ConsensusChoice::Second => b,
            ConsensusChoice::Joined => joined(a.into_iter().chain(b).collect()),
            ConsensusChoice::Common => intersection(&a, &b),
            ConsensusChoice::Neither => Vec::new(),
        };
        let earlier = match find_coder(&self.conn, consensus)? {
            Some(id) => overlapping_ids(&self.conn, d.document, d.code, id, passage)?,
            None => Vec::new(),
        };
        let taken = match d.choice {
            ConsensusChoice::First => format!("{} übernommen", d.coders[0].trim()),
            ConsensusChoice::Second => format!("{} übernommen", d.coders[1].trim()),
            ConsensusChoice::Joined => "beide vereinigt".to_owned(),
            ConsensusChoice::Common => "Schnittmenge".to_owned(),
            ConsensusChoice::Neither => "nicht codiert".to_owned(),
        };
        let mut change = self.change()?;
        typology::unlink_segments(&mut change, &earlier)?;
        for id in &earlier {
            change.delete("segments", *id)?;
        }
        let coder = ensure_coder(&mut change, consensus, None)?;
        let mut segments = Vec::new();
        for range in ranges {
            let id = insert_segment(
                &mut change,
                &SegmentRow::new(d.document, d.code, coder, range, &index),
            )?;
            segments.push((id, range));
        }
        change.commit(&format!(
            "{}{taken}",
            consensus_label(code_path.as_str(), &doc_name, passage)
        ))?;
        Ok(ConsensusOutcome {
            segments,
            replaced: earlier.len(),
        })
    }
}

/// The ranges of a coder's segments of the codes that overlap the passage, sorted.
fn overlapping(
    conn: &Connection,
    document: DocumentId,
    codes: &[CodeId],
    coder: CoderId,
    passage: CharRange,
) -> Result<Vec<CharRange>> {
    let mut stmt = conn.prepare_cached(
        r#"SELECT start, "end" FROM segments
           WHERE document_id = ?1 AND code_id = ?2 AND coder_id = ?3 AND start < ?4 AND "end" > ?5"#,
    )?;
    let mut out = Vec::new();
    for code in codes {
        let rows = stmt.query_map(
            (
                document.0,
                code.0,
                coder.0,
                passage.end.0 as i64,
                passage.start.0 as i64,
            ),
            |r| {
                Ok(CharRange {
                    start: CharPos(r.get::<_, i64>(0)? as usize),
                    end: CharPos(r.get::<_, i64>(1)? as usize),
                })
            },
        )?;
        for row in rows {
            out.push(row?);
        }
    }
    out.sort();
    Ok(out)
}

/// The ids of a coder's segments of the code that overlap the passage.
fn overlapping_ids(
    conn: &Connection,
    document: DocumentId,
    code: CodeId,
    coder: CoderId,
    passage: CharRange,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        r#"SELECT id FROM segments
           WHERE document_id = ?1 AND code_id = ?2 AND coder_id = ?3 AND start < ?4 AND "end" > ?5
           ORDER BY id"#,
    )?;
    let rows = stmt.query_map(
        (
            document.0,
            code.0,
            coder.0,
            passage.end.0 as i64,
            passage.start.0 as i64,
        ),
        |r| r.get(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_undo_redo, document, project, state};
    use super::*;

    const TEXT: &str = "Wir beraten persönlich, die Software hilft selten, sagt sie.";

    fn r(start: usize, end: usize) -> CharRange {
        CharRange::new(start, end).unwrap()
    }

    fn setup() -> (tempfile::TempDir, Project, DocumentId, CodeId) {
        let (dir, mut p) = project();
        let doc = document(&mut p, "HS-01", TEXT);
        let code = p.add_code("Haltung", None, "").unwrap();
        p.apply_code(doc, r(4, 22), code, "Anna", "").unwrap();
        p.apply_code(doc, r(0, 11), code, "Anna", "").unwrap();
        p.apply_code(doc, r(12, 35), code, "Jonas", "").unwrap();
        (dir, p, doc, code)
    }

    fn decision(doc: DocumentId, code: CodeId, choice: ConsensusChoice) -> ConsensusDecision {
        ConsensusDecision {
            document: doc,
            code,
            passage: r(0, 35),
            coders: ["Anna".into(), "Jonas".into()],
            choice,
            with_subcodes: false,
            consensus: CONSENSUS_CODER.into(),
        }
    }

    #[test]
    fn each_choice_writes_its_ranges() {
        let (_dir, mut p, doc, code) = setup();
        let expected = [
            (ConsensusChoice::First, vec![r(0, 22)]),
            (ConsensusChoice::Second, vec![r(12, 35)]),
            (ConsensusChoice::Joined, vec![r(0, 35)]),
            (ConsensusChoice::Common, vec![r(12, 22)]),
            (ConsensusChoice::Neither, vec![]),
        ];
        for (choice, ranges) in expected {
            let outcome = p.decide_consensus(&decision(doc, code, choice)).unwrap();
            let written: Vec<CharRange> = outcome.segments.iter().map(|(_, r)| *r).collect();
            assert_eq!(written, ranges, "{choice:?}");
            let konsens = p.coder("Konsens").unwrap().id;
            let stored: Vec<CharRange> = p
                .document_segments(doc)
                .unwrap()
                .iter()
                .filter(|s| s.coder == "Konsens")
                .map(|s| s.range())
                .collect();
            assert_eq!(stored, ranges, "{choice:?} replaces the earlier decision");
            assert_ne!(konsens, p.coder("Anna").unwrap().id);
        }
    }

    #[test]
    fn a_decision_is_one_change_that_one_undo_takes_back() {
        let (_dir, mut p, doc, code) = setup();
        let before = state(&p);
        p.decide_consensus(&decision(doc, code, ConsensusChoice::Common))
            .unwrap();
        assert_eq!(
            p.actions(1).unwrap()[0].label,
            "Konsens „Haltung“ in „HS-01“ (0–35): Schnittmenge"
        );
        assert_undo_redo(&mut p, &before);

        let decided = state(&p);
        p.decide_consensus(&decision(doc, code, ConsensusChoice::First))
            .unwrap();
        p.undo().unwrap();
        assert_eq!(state(&p), decided, "undo brings the earlier decision back");
    }

    #[test]
    fn deciding_on_no_segment_is_recorded_and_undone_too() {
        let (_dir, mut p, doc, code) = setup();
        let before = state(&p);
        let outcome = p
            .decide_consensus(&decision(doc, code, ConsensusChoice::Neither))
            .unwrap();
        assert_eq!(outcome.segments, vec![]);
        assert_eq!(
            p.actions(1).unwrap()[0].label,
            "Konsens „Haltung“ in „HS-01“ (0–35): nicht codiert"
        );
        assert_eq!(state(&p), before);
        p.undo().unwrap();
        assert_eq!(state(&p), before);
        assert!(p.actions(1).unwrap()[0].undone);
    }

    #[test]
    fn bad_decisions_are_refused() {
        let (_dir, mut p, doc, code) = setup();
        let mut d = decision(doc, code, ConsensusChoice::First);
        d.passage = r(40, 45);
        assert!(matches!(
            p.decide_consensus(&d),
            Err(Error::NothingToDecide { .. })
        ));
        let mut d = decision(doc, code, ConsensusChoice::First);
        d.coders[1] = "Bea".into();
        assert!(matches!(
            p.decide_consensus(&d),
            Err(Error::UnknownCoder(_))
        ));
        let mut d = decision(doc, code, ConsensusChoice::First);
        d.consensus = "anna".into();
        assert!(matches!(
            p.decide_consensus(&d),
            Err(Error::ConsensusIsACoder(_))
        ));
    }
}
