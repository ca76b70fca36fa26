//! Autocoding: the hits of a search widened to their sentence or speaker turn and coded in one
//! change ([`Project::code_passages`]), and dictionaries that autocode several codes in one run.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::AnalysisData;
use super::search::{CorpusDocument, Hit, SearchCorpus};
use super::text_units::sentences;
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange, TextIndex};
use crate::model::{CodeId, DocumentId, DocumentInfo};
use crate::project::{CodedPassages, NewPassage, PlannedSegment, Project};

/// More passages than this in one run need a confirmation (`--yes`, or a second click).
pub const CONFIRM_ABOVE: usize = 10_000;

/// What each hit is widened to before it is coded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutocodeScope {
    /// The hit itself.
    #[default]
    Hit,
    /// The sentences the hit touches.
    Sentence,
    /// The speaker turn (or, without turns, the paragraph) of the hit.
    Turn,
}

/// The hits to code with one code, and the memo its new segments get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutocodeItem {
    pub code: CodeId,
    pub memo: String,
    pub hits: Vec<(DocumentId, CharRange)>,
}

impl AutocodeItem {
    /// The hits of a search, to be coded with `code`; the memo names the query.
    pub fn from_hits(code: CodeId, query: &str, hits: &[Hit]) -> Self {
        Self {
            code,
            memo: autocode_memo(query),
            hits: hits.iter().map(|h| (h.document_id, h.range())).collect(),
        }
    }
}

/// The memo of an autocoded segment: the query that found it.
pub fn autocode_memo(query: &str) -> String {
    format!("Autocodiert mit der Suche: {query}")
}

/// Widens a hit of a document to the scope.
fn widen(
    doc: &CorpusDocument,
    index: &TextIndex<'_>,
    range: CharRange,
    scope: AutocodeScope,
    sentences_of: &mut HashMap<usize, Vec<CharRange>>,
) -> CharRange {
    let Some(unit) = doc.unit_at(range.start.0) else {
        return range;
    };
    let unit_range = doc.units[unit].range;
    match scope {
        AutocodeScope::Hit => range,
        AutocodeScope::Turn => CharRange {
            start: unit_range.start.min(range.start),
            end: unit_range.end.max(range.end),
        },
        AutocodeScope::Sentence => {
            let list = sentences_of.entry(unit).or_insert_with(|| {
                sentences(index.slice(unit_range).unwrap_or_default())
                    .into_iter()
                    .map(|s| CharRange {
                        start: CharPos(s.start.0 + unit_range.start.0),
                        end: CharPos(s.end.0 + unit_range.start.0),
                    })
                    .collect()
            });
            list.iter()
                .filter(|s| s.overlaps(&range))
                .fold(range, |acc, s| CharRange {
                    start: acc.start.min(s.start),
                    end: acc.end.max(s.end),
                })
        }
    }
}

/// The passages to code: each hit widened to the scope, in the corpus' documents.
pub fn autocode_passages(
    corpus: &SearchCorpus,
    items: &[AutocodeItem],
    scope: AutocodeScope,
) -> Vec<NewPassage> {
    let mut out = Vec::new();
    let mut sentences_of: HashMap<DocumentId, HashMap<usize, Vec<CharRange>>> = HashMap::new();
    let mut indexes: HashMap<DocumentId, TextIndex<'_>> = HashMap::new();
    for item in items {
        for (document, range) in &item.hits {
            let Some(doc) = corpus.document(*document) else {
                continue;
            };
            let cache = sentences_of.entry(*document).or_default();
            let index = indexes
                .entry(*document)
                .or_insert_with(|| TextIndex::new(&doc.text));
            out.push(NewPassage {
                document: *document,
                range: widen(doc, index, *range, scope, cache),
                code: item.code,
                memo: item.memo.clone(),
            });
        }
    }
    out
}

/// Reads the documents the items' hits lie in.
fn corpus_for(project: &Project, items: &[AutocodeItem]) -> Result<SearchCorpus> {
    let wanted: HashSet<DocumentId> = items
        .iter()
        .flat_map(|i| i.hits.iter().map(|(d, _)| *d))
        .collect();
    let documents: Vec<DocumentInfo> = AnalysisData::load_cases(project)?
        .documents
        .into_iter()
        .filter(|d| wanted.contains(&d.id))
        .collect();
    SearchCorpus::load(project, &documents)
}

/// The segments an autocoding run would make or extend, changing nothing.
pub fn plan_autocode(
    project: &Project,
    items: &[AutocodeItem],
    scope: AutocodeScope,
    coder: &str,
) -> Result<Vec<PlannedSegment>> {
    let corpus = corpus_for(project, items)?;
    project.plan_passages(&autocode_passages(&corpus, items, scope), coder)
}

