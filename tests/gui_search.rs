//! A team lead's flow in the window: search the sample study for „Digitallotsen“, take one hit
//! out, autocode the rest by sentence, find them in the project file, undo the run in one step;
//! open a hit's passage; a click on a word of the word list searches it.

mod common;

use common::{Scratch, settle};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};
use kodierwerk::analysis::{
    AutocodeItem, AutocodeScope, SearchSpec, autocode_memo, plan_autocode, search_project,
};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::project::{Project, SegmentFilter};

type App = Harness<'static, KodierwerkApp>;

const CODE: &str = "Digitale Anwendungen/Digitale Kommunikation";

/// The segments of the window's coder in the project file: (document, start, end, memo).
fn testers(path: &std::path::Path) -> Vec<(String, usize, usize, String)> {
    let p = Project::open(path).unwrap();
    p.segments(&SegmentFilter::default())
        .unwrap()
        .into_iter()
        .filter(|s| s.coder == "Tester")
        .map(|s| (s.document, s.start, s.end, s.memo))
        .collect()
}

fn search_for(h: &mut App, query: &str) {
    let field = h.get_by_label("Suchanfrage");
    field.focus();
    field.type_text(query);
    h.run();
    h.get_by_label("Suche starten").click();
    settle(h);
}

#[test]
fn search_autocode_by_sentence_and_undo() {
    let s = Scratch::new();
    let path = s.path("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let mut h = common::workbench_on(&path, 1600.0);
    h.run();
    h.get_by_role_and_label(Role::Button, "Suche").click();
    h.run();
    search_for(&mut h, "Digitallotsen");

    // The core finds the same five hits (counted with grep in the transcripts).
    let p = Project::open(&path).unwrap();
    let spec = SearchSpec {
        query: "Digitallotsen".into(),
        ..SearchSpec::default()
    };
    let hits = search_project(&p, &spec).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(
        h.query(By::new().label("5 Treffer").include_labels())
            .is_some()
    );
    let name =
        |hit: &kodierwerk::analysis::Hit| format!("{} {}–{}", hit.document, hit.start, hit.end);

    // Take the first hit out, choose the code and the sentence, autocode.
    h.get_by_label(&format!("Übernehmen {}", name(&hits[0])))
        .click();
    h.run();
    h.get_by_label("Code wählen").click();
    h.run();
    h.get_by_label(CODE).scroll_to_me();
    h.run();
    h.get_by_label(CODE).click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Satz").click();
    h.run();
    h.get_by_label("Autocodieren").click();
    settle(&mut h);

    // What the window coded is what the core plans for the four hits left, with the query as memo.
    let code = p.code_by_path(CODE).unwrap().id;
    let item = AutocodeItem::from_hits(code, "Digitallotsen", &hits[1..]);
    let planned = plan_autocode(&p, &[item], AutocodeScope::Sentence, "Tester").unwrap();
    let mut expected: Vec<(usize, usize)> = planned
        .iter()
        .map(|s| (s.range.start.0, s.range.end.0))
        .collect();
    let coded = testers(&path);
    let mut got: Vec<(usize, usize)> = coded.iter().map(|s| (s.1, s.2)).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert!(!coded.is_empty());
    assert!(coded.iter().all(|s| s.3 == autocode_memo("Digitallotsen")));
    // The hit taken out is not coded: no segment holds it.
    assert!(
        !coded
            .iter()
            .any(|s| s.0 == hits[0].document && s.1 <= hits[0].start && hits[0].end <= s.2)
    );

    // One undo takes the whole run back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert!(testers(&path).is_empty());

    // A click on a hit opens its passage.
    h.get_by_label(&format!("Öffnen {}", name(&hits[2])))
        .click();
    settle(&mut h);
    let state = h.state().state.as_ref().unwrap();
    assert_eq!(state.open.as_ref().unwrap().name, hits[2].document);
    assert_eq!(
        state.selection.map(|r| (r.start.0, r.end.0)),
        Some((hits[2].start, hits[2].end))
    );
}

#[test]
fn a_word_of_the_word_list_is_searched_with_a_click() {
    let s = Scratch::new();
    let path = s.path("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let mut h = common::workbench_on(&path, 1600.0);
    h.run();
    h.get_by_role_and_label(Role::Button, "Wortliste").click();
    settle(&mut h);
    // The word that separates the jobcenters most stands first (as `kodierwerk words` says).
    h.get_by_label("kreis").click();
    settle(&mut h);
    let hits = search_project(
        &Project::open(&path).unwrap(),
        &SearchSpec {
            query: "kreis".into(),
            ..SearchSpec::default()
        },
    )
    .unwrap();
    assert_eq!(hits.len(), 38);
    assert!(
        h.query(By::new().label("38 Treffer").include_labels())
            .is_some()
    );
}
