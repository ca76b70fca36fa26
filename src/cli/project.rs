//! Commands on the project and its cases: `new`, `import`, `sample`, `docs`, `text`, `jobcenter`,
//! `jobcenters`.

use std::io::Write;

use anyhow::{Context, bail};

use super::args::{ImportArgs, JobcenterArgs, ListArgs, NewArgs, ProjectArgs, TextArgs};
use super::print::{header, print_json, print_listing, print_rows, value_of, visible};
use crate::analysis::parse_assignments;
use crate::coding::codebook;
use crate::corpus::{self, ImportOptions, MAX_FILE_BYTES, Outcome, decode};
use crate::model::Scope;
use crate::model::file;
use crate::project::Project;

/// `new`: an empty project, with the default codebook, none, or one from a file.
pub fn run_new(args: NewArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let NewArgs { project, codebook } = args;
    let entries = match codebook.as_str() {
        "default" => codebook::default_codebook()?,
        "empty" => Vec::new(),
        file => {
            let bytes = file::read_limited(std::path::Path::new(file), MAX_FILE_BYTES)
                .map_err(|e| crate::Error::file(file, e))?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("the codebook {file} is not UTF-8 text"))?;
            codebook::parse(&text, file)?
        }
    };
    let mut p = Project::create(&project)?;
    let added = if entries.is_empty() {
        0
    } else {
        p.add_codebook(&entries, "Codebuch übernommen")?
    };
    writeln!(out, "created {} with {added} codes", project.display())?;
    Ok(())
}

/// `import`: transcripts into the project, one report line per file.
pub fn run_import(args: ImportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let encoding = match args.encoding {
        Some(name) => Some(decode::encoding_by_name(&name).with_context(|| {
            format!("“{name}” is not an encoding this program knows; try UTF-8, UTF-16LE, windows-1252 or ISO-8859-15")
        })?),
        None => None,
    };
    let options = ImportOptions {
        jobcenter: args.jobcenter,
        attributes: parse_assignments(&args.attrs)?,
        encoding,
    };
    let mut p = super::open_project(&args.project)?;
    let reports = corpus::import_paths(&mut p, &args.paths, &options);
    if args.format == super::args::Format::Json {
        print_json(out, &reports)?;
    } else if args.format == super::args::Format::Csv {
        let rows = reports.iter().map(|r| match &r.outcome {
            Outcome::Imported {
                document,
                name,
                jobcenter,
                encoding,
                detected_by,
                chars,
                turns,
                remarks,
            } => vec![
                r.file.clone(),
                "imported".to_owned(),
                document.to_string(),
                name.to_string(),
                jobcenter.to_string(),
                encoding.to_string(),
                detected_by.to_string(),
                chars.to_string(),
                turns.to_string(),
                remarks.to_string(),
            ],
            Outcome::Refused { reason } => {
                let mut row = vec![r.file.clone(), "refused".to_owned()];
                row.extend(std::iter::repeat_n(String::new(), 7));
                row.push(reason.to_string());
                row
            }
        });
        print_rows(
            out,
            super::args::Format::Csv,
            &[
                "file",
                "status",
                "document",
                "name",
                "jobcenter",
                "encoding",
                "detected_by",
                "chars",
                "turns",
                "remarks_or_reason",
            ],
            rows,
        )?;
    } else {
        for report in &reports {
            match &report.outcome {
                Outcome::Imported {
                    document,
                    name,
                    jobcenter,
                    encoding,
                    detected_by,
                    chars,
                    turns,
                    remarks,
                } => {
                    let line = format!(
                        "imported  {}: document {document} “{name}” in {jobcenter}, {chars} characters, {turns} turns, {encoding} ({detected_by})",
                        report.file
                    );
                    if remarks.is_empty() {
                        writeln!(out, "{}", visible(&line))?
                    } else {
                        writeln!(out, "{}; {}", visible(&line), visible(remarks))?
                    }
                }
                Outcome::Refused { reason } => writeln!(
                    out,
                    "refused   {}",
                    visible(&format!("{}: {reason}", report.file))
                )?,
            }
        }
    }
    let refused = reports.iter().filter(|r| !r.imported()).count();
    if reports.is_empty() {
        bail!("no transcripts (.txt, .md, .docx, .odt, .rtf, .pdf) found in the given paths");
    }
    if refused > 0 {
        bail!(
            "{refused} of {} files were refused (see the report above); the others were imported",
            reports.len()
        );
    }
    Ok(())
}

/// `sample`: a new project with the sample corpus and its demo coding.
pub fn run_sample(args: ProjectArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let summary = corpus::sample::create_sample(&args.project)?;
    writeln!(
        out,
        "created {} with {} jobcenters, {} documents, {} codes and {} coded segments",
        args.project.display(),
        summary.jobcenters,
        summary.documents,
        summary.codes,
        summary.segments
    )?;
    Ok(())
}

/// `docs`: the documents with their document attributes.
pub fn run_docs(args: ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let docs = p.documents()?;
    print_listing(out, args.format, &docs, || {
        let attributes = attribute_names(&p, Scope::Document)?;
        let mut columns = header(&[
            "id",
            "name",
            "jobcenter",
            "chars",
            "turns",
            "segments",
            "encoding",
        ]);
        columns.extend(attributes.iter().cloned());
        let rows = docs
            .iter()
            .map(|d| {
                let mut row = vec![
                    d.id.to_string(),
                    d.name.clone(),
                    d.jobcenter.clone(),
                    d.chars.to_string(),
                    d.turns.to_string(),
                    d.segments.to_string(),
                    d.encoding.clone(),
                ];
                row.extend(attributes.iter().map(|a| value_of(&d.attributes, a)));
                row
            })
            .collect();
        Ok((columns, rows))
    })
}

/// `text`: a document's stored text, byte for byte.
pub fn run_text(args: TextArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let id = p.resolve_document(&args.doc)?;
    out.write_all(p.document_text(id)?.as_bytes())?;
    Ok(())
}

/// `jobcenter`: creates a jobcenter or changes its attributes.
pub fn run_jobcenter(args: JobcenterArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let (_, created) = p.set_jobcenter(&args.name, &parse_assignments(&args.attrs)?)?;
    let jobcenter = p.jobcenter(&args.name)?;
    let values: Vec<String> = jobcenter
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    writeln!(
        out,
        "{} jobcenter “{}” {}",
        if created { "created" } else { "updated" },
        jobcenter.name,
        values.join(", ")
    )?;
    Ok(())
}

/// `jobcenters`: the jobcenters with their attributes.
pub fn run_jobcenters(args: ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let jobcenters = p.jobcenters()?;
    print_listing(out, args.format, &jobcenters, || {
        let attributes = attribute_names(&p, Scope::Jobcenter)?;
        let mut columns = header(&["id", "name", "documents"]);
        columns.extend(attributes.iter().cloned());
        let rows = jobcenters
            .iter()
            .map(|j| {
                let mut row = vec![j.id.to_string(), j.name.clone(), j.documents.to_string()];
                row.extend(attributes.iter().map(|a| value_of(&j.attributes, a)));
                row
            })
            .collect();
        Ok((columns, rows))
    })
}

/// The names of the attributes of a scope, in the project's order.
fn attribute_names(p: &Project, scope: Scope) -> anyhow::Result<Vec<String>> {
    Ok(p.attributes(scope)?.into_iter().map(|a| a.name).collect())
}
