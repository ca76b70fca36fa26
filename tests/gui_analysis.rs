//! The Analyse views on the hand-counted fixture of `cli_analysis` (`common::fixture`, table
//! there): every number of the code matrix, the crosstab and the code relations as the GUI shows
//! it, found by the cell's full accessible name (`CODE × COLUMN: VALUE`), and the segments a click
//! on a cell lists. The expectations are literals counted by hand, the same as the CLI's.

mod common;

use common::{Scratch, fixture, settle};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kodierwerk::gui::KodierwerkApp;
use kodierwerk::model::Segment;

type App = Harness<'static, KodierwerkApp>;

/// The workbench on a fresh fixture (the scratch folder must outlive the harness).
fn workbench(s: &Scratch) -> App {
    workbench_wide(s, 1600.0)
}

/// The workbench `width` points wide: the crosstab's five columns of 150 points overflow the
/// central panel of the usual 1600 (its Gesamt column lies under the right panel until scrolled),
/// so a click on Gesamt needs a wider window.
fn workbench_wide(s: &Scratch, width: f32) -> App {
    let path = std::path::PathBuf::from(fixture(s));
    let mut h = common::workbench_on(&path, width);
    h.run();
    h
}

/// Switches the central view by its tab.
fn tab(h: &mut App, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    settle(h);
}

/// Picks `option` in the combo box named `combo`.
fn choose(h: &mut App, combo: &str, option: &str) {
    h.get_by_role_and_label(Role::ComboBox, combo).click();
    h.run();
    h.get_by_role_and_label(Role::Button, option).click();
    settle(h);
    let shown = h.get_by_role_and_label(Role::ComboBox, combo);
    assert_eq!(
        shown.accesskit_node().value().as_deref(),
        Some(option),
        "{combo}"
    );
}

/// Adds the matrix filter `attribute = value` through the filter menu.
fn add_filter(h: &mut App, attribute: &str, value: &str) {
    h.get_by_label("+ Filter matrix").click();
    h.run();
    h.get_by_role_and_label(Role::Button, attribute).click();
    h.run();
    h.get_by_role_and_label(Role::Button, value).click();
    settle(h);
}

/// The accessible names of the cells of `code`'s row, in the order shown.
fn shown_row(h: &App, code: &str) -> Vec<String> {
    let prefix = format!("{code} × ");
    h.root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| l.starts_with(&prefix))
        .collect()
}

