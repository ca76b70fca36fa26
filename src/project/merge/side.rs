//! One side of a merge: its history, the point both files last agreed, and what changed since.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value as Json};

use super::entity::{Entity, Key, Table, memo_target_table};
use crate::model::error::{Error, Result};
use crate::project::log::{self, RowChange};

/// A done change of a file's history.
#[derive(Clone, Debug)]
pub(super) struct Logged {
    pub id: i64,
    pub guid: String,
    pub merged_head: Option<String>,
}

/// The done changes of a file, oldest first.
pub(super) fn history(conn: &Connection) -> Result<Vec<Logged>> {
    let mut stmt = conn.prepare(
        "SELECT id, coalesce(guid, ''), merged_head FROM actions WHERE state = 'done' ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Logged {
            id: r.get(0)?,
            guid: r.get(1)?,
            merged_head: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Where two histories last agreed: how many of each side's done changes came before that point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Ancestor {
    pub ours: usize,
    pub theirs: usize,
    /// Whether the point is an earlier merge of the two (rather than their shared beginning).
    pub by_merge: bool,
}

/// The latest point both histories contain: the end of their shared beginning, or an earlier
/// merge of one into the other (the merge's change on one side, the other's newest change it took
/// in on the other), whichever reaches further into the other's history.
pub(super) fn ancestor(ours: &[Logged], theirs: &[Logged]) -> Ancestor {
    let shared = ours
        .iter()
        .zip(theirs)
        .take_while(|(a, b)| !a.guid.is_empty() && a.guid == b.guid)
        .count();
    let mut best = Ancestor {
        ours: shared,
        theirs: shared,
        by_merge: false,
    };
    let position = |log: &[Logged]| -> HashMap<String, usize> {
        log.iter()
            .enumerate()
            .map(|(i, l)| (l.guid.clone(), i))
            .collect()
    };
    let (in_ours, in_theirs) = (position(ours), position(theirs));
    let mut consider = |candidate: Ancestor| {
        if (candidate.theirs, candidate.ours) > (best.theirs, best.ours) {
            best = candidate;
        }
    };
    for (i, l) in ours.iter().enumerate() {
        if let Some(j) = l.merged_head.as_ref().and_then(|g| in_theirs.get(g)) {
            consider(Ancestor {
                ours: i + 1,
                theirs: j + 1,
                by_merge: true,
            });
        }
    }
    for (j, l) in theirs.iter().enumerate() {
        if let Some(i) = l.merged_head.as_ref().and_then(|g| in_ours.get(g)) {
            consider(Ancestor {
                ours: i + 1,
                theirs: j + 1,
                by_merge: true,
            });
        }
    }
    best
}

/// A row as it was at the common point (`base`) and as it is now (`now`); `None` where it did
/// not exist.
#[derive(Clone, Debug)]
pub(super) struct Changed {
    pub base: Option<Entity>,
    pub now: Option<Entity>,
}

/// What one side changed since the common point, by row, in the order the side first touched
/// the rows.
#[derive(Debug, Default)]
pub(super) struct Diff {
    pub order: Vec<Key>,
    pub rows: HashMap<Key, Changed>,
}

impl Diff {
    fn put(&mut self, key: Key, base: Option<Entity>, now: Option<Entity>) {
        let entry = self.rows.entry(key.clone()).or_insert_with(|| {
            self.order.push(key);
            Changed {
                base: None,
                now: None,
            }
        });
        if entry.base.is_none() {
            entry.base = base;
        }
        if now.is_some() {
            entry.now = now;
        }
    }

    fn drop_unchanged(&mut self) {
        self.rows.retain(|_, c| match (&c.base, &c.now) {
            (None, None) => false,
            (Some(b), Some(n)) => !b.differing(n).is_empty(),
            _ => true,
        });
        let rows = &self.rows;
        self.order.retain(|k| rows.contains_key(k));
    }

    pub(super) fn get(&self, key: &Key) -> Option<&Changed> {
        self.rows.get(key)
    }

    /// The changed rows of one table, in the order the side touched them.
    pub(super) fn of(&self, table: Table) -> impl Iterator<Item = (&Key, &Changed)> {
        self.order
            .iter()
            .filter(move |k| k.table == table)
            .map(|k| (k, &self.rows[k]))
    }
}

/// Remembers a file's GUIDs by row id and its texts' hashes, as a merge looks them up.
#[derive(Default)]
pub(super) struct Rows {
    guids: HashMap<(Table, i64), Option<String>>,
    hashes: HashMap<i64, Option<String>>,
}

impl Rows {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Tells the cache about a row written or removed meanwhile.
    pub(super) fn learn(&mut self, table: Table, id: i64, guid: Option<&str>) {
        self.guids.insert((table, id), guid.map(str::to_owned));
    }

    /// The id of the row with `guid` in `table`.
    pub(super) fn id(conn: &Connection, table: Table, guid: &str) -> Result<Option<i64>> {
        Ok(conn
            .prepare_cached(&format!("SELECT id FROM {} WHERE guid = ?1", table.name()))?
            .query_row([guid], |r| r.get(0))
            .optional()?)
    }

    /// The row `id` of `table` as it stands, read as an entity.
    pub(super) fn entity(
        &mut self,
        conn: &Connection,
        table: Table,
        id: i64,
    ) -> Result<Option<Entity>> {
        let Some(image) = log::snapshot(conn, table.name(), id)? else {
            return Ok(None);
        };
        self.read(conn, table, &image).map(Some)
    }

    /// Reads a row image of the file as it stands now.
    pub(super) fn read(
        &mut self,
        conn: &Connection,
        table: Table,
        image: &Map<String, Json>,
    ) -> Result<Entity> {
        let (guids, hashes) = (&mut self.guids, &mut self.hashes);
        Entity::from_image(
            table,
            image,
            &mut |t, id| lookup_guid(conn, guids, t, id),
            &mut |text| lookup_hash(conn, hashes, text),
        )
        .ok_or_else(|| unnamed(table, image))
    }

    /// The row a key names, as it stands: its id and entity.
    pub(super) fn find(&mut self, conn: &Connection, key: &Key) -> Result<Option<(i64, Entity)>> {
        let id = if key.table.has_guid() {
            Self::id(conn, key.table, &key.name)?
        } else {
            id_by_owners(conn, key)?
        };
        match id {
            Some(id) => Ok(self.entity(conn, key.table, id)?.map(|e| (id, e))),
            None => Ok(None),
        }
    }
}

/// The id of a row named by what it belongs to (a value, a memo, an evidence link).
fn id_by_owners(conn: &Connection, key: &Key) -> Result<Option<i64>> {
    let mut parts = key.name.splitn(2, '|');
    let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let id = |table, guid| Rows::id(conn, table, guid);
    let (sql, first, second): (&str, Option<i64>, Option<i64>) = match key.table {
        Table::JobcenterValues => (
            "SELECT id FROM jobcenter_values WHERE jobcenter_id = ?1 AND attribute_id = ?2",
            id(Table::Jobcenters, a)?,
            id(Table::Attributes, b)?,
        ),
        Table::DocumentValues => (
            "SELECT id FROM document_values WHERE document_id = ?1 AND attribute_id = ?2",
            id(Table::Documents, a)?,
            id(Table::Attributes, b)?,
        ),
        Table::TypeEvidence => (
            "SELECT id FROM type_evidence WHERE jobcenter_id = ?1 AND segment_id = ?2",
            id(Table::Jobcenters, a)?,
            id(Table::Segments, b)?,
        ),
        Table::Memos => {
            let target = match memo_target_table(a) {
                Some(table) => id(table, b)?,
                None => Some(0),
            };
            return match target {
                Some(target) => Ok(conn
                    .prepare_cached(
                        "SELECT id FROM memos WHERE target_kind = ?1 AND target_id = ?2",
                    )?
                    .query_row(rusqlite::params![a, target], |r| r.get(0))
                    .optional()?),
                None => Ok(None),
            };
        }
        _ => return Ok(None),
    };
    let (Some(first), Some(second)) = (first, second) else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([first, second], |r| r.get(0))
        .optional()?)
}

