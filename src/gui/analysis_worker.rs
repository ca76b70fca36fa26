//! Analyses off the UI thread: a worker with its own read connection to the project file computes
//! what the Analyse views ask for, and each view keeps its latest result. A view asks every frame;
//! the worker only runs when the question or the project changed.

use std::any::Any;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::analysis::AnalysisData;
use crate::project::Project;

/// A computation over the loaded project; the project is there for what `AnalysisData` leaves out
/// (speaker turns).
type Task =
    Box<dyn FnOnce(&AnalysisData, &Project) -> crate::Result<Arc<dyn Any + Send + Sync>> + Send>;

struct Job {
    slot: &'static str,
    key: String,
    version: u64,
    task: Task,
    /// Woken when the result is there.
    ctx: egui::Context,
}

struct Done {
    slot: &'static str,
    key: String,
    result: Result<Arc<dyn Any + Send + Sync>, String>,
}

#[derive(Default)]
struct Slot {
    /// The question the latest result answers.
    key: String,
    result: Option<Arc<dyn Any + Send + Sync>>,
    error: Option<String>,
    /// The question being computed, if any.
    pending: Option<String>,
}

/// What a view gets back: its latest result (possibly for an older question while a new one is
/// computed), and whether that is current.
pub struct Latest<T> {
    pub result: Option<Arc<T>>,
    pub error: Option<String>,
    pub computing: bool,
}

impl<T> Latest<T> {
    /// Shows the error, or a spinner while computing; the result to draw, if there is one.
    pub fn show(self, ui: &mut egui::Ui, computing_label: &str) -> Option<Arc<T>> {
        if let Some(error) = self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
            return None;
        }
        if self.computing {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(computing_label);
            });
        }
        self.result
    }
}

/// The worker thread and the views' results.
pub struct AnalysisWorker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
    slots: HashMap<&'static str, Slot>,
}

impl AnalysisWorker {
    /// Starts the worker for the project file at `path`; it opens its own connection when first asked.
    pub fn start(path: PathBuf) -> Self {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (done_tx, done) = mpsc::channel::<Done>();
        std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || work(path, job_rx, done_tx))
            .map_err(|e| eprintln!("kodierwerk: the analysis thread did not start: {e}"))
            .ok();
        Self {
            jobs,
            done,
            slots: HashMap::new(),
        }
    }

    /// Takes in what the worker finished; true if anything arrived (the frame should be redrawn).
    pub fn poll(&mut self) -> bool {
        let mut any = false;
        while let Ok(done) = self.done.try_recv() {
            any = true;
            let slot = self.slots.entry(done.slot).or_default();
            if slot.pending.as_deref() == Some(done.key.as_str()) {
                slot.pending = None;
            }
            slot.key = done.key;
            match done.result {
                Ok(result) => {
                    slot.result = Some(result);
                    slot.error = None;
                }
                Err(e) => slot.error = Some(e),
            }
        }
        any
    }

    /// True while the worker computes something.
    pub fn busy(&self) -> bool {
        self.slots.values().any(|s| s.pending.is_some())
    }

    /// The latest result of `slot`; asks the worker for `key` (at project `version`) if neither the
    /// result nor the pending job answer it. `key` must name everything the task depends on.
    pub fn ask<T, F>(
        &mut self,
        ctx: &egui::Context,
        slot: &'static str,
        key: String,
        version: u64,
        task: F,
    ) -> Latest<T>
    where
        T: Any + Send + Sync,
        F: FnOnce(&AnalysisData, &Project) -> crate::Result<T> + Send + 'static,
    {
        let key = format!("{version}\u{0}{key}");
        let entry = self.slots.entry(slot).or_default();
        let answered = entry.key == key && (entry.result.is_some() || entry.error.is_some());
        if !answered && entry.pending.as_deref() != Some(key.as_str()) {
            let task: Task = Box::new(move |data, project| {
                task(data, project).map(|t| Arc::new(t) as Arc<dyn Any + Send + Sync>)
            });
            let job = Job {
                slot,
                key: key.clone(),
                version,
                task,
                ctx: ctx.clone(),
            };
            if self.jobs.send(job).is_ok() {
                entry.pending = Some(key.clone());
            } else {
                entry.key = key.clone();
                entry.pending = None;
                entry.error = Some("the analysis thread has stopped; restart Kodierwerk".into());
            }
        }
        let current = entry.key == key;
        Latest {
            result: entry
                .result
                .clone()
                .and_then(|r| Arc::downcast::<T>(r).ok()),
            error: if current { entry.error.clone() } else { None },
            computing: entry.pending.is_some(),
        }
    }
}

