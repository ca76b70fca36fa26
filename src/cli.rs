//! The headless face: `kodierwerk SUBCOMMAND …`. A contract that scripts rely on; the README
//! documents it, and `--format json` output is stable.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::analysis::{
    AnalysisData, Columns, CooccurrenceScope, CooccurrenceSpec, CrosstabSpec, DocumentFilter,
    DocumentTurns, MatrixSpec, Measure, NO_VALUE, TypologySpec, Unit, cooccurrence, crosstab,
    load_turns, matrix, parse_assignment, parse_condition, separating_codes, typology,
};
use crate::coding::codebook;
use crate::corpus::{self, ImportOptions, Outcome, decode};
use crate::exchange::{
    CsvOptions, SafeCsv, export_qdc, export_qdpx, export_segments, import_qdc, import_qdpx,
    write_segments,
};
use crate::model::{CharRange, CodePath, MemoTarget, SegmentId};
use crate::project::{Project, SegmentFilter};

/// Kodierwerk: code interview transcripts, compare jobcenters, export coded segments.
#[derive(Debug, Parser)]
#[command(name = "kodierwerk", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output formats of the listing commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MeasureArg {
    Segments,
    Documents,
    Percent,
    Coverage,
    /// Percent of the code's segments (over all columns) that fall in the column.
    RowPercent,
    /// Percent of the column's segments that fall on the code.
    ColumnPercent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    Segments,
    Documents,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// Segments whose characters overlap (counts pairs of segments).
    Overlap,
    /// Segments starting in the same speaker turn (counts turns).
    Turn,
    /// Segments in the same document (counts documents).
    Document,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop workbench on a project (without one: the last project, or the sample project).
    Gui {
        project: Option<PathBuf>,
        /// Who is coding (remembered for the next start).
        #[arg(long)]
        coder: Option<String>,
    },
    /// Create a new, empty project file.
    New {
        project: PathBuf,
        /// `default` (the study's codebook), `empty`, or a codebook file (TOML).
        #[arg(long, default_value = "default")]
        codebook: String,
    },
    /// Bring a REFI-QDA project (.qdpx) from MAXQDA, ATLAS.ti, NVivo or QualCoder into the
    /// project, and report what came in, how positions were read and what was left out.
    #[command(name = "import-qdpx")]
    ImportQdpx { project: PathBuf, file: PathBuf },
    /// Bring a REFI-QDA codebook (.qdc) into the code system.
    #[command(name = "import-qdc")]
    ImportQdc { project: PathBuf, file: PathBuf },
    /// Import transcripts (.txt, .md; folders: the transcripts directly inside).
    Import {
        project: PathBuf,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The jobcenter of every file (created if new); overrides the front matter.
        #[arg(long)]
        jobcenter: Option<String>,
        /// A document attribute for every file, e.g. --attr Rolle=Führungskraft.
        #[arg(long = "attr", value_name = "KEY=VALUE")]
        attrs: Vec<String>,
        /// Read the files in this encoding instead of detecting it (UTF-8, UTF-16LE, windows-1252, ISO-8859-15, …).
        #[arg(long)]
        encoding: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a new project holding the sample corpus, the default codebook and a demo coding.
    Sample { project: PathBuf },
    /// Create a project of generated transcripts and codings, for trying the program at scale.
    Generate {
        project: PathBuf,
        #[arg(long, default_value_t = 20)]
        documents: usize,
        /// Characters per transcript.
        #[arg(long, default_value_t = 30_000)]
        chars: usize,
        /// Coded segments per transcript.
        #[arg(long, default_value_t = 200)]
        segments: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Make a seeded series of coding changes, reporting each (for crash-safety tests).
    #[command(hide = true)]
    Exercise {
        project: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 100)]
        steps: usize,
    },
    /// Write generated transcripts (.txt) into a folder, for trying imports at scale.
    GenerateCorpus {
        folder: PathBuf,
        #[arg(long, default_value_t = 100)]
        documents: usize,
        #[arg(long, default_value_t = 40_000)]
        chars: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// List the documents.
    Docs {
        project: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print a document's stored text exactly, with nothing added.
    Text {
        project: PathBuf,
        /// The document's number or name.
        #[arg(long)]
        doc: String,
    },
    /// Show the code tree with segment counts.
    Codes {
        project: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Create a code (and any missing parents), e.g. "Arbeitslogik/Sozialberatung".
    AddCode {
        project: PathBuf,
        path: String,
        #[arg(long, value_name = "#RRGGBB")]
        color: Option<String>,
        /// The coding rule, in Markdown.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Create a jobcenter or change its attributes (an empty value removes one).
    Jobcenter {
        project: PathBuf,
        name: String,
        #[arg(long = "attr", value_name = "KEY=VALUE")]
        attrs: Vec<String>,
    },
    /// List the jobcenters with their attributes.
    Jobcenters {
        project: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Code a passage: characters START to END (end exclusive) of a document.
    Code {
        project: PathBuf,
        #[arg(long)]
        doc: String,
        #[arg(long)]
        start: usize,
        #[arg(long)]
        end: usize,
        #[arg(long)]
        code: String,
        #[arg(long)]
        coder: String,
        #[arg(long, default_value = "")]
        memo: String,
    },
    /// List coded segments (a code includes its sub-codes).
    Segments {
        project: PathBuf,
        #[command(flatten)]
        filter: SegmentArgs,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Count codes per jobcenter or per attribute value.
    Matrix {
        project: PathBuf,
        /// `jobcenter`, or an attribute such as Trägerschaft, Lage, Digitalisierungstyp, Rolle.
        #[arg(long, default_value = "jobcenter")]
        by: String,
        #[arg(long, value_enum, default_value_t = MeasureArg::Segments)]
        value: MeasureArg,
        #[arg(long)]
        coder: Option<String>,
        /// Only documents with this attribute value; repeat for more (same attribute: either value).
        #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
        conditions: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// How the segments of a code divide among its sub-codes in each jobcenter or group, in percent:
    /// the numbers of the workbench's profile chart.
    Profile {
        project: PathBuf,
        /// The parent code, e.g. Arbeitslogik; without it, the top-level codes.
        #[arg(long)]
        code: Option<String>,
        /// `jobcenter`, or an attribute such as Trägerschaft, Lage, Digitalisierungstyp.
        #[arg(long, default_value = "jobcenter")]
        by: String,
        #[arg(long)]
        coder: Option<String>,
        /// Only documents with this attribute value; repeat for more (same attribute: either value).
        #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
        conditions: Vec<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Count codes (with their sub-codes) under conditions on attributes, one column per condition.
    Crosstab {
        project: PathBuf,
        /// A column: attribute values that must all hold, e.g. 'Trägerschaft=zkT,Lage=Land'; repeat for more columns.
        #[arg(long = "condition", value_name = "ATTRIBUTE=VALUE[,ATTRIBUTE=VALUE]")]
        conditions: Vec<String>,
        /// Count coded segments, or documents in which the code occurs.
        #[arg(long, value_enum, default_value_t = UnitArg::Segments)]
        unit: UnitArg,
        /// Only segments of this coder.
        #[arg(long)]
        coder: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Count how often two codes meet: overlapping segments, the same speaker turn, or the same document.
    Cooccurrence {
        project: PathBuf,
        #[arg(long, value_enum, default_value_t = ScopeArg::Overlap)]
        scope: ScopeArg,
        /// Only segments of this coder (without one, segments of all coders meet).
        #[arg(long)]
        coder: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Compare the code profiles of the types (Digitalisierungstyp or another choice attribute).
    Typology {
        project: PathBuf,
        /// The attribute whose values are the types: a jobcenter or document attribute with fixed values.
        #[arg(long, default_value = crate::project::DIGITALISIERUNGSTYP)]
        attribute: String,
        /// Only segments of this coder.
        #[arg(long)]
        coder: Option<String>,
        /// Only the N codes that separate the types most, by spread.
        #[arg(long, value_name = "N")]
        top: Option<usize>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// List, link or unlink the segments that justify a jobcenter's Digitalisierungstyp.
    Evidence {
        project: PathBuf,
        #[arg(long)]
        jobcenter: String,
        /// Link this segment (of one of the jobcenter's documents) as evidence.
        #[arg(long, value_name = "SEGMENT_ID", conflicts_with = "unlink")]
        link: Option<i64>,
        /// Why the passage justifies the type (for a segment already linked: its new note).
        #[arg(long, requires = "link", default_value = "")]
        note: String,
        /// Remove this segment from the evidence (the segment stays).
        #[arg(long, value_name = "SEGMENT_ID")]
        unlink: Option<i64>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write data out of the project.
    #[command(subcommand)]
    Export(Export),
    /// Show or write the memo of the project, a jobcenter, a document, a code or a segment.
    Memo {
        project: PathBuf,
        #[command(flatten)]
        target: MemoArgs,
        /// The new memo (Markdown); an empty text removes it. Without it, the memo is printed.
        #[arg(long)]
        text: Option<String>,
    },
    /// Undo the latest change.
    Undo { project: PathBuf },
    /// Redo the change undone last.
    Redo { project: PathBuf },
    /// Show the latest changes (the action log).
    Log {
        project: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Coded segments as CSV, one row per segment.
    Csv {
        project: PathBuf,
        out: PathBuf,
        /// `,`, `;` (German Excel) or `tab`.
        #[arg(long, default_value = ",")]
        delimiter: String,
        /// Start the file with a byte order mark (for Excel).
        #[arg(long)]
        bom: bool,
        #[command(flatten)]
        filter: SegmentArgs,
    },
    /// The whole project as a REFI-QDA project (.qdpx) for other QDA programs.
    Qdpx { project: PathBuf, out: PathBuf },
    /// The code system as a REFI-QDA codebook (.qdc).
    Qdc { project: PathBuf, out: PathBuf },
}

/// Which segments: every option may be repeated; an empty option means all.
#[derive(Debug, Args, Default)]
pub struct SegmentArgs {
    /// A code path; its sub-codes count too.
    #[arg(long = "code", value_name = "PATH")]
    pub codes: Vec<String>,
    #[arg(long = "jobcenter", value_name = "NAME")]
    pub jobcenters: Vec<String>,
    #[arg(long = "doc", value_name = "DOC")]
    pub documents: Vec<String>,
    #[arg(long = "coder", value_name = "NAME")]
    pub coders: Vec<String>,
    /// Only documents with this attribute value (jobcenter or document attribute).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MemoArgs {
    #[arg(long = "project-memo")]
    pub project_memo: bool,
    #[arg(long)]
    pub jobcenter: Option<String>,
    #[arg(long)]
    pub doc: Option<String>,
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub segment: Option<i64>,
}

/// Runs a command, writing results to `out`.
pub fn run(command: Command, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Command::Gui { project, coder } => crate::gui::run(project, coder)?,
        Command::New { project, codebook } => {
            let entries = match codebook.as_str() {
                "default" => codebook::default_codebook()?,
                "empty" => Vec::new(),
                file => {
                    let text = std::fs::read_to_string(file)
                        .with_context(|| format!("the codebook {file} cannot be read"))?;
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
        }
        Command::Import {
            project,
            paths,
            jobcenter,
            attrs,
            encoding,
            format,
        } => {
            let encoding = match encoding {
                Some(name) => Some(decode::encoding_by_name(&name).with_context(|| {
                    format!("“{name}” is not an encoding this program knows; try UTF-8, UTF-16LE, windows-1252 or ISO-8859-15")
                })?),
                None => None,
            };
            let options = ImportOptions {
                jobcenter,
                attributes: assignments(&attrs)?,
                encoding,
            };
            let mut p = Project::open(&project)?;
            let reports = corpus::import_paths(&mut p, &paths, &options);
            match format {
                Format::Json => print_json(out, &reports)?,
                Format::Table | Format::Csv => {
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
                            } => writeln!(
                                out,
                                "imported  {}: document {document} “{name}” in {jobcenter}, {chars} characters, {turns} turns, {encoding} ({detected_by})",
                                report.file
                            )?,
                            Outcome::Refused { reason } => {
                                writeln!(out, "refused   {}: {reason}", report.file)?
                            }
                        }
                    }
                }
            }
            let refused = reports.iter().filter(|r| !r.imported()).count();
            if reports.is_empty() {
                bail!("no transcripts (.txt, .md) found in the given paths");
            }
            if refused > 0 {
                bail!(
                    "{refused} of {} files were refused (see the report above); the others were imported",
                    reports.len()
                );
            }
        }
        Command::Sample { project } => {
            let summary = corpus::sample::create_sample(&project)?;
            writeln!(
                out,
                "created {} with {} jobcenters, {} documents, {} codes and {} coded segments",
                project.display(),
                summary.jobcenters,
                summary.documents,
                summary.codes,
                summary.segments
            )?;
        }
        Command::Generate {
            project,
            documents,
            chars,
            segments,
            seed,
        } => {
            let summary = crate::workload::corpus::generate_project(
                &project, documents, chars, segments, seed,
            )?;
            writeln!(
                out,
                "created {} with {} documents and {} coded segments",
                project.display(),
                summary.documents,
                summary.segments
            )?;
        }
        Command::Exercise {
            project,
            seed,
            steps,
        } => {
            let mut p = Project::open(&project)?;
            crate::workload::session::exercise(&mut p, seed, steps, out)?;
            writeln!(out, "state {}", crate::workload::session::fingerprint(&p)?)?;
        }
        Command::GenerateCorpus {
            folder,
            documents,
            chars,
            seed,
        } => {
            let bytes = crate::workload::corpus::write_corpus(&folder, documents, chars, seed)?;
            writeln!(
                out,
                "wrote {documents} transcripts ({} MB) to {}",
                bytes / 1_000_000,
                folder.display()
            )?;
        }
        Command::Docs { project, format } => {
            let p = Project::open(&project)?;
            let docs = p.documents()?;
            if format == Format::Json {
                return print_json(out, &docs);
            }
            let attributes: Vec<String> = p
                .attributes(crate::model::Scope::Document)?
                .into_iter()
                .map(|a| a.name)
                .collect();
            let mut header = vec![
                "id",
                "name",
                "jobcenter",
                "chars",
                "turns",
                "segments",
                "encoding",
            ];
            header.extend(attributes.iter().map(String::as_str));
            let rows = docs.iter().map(|d| {
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
            });
            print_rows(out, format, &header, rows)?;
        }
        Command::Text { project, doc } => {
            let p = Project::open(&project)?;
            let id = p.resolve_document(&doc)?;
            out.write_all(p.document_text(id)?.as_bytes())?;
        }
        Command::Codes { project, format } => {
            let p = Project::open(&project)?;
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
            match format {
                Format::Json => print_json(out, &codes)?,
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
                )?,
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
                )?,
            }
        }
        Command::AddCode {
            project,
            path,
            color,
            description,
        } => {
            let mut p = Project::open(&project)?;
            let id = p.add_code(&path, color.as_deref(), &description)?;
            writeln!(out, "created code {id} “{}”", CodePath::parse(&path)?)?;
        }
        Command::Jobcenter {
            project,
            name,
            attrs,
        } => {
            let mut p = Project::open(&project)?;
            let (_, created) = p.set_jobcenter(&name, &assignments(&attrs)?)?;
            let jobcenter = p.jobcenter(&name)?;
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
        }
        Command::Jobcenters { project, format } => {
            let p = Project::open(&project)?;
            let jobcenters = p.jobcenters()?;
            if format == Format::Json {
                return print_json(out, &jobcenters);
            }
            let attributes: Vec<String> = p
                .attributes(crate::model::Scope::Jobcenter)?
                .into_iter()
                .map(|a| a.name)
                .collect();
            let mut header = vec!["id", "name", "documents"];
            header.extend(attributes.iter().map(String::as_str));
            let rows = jobcenters.iter().map(|j| {
                let mut row = vec![j.id.to_string(), j.name.clone(), j.documents.to_string()];
                row.extend(attributes.iter().map(|a| value_of(&j.attributes, a)));
                row
            });
            print_rows(out, format, &header, rows)?;
        }
        Command::Code {
            project,
            doc,
            start,
            end,
            code,
            coder,
            memo,
        } => {
            let mut p = Project::open(&project)?;
            let document = p.resolve_document(&doc)?;
            let code = p.code_by_path(&code)?;
            let id = p.apply_code(
                document,
                CharRange::new(start, end)?,
                code.id,
                &coder,
                &memo,
            )?;
            writeln!(out, "created segment {id}")?;
        }
        Command::Segments {
            project,
            filter,
            format,
        } => {
            let p = Project::open(&project)?;
            let filter = segment_filter(&p, &filter)?;
            if format == Format::Csv {
                write_segments(&p, &filter, &mut *out, CsvOptions::default())?;
                return Ok(());
            }
            let segments = p.segments(&filter)?;
            match format {
                Format::Json => print_json(out, &segments)?,
                Format::Csv => {}
                Format::Table => print_rows(
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
                )?,
            }
        }
        Command::Matrix {
            project,
            by,
            value,
            coder,
            conditions,
            format,
        } => {
            let p = Project::open(&project)?;
            let data = AnalysisData::load(&p)?;
            let spec = MatrixSpec {
                by: columns_by(by),
                measure: match value {
                    MeasureArg::Segments => Measure::Segments,
                    MeasureArg::Documents => Measure::Documents,
                    MeasureArg::Percent => Measure::Percent,
                    MeasureArg::Coverage => Measure::Coverage,
                    MeasureArg::RowPercent => Measure::RowPercent,
                    MeasureArg::ColumnPercent => Measure::ColumnPercent,
                },
                coder,
                conditions: assignments(&conditions)?,
            };
            let m = matrix(&data, &spec)?;
            if format == Format::Json {
                return print_json(out, &m);
            }
            let mut table = m.table();
            let header = table.remove(0);
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            for (row, r) in table.iter_mut().zip(&m.rows) {
                row[0] = code_label(format, &r.code, r.depth);
            }
            let rows = table;
            print_rows(out, format, &header, rows)?;
        }
        Command::Profile {
            project,
            code,
            by,
            coder,
            conditions,
            format,
        } => {
            let p = Project::open(&project)?;
            let data = AnalysisData::load(&p)?;
            let parent = match &code {
                Some(path) => p.code_by_path(path)?.path.into(),
                None => String::new(),
            };
            let spec = MatrixSpec {
                by: columns_by(by),
                measure: Measure::Segments,
                coder,
                conditions: assignments(&conditions)?,
            };
            let m = matrix(&data, &spec)?;
            let profile = m.profile(&parent).ok_or_else(|| {
                anyhow::anyhow!(
                    "the code “{parent}” has no sub-codes, so there is nothing to divide"
                )
            })?;
            if format == Format::Json {
                return print_json(out, &profile);
            }
            let mut header: Vec<&str> = vec!["code"];
            header.extend(profile.columns.iter().map(String::as_str));
            let mut rows: Vec<Vec<String>> = profile
                .codes
                .iter()
                .zip(&profile.shares)
                .map(|(code, shares)| {
                    let mut row = vec![code.to_string()];
                    row.extend(shares.iter().map(|s| format!("{s:.1}")));
                    row
                })
                .collect();
            let mut segments = vec!["(Segmente)".to_owned()];
            segments.extend(profile.segments.iter().map(usize::to_string));
            rows.push(segments);
            print_rows(out, format, &header, rows)?;
        }
        Command::Crosstab {
            project,
            conditions,
            unit,
            coder,
            format,
        } => {
            let p = Project::open(&project)?;
            let data = AnalysisData::load(&p)?;
            let spec = CrosstabSpec {
                conditions: conditions
                    .iter()
                    .map(|c| parse_condition(c))
                    .collect::<crate::Result<_>>()?,
                unit: match unit {
                    UnitArg::Segments => Unit::Segments,
                    UnitArg::Documents => Unit::Documents,
                },
                coder,
            };
            let t = crosstab(&data, &spec)?;
            if format == Format::Json {
                return print_json(out, &t);
            }
            let mut header: Vec<String> = vec!["code".into()];
            header.extend(t.columns.iter().map(|c| c.label.clone()));
            header.push(t.all.label.clone());
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![code_label(format, &r.code, r.depth)];
                    row.extend(r.cells.iter().map(usize::to_string));
                    row.push(r.total.to_string());
                    row
                })
                .collect();
            let mut documents = vec!["(Dokumente)".to_owned()];
            documents.extend(t.columns.iter().map(|c| c.documents.to_string()));
            documents.push(t.all.documents.to_string());
            rows.push(documents);
            print_rows(out, format, &header, rows)?;
        }
        Command::Cooccurrence {
            project,
            scope,
            coder,
            format,
        } => {
            let p = Project::open(&project)?;
            let data = AnalysisData::load(&p)?;
            let scope = match scope {
                ScopeArg::Overlap => CooccurrenceScope::Overlap,
                ScopeArg::Turn => CooccurrenceScope::Turn,
                ScopeArg::Document => CooccurrenceScope::Document,
            };
            let turns = if scope == CooccurrenceScope::Turn {
                load_turns(&p, &data)?
            } else {
                DocumentTurns::new()
            };
            let c = cooccurrence(&data, &CooccurrenceSpec { scope, coder }, &turns)?;
            if format == Format::Json {
                return print_json(out, &c);
            }
            let mut header: Vec<String> = vec!["code".into()];
            header.extend(c.codes.iter().map(|path| {
                if format == Format::Table {
                    leaf(path).to_owned()
                } else {
                    path.to_string()
                }
            }));
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let rows = c.rows.iter().map(|r| {
                let mut row = vec![code_label(format, &r.code, r.depth)];
                row.extend(r.cells.iter().map(usize::to_string));
                row
            });
            print_rows(out, format, &header, rows)?;
        }
        Command::Typology {
            project,
            attribute,
            coder,
            top,
            format,
        } => {
            let p = Project::open(&project)?;
            let data = AnalysisData::load(&p)?;
            let spec = TypologySpec {
                attribute,
                coder,
                codes: None,
            };
            let mut t = typology(&data, &spec)?;
            if let Some(n) = top {
                t.rows = separating_codes(&t, n).into_iter().cloned().collect();
            }
            if format == Format::Json {
                return print_json(out, &t);
            }
            let mut table = t.table(&t.rows);
            let header = table.remove(0);
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            if top.is_none() {
                for (row, r) in table.iter_mut().zip(&t.rows) {
                    row[0] = code_label(format, &r.path, r.depth);
                }
            }
            print_rows(out, format, &header, table)?;
            if format == Format::Table {
                writeln!(out)?;
                for column in &t.types {
                    let members = column.jobcenters.join(", ");
                    let members = if members.is_empty() { "–" } else { &members };
                    writeln!(out, "{}: {members}", column.value)?;
                }
                if !t.unassigned_jobcenters.is_empty() {
                    let members = t.unassigned_jobcenters.join(", ");
                    writeln!(out, "{}: {members}", NO_VALUE)?;
                }
            }
        }
        Command::Evidence {
            project,
            jobcenter,
            link,
            note,
            unlink,
            format,
        } => {
            let mut p = Project::open(&project)?;
            let jobcenter = p.jobcenter(&jobcenter)?;
            if let Some(segment) = link.map(SegmentId) {
                let existing = p
                    .evidence(jobcenter.id)?
                    .into_iter()
                    .find(|e| e.segment_id == segment);
                if let Some(e) = &existing
                    && !note.trim().is_empty()
                    && note.trim() != e.note
                {
                    p.set_evidence_note(jobcenter.id, segment, &note)?;
                    writeln!(
                        out,
                        "segment {segment} is evidence for “{}” with the new note",
                        jobcenter.name
                    )?;
                } else if existing.is_some() {
                    writeln!(
                        out,
                        "segment {segment} is already evidence for “{}”; nothing changed",
                        jobcenter.name
                    )?;
                } else {
                    p.link_evidence(jobcenter.id, segment, &note)?;
                    writeln!(
                        out,
                        "linked segment {segment} as evidence for “{}”",
                        jobcenter.name
                    )?;
                }
                return Ok(());
            }
            if let Some(segment) = unlink.map(SegmentId) {
                p.unlink_evidence(jobcenter.id, segment)?;
                writeln!(
                    out,
                    "segment {segment} is no longer evidence for “{}”",
                    jobcenter.name
                )?;
                return Ok(());
            }
            let kind = value_of(&jobcenter.attributes, crate::project::DIGITALISIERUNGSTYP);
            let evidence = p.evidence(jobcenter.id)?;
            if format == Format::Json {
                #[derive(Serialize)]
                struct Listing<'a> {
                    jobcenter: &'a str,
                    #[serde(rename = "type")]
                    kind: Option<&'a str>,
                    evidence: &'a [crate::project::Evidence],
                }
                return print_json(
                    out,
                    &Listing {
                        jobcenter: &jobcenter.name,
                        kind: (!kind.is_empty()).then_some(kind.as_str()),
                        evidence: &evidence,
                    },
                );
            }
            if format == Format::Table {
                let kind = if kind.is_empty() {
                    "not assigned yet"
                } else {
                    &kind
                };
                writeln!(
                    out,
                    "{}: {} {kind}, {} as evidence",
                    jobcenter.name,
                    crate::project::DIGITALISIERUNGSTYP,
                    match evidence.len() {
                        1 => "1 segment".to_owned(),
                        n => format!("{n} segments"),
                    }
                )?;
            }
            print_rows(
                out,
                format,
                &["segment", "document", "code", "coder", "text", "note"],
                evidence.iter().map(|e| {
                    vec![
                        e.segment_id.to_string(),
                        e.document.clone(),
                        e.code.to_string(),
                        e.coder.clone(),
                        e.text.clone(),
                        e.note.clone(),
                    ]
                }),
            )?;
        }
        Command::Export(Export::Csv {
            project,
            out: path,
            delimiter,
            bom,
            filter,
        }) => {
            let delimiter = match delimiter.as_str() {
                "," => b',',
                ";" => b';',
                "tab" | "\t" => b'\t',
                other => {
                    bail!("“{other}” is not a delimiter this export writes; use , or ; or tab")
                }
            };
            let p = Project::open(&project)?;
            let filter = segment_filter(&p, &filter)?;
            let n = export_segments(&p, &filter, &path, CsvOptions { delimiter, bom })?;
            writeln!(out, "wrote {n} segments to {}", path.display())?;
        }
        Command::Export(Export::Qdpx { project, out: path }) => {
            let p = Project::open(&project)?;
            let summary = export_qdpx(&p, &path)?;
            writeln!(out, "{summary}")?;
        }
        Command::Export(Export::Qdc { project, out: path }) => {
            let p = Project::open(&project)?;
            let summary = export_qdc(&p, &path)?;
            writeln!(out, "{summary}")?;
        }
        Command::ImportQdpx { project, file } => {
            let mut p = Project::open(&project)?;
            let report = import_qdpx(&mut p, &file)?;
            writeln!(out, "{}", report.to_string().trim_end())?;
        }
        Command::ImportQdc { project, file } => {
            let mut p = Project::open(&project)?;
            let report = import_qdc(&mut p, &file)?;
            writeln!(out, "{}", report.to_string().trim_end())?;
        }
        Command::Memo {
            project,
            target,
            text,
        } => {
            let mut p = Project::open(&project)?;
            if let Some(segment) = target.segment {
                let segment = SegmentId(segment);
                match text {
                    Some(text) => {
                        p.set_segment_memo(segment, &text)?;
                        writeln!(out, "memo of segment {segment} saved")?;
                    }
                    None => {
                        write!(out, "{}", p.segment(segment)?.memo)?;
                    }
                }
                return Ok(());
            }
            let target = memo_target(&p, &target)?;
            match text {
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
        }
        Command::Undo { project } => {
            let mut p = Project::open(&project)?;
            writeln!(out, "undone: {}", p.undo()?)?;
        }
        Command::Redo { project } => {
            let mut p = Project::open(&project)?;
            writeln!(out, "redone: {}", p.redo()?)?;
        }
        Command::Log { project, limit } => {
            let p = Project::open(&project)?;
            for action in p.actions(limit)? {
                writeln!(
                    out,
                    "{:>5}  {}  {}{}",
                    action.id,
                    action.at,
                    action.label,
                    if action.undone { "  (undone)" } else { "" }
                )?;
            }
        }
    }
    Ok(())
}

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

fn assignments(pairs: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    Ok(pairs
        .iter()
        .map(|p| parse_assignment(p))
        .collect::<crate::Result<_>>()?)
}

/// A code as a table row names it: its name indented by depth; in CSV its full path.
/// `--by`: `jobcenter` (in any case) or an attribute name.
fn columns_by(by: String) -> Columns {
    if crate::project::fold(&by) == "jobcenter" {
        Columns::Jobcenter
    } else {
        Columns::Attribute(by)
    }
}

fn code_label(format: Format, path: &str, depth: usize) -> String {
    if format == Format::Table {
        format!("{}{}", "  ".repeat(depth), leaf(path))
    } else {
        path.to_owned()
    }
}

/// The last name of a code path.
fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn value_of(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn memo_target(p: &Project, args: &MemoArgs) -> anyhow::Result<MemoTarget> {
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

/// Resolves the segment options against the project into a filter.
pub fn segment_filter(p: &Project, args: &SegmentArgs) -> anyhow::Result<SegmentFilter> {
    let mut filter = SegmentFilter::default();
    for code in &args.codes {
        filter.codes.push(p.code_by_path(code)?.id);
    }
    for name in &args.jobcenters {
        filter.jobcenters.push(p.jobcenter(name)?.id);
    }
    for doc in &args.documents {
        filter.documents.push(p.resolve_document(doc)?);
    }
    for name in &args.coders {
        filter.coders.push(p.coder(name)?.id);
    }
    if !args.conditions.is_empty() {
        let data = AnalysisData::load(p)?;
        let conditions = DocumentFilter::new(&data.attributes, &assignments(&args.conditions)?)?;
        let allowed = conditions.document_ids(&data);
        if !filter.documents.is_empty() {
            filter.documents.retain(|d| allowed.contains(d));
        } else {
            filter.documents = allowed;
        }
        if filter.documents.is_empty() {
            return Ok(SegmentFilter::nothing());
        }
    }
    Ok(filter)
}

fn print_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints rows as an aligned table or as CSV.
fn print_rows<I>(
    out: &mut dyn Write,
    format: Format,
    header: &[&str],
    rows: I,
) -> anyhow::Result<()>
where
    I: IntoIterator<Item = Vec<String>>,
{
    if format == Format::Csv {
        let mut csv = SafeCsv::new(&mut *out, CsvOptions::default());
        csv.row(header)?;
        for row in rows {
            csv.row(row)?;
        }
        csv.finish()?;
        return Ok(());
    }
    const MAX: usize = 60;
    let shorten = |cell: &str| -> String {
        let flat: String = cell
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if flat.chars().count() > MAX {
            let cut: String = flat.chars().take(MAX - 1).collect();
            format!("{cut}…")
        } else {
            flat
        }
    };
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| shorten(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(c.chars().count());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    writeln!(
        out,
        "{}",
        line(header.iter().map(|h| h.to_string()).collect())
    )?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// Parses the arguments, runs the command and turns any error into one sentence on stderr.
pub fn main_with_args(cli: Cli) -> std::process::ExitCode {
    let command = cli.command.unwrap_or(Command::Gui {
        project: None,
        coder: None,
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(command, &mut out);
    let flushed = out.flush();
    match result.and(flushed.map_err(anyhow::Error::from)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return std::process::ExitCode::SUCCESS;
            }
            eprintln!("kodierwerk: {}", sentence(&error));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes as one sentence.
fn sentence(error: &anyhow::Error) -> String {
    let mut text = format!("{error:#}");
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
