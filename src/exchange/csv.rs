//! CSV out: coded segments and the CLI's tables, RFC 4180 quoting, safe against formula injection,
//! written to a temporary file and renamed so that a failed export leaves no half file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use crate::model::error::{Error, Result};
use crate::model::{DocumentId, JobcenterId, Scope};
use crate::project::{Project, SegmentFilter};

/// How the CSV is written.
#[derive(Clone, Copy, Debug)]
pub struct CsvOptions {
    pub delimiter: u8,
    /// Starts the file with a UTF-8 byte order mark, as German Excel wants.
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            delimiter: b',',
            bom: false,
        }
    }
}

/// A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice):
/// cells starting with `=`, `+`, `-`, `@`, tab or carriage return.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV writer that neutralises every cell.
pub struct SafeCsv<W: Write> {
    inner: ::csv::Writer<W>,
}

impl<W: Write> SafeCsv<W> {
    pub fn new(out: W, options: CsvOptions) -> Self {
        Self {
            inner: ::csv::WriterBuilder::new()
                .delimiter(options.delimiter)
                .quote_style(::csv::QuoteStyle::Necessary)
                .terminator(::csv::Terminator::CRLF)
                .from_writer(out),
        }
    }

    pub fn row<I, S>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for cell in cells {
            self.inner
                .write_field(neutralise(cell.as_ref()).as_bytes())
                .map_err(std::io::Error::other)?;
        }
        self.inner
            .write_record(None::<&[u8]>)
            .map_err(std::io::Error::other)
    }

    pub fn finish(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

/// How an export's temporary file begins.
const TEMPORARY_PREFIX: &str = ".kodierwerk-export-";

/// A temporary file unchanged for this long belongs to an export that was killed (a running one
/// writes on).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes the temporary files that killed exports left in a folder: regular files of our prefix
/// that have not changed for a minute.
fn remove_stale_temporaries(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_string_lossy()
            .starts_with(TEMPORARY_PREFIX)
            && entry.metadata().is_ok_and(|m| {
                m.is_file()
                    && m.modified()
                        .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > STALE_AFTER))
            });
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The endings of SQLite's side files beside a database.
const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Refuses an export's target that is not a new file or a regular file of its own: a database, a
/// database's side file (replacing one loses or corrupts its work), a symbolic link (the export
/// would replace the link, not what it points to), a device, a pipe, a folder.
fn check_target(path: &Path) -> Result<()> {
    let refuse = |reason| {
        Err(Error::ExportTarget {
            path: path.to_owned(),
            reason,
        })
    };
    let name = path.as_os_str().to_string_lossy();
    for ending in SIDE_FILES {
        if let Some(base) = name.strip_suffix(ending)
            && (crate::project::is_database(Path::new(base)) || has_side_file_header(path))
        {
            return refuse(
                "it is a side file of an SQLite database (a project's write-ahead log, shared memory or journal), and replacing it would lose or corrupt that database's work",
            );
        }
    }
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
        Ok(m) if m.file_type().is_symlink() => refuse(
            "it is a symbolic link, which the export would replace; name the file it points to, or a new file",
        ),
        Ok(m) if m.is_dir() => Err(Error::io(
            path,
            std::io::Error::other("this is a folder; name a file"),
        )),
        Ok(m) if !m.is_file() => refuse(
            "it is not a regular file but a device, a pipe or a socket; to write to standard output, name the file -",
        ),
        Ok(_) if crate::project::is_database(path) => {
            Err(Error::ExportOntoDatabase(path.to_owned()))
        }
        Ok(_) => Ok(()),
    }
}

/// Whether a file begins as SQLite's write-ahead log or rollback journal does.
fn has_side_file_header(path: &Path) -> bool {
    let mut head = [0u8; 8];
    crate::model::file::open_regular(path).is_ok_and(|mut f| {
        std::io::Read::read_exact(&mut f, &mut head).is_ok()
            && (head[..4] == [0x37, 0x7f, 0x06, 0x82]
                || head[..4] == [0x37, 0x7f, 0x06, 0x83]
                || head == [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7])
    })
}

/// Writes a file by way of a temporary file beside it, renamed into place only when complete.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    check_target(path)?;
    remove_stale_temporaries(folder);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .tempfile_in(folder)
        .map_err(|e| Error::io(folder, e))?;
    {
        let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
        write(&mut buffered).map_err(|e| Error::io(path, e))?;
        buffered.flush().map_err(|e| Error::io(path, e))?;
    }
    // Temporary files are private (0600); an export is for sharing like any file the user saves.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    check_target(path)?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Writes a table (an analysis result, header first) as CSV, atomically; returns the rows written.
pub fn export_table(path: &Path, table: &[Vec<String>], options: CsvOptions) -> Result<usize> {
    write_atomically(path, |out| {
        if options.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut csv = SafeCsv::new(out, options);
        for row in table {
            csv.row(row)?;
        }
        csv.finish().map(|_| ())
    })?;
    Ok(table.len())
}

