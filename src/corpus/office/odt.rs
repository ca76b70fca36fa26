//! OpenDocument text (`.odt`): `content.xml` read as the document reads with tracked changes
//! accepted; annotations (comments) and notes collected for the memo.

use std::collections::{HashMap, HashSet};

use crate::corpus::Refusal;
use crate::corpus::container::{Content, Element};

use super::{Block, Note, NoteKind, Page, flatten, open, part};

const WHAT: &str = "OpenDocument (.odt)";

struct Reader {
    /// Automatic and common styles that hide their text (`text:display="none"`).
    hidden_styles: HashSet<String>,
    /// Everything written so far in document order, for the text a comment spans.
    trail: String,
    open_comments: HashMap<String, (usize, Note)>,
    pending: Vec<Note>,
    page: Page,
}

/// Reads an `.odt` file's text, notes and what was left out.
pub fn read(bytes: &[u8]) -> Result<Page, Refusal> {
    let mut zip = open(bytes, WHAT)?;
    if let Some(manifest) = part(&mut zip, "META-INF/manifest.xml", WHAT)?
        && manifest
            .children_named("file-entry")
            .any(|e| e.child("encryption-data").is_some())
    {
        return Err(Refusal::Office(
            "it is protected by a password; open it in LibreOffice, save it without the password and import it again".into(),
        ));
    }
    let Some(content) = part(&mut zip, "content.xml", WHAT)? else {
        return Err(Refusal::Office(
            "it is a zip archive but not an OpenDocument text (it has no content.xml); check that it is the right file".into(),
        ));
    };
    let mut hidden_styles = HashSet::new();
    let styles = part(&mut zip, "styles.xml", WHAT)?;
    for root in [Some(&content), styles.as_ref()].into_iter().flatten() {
        for group in ["automatic-styles", "styles"] {
            if let Some(g) = root.child(group) {
                for s in g.children_named("style") {
                    let hides = s
                        .child("text-properties")
                        .is_some_and(|t| t.attr("display") == Some("none"));
                    if hides && let Some(name) = s.attr("name") {
                        hidden_styles.insert(name.to_owned());
                    }
                }
            }
        }
    }
    let mut reader = Reader {
        hidden_styles,
        trail: String::new(),
        open_comments: HashMap::new(),
        pending: Vec::new(),
        page: Page::default(),
    };
    if let Some(styles) = &styles
        && let Some(master) = styles.child("master-styles")
    {
        for page in master.children_named("master-page") {
            for hf in &page.children {
                if matches!(
                    hf.name.as_str(),
                    "header"
                        | "footer"
                        | "header-first"
                        | "footer-first"
                        | "header-left"
                        | "footer-left"
                ) && hf.attr("display") != Some("false")
                    && !reader.plain(hf).trim().is_empty()
                {
                    reader.page.left_out.headers_footers += 1;
                }
            }
        }
    }
    reader.trail.clear();
    let text = content
        .child("body")
        .and_then(|b| b.child("text"))
        .ok_or_else(|| {
            Refusal::Office(
                "it is an OpenDocument file but not a text document (no office:text); export it as .odt from a word processor".into(),
            )
        })?;
    let blocks = reader.blocks(text);
    reader.page.blocks(blocks);
    let rest: Vec<Note> = reader.open_comments.drain().map(|(_, (_, n))| n).collect();
    reader.page.notes.extend(rest);
    Ok(reader.page)
}

impl Reader {
    fn plain(&mut self, el: &Element) -> String {
        let saved = std::mem::take(&mut self.page.left_out);
        let saved_notes = self.page.notes.len();
        let blocks = self.blocks(el);
        self.page.left_out = saved;
        self.page.notes.truncate(saved_notes);
        self.pending.clear();
        flatten(blocks)
    }

    fn hidden(&self, el: &Element) -> bool {
        el.attr("style-name")
            .is_some_and(|s| self.hidden_styles.contains(s))
    }

    fn blocks(&mut self, el: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        for child in &el.children {
            match child.name.as_str() {
                "p" | "h" => {
                    if self.hidden(child) {
                        self.page.left_out.hidden += 1;
                        continue;
                    }
                    let mut line = String::new();
                    let mut left = false;
                    self.inline(child, &mut line, &mut left);
                    let line = collapse(&line);
                    self.trail.push('\n');
                    for mut note in std::mem::take(&mut self.pending) {
                        note.anchor = line.trim().to_owned();
                        self.page.notes.push(note);
                    }
                    if line.is_empty() && left {
                        continue;
                    }
                    out.push(Block::Line {
                        text: line,
                        heading: child.name == "h",
                    });
                }
                "table" => {
                    let mut rows = Vec::new();
                    self.rows(child, &mut rows);
                    if !rows.is_empty() {
                        out.push(Block::Table(rows));
                    }
                }
                "tracked-changes" => {
                    self.page.left_out.deletions += child
                        .children_named("changed-region")
                        .filter(|r| r.child("deletion").is_some())
                        .count();
                }
                "hidden-paragraph" | "hidden-text" => self.page.left_out.hidden += 1,
                "sequence-decls"
                | "variable-decls"
                | "user-field-decls"
                | "forms"
                | "soft-page-break"
                | "bookmark"
                | "bookmark-start"
                | "bookmark-end"
                | "table-of-content-source"
                | "index-title-template" => {}
                "frame" => {
                    self.frame(child);
                }
                _ => out.extend(self.blocks(child)),
            }
        }
        out
    }

