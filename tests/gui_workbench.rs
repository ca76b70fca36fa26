//! The workbench as a researcher uses it, driven headless through egui_kittest: open the sample
//! project, pick a document, select a passage with the mouse, code it, see it listed, undo, redo,
//! write a memo, rename a code, delete a code and undo that.

mod common;

use common::settle;
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::model::MemoTarget;
use kodierwerk::project::{Project, SegmentFilter};

fn sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    (dir, path)
}

fn harness(path: &std::path::Path) -> Harness<'static, KodierwerkApp> {
    common::workbench_on(path, 1600.0)
}

/// Imports files of a folder through the import dialog, as a researcher clicks it: the folder
/// typed, the files ticked, the jobcenter given; waits for the report (the import runs on its
/// own thread, and the frames go on meanwhile).
fn import_by_dialog(
    h: &mut Harness<'static, KodierwerkApp>,
    folder: &std::path::Path,
    files: &[&str],
    jobcenter: &str,
) {
    h.run();
    h.get_by_label("Importieren").click();
    h.run();
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Ordner");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text(folder.display().to_string()));
    h.key_press(Key::Enter);
    h.run();
    for file in files {
        h.get_by_label(file).click();
    }
    h.run();
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Jobcenter");
    field.focus();
    h.run();
    h.event(egui::Event::Text(jobcenter.into()));
    h.run();
    h.get_by_label("Import starten").click();
    h.run();
    let mut report = false;
    for _ in 0..200 {
        h.step();
        if h.query_by_label("Importbericht").is_some() {
            report = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(report, "the import report did not appear");
    h.run();
}

/// Drags the mouse along the first line of the open transcript; returns the selection's text.
fn drag_select(
    h: &mut Harness<'static, KodierwerkApp>,
) -> (kodierwerk::model::range::CharRange, String) {
    let text = h.get_by_label("Dokumenttext").rect();
    let y = text.top() + 10.0;
    let from = Pos2::new(text.left() + 160.0, y);
    h.hover_at(from);
    h.drag_at(from);
    h.run();
    for x in [220.0, 300.0, 420.0] {
        h.hover_at(Pos2::new(text.left() + x, y));
        h.run();
    }
    h.drop_at(Pos2::new(text.left() + 420.0, y));
    h.run();
    let state = h.state().state.as_ref().unwrap();
    let selection = state.selection.expect("a selection");
    let selected = state.open.as_ref().unwrap().text_of(selection);
    (selection, selected)
}

/// How many segments a code holds (without its sub-codes' segments, which it has none of here).
/// The core's crosstab of the project's segments under these conditions: the label the window
/// gives the cell Arbeitslogik × first condition, and the row.
fn arbeitslogik_in_first_column(
    data: &kodierwerk::analysis::AnalysisData,
    conditions: Vec<Vec<(String, String)>>,
) -> (String, kodierwerk::analysis::CrosstabRow) {
    let spec = kodierwerk::analysis::CrosstabSpec {
        conditions,
        unit: kodierwerk::analysis::Unit::Segments,
        coder: None,
        words: kodierwerk::analysis::TableWords::default(),
    };
    let table = kodierwerk::analysis::crosstab(data, &spec).unwrap();
    let row = table
        .rows
        .into_iter()
        .find(|r| r.code == "Arbeitslogik")
        .unwrap();
    let label = format!(
        "Arbeitslogik × {}: {}",
        table.columns[0].label, row.cells[0]
    );
    (label, row)
}

fn segments_of(project: &Project, code: kodierwerk::model::CodeId) -> usize {
    project
        .segments(&SegmentFilter {
            codes: vec![code],
            ..SegmentFilter::default()
        })
        .unwrap()
        .len()
}

fn segments_in_file(path: &std::path::Path) -> Vec<kodierwerk::model::Segment> {
    Project::open(path)
        .unwrap()
        .segments(&SegmentFilter::default())
        .unwrap()
}

#[test]
fn code_a_passage_see_it_listed_undo_and_redo() {
    let (_dir, path) = sample();
    let before = segments_in_file(&path).len();
    let mut h = harness(&path);
    h.run();

    h.get_by_label("HS-02_Leistung").click();
    h.run();
    assert_eq!(
        h.state()
            .state
            .as_ref()
            .unwrap()
            .open
            .as_ref()
            .unwrap()
            .name,
        "HS-02_Leistung"
    );

    // Select with the mouse: drag along the first line of the transcript.
    let (selection, selected_text) = drag_select(&mut h);
    assert!(selected_text.chars().count() > 5, "{selected_text:?}");

    // Code it by clicking a code.
    let count_before = h
        .state()
        .state
        .as_ref()
        .unwrap()
        .counts
        .values()
        .map(|c| c.0)
        .sum::<usize>();
    h.get_by_label("Leistungsgewährung").click();
    settle(&mut h);
    let segments = segments_in_file(&path);
    assert_eq!(segments.len(), before + 1);
    let new = segments.iter().max_by_key(|s| s.id).unwrap();
    assert_eq!(new.code, "Arbeitslogik/Leistungsgewährung");
    assert_eq!(new.coder, "Tester");
    assert_eq!(new.document, "HS-02_Leistung");
    assert_eq!(new.start, selection.start.0);
    assert_eq!(new.end, selection.end.0);
    assert_eq!(new.text, selected_text);
    let app = h.state().state.as_ref().unwrap();
    assert_eq!(
        app.counts.values().map(|c| c.0).sum::<usize>(),
        count_before + 1
    );
    // The code is activated, so the segment is in the list.
    assert!(app.retrieved.iter().any(|s| s.id == new.id));
    let new_id = new.id;

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(segments_in_file(&path).len(), before);
    assert!(
        !h.state()
            .state
            .as_ref()
            .unwrap()
            .retrieved
            .iter()
            .any(|s| s.id == new_id)
    );

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    settle(&mut h);
    assert_eq!(segments_in_file(&path).len(), before + 1);
    assert!(
        h.state()
            .state
            .as_ref()
            .unwrap()
            .retrieved
            .iter()
            .any(|s| s.id == new_id)
    );
}

#[test]
fn clicking_a_listed_segment_jumps_to_it() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    // Activate a code through its context: code a selection is not needed, the list shows activated codes.
    {
        let state = h.state_mut().state.as_mut().unwrap();
        let code = state
            .codes
            .iter()
            .find(|c| c.path == "Wirkungen und Argumente/Lerneffekte")
            .unwrap()
            .id;
        state.active_codes.insert(code);
        state.refresh_retrieved().unwrap();
    }
    settle(&mut h);
    let target = h.state().state.as_ref().unwrap().retrieved[1].clone();
    let flat: String = target
        .text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    h.get_by_label(&flat).click();
    h.run();
    let state = h.state().state.as_ref().unwrap();
    assert_eq!(state.open.as_ref().unwrap().id, target.document_id);
    assert_eq!(state.selected_segment, Some(target.id));
}

#[test]
fn write_a_memo_rename_a_code_delete_it_and_undo() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();

    // A memo on a document, through its context menu.
    h.get_by_label("BS-03_Sozialberatung").click_secondary();
    h.run();
    h.get_by_label("Memo …").click();
    h.run();
    h.get_by_label("Schreiben").click();
    h.run();
    let memo = h.get_by_role(egui::accesskit::Role::MultilineTextInput);
    memo.focus();
    memo.type_text("Krisenberatung **nur** persönlich.");
    h.run();
    h.get_by_label("Speichern").click();
    h.run();
    let project = Project::open(&path).unwrap();
    let doc = project.resolve_document("BS-03_Sozialberatung").unwrap();
    let saved = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert_eq!(saved.text, "Krisenberatung **nur** persönlich.");

    // Rename a code from its context menu: select the old name, type the new one, Enter.
    h.get_by_label("Systemfehler").click_secondary();
    h.run();
    h.get_by_label("Umbenennen").click();
    h.run();
    assert!(h.state().views.codes.renaming.is_some());
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.event(egui::Event::Text("Systemausfälle".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let project = Project::open(&path).unwrap();
    let renamed = project
        .code_by_path("Problemlagen der Systeme/Systemausfälle")
        .unwrap();
    let segments_of_code = segments_of(&project, renamed.id);
    assert!(segments_of_code > 0);

    // Delete it: the dialog names the segments it would remove; undo brings all back.
    h.get_by_label("Systemausfälle").click_secondary();
    h.run();
    h.get_by_label("Code löschen").click();
    h.run();
    h.get_by_label_contains(&format!("{segments_of_code} codierte Segmente"));
    h.get_by_label("Löschen").click();
    h.run();
    let project = Project::open(&path).unwrap();
    assert!(
        project
            .code_by_path("Problemlagen der Systeme/Systemausfälle")
            .is_err()
    );
    drop(project);
    assert!(h.query_by_label("Systemausfälle").is_none());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let project = Project::open(&path).unwrap();
    let back = project
        .code_by_path("Problemlagen der Systeme/Systemausfälle")
        .unwrap();
    let restored = segments_of(&project, back.id);
    assert_eq!(restored, segments_of_code);
    assert!(h.query_by_label("Systemausfälle").is_some());
}

#[test]
fn keys_code_the_selection_with_pinned_codes_and_a_selection_can_be_dragged_onto_a_code() {
    let (_dir, path) = sample();
    let before = segments_in_file(&path).len();
    let mut h = harness(&path);
    h.run();
    let (selection, _) = drag_select(&mut h);
    // Key 2: the second pinned code, Arbeitsvermittlung.
    h.key_press(Key::Num2);
    h.run();
    let segments = segments_in_file(&path);
    assert_eq!(segments.len(), before + 1);
    let new = segments.iter().max_by_key(|s| s.id).unwrap();
    assert_eq!(new.code, "Arbeitslogik/Arbeitsvermittlung");
    assert_eq!((new.start, new.end), (selection.start.0, selection.end.0));

    // Select again and drag the selection onto a code in the code system.
    let (selection, _) = drag_select(&mut h);
    let text = h.get_by_label("Dokumenttext").rect();
    let inside = Pos2::new(text.left() + 300.0, text.top() + 10.0);
    let target = h.get_by_label("Sozialberatung").rect().center();
    h.hover_at(inside);
    h.drag_at(inside);
    h.run();
    for step in 1..=6 {
        let t = step as f32 / 6.0;
        h.hover_at(inside + (target - inside) * t);
        h.run();
    }
    h.drop_at(target);
    h.run();
    let segments = segments_in_file(&path);
    assert_eq!(segments.len(), before + 2);
    let new = segments.iter().max_by_key(|s| s.id).unwrap();
    assert_eq!(new.code, "Arbeitslogik/Sozialberatung");
    assert_eq!((new.start, new.end), (selection.start.0, selection.end.0));

    // In vivo: a new code named by the selected words.
    let (selection, selected) = drag_select(&mut h);
    h.get_by_label("In vivo").click();
    h.run();
    let name = kodierwerk::coding::in_vivo::in_vivo_name(&selected);
    let project = Project::open(&path).unwrap();
    let code = project.code_by_path(&name).unwrap();
    let segments = project
        .segments(&SegmentFilter {
            codes: vec![code.id],
            ..SegmentFilter::default()
        })
        .unwrap();
    assert_eq!(segments.len(), 1);
    assert_eq!(
        (segments[0].start, segments[0].end),
        (selection.start.0, selection.end.0)
    );
    assert!(
        h.query_all_by_label(&name).count() > 0,
        "the new code shows in the code system"
    );

    // One Ctrl+Z takes back both the new code and its segment; one redo brings both back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let project = Project::open(&path).unwrap();
    assert!(
        project.code_by_path(&name).is_err(),
        "the in-vivo code is gone after one undo"
    );
    assert_eq!(segments_in_file(&path).len(), before + 2);
    let shown = &h.state().state.as_ref().unwrap().codes;
    assert!(
        shown.iter().all(|c| c.path != name.as_str()),
        "the code system no longer shows the in-vivo code"
    );

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    let project = Project::open(&path).unwrap();
    let code = project
        .code_by_path(&name)
        .expect("the in-vivo code is back after one redo");
    let all = segments_in_file(&path);
    assert_eq!(all.len(), before + 3);
    let ranges: Vec<(usize, usize)> = all
        .iter()
        .filter(|s| s.code_id == code.id)
        .map(|s| (s.start, s.end))
        .collect();
    assert_eq!(ranges, [(selection.start.0, selection.end.0)]);
}

#[test]
fn import_by_dialog_runs_in_the_background_and_reports_each_file() {
    let (dir, path) = sample();
    let folder = dir.path().join("neu");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("nord-01.txt"),
        "I: Wie läuft es?\nB: Gut, die E-Akte hilft.\n",
    )
    .unwrap();
    std::fs::write(folder.join("leer.txt"), "").unwrap();
    let mut h = harness(&path);
    import_by_dialog(
        &mut h,
        &folder,
        &["nord-01.txt", "leer.txt"],
        "Jobcenter Nord",
    );
    h.get_by_label_contains("✔ nord-01.txt");
    h.get_by_label_contains("✖ leer.txt: the file is empty");
    let project = Project::open(&path).unwrap();
    let doc = project.resolve_document("nord-01").unwrap();
    assert_eq!(project.document(doc).unwrap().jobcenter, "Jobcenter Nord");
    // The document system shows the new document (found by its filter: the list draws only the
    // rows in sight, and the new jobcenter comes last).
    let filter = h.get_by_role_and_label(
        egui::accesskit::Role::TextInput,
        "Filtern: Name, Jobcenter, Merkmal (z. B. zkT, Bürger:in)",
    );
    filter.focus();
    h.run();
    h.event(egui::Event::Text("nord-01".into()));
    h.run();
    assert!(h.query_by_label("nord-01").is_some());
}

#[test]
fn word_files_are_listed_imported_and_reported_with_what_was_left_out() {
    let (dir, path) = sample();
    let folder = dir.path().join("word");
    std::fs::create_dir(&folder).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/office");
    for name in ["word_labels.docx", "protected.docx"] {
        std::fs::copy(fixtures.join(name), folder.join(name)).unwrap();
    }
    let mut h = harness(&path);
    import_by_dialog(
        &mut h,
        &folder,
        &["word_labels.docx", "protected.docx"],
        "Jobcenter Nord",
    );
    h.get_by_label_contains("✔ word_labels.docx: word_labels · Jobcenter Nord · Word (.docx) · 4");
    h.get_by_label_contains("1 comment moved to the memo, 1 passage of hidden text left out");
    h.get_by_label_contains("✖ protected.docx: it is protected by a password");
    let project = Project::open(&path).unwrap();
    let doc = project.resolve_document("word_labels").unwrap();
    assert!(
        project
            .document_text(doc)
            .unwrap()
            .starts_with("Interview 12 mit Frau Schulz\nInterviewer: #00:00:03-1#")
    );
}

#[test]
fn the_workbench_speaks_english_on_request() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    assert!(h.query_by_label("Dokumente").is_some());
    h.get_by_label("Ansicht").click();
    h.run();
    h.get_by_label("English").click();
    h.run();
    assert!(h.query_by_label("Documents").is_some());
    assert!(h.query_by_label("Code system").is_some());
    assert!(h.query_by_label("Dokumente").is_none());

    // The words the analyses add to their tables follow the language too.
    h.get_by_label("Analysis").click();
    settle(&mut h);
    let cells: Vec<String> = h
        .root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| l.contains(" × "))
        .collect();
    assert!(cells.iter().any(|l| l.contains(" × Total: ")), "{cells:?}");
    assert!(!cells.iter().any(|l| l.contains("Gesamt")), "{cells:?}");
}

