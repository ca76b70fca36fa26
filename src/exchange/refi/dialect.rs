//! How other programs count positions in a text, and which way of counting a file really used.
//!
//! REFI-QDA says: Unicode code points, 0-based, end exclusive. Programs differ: NVivo and QualCoder
//! count UTF-16 code units, NVivo for Windows counts a CRLF line end as two, ATLAS.ti as one. The
//! [`Dialect`] named by a file's origin is only a hypothesis; [`decide`] checks it against the
//! selections' quoted text (or, where no text is quoted, against word boundaries) and places each
//! selection on the stored text (no BOM, `\n` line ends, code points) or says why it cannot.

use std::fmt;

use crate::model::range::{CharPos, TextIndex};

/// What one position step counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Units {
    /// Unicode code points (the standard, MAXQDA, ATLAS.ti).
    CodePoints,
    /// UTF-16 code units: a character beyond U+FFFF counts as two (NVivo, QualCoder).
    Utf16,
}

/// How a CRLF line end counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CrLf {
    /// As one position (ATLAS.ti).
    One,
    /// As two positions, as the characters it is (the standard, NVivo for Windows).
    Two,
}

/// One program's way of counting positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dialect {
    pub units: Units,
    pub crlf: CrLf,
}

impl Dialect {
    /// What REFI-QDA prescribes: code points of the text as it is, a CRLF being two of them.
    pub const STANDARD: Dialect = Dialect {
        units: Units::CodePoints,
        crlf: CrLf::Two,
    };

    /// Every dialect an importer considers, the standard first.
    pub const ALL: [Dialect; 4] = [
        Dialect::STANDARD,
        Dialect {
            units: Units::Utf16,
            crlf: CrLf::Two,
        },
        Dialect {
            units: Units::CodePoints,
            crlf: CrLf::One,
        },
        Dialect {
            units: Units::Utf16,
            crlf: CrLf::One,
        },
    ];
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = match self.units {
            Units::CodePoints => "code points",
            Units::Utf16 => "UTF-16 units",
        };
        let crlf = match self.crlf {
            CrLf::One => "CRLF as 1",
            CrLf::Two => "CRLF as 2",
        };
        write!(f, "{units}, {crlf}")
    }
}

/// The program named by `Project@origin` and the dialect it is known to write; `None` for a
/// program whose counting is not known.
pub fn origin_dialect(origin: &str) -> (String, Option<Dialect>) {
    let lower = origin.to_lowercase();
    let utf16_crlf2 = Dialect {
        units: Units::Utf16,
        crlf: CrLf::Two,
    };
    let code_points_crlf1 = Dialect {
        units: Units::CodePoints,
        crlf: CrLf::One,
    };
    let (program, dialect) = if lower.contains("nvivo") {
        let program = if lower.contains("windows") {
            "NVivo for Windows"
        } else if lower.contains("mac") {
            "NVivo for Mac"
        } else {
            "NVivo"
        };
        (program, Some(utf16_crlf2))
    } else if lower.contains("atlas.ti") || lower.contains("atlasti") || lower.contains("atlas ti")
    {
        ("ATLAS.ti", Some(code_points_crlf1))
    } else if lower.contains("qualcoder") {
        ("QualCoder", Some(utf16_crlf2))
    } else if lower.contains("maxqda") {
        ("MAXQDA", Some(Dialect::STANDARD))
    } else if lower.contains("kodierwerk") {
        ("Kodierwerk", Some(Dialect::STANDARD))
    } else if lower.contains("taguette") {
        ("Taguette", Some(Dialect::STANDARD))
    } else {
        let name = origin.trim();
        return (
            if name.is_empty() {
                "an unnamed program".to_owned()
            } else {
                name.to_owned()
            },
            None,
        );
    };
    (program.to_owned(), dialect)
}

/// Where a position step falls on two stored positions instead of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wide {
    /// A character beyond U+FFFF (two UTF-16 units).
    Astral,
    /// A `\n` that was a CRLF in the source.
    CrLf,
}

