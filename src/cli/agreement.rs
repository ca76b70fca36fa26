//! Team coding: `agreement` (how far two coders agree, per code and pooled) and `consensus` (the
//! team's decision on a passage where they differ). Each computes with the same core function as
//! the workbench.

use std::io::Write;

use super::args::{AgreementArgs, ConsensusArgs, Format};
use super::print::{code_label, header, print_listing};
use crate::analysis::{
    Agreement, AgreementRow, AgreementSpec, AgreementUnit, AnalysisData, Figure, SegmentQuery,
    agreement, chosen_documents, load_units, parse_assignments, resolve_segment_filter,
};
use crate::model::range::CharRange;
use crate::project::ConsensusDecision;

/// `agreement`: the 2×2 table and the figures of two coders, the pooled row first.
pub fn run_agreement(args: AgreementArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if !(0.0..=100.0).contains(&args.threshold) || args.threshold == 0.0 {
        anyhow::bail!(
            "--threshold is a percentage above 0 and at most 100, e.g. --threshold 90 (got {})",
            args.threshold
        );
    }
    if let Some(share) = args.min_share
        && !(share > 0.0 && share <= 100.0)
    {
        anyhow::bail!(
            "--min-share is a percentage above 0 and at most 100, e.g. --min-share 50 (got {share})"
        );
    }
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let query = SegmentQuery {
        jobcenters: args.jobcenters.clone(),
        documents: args.documents.clone(),
        conditions: parse_assignments(&args.conditions)?,
        ..SegmentQuery::default()
    };
    let filter = resolve_segment_filter(&p, &query)?;
    let codes = args
        .codes
        .iter()
        .map(|path| Ok(p.code_by_path(path)?.id))
        .collect::<crate::Result<_>>()?;
    let unit: AgreementUnit = args.unit.into();
    let spec = AgreementSpec {
        coders: args.coders.clone(),
        unit,
        threshold: args.threshold,
        min_share: args.min_share,
        codes,
        documents: chosen_documents(&data, &filter),
        with_subcodes: args.with_subcodes,
        ci: args.ci,
    };
    let units = load_units(&p, &data, unit)?;
    let a = agreement(&data, &spec, &units)?;
    let format = args.format;
    if format == Format::Table {
        writeln!(out, "{}", preamble(&a))?;
    }
    print_listing(out, format, &a, || Ok(table(&a, format)))?;
    if format == Format::Table
        && let Some(ci) = &a.pooled.ci
    {
        let show = |i: Option<crate::analysis::Interval>| match i {
            Some(i) => format!("{:.4} to {:.4}", i.low, i.high),
            None => "undefined".to_owned(),
        };
        writeln!(
            out,
            "95 % bootstrap interval over documents ({} resamples, seed {}): kappa {}, alpha {}",
            ci.resamples,
            ci.seed,
            show(ci.cohen_kappa),
            show(ci.krippendorff_alpha)
        )?;
    }
    Ok(())
}

/// One line that states what was compared.
fn preamble(a: &Agreement) -> String {
    let mut unit = match a.unit {
        AgreementUnit::Segment => format!(
            "segment (matched one to one at {}% overlap; both coders' segments are counted)",
            a.threshold.unwrap_or_default()
        ),
        unit => unit.as_str().to_owned(),
    };
    if let Some(share) = a.min_share {
        unit.push_str(&format!(" (coded from {share}% of it)"));
    }
    format!(
        "{} and {}, unit: {unit}, {} {}",
        a.coders[0],
        a.coders[1],
        a.documents,
        if a.documents == 1 {
            "document"
        } else {
            "documents"
        }
    )
}

fn table(a: &Agreement, format: Format) -> (Vec<String>, Vec<Vec<String>>) {
    let segment = a.unit == AgreementUnit::Segment;
    let mut columns = header(&[
        "code",
        "units",
        "both",
        "only_first",
        "only_second",
        "neither",
        "percent",
        "kappa",
        "brennan_prediger",
        "alpha",
        "positive",
    ]);
    if segment {
        columns.extend(header(&["matched", "unmatched_first", "unmatched_second"]));
    }
    let row = |label: String, r: &AgreementRow| {
        let t = &r.table;
        let mut cells = vec![label];
        cells.extend(
            [t.units, t.both, t.only_first, t.only_second, t.neither].map(|n| n.to_string()),
        );
        let f = &r.figures;
        cells.push(figure(f.percent_agreement, 2, format));
        for fig in [
            f.cohen_kappa,
            f.brennan_prediger,
            f.krippendorff_alpha,
            f.positive_agreement,
        ] {
            cells.push(figure(fig, 4, format));
        }
        if let Some(m) = r.segments {
            cells.extend([m.matched, m.unmatched_first, m.unmatched_second].map(|n| n.to_string()));
        }
        cells
    };
    let mut rows = vec![row("(all codes)".to_owned(), &a.pooled.row)];
    rows.extend(
        a.codes
            .iter()
            .map(|r| row(code_label(format, &r.code, r.depth), r)),
    );
    (columns, rows)
}

/// A figure with `decimals` places; undefined: its reason in the table, empty in CSV.
fn figure(f: Figure, decimals: usize, format: Format) -> String {
    match f {
        Figure::Value(v) => format!("{v:.decimals$}"),
        Figure::Undefined(why) if format == Format::Table => format!("– ({})", why.sentence()),
        Figure::Undefined(_) => String::new(),
    }
}

/// `consensus`: writes one decision as segments of the consensus coder.
pub fn run_consensus(args: ConsensusArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let [first, second] = match args.coders.as_slice() {
        [a, b] => [a.clone(), b.clone()],
        _ => return Err(crate::model::Error::NotTwoCoders.into()),
    };
    let mut p = super::open_project(&args.project)?;
    let document = p.resolve_document(&args.doc)?;
    let code = p.code_by_path(&args.code)?;
    let decision = ConsensusDecision {
        document,
        code: code.id,
        passage: CharRange::new(args.start, args.end)?,
        coders: [first, second],
        choice: args.take.into(),
        with_subcodes: args.with_subcodes,
        consensus: args.consensus.clone(),
    };
    let outcome = p.decide_consensus(&decision)?;
    let ranges: Vec<String> = outcome
        .segments
        .iter()
        .map(|(id, r)| format!("segment {id} ({r})"))
        .collect();
    let written = if ranges.is_empty() {
        "no segment".to_owned()
    } else {
        ranges.join(", ")
    };
    writeln!(
        out,
        "{} decided “{}” in {}–{}: {written}{}",
        args.consensus.trim(),
        code.path,
        args.start,
        args.end,
        match outcome.replaced {
            0 => String::new(),
            n => format!(" (replacing {n} earlier)"),
        }
    )?;
    Ok(())
}
