//! The project file's side of the REFI-QDA exchange: the whole project read into a [`Bundle`]
//! with its stored GUIDs, and a bundle written into a project as one change of the action log.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rusqlite::{Connection, OptionalExtension, params};

use super::documents::DocumentRow;
use super::log::Change;
use super::segments::{self, SegmentRow};
use super::{Project, attributes, codes, content_hash, documents, jobcenters, new_guid};
use crate::coding::codebook;
use crate::model::bundle::{
    Bundle, BundleCode, BundleSegment, Case, Source, User, Variable, VariableScope, normalise_guid,
};
use crate::model::code_path::{MAX_CODE_DEPTH, shortened};
use crate::model::error::{Error, Result};
use crate::model::range::{CharRange, TextIndex};
use crate::model::{Attribute, AttributeKind, CodeId, CoderId, DocumentId, JobcenterId, Scope};

/// Where sources without a case go when the bundle names no place for them.
const FALLBACK_CASE_NAME: &str = "Ohne Jobcenter";

/// The name a coder without a name gets on import.
const UNNAMED_CODER: &str = "Unbekannt";

/// What an import of a bundle added, reused and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleImport {
    pub documents: usize,
    pub codes: usize,
    pub coders: usize,
    pub segments: usize,
    pub jobcenters: usize,
    pub attributes: usize,
    /// What the project held already and the import used.
    pub reused: Reused,
    /// What was left out or changed on the way in, one sentence each.
    pub skipped: Vec<String>,
}

/// Entities of a bundle that matched ones already in the project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reused {
    pub codes: usize,
    pub coders: usize,
    pub jobcenters: usize,
    pub attributes: usize,
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn listing(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl fmt::Display for BundleImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let added = [
            counted(self.documents, "document", "documents"),
            counted(self.segments, "coded segment", "coded segments"),
            counted(self.codes, "code", "codes"),
            counted(self.coders, "coder", "coders"),
            counted(self.jobcenters, "jobcenter", "jobcenters"),
            counted(self.attributes, "attribute", "attributes"),
        ];
        write!(f, "Imported {}.", listing(&added))?;
        let reused: Vec<String> = [
            (self.reused.codes, "code", "codes"),
            (self.reused.coders, "coder", "coders"),
            (self.reused.jobcenters, "jobcenter", "jobcenters"),
            (self.reused.attributes, "attribute", "attributes"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| counted(n, one, many))
        .collect();
        if !reused.is_empty() {
            write!(
                f,
                "\nAlready in the project and used: {}.",
                listing(&reused)
            )?;
        }
        if !self.skipped.is_empty() {
            write!(f, "\nLeft out or changed ({}):", self.skipped.len())?;
            for sentence in &self.skipped {
                write!(f, "\n  - {sentence}")?;
            }
        }
        Ok(())
    }
}

