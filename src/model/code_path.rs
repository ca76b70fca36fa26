//! A code's place in the code system: its names from the top of the tree down, joined by `/`.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize};

use crate::model::error::{Error, Result};

/// How deep a code tree may grow: a code at the top is at level 1. Code systems in use stay within
/// a handful of levels; beyond this, paths and analyses would grow without bound.
pub const MAX_CODE_DEPTH: usize = 32;

/// A normalised code path (`Arbeitslogik/Sozialberatung`): every name trimmed, none empty, no
/// line breaks or control characters. Serialised as the plain string.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CodePath(String);

/// A long path cut for a sentence.
pub fn shortened(path: &str) -> String {
    match path.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &path[..at]),
        None => path.to_owned(),
    }
}

impl CodePath {
    /// Trims each name of a path typed by a person or read from a file, and refuses empty names
    /// and control characters.
    pub fn parse(path: &str) -> Result<Self> {
        let names: Vec<&str> = path.split('/').map(str::trim).collect();
        if names.len() > MAX_CODE_DEPTH {
            return Err(Error::CodeTreeTooDeep(shortened(path)));
        }
        if names.iter().any(|n| n.is_empty()) {
            return Err(Error::BadCodePath(
                path.to_owned(),
                "a name between the slashes is empty",
            ));
        }
        if names.iter().any(|n| n.chars().any(char::is_control)) {
            return Err(Error::BadCodePath(
                path.to_owned(),
                "it contains a line break or control character",
            ));
        }
        Ok(Self(names.join("/")))
    }

    /// A path as the project file keeps it, normalised when it was stored.
    pub fn from_stored(path: String) -> Self {
        Self(path)
    }

    /// The path under a parent (`None`: at the top of the tree).
    pub fn child(parent: Option<&CodePath>, name: &str) -> Self {
        match parent {
            Some(parent) => Self(format!("{}/{name}", parent.0)),
            None => Self(name.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code's own name, the last of the path.
    pub fn leaf(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The parent's path; `None` at the top of the tree.
    pub fn parent(&self) -> Option<&str> {
        self.0.rsplit_once('/').map(|(parent, _)| parent)
    }

    /// The names from the top of the tree down.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl Deref for CodePath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Read from a file, a path is checked as [`CodePath::parse`] checks it.
impl<'de> Deserialize<'de> for CodePath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CodePath::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for CodePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<CodePath> for String {
    fn from(path: CodePath) -> String {
        path.0
    }
}

impl PartialEq<str> for CodePath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CodePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for CodePath {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_trimmed_or_refused() {
        let path = CodePath::parse(" Arbeitslogik / Sozialberatung ").unwrap();
        assert_eq!(path, "Arbeitslogik/Sozialberatung");
        assert!(CodePath::parse("Arbeitslogik//Sozialberatung").is_err());
        assert!(CodePath::parse("").is_err());
        assert!(CodePath::parse("A/B\nC").is_err());
    }

    #[test]
    fn leaf_parent_and_names_follow_the_slashes() {
        let path = CodePath::parse("Haltung/Skeptisch/Datenschutz").unwrap();
        assert_eq!(path.leaf(), "Datenschutz");
        assert_eq!(path.parent(), Some("Haltung/Skeptisch"));
        assert_eq!(
            path.names().collect::<Vec<_>>(),
            ["Haltung", "Skeptisch", "Datenschutz"]
        );
        let top = CodePath::parse("Rahmenbedingungen").unwrap();
        assert_eq!(top.leaf(), "Rahmenbedingungen");
        assert_eq!(top.parent(), None);
        let child = CodePath::child(Some(&top), "Personal");
        assert_eq!(child, "Rahmenbedingungen/Personal");
        assert_eq!(CodePath::child(None, "A"), "A");
    }
}
