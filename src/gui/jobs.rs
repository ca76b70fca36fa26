//! Work that takes longer than a frame — import and export — runs on its own thread with its own
//! connection to the project file, and reports progress; the frame never waits for it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::corpus::{self, FileReport, ImportOptions, decode};
use crate::exchange::{
    CsvOptions, export_qdc, export_qdpx, export_segments, import_qdc, import_qdpx, merge_file,
};
use crate::project::{MergeReport, Project, SegmentFilter};

/// A message from a job's thread.
#[derive(Debug)]
pub enum Progress {
    /// `done` of `total` steps are finished.
    Step {
        done: usize,
        total: usize,
    },
    /// An import ended with these reports.
    Imported(Vec<FileReport>),
    /// An export wrote this many segments to this file.
    Exported {
        rows: usize,
        path: PathBuf,
    },
    /// A REFI-QDA export ended: what it wrote.
    Exchanged(String),
    /// A REFI-QDA import ended with this report; `changed` if anything came into the project.
    ExchangeImported {
        report: String,
        changed: bool,
    },
    /// A merge (or its dry run) ended with this report.
    Merged {
        report: Box<MergeReport>,
        other: PathBuf,
    },
    Failed(String),
}

/// Which REFI-QDA file: a whole project (QDPX) or a codebook (QDC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefiFile {
    Project,
    Codebook,
}

/// A job in progress.
pub struct RunningJob {
    pub label: &'static str,
    pub done: usize,
    pub total: usize,
    receiver: Receiver<Progress>,
}

/// The running jobs and the results waiting to be shown.
#[derive(Default)]
pub struct Jobs {
    pub running: Vec<RunningJob>,
    /// The report of the last import, shown until the researcher closes it.
    pub import_report: Option<Vec<FileReport>>,
    /// The report of the last REFI-QDA import, shown until the researcher closes it.
    pub refi_report: Option<String>,
    /// The report of the last merge or dry run, and the file merged, shown until closed.
    pub merge_report: Option<(MergeReport, PathBuf)>,
    /// A finished export or a failure, to show once.
    pub finished: Vec<Result<String, String>>,
    /// Set when a job changed the project, so the caches must be reloaded.
    pub project_changed: bool,
}

impl Jobs {
    pub fn is_busy(&self) -> bool {
        !self.running.is_empty()
    }

    pub fn start_import(
        &mut self,
        project: PathBuf,
        files: Vec<PathBuf>,
        jobcenter: Option<String>,
        encoding: Option<String>,
    ) {
        let (sender, receiver) = channel();
        let total = files.len();
        std::thread::spawn(move || import(project, files, jobcenter, encoding, sender));
        self.running.push(RunningJob {
            label: "import",
            done: 0,
            total,
            receiver,
        });
    }

