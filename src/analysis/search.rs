//! Lexical search over the project's transcripts: a query ([`parse_query`]) or a regular expression,
//! matched against the folded words of each speaker turn, scoped by documents, jobcenters,
//! attributes, speakers and the segments of a code. Every hit is a range of characters of the
//! stored text, with its context for keyword-in-context lines.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::AnalysisData;
use super::filter::DocumentFilter;
use super::fold::{each_word, fold_text, fold_umlauts, folded_positions, wildcard_match};
use super::query::{Query, parse_query};
pub use super::search_corpus::{CorpusDocument, SearchCorpus, TextUnit, german_stemmer};
use crate::model::error::{Error, Result};
use crate::model::range::{CharPos, CharRange, TextIndex, joined};
use crate::model::{CodePath, DocumentId, DocumentInfo};
use crate::project::Project;

/// How many characters of context a hit shows on either side (within its turn).
pub const CONTEXT: usize = 40;

/// How a query is matched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchOptions {
    /// The query is a regular expression, matched against the stored text with case ignored.
    pub regex: bool,
    /// Words may be parts of longer words (`akte` in `E-Akten`); default: whole words.
    pub parts: bool,
    /// `ä`, `ö`, `ü` also match `ae`, `oe`, `ue`.
    pub umlauts: bool,
    /// Words match every word of the same German stem (Snowball).
    pub stem: bool,
    /// Case counts: a word matches only with the capitals of the query's word (`Weg`, not `weg`;
    /// `SGB` only in capitals). Default: case is ignored.
    pub case: bool,
}

/// Where to search, by the names a person gives; empty lists mean everywhere.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchScope {
    /// Document numbers or names.
    pub documents: Vec<String>,
    pub jobcenters: Vec<String>,
    /// `(attribute, value)` conditions, as [`DocumentFilter`] reads them.
    pub conditions: Vec<(String, String)>,
    /// Speakers of the turns searched, with `*` and `?` (`B*`: every respondent).
    pub speakers: Vec<String>,
    /// Only inside the segments of this code (with its sub-codes, of any coder).
    pub in_code: Option<String>,
}

/// A search as asked: the query, how to match it, where.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchSpec {
    pub query: String,
    pub options: SearchOptions,
    pub scope: SearchScope,
}

/// One hit: where it stands, who said it, and its context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub document_id: DocumentId,
    pub document: String,
    pub jobcenter: String,
    pub speaker: Option<String>,
    /// Characters of the stored text, the end exclusive.
    pub start: usize,
    pub end: usize,
    /// The hit as it stands in the text.
    pub text: String,
    /// Up to [`CONTEXT`] characters before the hit in its turn, line breaks as spaces.
    pub left: String,
    pub right: String,
}

impl Hit {
    pub fn range(&self) -> CharRange {
        CharRange {
            start: CharPos(self.start),
            end: CharPos(self.end),
        }
    }
}

/// A search scope resolved against the project: which documents, which turns, which passages.
#[derive(Clone, Debug, Default)]
pub struct ResolvedScope {
    /// `None`: every document.
    pub documents: Option<HashSet<DocumentId>>,
    /// Speaker patterns, folded.
    pub speakers: Vec<String>,
    /// Only hits inside these ranges (the segments of a code), by document.
    pub inside: Option<HashMap<DocumentId, Vec<CharRange>>>,
}

impl ResolvedScope {
    /// The documents of the data within the scope, in the project's order.
    pub fn chosen<'a>(&self, data: &'a AnalysisData) -> Vec<&'a DocumentInfo> {
        data.documents
            .iter()
            .filter(|d| {
                self.documents
                    .as_ref()
                    .is_none_or(|set| set.contains(&d.id))
            })
            .collect()
    }

    /// Whether a unit's speaker is within the scope.
    pub fn speaks(&self, unit: &TextUnit) -> bool {
        self.speakers.is_empty()
            || unit.speaker.as_deref().is_some_and(|speaker| {
                let speaker = fold_text(speaker);
                self.speakers.iter().any(|p| wildcard_match(p, &speaker))
            })
    }
}

