//! `merge`: another project file into the project, with a report of what came across.

use std::io::Write;

use super::args::{MergeArgs, ReportFormat};
use super::print::print_json;
use crate::exchange;
use crate::project::{MergeMode, MergeReport};

/// `merge`: merges (or with `--dry-run`, only reports) another project file into the project.
pub fn run_merge(args: MergeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let report = exchange::merge_file(&mut p, &args.other, args.dry_run)?;
    match args.format {
        ReportFormat::Json => print_json(out, &report),
        ReportFormat::Table => print_report(out, &report),
    }
}

fn print_report(out: &mut dyn Write, report: &MergeReport) -> anyhow::Result<()> {
    writeln!(
        out,
        "Merging “{}” into “{}”{}",
        report.other,
        report.project,
        if report.dry_run {
            " (dry run: nothing changed)"
        } else {
            ""
        }
    )?;
    match report.mode {
        MergeMode::CommonAncestor => writeln!(
            out,
            "Common ancestor: {} shared changes{}; since then {} in the project, {} in the other file.",
            report.shared_changes,
            if report.since_earlier_merge {
                " (up to the last merge of this file)"
            } else {
                ""
            },
            report.project_changes,
            report.other_changes
        )?,
        MergeMode::NoCommonAncestor => writeln!(
            out,
            "No common ancestor: the files were made apart. Rows are matched by text, code path and name; nothing is deleted."
        )?,
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<16} {:>11} {:>8} {:>8} {:>14}",
        "", "came across", "changed", "deleted", "already there"
    )?;
    for count in &report.counts {
        let Some(kind) = count.kind else { continue };
        writeln!(
            out,
            "{:<16} {:>11} {:>8} {:>8} {:>14}",
            kind.plural(),
            count.came_across,
            count.changed,
            count.deleted,
            count.already_there
        )?;
    }
    if !report.conflicts.is_empty() {
        writeln!(out, "\nConflicts ({}):", report.conflicts.len())?;
        for c in &report.conflicts {
            writeln!(
                out,
                "  - {} [{}]: project “{}”, other “{}” → {}",
                if c.what.is_empty() {
                    "the project memo".to_owned()
                } else {
                    format!("{} {}", c.kind.singular(), c.what)
                },
                c.field,
                one_line(&c.project),
                one_line(&c.other),
                c.done.sentence()
            )?;
        }
    }
    if !report.left_out.is_empty() {
        writeln!(out, "\nLeft out ({}):", report.left_out.len())?;
        for l in &report.left_out {
            writeln!(
                out,
                "  - {} {}: {}",
                l.kind.plural(),
                l.what,
                l.why.sentence()
            )?;
        }
    }
    for note in &report.notes {
        writeln!(out, "Note: {note}")?;
    }
    if !report.changes_project {
        writeln!(
            out,
            "\nNothing to merge: the project holds all of it already."
        )?;
    } else if !report.dry_run {
        writeln!(
            out,
            "\nMerged as one change; `kodierwerk undo` takes it all back."
        )?;
    }
    Ok(())
}

/// A value on one line, cut to 60 characters.
fn one_line(text: &str) -> String {
    let line = text.replace('\n', " ⏎ ");
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(59).collect();
        format!("{cut}…")
    } else {
        line
    }
}
