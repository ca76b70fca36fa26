//! Rich Text Format (`.rtf`), as Word, LibreOffice and f4transkript write it: `\uN` with its
//! fallback skipped (`\ucN`), `\'xx` in the document's code page (`\ansicpg`), groups that are not
//! text (font and colour tables, style sheet, `\*` destinations, headers, footers, pictures, field
//! instructions) skipped, footnotes and annotations (comments) collected for the memo.
//!
//! Written here rather than taken from a crate: what readers of RTF get wrong on real files, by their
//! issue trackers, is the code page of `\'xx` (the document's `\ansicpg`, and a font's
//! `\fcharset` over it) and the fallback after `\uN`; both are a few lines here, and a crate would
//! bring a parser for formatting Kodierwerk does not keep.

use std::collections::HashMap;

use encoding_rs::{Encoding, WINDOWS_1252};

use crate::corpus::Refusal;

use super::{Note, NoteKind, Page, is_heading_name};

/// Groups nested deeper than this are refused (a valid document needs a few dozen).
const MAX_DEPTH: usize = 2_000;

/// Where the text of the current group goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sink {
    Text,
    Skip,
    /// The body of a footnote or annotation, collected apart.
    Note,
    /// The name of an annotation's author.
    Author,
    /// A style sheet entry's name.
    Style,
}

#[derive(Clone, Copy, Debug)]
struct State {
    sink: Sink,
    /// How many fallback characters follow a `\uN`.
    uc: usize,
    hidden: bool,
    deleted: bool,
    /// The encoding of `\'xx` and plain bytes in this group (the document's, or a font's).
    encoding: &'static Encoding,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    states: Vec<State>,
    /// Bytes in the code page waiting to be decoded.
    raw: Vec<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// Fallback characters still to skip after a `\uN`.
    skip: usize,
    paragraph: String,
    heading: bool,
    in_table: bool,
    cell: Vec<String>,
    row: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The cell borders (`\cellx`) of the row being read and of the table's rows so far.
    row_def: Vec<i64>,
    table_def: Vec<i64>,
    /// Everything written so far in document order, for the text an annotation spans.
    trail: String,
    note: String,
    note_kind: NoteKind,
    note_depth: usize,
    author: String,
    /// Where open annotation ranges (`\atrfstart`) began in `trail`, by id.
    ranges: HashMap<String, usize>,
    /// Annotation ranges that ended and wait for their annotation, which follows them.
    closed: Vec<(usize, usize)>,
    /// Notes whose anchor is the paragraph being read.
    pending: Vec<Note>,
    hidden_seen: bool,
    deleted_seen: bool,
    page: Page,
    fonts: HashMap<i64, &'static Encoding>,
    font_table_depth: Option<usize>,
    /// The style sheet's group depth while it is read, and the entry being read: its number,
    /// whether it has an outline level, its name.
    stylesheet: Option<usize>,
    style: (Option<i64>, bool, String),
    heading_styles: std::collections::HashSet<i64>,
    /// A shape being skipped: its group's depth, and whether it holds text (a text box).
    shape: Option<(usize, bool)>,
    current_font: Option<i64>,
    ansi: &'static Encoding,
}

/// Reads an `.rtf` file's text, notes and what was left out.
pub fn read(bytes: &[u8]) -> Result<Page, Refusal> {
    let mut r = Reader {
        bytes,
        pos: 0,
        states: vec![State {
            sink: Sink::Text,
            uc: 1,
            hidden: false,
            deleted: false,
            encoding: WINDOWS_1252,
        }],
        raw: Vec::new(),
        high: None,
        skip: 0,
        paragraph: String::new(),
        heading: false,
        in_table: false,
        cell: Vec::new(),
        row: Vec::new(),
        rows: Vec::new(),
        row_def: Vec::new(),
        table_def: Vec::new(),
        trail: String::new(),
        note: String::new(),
        note_kind: NoteKind::Footnote,
        note_depth: 0,
        author: String::new(),
        ranges: HashMap::new(),
        closed: Vec::new(),
        pending: Vec::new(),
        hidden_seen: false,
        deleted_seen: false,
        page: Page::default(),
        fonts: HashMap::new(),
        font_table_depth: None,
        shape: None,
        stylesheet: None,
        style: (None, false, String::new()),
        heading_styles: std::collections::HashSet::new(),
        current_font: None,
        ansi: WINDOWS_1252,
    };
    r.run()?;
    r.end_paragraph(false);
    r.flush_table();
    let pending = std::mem::take(&mut r.pending);
    r.page.notes.extend(pending);
    Ok(r.page)
}

