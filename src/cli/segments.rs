//! Commands on coded segments and the action log: `code`, `segments`, `undo`, `redo`, `log`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use super::args::{
    CodeArgs, Format, LogArgs, ProjectArgs, RecodeArgs, SegmentArgs, SegmentIdArgs, SegmentsArgs,
    SetRangeArgs,
};
use super::print::{print_json, print_rows};
use crate::analysis::resolve_segment_filter;
use crate::exchange::{CsvOptions, read_codings, write_segments};
use crate::model::file::{read_bounded, read_limited};
use crate::model::{CharRange, SegmentId};
use crate::project::{Project, SegmentFilter};

/// `code`: codes a passage of a document, or a batch of passages.
pub fn run_code(args: CodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(file) = &args.from {
        return run_code_batch(&args.project, file, args.csv, out);
    }
    let (Some(doc), Some(start), Some(end), Some(code), Some(coder)) =
        (args.doc, args.start, args.end, args.code, args.coder)
    else {
        anyhow::bail!(
            "name the passage with --doc, --start, --end, --code and --coder, or a batch with --from"
        );
    };
    let mut p = super::open_project(&args.project)?;
    let document = p.resolve_document(&doc)?;
    let code = p.code_by_path(&code)?;
    let id = p.apply_code(
        document,
        CharRange::new(start, end)?,
        code.id,
        &coder,
        &args.memo,
    )?;
    writeln!(out, "created segment {id}")?;
    Ok(())
}

/// The most a batch of codings may hold (a million codings as JSON lines take about 200 MB).
const MAX_BATCH_BYTES: u64 = 1024 * 1024 * 1024;

/// `code --from FILE`: a batch of codings, checked whole, coded as one change.
fn run_code_batch(
    project: &Path,
    file: &Path,
    csv: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut p = super::open_project(project)?;
    let bytes = if file == Path::new("-") {
        read_bounded(std::io::stdin(), MAX_BATCH_BYTES)
            .map_err(|e| anyhow::anyhow!("the codings on standard input cannot be read: {e}"))?
    } else {
        read_limited(file, MAX_BATCH_BYTES).map_err(|e| crate::Error::file(file, e))?
    };
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{} is not UTF-8 text", file.display()))?;
    let codings = read_codings(&text, csv)?;
    if codings.is_empty() {
        anyhow::bail!("{} holds no codings; nothing was coded", file.display());
    }
    let n = p.code_batch(&codings)?;
    writeln!(
        out,
        "coded {n} segments as one change (one undo takes them all back)"
    )?;
    Ok(())
}

/// `segments`: the coded segments that the options select.
pub fn run_segments(args: SegmentsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
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
    let mut p = super::open_project(&args.project)?;
    writeln!(out, "undone: {}", p.undo()?)?;
    Ok(())
}

/// `redo`: makes the change undone last again.
pub fn run_redo(args: ProjectArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    writeln!(out, "redone: {}", p.redo()?)?;
    Ok(())
}

/// `log`: the latest entries of the action log.
pub fn run_log(args: LogArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
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

/// `delete-segment`: removes a coded segment (one change).
pub fn run_delete_segment(args: SegmentIdArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    p.delete_segment(SegmentId(args.id))?;
    writeln!(out, "deleted segment {} (`undo` brings it back)", args.id)?;
    Ok(())
}

/// `recode`: gives a segment another code.
pub fn run_recode(args: RecodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let code = p.code_by_path(&args.code)?;
    p.update_segment(SegmentId(args.id), None, Some(code.id))?;
    writeln!(out, "segment {} is coded “{}” now", args.id, code.path)?;
    Ok(())
}

/// `set-range`: gives a segment another range, checked against its document.
pub fn run_set_range(args: SetRangeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let range = CharRange::new(args.start, args.end)?;
    p.update_segment(SegmentId(args.id), Some(range), None)?;
    writeln!(
        out,
        "segment {} covers characters {}–{} now",
        args.id, args.start, args.end
    )?;
    Ok(())
}