/// Resolves the names of a scope; `--in-code` needs the data's segments (`AnalysisData::load`).
pub fn resolve_scope(data: &AnalysisData, scope: &SearchScope) -> Result<ResolvedScope> {
    let mut documents: Option<HashSet<DocumentId>> = None;
    let mut narrow = |set: HashSet<DocumentId>| {
        documents = Some(match documents.take() {
            Some(before) => before.intersection(&set).copied().collect(),
            None => set,
        });
    };
    if !scope.documents.is_empty() {
        let mut set = HashSet::new();
        for name in &scope.documents {
            let wanted = name.trim();
            let found = data
                .documents
                .iter()
                .find(|d| d.id.to_string() == wanted)
                .or_else(|| {
                    data.documents
                        .iter()
                        .find(|d| d.name.to_lowercase() == wanted.to_lowercase())
                })
                .ok_or_else(|| Error::UnknownDocument(wanted.to_owned()))?;
            set.insert(found.id);
        }
        narrow(set);
    }
    if !scope.jobcenters.is_empty() {
        let mut chosen = HashSet::new();
        for name in &scope.jobcenters {
            let jobcenter = data
                .jobcenters
                .iter()
                .find(|j| j.name.to_lowercase() == name.trim().to_lowercase())
                .ok_or_else(|| Error::UnknownJobcenter(name.clone()))?;
            chosen.insert(jobcenter.id);
        }
        narrow(
            data.documents
                .iter()
                .filter(|d| chosen.contains(&d.jobcenter_id))
                .map(|d| d.id)
                .collect(),
        );
    }
    if !scope.conditions.is_empty() {
        let filter = DocumentFilter::new(&data.attributes, &scope.conditions)?;
        narrow(filter.document_ids(data).into_iter().collect());
    }
    let inside = match &scope.in_code {
        None => None,
        Some(path) => {
            let wanted = CodePath::parse(path)?;
            let code = data
                .codes
                .iter()
                .position(|c| c.path == wanted)
                .ok_or_else(|| Error::UnknownCode(path.clone()))?;
            let index = data.code_index();
            let chains = data.ancestor_chains(&index);
            let mut ranges: HashMap<DocumentId, Vec<CharRange>> = HashMap::new();
            for s in &data.segments {
                if index
                    .get(&s.code)
                    .is_some_and(|&i| chains[i].contains(&code))
                {
                    ranges.entry(s.document).or_default().push(s.range);
                }
            }
            for list in ranges.values_mut() {
                *list = joined(std::mem::take(list));
            }
            narrow(ranges.keys().copied().collect());
            Some(ranges)
        }
    };
    Ok(ResolvedScope {
        documents,
        speakers: scope.speakers.iter().map(|s| fold_text(s.trim())).collect(),
        inside,
    })
}

/// A hit while searching: characters, the words it spans (for `NEAR`), its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    start: u32,
    end: u32,
    first: u32,
    last: u32,
    unit: u32,
}

/// A query made ready for one corpus: for each of its words, the vocabulary it matches.
struct Prepared {
    options: SearchOptions,
    sets: HashMap<String, Vec<bool>>,
}

impl Prepared {
    fn new(corpus: &SearchCorpus, query: &Query, options: SearchOptions) -> Self {
        let mut words = Vec::new();
        collect_words(query, &mut words);
        let sets = words
            .into_iter()
            .map(|w| {
                let set = corpus.matching(&w, options);
                (w, set)
            })
            .collect();
        Self { options, sets }
    }

