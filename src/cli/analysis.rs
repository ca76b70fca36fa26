//! The analyses and the typology's evidence: `matrix`, `profile`, `crosstab`, `cooccurrence`,
//! `typology`, `evidence`. Each computes with the same core function as the workbench.

use std::io::Write;

use serde::Serialize;

use super::args::{
    CooccurrenceArgs, CrosstabArgs, EvidenceArgs, Format, MatrixArgs, ProfileArgs, TypologyArgs,
};
use super::print::{code_label, header, labelled_table, print_listing, value_of};
use crate::analysis::{
    AnalysisData, Columns, CooccurrenceScope, CooccurrenceSpec, CrosstabSpec, DocumentTurns,
    MAX_TABLE_CODES, MatrixSpec, Measure, TableWords, TypologySpec, cooccurrence, crosstab,
    load_turns, matrix, parse_assignments, parse_condition, separating_codes, typology,
};
use crate::model::SegmentId;
use crate::project::{DIGITALISIERUNGSTYP, Evidence};

/// `matrix`: codes against jobcenters or attribute values.
pub fn run_matrix(args: MatrixArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let spec = MatrixSpec {
        by: Columns::parse(&args.by),
        measure: args.value.into(),
        coder: args.coder,
        conditions: parse_assignments(&args.conditions)?,
        words: TableWords::default(),
    };
    let m = matrix(&data, &spec)?;
    print_listing(out, args.format, &m, || {
        Ok(labelled_table(
            args.format,
            m.table(),
            m.rows.iter().map(|r| (&r.code, r.depth)),
        ))
    })
}

/// `profile`: how a code's segments divide among its sub-codes, in percent per column.
pub fn run_profile(args: ProfileArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let parent: String = match &args.code {
        Some(path) => p.code_by_path(path)?.path.into(),
        None => String::new(),
    };
    let spec = MatrixSpec {
        by: Columns::parse(&args.by),
        measure: Measure::Segments,
        coder: args.coder,
        conditions: parse_assignments(&args.conditions)?,
        words: TableWords::default(),
    };
    let m = matrix(&data, &spec)?;
    let profile = m.profile(&parent).ok_or_else(|| {
        anyhow::anyhow!("the code “{parent}” has no sub-codes, so there is nothing to divide")
    })?;
    print_listing(out, args.format, &profile, || {
        let mut columns = header(&["code"]);
        columns.extend(profile.columns.iter().cloned());
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
        Ok((columns, rows))
    })
}

/// `crosstab`: codes under conditions on attributes, one column per condition.
pub fn run_crosstab(args: CrosstabArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let spec = CrosstabSpec {
        conditions: args
            .conditions
            .iter()
            .map(|c| parse_condition(c))
            .collect::<crate::Result<_>>()?,
        unit: args.unit.into(),
        coder: args.coder,
        words: TableWords::default(),
    };
    let t = crosstab(&data, &spec)?;
    let format = args.format;
    print_listing(out, format, &t, || {
        let mut columns = header(&["code"]);
        columns.extend(t.columns.iter().map(|c| c.label.clone()));
        columns.push(t.all.label.clone());
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
        Ok((columns, rows))
    })
}

/// `cooccurrence`: how often two codes meet, as a square table.
pub fn run_cooccurrence(args: CooccurrenceArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let scope: CooccurrenceScope = args.scope.into();
    let turns = if scope == CooccurrenceScope::Turn {
        load_turns(&p, &data)?
    } else {
        DocumentTurns::new()
    };
    let spec = CooccurrenceSpec {
        scope,
        coder: args.coder,
    };
    let c = cooccurrence(&data, &spec, &turns)?;
    let format = args.format;
    print_listing(out, format, &c, || {
        let mut columns = header(&["code"]);
        columns.extend(c.codes.iter().map(|path| {
            if format == Format::Table {
                path.leaf().to_owned()
            } else {
                path.to_string()
            }
        }));
        let rows = c
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![code_label(format, &r.code, r.depth)];
                row.extend(r.cells.iter().map(usize::to_string));
                row
            })
            .collect();
        Ok((columns, rows))
    })?;
    if c.left_out > 0 {
        eprintln!(
            "kodierwerk: the code system has more than {MAX_TABLE_CODES} codes; the table shows the {} codes that meet another (the most meeting ones) and leaves out {}",
            c.codes.len(),
            c.left_out
        );
    }
    Ok(())
}

