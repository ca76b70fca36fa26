//! Importing transcripts as they come from Word, Windows and transcription tools: every encoding
//! lands as the same text, and every refused file leaves the project byte-identical.

mod common;

use common::{Scratch, fingerprint, json, kw, kw_ok};

const TEXT: &str = "I: #00:00:01# Wie läuft es mit der E-Akte?\r\nB: Naja. Die Bürger:innen schicken Fotos, „unscharf“, und wir müssen alles prüfen – jeden Euro. Größe: 5 €.\r\n";

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut bytes = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn every_encoding_arrives_as_the_same_text() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p]);
    let stored = TEXT.replace("\r\n", "\n");

    let mut bom_utf8 = b"\xEF\xBB\xBF".to_vec();
    bom_utf8.extend_from_slice(TEXT.as_bytes());
    let cp1252 = encoding_rs::WINDOWS_1252.encode(TEXT).0.into_owned();
    // ISO-8859-15 has € but no typographic quotes or dashes.
    let text9 = TEXT.replace(['„', '“'], "\"").replace('–', "-");
    let stored9 = text9.replace("\r\n", "\n");
    let latin9 = encoding_rs::ISO_8859_15.encode(&text9).0.into_owned();
    // (file, bytes, extra arguments, expected encoding, expected text)
    type Case<'a> = (&'a str, Vec<u8>, Vec<&'a str>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            "utf8.txt",
            TEXT.as_bytes().to_vec(),
            vec![],
            "UTF-8",
            &stored,
        ),
        ("utf8-bom.txt", bom_utf8, vec![], "UTF-8", &stored),
        (
            "utf16le.txt",
            utf16(TEXT, true),
            vec![],
            "UTF-16LE",
            &stored,
        ),
        (
            "utf16be.txt",
            utf16(TEXT, false),
            vec![],
            "UTF-16BE",
            &stored,
        ),
        ("cp1252.txt", cp1252, vec![], "windows-1252", &stored),
        (
            "latin9.txt",
            latin9,
            vec!["--encoding", "latin9"],
            "ISO-8859-15",
            &stored9,
        ),
    ];
    for (i, (name, bytes, extra, encoding, expected)) in cases.into_iter().enumerate() {
        // Each copy differs by a trailing line so that it is not refused as a duplicate.
        let mut bytes = bytes;
        let tail = format!("B: Nummer {i}.\n");
        let tail_bytes: Vec<u8> = match encoding {
            "UTF-16LE" => tail.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            "UTF-16BE" => tail.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            _ => tail.as_bytes().to_vec(),
        };
        bytes.extend(tail_bytes);
        let file = s.file(name, &bytes);
        let mut args = vec![
            "import",
            p,
            file.to_str().unwrap(),
            "--jobcenter",
            "Nord",
            "--format",
            "json",
        ];
        args.extend(extra);
        let report = json(&kw_ok(&args));
        assert_eq!(report[0]["status"], "imported", "{name}: {report}");
        assert_eq!(report[0]["encoding"], encoding, "{name}");
        let stem = name.trim_end_matches(".txt");
        let text = kw_ok(["text", p, "--doc", stem]);
        assert_eq!(text, format!("{expected}{tail}"), "{name}");
    }
    let docs = json(&kw_ok(["docs", p, "--format", "json"]));
    assert!(docs.as_array().unwrap().iter().all(|d| d["turns"] == 3));
}

