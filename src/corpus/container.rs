//! Reading packed files without trusting them: zip entries by name into memory within size limits
//! (nothing is ever written to disk by an entry's own path), and XML without any DTD into a small
//! element tree or a stream of events. REFI-QDA projects and office documents (.docx, .odt) are
//! read through it.

use std::borrow::Cow;
use std::io::{Read, Seek};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The most one file unpacks in total.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Entries that unpack to more than this are checked for their compression ratio.
pub const RATIO_CHECKED_FROM: u64 = 1024 * 1024;
/// An entry that unpacks to more than this many times its packed size is refused.
pub const MAX_RATIO: u64 = 100;
/// Elements nested deeper than this are refused.
const MAX_DEPTH: usize = 256;

/// Why a packed file cannot be read, as the end of a sentence ("… because {reason}").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContainerError {
    /// The bytes are no zip archive at all.
    #[error("it is not a zip archive")]
    NotZip,
    /// Reading it could harm the computer: a zip bomb, a path out of the archive, a DTD.
    #[error("{0}")]
    Unsafe(String),
    /// It is damaged or not what it claims to be.
    #[error("{0}")]
    Broken(String),
    /// An entry is encrypted (a password protects it).
    #[error("{0} is encrypted")]
    Encrypted(String),
}

type Result<T> = std::result::Result<T, ContainerError>;

/// A reader that counts the bytes read through it, so that an entry's packed size is what was
/// actually read, not what the archive claims.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// A zip archive, opened for reading single entries within the limits above.
pub struct Archive<R: Read + Seek> {
    zip: zip::ZipArchive<Counting<R>>,
    /// Bytes read from the archive so far.
    read: Arc<AtomicU64>,
    /// Entry names, `\` turned into `/`, by index.
    names: Vec<String>,
    unpacked: u64,
}

impl<R: Read + Seek> Archive<R> {
    /// Opens an archive and refuses one with an entry that points outside it. An I/O error other
    /// than a file ending too early is passed on as such.
    pub fn new(reader: R) -> std::result::Result<Self, OpenError> {
        let read = Arc::new(AtomicU64::new(0));
        let reader = Counting {
            inner: reader,
            read: read.clone(),
        };
        let zip = zip::ZipArchive::new(reader).map_err(|e| match e {
            zip::result::ZipError::Io(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                OpenError::Io(e)
            }
            _ => OpenError::Container(ContainerError::NotZip),
        })?;
        let mut names = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let raw = zip.name_for_index(index).and_then(|n| n.ok());
            let Some(name) = raw.map(|n| n.replace('\\', "/")) else {
                return Err(OpenError::Container(ContainerError::Broken(format!(
                    "entry {} of the zip archive has an unreadable name",
                    index + 1
                ))));
            };
            if !is_contained(&name) {
                return Err(OpenError::Container(ContainerError::Unsafe(format!(
                    "it holds an entry named “{name}”, which points outside the archive (a way to overwrite files when unpacking)"
                ))));
            }
            names.push(name);
        }
        Ok(Self {
            zip,
            read,
            names,
            unpacked: 0,
        })
    }

    /// How many entries the archive holds.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the archive holds no entry.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// An entry's name inside the archive.
    pub fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// An entry by its path inside the archive; the case of the letters decides only if two
    /// entries differ in nothing else (`sources/` or `Sources/`).
    pub fn find(&self, path: &str) -> Option<usize> {
        let path = path.replace('\\', "/");
        let path = path.trim_start_matches("./").trim_start_matches('/');
        self.names.iter().position(|n| n == path).or_else(|| {
            let lower = path.to_lowercase();
            self.names.iter().position(|n| n.to_lowercase() == lower)
        })
    }

    /// Reads one entry into memory, refusing it if it unpacks to far more than it is packed (a zip
    /// bomb) or the file as a whole grows past [`MAX_TOTAL_BYTES`]. Counts the bytes actually
    /// read and unpacked, not the sizes the archive claims.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        let name = self.names[index].clone();
        let damaged = |what: String| {
            ContainerError::Broken(format!("the archive is damaged ({name}: {what})"))
        };
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| damaged(e.to_string()))?;
        if entry.encrypted() {
            return Err(ContainerError::Encrypted(name));
        }
        let start = self.read.load(Ordering::Relaxed);
        let budget = MAX_TOTAL_BYTES.saturating_sub(self.unpacked);
        let mut out = Vec::with_capacity(entry.size().min(16 * 1024 * 1024) as usize);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut chunk).map_err(|e| damaged(e.to_string()))?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..n]);
            let len = out.len() as u64;
            if len > budget {
                return Err(ContainerError::Unsafe(format!(
                    "it unpacks to more than {} MB",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                )));
            }
            let packed = (self.read.load(Ordering::Relaxed) - start).max(1);
            if len > RATIO_CHECKED_FROM && len > packed.saturating_mul(MAX_RATIO) {
                return Err(ContainerError::Unsafe(format!(
                    "its entry {name} unpacks to more than {MAX_RATIO} times its packed size, as a zip bomb does"
                )));
            }
        }
        self.unpacked += out.len() as u64;
        Ok(out)
    }
}

