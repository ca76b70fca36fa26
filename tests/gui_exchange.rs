//! REFI-QDA exchange from the workbench: export the project for another QDA program, and import
//! what NVivo wrote, with the report on screen.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::project::{Project, SegmentFilter};

fn harness(path: &std::path::Path) -> Harness<'static, KodierwerkApp> {
    common::workbench_on(path, 1600.0)
}

#[test]
fn the_project_goes_out_as_qdpx_and_an_nvivo_project_comes_in_with_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&sample).unwrap();
    let out = dir.path().join("für maxqda.qdpx");

    let mut h = harness(&sample);
    h.run();
    h.get_by_label("Projekt").click();
    h.run();
    h.get_by_label("Als REFI-QDA-Projekt exportieren (.qdpx) …")
        .click();
    h.run();
    common::type_into(&mut h, "Datei", out.to_str().unwrap());
    h.get_by_label("Speichern").click();
    h.run();
    common::wait_for_jobs(&mut h);
    let archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "project.qde"));
    assert_eq!(
        names.iter().filter(|n| n.starts_with("sources/")).count(),
        24
    );
    drop(h);

    // An empty project takes in what NVivo wrote.
    let empty = dir.path().join("leer.kodierwerk");
    drop(Project::create(&empty).unwrap());
    let nvivo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refi/nvivo-win-12.6_oltas0517.qdpx");
    let mut h = harness(&empty);
    h.run();
    h.get_by_label("Projekt").click();
    h.run();
    h.get_by_label("REFI-QDA importieren …").click();
    h.run();
    common::type_into(&mut h, "Datei", nvivo.to_str().unwrap());
    h.get_by_label("Import starten").click();
    h.run();
    common::wait_for_jobs(&mut h);
    assert!(h.query_by_label("Bericht des REFI-QDA-Imports").is_some());
    assert!(h.query_by_label_contains("NVivo for Windows").is_some());
    let project = Project::open(&empty).unwrap();
    assert_eq!(project.documents().unwrap().len(), 2);
    assert_eq!(
        project.segments(&SegmentFilter::default()).unwrap().len(),
        303
    );
    // The document system shows the new documents.
    let first = &project.documents().unwrap()[0];
    assert!(h.query_by_label(&first.name).is_some(), "{}", first.name);
}