#[test]
fn refused_files_say_why_and_change_nothing() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p]);
    let good = s.file("good.txt", TEXT.as_bytes());
    kw_ok(["import", p, good.to_str().unwrap(), "--jobcenter", "Nord"]);
    let before = fingerprint(&project);

    let utf16_no_bom: Vec<u8> = "I: Hallo, wie geht es?\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut mixed = "B: Bürger\n".as_bytes().to_vec();
    mixed.extend_from_slice(b"B: M\xfcller\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.txt", vec![], "empty"),
        ("blank.txt", b" \n\n ".to_vec(), "empty"),
        (
            "bild.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "PNG picture",
        ),
        ("interview.docx", b"PK\x03\x04\x14\0\x06\0".to_vec(), "Word"),
        ("nul.txt", b"I: Hallo\0Welt\n".to_vec(), "NUL"),
        ("utf16.txt", utf16_no_bom, "--encoding UTF-16LE"),
        ("mixed.txt", mixed, "not valid UTF-8"),
        (
            "copy.txt",
            TEXT.as_bytes().to_vec(),
            "same text is already in the project as document “good”",
        ),
        (
            "good.md",
            b"+++\njobcenter = \"Nord\"\n+++\n\nI: anderer Text\n".to_vec(),
            "document named “good”",
        ),
        (
            "broken.md",
            b"+++\njobcenter = \n+++\n\nI: Text\n".to_vec(),
            "front matter",
        ),
    ];
    for (name, bytes, reason) in &cases {
        let file = s.file(name, bytes);
        let run = kw(["import", p, file.to_str().unwrap(), "--jobcenter", "Nord"]);
        assert!(!run.ok, "{name} should be refused");
        assert!(run.stdout.contains("refused"), "{name}: {}", run.stdout);
        assert!(run.stdout.contains(reason), "{name}: {}", run.stdout);
        assert!(
            run.stderr.contains("1 of 1 files were refused"),
            "{}",
            run.stderr
        );
        assert_eq!(fingerprint(&project), before, "{name} changed the project");
    }

    // No jobcenter at all is refused too.
    let orphan = s.file("orphan.txt", b"I: niemand weiss wohin\n");
    let run = kw(["import", p, orphan.to_str().unwrap()]);
    assert!(run.stdout.contains("--jobcenter"), "{}", run.stdout);
    assert_eq!(fingerprint(&project), before);

    // An unknown encoding name is an error before anything is read.
    let run = kw([
        "import",
        p,
        orphan.to_str().unwrap(),
        "--jobcenter",
        "Nord",
        "--encoding",
        "klingonisch",
    ]);
    assert!(
        !run.ok && run.stderr.contains("not an encoding"),
        "{}",
        run.stderr
    );
    assert_eq!(fingerprint(&project), before);
}

#[test]
fn a_batch_reports_each_file_and_keeps_the_good_ones() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p]);
    let folder = s.path("interviews");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), "I: eins\nB: Antwort eins\n").unwrap();
    std::fs::write(folder.join("b.md"), "+++\njobcenter = \"Ost\"\n\n[attributes]\nRolle = \"Bürger:in\"\nDatum = 2024-01-05\n+++\n\n**I:** #00:00:01# Frage?\n\n**B:** #00:00:04# Antwort zwei.\n").unwrap();
    std::fs::write(folder.join("c.txt"), "").unwrap();
    // a PDF is taken from a folder (and this one, cut short, is refused); a picture is not taken
    std::fs::write(folder.join("notes.pdf"), "%PDF-1.4").unwrap();
    std::fs::write(folder.join("bild.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let run = kw([
        "import",
        p,
        folder.to_str().unwrap(),
        "--jobcenter",
        "West",
        "--format",
        "json",
    ]);
    assert!(!run.ok);
    let report = json(&run.stdout);
    let statuses: Vec<(&str, &str)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().rsplit('/').next().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("a.txt", "imported"),
            ("b.md", "imported"),
            ("c.txt", "refused"),
            ("notes.pdf", "refused")
        ]
    );
    assert!(run.stderr.contains("2 of 4 files were refused"));
    assert!(
        report[3]["reason"]
            .as_str()
            .unwrap()
            .starts_with("it is not a readable PDF"),
        "{}",
        report[3]
    );

    let docs = json(&kw_ok(["docs", p, "--format", "json"]));
    let b = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "b")
        .unwrap();
    // --jobcenter overrides the front matter; the front matter's attributes arrive.
    assert_eq!(b["jobcenter"], "West");
    assert_eq!(b["attributes"]["Rolle"], "Bürger:in");
    assert_eq!(b["attributes"]["Datum"], "2024-01-05");
    assert_eq!(
        kw_ok(["text", p, "--doc", "b"]),
        "I: #00:00:01# Frage?\n\nB: #00:00:04# Antwort zwei."
    );
}
