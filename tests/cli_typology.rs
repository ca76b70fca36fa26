//! A team lead compares the Digitalisierungstypen and collects the passages that justify each
//! jobcenter's type: `typology` and `evidence` on a small project built by hand, every number
//! counted by hand.
//!
//! The fixture (all texts ASCII, so characters and bytes agree):
//!
//! ```text
//! jobcenter  Digitalisierungstyp   documents
//! JC Nord    Digitale Vorreiter    nord1, nord2
//! JC Süd     Verhaltener Umgang    sued1
//! JC West    Digitale Vorreiter    west1
//! JC Ost     (none)                ost1
//! nobody     Pragmatischer Umgang  (none)
//!
//! codes  A, A/A1, A/A2, B
//!
//! segment  document  code  coder  range
//! 1        nord1     A1    Anna   [19,30)  "Gut und sch"
//! 2        nord1     B     Anna   [25,36)
//! 3        nord1     A2    Ben    [50,55)
//! 4        nord2     A     Anna   [3,15)
//! 5        sued1     B     Anna   [3,10)
//! 6        sued1     B     Ben    [19,36)
//! 7        west1     A1    Anna   [40,46)
//! 8        ost1      A     Anna   [3,15)
//! ```
//!
//! Documents of a type in which the code occurs, with its sub-codes (Vorreiter: nord1 nord2
//! west1 = 3 documents; Verhalten: sued1 = 1; Pragmatisch: none; ost1 has no type):
//!
//! ```text
//! code  Vorreiter              Verhalten    spread
//! A     3 of 3 = 100 %         0 of 1 = 0   100
//! A1    2 of 3 (nord1 west1)   0            66.7
//! A2    1 of 3 (nord1)         0            33.3
//! B     1 of 3 (nord1)         1 of 1 = 100 66.7
//! ```

mod common;

use common::{Scratch, code_passage, fingerprint, json, kw, kw_ok};
use serde_json::Value;

const VORREITER: &str = "Digitale Vorreiter";
const VERHALTEN: &str = "Verhaltener Umgang";

fn transcript(question: &str) -> String {
    format!("I: {question}\nB: Gut und schlecht.\nI: Warum?\nB: Weil es so ist.\n")
}

/// Builds the fixture through the CLI and returns the project path.
fn fixture(s: &Scratch) -> String {
    let project = s.path("typologie.kodierwerk");
    let p = project.to_str().unwrap().to_owned();
    kw_ok(["new", &p, "--codebook", "empty"]);
    for path in ["A/A1", "A/A2", "B"] {
        kw_ok(["add-code", &p, path]);
    }
    for (file, jobcenter, question) in [
        ("nord1.txt", "JC Nord", "Wie ist das?"),
        ("nord2.txt", "JC Nord", "Wie war das?"),
        ("sued1.txt", "JC Süd", "Wie geht es?"),
        ("west1.txt", "JC West", "Was ist los?"),
        ("ost1.txt", "JC Ost", "Wer ist das?"),
    ] {
        let path = s.file(file, transcript(question).as_bytes());
        kw_ok([
            "import",
            &p,
            path.to_str().unwrap(),
            "--jobcenter",
            jobcenter,
        ]);
    }
    for (jobcenter, typ) in [
        ("JC Nord", VORREITER),
        ("JC Süd", VERHALTEN),
        ("JC West", VORREITER),
    ] {
        kw_ok([
            "jobcenter",
            &p,
            jobcenter,
            "--attr",
            &format!("Digitalisierungstyp={typ}"),
        ]);
    }
    for (n, (doc, code, coder, start, end)) in [
        ("nord1", "A/A1", "Anna", 19, 30),
        ("nord1", "B", "Anna", 25, 36),
        ("nord1", "A/A2", "Ben", 50, 55),
        ("nord2", "A", "Anna", 3, 15),
        ("sued1", "B", "Anna", 3, 10),
        ("sued1", "B", "Ben", 19, 36),
        ("west1", "A/A1", "Anna", 40, 46),
        ("ost1", "A", "Anna", 3, 15),
    ]
    .into_iter()
    .enumerate()
    {
        let created = code_passage(&p, doc, code, coder, start, end);
        assert_eq!(created.trim(), format!("created segment {}", n + 1));
    }
    p
}

