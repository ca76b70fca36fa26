//! Text sources, their selections and codings, and the texts they are read from.

use super::fields::{date_time, guid_of};
use super::report::{SourceDialect, UnplacedSelection, name_list, plural, was};
use super::{Kind, Reading, SelectionInfo, Target};
use crate::corpus::MAX_FILE_BYTES;
use crate::corpus::turns::find_turns;
use crate::exchange::refi::archive::{self, Element};
use crate::exchange::refi::dialect::{self, Selection, SourceText};
use crate::model::bundle::{BundleSegment, Source, User, VariableScope, derived_guid};
use crate::model::range::{CharPos, TextIndex};

impl Reading<'_> {
    pub(super) fn sources(&mut self, sources: &Element, fallback_user: Option<&str>) {
        self.expect_children(
            sources,
            &[
                "TextSource",
                "PictureSource",
                "PDFSource",
                "AudioSource",
                "VideoSource",
            ],
            "the sources",
        );
        for source in sources.children_named("TextSource") {
            self.text_source(source, fallback_user);
        }
        for (element, what, region, regions) in [
            (
                "PictureSource",
                "picture",
                "picture region",
                "picture regions",
            ),
            ("PDFSource", "PDF", "PDF region", "PDF regions"),
            ("AudioSource", "audio", "audio passage", "audio passages"),
            ("VideoSource", "video", "video passage", "video passages"),
        ] {
            let mut names = Vec::new();
            let mut selections = 0;
            for source in sources.children_named(element) {
                if let Some(guid) = guid_of(source.attr("guid")) {
                    self.kinds.insert(guid, Kind::Elsewhere);
                }
                names.push(
                    source
                        .attr_nonempty("name")
                        .unwrap_or("(unnamed)")
                        .to_owned(),
                );
                for child in &source.children {
                    if child.name.ends_with("Selection") {
                        selections += 1;
                        if let Some(guid) = guid_of(child.attr("guid")) {
                            self.kinds.insert(guid, Kind::Elsewhere);
                        }
                    }
                    if child.name == "Transcript" {
                        selections += child.children_named("TranscriptSelection").count();
                    }
                }
            }
            if !names.is_empty() {
                let sources = plural(
                    names.len(),
                    &format!("{what} source"),
                    &format!("{what} sources"),
                );
                let with = if selections > 0 {
                    format!(" with {}", plural(selections, region, regions))
                } else {
                    String::new()
                };
                self.discard(format!(
                    "{sources} ({}){with} {} not imported: Kodierwerk holds text documents only.",
                    name_list(&names),
                    was(names.len())
                ));
            }
        }
    }

    fn text_source(&mut self, source: &Element, fallback_user: Option<&str>) {
        self.expect_children(
            source,
            &[
                "Description",
                "PlainTextContent",
                "PlainTextSelection",
                "Coding",
                "NoteRef",
                "VariableValue",
            ],
            "a text source",
        );
        let name = source.attr_nonempty("name").unwrap_or("").to_owned();
        let Some(guid) = guid_of(source.attr("guid")) else {
            self.discard(format!(
                "the source “{name}” has no GUID and was not imported."
            ));
            return;
        };
        let name = if name.is_empty() { guid.clone() } else { name };
        let selection_count = source.children_named("PlainTextSelection").count();
        let with_selections = if selection_count > 0 {
            format!(
                " with its {}",
                plural(selection_count, "selection", "selections")
            )
        } else {
            String::new()
        };
        if self.kinds.contains_key(&guid) {
            self.discard(format!(
                "the source “{name}”{with_selections} repeats the GUID {guid} of another item and was not imported."
            ));
            return;
        }
        let raw = self.text_of(source).and_then(|raw| {
            if raw.trim().is_empty() {
                return Err("its text is empty".to_owned());
            }
            crate::corpus::decode::check_characters(&raw)
                .map(|()| raw)
                .map_err(|refusal| format!("its text was refused: {refusal}"))
        });
        let raw = match raw {
            Ok(raw) => raw,
            Err(why) => {
                self.kinds.insert(guid, Kind::Elsewhere);
                self.discard(format!(
                    "the source “{name}”{with_selections} was not imported: {why}."
                ));
                return;
            }
        };
        let text = SourceText::new(&raw);
        drop(raw);
        let index = self.bundle.sources.len();
        self.kinds
            .insert(guid.clone(), Kind::Target(Target::Source(guid.clone())));

        let elements: Vec<&Element> = source.children_named("PlainTextSelection").collect();
        let mut selections = Vec::with_capacity(elements.len());
        let mut numeric = Vec::with_capacity(elements.len());
        for e in &elements {
            let start = e
                .attr("startPosition")
                .and_then(|s| s.trim().parse::<i64>().ok());
            let end = e
                .attr("endPosition")
                .and_then(|s| s.trim().parse::<i64>().ok());
            numeric.push(start.is_some() && end.is_some());
            selections.push(Selection {
                start: start.unwrap_or(0),
                end: end.unwrap_or(0),
                quote: e.attr("name").unwrap_or("").to_owned(),
            });
        }
        let decision = dialect::decide(&text, &selections, &self.program, self.expected);
        if !elements.is_empty() {
            self.report.dialects.push(SourceDialect {
                source: name.clone(),
                dialect: decision.dialect,
                confirmed: decision.confirmed,
                how: decision.how.clone(),
            });
        }
        let char_len = text.char_len();
        let index_text = TextIndex::new(text.stored());
        for ((element, placed), ok) in elements.iter().zip(decision.placements).zip(numeric) {
            self.expect_children(
                element,
                &["Description", "Coding", "NoteRef"],
                "a selection",
            );
            let selection_guid = guid_of(element.attr("guid")).unwrap_or_else(|| {
                derived_guid(
                    &guid,
                    &format!("selection {}", element.attr("startPosition").unwrap_or("")),
                )
            });
            let placed = if ok {
                placed.map_err(|why| why.to_string())
            } else {
                Err("its positions are not whole numbers".to_owned())
            };
            let (start, end) = match placed {
                Ok(range) => range,
                Err(reason) => {
                    self.kinds.insert(selection_guid, Kind::Elsewhere);
                    self.report.unplaced.push(UnplacedSelection {
                        source: name.clone(),
                        selection: element.attr("guid").unwrap_or("").to_owned(),
                        start: element
                            .attr("startPosition")
                            .unwrap_or("?")
                            .trim()
                            .to_owned(),
                        end: element.attr("endPosition").unwrap_or("?").trim().to_owned(),
                        reason,
                    });
                    continue;
                }
            };
            let found = match (
                index_text.byte_of(CharPos(start)),
                index_text.byte_of(CharPos(end)),
            ) {
                (Some(a), Some(b)) => &text.stored()[a..b],
                _ => "",
            };
            let target = Target::Selection(selection_guid.clone());
            self.kinds
                .insert(selection_guid.clone(), Kind::Target(target.clone()));
            self.description(element, &target);
            self.note_refs(element, &target);
            let selection_user = guid_of(element.attr("creatingUser"));
            let created = date_time(element.attr("creationDateTime"));
            let mut segments = Vec::new();
            for (n, coding) in element.children_named("Coding").enumerate() {
                if n >= super::MAX_CODINGS_PER_SELECTION {
                    self.surplus_codings += 1;
                    continue;
                }
                let seg_guid = if n == 0 {
                    selection_guid.clone()
                } else {
                    guid_of(coding.attr("guid"))
                        .unwrap_or_else(|| derived_guid(&selection_guid, &format!("coding {n}")))
                };
                if let Some(s) = self.segment(
                    coding,
                    seg_guid,
                    &guid,
                    (start, end),
                    selection_user.as_deref().or(fallback_user),
                    &created,
                ) {
                    segments.push(s);
                }
            }
            if segments.is_empty() && element.children_named("Coding").next().is_none() {
                self.uncoded += 1;
            }
            if !segments.is_empty() {
                self.report.counts.selections += 1;
            }
            self.selections.insert(
                selection_guid,
                SelectionInfo {
                    source: index,
                    label: dialect::shorten(found),
                    segments,
                },
            );
        }
        for coding in source.children_named("Coding") {
            let seg_guid = guid_of(coding.attr("guid"))
                .unwrap_or_else(|| derived_guid(&guid, "whole source coding"));
            let created = date_time(coding.attr("creationDateTime"));
            if char_len > 0 {
                self.segment(
                    coding,
                    seg_guid,
                    &guid,
                    (0, char_len),
                    fallback_user,
                    &created,
                );
            }
        }
        self.description(source, &Target::Source(guid.clone()));
        self.note_refs(source, &Target::Source(guid.clone()));
        self.variable_values(source, VariableScope::Source, index);
        let text = text.into_stored();
        self.bundle.sources.push(Source {
            guid,
            name,
            case: None,
            turns: find_turns(&text),
            text,
            values: Vec::new(),
            memo: String::new(),
            created_at: date_time(source.attr("creationDateTime")),
        });
    }

    /// One coding of a placed selection as a segment; `None` if its code is unknown.
    fn segment(
        &mut self,
        coding: &Element,
        guid: String,
        source: &str,
        (start, end): (usize, usize),
        fallback_user: Option<&str>,
        selection_created: &str,
    ) -> Option<usize> {
        let code = coding
            .child("CodeRef")
            .and_then(|r| guid_of(r.attr("targetGUID")))
            .filter(|g| matches!(self.kinds.get(g), Some(Kind::Target(Target::Code(_)))));
        let Some(code) = code else {
            self.missing_codes += 1;
            return None;
        };
        let guid = if self.segment_guids.contains(&guid) {
            derived_guid(&guid, &format!("repeated {}", self.bundle.segments.len()))
        } else {
            guid
        };
        let user =
            guid_of(coding.attr("creatingUser")).or_else(|| fallback_user.map(str::to_owned));
        let user = self.known_user(user);
        let created = match date_time(coding.attr("creationDateTime")) {
            d if d.is_empty() => selection_created.to_owned(),
            d => d,
        };
        if let Some(coding_guid) = guid_of(coding.attr("guid")) {
            self.codings
                .insert(coding_guid.clone(), self.bundle.segments.len());
            self.kinds
                .entry(coding_guid.clone())
                .or_insert(Kind::Target(Target::Coding(coding_guid.clone())));
            self.note_refs(coding, &Target::Coding(coding_guid));
        }
        self.segment_guids.insert(guid.clone());
        self.bundle.segments.push(BundleSegment {
            guid,
            source: source.to_owned(),
            code,
            user,
            start,
            end,
            memo: String::new(),
            created_at: created,
        });
        Some(self.bundle.segments.len() - 1)
    }

    /// A user GUID that is in the bundle's users, adding a stand-in for one the file does not list.
    fn known_user(&mut self, user: Option<String>) -> String {
        let guid = user.unwrap_or_else(|| derived_guid(&self.file, "unknown coder"));
        if !self.bundle.users.iter().any(|u| u.guid == guid) {
            let name = format!("unknown coder {}", &guid[..8.min(guid.len())]);
            self.bundle.users.push(User {
                guid: guid.clone(),
                name: name.clone(),
            });
            self.unknown_users.insert(name, 0);
        }
        if let Some(name) = self
            .bundle
            .users
            .iter()
            .find(|u| u.guid == guid)
            .map(|u| u.name.clone())
            && let Some(n) = self.unknown_users.get_mut(&name)
        {
            *n += 1;
        }
        guid
    }

    /// Reads a text that may be inline or in a file of the archive, no larger than a transcript
    /// may be; `Err` says why there is none.
    pub(super) fn text_of(&mut self, element: &Element) -> std::result::Result<String, String> {
        let text = self.read_text(element)?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "its text holds more than {} MB, more than a transcript may",
                MAX_FILE_BYTES / 1_000_000
            ));
        }
        Ok(text)
    }

    fn read_text(&mut self, element: &Element) -> std::result::Result<String, String> {
        if let Some(content) = element.child("PlainTextContent") {
            return Ok(content.text.clone());
        }
        let Some(path) = element.attr_nonempty("plainTextPath") else {
            return Err("it has neither text in the file nor a plainTextPath".into());
        };
        let lower = path.to_lowercase();
        let inner = if path
            .get(..11)
            .is_some_and(|p| p.eq_ignore_ascii_case("internal://"))
        {
            &path[11..]
        } else if lower.starts_with("relative://")
            || lower.starts_with("absolute://")
            || lower.starts_with("file:")
            || lower.contains(":\\")
            || path.starts_with('/')
            || path.starts_with('\\')
        {
            return Err(format!(
                "its text {path} lies outside the archive (not contained in the export)"
            ));
        } else {
            path
        };
        if !archive::is_inside(inner) {
            return Err(format!(
                "its text path {path} points outside the archive's sources folder"
            ));
        }
        let Some(archive) = self.archive.as_deref_mut() else {
            return Err(format!("its text {path} is in no archive"));
        };
        let index = archive
            .find(&format!("sources/{inner}"))
            .or_else(|| archive.find(inner));
        let Some(index) = index else {
            return Err(format!("its text file {path} is missing from the archive"));
        };
        let bytes = match archive.read(index) {
            Ok(bytes) => bytes,
            Err(e) => {
                let why = format!("its text file {path} could not be unpacked");
                self.fatal.get_or_insert(e);
                return Err(why);
            }
        };
        decode_text(&bytes).map_err(|why| format!("its text file {path} {why}"))
    }
}

/// A source's text file: UTF-8 (a BOM goes later, with the line ends) or UTF-16 with a BOM;
/// anything else is refused with the reason, since REFI-QDA asks for UTF-8.
fn decode_text(bytes: &[u8]) -> std::result::Result<String, String> {
    if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
        return Err("is UTF-32 text; REFI-QDA asks for UTF-8".into());
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            return if had_errors {
                Err(format!("is not valid {}", encoding.name()))
            } else {
                Ok(text.into_owned())
            };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err("is not UTF-8 text, as REFI-QDA requires".into()),
    }
}
