//! A write-ahead log left beside a project (by a crash, or copied there with an old backup) is
//! merged into the file by SQLite when the file is next opened, and then it is gone. Before that,
//! the file and the log are copied aside together, so that the state before the merge can always
//! be had back; a log that a running Kodierwerk is writing is its own, and left alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::model::error::{Error, Result};

/// A log of no more than its header holds nothing to merge.
const WAL_HEADER: u64 = 32;

/// Projects this process has open, by their canonical path, with how many connections.
static OPEN_HERE: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

/// Marks a project as open in this process for as long as it lives.
pub(super) struct OpenHere(Option<PathBuf>);

impl OpenHere {
    pub(super) fn new(path: &Path) -> Self {
        let Ok(key) = path.canonicalize() else {
            return Self(None);
        };
        if let Ok(mut open) = OPEN_HERE.lock() {
            *open
                .get_or_insert_with(HashMap::new)
                .entry(key.clone())
                .or_default() += 1;
        }
        Self(Some(key))
    }
}

impl Drop for OpenHere {
    fn drop(&mut self) {
        if let (Some(key), Ok(mut open)) = (self.0.take(), OPEN_HERE.lock())
            && let Some(map) = open.as_mut()
            && let Some(n) = map.get_mut(&key)
        {
            *n -= 1;
            if *n == 0 {
                map.remove(&key);
            }
        }
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies the project and its write-ahead log aside if the log holds frames that SQLite would
/// merge on opening, and no one has the project open; returns the copy's path.
pub(super) fn keep_log_aside(path: &Path) -> Result<Option<PathBuf>> {
    let wal = with_suffix(path, "-wal");
    let Ok(metadata) = std::fs::symlink_metadata(&wal) else {
        return Ok(None);
    };
    if !metadata.is_file() || metadata.len() <= WAL_HEADER || open_elsewhere(path) {
        return Ok(None);
    }
    let mut copy = with_suffix(path, ".before-recovery");
    let mut n = 1;
    while copy.exists() || with_suffix(&copy, "-wal").exists() {
        n += 1;
        copy = with_suffix(path, &format!(".before-recovery-{n}"));
    }
    std::fs::copy(path, &copy).map_err(|e| Error::io(&copy, e))?;
    let copy_wal = with_suffix(&copy, "-wal");
    if let Err(e) = std::fs::copy(&wal, &copy_wal) {
        let _ = std::fs::remove_file(&copy);
        return Err(Error::io(&copy_wal, e));
    }
    Ok(Some(copy))
}

/// Whether the project is open in this process or in another (whose connections hold a lock on
/// the shared-memory file's "dead man switch" byte, as SQLite's Unix locking does).
fn open_elsewhere(path: &Path) -> bool {
    let here = path.canonicalize().ok().is_some_and(|key| {
        OPEN_HERE
            .lock()
            .ok()
            .and_then(|open| open.as_ref().map(|m| m.contains_key(&key)))
            .unwrap_or(false)
    });
    here || locked_by_another_process(&with_suffix(path, "-shm"))
}

#[cfg(unix)]
fn locked_by_another_process(shm: &Path) -> bool {
    use std::os::fd::AsRawFd;
    let Ok(file) = std::fs::OpenOptions::new().read(true).open(shm) else {
        return false;
    };
    // SQLite's Unix VFS: each connection holds a shared lock on byte 128 of the -shm file.
    // SAFETY: `flock` is plain data; all-zero is a valid value, the fields asked for are set.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = 128;
    lock.l_len = 1;
    // SAFETY: a valid open descriptor and a valid `flock` for F_GETLK, which only fills it in.
    let asked = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    asked == 0 && lock.l_type != libc::F_UNLCK as libc::c_short
}

#[cfg(not(unix))]
fn locked_by_another_process(_shm: &Path) -> bool {
    false
}
