//! Word frequencies per jobcenter or per group of documents (MAXDictio's word list): counts, counts
//! per 10,000 words, and the words that separate the groups most (log-likelihood) on top.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::AnalysisData;
use super::filter::find_attribute;
use super::fold::fold_text;
use super::search::{ResolvedScope, SearchCorpus, german_stemmer};
use super::words::TableWords;
use crate::model::error::{Error, Result};
use crate::model::{AttributeKind, DocumentId, DocumentInfo, Scope};

/// The German stop-word list shipped with Kodierwerk (stopwords-iso, `de`).
pub const GERMAN_STOPWORDS: &str = include_str!("../../assets/stopwords-de.txt");

/// Which words are left out of the counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StopWords {
    /// The shipped German list.
    #[default]
    German,
    None,
    /// A list of one's own, folded.
    List(Vec<String>),
}

impl StopWords {
    /// A list from a file's text: one word per line, `#` starts a comment line.
    pub fn from_text(text: &str) -> Self {
        Self::List(words_of_list(text))
    }

    fn set(&self) -> HashSet<String> {
        match self {
            StopWords::German => words_of_list(GERMAN_STOPWORDS).into_iter().collect(),
            StopWords::None => HashSet::new(),
            StopWords::List(list) => list.iter().cloned().collect(),
        }
    }
}

fn words_of_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(fold_text)
        .collect()
}

/// The question: grouped how, which words count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordSpec {
    /// `jobcenter`, or the name of a jobcenter or document attribute.
    pub by: String,
    pub stopwords: StopWords,
    /// Count words of one German stem together.
    pub stem: bool,
    /// Leave out words found fewer times than this in all groups together.
    pub min: usize,
    pub words: TableWords,
}

impl Default for WordSpec {
    fn default() -> Self {
        Self {
            by: "jobcenter".into(),
            stopwords: StopWords::German,
            stem: false,
            min: 1,
            words: TableWords::default(),
        }
    }
}

/// A column of the word table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WordGroup {
    pub label: String,
    pub documents: usize,
    /// Every word said in the group's turns, stop words included: the base of "per 10,000".
    pub words: u64,
}

/// A word with its counts per group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WordRow {
    /// The word as folded (lower case, `ß` as `ss`); with stems, the stem's most frequent word.
    pub word: String,
    /// The stem, when words are counted by stem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stem: Option<String>,
    pub counts: Vec<u64>,
    pub per_10k: Vec<f64>,
    pub total: u64,
    /// How unevenly the word spreads over the groups (G², 0 where it spreads as the words do).
    pub log_likelihood: f64,
}

/// Word frequencies: `rows[i].counts[j]` belongs to `groups[j]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WordTable {
    pub by: String,
    pub groups: Vec<WordGroup>,
    pub rows: Vec<WordRow>,
}

/// A document's value of the grouping attribute.
type ValueOf = Box<dyn Fn(&DocumentInfo) -> Option<String>>;

/// Each chosen document's group (by position) and the groups' labels, in order.
fn groups(
    data: &AnalysisData,
    documents: &[&DocumentInfo],
    spec: &WordSpec,
) -> Result<(HashMap<DocumentId, usize>, Vec<String>)> {
    let value_of: ValueOf;
    let mut order: Vec<String>;
    if spec.by.trim().eq_ignore_ascii_case("jobcenter") {
        order = data.jobcenters.iter().map(|j| j.name.clone()).collect();
        value_of = Box::new(|d| Some(d.jobcenter.clone()));
    } else {
        let attribute = find_attribute(&data.attributes, &spec.by)?.clone();
        order = match &attribute.kind {
            AttributeKind::Choice(choices) => choices.clone(),
            _ => Vec::new(),
        };
        let jobcenter_values: HashMap<_, _> = data
            .jobcenters
            .iter()
            .map(|j| (j.id, j.attributes.clone()))
            .collect();
        value_of = Box::new(move |d| {
            let values = match attribute.scope {
                Scope::Jobcenter => jobcenter_values.get(&d.jobcenter_id)?,
                Scope::Document => &d.attributes,
            };
            values
                .iter()
                .find(|(name, _)| *name == attribute.name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.trim().is_empty())
        });
    }
    let mut extra: Vec<String> = Vec::new();
    let mut of: HashMap<DocumentId, String> = HashMap::new();
    for d in documents {
        let value = value_of(d).unwrap_or_else(|| spec.words.no_value.clone());
        if !order.contains(&value) && !extra.contains(&value) && value != spec.words.no_value {
            extra.push(value.clone());
        }
        of.insert(d.id, value);
    }
    extra.sort();
    order.extend(extra);
    order.push(spec.words.no_value.clone());
    order.retain(|label| of.values().any(|v| v == label));
    let index: HashMap<DocumentId, usize> = of
        .into_iter()
        .filter_map(|(d, v)| order.iter().position(|l| *l == v).map(|i| (d, i)))
        .collect();
    Ok((index, order))
}

