//! Exporting a project for other QDA programs: a QDPX project and a QDC codebook that validate
//! against the REFI-QDA schemas, with positions in code points of the exported text, stable GUIDs,
//! and everything back when the file is read into an empty project.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use kodierwerk::corpus::sample::create_sample;
use kodierwerk::exchange::{export_qdc, export_qdpx};
use kodierwerk::model::{CharRange, MemoTarget};
use kodierwerk::project::{NewDocument, Project};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

fn sample(dir: &Path) -> Project {
    let path = dir.join("Beispielprojekt.kodierwerk");
    create_sample(&path).expect("sample project");
    Project::open(&path).expect("open sample")
}

/// The entries of a zip file by name.
fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        entries.insert(file.name().unwrap().into_owned(), bytes);
    }
    entries
}

/// Runs xmllint against a schema and insists that the file validates.
fn validate(xml: &[u8], schema: &str, dir: &Path) {
    let file = dir.join(format!("check-{}.xml", schema.replace('.', "-")));
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refi")
        .join(schema);
    let output = match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        Ok(output) => output,
        // CI sets KODIERWERK_REQUIRE_XMLLINT and installs it; elsewhere the check is optional.
        Err(e) if std::env::var_os("KODIERWERK_REQUIRE_XMLLINT").is_none() => {
            eprintln!(
                "note: {} not validated, xmllint is missing ({e}); install libxml2-utils",
                schema.display()
            );
            return;
        }
        Err(e) => panic!("xmllint does not run ({e}); install libxml2-utils"),
    };
    assert!(
        output.status.success(),
        "{} does not validate:\n{}",
        schema.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An attribute as a conforming parser reads it (line breaks in values normalised, references
/// resolved).
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .map(|a| a.unwrap())
        .find(|a| a.key.as_ref() == name.as_bytes())
        .map(|a| {
            a.normalized_value(XmlVersion::Explicit1_0)
                .unwrap()
                .into_owned()
        })
}

/// One selection as written: its source, positions and name.
#[derive(Debug)]
struct Written {
    source_path: String,
    guid: String,
    start: usize,
    end: usize,
    name: String,
}

/// An element's name and attributes.
type Element = (String, HashMap<String, String>);

/// Every element with its attributes, in document order; and the selections with their source.
fn read_qde(xml: &str) -> (Vec<Element>, Vec<Written>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut elements = Vec::new();
    let mut selections = Vec::new();
    let mut source_path = String::new();
    loop {
        let event = reader.read_event().unwrap();
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(element.name().as_ref().to_vec()).unwrap();
        let attributes: HashMap<String, String> = element
            .attributes()
            .map(|a| a.unwrap())
            .map(|a| {
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(XmlVersion::Explicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect();
        if name == "TextSource" {
            source_path = attribute(element, "plainTextPath").unwrap();
        }
        if name == "PlainTextSelection" {
            selections.push(Written {
                source_path: source_path.clone(),
                guid: attributes["guid"].clone(),
                start: attributes["startPosition"].parse().unwrap(),
                end: attributes["endPosition"].parse().unwrap(),
                name: attributes["name"].clone(),
            });
        }
        elements.push((name, attributes));
    }
    (elements, selections)
}

fn file_for(source_path: &str) -> String {
    let guid = source_path
        .strip_prefix("internal://")
        .and_then(|p| p.strip_suffix(".txt"))
        .expect("internal://<guid>.txt");
    format!("sources/{guid}.txt")
}

#[test]
fn the_sample_project_exports_to_a_valid_qdpx() {
    let dir = tempfile::tempdir().unwrap();
    let project = sample(dir.path());
    let out = dir.path().join("studie.qdpx");
    let summary = export_qdpx(&project, &out).unwrap();
    let documents = project.documents().unwrap();
    assert_eq!(summary.sources, documents.len());
    assert!(summary.segments > 50 && summary.sets >= 7, "{summary}");
    assert!(summary.to_string().contains("studie.qdpx"));

    let entries = unzip(&out);
    let qde = &entries["project.qde"];
    validate(qde, "Project.xsd", dir.path());
    let xml = std::str::from_utf8(qde).unwrap();
    for empty in [
        "<Sets/>",
        "<Notes/>",
        "<Cases/>",
        "<Variables/>",
        "<Users/>",
    ] {
        assert!(!xml.contains(empty), "{empty}");
    }
    assert!(xml.contains(r#"origin="Kodierwerk "#));
    assert!(xml.contains(r#"name="Beispielprojekt""#));

    // A flat sources/ folder: one UTF-8 file per document, no BOM, LF only, the stored text exactly.
    let bundle = project.to_bundle().unwrap();
    let names: Vec<&String> = entries.keys().filter(|k| *k != "project.qde").collect();
    assert_eq!(names.len(), documents.len());
    for source in &bundle.sources {
        let bytes = &entries[&format!("sources/{}.txt", source.guid)];
        assert!(
            !bytes.starts_with(b"\xEF\xBB\xBF"),
            "BOM in {}",
            source.name
        );
        assert!(!bytes.contains(&b'\r'), "CR in {}", source.name);
        assert_eq!(std::str::from_utf8(bytes).unwrap(), source.text);
    }
    for name in &names {
        assert!(name.starts_with("sources/") && !name[8..].contains('/'));
    }

    // Every selection's name is exactly the code points its positions cover in its file.
    let (elements, selections) = read_qde(xml);
    assert_eq!(selections.len(), bundle.segments.len());
    for s in &selections {
        let text = std::str::from_utf8(&entries[&file_for(&s.source_path)]).unwrap();
        let covered: String = text.chars().skip(s.start).take(s.end - s.start).collect();
        assert_eq!(covered, s.name, "selection {}", s.guid);
    }
    // References point at what exists.
    let guids: std::collections::HashSet<&String> =
        elements.iter().filter_map(|(_, a)| a.get("guid")).collect();
    for (name, attributes) in &elements {
        if let Some(target) = attributes.get("targetGUID") {
            assert!(guids.contains(target), "{name} points at {target}");
        }
    }
    let coders: Vec<&String> = elements
        .iter()
        .filter(|(n, _)| n == "PlainTextSelection")
        .filter_map(|(_, a)| a.get("creatingUser"))
        .collect();
    assert_eq!(coders.len(), selections.len());
    assert!(
        elements
            .iter()
            .any(|(n, a)| n == "Set" && a["name"] == "Trägerschaft = zkT")
    );
}

#[test]
fn the_codebook_exports_to_a_valid_qdc() {
    let dir = tempfile::tempdir().unwrap();
    let project = sample(dir.path());
    let out = dir.path().join("codebuch.qdc");
    let summary = export_qdc(&project, &out).unwrap();
    assert_eq!(summary.codes, project.codes().unwrap().len());
    let bytes = std::fs::read(&out).unwrap();
    validate(&bytes, "Codebook.xsd", dir.path());
    let (elements, _) = read_qde(std::str::from_utf8(&bytes).unwrap());
    let colours: Vec<&str> = elements
        .iter()
        .filter(|(n, _)| n == "Code")
        .map(|(_, a)| a["color"].as_str())
        .collect();
    assert_eq!(colours.len(), summary.codes);

    // A project without codes has no codebook to give.
    let empty = Project::create(&dir.path().join("leer.kodierwerk")).unwrap();
    let err = export_qdc(&empty, &dir.path().join("leer.qdc")).unwrap_err();
    assert!(err.to_string().contains("no codes"), "{err}");
    assert!(!dir.path().join("leer.qdc").exists());
}

#[test]
fn exporting_twice_gives_the_same_guids_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let project = sample(dir.path());
    let first = dir.path().join("eins.qdpx");
    let second = dir.path().join("zwei.qdpx");
    export_qdpx(&project, &first).unwrap();
    export_qdpx(&project, &second).unwrap();
    assert_eq!(unzip(&first), unzip(&second));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    // Over an existing file, atomically; no temporary file stays behind.
    export_qdpx(&project, &first).unwrap();
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".kodierwerk-export-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        export_qdpx(&project, dir.path()).is_err(),
        "a folder is no file"
    );
}

#[test]
fn umlauts_emoji_and_markup_characters_survive() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::create(&dir.path().join("p.kodierwerk")).unwrap();
    let text = "I: Grüß Gott, <Frau> \"K.\" & Co.\nB: Das 👍🏽 Portal – naja\tgeht.\n".to_owned();
    let doc = project
        .add_document(&NewDocument {
            name: "Interview <1> & \"Süd\"".into(),
            jobcenter: "Jobcenter <Süd> & \"Ost\"".into(),
            text: text.clone(),
            turns: kodierwerk::corpus::turns::find_turns(&text),
            source_name: "x.txt".into(),
            encoding: "UTF-8".into(),
            attributes: vec![("Rolle".into(), "Bürger:in <\"&\">".into())],
            memo: String::new(),
        })
        .unwrap();
    let code = project
        .add_code(
            "Wirkung & <Folgen>/\"Zitat\" 😀",
            Some("#123ABC"),
            "Regel <b> & \"c\"",
        )
        .unwrap();
    project
        .set_memo(&MemoTarget::Code(code), "Memo & <mehr>\nzweite Zeile")
        .unwrap();
    project
        .set_memo(&MemoTarget::Project, "Projekt <&>")
        .unwrap();
    let chars = text.chars().count();
    project
        .apply_code(
            doc,
            CharRange::new(3, chars - 1).unwrap(),
            code,
            "Jörg <&> \"J\"",
            "Segment\r-Memo & <x>",
        )
        .unwrap();
    project
        .apply_code(
            doc,
            CharRange::new(39, 43).unwrap(),
            code,
            "Jörg <&> \"J\"",
            "",
        )
        .unwrap();

    let out = dir.path().join("p.qdpx");
    export_qdpx(&project, &out).unwrap();
    let entries = unzip(&out);
    validate(&entries["project.qde"], "Project.xsd", dir.path());
    let xml = std::str::from_utf8(&entries["project.qde"]).unwrap();
    let (elements, selections) = read_qde(xml);
    let named = |element: &str, name: &str| {
        elements
            .iter()
            .any(|(n, a)| n == element && a.get("name").map(String::as_str) == Some(name))
    };
    assert!(named("TextSource", "Interview <1> & \"Süd\""));
    assert!(named("Case", "Jobcenter <Süd> & \"Ost\""));
    assert!(named("User", "Jörg <&> \"J\""));
    assert!(named("Code", "\"Zitat\" 😀"));
    let stored = project.document_text(doc).unwrap();
    assert_eq!(selections.len(), 2);
    for s in &selections {
        let covered: String = stored.chars().skip(s.start).take(s.end - s.start).collect();
        assert_eq!(s.name, covered);
    }
    assert!(
        selections
            .iter()
            .any(|s| s.name.contains('\n') && s.name.contains('\t'))
    );
    assert!(
        selections.iter().any(|s| s.name == "👍🏽 P"),
        "{selections:?}"
    );
}

#[test]
fn the_exported_file_comes_back_into_an_empty_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = sample(dir.path());
    // Memos on a code and a document, which the sample does not have.
    let code = project.codes().unwrap()[1].id;
    project
        .set_memo(&MemoTarget::Code(code), "Abgrenzung prüfen & <schärfen>")
        .unwrap();
    let doc = project.documents().unwrap()[2].id;
    project
        .set_memo(&MemoTarget::Document(doc), "Interview\nmit Störungen 📞")
        .unwrap();
    let out = dir.path().join("studie.qdpx");
    export_qdpx(&project, &out).unwrap();

    let (bundle, _) = kodierwerk::exchange::read_qdpx(&out).unwrap();
    let mut copy = Project::create(&dir.path().join("kopie.kodierwerk")).unwrap();
    let report = copy.import_bundle(&bundle, "QDPX importiert").unwrap();
    assert!(report.skipped.is_empty(), "{report}");

    let documents = |p: &Project| {
        p.documents()
            .unwrap()
            .into_iter()
            .map(|d| {
                let text = p.document_text(d.id).unwrap();
                (d.name, d.jobcenter, text, d.attributes)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(documents(&copy), documents(&project));
    let codes = |p: &Project| -> Vec<(String, String, String)> {
        p.codes()
            .unwrap()
            .into_iter()
            // The reader trims a description's surrounding white space (Markdown-neutral).
            .map(|c| {
                (
                    c.path.into(),
                    c.color.to_uppercase(),
                    c.description.trim().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(codes(&copy), codes(&project));
    let coders =
        |p: &Project| -> Vec<String> { p.coders().unwrap().into_iter().map(|c| c.name).collect() };
    assert_eq!(coders(&copy), coders(&project));
    let segments = |p: &Project| {
        let mut list: Vec<(String, String, String, usize, usize, String, String)> = p
            .segments(&Default::default())
            .unwrap()
            .into_iter()
            .map(|s| {
                (
                    s.document,
                    s.code.into(),
                    s.coder,
                    s.start,
                    s.end,
                    s.text,
                    s.memo,
                )
            })
            .collect();
        list.sort();
        list
    };
    assert_eq!(segments(&copy), segments(&project));
    let jobcenters = |p: &Project| -> Vec<(String, Vec<(String, String)>)> {
        p.jobcenters()
            .unwrap()
            .into_iter()
            .map(|j| (j.name, j.attributes))
            .collect()
    };
    assert_eq!(jobcenters(&copy), jobcenters(&project));
    assert_eq!(
        copy.memo(&MemoTarget::Project).unwrap().map(|m| m.text),
        project.memo(&MemoTarget::Project).unwrap().map(|m| m.text)
    );
    let memos = |p: &Project| {
        let mut list: Vec<(&'static str, String)> = p
            .memos()
            .unwrap()
            .into_iter()
            .map(|m| (m.target.kind(), m.text.trim().to_owned()))
            .collect();
        list.sort();
        list
    };
    let theirs = memos(&project);
    for kind in ["project", "jobcenter", "document", "code"] {
        assert!(theirs.iter().any(|(k, _)| *k == kind), "{kind}");
    }
    assert!(
        project
            .segments(&Default::default())
            .unwrap()
            .iter()
            .any(|s| !s.memo.is_empty())
    );
    assert_eq!(memos(&copy), theirs);
}

/// QualCoder's importer stops at a note without `creationDateTime`: every note carries one, and a
/// coding's note its coder.
#[test]
fn every_note_carries_its_time_and_a_codings_note_its_coder() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = sample(dir.path());
    let doc = project.documents().unwrap()[0].id;
    let code = project.codes().unwrap()[0].id;
    project
        .set_memo(&MemoTarget::Document(doc), "Dokument-Memo")
        .unwrap();
    project
        .set_memo(&MemoTarget::Code(code), "Code-Memo")
        .unwrap();
    let segment = project
        .segments(&Default::default())
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    project
        .set_segment_memo(segment.id, "Segment-Memo")
        .unwrap();
    let out = dir.path().join("memos.qdpx");
    export_qdpx(&project, &out).unwrap();
    let qde = unzip(&out).remove("project.qde").unwrap();
    validate(&qde, "Project.xsd", dir.path());
    let xml = String::from_utf8(qde).unwrap();
    let notes: Vec<&str> = xml
        .match_indices("<Note ")
        .map(|(at, _)| &xml[at..at + xml[at..].find('>').unwrap()])
        .collect();
    assert!(notes.len() >= 3, "{notes:?}");
    for note in &notes {
        assert!(note.contains("creationDateTime=\""), "{note}");
    }
    let coding_note = notes
        .iter()
        .find(|n| n.contains(&format!("{}–{}", segment.start, segment.end)))
        .unwrap();
    assert!(coding_note.contains("creatingUser=\""), "{coding_note}");
}
