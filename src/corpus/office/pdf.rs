//! PDF (`.pdf`): the text layer, page by page. Lines are found by where their glyphs stand, joined
//! back into paragraphs where a line was only wrapped, words hyphenated at a line's end joined, and
//! lines repeated at the top or bottom of most pages (headers, footers, page numbers) left out. A PDF
//! without a text layer (a scan) is refused.
//!
//! lopdf parses the file (objects, streams, fonts' encodings); reading positions from the content
//! streams is done here, as lopdf's own text extraction keeps no positions.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object};

use crate::corpus::Refusal;
use crate::corpus::turns;

use super::{Note, NoteKind, Page};

/// What a page's content stream may unpack to.
const MAX_PAGE_CONTENT: usize = 64 * 1024 * 1024;

type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn translate(x: f32, y: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

/// A piece of text shown at one place.
#[derive(Debug)]
struct Fragment {
    x: f32,
    y: f32,
    end: f32,
    size: f32,
    text: String,
}

/// A line of a page.
#[derive(Debug, Clone)]
struct Line {
    y: f32,
    x0: f32,
    x1: f32,
    size: f32,
    text: String,
}

struct Font<'a> {
    encoding: Option<Encoding<'a>>,
    two_bytes: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn font<'a>(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let encoding = dict
        .get_font_encoding_with_limit(doc, MAX_PAGE_CONTENT)
        .ok();
    let subtype = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let mut widths = HashMap::new();
    if subtype == b"Type0" {
        let descendant = dict
            .get(b"DescendantFonts")
            .map(|o| deref(doc, o))
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut default_width = 1000.0;
        if let Some(d) = descendant {
            default_width = d.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
            if let Ok(w) = d
                .get(b"W")
                .map(|o| deref(doc, o))
                .and_then(Object::as_array)
            {
                let mut i = 0;
                while i + 1 < w.len() {
                    let first = number(deref(doc, &w[i])).unwrap_or(0.0) as u32;
                    match deref(doc, &w[i + 1]) {
                        Object::Array(list) => {
                            for (k, width) in list.iter().enumerate() {
                                if let Some(width) = number(deref(doc, width)) {
                                    widths.insert(first + k as u32, width);
                                }
                            }
                            i += 2;
                        }
                        other => {
                            let last = number(other).unwrap_or(0.0) as u32;
                            let width = w.get(i + 2).map(|o| deref(doc, o)).and_then(number);
                            if let Some(width) = width {
                                for c in first..=last.min(first + 65_535) {
                                    widths.insert(c, width);
                                }
                            }
                            i += 3;
                        }
                    }
                }
            }
        }
        return Font {
            encoding,
            two_bytes: true,
            widths,
            default_width,
        };
    }
    let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
    if let Ok(list) = dict
        .get(b"Widths")
        .map(|o| deref(doc, o))
        .and_then(Object::as_array)
    {
        for (k, w) in list.iter().enumerate() {
            if let Some(w) = number(deref(doc, w)) {
                widths.insert(first + k as u32, w);
            }
        }
    }
    Font {
        encoding,
        two_bytes: false,
        widths,
        default_width: 500.0,
    }
}

/// The state of text while a content stream is read.
struct Text {
    ctm: Matrix,
    stack: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    leading: f32,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    font: Option<Vec<u8>>,
}