/// Counts the words of the corpus's documents within the scope, per group.
pub fn word_frequencies(
    data: &AnalysisData,
    corpus: &SearchCorpus,
    scope: &ResolvedScope,
    spec: &WordSpec,
) -> Result<WordTable> {
    let chosen: Vec<&DocumentInfo> = scope
        .chosen(data)
        .into_iter()
        .filter(|d| corpus.document(d.id).is_some())
        .collect();
    let (group_of, labels) = groups(data, &chosen, spec)?;
    let n_groups = labels.len();
    // What each word of the vocabulary counts as: a key, or nothing (stop words, numbers).
    let stop = spec.stopwords.set();
    let mut keys: HashMap<String, u32> = HashMap::new();
    let mut key_names: Vec<String> = Vec::new();
    let stems = spec.stem.then(|| corpus.stems(false));
    let key_of: Vec<Option<u32>> = (0..corpus.vocabulary_len() as u32)
        .map(|id| {
            let word = corpus.word(id);
            if stop.contains(word) || word.chars().all(|c| c.is_numeric()) {
                return None;
            }
            let name = stems.map_or(word, |s| s[id as usize].as_str());
            Some(match keys.get(name) {
                Some(k) => *k,
                None => {
                    let k = key_names.len() as u32;
                    keys.insert(name.to_owned(), k);
                    key_names.push(name.to_owned());
                    k
                }
            })
        })
        .collect();
    let mut counts = vec![0u64; key_names.len() * n_groups];
    let mut word_totals = vec![0u64; if spec.stem { key_of.len() } else { 0 }];
    let mut totals = vec![0u64; n_groups];
    let mut documents = vec![0usize; n_groups];
    for info in &chosen {
        let (Some(doc), Some(&g)) = (corpus.document(info.id), group_of.get(&info.id)) else {
            continue;
        };
        documents[g] += 1;
        let active: Vec<bool> = doc.units.iter().map(|u| scope.speaks(u)).collect();
        for (word, unit) in doc.words() {
            if !active[unit] {
                continue;
            }
            totals[g] += 1;
            if let Some(k) = key_of[word as usize] {
                counts[k as usize * n_groups + g] += 1;
                if spec.stem {
                    word_totals[word as usize] += 1;
                }
            }
        }
    }
    // With stems, each stem is shown by its most frequent word.
    let mut shown: Vec<(u64, String)> = vec![(0, String::new()); key_names.len()];
    if spec.stem {
        for (id, key) in key_of.iter().enumerate() {
            let Some(k) = key else { continue };
            let n = word_totals[id];
            let word = corpus.word(id as u32);
            let best = &mut shown[*k as usize];
            if n > best.0 || (n == best.0 && n > 0 && word < best.1.as_str()) {
                *best = (n, word.to_owned());
            }
        }
    }
    let all: u64 = totals.iter().sum();
    let mut rows = Vec::new();
    for (k, name) in key_names.iter().enumerate() {
        let row = &counts[k * n_groups..(k + 1) * n_groups];
        let total: u64 = row.iter().sum();
        if total == 0 || total < spec.min as u64 {
            continue;
        }
        let log_likelihood = 2.0
            * row
                .iter()
                .zip(&totals)
                .filter(|(o, _)| **o > 0)
                .map(|(&o, &n)| {
                    let expected = n as f64 * total as f64 / all as f64;
                    o as f64 * (o as f64 / expected).ln()
                })
                .sum::<f64>();
        let per_10k = row
            .iter()
            .zip(&totals)
            .map(|(&o, &n)| {
                if n == 0 {
                    0.0
                } else {
                    o as f64 * 10_000.0 / n as f64
                }
            })
            .collect();
        let (word, stem) = if spec.stem {
            (shown[k].1.clone(), Some(name.clone()))
        } else {
            (name.clone(), None)
        };
        rows.push(WordRow {
            word,
            stem,
            counts: row.to_vec(),
            per_10k,
            total,
            log_likelihood: log_likelihood.max(0.0),
        });
    }
    rows.sort_by(|a, b| {
        b.log_likelihood
            .total_cmp(&a.log_likelihood)
            .then(b.total.cmp(&a.total))
            .then(a.word.cmp(&b.word))
    });
    Ok(WordTable {
        by: spec.by.clone(),
        groups: labels
            .into_iter()
            .zip(documents)
            .zip(totals)
            .map(|((label, documents), words)| WordGroup {
                label,
                documents,
                words,
            })
            .collect(),
        rows,
    })
}

