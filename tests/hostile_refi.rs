//! REFI-QDA files built to make the import produce far more than they hold: one note referenced
//! hundreds of times, one selection with a hundred codings. What the import makes is bounded, and
//! the report says what was left out.

mod common;

use std::io::Write;

use common::Scratch;
use kodierwerk::exchange::read_qdpx;

fn guid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn write_qdpx(path: &std::path::Path, qde: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("project.qde", options).unwrap();
    zip.write_all(qde.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn references_per_note_and_codings_per_selection_are_bounded() {
    let s = Scratch::new();
    let text = "I: Wie war das?\nB: Gut.\n".repeat(100);
    let note = "Notiz ".repeat(20_000);
    let codings: String = (0..100)
        .map(|i| {
            format!(
                "<Coding guid=\"{}\" creatingUser=\"{}\"><CodeRef targetGUID=\"{}\"/></Coding>",
                guid(1000 + i),
                guid(1),
                guid(2)
            )
        })
        .collect();
    let note_refs = format!("<NoteRef targetGUID=\"{}\"/>", guid(5)).repeat(300);
    let qde = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Bombe\" origin=\"Hand\">\
<Users><User guid=\"{user}\" name=\"Anna\"/></Users>\
<CodeBook><Codes><Code guid=\"{code}\" name=\"K\" isCodable=\"true\"/></Codes></CodeBook>\
<Sources><TextSource guid=\"{source}\" name=\"Interview\"><PlainTextContent>{text}</PlainTextContent>\
<PlainTextSelection guid=\"{selection}\" startPosition=\"0\" endPosition=\"{end}\" creatingUser=\"{user}\">{codings}</PlainTextSelection>\
{note_refs}</TextSource></Sources>\
<Notes><Note guid=\"{note_guid}\" name=\"N\"><PlainTextContent>{note}</PlainTextContent></Note></Notes>\
</Project>",
        user = guid(1),
        code = guid(2),
        source = guid(3),
        selection = guid(4),
        note_guid = guid(5),
        end = text.chars().count(),
    );
    let path = s.path("bombe.qdpx");
    write_qdpx(&path, &qde);
    let (bundle, report) = read_qdpx(&path).unwrap();
    let report = report.to_string();
    assert_eq!(bundle.segments.len(), 64, "{report}");
    assert!(
        report.contains("36 codings beyond the 64 one passage may carry were not imported"),
        "{report}"
    );
    let memo = &bundle.sources[0].memo;
    assert!(memo.len() <= 100 * (note.len() + 2), "{}", memo.len());
    assert!(memo.len() >= 100 * note.trim().len(), "{}", memo.len());
    assert!(
        report.contains("200 references to notes beyond the 100 places one note may be attached to were not imported"),
        "{report}"
    );
}

#[test]
fn exported_entries_are_named_by_real_guids_only() {
    let s = Scratch::new();
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    common::kw_ok(["new", p]);
    let file = s.file("a.txt", "I: Frage?\nB: Antwort.\n".as_bytes());
    common::kw_ok(["import", p, file.to_str().unwrap(), "--jobcenter", "Nord"]);
    rusqlite::Connection::open(&project)
        .unwrap()
        .execute("UPDATE documents SET guid = '../../x'", [])
        .unwrap();
    let out = s.path("export.qdpx");
    common::kw_ok(["export", "qdpx", p, out.to_str().unwrap()]);
    let zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for name in &names {
        assert!(
            name == "project.qde" || (name.starts_with("sources/") && !name.contains("..")),
            "{name}"
        );
    }
    assert!(!s.dir.path().parent().unwrap().join("x.txt").exists());
    // and the export reads back with its text
    let (bundle, _) = read_qdpx(&out).unwrap();
    assert_eq!(bundle.sources[0].text, "I: Frage?\nB: Antwort.\n");
}

#[test]
fn source_texts_pass_the_checks_of_transcripts() {
    let s = Scratch::new();
    let source = |n: usize, name: &str, path: &str| {
        format!(
            "<TextSource guid=\"{}\" name=\"{name}\" plainTextPath=\"internal://{path}\"/>",
            guid(n)
        )
    };
    let qde = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Texte\" origin=\"Hand\"><Sources>{}{}{}{}{}</Sources></Project>",
        source(1, "gut", "gut.txt"),
        source(2, "utf32", "utf32.txt"),
        source(3, "nul", "nul.txt"),
        source(4, "steuer", "steuer.txt"),
        source(5, "leer", "leer.txt"),
    );
    let utf32: Vec<u8> = b"\xFF\xFE\0\0"
        .iter()
        .copied()
        .chain("I: Hallo\n".chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    let path = s.path("texte.qdpx");
    let file = std::fs::File::create(&path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("project.qde", qde.as_bytes()),
        ("sources/gut.txt", "I: Hallo\u{85}B: Ja\n".as_bytes()),
        ("sources/utf32.txt", &utf32),
        ("sources/nul.txt", b"I: Hallo\0B: Ja\n"),
        ("sources/steuer.txt", b"I: \x01\x02\x03\x04 Hallo\n"),
        ("sources/leer.txt", b"  \n"),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    let (bundle, report) = read_qdpx(&path).unwrap();
    let report = report.to_string();
    let names: Vec<&str> = bundle.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["gut"], "{report}");
    for (name, why) in [
        ("utf32", "UTF-32"),
        ("nul", "NUL"),
        ("steuer", "control characters"),
        ("leer", "its text is empty"),
    ] {
        assert!(
            report.contains(&format!("“{name}”")) && report.contains(why),
            "{name}: {report}"
        );
    }
}
