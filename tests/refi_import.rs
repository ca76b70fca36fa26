//! Importing REFI-QDA projects and codebooks as NVivo, ATLAS.ti, QualCoder, MAXQDA and Taguette
//! really write them, and refusing hostile files without touching the project.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::{Scratch, fingerprint};
use kodierwerk::Error;
use kodierwerk::exchange::{CrLf, Dialect, Units, import_qdc, import_qdpx, read_qdc, read_qdpx};
use kodierwerk::model::bundle::Bundle;
use kodierwerk::project::Project;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refi")
        .join(name)
}

/// Writes a zip archive with the given entries (deflated).
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// An entry of a real archive, read the plain way.
fn zip_entry(path: &Path, name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entry = zip.by_name(name).unwrap();
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).unwrap();
    bytes
}

/// The text of a segment of a bundle.
fn segment_text(bundle: &Bundle, guid: &str) -> String {
    let segment = bundle.segments.iter().find(|s| s.guid == guid).unwrap();
    let source = bundle
        .sources
        .iter()
        .find(|s| s.guid == segment.source)
        .unwrap();
    source
        .text
        .chars()
        .skip(segment.start)
        .take(segment.end - segment.start)
        .collect()
}

/// The value of an attribute in one XML start tag.
fn attribute(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].to_owned()
}

