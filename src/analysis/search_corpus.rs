//! The texts prepared for lexical search: each document's speaker turns (or paragraphs) and its
//! words, folded once into one vocabulary shared by all documents, each word with its range of
//! characters in the stored text.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::fold::{each_word, fold_umlauts, wildcard_match};
use super::search::SearchOptions;
use crate::model::error::Result;
use crate::model::range::CharRange;
use crate::model::{DocumentId, DocumentInfo, JobcenterId, Turn};
use crate::project::Project;

/// A stretch of text searched as one: a speaker turn, or a paragraph where there are no turns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextUnit {
    pub range: CharRange,
    pub speaker: Option<String>,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub word: u32,
    pub start: u32,
    pub end: u32,
    pub unit: u32,
}

/// One document prepared for searching: its text, its turns and its folded words.
#[derive(Debug)]
pub struct CorpusDocument {
    pub id: DocumentId,
    pub name: String,
    pub jobcenter_id: JobcenterId,
    pub jobcenter: String,
    pub text: String,
    pub units: Vec<TextUnit>,
    pub(super) tokens: Vec<Token>,
}

impl CorpusDocument {
    /// The unit (by position) that holds a character position.
    pub fn unit_at(&self, pos: usize) -> Option<usize> {
        let after = self.units.partition_point(|u| u.range.start.0 <= pos);
        (after > 0 && pos < self.units[after - 1].range.end.0).then(|| after - 1)
    }

    /// The words of the document: the id of each word's folded form, and its unit.
    pub fn words(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.tokens.iter().map(|t| (t.word, t.unit as usize))
    }
}

/// The documents to search, with one vocabulary of folded words shared by all.
#[derive(Debug, Default)]
pub struct SearchCorpus {
    documents: Vec<CorpusDocument>,
    /// Each document's position in `documents`.
    positions: HashMap<DocumentId, usize>,
    words: Vec<String>,
    umlaut_forms: OnceLock<Vec<String>>,
    stems: [OnceLock<Vec<String>>; 2],
}

/// The units of a text: its speaker turns, or (without turns) its paragraphs.
fn units_of(text: &str, turns: &[Turn]) -> Vec<TextUnit> {
    if !turns.is_empty() {
        return turns
            .iter()
            .map(|t| TextUnit {
                range: t.range,
                speaker: Some(t.speaker.clone()),
            })
            .collect();
    }
    let mut out = Vec::new();
    let mut pos = 0;
    let mut open: Option<(usize, usize)> = None;
    for line in text.split('\n') {
        let len = line.chars().count();
        if line.trim().is_empty() {
            if let Some((s, e)) = open.take() {
                out.push((s, e));
            }
        } else {
            open = Some((open.map_or(pos, |(s, _)| s), pos + len));
        }
        pos += len + 1;
    }
    out.extend(open);
    out.into_iter()
        .filter_map(|(s, e)| CharRange::new(s, e).ok())
        .map(|range| TextUnit {
            range,
            speaker: None,
        })
        .collect()
}

impl SearchCorpus {
    /// Prepares documents (each with its stored text and turns) for searching.
    pub fn build(documents: impl IntoIterator<Item = (DocumentInfo, String, Vec<Turn>)>) -> Self {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for (info, text, turns) in documents {
            let units = units_of(&text, &turns);
            let chars: Vec<char> = text.chars().collect();
            let mut tokens = Vec::with_capacity(chars.len() / 6);
            for (u, unit) in units.iter().enumerate() {
                each_word(
                    &chars,
                    unit.range.start.0,
                    unit.range.end.0,
                    false,
                    |start, end, folded| {
                        let word = match ids.get(folded) {
                            Some(id) => *id,
                            None => {
                                let id = words.len() as u32;
                                ids.insert(folded.to_owned(), id);
                                words.push(folded.to_owned());
                                id
                            }
                        };
                        tokens.push(Token {
                            word,
                            start: start as u32,
                            end: end as u32,
                            unit: u as u32,
                        });
                    },
                );
            }
            out.push(CorpusDocument {
                id: info.id,
                name: info.name,
                jobcenter_id: info.jobcenter_id,
                jobcenter: info.jobcenter,
                text,
                units,
                tokens,
            });
        }
        Self {
            positions: out.iter().enumerate().map(|(i, d)| (d.id, i)).collect(),
            documents: out,
            words,
            ..Self::default()
        }
    }

    /// Reads the texts and turns of the given documents from the project (in one snapshot).
    pub fn load(project: &Project, documents: &[DocumentInfo]) -> Result<Self> {
        let read = project.snapshot(|p| {
            documents
                .iter()
                .map(|d| Ok((d.clone(), p.document_text(d.id)?, p.turns(d.id)?)))
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(Self::build(read))
    }

    pub fn documents(&self) -> &[CorpusDocument] {
        &self.documents
    }

    pub fn document(&self, id: DocumentId) -> Option<&CorpusDocument> {
        self.positions.get(&id).map(|&i| &self.documents[i])
    }

    /// The folded form of a word id.
    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    /// How many different folded words the corpus holds.
    pub fn vocabulary_len(&self) -> usize {
        self.words.len()
    }

    /// Each word's form as matched: folded, and with `umlauts` also `ä` as `ae`.
    fn forms(&self, umlauts: bool) -> &[String] {
        if !umlauts {
            return &self.words;
        }
        self.umlaut_forms.get_or_init(|| {
            self.words
                .iter()
                .map(|w| fold_umlauts(w).into_owned())
                .collect()
        })
    }

    /// Each word's German stem, computed once.
    pub fn stems(&self, umlauts: bool) -> &[String] {
        self.stems[umlauts as usize].get_or_init(|| {
            let stemmer = german_stemmer();
            self.forms(umlauts)
                .iter()
                .map(|w| stemmer.stem(w).into_owned())
                .collect()
        })
    }

    /// Which words of the vocabulary a query word matches.
    pub(super) fn matching(&self, word: &str, options: SearchOptions) -> Vec<bool> {
        let word = if options.umlauts {
            fold_umlauts(word).into_owned()
        } else {
            word.to_owned()
        };
        let forms = self.forms(options.umlauts);
        if word.contains(['*', '?']) {
            let pattern = if options.parts {
                format!("*{word}*")
            } else {
                word
            };
            forms.iter().map(|f| wildcard_match(&pattern, f)).collect()
        } else if options.stem {
            let stem = german_stemmer().stem(&word).into_owned();
            self.stems(options.umlauts)
                .iter()
                .map(|s| *s == stem)
                .collect()
        } else if options.parts {
            forms.iter().map(|f| f.contains(word.as_str())).collect()
        } else {
            forms.iter().map(|f| *f == word).collect()
        }
    }
}

/// The Snowball stemmer for German.
pub fn german_stemmer() -> rust_stemmers::Stemmer {
    rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::German)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_without_turns_is_searched_by_paragraphs() {
        let units = units_of("eins zwei\ndrei\n\n vier\n", &[]);
        let ranges: Vec<(usize, usize)> = units
            .iter()
            .map(|u| (u.range.start.0, u.range.end.0))
            .collect();
        assert_eq!(ranges, [(0, 14), (16, 21)]);
    }
}
