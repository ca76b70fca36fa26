//! Attribute definitions and values of jobcenters and documents.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::log::Change;
use super::{Project, new_guid};
use crate::model::error::{Error, Result};
use crate::model::{Attribute, AttributeId, AttributeKind, AttributeValues, Scope};

/// Attribute names the study compares on, created in every new project.
pub const TRAEGERSCHAFT: &str = "Trägerschaft";
pub const LAGE: &str = "Lage";
pub const DIGITALISIERUNGSTYP: &str = "Digitalisierungstyp";

fn builtin() -> Vec<(Scope, &'static str, AttributeKind)> {
    let choice =
        |values: &[&str]| AttributeKind::Choice(values.iter().map(|v| v.to_string()).collect());
    vec![
        (Scope::Jobcenter, TRAEGERSCHAFT, choice(&["gE", "zkT"])),
        (Scope::Jobcenter, LAGE, choice(&["Stadt", "Land"])),
        (
            Scope::Jobcenter,
            DIGITALISIERUNGSTYP,
            choice(&[
                "Digitale Vorreiter",
                "Verhaltener Umgang",
                "Pragmatischer Umgang",
            ]),
        ),
        (Scope::Document, "Rolle", AttributeKind::Text),
        (Scope::Document, "Tätigkeitsbereich", AttributeKind::Text),
        (Scope::Document, "Datum", AttributeKind::Date),
        (Scope::Document, "Interviewer", AttributeKind::Text),
        (Scope::Document, "Pseudonym", AttributeKind::Text),
    ]
}

pub(super) fn insert_builtin(tx: &Transaction<'_>) -> Result<()> {
    for (position, (scope, name, kind)) in builtin().into_iter().enumerate() {
        let (kind, choices) = kind_columns(&kind);
        tx.execute(
            "INSERT INTO attributes (scope, name, kind, choices, position, guid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![scope.as_str(), name, kind, choices, position as i64, new_guid()],
        )?;
    }
    Ok(())
}

fn kind_columns(kind: &AttributeKind) -> (&'static str, Option<String>) {
    match kind {
        AttributeKind::Choice(values) => (
            "choice",
            Some(serde_json::to_string(values).unwrap_or_default()),
        ),
        AttributeKind::Text => ("text", None),
        AttributeKind::Date => ("date", None),
    }
}

fn read_attribute(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attribute> {
    let scope = match r.get::<_, String>(1)?.as_str() {
        "jobcenter" => Scope::Jobcenter,
        _ => Scope::Document,
    };
    let kind = match r.get::<_, String>(3)?.as_str() {
        "choice" => AttributeKind::Choice(
            serde_json::from_str(&r.get::<_, Option<String>>(4)?.unwrap_or_default())
                .unwrap_or_default(),
        ),
        "date" => AttributeKind::Date,
        _ => AttributeKind::Text,
    };
    Ok(Attribute {
        id: AttributeId(r.get(0)?),
        scope,
        name: r.get(2)?,
        kind,
    })
}

pub(super) fn all(conn: &Connection, scope: Scope) -> Result<Vec<Attribute>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, scope, name, kind, choices FROM attributes WHERE scope = ?1 ORDER BY position, id",
    )?;
    let rows = stmt.query_map([scope.as_str()], read_attribute)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Folds a name for lenient matching: case, umlauts written out (ä = ae), punctuation ignored.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Finds the attribute a researcher means by `key`; creates a text attribute if `create` and none fits.
pub(super) fn resolve(
    change: &mut Change<'_>,
    scope: Scope,
    key: &str,
    create: bool,
) -> Result<Attribute> {
    let key = key.trim();
    let wanted = fold(key);
    if wanted.is_empty() {
        return Err(Error::BadAssignment(key.to_owned()));
    }
    if let Some(found) = all(change.tx(), scope)?
        .into_iter()
        .find(|a| fold(&a.name) == wanted)
    {
        return Ok(found);
    }
    let other = match scope {
        Scope::Jobcenter => Scope::Document,
        Scope::Document => Scope::Jobcenter,
    };
    if let Some(found) = all(change.tx(), other)?
        .into_iter()
        .find(|a| fold(&a.name) == wanted)
    {
        return Err(Error::WrongAttributeScope(found.name, other.as_str()));
    }
    if !create {
        return Err(Error::UnknownAttribute(key.to_owned()));
    }
    let position: i64 = change.tx().query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM attributes",
        [],
        |r| r.get(0),
    )?;
    let id = change.insert(
        "attributes",
        "INSERT INTO attributes (scope, name, kind, choices, position, guid) VALUES (?1, ?2, 'text', NULL, ?3, ?4)",
        &[&scope.as_str(), &key, &position, &new_guid()],
    )?;
    Ok(Attribute {
        id: AttributeId(id),
        scope,
        name: key.to_owned(),
        kind: AttributeKind::Text,
    })
}

/// Checks a value against its attribute and returns it in canonical form (`zkt` → `zkT`).
pub fn canonical_value(attribute: &Attribute, value: &str) -> Result<String> {
    let value = value.trim();
    match &attribute.kind {
        AttributeKind::Text => Ok(value.to_owned()),
        AttributeKind::Date => {
            normalise_date(value).ok_or_else(|| Error::BadDate(value.to_owned()))
        }
        AttributeKind::Choice(choices) => choices
            .iter()
            .find(|c| fold(c) == fold(value))
            .cloned()
            .ok_or_else(|| Error::BadAttributeValue {
                attribute: attribute.name.clone(),
                value: value.to_owned(),
                allowed: choices.join(", "),
            }),
    }
}

