//! A merge of random edits on both sides keeps the project sound: SQLite finds the file whole,
//! every reference holds, every segment quotes its document, merging again changes nothing, and
//! one undo gives back the project as it was before the merge.

use crate::model::MemoTarget;
use crate::model::range::CharRange;
use crate::project::testing::{document, state};
use crate::project::{Project, SegmentFilter};

/// A small deterministic generator, enough to vary the edits.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const TEXT: &str = "I: Wie läuft die E-Akte bei Ihnen? B: Größtenteils gut 😀, aber das Scannen kostet Zeit, und die Bürger:innen fragen nach ihrem Antrag. I: Und Video? B: Eher selten.";

/// One random edit, as a coder would make it; refusals (a taken name, a move into the code's own
/// sub-tree) are part of the game and change nothing.
fn edit(p: &mut Project, dice: &mut Dice, coder: &str, round: usize) {
    let codes = p.codes().unwrap();
    if codes.is_empty() {
        p.add_code(&format!("Neu/{coder} {round}"), None, "")
            .unwrap();
        return;
    }
    let segments = p.segments(&SegmentFilter::default()).unwrap();
    let documents = p.documents().unwrap();
    let code = codes[dice.below(codes.len())].id;
    let len = TEXT.chars().count();
    let range = || {
        let mut d = Dice(round as u64 * 7_919 + len as u64);
        let start = d.below(len - 10);
        CharRange::new(start, start + 1 + d.below(len - start - 1)).unwrap()
    };
    let segment = (!segments.is_empty()).then(|| segments[dice.below(segments.len())].id);
    let _ = match dice.below(9) {
        0 | 1 => p
            .apply_code(
                documents[dice.below(documents.len())].id,
                {
                    let start = dice.below(len - 10);
                    CharRange::new(start, start + 1 + dice.below(len - start - 1)).unwrap()
                },
                code,
                coder,
                "",
            )
            .map(|_| ()),
        2 => segment.map_or(Ok(()), |s| p.delete_segment(s)),
        3 => segment.map_or(Ok(()), |s| p.update_segment(s, Some(range()), None)),
        4 => segment.map_or(Ok(()), |s| p.update_segment(s, None, Some(code))),
        5 => segment.map_or(Ok(()), |s| {
            p.set_segment_memo(s, &format!("{coder} {round}"))
        }),
        // Names both sides may choose, and names of one side only.
        6 if dice.below(2) == 0 => p.rename_code(code, "Gemeinsam"),
        6 => p.rename_code(code, &format!("{coder}-{round}")),
        7 if dice.below(2) == 0 => p.add_code("Neu/Gemeinsam", Some("#112233"), "").map(|_| ()),
        7 => p
            .add_code(&format!("Neu/{coder} {round}"), None, "")
            .map(|_| ()),
        _ => p.set_memo(&MemoTarget::Project, &format!("Memo {coder} {round}")),
    };
    if dice.below(12) == 0 {
        let other = codes[dice.below(codes.len())].id;
        let _ = p.move_code(code, Some(other), None);
    }
    if dice.below(15) == 0 {
        let _ = p.delete_code(code);
    }
}

fn assert_sound(p: &Project) {
    assert_eq!(p.integrity_check().unwrap(), "ok");
    let broken: i64 = p
        .conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "references that lead nowhere");
    for segment in p.segments(&SegmentFilter::default()).unwrap() {
        let text: String = p
            .document_text(segment.document_id)
            .unwrap()
            .chars()
            .skip(segment.start)
            .take(segment.end - segment.start)
            .collect();
        assert_eq!(text, segment.text, "segment {}", segment.id);
    }
}

#[test]
fn random_edits_on_both_sides_merge_into_a_sound_project_once_and_undo_whole() {
    for seed in 0..60u64 {
        let dir = tempfile::tempdir().unwrap();
        let lead_path = dir.path().join("lead.kodierwerk");
        let copy_path = dir.path().join("kopie.kodierwerk");
        let mut lead = Project::create(&lead_path).unwrap();
        document(&mut lead, "nord-01", TEXT);
        document(&mut lead, "nord-02", &TEXT.replace("Video", "Telefon"));
        for path in [
            "Arbeitslogik/Beratung",
            "Arbeitslogik/Leistung",
            "Haltung/Skepsis",
        ] {
            lead.add_code(path, None, "").unwrap();
        }
        let mut dice = Dice(seed);
        for round in 0..4 {
            edit(&mut lead, &mut dice, "Lead", round);
        }
        lead.conn
            .backup(rusqlite::MAIN_DB, &copy_path, rusqlite::backup::NO_PROGRESS)
            .unwrap();
        let base = guids(&lead);
        let mut copy = Project::open(&copy_path).unwrap();
        for round in 4..14 {
            edit(&mut lead, &mut dice, "Lead", round);
            edit(&mut copy, &mut dice, "Anna", round + 100);
        }
        drop(copy);
        let before = state(&lead);
        let report = lead.merge_file(&copy_path, false).unwrap();
        assert_sound(&lead);
        let merged = state(&lead);
        let again = lead.merge_file(&copy_path, false).unwrap();
        assert!(!again.changes_project, "seed {seed}: {again:#?}");
        assert_eq!(state(&lead), merged, "seed {seed}");
        if report.changes_project {
            lead.undo().unwrap();
            assert_eq!(state(&lead), before, "seed {seed}: undo");
            lead.redo().unwrap();
            assert_eq!(state(&lead), merged, "seed {seed}: redo");
        }
        // Every segment the copy made is in the project, or stands there already by its place
        // (the same document, code, coder and range).
        let copy = Project::open(&copy_path).unwrap();
        let made: Vec<String> = guids(&copy).difference(&base).cloned().collect();
        let merged_guids = guids(&lead);
        let missing = made.iter().filter(|g| !merged_guids.contains(*g)).count();
        assert!(
            missing <= report.count(super::Kind::Segments).already_there,
            "seed {seed}: {missing} of the copy's {} new segments missing; {report:#?}",
            made.len()
        );
    }
}

fn guids(p: &Project) -> std::collections::HashSet<String> {
    p.conn
        .prepare("SELECT guid FROM segments")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
