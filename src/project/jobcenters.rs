//! Jobcenters, the cases of the study.

use rusqlite::{Connection, OptionalExtension};

use super::log::Change;
use super::{Project, attributes, new_guid};
use crate::model::error::{Error, Result};
use crate::model::{Jobcenter, JobcenterId, Scope};

impl Project {
    /// All jobcenters in their order, with attributes and document counts.
    pub fn jobcenters(&self) -> Result<Vec<Jobcenter>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.id, j.name, (SELECT count(*) FROM documents d WHERE d.jobcenter_id = j.id)
             FROM jobcenters j ORDER BY j.position, j.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    JobcenterId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut values = attributes::values_by_owner(&self.conn, Scope::Jobcenter)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, documents)| Jobcenter {
                id,
                name,
                attributes: values.remove(&id.0).unwrap_or_default(),
                documents: documents as usize,
            })
            .collect())
    }

    /// The jobcenter of that name (case does not matter).
    pub fn jobcenter(&self, name: &str) -> Result<Jobcenter> {
        let id = find(&self.conn, name)?.ok_or_else(|| Error::UnknownJobcenter(name.to_owned()))?;
        self.jobcenters()?
            .into_iter()
            .find(|j| j.id == id)
            .ok_or_else(|| Error::UnknownJobcenter(name.to_owned()))
    }

    /// Creates the jobcenter if it is new and sets the given attributes (an empty value removes one).
    /// Returns its id and whether it was created.
    pub fn set_jobcenter(
        &mut self,
        name: &str,
        values: &[(String, String)],
    ) -> Result<(JobcenterId, bool)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::UnknownJobcenter(String::new()));
        }
        let mut change = self.change()?;
        let (id, created) = ensure(&mut change, name)?;
        for (key, value) in values {
            attributes::set_value(&mut change, Scope::Jobcenter, id.0, key, value)?;
        }
        let label = if created {
            format!("Jobcenter „{name}“ angelegt")
        } else {
            format!("Merkmale von „{name}“ geändert")
        };
        change.commit(&label)?;
        Ok((id, created))
    }
}

pub(super) fn find(conn: &Connection, name: &str) -> Result<Option<JobcenterId>> {
    Ok(conn
        .query_row(
            "SELECT id FROM jobcenters WHERE name = ?1 COLLATE NOCASE",
            [name.trim()],
            |r| r.get(0).map(JobcenterId),
        )
        .optional()?)
}

/// The jobcenter of that name, created within the change if it does not exist yet.
pub(super) fn ensure(change: &mut Change<'_>, name: &str) -> Result<(JobcenterId, bool)> {
    if let Some(id) = find(change.tx(), name)? {
        return Ok((id, false));
    }
    let position: i64 = change.tx().query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM jobcenters",
        [],
        |r| r.get(0),
    )?;
    let id = change.insert(
        "jobcenters",
        "INSERT INTO jobcenters (name, position, guid, created_at) VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        &[&name.trim(), &position, &new_guid()],
    )?;
    Ok((JobcenterId(id), true))
}
