//! Files a person names, read without trusting them: only a regular file is opened (a pipe, a
//! device or a folder could block for ever or pour out bytes without end), and never more bytes
//! are read than a stated limit, counted as they arrive rather than taken from the file's length.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a named file was not read, as the end of a sentence ("… because {reason}").
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("it is a folder, not a file")]
    Folder,
    #[error(
        "it is not a regular file (a pipe, a device or a socket), which could block or never end; name a file"
    )]
    NotAFile,
    #[error("it holds more than {} MB", .limit / 1_000_000)]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Io(std::io::Error),
}

/// Opens a regular file for reading; refuses anything else before it is opened, and again after
/// (a pipe put in its place meanwhile cannot block: it is opened without waiting).
pub fn open_regular(path: &Path) -> Result<File, FileError> {
    let metadata = std::fs::metadata(path).map_err(FileError::Io)?;
    if metadata.is_dir() {
        return Err(FileError::Folder);
    }
    if !metadata.is_file() {
        return Err(FileError::NotAFile);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(FileError::Io)?;
    let opened = file.metadata().map_err(FileError::Io)?;
    if !opened.is_file() {
        return Err(FileError::NotAFile);
    }
    Ok(file)
}

/// Reads a regular file whole, refusing it once more than `limit` bytes have come.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let file = open_regular(path)?;
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    if length > limit {
        return Err(FileError::TooLarge { limit });
    }
    read_bounded(file, limit)
}

/// Reads at most `limit` bytes; more is an error, whatever the source claimed.
pub fn read_bounded(reader: impl Read, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut out = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(FileError::Io)?;
    if out.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_without_end_is_cut_at_the_limit() {
        let endless = std::io::repeat(b'a');
        assert!(matches!(
            read_bounded(endless, 1000),
            Err(FileError::TooLarge { limit: 1000 })
        ));
        assert_eq!(read_bounded(&b"abc"[..], 3).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn devices_folders_and_missing_files_are_not_opened() {
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 1000),
            Err(FileError::NotAFile)
        ));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_limited(dir.path(), 1000),
            Err(FileError::Folder)
        ));
        assert!(matches!(
            read_limited(&dir.path().join("fehlt"), 1000),
            Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
        let link = dir.path().join("null.txt");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_limited(&link, 1000),
            Err(FileError::NotAFile)
        ));
    }
}
