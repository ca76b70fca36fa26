//! Intercoder agreement at scale: two coders, 1,000,000 segments in 1,000 documents of 40,000
//! characters, 60 codes, compared character by character (and by turn, and by segment), from data
//! already loaded. Target: the character unit under 1 s.
//!
//! `cargo bench --bench agreement` (criterion; the data is generated, deterministic by seed)

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use kodierwerk::analysis::{AgreementSpec, AgreementUnit, AnalysisData, DocumentUnits, agreement};
use kodierwerk::model::range::CharRange;
use kodierwerk::model::{
    Code, CodeId, CodePath, Coder, CoderId, DocumentId, DocumentInfo, Jobcenter, JobcenterId,
    SegmentSpan,
};
use kodierwerk::workload::corpus::Rng;

const DOCUMENTS: usize = 1000;
const SEGMENTS_PER_DOCUMENT: usize = 1000;
const CHARS: usize = 40_000;
const TURN: usize = 400;
const CODES: i64 = 60;

/// Two coders who code the same passages roughly alike: each passage the first coder codes, the
/// second codes with shifted ends, or with another code, or not at all.
fn data() -> (AnalysisData, DocumentUnits) {
    let mut rng = Rng::new(14);
    let codes = (0..CODES)
        .map(|i| Code {
            id: CodeId(i + 1),
            parent: None,
            name: format!("C{i}"),
            path: CodePath::parse(&format!("C{i}")).unwrap(),
            depth: 0,
            color: "#3B6FB6".into(),
            description: String::new(),
        })
        .collect();
    let documents: Vec<DocumentInfo> = (0..DOCUMENTS as i64)
        .map(|i| DocumentInfo {
            id: DocumentId(i + 1),
            name: format!("d{i}"),
            jobcenter_id: JobcenterId(1),
            jobcenter: "J".into(),
            source_name: String::new(),
            encoding: "UTF-8".into(),
            chars: CHARS,
            turns: CHARS / TURN,
            segments: SEGMENTS_PER_DOCUMENT,
            attributes: Vec::new(),
            imported_at: String::new(),
        })
        .collect();
    let mut segments = Vec::with_capacity(DOCUMENTS * SEGMENTS_PER_DOCUMENT);
    let mut turns = DocumentUnits::new();
    for doc in &documents {
        for _ in 0..SEGMENTS_PER_DOCUMENT / 2 {
            let start = rng.below(CHARS - 500) + 20;
            let len = 20 + rng.below(380);
            let code = rng.below(CODES as usize) as i64 + 1;
            segments.push(SegmentSpan {
                document: doc.id,
                code: CodeId(code),
                coder: CoderId(1),
                range: CharRange::new(start, start + len).unwrap(),
            });
            let other = if rng.below(5) == 0 {
                rng.below(CODES as usize) as i64 + 1
            } else {
                code
            };
            let from = start + rng.below(20) - 10;
            segments.push(SegmentSpan {
                document: doc.id,
                code: CodeId(other),
                coder: CoderId(2),
                range: CharRange::new(from, from + len + rng.below(40)).unwrap(),
            });
        }
        turns.insert(
            doc.id,
            (0..CHARS / TURN)
                .map(|t| CharRange::new(t * TURN + 3, (t + 1) * TURN - 1).unwrap())
                .collect(),
        );
    }
    let data = AnalysisData {
        jobcenters: vec![Jobcenter {
            id: JobcenterId(1),
            name: "J".into(),
            attributes: Vec::new(),
            documents: DOCUMENTS,
        }],
        documents,
        codes,
        coders: ["Anna", "Jonas"]
            .iter()
            .enumerate()
            .map(|(i, name)| Coder {
                id: CoderId(i as i64 + 1),
                name: (*name).into(),
            })
            .collect(),
        attributes: Vec::new(),
        segments,
    };
    (data, turns)
}

fn bench(c: &mut Criterion) {
    let (data, turns) = data();
    assert_eq!(data.segments.len(), DOCUMENTS * SEGMENTS_PER_DOCUMENT);
    let spec = |unit| AgreementSpec {
        coders: vec!["Anna".into(), "Jonas".into()],
        unit,
        ..AgreementSpec::default()
    };
    let mut group = c.benchmark_group("agreement of 1,000,000 segments");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for unit in [
        AgreementUnit::Character,
        AgreementUnit::Turn,
        AgreementUnit::Segment,
    ] {
        let spec = spec(unit);
        group.bench_function(unit.as_str(), |b| {
            b.iter(|| agreement(&data, &spec, &turns).unwrap())
        });
    }
    let ci = AgreementSpec {
        ci: true,
        ..spec(AgreementUnit::Character)
    };
    group.bench_function("character with --ci", |b| {
        b.iter(|| agreement(&data, &ci, &turns).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