/// `typology`: the code profiles of the types, and (as a table) each type's jobcenters.
pub fn run_typology(args: TypologyArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load(&p)?;
    let spec = TypologySpec {
        attribute: args.attribute,
        coder: args.coder,
        codes: None,
        words: TableWords::default(),
    };
    let mut t = typology(&data, &spec)?;
    if let Some(n) = args.top {
        t.rows = separating_codes(&t, n).into_iter().cloned().collect();
    }
    let format = args.format;
    print_listing(out, format, &t, || {
        let table = t.table(&t.rows);
        Ok(if args.top.is_none() {
            labelled_table(format, table, t.rows.iter().map(|r| (&r.path, r.depth)))
        } else {
            labelled_table(format, table, [])
        })
    })?;
    if format == Format::Table {
        writeln!(out)?;
        for column in &t.types {
            let members = column.jobcenters.join(", ");
            let members = if members.is_empty() { "–" } else { &members };
            writeln!(out, "{}: {members}", column.value)?;
        }
        if !t.unassigned_jobcenters.is_empty() {
            let members = t.unassigned_jobcenters.join(", ");
            writeln!(out, "{}: {members}", t.words.no_value)?;
        }
    }
    Ok(())
}

/// `evidence`: lists a jobcenter's evidence, or links or unlinks a segment.
pub fn run_evidence(args: EvidenceArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let jobcenter = p.jobcenter(&args.jobcenter)?;
    if let Some(segment) = args.link.map(SegmentId) {
        let note = &args.note;
        let existing = p
            .evidence(jobcenter.id)?
            .into_iter()
            .find(|e| e.segment_id == segment);
        if let Some(e) = &existing
            && !note.trim().is_empty()
            && note.trim() != e.note
        {
            p.set_evidence_note(jobcenter.id, segment, note)?;
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
            p.link_evidence(jobcenter.id, segment, note)?;
            writeln!(
                out,
                "linked segment {segment} as evidence for “{}”",
                jobcenter.name
            )?;
        }
        return Ok(());
    }
    if let Some(segment) = args.unlink.map(SegmentId) {
        p.unlink_evidence(jobcenter.id, segment)?;
        writeln!(
            out,
            "segment {segment} is no longer evidence for “{}”",
            jobcenter.name
        )?;
        return Ok(());
    }
    let kind = value_of(&jobcenter.attributes, DIGITALISIERUNGSTYP);
    let evidence = p.evidence(jobcenter.id)?;
    let format = args.format;
    if format == Format::Table {
        let kind = if kind.is_empty() {
            "not assigned yet"
        } else {
            &kind
        };
        writeln!(
            out,
            "{}: {DIGITALISIERUNGSTYP} {kind}, {} as evidence",
            jobcenter.name,
            match evidence.len() {
                1 => "1 segment".to_owned(),
                n => format!("{n} segments"),
            }
        )?;
    }
    /// The evidence of a jobcenter as `--format json` lists it.
    #[derive(Serialize)]
    struct Listing<'a> {
        jobcenter: &'a str,
        #[serde(rename = "type")]
        kind: Option<&'a str>,
        evidence: &'a [Evidence],
    }
    let listing = Listing {
        jobcenter: &jobcenter.name,
        kind: (!kind.is_empty()).then_some(kind.as_str()),
        evidence: &evidence,
    };
    print_listing(out, format, &listing, || {
        let rows = evidence
            .iter()
            .map(|e| {
                vec![
                    e.segment_id.to_string(),
                    e.document.clone(),
                    e.code.to_string(),
                    e.coder.clone(),
                    e.text.clone(),
                    e.note.clone(),
                ]
            })
            .collect();
        Ok((
            header(&["segment", "document", "code", "coder", "text", "note"]),
            rows,
        ))
    })
}