fn lookup_guid(
    conn: &Connection,
    guids: &mut HashMap<(Table, i64), Option<String>>,
    table: Table,
    id: i64,
) -> Option<String> {
    if let Some(known) = guids.get(&(table, id)) {
        return known.clone();
    }
    let guid: Option<String> = conn
        .prepare_cached(&format!("SELECT guid FROM {} WHERE id = ?1", table.name()))
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .ok()
        .flatten();
    guids.insert((table, id), guid.clone());
    guid
}

fn lookup_hash(
    conn: &Connection,
    hashes: &mut HashMap<i64, Option<String>>,
    text: i64,
) -> Option<String> {
    if let Some(known) = hashes.get(&text) {
        return known.clone();
    }
    let hash: Option<String> = conn
        .prepare_cached("SELECT sha256 FROM texts WHERE id = ?1")
        .and_then(|mut s| s.query_row([text], |r| r.get(0)).optional())
        .ok()
        .flatten();
    hashes.insert(text, hash.clone());
    hash
}

fn unnamed(table: Table, image: &Map<String, Json>) -> Error {
    Error::BadLogEntry(format!(
        "a row of {} refers to a row that neither file holds any more (id {})",
        table.name(),
        image.get("id").cloned().unwrap_or(Json::Null)
    ))
}