impl Project {
    /// Only the code system as the REFI-QDA exchange carries it (a codebook): reads the codes and
    /// their memos, none of the texts.
    pub fn codebook_bundle(&self) -> Result<Bundle> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx
            .prepare("SELECT target_kind, target_id, text FROM memos WHERE target_kind = 'code'")?;
        let memos = stmt
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Bundle {
            codes: bundle_codes(&tx, &memos)?,
            ..Bundle::default()
        })
    }

    /// Everything the REFI-QDA exchange carries of this project, with the GUIDs stored for it.
    pub fn to_bundle(&self) -> Result<Bundle> {
        // One read transaction: a consistent picture even while another process writes.
        let tx = self.conn.unchecked_transaction()?;
        let conn: &Connection = &tx;
        let memos = memo_texts(conn)?;
        let memo = |kind: &str, id: i64| memos.get(&(kind.to_owned(), id)).cloned();

        let users = {
            let mut stmt =
                conn.prepare("SELECT guid, name FROM coders ORDER BY name COLLATE NOCASE, id")?;
            stmt.query_map([], |r| {
                Ok(User {
                    guid: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };

        let codes = bundle_codes(conn, &memos)?;

        let attribute_guids = guids(conn, "attributes")?;
        let mut variables = Vec::new();
        for (scope, variable_scope) in [
            (Scope::Jobcenter, VariableScope::Case),
            (Scope::Document, VariableScope::Source),
        ] {
            for attribute in attributes::all(conn, scope)? {
                let (is_date, choices) = match attribute.kind {
                    AttributeKind::Choice(choices) => (false, choices),
                    AttributeKind::Date => (true, Vec::new()),
                    AttributeKind::Text => (false, Vec::new()),
                };
                variables.push(Variable {
                    guid: attribute_guids
                        .get(&attribute.id.0)
                        .cloned()
                        .unwrap_or_default(),
                    name: attribute.name,
                    scope: variable_scope,
                    is_date,
                    choices,
                    description: String::new(),
                });
            }
        }

        let cases = {
            let mut stmt =
                conn.prepare("SELECT id, guid, name FROM jobcenters ORDER BY position, id")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()?;
            rows.into_iter()
                .map(|(id, guid, name)| {
                    Ok(Case {
                        guid,
                        name,
                        values: attributes::guid_values_of(conn, Scope::Jobcenter, id)?,
                        memo: memo("jobcenter", id).unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>>>()?
        };

        let sources = {
            let mut stmt = conn.prepare(
                "SELECT d.id, d.guid, d.name, j.guid, t.body, d.imported_at
                 FROM documents d JOIN jobcenters j ON j.id = d.jobcenter_id JOIN texts t ON t.id = d.text_id
                 ORDER BY j.position, j.id, d.position, d.id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<(i64, String, String, String, String, String)>>>(
                )?;
            rows.into_iter()
                .map(|(id, guid, name, case, text, created_at)| {
                    Ok(Source {
                        guid,
                        name,
                        case: Some(case),
                        turns: documents::turns(conn, DocumentId(id))?,
                        text,
                        values: attributes::guid_values_of(conn, Scope::Document, id)?,
                        memo: memo("document", id).unwrap_or_default(),
                        created_at,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        };

        let segments = {
            let mut stmt = conn.prepare(
                r#"SELECT s.guid, d.guid, c.guid, u.guid, s.start, s."end", s.memo, s.created_at
                   FROM segments s
                   JOIN documents d ON d.id = s.document_id
                   JOIN jobcenters j ON j.id = d.jobcenter_id
                   JOIN codes c ON c.id = s.code_id
                   JOIN coders u ON u.id = s.coder_id
                   ORDER BY j.position, j.id, d.position, d.id, s.start, s."end", s.id"#,
            )?;
            stmt.query_map([], |r| {
                Ok(BundleSegment {
                    guid: r.get(0)?,
                    source: r.get(1)?,
                    code: r.get(2)?,
                    user: r.get(3)?,
                    start: r.get::<_, i64>(4)? as usize,
                    end: r.get::<_, i64>(5)? as usize,
                    memo: r.get(6)?,
                    created_at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
        };

        Ok(Bundle {
            name: self
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            memo: memo("project", 0).unwrap_or_default(),
            users,
            codes,
            variables,
            cases,
            sources,
            segments,
            default_case_name: FALLBACK_CASE_NAME.to_owned(),
        })
    }

    /// Writes a bundle into this project as one change (one undo removes it all, a failure
    /// changes nothing): what matches is reused, what does not fit is left out and reported.
    pub fn import_bundle(&mut self, bundle: &Bundle, label: &str) -> Result<BundleImport> {
        let mut change = self.change()?;
        let mut import = Importer {
            change: &mut change,
            report: BundleImport::default(),
            wrote: false,
            coders: HashMap::new(),
            codes: HashMap::new(),
            attributes: HashMap::new(),
            left_out_variables: HashSet::new(),
            jobcenters: HashMap::new(),
            documents: HashMap::new(),
            left_out_sources: HashSet::new(),
        };
        import.project_memo(&bundle.memo)?;
        import.users(&bundle.users)?;
        import.codes(&bundle.codes)?;
        let valued: HashSet<&str> = bundle
            .cases
            .iter()
            .flat_map(|c| &c.values)
            .chain(bundle.sources.iter().flat_map(|s| &s.values))
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(variable, _)| variable.as_str())
            .collect();
        import.variables(&bundle.variables, &valued)?;
        import.cases(&bundle.cases)?;
        import.sources(bundle)?;
        import.segments(&bundle.segments)?;
        let Importer { report, wrote, .. } = import;
        if wrote {
            change.commit(label)?;
        }
        Ok(report)
    }
}

/// The memo texts by (target kind, target id).
fn memo_texts(conn: &Connection) -> Result<HashMap<(String, i64), String>> {
    let mut stmt = conn.prepare("SELECT target_kind, target_id, text FROM memos")?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The code tree as the exchange carries it, with the codes' GUIDs and memos.
fn bundle_codes(
    conn: &Connection,
    memos: &HashMap<(String, i64), String>,
) -> Result<Vec<BundleCode>> {
    let code_guids = guids(conn, "codes")?;
    let code_guid = |id: CodeId| code_guids.get(&id.0).cloned().unwrap_or_default();
    Ok(codes::codes(conn)?
        .into_iter()
        .map(|c| BundleCode {
            guid: code_guid(c.id),
            parent: c.parent.map(code_guid),
            memo: memos
                .get(&("code".to_owned(), c.id.0))
                .cloned()
                .unwrap_or_default(),
            name: c.name,
            color: c.color,
            description: c.description,
        })
        .collect())
}

/// The stored GUIDs of one table's rows by row id.
fn guids(conn: &Connection, table: &'static str) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare(&format!("SELECT id, guid FROM {table}"))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The bundle's GUID if it is one and no other row of `table` has it, else a fresh one.
fn usable_guid(conn: &Connection, table: &'static str, wanted: &str) -> Result<String> {
    if let Some(guid) = normalise_guid(wanted) {
        let taken: Option<i64> = conn
            .query_row(
                &format!("SELECT id FROM {table} WHERE guid = ?1"),
                [&guid],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_none() {
            return Ok(guid);
        }
    }
    Ok(new_guid())
}

/// A timestamp from another program if it looks like ISO 8601 date and time, else now.
/// What an attribute of this scope describes, for the report.
fn scope_words(scope: Scope) -> &'static str {
    match scope {
        Scope::Jobcenter => "cases (jobcenters)",
        Scope::Document => "documents",
    }
}

fn timestamp_or_now(conn: &Connection, given: &str) -> Result<String> {
    let given = given.trim();
    let b = given.as_bytes();
    let plausible = b.len() >= 19
        && b.len() <= 40
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && given.is_ascii();
    if plausible {
        return Ok(given.to_owned());
    }
    Ok(
        conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| {
            r.get(0)
        })?,
    )
}

/// A code name the code system accepts: trimmed, no slash, no control characters.
fn usable_code_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "(ohne Namen)".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// The state of one import: the change it writes into and the bundle GUIDs mapped to rows.
struct Importer<'a, 'c> {
    change: &'a mut Change<'c>,
    report: BundleImport,
    /// Whether any row was written (an import that adds nothing leaves no entry in the log).
    wrote: bool,
    coders: HashMap<String, CoderId>,
    codes: HashMap<String, CodeId>,
    attributes: HashMap<String, Attribute>,
    left_out_variables: HashSet<String>,
    jobcenters: HashMap<String, JobcenterId>,
    /// Imported documents: row id, name and text.
    documents: HashMap<String, (i64, String, String)>,
    left_out_sources: HashSet<String>,
}

impl Importer<'_, '_> {
    fn tx(&self) -> &Connection {
        self.change.tx()
    }

    fn skip(&mut self, sentence: String) {
        self.report.skipped.push(sentence);
    }

    fn now(&self) -> Result<String> {
        timestamp_or_now(self.tx(), "")
    }

    /// Writes the memo of a target if the target has none yet; reports a memo that was kept.
    fn memo(&mut self, kind: &'static str, target: i64, text: &str, what: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        let existing: Option<String> = self
            .tx()
            .query_row(
                "SELECT text FROM memos WHERE target_kind = ?1 AND target_id = ?2",
                params![kind, target],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(old) if old.trim() == text.trim() => {}
            Some(old) if !old.trim().is_empty() => self.skip(format!(
                "The memo of {what} was not imported, because the project has a memo there already; copy it over by hand if you need it."
            )),
            Some(_) => {}
            None => {
                let now = self.now()?;
                self.change.insert(
                    "memos",
                    "INSERT INTO memos (target_kind, target_id, text, guid, created_at, modified_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    &[&kind, &target, &text, &new_guid(), &now],
                )?;
                self.wrote = true;
            }
        }
        Ok(())
    }

    fn project_memo(&mut self, text: &str) -> Result<()> {
        self.memo("project", 0, text, "the project")
    }

    fn users(&mut self, users: &[User]) -> Result<()> {
        for user in users {
            let name = match user.name.trim() {
                "" => UNNAMED_CODER,
                name => name,
            };
            let id = match segments::find_coder(self.tx(), name)? {
                Some(id) => {
                    self.report.reused.coders += 1;
                    id
                }
                None => {
                    let guid = usable_guid(self.tx(), "coders", &user.guid)?;
                    let id = segments::ensure_coder(self.change, name, Some(&guid))?;
                    self.report.coders += 1;
                    self.wrote = true;
                    id
                }
            };
            self.coders.insert(user.guid.clone(), id);
        }
        Ok(())
    }

    fn codes(&mut self, codes: &[BundleCode]) -> Result<()> {
        // each code's level in the tree (1 at the top), so that no import grows it too deep
        let mut levels: HashMap<i64, usize> = HashMap::new();
        for code in codes {
            let name = usable_code_name(&code.name);
            if name != code.name {
                self.skip(format!(
                    "The code “{}” was imported as “{name}”, because a code name may not be empty or contain “/” or line breaks.",
                    code.name
                ));
            }
            let parent = match &code.parent {
                None => None,
                Some(guid) => match self.codes.get(guid) {
                    Some(id) => Some(*id),
                    None => {
                        self.skip(format!(
                            "The code “{name}” names a parent code that is not in the file; it was put at the top level."
                        ));
                        None
                    }
                },
            };
            let level = match parent {
                None => 1,
                Some(p) => match levels.get(&p.0) {
                    Some(level) => level + 1,
                    None => codes::code_path(self.tx(), p)?.split('/').count() + 1,
                },
            };
            if level > MAX_CODE_DEPTH {
                return Err(Error::CodeTreeTooDeep(shortened(&name)));
            }
            let existing: Option<i64> = self
                .tx()
                .query_row(
                    "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2",
                    params![parent.map(|p| p.0), name],
                    |r| r.get(0),
                )
                .optional()?;
            let id = match existing {
                Some(id) => {
                    self.report.reused.codes += 1;
                    id
                }
                None => {
                    let color = match codebook::normalise_color(&code.color) {
                        Ok(color) => color,
                        Err(_) => {
                            let inherited = match parent {
                                Some(p) => self.tx().query_row(
                                    "SELECT color FROM codes WHERE id = ?1",
                                    [p.0],
                                    |r| r.get(0),
                                )?,
                                None => codes::DEFAULT_COLOR.to_owned(),
                            };
                            if !code.color.trim().is_empty() {
                                self.skip(format!(
                                    "The colour “{}” of the code “{name}” is not a colour; it got {inherited}.",
                                    code.color
                                ));
                            }
                            inherited
                        }
                    };
                    let position: i64 = self.tx().query_row(
                        "SELECT coalesce(max(position), -1) + 1 FROM codes",
                        [],
                        |r| r.get(0),
                    )?;
                    let guid = usable_guid(self.tx(), "codes", &code.guid)?;
                    let now = self.now()?;
                    let id = self.change.insert(
                        "codes",
                        "INSERT INTO codes (parent_id, name, color, description, position, guid, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        &[
                            &parent.map(|p| p.0),
                            &name,
                            &color,
                            &code.description,
                            &position,
                            &guid,
                            &now,
                        ],
                    )?;
                    self.report.codes += 1;
                    self.wrote = true;
                    id
                }
            };
            levels.insert(id, level);
            self.codes.insert(code.guid.clone(), CodeId(id));
            self.memo("code", id, &code.memo, &format!("the code “{name}”"))?;
        }
        Ok(())
    }

    /// The attributes of the file; `valued` names those that carry a value somewhere in it.
    fn variables(&mut self, variables: &[Variable], valued: &HashSet<&str>) -> Result<()> {
        for variable in variables {
            let scope = match variable.scope {
                VariableScope::Case => Scope::Jobcenter,
                VariableScope::Source => Scope::Document,
            };
            let name = variable.name.trim();
            let wanted = attributes::fold(name);
            if wanted.is_empty() {
                self.skip(format!(
                    "The attribute “{}” has no usable name; it was left out with its values.",
                    variable.name
                ));
                self.left_out_variables.insert(variable.guid.clone());
                continue;
            }
            let other_scope = match scope {
                Scope::Jobcenter => Scope::Document,
                Scope::Document => Scope::Jobcenter,
            };
            // Attribute names are unique across both scopes: analyses find attributes by name.
            if let Some(other) = attributes::all(self.tx(), other_scope)?
                .into_iter()
                .find(|a| attributes::fold(&a.name) == wanted)
            {
                self.left_out_variables.insert(variable.guid.clone());
                if !valued.contains(variable.guid.as_str()) {
                    // No value is lost: the file only names an attribute the project has.
                    continue;
                }
                self.skip(format!(
                    "The attribute “{}” describes {} in the file but {} in this project; its values were left out.",
                    variable.name,
                    scope_words(scope),
                    scope_words(other.scope),
                ));
                continue;
            }
            let existing = attributes::all(self.tx(), scope)?
                .into_iter()
                .find(|a| attributes::fold(&a.name) == wanted);
            let attribute = match existing {
                Some(attribute) => {
                    self.report.reused.attributes += 1;
                    attribute
                }
                None => {
                    let kind = if !variable.choices.is_empty() {
                        AttributeKind::Choice(variable.choices.clone())
                    } else if variable.is_date {
                        AttributeKind::Date
                    } else {
                        AttributeKind::Text
                    };
                    let (kind_name, choices) = match &kind {
                        AttributeKind::Choice(values) => (
                            "choice",
                            Some(serde_json::to_string(values).unwrap_or_default()),
                        ),
                        AttributeKind::Date => ("date", None),
                        AttributeKind::Text => ("text", None),
                    };
                    let position: i64 = self.tx().query_row(
                        "SELECT coalesce(max(position), -1) + 1 FROM attributes",
                        [],
                        |r| r.get(0),
                    )?;
                    let guid = usable_guid(self.tx(), "attributes", &variable.guid)?;
                    let id = self.change.insert(
                        "attributes",
                        "INSERT INTO attributes (scope, name, kind, choices, position, guid) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &[&scope.as_str(), &name, &kind_name, &choices, &position, &guid],
                    )?;
                    self.report.attributes += 1;
                    self.wrote = true;
                    Attribute {
                        id: crate::model::AttributeId(id),
                        scope,
                        name: name.to_owned(),
                        kind,
                    }
                }
            };
            self.attributes.insert(variable.guid.clone(), attribute);
        }
        Ok(())
    }

    /// Sets attribute values of a jobcenter or document; values that do not fit are reported.
    fn values(
        &mut self,
        scope: Scope,
        owner: i64,
        values: &[(String, String)],
        what: &str,
    ) -> Result<()> {
        let (table, owner_column) = match scope {
            Scope::Jobcenter => ("jobcenter_values", "jobcenter_id"),
            Scope::Document => ("document_values", "document_id"),
        };
        for (variable, value) in values {
            if value.trim().is_empty() || self.left_out_variables.contains(variable) {
                continue;
            }
            let Some(attribute) = self.attributes.get(variable).cloned() else {
                self.skip(format!(
                    "A value “{value}” of {what} belongs to an attribute that is not in the file; it was left out."
                ));
                continue;
            };
            if attribute.scope != scope {
                self.skip(format!(
                    "The value “{value}” of {what} belongs to the {} attribute “{}”; it was left out.",
                    attribute.scope.as_str(),
                    attribute.name
                ));
                continue;
            }
            let value = match attributes::canonical_value(&attribute, value) {
                Ok(value) => value,
                Err(e) => {
                    self.skip(format!(
                        "The {} of {what} was left out: {e}.",
                        attribute.name
                    ));
                    continue;
                }
            };
            let existing: Option<String> = self
                .tx()
                .query_row(
                    &format!(
                        "SELECT value FROM {table} WHERE {owner_column} = ?1 AND attribute_id = ?2"
                    ),
                    params![owner, attribute.id.0],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(old) if old == value => {}
                Some(old) => self.skip(format!(
                    "The {} “{value}” of {what} was not imported, because the project holds “{old}” there.",
                    attribute.name
                )),
                None => {
                    self.change.insert(
                        table,
                        &format!(
                            "INSERT INTO {table} ({owner_column}, attribute_id, value) VALUES (?1, ?2, ?3)"
                        ),
                        &[&owner, &attribute.id.0, &value],
                    )?;
                    self.wrote = true;
                }
            }
        }
        Ok(())
    }

    fn cases(&mut self, cases: &[Case]) -> Result<()> {
        for case in cases {
            let name = case.name.trim();
            if name.is_empty() {
                self.skip(
                    "A case without a name was left out; its documents go to the jobcenter for documents without one."
                        .to_owned(),
                );
                continue;
            }
            let id = match jobcenters::find(self.tx(), name)? {
                Some(id) => {
                    self.report.reused.jobcenters += 1;
                    id
                }
                None => {
                    let position: i64 = self.tx().query_row(
                        "SELECT coalesce(max(position), -1) + 1 FROM jobcenters",
                        [],
                        |r| r.get(0),
                    )?;
                    let guid = usable_guid(self.tx(), "jobcenters", &case.guid)?;
                    let now = self.now()?;
                    let id = self.change.insert(
                        "jobcenters",
                        "INSERT INTO jobcenters (name, position, guid, created_at) VALUES (?1, ?2, ?3, ?4)",
                        &[&name, &position, &guid, &now],
                    )?;
                    self.report.jobcenters += 1;
                    self.wrote = true;
                    JobcenterId(id)
                }
            };
            self.jobcenters.insert(case.guid.clone(), id);
            let what = format!("the jobcenter “{name}”");
            self.values(Scope::Jobcenter, id.0, &case.values, &what)?;
            self.memo("jobcenter", id.0, &case.memo, &what)?;
        }
        Ok(())
    }

    fn sources(&mut self, bundle: &Bundle) -> Result<()> {
        let mut segments_of: HashMap<&str, usize> = HashMap::new();
        for segment in &bundle.segments {
            *segments_of.entry(segment.source.as_str()).or_default() += 1;
        }
        for source in &bundle.sources {
            let name = source.name.trim();
            let n = segments_of.get(source.guid.as_str()).copied().unwrap_or(0);
            let with = if n == 0 {
                String::new()
            } else {
                format!(" with its {}", counted(n, "segment", "segments"))
            };
            let reason = if name.is_empty() {
                Some("it has no name".to_owned())
            } else if documents::find(self.tx(), name)?.is_some() {
                Some(
                    "a document of that name is in the project already; rename one of them and import again"
                        .to_owned(),
                )
            } else {
                let hash = content_hash(&source.text);
                self.tx()
                    .query_row(
                        "SELECT d.name FROM documents d JOIN texts t ON t.id = d.text_id WHERE t.sha256 = ?1",
                        [&hash],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .map(|existing| {
                        format!("the same text is in the project already as document “{existing}”")
                    })
            };
            if let Some(reason) = reason {
                self.skip(format!(
                    "The document “{}” was left out{with}: {reason}.",
                    source.name
                ));
                self.left_out_sources.insert(source.guid.clone());
                continue;
            }
            let jobcenter = match source
                .case
                .as_ref()
                .and_then(|c| self.jobcenters.get(c).copied())
            {
                Some(id) => id,
                None => {
                    let fallback = match bundle.default_case_name.trim() {
                        "" => FALLBACK_CASE_NAME,
                        name => name,
                    };
                    let (id, created) = jobcenters::ensure(self.change, fallback)?;
                    if created {
                        self.report.jobcenters += 1;
                        self.wrote = true;
                    }
                    id
                }
            };
            let id = self.insert_document(source, name, jobcenter)?;
            self.report.documents += 1;
            self.wrote = true;
            self.documents.insert(
                source.guid.clone(),
                (id, name.to_owned(), source.text.clone()),
            );
            let what = format!("the document “{name}”");
            self.values(Scope::Document, id, &source.values, &what)?;
            self.memo("document", id, &source.memo, &what)?;
        }
        Ok(())
    }

    /// Stores a source's text (content-addressed), the document and its speaker turns.
    fn insert_document(
        &mut self,
        source: &Source,
        name: &str,
        jobcenter: JobcenterId,
    ) -> Result<i64> {
        let guid = usable_guid(self.tx(), "documents", &source.guid)?;
        let imported_at = timestamp_or_now(self.tx(), &source.created_at)?;
        let source_name = format!("{name}.txt");
        let id = documents::insert_document(
            self.change,
            &DocumentRow {
                jobcenter,
                name,
                text: &source.text,
                source_name: &source_name,
                encoding: "UTF-8",
                guid: &guid,
                imported_at: Some(&imported_at),
                turns: &source.turns,
            },
        )?;
        Ok(id)
    }

    fn segments(&mut self, segments: &[BundleSegment]) -> Result<()> {
        let mut indexes: HashMap<String, TextIndex<'_>> = HashMap::new();
        let documents = std::mem::take(&mut self.documents);
        for segment in segments {
            if self.left_out_sources.contains(&segment.source) {
                continue;
            }
            let Some((document, doc_name, text)) = documents.get(&segment.source) else {
                self.skip(format!(
                    "A segment ({}–{}) refers to a document that is not in the file; it was left out.",
                    segment.start, segment.end
                ));
                continue;
            };
            let Some(code) = self.codes.get(&segment.code).copied() else {
                self.skip(format!(
                    "A segment in “{doc_name}” ({}–{}) has a code that is not in the file; it was left out.",
                    segment.start, segment.end
                ));
                continue;
            };
            let Some(coder) = self.coders.get(&segment.user).copied() else {
                self.skip(format!(
                    "A segment in “{doc_name}” ({}–{}) has a coder who is not in the file; it was left out.",
                    segment.start, segment.end
                ));
                continue;
            };
            let index = indexes
                .entry(segment.source.clone())
                .or_insert_with(|| TextIndex::new(text));
            let range = match CharRange::within(segment.start, segment.end, index.char_len()) {
                Ok(range) => range,
                Err(e) => {
                    self.skip(format!("A segment in “{doc_name}” was left out: {e}."));
                    continue;
                }
            };
            let created_at = timestamp_or_now(self.tx(), &segment.created_at)?;
            let row = SegmentRow {
                memo: &segment.memo,
                guid: usable_guid(self.tx(), "segments", &segment.guid)?,
                created_at: Some(&created_at),
                ..SegmentRow::new(DocumentId(*document), code, coder, range, index)
            };
            segments::insert_segment(self.change, &row)?;
            self.report.segments += 1;
            self.wrote = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{document, project};
    use super::*;
    use crate::model::{DocumentId, MemoTarget};

    /// The bundle with attribute GUIDs replaced by names: a fresh project has its own GUIDs
    /// for the built-in attributes, which the import reuses.
    fn by_names(mut bundle: Bundle) -> Bundle {
        let names: HashMap<String, String> = bundle
            .variables
            .iter()
            .map(|v| (v.guid.clone(), v.name.clone()))
            .collect();
        let rename = |values: &mut Vec<(String, String)>| {
            for (guid, _) in values.iter_mut() {
                *guid = names.get(guid).cloned().unwrap_or_default();
            }
        };
        for case in &mut bundle.cases {
            rename(&mut case.values);
        }
        for source in &mut bundle.sources {
            rename(&mut source.values);
        }
        for variable in &mut bundle.variables {
            variable.guid.clear();
        }
        bundle
    }

    /// Segment counts as the triggers keep them and as the segments say.
    fn counts_agree(p: &Project) {
        let kept: Vec<(i64, i64, i64)> = p
            .conn
            .prepare("SELECT document_id, code_id, n FROM segment_counts ORDER BY 1, 2")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let actual: Vec<(i64, i64, i64)> = p
            .conn
            .prepare(
                "SELECT document_id, code_id, count(*) FROM segments GROUP BY 1, 2 ORDER BY 1, 2",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(kept, actual);
    }

    /// A small project with everything the exchange carries: umlauts, emoji, names with
    /// `&<>"`, memos everywhere, a date and a choice value.
    fn small() -> (tempfile::TempDir, Project) {
        let (dir, mut p) = project();
        let code = p
            .add_code(
                "Haltung/Skeptisch & \"vorsichtig\"",
                Some("#AA3377"),
                "Regel: *<vorsichtig>*",
            )
            .unwrap();
        p.set_memo(&MemoTarget::Code(code), "Code-Memo 😀").unwrap();
        let text = "I: Grüß Gott!\nB: Die E-Akte 👍🏽 ist <schwierig> & \"langsam\".\n";
        let doc = document(&mut p, "Interview <1> & \"Nord\"", text);
        p.set_document_attributes(
            doc,
            &[
                ("Datum".into(), "14.03.2024".into()),
                ("Rolle".into(), "Bürger:in".into()),
            ],
        )
        .unwrap();
        let (jc, _) = p
            .set_jobcenter("Jobcenter Nord", &[("Trägerschaft".into(), "zkT".into())])
            .unwrap();
        p.set_memo(&MemoTarget::Jobcenter(jc), "Fall-Memo").unwrap();
        p.set_memo(&MemoTarget::Document(doc), "Dokument-Memo")
            .unwrap();
        p.set_memo(&MemoTarget::Project, "Projekt-Memo").unwrap();
        p.apply_code(
            doc,
            CharRange::new(17, 40).unwrap(),
            code,
            "Anna",
            "Segment-Memo\nzweite Zeile",
        )
        .unwrap();
        p.apply_code(doc, CharRange::new(0, 13).unwrap(), code, "Jonas", "")
            .unwrap();
        (dir, p)
    }

    #[test]
    fn a_bundle_comes_back_whole_in_a_fresh_project() {
        let (_dir, original) = small();
        let bundle = original.to_bundle().unwrap();
        assert_eq!(bundle.segments.len(), 2);

        let dir = tempfile::tempdir().unwrap();
        let mut copy = Project::create(&dir.path().join("p.kodierwerk")).unwrap();
        let empty = copy.to_bundle().unwrap();
        let report = copy.import_bundle(&bundle, "REFI-QDA importiert").unwrap();
        assert_eq!(
            (
                report.documents,
                report.codes,
                report.coders,
                report.segments,
                report.jobcenters
            ),
            (1, 2, 2, 2, 1)
        );
        assert!(report.skipped.is_empty(), "{report}");
        assert_eq!(report.reused.attributes, bundle.variables.len());
        assert_eq!(
            by_names(copy.to_bundle().unwrap()),
            by_names(bundle.clone())
        );

        // What the rest of the program reads agrees.
        let segments = copy.segments(&Default::default()).unwrap();
        let theirs = original.segments(&Default::default()).unwrap();
        let key = |s: &crate::model::Segment| {
            (
                s.document.clone(),
                s.code.clone(),
                s.coder.clone(),
                s.start,
                s.end,
                s.text.clone(),
                s.memo.clone(),
            )
        };
        assert_eq!(
            segments.iter().map(key).collect::<Vec<_>>(),
            theirs.iter().map(key).collect::<Vec<_>>()
        );
        assert_eq!(copy.codes().unwrap()[1].color, "#AA3377");
        assert_eq!(
            copy.documents().unwrap()[0].attributes,
            original.documents().unwrap()[0].attributes
        );
        // Speaker turns come along with the text.
        assert!(!bundle.sources[0].turns.is_empty());
        assert_eq!(copy.turns(DocumentId(1)).unwrap(), bundle.sources[0].turns);
        counts_agree(&copy);
        assert_eq!(copy.code_counts().unwrap(), original.code_counts().unwrap());

        // One undo removes it all, redo brings it back.
        let after = copy.to_bundle().unwrap();
        assert_eq!(copy.undo().unwrap(), "REFI-QDA importiert");
        assert_eq!(copy.to_bundle().unwrap(), empty);
        counts_agree(&copy);
        copy.redo().unwrap();
        assert_eq!(copy.to_bundle().unwrap(), after);
        counts_agree(&copy);
    }

    #[test]
    fn the_sample_project_survives_the_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        crate::corpus::sample::create_sample(&dir.path().join("a.kodierwerk")).unwrap();
        let mut original = Project::open(&dir.path().join("a.kodierwerk")).unwrap();
        let code = original.codes().unwrap()[1].id;
        original
            .set_memo(&MemoTarget::Code(code), "Abgrenzung klären")
            .unwrap();
        let bundle = original.to_bundle().unwrap();
        assert!(bundle.sources.len() >= 24 && bundle.segments.len() > 50);
        // The codebook alone is the same code tree, memos included, with nothing else read.
        let codebook = original.codebook_bundle().unwrap();
        assert!(bundle.codes.iter().any(|c| c.memo == "Abgrenzung klären"));
        assert_eq!(codebook.codes, bundle.codes);
        assert!(codebook.sources.is_empty() && codebook.users.is_empty());

        let other = tempfile::tempdir().unwrap();
        let mut copy = Project::create(&other.path().join("a.kodierwerk")).unwrap();
        let report = copy.import_bundle(&bundle, "Import").unwrap();
        assert!(report.skipped.is_empty(), "{report}");
        assert_eq!(report.segments, bundle.segments.len());
        assert_eq!(by_names(copy.to_bundle().unwrap()), by_names(bundle));
        assert_eq!(
            copy.jobcenters().unwrap().len(),
            original.jobcenters().unwrap().len()
        );
        counts_agree(&copy);
    }

    #[test]
    fn an_attribute_of_the_other_scope_is_left_out_not_doubled() {
        let (_dir, source_project) = small();
        let mut bundle = source_project.to_bundle().unwrap();
        // "Lage" describes jobcenters here; a file that has it on documents must not create a
        // second "Lage" that analyses could not tell apart.
        bundle.variables.push(Variable {
            guid: "00000000-0000-4000-8000-0000000000f1".into(),
            name: "Lage".into(),
            scope: VariableScope::Source,
            is_date: false,
            choices: Vec::new(),
            description: String::new(),
        });
        bundle.sources[0].values.push((
            "00000000-0000-4000-8000-0000000000f1".into(),
            "Stadt".into(),
        ));
        // "Rolle" describes documents here; a file that names it for cases without giving any
        // value (as a reader must guess the scope of an attribute nobody filled in) loses nothing.
        bundle.variables.push(Variable {
            guid: "00000000-0000-4000-8000-0000000000f2".into(),
            name: "Rolle".into(),
            scope: VariableScope::Case,
            is_date: false,
            choices: Vec::new(),
            description: String::new(),
        });
        let (_dir2, mut target) = project();
        let report = target.import_bundle(&bundle, "Import").unwrap();
        assert!(
            report
                .skipped
                .iter()
                .any(|s| s.contains("“Lage” describes documents in the file but cases")),
            "{:?}",
            report.skipped
        );
        assert!(
            !report.skipped.iter().any(|s| s.contains("“Rolle”")),
            "{:?}",
            report.skipped
        );
        let lage = target
            .attributes(Scope::Jobcenter)
            .unwrap()
            .into_iter()
            .chain(target.attributes(Scope::Document).unwrap())
            .filter(|a| a.name == "Lage")
            .count();
        assert_eq!(lage, 1);
    }

    #[test]
    fn what_does_not_fit_is_left_out_and_reported() {
        let (_dir, source_project) = small();
        let mut bundle = source_project.to_bundle().unwrap();
        let good = bundle.segments[0].clone();
        let len = bundle.sources[0].text.chars().count();
        bundle.segments.push(BundleSegment {
            guid: "00000000-0000-4000-8000-00000000000a".into(),
            start: len - 2,
            end: len + 1,
            ..good.clone()
        });
        bundle.segments.push(BundleSegment {
            guid: "00000000-0000-4000-8000-00000000000b".into(),
            start: 5,
            end: 5,
            ..good.clone()
        });
        bundle.segments.push(BundleSegment {
            code: "00000000-0000-4000-8000-00000000000c".into(),
            ..good.clone()
        });
        // A second source whose name clashes (in another case) and one with a known text.
        let mut clash = bundle.sources[0].clone();
        clash.guid = "00000000-0000-4000-8000-00000000000d".into();
        clash.text = "Ein anderer Text.".into();
        let mut renamed = bundle.sources[0].clone();
        renamed.guid = "00000000-0000-4000-8000-00000000000e".into();
        renamed.name = "Kopie".into();
        bundle.segments.push(BundleSegment {
            source: clash.guid.clone(),
            ..good.clone()
        });
        bundle.sources.push(clash);
        bundle.sources.push(renamed);
        // A choice value the attribute refuses.
        bundle.cases[0].values[0].1 = "Kommune".into();

        let (_dir2, mut p) = project();
        let report = p.import_bundle(&bundle, "Import").unwrap();
        let text = report.to_string();
        assert_eq!((report.documents, report.segments), (1, 2), "{text}");
        assert_eq!(report.skipped.len(), 6, "{text}");
        assert!(text.contains("reaches past the end of the text"), "{text}");
        assert!(text.contains("empty or reversed"), "{text}");
        assert!(
            text.contains("has a code that is not in the file"),
            "{text}"
        );
        assert!(
            text.contains("“Interview <1> & \"Nord\"” was left out with its 1 segment: a document of that name"),
            "{text}"
        );
        assert!(
            text.contains("“Kopie” was left out: the same text"),
            "{text}"
        );
        assert!(
            text.contains("“Kommune” is not a value of Trägerschaft"),
            "{text}"
        );
        counts_agree(&p);

        // Into a project that has it all already: everything is reused or reported, nothing doubled.
        let again = p.import_bundle(&bundle, "Noch einmal").unwrap();
        assert_eq!(
            (again.documents, again.codes, again.coders, again.segments),
            (0, 0, 0, 0)
        );
        assert_eq!(
            (
                again.reused.codes,
                again.reused.coders,
                again.reused.jobcenters
            ),
            (2, 2, 1)
        );
        assert_eq!(
            p.actions(1).unwrap()[0].label,
            "Import",
            "nothing new, no log entry"
        );
    }

    #[test]
    fn a_failed_import_changes_nothing() {
        let (_dir, source_project) = small();
        let bundle = source_project.to_bundle().unwrap();
        let (_dir2, mut p) = project();
        let before = p.to_bundle().unwrap();
        let actions = p.actions(100).unwrap().len();
        // The disk "fails" at the last step, the segments.
        p.conn
            .execute_batch(
                "CREATE TEMP TRIGGER fail BEFORE INSERT ON segments BEGIN SELECT RAISE(ABORT, 'disk'); END;",
            )
            .unwrap();
        assert!(p.import_bundle(&bundle, "Import").is_err());
        assert_eq!(p.to_bundle().unwrap(), before);
        assert_eq!(p.actions(100).unwrap().len(), actions);
        let texts: i64 = p
            .conn
            .query_row("SELECT count(*) FROM texts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(texts, 0);
    }

    #[test]
    fn taken_guids_and_odd_names_are_replaced_and_said() {
        let (_dir, source_project) = small();
        let mut bundle = source_project.to_bundle().unwrap();
        bundle.codes[1].name = "A/B".into();
        bundle.users[0].name = "  ".into();
        let (_dir2, mut p) = project();
        // The project holds the code GUID already, on another code.
        let other = p.add_code("Anders", None, "").unwrap();
        p.conn
            .execute(
                "UPDATE codes SET guid = ?1 WHERE id = ?2",
                params![bundle.codes[0].guid, other.0],
            )
            .unwrap();
        let report = p.import_bundle(&bundle, "Import").unwrap();
        assert!(report.to_string().contains("imported as “A-B”"), "{report}");
        let codes = p.to_bundle().unwrap().codes;
        let haltung = codes.iter().find(|c| c.name == "Haltung").unwrap();
        assert_ne!(haltung.guid, bundle.codes[0].guid);
        assert!(normalise_guid(&haltung.guid).is_some());
        assert!(p.coders().unwrap().iter().any(|c| c.name == UNNAMED_CODER));
    }
}
