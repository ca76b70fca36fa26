//! Lexical search and word frequencies at scale: 1,000 generated transcripts of 40,000 characters
//! (40 MB) in 60 jobcenters, prepared once (texts read into folded words), then searched.
//! Targets: a search under 200 ms, word frequencies under 1 s.
//!
//! `cargo bench --bench search` (criterion; the transcripts are generated, deterministic by seed)

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kodierwerk::analysis::{
    AnalysisData, ResolvedScope, SearchCorpus, SearchOptions, WordSpec, find, hits,
    word_frequencies,
};
use kodierwerk::corpus::turns::find_turns;
use kodierwerk::model::{DocumentId, DocumentInfo, Jobcenter, JobcenterId};
use kodierwerk::workload::corpus::transcript;

const DOCUMENTS: usize = 1000;
const CHARS: usize = 40_000;
const JOBCENTERS: usize = 60;

fn corpus() -> (AnalysisData, SearchCorpus) {
    let jobcenters: Vec<Jobcenter> = (0..JOBCENTERS)
        .map(|j| Jobcenter {
            id: JobcenterId(j as i64 + 1),
            name: format!("Jobcenter {j}"),
            attributes: Vec::new(),
            documents: DOCUMENTS / JOBCENTERS,
        })
        .collect();
    let mut documents = Vec::new();
    let mut read = Vec::new();
    let mut bytes = 0;
    for i in 0..DOCUMENTS {
        let text = transcript(i as u64 + 1, CHARS);
        bytes += text.len();
        let turns = find_turns(&text);
        let j = &jobcenters[i % JOBCENTERS];
        let info = DocumentInfo {
            id: DocumentId(i as i64 + 1),
            name: format!("t{i}"),
            jobcenter_id: j.id,
            jobcenter: j.name.clone(),
            source_name: String::new(),
            encoding: "UTF-8".into(),
            chars: text.chars().count(),
            turns: turns.len(),
            segments: 0,
            attributes: Vec::new(),
            imported_at: String::new(),
        };
        documents.push(info.clone());
        read.push((info, text, turns));
    }
    let started = Instant::now();
    let corpus = SearchCorpus::build(read);
    eprintln!(
        "prepared {DOCUMENTS} transcripts ({:.1} MB, {} different words) in {:.2} s",
        bytes as f64 / 1e6,
        corpus.vocabulary_len(),
        started.elapsed().as_secs_f64()
    );
    let data = AnalysisData {
        jobcenters,
        documents,
        codes: Vec::new(),
        coders: Vec::new(),
        attributes: Vec::new(),
        segments: Vec::new(),
    };
    (data, corpus)
}

fn bench(c: &mut Criterion) {
    let (data, corpus) = corpus();
    let scope = ResolvedScope::default();
    let mut group = c.benchmark_group("search over 1,000 transcripts (40 MB)");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let words = SearchOptions::default();
    for (name, query, options) in [
        (
            "phrases with OR",
            r#"E-Akte OR "elektronische Akte" OR eAkte"#,
            words,
        ),
        ("wildcard AND", "Akte* AND Papier", words),
        ("NEAR/5", "Akte NEAR/5 Fachverfahren", words),
        (
            "stem and umlauts",
            "Bürgerinnen",
            SearchOptions {
                stem: true,
                umlauts: true,
                ..words
            },
        ),
        (
            "regular expression",
            r"online-?antr\w*",
            SearchOptions {
                regex: true,
                ..words
            },
        ),
    ] {
        let n = hits(&corpus, &find(&corpus, query, options, &scope).unwrap()).len();
        eprintln!("{name}: {n} hits");
        group.bench_function(name, |b| {
            b.iter(|| hits(&corpus, &find(&corpus, query, options, &scope).unwrap()))
        });
    }
    let respondents = ResolvedScope {
        speakers: vec!["b*".into()],
        ..ResolvedScope::default()
    };
    group.bench_function("word frequencies by jobcenter", |b| {
        b.iter(|| word_frequencies(&data, &corpus, &scope, &WordSpec::default()).unwrap())
    });
    group.bench_function("word frequencies by stem, respondents", |b| {
        let spec = WordSpec {
            stem: true,
            ..WordSpec::default()
        };
        b.iter(|| word_frequencies(&data, &corpus, &respondents, &spec).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