/// Codes the hits of the items, widened to the scope, as one change labelled `label`.
pub fn autocode(
    project: &mut Project,
    items: &[AutocodeItem],
    scope: AutocodeScope,
    coder: &str,
    label: &str,
) -> Result<CodedPassages> {
    let corpus = corpus_for(project, items)?;
    let passages = autocode_passages(&corpus, items, scope);
    project.code_passages(&passages, coder, label)
}

/// The label of an autocoding run in the action log.
pub fn autocode_label(what: &str, passages: usize) -> String {
    format!("Autocodiert: {what} ({passages} Passagen)")
}

/// A dictionary: codes with the search terms that find their passages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    /// Code path and its terms, by path.
    pub entries: Vec<(String, Vec<String>)>,
}

impl Dictionary {
    /// Reads a dictionary file's text (TOML: a table `[codes]` of code paths and their terms).
    pub fn parse(text: &str, file: &str) -> Result<Self> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            codes: BTreeMap<String, Vec<String>>,
        }
        let bad = |reason: String| Error::BadDictionary {
            file: file.to_owned(),
            reason,
        };
        let parsed: File = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        if parsed.codes.is_empty() {
            return Err(bad("it names no code under [codes]".into()));
        }
        let mut entries = Vec::new();
        for (path, terms) in parsed.codes {
            let terms: Vec<String> = terms
                .into_iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            if terms.is_empty() {
                return Err(bad(format!("“{path}” has no search terms")));
            }
            for term in &terms {
                super::query::parse_query(term)?;
            }
            entries.push((path, terms));
        }
        Ok(Self { entries })
    }

    /// One code's terms as one query: each term in brackets, joined by `OR`.
    pub fn query(terms: &[String]) -> String {
        terms
            .iter()
            .map(|t| format!("({t})"))
            .collect::<Vec<_>>()
            .join(" OR ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{JobcenterId, Turn};

    fn corpus(text: &str, turns: Vec<Turn>) -> SearchCorpus {
        let info = DocumentInfo {
            id: DocumentId(1),
            name: "d".into(),
            jobcenter_id: JobcenterId(1),
            jobcenter: "J".into(),
            source_name: String::new(),
            encoding: String::new(),
            chars: 0,
            turns: 0,
            segments: 0,
            attributes: Vec::new(),
            imported_at: String::new(),
        };
        SearchCorpus::build([(info, text.to_owned(), turns)])
    }

    #[test]
    fn hits_widen_to_sentences_and_turns() {
        let text =
            "I: Wie ist das?\nB: Die Akte ist neu. Sie hilft, z. B. bei der Akte. Sonst nichts.\n";
        let turn = |speaker: &str, s: usize, e: usize| Turn {
            speaker: speaker.into(),
            timestamp: None,
            range: CharRange::new(s, e).unwrap(),
        };
        let turns = vec![turn("I", 3, 15), turn("B", 19, 81)];
        let c = corpus(text, turns);
        let chars: Vec<char> = text.chars().collect();
        let slice =
            |r: &NewPassage| -> String { chars[r.range.start.0..r.range.end.0].iter().collect() };
        let akte: Vec<(DocumentId, CharRange)> = [(23, 27), (62, 66)]
            .iter()
            .map(|&(s, e)| (DocumentId(1), CharRange::new(s, e).unwrap()))
            .collect();
        assert_eq!(&text[23..27], "Akte");
        let item = AutocodeItem {
            code: CodeId(1),
            memo: autocode_memo("Akte"),
            hits: akte,
        };
        let widened = |scope| -> Vec<String> {
            autocode_passages(&c, std::slice::from_ref(&item), scope)
                .iter()
                .map(slice)
                .collect()
        };
        assert_eq!(widened(AutocodeScope::Hit), ["Akte", "Akte"]);
        assert_eq!(
            widened(AutocodeScope::Sentence),
            ["Die Akte ist neu.", "Sie hilft, z. B. bei der Akte."]
        );
        let turn_text = "Die Akte ist neu. Sie hilft, z. B. bei der Akte. Sonst nichts.";
        assert_eq!(widened(AutocodeScope::Turn), [turn_text, turn_text]);
    }

    #[test]
    fn a_dictionary_names_codes_and_their_terms() {
        let text = r#"
[codes]
"Digitale Anwendungen/E-Akte" = ["E-Akte", "elektronische Akte", "eAkte"]
"Digitale Anwendungen/Videoberatung" = ["Video*"]
"#;
        let d = Dictionary::parse(text, "d.toml").unwrap();
        assert_eq!(d.entries.len(), 2);
        assert_eq!(
            Dictionary::query(&d.entries[0].1),
            "(E-Akte) OR (elektronische Akte) OR (eAkte)"
        );
        assert!(Dictionary::parse("[codes]\nA = []", "d").is_err());
        assert!(Dictionary::parse("[codes]\nA = [\"x OR\"]", "d").is_err());
        assert!(Dictionary::parse("codes = 1", "d").is_err());
    }
}
