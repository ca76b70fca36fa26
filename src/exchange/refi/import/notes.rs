//! Memos from notes, descriptions, note references and links, placed once everything is read.

use std::collections::{HashMap, HashSet};

use super::fields::{guid_of, memo_text};
use super::report::{plural, was};
use super::{Kind, Reading, Target};
use crate::exchange::refi::archive::Element;
use crate::exchange::refi::dialect;

/// A memo's text: a note by GUID or text written in place (a `Description`).
#[derive(Clone, Debug)]
pub(super) enum MemoText {
    Note(String),
    Inline(String),
}

pub(super) struct Note {
    name: String,
    text: String,
}

impl Reading<'_> {
    pub(super) fn note_refs(&mut self, element: &Element, target: &Target) {
        for r in element.children_named("NoteRef") {
            if let Some(note) = guid_of(r.attr("targetGUID")) {
                self.memos.push((target.clone(), MemoText::Note(note)));
            }
        }
    }

    pub(super) fn description(&mut self, element: &Element, target: &Target) {
        let text = memo_text(element.child_text("Description"));
        if !text.is_empty() {
            self.memos.push((target.clone(), MemoText::Inline(text)));
        }
    }

    pub(super) fn notes(&mut self, notes: &Element) {
        self.expect_children(notes, &["Note"], "the notes");
        for note in notes.children_named("Note") {
            let Some(guid) = guid_of(note.attr("guid")) else {
                continue;
            };
            let name = note.attr_nonempty("name").unwrap_or("").to_owned();
            let mut text = match self.text_of(note) {
                Ok(text) => memo_text(&text),
                Err(_) => String::new(),
            };
            if text.is_empty() {
                text = memo_text(note.child_text("Description"));
            }
            if text.is_empty() {
                text = name.clone();
            }
            let passages = note.children_named("PlainTextSelection").count();
            if passages > 0 {
                self.discard(format!(
                    "{} inside the note “{name}” {} not imported: Kodierwerk codes documents, not memos.",
                    plural(passages, "coded passage", "coded passages"),
                    was(passages)
                ));
            }
            if text.is_empty() {
                continue;
            }
            self.kinds.insert(guid.clone(), Kind::Note);
            self.note_order.push(guid.clone());
            self.notes.insert(guid, Note { name, text });
        }
    }

    pub(super) fn links(&mut self, links: &Element) {
        self.expect_children(links, &["Link"], "the links");
        let mut other = 0;
        for link in links.children_named("Link") {
            let a = guid_of(link.attr("originGUID"));
            let b = guid_of(link.attr("targetGUID"));
            let kind = |g: &Option<String>| g.as_ref().and_then(|g| self.kinds.get(g)).cloned();
            match (kind(&a), kind(&b)) {
                (Some(Kind::Note), Some(Kind::Target(t))) => {
                    self.memos.push((t, MemoText::Note(a.unwrap_or_default())));
                }
                (Some(Kind::Target(t)), Some(Kind::Note)) => {
                    self.memos.push((t, MemoText::Note(b.unwrap_or_default())));
                }
                _ => other += 1,
            }
        }
        if other > 0 {
            self.discard(format!(
                "{} between codes, passages or documents {} not imported: Kodierwerk has no links (memos linked to something were kept).",
                plural(other, "link", "links"),
                was(other)
            ));
        }
    }

    pub(super) fn place_memos(&mut self) {
        // Values go to their variables first, now that every value has been read.
        self.values_to_variables();
        let code_index: HashMap<String, usize> = self
            .bundle
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.guid.clone(), i))
            .collect();
        let case_index: HashMap<String, usize> = self
            .bundle
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.guid.clone(), i))
            .collect();
        let source_index: HashMap<String, usize> = self
            .bundle
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.guid.clone(), i))
            .collect();
        let mut used_notes: HashSet<String> = HashSet::new();
        let mut lost: Vec<String> = Vec::new();
        let mut uses: HashMap<String, usize> = HashMap::new();
        let (mut surplus_uses, mut over_budget, mut memo_bytes) = (0, 0, 0usize);
        let memos = std::mem::take(&mut self.memos);
        for (target, text) in memos {
            let (body, note_guid) = match &text {
                MemoText::Inline(t) => (t.clone(), None),
                MemoText::Note(g) => match self.notes.get(g) {
                    Some(note) => (note.text.clone(), Some(g.clone())),
                    None => continue,
                },
            };
            if let Some(g) = &note_guid {
                let n = uses.entry(g.clone()).or_default();
                *n += 1;
                if *n > super::MAX_NOTE_USES {
                    surplus_uses += 1;
                    continue;
                }
            }
            let copies = match &target {
                Target::Selection(g) => self
                    .selections
                    .get(g)
                    .map_or(1, |info| info.segments.len().max(1)),
                _ => 1,
            };
            let cost = body.len().saturating_mul(copies);
            if memo_bytes.saturating_add(cost) > super::MAX_MEMO_BYTES {
                over_budget += 1;
                if let Some(g) = note_guid {
                    used_notes.insert(g);
                }
                continue;
            }
            memo_bytes += cost;
            let placed = match &target {
                Target::Project => {
                    push_memo(&mut self.bundle.memo, &body);
                    true
                }
                Target::Code(g) => code_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.codes[i].memo, &body))
                    .is_some(),
                Target::Case(g) => case_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.cases[i].memo, &body))
                    .is_some(),
                Target::Source(g) => source_index
                    .get(g)
                    .map(|&i| push_memo(&mut self.bundle.sources[i].memo, &body))
                    .is_some(),
                Target::Coding(g) => match self.codings.get(g) {
                    Some(&i) => {
                        push_memo(&mut self.bundle.segments[i].memo, &body);
                        true
                    }
                    None => false,
                },
                Target::Selection(g) => match self.selections.get(g) {
                    Some(info) if !info.segments.is_empty() => {
                        for &i in &info.segments {
                            push_memo(&mut self.bundle.segments[i].memo, &body);
                        }
                        true
                    }
                    Some(info) => {
                        let about = format!("Memo on “{}”:\n\n{body}", info.label);
                        push_memo(&mut self.bundle.sources[info.source].memo, &about);
                        true
                    }
                    None => false,
                },
            };
            match (placed, note_guid) {
                (true, Some(g)) => {
                    used_notes.insert(g);
                }
                (false, Some(g)) => {
                    let name = self
                        .notes
                        .get(&g)
                        .map(|n| n.name.clone())
                        .unwrap_or_default();
                    lost.push(format!("the note “{name}”"));
                }
                (false, None) => lost.push(format!("a description ({})", dialect::shorten(&body))),
                (true, None) => {}
            }
        }
        if surplus_uses > 0 {
            self.discard(format!(
                "{} to notes beyond the {} places one note may be attached to {} not imported.",
                plural(surplus_uses, "reference", "references"),
                super::MAX_NOTE_USES,
                was(surplus_uses)
            ));
        }
        if over_budget > 0 {
            self.discard(format!(
                "{} {} left out: the memos of the file add up to more than {} MB.",
                plural(over_budget, "memo", "memos"),
                was(over_budget),
                super::MAX_MEMO_BYTES / (1024 * 1024)
            ));
        }
        let mut loose = Vec::new();
        for g in &self.note_order {
            if !used_notes.contains(g)
                && let Some(note) = self.notes.get(g)
            {
                let heading = if note.name.is_empty() || note.name == note.text {
                    note.text.clone()
                } else {
                    format!("{}\n\n{}", note.name, note.text)
                };
                push_memo(&mut self.bundle.memo, &heading);
                loose.push(note.name.clone());
                used_notes.insert(g.clone());
            }
        }
        if !loose.is_empty() {
            self.discard(format!(
                "{} attached to nothing that was imported went into the project memo.",
                plural(loose.len(), "note", "notes")
            ));
        }
        self.report.counts.notes = used_notes.len();
        if !lost.is_empty() {
            self.discard(format!(
                "{} belonged to items that were not imported: {}.",
                plural(lost.len(), "memo", "memos"),
                lost.join("; ")
            ));
        }
    }
}

/// Adds a text to a memo, a blank line between it and what the memo holds.
fn push_memo(memo: &mut String, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    if memo.trim().is_empty() {
        memo.clear();
        memo.push_str(text);
    } else {
        let kept = memo.trim_end().len();
        memo.truncate(kept);
        memo.push_str("\n\n");
        memo.push_str(text.trim_start());
    }
}