#[test]
fn the_code_matrix_shows_the_core_numbers_and_opens_the_segments_behind_a_cell() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    h.get_by_label("Analyse").click();
    settle(&mut h);
    // The same number as the core's matrix (which `kodierwerk matrix` prints).
    let project = Project::open(&path).unwrap();
    let data = kodierwerk::analysis::AnalysisData::load(&project).unwrap();
    let spec = kodierwerk::analysis::MatrixSpec {
        by: kodierwerk::analysis::Columns::Jobcenter,
        measure: kodierwerk::analysis::Measure::Segments,
        coder: None,
        conditions: Vec::new(),
        words: kodierwerk::analysis::TableWords::default(),
    };
    let m = kodierwerk::analysis::matrix(&data, &spec).unwrap();
    let row = m
        .rows
        .iter()
        .find(|r| r.code == "Arbeitslogik/Sozialberatung")
        .unwrap();
    let column = m
        .columns
        .iter()
        .position(|c| c.label == "Jobcenter Rheinau")
        .unwrap();
    let expected = row.cells[column].segments;
    assert!(expected > 0);
    h.get_by_label(&format!(
        "Arbeitslogik/Sozialberatung × Jobcenter Rheinau: {expected}"
    ))
    .click();
    h.run();
    let (code, label, segments) = h.state().views.analysis.opened.clone().unwrap();
    assert_eq!(
        (code.as_str(), label.as_str()),
        ("Arbeitslogik/Sozialberatung", "Jobcenter Rheinau")
    );
    assert_eq!(segments.len(), expected);
    assert!(
        segments
            .iter()
            .all(|s| s.jobcenter == "Jobcenter Rheinau" && s.code == "Arbeitslogik/Sozialberatung")
    );
}

