//! A long, seeded series of coding changes (code, recode, memo, delete, undo, redo) for crash-safety
//! tests: each step is one committed change, reported with a fingerprint of the project's state
//! after it, so that a test can kill the process at any moment and check what survived.

use std::io::Write;

use crate::model::error::Result;
use crate::model::range::CharRange;
use crate::model::{CodeId, DocumentId, MemoTarget};
use crate::project::{Project, SegmentFilter};
use crate::workload::corpus::Rng;

/// A summary of everything the project holds that the exercise changes.
pub fn fingerprint(project: &Project) -> Result<String> {
    let actions = project.actions(usize::MAX >> 1)?;
    let max_action = actions.iter().map(|a| a.id).max().unwrap_or(0);
    let undone = actions.iter().filter(|a| a.undone).count();
    let segments = project.segments(&SegmentFilter::default())?;
    let mut checksum: u64 = 0;
    for s in &segments {
        for n in [
            s.id.0 as u64,
            s.start as u64,
            s.end as u64,
            s.code_id.0 as u64,
            s.memo.len() as u64,
        ] {
            checksum = checksum.wrapping_mul(1_000_003).wrapping_add(n);
        }
    }
    let memos = project.memos()?;
    let memo_sum: usize = memos.iter().map(|m| m.text.len()).sum();
    Ok(format!(
        "actions={max_action}/{}/{undone} segments={}/{checksum} memos={}/{memo_sum}",
        actions.len(),
        segments.len(),
        memos.len()
    ))
}

/// Runs `steps` changes chosen by `seed` and the project's state, writing `done STEP FINGERPRINT`
/// after each committed one.
pub fn exercise(project: &mut Project, seed: u64, steps: usize, out: &mut dyn Write) -> Result<()> {
    let documents: Vec<(DocumentId, usize)> = project
        .documents()?
        .into_iter()
        .map(|d| (d.id, d.chars))
        .collect();
    let codes: Vec<CodeId> = project.codes()?.into_iter().map(|c| c.id).collect();
    if documents.is_empty() || codes.is_empty() {
        return Ok(());
    }
    for step in 1..=steps {
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(step as u64));
        let segments = project.segments(&SegmentFilter::default())?;
        let pick = rng.below(100);
        let outcome = if pick < 40 || segments.is_empty() {
            let (doc, len) = documents[rng.below(documents.len())];
            let start = rng.below(len.saturating_sub(200).max(1));
            let end = (start + 5 + rng.below(180)).min(len);
            let range = CharRange::new(start, end.max(start + 1).min(len));
            match range {
                Ok(r) => project
                    .apply_code(
                        doc,
                        r,
                        codes[rng.below(codes.len())],
                        ["Anna", "Jonas"][rng.below(2)],
                        "",
                    )
                    .map(|_| ()),
                Err(_) => Ok(()),
            }
        } else if pick < 55 {
            let s = &segments[rng.below(segments.len())];
            project.update_segment(s.id, None, Some(codes[rng.below(codes.len())]))
        } else if pick < 68 {
            let s = &segments[rng.below(segments.len())];
            project.set_segment_memo(
                s.id,
                &format!("Memo {step}: „Größe“ {}", "ä".repeat(rng.below(40))),
            )
        } else if pick < 78 {
            let s = &segments[rng.below(segments.len())];
            project.delete_segment(s.id)
        } else if pick < 86 {
            let (doc, _) = documents[rng.below(documents.len())];
            project.set_memo(&MemoTarget::Document(doc), &format!("Dokumentmemo {step}"))
        } else if pick < 95 {
            project.undo().map(|_| ())
        } else {
            project.redo().map(|_| ())
        };
        match outcome {
            Ok(()) | Err(crate::Error::NothingToUndo | crate::Error::NothingToRedo) => {}
            Err(e) => return Err(e),
        }
        writeln!(out, "done {step} {}", fingerprint(project)?)
            .map_err(|e| crate::Error::io("stdout", e))?;
        out.flush().map_err(|e| crate::Error::io("stdout", e))?;
    }
    Ok(())
}
