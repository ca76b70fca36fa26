//! Speaker turns in transcript text: labels such as `I:`, `B1:`, `Interviewer:`, `Frau K.:`, and
//! timestamps such as `#00:12:31#`, `#00:12:31-4#`, `[00:12:31]` or `(00:12:31)`.

use std::collections::HashMap;

use crate::model::Turn;
use crate::model::range::{CharRange, TextIndex};

/// Labels that mark a turn wherever they stand at a line's start.
fn is_known_label(label: &str) -> bool {
    const KNOWN: &[&str] = &[
        "I",
        "B",
        "IP",
        "IV",
        "Int",
        "Interviewer",
        "Interviewerin",
        "Befragte",
        "Befragter",
        "Moderator",
        "Moderatorin",
        "Sprecher",
        "Sprecherin",
    ];
    if KNOWN.contains(&label) {
        return true;
    }
    // I1, B2, P3, TN4
    let letters = label.trim_end_matches(|c: char| c.is_ascii_digit());
    letters.len() < label.len()
        && label.len() - letters.len() <= 2
        && matches!(letters, "I" | "B" | "P" | "TN" | "IP")
}

/// A name used as a label: up to four capitalised words such as `Frau K.` or `Herr Müller-Lang`.
fn is_name_label(label: &str) -> bool {
    let words: Vec<&str> = label.split(' ').collect();
    !label.is_empty()
        && label.chars().count() <= 30
        && words.len() <= 4
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

/// A timestamp at the start of `s`: its text without brackets and its length in bytes.
fn timestamp_at(s: &str) -> Option<(&str, usize)> {
    let (open, close) = match s.as_bytes().first()? {
        b'#' => ('#', '#'),
        b'[' => ('[', ']'),
        b'(' => ('(', ')'),
        _ => return None,
    };
    let inner_end = s[1..].find(close)? + 1;
    let inner = &s[open.len_utf8()..inner_end];
    let time = inner.split('-').next()?;
    let parts: Vec<&str> = time.split(':').collect();
    let ok = (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        && inner[time.len()..]
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit());
    ok.then_some((inner, inner_end + close.len_utf8()))
}

/// Whether a whole cell or word is a timestamp, with or without its brackets (`00:01:23-4`,
/// `#00:01:23-4#`, `[00:01:23]`).
pub fn is_timestamp(s: &str) -> bool {
    match timestamp_at(s) {
        Some((_, len)) => len == s.len(),
        None => timestamp_at(&format!("#{s}#")).is_some_and(|(_, len)| len == s.len() + 2),
    }
}

/// A timestamp's text without its brackets.
pub fn timestamp_text(s: &str) -> &str {
    match timestamp_at(s) {
        Some((inner, len)) if len == s.len() => inner,
        _ => s,
    }
}

/// A timestamp that ends `s`: its text and the byte where it starts.
pub(crate) fn trailing_timestamp(s: &str) -> Option<(&str, usize)> {
    let trimmed = s.trim_end();
    let close = trimmed.chars().last()?;
    let open = match close {
        '#' => '#',
        ']' => '[',
        ')' => '(',
        _ => return None,
    };
    let start = trimmed[..trimmed.len() - 1].rfind(open)?;
    let (inner, len) = timestamp_at(&trimmed[start..])?;
    (start + len == trimmed.len()).then_some((inner, start))
}

/// What a line that opens a turn holds.
#[derive(Debug, PartialEq, Eq)]
struct Opening<'a> {
    label: &'a str,
    timestamp: Option<&'a str>,
    /// Byte offset within the line where the spoken text begins.
    content: usize,
}

/// Reads a line as the start of a turn: `[timestamp] LABEL: [timestamp] text`.
fn opening(line: &str) -> Option<Opening<'_>> {
    let mut pos = line.len() - line.trim_start().len();
    let mut timestamp = None;
    if let Some((ts, len)) = timestamp_at(&line[pos..]) {
        timestamp = Some(ts);
        pos += len;
        pos += line[pos..].len() - line[pos..].trim_start_matches([' ', '\t']).len();
    }
    let rest = &line[pos..];
    let colon = rest.find(':')?;
    if colon == 0 || colon > 40 {
        return None;
    }
    let label = rest[..colon].trim_end();
    let after = &rest[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t', '\n', '\r'])) {
        return None;
    }
    if !(is_known_label(label) || is_name_label(label)) {
        return None;
    }
    pos += colon + 1;
    pos += line[pos..].len() - line[pos..].trim_start_matches([' ', '\t']).len();
    if timestamp.is_none()
        && let Some((ts, len)) = timestamp_at(&line[pos..])
    {
        timestamp = Some(ts);
        pos += len;
        pos += line[pos..].len() - line[pos..].trim_start_matches([' ', '\t']).len();
    }
    Some(Opening {
        label,
        timestamp,
        content: pos,
    })
}

