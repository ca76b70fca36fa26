//! Suche (lexical search with keyword-in-context lines and autocoding) and Wortliste (word
//! frequencies per group). Results come from the analysis worker, from the same core functions
//! as `kodierwerk search` and `kodierwerk words`; autocoding pushes one edit.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::analysis::{
    AnalysisData, AutocodeScope, CONFIRM_ABOVE, Hit, SearchCorpus, SearchOptions, SearchScope,
    SearchSpec, StopWords, WordSpec, WordTable, find, hits, resolve_scope, word_frequencies,
};
use crate::gui::request::{Edit, Navigate};
use crate::gui::state::{CentralView, WorkbenchState};
use crate::model::range::CharRange;
use crate::model::{CodeId, DocumentId};
use crate::project::Project;

/// The prepared words of every document, kept between searches until the project changes.
type CorpusCache = Arc<Mutex<Option<(u64, Arc<SearchCorpus>)>>>;

/// The corpus of every document of the project at `version`, read once.
fn corpus(
    cache: &CorpusCache,
    version: u64,
    data: &AnalysisData,
    project: &Project,
) -> crate::Result<Arc<SearchCorpus>> {
    let mut cached = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((v, corpus)) = cached.as_ref()
        && *v == version
    {
        return Ok(corpus.clone());
    }
    let corpus = Arc::new(SearchCorpus::load(project, &data.documents)?);
    *cached = Some((version, corpus.clone()));
    Ok(corpus)
}

/// The choices and results of Suche and Wortliste.
pub struct SearchView {
    pub query: String,
    pub options: SearchOptions,
    /// Speaker patterns, separated by commas (`B*`).
    pub speakers: String,
    /// Only the documents activated in the document system.
    pub only_active: bool,
    /// Only inside the segments of this code (with its sub-codes).
    pub in_code: Option<CodeId>,
    /// The search last started (the result shown answers it).
    pub asked: Option<SearchSpec>,
    /// Hits taken out of autocoding: (document, start, end).
    pub deselected: HashSet<(DocumentId, usize, usize)>,
    pub code: Option<CodeId>,
    pub scope: AutocodeScope,
    /// Asked once more before more than [`CONFIRM_ABOVE`] passages are coded.
    pub confirming: bool,
    pub words: WordsChoice,
    cache: CorpusCache,
}

/// A word table, the sort its rows were put in, and the rows in that order.
type SortedWords = (Arc<WordTable>, Option<(usize, bool)>, Vec<usize>);

/// The choices of the word list.
#[derive(Clone, Debug, PartialEq)]
pub struct WordsChoice {
    /// `jobcenter` or an attribute.
    pub by: String,
    pub stem: bool,
    pub stopwords: bool,
    pub min: usize,
    pub speakers: String,
    /// The column sorted by (0: word, then the groups' counts, then total) and whether ascending;
    /// `None`: the words that separate the groups most first.
    pub sort: Option<(usize, bool)>,
    /// The rows in the order of `sort`, kept while the table and the sort stay the same: sorting
    /// tens of thousands of words is not work for every frame.
    order: Option<SortedWords>,
}

impl Default for SearchView {
    fn default() -> Self {
        Self {
            query: String::new(),
            options: SearchOptions::default(),
            speakers: String::new(),
            only_active: false,
            in_code: None,
            asked: None,
            deselected: HashSet::new(),
            code: None,
            scope: AutocodeScope::Hit,
            confirming: false,
            words: WordsChoice {
                by: "jobcenter".into(),
                stem: false,
                stopwords: true,
                min: 2,
                speakers: String::new(),
                sort: None,
                order: None,
            },
            cache: CorpusCache::default(),
        }
    }
}

fn speaker_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl SearchView {
    /// Starts a search for the query as typed, within the documents activated in `state` if
    /// asked so.
    pub fn start(&mut self, state: &WorkbenchState) {
        self.deselected.clear();
        self.confirming = false;
        let mut documents: Vec<String> = if self.only_active {
            state
                .active_documents
                .iter()
                .map(|d| d.to_string())
                .collect()
        } else {
            Vec::new()
        };
        documents.sort();
        if self.only_active && documents.is_empty() {
            // No document is activated: nothing is searched (a number no document has).
            documents.push("0".into());
        }
        self.asked = Some(SearchSpec {
            query: self.query.clone(),
            options: self.options,
            scope: SearchScope {
                documents,
                speakers: speaker_list(&self.speakers),
                in_code: self
                    .in_code
                    .and_then(|c| state.code(c))
                    .map(|c| c.path.to_string()),
                ..SearchScope::default()
            },
        });
    }
}

