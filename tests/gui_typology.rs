//! The Typologie view as a team lead uses it: assign a jobcenter's type, link the segment that
//! justifies it, see the types' profiles change, undo.

mod common;

use common::settle;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kodierwerk::analysis::{AnalysisData, TypologySpec, typology};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::gui::command::Command;
use kodierwerk::project::{Project, SegmentFilter};

fn harness(path: &std::path::Path) -> Harness<'static, KodierwerkApp> {
    common::workbench_on(path, 1600.0)
}

/// The label a profile cell carries: the core's share, as the view formats it.
fn cell_label(path: &std::path::Path, code: &str, ty: &str) -> String {
    let project = Project::open(path).unwrap();
    let data = AnalysisData::load(&project).unwrap();
    let t = typology(&data, &TypologySpec::default()).unwrap();
    let k = t.types.iter().position(|c| c.value == ty).unwrap();
    let row = t.rows.iter().find(|r| r.path == code).unwrap();
    format!("{code} × {ty}: {:.1} %", row.shares[k])
}

#[test]
fn assign_a_type_link_evidence_and_see_the_profiles_follow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let mut h = harness(&path);
    h.run();
    h.get_by_label("Typologie").click();
    settle(&mut h);

    // The profile shows the core's numbers.
    let code = "Haltung zur Digitalisierung/Skeptisch, Vermeidung";
    let before = cell_label(&path, code, "Digitale Vorreiter");
    assert!(h.query_by_label(&before).is_some(), "{before}");

    // A click on the cell lists the type's segments of that code.
    h.get_by_label(&before).click();
    h.run();
    let (title, segments) = h
        .state()
        .state
        .as_ref()
        .unwrap()
        .typology
        .opened
        .clone()
        .expect("the cell lists its segments");
    assert_eq!(title, format!("{code} × Digitale Vorreiter"));
    let project = Project::open(&path).unwrap();
    let vorreiter: Vec<String> = project
        .jobcenters()
        .unwrap()
        .into_iter()
        .filter(|j| {
            j.attributes
                .contains(&("Digitalisierungstyp".into(), "Digitale Vorreiter".into()))
        })
        .map(|j| j.name)
        .collect();
    assert!(!segments.is_empty());
    assert!(
        segments
            .iter()
            .all(|s| s.code == code && vorreiter.contains(&s.jobcenter))
    );

    // Rheinau becomes a "Digitale Vorreiter": the attribute changes in the file and the profile
    // is recomputed.
    h.get_by_label("Digitalisierungstyp Jobcenter Rheinau")
        .click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Digitale Vorreiter")
        .click();
    settle(&mut h);
    let rheinau = project.jobcenter("Jobcenter Rheinau").unwrap();
    assert!(
        rheinau
            .attributes
            .contains(&("Digitalisierungstyp".into(), "Digitale Vorreiter".into()))
    );
    let after = cell_label(&path, code, "Digitale Vorreiter");
    assert_ne!(before, after, "the reassignment changes the type's profile");
    assert!(h.query_by_label(&after).is_some(), "{after}");

    // Link a segment of Rheinau, selected in the browser, as evidence.
    h.get_by_label("Belege: Jobcenter Rheinau").click();
    h.run();
    // The sample links one passage per jobcenter already; take another one.
    let linked = project.evidence(rheinau.id).unwrap();
    assert_eq!(linked.len(), 1);
    let segment = project
        .segments(&SegmentFilter::default())
        .unwrap()
        .into_iter()
        .find(|s| s.jobcenter == "Jobcenter Rheinau" && s.id != linked[0].segment_id)
        .unwrap();
    h.state_mut()
        .state
        .as_mut()
        .unwrap()
        .push(Command::SelectSegment(Some(segment.id)));
    h.run();
    let note = h.get_by_label("Notiz zum Beleg");
    note.focus();
    h.run();
    h.event(egui::Event::Text("offen für Apps".into()));
    h.run();
    h.get_by_label("Ausgewähltes Segment als Beleg").click();
    settle(&mut h);
    let evidence = project.evidence(rheinau.id).unwrap();
    assert_eq!(evidence.len(), 2);
    let new = evidence
        .iter()
        .find(|e| e.segment_id == segment.id)
        .unwrap();
    assert_eq!(new.note, "offen für Apps");
    assert!(h.query_by_label_contains("offen für Apps").is_some());

    // Undo takes the link back, then the type.
    h.state_mut().state.as_mut().unwrap().push(Command::Undo);
    settle(&mut h);
    let ids: Vec<_> = project
        .evidence(rheinau.id)
        .unwrap()
        .iter()
        .map(|e| e.segment_id)
        .collect();
    assert_eq!(ids, [linked[0].segment_id]);
    h.state_mut().state.as_mut().unwrap().push(Command::Undo);
    settle(&mut h);
    assert!(h.query_by_label(&before).is_some(), "{before}");
}

#[test]
fn a_segment_in_the_browser_becomes_evidence_for_its_jobcenter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let project = Project::open(&path).unwrap();
    let bergstadt = project.jobcenter("Jobcenter Bergstadt").unwrap();
    let before = project.evidence(bergstadt.id).unwrap().len();
    let segment = project
        .segments(&SegmentFilter::default())
        .unwrap()
        .into_iter()
        .rev()
        .find(|s| s.jobcenter == "Jobcenter Bergstadt")
        .unwrap();

    let mut h = harness(&path);
    h.run();
    h.state_mut()
        .state
        .as_mut()
        .unwrap()
        .push(Command::JumpToSegment(segment.id));
    h.run();
    h.get_by_label("Als Beleg für den Typ").click();
    h.run();
    let evidence = project.evidence(bergstadt.id).unwrap();
    assert_eq!(evidence.len(), before + 1);
    assert!(evidence.iter().any(|e| e.segment_id == segment.id));
    assert!(
        h.query_by_label_contains("Als Beleg verknüpft: Jobcenter Bergstadt")
            .is_some()
    );
}

#[test]
fn an_evidence_note_is_rewritten_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let project = Project::open(&path).unwrap();
    let rheinau = project.jobcenter("Jobcenter Rheinau").unwrap();
    let linked = project.evidence(rheinau.id).unwrap();
    assert_eq!(linked.len(), 1);

    let mut h = harness(&path);
    h.run();
    h.get_by_label("Typologie").click();
    settle(&mut h);
    h.get_by_label("Belege: Jobcenter Rheinau").click();
    h.run();
    h.get_by_label("Notiz").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("je nach Anliegen, nicht für alle".into()));
    h.key_press(egui::Key::Enter);
    h.run();
    let after = project.evidence(rheinau.id).unwrap();
    assert_eq!(after[0].segment_id, linked[0].segment_id);
    assert_eq!(after[0].note, "je nach Anliegen, nicht für alle");
    assert!(
        h.query_by_label_contains("„je nach Anliegen, nicht für alle“")
            .is_some()
    );
}
