//! German folding and the words of a text, for lexical search and word counts.
//!
//! A word is a run of letters and digits, folded: lower case, `ß` and `ẞ` as `ss`, a decomposed
//! umlaut (`u` + combining diaeresis) as the composed one, and gender forms (`Bürger:innen`,
//! `Bürger*innen`, `Bürger_innen`, `Bürger/-innen`, `BürgerInnen`, and `:in` … in the singular)
//! as one word (`bürgerinnen`). Each word keeps the range of characters it covers in the stored
//! text, so that a hit found in folded words is a range of the text as it stands.

/// The combining diaeresis (U+0308), which a decomposed `ü` carries after its `u`.
const DIAERESIS: char = '\u{308}';

/// Appends the folded form of one character.
fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        DIAERESIS => {
            let composed = match out.chars().last() {
                Some('a') => Some('ä'),
                Some('o') => Some('ö'),
                Some('u') => Some('ü'),
                _ => None,
            };
            if let Some(composed) = composed {
                out.pop();
                out.push(composed);
            }
        }
        '\u{300}'..='\u{36f}' => {}
        _ => out.extend(c.to_lowercase()),
    }
}

/// A text folded as words are: lower case, `ß` as `ss` (for names, dictionary keys and stop words).
pub fn fold_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_into(c, &mut out);
    }
    out
}

/// `ä`, `ö`, `ü` written as `ae`, `oe`, `ue` (for `--umlauts`).
pub fn fold_umlauts(word: &str) -> std::borrow::Cow<'_, str> {
    if !word.contains(['ä', 'ö', 'ü']) {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len() + 4);
    for c in word.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a character belongs to a word; with `wildcards`, `*` and `?` do too (a query's words).
fn is_word_char(c: char, wildcards: bool) -> bool {
    c.is_alphanumeric()
        || ('\u{300}'..='\u{36f}').contains(&c)
        || (wildcards && (c == '*' || c == '?'))
}

/// Where a gender ending (`:innen`, `*in`, `/-innen`, …) that starts at `at` ends, and its letters
/// (`in` or `innen`); `None` if there is none.
fn gender_ending(chars: &[char], at: usize, to: usize) -> Option<(usize, &'static str)> {
    let separator = *chars.get(at)?;
    if !matches!(separator, ':' | '*' | '_' | '/') {
        return None;
    }
    let mut i = at + 1;
    if separator == '/' && chars.get(i) == Some(&'-') {
        i += 1;
    }
    for ending in ["innen", "in"] {
        let end = i + ending.len();
        if end > to {
            continue;
        }
        let same = chars[i..end]
            .iter()
            .zip(ending.chars())
            .all(|(c, e)| c.to_ascii_lowercase() == e);
        let closed = chars
            .get(end)
            .is_none_or(|c| end >= to || !is_word_char(*c, false));
        if same && closed {
            return Some((end, ending));
        }
    }
    None
}

/// Calls `emit(start, end, folded)` for every word of `chars[from..to]`, positions in characters
/// of `chars`. With `wildcards`, `*` and `?` are part of words, except where `*` starts a gender
/// ending (`Bürger*innen` is one word, `Bürger*` a word with a wildcard).
pub fn each_word(
    chars: &[char],
    from: usize,
    to: usize,
    wildcards: bool,
    mut emit: impl FnMut(usize, usize, &str),
) {
    let to = to.min(chars.len());
    let mut folded = String::new();
    let mut i = from;
    while i < to {
        if !is_word_char(chars[i], wildcards) || chars[i] == DIAERESIS {
            i += 1;
            continue;
        }
        let start = i;
        folded.clear();
        while i < to {
            if !folded.is_empty()
                && let Some((end, ending)) = gender_ending(chars, i, to)
            {
                folded.push_str(ending);
                i = end;
                break;
            }
            if !is_word_char(chars[i], wildcards) {
                break;
            }
            fold_into(chars[i], &mut folded);
            i += 1;
        }
        if !folded.is_empty() {
            emit(start, i, &folded);
        }
    }
}

/// The words of a text as `(start, end, folded)`, positions in characters.
pub fn words_of(text: &str, wildcards: bool) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    each_word(&chars, 0, chars.len(), wildcards, |s, e, w| {
        out.push((s, e, w.to_owned()))
    });
    out
}