/// Why an archive cannot be opened: its content, or the disk.
#[derive(Debug)]
pub enum OpenError {
    Container(ContainerError),
    Io(std::io::Error),
}

/// Whether an entry name stays inside the archive's folder: relative, no NUL, no `..` above the
/// top, no drive letter.
fn is_contained(name: &str) -> bool {
    if name.contains('\0') || name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return false;
    }
    let mut depth: i64 = 0;
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => depth += 1,
        }
    }
    true
}

/// Whether a path found inside an XML file (`internal://…`) names a file inside the archive.
pub fn is_inside(path: &str) -> bool {
    let path = path.replace('\\', "/");
    !path.is_empty() && is_contained(&path) && !path.split('/').any(|p| p == "..")
}

/// An XML element: local name (namespace prefixes and versions ignored), attributes by local name,
/// children, and its text as written (entities resolved, line ends untouched).
#[derive(Clone, Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The text directly inside the element, all pieces joined.
    pub text: String,
    /// Where in its parent's `text` this element stands (a byte offset), for mixed content.
    pub at: usize,
}

impl Element {
    /// An attribute by local name, as written.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An attribute, trimmed, `None` if absent or empty.
    pub fn attr_nonempty(&self, name: &str) -> Option<&str> {
        self.attr(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The first child of that local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The children of that local name, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The pieces of mixed content in order: text between children, and the children.
    pub fn content(&self) -> impl Iterator<Item = Content<'_>> {
        let mut from = 0;
        let mut children = self.children.iter();
        let mut pending: Option<&Element> = None;
        std::iter::from_fn(move || {
            if let Some(child) = pending.take() {
                return Some(Content::Element(child));
            }
            match children.next() {
                Some(child) => {
                    let at = child.at.clamp(from, self.text.len());
                    let text = &self.text[from..at];
                    from = at;
                    if text.is_empty() {
                        return Some(Content::Element(child));
                    }
                    pending = Some(child);
                    Some(Content::Text(text))
                }
                None if from < self.text.len() => {
                    let text = &self.text[from..];
                    from = self.text.len();
                    Some(Content::Text(text))
                }
                None => None,
            }
        })
    }

    /// The text of a child element, empty if there is none.
    pub fn child_text(&self, name: &str) -> &str {
        self.child(name).map(|c| c.text.as_str()).unwrap_or("")
    }
}

/// A piece of an element's mixed content.
#[derive(Clone, Copy, Debug)]
pub enum Content<'a> {
    Text(&'a str),
    Element(&'a Element),
}

impl Drop for Element {
    /// Frees deep trees without recursion.
    fn drop(&mut self) {
        let mut stack = std::mem::take(&mut self.children);
        while let Some(mut e) = stack.pop() {
            stack.append(&mut e.children);
        }
    }
}

/// One step through an XML document as [`read_xml`] hands it on. An empty element comes as its
/// start and its end.
pub enum XmlEvent<'e> {
    Start(Tag<'e>),
    End,
    /// Text, a CDATA section or a resolved entity, inside an element.
    Text(&'e str),
}

/// An element's start tag: its local name and its attributes.
pub struct Tag<'e> {
    start: &'e BytesStart<'e>,
    at: u64,
}

impl<'e> Tag<'e> {
    /// The local name (namespace prefix ignored).
    pub fn name(&self) -> &'e str {
        std::str::from_utf8(self.start.local_name().into_inner()).unwrap_or("")
    }

    /// An attribute by local name, its value normalised as XML reads it.
    pub fn attr(&self, name: &str) -> Result<Option<String>> {
        for attr in self.start.attributes() {
            let attr = attr.map_err(|e| self.broken(e.into()))?;
            if attr.key.as_namespace_binding().is_none()
                && attr.key.local_name().as_ref() == name.as_bytes()
            {
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| self.broken(e))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    fn broken(&self, e: quick_xml::Error) -> ContainerError {
        ContainerError::Broken(format!("its XML is broken near byte {}: {e}", self.at))
    }

    /// Checks that every attribute is well formed.
    fn check(&self) -> Result<()> {
        for attr in self.start.attributes() {
            attr.map_err(|e| self.broken(e.into()))?;
        }
        Ok(())
    }

    fn element(&self) -> Result<Element> {
        element(self.start).map_err(|e| self.broken(e))
    }
}

/// Streams an XML document's elements and text to `visit`, in document order. Refuses a DTD
/// (`<!DOCTYPE …>`) outright: neither REFI-QDA nor office documents need one, and entity
/// declarations are how "billion laughs" files blow up. Refuses elements nested deeper than 256
/// levels, undefined entities, unclosed elements and a document without any element.
pub fn read_xml(bytes: &[u8], mut visit: impl FnMut(XmlEvent<'_>) -> Result<()>) -> Result<()> {
    let bad = ContainerError::Broken;
    let text =
        decode_xml(bytes).ok_or_else(|| bad("its XML is neither UTF-8 nor UTF-16 text".into()))?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut any = false;
    let syntax =
        |e: quick_xml::Error, at: u64| bad(format!("its XML is broken near byte {at}: {e}"));
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| syntax(e, at))?;
        match event {
            Event::DocType(_) => {
                return Err(ContainerError::Unsafe(
                    "its XML carries a document type declaration (<!DOCTYPE …>), which can declare entities that expand without end".into(),
                ));
            }
            Event::Start(start) => {
                if depth >= MAX_DEPTH {
                    return Err(bad(format!(
                        "its XML nests elements more than {MAX_DEPTH} levels deep"
                    )));
                }
                let tag = Tag { start: &start, at };
                tag.check()?;
                depth += 1;
                any = true;
                visit(XmlEvent::Start(tag))?;
            }
            Event::Empty(start) => {
                let tag = Tag { start: &start, at };
                tag.check()?;
                any = true;
                visit(XmlEvent::Start(tag))?;
                visit(XmlEvent::End)?;
            }
            Event::End(_) => {
                if depth > 0 {
                    depth -= 1;
                    visit(XmlEvent::End)?;
                }
            }
            Event::Text(t) => {
                if depth > 0 {
                    let s = t.decode().map_err(|e| syntax(e.into(), at))?;
                    visit(XmlEvent::Text(&s))?;
                }
            }
            Event::CData(t) => {
                if depth > 0 {
                    let s = t.decode().map_err(|e| syntax(e.into(), at))?;
                    visit(XmlEvent::Text(&s))?;
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| syntax(e, at))?
                } else {
                    let name = r.decode().map_err(|e| syntax(e.into(), at))?;
                    match predefined(&name) {
                        Some(c) => Some(c),
                        None => {
                            return Err(bad(format!(
                                "its XML uses the entity &{name}; which is not defined"
                            )));
                        }
                    }
                };
                if let Some(c) = resolved
                    && depth > 0
                {
                    visit(XmlEvent::Text(c.encode_utf8(&mut [0; 4])))?;
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if depth > 0 {
        return Err(bad("its XML ends before all elements are closed".into()));
    }
    if !any {
        return Err(bad("its XML holds no element".into()));
    }
    Ok(())
}

/// Parses an XML document into its root element, within the limits of [`read_xml`].
pub fn parse_xml(bytes: &[u8]) -> Result<Element> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    read_xml(bytes, |event| {
        match event {
            XmlEvent::Start(tag) => {
                let mut e = tag.element()?;
                e.at = stack.last().map_or(0, |p| p.text.len());
                stack.push(e);
            }
            XmlEvent::End => {
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => {
                            root.get_or_insert(done);
                        }
                    }
                }
            }
            XmlEvent::Text(s) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(s);
                }
            }
        }
        Ok(())
    })?;
    root.ok_or_else(|| ContainerError::Broken("its XML holds no element".into()))
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

fn element(start: &BytesStart<'_>) -> std::result::Result<Element, quick_xml::Error> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(quick_xml::Error::from)?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr.normalized_value(XmlVersion::Implicit1_0)?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
        at: 0,
    })
}