    fn eval(&self, query: &Query, doc: &CorpusDocument, active: &[bool]) -> Vec<Span> {
        match query {
            Query::Phrase(words) => self.phrase(words, doc, active),
            Query::Or(parts) => {
                let mut all: Vec<Span> = parts
                    .iter()
                    .flat_map(|p| self.eval(p, doc, active))
                    .collect();
                all.sort();
                all.dedup();
                all
            }
            Query::And(a, b) => {
                let (a, b) = (self.eval(a, doc, active), self.eval(b, doc, active));
                let units_a: HashSet<u32> = a.iter().map(|s| s.unit).collect();
                let units_b: HashSet<u32> = b.iter().map(|s| s.unit).collect();
                let mut all: Vec<Span> = a
                    .into_iter()
                    .filter(|s| units_b.contains(&s.unit))
                    .chain(b.into_iter().filter(|s| units_a.contains(&s.unit)))
                    .collect();
                all.sort();
                all.dedup();
                all
            }
            Query::Not(a, b) => {
                let without: HashSet<u32> =
                    self.eval(b, doc, active).iter().map(|s| s.unit).collect();
                self.eval(a, doc, active)
                    .into_iter()
                    .filter(|s| !without.contains(&s.unit))
                    .collect()
            }
            Query::Near(a, b, n) => {
                let (a, b) = (self.eval(a, doc, active), self.eval(b, doc, active));
                let mut all = Vec::new();
                for x in &a {
                    for y in b.iter().filter(|y| y.unit == x.unit) {
                        let between = if x.last < y.first {
                            y.first - x.last - 1
                        } else if y.last < x.first {
                            x.first - y.last - 1
                        } else {
                            continue;
                        };
                        if between as usize <= *n {
                            all.push(Span {
                                start: x.start.min(y.start),
                                end: x.end.max(y.end),
                                first: x.first.min(y.first),
                                last: x.last.max(y.last),
                                unit: x.unit,
                            });
                        }
                    }
                }
                all.sort();
                all.dedup();
                all
            }
        }
    }

    fn phrase(&self, words: &[String], doc: &CorpusDocument, active: &[bool]) -> Vec<Span> {
        let sets: Vec<&Vec<bool>> = words.iter().map(|w| &self.sets[w]).collect();
        let Some(first) = sets.first() else {
            return Vec::new();
        };
        let tokens = &doc.tokens;
        let mut out = Vec::new();
        let word = &words[0];
        let pieces = self.options.parts
            && words.len() == 1
            && !self.options.stem
            && !word.contains(['*', '?']);
        let index = pieces.then(|| TextIndex::new(&doc.text));
        for (i, token) in tokens.iter().enumerate() {
            if !first[token.word as usize] || !active[token.unit as usize] {
                continue;
            }
            let whole = sets.iter().enumerate().skip(1).all(|(j, set)| {
                tokens
                    .get(i + j)
                    .is_some_and(|t| t.unit == token.unit && set[t.word as usize])
            });
            if !whole {
                continue;
            }
            let last = i + sets.len() - 1;
            let span = Span {
                start: token.start,
                end: tokens[last].end,
                first: i as u32,
                last: last as u32,
                unit: token.unit,
            };
            if let Some(index) = &index {
                self.parts_of(word, index, span, &mut out);
            } else {
                out.push(span);
            }
        }
        out
    }

