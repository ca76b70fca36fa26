//! A researcher's first session on the command line: new project, import, code, list, count,
//! export, and read the export back.

mod common;

use common::{Scratch, json, kw, kw_ok};

const INTERVIEW: &str = "Interview Jobcenter Nord, 12.03.2024\n\nI: #00:00:05# Wie nutzen Sie die E-Akte?\n\nB: #00:00:09# Also, ähm, die E-Akte ist super; aber „das Scannen“ kostet Zeit.\nUnd die Bürger:innen? Die fragen \"wo ist mein Antrag\".\n\nI: #00:01:02# Und Video?\n\nB: #00:01:05# =Video ist nichts für uns, sag ich mal. 👍\n";

#[test]
fn new_import_code_list_count_export_and_read_back() {
    let s = Scratch::new();
    let project = s.path("studie.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p]);
    let transcript = s.file("nord-b1.txt", INTERVIEW.as_bytes());

    let report = kw_ok([
        "import",
        p,
        transcript.to_str().unwrap(),
        "--jobcenter",
        "Jobcenter Nord",
        "--attr",
        "Rolle=Beschäftigte:r",
        "--attr",
        "Tätigkeitsbereich=Leistungsgewährung",
    ]);
    assert!(report.contains("imported"), "{report}");
    assert!(report.contains("UTF-8"), "{report}");

    kw_ok([
        "jobcenter",
        p,
        "Jobcenter Nord",
        "--attr",
        "Trägerschaft=zkt",
        "--attr",
        "Lage=Land",
    ]);

    // The stored text is the file's text, exactly.
    let text = kw_ok(["text", p, "--doc", "nord-b1"]);
    assert_eq!(text, INTERVIEW);

    let docs = json(&kw_ok(["docs", p, "--format", "json"]));
    let doc = &docs[0];
    assert_eq!(doc["name"], "nord-b1");
    assert_eq!(doc["jobcenter"], "Jobcenter Nord");
    assert_eq!(doc["turns"], 4);
    assert_eq!(doc["chars"], INTERVIEW.chars().count());
    assert_eq!(doc["attributes"]["Rolle"], "Beschäftigte:r");

    // Code two overlapping passages, with positions counted in characters.
    let quote = "die E-Akte ist super; aber „das Scannen“ kostet Zeit.\nUnd die Bürger:innen? Die fragen \"wo ist mein Antrag\".";
    let start = INTERVIEW[..INTERVIEW.find(quote).unwrap()].chars().count();
    let end = start + quote.chars().count();
    let (start_s, end_s) = (start.to_string(), end.to_string());
    kw_ok([
        "code",
        p,
        "--doc",
        "nord-b1",
        "--start",
        &start_s,
        "--end",
        &end_s,
        "--code",
        "Digitale Anwendungen/E-Akte",
        "--coder",
        "Anna",
        "--memo",
        "Ambivalent; vgl. Scannen",
    ]);
    let video = "=Video ist nichts für uns, sag ich mal. 👍";
    let v_start = INTERVIEW[..INTERVIEW.find(video).unwrap()].chars().count();
    let v_end = v_start + video.chars().count();
    kw_ok([
        "code",
        p,
        "--doc",
        "1",
        "--start",
        &v_start.to_string(),
        "--end",
        &v_end.to_string(),
        "--code",
        "Haltung zur Digitalisierung/Skeptisch, Vermeidung",
        "--coder",
        "Jonas",
    ]);
    kw_ok([
        "code",
        p,
        "--doc",
        "1",
        "--start",
        &start_s,
        "--end",
        &(start + 10).to_string(),
        "--code",
        "Haltung zur Digitalisierung/Befürwortend, aktive Nutzung",
        "--coder",
        "Jonas",
    ]);

    let segments = json(&kw_ok(["segments", p, "--format", "json"]));
    let segments = segments.as_array().unwrap();
    assert_eq!(segments.len(), 3);
    let akte = segments
        .iter()
        .find(|s| s["code"] == "Digitale Anwendungen/E-Akte")
        .unwrap();
    assert_eq!(akte["text"], quote);
    assert_eq!(akte["speaker"], "B");
    assert_eq!(akte["coder"], "Anna");
    assert_eq!(akte["start"], start);
    let akte_id = akte["id"].to_string();
    assert_eq!(
        kw_ok(["memo", p, "--segment", &akte_id]),
        "Ambivalent; vgl. Scannen"
    );
    kw_ok([
        "memo",
        p,
        "--segment",
        &akte_id,
        "--text",
        "Ambivalent; vgl. Scannen",
    ]);

    // A parent code selects its sub-codes.
    let stance = json(&kw_ok([
        "segments",
        p,
        "--code",
        "Haltung zur Digitalisierung",
        "--format",
        "json",
    ]));
    assert_eq!(stance.as_array().unwrap().len(), 2);
    let by_coder = json(&kw_ok([
        "segments", p, "--coder", "anna", "--format", "json",
    ]));
    assert_eq!(by_coder.as_array().unwrap().len(), 1);

    // The matrix counts per code with sub-codes, per jobcenter and per attribute value.
    let m = json(&kw_ok(["matrix", p, "--format", "json"]));
    let row = |path: &str| {
        m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == path)
            .unwrap()
            .clone()
    };
    assert_eq!(m["columns"][0]["label"], "Jobcenter Nord");
    assert_eq!(
        row("Haltung zur Digitalisierung")["cells"][0]["segments"],
        2
    );
    assert_eq!(row("Haltung zur Digitalisierung")["own"][0]["segments"], 0);
    assert_eq!(
        row("Haltung zur Digitalisierung")["cells"][0]["documents"],
        1
    );
    assert_eq!(
        row("Haltung zur Digitalisierung")["cells"][0]["percent"],
        100.0
    );
    assert_eq!(row("Arbeitslogik")["cells"][0]["segments"], 0);
    let coverage = row("Digitale Anwendungen/E-Akte")["cells"][0]["coverage"]
        .as_f64()
        .unwrap();
    let expected = quote.chars().count() as f64 * 100.0 / INTERVIEW.chars().count() as f64;
    assert!(
        (coverage - expected).abs() < 1e-9,
        "{coverage} vs {expected}"
    );

    let by_type = json(&kw_ok([
        "matrix",
        p,
        "--by",
        "Trägerschaft",
        "--format",
        "json",
    ]));
    let labels: Vec<&str> = by_type["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["gE", "zkT"]);
    assert_eq!(by_type["columns"][1]["documents"], 1);
    let jonas = json(&kw_ok([
        "matrix",
        p,
        "--coder",
        "Jonas",
        "--where",
        "Lage=Land",
        "--format",
        "json",
    ]));
    let total: u64 = jonas["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["depth"] == 1)
        .map(|r| r["total"]["segments"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 2);
    let nobody = json(&kw_ok([
        "matrix",
        p,
        "--where",
        "Lage=Stadt",
        "--format",
        "json",
    ]));
    assert_eq!(nobody["all"]["documents"], 0);

    // Export for German Excel and read it back: every segment's exact text survives.
    let out = s.path("segmente.csv");
    kw_ok([
        "export",
        "csv",
        p,
        out.to_str().unwrap(),
        "--delimiter",
        ";",
        "--bom",
    ]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for column in [
        "segment_id",
        "jobcenter",
        "Trägerschaft",
        "document",
        "Rolle",
        "speaker",
        "code",
        "coder",
        "start",
        "end",
        "text",
        "memo",
        "created",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "missing column {column}: {header:?}"
        );
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let id = &row[col("segment_id")];
        let expected = segments
            .iter()
            .find(|s| s["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id))
            .unwrap();
        let text = expected["text"].as_str().unwrap();
        if text.starts_with('=') {
            assert_eq!(&row[col("text")], format!("'{text}"), "formula neutralised");
        } else {
            assert_eq!(&row[col("text")], text);
        }
        assert_eq!(&row[col("Trägerschaft")], "zkT");
        assert_eq!(&row[col("Rolle")], "Beschäftigte:r");
    }
    assert!(
        rows.iter()
            .any(|r| &r[col("memo")] == "Ambivalent; vgl. Scannen")
    );

    // Filters reach the export: only what was chosen leaves the project.
    let only = s.path("nur-anna.csv");
    kw_ok([
        "export",
        "csv",
        p,
        only.to_str().unwrap(),
        "--coder",
        "Anna",
    ]);
    let mut reader = csv::Reader::from_path(&only).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert!(
        !std::fs::read_to_string(&only)
            .unwrap()
            .contains("Video ist nichts")
    );
}

#[test]
fn undo_and_redo_survive_a_restart() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p, "--codebook", "empty"]);
    let file = s.file("a.txt", "I: Frage?\nB: Antwort mit Größe.\n".as_bytes());
    kw_ok(["import", p, file.to_str().unwrap(), "--jobcenter", "Süd"]);
    kw_ok(["add-code", p, "Thema/Unterthema", "--color", "#aa0000"]);
    kw_ok([
        "code",
        p,
        "--doc",
        "a",
        "--start",
        "13",
        "--end",
        "20",
        "--code",
        "Thema/Unterthema",
        "--coder",
        "Anna",
    ]);
    let count = || {
        json(&kw_ok(["segments", p, "--format", "json"]))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(), 1);

    assert!(kw_ok(["undo", p]).contains("codiert"));
    assert_eq!(count(), 0);
    assert!(kw_ok(["redo", p]).contains("codiert"));
    assert_eq!(count(), 1);

    // Undo the code creation too: both codes and the segment go, and come back.
    kw_ok(["undo", p]);
    kw_ok(["undo", p]);
    let codes = json(&kw_ok(["codes", p, "--format", "json"]));
    assert_eq!(codes.as_array().unwrap().len(), 0);
    kw_ok(["redo", p]);
    kw_ok(["redo", p]);
    let codes = json(&kw_ok(["codes", p, "--format", "json"]));
    assert_eq!(codes[1]["path"], "Thema/Unterthema");
    assert_eq!(codes[1]["color"], "#AA0000");
    assert_eq!(codes[1]["segments"], 1);
    assert_eq!(count(), 1);

    let nothing = kw(["redo", p]);
    assert!(!nothing.ok);
    assert!(
        nothing.stderr.contains("Nothing to redo"),
        "{}",
        nothing.stderr
    );

    // A new change after an undo ends the redo history.
    kw_ok(["undo", p]);
    kw_ok(["add-code", p, "Anderes"]);
    assert!(!kw(["redo", p]).ok);
    let log = kw_ok(["log", p]);
    assert!(log.contains("Anderes"), "{log}");
}

#[test]
fn errors_are_one_sentence_and_a_failure_status() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    let missing = kw(["docs", p]);
    assert!(!missing.ok);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
    assert_eq!(missing.stderr.trim().lines().count(), 1);

    kw_ok(["new", p]);
    let file = s.file("a.txt", b"I: Hallo\n");
    kw_ok(["import", p, file.to_str().unwrap(), "--jobcenter", "X"]);
    for (args, expected) in [
        (
            vec![
                "code",
                p,
                "--doc",
                "a",
                "--start",
                "5",
                "--end",
                "5",
                "--code",
                "Arbeitslogik",
                "--coder",
                "A",
            ],
            "empty or reversed",
        ),
        (
            vec![
                "code",
                p,
                "--doc",
                "a",
                "--start",
                "0",
                "--end",
                "99",
                "--code",
                "Arbeitslogik",
                "--coder",
                "A",
            ],
            "past the end",
        ),
        (
            vec![
                "code",
                p,
                "--doc",
                "zzz",
                "--start",
                "0",
                "--end",
                "1",
                "--code",
                "Arbeitslogik",
                "--coder",
                "A",
            ],
            "document named or numbered “zzz”",
        ),
        (
            vec![
                "code",
                p,
                "--doc",
                "a",
                "--start",
                "0",
                "--end",
                "1",
                "--code",
                "Gibt/Es/Nicht",
                "--coder",
                "A",
            ],
            "code “Gibt/Es/Nicht”",
        ),
        (
            vec!["jobcenter", p, "X", "--attr", "Trägerschaft=Kommune"],
            "allowed are: gE, zkT",
        ),
        (vec!["add-code", p, "Arbeitslogik"], "exists already"),
        (
            vec!["add-code", p, "Neu", "--color", "blau"],
            "not a colour",
        ),
        (
            vec!["matrix", p, "--by", "Haarfarbe"],
            "attribute “Haarfarbe”",
        ),
    ] {
        let run = kw(&args);
        assert!(!run.ok, "{args:?} should fail");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("kodierwerk: "), "{}", run.stderr);
    }
}
