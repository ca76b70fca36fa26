//! Realistic German transcripts of any size, deterministic by seed: sentences of the sample corpus
//! recombined into new interviews. For benchmarks and scale tests; the text is invented anyway.

use std::sync::OnceLock;

use crate::corpus::sample::bundled_texts;

/// A small, fast, seedable random number generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Sentences of the interviewers' and the respondents' turns in the sample corpus.
fn sentences() -> &'static (Vec<String>, Vec<String>) {
    static SENTENCES: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    SENTENCES.get_or_init(|| {
        let mut questions = Vec::new();
        let mut answers = Vec::new();
        for text in bundled_texts() {
            for line in text.lines() {
                let (target, rest) = if let Some(rest) = line.strip_prefix("**I:** ") {
                    (&mut questions, rest)
                } else if let Some(rest) = line.strip_prefix("**B:** ") {
                    (&mut answers, rest)
                } else {
                    continue;
                };
                let rest = rest.split_once("# ").map_or(rest, |(_, r)| r);
                for sentence in rest.split_inclusive(['.', '?', '!']) {
                    let sentence = sentence.trim();
                    if sentence.chars().count() > 12 {
                        target.push(sentence.to_owned());
                    }
                }
            }
        }
        (questions, answers)
    })
}

/// An interview transcript of about `chars` characters, with `I:`/`B:` turns and timestamps.
pub fn transcript(seed: u64, chars: usize) -> String {
    let (questions, answers) = sentences();
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(chars + 512);
    let mut seconds = 0;
    while out.len() < chars {
        seconds += 5 + rng.below(20);
        out.push_str(&format!("I: #{}# ", clock(seconds)));
        out.push_str(&questions[rng.below(questions.len())]);
        out.push_str("\n\n");
        seconds += 10 + rng.below(90);
        out.push_str(&format!("B: #{}# ", clock(seconds)));
        for n in 0..(1 + rng.below(8)) {
            if n > 0 {
                out.push(' ');
            }
            out.push_str(&answers[rng.below(answers.len())]);
        }
        out.push_str("\n\n");
    }
    out
}

/// What a generated project holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Generated {
    pub documents: usize,
    pub segments: usize,
}

/// Creates a project of `documents` generated transcripts of about `chars` characters each, spread
/// over jobcenters of every kind, with `segments` random codings per transcript by two coders.
pub fn generate_project(
    path: &std::path::Path,
    documents: usize,
    chars: usize,
    segments: usize,
    seed: u64,
) -> crate::Result<Generated> {
    use crate::model::range::CharRange;
    use crate::project::Project;

    let mut project = Project::create(path)?;
    project.add_codebook(
        &crate::coding::codebook::default_codebook()?,
        "Standard-Codebuch übernommen",
    )?;
    let kinds = [
        ("gE", "Stadt", "Digitale Vorreiter"),
        ("zkT", "Land", "Verhaltener Umgang"),
        ("gE", "Land", "Pragmatischer Umgang"),
        ("zkT", "Stadt", "Digitale Vorreiter"),
        ("gE", "Stadt", "Verhaltener Umgang"),
        ("zkT", "Land", "Pragmatischer Umgang"),
    ];
    let jobcenters = documents
        .div_ceil(16)
        .max(kinds.len())
        .min(documents.max(1));
    for j in 0..jobcenters {
        let (traeger, lage, typ) = kinds[j % kinds.len()];
        project.set_jobcenter(
            &format!("Jobcenter {:03}", j + 1),
            &[
                ("Trägerschaft".into(), traeger.into()),
                ("Lage".into(), lage.into()),
                ("Digitalisierungstyp".into(), typ.into()),
            ],
        )?;
    }
    let roles = [
        "Führungskraft",
        "Fachexpert:in",
        "Beschäftigte:r",
        "Bürger:in",
    ];
    let areas = ["Leistungsgewährung", "Arbeitsvermittlung", "Sozialberatung"];
    let leaves: Vec<_> = project
        .codes()?
        .into_iter()
        .filter(|c| c.depth > 0)
        .map(|c| c.id)
        .collect();
    let mut rng = Rng::new(seed);
    let mut total = Generated::default();
    for d in 0..documents {
        let text = transcript(seed.wrapping_mul(1_000_003).wrapping_add(d as u64), chars);
        let options = crate::corpus::ImportOptions {
            jobcenter: Some(format!("Jobcenter {:03}", d % jobcenters + 1)),
            attributes: vec![
                ("Rolle".into(), roles[d % roles.len()].into()),
                ("Tätigkeitsbereich".into(), areas[d % areas.len()].into()),
            ],
            encoding: None,
        };
        let (doc, _) =
            crate::corpus::prepare(&format!("G{:05}.txt", d + 1), text.as_bytes(), &options)
                .map_err(|e| crate::Error::BadSampleCorpus(e.to_string()))?;
        let len = crate::model::range::char_len(&doc.text);
        let id = project.add_document(&doc)?;
        total.documents += 1;
        if len > 800 && !leaves.is_empty() {
            let spans: Vec<(CharRange, crate::model::CodeId, &str)> = (0..segments)
                .filter_map(|i| {
                    let start = rng.below(len - 700);
                    let end = start + 30 + rng.below(300);
                    let coder = if i % 2 == 0 { "Anna" } else { "Jonas" };
                    Some((
                        CharRange::new(start, end).ok()?,
                        leaves[rng.below(leaves.len())],
                        coder,
                    ))
                })
                .collect();
            total.segments += project.insert_generated_segments(id, spans)?;
        }
    }
    project.forget_history()?;
    Ok(total)
}

/// Writes a file that must not exist yet: an existing file, or a symbolic link in its place, is
/// left alone and refused.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> crate::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => crate::Error::io(
                path,
                std::io::Error::new(
                    e.kind(),
                    "it exists already; generated transcripts are only written as new files, so choose an empty folder",
                ),
            ),
            _ => crate::Error::io(path, e),
        })?;
    file.write_all(bytes).map_err(|e| crate::Error::io(path, e))
}

/// Writes `documents` generated transcripts of about `chars` characters as `.txt` files into a folder.
pub fn write_corpus(
    folder: &std::path::Path,
    documents: usize,
    chars: usize,
    seed: u64,
) -> crate::Result<usize> {
    std::fs::create_dir_all(folder).map_err(|e| crate::Error::io(folder, e))?;
    let mut bytes = 0;
    for d in 0..documents {
        let text = transcript(seed.wrapping_mul(1_000_003).wrapping_add(d as u64), chars);
        let path = folder.join(format!("G{:05}.txt", d + 1));
        write_new(&path, text.as_bytes())?;
        bytes += text.len();
    }
    Ok(bytes)
}

fn clock(seconds: usize) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_are_deterministic_and_have_turns() {
        let a = transcript(7, 20_000);
        assert_eq!(a, transcript(7, 20_000));
        assert_ne!(a, transcript(8, 20_000));
        assert!(a.len() >= 20_000);
        let turns = crate::corpus::turns::find_turns(&a);
        assert!(turns.len() > 20);
        assert!(turns.iter().all(|t| t.timestamp.is_some()));
    }
}
