//! Transcripts as they arrive from word processors: `.docx` and `.odt` written by LibreOffice Writer
//! and python-docx (tests/fixtures/office/make_fixtures.py), imported, read back exactly, coded.
//! Bad files are refused with a sentence and leave the project as it was.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{Scratch, fingerprint, kw, kw_ok};
use kodierwerk::corpus::{self, FileReport, ImportOptions, Outcome};
use kodierwerk::model::{CharRange, DocumentId, MemoTarget};
use kodierwerk::project::Project;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/office")
        .join(name)
}

fn options() -> ImportOptions {
    ImportOptions {
        jobcenter: Some("Nord".into()),
        ..ImportOptions::default()
    }
}

/// Imports one file into a new project; the project, the report and the document.
fn import(s: &Scratch, file: &Path) -> (Project, FileReport, DocumentId) {
    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    let report = corpus::import_file(&mut project, file, &options());
    let Outcome::Imported { document, .. } = &report.outcome else {
        panic!("{} was refused: {:?}", file.display(), report.outcome);
    };
    let id = *document;
    (project, report, id)
}

fn remarks(report: &FileReport) -> &str {
    match &report.outcome {
        Outcome::Imported { remarks, .. } => remarks,
        Outcome::Refused { .. } => panic!("refused"),
    }
}

/// The turns as (speaker, timestamp, spoken text).
fn turns(project: &Project, doc: DocumentId) -> Vec<(String, Option<String>, String)> {
    let text = project.document_text(doc).unwrap();
    let chars: Vec<char> = text.chars().collect();
    project
        .turns(doc)
        .unwrap()
        .into_iter()
        .map(|t| {
            let spoken: String = chars[t.range.start.0..t.range.end.0].iter().collect();
            (t.speaker, t.timestamp, spoken)
        })
        .collect()
}

/// Codes the first occurrence of `words` and returns the stored segment's text and speaker.
fn code(project: &mut Project, doc: DocumentId, words: &str) -> (String, Option<String>) {
    let text = project.document_text(doc).unwrap();
    let at = text.find(words).expect("words in the text");
    let start = text[..at].chars().count();
    let range = CharRange::new(start, start + words.chars().count()).unwrap();
    let code = project.add_code("Portal", None, "").unwrap();
    project.apply_code(doc, range, code, "Anna", "").unwrap();
    let segment = project.document_segments(doc).unwrap().pop().unwrap();
    (segment.text, segment.speaker)
}

const INTERVIEW: &str = "Interview 7: Jobcenter Nord\n\
I: #00:00:05-2# Wie fing das an?\n\
B: Also, ähm, mit der „E-Akte“ – das war wirklich 2015.\n\
Dann kam das Portal.\t(lacht)\n\
I: Und die Arbeitsvermittlung? #00:00:31-0#\n\
B: Größe 👍, Cafe\u{301} um 10\u{a0}Uhr, na ja  –  schwierig.\n\
I: Heute ist der 3/1/24, richtig?\n\
I: Was hat sich geändert?\n\
B: Erstens die Termine,\n\
zweitens die Briefe.\n\
Teil 2\n\
Jobcenter\tFälle\n\
Nord\t12\n\
Zeit\tSprecher\tText\n\
00:01:02-3 Frau Schulz: Das Portal ist neu.\n\
00:01:09-0 I: Seit wann?\n\
B: Seit dem Frühjahr.";