/// Accepts `2024-03-14` and the German `14.03.2024`; returns the ISO form.
fn normalise_date(value: &str) -> Option<String> {
    let parts: Vec<&str> = if value.contains('-') {
        value.split('-').collect()
    } else {
        let mut p: Vec<&str> = value.split('.').collect();
        p.reverse();
        p
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1000..=9999).contains(&y) || d == 0 || d > days_in_month {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Sets (or with an empty value, removes) one attribute value of a jobcenter or document.
pub(super) fn set_value(
    change: &mut Change<'_>,
    scope: Scope,
    owner: i64,
    key: &str,
    value: &str,
) -> Result<()> {
    let attribute = resolve(change, scope, key, true)?;
    let (table, owner_column) = owner_table(scope);
    let existing: Option<(i64, String)> = change
        .tx()
        .query_row(
            &format!(
                "SELECT id, value FROM {table} WHERE {owner_column} = ?1 AND attribute_id = ?2"
            ),
            params![owner, attribute.id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if value.trim().is_empty() {
        if let Some((id, _)) = existing {
            change.delete(table, id)?;
        }
        return Ok(());
    }
    let value = canonical_value(&attribute, value)?;
    match existing {
        Some((_, old)) if old == value => {}
        Some((id, _)) => change.update(
            table,
            id,
            &format!("UPDATE {table} SET value = ?1 WHERE id = ?2"),
            &[&value, &id],
        )?,
        None => {
            change.insert(
                table,
                &format!(
                    "INSERT INTO {table} ({owner_column}, attribute_id, value) VALUES (?1, ?2, ?3)"
                ),
                &[&owner, &attribute.id.0, &value],
            )?;
        }
    }
    Ok(())
}

/// The table of a scope's values and its owner column.
fn owner_table(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Jobcenter => ("jobcenter_values", "jobcenter_id"),
        Scope::Document => ("document_values", "document_id"),
    }
}

/// All attribute values of one jobcenter or document, in the order of the definitions.
pub(super) fn values_of(conn: &Connection, scope: Scope, owner: i64) -> Result<AttributeValues> {
    values_keyed(conn, scope, owner, "a.name")
}

/// The attribute values of every jobcenter or document, by owner, each in the order of the
/// definitions: one query for a listing, not one per row.
pub(super) fn values_by_owner(
    conn: &Connection,
    scope: Scope,
) -> Result<HashMap<i64, AttributeValues>> {
    let (table, owner_column) = owner_table(scope);
    let sql = format!(
        "SELECT v.{owner_column}, a.name, v.value FROM {table} v JOIN attributes a ON a.id = v.attribute_id
         ORDER BY v.{owner_column}, a.position, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([])?;
    let mut values: HashMap<i64, AttributeValues> = HashMap::new();
    while let Some(r) = rows.next()? {
        values
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?));
    }
    Ok(values)
}

/// The same values keyed by the attribute's GUID, as the REFI-QDA exchange refers to them.
pub(super) fn guid_values_of(
    conn: &Connection,
    scope: Scope,
    owner: i64,
) -> Result<AttributeValues> {
    values_keyed(conn, scope, owner, "a.guid")
}

/// (key, value) of one owner's attribute values; `key` is a column of `attributes a`.
fn values_keyed(
    conn: &Connection,
    scope: Scope,
    owner: i64,
    key: &'static str,
) -> Result<AttributeValues> {
    let (table, owner_column) = owner_table(scope);
    let sql = format!(
        "SELECT {key}, v.value FROM {table} v JOIN attributes a ON a.id = v.attribute_id
         WHERE v.{owner_column} = ?1 ORDER BY a.position, a.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Project {
    /// The attribute definitions of jobcenters or of documents, in their order.
    pub fn attributes(&self, scope: Scope) -> Result<Vec<Attribute>> {
        all(&self.conn, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_umlauts_case_and_punctuation() {
        assert_eq!(fold("Trägerschaft"), "traegerschaft");
        assert_eq!(fold("TRAEGERSCHAFT"), "traegerschaft");
        assert_eq!(fold("Tätigkeits-Bereich"), "taetigkeitsbereich");
    }

    #[test]
    fn choices_take_their_canonical_spelling() {
        let attribute = Attribute {
            id: AttributeId(1),
            scope: Scope::Jobcenter,
            name: TRAEGERSCHAFT.into(),
            kind: AttributeKind::Choice(vec!["gE".into(), "zkT".into()]),
        };
        assert_eq!(canonical_value(&attribute, "ZKT").unwrap(), "zkT");
        let err = canonical_value(&attribute, "Kommune").unwrap_err();
        assert!(err.to_string().contains("allowed are: gE, zkT"), "{err}");
    }

    #[test]
    fn dates_accept_iso_and_german_forms() {
        assert_eq!(normalise_date("2024-03-14").as_deref(), Some("2024-03-14"));
        assert_eq!(normalise_date("14.03.2024").as_deref(), Some("2024-03-14"));
        assert_eq!(normalise_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(normalise_date("2023-02-29"), None);
        assert_eq!(normalise_date("März 2024"), None);
    }
}
