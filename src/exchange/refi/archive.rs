//! Reading exchange files without trusting them: zip entries by name into memory within size
//! limits (nothing is ever written to disk by an entry's own path), and XML without any DTD into a
//! small element tree.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::model::error::{Error, Result};

/// The most an import unpacks in total.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Entries that unpack to more than this are checked for their compression ratio.
pub const RATIO_CHECKED_FROM: u64 = 1024 * 1024;
/// An entry that unpacks to more than this many times its packed size is refused.
pub const MAX_RATIO: u64 = 100;
/// Elements nested deeper than this are refused.
const MAX_DEPTH: usize = 256;

/// A QDPX (zip) archive, opened for reading single entries.
pub struct Archive {
    file: PathBuf,
    zip: zip::ZipArchive<BufReader<File>>,
    /// Entry names, `\` turned into `/`, by index.
    names: Vec<String>,
    unpacked: u64,
}

impl Archive {
    /// Opens an archive and refuses one with an entry that points outside it.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
            zip::result::ZipError::Io(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                Error::io(path, e)
            }
            _ => Error::NotRefiQda {
                file: display(path),
                reason: "it is not a zip archive, as a .qdpx file must be".into(),
            },
        })?;
        let mut names = Vec::with_capacity(zip.len());
        for index in 0..zip.len() {
            let raw = zip.name_for_index(index).and_then(|n| n.ok());
            let Some(name) = raw.map(|n| n.replace('\\', "/")) else {
                return Err(Error::NotRefiQda {
                    file: display(path),
                    reason: format!(
                        "entry {} of the zip archive has an unreadable name",
                        index + 1
                    ),
                });
            };
            if !is_contained(&name) {
                return Err(Error::UnsafeExchangeFile {
                    file: display(path),
                    reason: format!(
                        "it holds an entry named “{name}”, which points outside the archive (a way to overwrite files when unpacking)"
                    ),
                });
            }
            names.push(name);
        }
        Ok(Self {
            file: path.to_owned(),
            zip,
            names,
            unpacked: 0,
        })
    }

    /// The project XML: `project.qde` at the root, or the only `*.qde` there (ATLAS.ti names it
    /// after the project).
    pub fn project_entry(&self) -> Result<usize> {
        let at_root: Vec<usize> = (0..self.names.len())
            .filter(|&i| {
                let n = &self.names[i];
                !n.contains('/') && n.to_lowercase().ends_with(".qde")
            })
            .collect();
        if let Some(&i) = at_root
            .iter()
            .find(|&&i| self.names[i].eq_ignore_ascii_case("project.qde"))
        {
            return Ok(i);
        }
        match at_root.as_slice() {
            [only] => Ok(*only),
            [] => Err(Error::NotRefiQda {
                file: display(&self.file),
                reason: "the archive holds no project.qde (the project's XML), so it is no REFI-QDA project".into(),
            }),
            _ => Err(Error::NotRefiQda {
                file: display(&self.file),
                reason: format!(
                    "the archive holds {} .qde files and none is named project.qde, so it is unclear which is the project",
                    at_root.len()
                ),
            }),
        }
    }

    /// An entry's name inside the archive.
    pub fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// An entry by its path inside the archive; the case of the letters decides only if two
    /// entries differ in nothing else (`sources/` or `Sources/`).
    pub fn find(&self, path: &str) -> Option<usize> {
        let path = path.replace('\\', "/");
        let path = path.trim_start_matches("./");
        self.names.iter().position(|n| n == path).or_else(|| {
            let lower = path.to_lowercase();
            self.names.iter().position(|n| n.to_lowercase() == lower)
        })
    }

    /// Reads one entry into memory, refusing it if it unpacks to far more than it is packed (a zip
    /// bomb) or the import as a whole grows past [`MAX_TOTAL_BYTES`]. Counts the bytes actually
    /// unpacked, not what the archive claims.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        let name = self.names[index].clone();
        let file = display(&self.file);
        let damaged = |what: String| Error::NotRefiQda {
            file: file.clone(),
            reason: format!("the archive is damaged ({name}: {what})"),
        };
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|e| damaged(e.to_string()))?;
        if entry.encrypted() {
            return Err(Error::NotRefiQda {
                file: file.clone(),
                reason: format!("{name} is encrypted; export the project again without a password"),
            });
        }
        let packed = entry.compressed_size().max(1);
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
                return Err(Error::UnsafeExchangeFile {
                    file,
                    reason: format!(
                        "it unpacks to more than {} MB",
                        MAX_TOTAL_BYTES / (1024 * 1024)
                    ),
                });
            }
            if len > RATIO_CHECKED_FROM && len > packed.saturating_mul(MAX_RATIO) {
                return Err(Error::UnsafeExchangeFile {
                    file,
                    reason: format!(
                        "its entry {name} unpacks to more than {MAX_RATIO} times its packed size, as a zip bomb does"
                    ),
                });
            }
        }
        self.unpacked += out.len() as u64;
        Ok(out)
    }
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

