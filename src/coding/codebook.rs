//! Codebook files (`assets/default_codebook.toml` and researchers' own) and the colour rule.

use serde::Deserialize;

use crate::model::CodePath;
use crate::model::error::{Error, Result};

/// The default codebook of the study, built into the program.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../assets/default_codebook.toml");

/// One code of a codebook file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CodebookEntry {
    /// Full path, names joined by `/`; parents come before their children.
    pub path: CodePath,
    pub color: String,
    /// The coding rule, in Markdown.
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodebookFile {
    #[serde(default)]
    code: Vec<CodebookEntry>,
}

/// Parses a codebook in Kodierwerk's TOML form; `file` names it in error messages.
pub fn parse(text: &str, file: &str) -> Result<Vec<CodebookEntry>> {
    let bad = |reason: String| Error::BadCodebook {
        file: file.to_owned(),
        reason,
    };
    let parsed: CodebookFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    parsed
        .code
        .into_iter()
        .map(|mut entry| {
            entry.color = normalise_color(&entry.color).map_err(|e| bad(e.to_string()))?;
            if !seen.insert(entry.path.clone()) {
                return Err(bad(format!("the code “{}” appears twice", entry.path)));
            }
            Ok(entry)
        })
        .collect()
}

/// The default codebook, parsed.
pub fn default_codebook() -> Result<Vec<CodebookEntry>> {
    parse(DEFAULT_CODEBOOK, "default codebook")
}

/// Accepts `#RRGGBB` (any case, `#` optional) and returns it as `#RRGGBB` in upper case.
pub fn normalise_color(color: &str) -> Result<String> {
    let hex = color.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_uppercase()))
    } else {
        Err(Error::BadColor(color.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_codebook_holds_the_study_categories() {
        let codes = default_codebook().unwrap();
        let tops: Vec<&str> = codes
            .iter()
            .filter(|c| !c.path.contains('/'))
            .map(|c| c.path.as_str())
            .collect();
        assert_eq!(
            tops,
            [
                "Arbeitslogik",
                "Haltung zur Digitalisierung",
                "Digitale Anwendungen",
                "Problemlagen der Systeme",
                "Wirkungen und Argumente",
                "Rahmenbedingungen"
            ]
        );
        assert!(
            codes
                .iter()
                .any(|c| c.path == "Arbeitslogik/Sozialberatung")
        );
        assert!(codes.iter().all(|c| !c.description.trim().is_empty()));
        // parents come first
        for (i, code) in codes.iter().enumerate() {
            if let Some(parent) = code.path.parent() {
                assert!(codes[..i].iter().any(|c| c.path == parent), "{}", code.path);
            }
        }
    }

    #[test]
    fn colours_are_normalised_or_refused() {
        assert_eq!(normalise_color("3b6fb6").unwrap(), "#3B6FB6");
        assert!(normalise_color("blau").is_err());
    }

    #[test]
    fn a_broken_codebook_names_the_problem() {
        let err = parse("[[code]]\npath = \"A\"\ncolor = \"rot\"\n", "mein.toml").unwrap_err();
        assert!(err.to_string().contains("mein.toml"), "{err}");
        let err = parse("[[code]]\npath = \"A\"\ncolor = \"#FFFFFF\"\n[[code]]\npath = \"A\"\ncolor = \"#FFFFFF\"\n", "x").unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }
}