    pub fn start_export(
        &mut self,
        project: PathBuf,
        filter: SegmentFilter,
        total: usize,
        path: PathBuf,
        delimiter: u8,
        bom: bool,
    ) {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let result = Project::open(&project)
                .and_then(|p| export_segments(&p, &filter, &path, CsvOptions { delimiter, bom }));
            let _ = sender.send(match result {
                Ok(rows) => Progress::Exported { rows, path },
                Err(e) => Progress::Failed(e.to_string()),
            });
        });
        self.running.push(RunningJob {
            label: "export",
            done: 0,
            total,
            receiver,
        });
    }

    /// Writes the project as a REFI-QDA project or codebook, on its own thread.
    pub fn start_refi_export(&mut self, project: PathBuf, out: PathBuf, what: RefiFile) {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let result = Project::open(&project).and_then(|p| match what {
                RefiFile::Project => export_qdpx(&p, &out),
                RefiFile::Codebook => export_qdc(&p, &out),
            });
            let _ = sender.send(match result {
                Ok(summary) => Progress::Exchanged(summary.to_string()),
                Err(e) => Progress::Failed(e.to_string()),
            });
        });
        self.running.push(RunningJob {
            label: "export",
            done: 0,
            total: 1,
            receiver,
        });
    }

    /// Reads a REFI-QDA project or codebook into the project, on its own thread.
    pub fn start_refi_import(&mut self, project: PathBuf, file: PathBuf, what: RefiFile) {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let result = Project::open(&project).and_then(|mut p| match what {
                RefiFile::Project => import_qdpx(&mut p, &file),
                RefiFile::Codebook => import_qdc(&mut p, &file),
            });
            let _ = sender.send(match result {
                Ok(report) => Progress::ExchangeImported {
                    changed: report.written.is_some(),
                    report: report.to_string(),
                },
                Err(e) => Progress::Failed(e.to_string()),
            });
        });
        self.running.push(RunningJob {
            label: "import",
            done: 0,
            total: 1,
            receiver,
        });
    }

    /// Merges another project file into the project (or only reports, as a dry run), on its own
    /// thread; the merge is one transaction, so the window sees it whole or not at all.
    pub fn start_merge(&mut self, project: PathBuf, other: PathBuf, dry_run: bool) {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let result =
                Project::open(&project).and_then(|mut p| merge_file(&mut p, &other, dry_run));
            let _ = sender.send(match result {
                Ok(report) => Progress::Merged {
                    report: Box::new(report),
                    other,
                },
                Err(e) => Progress::Failed(e.to_string()),
            });
        });
        self.running.push(RunningJob {
            label: "merge",
            done: 0,
            total: 1,
            receiver,
        });
    }

    /// Collects what the threads reported; returns true if anything changed.
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        let mut still = Vec::new();
        for mut job in std::mem::take(&mut self.running) {
            let mut ended = false;
            loop {
                match job.receiver.try_recv() {
                    Ok(Progress::Step { done, total }) => {
                        job.done = done;
                        job.total = total;
                        any = true;
                    }
                    Ok(Progress::Imported(reports)) => {
                        self.project_changed |= reports.iter().any(FileReport::imported);
                        self.import_report = Some(reports);
                        ended = true;
                    }
                    Ok(Progress::Exported { rows, path }) => {
                        self.finished
                            .push(Ok(format!("{rows} → {}", path.display())));
                        ended = true;
                    }
                    Ok(Progress::Exchanged(message)) => {
                        self.finished.push(Ok(message));
                        ended = true;
                    }
                    Ok(Progress::ExchangeImported { report, changed }) => {
                        self.project_changed |= changed;
                        self.refi_report = Some(report);
                        ended = true;
                    }
                    Ok(Progress::Merged { report, other }) => {
                        self.project_changed |= !report.dry_run && report.changes_project;
                        self.merge_report = Some((*report, other));
                        ended = true;
                    }
                    Ok(Progress::Failed(message)) => {
                        self.finished.push(Err(message));
                        ended = true;
                    }
                    Err(std::sync::mpsc::TryRecvError::Empty) => break,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        ended = true;
                        break;
                    }
                }
            }
            any |= ended;
            if !ended {
                still.push(job);
            }
        }
        self.running = still;
        any
    }
}

fn import(
    project: PathBuf,
    files: Vec<PathBuf>,
    jobcenter: Option<String>,
    encoding: Option<String>,
    sender: Sender<Progress>,
) {
    let encoding = match encoding.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(name) => match decode::encoding_by_name(name) {
            Some(e) => Some(e),
            None => {
                let _ = sender.send(Progress::Failed(format!(
                    "“{name}” is not an encoding this program knows"
                )));
                return;
            }
        },
        None => None,
    };
    let mut p = match Project::open(&project) {
        Ok(p) => p,
        Err(e) => {
            let _ = sender.send(Progress::Failed(e.to_string()));
            return;
        }
    };
    let options = ImportOptions {
        jobcenter: jobcenter.filter(|j| !j.trim().is_empty()),
        attributes: Vec::new(),
        encoding,
    };
    let total = files.len();
    let mut reports = Vec::with_capacity(total);
    for (i, file) in files.iter().enumerate() {
        reports.push(corpus::import_file(&mut p, file, &options));
        let _ = sender.send(Progress::Step { done: i + 1, total });
    }
    let _ = sender.send(Progress::Imported(reports));
}
