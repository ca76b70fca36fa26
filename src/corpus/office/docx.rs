//! Word's `.docx` (Office Open XML): `word/document.xml` read as the document reads with tracked
//! changes accepted; comments, footnotes and endnotes collected for the memo.

use std::collections::{HashMap, HashSet};

use crate::corpus::Refusal;
use crate::corpus::container::Element;

use super::{Block, Note, NoteKind, Page, flatten, is_heading_name, open, part};

const WHAT: &str = "Word (.docx)";

/// What `styles.xml` says about a paragraph style.
#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: bool,
}

struct Reader {
    styles: HashMap<String, Style>,
    comments: HashMap<String, (Option<String>, String)>,
    footnotes: HashMap<String, String>,
    endnotes: HashMap<String, String>,
    /// Everything written so far in document order, cells included, for the text a comment spans.
    trail: String,
    open_comments: HashMap<String, usize>,
    done_comments: HashSet<String>,
    /// Notes whose anchor is the paragraph being read.
    pending: Vec<Note>,
    /// Inside a field's instruction (between `begin` and `separate`), by depth.
    field_code: Vec<bool>,
    page: Page,
}

/// Reads a `.docx` file's text, notes and what was left out.
pub fn read(bytes: &[u8]) -> Result<Page, Refusal> {
    let mut zip = open(bytes, WHAT)?;
    let main = part(&mut zip, "_rels/.rels", WHAT)?
        .and_then(|rels| {
            rels.children_named("Relationship")
                .find(|r| {
                    r.attr("Type")
                        .is_some_and(|t| t.ends_with("/officeDocument"))
                })
                .and_then(|r| r.attr("Target").map(str::to_owned))
        })
        .unwrap_or_else(|| "word/document.xml".to_owned());
    let Some(document) = part(&mut zip, &main, WHAT)? else {
        return Err(Refusal::Office(
            "it is a zip archive but not a Word document (it has no word/document.xml); check that it is the right file".into(),
        ));
    };
    let folder = main.rsplit_once('/').map_or("", |(f, _)| f);
    let at = |name: &str| {
        if folder.is_empty() {
            name.to_owned()
        } else {
            format!("{folder}/{name}")
        }
    };
    let mut reader = Reader {
        styles: part(&mut zip, &at("styles.xml"), WHAT)?
            .map(|s| read_styles(&s))
            .unwrap_or_default(),
        comments: HashMap::new(),
        footnotes: HashMap::new(),
        endnotes: HashMap::new(),
        trail: String::new(),
        open_comments: HashMap::new(),
        done_comments: HashSet::new(),
        pending: Vec::new(),
        field_code: Vec::new(),
        page: Page::default(),
    };
    if let Some(comments) = part(&mut zip, &at("comments.xml"), WHAT)? {
        for c in comments.children_named("comment") {
            let author = c.attr_nonempty("author").map(str::to_owned);
            let body = reader.plain(c);
            reader
                .comments
                .insert(c.attr("id").unwrap_or_default().to_owned(), (author, body));
        }
    }
    for (name, kind) in [("footnotes.xml", "footnote"), ("endnotes.xml", "endnote")] {
        if let Some(notes) = part(&mut zip, &at(name), WHAT)? {
            for n in notes.children_named(kind) {
                if n.attr("type").is_some_and(|t| t != "normal") {
                    continue;
                }
                let body = reader.plain(n);
                let id = n.attr("id").unwrap_or_default().to_owned();
                if kind == "footnote" {
                    reader.footnotes.insert(id, body);
                } else {
                    reader.endnotes.insert(id, body);
                }
            }
        }
    }
    let parts: Vec<String> = (0..zip.len())
        .map(|i| zip.name(i).to_owned())
        .filter(|n| {
            let n = n.strip_prefix(folder).unwrap_or(n).trim_start_matches('/');
            (n.starts_with("header") || n.starts_with("footer")) && n.ends_with(".xml")
        })
        .collect();
    for name in &parts {
        if let Some(hf) = part(&mut zip, name, WHAT)?
            && !reader.plain(&hf).trim().is_empty()
        {
            reader.page.left_out.headers_footers += 1;
        }
    }
    // the body proper; plain() above must not leave anything behind
    reader.trail.clear();
    reader.pending.clear();
    let body = document.child("body").ok_or_else(|| {
        Refusal::Office("its word/document.xml has no body; save it again from Word".into())
    })?;
    let blocks = reader.blocks(body);
    for block in blocks {
        match block {
            Block::Line { text, heading } => {
                if heading {
                    reader.page.break_here();
                }
                reader.page.line(&text);
                if heading {
                    reader.page.break_here();
                }
            }
            Block::Table(rows) => reader.page.table(rows),
        }
    }
    let mut unanchored: Vec<&String> = reader
        .comments
        .keys()
        .filter(|id| !reader.done_comments.contains(*id))
        .collect();
    unanchored.sort();
    let rest: Vec<Note> = unanchored
        .into_iter()
        .map(|id| {
            let (author, body) = reader.comments[id].clone();
            Note {
                kind: NoteKind::Comment,
                author,
                anchor: String::new(),
                body,
            }
        })
        .collect();
    reader.page.notes.extend(rest);
    Ok(reader.page)
}

