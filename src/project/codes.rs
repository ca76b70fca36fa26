//! The code system: a tree of codes with colours and coding rules.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::log::Change;
use super::{Project, new_guid};
use crate::coding::codebook::{self, CodebookEntry};
use crate::model::code_path::{MAX_CODE_DEPTH, shortened};
use crate::model::error::{Error, Result};
use crate::model::{Code, CodeId, CodePath};

/// The colour a code gets when none is given.
pub const DEFAULT_COLOR: &str = "#9CA3AF";

impl Project {
    /// The code tree in display order (each parent before its children), with full paths.
    pub fn codes(&self) -> Result<Vec<Code>> {
        codes(&self.conn)
    }

    /// The code at a path like `Arbeitslogik/Sozialberatung`.
    pub fn code_by_path(&self, path: &str) -> Result<Code> {
        let wanted = CodePath::parse(path)?;
        self.codes()?
            .into_iter()
            .find(|c| c.path == wanted)
            .ok_or_else(|| Error::UnknownCode(wanted.into()))
    }

    /// Creates the code at `path`, and its missing parents; refuses an existing one.
    pub fn add_code(
        &mut self,
        path: &str,
        color: Option<&str>,
        description: &str,
    ) -> Result<CodeId> {
        let path = CodePath::parse(path)?;
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
            .prepare_cached("SELECT code_id, sum(n) FROM segment_counts GROUP BY code_id")?;
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

    /// Segments of one code, not counting its sub-codes (the first number of [`Project::code_counts`]).
    pub fn own_segment_count(&self, code: CodeId) -> Result<usize> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(sum(n), 0) FROM segment_counts WHERE code_id = ?1")?
            .query_row([code.0], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Segments of a code and all its sub-codes: what deleting the code would remove.
    pub fn code_segment_count_with_subcodes(&self, code: CodeId) -> Result<usize> {
        code_row(&self.conn, code)?;
        let n: i64 = self.conn.query_row(
            &format!(
                "{SUBTREE} SELECT count(*) FROM segments WHERE code_id IN (SELECT id FROM subtree)"
            ),
            [code.0],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Gives a code a new name; refuses a slash, an empty name and a name a sibling has.
    pub fn rename_code(&mut self, code: CodeId, new_name: &str) -> Result<()> {
        let name = checked_name(new_name)?;
        let mut change = self.change()?;
        let row = code_row(change.tx(), code)?;
        if row.name == name {
            return Ok(());
        }
        let old_path = code_path(change.tx(), code)?;
        if sibling_named(change.tx(), row.parent, &name)?.is_some_and(|id| id != code) {
            let parent_path = row.parent.map(|p| code_path(change.tx(), p)).transpose()?;
            let parent_path = parent_path.map(CodePath::from_stored);
            return Err(Error::DuplicateCode(
                CodePath::child(parent_path.as_ref(), &name).into(),
            ));
        }
        change.update(
            "codes",
            code.0,
            "UPDATE codes SET name = ?1 WHERE id = ?2",
            &[&name, &code.0],
        )?;
        change.commit(&format!("Code „{old_path}“ umbenannt in „{name}“"))?;
        Ok(())
    }

    /// Sets a code's colour, given as `#RRGGBB`.
    pub fn set_code_color(&mut self, code: CodeId, color: &str) -> Result<()> {
        let color = codebook::normalise_color(color)?;
        let mut change = self.change()?;
        let row = code_row(change.tx(), code)?;
        if row.color == color {
            return Ok(());
        }
        let path = code_path(change.tx(), code)?;
        change.update(
            "codes",
            code.0,
            "UPDATE codes SET color = ?1 WHERE id = ?2",
            &[&color, &code.0],
        )?;
        change.commit(&format!("Farbe von Code „{path}“ auf {color} geändert"))?;
        Ok(())
    }

    /// Replaces a code's description (its coding rule, in Markdown).
    pub fn set_code_description(&mut self, code: CodeId, markdown: &str) -> Result<()> {
        let mut change = self.change()?;
        let row = code_row(change.tx(), code)?;
        if row.description == markdown {
            return Ok(());
        }
        let path = code_path(change.tx(), code)?;
        change.update(
            "codes",
            code.0,
            "UPDATE codes SET description = ?1 WHERE id = ?2",
            &[&markdown, &code.0],
        )?;
        change.commit(&format!("Beschreibung von Code „{path}“ geändert"))?;
        Ok(())
    }

    /// Puts a code under `new_parent` (`None`: the top level), before the sibling `before` or last.
    pub fn move_code(
        &mut self,
        code: CodeId,
        new_parent: Option<CodeId>,
        before: Option<CodeId>,
    ) -> Result<()> {
        let mut change = self.change()?;
        let row = code_row(change.tx(), code)?;
        let path = code_path(change.tx(), code)?;
        let parent_path = new_parent.map(|p| code_path(change.tx(), p)).transpose()?;
        if let (Some(parent), Some(parent_path)) = (new_parent, &parent_path)
            && subtree(change.tx(), code)?
                .iter()
                .any(|(id, _)| *id == parent)
        {
            return Err(Error::MoveIntoOwnSubtree {
                code: path,
                target: parent_path.clone(),
            });
        }
        let height = subtree(change.tx(), code)?
            .iter()
            .map(|(_, depth)| *depth as usize)
            .max()
            .unwrap_or(0);
        let parent_depth = parent_path.as_deref().map_or(0, |p| p.split('/').count());
        if parent_depth + 1 + height > MAX_CODE_DEPTH {
            return Err(Error::CodeTreeTooDeep(shortened(&path)));
        }
        let reparented = row.parent != new_parent;
        if reparented && sibling_named(change.tx(), new_parent, &row.name)?.is_some() {
            let parent_path = parent_path.map(CodePath::from_stored);
            return Err(Error::DuplicateCode(
                CodePath::child(parent_path.as_ref(), &row.name).into(),
            ));
        }
        let current = children(change.tx(), new_parent)?;
        let mut order: Vec<(CodeId, i64)> = current
            .iter()
            .copied()
            .filter(|(id, _)| *id != code)
            .collect();
        let index = match before {
            None => order.len(),
            Some(b) if b == code && !reparented => current
                .iter()
                .position(|(id, _)| *id == code)
                .unwrap_or(order.len()),
            Some(b) => match order.iter().position(|(id, _)| *id == b) {
                Some(index) => index,
                None => {
                    return Err(Error::NotASibling {
                        code: code_path(change.tx(), b)?,
                        place: match &parent_path {
                            Some(p) => format!("directly under “{p}”"),
                            None => "at the top level".to_owned(),
                        },
                    });
                }
            },
        };
        order.insert(index, (code, row.position));
        let unchanged = !reparented
            && order
                .iter()
                .map(|(id, _)| *id)
                .eq(current.iter().map(|(id, _)| *id));
        if unchanged {
            return Ok(());
        }
        for (i, (id, position)) in order.iter().enumerate() {
            let i = i as i64;
            if *id == code {
                change.update(
                    "codes",
                    id.0,
                    "UPDATE codes SET parent_id = ?1, position = ?2 WHERE id = ?3",
                    &[&new_parent.map(|p| p.0), &i, &id.0],
                )?;
            } else if *position != i {
                change.update(
                    "codes",
                    id.0,
                    "UPDATE codes SET position = ?1 WHERE id = ?2",
                    &[&i, &id.0],
                )?;
            }
        }
        let label = match (&parent_path, reparented) {
            (_, false) => format!("Code „{path}“ umsortiert"),
            (Some(p), true) => format!("Code „{path}“ nach „{p}“ verschoben"),
            (None, true) => format!("Code „{path}“ auf die oberste Ebene verschoben"),
        };
        change.commit(&label)?;
        Ok(())
    }

    /// Merges `source` into `target`: its segments and sub-codes move over, its memo is appended,
    /// and the code itself goes. Returns how many segments moved.
    pub fn merge_code(&mut self, source: CodeId, target: CodeId) -> Result<usize> {
        let mut change = self.change()?;
        let source_path = code_path(change.tx(), source)?;
        let target_path = code_path(change.tx(), target)?;
        if subtree(change.tx(), source)?
            .iter()
            .any(|(id, _)| *id == target)
        {
            return Err(Error::MergeIntoOwnSubtree {
                code: source_path,
                target: target_path,
            });
        }
        let moving = children(change.tx(), Some(source))?;
        for (child, _) in &moving {
            let name = code_row(change.tx(), *child)?.name;
            if sibling_named(change.tx(), Some(target), &name)?.is_some_and(|id| id != source) {
                return Err(Error::DuplicateCode(format!("{target_path}/{name}")));
            }
        }
        let segments: Vec<i64> = {
            let mut stmt = change
                .tx()
                .prepare("SELECT id FROM segments WHERE code_id = ?1 ORDER BY id")?;
            stmt.query_map([source.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for id in &segments {
            change.update(
                "segments",
                *id,
                "UPDATE segments SET code_id = ?1, modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2",
                &[&target.0, id],
            )?;
        }
        let first = children(change.tx(), Some(target))?
            .iter()
            .map(|(_, position)| position + 1)
            .max()
            .unwrap_or(0);
        // The source goes before its children arrive: one of them may share its name.
        change.delete("codes", source.0)?;
        for (i, (child, _)) in moving.iter().enumerate() {
            change.update(
                "codes",
                child.0,
                "UPDATE codes SET parent_id = ?1, position = ?2 WHERE id = ?3",
                &[&target.0, &(first + i as i64), &child.0],
            )?;
        }
        match (
            code_memo(change.tx(), source)?,
            code_memo(change.tx(), target)?,
        ) {
            (Some((from, text)), Some((into, existing))) => {
                let joined = format!("{}\n\n{}", existing.trim_end(), text.trim_start());
                change.update(
                    "memos",
                    into,
                    "UPDATE memos SET text = ?1, modified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?2",
                    &[&joined, &into],
                )?;
                change.delete("memos", from)?;
            }
            (Some((from, _)), None) => change.update(
                "memos",
                from,
                "UPDATE memos SET target_id = ?1 WHERE id = ?2",
                &[&target.0, &from],
            )?,
            (None, _) => {}
        }
        change.commit(&format!(
            "Code „{source_path}“ mit „{target_path}“ zusammengeführt"
        ))?;
        Ok(segments.len())
    }

    /// Deletes a code with its sub-codes, their segments and memos; returns how many segments went.
    pub fn delete_code(&mut self, code: CodeId) -> Result<usize> {
        let mut change = self.change()?;
        let path = code_path(change.tx(), code)?;
        let mut codes = subtree(change.tx(), code)?;
        let (segments, memos): (Vec<i64>, Vec<i64>) = {
            let tx = change.tx();
            let mut stmt = tx.prepare(&format!(
                "{SUBTREE} SELECT id FROM segments WHERE code_id IN (SELECT id FROM subtree) ORDER BY id"
            ))?;
            let segments = stmt
                .query_map([code.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut stmt = tx.prepare(&format!(
                "{SUBTREE} SELECT id FROM memos WHERE target_kind = 'code' AND target_id IN (SELECT id FROM subtree) ORDER BY id"
            ))?;
            let memos = stmt
                .query_map([code.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            (segments, memos)
        };
        super::typology::unlink_segments(&mut change, &segments)?;
        for id in &segments {
            change.delete("segments", *id)?;
        }
        for id in &memos {
            change.delete("memos", *id)?;
        }
        // Deepest first, so that undo brings back each parent before its children.
        codes.sort_by_key(|(id, depth)| std::cmp::Reverse((*depth, *id)));
        for (id, _) in &codes {
            change.delete("codes", id.0)?;
        }
        let mut label = format!("Code „{path}“ gelöscht");
        let subcodes = codes.len() - 1;
        let parts: Vec<String> = [
            (subcodes, "Untercode", "Untercodes"),
            (segments.len(), "Segment", "Segmenten"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        if !parts.is_empty() {
            label.push_str(&format!(" (mit {})", parts.join(" und ")));
        }
        change.commit(&label)?;
        Ok(segments.len())
    }
}

/// A recursive CTE `subtree(id, depth)`: the code `?1` (depth 0) and all codes below it.
const SUBTREE: &str = "WITH RECURSIVE subtree(id, depth) AS (
    SELECT id, 0 FROM codes WHERE id = ?1
    UNION ALL
    SELECT c.id, subtree.depth + 1 FROM codes c JOIN subtree ON c.parent_id = subtree.id
)";

/// One row of the codes table, as the editing operations read it.
struct CodeRow {
    parent: Option<CodeId>,
    name: String,
    color: String,
    description: String,
    position: i64,
}

fn code_row(conn: &Connection, code: CodeId) -> Result<CodeRow> {
    conn.query_row(
        "SELECT parent_id, name, color, description, position FROM codes WHERE id = ?1",
        [code.0],
        |r| {
            Ok(CodeRow {
                parent: r.get::<_, Option<i64>>(0)?.map(CodeId),
                name: r.get(1)?,
                color: r.get(2)?,
                description: r.get(3)?,
                position: r.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::UnknownCode(code.to_string()))
}

/// The full path of a code, from the top of the tree down.
pub(super) fn code_path(conn: &Connection, code: CodeId) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE up(id, parent_id, name, depth) AS (
             SELECT id, parent_id, name, 0 FROM codes WHERE id = ?1
             UNION ALL
             SELECT c.id, c.parent_id, c.name, up.depth + 1 FROM codes c JOIN up ON c.id = up.parent_id
         )
         SELECT name FROM up ORDER BY depth DESC",
    )?;
    let names: Vec<String> = stmt
        .query_map([code.0], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if names.is_empty() {
        return Err(Error::UnknownCode(code.to_string()));
    }
    Ok(names.join("/"))
}

/// The code and everything below it, each with its depth under the code.
pub(super) fn subtree(conn: &Connection, code: CodeId) -> Result<Vec<(CodeId, i64)>> {
    let mut stmt = conn.prepare_cached(&format!("{SUBTREE} SELECT id, depth FROM subtree"))?;
    let rows = stmt.query_map([code.0], |r| Ok((CodeId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The children of a code (`None`: the top-level codes) with their positions, in display order.
fn children(conn: &Connection, parent: Option<CodeId>) -> Result<Vec<(CodeId, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, position FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) ORDER BY position, id",
    )?;
    let rows = stmt.query_map([parent.map(|p| p.0)], |r| {
        Ok((CodeId(r.get(0)?), r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The code under `parent` (`None`: at the top level) called `name`, if there is one.
fn sibling_named(conn: &Connection, parent: Option<CodeId>, name: &str) -> Result<Option<CodeId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
            rusqlite::params![parent.map(|p| p.0), name],
            |r| r.get(0).map(CodeId),
        )
        .optional()?)
}

/// The memo of a code: its row id and text.
fn code_memo(conn: &Connection, code: CodeId) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, text FROM memos WHERE target_kind = 'code' AND target_id = ?1",
            [code.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A single code name, trimmed; refuses an empty one, a slash and control characters.
fn checked_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    let refuse = |reason| Err(Error::BadCodeName(name.to_owned(), reason));
    if trimmed.is_empty() {
        return refuse("it is empty");
    }
    if trimmed.contains('/') {
        return refuse(
            "it contains “/”, which separates codes in a path; move the code to make it a sub-code",
        );
    }
    if trimmed.chars().any(char::is_control) {
        return refuse("it contains a line break or control character");
    }
    Ok(trimmed.to_owned())
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
    let mut stack: Vec<(usize, Option<CodePath>, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|&i| (i, None, 0)).collect())
        .unwrap_or_default();
    while let Some((i, parent_path, depth)) = stack.pop() {
        let (id, parent, name, color, description) = &rows[i];
        let path = CodePath::child(parent_path.as_ref(), name);
        if let Some(kids) = children.get(&Some(*id)) {
            for &k in kids.iter().rev() {
                stack.push((k, Some(path.clone()), depth + 1));
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
pub(super) fn find_path(conn: &Connection, path: &CodePath) -> Result<Option<CodeId>> {
    let mut parent: Option<i64> = None;
    for name in path.names() {
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

/// The code at a path, created (with any missing parents) within the change if new.
pub(super) fn ensure_path(change: &mut Change<'_>, path: &CodePath) -> Result<CodeId> {
    add_path(change, path, None, "", false)
}

/// Creates the code at a normalised path and any missing parents within the change.
fn add_path(
    change: &mut Change<'_>,
    path: &CodePath,
    color: Option<&str>,
    description: &str,
    refuse_existing: bool,
) -> Result<CodeId> {
    let names: Vec<&str> = path.names().collect();
    if names.len() > MAX_CODE_DEPTH {
        return Err(Error::CodeTreeTooDeep(shortened(path.as_str())));
    }
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
                return Err(Error::DuplicateCode(path.to_string()));
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
        .ok_or_else(|| Error::BadCodePath(path.to_string(), "it is empty"))
}

#[cfg(test)]
mod tests {
    use super::super::SegmentFilter;
    use super::super::testing::{document, paths, project, state};
    use super::*;
    use crate::model::CharRange;
    use crate::model::{DocumentId, MemoTarget, SegmentId};

    const TEXT: &str = "Wir beraten die Leute persönlich. Die Software hilft nur selten.";

    /// A project with codes A (a1, a2), B (b1 with deep) and C, and one document.
    fn fixture() -> (tempfile::TempDir, Project, DocumentId) {
        let (dir, mut p) = project();
        for path in ["A/a1", "A/a2", "B/b1/deep", "C"] {
            p.add_code(path, None, "").unwrap();
        }
        let doc = document(&mut p, "Interview 1", TEXT);
        (dir, p, doc)
    }

    fn id(p: &Project, path: &str) -> CodeId {
        p.code_by_path(path).unwrap().id
    }

    fn latest_label(p: &Project) -> String {
        p.actions(1).unwrap().remove(0).label
    }

    /// Undoes the latest change and redoes it, checking both states exactly.
    fn assert_undo_redo(p: &mut Project, before: &str) {
        let after = state(p);
        p.undo().unwrap();
        assert_eq!(state(p), before, "undo restores the state before");
        p.redo().unwrap();
        assert_eq!(state(p), after, "redo restores the state after");
    }

    #[test]
    fn renaming_keeps_the_code_and_refuses_bad_names() {
        let (_dir, mut p, _) = fixture();
        let a1 = id(&p, "A/a1");
        let before = state(&p);
        p.rename_code(a1, "  Beratung ").unwrap();
        assert_eq!(p.code_by_path("A/Beratung").unwrap().id, a1);
        assert_eq!(latest_label(&p), "Code „A/a1“ umbenannt in „Beratung“");
        assert_undo_redo(&mut p, &before);

        let actions = p.actions(100).unwrap().len();
        assert!(matches!(
            p.rename_code(a1, "x/y"),
            Err(Error::BadCodeName(..))
        ));
        assert!(matches!(
            p.rename_code(a1, "  "),
            Err(Error::BadCodeName(..))
        ));
        let err = p.rename_code(a1, "a2").unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateCode(path) if path == "A/a2"),
            "{err}"
        );
        // The same name at another place is fine, and the same name again is no change.
        p.rename_code(a1, "Beratung").unwrap();
        assert_eq!(p.actions(100).unwrap().len(), actions);
        p.rename_code(a1, "b1").unwrap();
        p.rename_code(a1, "B1").unwrap();
        assert_eq!(p.code_by_path("A/B1").unwrap().id, a1);
        assert!(matches!(
            p.rename_code(CodeId(999), "neu"),
            Err(Error::UnknownCode(_))
        ));
    }

    #[test]
    fn colour_and_description_are_set_and_undone() {
        let (_dir, mut p, _) = fixture();
        let b = id(&p, "B");
        let before = state(&p);
        p.set_code_color(b, "3b6fb6").unwrap();
        assert_eq!(p.code_by_path("B").unwrap().color, "#3B6FB6");
        assert_eq!(latest_label(&p), "Farbe von Code „B“ auf #3B6FB6 geändert");
        assert_undo_redo(&mut p, &before);
        assert!(matches!(
            p.set_code_color(b, "blau"),
            Err(Error::BadColor(_))
        ));

        let before = state(&p);
        let rule = "**Codieren**, wenn die Beratung *persönlich* geschieht.\n\n- Beispiel";
        p.set_code_description(b, rule).unwrap();
        assert_eq!(p.code_by_path("B").unwrap().description, rule);
        assert_eq!(latest_label(&p), "Beschreibung von Code „B“ geändert");
        assert_undo_redo(&mut p, &before);
    }

    #[test]
    fn siblings_are_reordered_and_renumbered() {
        let (_dir, mut p, _) = fixture();
        p.add_code("A/a3", None, "").unwrap();
        let (a, a1, a3) = (id(&p, "A"), id(&p, "A/a1"), id(&p, "A/a3"));
        let before = state(&p);
        p.move_code(a3, Some(a), Some(a1)).unwrap();
        assert_eq!(paths(&p)[..4], ["A", "A/a3", "A/a1", "A/a2"]);
        assert_eq!(latest_label(&p), "Code „A/a3“ umsortiert");
        assert_undo_redo(&mut p, &before);

        let before = state(&p);
        p.move_code(a1, Some(a), None).unwrap();
        assert_eq!(paths(&p)[..4], ["A", "A/a3", "A/a2", "A/a1"]);
        assert_undo_redo(&mut p, &before);

        // Positions among siblings stay distinct, so a new code still comes last.
        let positions: Vec<i64> = children(&p.conn, Some(a))
            .unwrap()
            .iter()
            .map(|(_, position)| *position)
            .collect();
        assert_eq!(positions, [0, 1, 2]);
        p.add_code("A/a4", None, "").unwrap();
        assert_eq!(paths(&p)[..5], ["A", "A/a3", "A/a2", "A/a1", "A/a4"]);

        // Top-level codes reorder the same way; a place that does not change is no change.
        let (a, c) = (id(&p, "A"), id(&p, "C"));
        p.move_code(c, None, Some(a)).unwrap();
        let tops = |p: &Project| -> Vec<String> {
            paths(p).into_iter().filter(|p| !p.contains('/')).collect()
        };
        assert_eq!(tops(&p), ["C", "A", "B"]);
        let actions = p.actions(100).unwrap().len();
        p.move_code(c, None, Some(c)).unwrap();
        p.move_code(a, None, None).unwrap();
        p.move_code(a, None, None).unwrap();
        assert_eq!(tops(&p), ["C", "B", "A"]);
        assert_eq!(p.actions(100).unwrap().len(), actions + 1);
    }

    #[test]
    fn codes_move_to_another_parent_but_not_into_themselves() {
        let (_dir, mut p, doc) = fixture();
        let (a, a2, b, b1) = (id(&p, "A"), id(&p, "A/a2"), id(&p, "B"), id(&p, "B/b1"));
        let deep = id(&p, "B/b1/deep");
        p.apply_code(doc, CharRange::new(0, 3).unwrap(), deep, "Anna", "")
            .unwrap();
        let before = state(&p);
        p.move_code(b1, Some(a), Some(a2)).unwrap();
        assert_eq!(
            paths(&p),
            ["A", "A/a1", "A/b1", "A/b1/deep", "A/a2", "B", "C"]
        );
        assert_eq!(latest_label(&p), "Code „B/b1“ nach „A“ verschoben");
        let segments = p.segments(&SegmentFilter::default()).unwrap();
        assert_eq!(segments[0].code, "A/b1/deep");
        assert_undo_redo(&mut p, &before);

        let before = state(&p);
        p.move_code(b1, None, Some(b)).unwrap();
        assert_eq!(paths(&p)[..4], ["A", "A/a1", "A/a2", "b1"]);
        assert_eq!(
            latest_label(&p),
            "Code „A/b1“ auf die oberste Ebene verschoben"
        );
        assert_undo_redo(&mut p, &before);

        let unchanged = state(&p);
        let err = p.move_code(a, Some(a), None).unwrap_err();
        assert!(matches!(err, Error::MoveIntoOwnSubtree { .. }), "{err}");
        let err = p.move_code(b1, Some(deep), None).unwrap_err();
        assert!(
            err.to_string()
                .contains("“b1” cannot be moved into “b1/deep”"),
            "{err}"
        );
        p.add_code("C/a1", None, "").unwrap();
        let unchanged_with_c_a1 = state(&p);
        let err = p.move_code(id(&p, "C/a1"), Some(a), None).unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateCode(path) if path == "A/a1"),
            "{err}"
        );
        let err = p.move_code(b1, Some(a), Some(b)).unwrap_err();
        assert!(matches!(err, Error::NotASibling { .. }), "{err}");
        assert!(err.to_string().contains("directly under “A”"), "{err}");
        assert_eq!(state(&p), unchanged_with_c_a1);
        p.undo().unwrap();
        assert_eq!(state(&p), unchanged);
    }

    #[test]
    fn merging_moves_segments_sub_codes_and_memo() {
        let (_dir, mut p, doc) = fixture();
        let (a, b, b1, c) = (id(&p, "A"), id(&p, "B"), id(&p, "B/b1"), id(&p, "C"));
        let on_b = p
            .apply_code(doc, CharRange::new(0, 3).unwrap(), b, "Anna", "")
            .unwrap();
        p.apply_code(doc, CharRange::new(4, 11).unwrap(), b, "Ben", "")
            .unwrap();
        let on_b1 = p
            .apply_code(doc, CharRange::new(12, 15).unwrap(), b1, "Anna", "")
            .unwrap();
        p.apply_code(doc, CharRange::new(16, 21).unwrap(), a, "Anna", "")
            .unwrap();
        p.set_memo(&MemoTarget::Code(b), "Memo von B").unwrap();
        p.set_memo(&MemoTarget::Code(a), "Memo von A\n").unwrap();
        p.set_memo(&MemoTarget::Code(c), "Memo von C").unwrap();
        let before = state(&p);

        assert_eq!(p.merge_code(b, a).unwrap(), 2);
        assert_eq!(paths(&p), ["A", "A/a1", "A/a2", "A/b1", "A/b1/deep", "C"]);
        assert_eq!(latest_label(&p), "Code „B“ mit „A“ zusammengeführt");
        let segments = p.segments(&SegmentFilter::default()).unwrap();
        let code_of = |id: SegmentId| segments.iter().find(|s| s.id == id).unwrap().code.clone();
        assert_eq!(code_of(on_b), "A");
        assert_eq!(code_of(on_b1), "A/b1");
        assert_eq!(p.code_counts().unwrap()[&a], (3, 4));
        assert_eq!(
            p.memo(&MemoTarget::Code(a)).unwrap().unwrap().text,
            "Memo von A\n\nMemo von B"
        );
        assert!(p.memo(&MemoTarget::Code(b)).unwrap().is_none());
        assert_undo_redo(&mut p, &before);

        // Without a memo of its own, the target takes over the source's memo.
        p.undo().unwrap();
        let before = state(&p);
        assert_eq!(p.merge_code(c, id(&p, "A/a2")).unwrap(), 0);
        assert_eq!(
            p.memo(&MemoTarget::Code(id(&p, "A/a2")))
                .unwrap()
                .unwrap()
                .text,
            "Memo von C"
        );
        assert_undo_redo(&mut p, &before);
    }

    #[test]
    fn merging_refuses_itself_its_subtree_and_name_clashes() {
        let (_dir, mut p, _) = fixture();
        let (a, b, b1) = (id(&p, "A"), id(&p, "B"), id(&p, "B/b1"));
        let deep = id(&p, "B/b1/deep");
        let unchanged = state(&p);
        assert!(matches!(
            p.merge_code(b, b),
            Err(Error::MergeIntoOwnSubtree { .. })
        ));
        let err = p.merge_code(b, deep).unwrap_err();
        assert!(matches!(err, Error::MergeIntoOwnSubtree { .. }), "{err}");
        p.add_code("A/b1", None, "").unwrap();
        let err = p.merge_code(b, a).unwrap_err();
        assert!(
            matches!(&err, Error::DuplicateCode(path) if path == "A/b1"),
            "{err}"
        );
        p.undo().unwrap();
        assert_eq!(state(&p), unchanged);

        // A child may take the place of its parent even when a grandchild bears the parent's name.
        p.rename_code(deep, "b1").unwrap();
        let before = state(&p);
        p.merge_code(b1, b).unwrap();
        assert_eq!(paths(&p), ["A", "A/a1", "A/a2", "B", "B/b1", "C"]);
        assert_eq!(id(&p, "B/b1"), deep);
        assert_undo_redo(&mut p, &before);
    }

    #[test]
    fn deleting_a_parent_removes_its_subtree_and_undo_brings_all_back() {
        let (_dir, mut p, doc) = fixture();
        let (a, b, b1) = (id(&p, "A"), id(&p, "B"), id(&p, "B/b1"));
        let deep = id(&p, "B/b1/deep");
        p.apply_code(doc, CharRange::new(0, 3).unwrap(), b, "Anna", "erste")
            .unwrap();
        p.apply_code(doc, CharRange::new(4, 11).unwrap(), b1, "Anna", "")
            .unwrap();
        p.apply_code(doc, CharRange::new(12, 15).unwrap(), deep, "Ben", "")
            .unwrap();
        p.apply_code(doc, CharRange::new(16, 21).unwrap(), a, "Anna", "")
            .unwrap();
        p.set_memo(&MemoTarget::Code(b1), "Memo von b1").unwrap();
        p.set_memo(&MemoTarget::Code(a), "Memo von A").unwrap();
        assert_eq!(p.code_segment_count_with_subcodes(b).unwrap(), 3);
        assert_eq!(p.code_segment_count_with_subcodes(b1).unwrap(), 2);
        assert_eq!(p.code_segment_count_with_subcodes(a).unwrap(), 1);
        let before = state(&p);

        assert_eq!(p.delete_code(b).unwrap(), 3);
        assert_eq!(paths(&p), ["A", "A/a1", "A/a2", "C"]);
        assert_eq!(
            latest_label(&p),
            "Code „B“ gelöscht (mit 2 Untercodes und 3 Segmenten)"
        );
        let segments = p.segments(&SegmentFilter::default()).unwrap();
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].code, "A");
        assert_eq!(p.memos().unwrap().len(), 1);
        assert!(matches!(
            p.code_segment_count_with_subcodes(b),
            Err(Error::UnknownCode(_))
        ));
        assert_undo_redo(&mut p, &before);

        p.undo().unwrap();
        assert_eq!(id(&p, "B/b1/deep"), deep);
        assert_eq!(p.integrity_check().unwrap(), "ok");
        assert_eq!(p.delete_code(id(&p, "C")).unwrap(), 0);
        assert_eq!(latest_label(&p), "Code „C“ gelöscht");
    }
}
