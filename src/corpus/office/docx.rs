//! Word's `.docx` (Office Open XML): `word/document.xml` read as the document reads with tracked
//! changes accepted; comments, footnotes and endnotes collected for the memo. The parts are read
//! as their XML streams past, without building an element tree: a transcript's body is most of
//! what an import costs beyond plain text.

use std::collections::{HashMap, HashSet};

use crate::corpus::Refusal;
use crate::corpus::container::{ContainerError, Element, Tag, XmlEvent, read_xml};

use super::{Block, LeftOut, Note, NoteKind, Page, flatten, is_heading_name, open, part, refused};

const WHAT: &str = "Word (.docx)";

/// What `styles.xml` says about a paragraph style.
#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: bool,
}

/// Which part of the file is streaming past.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Comments,
    Footnotes,
    Endnotes,
    HeaderFooter,
    Document,
}

/// What an open element is to the reader while its content streams past.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Nothing inside it matters.
    Skip,
    /// A part's root element.
    Root(Part),
    /// Paragraphs, tables and what wraps them; a document's body or a cell's content.
    Blocks,
    /// A comment, note, header or footer: its blocks become one plain text.
    Note(Part),
    Table,
    Row,
    Cell,
    Paragraph,
    /// The first `pPr` of the paragraph.
    ParagraphProps,
    /// The first `rPr` of a run (or of the paragraph's properties): is it hidden?
    RunProps {
        of_run: bool,
    },
    /// What wraps runs inside a paragraph (hyperlinks, insertions, fields, content controls).
    Inline,
    Run,
    Text,
    Math,
    MathText,
    Ruby {
        base_seen: bool,
    },
    /// A drawing, picture or object: what lies inside tells what it is.
    Picture,
    Alternate {
        choice: Option<Found>,
        fallback: Option<Found>,
    },
    Choice,
    Fallback,
    /// Inside a picture.
    Scan,
}

/// What a picture's content showed.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Found {
    text_box: bool,
    image: bool,
}