/// `part` as percent of `whole`, computed as the typology computes it, so equality is exact.
fn pct(part: u32, whole: u32) -> f64 {
    f64::from(part) * 100.0 / f64::from(whole)
}

fn typology(p: &str, extra: &[&str]) -> Value {
    let mut args = vec!["typology", p];
    args.extend(extra);
    args.extend(["--format", "json"]);
    json(&kw_ok(args))
}

fn profile<'a>(t: &'a Value, code: &str) -> &'a Value {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn paths(t: &Value) -> Vec<&str> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect()
}

#[test]
fn typology_compares_the_shares_of_each_type() {
    let s = Scratch::new();
    let p = fixture(&s);

    let t = typology(&p, &[]);
    assert_eq!(t["attribute"], "Digitalisierungstyp");
    let types = t["types"].as_array().unwrap();
    let values: Vec<&str> = types.iter().map(|c| c["value"].as_str().unwrap()).collect();
    assert_eq!(values, [VORREITER, VERHALTEN, "Pragmatischer Umgang"]);
    let documents: Vec<u64> = types
        .iter()
        .map(|c| c["documents"].as_u64().unwrap())
        .collect();
    assert_eq!(documents, [3, 1, 0]);
    assert_eq!(
        types[0]["jobcenters"],
        serde_json::json!(["JC Nord", "JC West"])
    );
    assert_eq!(types[2]["jobcenters"], serde_json::json!([]));
    assert_eq!(t["unassigned_jobcenters"], serde_json::json!(["JC Ost"]));
    assert_eq!(t["unassigned_documents"], 1);
    assert_eq!(paths(&t), ["A", "A/A1", "A/A2", "B"]);

    for (code, shares, spread, highest, lowest) in [
        ("A", [100.0, 0.0, 0.0], 100.0, 0, 1),
        ("A/A1", [pct(2, 3), 0.0, 0.0], pct(2, 3), 0, 1),
        ("A/A2", [pct(1, 3), 0.0, 0.0], pct(1, 3), 0, 1),
        ("B", [pct(1, 3), 100.0, 0.0], 100.0 - pct(1, 3), 1, 0),
    ] {
        let row = profile(&t, code);
        assert_eq!(numbers(&row["shares"]), shares, "{code}");
        assert_eq!(row["spread"].as_f64().unwrap(), spread, "{code}");
        assert_eq!(
            (row["highest"].as_u64(), row["lowest"].as_u64()),
            (Some(highest), Some(lowest)),
            "{code}"
        );
    }
    // A in Vorreiter: 4 segments (1 3 4 7) in 3 documents; B in Verhalten: 2 in 1.
    assert_eq!(
        numbers(&profile(&t, "A")["segments_per_document"]),
        [4.0 / 3.0, 0.0, 0.0]
    );
    assert_eq!(
        numbers(&profile(&t, "B")["segments_per_document"]),
        [1.0 / 3.0, 2.0, 0.0]
    );
    assert_eq!(profile(&t, "A")["documents"], serde_json::json!([3, 0, 0]));

    // Ben alone: segment 3 (A2) in nord1, 6 (B) in sued1; the types keep their documents.
    let ben = typology(&p, &["--coder", "ben"]);
    assert_eq!(
        numbers(&profile(&ben, "A")["shares"]),
        [pct(1, 3), 0.0, 0.0]
    );
    assert_eq!(numbers(&profile(&ben, "A/A1")["shares"]), [0.0, 0.0, 0.0]);
    assert_eq!(profile(&ben, "A/A1")["spread"], 0.0);
    assert_eq!(numbers(&profile(&ben, "B")["shares"]), [0.0, 100.0, 0.0]);
    assert_eq!(ben["types"][0]["documents"], 3);
    assert_eq!(ben["coder"], "ben");

    // The most separating codes: A by 100, then A1 and B both by 66.7 (A1 first by path).
    let top = typology(&p, &["--top", "3"]);
    assert_eq!(paths(&top), ["A", "A/A1", "B"]);
    assert_eq!(paths(&typology(&p, &["--top", "1"])), ["A"]);
    assert_eq!(
        paths(&typology(&p, &["--top", "9"])),
        ["A", "A/A1", "B", "A/A2"]
    );

    // Another choice attribute: Trägerschaft, which nobody has set, leaves every jobcenter out.
    let tr = typology(&p, &["--attribute", "traegerschaft"]);
    assert_eq!(tr["attribute"], "Trägerschaft");
    assert_eq!(tr["unassigned_documents"], 5);
    assert_eq!(tr["unassigned_jobcenters"].as_array().unwrap().len(), 4);
    assert!(profile(&tr, "A")["highest"].is_null());
}

