//! `kodierwerk`: no arguments open the workbench; subcommands run headless.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kodierwerk::cli::{self, Cli, Command};

fn main() -> ExitCode {
    match Cli::parse().command {
        None => workbench(None, None),
        Some(Command::Gui { project, coder }) => workbench(project, coder),
        Some(Command::Headless(command)) => cli::main_with_args(command),
    }
}

/// Opens the desktop workbench on a project (or the last one, or the sample project).
#[cfg(feature = "gui")]
fn workbench(project: Option<PathBuf>, coder: Option<String>) -> ExitCode {
    cli::exit_code(kodierwerk::gui::run(project, coder))
}

/// A build without the feature `gui` has only the headless commands.
#[cfg(not(feature = "gui"))]
fn workbench(_project: Option<PathBuf>, _coder: Option<String>) -> ExitCode {
    cli::exit_code(Err(anyhow::anyhow!(
        "this build of kodierwerk has no workbench (it was built without the feature gui); the subcommands work, see kodierwerk --help"
    )))
}