/// A path as it appears in sentences.
pub fn display(path: &Path) -> String {
    path.display().to_string()
}

/// An XML element: local name (namespace prefixes and versions ignored), attributes by local name,
/// children, and its text as written (entities resolved, line ends untouched).
#[derive(Clone, Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
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

    /// The text of a child element, empty if there is none.
    pub fn child_text(&self, name: &str) -> &str {
        self.child(name).map(|c| c.text.as_str()).unwrap_or("")
    }
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

/// Parses an XML document into its root element. Refuses a DTD (`<!DOCTYPE …>`) outright: REFI-QDA
/// needs none, and entity declarations are how "billion laughs" files blow up.
pub fn parse_xml(bytes: &[u8], file: &str) -> Result<Element> {
    let bad = |reason: String| Error::NotRefiQda {
        file: file.to_owned(),
        reason,
    };
    let text =
        decode_xml(bytes).ok_or_else(|| bad("its XML is neither UTF-8 nor UTF-16 text".into()))?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let syntax =
        |e: quick_xml::Error, at: u64| bad(format!("its XML is broken near byte {at}: {e}"));
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| syntax(e, at))?;
        match event {
            Event::DocType(_) => {
                return Err(Error::UnsafeExchangeFile {
                    file: file.to_owned(),
                    reason: "its XML carries a document type declaration (<!DOCTYPE …>), which REFI-QDA does not use and which can declare entities that expand without end".into(),
                });
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad(format!(
                        "its XML nests elements more than {MAX_DEPTH} levels deep"
                    )));
                }
                stack.push(element(&start).map_err(|e| syntax(e, at))?);
            }
            Event::Empty(start) => {
                let e = element(&start).map_err(|e| syntax(e, at))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => {
                        root.get_or_insert(e);
                    }
                }
            }
            Event::End(_) => {
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => {
                            root.get_or_insert(done);
                        }
                    }
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    let s = t.decode().map_err(|e| syntax(e.into(), at))?;
                    current.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    let s = t.decode().map_err(|e| syntax(e.into(), at))?;
                    current.text.push_str(&s);
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
                if let (Some(c), Some(current)) = (resolved, stack.last_mut()) {
                    current.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(bad("its XML ends before all elements are closed".into()));
    }
    root.ok_or_else(|| bad("its XML holds no element".into()))
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
            "t",
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("A & B"));
        assert_eq!(root.child_text("Description"), "x\r\ny <3");
    }

    #[test]
    fn a_doctype_is_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Project name="&lol2;"/>"#;
        let err = parse_xml(xml.as_bytes(), "t").unwrap_err();
        assert!(matches!(err, Error::UnsafeExchangeFile { .. }), "{err}");
    }

    #[test]
    fn undefined_entities_and_deep_nesting_are_refused() {
        assert!(parse_xml(b"<a>&foo;</a>", "t").is_err());
        let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(parse_xml(deep.as_bytes(), "t").is_err());
    }
}