impl Reader<'_> {
    fn state(&mut self) -> &mut State {
        self.states
            .last_mut()
            .expect("the document's own state stays")
    }

    /// Where the text of the group around the current one goes (the current one may have just
    /// been marked `\*`).
    fn enclosing(&self) -> Sink {
        let n = self.states.len();
        self.states[n.saturating_sub(2)].sink
    }

    fn run(&mut self) -> Result<(), Refusal> {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            self.pos += 1;
            match b {
                b'{' => {
                    self.flush_raw();
                    if self.states.len() >= MAX_DEPTH {
                        return Err(Refusal::Office(format!(
                            "its RTF nests groups more than {MAX_DEPTH} levels deep, which no word processor writes; save it again from the word processor"
                        )));
                    }
                    let top = *self.state();
                    self.states.push(top);
                    self.skip = 0;
                }
                b'}' => {
                    self.flush_raw();
                    self.skip = 0;
                    self.close_group();
                }
                b'\\' => self.control()?,
                b'\r' | b'\n' => {}
                _ => {
                    if self.skip > 0 {
                        self.skip -= 1;
                    } else {
                        self.raw.push(b);
                    }
                }
            }
        }
        self.flush_raw();
        Ok(())
    }

    fn close_group(&mut self) {
        let closing = self.states.len();
        if self.states.len() > 1 {
            self.states.pop();
        }
        if let Some((depth, text)) = self.shape
            && depth == closing
        {
            self.shape = None;
            if text {
                self.page.left_out.text_boxes += 1;
            } else {
                self.page.left_out.pictures += 1;
            }
        }
        if let Some(depth) = self.stylesheet {
            if closing == depth + 1 {
                let (number, outline, name) = std::mem::take(&mut self.style);
                if let Some(n) = number
                    && (outline || is_heading_name(&name))
                {
                    self.heading_styles.insert(n);
                }
            } else if closing == depth {
                self.stylesheet = None;
            }
        }
        if self.font_table_depth == Some(closing) {
            self.font_table_depth = None;
        }
        if self.note_depth == closing {
            self.note_depth = 0;
            let body = std::mem::take(&mut self.note).trim().to_owned();
            let author = std::mem::take(&mut self.author).trim().to_owned();
            let mut note = Note {
                kind: self.note_kind,
                author: (!author.is_empty()).then_some(author),
                anchor: String::new(),
                body,
            };
            match self.closed.pop() {
                Some((start, end)) if note.kind == NoteKind::Comment => {
                    note.anchor = self.trail.get(start..end).unwrap_or("").trim().to_owned();
                    self.page.notes.push(note);
                }
                _ => self.pending.push(note),
            }
        }
    }

    fn control(&mut self) -> Result<(), Refusal> {
        let Some(&first) = self.bytes.get(self.pos) else {
            return Ok(());
        };
        if !first.is_ascii_alphabetic() {
            self.pos += 1;
            return self.symbol(first);
        }
        let start = self.pos;
        while self.pos < self.bytes.len()
            && self.bytes[self.pos].is_ascii_alphabetic()
            && self.pos - start < 32
        {
            self.pos += 1;
        }
        let word = std::str::from_utf8(&self.bytes[start..self.pos])
            .unwrap_or("")
            .to_owned();
        let num_start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.pos < self.bytes.len()
            && self.bytes[self.pos].is_ascii_digit()
            && self.pos - num_start < 11
        {
            self.pos += 1;
        }
        let param = std::str::from_utf8(&self.bytes[num_start..self.pos])
            .ok()
            .and_then(|s| s.parse::<i64>().ok());
        if self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if word == "bin" {
            let n = param.unwrap_or(0).max(0) as usize;
            self.pos = self.pos.saturating_add(n).min(self.bytes.len());
            return Ok(());
        }
        if self.skip > 0 && word != "u" {
            self.skip -= 1;
            return Ok(());
        }
        self.word(&word, param);
        Ok(())
    }

    fn symbol(&mut self, c: u8) -> Result<(), Refusal> {
        match c {
            b'\'' => {
                let hex = self.bytes.get(self.pos..self.pos + 2).unwrap_or(b"");
                let value = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                self.pos = (self.pos + 2).min(self.bytes.len());
                if self.skip > 0 {
                    self.skip -= 1;
                } else if let Some(v) = value {
                    self.raw.push(v);
                }
            }
            b'*' => self.state().sink = Sink::Skip,
            b'\r' | b'\n' => self.word("par", None),
            _ if self.skip > 0 => self.skip -= 1,
            b'\\' | b'{' | b'}' => self.raw.push(c),
            b'~' => self.text("\u{a0}"),
            b'_' => self.text("\u{2011}"),
            b'-' => {}
            b'\t' => self.text("\t"),
            _ => {}
        }
        Ok(())
    }

    fn word(&mut self, word: &str, param: Option<i64>) {
        self.flush_raw();
        let on = param != Some(0);
        match word {
            "u" => {
                let v = param.unwrap_or(0);
                let unit = if v < 0 { v + 65_536 } else { v } as u32;
                self.unicode(unit);
                self.skip = self.state().uc;
            }
            "uc" => self.state().uc = param.unwrap_or(1).clamp(0, 16) as usize,
            "ansicpg" => {
                if let Some(e) = param.and_then(code_page) {
                    self.ansi = e;
                    self.states[0].encoding = e;
                    self.state().encoding = e;
                }
            }
            "mac" => {
                self.ansi = encoding_rs::MACINTOSH;
                self.state().encoding = encoding_rs::MACINTOSH;
            }
            "fonttbl" => {
                self.state().sink = Sink::Skip;
                self.font_table_depth = Some(self.states.len());
            }
            "f" => {
                if self.font_table_depth.is_some() {
                    self.current_font = param;
                } else if let Some(p) = param {
                    let e = self.fonts.get(&p).copied().unwrap_or(self.ansi);
                    self.state().encoding = e;
                }
            }
            "fcharset" if self.font_table_depth.is_some() => {
                if let (Some(font), Some(e)) = (self.current_font, param.and_then(charset)) {
                    self.fonts.insert(font, e);
                }
            }
            "stylesheet" => {
                self.stylesheet = Some(self.states.len());
                self.state().sink = Sink::Skip;
            }
            "s" if self.stylesheet.is_some() => {
                self.style.0 = param;
                self.state().sink = Sink::Style;
            }
            "outlinelevel" if self.stylesheet.is_some() => {
                self.style.1 = param.is_some_and(|l| (0..9).contains(&l));
            }
            "s" if self.state().sink == Sink::Text => {
                self.heading = param.is_some_and(|n| self.heading_styles.contains(&n));
            }
            "colortbl" | "info" | "header" | "headerl" | "headerr" | "headerf" | "footer"
            | "footerl" | "footerr" | "footerf" | "pict" | "object" | "fldinst" | "listtext"
            | "pntext" | "pntxta" | "pntxtb" | "listtable" | "listoverridetable" | "revtbl"
            | "rsidtbl" | "xmlnstbl" | "themedata" | "colorschememapping" | "latentstyles"
            | "datastore" | "generator" | "pgdsctbl" | "tc" | "xe" | "bkmkstart" | "bkmkend"
            | "atnid" | "atndate" | "atnref" | "nonshppict" | "filetbl" | "mmathPr" | "defchp"
            | "defpap" => {
                if matches!(
                    word,
                    "header"
                        | "headerl"
                        | "headerr"
                        | "headerf"
                        | "footer"
                        | "footerl"
                        | "footerr"
                        | "footerf"
                ) && self.state().sink == Sink::Text
                {
                    self.page.left_out.headers_footers += 1;
                }
                if word == "pict" && self.state().sink == Sink::Text {
                    self.page.left_out.pictures += 1;
                }
                self.state().sink = Sink::Skip;
            }
            "shppict" => {
                if self.enclosing() == Sink::Text {
                    self.page.left_out.pictures += 1;
                }
                self.state().sink = Sink::Skip;
            }
            "shp" => {
                if self.state().sink == Sink::Text && self.shape.is_none() {
                    self.shape = Some((self.states.len(), false));
                }
                self.state().sink = Sink::Skip;
            }
            "shptxt" => {
                if let Some((_, text)) = &mut self.shape {
                    *text = true;
                }
                self.state().sink = Sink::Skip;
            }
            "footnote" | "annotation" => {
                if self.note_depth == 0 {
                    self.note_depth = self.states.len();
                    self.note_kind = if word == "annotation" {
                        NoteKind::Comment
                    } else {
                        NoteKind::Footnote
                    };
                    self.note.clear();
                    self.state().sink = Sink::Note;
                } else {
                    self.state().sink = Sink::Skip;
                }
            }
            "ftnalt" if self.note_depth > 0 => self.note_kind = NoteKind::Endnote,
            "atnauthor" => {
                self.author.clear();
                self.state().sink = Sink::Author;
            }
            "atrfstart" | "atrfend" => {
                // the id is the group's text; read it here
                let end = self.bytes[self.pos..]
                    .iter()
                    .position(|&b| b == b'}')
                    .map_or(self.bytes.len(), |p| self.pos + p);
                let id = String::from_utf8_lossy(&self.bytes[self.pos..end])
                    .trim()
                    .to_owned();
                self.pos = end;
                if word == "atrfstart" {
                    self.ranges.insert(id, self.trail.len());
                } else if let Some(start) = self.ranges.remove(&id) {
                    self.closed.push((start, self.trail.len()));
                }
                self.state().sink = Sink::Skip;
            }
            "par" | "sect" | "page" if self.state().sink == Sink::Text => {
                self.end_paragraph(true);
            }
            "par" if self.state().sink == Sink::Note => self.note.push('\n'),
            "line" => self.text("\n"),
            "tab" => self.text("\t"),
            "emdash" => self.text("—"),
            "endash" => self.text("–"),
            "lquote" => self.text("‘"),
            "rquote" => self.text("’"),
            "ldblquote" => self.text("“"),
            "rdblquote" => self.text("”"),
            "bullet" => self.text("•"),
            "emspace" => self.text("\u{2003}"),
            "enspace" => self.text("\u{2002}"),
            "qmspace" => self.text("\u{2005}"),
            "zwj" => self.text("\u{200d}"),
            "zwnj" => self.text("\u{200c}"),
            "pard" if self.state().sink == Sink::Text => {
                self.in_table = false;
                self.heading = false;
            }
            "intbl" if self.state().sink == Sink::Text => self.in_table = true,
            "outlinelevel" if self.state().sink == Sink::Text => {
                self.heading = param.is_some_and(|l| (0..9).contains(&l))
            }
            "cell" | "nestcell" if self.state().sink == Sink::Text => {
                self.end_paragraph(true);
                let cell = std::mem::take(&mut self.cell).join("\n");
                self.row.push(cell);
            }
            "trowd" => self.row_def.clear(),
            "cellx" => self.row_def.push(param.unwrap_or(0)),
            "row" | "nestrow" if self.state().sink == Sink::Text => {
                let row = std::mem::take(&mut self.row);
                if !row.is_empty() {
                    // a row laid out with other columns starts another table
                    if !self.rows.is_empty() && self.row_def != self.table_def {
                        let rows = std::mem::take(&mut self.rows);
                        self.page.table(rows);
                    }
                    self.table_def = self.row_def.clone();
                    self.rows.push(row);
                }
            }
            "plain" => {
                let s = self.state();
                s.hidden = false;
                s.deleted = false;
            }
            "v" => self.state().hidden = on,
            "deleted" => self.state().deleted = on,
            _ => {}
        }
    }

    fn unicode(&mut self, unit: u32) {
        if (0xD800..0xDC00).contains(&unit) {
            self.high = Some(unit as u16);
            return;
        }
        let c = if (0xDC00..0xE000).contains(&unit) {
            match self.high.take() {
                Some(high) => char::decode_utf16([high, unit as u16])
                    .next()
                    .and_then(|r| r.ok()),
                None => None,
            }
        } else {
            self.high = None;
            char::from_u32(unit)
        };
        // characters of symbol fonts (Wingdings bullets and the like) are not text
        if let Some(c) = c.filter(|c| !('\u{F000}'..='\u{F0FF}').contains(c)) {
            self.text(&c.to_string());
        }
    }

    fn flush_raw(&mut self) {
        if self.raw.is_empty() {
            return;
        }
        let raw = std::mem::take(&mut self.raw);
        let encoding = self.state().encoding;
        let (text, _, _) = encoding.decode(&raw);
        let text = text.into_owned();
        self.text(&text);
    }

    fn text(&mut self, s: &str) {
        if !self.raw.is_empty() {
            self.flush_raw();
        }
        let state = *self.state();
        match state.sink {
            Sink::Skip => {}
            Sink::Author => self.author.push_str(s),
            Sink::Style => self.style.2.push_str(s),
            Sink::Note => {
                if !state.hidden && !state.deleted {
                    self.note.push_str(s);
                }
            }
            Sink::Text => {
                if state.deleted {
                    self.deleted_seen = true;
                } else if state.hidden {
                    self.hidden_seen = true;
                } else {
                    let s: String = s.chars().filter(|&c| c != '\u{AD}').collect();
                    self.paragraph.push_str(&s);
                    self.trail.push_str(&s);
                }
            }
        }
    }

    fn end_paragraph(&mut self, explicit: bool) {
        self.flush_raw();
        let line = std::mem::take(&mut self.paragraph);
        self.trail.push('\n');
        if self.hidden_seen {
            self.page.left_out.hidden += 1;
            self.hidden_seen = false;
        }
        if self.deleted_seen {
            self.page.left_out.deletions += 1;
            self.deleted_seen = false;
        }
        let anchor = line.trim().to_owned();
        let waiting = std::mem::take(&mut self.pending);
        for mut note in waiting {
            note.anchor = anchor.clone();
            self.page.notes.push(note);
        }
        if self.in_table {
            self.cell.push(line);
            return;
        }
        self.flush_table();
        if !explicit && line.is_empty() {
            return;
        }
        if self.heading {
            self.page.break_here();
            self.page.line(&line);
            self.page.break_here();
        } else {
            self.page.line(&line);
        }
    }

    fn flush_table(&mut self) {
        if !self.cell.is_empty() {
            let cell = std::mem::take(&mut self.cell).join("\n");
            self.row.push(cell);
        }
        if !self.row.is_empty() {
            let row = std::mem::take(&mut self.row);
            self.rows.push(row);
        }
        if !self.rows.is_empty() {
            let rows = std::mem::take(&mut self.rows);
            self.page.table(rows);
        }
    }
}

