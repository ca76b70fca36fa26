//! Data in and out of the project: `export csv|qdpx|qdc`, `import-qdpx`, `import-qdc`.

use std::io::Write;

use anyhow::bail;

use super::args::{ExportCsvArgs, ExportFileArgs, ImportFileArgs};
use super::segments::segment_filter;
use crate::exchange::{
    CsvOptions, export_qdc, export_qdpx, export_segments, import_qdc, import_qdpx, write_segments,
};

/// `export csv`: the selected segments as a CSV file.
pub fn run_export_csv(args: ExportCsvArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let delimiter = match args.delimiter.as_str() {
        "," => b',',
        ";" => b';',
        "tab" | "\t" => b'\t',
        other => bail!("“{other}” is not a delimiter this export writes; use , or ; or tab"),
    };
    let p = super::open_project(&args.project)?;
    let filter = segment_filter(&p, &args.filter)?;
    let options = CsvOptions {
        delimiter,
        bom: args.bom,
    };
    if args.out.as_os_str() == "-" {
        let (_, n) = write_segments(&p, &filter, &mut *out, options)?;
        out.flush()?;
        eprintln!("wrote {n} segments to standard output");
        return Ok(());
    }
    let n = export_segments(&p, &filter, &args.out, options)?;
    writeln!(out, "wrote {n} segments to {}", args.out.display())?;
    Ok(())
}

/// `export qdpx`: the whole project as a REFI-QDA project.
pub fn run_export_qdpx(args: ExportFileArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    writeln!(out, "{}", export_qdpx(&p, &args.out)?)?;
    Ok(())
}

/// `export qdc`: the code system as a REFI-QDA codebook.
pub fn run_export_qdc(args: ExportFileArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    writeln!(out, "{}", export_qdc(&p, &args.out)?)?;
    Ok(())
}

/// `import-qdpx`: a REFI-QDA project into this one, with its report.
pub fn run_import_qdpx(args: ImportFileArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let report = import_qdpx(&mut p, &args.file)?;
    writeln!(out, "{}", report.to_string().trim_end())?;
    Ok(())
}

/// `import-qdc`: a REFI-QDA codebook into the code system, with its report.
pub fn run_import_qdc(args: ImportFileArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let report = import_qdc(&mut p, &args.file)?;
    writeln!(out, "{}", report.to_string().trim_end())?;
    Ok(())
}
