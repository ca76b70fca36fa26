//! Analysis at scale: co-occurrence (all three scopes), the crosstab and the code matrix over
//! 1,000,000 coded segments in 1,000 documents of 60 jobcenters, built in memory. Each is timed several times and the median printed.
//!
//! `cargo bench --bench analysis` (a few seconds; the data is generated, deterministic by seed)

use std::time::{Duration, Instant};

use kodierwerk::analysis::{
    AnalysisData, Columns, CooccurrenceScope, CooccurrenceSpec, CrosstabSpec, DocumentTurns,
    MatrixSpec, Measure, TableWords, Unit, cooccurrence, crosstab, matrix,
};
use kodierwerk::model::range::CharRange;
use kodierwerk::model::{
    Code, CodeId, CodePath, Coder, CoderId, DocumentId, DocumentInfo, Jobcenter, JobcenterId,
    SegmentSpan, Turn,
};

const DOCUMENTS: usize = 1000;
const JOBCENTERS: usize = 60;
const SEGMENTS_PER_DOCUMENT: usize = 1000;
const CHARS: usize = 40_000;
const TURN: usize = 400;

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }
}

fn data() -> (AnalysisData, DocumentTurns) {
    let mut rng = Lcg(5);
    let codes: Vec<Code> = (0..60)
        .map(|i| Code {
            id: CodeId(i + 1),
            parent: (i % 10 != 0).then_some(CodeId(i / 10 * 10 + 1)),
            name: format!("C{i}"),
            path: CodePath::parse(&format!("C{}/C{i}", i / 10 * 10)).unwrap(),
            depth: usize::from(i % 10 != 0),
            color: "#3B6FB6".into(),
            description: String::new(),
        })
        .collect();
    let documents: Vec<DocumentInfo> = (0..DOCUMENTS as i64)
        .map(|i| DocumentInfo {
            id: DocumentId(i + 1),
            name: format!("d{i}"),
            jobcenter_id: JobcenterId(i % JOBCENTERS as i64 + 1),
            jobcenter: format!("J{}", i % JOBCENTERS as i64),
            source_name: String::new(),
            encoding: "UTF-8".into(),
            chars: CHARS,
            turns: CHARS / TURN,
            segments: SEGMENTS_PER_DOCUMENT,
            attributes: Vec::new(),
            imported_at: String::new(),
        })
        .collect();
    let jobcenters = (0..JOBCENTERS)
        .map(|i| Jobcenter {
            id: JobcenterId(i as i64 + 1),
            name: format!("J{i}"),
            attributes: Vec::new(),
            documents: (DOCUMENTS + JOBCENTERS - 1 - i) / JOBCENTERS,
        })
        .collect();
    let mut segments = Vec::with_capacity(DOCUMENTS * SEGMENTS_PER_DOCUMENT);
    let mut turns = DocumentTurns::new();
    for doc in &documents {
        for _ in 0..SEGMENTS_PER_DOCUMENT {
            let start = rng.below(CHARS - 400);
            segments.push(SegmentSpan {
                document: doc.id,
                code: CodeId(rng.below(60) as i64 + 1),
                coder: CoderId(rng.below(3) as i64 + 1),
                range: CharRange::new(start, start + 20 + rng.below(380)).unwrap(),
            });
        }
        let list = (0..CHARS / TURN)
            .map(|t| Turn {
                speaker: if t % 2 == 0 { "I" } else { "B" }.into(),
                timestamp: None,
                range: CharRange::new(t * TURN + 3, (t + 1) * TURN - 1).unwrap(),
            })
            .collect();
        turns.insert(doc.id, list);
    }
    let data = AnalysisData {
        jobcenters,
        documents,
        codes,
        coders: (1..=3)
            .map(|i| Coder {
                id: CoderId(i),
                name: format!("K{i}"),
            })
            .collect(),
        attributes: Vec::new(),
        segments,
    };
    (data, turns)
}

fn time(what: &str, target: &str, mut run: impl FnMut()) {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{what}: median {:.0} ms — target {target}",
        times[times.len() / 2].as_secs_f64() * 1000.0
    );
}

fn main() {
    let (data, turns) = data();
    println!(
        "{} segments in {} documents",
        data.segments.len(),
        DOCUMENTS
    );
    for (scope, name) in [
        (CooccurrenceScope::Overlap, "overlap"),
        (CooccurrenceScope::Turn, "turn"),
        (CooccurrenceScope::Document, "document"),
    ] {
        let spec = CooccurrenceSpec { scope, coder: None };
        time(
            &format!("co-occurrence ({name}) of 1,000,000 segments"),
            "under 1 s",
            || {
                cooccurrence(&data, &spec, &turns).unwrap();
            },
        );
    }
    let spec = CrosstabSpec {
        conditions: Vec::new(),
        unit: Unit::Documents,
        coder: None,
        words: TableWords::default(),
    };
    time("crosstab of 1,000,000 segments", "under 1 s", || {
        crosstab(&data, &spec).unwrap();
    });
    let spec = MatrixSpec {
        by: Columns::Jobcenter,
        measure: Measure::Segments,
        coder: None,
        conditions: Vec::new(),
        words: TableWords::default(),
    };
    time(
        &format!("matrix of 1,000,000 segments, 60 codes × {JOBCENTERS} jobcenters"),
        "under 100 ms",
        || {
            matrix(&data, &spec).unwrap();
        },
    );
}
