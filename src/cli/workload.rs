//! Made-up work for trying the program at scale and for crash-safety tests: `generate`,
//! `generate-corpus`, and the hidden `exercise`.

use std::io::Write;

use super::args::{ExerciseArgs, GenerateArgs, GenerateCorpusArgs};
use crate::workload::{corpus, session};

/// `generate`: a project of generated transcripts and codings.
pub fn run_generate(args: GenerateArgs, out: &mut dyn Write) -> anyhow::Result<()> {
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
