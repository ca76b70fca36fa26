//! Helpers for the flow tests: run the real `kodierwerk` binary in a scratch folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder with a project path in it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}

/// What a run of the binary gave.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            ok: o.status.success(),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

/// Runs `kodierwerk ARGS…`.
pub fn kw<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_kodierwerk"))
        .args(args)
        .output()
        .expect("the binary runs")
        .into()
}

/// Runs `kodierwerk ARGS…` and insists that it succeeds.
pub fn kw_ok<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let run = kw(args);
    assert!(run.ok, "command failed: {}", run.stderr);
    run.stdout
}

/// Parses JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// The bytes of a project file and its write-ahead log, to prove that nothing changed.
pub fn fingerprint(project: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(project).expect("project exists");
    let mut wal = project.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(extra) = std::fs::read(PathBuf::from(wal)) {
        bytes.extend(extra);
    }
    bytes
}

/// Steps the workbench until the analysis worker has delivered what the views asked for (it
/// computes off the UI thread), then lets the frames settle.
pub fn settle(h: &mut egui_kittest::Harness<'static, kodierwerk::gui::KodierwerkApp>) {
    for _ in 0..500 {
        h.step();
        let busy = h.state().state.as_ref().is_some_and(|s| s.worker.busy());
        if !busy {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
}
