//! The code system: a tree of codes with colours and coding rules.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::log::Change;
use super::{Project, new_guid};
use crate::coding::codebook::{self, CodebookEntry};
use crate::error::{Error, Result};
use crate::model::{Code, CodeId};

/// The colour a code gets when none is given.
pub const DEFAULT_COLOR: &str = "#9CA3AF";

impl Project {
    /// The code tree in display order (each parent before its children), with full paths.
    pub fn codes(&self) -> Result<Vec<Code>> {
        codes(&self.conn)
    }

    /// The code at a path like `Arbeitslogik/Sozialberatung`.
    pub fn code_by_path(&self, path: &str) -> Result<Code> {
        let wanted = codebook::normalise_path(path)?;
        self.codes()?
            .into_iter()
            .find(|c| c.path == wanted)
            .ok_or_else(|| Error::UnknownCode(wanted))
    }

    /// Creates the code at `path`, and its missing parents; refuses an existing one.
    pub fn add_code(
        &mut self,
        path: &str,
        color: Option<&str>,
        description: &str,
    ) -> Result<CodeId> {
        let path = codebook::normalise_path(path)?;
        let color = color.map(codebook::normalise_color).transpose()?;
        let mut change = self.change()?;
        let id = add_path(&mut change, &path, color.as_deref(), description, true)?;
        change.commit(&format!("Code „{path}“ angelegt"))?;
        Ok(id)
    }

    /// Adds the codes of a codebook that are not in the code system yet; returns how many were new.
    pub fn add_codebook(&mut self, entries: &[CodebookEntry], label: &str) -> Result<usize> {
        let mut change = self.change()?;
        let mut added = 0;
        for entry in entries {
            if find_path(change.tx(), &entry.path)?.is_none() {
                add_path(
                    &mut change,
                    &entry.path,
                    Some(&entry.color),
                    &entry.description,
                    false,
                )?;
                added += 1;
            }
        }
        change.commit(label)?;
        Ok(added)
    }

    /// Segment counts per code: (own segments, segments of the code and all its sub-codes).
    pub fn code_counts(&self) -> Result<HashMap<CodeId, (usize, usize)>> {
        let codes = self.codes()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code_id, count(*) FROM segments GROUP BY code_id")?;
        let own: HashMap<CodeId, usize> = stmt
            .query_map([], |r| {
                Ok((CodeId(r.get(0)?), r.get::<_, i64>(1)? as usize))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut counts: HashMap<CodeId, (usize, usize)> = codes
            .iter()
            .map(|c| {
                let n = own.get(&c.id).copied().unwrap_or(0);
                (c.id, (n, n))
            })
            .collect();
        // Children come after their parents, so walking backwards adds each subtree once.
        for code in codes.iter().rev() {
            if let Some(parent) = code.parent {
                let subtotal = counts[&code.id].1;
                if let Some(entry) = counts.get_mut(&parent) {
                    entry.1 += subtotal;
                }
            }
        }
        Ok(counts)
    }
}

pub(super) fn codes(conn: &Connection) -> Result<Vec<Code>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, parent_id, name, color, description FROM codes ORDER BY position, id",
    )?;
    let rows: Vec<(CodeId, Option<CodeId>, String, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                CodeId(r.get(0)?),
                r.get::<_, Option<i64>>(1)?.map(CodeId),
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut children: HashMap<Option<CodeId>, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        children.entry(row.1).or_default().push(i);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, String, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|&i| (i, String::new(), 0)).collect())
        .unwrap_or_default();
    while let Some((i, prefix, depth)) = stack.pop() {
        let (id, parent, name, color, description) = &rows[i];
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if let Some(kids) = children.get(&Some(*id)) {
            for &k in kids.iter().rev() {
                stack.push((k, path.clone(), depth + 1));
            }
        }
        out.push(Code {
            id: *id,
            parent: *parent,
            name: name.clone(),
            path,
            depth,
            color: color.clone(),
            description: description.clone(),
        });
    }
    Ok(out)
}

/// The id of the code at a normalised path.
pub(super) fn find_path(conn: &Connection, path: &str) -> Result<Option<CodeId>> {
    let mut parent: Option<i64> = None;
    for name in path.split('/') {
        let found: Option<i64> = conn
            .query_row(
                "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
                rusqlite::params![parent, name],
                |r| r.get(0),
            )
            .optional()?;
        match found {
            Some(id) => parent = Some(id),
            None => return Ok(None),
        }
    }
    Ok(parent.map(CodeId))
}

/// Creates the code at a normalised path and any missing parents within the change.
fn add_path(
    change: &mut Change<'_>,
    path: &str,
    color: Option<&str>,
    description: &str,
    refuse_existing: bool,
) -> Result<CodeId> {
    let names: Vec<&str> = path.split('/').collect();
    let mut parent: Option<i64> = None;
    let mut parent_color: Option<String> = None;
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let existing: Option<(i64, String)> = change
            .tx()
            .query_row(
                "SELECT id, color FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
                rusqlite::params![parent, name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((id, existing_color)) = existing {
            if last && refuse_existing {
                return Err(Error::DuplicateCode(path.to_owned()));
            }
            parent = Some(id);
            parent_color = Some(existing_color);
            continue;
        }
        let position: i64 = change.tx().query_row(
            "SELECT coalesce(max(position), -1) + 1 FROM codes",
            [],
            |r| r.get(0),
        )?;
        let own_color = if last { color.map(str::to_owned) } else { None }
            .or_else(|| parent_color.clone())
            .unwrap_or_else(|| DEFAULT_COLOR.to_owned());
        let own_description = if last { description } else { "" };
        let id = change.insert(
            "codes",
            "INSERT INTO codes (parent_id, name, color, description, position, guid, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            &[
                &parent,
                name,
                &own_color,
                &own_description,
                &position,
                &new_guid(),
            ],
        )?;
        parent = Some(id);
        parent_color = Some(own_color);
    }
    parent
        .map(CodeId)
        .ok_or_else(|| Error::BadCodePath(path.to_owned(), "it is empty"))
}