/// Asserts that each row shows exactly these values under these column labels: each cell is found
/// by its full accessible name, and the row has no other cells. Reports every wrong row at once.
fn expect_table(h: &App, what: &str, columns: &[&str], rows: &[(&str, &[&str])]) {
    let mut wrong = Vec::new();
    for (code, values) in rows {
        assert_eq!(values.len(), columns.len(), "{what}: {code}");
        let expected: Vec<String> = columns
            .iter()
            .zip(values.iter())
            .map(|(column, value)| format!("{code} × {column}: {value}"))
            .collect();
        let missing: Vec<&String> = expected
            .iter()
            .filter(|name| h.query_by_label(name).is_none())
            .collect();
        let shown = shown_row(h, code);
        if !missing.is_empty() || shown != expected {
            wrong.push(format!(
                "  {code}: missing {missing:?}\n    shown    {shown:?}\n    expected {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{what}:\n{}", wrong.join("\n"));
}

/// A segment of the fixture as the lists show it: document, code, coder, range, text.
type Seg = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    usize,
    &'static str,
);

// The segments of the fixture (see `common::fixture`), with their texts counted out of
// "I: Wie ist das?\nB: Gut und schlecht.\nI: Warum?\nB: Weil es so ist.\n" and its siblings.
const S1: Seg = ("nord1", "A/A1", "Anna", 19, 30, "Gut und sch");
const S2: Seg = ("nord1", "B", "Anna", 25, 36, "d schlecht.");
const S3: Seg = ("nord1", "A", "Anna", 19, 36, "Gut und schlecht.");
const S4: Seg = ("nord1", "A/A2", "Ben", 50, 55, "Weil ");
const S5: Seg = ("nord1", "A", "Ben", 55, 60, "es so");
const S6: Seg = ("nord1", "A/A1", "Ben", 0, 14, "I: Wie ist das");
const T1: Seg = ("sued1", "B", "Anna", 3, 10, "Wie geh");
const T2: Seg = ("sued1", "A/A2", "Anna", 5, 12, "e geht ");
const T3: Seg = ("sued1", "B", "Ben", 8, 14, "eht es");
const U1: Seg = ("west1", "A/A1", "Anna", 40, 46, "Warum?");
const U2: Seg = ("west1", "A/A2", "Ben", 50, 65, "Weil es so ist.");

/// Asserts that `segments` are exactly `expected` (each once, in any order).
fn expect_segments(what: &str, segments: &[Segment], expected: &[Seg]) {
    let mut listed: Vec<(String, String, String, usize, usize, String)> = segments
        .iter()
        .map(|s| {
            (
                s.document.clone(),
                s.code.to_string(),
                s.coder.clone(),
                s.start,
                s.end,
                s.text.clone(),
            )
        })
        .collect();
    listed.sort();
    let mut expected: Vec<(String, String, String, usize, usize, String)> = expected
        .iter()
        .map(|&(d, c, k, a, b, t)| (d.into(), c.into(), k.into(), a, b, t.into()))
        .collect();
    expected.sort();
    assert_eq!(listed, expected, "{what}");
}

/// Clicks the cell of that full name; returns what it opened in the list `opened` reads.
fn open_cell<T: Clone>(
    h: &mut App,
    name: &str,
    opened: impl Fn(&kodierwerk::gui::Views) -> &Option<T>,
) -> T {
    h.get_by_label(name).click();
    h.run();
    opened(&h.state().views)
        .clone()
        .unwrap_or_else(|| panic!("{name} opened nothing"))
}

/// Clicks the matrix cell of that full name; returns the code, column and segments it opened.
fn open_matrix_cell(h: &mut App, name: &str) -> (String, String, Vec<Segment>) {
    open_cell(h, name, |s| &s.analysis.opened)
}

/// Clicks the co-occurrence cell of that full name; returns the title and passages it opened.
fn open_relation_cell(h: &mut App, name: &str) -> (String, Vec<Segment>) {
    open_cell(h, name, |s| &s.relations.opened)
}

/// Clicks the crosstab cell of that full name; returns the title and segments it opened.
fn open_crosstab_cell(h: &mut App, name: &str) -> (String, Vec<Segment>) {
    open_cell(h, name, |s| &s.relations.crosstab_opened)
}

/// The headings of the segment lists shown, e.g. `A × JC Nord: 5 Segmente` (a label's text is
/// its AccessKit value).
fn list_headings(h: &App) -> Vec<String> {
    h.root()
        .children_recursive()
        .filter_map(|n| {
            let node = n.accesskit_node();
            if node.role() == Role::Label {
                node.value()
            } else {
                node.label()
            }
        })
        .filter(|l| {
            l.contains(" × ")
                && l.rsplit_once(": ").is_some_and(|(_, tail)| {
                    tail.split_once(' ').is_some_and(|(n, word)| {
                        n.parse::<usize>().is_ok() && (word == "Segmente" || word == "Segment")
                    })
                })
        })
        .collect()
}

/// The columns of the matrix by jobcenter: Ost has no documents and is a column of zeros.
const JOBCENTERS: [&str; 5] = ["JC Nord", "JC Süd", "JC West", "JC Ost", "Gesamt"];

#[test]
fn the_code_matrix_shows_every_hand_counted_number() {
    let s = Scratch::new();
    let mut h = workbench(&s);
    tab(&mut h, "Analyse");

    // Segments with sub-codes (Nord = nord1 + nord2, nord2 without codes):
    //   A: s1 s3 s4 s5 s6 | t2 | u1 u2      A1: s1 s6 | – | u1
    //   A2: s4 | t2 | u2                    B: s2 | t1 t3 | –
    expect_table(
        &h,
        "Segmente",
        &JOBCENTERS,
        &[
            ("A", &["5", "1", "2", "0", "8"]),
            ("A/A1", &["2", "0", "1", "0", "3"]),
            ("A/A2", &["1", "1", "1", "0", "3"]),
            ("B", &["1", "2", "0", "0", "3"]),
        ],
    );

    // Documents in which the code (with sub-codes) occurs: nord2 never counts.
    choose(&mut h, "Wert:", "Dokumente");
    expect_table(
        &h,
        "Dokumente",
        &JOBCENTERS,
        &[
            ("A", &["1", "1", "1", "0", "3"]),
            ("A/A1", &["1", "0", "1", "0", "2"]),
            ("A/A2", &["1", "1", "1", "0", "3"]),
            ("B", &["1", "1", "0", "0", "2"]),
        ],
    );

    // Of Nord's 2 documents only nord1 is coded: 50 %; Ost has none: 0, not a division by 0.
    choose(&mut h, "Wert:", "% der Dokumente");
    expect_table(
        &h,
        "% der Dokumente",
        &JOBCENTERS,
        &[
            ("A", &["50.0", "100.0", "100.0", "0.0", "75.0"]),
            ("A/A1", &["50.0", "0.0", "100.0", "0.0", "50.0"]),
            ("A/A2", &["50.0", "100.0", "100.0", "0.0", "75.0"]),
            ("B", &["50.0", "100.0", "0.0", "0.0", "50.0"]),
        ],
    );

    // Characters covered, overlaps once, of 66 per document (Nord 132, all 264):
    //   A Nord [0,14) [19,36) [50,60) = 41; Süd [5,12) = 7; West [40,46) [50,65) = 21; all 69.
    //   A1 Nord [0,14) [19,30) = 25; West 6; all 31.   A2 Nord 5; Süd 7; West 15; all 27.
    //   B Nord [25,36) = 11; Süd [3,10) ∪ [8,14) = 11; all 22.
    choose(&mut h, "Wert:", "% der Zeichen");
    expect_table(
        &h,
        "% der Zeichen",
        &JOBCENTERS,
        &[
            ("A", &["31.1", "10.6", "31.8", "0.0", "26.1"]),
            ("A/A1", &["18.9", "0.0", "9.1", "0.0", "11.7"]),
            ("A/A2", &["3.8", "10.6", "22.7", "0.0", "10.2"]),
            ("B", &["8.3", "16.7", "0.0", "0.0", "8.3"]),
        ],
    );

    // Where a code's segments fall: A 5 1 2 0 of 8.
    choose(&mut h, "Wert:", "% der Zeile");
    expect_table(
        &h,
        "% der Zeile",
        &JOBCENTERS,
        &[
            ("A", &["62.5", "12.5", "25.0", "0.0", "100.0"]),
            ("A/A1", &["66.7", "0.0", "33.3", "0.0", "100.0"]),
            ("A/A2", &["33.3", "33.3", "33.3", "0.0", "100.0"]),
            ("B", &["33.3", "66.7", "0.0", "0.0", "100.0"]),
        ],
    );

    // A column's segments: Nord 6, Süd 3, West 2, Ost 0, all 11.
    choose(&mut h, "Wert:", "% der Spalte");
    expect_table(
        &h,
        "% der Spalte",
        &JOBCENTERS,
        &[
            ("A", &["83.3", "33.3", "100.0", "0.0", "72.7"]),
            ("A/A1", &["33.3", "0.0", "50.0", "0.0", "27.3"]),
            ("A/A2", &["16.7", "33.3", "50.0", "0.0", "27.3"]),
            ("B", &["16.7", "66.7", "0.0", "0.0", "27.3"]),
        ],
    );

    // Ben alone: s4 (A2) s5 (A) s6 (A1) in Nord, t3 (B) in Süd, u2 (A2) in West; his column
    // segments are Nord 3, Süd 1, West 1, all 5.
    choose(&mut h, "Coder:in", "Ben");
    expect_table(
        &h,
        "% der Spalte, Ben",
        &JOBCENTERS,
        &[
            ("A", &["100.0", "0.0", "100.0", "0.0", "80.0"]),
            ("A/A1", &["33.3", "0.0", "0.0", "0.0", "20.0"]),
            ("A/A2", &["33.3", "0.0", "100.0", "0.0", "40.0"]),
            ("B", &["0.0", "100.0", "0.0", "0.0", "20.0"]),
        ],
    );
    choose(&mut h, "Wert:", "Segmente");
    expect_table(
        &h,
        "Segmente, Ben",
        &JOBCENTERS,
        &[
            ("A", &["3", "0", "1", "0", "4"]),
            ("A/A1", &["1", "0", "0", "0", "1"]),
            ("A/A2", &["1", "0", "1", "0", "2"]),
            ("B", &["0", "1", "0", "0", "1"]),
        ],
    );
    choose(&mut h, "Wert:", "Dokumente");
    expect_table(
        &h,
        "Dokumente, Ben",
        &JOBCENTERS,
        &[
            ("A", &["1", "0", "1", "0", "2"]),
            ("A/A1", &["1", "0", "0", "0", "1"]),
            ("A/A2", &["1", "0", "1", "0", "2"]),
            ("B", &["0", "1", "0", "0", "1"]),
        ],
    );
    // Anna alone: s1 (A1) s2 (B) s3 (A) in Nord, t1 (B) t2 (A2) in Süd, u1 (A1) in West.
    choose(&mut h, "Coder:in", "Anna");
    choose(&mut h, "Wert:", "Segmente");
    expect_table(
        &h,
        "Segmente, Anna",
        &JOBCENTERS,
        &[
            ("A", &["2", "1", "1", "0", "4"]),
            ("A/A1", &["1", "0", "1", "0", "2"]),
            ("A/A2", &["0", "1", "0", "0", "1"]),
            ("B", &["1", "1", "0", "0", "2"]),
        ],
    );

    // Only documents in cities (sued1, west1), Ben's segments t3 (B) and u2 (A2): every
    // jobcenter stays a column, Nord and Ost now without documents; A1 has no segments and 0,
    // not 100, as its row percent in the total.
    choose(&mut h, "Coder:in", "Ben");
    add_filter(&mut h, "Lage", "Stadt");
    assert_eq!(
        h.state().views.analysis.conditions,
        [("Lage".to_owned(), "Stadt".to_owned())]
    );
    choose(&mut h, "Wert:", "% der Zeile");
    expect_table(
        &h,
        "% der Zeile, Ben, Lage=Stadt",
        &JOBCENTERS,
        &[
            ("A", &["0.0", "0.0", "100.0", "0.0", "100.0"]),
            ("A/A1", &["0.0", "0.0", "0.0", "0.0", "0.0"]),
            ("A/A2", &["0.0", "0.0", "100.0", "0.0", "100.0"]),
            ("B", &["0.0", "100.0", "0.0", "0.0", "100.0"]),
        ],
    );
    choose(&mut h, "Coder:in", "alle");
    choose(&mut h, "Wert:", "Segmente");
    expect_table(
        &h,
        "Segmente, Lage=Stadt",
        &JOBCENTERS,
        &[
            ("A", &["0", "1", "2", "0", "3"]),
            ("A/A1", &["0", "0", "1", "0", "1"]),
            ("A/A2", &["0", "1", "1", "0", "2"]),
            ("B", &["0", "2", "0", "0", "2"]),
        ],
    );
    h.get_by_label("Lage = Stadt  ✖").click();
    settle(&mut h);

    // By the attribute Lage (choices Stadt, Land): Land = Nord (and Ost, without documents),
    // Stadt = Süd + West.
    choose(&mut h, "Spalten:", "Lage");
    expect_table(
        &h,
        "Segmente by Lage",
        &["Stadt", "Land", "Gesamt"],
        &[
            ("A", &["3", "5", "8"]),
            ("A/A1", &["1", "2", "3"]),
            ("A/A2", &["2", "1", "3"]),
            ("B", &["2", "1", "3"]),
        ],
    );
    // Only gE jobcenters: Süd (Stadt) has sued1; Ost (Land) has no documents, so Land is 0.
    add_filter(&mut h, "Trägerschaft", "gE");
    choose(&mut h, "Wert:", "% der Dokumente");
    expect_table(
        &h,
        "% der Dokumente by Lage, Trägerschaft=gE",
        &["Stadt", "Land", "Gesamt"],
        &[
            ("A", &["100.0", "0.0", "100.0"]),
            ("A/A1", &["0.0", "0.0", "0.0"]),
            ("A/A2", &["100.0", "0.0", "100.0"]),
            ("B", &["100.0", "0.0", "100.0"]),
        ],
    );
}

#[test]
fn a_click_on_a_matrix_cell_lists_exactly_its_segments() {
    let s = Scratch::new();
    let mut h = workbench(&s);
    tab(&mut h, "Analyse");

    // A with its sub-codes in Nord: nord1's five, nord2 has none.
    let (code, column, segments) = open_matrix_cell(&mut h, "A × JC Nord: 5");
    assert_eq!((code.as_str(), column.as_str()), ("A", "JC Nord"));
    expect_segments("A × JC Nord", &segments, &[S1, S3, S4, S5, S6]);
    // The list says so, and shows each passage with its document, coder and speaker (s6 starts
    // on the first label, before any turn).
    assert!(h.query_by_label("A × JC Nord: 5 Segmente").is_some());
    for line in [
        "nord1 · Ben · –: I: Wie ist das",
        "nord1 · Anna · B: Gut und sch",
        "nord1 · Anna · B: Gut und schlecht.",
        "nord1 · Ben · B: Weil ",
        "nord1 · Ben · B: es so",
    ] {
        assert!(h.query_by_label(line).is_some(), "{line}");
    }

    // B in Süd: t1 and t3 overlap, both count.
    let (_, _, segments) = open_matrix_cell(&mut h, "B × JC Süd: 2");
    expect_segments("B × JC Süd", &segments, &[T1, T3]);
    // A2 in all columns.
    let (code, column, segments) = open_matrix_cell(&mut h, "A/A2 × Gesamt: 3");
    assert_eq!((code.as_str(), column.as_str()), ("A/A2", "Gesamt"));
    expect_segments("A/A2 × Gesamt", &segments, &[S4, T2, U2]);
    // Zeros list nothing: Ost without documents, A1 in Süd.
    let (_, column, segments) = open_matrix_cell(&mut h, "A × JC Ost: 0");
    assert_eq!(column, "JC Ost");
    expect_segments("A × JC Ost", &segments, &[]);
    let (_, _, segments) = open_matrix_cell(&mut h, "A/A1 × JC Süd: 0");
    expect_segments("A/A1 × JC Süd", &segments, &[]);

    // Ben alone: his segments only.
    choose(&mut h, "Coder:in", "Ben");
    let (_, _, segments) = open_matrix_cell(&mut h, "A × JC Nord: 3");
    expect_segments("A × JC Nord, Ben", &segments, &[S4, S5, S6]);
    let (_, _, segments) = open_matrix_cell(&mut h, "A × Gesamt: 4");
    expect_segments("A × Gesamt, Ben", &segments, &[S4, S5, S6, U2]);
    let (_, _, segments) = open_matrix_cell(&mut h, "B × Gesamt: 1");
    expect_segments("B × Gesamt, Ben", &segments, &[T3]);

    // A filter keeps the cell to its documents: in cities, A is t2, u1, u2.
    choose(&mut h, "Coder:in", "alle");
    add_filter(&mut h, "Lage", "Stadt");
    let (_, _, segments) = open_matrix_cell(&mut h, "A × Gesamt: 3");
    expect_segments("A × Gesamt, Lage=Stadt", &segments, &[T2, U1, U2]);
    let (_, _, segments) = open_matrix_cell(&mut h, "A/A1 × JC Nord: 0");
    expect_segments("A/A1 × JC Nord, Lage=Stadt", &segments, &[]);

    // By attribute: A in Land is nord1's five.
    h.get_by_label("Lage = Stadt  ✖").click();
    settle(&mut h);
    choose(&mut h, "Spalten:", "Lage");
    let (_, column, segments) = open_matrix_cell(&mut h, "A × Land: 5");
    assert_eq!(column, "Land");
    expect_segments("A × Land", &segments, &[S1, S3, S4, S5, S6]);
    let (_, _, segments) = open_matrix_cell(&mut h, "B × Stadt: 2");
    expect_segments("B × Stadt", &segments, &[T1, T3]);
}

/// The conditions of `cli_analysis`'s crosstab, and the labels their columns get.
const CONDITIONS: [&str; 4] = [
    "Trägerschaft=zkT",
    "Trägerschaft=zkT,Lage=Land",
    "Lage=Stadt,Lage=Land,Trägerschaft=gE",
    "Trägerschaft=gE,Lage=Land",
];
const CONDITION_COLUMNS: [&str; 5] = [
    "Trägerschaft=zkT",
    "Trägerschaft=zkT & Lage=Land",
    "Lage=Stadt|Land & Trägerschaft=gE",
    "Trägerschaft=gE & Lage=Land",
    "Gesamt",
];

/// Replaces the text of the condition field `n` (1-based).
fn type_condition(h: &mut App, n: usize, text: &str) {
    h.get_by_role_and_label(Role::TextInput, &format!("Bedingung {n}"))
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text(text.into()));
    h.run();
}

/// Types `cli_analysis`'s four conditions into the crosstab: two fields to begin with, two more
/// by the button.
fn type_conditions(h: &mut App) {
    type_condition(h, 1, CONDITIONS[0]);
    type_condition(h, 2, CONDITIONS[1]);
    h.get_by_label("+ Bedingung").click();
    h.run();
    h.get_by_label("+ Bedingung").click();
    h.run();
    type_condition(h, 3, CONDITIONS[2]);
    type_condition(h, 4, CONDITIONS[3]);
    settle(h);
    assert_eq!(h.state().views.relations.conditions, CONDITIONS);
}

#[test]
fn the_crosstab_shows_every_hand_counted_number() {
    let s = Scratch::new();
    let mut h = workbench(&s);
    tab(&mut h, "Kreuztabelle");
    type_conditions(&mut h);

    // Columns: zkT = nord1 nord2 west1, zkT & Land = nord1 nord2, gE & (Stadt|Land) = sued1,
    // gE & Land = Ost, no documents. Segments per document, codes with sub-codes:
    //   nord1: A 5, A1 2, A2 1, B 1; sued1: A 1, A2 1, B 2; west1: A 2, A1 1, A2 1.
    expect_table(
        &h,
        "Kreuztabelle, Segmente",
        &CONDITION_COLUMNS,
        &[
            ("A", &["7", "5", "1", "0", "8"]),
            ("A/A1", &["3", "2", "0", "0", "3"]),
            ("A/A2", &["2", "1", "1", "0", "3"]),
            ("B", &["1", "1", "2", "0", "3"]),
        ],
    );

    // Count once per document: A in nord1 sued1 west1, A1 in nord1 west1, A2 in nord1 sued1
    // west1, B in nord1 sued1.
    h.get_by_role_and_label(Role::Button, "Dokumente (einmal je Dokument)")
        .click();
    settle(&mut h);
    expect_table(
        &h,
        "Kreuztabelle, Dokumente",
        &CONDITION_COLUMNS,
        &[
            ("A", &["2", "1", "1", "0", "3"]),
            ("A/A1", &["2", "1", "0", "0", "2"]),
            ("A/A2", &["2", "1", "1", "0", "3"]),
            ("B", &["1", "1", "1", "0", "2"]),
        ],
    );

    // Back to segments, with the second condition removed: its column goes.
    h.get_by_role_and_label(Role::Button, "Segmente").click();
    settle(&mut h);
    h.get_all_by_label("✖").nth(1).unwrap().click();
    settle(&mut h);
    expect_table(
        &h,
        "Kreuztabelle, Segmente, without the second condition",
        &[
            CONDITION_COLUMNS[0],
            CONDITION_COLUMNS[2],
            CONDITION_COLUMNS[3],
            CONDITION_COLUMNS[4],
        ],
        &[
            ("A", &["7", "1", "0", "8"]),
            ("A/A1", &["3", "0", "0", "3"]),
            ("A/A2", &["2", "1", "0", "3"]),
            ("B", &["1", "2", "0", "3"]),
        ],
    );
}

/// The columns of the code relations: every code by its path.
const CODES: [&str; 4] = ["A", "A/A1", "A/A2", "B"];

#[test]
fn code_relations_show_every_hand_counted_number_and_their_passages() {
    let s = Scratch::new();
    let mut h = workbench(&s);
    tab(&mut h, "Code-Relationen");

    // Overlapping pairs, each code alone: nord1 s1–s3 (A1 A), s1–s2 (A1 B), s3–s2 (A B), s4–s5
    // only touch; sued1 t1–t2 and t2–t3 (B A2), t1–t3 both B (diagonal, not counted).
    expect_table(
        &h,
        "Überschneidung",
        &CODES,
        &[
            ("A", &["0", "1", "0", "1"]),
            ("A/A1", &["1", "0", "0", "1"]),
            ("A/A2", &["0", "0", "0", "2"]),
            ("B", &["1", "1", "2", "0"]),
        ],
    );
    let (title, passages) = open_relation_cell(&mut h, "A/A2 × B: 2");
    assert_eq!(title, "A/A2 × B");
    expect_segments("overlap A/A2 × B", &passages, &[T1, T2, T3]);
    assert!(h.query_by_label("A/A2 × B: 3 Segmente").is_some());
    assert!(h.query_by_label("sued1 · A/A2 · Anna: e geht ").is_some());
    let (_, passages) = open_relation_cell(&mut h, "A × A/A1: 1");
    expect_segments("overlap A × A/A1", &passages, &[S1, S3]);
    let (title, passages) = open_relation_cell(&mut h, "B × A/A1: 1");
    assert_eq!(title, "B × A/A1");
    expect_segments("overlap B × A/A1", &passages, &[S1, S2]);
    let (_, passages) = open_relation_cell(&mut h, "A × B: 1");
    expect_segments("overlap A × B", &passages, &[S2, S3]);
    // s4 and s5 touch: nothing behind the 0.
    let (_, passages) = open_relation_cell(&mut h, "A × A/A2: 0");
    expect_segments("overlap A × A/A2", &passages, &[]);
    let (_, passages) = open_relation_cell(&mut h, "B × B: 0");
    expect_segments("overlap B × B", &passages, &[]);

    // Turns where both codes have a segment starting: nord1 T1 {A1 A B} (s6 starts before the
    // first turn), T3 {A2 A}; sued1 T0 {B A2}; west1 T2 {A1}, T3 {A2}.
    h.get_by_label("Gleicher Sprecherbeitrag").click();
    settle(&mut h);
    expect_table(
        &h,
        "Sprecherbeitrag",
        &CODES,
        &[
            ("A", &["0", "1", "1", "1"]),
            ("A/A1", &["1", "0", "0", "1"]),
            ("A/A2", &["1", "0", "0", "1"]),
            ("B", &["1", "1", "1", "0"]),
        ],
    );
    let (_, passages) = open_relation_cell(&mut h, "A × A/A2: 1");
    expect_segments("turn A × A/A2", &passages, &[S4, S5]);
    let (_, passages) = open_relation_cell(&mut h, "A × A/A1: 1");
    expect_segments("turn A × A/A1", &passages, &[S1, S3]);
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 1");
    expect_segments("turn A/A2 × B", &passages, &[T1, T2, T3]);
    // A1 and A2 share west1, not a turn.
    let (_, passages) = open_relation_cell(&mut h, "A/A1 × A/A2: 0");
    expect_segments("turn A/A1 × A/A2", &passages, &[]);

    // Documents where both codes occur: nord1 {A A1 A2 B}, sued1 {A2 B}, west1 {A1 A2}.
    h.get_by_label("Gleiches Dokument").click();
    settle(&mut h);
    expect_table(
        &h,
        "Dokument",
        &CODES,
        &[
            ("A", &["0", "1", "1", "1"]),
            ("A/A1", &["1", "0", "2", "1"]),
            ("A/A2", &["1", "2", "0", "2"]),
            ("B", &["1", "1", "2", "0"]),
        ],
    );
    let (_, passages) = open_relation_cell(&mut h, "A/A1 × A/A2: 2");
    expect_segments("document A/A1 × A/A2", &passages, &[S1, S4, S6, U1, U2]);
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 2");
    expect_segments("document A/A2 × B", &passages, &[S2, S4, T1, T2, T3]);
    let (_, passages) = open_relation_cell(&mut h, "A × B: 1");
    expect_segments("document A × B", &passages, &[S2, S3, S5]);

    // And back to overlaps: the same numbers as at first.
    h.get_by_label("Überschneidung im Text").click();
    settle(&mut h);
    expect_table(
        &h,
        "Überschneidung, again",
        &CODES,
        &[
            ("A", &["0", "1", "0", "1"]),
            ("A/A1", &["1", "0", "0", "1"]),
            ("A/A2", &["0", "0", "0", "2"]),
            ("B", &["1", "1", "2", "0"]),
        ],
    );
}

#[test]
fn a_click_on_a_crosstab_cell_lists_exactly_its_segments() {
    let s = Scratch::new();
    let mut h = workbench_wide(&s, 2000.0);
    tab(&mut h, "Kreuztabelle");
    type_conditions(&mut h);

    // zkT = nord1 nord2 west1; A with its sub-codes there: s1 s3 s4 s5 s6 u1 u2.
    let (title, segments) = open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 7");
    assert_eq!(title, "A × Trägerschaft=zkT");
    expect_segments("A × zkT", &segments, &[S1, S3, S4, S5, S6, U1, U2]);
    // The list says so, and shows each segment with its jobcenter, document and coder.
    assert_eq!(list_headings(&h), ["A × Trägerschaft=zkT: 7 Segmente"]);
    for line in [
        "JC Nord · nord1 · Ben: I: Wie ist das",
        "JC Nord · nord1 · Anna: Gut und schlecht.",
        "JC West · west1 · Anna: Warum?",
        "JC West · west1 · Ben: Weil es so ist.",
    ] {
        assert!(h.query_by_label(line).is_some(), "{line}");
    }
    // zkT & Land = nord1 nord2: A1 is s1 and s6.
    let (title, segments) = open_crosstab_cell(&mut h, "A/A1 × Trägerschaft=zkT & Lage=Land: 2");
    assert_eq!(title, "A/A1 × Trägerschaft=zkT & Lage=Land");
    expect_segments("A/A1 × zkT & Land", &segments, &[S1, S6]);
    // gE & (Stadt|Land) = sued1: A is t2 (an A2), B is t1 and t3 (they overlap, both count).
    let (_, segments) = open_crosstab_cell(&mut h, "A × Lage=Stadt|Land & Trägerschaft=gE: 1");
    expect_segments("A × gE & Stadt|Land", &segments, &[T2]);
    let (_, segments) = open_crosstab_cell(&mut h, "B × Lage=Stadt|Land & Trägerschaft=gE: 2");
    expect_segments("B × gE & Stadt|Land", &segments, &[T1, T3]);
    // gE & Land = Ost, no documents: nothing.
    let (title, segments) = open_crosstab_cell(&mut h, "A × Trägerschaft=gE & Lage=Land: 0");
    assert_eq!(title, "A × Trägerschaft=gE & Lage=Land");
    expect_segments("A × gE & Land", &segments, &[]);
    assert_eq!(
        list_headings(&h),
        ["A × Trägerschaft=gE & Lage=Land: 0 Segmente"]
    );
    // Gesamt, all four documents: A is every A, A1 and A2; B is s2 t1 t3.
    let (title, segments) = open_crosstab_cell(&mut h, "A × Gesamt: 8");
    assert_eq!(title, "A × Gesamt");
    expect_segments("A × Gesamt", &segments, &[S1, S3, S4, S5, S6, T2, U1, U2]);
    let (_, segments) = open_crosstab_cell(&mut h, "B × Gesamt: 3");
    expect_segments("B × Gesamt", &segments, &[S2, T1, T3]);

    // Ben alone, the numbers `cli_analysis` pins: s4 (A2) s5 (A) s6 (A1) in nord1, t3 (B) in
    // sued1, u2 (A2) in west1; the columns hold the same documents.
    choose(&mut h, "Coder:in", "Ben");
    expect_table(
        &h,
        "Kreuztabelle, Segmente, Ben",
        &CONDITION_COLUMNS,
        &[
            ("A", &["4", "3", "0", "0", "4"]),
            ("A/A1", &["1", "1", "0", "0", "1"]),
            ("A/A2", &["2", "1", "0", "0", "2"]),
            ("B", &["0", "0", "1", "0", "1"]),
        ],
    );
    let (_, segments) = open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 4");
    expect_segments("A × zkT, Ben", &segments, &[S4, S5, S6, U2]);
    let (_, segments) = open_crosstab_cell(&mut h, "A/A1 × Trägerschaft=zkT & Lage=Land: 1");
    expect_segments("A/A1 × zkT & Land, Ben", &segments, &[S6]);
    let (_, segments) = open_crosstab_cell(&mut h, "B × Lage=Stadt|Land & Trägerschaft=gE: 1");
    expect_segments("B × gE & Stadt|Land, Ben", &segments, &[T3]);
    assert_eq!(
        list_headings(&h),
        ["B × Lage=Stadt|Land & Trägerschaft=gE: 1 Segment"]
    );
    assert!(h.query_by_label("JC Süd · sued1 · Ben: eht es").is_some());
    // Anna's s2 is the B of zkT: Ben has none there.
    let (_, segments) = open_crosstab_cell(&mut h, "B × Trägerschaft=zkT: 0");
    expect_segments("B × zkT, Ben", &segments, &[]);
    let (_, segments) = open_crosstab_cell(&mut h, "A/A2 × Gesamt: 2");
    expect_segments("A/A2 × Gesamt, Ben", &segments, &[S4, U2]);
    let (_, segments) = open_crosstab_cell(&mut h, "A × Gesamt: 4");
    expect_segments("A × Gesamt, Ben", &segments, &[S4, S5, S6, U2]);

    // Ben's documents: A (with sub-codes) and A2 in nord1 and west1, A1 in nord1, B in sued1.
    h.get_by_role_and_label(Role::Button, "Dokumente (einmal je Dokument)")
        .click();
    settle(&mut h);
    expect_table(
        &h,
        "Kreuztabelle, Dokumente, Ben",
        &CONDITION_COLUMNS,
        &[
            ("A", &["2", "1", "0", "0", "2"]),
            ("A/A1", &["1", "1", "0", "0", "1"]),
            ("A/A2", &["2", "1", "0", "0", "2"]),
            ("B", &["0", "0", "1", "0", "1"]),
        ],
    );
    // A document count still lists the segments behind it.
    let (_, segments) = open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 2");
    expect_segments("A × zkT, Dokumente, Ben", &segments, &[S4, S5, S6, U2]);
}

#[test]
fn code_relations_of_one_coder_show_her_numbers_and_only_her_passages() {
    let s = Scratch::new();
    let mut h = workbench(&s);
    tab(&mut h, "Code-Relationen");

    // Anna's overlaps: nord1 s1–s3 (A1 A), s1–s2 (A1 B), s3–s2 (A B); sued1 only t1–t2 (B A2),
    // as t3 is Ben's.
    choose(&mut h, "Coder:in", "Anna");
    expect_table(
        &h,
        "Überschneidung, Anna",
        &CODES,
        &[
            ("A", &["0", "1", "0", "1"]),
            ("A/A1", &["1", "0", "0", "1"]),
            ("A/A2", &["0", "0", "0", "1"]),
            ("B", &["1", "1", "1", "0"]),
        ],
    );
    let (title, passages) = open_relation_cell(&mut h, "A/A2 × B: 1");
    assert_eq!(title, "A/A2 × B");
    expect_segments("overlap A/A2 × B, Anna", &passages, &[T1, T2]);
    assert_eq!(list_headings(&h), ["A/A2 × B: 2 Segmente"]);
    assert!(h.query_by_label("sued1 · B · Anna: Wie geh").is_some());
    assert!(h.query_by_label("sued1 · B · Ben: eht es").is_none());
    let (_, passages) = open_relation_cell(&mut h, "A × B: 1");
    expect_segments("overlap A × B, Anna", &passages, &[S2, S3]);

    // Anna's documents: nord1 {A1 B A}, sued1 {B A2}, west1 {A1}.
    h.get_by_label("Gleiches Dokument").click();
    settle(&mut h);
    expect_table(
        &h,
        "Dokument, Anna",
        &CODES,
        &[
            ("A", &["0", "1", "0", "1"]),
            ("A/A1", &["1", "0", "0", "1"]),
            ("A/A2", &["0", "0", "0", "1"]),
            ("B", &["1", "1", "1", "0"]),
        ],
    );
    // Only sued1 has Anna's A2 and B: not s2 (her B in nord1, where A2 is Ben's), s4 or t3.
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 1");
    expect_segments("document A/A2 × B, Anna", &passages, &[T1, T2]);
    // Her A and A1 in nord1: not Ben's s5 and s6.
    let (_, passages) = open_relation_cell(&mut h, "A × A/A1: 1");
    expect_segments("document A × A/A1, Anna", &passages, &[S1, S3]);
    // Her A1 (nord1, west1) and A2 (sued1) never share a document.
    let (_, passages) = open_relation_cell(&mut h, "A/A1 × A/A2: 0");
    expect_segments("document A/A1 × A/A2, Anna", &passages, &[]);

    // Ben's overlaps: s4–s5 only touch, nothing else meets.
    choose(&mut h, "Coder:in", "Ben");
    h.get_by_label("Überschneidung im Text").click();
    settle(&mut h);
    expect_table(
        &h,
        "Überschneidung, Ben",
        &CODES,
        &[
            ("A", &["0", "0", "0", "0"]),
            ("A/A1", &["0", "0", "0", "0"]),
            ("A/A2", &["0", "0", "0", "0"]),
            ("B", &["0", "0", "0", "0"]),
        ],
    );
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 0");
    expect_segments("overlap A/A2 × B, Ben", &passages, &[]);

    // Ben's turns: nord1 T3 {A2 A} (s6 starts before the first turn); sued1 T0 {B}; west1 T3
    // {A2}.
    h.get_by_label("Gleicher Sprecherbeitrag").click();
    settle(&mut h);
    expect_table(
        &h,
        "Sprecherbeitrag, Ben",
        &CODES,
        &[
            ("A", &["0", "0", "1", "0"]),
            ("A/A1", &["0", "0", "0", "0"]),
            ("A/A2", &["1", "0", "0", "0"]),
            ("B", &["0", "0", "0", "0"]),
        ],
    );
    let (_, passages) = open_relation_cell(&mut h, "A × A/A2: 1");
    expect_segments("turn A × A/A2, Ben", &passages, &[S4, S5]);
    assert_eq!(list_headings(&h), ["A × A/A2: 2 Segmente"]);
    // Anna's t1 and t2 share T0 of sued1; Ben's t3 alone there has no A2.
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 0");
    expect_segments("turn A/A2 × B, Ben", &passages, &[]);
}

#[test]
fn a_listed_cell_goes_when_its_question_changes() {
    let s = Scratch::new();
    let mut h = workbench(&s);

    // The matrix: coder, measure, filter and columns each ask another question.
    tab(&mut h, "Analyse");
    let opened = |h: &App| h.state().views.analysis.opened.is_some();
    open_matrix_cell(&mut h, "A × JC Nord: 5");
    assert_eq!(list_headings(&h), ["A × JC Nord: 5 Segmente"]);
    assert!(h.query_by_label("nord1 · Anna · B: Gut und sch").is_some());
    choose(&mut h, "Coder:in", "Ben");
    assert!(!opened(&h), "matrix list after a coder change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a coder change"
    );
    assert!(h.query_by_label("nord1 · Anna · B: Gut und sch").is_none());
    open_matrix_cell(&mut h, "A × JC Nord: 3");
    assert_eq!(list_headings(&h), ["A × JC Nord: 3 Segmente"]);
    choose(&mut h, "Wert:", "Dokumente");
    assert!(!opened(&h), "matrix list after a measure change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a measure change"
    );
    open_matrix_cell(&mut h, "A × JC Nord: 1");
    add_filter(&mut h, "Lage", "Land");
    assert!(!opened(&h), "matrix list after a filter");
    assert_eq!(list_headings(&h), Vec::<String>::new(), "after a filter");
    open_matrix_cell(&mut h, "A × JC Nord: 1");
    choose(&mut h, "Spalten:", "Lage");
    assert!(!opened(&h), "matrix list after a column change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a column change"
    );

    // The code relations: scope and coder.
    tab(&mut h, "Code-Relationen");
    let opened = |h: &App| h.state().views.relations.opened.is_some();
    open_relation_cell(&mut h, "A/A2 × B: 2");
    assert_eq!(list_headings(&h), ["A/A2 × B: 3 Segmente"]);
    h.get_by_label("Gleicher Sprecherbeitrag").click();
    settle(&mut h);
    assert!(!opened(&h), "co-occurrence list after a scope change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a scope change"
    );
    assert!(h.query_by_label("sued1 · A/A2 · Anna: e geht ").is_none());
    open_relation_cell(&mut h, "A/A2 × B: 1");
    assert_eq!(list_headings(&h), ["A/A2 × B: 3 Segmente"]);
    choose(&mut h, "Coder:in", "Anna");
    assert!(!opened(&h), "co-occurrence list after a coder change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a coder change"
    );

    // The crosstab: unit, coder and conditions.
    tab(&mut h, "Kreuztabelle");
    type_conditions(&mut h);
    let opened = |h: &App| h.state().views.relations.crosstab_opened.is_some();
    open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 7");
    assert_eq!(list_headings(&h), ["A × Trägerschaft=zkT: 7 Segmente"]);
    h.get_by_role_and_label(Role::Button, "Dokumente (einmal je Dokument)")
        .click();
    settle(&mut h);
    assert!(!opened(&h), "crosstab list after a unit change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a unit change"
    );
    assert!(
        h.query_by_label("JC West · west1 · Ben: Weil es so ist.")
            .is_none()
    );
    open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 2");
    assert_eq!(list_headings(&h), ["A × Trägerschaft=zkT: 7 Segmente"]);
    choose(&mut h, "Coder:in", "Ben");
    assert!(!opened(&h), "crosstab list after a coder change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a coder change"
    );
    open_crosstab_cell(&mut h, "A × Trägerschaft=zkT: 2");
    assert_eq!(list_headings(&h), ["A × Trägerschaft=zkT: 4 Segmente"]);
    type_condition(&mut h, 1, "Trägerschaft=gE");
    settle(&mut h);
    assert!(!opened(&h), "crosstab list after a condition change");
    assert_eq!(
        list_headings(&h),
        Vec::<String>::new(),
        "after a condition change"
    );
}

#[test]
fn a_listed_cell_goes_when_the_project_changes() {
    let s = Scratch::new();
    let mut h = workbench(&s);

    // t3 is listed in all three views.
    tab(&mut h, "Analyse");
    let (_, _, segments) = open_matrix_cell(&mut h, "B × JC Süd: 2");
    expect_segments("B × JC Süd", &segments, &[T1, T3]);
    let t3 = segments.iter().find(|s| s.coder == "Ben").unwrap().id;
    tab(&mut h, "Kreuztabelle");
    type_conditions(&mut h);
    let (_, segments) = open_crosstab_cell(&mut h, "B × Lage=Stadt|Land & Trägerschaft=gE: 2");
    expect_segments("crosstab B × gE & Stadt|Land", &segments, &[T1, T3]);
    tab(&mut h, "Code-Relationen");
    let (_, passages) = open_relation_cell(&mut h, "A/A2 × B: 2");
    expect_segments("overlap A/A2 × B", &passages, &[T1, T2, T3]);

    // Deleting t3 leaves t1–t2 as sued1's only overlap and t1 as its only B; no list keeps it.
    h.state_mut()
        .state
        .as_mut()
        .unwrap()
        .push(kodierwerk::gui::Edit::DeleteSegment(t3));
    settle(&mut h);
    let state = |h: &App| -> (bool, bool, bool) {
        let s = &h.state().views;
        (
            s.analysis.opened.is_some(),
            s.relations.crosstab_opened.is_some(),
            s.relations.opened.is_some(),
        )
    };
    assert!(!state(&h).2, "co-occurrence list after a deletion");
    assert_eq!(list_headings(&h), Vec::<String>::new());
    assert!(h.query_by_label("A/A2 × B: 1").is_some());
    tab(&mut h, "Kreuztabelle");
    assert!(!state(&h).1, "crosstab list after a deletion");
    assert_eq!(list_headings(&h), Vec::<String>::new());
    assert!(
        h.query_by_label("B × Lage=Stadt|Land & Trägerschaft=gE: 1")
            .is_some()
    );
    tab(&mut h, "Analyse");
    assert!(!state(&h).0, "matrix list after a deletion");
    assert_eq!(list_headings(&h), Vec::<String>::new());
    assert!(h.query_by_label("B × JC Süd: 1").is_some());
}
