//! The command line as clap reads it: [`Cli`], the subcommands and their options. A contract that
//! scripts rely on; names, options and defaults stay as the README documents them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::analysis::{
    AgreementUnit, AutocodeScope, CooccurrenceScope, Measure, SearchOptions, SearchScope,
    SearchSpec, SegmentQuery, Unit, parse_assignments,
};
use crate::project::ConsensusChoice;

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

/// `--value` of `matrix`: what a cell counts.
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

impl From<MeasureArg> for Measure {
    fn from(value: MeasureArg) -> Self {
        match value {
            MeasureArg::Segments => Measure::Segments,
            MeasureArg::Documents => Measure::Documents,
            MeasureArg::Percent => Measure::Percent,
            MeasureArg::Coverage => Measure::Coverage,
            MeasureArg::RowPercent => Measure::RowPercent,
            MeasureArg::ColumnPercent => Measure::ColumnPercent,
        }
    }
}

/// `--unit` of `crosstab`: segments or documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    Segments,
    Documents,
}

impl From<UnitArg> for Unit {
    fn from(value: UnitArg) -> Self {
        match value {
            UnitArg::Segments => Unit::Segments,
            UnitArg::Documents => Unit::Documents,
        }
    }
}

/// `--scope` of `cooccurrence`: where two codes meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// Segments whose characters overlap (counts pairs of segments).
    Overlap,
    /// Segments starting in the same speaker turn (counts turns).
    Turn,
    /// Segments in the same document (counts documents).
    Document,
}

impl From<ScopeArg> for CooccurrenceScope {
    fn from(value: ScopeArg) -> Self {
        match value {
            ScopeArg::Overlap => CooccurrenceScope::Overlap,
            ScopeArg::Turn => CooccurrenceScope::Turn,
            ScopeArg::Document => CooccurrenceScope::Document,
        }
    }
}

/// `--unit` of `agreement`: what is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AgreementUnitArg {
    /// Every character of the documents.
    Character,
    /// Every speaker turn (coded when a segment touches it, or covers --min-share of it).
    Turn,
    /// Every document (coded when it holds a segment of the code).
    Document,
    /// Every segment of both coders, matched one to one at --threshold.
    Segment,
    /// Every word.
    Word,
    /// Every sentence.
    Sentence,
}

impl From<AgreementUnitArg> for AgreementUnit {
    fn from(value: AgreementUnitArg) -> Self {
        match value {
            AgreementUnitArg::Character => AgreementUnit::Character,
            AgreementUnitArg::Turn => AgreementUnit::Turn,
            AgreementUnitArg::Document => AgreementUnit::Document,
            AgreementUnitArg::Segment => AgreementUnit::Segment,
            AgreementUnitArg::Word => AgreementUnit::Word,
            AgreementUnitArg::Sentence => AgreementUnit::Sentence,
        }
    }
}

/// `--take` of `consensus`: what the consensus coder gets for a disagreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TakeArg {
    /// The first coder's ranges.
    First,
    /// The second coder's ranges.
    Second,
    /// Both coders' ranges joined.
    Joined,
    /// Only what both coders coded.
    Common,
    /// No segment (removes an earlier decision's).
    Neither,
}

impl From<TakeArg> for ConsensusChoice {
    fn from(value: TakeArg) -> Self {
        match value {
            TakeArg::First => ConsensusChoice::First,
            TakeArg::Second => ConsensusChoice::Second,
            TakeArg::Joined => ConsensusChoice::Joined,
            TakeArg::Common => ConsensusChoice::Common,
            TakeArg::Neither => ConsensusChoice::Neither,
        }
    }
}

/// `--scope` of `autocode`: what each hit is widened to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AutocodeScopeArg {
    /// The hit itself.
    Hit,
    /// The sentences the hit touches.
    Sentence,
    /// The hit's speaker turn (without turns: its paragraph).
    Turn,
}

impl From<AutocodeScopeArg> for AutocodeScope {
    fn from(value: AutocodeScopeArg) -> Self {
        match value {
            AutocodeScopeArg::Hit => AutocodeScope::Hit,
            AutocodeScopeArg::Sentence => AutocodeScope::Sentence,
            AutocodeScopeArg::Turn => AutocodeScope::Turn,
        }
    }
}