#[test]
fn crosstab_and_code_relations_show_core_numbers_and_passages() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    let project = Project::open(&path).unwrap();
    let data = kodierwerk::analysis::AnalysisData::load(&project).unwrap();

    h.get_by_label("Kreuztabelle").click();
    settle(&mut h);
    let (label, row) = arbeitslogik_in_first_column(
        &data,
        vec![
            vec![("Trägerschaft".into(), "zkT".into())],
            vec![("Trägerschaft".into(), "gE".into())],
        ],
    );
    assert!(h.query_by_label(&label).is_some(), "{label}");
    assert!(
        row.cells[0] + row.cells[1] == row.total,
        "zkT and gE split all documents"
    );

    // Code relations in the document scope: the passages behind a cell come from exactly as many
    // documents as the cell counts.
    h.get_by_label("Code-Relationen").click();
    settle(&mut h);
    h.get_by_label("Gleiches Dokument").click();
    settle(&mut h);
    let spec = kodierwerk::analysis::CooccurrenceSpec {
        scope: kodierwerk::analysis::CooccurrenceScope::Document,
        coder: None,
    };
    let co = kodierwerk::analysis::cooccurrence(&data, &spec, &Default::default()).unwrap();
    let a = co
        .codes
        .iter()
        .position(|c| c == "Arbeitslogik/Leistungsgewährung")
        .unwrap();
    let b = co
        .codes
        .iter()
        .position(|c| c == "Haltung zur Digitalisierung/Skeptisch, Vermeidung")
        .unwrap();
    let expected = co.rows[a].cells[b];
    assert!(expected > 0);
    h.get_by_label(&format!("{} × {}: {expected}", co.codes[a], co.codes[b]))
        .click();
    h.run();
    let (_, passages) = h.state().views.relations.opened.clone().unwrap();
    let documents: std::collections::HashSet<_> = passages.iter().map(|s| s.document_id).collect();
    assert_eq!(documents.len(), expected);
}

