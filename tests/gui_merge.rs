//! Merging a coder's copy from the workbench: *Projekt → Projekt zusammenführen …*, the dry run's
//! report, the merge on confirmation, and one undo that takes it back.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use kodierwerk::model::{CharRange, DocumentId, MemoTarget};
use kodierwerk::project::{Project, SegmentFilter};

fn segments(path: &std::path::Path) -> usize {
    Project::open(path)
        .unwrap()
        .segments(&SegmentFilter::default())
        .unwrap()
        .len()
}

#[test]
fn a_coders_copy_is_checked_merged_on_confirmation_and_taken_back_by_one_undo() {
    let dir = tempfile::tempdir().unwrap();
    let lead = dir.path().join("studie.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&lead).unwrap();
    let copy = dir.path().join("kopie-anna.kodierwerk");
    std::fs::copy(&lead, &copy).unwrap();
    {
        let mut p = Project::open(&copy).unwrap();
        let code = p.code_by_path("Arbeitslogik/Sozialberatung").unwrap().id;
        for start in [100, 300, 500] {
            p.apply_code(
                DocumentId(1),
                CharRange::new(start, start + 40).unwrap(),
                code,
                "Anna",
                "",
            )
            .unwrap();
        }
        p.set_memo(&MemoTarget::Project, "Annas Memo").unwrap();
    }
    {
        let mut p = Project::open(&lead).unwrap();
        p.set_memo(&MemoTarget::Project, "Memo der Leitung")
            .unwrap();
    }
    let before = segments(&lead);

    let mut h = common::workbench_on(&lead, 1600.0);
    h.run();
    h.get_by_label("Projekt").click();
    h.run();
    h.get_by_label("Projekt zusammenführen …").click();
    h.run();
    common::type_into(&mut h, "Datei", copy.to_str().unwrap());
    h.get_by_label("Probelauf").click();
    h.run();
    common::wait_for_jobs(&mut h);
    // The dry run's report: nothing changed yet, three segments would come, one conflict.
    assert!(h.query_by_label("Bericht der Zusammenführung").is_some());
    assert!(
        h.query_by_label("Probelauf: noch ist nichts geändert.")
            .is_some()
    );
    assert!(h.query_by_label_contains("Konflikte (1)").is_some());
    assert!(
        h.query_by_label_contains("Text der anderen Datei unter dem des Projekts angefügt")
            .is_some()
    );
    assert_eq!(segments(&lead), before, "the dry run changes nothing");

    h.get_by_label("Zusammenführen").click();
    h.run();
    common::wait_for_jobs(&mut h);
    common::settle(&mut h);
    assert!(
        h.query_by_label_contains("Zusammengeführt, als eine Änderung")
            .is_some()
    );
    assert_eq!(segments(&lead), before + 3);
    let memo = Project::open(&lead)
        .unwrap()
        .memo(&MemoTarget::Project)
        .unwrap()
        .unwrap()
        .text;
    assert!(
        memo.starts_with("Memo der Leitung") && memo.ends_with("Annas Memo"),
        "{memo}"
    );
    h.get_by_label("OK").click();
    h.run();
    assert!(h.query_by_label("Bericht der Zusammenführung").is_none());
    // The workbench shows the merged counts: the code system reads them again.
    let state = h.state().state.as_ref().unwrap();
    let code = state
        .codes
        .iter()
        .find(|c| c.path == "Arbeitslogik/Sozialberatung")
        .unwrap()
        .id;
    let expected = Project::open(&lead)
        .unwrap()
        .own_segment_count(code)
        .unwrap();
    assert_eq!(state.counts[&code].0, expected);

    // One undo takes the whole merge back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    common::settle(&mut h);
    assert_eq!(segments(&lead), before);
}