/// Reads a `.pdf` file's text layer.
pub fn read(bytes: &[u8]) -> Result<Page, Refusal> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PAGE_CONTENT),
        ..lopdf::LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| {
        if super::contains(bytes, b"/Encrypt") {
            Refusal::Office(
                "it is protected by a password; save it again without one (or print it to a new PDF) and import that".into(),
            )
        } else {
            Refusal::Office(format!(
                "it is not a readable PDF ({e}); save it again from the program that made it"
            ))
        }
    })?;
    let mut pages: Vec<Vec<Line>> = Vec::new();
    let mut pictures = 0;
    for (_, page_id) in doc.get_pages() {
        let fonts: HashMap<Vec<u8>, Font> = doc
            .get_page_fonts(page_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, dict)| (name, font(&doc, dict)))
            .collect();
        let content = doc
            .get_page_content_with_limit(page_id, MAX_PAGE_CONTENT)
            .map_err(|e| {
                Refusal::Office(format!(
                    "a page of it cannot be read ({e}); save it again from the program that made it"
                ))
            })?;
        let operations = Content::decode(&content)
            .map(|c| c.operations)
            .unwrap_or_default();
        let mut fragments = Vec::new();
        let mut t = Text {
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            leading: 0.0,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            font: None,
        };
        for op in &operations {
            let n = |i: usize| op.operands.get(i).and_then(number).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if t.stack.len() < 1_000 => t.stack.push(t.ctm),
                "Q" => t.ctm = t.stack.pop().unwrap_or(IDENTITY),
                "cm" => t.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &t.ctm),
                "BT" => {
                    t.tm = IDENTITY;
                    t.tlm = IDENTITY;
                }
                "Tf" => {
                    t.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec);
                    t.size = n(1);
                }
                "TL" => t.leading = n(0),
                "Tc" => t.char_spacing = n(0),
                "Tw" => t.word_spacing = n(0),
                "Tz" => t.scale = n(0) / 100.0,
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        t.leading = -n(1);
                    }
                    t.tlm = mul(&translate(n(0), n(1)), &t.tlm);
                    t.tm = t.tlm;
                }
                "Tm" => {
                    t.tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    t.tm = t.tlm;
                }
                "T*" => {
                    t.tlm = mul(&translate(0.0, -t.leading), &t.tlm);
                    t.tm = t.tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            t.word_spacing = n(0);
                            t.char_spacing = n(1);
                        }
                        t.tlm = mul(&translate(0.0, -t.leading), &t.tlm);
                        t.tm = t.tlm;
                    }
                    if let Some(Object::String(s, _)) = op.operands.last() {
                        show(&mut t, &fonts, s, &mut fragments);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => show(&mut t, &fonts, s, &mut fragments),
                                other => {
                                    let adjust = number(other).unwrap_or(0.0);
                                    let tx = -adjust / 1000.0 * t.size * t.scale;
                                    t.tm = mul(&translate(tx, 0.0), &t.tm);
                                }
                            }
                        }
                    }
                }
                "Do" => pictures += 1,
                _ => {}
            }
        }
        pages.push(lines(fragments));
    }
    if pages
        .iter()
        .all(|p| p.iter().all(|l| l.text.trim().is_empty()))
    {
        return Err(Refusal::Office(
            "it has no text layer: its pages are pictures, as a scan's are; run text recognition (OCR) on it first, for instance with OCRmyPDF or in Adobe Acrobat, and import the result".into(),
        ));
    }
    let mut page = Page::default();
    page.left_out.headers_footers = drop_running_lines(&mut pages);
    page.notes = take_footnotes(&mut pages)
        .into_iter()
        .map(|body| Note {
            kind: NoteKind::Footnote,
            author: None,
            anchor: String::new(),
            body,
        })
        .collect();
    page.left_out.pictures = pictures;
    for paragraph in paragraphs(&pages) {
        page.line(&paragraph);
    }
    Ok(page)
}

/// Shows a string: its text where it stands, and the text position moved past it.
fn show(t: &mut Text, fonts: &HashMap<Vec<u8>, Font>, bytes: &[u8], out: &mut Vec<Fragment>) {
    let Some(font) = t.font.as_ref().and_then(|f| fonts.get(f)) else {
        return;
    };
    let text = match &font.encoding {
        Some(e) => e.bytes_to_string(bytes).unwrap_or_default(),
        None => return,
    };
    let start = mul(&t.tm, &t.ctm);
    let mut advance = 0.0;
    let codes: Vec<u32> = if font.two_bytes {
        bytes
            .chunks(2)
            .map(|c| (u32::from(c[0]) << 8) | u32::from(*c.get(1).unwrap_or(&0)))
            .collect()
    } else {
        bytes.iter().map(|&b| u32::from(b)).collect()
    };
    for code in codes {
        let w = font
            .widths
            .get(&code)
            .copied()
            .unwrap_or(font.default_width);
        advance += w / 1000.0 * t.size + t.char_spacing;
        if !font.two_bytes && code == 32 {
            advance += t.word_spacing;
        }
    }
    t.tm = mul(&translate(advance * t.scale, 0.0), &t.tm);
    let end = mul(&t.tm, &t.ctm);
    let size = (t.size * (start[2] * start[2] + start[3] * start[3]).sqrt()).abs();
    out.push(Fragment {
        x: start[4],
        y: start[5],
        end: end[4],
        size: if size > 0.0 { size } else { 1.0 },
        text,
    });
}

