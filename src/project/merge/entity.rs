//! Rows as two project files can compare them: each logged table's columns sorted into what is
//! merged, what names the row across files, and what stays local (row ids, positions).
//!
//! Row ids differ between copies, so every reference to another row is carried by that row's GUID
//! (a document's text by its hash), and a row without a GUID of its own (an attribute value, an
//! evidence link, a memo) is named by the GUIDs of what it belongs to.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

/// The logged tables, in the order in which a merge writes them: what others refer to first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Table {
    Attributes,
    Jobcenters,
    Coders,
    Codes,
    Documents,
    JobcenterValues,
    DocumentValues,
    Segments,
    Memos,
    TypeEvidence,
}

/// How a column takes part in a merge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
    /// Compared and merged as it is.
    Plain,
    /// A text a person writes (memo, description, note): on a conflict the other's is appended.
    Prose,
    /// The id of a row of another table, compared by that row's GUID.
    Ref(Table),
    /// A memo's target, a row of the table its `target_kind` names.
    MemoTarget,
    /// A document's text, compared by its hash.
    Text,
    /// Carried over to a new row, never compared (times of creation).
    Carried,
}

impl Table {
    pub(super) const ALL: [Table; 10] = [
        Table::Attributes,
        Table::Jobcenters,
        Table::Coders,
        Table::Codes,
        Table::Documents,
        Table::JobcenterValues,
        Table::DocumentValues,
        Table::Segments,
        Table::Memos,
        Table::TypeEvidence,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Table::Attributes => "attributes",
            Table::Jobcenters => "jobcenters",
            Table::Coders => "coders",
            Table::Codes => "codes",
            Table::Documents => "documents",
            Table::JobcenterValues => "jobcenter_values",
            Table::DocumentValues => "document_values",
            Table::Segments => "segments",
            Table::Memos => "memos",
            Table::TypeEvidence => "type_evidence",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether the row carries a GUID that names it in every copy.
    pub(super) fn has_guid(self) -> bool {
        !matches!(
            self,
            Table::JobcenterValues | Table::DocumentValues | Table::TypeEvidence | Table::Memos
        )
    }

    /// The columns that are merged or carried; `id`, `guid` and `position` stay local.
    pub(super) fn columns(self) -> &'static [(&'static str, Column)] {
        use Column::*;
        match self {
            Table::Attributes => &[
                ("scope", Plain),
                ("name", Plain),
                ("kind", Plain),
                ("choices", Plain),
            ],
            Table::Jobcenters => &[("name", Plain), ("created_at", Carried)],
            Table::Coders => &[("name", Plain), ("created_at", Carried)],
            Table::Codes => &[
                ("parent_id", Ref(Table::Codes)),
                ("name", Plain),
                ("color", Plain),
                ("description", Prose),
                ("created_at", Carried),
            ],
            Table::Documents => &[
                ("jobcenter_id", Ref(Table::Jobcenters)),
                ("name", Plain),
                ("text_id", Text),
                ("source_name", Carried),
                ("encoding", Carried),
                ("imported_at", Carried),
            ],
            Table::JobcenterValues => &[
                ("jobcenter_id", Ref(Table::Jobcenters)),
                ("attribute_id", Ref(Table::Attributes)),
                ("value", Plain),
            ],
            Table::DocumentValues => &[
                ("document_id", Ref(Table::Documents)),
                ("attribute_id", Ref(Table::Attributes)),
                ("value", Plain),
            ],
            Table::Segments => &[
                ("document_id", Ref(Table::Documents)),
                ("code_id", Ref(Table::Codes)),
                ("coder_id", Ref(Table::Coders)),
                ("start", Plain),
                ("end", Plain),
                ("text", Plain),
                ("memo", Prose),
                ("created_at", Carried),
                ("modified_at", Carried),
            ],
            Table::Memos => &[
                ("target_kind", Plain),
                ("target_id", MemoTarget),
                ("text", Prose),
                ("guid", Carried),
                ("created_at", Carried),
                ("modified_at", Carried),
            ],
            Table::TypeEvidence => &[
                ("jobcenter_id", Ref(Table::Jobcenters)),
                ("segment_id", Ref(Table::Segments)),
                ("note", Prose),
                ("created_at", Carried),
            ],
        }
    }

    /// The columns that name a row without a GUID of its own.
    fn key_columns(self) -> &'static [&'static str] {
        match self {
            Table::JobcenterValues => &["jobcenter_id", "attribute_id"],
            Table::DocumentValues => &["document_id", "attribute_id"],
            Table::TypeEvidence => &["jobcenter_id", "segment_id"],
            Table::Memos => &["target_kind", "target_id"],
            _ => &[],
        }
    }

    pub(super) fn column(self, name: &str) -> Option<Column> {
        self.columns()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// What a person calls a row of this table in the report.
    pub(super) fn kind(self) -> Kind {
        match self {
            Table::Attributes | Table::JobcenterValues | Table::DocumentValues => Kind::Attributes,
            Table::Jobcenters => Kind::Jobcenters,
            Table::Coders => Kind::Coders,
            Table::Codes => Kind::Codes,
            Table::Documents => Kind::Documents,
            Table::Segments => Kind::Segments,
            Table::Memos => Kind::Memos,
            Table::TypeEvidence => Kind::EvidenceLinks,
        }
    }
}

