//! The merge's decisions, row by row, and its writes into the project: one `Change`.
//!
//! Rules, for each row the other file changed since the common ancestor (every row, without one):
//!
//! - new there: comes across, unless the project holds it already (same GUID, or matched by what
//!   names it: a document by its text, a code by its path, a coder, jobcenter or attribute by its
//!   name, a segment by document, code, coder and range). A document whose name the project gives
//!   to another text is left out with everything on it.
//! - changed there: each changed column comes across, unless the project changed it too; then the
//!   project's value stays and the conflict is listed. A text a person wrote (memo, description,
//!   note) keeps the project's with the other's appended under a header naming its coder and
//!   date; a segment whose range or code both changed keeps the project's and gets the other's
//!   beside it. A row the project deleted stays deleted.
//! - deleted there: deleted here too, unless the project changed it or still uses it (a code
//!   with new segments); then it stays and the conflict is listed.
//! - a row the project deleted but new rows of the other file use (a code deleted here, coded
//!   with there) is brought back, and listed.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value as Json;

use super::entity::{Column, Entity, Key, Kind, Table, memo_target_table, shown};
use super::side::{Diff, Rows, coders_of};
use super::{Conflict, LeftOut, LeftOutReason, MergeReport, Resolution};
use crate::model::CodeId;
use crate::model::error::Result;
use crate::project::log::Change;
use crate::project::{codes, new_guid};

/// Whose work the other file carries, for the header above an appended text.
pub(super) struct Author {
    pub names: String,
    pub date: String,
}

impl Author {
    pub(super) fn of(conn: &Connection, diff: &Diff, file: &str) -> Result<Author> {
        let mut names: Vec<String> = Vec::new();
        for guid in coders_of(diff) {
            let name: Option<String> = conn
                .query_row("SELECT name FROM coders WHERE guid = ?1", [&guid], |r| {
                    r.get(0)
                })
                .optional()?;
            names.extend(name);
        }
        names.sort();
        let date: Option<String> = conn
            .query_row(
                "SELECT substr(at, 1, 10) FROM actions WHERE state = 'done' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Author {
            names: if names.is_empty() {
                file.to_owned()
            } else {
                names.join(", ")
            },
            date: date.unwrap_or_default(),
        })
    }
}

pub(super) struct Merger<'m, 'c> {
    pub change: &'m mut Change<'c>,
    pub ours_rows: &'m mut Rows,
    pub theirs_conn: &'m Connection,
    pub theirs_rows: &'m mut Rows,
    pub ours_diff: &'m Diff,
    pub theirs_diff: &'m Diff,
    pub three_way: bool,
    /// The other file's GUID → the project's, where a row was matched by what names it.
    pub ident: HashMap<(Table, String), String>,
    /// The other file's rows handled already.
    pub done: HashSet<Key>,
    /// The other file's rows that did not come across (by GUID), with everything on them.
    pub left_out: HashSet<(Table, String)>,
    /// The project's segments that got the other file's version beside them.
    pub beside: HashSet<String>,
    pub author: Author,
    pub report: &'m mut MergeReport,
    /// The project's row ids by GUID, of every table but the segments (a merge asks for the same
    /// few codes, documents and coders once per segment).
    pub ours_ids: HashMap<(Table, String), Option<i64>>,
}

/// Rows left out because what they belong to was left out: counted, not listed one by one.
type Dependents = BTreeMap<(Kind, String), usize>;

impl Merger<'_, '_> {
    fn ours(&self) -> &Connection {
        self.change.tx()
    }

    /// The project's row id of the row with `guid`.
    fn ours_id(&mut self, table: Table, guid: &str) -> Result<Option<i64>> {
        if table == Table::Segments {
            return Rows::id(self.change.tx(), table, guid);
        }
        if let Some(known) = self.ours_ids.get(&(table, guid.to_owned())) {
            return Ok(*known);
        }
        let id = Rows::id(self.change.tx(), table, guid)?;
        self.ours_ids.insert((table, guid.to_owned()), id);
        Ok(id)
    }

    /// Tells the caches about a row the merge wrote into the project.
    fn learn_inserted(&mut self, table: Table, id: i64, guid: Option<&str>) {
        if let Some(guid) = guid {
            self.ours_ids.insert((table, guid.to_owned()), Some(id));
        }
        self.ours_rows.learn(table, id, guid);
    }

    /// Tells the caches about a row the merge removed from the project.
    fn learn_deleted(&mut self, table: Table, id: i64, guid: &str) {
        self.ours_ids.insert((table, guid.to_owned()), None);
        self.ours_rows.learn(table, id, None);
    }