fn interview_turns() -> Vec<(String, Option<String>, String)> {
    let t =
        |s: &str, ts: Option<&str>, x: &str| (s.to_owned(), ts.map(str::to_owned), x.to_owned());
    vec![
        t("I", Some("00:00:05-2"), "Wie fing das an?"),
        t(
            "B",
            None,
            "Also, ähm, mit der „E-Akte“ – das war wirklich 2015.\nDann kam das Portal.\t(lacht)",
        ),
        t("I", Some("00:00:31-0"), "Und die Arbeitsvermittlung?"),
        t(
            "B",
            None,
            "Größe 👍, Cafe\u{301} um 10\u{a0}Uhr, na ja  –  schwierig.",
        ),
        t("I", None, "Heute ist der 3/1/24, richtig?"),
        t("I", None, "Was hat sich geändert?"),
        // the list's second item is a line of the same turn; the heading ends it
        t("B", None, "Erstens die Termine,\nzweitens die Briefe."),
        t("Frau Schulz", Some("00:01:02-3"), "Das Portal ist neu."),
        t("I", Some("00:01:09-0"), "Seit wann?"),
        t("B", None, "Seit dem Frühjahr."),
    ]
}

const INTERVIEW_REMARKS: &str = "1 comment, 1 footnote and 1 endnote moved to the memo, 1 picture, 1 text box, 1 passage of hidden text, 1 deletion of tracked changes and 2 page headers and footers left out";

fn interview_memo(file: &str) -> String {
    format!(
        "Kommentare und Anmerkungen aus „{file}“\n\n\
Kommentar von Anna Schulz zu „Portal“: Welches Portal genau?\n\n\
Fußnote 1 zu „I: Und die Arbeitsvermittlung? #00:00:31-0#“: Gemeint ist die Vermittlung nach § 35 SGB III.\n\n\
Endnote 1 zu „B: Seit dem Frühjahr.“: Frühjahr 2023.\n"
    )
}

#[test]
fn a_docx_from_libreoffice_reads_as_the_document_reads() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("interview.docx"));
    assert_eq!(project.document_text(doc).unwrap(), INTERVIEW);
    assert_eq!(turns(&project, doc), interview_turns());
    assert_eq!(remarks(&report), INTERVIEW_REMARKS);
    let memo = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert_eq!(memo.text, interview_memo("interview.docx"));
    let (text, speaker) = code(&mut project, doc, "Dann kam das Portal.");
    assert_eq!(text, "Dann kam das Portal.");
    assert_eq!(speaker.as_deref(), Some("B"));
}

#[test]
fn an_odt_reads_as_the_same_docx_does() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("interview.odt"));
    assert_eq!(project.document_text(doc).unwrap(), INTERVIEW);
    assert_eq!(turns(&project, doc), interview_turns());
    assert_eq!(remarks(&report), INTERVIEW_REMARKS);
    let memo = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert_eq!(memo.text, interview_memo("interview.odt"));
    let (text, speaker) = code(&mut project, doc, "Das Portal ist neu.");
    assert_eq!(text, "Das Portal ist neu.");
    assert_eq!(speaker.as_deref(), Some("Frau Schulz"));
}

#[test]
fn an_rtf_from_libreoffice_reads_as_the_same_docx_does() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("interview.rtf"));
    assert_eq!(project.document_text(doc).unwrap(), INTERVIEW);
    assert_eq!(turns(&project, doc), interview_turns());
    assert_eq!(remarks(&report), INTERVIEW_REMARKS);
    let memo = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert_eq!(memo.text, interview_memo("interview.rtf"));
    let (text, speaker) = code(&mut project, doc, "Größe 👍");
    assert_eq!(text, "Größe 👍");
    assert_eq!(speaker.as_deref(), Some("B"));
}

#[test]
fn an_f4_style_rtf_in_its_code_page() {
    let s = Scratch::new();
    let rtf = b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator f4;}{\\info{\\author Anna}}\\f0\\fs24 I: Wie war das mit der Beh\\'f6rde? #00:00:12-5#\\par\r\nB: Schwierig, \\'84sehr\\'93 schwierig\\'85 #00:00:15-0#\\par\r\n}";
    let file = s.file("f4.rtf", rtf);
    let (mut project, report, doc) = import(&s, &file);
    assert_eq!(
        project.document_text(doc).unwrap(),
        "I: Wie war das mit der Behörde? #00:00:12-5#\nB: Schwierig, „sehr“ schwierig… #00:00:15-0#"
    );
    let t = |s: &str, ts: &str, x: &str| (s.to_owned(), Some(ts.to_owned()), x.to_owned());
    assert_eq!(
        turns(&project, doc),
        [
            t("I", "00:00:12-5", "Wie war das mit der Behörde?"),
            t("B", "00:00:15-0", "Schwierig, „sehr“ schwierig…"),
        ]
    );
    assert_eq!(remarks(&report), "");
    let (text, speaker) = code(&mut project, doc, "„sehr“");
    assert_eq!(text, "„sehr“");
    assert_eq!(speaker.as_deref(), Some("B"));
}