    /// The places of `word` inside the word of `span`, as ranges of the stored text.
    fn parts_of(&self, word: &str, index: &TextIndex<'_>, span: Span, out: &mut Vec<Span>) {
        let range = CharRange {
            start: CharPos(span.start as usize),
            end: CharPos(span.end as usize),
        };
        let chars: Vec<char> = index.slice(range).unwrap_or_default().chars().collect();
        let (folded, from) = folded_positions(&chars, self.options.umlauts);
        let needle: Vec<char> = if self.options.umlauts {
            fold_umlauts(word).chars().collect()
        } else {
            word.chars().collect()
        };
        let mut i = 0;
        while !needle.is_empty() && i + needle.len() <= folded.len() {
            if folded[i..i + needle.len()] == needle[..] {
                let start = span.start + from[i] as u32;
                let end = span.start + from[i + needle.len() - 1] as u32 + 1;
                out.push(Span { start, end, ..span });
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
}

fn collect_words(query: &Query, out: &mut Vec<String>) {
    match query {
        Query::Phrase(words) => out.extend(words.iter().cloned()),
        Query::Or(parts) => parts.iter().for_each(|p| collect_words(p, out)),
        Query::And(a, b) | Query::Not(a, b) | Query::Near(a, b, _) => {
            collect_words(a, out);
            collect_words(b, out);
        }
    }
}

/// What a search found, before the context is cut: the document (by position in the corpus) and
/// the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub document: usize,
    pub range: CharRange,
}

/// Runs a query over the corpus within the scope; an unreadable query or regular expression is an
/// error that names where it goes wrong.
pub fn find(
    corpus: &SearchCorpus,
    query: &str,
    options: SearchOptions,
    scope: &ResolvedScope,
) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    if options.regex {
        if query.trim().is_empty() {
            return Err(Error::BadRegex("it is empty".into()));
        }
        let regex = regex::RegexBuilder::new(query)
            .case_insensitive(!options.case)
            .build()
            .map_err(|e| Error::BadRegex(e.to_string()))?;
        for (d, doc) in corpus.documents().iter().enumerate() {
            if !in_documents(scope, doc) {
                continue;
            }
            let mut cursor = Cursor::new(&doc.text);
            for unit in doc.units.iter().filter(|u| scope.speaks(u)) {
                let from = cursor.byte_at(unit.range.start.0);
                let to = cursor.byte_at(unit.range.end.0);
                let piece = &doc.text[from..to];
                // Matches come in order: their characters are counted on from the last one.
                let (mut byte, mut chars) = (0, unit.range.start.0);
                for m in regex.find_iter(piece) {
                    if m.is_empty() {
                        continue;
                    }
                    chars += piece[byte..m.start()].chars().count();
                    let start = chars;
                    chars += m.as_str().chars().count();
                    byte = m.end();
                    let whole = options.parts
                        || (!piece[..m.start()]
                            .chars()
                            .next_back()
                            .is_some_and(char::is_alphanumeric)
                            && !piece[m.end()..]
                                .chars()
                                .next()
                                .is_some_and(char::is_alphanumeric));
                    if whole {
                        let range = CharRange {
                            start: CharPos(start),
                            end: CharPos(chars),
                        };
                        push_inside(&mut out, scope, doc, d, range);
                    }
                }
            }
        }
        return Ok(out);
    }
    let parsed = parse_query(query)?;
    let prepared = Prepared::new(corpus, &parsed, options);
    let cased = options.case.then(|| CasedWords::of(query));
    for (d, doc) in corpus.documents().iter().enumerate() {
        if !in_documents(scope, doc) {
            continue;
        }
        let active: Vec<bool> = doc.units.iter().map(|u| scope.speaks(u)).collect();
        let chars: Vec<char> = match cased {
            Some(_) => doc.text.chars().collect(),
            None => Vec::new(),
        };
        for span in prepared.eval(&parsed, doc, &active) {
            let range = CharRange {
                start: CharPos(span.start as usize),
                end: CharPos(span.end as usize),
            };
            if let Some(cased) = &cased
                && !cased.written_alike(&chars, range)
            {
                continue;
            }
            push_inside(&mut out, scope, doc, d, range);
        }
    }
    Ok(out)
}

/// The query's words with their capitals, for `--case`: a hit counts only if each of its words
/// that a query word matches is written with that word's capitals.
struct CasedWords(Vec<(String, Shape)>);

/// What counts of a word's capitals: its first letter, and whether it is written all in capitals.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Shape {
    capital: bool,
    all_capitals: bool,
}

impl Shape {
    fn of(word: &[char]) -> Self {
        let letters: Vec<char> = word.iter().copied().filter(|c| c.is_alphabetic()).collect();
        Self {
            capital: letters.first().is_some_and(|c| c.is_uppercase()),
            all_capitals: letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()),
        }
    }

    /// Whether a word of this shape is written as the query's word of shape `query` asks.
    fn fits(self, query: Shape) -> bool {
        self.capital == query.capital && (!query.all_capitals || self.all_capitals)
    }
}