    pub(super) fn run(&mut self) -> Result<()> {
        let mut dependents = Dependents::new();
        for table in Table::ALL {
            let keys: Vec<Key> = self
                .theirs_diff
                .of(table)
                .filter(|(_, c)| c.now.is_some())
                .map(|(k, _)| k.clone())
                .collect();
            for key in keys {
                self.bring(&key, &mut dependents)?;
            }
        }
        for table in Table::ALL.into_iter().rev() {
            let deleted: Vec<Entity> = self
                .theirs_diff
                .of(table)
                .filter(|(_, c)| c.now.is_none())
                .filter_map(|(_, c)| c.base.clone())
                .collect();
            for base in deleted {
                self.delete(&base)?;
            }
        }
        for ((kind, owner), n) in dependents {
            self.report.left_out.push(LeftOut {
                kind,
                what: format!("{n} × {owner}"),
                why: LeftOutReason::OwnerLeftOut,
            });
        }
        Ok(())
    }

    /// The project's GUID for a row the other file names `guid`.
    fn ours_guid(&self, table: Table, guid: &str) -> String {
        self.ident
            .get(&(table, guid.to_owned()))
            .cloned()
            .unwrap_or_else(|| guid.to_owned())
    }

    /// An entity of the other file with its references (and key) in the project's GUIDs.
    fn translate(&self, entity: &Entity) -> Entity {
        let mut out = entity.clone();
        let table = entity.key.table;
        for &(name, column) in table.columns() {
            let target = match column {
                Column::Ref(target) => Some(target),
                Column::MemoTarget => memo_target_table(entity.text("target_kind")),
                _ => None,
            };
            if let (Some(target), Some(Json::String(guid))) = (target, out.fields.get(name))
                && !guid.is_empty()
            {
                let mapped = self.ours_guid(target, guid);
                out.fields.insert(name, Json::String(mapped));
            }
        }
        out.key.name = if table.has_guid() {
            self.ours_guid(table, &entity.key.name)
        } else {
            let parts: Vec<&str> = match table {
                Table::Memos => vec!["target_kind", "target_id"],
                Table::JobcenterValues => vec!["jobcenter_id", "attribute_id"],
                Table::DocumentValues => vec!["document_id", "attribute_id"],
                _ => vec!["jobcenter_id", "segment_id"],
            };
            parts
                .iter()
                .map(|c| out.text(c))
                .collect::<Vec<_>>()
                .join("|")
        };
        out
    }

    /// The project's row id for a row the other file names `guid`: found, brought over first if
    /// it is new there, or brought back if the project deleted it. `None` if it was left out.
    fn resolve(
        &mut self,
        table: Table,
        guid: &str,
        dependents: &mut Dependents,
    ) -> Result<Option<i64>> {
        if self.left_out.contains(&(table, guid.to_owned())) {
            return Ok(None);
        }
        let ours = self.ours_guid(table, guid);
        if let Some(id) = self.ours_id(table, &ours)? {
            return Ok(Some(id));
        }
        let key = Key {
            table,
            name: guid.to_owned(),
        };
        let pending = self.theirs_diff.get(&key).is_some_and(|c| c.now.is_some())
            && !self.done.contains(&key);
        if pending {
            self.bring(&key, dependents)?;
            return self.resolve(table, guid, dependents);
        }
        let Some(id) = Rows::id(self.theirs_conn, table, guid)? else {
            return Ok(None);
        };
        let Some(entity) = self.theirs_rows.entity(self.theirs_conn, table, id)? else {
            return Ok(None);
        };
        self.done.insert(key);
        let what = self.describe_theirs(&entity);
        match self.insert(&entity, None, dependents)? {
            Some(id) => {
                // A change of the other file to it was listed as staying deleted: it is back now.
                self.report.conflicts.retain(|c| {
                    !(c.kind == table.kind()
                        && c.what == what
                        && c.done == Resolution::StaysDeleted)
                });
                self.conflict(
                    table.kind(),
                    what,
                    "deleted",
                    "deleted".into(),
                    "used by new rows".into(),
                    Resolution::Restored,
                );
                Ok(Some(id))
            }
            None => Ok(None),
        }
    }

