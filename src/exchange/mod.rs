//! What crosses the project's border: CSV tables and PNG charts out, REFI-QDA projects and codebooks
//! in and out. Nothing is written unless the user asks for it, and only what the user chose.

mod batch;
mod csv;
mod image;
mod merge;
mod refi;

pub use batch::read_codings;
pub use csv::{
    CsvOptions, SafeCsv, export_segments, export_table, neutralise, segment_header, tab_separated,
    write_atomically, write_segments,
};
pub use image::write_png;
pub use merge::merge_file;
pub use refi::dialect::{CrLf, Dialect, Units};
pub use refi::export::{
    ExportSummary, choices_from_description, codebook_xml, export_qdc, export_qdpx, project_xml,
};
pub use refi::import::{
    ImportCounts, ImportReport, SourceDialect, UnplacedSelection, import_qdc, import_qdpx,
    read_qdc, read_qdpx,
};