fn read_styles(styles: &Element) -> HashMap<String, Style> {
    styles
        .children_named("style")
        .filter_map(|s| {
            let id = s.attr("styleId")?.to_owned();
            let val = |name: &str| s.child(name).and_then(|c| c.attr("val")).map(str::to_owned);
            let outline = s
                .child("pPr")
                .and_then(|p| p.child("outlineLvl"))
                .and_then(|o| o.attr("val"))
                .and_then(|v| v.parse::<u8>().ok())
                .is_some_and(|level| level < 9);
            Some((
                id,
                Style {
                    name: val("name").unwrap_or_default(),
                    based_on: val("basedOn"),
                    outline,
                },
            ))
        })
        .collect()
}

impl Reader {
    fn is_heading_style(&self, id: &str) -> bool {
        let mut current = Some(id);
        for _ in 0..16 {
            let Some(style) = current.and_then(|id| self.styles.get(id)) else {
                return false;
            };
            if style.outline || is_heading_name(&style.name) {
                return true;
            }
            current = style.based_on.as_deref();
        }
        false
    }

    /// The text of a comment's or note's paragraphs, one per line, without reference marks.
    fn plain(&mut self, el: &Element) -> String {
        let saved = std::mem::take(&mut self.page.left_out);
        let blocks = self.blocks(el);
        self.page.left_out = saved;
        self.pending.clear();
        flatten(blocks)
    }

    fn blocks(&mut self, el: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        for child in &el.children {
            match child.name.as_str() {
                "p" => {
                    if let Some(block) = self.paragraph(child) {
                        out.push(block);
                    }
                }
                "tbl" => {
                    let rows = self.table(child);
                    if !rows.is_empty() {
                        out.push(Block::Table(rows));
                    }
                }
                "del" | "moveFrom" => self.page.left_out.deletions += 1,
                "sectPr" | "tblPr" | "tblGrid" | "bookmarkStart" | "bookmarkEnd" | "sdtPr"
                | "sdtEndPr" | "proofErr" | "permStart" | "permEnd" => {}
                "commentRangeStart" | "commentRangeEnd" => self.comment_mark(child),
                "altChunk" => {
                    *self
                        .page
                        .left_out
                        .other
                        .entry("embedded documents")
                        .or_default() += 1
                }
                _ => out.extend(self.blocks(child)),
            }
        }
        out
    }