/// Draws the search view.
pub fn search_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut SearchView) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.heading(tr.search_tab);
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut view.query)
                    .desired_width(420.0)
                    .hint_text(tr.search_hint),
            )
            .accessible_name(tr.search_query);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(tr.search_start).clicked() || entered {
            view.start(state);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut view.options.parts, tr.search_parts);
        ui.checkbox(&mut view.options.umlauts, tr.search_umlauts);
        ui.checkbox(&mut view.options.stem, tr.search_stem);
        ui.checkbox(&mut view.options.case, tr.search_case);
        ui.checkbox(&mut view.options.regex, tr.search_regex);
        ui.separator();
        ui.label(tr.speaker);
        ui.add(
            egui::TextEdit::singleline(&mut view.speakers)
                .desired_width(80.0)
                .hint_text("B*"),
        )
        .on_hover_text(tr.search_speaker_hint)
        .accessible_name(tr.speaker);
        ui.separator();
        ui.checkbox(&mut view.only_active, tr.search_only_active);
        let inside = view
            .in_code
            .and_then(|c| state.code(c))
            .map_or(tr.search_anywhere.to_owned(), |c| c.path.to_string());
        egui::ComboBox::from_id_salt("search-in-code")
            .selected_text(inside)
            .width(180.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.in_code, None, tr.search_anywhere);
                for code in &state.codes {
                    ui.selectable_value(&mut view.in_code, Some(code.id), code.path.as_str());
                }
            })
            .response
            .on_hover_text(tr.search_in_code_hint)
            .accessible_name(tr.search_in_code_hint);
    });
    ui.separator();
    let Some(spec) = view.asked.clone() else {
        ui.weak(tr.search_hint);
        return;
    };
    let cache = view.cache.clone();
    let version = state.version;
    let task_spec = spec.clone();
    let latest = state.worker.ask(
        ui.ctx(),
        "search",
        format!("{spec:?}"),
        state.version,
        move |data, project| {
            let scope = resolve_scope(data, &task_spec.scope)?;
            let corpus = corpus(&cache, version, data, project)?;
            let found = find(&corpus, &task_spec.query, task_spec.options, &scope)?;
            Ok(hits(&corpus, &found))
        },
    );
    let Some(found) = latest.show(ui, tr.computing) else {
        return;
    };
    let chosen: Vec<&Hit> = found
        .iter()
        .filter(|h| !view.deselected.contains(&key(h)))
        .collect();
    autocode_bar(ui, state, view, &spec, &found, chosen.len());
    if found.is_empty() {
        ui.weak(tr.search_no_hits);
        return;
    }
    hit_table(ui, state, view, &found);
}

fn key(hit: &Hit) -> (DocumentId, usize, usize) {
    (hit.document_id, hit.start, hit.end)
}

/// The count, the choice of code and scope, and *Autocodieren*.
fn autocode_bar(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    view: &mut SearchView,
    spec: &SearchSpec,
    found: &[Hit],
    chosen: usize,
) {
    let tr = state.tr;
    ui.horizontal(|ui| {
        ui.strong(format!("{} {}", found.len(), tr.search_hits));
        if chosen != found.len() {
            ui.weak(format!("({chosen} {})", tr.search_chosen));
        }
        if ui.small_button(tr.search_all).clicked() {
            view.deselected.clear();
        }
        if ui.small_button(tr.search_none).clicked() {
            view.deselected = found.iter().map(key).collect();
        }
        ui.separator();
        let selected = view
            .code
            .and_then(|c| state.code(c))
            .map_or(tr.search_choose_code.to_owned(), |c| c.path.to_string());
        egui::ComboBox::from_id_salt("autocode-code")
            .selected_text(selected)
            .width(260.0)
            .show_ui(ui, |ui| {
                for code in &state.codes {
                    ui.selectable_value(&mut view.code, Some(code.id), code.path.as_str());
                }
            })
            .response
            .accessible_name(tr.search_choose_code);
        ui.selectable_value(&mut view.scope, AutocodeScope::Hit, tr.search_scope_hit);
        ui.selectable_value(
            &mut view.scope,
            AutocodeScope::Sentence,
            tr.search_scope_sentence,
        );
        ui.selectable_value(&mut view.scope, AutocodeScope::Turn, tr.search_scope_turn);
        let ready = view.code.is_some() && chosen > 0;
        let mut go = false;
        if view.confirming {
            ui.label(
                RichText::new(format!("{} {chosen}?", tr.search_confirm))
                    .color(ui.visuals().warn_fg_color),
            );
            go = ui.button(tr.search_confirm_yes).clicked();
            if ui.button(tr.cancel).clicked() {
                view.confirming = false;
            }
        } else if ui
            .add_enabled(ready, egui::Button::new(tr.search_autocode))
            .clicked()
        {
            if chosen > CONFIRM_ABOVE {
                view.confirming = true;
            } else {
                go = true;
            }
        }
        if go && let Some(code) = view.code {
            view.confirming = false;
            let hits: Vec<(DocumentId, CharRange)> = found
                .iter()
                .filter(|h| !view.deselected.contains(&key(h)))
                .map(|h| (h.document_id, h.range()))
                .collect();
            state.push(Edit::Autocode {
                code,
                scope: view.scope,
                query: spec.query.clone(),
                hits,
            });
        }
    });
}

