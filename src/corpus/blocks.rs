//! The layout of a document for reading: one block per speaker turn, paragraphs for what stands
//! outside turns.

use crate::model::Turn;
use crate::model::range::{CharPos, CharRange, TextIndex};

/// A stretch of a document shown as one block: a speaker turn, or a paragraph outside turns.
#[derive(Clone, Debug)]
pub struct Block {
    pub range: CharRange,
    pub speaker: Option<String>,
    pub timestamp: Option<String>,
    /// The characters of `range`.
    pub text: String,
}

/// Splits a text into blocks: one per turn, and paragraphs for what stands outside turns.
pub fn blocks(text: &str, turns: &[Turn]) -> Vec<Block> {
    let index = TextIndex::new(text);
    let slice = |range: CharRange| index.slice(range).unwrap_or_default().to_owned();
    let mut out = Vec::new();
    let paragraphs = |from: usize, to: usize, out: &mut Vec<Block>| {
        let (Some(a), Some(b)) = (index.byte_of(CharPos(from)), index.byte_of(CharPos(to))) else {
            return;
        };
        let mut start = a;
        for (offset, _) in text[a..b]
            .match_indices("\n\n")
            .chain(std::iter::once((b - a, "")))
        {
            let end = a + offset;
            let chunk = &text[start..end];
            let trimmed_start = start + (chunk.len() - chunk.trim_start().len());
            let trimmed_end = start + chunk.trim_end().len();
            if trimmed_start < trimmed_end
                && let Some(range) = index.range_of_bytes(trimmed_start, trimmed_end)
            {
                out.push(Block {
                    range,
                    speaker: None,
                    timestamp: None,
                    text: slice(range),
                });
            }
            start = end;
        }
    };
    // What stands before the line of the first turn (a title, a header) becomes paragraphs.
    if let Some(first) = turns.first()
        && let Some(byte) = index.byte_of(first.range.start)
        && let Some(line_start) = text[..byte].rfind('\n')
        && let Some(end) = index.char_of(line_start)
    {
        paragraphs(0, end.0, &mut out);
    }
    for turn in turns {
        if turn.range.is_empty() {
            continue;
        }
        out.push(Block {
            range: turn.range,
            speaker: Some(turn.speaker.clone()),
            timestamp: turn.timestamp.clone(),
            text: slice(turn.range),
        });
    }
    if turns.is_empty() {
        paragraphs(0, index.char_len(), &mut out);
    }
    out
}

/// The block that holds a character position (or the nearest one before it).
pub fn block_at(blocks: &[Block], pos: usize) -> usize {
    blocks
        .partition_point(|b| b.range.start.0 <= pos)
        .saturating_sub(1)
}

/// The text of a range across blocks, joined by a space; what lies between blocks (speaker
/// labels, blank lines) is left out.
pub fn text_of(blocks: &[Block], range: CharRange) -> String {
    let mut out = String::new();
    for block in blocks {
        let start = range.start.0.max(block.range.start.0);
        let end = range.end.0.min(block.range.end.0);
        if start < end {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(
                block
                    .text
                    .chars()
                    .skip(start - block.range.start.0)
                    .take(end - start),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_become_blocks_and_the_header_a_paragraph() {
        let text = "Interview Nord\n\nI: Frage?\n\nB: Antwort,\nzweite Zeile.\n";
        let turns = crate::corpus::turns::find_turns(text);
        let blocks = blocks(text, &turns);
        let shown: Vec<(&str, Option<&str>)> = blocks
            .iter()
            .map(|b| (b.text.as_str(), b.speaker.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Interview Nord", None),
                ("Frage?", Some("I")),
                ("Antwort,\nzweite Zeile.", Some("B"))
            ]
        );
    }

    #[test]
    fn the_first_label_is_not_a_paragraph() {
        let text = "I: #00:00:04# Vielen Dank.\n\nB: Gerne.";
        let turns = crate::corpus::turns::find_turns(text);
        let blocks = blocks(text, &turns);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "Vielen Dank.");
    }

    #[test]
    fn text_without_turns_is_split_into_paragraphs() {
        let text = "Beobachtung am Empfang.\n\nZweiter Absatz: Größe.\n\n\n";
        let blocks = blocks(text, &[]);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].text, "Zweiter Absatz: Größe.");
        assert_eq!(blocks[1].range.start.0, 25);
    }

    #[test]
    fn a_range_across_turns_reads_without_the_labels() {
        let text = "I: Größe?\n\nB: Ja 👍 genau.";
        let turns = crate::corpus::turns::find_turns(text);
        let blocks = blocks(text, &turns);
        let whole = CharRange::new(0, text.chars().count()).unwrap();
        assert_eq!(text_of(&blocks, whole), "Größe? Ja 👍 genau.");
        let inner = CharRange::new(5, 18).unwrap();
        assert_eq!(text_of(&blocks, inner), "öße? Ja 👍");
        assert_eq!(block_at(&blocks, 0), 0);
        assert_eq!(block_at(&blocks, 11), 0);
        assert_eq!(block_at(&blocks, 14), 1);
        assert_eq!(block_at(&blocks, 100), 1);
    }
}
