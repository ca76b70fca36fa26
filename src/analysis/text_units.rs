//! Words and sentences of a text as character ranges, for agreement by word or by sentence.

use crate::model::range::{CharPos, CharRange};

/// Words (runs of letters and digits) as ranges of characters.
pub fn words(text: &str) -> Vec<CharRange> {
    let mut out = Vec::new();
    let mut start = None;
    let mut i = 0;
    for (pos, c) in text.chars().enumerate() {
        i = pos + 1;
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(pos),
            (false, Some(s)) => {
                out.push(span(s, pos));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(span(s, i));
    }
    out
}

/// Abbreviations whose full stop does not end a sentence (compared without case).
const ABBREVIATIONS: &[&str] = &[
    "z", "b", "d", "h", "u", "a", "o", "s", "v", "dr", "nr", "bzw", "ca", "evtl", "ggf", "usw",
    "vgl", "etc", "inkl", "bspw", "sog", "prof", "hr", "fr", "str", "abs", "ff", "tel", "zb",
];

/// Sentences: a sentence ends after `.`, `?`, `!` or `:` followed by white space or the end, except
/// after an abbreviation such as „z. B.“, „Dr.“ or „Nr.“ and after a number („3. Mai“). Each
/// sentence is trimmed of white space; empty ones are left out.
pub fn sentences(text: &str) -> Vec<CharRange> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..chars.len() {
        let c = chars[i];
        if !matches!(c, '.' | '?' | '!' | ':') {
            continue;
        }
        let at_break = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if !at_break || (c == '.' && before_is_abbreviation(&chars[start..i])) {
            continue;
        }
        push_trimmed(&mut out, &chars, start, i + 1);
        start = i + 1;
    }
    push_trimmed(&mut out, &chars, start, chars.len());
    out
}

fn before_is_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.is_empty() {
        return false;
    }
    word.chars().all(|c| c.is_ascii_digit())
        || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

fn push_trimmed(out: &mut Vec<CharRange>, chars: &[char], mut start: usize, mut end: usize) {
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    if start < end {
        out.push(span(start, end));
    }
}

fn span(start: usize, end: usize) -> CharRange {
    CharRange {
        start: CharPos(start),
        end: CharPos(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, ranges: &[CharRange]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        ranges
            .iter()
            .map(|r| chars[r.start.0..r.end.0].iter().collect())
            .collect()
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = "Bürger:innen, z. B. 3 Äpfel";
        assert_eq!(
            texts(text, &words(text)),
            ["Bürger", "innen", "z", "B", "3", "Äpfel"]
        );
    }

    #[test]
    fn german_abbreviations_do_not_end_a_sentence() {
        let text = "Das ist z. B. bei Dr. Meier so. Zimmer Nr. 4 am 3. Mai? Ja! Also: gut";
        assert_eq!(
            texts(text, &sentences(text)),
            [
                "Das ist z. B. bei Dr. Meier so.",
                "Zimmer Nr. 4 am 3. Mai?",
                "Ja!",
                "Also:",
                "gut"
            ]
        );
        assert_eq!(texts("a.b. c", &sentences("a.b. c")), ["a.b. c"]);
    }
}