/// One keyword-in-context line per hit: the tick box, document, speaker, left, hit, right.
fn hit_table(ui: &mut Ui, state: &mut WorkbenchState, view: &mut SearchView, found: &[Hit]) {
    let tr = state.tr;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut open = None;
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("search-hits")
        .striped(true)
        .auto_shrink([false, false])
        .column(Column::exact(24.0))
        .column(Column::initial(150.0).resizable(true).clip(true))
        .column(Column::initial(44.0).resizable(true).clip(true))
        .column(Column::initial(230.0).resizable(true).clip(true))
        .column(Column::auto().at_most(220.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(row_height, |mut header| {
            for title in ["", tr.document, tr.speaker, "", tr.search_hit, ""] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, found.len(), |mut row| {
                let hit = &found[row.index()];
                let name = format!("{} {}–{}", hit.document, hit.start, hit.end);
                row.col(|ui| {
                    let mut on = !view.deselected.contains(&key(hit));
                    if ui
                        .checkbox(&mut on, "")
                        .accessible_name(format!("{} {name}", tr.search_take))
                        .changed()
                    {
                        if on {
                            view.deselected.remove(&key(hit));
                        } else {
                            view.deselected.insert(key(hit));
                        }
                    }
                });
                row.col(|ui| {
                    ui.label(&hit.document);
                });
                row.col(|ui| {
                    ui.label(hit.speaker.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    // Right-aligned and never shortened: the column cuts it off at the far end.
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.add(
                            egui::Label::new(RichText::new(&hit.left).weak())
                                .wrap_mode(egui::TextWrapMode::Extend),
                        );
                    });
                });
                row.col(|ui| {
                    let response = ui
                        .add(egui::Button::new(RichText::new(&hit.text).strong()).frame(false))
                        .on_hover_text(tr.search_open_hint)
                        .accessible_name(format!("{} {name}", tr.search_open));
                    if response.clicked() {
                        open = Some((hit.document_id, hit.range()));
                    }
                });
                row.col(|ui| {
                    ui.weak(&hit.right);
                });
            });
        });
    if let Some((document, range)) = open {
        state.push(Navigate::ShowPassage { document, range });
    }
}

/// Draws the word list.
pub fn words_ui(ui: &mut Ui, state: &mut WorkbenchState, view: &mut SearchView) {
    let tr = state.tr;
    let choice = &mut view.words;
    ui.horizontal(|ui| {
        ui.heading(tr.words_tab);
        ui.label(tr.words_by);
        egui::ComboBox::from_id_salt("words-by")
            .selected_text(if choice.by == "jobcenter" {
                tr.jobcenter.to_owned()
            } else {
                choice.by.clone()
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut choice.by, "jobcenter".to_owned(), tr.jobcenter);
                for attribute in &state.attributes {
                    ui.selectable_value(
                        &mut choice.by,
                        attribute.name.clone(),
                        attribute.name.as_str(),
                    );
                }
            })
            .response
            .accessible_name(tr.words_by);
        ui.checkbox(&mut choice.stopwords, tr.words_stopwords);
        ui.checkbox(&mut choice.stem, tr.search_stem);
        ui.label(tr.words_min);
        ui.add(egui::DragValue::new(&mut choice.min).range(1..=1000))
            .accessible_name(tr.words_min);
        ui.label(tr.speaker);
        ui.add(
            egui::TextEdit::singleline(&mut choice.speakers)
                .desired_width(80.0)
                .hint_text("B*"),
        )
        .accessible_name(tr.speaker);
    });
    ui.separator();
    let spec = WordSpec {
        by: choice.by.clone(),
        stopwords: if choice.stopwords {
            StopWords::German
        } else {
            StopWords::None
        },
        stem: choice.stem,
        min: choice.min,
        words: tr.table_words(),
    };
    let speakers = speaker_list(&choice.speakers);
    let cache = view.cache.clone();
    let version = state.version;
    let task_spec = spec.clone();
    let task_speakers = speakers.clone();
    let latest = state.worker.ask(
        ui.ctx(),
        "words",
        format!("{spec:?}{speakers:?}"),
        state.version,
        move |data, project| {
            let scope = resolve_scope(
                data,
                &SearchScope {
                    speakers: task_speakers,
                    ..SearchScope::default()
                },
            )?;
            let corpus = corpus(&cache, version, data, project)?;
            word_frequencies(data, &corpus, &scope, &task_spec)
        },
    );
    let Some(table) = latest.show(ui, tr.computing) else {
        return;
    };
    if let Some(word) = word_table(ui, tr, &table, &mut view.words) {
        view.query = word;
        view.options = SearchOptions {
            stem: view.words.stem,
            ..SearchOptions::default()
        };
        view.speakers = view.words.speakers.clone();
        view.start(state);
        state.central = CentralView::Search;
    }
}