/// A source text as stored (no BOM, `\n` line ends) together with what it takes to translate any
/// dialect's positions onto it.
#[derive(Clone, Debug)]
pub struct SourceText {
    stored: String,
    char_len: usize,
    /// Stored character positions of characters beyond U+FFFF.
    astral: Vec<usize>,
    /// Stored character positions of `\n` that were CRLF.
    crlf: Vec<usize>,
}

impl SourceText {
    /// Takes the text as the program wrote it: drops a BOM, turns CRLF and lone CR into `\n`.
    pub fn new(raw: &str) -> Self {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let mut stored = String::with_capacity(raw.len());
        let mut astral = Vec::new();
        let mut crlf = Vec::new();
        let mut n = 0;
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    crlf.push(n);
                }
                stored.push('\n');
            } else {
                if c.len_utf16() == 2 {
                    astral.push(n);
                }
                stored.push(c);
            }
            n += 1;
        }
        Self {
            stored,
            char_len: n,
            astral,
            crlf,
        }
    }

    /// The text as Kodierwerk stores it.
    pub fn stored(&self) -> &str {
        &self.stored
    }

    /// The stored text, taken out.
    pub fn into_stored(self) -> String {
        self.stored
    }

    /// The length of the stored text in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// Whether the dialects differ on this text at all.
    fn distinct(&self) -> bool {
        !self.astral.is_empty() || !self.crlf.is_empty()
    }

    /// Whether two dialects count this text alike.
    fn same_on_this_text(&self, a: Dialect, b: Dialect) -> bool {
        (a.units == b.units || self.astral.is_empty()) && (a.crlf == b.crlf || self.crlf.is_empty())
    }

    fn wide(&self, dialect: Dialect) -> Vec<(usize, Wide)> {
        let astral: &[usize] = match dialect.units {
            Units::Utf16 => &self.astral,
            Units::CodePoints => &[],
        };
        let crlf: &[usize] = match dialect.crlf {
            CrLf::Two => &self.crlf,
            CrLf::One => &[],
        };
        let mut wide = Vec::with_capacity(astral.len() + crlf.len());
        let (mut a, mut c) = (astral.iter().peekable(), crlf.iter().peekable());
        loop {
            match (a.peek(), c.peek()) {
                (Some(&&x), Some(&&y)) if x < y => {
                    wide.push((x, Wide::Astral));
                    a.next();
                }
                (Some(_), Some(&&y)) => {
                    wide.push((y, Wide::CrLf));
                    c.next();
                }
                (Some(&&x), None) => {
                    wide.push((x, Wide::Astral));
                    a.next();
                }
                (None, Some(&&y)) => {
                    wide.push((y, Wide::CrLf));
                    c.next();
                }
                (None, None) => break,
            }
        }
        wide
    }
}

/// A dialect applied to one text: translates its positions to stored code points.
struct Counting {
    char_len: usize,
    /// The dialect position of every character that takes two steps, ascending.
    wide: Vec<(usize, Wide)>,
}

impl Counting {
    fn new(text: &SourceText, dialect: Dialect) -> Self {
        let wide = text
            .wide(dialect)
            .into_iter()
            .enumerate()
            .map(|(j, (stored, kind))| (stored + j, kind))
            .collect();
        Self {
            char_len: text.char_len,
            wide,
        }
    }

    fn len(&self) -> usize {
        self.char_len + self.wide.len()
    }

    /// The stored position of a dialect position.
    fn locate(&self, pos: usize) -> Result<usize, Unplaceable> {
        if pos > self.len() {
            return Err(Unplaceable::PastEnd { len: self.len() });
        }
        let before = self.wide.partition_point(|&(start, _)| start < pos);
        if let Some(&(start, kind)) = before.checked_sub(1).and_then(|j| self.wide.get(j))
            && start + 1 == pos
        {
            return Err(match kind {
                Wide::Astral => Unplaceable::SplitsCharacter,
                Wide::CrLf => Unplaceable::SplitsLineBreak,
            });
        }
        Ok(pos - before)
    }
}

/// A selection as the file gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub start: i64,
    pub end: i64,
    /// The selected text as the program quoted it (`PlainTextSelection@name`); empty if none.
    pub quote: String,
}