impl CasedWords {
    fn of(query: &str) -> Self {
        let chars: Vec<char> = query.chars().collect();
        let mut words = Vec::new();
        each_word(&chars, 0, chars.len(), true, |start, end, folded| {
            if !matches!(folded, "or" | "and" | "not") && !folded.starts_with("near") {
                words.push((folded.to_owned(), Shape::of(&chars[start..end])));
            }
        });
        Self(words)
    }

    fn written_alike(&self, chars: &[char], range: CharRange) -> bool {
        let mut alike = true;
        each_word(
            chars,
            range.start.0,
            range.end.0,
            false,
            |start, end, folded| {
                let shape = Shape::of(&chars[start..end]);
                for (word, query) in &self.0 {
                    if wildcard_match(word, folded) && !shape.fits(*query) {
                        alike = false;
                    }
                }
            },
        );
        alike
    }
}

/// Walks a text forward, turning character positions into byte offsets.
struct Cursor<'t> {
    text: &'t str,
    byte: usize,
    char: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            byte: 0,
            char: 0,
        }
    }

    /// The byte offset of a character position at or after the last one asked for.
    fn byte_at(&mut self, char: usize) -> usize {
        let ahead = char.saturating_sub(self.char);
        if ahead > 0 {
            self.byte += self.text[self.byte..]
                .char_indices()
                .nth(ahead)
                .map_or(self.text.len() - self.byte, |(b, _)| b);
            self.char += ahead;
        }
        self.byte
    }
}

fn in_documents(scope: &ResolvedScope, doc: &CorpusDocument) -> bool {
    scope.documents.as_ref().is_none_or(|s| s.contains(&doc.id))
        && scope
            .inside
            .as_ref()
            .is_none_or(|m| m.contains_key(&doc.id))
}

fn push_inside(
    out: &mut Vec<Found>,
    scope: &ResolvedScope,
    doc: &CorpusDocument,
    document: usize,
    range: CharRange,
) {
    let inside = scope.inside.as_ref().is_none_or(|m| {
        m.get(&doc.id).is_some_and(|ranges| {
            ranges
                .iter()
                .any(|r| r.start <= range.start && range.end <= r.end)
        })
    });
    if inside {
        out.push(Found { document, range });
    }
}