#[test]
fn a_pdf_reads_as_its_paragraphs_without_running_heads() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("long.pdf"));
    let expected = std::fs::read_to_string(fixture("long.txt")).unwrap();
    // wrapped lines joined, the running head and the page numbers of three pages left out
    assert_eq!(project.document_text(doc).unwrap(), expected);
    assert_eq!(project.turns(doc).unwrap().len(), 24);
    assert_eq!(remarks(&report), "2 page headers and footers left out");
    let words = "Arbeitsvermittlung Leistungsgewährung";
    let (text, speaker) = code(&mut project, doc, words);
    assert_eq!(text, words);
    assert!(speaker.is_some());
}

#[test]
fn a_pdfs_footnotes_go_to_the_memo_and_their_marks_leave_the_text() {
    let s = Scratch::new();
    let (project, report, doc) = import(&s, &fixture("interview.pdf"));
    let text = project.document_text(doc).unwrap();
    assert!(
        text.contains("I: Und die Arbeitsvermittlung? #00:00:31-0#"),
        "{text}"
    );
    assert!(text.contains("B: Seit dem Frühjahr."), "{text}");
    assert!(!text.contains("Gemeint ist"), "{text}");
    assert!(!text.contains("Frühjahr 2023"), "{text}");
    let memo = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert!(
        memo.text
            .contains("Fußnote 1: Gemeint ist die Vermittlung nach § 35 SGB III.\n"),
        "{}",
        memo.text
    );
    assert!(
        memo.text.contains("Fußnote 2: Frühjahr 2023.\n"),
        "{}",
        memo.text
    );
    assert!(
        remarks(&report).starts_with("2 footnotes moved to the memo"),
        "{}",
        remarks(&report)
    );
}

#[test]
fn a_scanned_pdf_is_refused_with_what_to_do() {
    let s = Scratch::new();
    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    let report = corpus::import_file(&mut project, &fixture("scan.pdf"), &options());
    let Outcome::Refused { reason } = &report.outcome else {
        panic!("a scan was imported");
    };
    assert!(
        reason.to_string().starts_with("it has no text layer")
            && reason.to_string().contains("OCR"),
        "{reason}"
    );
    assert!(project.documents().unwrap().is_empty());
}

#[test]
fn labels_in_bold_runs_and_a_german_heading_style() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("word_labels.docx"));
    assert_eq!(
        project.document_text(doc).unwrap(),
        "Interview 12 mit Frau Schulz\n\
Interviewer: #00:00:03-1# Wie kamen Sie zum Jobcenter?\n\
Frau Schulz: Über die Arbeitsagentur, 2019.\tDas war\u{a0}so.\n\
Interviewer: Und dann?\n\
Erzählen Sie.\n\
Frau Schulz: Dann kam „alles“ – auf einmal. #00:00:21-4#\n\
Nachgespräch\n\
Keine weiteren Anmerkungen."
    );
    let t =
        |s: &str, ts: Option<&str>, x: &str| (s.to_owned(), ts.map(str::to_owned), x.to_owned());
    assert_eq!(
        turns(&project, doc),
        [
            t(
                "Interviewer",
                Some("00:00:03-1"),
                "Wie kamen Sie zum Jobcenter?"
            ),
            t(
                "Frau Schulz",
                None,
                "Über die Arbeitsagentur, 2019.\tDas war\u{a0}so."
            ),
            t("Interviewer", None, "Und dann?\nErzählen Sie."),
            // the heading (style „Überschrift 1“, id berschrift1) ends the last turn
            t(
                "Frau Schulz",
                Some("00:00:21-4"),
                "Dann kam „alles“ – auf einmal."
            ),
        ]
    );
    assert_eq!(
        remarks(&report),
        "1 comment moved to the memo, 1 passage of hidden text left out"
    );
    let memo = project.memo(&MemoTarget::Document(doc)).unwrap().unwrap();
    assert_eq!(
        memo.text,
        "Kommentare und Anmerkungen aus „word_labels.docx“\n\n\
Kommentar von Anna Schulz zu „Arbeitsagentur“: Hier nachfragen: welche Agentur?\n"
    );
    let (text, speaker) = code(&mut project, doc, "Arbeitsagentur");
    assert_eq!(text, "Arbeitsagentur");
    assert_eq!(speaker.as_deref(), Some("Frau Schulz"));
}