/// Why a selection was not placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unplaceable {
    Negative,
    Reversed,
    Empty,
    PastEnd { len: usize },
    SplitsCharacter,
    SplitsLineBreak,
    Contradicts { quoted: String, found: String },
}

impl fmt::Display for Unplaceable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unplaceable::Negative => write!(f, "a position is negative"),
            Unplaceable::Reversed => write!(f, "it ends before it starts"),
            Unplaceable::Empty => write!(f, "it selects nothing"),
            Unplaceable::PastEnd { len } => {
                write!(
                    f,
                    "it reaches past the end of the text ({len} positions long)"
                )
            }
            Unplaceable::SplitsCharacter => write!(
                f,
                "a position falls inside a character (between the halves of a UTF-16 surrogate pair)"
            ),
            Unplaceable::SplitsLineBreak => {
                write!(f, "a position falls between the CR and LF of a line end")
            }
            Unplaceable::Contradicts { quoted, found } => write!(
                f,
                "its quoted text “{}” differs from the text at that place “{}”",
                shorten(quoted),
                shorten(found)
            ),
        }
    }
}

/// What was chosen for one source and why.
#[derive(Clone, Debug)]
pub struct Decision {
    pub dialect: Dialect,
    /// One sentence: which program, which counting, what confirmed it.
    pub how: String,
    /// Whether the evidence confirmed the dialect.
    pub confirmed: bool,
    /// Per selection, in the order given: stored code points, end exclusive, or why not.
    pub placements: Vec<Result<(usize, usize), Unplaceable>>,
}

/// How the dialects were told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evidence {
    /// The selections quote their text.
    Quotes,
    /// Nothing quoted: selections begin and end at word boundaries in the right dialect.
    Boundaries,
}

struct Trial {
    dialect: Dialect,
    placements: Vec<Result<(usize, usize), Unplaceable>>,
    quotes_matched: usize,
    at_boundaries: usize,
}