/// The fragments of a page as lines, top to bottom.
fn lines(mut fragments: Vec<Fragment>) -> Vec<Line> {
    fragments.retain(|f| !f.text.is_empty() && f.x.is_finite() && f.y.is_finite());
    fragments.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut groups: Vec<Vec<Fragment>> = Vec::new();
    for f in fragments {
        match groups.last_mut() {
            Some(g) if (g[0].y - f.y).abs() <= 0.4 * g[0].size.max(f.size) => g.push(f),
            _ => groups.push(vec![f]),
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.x.total_cmp(&b.x));
            let size = g.iter().map(|f| f.size).fold(0.0, f32::max);
            let base = g.iter().find(|f| f.size >= size).map_or(0.0, |f| f.y);
            let mut text = String::new();
            let mut last_end: Option<f32> = None;
            for f in &g {
                // a note's mark, set small and raised, stays out of the line
                if f.size < 0.8 * size && f.y > base + 0.15 * size && is_mark(f.text.trim()) {
                    last_end = Some(f.end.max(last_end.unwrap_or(f.end)));
                    continue;
                }
                if let Some(end) = last_end {
                    let gap = f.x - end;
                    let spaced = text.ends_with(char::is_whitespace)
                        || f.text.starts_with(char::is_whitespace);
                    if gap > 1.5 * size && !spaced {
                        text.push('\t');
                    } else if gap > 0.15 * size && !spaced {
                        text.push(' ');
                    }
                }
                text.push_str(&f.text);
                last_end = Some(f.end.max(last_end.unwrap_or(f.end)));
            }
            Line {
                y: base,
                x0: g.first().map_or(0.0, |f| f.x),
                x1: last_end.unwrap_or(0.0),
                size,
                text: text.trim_end().to_owned(),
            }
        })
        .filter(|l| !l.text.trim().is_empty())
        .collect()
}

/// A line's text with its digits as `#`, so that "Seite 3" and "Seite 4" are the same line.
fn shape(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Whether a line is only a page number ("3", "- 3 -", "Seite 3 von 9", "3 / 9").
fn is_page_number(text: &str) -> bool {
    let rest: String = text
        .to_lowercase()
        .replace("seite", "")
        .replace("page", "")
        .replace("von", "")
        .replace("of", "");
    rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '–' | '/' | '.' | '|'))
}