/// Reads a stop-word file.
pub fn read_stopwords(path: &std::path::Path) -> Result<StopWords> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(StopWords::from_text(&text))
}

/// The stem of a word as [`word_frequencies`] counts it.
pub fn stem_of(word: &str) -> String {
    german_stemmer().stem(&fold_text(word)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CharRange, Jobcenter, JobcenterId, Turn};

    fn data_and_corpus(texts: &[(&str, &str)]) -> (AnalysisData, SearchCorpus) {
        let jobcenters: Vec<Jobcenter> = ["Nord", "Süd"]
            .iter()
            .enumerate()
            .map(|(i, n)| Jobcenter {
                id: JobcenterId(i as i64 + 1),
                name: n.to_string(),
                attributes: Vec::new(),
                documents: 1,
            })
            .collect();
        let mut docs = Vec::new();
        let mut read = Vec::new();
        for (i, (jobcenter, said)) in texts.iter().enumerate() {
            let j = jobcenters.iter().find(|j| j.name == *jobcenter).unwrap();
            let info = DocumentInfo {
                id: DocumentId(i as i64 + 1),
                name: format!("d{i}"),
                jobcenter_id: j.id,
                jobcenter: j.name.clone(),
                source_name: String::new(),
                encoding: String::new(),
                chars: 0,
                turns: 2,
                segments: 0,
                attributes: Vec::new(),
                imported_at: String::new(),
            };
            let text = format!("I: Und?\nB: {said}");
            let len = text.chars().count();
            let turns = vec![
                Turn {
                    speaker: "I".into(),
                    timestamp: None,
                    range: CharRange::new(3, 7).unwrap(),
                },
                Turn {
                    speaker: "B".into(),
                    timestamp: None,
                    range: CharRange::new(11, len).unwrap(),
                },
            ];
            docs.push(info.clone());
            read.push((info, text, turns));
        }
        let data = AnalysisData {
            jobcenters,
            documents: docs,
            codes: Vec::new(),
            coders: Vec::new(),
            attributes: Vec::new(),
            segments: Vec::new(),
        };
        (data, SearchCorpus::build(read))
    }

    #[test]
    fn counts_per_group_with_the_separating_words_on_top() {
        let (data, corpus) = data_and_corpus(&[
            ("Nord", "Die Akte, die Akte und das Papier. 2024"),
            ("Süd", "Das Papier und die Akten."),
        ]);
        let table = word_frequencies(
            &data,
            &corpus,
            &ResolvedScope::default(),
            &WordSpec::default(),
        )
        .unwrap();
        let labels: Vec<&str> = table.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["Nord", "Süd"]);
        // "Und" of the interviewer counts too: 1 + 8 words in Nord, 1 + 5 in Süd.
        assert_eq!(table.groups[0].words, 9);
        assert_eq!(table.groups[1].words, 6);
        let row = |w: &str| table.rows.iter().find(|r| r.word == w).unwrap();
        assert_eq!(row("akte").counts, [2, 0]);
        assert_eq!(row("papier").counts, [1, 1]);
        assert_eq!(row("akten").counts, [0, 1]);
        assert!(
            table
                .rows
                .iter()
                .all(|r| r.word != "die" && r.word != "2024")
        );
        assert_eq!(table.rows[0].word, "akte");
        assert!((row("akte").per_10k[0] - 2.0 * 10_000.0 / 9.0).abs() < 1e-9);

        let stems = WordSpec {
            stem: true,
            ..WordSpec::default()
        };
        let table = word_frequencies(&data, &corpus, &ResolvedScope::default(), &stems).unwrap();
        let akt = table.rows.iter().find(|r| r.word == "akte").unwrap();
        assert_eq!(
            (akt.stem.as_deref(), akt.counts.as_slice()),
            (Some("akt"), &[2, 1][..])
        );

        let respondents = ResolvedScope {
            speakers: vec!["b".into()],
            ..ResolvedScope::default()
        };
        let table = word_frequencies(&data, &corpus, &respondents, &WordSpec::default()).unwrap();
        assert_eq!(table.groups[0].words, 8);
        assert!(table.rows.iter().all(|r| r.word != "und"));
    }
}
