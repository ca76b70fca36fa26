//! Naming an in-vivo code by the words a researcher selected.

use crate::model::Turn;
use crate::model::range::{CharPos, CharRange, TextIndex};

/// The name of an in-vivo code: the selected words, on one line, without surrounding punctuation,
/// `/` (which separates code names) as `-`, at most 60 characters.
pub fn in_vivo_name(selected: &str) -> String {
    let words: Vec<&str> = selected.split_whitespace().collect();
    let mut name = words.join(" ").replace('/', "-");
    name = name.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
    if name.chars().count() > 60 {
        name = name.chars().take(59).collect::<String>() + "…";
    }
    name
}

/// The words of a range as the reader sees them in the browser: the parts inside speaker turns
/// (joined by a space), not the labels and timestamps between turns; what stands before the line of
/// the first turn (a title) as it is. A text without turns is taken whole.
pub fn selected_words(index: &TextIndex<'_>, turns: &[Turn], range: CharRange) -> String {
    let slice = |start: usize, end: usize| {
        CharRange::new(start, end)
            .ok()
            .and_then(|r| index.slice(r))
            .unwrap_or_default()
    };
    let Some(first) = turns.first() else {
        return slice(range.start.0, range.end.0).to_owned();
    };
    let header_end = index
        .byte_of(first.range.start)
        .and_then(|byte| index.text()[..byte].rfind('\n'))
        .and_then(|line_start| index.char_of(line_start))
        .map_or(0, |pos: CharPos| pos.0);
    let mut parts = vec![slice(range.start.0, range.end.0.min(header_end))];
    for turn in turns {
        parts.push(slice(
            range.start.0.max(turn.range.start.0),
            range.end.0.min(turn.range.end.0),
        ));
    }
    parts.retain(|part| !part.trim().is_empty());
    parts
        .iter()
        .map(|part| part.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_words_leave_out_labels_between_turns() {
        let text = "Interview Nord\n\nI: #00:00:04# Wie läuft es?\n\nB: Größtenteils gut.\n";
        let turns = vec![
            Turn {
                speaker: "I".into(),
                timestamp: Some("00:00:04".into()),
                range: CharRange::new(30, 43).unwrap(),
            },
            Turn {
                speaker: "B".into(),
                timestamp: None,
                range: CharRange::new(48, 65).unwrap(),
            },
        ];
        let index = TextIndex::new(text);
        assert_eq!(index.slice(turns[0].range), Some("Wie läuft es?"));
        assert_eq!(index.slice(turns[1].range), Some("Größtenteils gut."));
        // Across two turns: without "B: ".
        let across = selected_words(&index, &turns, CharRange::new(34, 60).unwrap());
        assert_eq!(across, "läuft es? Größtenteils");
        // From the title into the first turn: the label and timestamp are left out.
        let from_title = selected_words(&index, &turns, CharRange::new(10, 33).unwrap());
        assert_eq!(from_title, "Nord Wie");
        // No turns: the range as it stands.
        let plain = selected_words(&index, &[], CharRange::new(0, 9).unwrap());
        assert_eq!(plain, "Interview");
    }

    #[test]
    fn in_vivo_names_are_tidy() {
        assert_eq!(
            in_vivo_name("  „Papier auf dem\nBildschirm“, "),
            "Papier auf dem Bildschirm"
        );
        assert_eq!(in_vivo_name("E-Akte/Portal"), "E-Akte-Portal");
        assert_eq!(in_vivo_name(&"x".repeat(80)).chars().count(), 60);
        assert_eq!(in_vivo_name(" … – "), "");
    }
}
