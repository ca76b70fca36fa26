//! A team lead compares groups of jobcenters and asks which codes meet: `crosstab`, `matrix` and
//! `cooccurrence` on a small project built by hand, with every number counted by hand.
//!
//! The fixture, built by `common::fixture` (all texts ASCII, so characters and bytes agree):
//!
//! ```text
//! jobcenters  Nord  zkT Land   documents nord1, nord2 (nord2 has no codes)
//!             Süd   gE  Stadt  document  sued1
//!             West  zkT Stadt  document  west1
//!             Ost   gE  Land   no documents
//! codes       A, A/A1, A/A2, B
//! every text  "I: ____________\nB: _________________\nI: Warum?\nB: Weil es so ist.\n"
//! turns       T0 [3,15)  T1 [19,36)  T2 [40,46)  T3 [50,65)
//!
//! segment  document  code  coder  range     turn (by its start)
//! s1       nord1     A1    Anna   [19,30)   T1
//! s2       nord1     B     Anna   [25,36)   T1   overlaps s1 and s3
//! s3       nord1     A     Anna   [19,36)   T1   holds s1 (nested)
//! s4       nord1     A2    Ben    [50,55)   T3
//! s5       nord1     A     Ben    [55,60)   T3   touches s4: no overlap
//! s6       nord1     A1    Ben    [0,14)    none (starts on the first label)
//! t1       sued1     B     Anna   [3,10)    T0
//! t2       sued1     A2    Anna   [5,12)    T0   overlaps t1
//! t3       sued1     B     Ben    [8,14)    T0   overlaps t1 (same code) and t2
//! u1       west1     A1    Anna   [40,46)   T2
//! u2       west1     A2    Ben    [50,65)   T3
//! ```

mod common;

use common::{Scratch, fixture, json, kw, kw_ok};
use serde_json::Value;

/// The four columns every crosstab below asks for.
const CONDITIONS: [&str; 4] = [
    // Nord and West: nord1, nord2, west1.
    "Trägerschaft=zkT",
    // Nord only: nord1, nord2.
    "Trägerschaft=zkT,Lage=Land",
    // Lage is Stadt or Land, and gE: Süd only (Ost has no documents): sued1.
    "Lage=Stadt,Lage=Land,Trägerschaft=gE",
    // Ost only, which has no documents.
    "Trägerschaft=gE,Lage=Land",
];

fn crosstab(p: &str, extra: &[&str]) -> Value {
    let mut args = vec!["crosstab", p];
    for c in CONDITIONS {
        args.extend(["--condition", c]);
    }
    args.extend(extra);
    args.extend(["--format", "json"]);
    json(&kw_ok(args))
}

/// A row of a crosstab as its four condition cells followed by the total.
fn crosstab_row(t: &Value, code: &str) -> Vec<u64> {
    let row = t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"));
    let mut cells: Vec<u64> = row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    cells.push(row["total"].as_u64().unwrap());
    cells
}