#[test]
fn transcript_tables_become_turns_and_other_tables_lines() {
    let s = Scratch::new();
    let (mut project, report, doc) = import(&s, &fixture("table_transcripts.docx"));
    assert_eq!(
        project.document_text(doc).unwrap(),
        "Gruppendiskussion Jobcenter Süd\n\
00:00:04 B1: Ich fange an.\n\
00:00:09 B2: Ich auch,\nmit zwei Absätzen.\n\
00:00:15 Moderatorin: Danke.\n\
Zweiter Teil\n\
Text\tSprecher\tZeit\n\
#00:10:00-0# Moderatorin: Noch eine Frage.\n\
#00:10:04-5# B1: Gern.\n\
Übersicht\n\
Jobcenter\tFälle\tQuote\n\
Süd\t7\t0,4"
    );
    let t = |s: &str, ts: &str, x: &str| (s.to_owned(), Some(ts.to_owned()), x.to_owned());
    assert_eq!(
        turns(&project, doc),
        [
            t("B1", "00:00:04", "Ich fange an."),
            t("B2", "00:00:09", "Ich auch,\nmit zwei Absätzen."),
            t("Moderatorin", "00:00:15", "Danke."),
            t("Moderatorin", "00:10:00-0", "Noch eine Frage."),
            t("B1", "00:10:04-5", "Gern."),
        ]
    );
    assert_eq!(remarks(&report), "");
    assert!(project.memo(&MemoTarget::Document(doc)).unwrap().is_none());
    let (text, speaker) = code(&mut project, doc, "mit zwei Absätzen");
    assert_eq!(text, "mit zwei Absätzen");
    assert_eq!(speaker.as_deref(), Some("B2"));
}

/// A `.docx` of these entries, written with the zip crate.
fn docx(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn document_xml(body: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    )
    .into_bytes()
}