/// Whether a line opens a turn (`LABEL:` at its start, with or without a timestamp).
pub(crate) fn opens_turn(line: &str) -> bool {
    opening(line).is_some()
}

/// Finds the speaker turns of a transcript. A turn runs from its label to the next label.
///
/// Known labels (`I`, `B`, `B1`, `Interviewer`, …) always count; a name (`Frau K.`) counts once it
/// opens at least two lines, so that a sentence like `Das Problem: …` is not taken for a speaker.
pub fn find_turns(text: &str) -> Vec<Turn> {
    let mut openings = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(found) = opening(line) {
            openings.push((offset, found));
        }
        offset += line.len();
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, o) in &openings {
        *counts.entry(o.label).or_default() += 1;
    }
    openings.retain(|(_, o)| is_known_label(o.label) || counts[o.label] >= 2);

    let index = TextIndex::new(text);
    let mut turns = Vec::with_capacity(openings.len());
    for (i, (line_start, o)) in openings.iter().enumerate() {
        let start = line_start + o.content;
        let next = openings.get(i + 1).map_or(text.len(), |(s, _)| *s);
        let mut body = text[start..next].trim_end();
        let mut timestamp = o.timestamp.map(str::to_owned);
        if timestamp.is_none()
            && let Some((ts, at)) = trailing_timestamp(body)
        {
            timestamp = Some(ts.to_owned());
            body = body[..at].trim_end();
        }
        let end = start + body.len();
        let Some(range) = index
            .char_of(start)
            .zip(index.char_of(end))
            .map(|(s, e)| CharRange { start: s, end: e })
        else {
            continue;
        };
        turns.push(Turn {
            speaker: o.label.to_owned(),
            timestamp,
            range,
        });
    }
    turns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spoken<'a>(text: &'a str, turn: &Turn) -> &'a str {
        TextIndex::new(text).slice(turn.range).unwrap()
    }

    #[test]
    fn interview_labels_and_timestamps() {
        let text = "Interview 3, Jobcenter Nord\n\nI: #00:00:05# Wie fing das an?\nB1: [00:00:09] Also, ähm,\nmit der E-Akte.\n\nInterviewer: Und dann?\n#00:01:10# B2: Dann kam das Portal.\n";
        let turns = find_turns(text);
        let speakers: Vec<&str> = turns.iter().map(|t| t.speaker.as_str()).collect();
        assert_eq!(speakers, ["I", "B1", "Interviewer", "B2"]);
        assert_eq!(spoken(text, &turns[0]), "Wie fing das an?");
        assert_eq!(turns[0].timestamp.as_deref(), Some("00:00:05"));
        assert_eq!(spoken(text, &turns[1]), "Also, ähm,\nmit der E-Akte.");
        assert_eq!(turns[1].timestamp.as_deref(), Some("00:00:09"));
        assert_eq!(turns[2].timestamp, None);
        assert_eq!(spoken(text, &turns[3]), "Dann kam das Portal.");
        assert_eq!(turns[3].timestamp.as_deref(), Some("00:01:10"));
    }

    #[test]
    fn trailing_f4_timestamps_are_read_and_left_out_of_the_turn() {
        let text = "I: Wie lange arbeiten Sie hier? #00:00:12-5#\nB: Seit 2015. #00:00:15-0#\n";
        let turns = find_turns(text);
        assert_eq!(turns.len(), 2);
        assert_eq!(spoken(text, &turns[0]), "Wie lange arbeiten Sie hier?");
        assert_eq!(turns[0].timestamp.as_deref(), Some("00:00:12-5"));
        assert_eq!(spoken(text, &turns[1]), "Seit 2015.");
    }

    #[test]
    fn names_count_only_when_they_speak_twice() {
        let text = "Frau K.: Guten Tag.\nHerr Müller-Lang: Tag.\nFrau K.: Wir fangen an.\nDas Problem: es hakt.\nHerr Müller-Lang: Gut.\n";
        let turns = find_turns(text);
        let speakers: Vec<&str> = turns.iter().map(|t| t.speaker.as_str()).collect();
        assert_eq!(
            speakers,
            ["Frau K.", "Herr Müller-Lang", "Frau K.", "Herr Müller-Lang"]
        );
        // the sentence stays part of the turn before it
        assert_eq!(
            spoken(text, &turns[2]),
            "Wir fangen an.\nDas Problem: es hakt."
        );
    }

    #[test]
    fn clock_times_and_urls_are_not_labels() {
        let text = "Um 10:30 Uhr ging es los.\nhttps://jobcenter.example: Portal\nwichtig: klein geschrieben\n";
        assert!(find_turns(text).is_empty());
    }

    #[test]
    fn positions_are_characters_after_umlauts_and_emoji() {
        let text = "B: Größe 👍\nI: Äh, gut.";
        let turns = find_turns(text);
        assert_eq!(turns[1].range.start.0, "B: Größe 👍\nI: ".chars().count());
        assert_eq!(spoken(text, &turns[1]), "Äh, gut.");
    }
}
