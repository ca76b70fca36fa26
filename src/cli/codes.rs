//! Commands on the code system and the memos: `codes`, `add-code`, `memo`.

use std::io::Write;

use serde::Serialize;

use super::args::{
    AddCodeArgs, CodePathArgs, Format, ListArgs, MemoArgs, MemoTargetArgs, MergeCodesArgs,
    MoveCodeArgs, RenameCodeArgs,
};
use super::print::{print_json, print_rows};
use crate::model::{CodePath, MemoTarget, SegmentId};
use crate::project::Project;

/// A code as `codes --format json` lists it.
#[derive(Serialize)]
struct CodeRow {
    id: i64,
    path: String,
    name: String,
    depth: usize,
    color: String,
    segments: usize,
    segments_with_subcodes: usize,
    description: String,
}

/// `codes`: the code tree with segment counts (own, and with sub-codes).
pub fn run_codes(args: ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let counts = p.code_counts()?;
    let codes: Vec<CodeRow> = p
        .codes()?
        .into_iter()
        .map(|c| {
            let (own, total) = counts.get(&c.id).copied().unwrap_or_default();
            CodeRow {
                id: c.id.0,
                path: c.path.into(),
                name: c.name,
                depth: c.depth,
                color: c.color,
                segments: own,
                segments_with_subcodes: total,
                description: c.description,
            }
        })
        .collect();
    let format = args.format;
    match format {
        Format::Json => print_json(out, &codes),
        Format::Csv => print_rows(
            out,
            format,
            &[
                "id",
                "path",
                "color",
                "segments",
                "segments_with_subcodes",
                "description",
            ],
            codes.iter().map(|c| {
                vec![
                    c.id.to_string(),
                    c.path.clone(),
                    c.color.clone(),
                    c.segments.to_string(),
                    c.segments_with_subcodes.to_string(),
                    c.description.clone(),
                ]
            }),
        ),
        Format::Table => print_rows(
            out,
            format,
            &["code", "color", "segments", "with sub-codes"],
            codes.iter().map(|c| {
                vec![
                    format!("{}{}", "  ".repeat(c.depth), c.name),
                    c.color.clone(),
                    c.segments.to_string(),
                    c.segments_with_subcodes.to_string(),
                ]
            }),
        ),
    }
}

/// `add-code`: a code and any missing parents.
pub fn run_add_code(args: AddCodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let id = p.add_code(&args.path, args.color.as_deref(), &args.description)?;
    writeln!(out, "created code {id} “{}”", CodePath::parse(&args.path)?)?;
    Ok(())
}

/// `memo`: prints a memo, or with `--text` writes it.
pub fn run_memo(args: MemoArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    if let Some(segment) = args.target.segment {
        let segment = SegmentId(segment);
        match args.text {
            Some(text) => {
                p.set_segment_memo(segment, &text)?;
                writeln!(out, "memo of segment {segment} saved")?;
            }
            None => write!(out, "{}", p.segment(segment)?.memo)?,
        }
        return Ok(());
    }
    let target = memo_target(&p, &args.target)?;
    match args.text {
        Some(text) => {
            p.set_memo(&target, &text)?;
            writeln!(out, "memo saved")?;
        }
        None => {
            if let Some(memo) = p.memo(&target)? {
                write!(out, "{}", memo.text)?;
            }
        }
    }
    Ok(())
}

/// The memo's owner that the options name (segments aside, which keep their memo on the segment).
fn memo_target(p: &Project, args: &MemoTargetArgs) -> anyhow::Result<MemoTarget> {
    Ok(if let Some(name) = &args.jobcenter {
        MemoTarget::Jobcenter(p.jobcenter(name)?.id)
    } else if let Some(doc) = &args.doc {
        MemoTarget::Document(p.resolve_document(doc)?)
    } else if let Some(code) = &args.code {
        MemoTarget::Code(p.code_by_path(code)?.id)
    } else {
        MemoTarget::Project
    })
}

/// `rename-code`: gives a code a new name.
pub fn run_rename_code(args: RenameCodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let code = p.code_by_path(&args.path)?;
    p.rename_code(code.id, &args.new_name)?;
    writeln!(out, "renamed “{}” to “{}”", code.path, args.new_name.trim())?;
    Ok(())
}

/// `move-code`: puts a code (with its sub-codes) under another, or at the top level.
pub fn run_move_code(args: MoveCodeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let code = p.code_by_path(&args.path)?;
    let parent = if args.to.trim().is_empty() {
        None
    } else {
        Some(p.code_by_path(&args.to)?)
    };
    p.move_code(code.id, parent.as_ref().map(|c| c.id), None)?;
    match parent {
        Some(parent) => writeln!(out, "moved “{}” under “{}”", code.path, parent.path)?,
        None => writeln!(out, "moved “{}” to the top level", code.path)?,
    }
    Ok(())
}

/// `delete-code`: deletes a code with its sub-codes and their segments.
pub fn run_delete_code(args: CodePathArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let code = p.code_by_path(&args.path)?;
    let segments = p.delete_code(code.id)?;
    writeln!(
        out,
        "deleted “{}” with {segments} segments (`undo` brings them back)",
        code.path
    )?;
    Ok(())
}

/// `merge-codes`: merges one code into another.
pub fn run_merge_codes(args: MergeCodesArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let source = p.code_by_path(&args.path)?;
    let target = p.code_by_path(&args.into)?;
    let moved = p.merge_code(source.id, target.id)?;
    writeln!(
        out,
        "merged “{}” into “{}” ({moved} segments moved)",
        source.path, target.path
    )?;
    Ok(())
}