#[test]
fn crosstab_counts_codes_with_sub_codes_under_conditions() {
    let s = Scratch::new();
    let p = fixture(&s);

    let t = crosstab(&p, &[]);
    assert_eq!(t["unit"], "segments");
    let labels: Vec<&str> = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels[0], "Trägerschaft=zkT");
    assert!(labels[2].contains("=Stadt|Land"), "{labels:?}");
    assert_eq!(
        t["columns"][1]["conditions"][0]["attribute"],
        "Trägerschaft"
    );
    assert_eq!(t["columns"][1]["conditions"][0]["values"][0], "zkT");
    let documents: Vec<u64> = t["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["documents"].as_u64().unwrap())
        .collect();
    assert_eq!(documents, [3, 2, 1, 0]);
    assert_eq!(t["all"]["label"], "Gesamt");
    assert_eq!(t["all"]["documents"], 4);

    // Segments per document, each code with its sub-codes:
    //   nord1: A 5 (s1 s3 s4 s5 s6), A1 2 (s1 s6), A2 1 (s4), B 1 (s2)
    //   sued1: A 1 (t2), A2 1 (t2), B 2 (t1 t3)
    //   west1: A 2 (u1 u2), A1 1 (u1), A2 1 (u2)
    // Columns: zkT = nord1+west1, zkT&Land = nord1, gE&(Stadt|Land) = sued1, gE&Land = nothing.
    assert_eq!(crosstab_row(&t, "A"), [7, 5, 1, 0, 8]);
    assert_eq!(crosstab_row(&t, "A/A1"), [3, 2, 0, 0, 3]);
    assert_eq!(crosstab_row(&t, "A/A2"), [2, 1, 1, 0, 3]);
    assert_eq!(crosstab_row(&t, "B"), [1, 1, 2, 0, 3]);

    // Documents in which the code (with sub-codes) occurs:
    //   A: nord1 sued1 west1; A1: nord1 west1; A2: nord1 sued1 west1; B: nord1 sued1.
    let t = crosstab(&p, &["--unit", "documents"]);
    assert_eq!(t["unit"], "documents");
    assert_eq!(crosstab_row(&t, "A"), [2, 1, 1, 0, 3]);
    assert_eq!(crosstab_row(&t, "A/A1"), [2, 1, 0, 0, 2]);
    assert_eq!(crosstab_row(&t, "A/A2"), [2, 1, 1, 0, 3]);
    assert_eq!(crosstab_row(&t, "B"), [1, 1, 1, 0, 2]);

    // Ben's segments only: s4 (A2) s5 (A) s6 (A1) in nord1, t3 (B) in sued1, u2 (A2) in west1.
    // The columns still hold the same documents.
    let t = crosstab(&p, &["--coder", "ben"]);
    assert_eq!(crosstab_row(&t, "A"), [4, 3, 0, 0, 4]);
    assert_eq!(crosstab_row(&t, "A/A1"), [1, 1, 0, 0, 1]);
    assert_eq!(crosstab_row(&t, "A/A2"), [2, 1, 0, 0, 2]);
    assert_eq!(crosstab_row(&t, "B"), [0, 0, 1, 0, 1]);
    assert_eq!(t["columns"][0]["documents"], 3);
    // Ben's A with sub-codes is in nord1 and west1.
    let t = crosstab(&p, &["--coder", "Ben", "--unit", "documents"]);
    assert_eq!(crosstab_row(&t, "A"), [2, 1, 0, 0, 2]);

    // Without conditions, only the column of all documents.
    let t = json(&kw_ok(["crosstab", &p, "--format", "json"]));
    assert_eq!(t["columns"].as_array().unwrap().len(), 0);
    assert_eq!(crosstab_row(&t, "A"), [8]);
}