/// The encoding of a Windows code page number (`\ansicpg1252`).
fn code_page(n: i64) -> Option<&'static Encoding> {
    match n {
        65001 => Some(encoding_rs::UTF_8),
        437 | 850 => Some(WINDOWS_1252),
        10000 => Some(encoding_rs::MACINTOSH),
        _ => Encoding::for_label(format!("windows-{n}").as_bytes())
            .or_else(|| Encoding::for_label(format!("cp{n}").as_bytes())),
    }
}

/// The encoding of a font's character set (`\fcharset204` is Cyrillic); symbol fonts have none.
fn charset(n: i64) -> Option<&'static Encoding> {
    let page = match n {
        0 => 1252,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    code_page(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        read(rtf.as_bytes()).unwrap().text().to_owned()
    }

    #[test]
    fn unicode_escapes_skip_their_fallback() {
        assert_eq!(
            text(r"{\rtf1\ansi\ansicpg1252\uc1 Gr\u246\'f6\u223 ?e {\uc2 \u8222\'84\'84x}\par}"),
            "Größe „x"
        );
        // a surrogate pair for an emoji, each half with its fallback
        assert_eq!(text(r"{\rtf1 ok \u-10179?\u-9139?\par}"), "ok 👍");
    }

    #[test]
    fn code_pages_and_skipped_groups() {
        let rtf = r"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0\fcharset204 Arial;}}{\colortbl;\red0\green0\blue0;}{\*\generator x;}{\header Kopf\par}\f0 \'cf\'f0\'e8\'e2\'e5\'f2\tab B\line C\par{\*\foo bar}D\'e4\par}";
        assert_eq!(text(rtf), "Привет\tB\nC\nDд");
    }

    #[test]
    fn a_fonts_character_set_wins_over_the_documents_code_page() {
        let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fcharset0 Arial;}{\f1\fcharset204 Arial Cyr;}}\f0 B\'e4r {\f1 \'cf\'f0\'e8}\par}";
        assert_eq!(text(rtf), "Bär При");
    }

    #[test]
    fn hidden_and_deleted_text_stay_out() {
        let page = read(br"{\rtf1 I: Ja{\v  versteckt}{\deleted  weg}.\par}").unwrap();
        assert_eq!(page.text(), "I: Ja.");
        assert_eq!(page.left_out.hidden, 1);
        assert_eq!(page.left_out.deletions, 1);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let rtf = format!("{{\\rtf1 {}", "{".repeat(MAX_DEPTH + 5));
        assert!(read(rtf.as_bytes()).is_err());
    }
}
