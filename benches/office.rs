//! Importing word processors' files costs little more than plain text: 1,000 generated transcripts
//! of about 40,000 characters each, imported into a new project once as `.txt` and once as
//! `.docx` (one paragraph per line, each speaker label in a bold run of its own, as transcription
//! services write them). The `.docx` import should take less than twice as long.
//!
//! `cargo bench --bench office` (several minutes; the data is generated, deterministic by seed)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kodierwerk::corpus::{ImportOptions, import_paths};
use kodierwerk::project::Project;
use kodierwerk::workload::corpus::transcript;

const DOCUMENTS: usize = 1_000;
const CHARS: usize = 40_000;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `.docx` of the transcript: one paragraph per line, the label of a turn in a bold run.
fn docx(text: &str) -> Vec<u8> {
    let mut body = String::with_capacity(text.len() * 3);
    for line in text.lines() {
        body.push_str("<w:p><w:pPr><w:pStyle w:val=\"Standard\"/></w:pPr>");
        let (label, rest) = match line.split_once(": ") {
            Some((label, rest)) if label.len() < 12 => (Some(label), rest),
            _ => (None, line),
        };
        if let Some(label) = label {
            body.push_str(&format!(
                "<w:r><w:rPr><w:b/></w:rPr><w:t>{}:</w:t></w:r>",
                escape(label)
            ));
            body.push_str("<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>");
        }
        body.push_str(&format!(
            "<w:r><w:rPr><w:rFonts w:ascii=\"Arial\"/><w:sz w:val=\"24\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape(rest)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:style w:type=\"paragraph\" w:styleId=\"Standard\"><w:name w:val=\"Normal\"/></w:style></w:styles>";
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// Writes the corpus twice, as `.txt` and as `.docx`; returns both folders.
fn corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let txt = dir.join("txt");
    let word = dir.join("docx");
    std::fs::create_dir_all(&txt).unwrap();
    std::fs::create_dir_all(&word).unwrap();
    for d in 0..DOCUMENTS {
        let text = transcript(7_000 + d as u64, CHARS);
        std::fs::write(txt.join(format!("G{:05}.txt", d + 1)), &text).unwrap();
        std::fs::write(word.join(format!("G{:05}.docx", d + 1)), docx(&text)).unwrap();
    }
    (txt, word)
}

fn import_all(dir: &Path, folder: &Path) -> Duration {
    let path = dir.join("p.kodierwerk");
    let _ = std::fs::remove_file(&path);
    let mut project = Project::create(&path).unwrap();
    let options = ImportOptions {
        jobcenter: Some("Nord".into()),
        ..ImportOptions::default()
    };
    let start = std::time::Instant::now();
    let reports = import_paths(&mut project, &[folder.to_owned()], &options);
    let took = start.elapsed();
    assert_eq!(reports.iter().filter(|r| r.imported()).count(), DOCUMENTS);
    took
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (txt, word) = corpus(dir.path());
    let mut group = c.benchmark_group("import 1,000 transcripts of 40,000 characters");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(20));
    for (name, folder) in [("txt", &txt), ("docx", &word)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let path = dir.path().join("p.kodierwerk");
                    let _ = std::fs::remove_file(&path);
                },
                |()| import_all(dir.path(), folder),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