/// What a file changed in the done changes `since` (ids, oldest first): each row's image before
/// the first of them that touched it, and the row as it stands.
pub(super) fn diff(conn: &Connection, rows: &mut Rows, since: &[i64]) -> Result<Diff> {
    let mut first: HashMap<(Table, i64), Option<Map<String, Json>>> = HashMap::new();
    let mut order: Vec<(Table, i64)> = Vec::new();
    {
        let mut stmt = conn.prepare_cached("SELECT changes FROM actions WHERE id = ?1")?;
        for id in since {
            let changes: String = stmt.query_row([id], |r| r.get(0))?;
            let entries: Vec<RowChange> =
                serde_json::from_str(&changes).map_err(|e| Error::BadLogEntry(e.to_string()))?;
            for entry in entries {
                let Some(table) = Table::from_name(&entry.table) else {
                    continue;
                };
                if entry.id == 0 && entry.before.is_none() && entry.after.is_none() {
                    continue;
                }
                first.entry((table, entry.id)).or_insert_with(|| {
                    order.push((table, entry.id));
                    entry.before
                });
            }
        }
    }
    // What a row's id named at the common point: the GUID in its first image, if the row was
    // touched since; otherwise the row as it stands.
    let base_guids: HashMap<(Table, i64), Option<String>> = first
        .iter()
        .filter(|((table, _), _)| table.has_guid())
        .map(|(key, image)| {
            let guid = image
                .as_ref()
                .and_then(|i| i.get("guid"))
                .and_then(Json::as_str)
                .map(str::to_owned);
            (*key, guid)
        })
        .collect();
    let mut diff = Diff::default();
    for (table, id) in order {
        let before = first.remove(&(table, id)).flatten();
        let base = match before {
            Some(image) => {
                let (guids, hashes) = (&mut rows.guids, &mut rows.hashes);
                Some(
                    Entity::from_image(
                        table,
                        &image,
                        &mut |t, id| match base_guids.get(&(t, id)) {
                            Some(guid) => guid.clone(),
                            None => lookup_guid(conn, guids, t, id),
                        },
                        &mut |text| lookup_hash(conn, hashes, text),
                    )
                    .ok_or_else(|| unnamed(table, &image))?,
                )
            }
            None => None,
        };
        let now = rows.entity(conn, table, id)?;
        match (base, now) {
            (Some(b), Some(n)) if b.key != n.key => {
                diff.put(b.key.clone(), Some(b), None);
                diff.put(n.key.clone(), None, Some(n));
            }
            (b, n) => {
                let key = match (&b, &n) {
                    (Some(e), _) | (None, Some(e)) => e.key.clone(),
                    (None, None) => continue,
                };
                diff.put(key, b, n);
            }
        }
    }
    diff.drop_unchanged();
    Ok(diff)
}

/// Every row of a file as if it were new: what a project made apart brings.
pub(super) fn everything(conn: &Connection, rows: &mut Rows) -> Result<Diff> {
    let mut diff = Diff::default();
    for table in Table::ALL {
        let ids: Vec<i64> = conn
            .prepare(&format!("SELECT id FROM {} ORDER BY id", table.name()))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            if let Some(entity) = rows.entity(conn, table, id)? {
                diff.put(entity.key.clone(), None, Some(entity));
            }
        }
    }
    Ok(diff)
}

/// The ids of the coders who coded in the changed rows: who the other file's work is from.
pub(super) fn coders_of(diff: &Diff) -> HashSet<String> {
    diff.of(Table::Segments)
        .filter_map(|(_, c)| c.now.as_ref())
        .map(|e| e.text("coder_id").to_owned())
        .collect()
}
