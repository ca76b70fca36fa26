//! A team compares two coders and records its consensus: `agreement` on the bundled sample
//! project and on the hand-counted analysis fixture (see `common`), then `consensus` and `undo`.
//!
//! Every fixture text has 66 characters and four turns; Anna and Ben both coded nord1, sued1 and
//! west1, so those three documents (198 characters, 12 turns) are compared by default.

mod common;

use common::{Scratch, fixture, json, kw, kw_ok};
use serde_json::Value;

fn agreement(p: &str, extra: &[&str]) -> Value {
    let mut args = vec!["agreement", p, "--coders", "Anna,Ben"];
    args.extend(extra);
    args.extend(["--format", "json"]);
    json(&kw_ok(args))
}

fn row<'a>(a: &'a Value, code: &str) -> &'a Value {
    a["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

fn cells(r: &Value) -> [u64; 4] {
    ["both", "only_first", "only_second", "neither"].map(|k| r[k].as_u64().unwrap())
}

#[test]
fn characters_per_code_and_pooled_by_hand() {
    let s = Scratch::new();
    let p = fixture(&s);
    let a = agreement(&p, &[]);
    assert_eq!(a["coders"], serde_json::json!(["Anna", "Ben"]));
    assert_eq!(a["unit"], "character");
    assert_eq!(a["documents"], 3);
    let codes: Vec<&str> = a["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["A", "A/A1", "A/A2", "B"]);
    assert_eq!(cells(row(&a, "A")), [0, 17, 5, 176]);
    assert_eq!(cells(row(&a, "A/A1")), [0, 17, 14, 167]);
    assert_eq!(cells(row(&a, "A/A2")), [0, 7, 20, 171]);
    // sued1: Anna [3,10), Ben [8,14); nord1: Anna [25,36).
    let b = row(&a, "B");
    assert_eq!(cells(b), [2, 16, 4, 176]);
    assert_eq!(b["units"], 198);
    let close = |v: &Value, x: f64| assert!((v.as_f64().unwrap() - x).abs() < 1e-9, "{v} ≠ {x}");
    close(&b["percent_agreement"], 100.0 * 178.0 / 198.0);
    close(&b["positive_agreement"], 4.0 / 24.0);
    close(&b["brennan_prediger"], 2.0 * 178.0 / 198.0 - 1.0);
    // alpha = 1 − (2·198 − 1)·20 / ((2·2+20)·(2·176+20))
    close(
        &b["krippendorff_alpha"],
        1.0 - 395.0 * 20.0 / (24.0 * 372.0),
    );
    let pooled = &a["pooled"];
    assert_eq!(cells(pooled), [2, 57, 43, 690]);
    assert_eq!(pooled["units"], 792);
    assert!(pooled.get("code").is_none());
    for key in [
        "percent_agreement",
        "cohen_kappa",
        "brennan_prediger",
        "krippendorff_alpha",
        "positive_agreement",
    ] {
        assert!(pooled[key].is_f64(), "{key}");
    }
}

#[test]
fn sub_codes_turns_documents_segments_and_a_chosen_document() {
    let s = Scratch::new();
    let p = fixture(&s);

    let folded = agreement(&p, &["--with-subcodes"]);
    assert_eq!(folded["codes"].as_array().unwrap().len(), 2);
    assert_eq!(cells(row(&folded, "A")), [0, 30, 39, 129]);

    let turns = agreement(&p, &["--unit", "turn"]);
    assert_eq!(cells(row(&turns, "B")), [1, 1, 0, 10]);
    let turns = agreement(&p, &["--unit", "turn", "--min-share", "50"]);
    // Anna's [25,36) covers 11 of nord1's T1 (17 characters, 65 %); in sued1's T0 [3,15) Anna
    // covers 7 of 12 (58 %), Ben 6 (50 %).
    assert_eq!(cells(row(&turns, "B")), [1, 1, 0, 10]);
    let turns = agreement(&p, &["--unit", "turn", "--min-share", "60"]);
    assert_eq!(cells(row(&turns, "B")), [0, 1, 0, 11]);
    assert_eq!(turns["min_share"], 60.0);

    // Words inside the turns (labels are none): 11 per text. B: Anna touches „und“, „schlecht“
    // (nord1) and „Wie“, „geht“ (sued1), Ben „geht“, „es“.
    let words = agreement(&p, &["--unit", "word"]);
    assert_eq!(cells(row(&words, "B")), [1, 3, 1, 28]);
    assert_eq!(row(&words, "B")["units"], 33);
    // One sentence per turn in these texts.
    let sentences = agreement(&p, &["--unit", "sentence"]);
    assert_eq!(cells(row(&sentences, "B")), [1, 1, 0, 10]);

    let documents = agreement(&p, &["--unit", "document"]);
    assert_eq!(cells(row(&documents, "B")), [1, 1, 0, 1]);

    let segments = agreement(&p, &["--unit", "segment"]);
    let b = row(&segments, "B");
    assert_eq!(b["matched"], 0);
    assert_eq!(b["unmatched_first"], 2);
    assert_eq!(b["unmatched_second"], 1);
    assert_eq!(segments["threshold"], 90.0);
    // [3,10) and [8,14) share 2 of 11 characters: 18 %.
    let loose = agreement(&p, &["--unit", "segment", "--threshold", "18"]);
    let b = row(&loose, "B");
    assert_eq!(
        (b["matched"].as_u64(), b["both"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(cells(b), [2, 1, 0, 0]);

    let sued = agreement(&p, &["--doc", "sued1", "--code", "B"]);
    assert_eq!(sued["documents"], 1);
    assert_eq!(sued["codes"].as_array().unwrap().len(), 1);
    assert_eq!(cells(row(&sued, "B")), [2, 5, 4, 55]);
    let west = agreement(&p, &["--where", "Lage=Stadt", "--jobcenter", "JC West"]);
    assert_eq!(west["documents"], 1);
}

#[test]
fn the_table_states_the_unit_and_why_a_figure_is_missing() {
    let s = Scratch::new();
    let p = fixture(&s);
    let table = kw_ok([
        "agreement",
        &p,
        "--coders",
        "Anna,Ben",
        "--doc",
        "nord2",
        "--unit",
        "document",
    ]);
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some("Anna and Ben, unit: document, 1 document")
    );
    assert!(lines.next().unwrap().starts_with("code"));
    let pooled = lines.next().unwrap();
    assert!(pooled.starts_with("(all codes)"), "{pooled}");
    // nord2 holds no segment: no code row, and no unit to count.
    assert!(pooled.contains("– (no units)"), "{pooled}");
    let json = agreement(&p, &["--doc", "nord2"]);
    assert!(json["pooled"]["cohen_kappa"].is_null());
    assert_eq!(json["pooled"]["undefined"]["cohen_kappa"], "no_units");

    let csv = kw_ok(["agreement", &p, "--coders", "Anna,Ben", "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("code,units,both,only_first,only_second,neither,percent,kappa"));
    assert!(csv.lines().any(|l| l.starts_with("A/A1,198,0,17,14,167,")));
}

#[test]
fn bad_questions_get_a_sentence() {
    let s = Scratch::new();
    let p = fixture(&s);
    for (args, says) in [
        (vec!["--coders", "Anna"], "name exactly two"),
        (vec!["--coders", "Anna,Ben,Cem"], "name exactly two"),
        (vec!["--coders", "Anna,Bea"], "No coder “Bea”"),
        (vec!["--coders", "Anna,anna"], "named twice"),
        (vec!["--coders", "Anna,Ben", "--code", "Z"], "Z"),
        (
            vec!["--coders", "Anna,Ben", "--threshold", "0"],
            "--threshold",
        ),
        (
            vec!["--coders", "Anna,Ben", "--min-share", "120"],
            "--min-share",
        ),
    ] {
        let mut all = vec!["agreement", p.as_str()];
        all.extend(args);
        let run = kw(&all);
        assert!(!run.ok, "{all:?}");
        assert!(run.stderr.contains(says), "{all:?}: {}", run.stderr);
    }
}

#[test]
fn the_sample_project_compares_anna_and_jonas() {
    let s = Scratch::new();
    let project = s.path("sample.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["sample", p]);
    let a = json(&kw_ok([
        "agreement",
        p,
        "--coders",
        "Anna,Jonas",
        "--ci",
        "--format",
        "json",
    ]));
    assert_eq!(a["documents"], 24);
    assert_eq!(a["codes"].as_array().unwrap().len(), 27);
    assert_eq!(cells(&a["pooled"]), [2110, 15073, 14836, 5269431]);
    let kappa = a["pooled"]["cohen_kappa"].as_f64().unwrap();
    assert!((kappa - 0.1208).abs() < 5e-5, "{kappa}");
    let ci = &a["pooled"]["ci"];
    assert_eq!(ci["resamples"], 1000);
    let low = ci["cohen_kappa"]["low"].as_f64().unwrap();
    let high = ci["cohen_kappa"]["high"].as_f64().unwrap();
    assert!(low < kappa && kappa < high, "{low} {kappa} {high}");
    // Seeded: the same interval on every run.
    let again = json(&kw_ok([
        "agreement",
        p,
        "--coders",
        "Anna,Jonas",
        "--ci",
        "--format",
        "json",
    ]));
    assert_eq!(again["pooled"]["ci"], *ci);
}

#[test]
fn a_consensus_decision_is_written_listed_compared_and_undone() {
    let s = Scratch::new();
    let p = fixture(&s);
    let decide = |take: &str| {
        kw_ok([
            "consensus",
            &p,
            "--coders",
            "Anna,Ben",
            "--doc",
            "sued1",
            "--code",
            "B",
            "--start",
            "3",
            "--end",
            "14",
            "--take",
            take,
        ])
    };
    let said = decide("common");
    assert!(said.contains("Konsens decided “B” in 3–14"), "{said}");
    let konsens = |p: &str| -> Vec<(u64, u64)> {
        json(&kw_ok([
            "segments", p, "--coder", "Konsens", "--format", "json",
        ]))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap()))
        .collect()
    };
    assert_eq!(konsens(&p), [(8, 10)]);
    // A second decision on the passage replaces the first.
    let said = decide("joined");
    assert!(said.contains("replacing 1 earlier"), "{said}");
    assert_eq!(konsens(&p), [(3, 14)]);

    let with_konsens = json(&kw_ok([
        "agreement",
        &p,
        "--coders",
        "Anna,Konsens",
        "--doc",
        "sued1",
        "--code",
        "B",
        "--format",
        "json",
    ]));
    assert_eq!(cells(row(&with_konsens, "B")), [7, 0, 4, 55]);

    kw_ok(["undo", &p]);
    assert_eq!(konsens(&p), [(8, 10)]);
    kw_ok(["undo", &p]);
    let run = kw(["segments", &p, "--coder", "Konsens", "--format", "json"]);
    assert!(!run.ok || json(&run.stdout).as_array().unwrap().is_empty());

    let run = kw([
        "consensus",
        &p,
        "--coders",
        "Anna,Ben",
        "--doc",
        "sued1",
        "--code",
        "B",
        "--start",
        "40",
        "--end",
        "45",
        "--take",
        "first",
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("nothing to decide"), "{}", run.stderr);
    let run = kw([
        "consensus",
        &p,
        "--coders",
        "Anna,Ben",
        "--doc",
        "sued1",
        "--code",
        "B",
        "--start",
        "3",
        "--end",
        "14",
        "--take",
        "first",
        "--as",
        "Ben",
    ]);
    assert!(
        run.stderr.contains("consensus needs a coder of its own"),
        "{}",
        run.stderr
    );
}
