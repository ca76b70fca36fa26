//! How the listing commands print: aligned tables, CSV and JSON.

use std::io::Write;

use serde::Serialize;

use super::args::Format;
use crate::exchange::{CsvOptions, SafeCsv};

/// A table as the listing commands build it: the header and the rows.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// A table cell is cut to this many characters, with `…` at the end.
const MAX_CELL: usize = 60;

/// Writes a value as pretty JSON and a line break.
pub fn print_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints `value` as JSON, or the table that `table` builds (header and rows) as a table or CSV.
pub fn print_listing<T, F>(
    out: &mut dyn Write,
    format: Format,
    value: &T,
    table: F,
) -> anyhow::Result<()>
where
    T: Serialize + ?Sized,
    F: FnOnce() -> anyhow::Result<Table>,
{
    if format == Format::Json {
        return print_json(out, value);
    }
    let (header, rows) = table()?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_rows(out, format, &header, rows)
}

/// A code as a table row names it: its name indented by depth; in CSV its full path.
pub fn code_label(format: Format, path: &crate::model::CodePath, depth: usize) -> String {
    if format == Format::Table {
        format!("{}{}", "  ".repeat(depth), path.leaf())
    } else {
        path.to_string()
    }
}

/// Splits an analysis' table (header first) and names each row's code as [`code_label`] does.
pub fn labelled_table<'a>(
    format: Format,
    mut table: Vec<Vec<String>>,
    codes: impl IntoIterator<Item = (&'a crate::model::CodePath, usize)>,
) -> Table {
    let header = table.remove(0);
    for (row, (path, depth)) in table.iter_mut().zip(codes) {
        row[0] = code_label(format, path, depth);
    }
    (header, table)
}

/// A header from its column names.
pub fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Prints rows as an aligned table or as CSV.
pub fn print_rows<I>(
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
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| shorten(&visible(c))).collect())
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

/// A cell on one line, cut to [`MAX_CELL`] characters.
/// Text for a terminal: control characters other than line ends and tabs (the start of escape
/// sequences that set a window's title or the clipboard, bells) are shown as `\u{1b}`, never sent.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if hidden(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

fn shorten(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > MAX_CELL {
        let cut: String = flat.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// The value of the named attribute in a list of `(name, value)`; empty if it has none.
pub fn value_of(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