    fn rows(&mut self, table: &Element, rows: &mut Vec<Vec<String>>) {
        for child in &table.children {
            match child.name.as_str() {
                "table-row" => {
                    let mut row = Vec::new();
                    for cell in &child.children {
                        match cell.name.as_str() {
                            "table-cell" => {
                                let blocks = self.blocks(cell);
                                row.push(flatten(blocks));
                            }
                            "covered-table-cell" => {}
                            _ => {}
                        }
                    }
                    if !row.is_empty() {
                        rows.push(row);
                    }
                }
                "table-header-rows" | "table-rows" | "table-row-group" => self.rows(child, rows),
                _ => {}
            }
        }
    }

    fn push(&mut self, line: &mut String, s: &str) {
        line.push_str(s);
        self.trail.push_str(s);
    }

    fn inline(&mut self, el: &Element, line: &mut String, left: &mut bool) {
        for piece in el.content() {
            let child = match piece {
                Content::Text(t) => {
                    let t: String = t
                        .chars()
                        .filter(|&c| c != '\u{AD}')
                        .map(|c| {
                            if matches!(c, '\n' | '\r' | '\t') {
                                ' '
                            } else {
                                c
                            }
                        })
                        .collect();
                    self.push(line, &t);
                    continue;
                }
                Content::Element(child) => child,
            };
            match child.name.as_str() {
                "s" => {
                    let n = child
                        .attr("c")
                        .and_then(|c| c.parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(1000);
                    // marked so that collapsing leaves these spaces alone
                    self.push(line, &"\u{1}".repeat(n));
                }
                "tab" => self.push(line, "\u{2}"),
                "line-break" => self.push(line, "\u{3}"),
                "span" | "a" if self.hidden(child) => {
                    self.page.left_out.hidden += 1;
                    *left = true;
                }
                "hidden-text" | "hidden-paragraph" => {
                    self.page.left_out.hidden += 1;
                    *left = true;
                }
                "note" => {
                    let kind = if child.attr("note-class") == Some("endnote") {
                        NoteKind::Endnote
                    } else {
                        NoteKind::Footnote
                    };
                    let body = child
                        .child("note-body")
                        .map(|b| self.sub(b))
                        .unwrap_or_default();
                    self.pending.push(Note {
                        kind,
                        author: None,
                        anchor: String::new(),
                        body,
                    });
                }
                "annotation" => {
                    let author = child
                        .child("creator")
                        .map(|c| c.text.trim().to_owned())
                        .filter(|a| !a.is_empty());
                    let paragraphs = Element {
                        children: child
                            .children
                            .iter()
                            .filter(|c| matches!(c.name.as_str(), "p" | "list"))
                            .cloned()
                            .collect(),
                        name: String::new(),
                        attrs: Vec::new(),
                        text: String::new(),
                        at: 0,
                    };
                    let body = self.sub(&paragraphs);
                    let note = Note {
                        kind: NoteKind::Comment,
                        author,
                        anchor: String::new(),
                        body,
                    };
                    match child.attr("name") {
                        Some(name) => {
                            self.open_comments
                                .insert(name.to_owned(), (self.trail.len(), note));
                        }
                        None => self.pending.push(note),
                    }
                }
                "annotation-end" => {
                    if let Some((start, mut note)) = child
                        .attr("name")
                        .and_then(|n| self.open_comments.remove(n))
                    {
                        note.anchor = collapse(self.trail.get(start..).unwrap_or(""))
                            .trim()
                            .to_owned();
                        self.page.notes.push(note);
                    }
                }
                "frame" => {
                    self.frame(child);
                    *left = true;
                }
                "change"
                | "change-start"
                | "change-end"
                | "bookmark"
                | "bookmark-start"
                | "bookmark-end"
                | "reference-mark"
                | "reference-mark-start"
                | "reference-mark-end"
                | "soft-page-break"
                | "alphabetical-index-mark"
                | "toc-mark"
                | "ruby-text" => {}
                _ => self.inline(child, line, left),
            }
        }
    }

    /// A note's or comment's text, read apart from the document's.
    fn sub(&mut self, el: &Element) -> String {
        let trail = std::mem::take(&mut self.trail);
        let pending = std::mem::take(&mut self.pending);
        let notes = self.page.notes.len();
        let left = self.page.left_out.clone();
        let blocks = self.blocks(el);
        self.page.notes.truncate(notes);
        self.page.left_out = left;
        self.pending = pending;
        self.trail = trail;
        flatten(blocks)
    }

    fn frame(&mut self, frame: &Element) {
        if frame.child("text-box").is_some() {
            self.page.left_out.text_boxes += 1;
        } else if frame.child("image").is_some() {
            self.page.left_out.pictures += 1;
        } else {
            *self
                .page
                .left_out
                .other
                .entry("embedded objects")
                .or_default() += 1;
        }
    }
}

/// White space as OpenDocument reads it: runs of spaces collapse to one; `text:s`, tabs and line
/// breaks (marked while reading) stay as written.
fn collapse(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut space = true;
    for c in line.chars() {
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(match c {
            '\u{1}' => ' ',
            '\u{2}' => '\t',
            '\u{3}' => '\n',
            c => c,
        });
    }
    out
}