/// Every subcommand: the workbench, or one of the headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop workbench on a project (without one: the last project, or the sample project).
    Gui {
        project: Option<PathBuf>,
        /// Who is coding (remembered for the next start).
        #[arg(long)]
        coder: Option<String>,
    },
    #[command(flatten)]
    Headless(Headless),
}

/// The commands that run without the workbench.
#[derive(Debug, Subcommand)]
pub enum Headless {
    /// Create a new, empty project file.
    New(NewArgs),
    /// Bring a REFI-QDA project (.qdpx) from MAXQDA, ATLAS.ti, NVivo or QualCoder into the
    /// project, and report what came in, how positions were read and what was left out.
    #[command(name = "import-qdpx")]
    ImportQdpx(ImportFileArgs),
    /// Bring a REFI-QDA codebook (.qdc) into the code system.
    #[command(name = "import-qdc")]
    ImportQdc(ImportFileArgs),
    /// Import transcripts (.txt, .md, .docx, .odt, .rtf, .pdf; folders: the transcripts directly inside).
    Import(ImportArgs),
    /// Create a new project holding the sample corpus, the default codebook and a demo coding.
    Sample(ProjectArgs),
    /// Create a project of generated transcripts and codings, for trying the program at scale.
    Generate(GenerateArgs),
    /// Make a seeded series of coding changes, reporting each (for crash-safety tests).
    #[command(hide = true)]
    Exercise(ExerciseArgs),
    /// Write generated transcripts (.txt) into a folder, for trying imports at scale.
    GenerateCorpus(GenerateCorpusArgs),
    /// List the documents.
    Docs(ListArgs),
    /// Print a document's stored text exactly, with nothing added.
    Text(TextArgs),
    /// Show the code tree with segment counts.
    Codes(ListArgs),
    /// Create a code (and any missing parents), e.g. "Arbeitslogik/Sozialberatung".
    AddCode(AddCodeArgs),
    /// Create a jobcenter or change its attributes (an empty value removes one).
    Jobcenter(JobcenterArgs),
    /// List the jobcenters with their attributes.
    Jobcenters(ListArgs),
    /// Code a passage: characters START to END (end exclusive) of a document; or, with --from, a
    /// whole batch as one change.
    Code(CodeArgs),
    /// List coded segments (a code includes its sub-codes).
    Segments(SegmentsArgs),
    /// Count codes per jobcenter or per attribute value.
    Matrix(MatrixArgs),
    /// How the segments of a code divide among its sub-codes in each jobcenter or group, in percent:
    /// the numbers of the workbench's profile chart.
    Profile(ProfileArgs),
    /// Count codes (with their sub-codes) under conditions on attributes, one column per condition.
    Crosstab(CrosstabArgs),
    /// Count how often two codes meet: overlapping segments, the same speaker turn, or the same document.
    Cooccurrence(CooccurrenceArgs),
    /// Intercoder agreement of two coders per code and pooled: the 2×2 table, percent agreement,
    /// Cohen's kappa, Brennan–Prediger, Krippendorff's alpha and positive agreement.
    Agreement(AgreementArgs),
    /// Record the team's decision on a passage where two coders differ, as segments of the
    /// consensus coder (one change; `undo` takes it back).
    Consensus(ConsensusArgs),
    /// Compare the code profiles of the types (Digitalisierungstyp or another choice attribute).
    Typology(TypologyArgs),
    /// List, link or unlink the segments that justify a jobcenter's Digitalisierungstyp.
    Evidence(EvidenceArgs),
    /// Find words, phrases or patterns in the transcripts, with their context (keyword in context).
    Search(SearchArgs),
    /// Code every passage a search finds (the hit, its sentence or its turn) as one change; or,
    /// with --dictionary, the passages of several codes.
    Autocode(Box<AutocodeArgs>),
    /// Count the words per jobcenter or group, the words that separate the groups most on top.
    Words(WordsArgs),
    /// Write data out of the project.
    #[command(subcommand)]
    Export(Export),
    /// Show or write the memo of the project, a jobcenter, a document, a code or a segment.
    Memo(MemoArgs),
    /// Undo the latest change.
    Undo(ProjectArgs),
    /// Redo the change undone last.
    Redo(ProjectArgs),
    /// Show the latest changes (the action log).
    Log(LogArgs),
    /// Merge another project file into the project: a coder's copy (a three-way merge from the
    /// history both share: additions, changes and deletions of either side), or a project made
    /// apart (matched by text, code path and names; nothing deleted). One change; `undo` takes it
    /// back. Conflicts are listed with both values and what was done.
    Merge(MergeArgs),
    /// Delete a coded segment (by its number from `segments`).
    DeleteSegment(SegmentIdArgs),
    /// Give a coded segment another code.
    Recode(RecodeArgs),
    /// Give a coded segment another range: characters START to END (end exclusive).
    SetRange(SetRangeArgs),
    /// Rename a code (its place in the tree stays).
    RenameCode(RenameCodeArgs),
    /// Move a code (with its sub-codes) under another code; `--to ""` moves it to the top level.
    MoveCode(MoveCodeArgs),
    /// Delete a code with its sub-codes and their segments.
    DeleteCode(CodePathArgs),
    /// Merge a code into another: its segments, sub-codes and memo go to the other, it goes.
    MergeCodes(MergeCodesArgs),
}

