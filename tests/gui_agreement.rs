//! The team's flow in the window: open Übereinstimmung on the sample project (Anna's and Jonas's
//! coding of the same 24 documents), read the figures (the same numbers `kodierwerk agreement`
//! prints, from the same core function), list a code's disagreements, decide two of them and undo
//! one; the project file holds what the list says.

mod common;

use common::{Scratch, settle};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use kodierwerk::analysis::{AgreementSpec, AnalysisData, DocumentUnits, agreement};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::project::{Project, SegmentFilter};

type App = Harness<'static, KodierwerkApp>;

const SYSTEMFEHLER: &str = "Problemlagen der Systeme/Systemfehler";

/// The consensus coder's segments in the project file: (document, start, end), sorted.
fn consensus(path: &std::path::Path) -> Vec<(String, usize, usize)> {
    let p = Project::open(path).unwrap();
    let mut out: Vec<(String, usize, usize)> = p
        .segments(&SegmentFilter::default())
        .unwrap()
        .into_iter()
        .filter(|s| s.coder == "Konsens")
        .map(|s| (s.document, s.start, s.end))
        .collect();
    out.sort();
    out
}

/// Whether a text (a label too, which kittest leaves out of its label queries) is shown.
fn shown(h: &App, label: &str) -> bool {
    h.query(By::new().label(label).include_labels()).is_some()
}

/// Whether a text containing `part` is shown.
fn shown_containing(h: &App, part: &str) -> bool {
    h.query(By::new().label_contains(part).include_labels())
        .is_some()
}

fn shows(h: &App, label: &str) {
    assert!(
        shown(h, label),
        "not shown: {label}\nshown: {:?}",
        h.root()
            .children_recursive()
            .filter_map(|n| n.accesskit_node().label())
            .collect::<Vec<_>>()
    );
}

#[test]
fn open_the_view_decide_two_disagreements_and_undo_one() {
    let s = Scratch::new();
    let path = s.path("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let mut h = common::workbench_on(&path, 1600.0);
    h.run();
    h.get_by_role_and_label(Role::Button, "Übereinstimmung")
        .click();
    settle(&mut h);

    // The pooled row on top, and one code, as counted by the core (and pinned by cli_agreement).
    let pooled = "Alle Codes (gepoolt)";
    shows(&h, &format!("{pooled} × % gleich: 99.4"));
    shows(&h, &format!("{pooled} × κ Cohen: 0.121"));
    shows(&h, &format!("{pooled} × α Krippendorff: 0.121"));
    shows(&h, &format!("{pooled} × beide: 2110"));
    shows(&h, &format!("{pooled} × nur Anna: 15073"));
    shows(&h, &format!("{pooled} × nur Jonas: 14836"));
    shows(&h, &format!("{SYSTEMFEHLER} × κ Cohen: 0.391"));
    shows(&h, &format!("{SYSTEMFEHLER} × beide: 233"));
    let p = Project::open(&path).unwrap();
    let data = AnalysisData::load(&p).unwrap();
    let spec = AgreementSpec {
        coders: vec!["Anna".into(), "Jonas".into()],
        ..AgreementSpec::default()
    };
    let core = agreement(&data, &spec, &DocumentUnits::new()).unwrap();
    let kappa = core.pooled.row.figures.cohen_kappa.value().unwrap();
    shows(&h, &format!("{pooled} × κ Cohen: {kappa:.3}"));

    // The bootstrap interval on demand, the same as `agreement --ci`.
    h.get_by_label("95-%-Intervall").click();
    settle(&mut h);
    let with_ci = AgreementSpec {
        ci: true,
        ..spec.clone()
    };
    let ci = agreement(&data, &with_ci, &DocumentUnits::new())
        .unwrap()
        .pooled
        .ci
        .unwrap();
    let (k, a) = (ci.cohen_kappa.unwrap(), ci.krippendorff_alpha.unwrap());
    assert!(shown_containing(
        &h,
        &format!(
            "κ {:.3} – {:.3} · α {:.3} – {:.3}",
            k.low, k.high, a.low, a.high
        )
    ));

    h.get_by_label(SYSTEMFEHLER).click();
    settle(&mut h);
    shows(&h, &format!("Abweichungen bei „{SYSTEMFEHLER}“ (7)"));
    shows(&h, "TH-02_Fachexpertin 4325–4515: offen");
    shows(&h, "BS-02_Leistung 2299–2422: offen");

    h.get_by_label("Anna übernehmen: TH-02_Fachexpertin 4325–4515")
        .click();
    settle(&mut h);
    h.get_by_label("Vereinigung: BS-02_Leistung 2299–2422")
        .click();
    settle(&mut h);
    shows(&h, "TH-02_Fachexpertin 4325–4515: Anna übernommen");
    shows(&h, "BS-02_Leistung 2299–2422: beide vereinigt");
    assert_eq!(
        consensus(&path),
        [
            ("BS-02_Leistung".to_owned(), 2299, 2422),
            ("TH-02_Fachexpertin".to_owned(), 4332, 4456),
        ]
    );
    // Deciding changes no figure of the two coders.
    shows(&h, &format!("{pooled} × beide: 2110"));

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    shows(&h, "BS-02_Leistung 2299–2422: offen");
    shows(&h, "TH-02_Fachexpertin 4325–4515: Anna übernommen");
    assert_eq!(
        consensus(&path),
        [("TH-02_Fachexpertin".to_owned(), 4332, 4456)]
    );

    // A click on "Zeigen" opens the passage in the browser.
    h.get_by_label("Zeigen TH-02_Fachexpertin 4325–4515")
        .click();
    settle(&mut h);
    let state = h.state().state.as_ref().unwrap();
    assert_eq!(state.open.as_ref().unwrap().name, "TH-02_Fachexpertin");
    assert_eq!(
        state.selection.map(|r| (r.start.0, r.end.0)),
        Some((4325, 4515))
    );
}

#[test]
fn blind_coding_hides_the_other_coders_and_the_view_says_so() {
    let s = Scratch::new();
    let path = s.path("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&path).unwrap();
    let settings = kodierwerk::gui::Settings {
        coder: "Anna".into(),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1600.0, 1000.0))
        .with_max_steps(40)
        .build_eframe(move |_cc| KodierwerkApp::new(Some(path), settings));
    h.run();
    h.get_by_role_and_label(Role::Button, "Ansicht").click();
    h.run();
    h.get_by_label("Blind codieren (nur eigene Segmente)")
        .click();
    settle(&mut h);
    let state = h.state().state.as_ref().unwrap();
    assert!(state.blind);
    assert!(state.hidden_coders.contains("Jonas"));
    assert!(!state.hidden_coders.contains("Anna"));
    assert!(state.visible_segments().all(|s| s.coder == "Anna"));
    assert!(state.visible_segments().next().is_some());
    h.key_press(Key::Escape);
    h.run();
    h.get_by_role_and_label(Role::Button, "Übereinstimmung")
        .click();
    settle(&mut h);
    assert!(shown_containing(&h, "Blindes Codieren ist an"));

    h.get_by_role_and_label(Role::Button, "Ansicht").click();
    h.run();
    h.get_by_label("Blind codieren (nur eigene Segmente)")
        .click();
    settle(&mut h);
    let state = h.state().state.as_ref().unwrap();
    assert!(!state.blind && state.hidden_coders.is_empty());
    assert!(
        h.query_by_label_contains("Blindes Codieren ist an")
            .is_none()
    );
}