#[test]
fn crosstab_prints_a_tree_table_and_csv_with_paths() {
    let s = Scratch::new();
    let p = fixture(&s);
    let table = kw_ok(["crosstab", &p, "--condition", "Trägerschaft=zkT"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("code"), "{table}");
    assert!(lines[0].contains("Trägerschaft=zkT"), "{table}");
    assert!(lines[0].trim_end().ends_with("Gesamt"), "{table}");
    let a1: Vec<&str> = lines
        .iter()
        .find(|l| l.starts_with("  A1"))
        .unwrap_or_else(|| panic!("{table}"))
        .split_whitespace()
        .collect();
    assert_eq!(a1, ["A1", "3", "3"]);
    let documents: Vec<&str> = lines.last().unwrap().split_whitespace().collect();
    assert_eq!(documents, ["(Dokumente)", "3", "4"]);

    let csv = kw_ok([
        "crosstab",
        &p,
        "--condition",
        "Trägerschaft=zkT",
        "--unit",
        "documents",
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["code", "Trägerschaft=zkT", "Gesamt"]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert!(rows.contains(&vec!["A/A1".into(), "2".into(), "2".into()]));
}

/// `part` as percent of `whole`, computed as the matrix computes it, so equality is exact.
fn pct(part: u32, whole: u32) -> f64 {
    f64::from(part) * 100.0 / f64::from(whole)
}

/// One matrix row as `(cells, own, total)`, each cell reduced to the named field.
fn matrix_row(m: &Value, code: &str, field: &str) -> (Vec<f64>, Vec<f64>, f64) {
    let row = m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"));
    let field_of = |cells: &Value| -> Vec<f64> {
        cells
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[field].as_f64().unwrap())
            .collect()
    };
    (
        field_of(&row["cells"]),
        field_of(&row["own"]),
        row["total"][field].as_f64().unwrap(),
    )
}

#[test]
fn matrix_gives_row_and_column_percent_of_segments() {
    let s = Scratch::new();
    let p = fixture(&s);
    let m = json(&kw_ok([
        "matrix",
        &p,
        "--value",
        "column-percent",
        "--format",
        "json",
    ]));
    assert_eq!(m["measure"], "column-percent");
    let labels: Vec<&str> = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["JC Nord", "JC Süd", "JC West", "JC Ost"]);

    // Segments with sub-codes per column (Nord = nord1 + nord2, Süd = sued1, West = west1):
    //   A  5 1 2 0 = 8     A1  2 0 1 0 = 3     A2  1 1 1 0 = 3     B  1 2 0 0 = 3
    // A column's segments, summed over the top-level codes A and B: Nord 6, Süd 3, West 2,
    // Ost 0; all columns 11.
    let expect = |code: &str, cells: [u32; 4], total: u32| {
        let (segments, _, all) = matrix_row(&m, code, "segments");
        let cells_f: Vec<f64> = cells.iter().map(|&c| f64::from(c)).collect();
        assert_eq!((segments, all), (cells_f, f64::from(total)), "{code}");
        let (row, _, row_total) = matrix_row(&m, code, "row_percent");
        let expected: Vec<f64> = cells.iter().map(|&c| pct(c, total)).collect();
        assert_eq!(row, expected, "{code} row percent");
        assert_eq!(row_total, 100.0, "{code}");
        let (column, _, column_total) = matrix_row(&m, code, "column_percent");
        let expected = vec![pct(cells[0], 6), pct(cells[1], 3), pct(cells[2], 2), 0.0];
        assert_eq!(column, expected, "{code} column percent");
        assert_eq!(column_total, pct(total, 11), "{code}");
    };
    expect("A", [5, 1, 2, 0], 8);
    expect("A/A1", [2, 0, 1, 0], 3);
    expect("A/A2", [1, 1, 1, 0], 3);
    expect("B", [1, 2, 0, 0], 3);
    // The numbers themselves, for a reader: A is 62.5 % of its coding in Nord, and 5 of Nord's
    // 6 segments; B holds 2 of Süd's 3.
    let (row, _, _) = matrix_row(&m, "A", "row_percent");
    assert_eq!(row, [62.5, 12.5, 25.0, 0.0]);
    let (column, _, _) = matrix_row(&m, "B", "column_percent");
    assert_eq!(column[1], 200.0 / 3.0);

    // A alone: s3 and s5 in nord1, so all of its own coding is in Nord, 2 of Nord's 6.
    let (_, own_row, _) = matrix_row(&m, "A", "row_percent");
    assert_eq!(own_row, [100.0, 0.0, 0.0, 0.0]);
    let (_, own_column, _) = matrix_row(&m, "A", "column_percent");
    assert_eq!(own_column, [pct(2, 6), 0.0, 0.0, 0.0]);
    // Own cells of one column share out its coding: A 2 + A1 2 + A2 1 + B 1 = 6 in Nord.
    let nord: f64 = ["A", "A/A1", "A/A2", "B"]
        .iter()
        .map(|code| matrix_row(&m, code, "column_percent").1[0])
        .sum();
    assert!((nord - 100.0).abs() < 1e-9, "{nord}");

    // Coverage of A in Nord: s6 [0,14), s1 inside s3 [19,36), s4 and s5 [50,60): 41 of the
    // 2 × 66 characters of nord1 and nord2.
    let (coverage, _, _) = matrix_row(&m, "A", "coverage");
    assert_eq!(coverage[0], pct(41, 132));

    // Ben alone: s4 (A2) s5 (A) s6 (A1) in Nord, t3 (B) in Süd, u2 (A2) in West.
    let ben = json(&kw_ok(["matrix", &p, "--coder", "Ben", "--format", "json"]));
    let (column, _, total) = matrix_row(&ben, "A/A2", "column_percent");
    assert_eq!(column, [pct(1, 3), 0.0, 100.0, 0.0]);
    assert_eq!(total, pct(2, 5));
    let (row, _, total) = matrix_row(&ben, "B", "row_percent");
    assert_eq!(row, [0.0, 100.0, 0.0, 0.0]);
    assert_eq!(total, 100.0);
    // A code without segments has 0, not 100, as its row percent in the total column.
    let nothing = json(&kw_ok([
        "matrix",
        &p,
        "--where",
        "Lage=Stadt",
        "--coder",
        "Ben",
        "--format",
        "json",
    ]));
    let (_, _, total) = matrix_row(&nothing, "A/A1", "row_percent");
    assert_eq!(total, 0.0);

    // Tables and CSV show one decimal.
    let csv = kw_ok(["matrix", &p, "--value", "column-percent", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("code,JC Nord,JC Süd,JC West,JC Ost,Gesamt")
    );
    assert_eq!(lines.next(), Some("A,83.3,33.3,100.0,0.0,72.7"));
    assert_eq!(lines.next(), Some("A/A1,33.3,0.0,50.0,0.0,27.3"));
    let table = kw_ok(["matrix", &p, "--value", "row-percent"]);
    let a2: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("  A2"))
        .unwrap_or_else(|| panic!("{table}"))
        .split_whitespace()
        .collect();
    assert_eq!(a2, ["A2", "33.3", "33.3", "33.3", "0.0", "100.0"]);
}

/// The co-occurrence table as a lookup: `cell("A", "B")`.
struct Table(Value);

impl Table {
    fn cell(&self, a: &str, b: &str) -> u64 {
        let codes = self.0["codes"].as_array().unwrap();
        let i = codes.iter().position(|c| c == a).unwrap();
        let j = codes.iter().position(|c| c == b).unwrap();
        assert_eq!(self.0["rows"][i]["code"], a);
        let value = self.0["rows"][i]["cells"][j].as_u64().unwrap();
        assert_eq!(
            value,
            self.0["rows"][j]["cells"][i].as_u64().unwrap(),
            "symmetric"
        );
        value
    }

    /// Asserts every cell: the listed pairs, and 0 everywhere else (the diagonal too).
    fn expect(&self, pairs: &[(&str, &str, u64)]) {
        let codes = ["A", "A/A1", "A/A2", "B"];
        for a in codes {
            for b in codes {
                let expected = pairs
                    .iter()
                    .find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
                    .map_or(0, |p| p.2);
                assert_eq!(self.cell(a, b), expected, "{a} × {b}");
            }
        }
    }
}

fn cooccurrence(p: &str, extra: &[&str]) -> Table {
    let mut args = vec!["cooccurrence", p];
    args.extend(extra);
    args.extend(["--format", "json"]);
    Table(json(&kw_ok(args)))
}

#[test]
fn cooccurrence_in_overlaps_turns_and_documents() {
    let s = Scratch::new();
    let p = fixture(&s);

    // Overlapping pairs of segments, codes alone (A does not include A1):
    //   nord1: s1–s3 (A1 A), s1–s2 (A1 B), s3–s2 (A B); s4–s5 only touch; s6 meets nothing.
    //   sued1: t1–t2 (B A2), t2–t3 (A2 B); t1–t3 are both B (diagonal, not counted).
    //   west1: u1 and u2 do not meet.
    let t = cooccurrence(&p, &[]);
    assert_eq!(t.0["scope"], "overlap");
    assert_eq!(t.0["codes"].as_array().unwrap().len(), 4);
    t.expect(&[
        ("A", "A/A1", 1),
        ("A", "B", 1),
        ("A/A1", "B", 1),
        ("A/A2", "B", 2),
    ]);
    // Anna alone: nord1 as above; sued1 only t1–t2.
    cooccurrence(&p, &["--coder", "Anna"]).expect(&[
        ("A", "A/A1", 1),
        ("A", "B", 1),
        ("A/A1", "B", 1),
        ("A/A2", "B", 1),
    ]);
    // Ben alone: s4–s5 touch, nothing else meets.
    cooccurrence(&p, &["--coder", "Ben"]).expect(&[]);

    // Turns where both codes have a segment starting:
    //   nord1 T1 {A1 A B} (s6 starts before the first turn), T3 {A2 A}; sued1 T0 {B A2};
    //   west1 T2 {A1}, T3 {A2}.
    let t = cooccurrence(&p, &["--scope", "turn"]);
    assert_eq!(t.0["scope"], "turn");
    t.expect(&[
        ("A", "A/A1", 1),
        ("A", "A/A2", 1),
        ("A", "B", 1),
        ("A/A1", "B", 1),
        ("A/A2", "B", 1),
    ]);
    // Ben alone: nord1 T3 {A2 A}; sued1 T0 {B}; west1 T3 {A2}.
    cooccurrence(&p, &["--scope", "turn", "--coder", "Ben"]).expect(&[("A", "A/A2", 1)]);

    // Documents where both codes occur: nord1 {A A1 A2 B}, sued1 {A2 B}, west1 {A1 A2}.
    let t = cooccurrence(&p, &["--scope", "document"]);
    assert_eq!(t.0["scope"], "document");
    t.expect(&[
        ("A", "A/A1", 1),
        ("A", "A/A2", 1),
        ("A", "B", 1),
        ("A/A1", "A/A2", 2),
        ("A/A1", "B", 1),
        ("A/A2", "B", 2),
    ]);
    // Anna alone: nord1 {A1 B A}, sued1 {B A2}, west1 {A1}.
    cooccurrence(&p, &["--scope", "document", "--coder", "anna"]).expect(&[
        ("A", "A/A1", 1),
        ("A", "B", 1),
        ("A/A1", "B", 1),
        ("A/A2", "B", 1),
    ]);

    // The table indents the tree; CSV names codes by path in both directions.
    let table = kw_ok(["cooccurrence", &p]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["code", "A", "A1", "A2", "B"]);
    let a2: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("  A2"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(a2, ["A2", "0", "0", "0", "2"]);
    let csv = kw_ok(["cooccurrence", &p, "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("code,A,A/A1,A/A2,B"));
    assert_eq!(lines.next(), Some("A,0,1,0,1"));
}

#[test]
fn analysis_errors_are_one_sentence_and_a_failure_status() {
    let s = Scratch::new();
    let p = fixture(&s);
    for (args, expected) in [
        (
            vec!["crosstab", &p, "--condition", "Lage"],
            "must have the form KEY=VALUE",
        ),
        (
            vec!["crosstab", &p, "--condition", "Haarfarbe=blond"],
            "attribute “Haarfarbe”",
        ),
        (
            vec!["crosstab", &p, "--condition", "Trägerschaft=Kommune"],
            "allowed are: gE, zkT",
        ),
        (
            vec!["crosstab", &p, "--coder", "Carla"],
            "coder “Carla” in this project",
        ),
        (
            vec!["cooccurrence", &p, "--coder", "Carla"],
            "coder “Carla” in this project",
        ),
    ] {
        let run = kw(&args);
        assert!(!run.ok, "{args:?} should fail");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("kodierwerk: "), "{}", run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    }
    let missing = kw([
        "cooccurrence",
        s.path("nichts.kodierwerk").to_str().unwrap(),
    ]);
    assert!(!missing.ok);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}