/// Output formats of reports that are not listings: a readable table or JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The project to merge into.
    pub project: PathBuf,
    /// The other project file (only read, never changed), or a REFI-QDA project (.qdpx) of
    /// another program, matched like a project made apart.
    pub other: PathBuf,
    /// Report what the merge would do, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
}

#[derive(Debug, Args)]
pub struct SegmentIdArgs {
    pub project: PathBuf,
    /// The segment's number (see `kodierwerk segments`).
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct RecodeArgs {
    pub project: PathBuf,
    pub id: i64,
    /// The new code's path, e.g. "Arbeitslogik/Sozialberatung".
    #[arg(long)]
    pub code: String,
}

#[derive(Debug, Args)]
pub struct SetRangeArgs {
    pub project: PathBuf,
    pub id: i64,
    #[arg(long)]
    pub start: usize,
    #[arg(long)]
    pub end: usize,
}

#[derive(Debug, Args)]
pub struct RenameCodeArgs {
    pub project: PathBuf,
    pub path: String,
    pub new_name: String,
}

#[derive(Debug, Args)]
pub struct MoveCodeArgs {
    pub project: PathBuf,
    pub path: String,
    /// The new parent's path; empty for the top level.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct CodePathArgs {
    pub project: PathBuf,
    pub path: String,
}

#[derive(Debug, Args)]
pub struct MergeCodesArgs {
    pub project: PathBuf,
    /// The code that goes.
    pub path: String,
    /// The code that takes its segments.
    #[arg(long)]
    pub into: String,
}

/// `export csv|qdpx|qdc`.
#[derive(Debug, Subcommand)]
pub enum Export {
    /// Coded segments as CSV, one row per segment.
    Csv(ExportCsvArgs),
    /// The whole project as a REFI-QDA project (.qdpx) for other QDA programs.
    Qdpx(ExportFileArgs),
    /// The code system as a REFI-QDA codebook (.qdc).
    Qdc(ExportFileArgs),
}

// The option structs below carry no doc comment of their own: clap would show it in place of the
// subcommand's text.

#[derive(Debug, Args)]
pub struct ProjectArgs {
    pub project: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    pub project: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    pub project: PathBuf,
    /// `default` (the study's codebook), `empty`, or a codebook file (TOML).
    #[arg(long, default_value = "default")]
    pub codebook: String,
}

#[derive(Debug, Args)]
pub struct ImportFileArgs {
    pub project: PathBuf,
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub project: PathBuf,
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The jobcenter of every file (created if new); overrides the front matter.
    #[arg(long)]
    pub jobcenter: Option<String>,
    /// A document attribute for every file, e.g. --attr Rolle=Führungskraft.
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// Read the files in this encoding instead of detecting it (UTF-8, UTF-16LE, windows-1252, ISO-8859-15, …).
    #[arg(long)]
    pub encoding: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    pub project: PathBuf,
    #[arg(long, default_value_t = 20)]
    pub documents: usize,
    /// Characters per transcript.
    #[arg(long, default_value_t = 30_000)]
    pub chars: usize,
    /// Coded segments per transcript.
    #[arg(long, default_value_t = 200)]
    pub segments: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct ExerciseArgs {
    pub project: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
}

#[derive(Debug, Args)]
pub struct GenerateCorpusArgs {
    pub folder: PathBuf,
    #[arg(long, default_value_t = 100)]
    pub documents: usize,
    #[arg(long, default_value_t = 40_000)]
    pub chars: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    pub project: PathBuf,
    /// The document's number or name.
    #[arg(long)]
    pub doc: String,
}

#[derive(Debug, Args)]
pub struct AddCodeArgs {
    pub project: PathBuf,
    pub path: String,
    #[arg(long, value_name = "#RRGGBB")]
    pub color: Option<String>,
    /// The coding rule, in Markdown.
    #[arg(long, default_value = "")]
    pub description: String,
}

#[derive(Debug, Args)]
pub struct JobcenterArgs {
    pub project: PathBuf,
    pub name: String,
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CodeArgs {
    pub project: PathBuf,
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub doc: Option<String>,
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub start: Option<usize>,
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub end: Option<usize>,
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub code: Option<String>,
    #[arg(long, required_unless_present = "from", conflicts_with = "from")]
    pub coder: Option<String>,
    #[arg(long, default_value = "", conflicts_with = "from")]
    pub memo: String,
    /// Code every line of FILE (`-`: standard input) as one change: JSON lines
    /// {"doc": …, "start": …, "end": …, "code": …, "coder": …, "memo": …}, or CSV with --csv.
    /// All are checked first; one bad line refuses the batch.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Read --from as CSV with a header row: doc,start,end,code,coder[,memo].
    #[arg(long, requires = "from")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct SegmentsArgs {
    pub project: PathBuf,
    #[command(flatten)]
    pub filter: SegmentArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    pub project: PathBuf,
    /// `jobcenter`, or an attribute such as Trägerschaft, Lage, Digitalisierungstyp, Rolle.
    #[arg(long, default_value = "jobcenter")]
    pub by: String,
    #[arg(long, value_enum, default_value_t = MeasureArg::Segments)]
    pub value: MeasureArg,
    #[arg(long)]
    pub coder: Option<String>,
    /// Only documents with this attribute value; repeat for more (same attribute: either value).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    pub project: PathBuf,
    /// The parent code, e.g. Arbeitslogik; without it, the top-level codes.
    #[arg(long)]
    pub code: Option<String>,
    /// `jobcenter`, or an attribute such as Trägerschaft, Lage, Digitalisierungstyp.
    #[arg(long, default_value = "jobcenter")]
    pub by: String,
    #[arg(long)]
    pub coder: Option<String>,
    /// Only documents with this attribute value; repeat for more (same attribute: either value).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CrosstabArgs {
    pub project: PathBuf,
    /// A column: attribute values that must all hold, e.g. 'Trägerschaft=zkT,Lage=Land'; repeat for more columns.
    #[arg(long = "condition", value_name = "ATTRIBUTE=VALUE[,ATTRIBUTE=VALUE]")]
    pub conditions: Vec<String>,
    /// Count coded segments, or documents in which the code occurs.
    #[arg(long, value_enum, default_value_t = UnitArg::Segments)]
    pub unit: UnitArg,
    /// Only segments of this coder.
    #[arg(long)]
    pub coder: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CooccurrenceArgs {
    pub project: PathBuf,
    #[arg(long, value_enum, default_value_t = ScopeArg::Overlap)]
    pub scope: ScopeArg,
    /// Only segments of this coder (without one, segments of all coders meet).
    #[arg(long)]
    pub coder: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct AgreementArgs {
    pub project: PathBuf,
    /// The two coders to compare, e.g. Anna,Jonas.
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B")]
    pub coders: Vec<String>,
    #[arg(long, value_enum, default_value_t = AgreementUnitArg::Character)]
    pub unit: AgreementUnitArg,
    /// For --unit segment: the overlap (intersection ÷ union, in percent) at which two segments match.
    #[arg(long, default_value_t = 90.0, value_name = "PERCENT")]
    pub threshold: f64,
    /// For --unit turn, word or sentence: the share of the unit (percent) a coder must cover.
    #[arg(long, value_name = "P")]
    pub min_share: Option<f64>,
    /// Only this code (repeatable; without: every code either coder used).
    #[arg(long = "code", value_name = "PATH")]
    pub codes: Vec<String>,
    /// Only this document (repeatable; without: the documents both coders coded).
    #[arg(long = "doc", value_name = "DOC")]
    pub documents: Vec<String>,
    #[arg(long = "jobcenter", value_name = "NAME")]
    pub jobcenters: Vec<String>,
    /// Only documents with this attribute value (jobcenter or document attribute).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
    /// Count sub-codes' segments for their top-level code (or the --code they fall under).
    #[arg(long)]
    pub with_subcodes: bool,
    /// Add a 95 % bootstrap interval over documents for the pooled kappa and alpha.
    #[arg(long)]
    pub ci: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ConsensusArgs {
    pub project: PathBuf,
    /// The two coders whose ranges are decided, e.g. Anna,Jonas.
    #[arg(long, value_delimiter = ',', required = true, value_name = "A,B")]
    pub coders: Vec<String>,
    #[arg(long)]
    pub doc: String,
    #[arg(long, value_name = "PATH")]
    pub code: String,
    /// The passage: the coders' segments of the code that overlap START to END are decided.
    #[arg(long)]
    pub start: usize,
    #[arg(long)]
    pub end: usize,
    #[arg(long, value_enum)]
    pub take: TakeArg,
    /// Count the code's sub-codes' segments as the code's.
    #[arg(long)]
    pub with_subcodes: bool,
    /// The consensus coder (created on first use).
    #[arg(long = "as", default_value = crate::project::CONSENSUS_CODER, value_name = "CODER")]
    pub consensus: String,
}

#[derive(Debug, Args)]
pub struct TypologyArgs {
    pub project: PathBuf,
    /// The attribute whose values are the types: a jobcenter or document attribute with fixed values.
    #[arg(long, default_value = crate::project::DIGITALISIERUNGSTYP)]
    pub attribute: String,
    /// Only segments of this coder.
    #[arg(long)]
    pub coder: Option<String>,
    /// Only the N codes that separate the types most, by spread.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    pub project: PathBuf,
    #[arg(long)]
    pub jobcenter: String,
    /// Link this segment (of one of the jobcenter's documents) as evidence.
    #[arg(long, value_name = "SEGMENT_ID", conflicts_with = "unlink")]
    pub link: Option<i64>,
    /// Why the passage justifies the type (for a segment already linked: its new note).
    #[arg(long, requires = "link", default_value = "")]
    pub note: String,
    /// Remove this segment from the evidence (the segment stays).
    #[arg(long, value_name = "SEGMENT_ID")]
    pub unlink: Option<i64>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    pub project: PathBuf,
    /// The CSV file to write, or `-` for standard output.
    pub out: PathBuf,
    /// `,`, `;` (German Excel) or `tab`.
    #[arg(long, default_value = ",")]
    pub delimiter: String,
    /// Start the file with a byte order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    #[command(flatten)]
    pub filter: SegmentArgs,
}

#[derive(Debug, Args)]
pub struct ExportFileArgs {
    pub project: PathBuf,
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct MemoArgs {
    pub project: PathBuf,
    #[command(flatten)]
    pub target: MemoTargetArgs,
    /// The new memo (Markdown); an empty text removes it. Without it, the memo is printed.
    #[arg(long)]
    pub text: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    pub project: PathBuf,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    pub project: PathBuf,
    /// Words, "phrases", OR, AND (same turn), NOT, NEAR/n, * and ?; with --regex a regular expression.
    pub query: String,
    #[command(flatten)]
    pub search: SearchOptionArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct AutocodeArgs {
    pub project: PathBuf,
    /// The query, as for `search`.
    #[arg(required_unless_present = "dictionary")]
    pub query: Option<String>,
    #[command(flatten)]
    pub search: SearchOptionArgs,
    /// The code to give the passages.
    #[arg(long, value_name = "PATH", required_unless_present = "dictionary")]
    pub code: Option<String>,
    #[arg(long)]
    pub coder: String,
    #[arg(long, value_enum, default_value_t = AutocodeScopeArg::Hit)]
    pub scope: AutocodeScopeArg,
    /// List the segments it would make or extend, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Code even more than 10,000 passages.
    #[arg(long)]
    pub yes: bool,
    /// Codes and their search terms (TOML: [codes] "Path/Code" = ["term", …]), all in one change.
    #[arg(long, value_name = "FILE.toml", conflicts_with_all = ["query", "code"])]
    pub dictionary: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct WordsArgs {
    pub project: PathBuf,
    /// `jobcenter`, or an attribute such as Trägerschaft, Lage, Rolle.
    #[arg(long, default_value = "jobcenter")]
    pub by: String,
    /// Only turns of this speaker; * and ? allowed ('B*': the respondents). Repeatable.
    #[arg(long = "speaker", value_name = "SPEAKER")]
    pub speakers: Vec<String>,
    /// Only documents with this attribute value (jobcenter or document attribute).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
    /// Leave out words found fewer than N times in all.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub min: usize,
    /// `de` (the shipped German list), `none`, or a file with one word per line.
    #[arg(long, default_value = "de", value_name = "de|none|FILE")]
    pub stopwords: String,
    /// Count the words of one German stem together.
    #[arg(long)]
    pub stem: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// How and where to search: shared by `search` and `autocode`.
#[derive(Debug, Args, Default)]
pub struct SearchOptionArgs {
    /// Read the query as a regular expression (case ignored unless --case).
    #[arg(long)]
    pub regex: bool,
    /// Find parts of words too (default: whole words).
    #[arg(long)]
    pub parts: bool,
    /// Fold umlauts: ä also finds ae, ö oe, ü ue.
    #[arg(long)]
    pub umlauts: bool,
    /// Find every word of the same German stem (Snowball).
    #[arg(long)]
    pub stem: bool,
    /// Let case count: "Weg" does not find "weg", "SGB" only "SGB" (default: case ignored).
    #[arg(long)]
    pub case: bool,
    #[arg(long = "doc", value_name = "DOC")]
    pub documents: Vec<String>,
    #[arg(long = "jobcenter", value_name = "NAME")]
    pub jobcenters: Vec<String>,
    /// Only documents with this attribute value (jobcenter or document attribute).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub conditions: Vec<String>,
    /// Only turns of this speaker; * and ? allowed ('B*': the respondents). Repeatable.
    #[arg(long = "speaker", value_name = "SPEAKER")]
    pub speakers: Vec<String>,
    /// Only inside the segments of this code (with its sub-codes, of any coder).
    #[arg(long = "in-code", value_name = "PATH")]
    pub in_code: Option<String>,
}

impl SearchOptionArgs {
    /// The options as the core's search of plain names.
    pub fn spec(&self, query: &str) -> anyhow::Result<SearchSpec> {
        Ok(SearchSpec {
            query: query.to_owned(),
            options: SearchOptions {
                regex: self.regex,
                parts: self.parts,
                umlauts: self.umlauts,
                stem: self.stem,
                case: self.case,
            },
            scope: SearchScope {
                documents: self.documents.clone(),
                jobcenters: self.jobcenters.clone(),
                conditions: parse_assignments(&self.conditions)?,
                speakers: self.speakers.clone(),
                in_code: self.in_code.clone(),
            },
        })
    }
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

impl SegmentArgs {
    /// The options as the core's query of plain names.
    pub fn query(&self) -> anyhow::Result<SegmentQuery> {
        Ok(SegmentQuery {
            codes: self.codes.clone(),
            jobcenters: self.jobcenters.clone(),
            documents: self.documents.clone(),
            coders: self.coders.clone(),
            conditions: parse_assignments(&self.conditions)?,
        })
    }
}

/// Whose memo: exactly one of the options.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MemoTargetArgs {
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