/// The table of words, sortable by a click on a column head; returns the word clicked.
fn word_table(
    ui: &mut Ui,
    tr: &crate::gui::i18n::Tr,
    table: &Arc<WordTable>,
    choice: &mut WordsChoice,
) -> Option<String> {
    let groups = table.groups.len();
    let sorted_by = choice.sort;
    let order = match choice.order.take() {
        Some((t, s, order)) if Arc::ptr_eq(&t, table) && s == sorted_by => order,
        _ => sorted_rows(table, sorted_by),
    };
    let sort = &mut choice.sort;
    let mut clicked = None;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui)
        .id_salt("word-table")
        .striped(true)
        .auto_shrink([false, false])
        .column(Column::initial(160.0).resizable(true).clip(true));
    for _ in 0..=groups {
        builder = builder.column(Column::initial(110.0).resizable(true).clip(true));
    }
    // The last column gets what is left, which may be little: its figures are cut, never wrapped
    // into rows taller than the others.
    builder = builder.column(Column::remainder().at_least(60.0).clip(true));
    let mut heads = vec![tr.words_word.to_owned()];
    heads.extend(
        table
            .groups
            .iter()
            .map(|g| format!("{} ({})", g.label, g.words)),
    );
    heads.push(tr.total.to_owned());
    builder
        .header(row_height, |mut header| {
            for (i, head) in heads.iter().enumerate() {
                header.col(|ui| {
                    let mark = match *sort {
                        Some((c, true)) if c == i => " ▲",
                        Some((c, false)) if c == i => " ▼",
                        _ => "",
                    };
                    if ui.button(format!("{head}{mark}")).clicked() {
                        *sort = match *sort {
                            Some((c, false)) if c == i => Some((i, true)),
                            Some((c, true)) if c == i => None,
                            _ => Some((i, false)),
                        };
                    }
                });
            }
            header.col(|ui| {
                ui.strong("LL");
            });
        })
        .body(|body| {
            body.rows(row_height, order.len(), |mut row| {
                let r = &table.rows[order[row.index()]];
                row.col(|ui| {
                    if ui
                        .link(&r.word)
                        .on_hover_text(tr.words_click_hint)
                        .clicked()
                    {
                        clicked = Some(r.word.clone());
                    }
                });
                for (count, per) in r.counts.iter().zip(&r.per_10k) {
                    row.col(|ui| {
                        ui.add(egui::Label::new(format!("{count} · {per:.1}")).truncate());
                    });
                }
                row.col(|ui| {
                    ui.add(egui::Label::new(r.total.to_string()).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(format!("{:.1}", r.log_likelihood)).truncate());
                });
            });
        });
    choice.order = Some((table.clone(), sorted_by, order));
    clicked
}

/// The rows of the word table in the order of `sort` (`None`: as the analysis gave them).
fn sorted_rows(table: &WordTable, sort: Option<(usize, bool)>) -> Vec<usize> {
    let groups = table.groups.len();
    let mut order: Vec<usize> = (0..table.rows.len()).collect();
    if let Some((column, ascending)) = sort {
        order.sort_by(|&a, &b| {
            let (a, b) = (&table.rows[a], &table.rows[b]);
            let by = match column {
                0 => a.word.cmp(&b.word),
                c if c <= groups => a.per_10k[c - 1].total_cmp(&b.per_10k[c - 1]),
                _ => a.total.cmp(&b.total),
            };
            if ascending { by } else { by.reverse() }
        });
    }
    order
}