/// Chooses the dialect for one source's selections and places them on the stored text.
///
/// `program` names who wrote the file (for the sentence), `expected` is what that program is known
/// to write (`None`: unknown; the standard is tried first).
pub fn decide(
    text: &SourceText,
    selections: &[Selection],
    program: &str,
    expected: Option<Dialect>,
) -> Decision {
    let preferred = expected.unwrap_or(Dialect::STANDARD);
    let naming = match expected {
        Some(_) => format!("{program}: {preferred}"),
        None => format!("{program} (counting not known, so the standard first): {preferred}"),
    };
    let index = TextIndex::new(&text.stored);
    let mut candidates = vec![preferred];
    for d in Dialect::ALL {
        if !candidates.iter().any(|&c| text.same_on_this_text(c, d)) {
            candidates.push(d);
        }
    }
    let trials: Vec<Trial> = candidates
        .iter()
        .map(|&d| trial(text, &index, selections, d))
        .collect();
    let quoted = selections
        .iter()
        .filter(|s| !normalise(&s.quote).is_empty())
        .count();
    let best_quotes = trials.iter().map(|t| t.quotes_matched).max().unwrap_or(0);
    let evidence = if quoted > 0
        && (best_quotes * 2 >= quoted || names_quote_the_text(text.stored(), selections))
    {
        Evidence::Quotes
    } else {
        Evidence::Boundaries
    };
    let score = |t: &Trial| match evidence {
        Evidence::Quotes => t.quotes_matched,
        Evidence::Boundaries => t.at_boundaries,
    };
    let total = match evidence {
        Evidence::Quotes => quoted,
        Evidence::Boundaries => selections.len(),
    };
    let describe_score = |t: &Trial| match evidence {
        Evidence::Quotes => format!(
            "{} of {total} selections match their quoted text",
            t.quotes_matched
        ),
        Evidence::Boundaries => format!(
            "{} of {total} selections begin and end at word boundaries",
            t.at_boundaries
        ),
    };
    let unquoted_note = if quoted > 0 && evidence == Evidence::Boundaries {
        " (the selections' names do not quote their text)"
    } else {
        ""
    };

    let mut trials = trials;
    let chosen_index;
    let how;
    let confirmed;
    if selections.is_empty() {
        chosen_index = 0;
        how = format!("{naming} — no selections to place");
        confirmed = true;
    } else if !text.distinct() {
        chosen_index = 0;
        how = format!(
            "{naming} — every counting gives the same positions on this text (no CRLF, nothing beyond U+FFFF); {}",
            describe_score(&trials[0])
        );
        confirmed = true;
    } else {
        let best = (0..trials.len())
            .max_by_key(|&i| (score(&trials[i]), usize::from(i == 0)))
            .unwrap_or(0);
        let others = trials
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != best)
            .map(|(_, t)| score(t))
            .max()
            .unwrap_or(0);
        let preferred_score = score(&trials[0]);
        let best_score = score(&trials[best]);
        let against = if trials.len() > 1 {
            format!(" (other countings: at most {others})")
        } else {
            String::new()
        };
        let plausible = |s: usize| match evidence {
            Evidence::Quotes => s > 0,
            Evidence::Boundaries => s * 2 >= total,
        };
        let clear = match evidence {
            Evidence::Quotes => best_score > preferred_score,
            Evidence::Boundaries => {
                best_score * 10 >= total * 8 && best_score >= preferred_score + (total / 10).max(3)
            }
        };
        if preferred_score >= best_score && plausible(preferred_score) {
            chosen_index = 0;
            confirmed = true;
            how = format!(
                "{naming} — confirmed: {}{against}{unquoted_note}",
                describe_score(&trials[0])
            );
        } else if clear {
            chosen_index = best;
            confirmed = true;
            how = format!(
                "{program} would count {preferred}, but this text fits {}: {}, against {preferred_score} with {preferred}{unquoted_note}",
                trials[best].dialect,
                describe_score(&trials[best])
            );
        } else {
            chosen_index = 0;
            confirmed = false;
            how = format!(
                "{naming} — NOT confirmed: {}{against}{unquoted_note}; check a few passages by eye",
                describe_score(&trials[0])
            );
        }
    }
    let chosen = trials.swap_remove(chosen_index);
    let placements = chosen
        .placements
        .into_iter()
        .zip(selections)
        .map(|(placed, selection)| {
            let (start, end) = placed?;
            if evidence == Evidence::Quotes {
                let quote = normalise(&selection.quote);
                if !quote.is_empty() {
                    let found = slice(&index, start, end);
                    if !quote_fits(found, &selection.quote) {
                        return Err(Unplaceable::Contradicts {
                            quoted: shorten(&selection.quote),
                            found: shorten(found),
                        });
                    }
                }
            }
            Ok((start, end))
        })
        .collect();
    Decision {
        dialect: chosen.dialect,
        how,
        confirmed,
        placements,
    }
}

/// Whether the selections' names are passages of the text (even if no counting puts them where
/// the positions say) rather than labels: then they are evidence, and a selection that contradicts
/// its name is not placed. Looks at up to 50 names.
fn names_quote_the_text(stored: &str, selections: &[Selection]) -> bool {
    let flat = stored.split_whitespace().collect::<Vec<_>>().join(" ");
    let names: Vec<String> = selections
        .iter()
        .map(|s| normalise(&s.quote))
        .filter(|q| !q.is_empty())
        .take(50)
        .collect();
    let found = names.iter().filter(|q| flat.contains(q.as_str())).count();
    !names.is_empty() && found * 2 >= names.len()
}

fn trial(text: &SourceText, index: &TextIndex<'_>, selections: &[Selection], d: Dialect) -> Trial {
    let counting = Counting::new(text, d);
    let mut quotes_matched = 0;
    let mut at_boundaries = 0;
    let placements: Vec<_> = selections
        .iter()
        .map(|s| {
            let placed = place(&counting, s);
            if let Ok((start, end)) = placed {
                let found = slice(index, start, end);
                if quote_fits(found, &s.quote) {
                    quotes_matched += 1;
                }
                if at_word_boundaries(index, start, end) {
                    at_boundaries += 1;
                }
            }
            placed
        })
        .collect();
    Trial {
        dialect: d,
        placements,
        quotes_matched,
        at_boundaries,
    }
}