/// The kinds the merge report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Documents,
    Codes,
    Segments,
    Memos,
    Attributes,
    EvidenceLinks,
    Jobcenters,
    Coders,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Documents,
        Kind::Codes,
        Kind::Segments,
        Kind::Memos,
        Kind::Attributes,
        Kind::EvidenceLinks,
        Kind::Jobcenters,
        Kind::Coders,
    ];

    /// One of the kind, as the command line's report names it.
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Documents => "document",
            Kind::Codes => "code",
            Kind::Segments => "segment",
            Kind::Memos => "memo",
            Kind::Attributes => "attribute",
            Kind::EvidenceLinks => "evidence link",
            Kind::Jobcenters => "jobcenter",
            Kind::Coders => "coder",
        }
    }

    /// The word the command line's report prints.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Documents => "documents",
            Kind::Codes => "codes",
            Kind::Segments => "segments",
            Kind::Memos => "memos",
            Kind::Attributes => "attributes",
            Kind::EvidenceLinks => "evidence links",
            Kind::Jobcenters => "jobcenters",
            Kind::Coders => "coders",
        }
    }
}

/// A row's name in every copy: its table and its GUID, or the GUIDs of what it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Key {
    pub table: Table,
    pub name: String,
}

/// A row as a merge compares it: the merged and carried columns, references by GUID.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Entity {
    pub key: Key,
    /// The row's own GUID (for a memo, the memo's; empty where the table has none).
    pub guid: String,
    pub fields: BTreeMap<&'static str, Json>,
}

impl Entity {
    /// Reads a row image (column → value, references as row ids) of `table`, translating each
    /// reference through `guid_of` (the table and id of the row referred to; a text's id gives
    /// its hash). `None` when a reference cannot be named.
    pub(super) fn from_image(
        table: Table,
        image: &Map<String, Json>,
        guid_of: &mut dyn FnMut(Table, i64) -> Option<String>,
        hash_of: &mut dyn FnMut(i64) -> Option<String>,
    ) -> Option<Entity> {
        let mut fields = BTreeMap::new();
        for &(name, column) in table.columns() {
            let value = image.get(name).cloned().unwrap_or(Json::Null);
            let value = match column {
                Column::Plain | Column::Prose | Column::Carried => value,
                Column::Ref(target) => match value.as_i64() {
                    Some(id) => Json::String(guid_of(target, id)?),
                    None => Json::Null,
                },
                Column::MemoTarget => {
                    let kind = image.get("target_kind").and_then(Json::as_str)?;
                    match memo_target_table(kind) {
                        Some(target) => Json::String(guid_of(target, value.as_i64()?)?),
                        None => Json::String(String::new()),
                    }
                }
                Column::Text => Json::String(hash_of(value.as_i64()?)?),
            };
            fields.insert(name, value);
        }
        let guid = image
            .get("guid")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let name = if table.has_guid() {
            guid.clone()
        } else {
            table
                .key_columns()
                .iter()
                .map(|c| fields.get(c).and_then(Json::as_str).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("|")
        };
        Some(Entity {
            key: Key { table, name },
            guid,
            fields,
        })
    }

    pub(super) fn text(&self, column: &str) -> &str {
        self.fields
            .get(column)
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    pub(super) fn int(&self, column: &str) -> i64 {
        self.fields
            .get(column)
            .and_then(Json::as_i64)
            .unwrap_or_default()
    }

    /// The columns whose values differ from `other`'s, carried columns aside.
    pub(super) fn differing(&self, other: &Entity) -> Vec<&'static str> {
        self.key
            .table
            .columns()
            .iter()
            .filter(|(_, c)| *c != Column::Carried)
            .map(|(name, _)| *name)
            .filter(|name| self.fields.get(name) != other.fields.get(name))
            .collect()
    }
}

/// The table a memo's `target_kind` names; `None` for the project's own memo.
pub(super) fn memo_target_table(kind: &str) -> Option<Table> {
    match kind {
        "jobcenter" => Some(Table::Jobcenters),
        "document" => Some(Table::Documents),
        "code" => Some(Table::Codes),
        _ => None,
    }
}

/// A value as it reads in a report: text as it is, numbers as digits, nothing as a dash.
pub(super) fn shown(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => "–".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