/// The `.odt` fixture with its manifest saying the content is encrypted, as a password-protected
/// file's does.
fn protected_odt() -> Vec<u8> {
    let bytes = std::fs::read(fixture("interview.odt")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if name == "META-INF/manifest.xml" {
            let xml = String::from_utf8(data).unwrap().replace(
                "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>",
                "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"AAAA\"><manifest:algorithm manifest:algorithm-name=\"Blowfish CFB\" manifest:initialisation-vector=\"AAAA\"/></manifest:encryption-data></manifest:file-entry>",
            );
            assert!(xml.contains("encryption-data"), "{xml}");
            data = xml.into_bytes();
        }
        entries.push((name, data));
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    docx(&borrowed)
}

#[test]
fn a_text_box_outside_a_run_stays_out_of_the_text() {
    let s = Scratch::new();
    let body = "<w:p><w:r><w:t>I: Wie war das?</w:t></w:r><mc:AlternateContent xmlns:mc=\"m\"><mc:Choice><w:drawing><wps:txbx xmlns:wps=\"s\"><w:txbxContent><w:p><w:r><w:t>Kasten</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox xmlns:v=\"v\"><w:txbxContent><w:p><w:r><w:t>Kasten</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:p>";
    let file = s.file(
        "box.docx",
        &docx(&[("word/document.xml", &document_xml(body))]),
    );
    let (project, report, doc) = import(&s, &file);
    assert_eq!(project.document_text(doc).unwrap(), "I: Wie war das?");
    assert_eq!(remarks(&report), "1 text box left out");
}

#[test]
fn bad_files_get_a_sentence_and_change_nothing() {
    let s = Scratch::new();
    let project_path = s.path("p.kodierwerk");
    let mut project = Project::create(&project_path).unwrap();
    drop(project);
    let before = fingerprint(&project_path);
    let bomb_body = format!(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
        "a".repeat(4 * 1024 * 1024)
    );
    let mut old_doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    old_doc.extend(std::iter::repeat_n(0u8, 2048));
    old_doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "protected.docx",
            std::fs::read(fixture("protected.docx")).unwrap(),
            "protected by a password",
        ),
        ("protected.odt", protected_odt(), "protected by a password"),
        (
            "truncated.docx",
            std::fs::read(fixture("truncated.docx")).unwrap(),
            "broken or cut short",
        ),
        ("old.doc", old_doc, "save it as .docx"),
        (
            "notes.docx",
            "I: Das ist eigentlich Text.\n".as_bytes().to_vec(),
            "named as a Word (.docx) file but is not one",
        ),
        (
            "bomb.docx",
            docx(&[("word/document.xml", &document_xml(&bomb_body))]),
            "zip bomb",
        ),
        (
            "escape.docx",
            docx(&[
                ("word/document.xml", &document_xml("<w:p/>")),
                ("../../evil.xml", b"<x/>"),
            ]),
            "points outside the archive",
        ),
        (
            "dtd.docx",
            docx(&[(
                "word/document.xml",
                b"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]><w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>",
            )]),
            "document type declaration",
        ),
        (
            "empty.docx",
            docx(&[(
                "word/document.xml",
                &document_xml("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>"),
            )]),
            "the file is empty",
        ),
        (
            "other.docx",
            docx(&[("hello.txt", b"hello")]),
            "not a Word document",
        ),
        (
            "picture-only.docx",
            docx(&[(
                "word/document.xml",
                &document_xml(
                    "<w:p><w:r><w:drawing><pic:pic xmlns:pic=\"p\"><a:blip xmlns:a=\"a\"/></pic:pic></w:drawing></w:r></w:p>",
                ),
            )]),
            "holds no text of its own (1 picture left out)",
        ),
    ];
    project = Project::open(&project_path).unwrap();
    for (name, bytes, sentence) in &cases {
        let file = s.file(name, bytes);
        let report = corpus::import_file(&mut project, &file, &options());
        match &report.outcome {
            Outcome::Refused { reason } => {
                assert!(reason.to_string().contains(sentence), "{name}: {reason}")
            }
            Outcome::Imported { .. } => panic!("{name} was imported"),
        }
    }
    drop(project);
    assert_eq!(fingerprint(&project_path), before);
}