fn place(counting: &Counting, s: &Selection) -> Result<(usize, usize), Unplaceable> {
    let (Ok(start), Ok(end)) = (usize::try_from(s.start), usize::try_from(s.end)) else {
        return Err(Unplaceable::Negative);
    };
    if end < start {
        return Err(Unplaceable::Reversed);
    }
    if end == start {
        return Err(Unplaceable::Empty);
    }
    if end > counting.len() {
        return Err(Unplaceable::PastEnd {
            len: counting.len(),
        });
    }
    Ok((counting.locate(start)?, counting.locate(end)?))
}

fn slice<'a>(index: &TextIndex<'a>, start: usize, end: usize) -> &'a str {
    match (index.byte_of(CharPos(start)), index.byte_of(CharPos(end))) {
        (Some(a), Some(b)) if a <= b => &index.text()[a..b],
        _ => "",
    }
}

fn char_at(index: &TextIndex<'_>, pos: usize) -> Option<char> {
    index
        .byte_of(CharPos(pos))
        .and_then(|b| index.text()[b..].chars().next())
}

fn at_word_boundaries(index: &TextIndex<'_>, start: usize, end: usize) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let start_ok = start == 0 || !(word(char_at(index, start - 1)) && word(char_at(index, start)));
    let end_ok = end == 0 || !(word(char_at(index, end - 1)) && word(char_at(index, end)));
    start_ok && end_ok
}

/// Whitespace runs collapsed to one space, trimmed, a trailing ellipsis (of a shortened quote) cut.
fn normalise(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = collapsed
        .strip_suffix('…')
        .or_else(|| collapsed.strip_suffix("..."))
        .unwrap_or(&collapsed);
    cut.trim_end().to_owned()
}

/// A quote shorter than this that is only the beginning of the found text, without an ellipsis
/// saying it was shortened, confirms nothing: one letter would "confirm" any passage it starts.
const MIN_UNMARKED_PREFIX: usize = 12;

/// Whether a selection's name quotes the found text: the whole of it, or its beginning if the name
/// says it was shortened (an ellipsis) or is long enough to tell.
fn quote_fits(found: &str, raw_quote: &str) -> bool {
    let quote = normalise(raw_quote);
    if quote.is_empty() || !quote_matches(found, &quote) {
        return false;
    }
    let shortened = {
        let raw = raw_quote.trim_end();
        raw.ends_with('…') || raw.ends_with("...")
    };
    shortened
        || quote.chars().count() >= MIN_UNMARKED_PREFIX
        || normalise(found).chars().count() == quote.chars().count()
}

/// Whether the (normalised, non-empty) quote is the found text or its beginning, whitespace being
/// compared as single spaces.
fn quote_matches(found: &str, quote: &str) -> bool {
    let mut found = found
        .split_whitespace()
        .flat_map(|w| std::iter::once(' ').chain(w.chars()));
    let mut quote_chars = quote
        .split_whitespace()
        .flat_map(|w| std::iter::once(' ').chain(w.chars()));
    loop {
        match (quote_chars.next(), found.next()) {
            (None, _) => return true,
            (Some(_), None) => return false,
            (Some(q), Some(f)) if q == f => {}
            _ => return false,
        }
    }
}