#[test]
fn the_code_matrix_sorts_folds_saves_as_csv_and_copies_to_the_clipboard() {
    let (dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    h.get_by_label("Analyse").click();
    settle(&mut h);

    // Folding a parent hides its sub-codes; unfolding brings them back.
    let sub = "Arbeitslogik/Sozialberatung × Jobcenter Rheinau";
    assert!(h.query_by_label_contains(sub).is_some());
    h.get_by_label("Zuklappen Arbeitslogik").click();
    h.run();
    assert!(h.query_by_label_contains(sub).is_none());
    h.get_by_label("Aufklappen Arbeitslogik").click();
    h.run();
    assert!(h.query_by_label_contains(sub).is_some());

    // Sorting by a column keeps the numbers and orders the sub-codes by them.
    h.get_by_label("Sortieren nach Jobcenter Rheinau").click();
    settle(&mut h);
    let sort = h.state().views.analysis.sort.clone();
    assert_eq!(sort, Some(("Jobcenter Rheinau".to_owned(), true)));

    // Kopieren puts the table as shown (sorted) as tab-separated lines on the clipboard.
    h.get_by_label("Kopieren").click();
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        });
    let project = Project::open(&path).unwrap();
    let data = kodierwerk::analysis::AnalysisData::load(&project).unwrap();
    let m = kodierwerk::analysis::matrix(
        &data,
        &kodierwerk::analysis::MatrixSpec {
            by: kodierwerk::analysis::Columns::Jobcenter,
            measure: kodierwerk::analysis::Measure::Segments,
            coder: None,
            conditions: Vec::new(),
            words: kodierwerk::analysis::TableWords::default(),
        },
    )
    .unwrap();
    let rheinau = m
        .columns
        .iter()
        .position(|c| c.label == "Jobcenter Rheinau")
        .unwrap();
    let shown = m.table_of(m.sorted_rows(rheinau, true));
    assert_eq!(
        copied.as_deref(),
        Some(kodierwerk::exchange::tab_separated(&shown).as_str())
    );
    h.run();

    // CSV … asks where, then writes the same table as CSV.
    let out = dir.path().join("matrix.csv");
    h.get_by_label("CSV …").click();
    h.run();
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Datei");
    field.focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text(out.display().to_string()));
    h.run();
    h.get_by_label("Speichern").click();
    h.run();
    let written = std::fs::read_to_string(&out).unwrap();
    let first = written
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap();
    assert_eq!(first.split(';').collect::<Vec<_>>(), shown[0]);
    assert_eq!(written.lines().count(), shown.len());
    let second = written.lines().nth(1).unwrap();
    assert_eq!(second.split(';').collect::<Vec<_>>(), shown[1]);
}

