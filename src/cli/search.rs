//! Lexical search and what follows from it: `search`, `autocode`, `words`.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;
use serde::Serialize;

use super::args::{AutocodeArgs, Format, SearchArgs, WordsArgs};
use super::print::{print_json, print_rows};
use crate::analysis::{
    AnalysisData, AutocodeItem, CONFIRM_ABOVE, Dictionary, SearchCorpus, SearchScope, StopWords,
    WordSpec, autocode, autocode_label, autocode_memo, parse_assignments, plan_autocode,
    read_stopwords, resolve_scope, search_project, word_frequencies,
};
use crate::model::{CodeId, DocumentInfo};
use crate::project::Planned;

/// `search`: every hit of a query, with its context.
pub fn run_search(args: SearchArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let spec = args.search.spec(&args.query)?;
    let hits = search_project(&p, &spec)?;
    if args.format == Format::Json {
        return print_json(out, &hits);
    }
    let mut header = vec![
        "document", "speaker", "start", "end", "left", "text", "right",
    ];
    if args.format == Format::Csv {
        header = vec![
            "document_id",
            "document",
            "jobcenter",
            "speaker",
            "start",
            "end",
            "left",
            "text",
            "right",
        ];
    }
    let csv = args.format == Format::Csv;
    print_rows(
        out,
        args.format,
        &header,
        hits.iter().map(|h| {
            let mut row = vec![
                h.document.clone(),
                h.speaker.clone().unwrap_or_default(),
                h.start.to_string(),
                h.end.to_string(),
                h.left.clone(),
                h.text.clone(),
                h.right.clone(),
            ];
            if csv {
                row.insert(0, h.document_id.to_string());
                row.insert(2, h.jobcenter.clone());
            }
            row
        }),
    )
}

/// A segment an autocoding run would make, as `--dry-run` lists it.
#[derive(Serialize)]
struct DrySegment {
    document_id: i64,
    start: usize,
    end: usize,
    code: String,
    coder: String,
}

/// `autocode`: codes what a search (or a dictionary's searches) finds, as one change.
pub fn run_autocode(args: Box<AutocodeArgs>, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut p = super::open_project(&args.project)?;
    let mut items = Vec::new();
    let what = match (&args.dictionary, &args.query, &args.code) {
        (Some(file), _, _) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("{} cannot be read as UTF-8 text", file.display()))?;
            let dictionary = Dictionary::parse(&text, &file.display().to_string())?;
            for (path, terms) in &dictionary.entries {
                let spec = args.search.spec(&Dictionary::query(terms))?;
                let hits = search_project(&p, &spec)?;
                let code = p.code_by_path(path)?;
                items.push(AutocodeItem {
                    code: code.id,
                    memo: autocode_memo(&terms.join(" | ")),
                    hits: hits.iter().map(|h| (h.document_id, h.range())).collect(),
                });
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("Wörterbuch „{name}“")
        }
        (None, Some(query), Some(code)) => {
            let hits = search_project(&p, &args.search.spec(query)?)?;
            let code = p.code_by_path(code)?;
            items.push(AutocodeItem::from_hits(code.id, query, &hits));
            format!("„{query}“ mit „{}“", code.path)
        }
        _ => anyhow::bail!("name a query and --code, or a --dictionary"),
    };
    let scope = args.scope.into();
    let planned = plan_autocode(&p, &items, scope, &args.coder)?;
    let to_code: Vec<_> = planned
        .iter()
        .filter(|s| !matches!(s.planned, Planned::Covered { .. }))
        .collect();
    if args.dry_run {
        let paths: HashMap<CodeId, String> = p
            .codes()?
            .into_iter()
            .map(|c| (c.id, c.path.to_string()))
            .collect();
        let rows: Vec<DrySegment> = to_code
            .iter()
            .map(|s| DrySegment {
                document_id: s.document.0,
                start: s.range.start.0,
                end: s.range.end.0,
                code: paths.get(&s.code).cloned().unwrap_or_default(),
                coder: args.coder.trim().to_owned(),
            })
            .collect();
        if args.format == Format::Json {
            return print_json(out, &rows);
        }
        return print_rows(
            out,
            args.format,
            &["document_id", "start", "end", "code", "coder"],
            rows.iter().map(|r| {
                vec![
                    r.document_id.to_string(),
                    r.start.to_string(),
                    r.end.to_string(),
                    r.code.clone(),
                    r.coder.clone(),
                ]
            }),
        );
    }
    if to_code.len() > CONFIRM_ABOVE && !args.yes {
        anyhow::bail!(
            "this would code {} passages, more than {CONFIRM_ABOVE}; check the query with --dry-run, or repeat with --yes to code them all. Nothing was coded",
            to_code.len()
        );
    }
    let label = autocode_label(&what, to_code.len());
    let done = autocode(&mut p, &items, scope, &args.coder, &label)?;
    writeln!(
        out,
        "autocoded {} new segments, extended {}, {} were coded already; one change (`kodierwerk undo` takes it back)",
        done.new, done.extended, done.covered
    )?;
    Ok(())
}

/// `words`: word frequencies per jobcenter or group.
pub fn run_words(args: WordsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let p = super::open_project(&args.project)?;
    let data = AnalysisData::load_cases(&p)?;
    let scope = resolve_scope(
        &data,
        &SearchScope {
            conditions: parse_assignments(&args.conditions)?,
            speakers: args.speakers.clone(),
            ..SearchScope::default()
        },
    )?;
    let stopwords = match args.stopwords.trim() {
        "de" => StopWords::German,
        "none" => StopWords::None,
        file => read_stopwords(std::path::Path::new(file))?,
    };
    let chosen: Vec<DocumentInfo> = scope.chosen(&data).into_iter().cloned().collect();
    let corpus = SearchCorpus::load(&p, &chosen)?;
    let spec = WordSpec {
        by: args.by.clone(),
        stopwords,
        stem: args.stem,
        min: args.min,
        ..WordSpec::default()
    };
    let table = word_frequencies(&data, &corpus, &scope, &spec)?;
    if args.format == Format::Json {
        return print_json(out, &table);
    }
    let mut header = vec!["word".to_owned()];
    if args.stem {
        header.push("stem".into());
    }
    for g in &table.groups {
        header.push(g.label.clone());
        header.push(format!("{} /10k", g.label));
    }
    header.push("total".into());
    header.push("log_likelihood".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    print_rows(
        out,
        args.format,
        &header,
        table.rows.iter().map(|r| {
            let mut row = vec![r.word.clone()];
            if let Some(stem) = &r.stem {
                row.push(stem.clone());
            }
            for (count, per) in r.counts.iter().zip(&r.per_10k) {
                row.push(count.to_string());
                row.push(format!("{per:.1}"));
            }
            row.push(r.total.to_string());
            row.push(format!("{:.2}", r.log_likelihood));
            row
        }),
    )
}