#[test]
fn typology_prints_a_tree_table_csv_and_the_top_codes() {
    let s = Scratch::new();
    let p = fixture(&s);

    let table = kw_ok(["typology", &p]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("code"), "{table}");
    assert!(lines[0].contains(VORREITER), "{table}");
    assert!(lines[0].trim_end().ends_with("spread"), "{table}");
    let cells =
        |line: &str| -> Vec<String> { line.split_whitespace().map(str::to_owned).collect() };
    assert_eq!(cells(lines[1]), ["A", "100.0", "0.0", "0.0", "100.0"]);
    assert!(lines[2].starts_with("  A1"), "{table}");
    assert_eq!(cells(lines[2]), ["A1", "66.7", "0.0", "0.0", "66.7"]);
    assert_eq!(cells(lines[3]), ["A2", "33.3", "0.0", "0.0", "33.3"]);
    assert_eq!(cells(lines[4]), ["B", "33.3", "100.0", "0.0", "66.7"]);
    assert_eq!(cells(lines[5]), ["(Dokumente)", "3", "1", "0"]);
    assert_eq!(lines[6], "");
    assert_eq!(
        &lines[7..],
        [
            "Digitale Vorreiter: JC Nord, JC West",
            "Verhaltener Umgang: JC Süd",
            "Pragmatischer Umgang: –",
            "(ohne Wert): JC Ost",
        ]
    );

    let top = kw_ok(["typology", &p, "--top", "2"]);
    let lines: Vec<&str> = top.lines().collect();
    assert_eq!(cells(lines[1]), ["A", "100.0", "0.0", "0.0", "100.0"]);
    assert_eq!(cells(lines[2]), ["A/A1", "66.7", "0.0", "0.0", "66.7"]);
    assert_eq!(cells(lines[3]), ["(Dokumente)", "3", "1", "0"]);

    let csv = kw_ok(["typology", &p, "--format", "csv"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "code,Digitale Vorreiter,Verhaltener Umgang,Pragmatischer Umgang,spread",
            "A,100.0,0.0,0.0,100.0",
            "A/A1,66.7,0.0,0.0,66.7",
            "A/A2,33.3,0.0,0.0,33.3",
            "B,33.3,100.0,0.0,66.7",
            "(Dokumente),3,1,0,",
        ]
    );
    let csv = kw_ok([
        "typology", &p, "--format", "csv", "--top", "2", "--coder", "Ben",
    ]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "code,Digitale Vorreiter,Verhaltener Umgang,Pragmatischer Umgang,spread",
            "B,0.0,100.0,0.0,100.0",
            "A,33.3,0.0,0.0,33.3",
            "(Dokumente),3,1,0,",
        ]
    );
}

#[test]
fn typology_errors_are_one_sentence() {
    let s = Scratch::new();
    let p = fixture(&s);
    for (args, expected) in [
        (
            vec!["typology", &p, "--attribute", "Rolle"],
            "“Rolle” takes free values, not a fixed list of types",
        ),
        (
            vec!["typology", &p, "--attribute", "Haarfarbe"],
            "attribute “Haarfarbe”",
        ),
        (
            vec!["typology", &p, "--coder", "Carla"],
            "coder “Carla” in this project",
        ),
        (
            vec!["evidence", &p, "--jobcenter", "JC Mitte"],
            "jobcenter “JC Mitte” in this project",
        ),
    ] {
        let run = kw(&args);
        assert!(!run.ok, "{args:?} should fail");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("kodierwerk: "), "{}", run.stderr);
        assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    }
}