    fn table(&mut self, tbl: &Element) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for tr in tbl.children_named("tr") {
            let mut row = Vec::new();
            for tc in tr.children_named("tc") {
                let blocks = self.blocks(tc);
                row.push(flatten(blocks));
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        rows
    }

    fn paragraph(&mut self, p: &Element) -> Option<Block> {
        let ppr = p.child("pPr");
        let heading = ppr.is_some_and(|ppr| {
            ppr.child("pStyle")
                .and_then(|s| s.attr("val"))
                .is_some_and(|id| self.is_heading_style(id))
                || ppr
                    .child("outlineLvl")
                    .and_then(|o| o.attr("val"))
                    .and_then(|v| v.parse::<u8>().ok())
                    .is_some_and(|l| l < 9)
        });
        let mark_hidden = ppr.and_then(|p| p.child("rPr")).is_some_and(is_hidden);
        let mut line = String::new();
        let mut had_content = false;
        self.inline(p, &mut line, &mut had_content);
        self.trail.push('\n');
        for mut note in std::mem::take(&mut self.pending) {
            note.anchor = line.trim().to_owned();
            self.page.notes.push(note);
        }
        if line.is_empty() && (mark_hidden || had_content) {
            return None;
        }
        Some(Block::Line {
            text: line,
            heading,
        })
    }

    /// The inline content of a paragraph (or of a wrapper inside it) into `line`. `had_content`
    /// is set when something was left out, so that a paragraph of only a picture leaves no line.
    fn inline(&mut self, el: &Element, line: &mut String, had_content: &mut bool) {
        for child in &el.children {
            match child.name.as_str() {
                "r" => self.run(child, line, had_content),
                "pPr"
                | "rPr"
                | "bookmarkStart"
                | "bookmarkEnd"
                | "proofErr"
                | "sdtPr"
                | "sdtEndPr"
                | "permStart"
                | "permEnd"
                | "lastRenderedPageBreak" => {}
                "del" | "moveFrom" => {
                    self.page.left_out.deletions += 1;
                    *had_content = true;
                }
                "commentRangeStart" | "commentRangeEnd" => self.comment_mark(child),
                "oMath" | "oMathPara" => self.math(child, line),
                "AlternateContent" | "drawing" | "pict" | "object" => {
                    let shown = if child.name == "AlternateContent" {
                        child.child("Choice").or_else(|| child.child("Fallback"))
                    } else {
                        Some(child)
                    };
                    if let Some(shown) = shown {
                        self.picture(shown);
                    }
                    *had_content = true;
                }
                _ => self.inline(child, line, had_content),
            }
        }
    }

    fn push(&mut self, line: &mut String, s: &str) {
        if self.field_code.last().copied().unwrap_or(false) {
            return;
        }
        line.push_str(s);
        self.trail.push_str(s);
    }

    fn run(&mut self, r: &Element, line: &mut String, had_content: &mut bool) {
        if r.child("rPr").is_some_and(is_hidden) {
            if r.children
                .iter()
                .any(|c| c.name == "t" && !c.text.is_empty())
            {
                self.page.left_out.hidden += 1;
            }
            *had_content = true;
            return;
        }
        for c in &r.children {
            match c.name.as_str() {
                "t" if c.text.contains('\u{AD}') => {
                    let text: String = c.text.chars().filter(|&ch| ch != '\u{AD}').collect();
                    self.push(line, &text);
                }
                "t" => self.push(line, &c.text),
                "tab" | "ptab" => self.push(line, "\t"),
                "br" | "cr" => self.push(line, "\n"),
                "noBreakHyphen" => self.push(line, "\u{2011}"),
                "sym" => {
                    if let Some(ch) = c
                        .attr("char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .filter(|&u| !(0xF000..=0xF0FF).contains(&u))
                        .and_then(char::from_u32)
                    {
                        self.push(line, &ch.to_string());
                    }
                }
                "fldChar" => match c.attr("fldCharType") {
                    Some("begin") => self.field_code.push(true),
                    Some("separate") => {
                        if let Some(top) = self.field_code.last_mut() {
                            *top = false;
                        }
                    }
                    Some("end") => {
                        self.field_code.pop();
                    }
                    _ => {}
                },
                "drawing" | "pict" | "object" => {
                    self.picture(c);
                    *had_content = true;
                }
                "AlternateContent" => {
                    if let Some(choice) = c.child("Choice").or_else(|| c.child("Fallback")) {
                        self.picture(choice);
                    }
                    *had_content = true;
                }
                "footnoteReference" | "endnoteReference" => {
                    let id = c.attr("id").unwrap_or_default();
                    let (kind, body) = if c.name == "footnoteReference" {
                        (NoteKind::Footnote, self.footnotes.get(id))
                    } else {
                        (NoteKind::Endnote, self.endnotes.get(id))
                    };
                    if let Some(body) = body.cloned() {
                        self.pending.push(Note {
                            kind,
                            author: None,
                            anchor: String::new(),
                            body,
                        });
                    }
                }
                "commentReference" => {
                    let id = c.attr("id").unwrap_or_default().to_owned();
                    if !self.done_comments.contains(&id)
                        && !self.open_comments.contains_key(&id)
                        && let Some((author, body)) = self.comments.get(&id).cloned()
                    {
                        self.done_comments.insert(id);
                        self.pending.push(Note {
                            kind: NoteKind::Comment,
                            author,
                            anchor: String::new(),
                            body,
                        });
                    }
                }
                "ruby" => {
                    if let Some(base) = c.child("rubyBase") {
                        self.inline(base, line, had_content);
                    }
                }
                _ => {}
            }
        }
    }

    /// Counts a drawing as a picture or a text box; its text stays out.
    fn picture(&mut self, el: &Element) {
        if has_descendant(el, &["txbx", "txbxContent", "textbox"]) {
            self.page.left_out.text_boxes += 1;
        } else if has_descendant(el, &["blip", "imagedata", "pic", "graphicData"]) {
            self.page.left_out.pictures += 1;
        } else {
            *self.page.left_out.other.entry("drawn shapes").or_default() += 1;
        }
    }

    fn math(&mut self, el: &Element, line: &mut String) {
        for c in &el.children {
            if c.name == "t" {
                self.push(line, &c.text);
            } else {
                self.math(c, line);
            }
        }
    }

    fn comment_mark(&mut self, mark: &Element) {
        let id = mark.attr("id").unwrap_or_default().to_owned();
        if mark.name == "commentRangeStart" {
            self.open_comments.insert(id, self.trail.len());
        } else if let Some(start) = self.open_comments.remove(&id)
            && !self.done_comments.contains(&id)
            && let Some((author, body)) = self.comments.get(&id).cloned()
        {
            let anchor = self.trail.get(start..).unwrap_or("").trim().to_owned();
            self.done_comments.insert(id);
            self.page.notes.push(Note {
                kind: NoteKind::Comment,
                author,
                anchor,
                body,
            });
        }
    }
}

fn is_hidden(rpr: &Element) -> bool {
    rpr.children.iter().any(|c| {
        matches!(c.name.as_str(), "vanish" | "webHidden" | "specVanish")
            && !matches!(c.attr("val"), Some("0" | "false" | "off"))
    })
}

fn has_descendant(el: &Element, names: &[&str]) -> bool {
    let mut stack: Vec<&Element> = vec![el];
    while let Some(e) = stack.pop() {
        if names.contains(&e.name.as_str()) {
            return true;
        }
        stack.extend(e.children.iter());
    }
    false
}