/// At most 60 characters of a text, for a sentence.
pub fn shorten(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 60 {
        flat
    } else {
        let head: String = flat.chars().take(57).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions of `needle` in `raw` (after the BOM) as `dialect` counts them.
    fn positions_in(raw: &str, needle: &str, dialect: Dialect) -> (i64, i64) {
        let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let byte = raw.find(needle).unwrap();
        let count = |s: &str| -> i64 {
            let s = match dialect.crlf {
                CrLf::Two => s.to_owned(),
                CrLf::One => s.replace("\r\n", "\n"),
            };
            match dialect.units {
                Units::CodePoints => s.chars().count() as i64,
                Units::Utf16 => s.encode_utf16().count() as i64,
            }
        };
        let start = count(&raw[..byte]);
        (start, start + count(needle))
    }

    fn sel(range: (i64, i64), quote: &str) -> Selection {
        Selection {
            start: range.0,
            end: range.1,
            quote: quote.to_owned(),
        }
    }

    const RAW: &str = "\u{feff}Grüße 😀 aus\r\nKöln 👩‍👩‍👧 und\r\nBonn.\r\nEnde 🎉 gut";

    #[test]
    fn every_dialect_lands_on_the_same_stored_text() {
        let text = SourceText::new(RAW);
        assert_eq!(
            text.stored(),
            "Grüße 😀 aus\nKöln 👩‍👩‍👧 und\nBonn.\nEnde 🎉 gut"
        );
        for d in Dialect::ALL {
            let counting = Counting::new(&text, d);
            for needle in ["Köln", "und\r\nBonn", "gut", "Grüße", "🎉"] {
                let (s, e) = positions_in(RAW, needle, d);
                let (a, b) = place(&counting, &sel((s, e), "")).unwrap();
                let found = slice(&TextIndex::new(text.stored()), a, b);
                assert_eq!(found, needle.replace("\r\n", "\n"), "{d}");
            }
        }
    }

    #[test]
    fn positions_inside_a_character_or_line_end_are_refused() {
        let text = SourceText::new("a😀b\r\nc");
        let utf16 = Counting::new(
            &text,
            Dialect {
                units: Units::Utf16,
                crlf: CrLf::Two,
            },
        );
        assert_eq!(utf16.locate(2), Err(Unplaceable::SplitsCharacter));
        assert_eq!(utf16.locate(3), Ok(2));
        assert_eq!(utf16.locate(5), Err(Unplaceable::SplitsLineBreak));
        assert_eq!(utf16.locate(6), Ok(4));
        assert_eq!(utf16.locate(7), Ok(5));
        assert_eq!(utf16.len(), 7);
        assert_eq!(utf16.locate(8), Err(Unplaceable::PastEnd { len: 7 }));
    }

    #[test]
    fn the_origins_dialect_is_confirmed_by_quotes() {
        let nvivo = Dialect {
            units: Units::Utf16,
            crlf: CrLf::Two,
        };
        let text = SourceText::new(RAW);
        let selections: Vec<_> = ["Köln", "und\r\nBonn", "gut"]
            .iter()
            .map(|n| sel(positions_in(RAW, n, nvivo), &n.replace("\r\n", " ")))
            .collect();
        let decision = decide(&text, &selections, "NVivo for Windows", Some(nvivo));
        assert_eq!(decision.dialect, nvivo);
        assert!(decision.confirmed);
        assert!(
            decision
                .how
                .contains("3 of 3 selections match their quoted text"),
            "{}",
            decision.how
        );
        assert!(decision.placements.iter().all(Result::is_ok));
    }

    #[test]
    fn a_wrong_origin_is_overruled_by_the_quotes_and_said_so() {
        let atlas = Dialect {
            units: Units::CodePoints,
            crlf: CrLf::One,
        };
        let text = SourceText::new(RAW);
        let selections: Vec<_> = ["Köln", "Bonn", "gut"]
            .iter()
            .map(|n| sel(positions_in(RAW, n, Dialect::STANDARD), n))
            .collect();
        let decision = decide(&text, &selections, "ATLAS.ti", Some(atlas));
        assert_eq!(decision.dialect, Dialect::STANDARD);
        assert!(
            decision.how.contains("but this text fits"),
            "{}",
            decision.how
        );
    }

    #[test]
    fn a_selection_contradicting_its_quote_is_not_placed() {
        let text = SourceText::new(RAW);
        let mut selections: Vec<_> = ["Köln", "Bonn", "gut"]
            .iter()
            .map(|n| sel(positions_in(RAW, n, Dialect::STANDARD), n))
            .collect();
        selections[1].quote = "Berlin".into();
        let decision = decide(&text, &selections, "MAXQDA", Some(Dialect::STANDARD));
        assert!(decision.placements[0].is_ok());
        assert!(matches!(
            decision.placements[1],
            Err(Unplaceable::Contradicts { .. })
        ));
    }

    #[test]
    fn quotes_found_elsewhere_in_the_text_keep_wrong_positions_out() {
        let text = SourceText::new(RAW);
        let selections: Vec<_> = ["Köln", "Bonn", "gut"]
            .iter()
            .map(|n| {
                let (s, e) = positions_in(RAW, n, Dialect::STANDARD);
                sel((s + 3, e + 3), n)
            })
            .collect();
        let decision = decide(&text, &selections, "MAXQDA", Some(Dialect::STANDARD));
        assert!(
            decision.placements.iter().all(|p| matches!(
                p,
                Err(Unplaceable::Contradicts { .. }) | Err(Unplaceable::PastEnd { .. })
            )),
            "{decision:?}"
        );
        assert!(!decision.confirmed);
    }

    #[test]
    fn names_that_are_labels_do_not_count_as_quotes() {
        let raw = "Eins zwei drei vier fünf";
        let text = SourceText::new(raw);
        let selections = vec![sel((0, 4), "Segment 1"), sel((5, 9), "Segment 2")];
        let decision = decide(&text, &selections, "MAXQDA", Some(Dialect::STANDARD));
        assert!(
            decision.placements.iter().all(Result::is_ok),
            "{decision:?}"
        );
    }

    #[test]
    fn a_short_beginning_confirms_a_passage_only_when_marked_as_shortened() {
        let found = "Also das war so, dass die Arbeitsvermittlung und die E-Akte kamen.";
        assert!(!quote_fits(found, "A"));
        assert!(!quote_fits(found, "Also das"));
        assert!(quote_fits(found, "Also das…"));
        assert!(quote_fits(found, "Also das war so, dass"));
        assert!(quote_fits("Bonn", "Bonn"));
        assert!(!quote_fits(found, "Berlin"));
    }

    #[test]
    fn shortened_quotes_with_other_whitespace_still_match() {
        assert!(quote_matches("und\nBonn. Ende", &normalise("und  Bonn…")));
        assert!(!quote_matches("und\nBonn", &normalise("und Köln")));
    }

    #[test]
    fn without_quotes_word_boundaries_decide() {
        let nvivo = Dialect {
            units: Units::Utf16,
            crlf: CrLf::Two,
        };
        let raw = "Eins 😀 zwei\r\ndrei 🎉 vier\r\nfünf sechs\r\nsieben 🎈 acht neun\r\nzehn";
        let text = SourceText::new(raw);
        let words = ["vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"];
        let selections: Vec<_> = words
            .iter()
            .map(|w| sel(positions_in(raw, w, nvivo), ""))
            .collect();
        let decision = decide(&text, &selections, "Somebody", None);
        assert_eq!(decision.dialect, nvivo, "{}", decision.how);
        let index = TextIndex::new(text.stored());
        for (placed, word) in decision.placements.iter().zip(words) {
            let (a, b) = placed.clone().unwrap();
            assert_eq!(slice(&index, a, b), word);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_maps_back_in_every_dialect(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "ß", "😀", "\r\n", "\n", "e\u{301}", " ", "👩‍👧"]),
                1..40,
            ),
            cut in 0usize..40,
        ) {
            let raw: String = parts.concat();
            let text = SourceText::new(&raw);
            let cut = cut.min(parts.len());
            let needle: String = parts[cut..].concat();
            if needle.is_empty() {
                return Ok(());
            }
            for d in Dialect::ALL {
                let counting = Counting::new(&text, d);
                let prefix: String = parts[..cut].concat();
                let count = |s: &str| -> usize {
                    let s = match d.crlf { CrLf::Two => s.to_owned(), CrLf::One => s.replace("\r\n", "\n") };
                    match d.units { Units::CodePoints => s.chars().count(), Units::Utf16 => s.encode_utf16().count() }
                };
                let start = count(&prefix);
                let end = start + count(&needle);
                let (a, b) = place(&counting, &Selection { start: start as i64, end: end as i64, quote: String::new() }).unwrap();
                let index = TextIndex::new(text.stored());
                proptest::prop_assert_eq!(slice(&index, a, b), needle.replace("\r\n", "\n"));
            }
        }
    }
}