fn evidence(p: &str, jobcenter: &str) -> Value {
    json(&kw_ok([
        "evidence",
        p,
        "--jobcenter",
        jobcenter,
        "--format",
        "json",
    ]))
}

fn linked(p: &str, jobcenter: &str) -> Vec<u64> {
    evidence(p, jobcenter)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["segment_id"].as_u64().unwrap())
        .collect()
}

#[test]
fn evidence_is_linked_listed_unlinked_and_undone() {
    let s = Scratch::new();
    let p = fixture(&s);

    let listing = kw_ok(["evidence", &p, "--jobcenter", "jc nord"]);
    assert_eq!(
        listing.lines().next(),
        Some("JC Nord: Digitalisierungstyp Digitale Vorreiter, 0 segments as evidence")
    );
    let ost = kw_ok(["evidence", &p, "--jobcenter", "JC Ost"]);
    assert!(
        ost.starts_with("JC Ost: Digitalisierungstyp not assigned yet"),
        "{ost}"
    );

    let out = kw_ok([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--link",
        "4",
        "--note",
        "Leitung setzt auf E-Akte",
    ]);
    assert_eq!(out.trim(), "linked segment 4 as evidence for “JC Nord”");
    kw_ok(["evidence", &p, "--jobcenter", "JC Nord", "--link", "1"]);
    let again = kw_ok(["evidence", &p, "--jobcenter", "JC Nord", "--link", "1"]);
    assert!(again.contains("already evidence"), "{again}");

    let e = evidence(&p, "JC Nord");
    assert_eq!(e["jobcenter"], "JC Nord");
    assert_eq!(e["type"], VORREITER);
    let list = e["evidence"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    // By document and position: nord1's segment 1 before nord2's segment 4.
    assert_eq!(list[0]["segment_id"], 1);
    assert_eq!(list[0]["document"], "nord1");
    assert_eq!(list[0]["code"], "A/A1");
    assert_eq!(list[0]["coder"], "Anna");
    assert_eq!(list[0]["text"], "Gut und sch");
    assert_eq!(list[0]["note"], "");
    assert_eq!(list[1]["segment_id"], 4);
    assert_eq!(list[1]["note"], "Leitung setzt auf E-Akte");
    assert!(evidence(&p, "JC Ost")["type"].is_null());

    let table = kw_ok(["evidence", &p, "--jobcenter", "JC Nord"]);
    assert!(
        table.starts_with(
            "JC Nord: Digitalisierungstyp Digitale Vorreiter, 2 segments as evidence\nsegment"
        ),
        "{table}"
    );
    let csv = kw_ok(["evidence", &p, "--jobcenter", "JC Nord", "--format", "csv"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "segment,document,code,coder,text,note",
            "1,nord1,A/A1,Anna,Gut und sch,",
            "4,nord2,A,Anna,Wie war das?,Leitung setzt auf E-Akte",
        ]
    );

    let out = kw_ok(["evidence", &p, "--jobcenter", "JC Nord", "--unlink", "4"]);
    assert_eq!(out.trim(), "segment 4 is no longer evidence for “JC Nord”");
    assert_eq!(linked(&p, "JC Nord"), [1]);
    let undone = kw_ok(["undo", &p]);
    assert_eq!(
        undone.trim(),
        "undone: Segment 4 nicht mehr Beleg für „JC Nord“"
    );
    assert_eq!(linked(&p, "JC Nord"), [1, 4]);
    assert_eq!(
        evidence(&p, "JC Nord")["evidence"][1]["note"],
        "Leitung setzt auf E-Akte"
    );
    kw_ok(["redo", &p]);
    assert_eq!(linked(&p, "JC Nord"), [1]);
    kw_ok(["undo", &p]);
    kw_ok(["undo", &p]);
    assert_eq!(linked(&p, "JC Nord"), [4]);

    let run = kw(["evidence", &p, "--jobcenter", "JC Nord", "--unlink", "7"]);
    assert!(!run.ok);
    assert!(
        run.stderr
            .contains("Segment 7 is not linked as evidence for JC Nord"),
        "{}",
        run.stderr
    );
    let run = kw([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--link",
        "1",
        "--unlink",
        "4",
    ]);
    assert!(!run.ok, "link and unlink at once");
    let run = kw([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--note",
        "ohne Segment",
    ]);
    assert!(!run.ok, "a note needs --link");
}

#[test]
fn linking_again_with_a_note_rewrites_the_note() {
    let s = Scratch::new();
    let p = fixture(&s);
    kw_ok([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--link",
        "4",
        "--note",
        "erst",
    ]);
    let out = kw_ok([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--link",
        "4",
        "--note",
        "Leitung setzt auf E-Akte",
    ]);
    assert_eq!(
        out.trim(),
        "segment 4 is evidence for “JC Nord” with the new note"
    );
    let e = evidence(&p, "JC Nord");
    assert_eq!(e["evidence"][0]["note"], "Leitung setzt auf E-Akte");
    kw_ok(["undo", &p]);
    assert_eq!(evidence(&p, "JC Nord")["evidence"][0]["note"], "erst");
}

#[test]
fn evidence_from_another_jobcenter_is_refused_untouched() {
    let s = Scratch::new();
    let p = fixture(&s);
    let before = fingerprint(std::path::Path::new(&p));
    let run = kw(["evidence", &p, "--jobcenter", "JC Nord", "--link", "5"]);
    assert!(!run.ok);
    assert_eq!(
        run.stderr.trim(),
        "kodierwerk: Segment 5 is in “sued1” of JC Süd, not of JC Nord; only passages from a jobcenter's own documents can justify its type."
    );
    let run = kw(["evidence", &p, "--jobcenter", "JC Nord", "--link", "99"]);
    assert!(run.stderr.contains("segment number 99"), "{}", run.stderr);
    assert_eq!(fingerprint(std::path::Path::new(&p)), before);
    assert!(linked(&p, "JC Süd").is_empty());
    kw_ok(["evidence", &p, "--jobcenter", "JC Süd", "--link", "5"]);
    assert_eq!(linked(&p, "JC Süd"), [5]);
}

#[test]
fn deleting_a_segment_takes_its_link_and_undo_restores_both() {
    let s = Scratch::new();
    let p = fixture(&s);
    kw_ok([
        "evidence",
        &p,
        "--jobcenter",
        "JC Nord",
        "--link",
        "1",
        "--note",
        "eins",
    ]);
    kw_ok(["evidence", &p, "--jobcenter", "JC Nord", "--link", "3"]);
    kw_ok(["evidence", &p, "--jobcenter", "JC West", "--link", "7"]);

    // As the workbench deletes: one segment, then a code with its sub-codes.
    {
        let mut project = kodierwerk::project::Project::open(std::path::Path::new(&p)).unwrap();
        project
            .delete_segment(kodierwerk::model::SegmentId(1))
            .unwrap();
    }
    assert_eq!(linked(&p, "JC Nord"), [3]);
    let undone = kw_ok(["undo", &p]);
    assert_eq!(undone.trim(), "undone: Segment 1 gelöscht");
    assert_eq!(linked(&p, "JC Nord"), [1, 3]);
    assert_eq!(evidence(&p, "JC Nord")["evidence"][0]["note"], "eins");

    {
        let mut project = kodierwerk::project::Project::open(std::path::Path::new(&p)).unwrap();
        let a = project.code_by_path("A").unwrap().id;
        assert_eq!(project.delete_code(a).unwrap(), 5);
        assert_eq!(project.evidence_counts().unwrap().len(), 0);
    }
    assert!(linked(&p, "JC Nord").is_empty());
    assert!(linked(&p, "JC West").is_empty());
    kw_ok(["undo", &p]);
    assert_eq!(linked(&p, "JC Nord"), [1, 3]);
    assert_eq!(linked(&p, "JC West"), [7]);
    kw_ok(["redo", &p]);
    assert!(linked(&p, "JC West").is_empty());
    kw_ok(["undo", &p]);
    let project = kodierwerk::project::Project::open(std::path::Path::new(&p)).unwrap();
    assert_eq!(project.integrity_check().unwrap(), "ok");
    let counts = project.evidence_counts().unwrap();
    let west = project.jobcenter("JC West").unwrap().id;
    assert_eq!(counts[&west], 1);
}
