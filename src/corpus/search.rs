//! Finding words in a document's text, as the browser's find bar does.

use crate::model::range::CharRange;

/// Every place where the query stands in the text, case ignored, in characters from its start.
/// Matches do not overlap; an empty or blank query finds nothing.
pub fn find_in(text: &str, query: &str) -> Vec<CharRange> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let needle: Vec<char> = query.chars().collect();
    let hay: Vec<char> = text
        .chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            let first = lower.next().unwrap_or(c);
            // One char per char, so that positions stay aligned.
            if lower.next().is_some() { c } else { first }
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            if let Ok(range) = CharRange::new(i, i + needle.len()) {
                out.push(range);
            }
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str, query: &str) -> Vec<(usize, usize)> {
        find_in(text, query)
            .iter()
            .map(|r| (r.start.0, r.end.0))
            .collect()
    }

    #[test]
    fn case_is_ignored_and_positions_count_characters() {
        assert_eq!(
            starts("Größe und GRÖSSE, größe", "größe"),
            [(0, 5), (18, 23)]
        );
        assert_eq!(starts("👩‍💻 Akte, akte", "AKTE"), [(4, 8), (10, 14)]);
    }

    #[test]
    fn matches_do_not_overlap_and_blank_finds_nothing() {
        assert_eq!(starts("aaaa", "aa"), [(0, 2), (2, 4)]);
        assert!(find_in("Text", "  ").is_empty());
        assert_eq!(starts("ein Wort", " wort "), [(4, 8)]);
    }

    #[test]
    fn a_letter_that_lowers_to_two_stays_itself() {
        // 'İ' lowers to two characters; it is kept as it is so that positions stay aligned.
        assert_eq!(starts("İstanbul istanbul", "istanbul"), [(9, 17)]);
    }
}
