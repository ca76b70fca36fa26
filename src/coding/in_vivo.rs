//! Naming an in-vivo code by the words a researcher selected.

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

#[cfg(test)]
mod tests {
    use super::*;

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
