//! The list of retrieved segments, read off the UI thread. An activated code can hold tens of
//! thousands of segments in a large project, more than a frame can read; the list shows what it
//! last had until the newer one arrives, and the frame that shows a change never waits for it.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::model::Segment;
use crate::project::{Project, SegmentFilter};

struct Ask {
    generation: u64,
    filter: SegmentFilter,
    /// Woken when the list is there.
    ctx: Option<egui::Context>,
}

struct Answer {
    generation: u64,
    segments: Result<Vec<Segment>, String>,
}

/// A reader thread with its own connection to the project file.
pub struct Retriever {
    asks: Sender<Ask>,
    answers: Receiver<Answer>,
    /// The generation of the latest question.
    asked: u64,
    /// The generation the last answer taken in answers.
    answered: u64,
    ctx: Option<egui::Context>,
}

impl Retriever {
    /// Starts the reader for the project file at `path`; it opens its connection when first asked.
    pub fn start(path: PathBuf) -> Self {
        let (asks, ask_rx) = mpsc::channel::<Ask>();
        let (answer_tx, answers) = mpsc::channel::<Answer>();
        std::thread::Builder::new()
            .name("retrieval".into())
            .spawn(move || read(path, ask_rx, answer_tx))
            .map_err(|e| eprintln!("kodierwerk: the retrieval thread did not start: {e}"))
            .ok();
        Self {
            asks,
            answers,
            asked: 0,
            answered: 0,
            ctx: None,
        }
    }

    /// Asks for the segments that pass `filter`; an answer to an earlier question is dropped.
    pub fn ask(&mut self, filter: SegmentFilter) -> Result<(), String> {
        self.asked += 1;
        let ask = Ask {
            generation: self.asked,
            filter,
            ctx: self.ctx.clone(),
        };
        self.asks
            .send(ask)
            .map_err(|_| "the retrieval thread has stopped; restart Kodierwerk".to_owned())
    }

    /// Forgets the question being read: the list is known without reading (nothing activated).
    pub fn cancel(&mut self) {
        self.asked += 1;
        self.answered = self.asked;
    }

    /// The newest list if it arrived since the last call. `ctx` is woken by later answers.
    pub fn poll(&mut self, ctx: Option<&egui::Context>) -> Option<Result<Vec<Segment>, String>> {
        if let Some(ctx) = ctx
            && self.ctx.is_none()
        {
            self.ctx = Some(ctx.clone());
        }
        let mut newest = None;
        while let Ok(answer) = self.answers.try_recv() {
            if answer.generation == self.asked {
                self.answered = answer.generation;
                newest = Some(answer.segments);
            }
        }
        newest
    }

    /// True while the newest question is being read.
    pub fn busy(&self) -> bool {
        self.answered != self.asked
    }
}

fn read(path: PathBuf, asks: Receiver<Ask>, answers: Sender<Answer>) {
    let mut project: Option<Project> = None;
    while let Ok(mut ask) = asks.recv() {
        // Only the newest question matters.
        while let Ok(newer) = asks.try_recv() {
            ask = newer;
        }
        let segments = match &project {
            Some(p) => p.segments(&ask.filter),
            None => Project::open(&path)
                .and_then(|p| p.segments(&ask.filter).map(|s| (p, s)))
                .map(|(p, s)| {
                    project = Some(p);
                    s
                }),
        };
        let answer = Answer {
            generation: ask.generation,
            segments: segments.map_err(|e| e.to_string()),
        };
        if answers.send(answer).is_err() {
            return;
        }
        if let Some(ctx) = ask.ctx {
            ctx.request_repaint();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::range::CharRange;

    fn wait(retriever: &mut Retriever) -> Vec<Segment> {
        for _ in 0..1000 {
            if let Some(answer) = retriever.poll(None) {
                return answer.unwrap();
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the retrieval thread did not answer");
    }

    #[test]
    fn the_newest_question_is_answered_and_older_answers_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.kodierwerk");
        crate::workload::corpus::generate_project(&path, 2, 2_000, 10, 1).unwrap();
        let mut project = Project::open(&path).unwrap();
        let all = project.segments(&SegmentFilter::default()).unwrap();
        let first = all[0].document_id;
        let mut retriever = Retriever::start(path);

        retriever.ask(SegmentFilter::default()).unwrap();
        retriever
            .ask(SegmentFilter {
                documents: vec![first],
                ..SegmentFilter::default()
            })
            .unwrap();
        assert!(retriever.busy());
        let listed = wait(&mut retriever);
        assert!(!retriever.busy());
        assert!(!listed.is_empty() && listed.len() < all.len());
        assert!(listed.iter().all(|s| s.document_id == first));

        // A change made after the question was answered is in the next answer.
        project
            .apply_code(
                first,
                CharRange::new(0, 5).unwrap(),
                all[0].code_id,
                "Anna",
                "",
            )
            .unwrap();
        retriever
            .ask(SegmentFilter {
                documents: vec![first],
                ..SegmentFilter::default()
            })
            .unwrap();
        assert_eq!(wait(&mut retriever).len(), listed.len() + 1);

        // A cancelled question's answer never arrives as the list.
        retriever.ask(SegmentFilter::default()).unwrap();
        retriever.cancel();
        assert!(!retriever.busy());
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(retriever.poll(None).is_none());
    }
}