/// A table as tab-separated lines for the clipboard, which spreadsheets paste into cells; cells
/// are neutralised as in the CSV files, tabs and line breaks inside a cell become spaces.
pub fn tab_separated(table: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in table {
        let cells: Vec<String> = row
            .iter()
            .map(|c| neutralise(c).replace(['\t', '\n', '\r'], " "))
            .collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    text
}

/// The header of the segment export: fixed columns around the project's attribute columns.
pub fn segment_header(
    jobcenter_attributes: &[String],
    document_attributes: &[String],
) -> Vec<String> {
    let mut header = vec!["segment_id".to_owned(), "jobcenter".to_owned()];
    header.extend(jobcenter_attributes.iter().cloned());
    header.push("document".to_owned());
    header.extend(document_attributes.iter().cloned());
    header.extend(
        [
            "speaker", "code", "coder", "start", "end", "text", "memo", "created",
        ]
        .into_iter()
        .map(str::to_owned),
    );
    header
}

/// Writes the segments that pass the filter, one row each, with their jobcenter's and document's
/// attributes. Streams: a million segments need no more memory than one. Returns the rows written.
pub fn write_segments<W: Write>(
    project: &Project,
    filter: &SegmentFilter,
    out: W,
    options: CsvOptions,
) -> Result<(W, usize)> {
    let jobcenter_attributes: Vec<String> = project
        .attributes(Scope::Jobcenter)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    let document_attributes: Vec<String> = project
        .attributes(Scope::Document)?
        .into_iter()
        .map(|a| a.name)
        .collect();
    // The attribute cells of each jobcenter and document, looked up once, not once per segment.
    let cells = |values: &[(String, String)], names: &[String]| -> Vec<String> {
        names
            .iter()
            .map(|name| {
                values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let jobcenter_cells: HashMap<JobcenterId, Vec<String>> = project
        .jobcenters()?
        .into_iter()
        .map(|j| (j.id, cells(&j.attributes, &jobcenter_attributes)))
        .collect();
    let empty_jobcenter = vec![String::new(); jobcenter_attributes.len()];
    let empty_document = vec![String::new(); document_attributes.len()];
    let documents: HashMap<DocumentId, (&[String], Vec<String>)> = project
        .documents()?
        .into_iter()
        .map(|d| {
            let jobcenter = jobcenter_cells
                .get(&d.jobcenter_id)
                .map_or(empty_jobcenter.as_slice(), Vec::as_slice);
            (
                d.id,
                (jobcenter, cells(&d.attributes, &document_attributes)),
            )
        })
        .collect();
    let io = |e: std::io::Error| Error::io("CSV", e);
    let mut out = out;
    if options.bom {
        out.write_all("\u{feff}".as_bytes()).map_err(io)?;
    }
    let mut csv = SafeCsv::new(out, options);
    csv.row(segment_header(&jobcenter_attributes, &document_attributes))
        .map_err(io)?;
    let mut rows = 0;
    project.for_each_segment(filter, |segment| {
        let (jobcenter, document) = documents.get(&segment.document_id).map_or(
            (empty_jobcenter.as_slice(), empty_document.as_slice()),
            |(j, d)| (*j, d.as_slice()),
        );
        let (id, start, end) = (
            segment.id.to_string(),
            segment.start.to_string(),
            segment.end.to_string(),
        );
        let row = [id.as_str(), segment.jobcenter.as_str()]
            .into_iter()
            .chain(jobcenter.iter().map(String::as_str))
            .chain([segment.document.as_str()])
            .chain(document.iter().map(String::as_str))
            .chain([
                segment.speaker.as_deref().unwrap_or_default(),
                segment.code.as_str(),
                segment.coder.as_str(),
                start.as_str(),
                end.as_str(),
                segment.text.as_str(),
                segment.memo.as_str(),
                segment.created_at.as_str(),
            ]);
        csv.row(row).map_err(io)?;
        rows += 1;
        Ok(())
    })?;
    Ok((csv.finish().map_err(io)?, rows))
}

/// Exports the segments that pass the filter to a CSV file; returns how many rows were written.
pub fn export_segments(
    project: &Project,
    filter: &SegmentFilter,
    path: &Path,
    options: CsvOptions,
) -> Result<usize> {
    let mut result = Ok(0);
    write_atomically(path, |out| {
        result = write_segments(project, filter, out, options).map(|(_, rows)| rows);
        match &result {
            Ok(_) => Ok(()),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    })?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_written_safely_and_copied_as_tab_separated_text() {
        let table = vec![
            vec!["code".to_owned(), "JC Nord; Süd".to_owned()],
            vec!["=Arbeitslogik".to_owned(), "3".to_owned()],
            vec!["Zeile\nzwei".to_owned(), "4\t5".to_owned()],
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("matrix.csv");
        let options = CsvOptions {
            delimiter: b';',
            bom: true,
        };
        assert_eq!(export_table(&path, &table, options).unwrap(), 3);
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            written,
            "\u{feff}code;\"JC Nord; Süd\"\r\n'=Arbeitslogik;3\r\n\"Zeile\nzwei\";4\t5\r\n"
        );
        assert_eq!(
            tab_separated(&table),
            "code\tJC Nord; Süd\n'=Arbeitslogik\t3\nZeile zwei\t4 5\n"
        );
    }

    #[test]
    fn formula_starts_are_neutralised() {
        for bad in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        assert_eq!(neutralise("Bürger:innen; „Akte“"), "Bürger:innen; „Akte“");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let mut csv = SafeCsv::new(
            Vec::new(),
            CsvOptions {
                delimiter: b';',
                bom: false,
            },
        );
        csv.row(["a;b", "sagt \"nein\"", "zwei\nZeilen", "ok"])
            .unwrap();
        let out = String::from_utf8(csv.finish().unwrap()).unwrap();
        assert_eq!(out, "\"a;b\";\"sagt \"\"nein\"\"\";\"zwei\nZeilen\";ok\r\n");
    }

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let err = write_atomically(&target, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