/// One effect of a run's content, kept until the run ends: a run's properties may hide it all.
enum Op {
    Text(String),
    Str(&'static str),
    Field(Field),
    Picture(Found),
    HadContent,
    Hidden,
    Deletion,
    NoteRef(NoteKind, String),
    CommentRef(String),
    CommentMark { start: bool, id: String },
}

#[derive(Clone, Copy)]
enum Field {
    Begin,
    Separate,
    End,
}

#[derive(Default)]
struct Run {
    props_seen: bool,
    hidden: bool,
    has_text: bool,
    ops: Vec<Op>,
}

#[derive(Default)]
struct Paragraph {
    line: String,
    had_content: bool,
    props_seen: bool,
    style_seen: bool,
    outline_seen: bool,
    mark_props_seen: bool,
    heading: bool,
    mark_hidden: bool,
}

/// The note being read: its id, its author, and what was left out before it.
struct OpenNote {
    id: String,
    author: Option<String>,
    left_out: LeftOut,
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
    frames: Vec<Frame>,
    /// Blocks being gathered: the body's, a cell's, a note's.
    outs: Vec<Vec<Block>>,
    tables: Vec<Vec<Vec<String>>>,
    rows: Vec<Vec<String>>,
    paragraph: Option<Paragraph>,
    runs: Vec<Run>,
    text: String,
    found: Found,
    note: Option<OpenNote>,
    body: Option<Vec<Block>>,
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
    let Some(document) = entry(&mut zip, &main)? else {
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
        frames: Vec::new(),
        outs: Vec::new(),
        tables: Vec::new(),
        rows: Vec::new(),
        paragraph: None,
        runs: Vec::new(),
        text: String::new(),
        found: Found::default(),
        note: None,
        body: None,
    };
    for (name, kind) in [
        ("comments.xml", Part::Comments),
        ("footnotes.xml", Part::Footnotes),
        ("endnotes.xml", Part::Endnotes),
    ] {
        let name = at(name);
        if let Some(bytes) = entry(&mut zip, &name)? {
            reader.stream(&bytes, &name, kind)?;
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
        if let Some(bytes) = entry(&mut zip, name)? {
            reader.stream(&bytes, name, Part::HeaderFooter)?;
        }
    }
    // the body proper; the notes above must not leave anything behind
    reader.trail.clear();
    reader.pending.clear();
    reader.stream(&document, &main, Part::Document)?;
    let blocks = reader.body.take().ok_or_else(|| {
        Refusal::Office("its word/document.xml has no body; save it again from Word".into())
    })?;
    reader.page.blocks(blocks);
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

/// One entry's bytes, `None` if the archive has no such entry.
fn entry(
    zip: &mut crate::corpus::container::Archive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, Refusal> {
    let Some(index) = zip.find(name) else {
        return Ok(None);
    };
    zip.read(index).map(Some).map_err(|e| refused(e, WHAT))
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
    /// Reads one XML part as it streams past.
    fn stream(&mut self, bytes: &[u8], name: &str, part: Part) -> Result<(), Refusal> {
        self.frames.clear();
        self.outs.clear();
        self.tables.clear();
        self.rows.clear();
        self.runs.clear();
        self.paragraph = None;
        self.note = None;
        let mut root_seen = false;
        read_xml(bytes, |event| {
            match event {
                XmlEvent::Start(tag) => {
                    let frame = if self.frames.is_empty() {
                        if root_seen {
                            Frame::Skip
                        } else {
                            root_seen = true;
                            self.root(&tag, part)?
                        }
                    } else {
                        self.child(&tag)?
                    };
                    self.frames.push(frame);
                }
                XmlEvent::End => {
                    if let Some(frame) = self.frames.pop() {
                        self.end(frame);
                    }
                }
                XmlEvent::Text(text) => {
                    if matches!(self.frames.last(), Some(Frame::Text | Frame::MathText)) {
                        self.text.push_str(text);
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| match e {
            ContainerError::Broken(reason) => {
                refused(ContainerError::Broken(format!("{name}: {reason}")), WHAT)
            }
            e => refused(e, WHAT),
        })
    }

    fn root(&mut self, tag: &Tag<'_>, part: Part) -> Result<Frame, ContainerError> {
        Ok(match part {
            Part::HeaderFooter => self.open_note(tag, part)?,
            _ => Frame::Root(part),
        })
    }

    fn open_note(&mut self, tag: &Tag<'_>, part: Part) -> Result<Frame, ContainerError> {
        let (id, author) = match part {
            Part::HeaderFooter => (String::new(), None),
            _ => (
                tag.attr("id")?.unwrap_or_default(),
                tag.attr("author")?
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
            ),
        };
        self.note = Some(OpenNote {
            id,
            author,
            left_out: std::mem::take(&mut self.page.left_out),
        });
        self.outs.push(Vec::new());
        Ok(Frame::Note(part))
    }

    /// What a child element is, given what its parent is.
    fn child(&mut self, tag: &Tag<'_>) -> Result<Frame, ContainerError> {
        let Some(&parent) = self.frames.last() else {
            return Ok(Frame::Skip);
        };
        let name = tag.name();
        Ok(match parent {
            Frame::Skip | Frame::Text | Frame::MathText | Frame::RunProps { .. } => {
                if let Frame::RunProps { of_run } = parent
                    && matches!(name, "vanish" | "webHidden" | "specVanish")
                    && !matches!(tag.attr("val")?.as_deref(), Some("0" | "false" | "off"))
                {
                    if of_run {
                        if let Some(run) = self.runs.last_mut() {
                            run.hidden = true;
                        }
                    } else if let Some(p) = self.paragraph.as_mut() {
                        p.mark_hidden = true;
                    }
                }
                Frame::Skip
            }
            Frame::Root(part) => match (part, name) {
                (Part::Document, "body") if self.body.is_none() && self.outs.is_empty() => {
                    self.outs.push(Vec::new());
                    Frame::Blocks
                }
                (Part::Comments, "comment") => self.open_note(tag, part)?,
                (Part::Footnotes, "footnote") | (Part::Endnotes, "endnote") => {
                    if tag.attr("type")?.is_some_and(|t| t != "normal") {
                        Frame::Skip
                    } else {
                        self.open_note(tag, part)?
                    }
                }
                _ => Frame::Skip,
            },
            Frame::Blocks | Frame::Note(_) | Frame::Cell => self.block(tag, name)?,
            Frame::Table => {
                if name == "tr" {
                    self.rows.push(Vec::new());
                    Frame::Row
                } else {
                    Frame::Skip
                }
            }
            Frame::Row => {
                if name == "tc" {
                    self.outs.push(Vec::new());
                    Frame::Cell
                } else {
                    Frame::Skip
                }
            }
            Frame::Paragraph
                if name == "pPr" && self.paragraph.as_ref().is_some_and(|p| !p.props_seen) =>
            {
                if let Some(p) = self.paragraph.as_mut() {
                    p.props_seen = true;
                }
                Frame::ParagraphProps
            }
            Frame::Paragraph | Frame::Inline => self.inline(tag, name)?,
            Frame::ParagraphProps => {
                let Some(p) = self.paragraph.as_mut() else {
                    return Ok(Frame::Skip);
                };
                match name {
                    "pStyle" if !p.style_seen => {
                        p.style_seen = true;
                        if let Some(id) = tag.attr("val")? {
                            let heading = self.is_heading_style(&id);
                            if let Some(p) = self.paragraph.as_mut() {
                                p.heading |= heading;
                            }
                        }
                        Frame::Skip
                    }
                    "outlineLvl" if !p.outline_seen => {
                        p.outline_seen = true;
                        p.heading |= is_outline(tag)?;
                        Frame::Skip
                    }
                    "rPr" if !p.mark_props_seen => {
                        p.mark_props_seen = true;
                        Frame::RunProps { of_run: false }
                    }
                    _ => Frame::Skip,
                }
            }
            Frame::Run => self.run_child(tag, name)?,
            Frame::Math => {
                if name == "t" {
                    self.text.clear();
                    Frame::MathText
                } else {
                    Frame::Math
                }
            }
            Frame::Ruby { base_seen } => {
                if name == "rubyBase" && !base_seen {
                    if let Some(Frame::Ruby { base_seen }) = self.frames.last_mut() {
                        *base_seen = true;
                    }
                    Frame::Inline
                } else {
                    Frame::Skip
                }
            }
            Frame::Alternate { choice, fallback } => match name {
                "Choice" if choice.is_none() => self.picture(name, Frame::Choice),
                "Fallback" if fallback.is_none() => self.picture(name, Frame::Fallback),
                _ => Frame::Skip,
            },
            Frame::Picture | Frame::Choice | Frame::Fallback | Frame::Scan => {
                self.mark(name);
                Frame::Scan
            }
        })
    }

    /// A child of the body, a cell or a note.
    fn block(&mut self, tag: &Tag<'_>, name: &str) -> Result<Frame, ContainerError> {
        Ok(match name {
            "p" => {
                self.paragraph = Some(Paragraph::default());
                Frame::Paragraph
            }
            "tbl" => {
                self.tables.push(Vec::new());
                Frame::Table
            }
            "del" | "moveFrom" => {
                self.page.left_out.deletions += 1;
                Frame::Skip
            }
            "sectPr" | "tblPr" | "tblGrid" | "bookmarkStart" | "bookmarkEnd" | "sdtPr"
            | "sdtEndPr" | "proofErr" | "permStart" | "permEnd" => Frame::Skip,
            "commentRangeStart" | "commentRangeEnd" => {
                let id = tag.attr("id")?.unwrap_or_default();
                self.comment_mark(name == "commentRangeStart", id);
                Frame::Skip
            }
            "altChunk" => {
                *self
                    .page
                    .left_out
                    .other
                    .entry("embedded documents")
                    .or_default() += 1;
                Frame::Skip
            }
            _ => Frame::Blocks,
        })
    }

    /// A child of a paragraph or of what wraps runs inside it.
    fn inline(&mut self, tag: &Tag<'_>, name: &str) -> Result<Frame, ContainerError> {
        Ok(match name {
            "r" => {
                self.runs.push(Run::default());
                Frame::Run
            }
            "pPr"
            | "rPr"
            | "bookmarkStart"
            | "bookmarkEnd"
            | "proofErr"
            | "sdtPr"
            | "sdtEndPr"
            | "permStart"
            | "permEnd"
            | "lastRenderedPageBreak" => Frame::Skip,
            "del" | "moveFrom" => {
                self.emit(Op::Deletion);
                self.emit(Op::HadContent);
                Frame::Skip
            }
            "commentRangeStart" | "commentRangeEnd" => {
                let id = tag.attr("id")?.unwrap_or_default();
                self.emit(Op::CommentMark {
                    start: name == "commentRangeStart",
                    id,
                });
                Frame::Skip
            }
            "oMath" | "oMathPara" => Frame::Math,
            "AlternateContent" => Frame::Alternate {
                choice: None,
                fallback: None,
            },
            "drawing" | "pict" | "object" => self.picture(name, Frame::Picture),
            _ => Frame::Inline,
        })
    }

    /// A child of a run.
    fn run_child(&mut self, tag: &Tag<'_>, name: &str) -> Result<Frame, ContainerError> {
        let Some(run) = self.runs.last_mut() else {
            return Ok(Frame::Skip);
        };
        let op = match name {
            "rPr" if !run.props_seen => {
                run.props_seen = true;
                return Ok(Frame::RunProps { of_run: true });
            }
            "t" => {
                self.text.clear();
                return Ok(Frame::Text);
            }
            "tab" | "ptab" => Op::Str("\t"),
            "br" | "cr" => Op::Str("\n"),
            "noBreakHyphen" => Op::Str("\u{2011}"),
            "sym" => match tag
                .attr("char")?
                .and_then(|h| u32::from_str_radix(&h, 16).ok())
                .filter(|&u| !(0xF000..=0xF0FF).contains(&u))
                .and_then(char::from_u32)
            {
                Some(ch) => Op::Text(ch.to_string()),
                None => return Ok(Frame::Skip),
            },
            "fldChar" => match tag.attr("fldCharType")?.as_deref() {
                Some("begin") => Op::Field(Field::Begin),
                Some("separate") => Op::Field(Field::Separate),
                Some("end") => Op::Field(Field::End),
                _ => return Ok(Frame::Skip),
            },
            "drawing" | "pict" | "object" => return Ok(self.picture(name, Frame::Picture)),
            "AlternateContent" => {
                return Ok(Frame::Alternate {
                    choice: None,
                    fallback: None,
                });
            }
            "footnoteReference" => {
                Op::NoteRef(NoteKind::Footnote, tag.attr("id")?.unwrap_or_default())
            }
            "endnoteReference" => {
                Op::NoteRef(NoteKind::Endnote, tag.attr("id")?.unwrap_or_default())
            }
            "commentReference" => Op::CommentRef(tag.attr("id")?.unwrap_or_default()),
            "ruby" => return Ok(Frame::Ruby { base_seen: false }),
            _ => return Ok(Frame::Skip),
        };
        run.ops.push(op);
        Ok(Frame::Skip)
    }

    /// Starts looking into a picture.
    fn picture(&mut self, name: &str, frame: Frame) -> Frame {
        self.found = Found::default();
        self.mark(name);
        frame
    }

    /// Notes what an element inside a picture tells of it.
    fn mark(&mut self, name: &str) {
        match name {
            "txbx" | "txbxContent" | "textbox" => self.found.text_box = true,
            "blip" | "imagedata" | "pic" | "graphicData" => self.found.image = true,
            _ => {}
        }
    }

    fn end(&mut self, frame: Frame) {
        match frame {
            Frame::Skip
            | Frame::Root(_)
            | Frame::Inline
            | Frame::Math
            | Frame::Ruby { .. }
            | Frame::Scan
            | Frame::ParagraphProps
            | Frame::RunProps { .. } => {}
            Frame::Blocks => {
                if self.frames.last() == Some(&Frame::Root(Part::Document)) {
                    self.body = self.outs.pop();
                }
            }
            Frame::Note(part) => self.close_note(part),
            Frame::Table => {
                let rows = self.tables.pop().unwrap_or_default();
                if !rows.is_empty()
                    && let Some(out) = self.outs.last_mut()
                {
                    out.push(Block::Table(rows));
                }
            }
            Frame::Row => {
                let row = self.rows.pop().unwrap_or_default();
                if !row.is_empty()
                    && let Some(rows) = self.tables.last_mut()
                {
                    rows.push(row);
                }
            }
            Frame::Cell => {
                let blocks = self.outs.pop().unwrap_or_default();
                if let Some(row) = self.rows.last_mut() {
                    row.push(flatten(blocks));
                }
            }
            Frame::Paragraph => self.close_paragraph(),
            Frame::Run => {
                let Some(run) = self.runs.pop() else {
                    return;
                };
                if run.hidden {
                    if run.has_text {
                        self.emit(Op::Hidden);
                    }
                    self.emit(Op::HadContent);
                } else {
                    for op in run.ops {
                        self.emit(op);
                    }
                }
            }
            Frame::Text => {
                let text = std::mem::take(&mut self.text);
                if let Some(run) = self.runs.last_mut()
                    && !text.is_empty()
                {
                    run.has_text = true;
                    let text = if text.contains('\u{AD}') {
                        text.chars().filter(|&ch| ch != '\u{AD}').collect()
                    } else {
                        text
                    };
                    run.ops.push(Op::Text(text));
                }
            }
            Frame::MathText => {
                let text = std::mem::take(&mut self.text);
                if !text.is_empty() {
                    self.emit(Op::Text(text));
                }
            }
            Frame::Picture => {
                self.emit(Op::Picture(self.found));
                self.emit(Op::HadContent);
            }
            Frame::Choice | Frame::Fallback => {
                let found = self.found;
                if let Some(Frame::Alternate { choice, fallback }) = self.frames.last_mut() {
                    if frame == Frame::Choice {
                        *choice = Some(found);
                    } else {
                        *fallback = Some(found);
                    }
                }
            }
            Frame::Alternate { choice, fallback } => {
                if let Some(found) = choice.or(fallback) {
                    self.emit(Op::Picture(found));
                }
                self.emit(Op::HadContent);
            }
        }
    }

    fn close_note(&mut self, part: Part) {
        let blocks = self.outs.pop().unwrap_or_default();
        let Some(note) = self.note.take() else {
            return;
        };
        self.page.left_out = note.left_out;
        self.pending.clear();
        let body = flatten(blocks);
        match part {
            Part::Comments => {
                self.comments.insert(note.id, (note.author, body));
            }
            Part::Footnotes => {
                self.footnotes.insert(note.id, body);
            }
            Part::Endnotes => {
                self.endnotes.insert(note.id, body);
            }
            Part::HeaderFooter => {
                if !body.trim().is_empty() {
                    self.page.left_out.headers_footers += 1;
                }
            }
            Part::Document => {}
        }
    }

    fn close_paragraph(&mut self) {
        let Some(p) = self.paragraph.take() else {
            return;
        };
        self.trail.push('\n');
        for mut note in std::mem::take(&mut self.pending) {
            note.anchor = p.line.trim().to_owned();
            self.page.notes.push(note);
        }
        if p.line.is_empty() && (p.mark_hidden || p.had_content) {
            return;
        }
        if let Some(out) = self.outs.last_mut() {
            out.push(Block::Line {
                text: p.line,
                heading: p.heading,
            });
        }
    }

    /// Passes an effect to the run it belongs to, or carries it out.
    fn emit(&mut self, op: Op) {
        if let Some(run) = self.runs.last_mut() {
            run.ops.push(op);
        } else {
            self.apply(op);
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Text(s) => self.push(&s),
            Op::Str(s) => self.push(s),
            Op::Field(Field::Begin) => self.field_code.push(true),
            Op::Field(Field::Separate) => {
                if let Some(top) = self.field_code.last_mut() {
                    *top = false;
                }
            }
            Op::Field(Field::End) => {
                self.field_code.pop();
            }
            Op::Picture(found) => {
                if found.text_box {
                    self.page.left_out.text_boxes += 1;
                } else if found.image {
                    self.page.left_out.pictures += 1;
                } else {
                    *self.page.left_out.other.entry("drawn shapes").or_default() += 1;
                }
            }
            Op::HadContent => {
                if let Some(p) = self.paragraph.as_mut() {
                    p.had_content = true;
                }
            }
            Op::Hidden => self.page.left_out.hidden += 1,
            Op::Deletion => self.page.left_out.deletions += 1,
            Op::NoteRef(kind, id) => {
                let body = match kind {
                    NoteKind::Endnote => self.endnotes.get(&id),
                    _ => self.footnotes.get(&id),
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
            Op::CommentRef(id) => {
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
            Op::CommentMark { start, id } => self.comment_mark(start, id),
        }
    }

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

    fn push(&mut self, s: &str) {
        if self.field_code.last().copied().unwrap_or(false) {
            return;
        }
        if let Some(p) = self.paragraph.as_mut() {
            p.line.push_str(s);
        }
        self.trail.push_str(s);
    }

    fn comment_mark(&mut self, start: bool, id: String) {
        if start {
            self.open_comments.insert(id, self.trail.len());
        } else if let Some(from) = self.open_comments.remove(&id)
            && !self.done_comments.contains(&id)
            && let Some((author, body)) = self.comments.get(&id).cloned()
        {
            let anchor = self.trail.get(from..).unwrap_or("").trim().to_owned();
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

/// Whether an `outlineLvl` makes a heading (levels 0–8; 9 is body text).
fn is_outline(tag: &Tag<'_>) -> Result<bool, ContainerError> {
    Ok(tag
        .attr("val")?
        .and_then(|v| v.parse::<u8>().ok())
        .is_some_and(|l| l < 9))
}
