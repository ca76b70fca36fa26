//! The sample project leaves as QDPX and comes back whole into an empty project: documents, codes,
//! coders, segments, memos and attributes.

mod common;

use std::collections::BTreeMap;

use common::Scratch;
use kodierwerk::exchange::{export_qdpx, import_qdpx, read_qdpx};
use kodierwerk::model::{MemoTarget, Scope};
use kodierwerk::project::{Project, SegmentFilter};

/// A document: text, jobcenter, attribute values, memo.
type DocumentPicture = (String, String, Vec<(String, String)>, Option<String>);
/// A jobcenter: attribute values, memo.
type JobcenterPicture = (Vec<(String, String)>, Option<String>);
/// A segment: document, code, coder, start, end, text, memo.
type SegmentPicture = (String, String, String, usize, usize, String, String);

/// Everything a researcher would compare, keyed by names, not row ids or GUIDs.
#[derive(Debug, PartialEq)]
struct Picture {
    documents: BTreeMap<String, DocumentPicture>,
    /// Colour, description, memo by code path.
    codes: BTreeMap<String, (String, String, Option<String>)>,
    coders: Vec<String>,
    segments: Vec<SegmentPicture>,
    /// Attribute values and memo by jobcenter name.
    jobcenters: BTreeMap<String, JobcenterPicture>,
    attributes: Vec<(Scope, String, String)>,
    project_memo: Option<String>,
}

fn picture(p: &Project) -> Picture {
    let memo = |t: MemoTarget| p.memo(&t).unwrap().map(|m| m.text);
    let documents = p
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| {
            let text = p.document_text(d.id).unwrap();
            let memo = memo(MemoTarget::Document(d.id));
            (d.name, (text, d.jobcenter, d.attributes, memo))
        })
        .collect();
    let codes = p
        .codes()
        .unwrap()
        .into_iter()
        .map(|c| {
            let memo = memo(MemoTarget::Code(c.id));
            (c.path.into(), (c.color.to_uppercase(), c.description, memo))
        })
        .collect();
    let mut coders: Vec<String> = p.coders().unwrap().into_iter().map(|c| c.name).collect();
    coders.sort();
    let mut segments: Vec<_> = p
        .segments(&SegmentFilter::default())
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
    segments.sort();
    let jobcenters = p
        .jobcenters()
        .unwrap()
        .into_iter()
        .map(|j| {
            let memo = memo(MemoTarget::Jobcenter(j.id));
            (j.name, (j.attributes, memo))
        })
        .collect();
    let mut attributes = Vec::new();
    for scope in [Scope::Jobcenter, Scope::Document] {
        for a in p.attributes(scope).unwrap() {
            attributes.push((scope, a.name, format!("{:?}", a.kind)));
        }
    }
    Picture {
        documents,
        codes,
        coders,
        segments,
        jobcenters,
        attributes,
        project_memo: memo(MemoTarget::Project),
    }
}

/// Compares two maps entry by entry, naming the first that differs.
fn same<V: PartialEq + std::fmt::Debug>(
    what: &str,
    after: &BTreeMap<String, V>,
    before: &BTreeMap<String, V>,
) {
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "{what} names"
    );
    for (key, value) in before {
        assert_eq!(&after[key], value, "{what} “{key}”");
    }
}

#[test]
fn the_sample_project_comes_back_whole_from_qdpx() {
    let s = Scratch::new();
    let original_path = s.path("sample.kodierwerk");
    kodierwerk::corpus::sample::create_sample(&original_path).unwrap();
    let original = Project::open(&original_path).unwrap();
    let qdpx = s.path("sample.qdpx");
    export_qdpx(&original, &qdpx).unwrap();

    let (bundle, read) = read_qdpx(&qdpx).unwrap();
    assert!(read.unplaced.is_empty(), "{read}");
    assert!(read.discarded.is_empty(), "{read}");
    assert!(read.dialects.iter().all(|d| d.confirmed), "{read}");
    assert!(
        read.dialects
            .iter()
            .all(|d| d.how.contains("selections match their quoted text")),
        "{read}"
    );
    // GUIDs survive: segments keep theirs.
    let exported = original.to_bundle().unwrap();
    let mut theirs: Vec<&str> = exported.segments.iter().map(|s| s.guid.as_str()).collect();
    let mut ours: Vec<&str> = bundle.segments.iter().map(|s| s.guid.as_str()).collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);

    let mut copy = Project::create(&s.path("copy.kodierwerk")).unwrap();
    let report = import_qdpx(&mut copy, &qdpx).unwrap();
    let written = report.written.as_ref().unwrap();
    assert!(written.skipped.is_empty(), "{report}");

    let before = picture(&original);
    let after = picture(&copy);
    assert!(before.segments.len() > 50);
    assert!(before.documents.len() >= 24);
    same("document", &after.documents, &before.documents);
    same("code", &after.codes, &before.codes);
    same("jobcenter", &after.jobcenters, &before.jobcenters);
    assert_eq!(after.coders, before.coders);
    assert_eq!(after.segments, before.segments);
    assert_eq!(after.attributes, before.attributes);
    assert_eq!(after.project_memo, before.project_memo);
}