/// UTF-8 (with or without BOM) or UTF-16 with BOM.
fn decode_xml(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).ok().map(Cow::Borrowed);
    }
    for (bom, encoding) in [
        (b"\xFF\xFE", encoding_rs::UTF_16LE),
        (b"\xFE\xFF", encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            return (!had_errors).then(|| Cow::Owned(text.into_owned()));
        }
    }
    std::str::from_utf8(bytes).ok().map(Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_the_archive_are_recognised() {
        assert!(is_contained("sources/a.txt"));
        assert!(is_contained("a/../b.txt"));
        assert!(!is_contained("../../evil.txt"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained("C:/Windows/evil.dll"));
        assert!(!is_inside("a/../b.txt"));
    }

    #[test]
    fn namespaces_are_ignored_and_entities_resolved() {
        let root = parse_xml(
            "<?xml version=\"1.0\"?><q:Project xmlns:q=\"urn:QDA-XML:project:1:0\" name=\"A &amp; B\"><q:Description>x&#13;&#10;y &lt;3</q:Description></q:Project>".as_bytes(),
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("A & B"));
        assert_eq!(root.child_text("Description"), "x\r\ny <3");
    }

    #[test]
    fn mixed_content_keeps_its_order() {
        let root = parse_xml(b"<p>a<s/>b<span>c</span><t/>d</p>").unwrap();
        let pieces: Vec<String> = root
            .content()
            .map(|c| match c {
                Content::Text(t) => t.to_owned(),
                Content::Element(e) => format!("<{}>", e.name),
            })
            .collect();
        assert_eq!(pieces, ["a", "<s>", "b", "<span>", "<t>", "d"]);
    }

    #[test]
    fn a_doctype_is_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Project name="&lol2;"/>"#;
        let err = parse_xml(xml.as_bytes()).unwrap_err();
        assert!(matches!(err, ContainerError::Unsafe(_)), "{err}");
    }

    #[test]
    fn undefined_entities_and_deep_nesting_are_refused() {
        assert!(parse_xml(b"<a>&foo;</a>").is_err());
        let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(parse_xml(deep.as_bytes()).is_err());
    }

    /// An archive whose headers claim a packed size far larger than the bytes it holds.
    fn archive_of(unpacked: usize, claimed: Option<u32>) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("sources/big.txt", options).unwrap();
        zip.write_all(&vec![b'a'; unpacked]).unwrap();
        zip.finish().unwrap();
        let mut bytes = out.into_inner();
        let Some(claimed) = claimed else {
            return bytes;
        };
        let mut patched = 0;
        for at in 0..bytes.len().saturating_sub(4) {
            let size_at = match &bytes[at..at + 4] {
                b"PK\x03\x04" => at + 18,
                b"PK\x01\x02" => at + 20,
                _ => continue,
            };
            bytes[size_at..size_at + 4].copy_from_slice(&claimed.to_le_bytes());
            patched += 1;
        }
        assert_eq!(patched, 2);
        bytes
    }

    #[test]
    fn the_packed_size_is_counted_not_taken_from_the_headers() {
        let bytes = archive_of(20 * 1024 * 1024, Some(1 << 30));
        let mut archive = Archive::new(std::io::Cursor::new(&bytes[..]))
            .unwrap_or_else(|_| panic!("the archive opens"));
        let err = archive.read(0).unwrap_err();
        assert!(matches!(err, ContainerError::Unsafe(_)), "{err}");
        // the same entry, smaller, with honest headers reads whole
        let honest = archive_of(1024 * 1024, None);
        let mut archive = Archive::new(std::io::Cursor::new(&honest[..]))
            .unwrap_or_else(|_| panic!("the archive opens"));
        assert_eq!(archive.read(0).unwrap().len(), 1024 * 1024);
    }
}