/// Where a folded piece of a word stands in the word's characters: the word `chars` folded
/// character by character (gender separators left out, as [`each_word`] does), and for each
/// folded character the position of the character it came from.
pub fn folded_positions(chars: &[char], umlauts: bool) -> (Vec<char>, Vec<usize>) {
    let mut folded: Vec<char> = Vec::with_capacity(chars.len());
    let mut from = Vec::with_capacity(chars.len());
    let mut one = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !is_word_char(c, false) {
            continue;
        }
        if c == DIAERESIS {
            if let Some(last) = folded.last_mut() {
                let mut s = last.to_string();
                fold_into(c, &mut s);
                let composed: Vec<char> = s.chars().collect();
                if composed.len() == 1 {
                    *last = composed[0];
                }
            }
            continue;
        }
        one.clear();
        fold_into(c, &mut one);
        let one = if umlauts {
            fold_umlauts(&one).into_owned()
        } else {
            one.clone()
        };
        for f in one.chars() {
            folded.push(f);
            from.push(i);
        }
    }
    if umlauts {
        // A decomposed umlaut composed above is written out now, keeping its position.
        let mut out = Vec::with_capacity(folded.len());
        let mut out_from = Vec::with_capacity(folded.len());
        for (c, i) in folded.into_iter().zip(from) {
            let s = c.to_string();
            for f in fold_umlauts(&s).chars() {
                out.push(f);
                out_from.push(i);
            }
        }
        return (out, out_from);
    }
    (folded, from)
}

/// Whether `word` matches `pattern`, where `*` stands for any letters (also none) and `?` for one.
pub fn wildcard_match(pattern: &str, word: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let w: Vec<char> = word.chars().collect();
    let (mut pi, mut wi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while wi < w.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == w[wi]) {
            pi += 1;
            wi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, wi));
            pi += 1;
        } else if let Some((sp, sw)) = star {
            pi = sp + 1;
            wi = sw + 1;
            star = Some((sp, sw + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(usize, usize, String)> {
        words_of(text, false)
    }

    #[test]
    fn words_are_folded_and_keep_their_place() {
        assert_eq!(
            words("Größe STRASSE Straße ẞ"),
            [
                (0, 5, "grösse".to_owned()),
                (6, 13, "strasse".to_owned()),
                (14, 20, "strasse".to_owned()),
                (21, 22, "ss".to_owned())
            ]
        );
        // An emoji of three scalar values before the word moves it by three.
        assert_eq!(words("👩‍💻 Akte"), [(4, 8, "akte".to_owned())]);
        // A decomposed ü is one letter of the word, two characters of the text.
        assert_eq!(words("Bu\u{308}rger"), [(0, 7, "bürger".to_owned())]);
    }

    #[test]
    fn gender_forms_are_one_word() {
        for form in [
            "Bürger:innen",
            "Bürger*innen",
            "Bürger_innen",
            "Bürger/-innen",
            "Bürger/innen",
            "BürgerInnen",
            "Bürgerinnen",
        ] {
            let found = words(&format!("die {form}, bitte"));
            assert_eq!(
                found[1],
                (4, 4 + form.chars().count(), "bürgerinnen".into())
            );
        }
        assert_eq!(words("Bürger:in.")[0].2, "bürgerin");
        // Not an ending: other letters follow, or nothing stands before the separator.
        assert_eq!(words("Bürger:innenamt").len(), 2);
        assert_eq!(words("B: innen").len(), 2);
        // In a query, `*` is a wildcard unless a gender ending follows.
        assert_eq!(words_of("Bürger*innen Bürger*", true)[0].2, "bürgerinnen");
        assert_eq!(words_of("Bürger*innen Bürger*", true)[1].2, "bürger*");
    }

    #[test]
    fn umlauts_fold_on_request() {
        assert_eq!(fold_umlauts("bürgerämter"), "buergeraemter");
        assert_eq!(fold_umlauts("akte"), "akte");
        let chars: Vec<char> = "Bü:innen".chars().collect();
        let (folded, from) = folded_positions(&chars, true);
        assert_eq!(folded.iter().collect::<String>(), "bueinnen");
        assert_eq!(from, [0, 1, 1, 3, 4, 5, 6, 7]);
        let chars: Vec<char> = "Maß".chars().collect();
        let (folded, from) = folded_positions(&chars, false);
        assert_eq!(folded.iter().collect::<String>(), "mass");
        assert_eq!(from, [0, 1, 2, 2]);
    }

    #[test]
    fn wildcards_match_letters() {
        assert!(wildcard_match("akte*", "akten"));
        assert!(wildcard_match("akte*", "akte"));
        assert!(wildcard_match("*akte", "eakte"));
        assert!(wildcard_match("m?ier", "meier"));
        assert!(!wildcard_match("m?ier", "mier"));
        assert!(wildcard_match("*", "x"));
        assert!(!wildcard_match("akte", "akten"));
        assert!(wildcard_match("a*b*c", "aXbYbc"));
    }
}