    /// Brings one row the other file added or changed.
    fn bring(&mut self, key: &Key, dependents: &mut Dependents) -> Result<()> {
        if !self.done.insert(key.clone()) {
            return Ok(());
        }
        let Some(changed) = self.theirs_diff.get(key).cloned() else {
            return Ok(());
        };
        let Some(now) = changed.now else {
            return Ok(());
        };
        // Everything it refers to first, so that its key can be read in the project's GUIDs.
        if let Some(owner) = self.missing_reference(&now, dependents)? {
            self.leave_out(&now, owner, dependents);
            return Ok(());
        }
        let theirs_now = self.translate(&now);
        let theirs_base = changed.base.as_ref().map(|b| self.translate(b));
        let mut ours = self.ours_rows.find(self.change.tx(), &theirs_now.key)?;
        let mut by_name = false;
        if ours.is_none() && theirs_base.is_none() {
            ours = self.natural_match(&now, &theirs_now)?;
            by_name = ours.is_some();
            if ours.is_none() && now.key.table == Table::Documents {
                let name = now.text("name");
                if super::super::documents::find(self.ours(), name)?.is_some() {
                    self.left_out.insert((Table::Documents, now.guid.clone()));
                    self.report.left_out.push(LeftOut {
                        kind: Kind::Documents,
                        what: format!("“{name}”"),
                        why: LeftOutReason::NameHasAnotherText,
                    });
                    return Ok(());
                }
            }
        }
        let mut theirs_now = self.translate(&now);
        if by_name && let Some((_, ours)) = &ours {
            // What matched them is no difference: a name in other letter case, a document's
            // name (the report notes a renamed document).
            let same = key.table == Table::Documents
                || ours.text("name").to_lowercase() == theirs_now.text("name").to_lowercase();
            if same && let Some(value) = ours.fields.get("name") {
                theirs_now.fields.insert("name", value.clone());
            }
        }
        let kind = key.table.kind();
        match (theirs_base, ours) {
            (None, None) => {
                if self.insert(&now, None, dependents)?.is_some() {
                    self.report.tally(kind).came_across += 1;
                }
            }
            (_, Some((_, ours))) if theirs_now.differing(&ours).is_empty() => {
                self.report.tally(kind).already_there += 1;
            }
            (None, Some((id, ours))) => {
                // Both made it, differently: every column is both sides' change.
                let columns = theirs_now.differing(&ours);
                self.settle(id, &ours, &now, &theirs_now, &[], &columns, dependents)?;
            }
            (Some(_), None) => {
                let what = self.describe_theirs(&now);
                self.conflict(
                    kind,
                    what,
                    "deleted",
                    "deleted".into(),
                    "changed".into(),
                    Resolution::StaysDeleted,
                );
            }
            (Some(base), Some((id, ours))) => {
                let ours_base = match self.ours_diff.get(&ours.key) {
                    Some(changed) => changed.base.clone(),
                    None => Some(ours.clone()),
                };
                let mut take = Vec::new();
                let mut both = Vec::new();
                for column in base.differing(&theirs_now) {
                    if ours.fields.get(column) == theirs_now.fields.get(column) {
                        continue;
                    }
                    let ours_changed = ours_base
                        .as_ref()
                        .is_none_or(|b| b.fields.get(column) != ours.fields.get(column));
                    if ours_changed {
                        both.push(column);
                    } else {
                        take.push(column);
                    }
                }
                self.settle(id, &ours, &now, &theirs_now, &take, &both, dependents)?;
            }
        }
        Ok(())
    }

