//! The headless face: `kodierwerk SUBCOMMAND …`. A contract that scripts rely on; the README
//! documents it, and `--format json` output is stable.
//!
//! [`args`] holds what clap reads, [`run`] hands each command to its one function in the file of
//! its group, and `print` holds the tables, CSV and JSON they print. The workbench is opened by
//! `main.rs`, not here: this module knows nothing of the GUI.

mod agreement;
mod analysis;
pub mod args;
mod codes;
mod exchange;
mod merge;
mod print;
mod project;
mod search;
mod segments;
mod workload;

use std::io::Write;
use std::process::ExitCode;

pub use args::{Cli, Command, Export, Headless};

/// Opens a project for a command; says so on standard error when a write-ahead log left behind was
/// copied aside with the file before SQLite merged it.
pub(crate) fn open_project(path: &std::path::Path) -> crate::Result<crate::project::Project> {
    let project = crate::project::Project::open(path)?;
    if let Some(copy) = project.recovery_copy() {
        eprintln!(
            "kodierwerk: {} had a write-ahead log left behind (by a crash, or copied there); before it was merged into the project, both were copied to {} (open that copy to see the project as it was before)",
            path.display(),
            copy.display()
        );
    }
    Ok(project)
}

/// Runs a headless command, writing results to `out`.
pub fn run(command: Headless, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Headless::New(args) => project::run_new(args, out),
        Headless::Import(args) => project::run_import(args, out),
        Headless::Sample(args) => project::run_sample(args, out),
        Headless::Docs(args) => project::run_docs(args, out),
        Headless::Text(args) => project::run_text(args, out),
        Headless::Jobcenter(args) => project::run_jobcenter(args, out),
        Headless::Jobcenters(args) => project::run_jobcenters(args, out),
        Headless::Codes(args) => codes::run_codes(args, out),
        Headless::AddCode(args) => codes::run_add_code(args, out),
        Headless::Memo(args) => codes::run_memo(args, out),
        Headless::Code(args) => segments::run_code(args, out),
        Headless::Segments(args) => segments::run_segments(args, out),
        Headless::Undo(args) => segments::run_undo(args, out),
        Headless::Redo(args) => segments::run_redo(args, out),
        Headless::Log(args) => segments::run_log(args, out),
        Headless::Merge(args) => merge::run_merge(args, out),
        Headless::DeleteSegment(args) => segments::run_delete_segment(args, out),
        Headless::Recode(args) => segments::run_recode(args, out),
        Headless::SetRange(args) => segments::run_set_range(args, out),
        Headless::RenameCode(args) => codes::run_rename_code(args, out),
        Headless::MoveCode(args) => codes::run_move_code(args, out),
        Headless::DeleteCode(args) => codes::run_delete_code(args, out),
        Headless::MergeCodes(args) => codes::run_merge_codes(args, out),
        Headless::Matrix(args) => analysis::run_matrix(args, out),
        Headless::Profile(args) => analysis::run_profile(args, out),
        Headless::Crosstab(args) => analysis::run_crosstab(args, out),
        Headless::Cooccurrence(args) => analysis::run_cooccurrence(args, out),
        Headless::Typology(args) => analysis::run_typology(args, out),
        Headless::Agreement(args) => agreement::run_agreement(args, out),
        Headless::Consensus(args) => agreement::run_consensus(args, out),
        Headless::Evidence(args) => analysis::run_evidence(args, out),
        Headless::Search(args) => search::run_search(args, out),
        Headless::Autocode(args) => search::run_autocode(args, out),
        Headless::Words(args) => search::run_words(args, out),
        Headless::Export(Export::Csv(args)) => exchange::run_export_csv(args, out),
        Headless::Export(Export::Qdpx(args)) => exchange::run_export_qdpx(args, out),
        Headless::Export(Export::Qdc(args)) => exchange::run_export_qdc(args, out),
        Headless::ImportQdpx(args) => exchange::run_import_qdpx(args, out),
        Headless::ImportQdc(args) => exchange::run_import_qdc(args, out),
        Headless::Generate(args) => workload::run_generate(args, out),
        Headless::Exercise(args) => workload::run_exercise(args, out),
        Headless::GenerateCorpus(args) => workload::run_generate_corpus(args, out),
    }
}

/// Runs a headless command on stdout and turns any error into one sentence on stderr.
pub fn main_with_args(command: Headless) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(command, &mut out);
    let flushed = out.flush();
    exit_code(result.and(flushed.map_err(anyhow::Error::from)))
}

/// The exit code of a finished run (a command's or the workbench's); an error is told on stderr as
/// one sentence, a closed pipe (`kodierwerk … | head`) is no error.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("kodierwerk: {}", print::visible(&sentence(&error)));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes as one sentence; a cause whose words the sentence already holds (an
/// error that names its cause in its own message) is not said twice.
fn sentence(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    // A sentence starts with a capital, unless it starts with a file name, which stays as it is.
    let starts_with_word = text
        .split_whitespace()
        .next()
        .is_some_and(|w| w.chars().all(char::is_alphabetic));
    if starts_with_word && let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}
