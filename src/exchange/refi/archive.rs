//! A REFI-QDA project file (a zip archive) read through the corpus's untrusting reader, with the
//! reader's refusals turned into sentences about the exchange file.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::corpus::container::{self, ContainerError, OpenError};
use crate::model::error::{Error, Result};

pub use crate::corpus::container::{Element, MAX_TOTAL_BYTES, is_inside};

/// A QDPX (zip) archive, opened for reading single entries.
pub struct Archive {
    file: PathBuf,
    zip: container::Archive<BufReader<File>>,
}

impl Archive {
    /// Opens an archive and refuses one with an entry that points outside it.
    pub fn open(path: &Path) -> Result<Self> {
        let file = crate::model::file::open_regular(path).map_err(|e| Error::file(path, e))?;
        let zip = container::Archive::new(BufReader::new(file)).map_err(|e| match e {
            OpenError::Io(e) => Error::io(path, e),
            OpenError::Container(ContainerError::NotZip) => Error::NotRefiQda {
                file: display(path),
                reason: "it is not a zip archive, as a .qdpx file must be".into(),
            },
            OpenError::Container(e) => refused(path, e),
        })?;
        Ok(Self {
            file: path.to_owned(),
            zip,
        })
    }

    /// The project XML: `project.qde` at the root, or the only `*.qde` there (ATLAS.ti names it
    /// after the project).
    pub fn project_entry(&self) -> Result<usize> {
        let at_root: Vec<usize> = (0..self.zip.len())
            .filter(|&i| {
                let n = self.zip.name(i);
                !n.contains('/') && n.to_lowercase().ends_with(".qde")
            })
            .collect();
        if let Some(&i) = at_root
            .iter()
            .find(|&&i| self.zip.name(i).eq_ignore_ascii_case("project.qde"))
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
        self.zip.name(index)
    }

    /// An entry by its path inside the archive (see [`container::Archive::find`]).
    pub fn find(&self, path: &str) -> Option<usize> {
        self.zip.find(path)
    }

    /// Reads one entry into memory within the archive limits.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>> {
        self.zip.read(index).map_err(|e| refused(&self.file, e))
    }
}

/// Parses a REFI-QDA XML document (no DTD, no undefined entities).
pub fn parse_xml(bytes: &[u8], file: &str) -> Result<Element> {
    container::parse_xml(bytes).map_err(|e| refused(Path::new(file), e))
}

/// The reader's refusal as a sentence about the exchange file.
fn refused(path: &Path, e: ContainerError) -> Error {
    let file = display(path);
    match e {
        ContainerError::Unsafe(reason) => Error::UnsafeExchangeFile { file, reason },
        ContainerError::Encrypted(name) => Error::NotRefiQda {
            file,
            reason: format!("{name} is encrypted; export the project again without a password"),
        },
        ContainerError::NotZip => Error::NotRefiQda {
            file,
            reason: "it is not a zip archive".into(),
        },
        ContainerError::Broken(reason) => Error::NotRefiQda { file, reason },
    }
}

/// A path as it appears in sentences.
pub fn display(path: &Path) -> String {
    path.display().to_string()
}