fn work(path: PathBuf, jobs: Receiver<Job>, done: Sender<Done>) {
    let mut project: Option<Project> = None;
    let mut loaded: Option<(u64, AnalysisData)> = None;
    while let Ok(mut job) = jobs.recv() {
        // Only the newest question of each view matters; skip the ones it replaced meanwhile.
        let mut newer = Vec::new();
        while let Ok(next) = jobs.try_recv() {
            newer.push(next);
        }
        let mut queue = Vec::new();
        for next in newer {
            if next.slot == job.slot {
                job = next;
            } else if let Some(same) = queue.iter_mut().find(|q: &&mut Job| q.slot == next.slot) {
                *same = next;
            } else {
                queue.push(next);
            }
        }
        queue.insert(0, job);
        for job in queue {
            // A failing analysis must not take the worker (and every other view) with it.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(&path, &mut project, &mut loaded, job.version, job.task)
            }))
            .unwrap_or_else(|_| {
                loaded = None;
                Err(crate::Error::AnalysisFailed)
            });
            let sent = done.send(Done {
                slot: job.slot,
                key: job.key.clone(),
                result: result.map_err(|e| e.to_string()),
            });
            if sent.is_err() {
                return;
            }
            job.ctx.request_repaint();
        }
    }
}

fn run(
    path: &std::path::Path,
    project: &mut Option<Project>,
    loaded: &mut Option<(u64, AnalysisData)>,
    version: u64,
    task: Task,
) -> crate::Result<Arc<dyn Any + Send + Sync>> {
    let p = match project {
        Some(p) => p,
        None => project.insert(Project::open(path)?),
    };
    let data = match loaded {
        Some((v, data)) if *v == version => data,
        _ => &loaded.insert((version, AnalysisData::load(p)?)).1,
    };
    task(data, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle(worker: &mut AnalysisWorker) {
        for _ in 0..1000 {
            worker.poll();
            if !worker.busy() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the worker did not answer");
    }

    #[test]
    fn a_failing_analysis_reports_an_error_and_the_worker_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.kodierwerk");
        drop(Project::create(&path).unwrap());
        let mut worker = AnalysisWorker::start(path);
        let ctx = egui::Context::default();

        let asked: Latest<usize> = worker.ask(&ctx, "a", "k".into(), 1, |_, _| {
            panic!("an analysis with a bug")
        });
        assert!(asked.computing && asked.result.is_none());
        settle(&mut worker);
        let failed: Latest<usize> = worker.ask(&ctx, "a", "k".into(), 1, |_, _| Ok(0));
        assert!(failed.error.is_some() && !failed.computing);

        // Another view still gets its answer, and a new question to the first one too.
        worker.ask(&ctx, "b", "k".into(), 1, |data, _| Ok(data.documents.len()));
        worker.ask(&ctx, "a", "k2".into(), 1, |_, _| Ok(7usize));
        settle(&mut worker);
        let b: Latest<usize> = worker.ask(&ctx, "b", "k".into(), 1, |_, _| Ok(1));
        assert_eq!(b.result.as_deref(), Some(&0));
        let a: Latest<usize> = worker.ask(&ctx, "a", "k2".into(), 1, |_, _| Ok(1));
        assert_eq!((a.result.as_deref(), a.error), (Some(&7), None));
    }
}