/// The hits of a search with their context, by document and position.
pub fn hits(corpus: &SearchCorpus, found: &[Found]) -> Vec<Hit> {
    let mut out = Vec::with_capacity(found.len());
    let mut current: Option<(usize, TextIndex<'_>)> = None;
    for f in found {
        let doc = &corpus.documents()[f.document];
        let index = match &current {
            Some((d, index)) if *d == f.document => index,
            _ => &current.insert((f.document, TextIndex::new(&doc.text))).1,
        };
        let unit = doc.unit_at(f.range.start.0).map(|u| &doc.units[u]);
        let (from, to) = unit.map_or((0, index.char_len()), |u| (u.range.start.0, u.range.end.0));
        let cut = |a: usize, b: usize| -> String {
            CharRange::new(a, b)
                .ok()
                .and_then(|r| index.slice(r))
                .unwrap_or_default()
                .replace('\n', " ")
        };
        let (start, end) = (f.range.start.0, f.range.end.0);
        out.push(Hit {
            document_id: doc.id,
            document: doc.name.clone(),
            jobcenter: doc.jobcenter.clone(),
            speaker: unit.and_then(|u| u.speaker.clone()),
            start,
            end,
            text: index.slice(f.range).unwrap_or_default().to_owned(),
            left: cut(start.saturating_sub(CONTEXT).max(from), start),
            right: cut(end, (end + CONTEXT).min(to.max(end))),
        });
    }
    out
}

/// Searches the project as a person asks: resolves the scope, reads the documents in it and
/// returns the hits.
pub fn search_project(project: &Project, spec: &SearchSpec) -> Result<Vec<Hit>> {
    let data = if spec.scope.in_code.is_some() {
        AnalysisData::load(project)?
    } else {
        AnalysisData::load_cases(project)?
    };
    let scope = resolve_scope(&data, &spec.scope)?;
    if spec.options.regex {
        // An unreadable expression is refused before any text is read.
        find(&SearchCorpus::default(), &spec.query, spec.options, &scope)?;
    } else {
        parse_query(&spec.query)?;
    }
    let chosen: Vec<DocumentInfo> = scope.chosen(&data).into_iter().cloned().collect();
    let corpus = SearchCorpus::load(project, &chosen)?;
    let found = find(&corpus, &spec.query, spec.options, &scope)?;
    Ok(hits(&corpus, &found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{JobcenterId, Turn};

    fn info(id: i64, name: &str) -> DocumentInfo {
        DocumentInfo {
            id: DocumentId(id),
            name: name.into(),
            jobcenter_id: JobcenterId(1),
            jobcenter: "J".into(),
            source_name: String::new(),
            encoding: "UTF-8".into(),
            chars: 0,
            turns: 0,
            segments: 0,
            attributes: Vec::new(),
            imported_at: String::new(),
        }
    }

    /// A corpus of one text whose turns are the given (speaker, text) pairs, each on its line.
    fn corpus(turns: &[(&str, &str)]) -> SearchCorpus {
        let mut text = String::new();
        let mut list = Vec::new();
        for (speaker, said) in turns {
            text.push_str(&format!("{speaker}: "));
            let start = text.chars().count();
            text.push_str(said);
            list.push(Turn {
                speaker: speaker.to_string(),
                timestamp: None,
                range: CharRange::new(start, text.chars().count()).unwrap(),
            });
            text.push('\n');
        }
        SearchCorpus::build([(info(1, "d"), text, list)])
    }

    fn texts(corpus: &SearchCorpus, query: &str, options: SearchOptions) -> Vec<String> {
        let found = find(corpus, query, options, &ResolvedScope::default()).unwrap();
        hits(corpus, &found).into_iter().map(|h| h.text).collect()
    }

    const WORDS: SearchOptions = SearchOptions {
        regex: false,
        parts: false,
        umlauts: false,
        stem: false,
        case: false,
    };

    #[test]
    fn with_case_a_word_matches_only_with_the_querys_capitals() {
        let c = corpus(&[(
            "B",
            "Der Weg ist weg. Das SGB, das Sgb und sgb. Wege, wegen.",
        )]);
        let cased = SearchOptions {
            case: true,
            ..WORDS
        };
        assert_eq!(texts(&c, "Weg", WORDS), ["Weg", "weg"]);
        assert_eq!(texts(&c, "Weg", cased), ["Weg"]);
        assert_eq!(texts(&c, "weg", cased), ["weg"]);
        assert_eq!(texts(&c, "SGB", cased), ["SGB"]);
        assert_eq!(texts(&c, "Weg*", cased), ["Weg", "Wege"]);
        assert_eq!(texts(&c, "Weg OR SGB", cased), ["Weg", "SGB"]);
        let regex = SearchOptions {
            regex: true,
            ..cased
        };
        assert_eq!(texts(&c, "w[a-z]+", regex), ["weg", "wegen"]);
    }

    #[test]
    fn folding_finds_the_forms_and_positions_stay_those_of_the_text() {
        let c = corpus(&[(
            "B",
            "👩‍💻 Die Straße, die STRASSE; Bürger:innen und BürgerInnen, Bürgerinnen.",
        )]);
        assert_eq!(texts(&c, "strasse", WORDS), ["Straße", "STRASSE"]);
        assert_eq!(texts(&c, "Straße", WORDS), ["Straße", "STRASSE"]);
        assert_eq!(
            texts(&c, "Bürger*innen", WORDS),
            ["Bürger:innen", "BürgerInnen", "Bürgerinnen"]
        );
        let found = find(&c, "Straße", WORDS, &ResolvedScope::default()).unwrap();
        let hit = &hits(&c, &found)[0];
        // "B: " and the emoji's three scalar values and a space stand before "Die ".
        assert_eq!((hit.start, hit.end), (3 + 4 + 4, 3 + 4 + 4 + 6));
        assert_eq!(hit.left, "👩‍💻 Die ");
        assert_eq!(hit.speaker.as_deref(), Some("B"));
    }

    #[test]
    fn umlauts_parts_wildcards_and_stems() {
        let c = corpus(&[("B", "Der Buerger, die Bürger, die E-Akten und die Akte.")]);
        assert_eq!(texts(&c, "Bürger", WORDS), ["Bürger"]);
        let umlauts = SearchOptions {
            umlauts: true,
            ..WORDS
        };
        assert_eq!(texts(&c, "Bürger", umlauts), ["Buerger", "Bürger"]);
        assert_eq!(texts(&c, "Akte*", WORDS), ["Akten", "Akte"]);
        assert_eq!(texts(&c, "E-Akte*", WORDS), ["E-Akten"]);
        let parts = SearchOptions {
            parts: true,
            ..WORDS
        };
        assert_eq!(texts(&c, "kte", parts), ["kte", "kte"]);
        assert_eq!(texts(&c, "ürg", parts), ["ürg"]);
        let parts_umlauts = SearchOptions {
            parts: true,
            umlauts: true,
            ..WORDS
        };
        assert_eq!(texts(&c, "uerg", parts_umlauts), ["uerg", "ürg"]);
        let stem = SearchOptions {
            stem: true,
            ..WORDS
        };
        assert_eq!(texts(&c, "Akten", stem), ["Akten", "Akte"]);
    }

    #[test]
    fn operators_work_within_turns() {
        let c = corpus(&[
            ("I", "Und die Akte?"),
            ("B", "Die Akte liegt auf Papier, nie digital."),
            ("B", "Papier ist geduldig, sagt man."),
        ]);
        assert_eq!(texts(&c, "Akte AND Papier", WORDS), ["Akte", "Papier"]);
        assert_eq!(texts(&c, "Papier NOT Akte", WORDS), ["Papier"]);
        assert_eq!(
            texts(&c, "Akte NEAR/2 Papier", WORDS),
            ["Akte liegt auf Papier"]
        );
        assert!(texts(&c, "Akte NEAR/1 Papier", WORDS).is_empty());
        assert_eq!(
            texts(&c, "\"auf Papier\" OR man", WORDS),
            ["auf Papier", "man"]
        );
        let scope = ResolvedScope {
            speakers: vec!["b*".into()],
            ..ResolvedScope::default()
        };
        let found = find(&c, "Akte", WORDS, &scope).unwrap();
        assert_eq!(found.len(), 1);
        let regex = SearchOptions {
            regex: true,
            ..WORDS
        };
        assert_eq!(texts(&c, r"pap\w+", regex), ["Papier", "Papier"]);
        assert!(texts(&c, r"pap", regex).is_empty());
        assert!(matches!(
            find(&c, "(", regex, &ResolvedScope::default()),
            Err(Error::BadRegex(_))
        ));
        // Characters are counted on from match to match, across emoji and "ß".
        let c = corpus(&[("B", "👩‍💻 Straße, 👍 STRASSE und Größe")]);
        let found = find(&c, r"stra(ß|ss)e|größe", regex, &ResolvedScope::default()).unwrap();
        let texts: Vec<String> = hits(&c, &found).into_iter().map(|h| h.text).collect();
        assert_eq!(texts, ["Straße", "STRASSE", "Größe"]);
        assert_eq!(found[1].range.start.0, 3 + 4 + 8 + 2);
    }
}
