//! Commands on coded segments and the action log: `code`, `segments`, `undo`, `redo`, `log`.

use std::io::Write;

use super::args::{CodeArgs, Format, LogArgs, ProjectArgs, SegmentArgs, SegmentsArgs};
use super::print::{print_json, print_rows};
use crate::analysis::resolve_segment_filter;
use crate::exchange::{CsvOptions, write_segments};
use crate::model::CharRange;
use crate::project::{Project, SegmentFilter};

/// `code`: codes a passage of a document.
pub fn run_code(args: CodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = Project::open(&args.project)?;
    let document = p.resolve_document(&args.doc)?;
    let code = p.code_by_path(&args.code)?;
    let id = p.apply_code(
        document,
        CharRange::new(args.start, args.end)?,
        code.id,
        &args.coder,
        &args.memo,
    )?;
    writeln!(out, "created segment {id}")?;
    Ok(())
}

/// `segments`: the coded segments that the options select.
pub fn run_segments(args: SegmentsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = Project::open(&args.project)?;
    let filter = segment_filter(&p, &args.filter)?;
    let format = args.format;
    if format == Format::Csv {
        write_segments(&p, &filter, &mut *out, CsvOptions::default())?;
        return Ok(());
    }
    let segments = p.segments(&filter)?;
    if format == Format::Json {
        return print_json(out, &segments);
    }
    print_rows(
        out,
        format,
        &[
            "id",
            "jobcenter",
            "document",
            "speaker",
            "code",
            "coder",
            "start",
            "end",
            "text",
        ],
        segments.iter().map(|s| {
            vec![
                s.id.to_string(),
                s.jobcenter.clone(),
                s.document.clone(),
                s.speaker.clone().unwrap_or_default(),
                s.code.to_string(),
                s.coder.clone(),
                s.start.to_string(),
                s.end.to_string(),
                s.text.clone(),
            ]
        }),
    )
}

/// `undo`: takes back the latest change.
pub fn run_undo(args: ProjectArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = Project::open(&args.project)?;
    writeln!(out, "undone: {}", p.undo()?)?;
    Ok(())
}

/// `redo`: makes the change undone last again.
pub fn run_redo(args: ProjectArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = Project::open(&args.project)?;
    writeln!(out, "redone: {}", p.redo()?)?;
    Ok(())
}

/// `log`: the latest entries of the action log.
pub fn run_log(args: LogArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = Project::open(&args.project)?;
    for action in p.actions(args.limit)? {
        writeln!(
            out,
            "{:>5}  {}  {}{}",
            action.id,
            action.at,
            action.label,
            if action.undone { "  (undone)" } else { "" }
        )?;
    }
    Ok(())
}

/// Resolves the segment options against the project into a filter.
pub fn segment_filter(p: &Project, args: &SegmentArgs) -> anyhow::Result<SegmentFilter> {
    Ok(resolve_segment_filter(p, &args.query()?)?)
}