    /// Takes the other's value for `take`, and resolves the columns `both` sides changed.
    #[allow(clippy::too_many_arguments)]
    fn settle(
        &mut self,
        id: i64,
        ours: &Entity,
        theirs_raw: &Entity,
        theirs: &Entity,
        take: &[&'static str],
        both: &[&'static str],
        dependents: &mut Dependents,
    ) -> Result<()> {
        let table = ours.key.table;
        let kind = table.kind();
        let mut take: Vec<&'static str> = take.to_vec();
        let mut both: Vec<&'static str> = both.to_vec();
        // A segment's range moves as one, and a segment whose place or code both sides changed
        // keeps the project's and gets the other's beside it.
        if table == Table::Segments {
            let placed = ["start", "end", "text", "code_id", "document_id"];
            if both.iter().any(|c| placed.contains(c)) {
                take.retain(|c| !placed.contains(c));
                both.retain(|c| !placed.contains(c));
                self.segment_beside(ours, theirs_raw, dependents)?;
            }
        }
        // A name the project gives to another row of the same kind stays the project's.
        if let Some(clash) = self.name_clash(id, ours, theirs, &take)? {
            take.retain(|c| *c != "name" && *c != "parent_id");
            let what = self.describe_ours(ours);
            self.conflict(
                kind,
                what,
                "name",
                ours.text("name").into(),
                format!("{} ({clash})", theirs.text("name")),
                Resolution::ProjectKept,
            );
        }
        let mut values: Vec<(&'static str, Value)> = Vec::new();
        for column in &take {
            values.push((column, self.value(theirs, column, dependents)?));
        }
        for column in &both {
            let what = self.describe_ours(ours);
            let (mine, other) = (ours.fields.get(column), theirs.fields.get(column));
            if table.column(column) == Some(Column::Prose) {
                let (mine, other) = (shown(mine), shown(other));
                if mine.contains(other.trim()) {
                    continue;
                }
                let header = self.header(theirs_raw);
                let joined = if mine.trim().is_empty() || mine == "–" {
                    other.clone()
                } else {
                    format!("{mine}\n\n{header}\n{other}")
                };
                values.push((column, Value::Text(joined)));
                self.conflict(kind, what, column, mine, other, Resolution::OtherAppended);
            } else {
                let (mine, other) = (
                    self.shown_value(table, column, mine)?,
                    self.shown_value(table, column, other)?,
                );
                self.conflict(kind, what, column, mine, other, Resolution::ProjectKept);
            }
        }
        if values.is_empty() {
            if both.is_empty() && take.is_empty() {
                self.report.tally(kind).already_there += 1;
            }
            return Ok(());
        }
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("\"{c}\" = ?{}", i + 1))
            .collect();
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ?{}",
            table.name(),
            sets.join(", "),
            values.len() + 1
        );
        let mut params: Vec<Value> = values.into_iter().map(|(_, v)| v).collect();
        params.push(Value::Integer(id));
        let refs: Vec<&dyn rusqlite::ToSql> =
            params.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
        self.change.update(table.name(), id, &sql, &refs)?;
        self.report.tally(kind).changed += 1;
        Ok(())
    }

    /// Deletes a row the other file deleted, unless the project changed it or still uses it.
    fn delete(&mut self, base: &Entity) -> Result<()> {
        let table = base.key.table;
        let kind = table.kind();
        let key = self.translate(base).key;
        let Some((id, ours)) = self.ours_rows.find(self.change.tx(), &key)? else {
            self.report.tally(kind).already_there += 1;
            return Ok(());
        };
        if self.three_way && self.ours_diff.get(&ours.key).is_some() {
            let what = self.describe_ours(&ours);
            self.conflict(
                kind,
                what,
                "deleted",
                "changed".into(),
                "deleted".into(),
                Resolution::KeptChanged,
            );
            return Ok(());
        }
        if let Some(user) = self.still_used(table, id)? {
            let what = self.describe_ours(&ours);
            self.conflict(
                kind,
                what,
                "deleted",
                format!("in use ({user})"),
                "deleted".into(),
                Resolution::KeptInUse,
            );
            return Ok(());
        }
        self.change.delete(table.name(), id)?;
        self.learn_deleted(table, id, &ours.guid);
        self.report.tally(kind).deleted += 1;
        Ok(())
    }

    /// What in the project still refers to the row `id` of `table`.
    fn still_used(&self, table: Table, id: i64) -> Result<Option<String>> {
        let checks: &[(&str, (&str, &str))] = match table {
            Table::Codes => &[
                (
                    "SELECT count(*) FROM codes WHERE parent_id = ?1",
                    ("sub-code", "sub-codes"),
                ),
                (
                    "SELECT count(*) FROM segments WHERE code_id = ?1",
                    ("segment", "segments"),
                ),
                (
                    "SELECT count(*) FROM memos WHERE target_kind = 'code' AND target_id = ?1",
                    ("memo", "memos"),
                ),
            ],
            Table::Documents => &[
                (
                    "SELECT count(*) FROM segments WHERE document_id = ?1",
                    ("segment", "segments"),
                ),
                (
                    "SELECT count(*) FROM document_values WHERE document_id = ?1",
                    ("attribute value", "attribute values"),
                ),
                (
                    "SELECT count(*) FROM memos WHERE target_kind = 'document' AND target_id = ?1",
                    ("memo", "memos"),
                ),
            ],
            Table::Jobcenters => &[
                (
                    "SELECT count(*) FROM documents WHERE jobcenter_id = ?1",
                    ("document", "documents"),
                ),
                (
                    "SELECT count(*) FROM jobcenter_values WHERE jobcenter_id = ?1",
                    ("attribute value", "attribute values"),
                ),
                (
                    "SELECT count(*) FROM type_evidence WHERE jobcenter_id = ?1",
                    ("evidence link", "evidence links"),
                ),
                (
                    "SELECT count(*) FROM memos WHERE target_kind = 'jobcenter' AND target_id = ?1",
                    ("memo", "memos"),
                ),
            ],
            Table::Coders => &[(
                "SELECT count(*) FROM segments WHERE coder_id = ?1",
                ("segment", "segments"),
            )],
            Table::Attributes => &[
                (
                    "SELECT count(*) FROM jobcenter_values WHERE attribute_id = ?1",
                    ("value", "values"),
                ),
                (
                    "SELECT count(*) FROM document_values WHERE attribute_id = ?1",
                    ("value", "values"),
                ),
            ],
            Table::Segments => &[(
                "SELECT count(*) FROM type_evidence WHERE segment_id = ?1",
                ("evidence link", "evidence links"),
            )],
            _ => &[],
        };
        for (sql, (one, many)) in checks {
            let n: i64 = self
                .ours()
                .prepare_cached(sql)?
                .query_row([id], |r| r.get(0))?;
            if n > 0 {
                return Ok(Some(format!("{n} {}", if n == 1 { one } else { many })));
            }
        }
        Ok(None)
    }

    /// The first reference of `entity` (the other file's GUIDs) that cannot be had in the
    /// project: the description of what it refers to.
    fn missing_reference(
        &mut self,
        entity: &Entity,
        dependents: &mut Dependents,
    ) -> Result<Option<String>> {
        let table = entity.key.table;
        for &(name, column) in table.columns() {
            let target = match column {
                Column::Ref(target) => Some(target),
                Column::MemoTarget => memo_target_table(entity.text("target_kind")),
                _ => None,
            };
            let Some(target) = target else { continue };
            let guid = entity.text(name).to_owned();
            if guid.is_empty() {
                continue;
            }
            if self.resolve(target, &guid, dependents)?.is_none() {
                let owner = match Rows::id(self.theirs_conn, target, &guid)? {
                    Some(id) => match self.theirs_rows.entity(self.theirs_conn, target, id)? {
                        Some(e) => self.describe_theirs(&e),
                        None => guid.clone(),
                    },
                    None => guid.clone(),
                };
                return Ok(Some(owner));
            }
        }
        Ok(None)
    }

    fn leave_out(&mut self, entity: &Entity, owner: String, dependents: &mut Dependents) {
        if entity.key.table.has_guid() {
            self.left_out
                .insert((entity.key.table, entity.key.name.clone()));
        }
        *dependents
            .entry((entity.key.table.kind(), owner))
            .or_default() += 1;
    }

    /// A row of the project that is the same as a new row of the other file by what names it.
    fn natural_match(&mut self, raw: &Entity, theirs: &Entity) -> Result<Option<(i64, Entity)>> {
        let table = theirs.key.table;
        let id: Option<i64> = match table {
            Table::Jobcenters | Table::Coders => self
                .change
                .tx()
                .prepare_cached(&format!(
                    "SELECT id FROM {} WHERE name = ?1 COLLATE NOCASE",
                    table.name()
                ))?
                .query_row([theirs.text("name")], |r| r.get(0))
                .optional()?,
            Table::Attributes => self
                .change
                .tx()
                .prepare_cached(
                    "SELECT id FROM attributes WHERE scope = ?1 AND name = ?2 COLLATE NOCASE",
                )?
                .query_row([theirs.text("scope"), theirs.text("name")], |r| r.get(0))
                .optional()?,
            Table::Codes => {
                let parent = match theirs.fields.get("parent_id") {
                    Some(Json::String(g)) => self.ours_id(Table::Codes, g)?,
                    _ => None,
                };
                self.change
                    .tx()
                    .prepare_cached(
                    "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
                )?
                .query_row(params![parent, theirs.text("name")], |r| r.get(0))
                .optional()?
            }
            Table::Documents => self
                .change
                .tx()
                .prepare_cached(
                    "SELECT d.id FROM documents d JOIN texts t ON t.id = d.text_id WHERE t.sha256 = ?1",
                )?
                .query_row([theirs.text("text_id")], |r| r.get(0))
                .optional()?,
            Table::Segments => {
                let (Some(document), Some(code), Some(coder)) = (
                    self.ours_id(Table::Documents, theirs.text("document_id"))?,
                    self.ours_id(Table::Codes, theirs.text("code_id"))?,
                    self.ours_id(Table::Coders, theirs.text("coder_id"))?,
                ) else {
                    return Ok(None);
                };
                self.change
                    .tx()
                    .prepare_cached(
                    // By document and start: a handful of rows, where document and code can be
                    // thousands.
                    r#"SELECT id FROM segments INDEXED BY segments_document WHERE document_id = ?1 AND start = ?4 AND code_id = ?2 AND coder_id = ?3 AND "end" = ?5"#,
                )?
                .query_row(
                    params![document, code, coder, theirs.int("start"), theirs.int("end")],
                    |r| r.get(0),
                )
                .optional()?
            }
            _ => None,
        };
        let Some(id) = id else { return Ok(None) };
        let Some(ours) = self.ours_rows.entity(self.change.tx(), table, id)? else {
            return Ok(None);
        };
        if table == Table::Documents && ours.text("name") != raw.text("name") {
            self.report.notes.push(format!(
                "document “{}” of the other file is the project's “{}” (the same text)",
                raw.text("name"),
                ours.text("name")
            ));
        }
        self.ident
            .insert((table, raw.key.name.clone()), ours.key.name.clone());
        Ok(Some((id, ours)))
    }

    /// Inserts a row of the other file (its GUIDs) into the project; `guid` overrides its own.
    fn insert(
        &mut self,
        raw: &Entity,
        guid: Option<&str>,
        dependents: &mut Dependents,
    ) -> Result<Option<i64>> {
        let table = raw.key.table;
        if let Some(owner) = self.missing_reference(raw, dependents)? {
            self.leave_out(raw, owner, dependents);
            return Ok(None);
        }
        let theirs = self.translate(raw);
        // A row named as one the project holds (a code brought back where the project made one of
        // that name meanwhile) is that row.
        if guid.is_none()
            && matches!(
                table,
                Table::Codes
                    | Table::Jobcenters
                    | Table::Coders
                    | Table::Attributes
                    | Table::Documents
            )
            && let Some((id, _)) = self.natural_match(raw, &theirs)?
        {
            return Ok(Some(id));
        }
        if table == Table::Documents
            && super::super::documents::find(self.ours(), theirs.text("name"))?.is_some()
        {
            self.left_out.insert((Table::Documents, raw.guid.clone()));
            self.report.left_out.push(LeftOut {
                kind: Kind::Documents,
                what: format!("“{}”", theirs.text("name")),
                why: LeftOutReason::NameHasAnotherText,
            });
            return Ok(None);
        }
        let mut columns: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        for &(name, _) in table.columns() {
            if name == "guid" {
                continue;
            }
            columns.push(name);
            values.push(self.value(&theirs, name, dependents)?);
        }
        let own_guid = match (guid, table.has_guid(), table) {
            (Some(g), _, _) => Some(g.to_owned()),
            (None, true, _) => Some(raw.guid.clone()),
            (None, false, Table::Memos) => {
                let taken = Rows::id(self.ours(), Table::Memos, &raw.guid)?.is_some();
                Some(if taken || raw.guid.is_empty() {
                    new_guid()
                } else {
                    raw.guid.clone()
                })
            }
            _ => None,
        };
        if let Some(g) = &own_guid {
            columns.push("guid");
            values.push(Value::Text(g.clone()));
        }
        if matches!(
            table,
            Table::Attributes | Table::Jobcenters | Table::Codes | Table::Documents
        ) {
            let position: i64 = self.ours().query_row(
                &format!(
                    "SELECT coalesce(max(position), -1) + 1 FROM {}",
                    table.name()
                ),
                [],
                |r| r.get(0),
            )?;
            columns.push("position");
            values.push(Value::Integer(position));
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name(),
            columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=values.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let refs: Vec<&dyn rusqlite::ToSql> =
            values.iter().map(|v| v as &dyn rusqlite::ToSql).collect();
        let id = self.change.insert(table.name(), &sql, &refs)?;
        if table.has_guid() {
            self.learn_inserted(table, id, own_guid.as_deref());
            if own_guid.as_deref() != Some(raw.key.name.as_str()) && guid.is_none() {
                self.ident
                    .insert((table, raw.key.name.clone()), own_guid.unwrap_or_default());
            }
        }
        Ok(Some(id))
    }

    /// Puts the other file's version of a segment beside the project's, once.
    fn segment_beside(
        &mut self,
        ours: &Entity,
        theirs_raw: &Entity,
        dependents: &mut Dependents,
    ) -> Result<()> {
        if !self.beside.insert(ours.guid.clone()) {
            return Ok(());
        }
        let what = self.describe_ours(ours);
        let other = self.describe_theirs(theirs_raw);
        let theirs = self.translate(theirs_raw);
        if self.natural_match(theirs_raw, &theirs)?.is_none() {
            self.insert(theirs_raw, Some(&new_guid()), dependents)?;
            self.report.tally(Kind::Segments).came_across += 1;
        }
        self.conflict(
            Kind::Segments,
            what.clone(),
            "place",
            what,
            other,
            Resolution::OtherBeside,
        );
        Ok(())
    }

    /// Whether taking the other's name (or place) would give a row a name a sibling holds.
    fn name_clash(
        &self,
        id: i64,
        ours: &Entity,
        theirs: &Entity,
        take: &[&'static str],
    ) -> Result<Option<String>> {
        if !take.iter().any(|c| *c == "name" || *c == "parent_id") {
            return Ok(None);
        }
        let pick = |c: &str| {
            if take.contains(&c) {
                theirs.fields.get(c)
            } else {
                ours.fields.get(c)
            }
        };
        let name = pick("name").and_then(Json::as_str).unwrap_or_default();
        let conn = self.ours();
        let taken: Option<i64> = match ours.key.table {
            Table::Codes => {
                let parent = match pick("parent_id") {
                    Some(Json::String(g)) => Rows::id(conn, Table::Codes, g)?,
                    _ => None,
                };
                if let Some(parent) = parent
                    && codes::subtree(conn, CodeId(id))?
                        .iter()
                        .any(|(c, _)| c.0 == parent)
                {
                    return Ok(Some("the move would put it into its own sub-tree".into()));
                }
                conn.query_row(
                    "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2 AND id <> ?3",
                    params![parent, name, id],
                    |r| r.get(0),
                )
                .optional()?
            }
            Table::Documents | Table::Jobcenters | Table::Coders => conn
                .query_row(
                    &format!(
                        "SELECT id FROM {} WHERE name = ?1 COLLATE NOCASE AND id <> ?2",
                        ours.key.table.name()
                    ),
                    params![name, id],
                    |r| r.get(0),
                )
                .optional()?,
            Table::Attributes => conn
                .query_row(
                    "SELECT id FROM attributes WHERE scope = ?1 AND name = ?2 COLLATE NOCASE AND id <> ?3",
                    params![ours.text("scope"), name, id],
                    |r| r.get(0),
                )
                .optional()?,
            _ => None,
        };
        Ok(taken.map(|_| format!("“{name}” is taken in the project")))
    }

    /// The value to write into the project for a column of an entity in the project's GUIDs.
    fn value(
        &mut self,
        theirs: &Entity,
        column: &'static str,
        dependents: &mut Dependents,
    ) -> Result<Value> {
        let table = theirs.key.table;
        let json = theirs.fields.get(column).cloned().unwrap_or(Json::Null);
        let target = match table.column(column) {
            Some(Column::Ref(target)) => Some(target),
            Some(Column::MemoTarget) => match memo_target_table(theirs.text("target_kind")) {
                Some(target) => Some(target),
                None => return Ok(Value::Integer(0)),
            },
            Some(Column::Text) => return Ok(Value::Integer(self.text_id(theirs.text(column))?)),
            _ => None,
        };
        if let Some(target) = target {
            return Ok(match json {
                Json::String(guid) if !guid.is_empty() => match self.ours_id(target, &guid)? {
                    Some(id) => Value::Integer(id),
                    None => match self.resolve(target, &guid, dependents)? {
                        Some(id) => Value::Integer(id),
                        None => Value::Null,
                    },
                },
                _ => Value::Null,
            });
        }
        Ok(match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Integer(i64::from(b)),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Integer(i),
                None => Value::Real(n.as_f64().unwrap_or_default()),
            },
            Json::String(s) => Value::Text(s),
            other => Value::Text(other.to_string()),
        })
    }

    /// The project's stored text with this hash, copied from the other file (with its speaker
    /// turns) if the project lacks it. Texts are content-addressed and not in the log.
    fn text_id(&mut self, hash: &str) -> Result<i64> {
        let ours = self.change.tx();
        if let Some(id) = ours
            .query_row("SELECT id FROM texts WHERE sha256 = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()?
        {
            return Ok(id);
        }
        let (theirs_id, char_len, body): (i64, i64, String) = self.theirs_conn.query_row(
            "SELECT id, char_len, body FROM texts WHERE sha256 = ?1",
            [hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        ours.execute(
            "INSERT INTO texts (sha256, char_len, body) VALUES (?1, ?2, ?3)",
            params![hash, char_len, body],
        )?;
        let id = ours.last_insert_rowid();
        let mut read = self.theirs_conn.prepare(
            r#"SELECT ordinal, speaker, timestamp, start, "end" FROM text_turns WHERE text_id = ?1 ORDER BY ordinal"#,
        )?;
        let turns = read.query_map([theirs_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut write = ours.prepare_cached(
            r#"INSERT INTO text_turns (text_id, ordinal, speaker, timestamp, start, "end") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"#,
        )?;
        for turn in turns {
            let (ordinal, speaker, timestamp, start, end) = turn?;
            write.execute(params![id, ordinal, speaker, timestamp, start, end])?;
        }
        Ok(id)
    }

    fn header(&self, theirs_raw: &Entity) -> String {
        let coder = match theirs_raw.fields.get("coder_id") {
            Some(Json::String(g)) => self
                .theirs_conn
                .query_row("SELECT name FROM coders WHERE guid = ?1", [g], |r| {
                    r.get::<_, String>(0)
                })
                .ok(),
            _ => None,
        };
        let date = match theirs_raw.fields.get("modified_at") {
            Some(Json::String(at)) if at.len() >= 10 => at[..10].to_owned(),
            _ => self.author.date.clone(),
        };
        format!(
            "--- aus „{}“ ({}, {date}) ---",
            self.report.other,
            coder.unwrap_or_else(|| self.author.names.clone())
        )
    }

    fn conflict(
        &mut self,
        kind: Kind,
        what: String,
        field: &str,
        project: String,
        other: String,
        done: Resolution,
    ) {
        self.report.conflicts.push(Conflict {
            kind,
            what,
            field: field.to_owned(),
            project,
            other,
            done,
        });
    }

    fn describe_ours(&self, entity: &Entity) -> String {
        describe(self.ours(), entity)
    }

    fn describe_theirs(&self, entity: &Entity) -> String {
        describe(self.theirs_conn, entity)
    }

    /// A value as the report shows it: a referenced row by its name.
    fn shown_value(&self, table: Table, column: &str, value: Option<&Json>) -> Result<String> {
        if let (Some(Column::Ref(target)), Some(Json::String(guid))) = (table.column(column), value)
        {
            return Ok(name_of(self.ours(), target, guid)
                .or_else(|| name_of(self.theirs_conn, target, guid))
                .unwrap_or_else(|| guid.clone()));
        }
        Ok(shown(value))
    }
}

/// The name a person knows a row by, looked up in the file whose GUIDs `entity` carries; the
/// report puts its kind beside it. The project's memo has no name: it is the memo.
fn describe(conn: &Connection, entity: &Entity) -> String {
    let name = |table, column: &str| {
        name_of(conn, table, entity.text(column)).unwrap_or_else(|| "?".into())
    };
    match entity.key.table {
        Table::Documents | Table::Jobcenters | Table::Coders | Table::Attributes => {
            format!("“{}”", entity.text("name"))
        }
        Table::Codes => format!(
            "“{}”",
            name_of(conn, Table::Codes, &entity.guid).unwrap_or_else(|| entity.text("name").into())
        ),
        Table::JobcenterValues => format!(
            "“{}” · “{}”",
            name(Table::Jobcenters, "jobcenter_id"),
            name(Table::Attributes, "attribute_id")
        ),
        Table::DocumentValues => format!(
            "“{}” · “{}”",
            name(Table::Documents, "document_id"),
            name(Table::Attributes, "attribute_id")
        ),
        Table::Segments => format!(
            "“{}” {}–{} · “{}” · {}",
            name(Table::Documents, "document_id"),
            entity.int("start"),
            entity.int("end"),
            name(Table::Codes, "code_id"),
            name(Table::Coders, "coder_id"),
        ),
        Table::Memos => match memo_target_table(entity.text("target_kind")) {
            Some(target) => format!(
                "“{}”",
                name_of(conn, target, entity.text("target_id")).unwrap_or_else(|| "?".into())
            ),
            None => String::new(),
        },
        Table::TypeEvidence => format!(
            "“{}” · “{}”",
            name(Table::Jobcenters, "jobcenter_id"),
            name(Table::Segments, "segment_id")
        ),
    }
}

/// The name of the row with `guid` (a code's path).
fn name_of(conn: &Connection, table: Table, guid: &str) -> Option<String> {
    if table == Table::Codes {
        let id = Rows::id(conn, table, guid).ok()??;
        return codes::code_path(conn, CodeId(id)).ok();
    }
    let column = match table {
        Table::Segments => "text",
        _ => "name",
    };
    conn.query_row(
        &format!("SELECT {column} FROM {} WHERE guid = ?1", table.name()),
        [guid],
        |r| r.get(0),
    )
    .ok()
}
