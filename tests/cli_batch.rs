//! Coding from a script: `kodierwerk code P --from FILE` reads JSON lines or CSV, checks every
//! coding first, refuses the whole batch at its first bad line, and codes the rest as one change.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Scratch, fingerprint, json, kw, kw_ok};

/// The sample study, and the number of its segments.
fn sample(s: &Scratch) -> (String, usize) {
    let path = s.path("studie.kodierwerk");
    let p = path.to_str().unwrap().to_owned();
    kw_ok(["sample", &p]);
    let n = segment_count(&p);
    (p, n)
}

fn segment_count(p: &str) -> usize {
    json(&kw_ok(["segments", p, "--format", "json"]))
        .as_array()
        .unwrap()
        .len()
}

/// The text of document `doc` from `start` to `end` (characters).
fn passage(p: &str, doc: &str, start: usize, end: usize) -> String {
    let text = kw_ok(["text", p, "--doc", doc]);
    text.chars().skip(start).take(end - start).collect()
}

const JSON_LINES: &str = r#"{"doc": "HS-01_Fuehrungskraft", "start": 10, "end": 40, "code": "Arbeitslogik/Sozialberatung", "coder": "Skript"}
{"doc": 2, "start": 0, "end": 25, "code": "Digitale Anwendungen/E-Akte", "coder": "Skript", "memo": "aus der Stichwortsuche"}

{"doc": "HS-01_Fuehrungskraft", "start": 50, "end": 90, "code": "Arbeitslogik/Sozialberatung", "coder": "Anna"}
"#;

#[test]
fn a_batch_of_json_lines_is_one_change() {
    let s = Scratch::new();
    let (p, before) = sample(&s);
    let file = s.file("codings.jsonl", JSON_LINES.as_bytes());
    let out = kw_ok(["code", &p, "--from", file.to_str().unwrap()]);
    assert_eq!(
        out.trim(),
        "coded 3 segments as one change (one undo takes them all back)"
    );
    assert_eq!(segment_count(&p), before + 3);

    let coded = json(&kw_ok([
        "segments", &p, "--coder", "Skript", "--format", "json",
    ]));
    let coded = coded.as_array().unwrap();
    assert_eq!(coded.len(), 2);
    let first = coded
        .iter()
        .find(|s| s["code"] == "Arbeitslogik/Sozialberatung")
        .unwrap();
    assert_eq!(
        (first["start"].as_u64(), first["end"].as_u64()),
        (Some(10), Some(40))
    );
    assert_eq!(
        first["text"].as_str().unwrap(),
        passage(&p, "HS-01_Fuehrungskraft", 10, 40)
    );
    let second = coded
        .iter()
        .find(|s| s["code"] == "Digitale Anwendungen/E-Akte")
        .unwrap();
    assert_eq!(second["memo"], "aus der Stichwortsuche");

    let log = kw_ok(["log", &p, "--limit", "1"]);
    assert!(log.contains("3 Segmente als Stapel codiert"), "{log}");
    kw_ok(["undo", &p]);
    assert_eq!(segment_count(&p), before);
    kw_ok(["redo", &p]);
    assert_eq!(segment_count(&p), before + 3);
}

#[test]
fn csv_on_standard_input_codes_the_same() {
    let s = Scratch::new();
    let (p, before) = sample(&s);
    let csv = "doc,start,end,code,coder,memo\nHS-01_Fuehrungskraft,10,40,Arbeitslogik/Sozialberatung,Skript,\"erst, dann\"\n2,0,25,Digitale Anwendungen/E-Akte,Skript,\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_kodierwerk"))
        .args(["code", &p, "--from", "-", "--csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(csv.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(segment_count(&p), before + 2);
    let coded = json(&kw_ok([
        "segments", &p, "--coder", "Skript", "--format", "json",
    ]));
    assert!(
        coded
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["memo"] == "erst, dann")
    );
}

#[test]
fn one_bad_line_refuses_the_batch_untouched_and_names_the_line() {
    let s = Scratch::new();
    let (p, _) = sample(&s);
    let before = fingerprint(std::path::Path::new(&p));
    let good = r#"{"doc": "HS-01_Fuehrungskraft", "start": 10, "end": 40, "code": "Arbeitslogik/Sozialberatung", "coder": "Skript"}"#;
    let cases = [
        (
            r#"{"doc": "HS-01_Fuehrungskraft", "start": 10, "end": 40, "code": "Arbeitslogik/Gibtsnicht", "coder": "Skript"}"#,
            "Line 3: no code “Arbeitslogik/Gibtsnicht” in the code system",
        ),
        (
            r#"{"doc": "HS-99", "start": 10, "end": 40, "code": "Arbeitslogik/Sozialberatung", "coder": "Skript"}"#,
            "Line 3: no document named or numbered “HS-99”",
        ),
        (
            r#"{"doc": "HS-01_Fuehrungskraft", "start": 10, "end": 999999, "code": "Arbeitslogik/Sozialberatung", "coder": "Skript"}"#,
            "Line 3: the range 10–999999 reaches past the end of the text",
        ),
        (
            r#"{"doc": "HS-01_Fuehrungskraft", "start": 40, "end": 10, "code": "Arbeitslogik/Sozialberatung", "coder": "Skript"}"#,
            "Line 3: the range 40–10 is empty or reversed",
        ),
        (
            r#"{"doc": "HS-01_Fuehrungskraft", "start": 10, "end": 40, "code": "Arbeitslogik/Sozialberatung", "coder": " "}"#,
            "Line 3: no coder “”",
        ),
        (
            r#"{"doc": "HS-01_Fuehrungskraft", "start": 10}"#,
            "Line 3: this is not a coding",
        ),
    ];
    for (bad, expected) in cases {
        let text = format!("{good}\n{good}\n{bad}\n{good}\n");
        let file = s.file("batch.jsonl", text.as_bytes());
        let run = kw(["code", &p, "--from", file.to_str().unwrap()]);
        assert!(!run.ok, "{bad}");
        assert!(
            run.stderr.starts_with(&format!("kodierwerk: {expected}")),
            "{bad}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("Nothing was coded: a batch is coded whole or not at all."),
            "{}",
            run.stderr
        );
        assert_eq!(fingerprint(std::path::Path::new(&p)), before, "{bad}");
    }
    let empty = s.file("empty.jsonl", b"\n\n");
    let run = kw(["code", &p, "--from", empty.to_str().unwrap()]);
    assert!(
        !run.ok && run.stderr.contains("holds no codings"),
        "{}",
        run.stderr
    );
    let run = kw([
        "code",
        &p,
        "--from",
        "x.jsonl",
        "--doc",
        "HS-01_Fuehrungskraft",
    ]);
    assert!(!run.ok, "--from and a single passage exclude each other");
    assert_eq!(fingerprint(std::path::Path::new(&p)), before);
}