/// Leaves out lines at the top or bottom of pages that repeat on most pages, and page numbers
/// there; returns how many different such lines there were.
fn drop_running_lines(pages: &mut [Vec<Line>]) -> usize {
    // the two lines at either end of a page; one on a short page, whose body lines are edges too
    let edge_of = |n: usize| if n >= 6 { 2 } else { 1 };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let n = page.len();
        let edge = edge_of(n);
        let mut seen: Vec<String> = Vec::new();
        for (i, line) in page.iter().enumerate() {
            if i < edge || i + edge >= n {
                let key = shape(&line.text);
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
        for key in seen {
            *counts.entry(key).or_default() += 1;
        }
    }
    let most = (pages.len() / 2).max(2);
    let mut dropped: Vec<String> = Vec::new();
    for page in pages.iter_mut() {
        let n = page.len();
        let edges = edge_of(n);
        let mut i = 0;
        page.retain(|line| {
            let edge = i < edges || i + edges >= n;
            i += 1;
            let key = shape(&line.text);
            let running = edge
                && (counts.get(&key).copied().unwrap_or(0) >= most || is_page_number(&line.text));
            if running && !dropped.contains(&key) {
                dropped.push(key);
            }
            !running
        });
    }
    dropped.len()
}

/// Whether a piece of text is a note's mark: a number, a small roman numeral, asterisks.
fn is_mark(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 4
        && (text.chars().all(|c| c.is_ascii_digit())
            || text.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
            || text.chars().all(|c| c == '*'))
}

/// A footnote's text without its mark, if the line opens one ("1 Gemeint ist …").
fn note_opening(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let end = text.find(char::is_whitespace)?;
    let rest = text[end..].trim_start();
    (is_mark(&text[..end]) && !rest.is_empty()).then_some(rest)
}

/// Takes the footnotes off the pages: the lines at a page's bottom set smaller than the body
/// text, from the first that opens with a note's mark. Returns each note's text.
fn take_footnotes(pages: &mut [Vec<Line>]) -> Vec<String> {
    let mut chars_by_size: HashMap<u32, usize> = HashMap::new();
    for line in pages.iter().flatten() {
        *chars_by_size
            .entry((line.size * 10.0).round() as u32)
            .or_default() += line.text.chars().count();
    }
    let Some(body) = chars_by_size
        .iter()
        .max_by_key(|&(size, chars)| (*chars, *size))
        .map(|(size, _)| *size as f32 / 10.0)
    else {
        return Vec::new();
    };
    let mut notes: Vec<String> = Vec::new();
    for page in pages.iter_mut() {
        let mut start = page.len();
        while start > 0 && page[start - 1].size < 0.95 * body {
            start -= 1;
        }
        let Some(first) = (start..page.len()).find(|&i| note_opening(&page[i].text).is_some())
        else {
            continue;
        };
        for line in page.split_off(first) {
            match note_opening(&line.text) {
                Some(text) => notes.push(text.to_owned()),
                None => {
                    if let Some(last) = notes.last_mut() {
                        join(last, &line.text);
                    }
                }
            }
        }
    }
    notes
}

/// Joins wrapped lines into paragraphs, across pages too.
fn paragraphs(pages: &[Vec<Line>]) -> Vec<String> {
    let mut gaps: Vec<f32> = pages
        .iter()
        .flat_map(|p| p.windows(2).map(|w| w[0].y - w[1].y))
        .filter(|g| *g > 0.0)
        .collect();
    gaps.sort_by(f32::total_cmp);
    let gap = gaps.get(gaps.len() / 2).copied().unwrap_or(0.0);
    let right = pages
        .iter()
        .flatten()
        .map(|l| l.x1)
        .fold(f32::MIN, f32::max);
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<&Line> = None;
    for (p, page) in pages.iter().enumerate() {
        for (i, line) in page.iter().enumerate() {
            let joins = previous.is_some_and(|prev| {
                let same_page = i > 0;
                // a line was only wrapped if the next line's first word would not have fit on it
                let chars = line.text.chars().count().max(1) as f32;
                let per_char = ((line.x1 - line.x0) / chars).max(0.1 * line.size);
                let first_word = line.text.split_whitespace().next().unwrap_or("");
                let needed = (first_word.chars().count() as f32 + 1.0) * per_char;
                let full = prev.x1 + needed > right - 0.5 * prev.size;
                let close = !same_page || gap <= 0.0 || prev.y - line.y <= gap * 1.3;
                full && close && !turns::opens_turn(&line.text) && (same_page || p > 0)
            });
            match out.last_mut() {
                Some(last) if joins => join(last, &line.text),
                _ => out.push(line.text.clone()),
            }
            previous = Some(line);
        }
    }
    out
}

/// Appends a wrapped line: a word hyphenated at the line's end is joined, else a space.
fn join(paragraph: &mut String, next: &str) {
    let next = next.trim_start();
    let before_hyphen = paragraph
        .strip_suffix(['-', '\u{AD}'])
        .and_then(|p| p.chars().last());
    if let Some(c) = before_hyphen
        && c.is_alphabetic()
    {
        if next.starts_with(char::is_lowercase) {
            paragraph.pop();
        }
        paragraph.push_str(next);
        return;
    }
    paragraph.push(' ');
    paragraph.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: f32, x1: f32, text: &str) -> Line {
        Line {
            y,
            x0: 50.0,
            x1,
            size: 12.0,
            text: text.into(),
        }
    }

    #[test]
    fn wrapped_lines_join_and_hyphens_close() {
        let page = vec![
            line(700.0, 540.0, "B: Also das war so, dass die Arbeits-"),
            line(686.0, 540.0, "vermittlung und die E-"),
            line(672.0, 300.0, "Akte kamen."),
            line(658.0, 540.0, "I: Und dann?"),
        ];
        assert_eq!(
            paragraphs(&[page]),
            [
                "B: Also das war so, dass die Arbeitsvermittlung und die E-Akte kamen.",
                "I: Und dann?"
            ]
        );
    }

    #[test]
    fn running_heads_and_page_numbers_are_left_out() {
        let page = |n: usize| {
            vec![
                line(800.0, 300.0, "Interview 7 – vertraulich"),
                line(700.0, 540.0, &format!("Text der Seite {n}")),
                line(40.0, 300.0, &format!("Seite {n} von 3")),
            ]
        };
        let mut pages = vec![page(1), page(2), page(3)];
        assert_eq!(drop_running_lines(&mut pages), 2);
        assert!(pages.iter().all(|p| p.len() == 1));
    }

    #[test]
    fn footnotes_at_a_pages_bottom_go_and_body_lines_with_numbers_stay() {
        let small = |y: f32, text: &str| Line {
            size: 10.0,
            ..line(y, 300.0, text)
        };
        let mut pages = vec![vec![
            line(
                714.0,
                540.0,
                "I: Wie war das damals mit der neuen Akte im Jobcenter?",
            ),
            line(700.0, 540.0, "B: Ja, so war das."),
            line(686.0, 540.0, "2 Jahre später kam das Portal."),
            small(100.0, "(Ende des Gesprächs)"),
            small(80.0, "1 Gemeint ist das"),
            small(70.0, "Portal."),
            small(60.0, "ii Zweite."),
        ]];
        assert_eq!(
            take_footnotes(&mut pages),
            ["Gemeint ist das Portal.", "Zweite."]
        );
        assert_eq!(pages[0].len(), 4);
        assert_eq!(pages[0][3].text, "(Ende des Gesprächs)");
    }
}
