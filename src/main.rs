//! `kodierwerk`: no arguments open the workbench; subcommands run headless.

use clap::Parser;

fn main() -> std::process::ExitCode {
    kodierwerk::cli::main_with_args(kodierwerk::cli::Cli::parse())
}
