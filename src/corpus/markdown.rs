//! Markdown transcripts: a TOML front matter block (`+++ … +++`) naming the jobcenter and document
//! attributes, then the transcript, turned into plain text with pulldown-cmark.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use super::Refusal;

/// What the front matter of a transcript says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub jobcenter: Option<String>,
    /// A document name other than the file's stem.
    pub name: Option<String>,
    pub attributes: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct RawFrontMatter {
    jobcenter: Option<String>,
    name: Option<String>,
    #[serde(default)]
    attributes: toml::Table,
    #[serde(flatten)]
    rest: toml::Table,
}

/// A Markdown transcript as plain text (markup removed, blocks separated by a blank line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub front_matter: FrontMatter,
}

/// Renders Markdown to the plain text that is stored, and reads its front matter.
pub fn render(markdown: &str) -> Result<Rendered, Refusal> {
    let options = Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len());
    let mut front = None;
    let mut in_metadata = false;
    let mut list_depth = 0usize;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            Event::Text(t) if in_metadata => front = Some(parse_front_matter(&t)?),
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::BlockQuote(_),
            ) if list_depth == 0 => block_break(&mut out),
            Event::Start(Tag::List(_)) => {
                block_break(&mut out);
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("- ");
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => {
                block_break(&mut out);
                out.push_str("———");
            }
            _ => {}
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    Ok(Rendered {
        text: out,
        front_matter: front.unwrap_or_default(),
    })
}

fn block_break(out: &mut String) {
    if out.is_empty() {
        return;
    }
    while !out.ends_with("\n\n") {
        out.push('\n');
    }
}

fn parse_front_matter(text: &str) -> Result<FrontMatter, Refusal> {
    let raw: RawFrontMatter =
        toml::from_str(text).map_err(|e| Refusal::FrontMatter(e.message().to_owned()))?;
    let mut attributes = Vec::new();
    for (key, value) in raw.attributes.into_iter().chain(raw.rest) {
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Datetime(d) => d.to_string(),
            _ => {
                return Err(Refusal::FrontMatter(format!(
                    "the value of “{key}” must be a single text, number or date"
                )));
            }
        };
        attributes.push((key, value));
    }
    for (key, value) in [("name", &raw.name), ("jobcenter", &raw.jobcenter)] {
        if let Some(value) = value
            && (value.trim().is_empty() || value.chars().any(char::is_control))
        {
            return Err(Refusal::FrontMatter(format!(
                "“{key}” is empty or holds a line break or control character; give a {key}, or leave the line out"
            )));
        }
    }
    Ok(FrontMatter {
        jobcenter: raw.jobcenter,
        name: raw.name,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSCRIPT: &str = "+++\njobcenter = \"Jobcenter Hafenstadt\"\n\n[attributes]\n\"Rolle\" = \"Führungskraft\"\nDatum = 2024-02-14\n+++\n\n**I:** #00:00:04# Vielen Dank, dass Sie sich *Zeit* nehmen.\n\n**B:** #00:00:19# Ja, gerne. Also\nich bin seit 2015 hier.\n";

    #[test]
    fn front_matter_and_turn_paragraphs_become_plain_text() {
        let rendered = render(TRANSCRIPT).unwrap();
        assert_eq!(
            rendered.text,
            "I: #00:00:04# Vielen Dank, dass Sie sich Zeit nehmen.\n\nB: #00:00:19# Ja, gerne. Also\nich bin seit 2015 hier."
        );
        assert_eq!(
            rendered.front_matter.jobcenter.as_deref(),
            Some("Jobcenter Hafenstadt")
        );
        assert!(
            rendered
                .front_matter
                .attributes
                .contains(&("Rolle".into(), "Führungskraft".into()))
        );
        assert!(
            rendered
                .front_matter
                .attributes
                .contains(&("Datum".into(), "2024-02-14".into()))
        );
    }

    #[test]
    fn without_front_matter_only_the_text_counts() {
        let rendered = render("# Interview\n\nI: Guten Tag.").unwrap();
        assert_eq!(rendered.text, "Interview\n\nI: Guten Tag.");
        assert_eq!(rendered.front_matter, FrontMatter::default());
    }

    #[test]
    fn broken_front_matter_is_refused() {
        let err = render("+++\njobcenter = \n+++\n\nText").unwrap_err();
        assert!(matches!(err, Refusal::FrontMatter(_)));
    }

    #[test]
    fn an_empty_name_or_jobcenter_is_refused() {
        for front in ["name = \"\"", "jobcenter = \"  \"", "name = \"a\\nb\""] {
            let text = format!("+++\n{front}\n+++\n\nI: Wie?\n");
            assert!(
                matches!(render(&text), Err(Refusal::FrontMatter(_))),
                "{front}"
            );
        }
        assert!(render("+++\nname = \"A\"\n+++\n\nI: Wie?\n").is_ok());
    }
}