#[test]
fn a_crosstab_condition_is_built_by_clicks() {
    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    h.get_by_label("Kreuztabelle").click();
    settle(&mut h);
    h.get_by_label("+ Bedingung").click();
    h.run();
    for (attribute, value) in [("Lage", "Land"), ("Trägerschaft", "zkT")] {
        h.get_by_label("+ Merkmal 3").click();
        h.run();
        h.get_by_role_and_label(egui::accesskit::Role::Button, attribute)
            .click();
        h.run();
        h.get_by_role_and_label(egui::accesskit::Role::Button, value)
            .click();
        settle(&mut h);
    }
    let condition = h.state().views.relations.conditions[2].clone();
    assert_eq!(condition, "Lage=Land, Trägerschaft=zkT");

    let project = Project::open(&path).unwrap();
    let data = kodierwerk::analysis::AnalysisData::load(&project).unwrap();
    let (label, _) = arbeitslogik_in_first_column(
        &data,
        vec![vec![
            ("Lage".into(), "Land".into()),
            ("Trägerschaft".into(), "zkT".into()),
        ]],
    );
    assert!(h.query_by_label(&label).is_some(), "{label}");
}

/// After a coding, an in-vivo coding, a recoding, a deletion and an undo, the code system's
/// counts (each code's own and with its sub-codes) are the ones a full count of the file gives,
/// and the list of retrieved segments is the one a full reading gives: a change to segments
/// re-reads only the codes and the document it touched.
#[test]
fn counts_and_list_kept_after_each_change_to_segments_agree_with_a_full_reading() {
    use kodierwerk::gui::{Edit, Navigate, WorkbenchState};
    use kodierwerk::model::range::CharRange;

    let (_dir, path) = sample();
    let mut h = harness(&path);
    h.run();
    let ctx = egui::Context::default();
    let state = h.state_mut().state.as_mut().unwrap();
    let code = |state: &WorkbenchState, path: &str| {
        state.codes.iter().find(|c| c.path == path).unwrap().id
    };
    let first = code(state, "Arbeitslogik/Leistungsgewährung");
    let second = code(state, "Wirkungen und Argumente/Lerneffekte");
    // A document without segments of the first code: its rows enter the list between others'.
    let document = state
        .documents
        .iter()
        .map(|d| d.id)
        .find(|d| {
            state
                .project
                .segments(&SegmentFilter {
                    codes: vec![first],
                    documents: vec![*d],
                    ..SegmentFilter::default()
                })
                .unwrap()
                .is_empty()
        })
        .unwrap();
    state.push(Navigate::OpenDocument(document));
    state.apply_pending();
    state.active_codes.extend([first, second]);
    state.refresh_retrieved().unwrap();
    let agree = |state: &mut WorkbenchState, step: &str| {
        for _ in 0..1000 {
            state.take_retrieved(&ctx);
            if !state.retrieving() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(state.counts, state.project.code_counts().unwrap(), "{step}");
        let listed: Vec<_> = state.retrieved.iter().map(|s| s.id).collect();
        let read: Vec<_> = state
            .project
            .segments(&state.retrieval_filter())
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(listed, read, "{step}");
        assert!(!listed.is_empty(), "{step}");
    };
    agree(state, "activated");

    state.push(Edit::ApplyCode {
        code: first,
        range: CharRange::new(10, 40).unwrap(),
    });
    state.apply_pending();
    agree(state, "coded");
    let coded = state.selected_segment.unwrap();
    assert!(state.retrieved.iter().any(|s| s.id == coded));

    // Coded while the list is being read: the change is put in place in the list that arrives.
    state.refresh_retrieved().unwrap();
    assert!(state.retrieving());
    state.push(Edit::ApplyCode {
        code: second,
        range: CharRange::new(5, 12).unwrap(),
    });
    state.apply_pending();
    agree(state, "coded again while the list was read");

    state.push(Edit::InVivo {
        range: CharRange::new(50, 70).unwrap(),
    });
    state.apply_pending();
    agree(state, "coded in vivo");

    state.push(Edit::UpdateSegment {
        segment: coded,
        range: None,
        code: Some(second),
    });
    state.apply_pending();
    agree(state, "recoded");

    state.push(Edit::SetSegmentMemo {
        segment: coded,
        memo: "geprüft".into(),
    });
    state.apply_pending();
    agree(state, "memo");
    let listed = state.retrieved.iter().find(|s| s.id == coded).unwrap();
    assert_eq!(listed.memo, "geprüft");

    state.push(Edit::DeleteSegment(coded));
    state.apply_pending();
    agree(state, "deleted");

    state.push(Edit::Undo);
    state.apply_pending();
    agree(state, "undone");
    assert!(state.retrieved.iter().any(|s| s.id == coded));
    state.push(Edit::Redo);
    state.apply_pending();
    agree(state, "redone");
    assert!(!state.retrieved.iter().any(|s| s.id == coded));
    // Back to before the first coding: the memo, the recoding, the in-vivo code and the codings.
    for step in 0..6 {
        state.push(Edit::Undo);
        state.apply_pending();
        agree(state, &format!("undone again, step {step}"));
    }
    assert!(state.error.is_none(), "{:?}", state.error);
}
