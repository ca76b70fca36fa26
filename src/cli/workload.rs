//! Made-up work for trying the program at scale and for crash-safety tests: `generate`,
//! `generate-corpus`, and the hidden `exercise`.

use std::io::Write;

use super::args::{ExerciseArgs, GenerateArgs, GenerateCorpusArgs};
use crate::workload::{corpus, session};

/// What the generators accept: enough to try the program at scale, never so much that a typo
/// fills the disk or runs for days.
const DOCUMENTS: std::ops::RangeInclusive<usize> = 1..=100_000;
const CHARS: std::ops::RangeInclusive<usize> = 200..=10_000_000;
const SEGMENTS: std::ops::RangeInclusive<usize> = 0..=100_000;
/// The most characters of all generated transcripts together.
const TOTAL_CHARS: usize = 4_000_000_000;

fn check(name: &str, value: usize, range: std::ops::RangeInclusive<usize>) -> anyhow::Result<()> {
    if !range.contains(&value) {
        anyhow::bail!(
            "--{name} {value} is out of range; it takes {} to {}; nothing was written",
            range.start(),
            range.end()
        );
    }
    Ok(())
}

fn check_size(documents: usize, chars: usize) -> anyhow::Result<()> {
    check("documents", documents, DOCUMENTS)?;
    check("chars", chars, CHARS)?;
    if documents.saturating_mul(chars) > TOTAL_CHARS {
        anyhow::bail!(
            "{documents} transcripts of {chars} characters would take more than {} GB; ask for fewer or shorter ones; nothing was written",
            TOTAL_CHARS / 1_000_000_000
        );
    }
    Ok(())
}

/// `generate`: a project of generated transcripts and codings.
pub fn run_generate(args: GenerateArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    check_size(args.documents, args.chars)?;
    check("segments", args.segments, SEGMENTS)?;
    let summary = corpus::generate_project(
        &args.project,
        args.documents,
        args.chars,
        args.segments,
        args.seed,
    )?;
    writeln!(
        out,
        "created {} with {} documents and {} coded segments",
        args.project.display(),
        summary.documents,
        summary.segments
    )?;
    Ok(())
}

/// `exercise`: a seeded series of coding changes, each reported, then the state's fingerprint.
pub fn run_exercise(args: ExerciseArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    session::exercise(&mut p, args.seed, args.steps, out)?;
    writeln!(out, "state {}", session::fingerprint(&p)?)?;
    Ok(())
}

/// `generate-corpus`: generated transcripts (.txt) written into a folder.
pub fn run_generate_corpus(args: GenerateCorpusArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    check_size(args.documents, args.chars)?;
    let bytes = corpus::write_corpus(&args.folder, args.documents, args.chars, args.seed)?;
    writeln!(
        out,
        "wrote {} transcripts ({} MB) to {}",
        args.documents,
        bytes / 1_000_000,
        args.folder.display()
    )?;
    Ok(())
}