#[test]
fn the_cli_imports_a_folder_of_office_files_and_reports_what_was_left_out() {
    let s = Scratch::new();
    let folder = s.path("in");
    std::fs::create_dir(&folder).unwrap();
    for name in [
        "word_labels.docx",
        "table_transcripts.docx",
        "interview.rtf",
    ] {
        std::fs::copy(fixture(name), folder.join(name)).unwrap();
    }
    let project = s.path("p.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["new", p]);
    let out = kw_ok(["import", p, "--jobcenter", "Süd", folder.to_str().unwrap()]);
    assert!(
        out.contains("interview.rtf: document 1 “interview” in Süd, 485 characters, 10 turns, RTF (by its content); 1 comment, 1 footnote and 1 endnote moved to the memo"),
        "{out}"
    );
    assert!(
        out.contains("word_labels.docx: document 3 “word_labels” in Süd, 274 characters, 4 turns, Word (.docx) (by its content); 1 comment moved to the memo, 1 passage of hidden text left out\n"),
        "{out}"
    );
    let text = kw_ok(["text", p, "--doc", "table_transcripts"]);
    assert!(
        text.starts_with("Gruppendiskussion Jobcenter Süd\n00:00:04 B1:"),
        "{text}"
    );
    let refused = kw([
        "import",
        p,
        "--jobcenter",
        "Süd",
        fixture("protected.docx").to_str().unwrap(),
    ]);
    assert!(!refused.ok);
    assert!(
        refused.stdout.contains("protected by a password"),
        "{}",
        refused.stdout
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_in_a_docx_never_panic(
        document in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        styles in proptest::collection::vec(proptest::num::u8::ANY, 0..100),
    ) {
        let bytes = docx(&[("word/document.xml", &document), ("word/styles.xml", &styles)]);
        let _ = corpus::prepare("x.docx", &bytes, &options());
        let _ = corpus::prepare("x.odt", &docx(&[("content.xml", &document)]), &options());
        let _ = corpus::prepare("x.docx", &document, &options());
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend_from_slice(&document);
        let _ = corpus::prepare("x.rtf", &rtf, &options());
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.extend_from_slice(&document);
        let _ = corpus::prepare("x.pdf", &pdf, &options());
    }

    #[test]
    fn damaged_pdfs_and_word_files_never_panic(
        flips in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..20),
        cut in proptest::num::usize::ANY,
    ) {
        for name in ["long.pdf", "interview.docx", "interview.odt", "interview.rtf"] {
            let mut bytes = std::fs::read(fixture(name)).unwrap();
            for (at, value) in &flips {
                let i = at % bytes.len();
                bytes[i] = *value;
            }
            let _ = corpus::prepare(name, &bytes, &options());
            bytes.truncate(cut % bytes.len());
            let _ = corpus::prepare(name, &bytes, &options());
        }
    }

    #[test]
    fn arbitrary_word_markup_never_panics_and_keeps_turns_on_the_text(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>I: </w:t>", "<w:t>B1: Ja, „gut“ 👍</w:t>",
                "<w:t>#00:00:01-2#</w:t>", "<w:tab/>", "<w:br/>", "<w:tbl>", "</w:tbl>", "<w:tr>",
                "</w:tr>", "<w:tc>", "</w:tc>", "<w:del>", "</w:del>", "<w:fldChar w:fldCharType=\"begin\"/>",
                "<w:fldChar w:fldCharType=\"end\"/>", "<w:commentRangeStart w:id=\"1\"/>",
                "<w:commentRangeEnd w:id=\"1\"/>", "<w:footnoteReference w:id=\"2\"/>",
                "<w:pPr><w:pStyle w:val=\"berschrift1\"/></w:pPr>", "<w:rPr><w:vanish/></w:rPr>",
            ]),
            0..60,
        ),
    ) {
        let body: String = pieces.concat();
        let styles = b"<w:styles xmlns:w=\"w\"><w:style w:styleId=\"berschrift1\"><w:name w:val=\"heading 1\"/></w:style></w:styles>";
        let comments = b"<w:comments xmlns:w=\"w\"><w:comment w:id=\"1\" w:author=\"A\"><w:p><w:r><w:t>c</w:t></w:r></w:p></w:comment></w:comments>";
        let bytes = docx(&[
            ("word/document.xml", &document_xml(&body)),
            ("word/styles.xml", styles),
            ("word/comments.xml", comments),
        ]);
        if let Ok((doc, _)) = corpus::prepare("x.docx", &bytes, &options()) {
            let len = doc.text.chars().count();
            let mut last = 0;
            for turn in &doc.turns {
                proptest::prop_assert!(turn.range.start.0 <= turn.range.end.0);
                proptest::prop_assert!(turn.range.end.0 <= len);
                proptest::prop_assert!(turn.range.start.0 >= last);
                last = turn.range.end.0;
            }
        }
    }
}