fn code_depths(bundle: &Bundle) -> usize {
    let parents: HashMap<&str, Option<&str>> = bundle
        .codes
        .iter()
        .map(|c| (c.guid.as_str(), c.parent.as_deref()))
        .collect();
    bundle
        .codes
        .iter()
        .map(|c| {
            let mut depth = 1;
            let mut at = c.parent.as_deref();
            while let Some(p) = at {
                depth += 1;
                at = parents[p];
            }
            depth
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn nvivo_for_windows_selections_all_land_on_their_text() {
    let path = fixture("nvivo-win-12.6_oltas0517.qdpx");
    let (bundle, report) = read_qdpx(&path).unwrap();

    assert_eq!(bundle.codes.len(), 152);
    assert_eq!(code_depths(&bundle), 4);
    assert_eq!(bundle.users.len(), 2);
    assert_eq!(bundle.sources.len(), 2);
    assert_eq!(bundle.segments.len(), 303);
    assert_eq!(report.counts.selections, 303);
    assert!(report.unplaced.is_empty(), "{report}");
    assert!(bundle.codes.iter().all(|c| c.color.len() == 7));

    let nvivo = Dialect {
        units: Units::Utf16,
        crlf: CrLf::Two,
    };
    let coded: Vec<_> = report
        .dialects
        .iter()
        .filter(|d| d.source == "videos_10_selected")
        .collect();
    assert_eq!(coded.len(), 1, "{report}");
    assert_eq!(coded[0].dialect, nvivo);
    assert!(coded[0].confirmed);
    assert!(
        coded[0].how.contains("UTF-16 units, CRLF as 2"),
        "{}",
        coded[0].how
    );

    // NVivo 12.6 leaves every `name` empty, so the quoted text cannot be compared. Instead each
    // segment must be exactly what NVivo's own counting selects in the raw file: UTF-16 units of
    // the text after its BOM, CRLF as two, then stored with `\n`.
    let qde = String::from_utf8(zip_entry(&path, "project.qde")).unwrap();
    let source_guid = "68bbdc14-c361-4432-b4dd-ae1dbfc12890";
    let raw = zip_entry(&path, &format!("Sources/{source_guid}.txt"));
    let raw = String::from_utf8(raw).unwrap();
    let units: Vec<u16> = raw.trim_start_matches('\u{feff}').encode_utf16().collect();
    let mut checked = 0;
    for tag in qde.split("<PlainTextSelection ").skip(1) {
        let tag = format!(" {}", &tag[..tag.find('>').unwrap()]);
        let guid = attribute(&tag, "guid");
        let start: usize = attribute(&tag, "startPosition").parse().unwrap();
        let end: usize = attribute(&tag, "endPosition").parse().unwrap();
        assert_eq!(
            attribute(&tag, "name"),
            "",
            "the fixture quotes text after all"
        );
        let expected = String::from_utf16(&units[start..end])
            .unwrap()
            .replace("\r\n", "\n");
        assert_eq!(segment_text(&bundle, &guid), expected, "selection {guid}");
        checked += 1;
    }
    assert_eq!(checked, 303);

    // And into a project: everything arrives.
    let s = Scratch::new();
    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    let report = import_qdpx(&mut project, &path).unwrap();
    let written = report.written.as_ref().unwrap();
    assert_eq!(written.segments, 303, "{report}");
    assert_eq!(written.codes, 152, "{report}");
    let codes = project.codes().unwrap();
    assert_eq!(
        codes.iter().map(|c| c.depth).max(),
        Some(3),
        "depth counts from 0"
    );
    let text = format!("{report}");
    assert!(text.contains("UTF-16 units, CRLF as 2"), "{text}");
}

#[test]
fn atlas_ti_codebook_gives_its_tree_and_users() {
    let (bundle, report) = read_qdpx(&fixture("atlasti-23_codebook-only.qdpx")).unwrap();
    assert_eq!(report.counts.users, 2);
    let names: Vec<&str> = bundle.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Enric Llagostera", "ATLAS.ti"]);
    assert_eq!(bundle.users[0].guid, "088b08ac-d5cd-4adb-8b71-b4f3459c177f");
    assert_eq!(bundle.codes.len(), 3);
    assert_eq!(code_depths(&bundle), 2);
    let parent = &bundle.codes[0];
    assert_eq!(parent.name, "Commits");
    assert!(
        bundle.codes[1..]
            .iter()
            .all(|c| c.parent.as_deref() == Some(parent.guid.as_str()))
    );
    assert!(bundle.codes.iter().all(|c| c.color == "#9ca3af"));

    // ATLAS.ti may name the XML after the project.
    let s = Scratch::new();
    let qde = zip_entry(&fixture("atlasti-23_codebook-only.qdpx"), "project.qde");
    let renamed = s.path("renamed.qdpx");
    write_zip(&renamed, &[("target-atlas-project.qde", &qde)]);
    let (again, _) = read_qdpx(&renamed).unwrap();
    assert_eq!(again, bundle);

    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    import_qdpx(&mut project, &renamed).unwrap();
    let paths: Vec<String> = project
        .codes()
        .unwrap()
        .into_iter()
        .map(|c| c.path.into())
        .collect();
    assert!(paths.contains(&"Commits/2022-05-10T02:05:59Z 19e4dce".to_owned()));
    let coders: Vec<String> = project
        .coders()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(coders.contains(&"Enric Llagostera".to_owned()));
}

#[test]
fn a_taguette_codebook_imports_despite_its_empty_sets() {
    let s = Scratch::new();
    let qdc = s.file(
        "taguette.qdc",
        br##"<?xml version='1.0' encoding='utf-8'?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4.1"><Codes><Code guid="4a1bd9f8-3c2f-4ec1-9a35-2f1c9e0a7b11" name="interesting" isCodable="true" color="#7F8FFF"><Description>Things worth a second look</Description></Code><Code guid="{9B5E2C7A-1D3F-4A6B-8C9D-0E1F2A3B4C5D}" name="people" isCodable="false" color="#ff0000"><Code guid="0e6c1a55-0f0e-4b7e-8f43-1b2c3d4e5f60" name="staff" isCodable="true"/></Code></Codes><Sets/></CodeBook>"##,
    );
    let (bundle, report) = read_qdc(&qdc).unwrap();
    assert_eq!(bundle.codes.len(), 3);
    assert_eq!(bundle.codes[0].color, "#7f8fff");
    assert_eq!(bundle.codes[0].description, "Things worth a second look");
    assert_eq!(bundle.codes[1].guid, "9b5e2c7a-1d3f-4a6b-8c9d-0e1f2a3b4c5d");
    assert_eq!(
        bundle.codes[2].parent.as_deref(),
        Some("9b5e2c7a-1d3f-4a6b-8c9d-0e1f2a3b4c5d")
    );
    assert_eq!(
        bundle.codes[2].color, "#ff0000",
        "inherits its parent's colour"
    );
    assert!(report.discarded.is_empty(), "{report}");

    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    let report = import_qdc(&mut project, &qdc).unwrap();
    assert_eq!(report.written.as_ref().unwrap().codes, 3);
    let codes = project.codes().unwrap();
    let interesting = codes.iter().find(|c| c.name == "interesting").unwrap();
    assert_eq!(interesting.color.to_lowercase(), "#7f8fff");
    assert_eq!(interesting.description, "Things worth a second look");
    assert!(codes.iter().any(|c| c.path == "people/staff"));
    // One undoable change.
    project.undo().unwrap();
    assert!(
        project
            .codes()
            .unwrap()
            .iter()
            .all(|c| c.name != "interesting")
    );
}

/// The lines of the test text; joined by `\n` or `\r\n`.
const LINES: [&str; 4] = [
    "Grüße aus Köln 😀",
    "Zweite Zeile 👩‍👩‍👧 mit Emoji",
    "Dritte: ß und e\u{301}",
    "Ende 🎉 gut",
];

/// Passages (as stored, with `\n`) that the programs code.
const PASSAGES: [&str; 4] = ["Köln 😀\nZweite", "👩‍👩‍👧 mit", "ß und e\u{301}", "Ende 🎉 gut"];

/// How one program writes a project.
struct Writer {
    origin: &'static str,
    crlf_in_file: bool,
    bom: bool,
    dialect: Dialect,
    quotes: bool,
    folder: &'static str,
    qde: &'static str,
}

fn count(text: &str, d: Dialect) -> usize {
    let text = match d.crlf {
        CrLf::Two => text.to_owned(),
        CrLf::One => text.replace("\r\n", "\n"),
    };
    match d.units {
        Units::CodePoints => text.chars().count(),
        Units::Utf16 => text.encode_utf16().count(),
    }
}

fn project_by(w: &Writer, path: &Path) {
    let eol = if w.crlf_in_file { "\r\n" } else { "\n" };
    let body = LINES.join(eol);
    let mut file = if w.bom {
        "\u{feff}".to_owned()
    } else {
        String::new()
    };
    file.push_str(&body);
    let mut selections = String::new();
    for (n, passage) in PASSAGES.iter().enumerate() {
        let written = passage.replace('\n', eol);
        let byte = body.find(&written).unwrap();
        let start = count(&body[..byte], w.dialect);
        let end = start + count(&written, w.dialect);
        let name = if w.quotes {
            passage.replace('\n', " ")
        } else {
            String::new()
        };
        selections.push_str(&format!(
            r##"<PlainTextSelection guid="00000000-0000-4000-8000-00000000010{n}" name="{name}" startPosition="{start}" endPosition="{end}" creatingUser="00000000-0000-4000-8000-000000000001"><Coding guid="00000000-0000-4000-8000-00000000020{n}" creatingUser="00000000-0000-4000-8000-000000000001"><CodeRef targetGUID="00000000-0000-4000-8000-000000000003"/></Coding></PlainTextSelection>"##
        ));
    }
    let qde = format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Dialekte" origin="{}"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Ada"/></Users><CodeBook><Codes><Code guid="00000000-0000-4000-8000-000000000003" name="Ort" isCodable="true" color="#112233"/></Codes></CodeBook><Sources><TextSource guid="00000000-0000-4000-8000-000000000004" name="Interview" plainTextPath="internal://00000000-0000-4000-8000-000000000004.txt">{selections}</TextSource></Sources></Project>"##,
        w.origin
    );
    let text_entry = format!("{}/00000000-0000-4000-8000-000000000004.txt", w.folder);
    write_zip(
        path,
        &[(w.qde, qde.as_bytes()), (&text_entry, file.as_bytes())],
    );
}

#[test]
fn every_programs_dialect_lands_on_the_same_text() {
    let writers = [
        Writer {
            origin: "MAXQDA 2022 (Release 22.7.0)",
            crlf_in_file: false,
            bom: false,
            dialect: Dialect::STANDARD,
            quotes: true,
            folder: "sources",
            qde: "project.qde",
        },
        Writer {
            origin: "NVivo for Windows 14.23.0",
            crlf_in_file: true,
            bom: true,
            dialect: Dialect {
                units: Units::Utf16,
                crlf: CrLf::Two,
            },
            quotes: false,
            folder: "Sources",
            qde: "project.qde",
        },
        Writer {
            origin: "ATLAS.ti for Windows 23.2.3.27778",
            crlf_in_file: true,
            bom: true,
            dialect: Dialect {
                units: Units::CodePoints,
                crlf: CrLf::One,
            },
            quotes: true,
            folder: "sources",
            qde: "Dialekte.qde",
        },
        Writer {
            origin: "QualCoder 3.5",
            crlf_in_file: false,
            bom: true,
            dialect: Dialect {
                units: Units::Utf16,
                crlf: CrLf::Two,
            },
            quotes: true,
            folder: "sources",
            qde: "project.qde",
        },
    ];
    let s = Scratch::new();
    let stored = LINES.join("\n");
    for (n, w) in writers.iter().enumerate() {
        let path = s.path(&format!("{n}.qdpx"));
        project_by(w, &path);
        let (bundle, report) = read_qdpx(&path).unwrap();
        assert_eq!(bundle.sources[0].text, stored, "{}", w.origin);
        assert!(report.unplaced.is_empty(), "{}: {report}", w.origin);
        assert_eq!(report.dialects[0].dialect, w.dialect, "{report}");
        assert!(report.dialects[0].confirmed, "{report}");
        let texts: Vec<String> = bundle
            .segments
            .iter()
            .map(|seg| segment_text(&bundle, &seg.guid))
            .collect();
        assert_eq!(texts, PASSAGES, "{}", w.origin);
        let ranges: Vec<(usize, usize)> =
            bundle.segments.iter().map(|s| (s.start, s.end)).collect();
        let first = stored.find("Köln").unwrap();
        assert_eq!(ranges[0].0, stored[..first].chars().count(), "{}", w.origin);

        let mut project = Project::create(&s.path(&format!("{n}.kodierwerk"))).unwrap();
        import_qdpx(&mut project, &path).unwrap();
        let docs = project.documents().unwrap();
        assert_eq!(project.document_text(docs[0].id).unwrap(), stored);
    }
}

#[test]
fn a_selection_quoting_other_text_is_reported_not_placed() {
    let s = Scratch::new();
    let path = s.path("wrong.qdpx");
    project_by(
        &Writer {
            origin: "MAXQDA 2022",
            crlf_in_file: false,
            bom: false,
            dialect: Dialect::STANDARD,
            quotes: true,
            folder: "sources",
            qde: "project.qde",
        },
        &path,
    );
    // Shift one selection by hand: its quote no longer matches.
    let qde = String::from_utf8(zip_entry(&path, "project.qde")).unwrap();
    let text = zip_entry(&path, "sources/00000000-0000-4000-8000-000000000004.txt");
    let quote = "name=\"ß und e\u{301}\" startPosition=\"";
    let at = qde.find(quote).unwrap() + quote.len();
    let digits = qde[at..].find('"').unwrap();
    let start: usize = qde[at..at + digits].parse().unwrap();
    let qde = format!("{}{}{}", &qde[..at], start + 1, &qde[at + digits..]);
    write_zip(
        &path,
        &[
            ("project.qde", qde.as_bytes()),
            ("sources/00000000-0000-4000-8000-000000000004.txt", &text),
        ],
    );
    let (bundle, report) = read_qdpx(&path).unwrap();
    assert_eq!(bundle.segments.len(), 3);
    assert_eq!(report.unplaced.len(), 1, "{report}");
    assert!(
        report.unplaced[0].reason.contains("quoted text"),
        "{report}"
    );
    assert_eq!(report.unplaced[0].source, "Interview");
}

#[test]
fn programs_differences_are_read_leniently() {
    let s = Scratch::new();
    let path = s.path("lenient.qdpx");
    // Namespace of a draft version, GUIDs in upper case and braces, text inline with CRLF, date
    // without zone, a selection with two codings, memos as notes, descriptions and links, a case
    // with values and sources, a document variable, a PDF, a graph, a set and an unknown element.
    let qde = r##"<?xml version="1.0" encoding="utf-8"?>
<qda:Project xmlns:qda="urn:QDA-XML:project:0:4" name="Studie" origin="Some QDA 1.0" creatingUserGUID="{AAAAAAAA-0000-4000-8000-000000000001}">
  <qda:Users><qda:User guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Ada"/><qda:User guid="aaaaaaaa-0000-4000-8000-000000000002" name="Bo"/></qda:Users>
  <qda:CodeBook><qda:Codes>
    <qda:Code guid="CCCCCCCC-0000-4000-8000-000000000001" name="Haltung" isCodable="false" color="#ABC">
      <qda:Description>Wie Menschen zur Sache stehen.</qda:Description>
      <qda:NoteRef targetGUID="EEEEEEEE-0000-4000-8000-000000000001"/>
      <qda:Code guid="cccccccc-0000-4000-8000-000000000002" name="skeptisch" isCodable="true"/>
    </qda:Code>
  </qda:Codes></qda:CodeBook>
  <qda:Variables>
    <qda:Variable guid="dddddddd-0000-4000-8000-000000000001" name="Region" typeOfVariable="Text"/>
    <qda:Variable guid="dddddddd-0000-4000-8000-000000000002" name="Datum" typeOfVariable="Date"/>
  </qda:Variables>
  <qda:Cases>
    <qda:Case guid="bbbbbbbb-0000-4000-8000-000000000001" name="Nord">
      <qda:Description>Der Norden.</qda:Description>
      <qda:VariableValue><qda:VariableRef targetGUID="DDDDDDDD-0000-4000-8000-000000000001"/><qda:TextValue>Küste</qda:TextValue></qda:VariableValue>
      <qda:SourceRef targetGUID="ffffffff-0000-4000-8000-000000000001"/>
    </qda:Case>
    <qda:Case guid="bbbbbbbb-0000-4000-8000-000000000002" name="Süd">
      <qda:SourceRef targetGUID="ffffffff-0000-4000-8000-000000000001"/>
    </qda:Case>
  </qda:Cases>
  <qda:Sources>
    <qda:TextSource guid="{FFFFFFFF-0000-4000-8000-000000000001}" name="Gespräch" creationDateTime="2024-03-01T10:00:00">
      <qda:Description>Erstes Gespräch.</qda:Description>
      <qda:PlainTextContent>Ich bin skeptisch.&#13;&#10;Sehr sogar.</qda:PlainTextContent>
      <qda:PlainTextSelection guid="99999999-0000-4000-8000-000000000001" name="skeptisch. Sehr" startPosition="8" endPosition="24" creatingUser="aaaaaaaa-0000-4000-8000-000000000002" creationDateTime="2024-03-02T11:00:00Z">
        <qda:Description>Klar gesagt.</qda:Description>
        <qda:Coding guid="88888888-0000-4000-8000-000000000001"><qda:CodeRef targetGUID="cccccccc-0000-4000-8000-000000000002"/></qda:Coding>
        <qda:Coding guid="88888888-0000-4000-8000-000000000002" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}"><qda:CodeRef targetGUID="CCCCCCCC-0000-4000-8000-000000000001"/></qda:Coding>
      </qda:PlainTextSelection>
      <qda:VariableValue><qda:VariableRef targetGUID="dddddddd-0000-4000-8000-000000000002"/><qda:DateValue>2024-03-01</qda:DateValue></qda:VariableValue>
      <qda:Marginalia/>
    </qda:TextSource>
    <qda:PDFSource guid="ffffffff-0000-4000-8000-000000000002" name="Flyer" path="internal://flyer.pdf">
      <qda:PDFSelection guid="77777777-0000-4000-8000-000000000001" page="1" firstX="0" firstY="0" secondX="10" secondY="10"/>
    </qda:PDFSource>
  </qda:Sources>
  <qda:Notes>
    <qda:Note guid="eeeeeeee-0000-4000-8000-000000000001" name="Code-Memo"><qda:PlainTextContent>Vorsicht mit Ironie.</qda:PlainTextContent></qda:Note>
    <qda:Note guid="eeeeeeee-0000-4000-8000-000000000002" name="Passage"><qda:PlainTextContent>Wichtigste Stelle.</qda:PlainTextContent></qda:Note>
    <qda:Note guid="eeeeeeee-0000-4000-8000-000000000003" name="Lose"><qda:PlainTextContent>Gedanke ohne Ort.</qda:PlainTextContent></qda:Note>
  </qda:Notes>
  <qda:Links>
    <qda:Link guid="66666666-0000-4000-8000-000000000001" originGUID="eeeeeeee-0000-4000-8000-000000000002" targetGUID="99999999-0000-4000-8000-000000000001"/>
    <qda:Link guid="66666666-0000-4000-8000-000000000002" originGUID="cccccccc-0000-4000-8000-000000000001" targetGUID="cccccccc-0000-4000-8000-000000000002"/>
  </qda:Links>
  <qda:Sets><qda:Set guid="55555555-0000-4000-8000-000000000001" name="Auswahl"/></qda:Sets>
  <qda:Graphs><qda:Graph guid="44444444-0000-4000-8000-000000000001" name="Netz"/></qda:Graphs>
  <qda:Description>Eine Studie.</qda:Description>
</qda:Project>"##;
    write_zip(&path, &[("project.qde", qde.as_bytes())]);
    let (bundle, report) = read_qdpx(&path).unwrap();

    assert_eq!(bundle.name, "Studie");
    assert_eq!(bundle.users[0].guid, "aaaaaaaa-0000-4000-8000-000000000001");
    let haltung = &bundle.codes[0];
    assert_eq!(haltung.color, "#aabbcc");
    assert_eq!(haltung.description, "Wie Menschen zur Sache stehen.");
    assert_eq!(haltung.memo, "Vorsicht mit Ironie.");
    assert_eq!(bundle.codes[1].color, "#aabbcc");

    let source = &bundle.sources[0];
    assert_eq!(source.guid, "ffffffff-0000-4000-8000-000000000001");
    assert_eq!(source.text, "Ich bin skeptisch.\nSehr sogar.");
    assert_eq!(source.memo, "Erstes Gespräch.");
    assert_eq!(source.created_at, "2024-03-01T10:00:00");
    assert_eq!(
        source.case.as_deref(),
        Some("bbbbbbbb-0000-4000-8000-000000000001")
    );
    assert_eq!(
        source.values,
        [(
            "dddddddd-0000-4000-8000-000000000002".to_owned(),
            "2024-03-01".to_owned()
        )]
    );
    let nord = &bundle.cases[0];
    assert_eq!(nord.memo, "Der Norden.");
    assert_eq!(
        nord.values,
        [(
            "dddddddd-0000-4000-8000-000000000001".to_owned(),
            "Küste".to_owned()
        )]
    );
    let datum = bundle.variables.iter().find(|v| v.name == "Datum").unwrap();
    assert!(datum.is_date);
    assert_eq!(
        datum.scope,
        kodierwerk::model::bundle::VariableScope::Source
    );

    // One selection, two codings: two segments, the first with the selection's GUID.
    assert_eq!(bundle.segments.len(), 2);
    let first = &bundle.segments[0];
    assert_eq!(first.guid, "99999999-0000-4000-8000-000000000001");
    assert_eq!(
        bundle.segments[1].guid,
        "88888888-0000-4000-8000-000000000002"
    );
    assert_eq!(segment_text(&bundle, &first.guid), "skeptisch.\nSehr");
    assert_eq!(first.user, "aaaaaaaa-0000-4000-8000-000000000002");
    assert_eq!(
        bundle.segments[1].user,
        "aaaaaaaa-0000-4000-8000-000000000001"
    );
    assert_eq!(first.memo, "Klar gesagt.\n\nWichtigste Stelle.");
    assert_eq!(bundle.memo, "Eine Studie.\n\nLose\n\nGedanke ohne Ort.");
    assert_eq!(report.counts.notes, 3);

    let said = report.discarded.join("\n");
    for expected in [
        "1 PDF source (“Flyer”) with 1 PDF region was not imported",
        "belongs to the cases “Nord”, “Süd”",
        "1 link between",
        "1 set (“Auswahl”)",
        "1 graph",
        "<Marginalia> in a text source",
    ] {
        assert!(said.contains(expected), "missing “{expected}” in:\n{said}");
    }
}

/// Imports a hostile file into a project and proves the project file did not change.
fn refused_without_trace(file: &Path, scratch: &Scratch) -> Error {
    let project_path = scratch.path("victim.kodierwerk");
    if !project_path.exists() {
        let mut project = Project::create(&project_path).unwrap();
        project.add_code("Vorhanden", None, "").unwrap();
    }
    let before = fingerprint(&project_path);
    let mut project = Project::open(&project_path).unwrap();
    let err = import_qdpx(&mut project, file).unwrap_err();
    drop(project);
    assert_eq!(fingerprint(&project_path), before, "the project changed");
    err
}

#[test]
fn hostile_and_broken_archives_are_refused_and_change_nothing() {
    let s = Scratch::new();
    let qde = br##"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Eve"/></Users></Project>"##;

    let slip = s.path("slip.qdpx");
    write_zip(
        &slip,
        &[("project.qde", qde), ("../../evil.txt", b"overwritten")],
    );
    let err = refused_without_trace(&slip, &s);
    assert!(matches!(err, Error::UnsafeExchangeFile { .. }), "{err}");
    assert!(err.to_string().contains("../../evil.txt"), "{err}");
    assert!(!s.dir.path().join("../../evil.txt").exists());

    let bomb = s.path("bomb.qdpx");
    let zeros = vec![b'a'; 20 * 1024 * 1024];
    let bomb_qde = br##"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource guid="00000000-0000-4000-8000-000000000004" name="Bombe" plainTextPath="internal://bomb.txt"/></Sources></Project>"##;
    write_zip(
        &bomb,
        &[("project.qde", bomb_qde), ("sources/bomb.txt", &zeros)],
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let err = refused_without_trace(&bomb, &s);
    assert!(matches!(err, Error::UnsafeExchangeFile { .. }), "{err}");
    assert!(err.to_string().contains("zip bomb"), "{err}");

    let laughs = s.path("laughs.qdpx");
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Project [\n<!ENTITY lol \"lol\">\n");
    xml.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for n in 2..10 {
        let prev = format!("&lol{};", n - 1).repeat(10);
        xml.push_str(&format!("<!ENTITY lol{n} \"{prev}\">\n"));
    }
    xml.push_str("]>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&lol9;\"/>");
    write_zip(&laughs, &[("project.qde", xml.as_bytes())]);
    let err = refused_without_trace(&laughs, &s);
    assert!(matches!(err, Error::UnsafeExchangeFile { .. }), "{err}");
    assert!(err.to_string().contains("DOCTYPE"), "{err}");

    let headless = s.path("headless.qdpx");
    write_zip(&headless, &[("sources/a.txt", b"Nur Text")]);
    let err = refused_without_trace(&headless, &s);
    assert!(matches!(err, Error::NotRefiQda { .. }), "{err}");
    assert!(err.to_string().contains("project.qde"), "{err}");

    let not_zip = s.file("plain.qdpx", b"Dies ist kein Archiv.\n");
    let err = refused_without_trace(&not_zip, &s);
    assert!(matches!(err, Error::NotRefiQda { .. }), "{err}");
    assert!(err.to_string().contains("not a zip archive"), "{err}");

    let broken_xml = s.path("broken.qdpx");
    write_zip(
        &broken_xml,
        &[("project.qde", b"<Project name=\"x\"><Users></Project>")],
    );
    let err = refused_without_trace(&broken_xml, &s);
    assert!(matches!(err, Error::NotRefiQda { .. }), "{err}");

    let truncated = s.path("truncated.qdpx");
    let good = std::fs::read(fixture("atlasti-23_codebook-only.qdpx")).unwrap();
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    let err = refused_without_trace(&truncated, &s);
    assert!(matches!(err, Error::NotRefiQda { .. }), "{err}");

    let codebook_as_project = s.file("book.qdc", b"<CodeBook><Codes/></CodeBook>");
    let err = refused_without_trace(&codebook_as_project, &s);
    assert!(matches!(err, Error::NotRefiQda { .. }), "{err}");
}

#[test]
fn a_selection_past_the_end_of_its_text_is_reported() {
    let s = Scratch::new();
    let path = s.path("past.qdpx");
    let qde = r##"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="MAXQDA 24"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Ada"/></Users><CodeBook><Codes><Code guid="00000000-0000-4000-8000-000000000003" name="Ort" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="00000000-0000-4000-8000-000000000004" name="Kurz" plainTextPath="internal://kurz.txt"><PlainTextSelection guid="00000000-0000-4000-8000-000000000101" startPosition="0" endPosition="4" creatingUser="00000000-0000-4000-8000-000000000001"><Coding guid="00000000-0000-4000-8000-000000000201"><CodeRef targetGUID="00000000-0000-4000-8000-000000000003"/></Coding></PlainTextSelection><PlainTextSelection guid="00000000-0000-4000-8000-000000000102" startPosition="5" endPosition="500" creatingUser="00000000-0000-4000-8000-000000000001"><Coding guid="00000000-0000-4000-8000-000000000202"><CodeRef targetGUID="00000000-0000-4000-8000-000000000003"/></Coding></PlainTextSelection></TextSource></Sources></Project>"##;
    write_zip(
        &path,
        &[
            ("project.qde", qde.as_bytes()),
            ("sources/kurz.txt", b"Kurz und gut."),
        ],
    );
    let mut project = Project::create(&s.path("p.kodierwerk")).unwrap();
    let report = import_qdpx(&mut project, &path).unwrap();
    assert_eq!(report.unplaced.len(), 1, "{report}");
    let unplaced = &report.unplaced[0];
    assert_eq!(
        (unplaced.start.as_str(), unplaced.end.as_str()),
        ("5", "500")
    );
    assert!(unplaced.reason.contains("past the end"), "{report}");
    assert!(format!("{report}").contains("“Kurz”"), "{report}");
    let bundle = project.to_bundle().unwrap();
    assert_eq!(bundle.segments.len(), 1);
    assert_eq!(segment_text(&bundle, &bundle.segments[0].guid), "Kurz");
}
