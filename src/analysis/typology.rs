//! The typology: each type's code profile side by side, and the codes that separate the types
//! most. A type is a value of a choice attribute, by default the Digitalisierungstyp the team
//! assigns to each jobcenter.

use std::collections::HashMap;

use serde::Serialize;

use super::filter::find_attribute;
use super::{AnalysisData, TableWords};
use crate::model::error::{Error, Result};
use crate::model::{AttributeKind, CodeId, CodePath, DocumentId, JobcenterId, Scope};
use crate::project::DIGITALISIERUNGSTYP;

/// What to compare.
#[derive(Clone, Debug)]
pub struct TypologySpec {
    /// A jobcenter or document attribute with a fixed list of values; its values are the types.
    pub attribute: String,
    /// Only segments of this coder.
    pub coder: Option<String>,
    /// Only these codes' rows (each still counted with its sub-codes); `None` for all codes.
    pub codes: Option<Vec<CodeId>>,
    /// What the added row of the table is called.
    pub words: TableWords,
}

impl Default for TypologySpec {
    fn default() -> Self {
        Self {
            attribute: DIGITALISIERUNGSTYP.to_owned(),
            coder: None,
            codes: None,
            words: TableWords::default(),
        }
    }
}

/// One type: a value of the attribute, with the jobcenters and documents that have it.
#[derive(Clone, Debug, Serialize)]
pub struct TypeColumn {
    pub value: String,
    /// Jobcenters of the type (for a document attribute: those with a document of the type).
    pub jobcenters: Vec<String>,
    /// The type's documents; 0 means its shares are no measurement and it is left out of the spread.
    pub documents: usize,
    #[serde(skip)]
    pub jobcenter_ids: Vec<JobcenterId>,
    /// The type's documents: what a click on one of its shares opens.
    #[serde(skip)]
    pub document_ids: Vec<DocumentId>,
}

/// One code's profile over the types, counting the code with its sub-codes.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileRow {
    pub code_id: CodeId,
    /// The code's full path.
    pub path: CodePath,
    pub depth: usize,
    /// Per type, its documents in which the code occurs.
    pub documents: Vec<usize>,
    /// Per type, the percent of its documents in which the code occurs.
    pub shares: Vec<f64>,
    /// Per type, the code's segments divided by the type's documents.
    pub segments_per_document: Vec<f64>,
    /// The highest share minus the lowest, in percentage points, over the types that have
    /// documents: 100 when the code is in every document of one type and in none of another.
    pub spread: f64,
    /// The type with the highest share (the first of equals); `None` when no type has documents.
    pub highest: Option<usize>,
    /// The type with the lowest share (the first of equals); `None` when no type has documents.
    pub lowest: Option<usize>,
}

/// A computed typology comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Typology {
    /// The attribute's name as the project spells it.
    pub attribute: String,
    pub coder: Option<String>,
    /// The attribute's values in their defined order (values outside it follow, sorted).
    pub types: Vec<TypeColumn>,
    /// The codes in the order of the code system.
    pub rows: Vec<ProfileRow>,
    /// Jobcenters without a value (for a document attribute: with a document without one).
    pub unassigned_jobcenters: Vec<String>,
    /// Documents without a type, counted in no column.
    pub unassigned_documents: usize,
    /// What the added row of the table is called, as the spec said.
    #[serde(skip)]
    pub words: TableWords,
}

impl Typology {
    /// The comparison as text, as the CLI prints it: a header (`code`, the types, `spread`), one
    /// line per given row (its path, shares and spread with one decimal), and a last line with
    /// each type's documents.
    pub fn table<'a>(&self, rows: impl IntoIterator<Item = &'a ProfileRow>) -> Vec<Vec<String>> {
        let mut header = vec!["code".to_owned()];
        header.extend(self.types.iter().map(|t| t.value.clone()));
        header.push("spread".into());
        let mut table = vec![header];
        for r in rows {
            let mut line = vec![r.path.to_string()];
            line.extend(r.shares.iter().map(|s| format!("{s:.1}")));
            line.push(format!("{:.1}", r.spread));
            table.push(line);
        }
        let mut documents = vec![self.words.documents.clone()];
        documents.extend(self.types.iter().map(|t| t.documents.to_string()));
        documents.push(String::new());
        table.push(documents);
        table
    }
}

/// Compares the types: for each code (with its sub-codes) the share of each type's documents in
/// which it occurs, and the spread of those shares. Documents without a type count nowhere.
pub fn typology(data: &AnalysisData, spec: &TypologySpec) -> Result<Typology> {
    let attribute = find_attribute(&data.attributes, &spec.attribute)?;
    let AttributeKind::Choice(choices) = &attribute.kind else {
        return Err(Error::NotATypeAttribute(attribute.name.clone()));
    };
    let coder = data.coder_id(spec.coder.as_deref())?;
    let index_of = data.code_index();
    let wanted: Vec<usize> = match &spec.codes {
        None => (0..data.codes.len()).collect(),
        Some(codes) => {
            let mut rows = codes
                .iter()
                .map(|c| {
                    index_of
                        .get(c)
                        .copied()
                        .ok_or_else(|| Error::UnknownCode(c.to_string()))
                })
                .collect::<Result<Vec<_>>>()?;
            rows.sort_unstable();
            rows.dedup();
            rows
        }
    };

    let value_in = |values: &[(String, String)]| -> Option<String> {
        values
            .iter()
            .find(|(name, _)| *name == attribute.name)
            .map(|(_, v)| v.clone())
    };
    let jobcenter_value: HashMap<JobcenterId, Option<String>> = data
        .jobcenters
        .iter()
        .map(|j| (j.id, value_in(&j.attributes)))
        .collect();
    let document_value = |doc: &crate::model::DocumentInfo| -> Option<String> {
        match attribute.scope {
            Scope::Jobcenter => jobcenter_value.get(&doc.jobcenter_id).cloned().flatten(),
            Scope::Document => value_in(&doc.attributes),
        }
    };

    let mut values: Vec<String> = choices.clone();
    let mut others: Vec<String> = match attribute.scope {
        Scope::Jobcenter => jobcenter_value.values().flatten().cloned().collect(),
        Scope::Document => data.documents.iter().filter_map(document_value).collect(),
    };
    others.retain(|v| !values.contains(v));
    others.sort();
    others.dedup();
    values.extend(others);
    let type_of = |value: &str| values.iter().position(|v| v == value);

    let mut types: Vec<TypeColumn> = values
        .iter()
        .map(|value| TypeColumn {
            value: value.clone(),
            jobcenters: Vec::new(),
            documents: 0,
            jobcenter_ids: Vec::new(),
            document_ids: Vec::new(),
        })
        .collect();
    let mut unassigned: Vec<JobcenterId> = Vec::new();
    let mut unassigned_documents = 0;
    let mut slot_type: HashMap<DocumentId, usize> = HashMap::new();
    for doc in &data.documents {
        let typed = document_value(doc).and_then(|v| type_of(&v));
        let jobcenters = match typed {
            Some(t) => {
                types[t].documents += 1;
                types[t].document_ids.push(doc.id);
                slot_type.insert(doc.id, t);
                &mut types[t].jobcenter_ids
            }
            None => {
                unassigned_documents += 1;
                &mut unassigned
            }
        };
        if attribute.scope == Scope::Document && !jobcenters.contains(&doc.jobcenter_id) {
            jobcenters.push(doc.jobcenter_id);
        }
    }
    if attribute.scope == Scope::Jobcenter {
        for j in &data.jobcenters {
            match jobcenter_value[&j.id].as_deref().and_then(type_of) {
                Some(t) => types[t].jobcenter_ids.push(j.id),
                None => unassigned.push(j.id),
            }
        }
    }
    let names: HashMap<JobcenterId, &str> = data
        .jobcenters
        .iter()
        .map(|j| (j.id, j.name.as_str()))
        .collect();
    let position: HashMap<JobcenterId, usize> = data
        .jobcenters
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id, i))
        .collect();
    let named = |ids: &mut Vec<JobcenterId>| -> Vec<String> {
        ids.sort_by_key(|id| position.get(id).copied().unwrap_or(usize::MAX));
        ids.iter()
            .map(|id| names.get(id).copied().unwrap_or_default().to_owned())
            .collect()
    };
    for t in &mut types {
        t.jobcenters = named(&mut t.jobcenter_ids);
    }
    let unassigned_jobcenters = named(&mut unassigned);

    // The counted segments as (document, code row), grouped by document so that each document
    // counts once per code.
    let width = types.len();
    let mut placed: Vec<(DocumentId, usize, usize)> = data
        .segments
        .iter()
        .filter(|s| coder.is_none_or(|c| c == s.coder))
        .filter_map(|s| {
            Some((
                s.document,
                slot_type.get(&s.document).copied()?,
                index_of.get(&s.code).copied()?,
            ))
        })
        .collect();
    placed.sort_unstable_by_key(|&(document, ..)| document);
    let ancestors = data.ancestor_chains(&index_of);
    let mut segments = vec![0usize; data.codes.len() * width];
    let mut documents = vec![0usize; data.codes.len() * width];
    let mut counted_in: Vec<Option<DocumentId>> = vec![None; data.codes.len()];
    for (document, t, row) in placed {
        for &code in &ancestors[row] {
            segments[code * width + t] += 1;
            if counted_in[code] != Some(document) {
                counted_in[code] = Some(document);
                documents[code * width + t] += 1;
            }
        }
    }

    let rows = wanted
        .into_iter()
        .map(|i| {
            let code = &data.codes[i];
            let cells = i * width..(i + 1) * width;
            let shares: Vec<f64> = documents[cells.clone()]
                .iter()
                .zip(&types)
                .map(|(&n, t)| percent(n, t.documents))
                .collect();
            let segments_per_document = segments[cells.clone()]
                .iter()
                .zip(&types)
                .map(|(&n, t)| ratio(n, t.documents))
                .collect();
            let measured = || (0..width).filter(|&t| types[t].documents > 0);
            let highest = measured().reduce(|a, b| if shares[b] > shares[a] { b } else { a });
            let lowest = measured().reduce(|a, b| if shares[b] < shares[a] { b } else { a });
            let spread = match (highest, lowest) {
                (Some(h), Some(l)) => shares[h] - shares[l],
                _ => 0.0,
            };
            ProfileRow {
                code_id: code.id,
                path: code.path.clone(),
                depth: code.depth,
                documents: documents[cells].to_vec(),
                shares,
                segments_per_document,
                spread,
                highest,
                lowest,
            }
        })
        .collect();

    Ok(Typology {
        attribute: attribute.name.clone(),
        coder: spec.coder.clone(),
        types,
        rows,
        unassigned_jobcenters,
        unassigned_documents,
        words: spec.words.clone(),
    })
}

/// The `n` codes whose shares differ most between the types: by spread, largest first, equal
/// spreads by path.
pub fn separating_codes(typology: &Typology, n: usize) -> Vec<&ProfileRow> {
    let mut rows: Vec<&ProfileRow> = typology.rows.iter().collect();
    // Spreads that differ only by rounding (16.67 as 66.67 − 50 or as 50 − 33.33) are equal.
    let key = |r: &ProfileRow| (r.spread * 1e9).round() as i64;
    rows.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.path.cmp(&b.path)));
    rows.truncate(n);
    rows
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::range::CharRange;
    use crate::model::{
        Attribute, AttributeId, Code, Coder, CoderId, DocumentInfo, Jobcenter, SegmentSpan,
    };

    const VORREITER: &str = "Digitale Vorreiter";
    const VERHALTEN: &str = "Verhaltener Umgang";

    /// The fixture, counted by hand:
    ///
    /// ```text
    /// jobcenter  type                  documents
    /// J1         Digitale Vorreiter    d1 d2
    /// J2         Digitale Vorreiter    d3
    /// J3         Verhaltener Umgang    d4 d5
    /// J4         (none)                d6
    /// J5         Pragmatischer Umgang  (none)
    ///
    /// codes  A, A/a1, B
    /// d1  a1 (Anna), a1 (Ben), B (Anna)      d4  a1 (Anna)
    /// d2  A (Anna)                           d5  nothing
    /// d3  B (Ben)                            d6  A (Anna), B (Anna)
    /// ```
    fn data() -> AnalysisData {
        let typ = |v: Option<&str>| {
            v.map(|v| vec![(DIGITALISIERUNGSTYP.to_owned(), v.to_owned())])
                .unwrap_or_default()
        };
        let jobcenters = [
            Some(VORREITER),
            Some(VORREITER),
            Some(VERHALTEN),
            None,
            Some("Pragmatischer Umgang"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, v)| Jobcenter {
            id: JobcenterId(i as i64 + 1),
            name: format!("J{}", i + 1),
            attributes: typ(v),
            documents: 0,
        })
        .collect();
        let documents = [1, 1, 2, 3, 3, 4]
            .into_iter()
            .enumerate()
            .map(|(i, jobcenter)| DocumentInfo {
                id: DocumentId(i as i64 + 1),
                name: format!("d{}", i + 1),
                jobcenter_id: JobcenterId(jobcenter),
                jobcenter: String::new(),
                source_name: String::new(),
                encoding: String::new(),
                chars: 100,
                turns: 0,
                segments: 0,
                attributes: if i % 2 == 0 {
                    vec![("Gruppe".into(), "x".into())]
                } else {
                    Vec::new()
                },
                imported_at: String::new(),
            })
            .collect();
        let code = |id: i64, parent: Option<i64>, path: &str| Code {
            id: CodeId(id),
            parent: parent.map(CodeId),
            name: CodePath::parse(path).unwrap().leaf().to_owned(),
            path: CodePath::parse(path).unwrap(),
            depth: usize::from(parent.is_some()),
            color: String::new(),
            description: String::new(),
        };
        let segment = |document: i64, code: i64, coder: i64| SegmentSpan {
            document: DocumentId(document),
            code: CodeId(code),
            coder: CoderId(coder),
            range: CharRange::new(0, 10).unwrap(),
        };
        let choice = |id: i64, scope: Scope, name: &str, values: &[&str]| Attribute {
            id: AttributeId(id),
            scope,
            name: name.to_owned(),
            kind: AttributeKind::Choice(values.iter().map(|v| v.to_string()).collect()),
        };
        AnalysisData {
            jobcenters,
            documents,
            codes: vec![
                code(1, None, "A"),
                code(2, Some(1), "A/a1"),
                code(3, None, "B"),
            ],
            coders: vec![
                Coder {
                    id: CoderId(1),
                    name: "Anna".into(),
                },
                Coder {
                    id: CoderId(2),
                    name: "Ben".into(),
                },
            ],
            attributes: vec![
                choice(
                    1,
                    Scope::Jobcenter,
                    DIGITALISIERUNGSTYP,
                    &[VORREITER, VERHALTEN, "Pragmatischer Umgang"],
                ),
                Attribute {
                    id: AttributeId(2),
                    scope: Scope::Document,
                    name: "Rolle".into(),
                    kind: AttributeKind::Text,
                },
                choice(3, Scope::Document, "Gruppe", &["x", "y"]),
            ],
            // Deliberately not grouped by document.
            segments: vec![
                segment(1, 2, 1),
                segment(6, 1, 1),
                segment(2, 1, 1),
                segment(1, 3, 1),
                segment(3, 3, 2),
                segment(4, 2, 1),
                segment(1, 2, 2),
                segment(6, 3, 1),
            ],
        }
    }

    fn pct(part: u32, whole: u32) -> f64 {
        f64::from(part) * 100.0 / f64::from(whole)
    }

    fn row<'a>(t: &'a Typology, path: &str) -> &'a ProfileRow {
        t.rows.iter().find(|r| r.path == path).unwrap()
    }

    #[test]
    fn shares_and_spread_are_counted_per_type() {
        let t = typology(&data(), &TypologySpec::default()).unwrap();
        assert_eq!(t.attribute, DIGITALISIERUNGSTYP);
        let values: Vec<&str> = t.types.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, [VORREITER, VERHALTEN, "Pragmatischer Umgang"]);
        let documents: Vec<usize> = t.types.iter().map(|c| c.documents).collect();
        assert_eq!(documents, [3, 2, 0]);
        assert_eq!(t.types[0].jobcenters, ["J1", "J2"]);
        assert_eq!(t.types[2].jobcenters, ["J5"]);
        assert_eq!(t.unassigned_jobcenters, ["J4"]);
        assert_eq!(t.unassigned_documents, 1);

        // A with a1: Vorreiter d1 d2 of 3 (segments a1 a1 A), Verhalten d4 of 2 (a1).
        let a = row(&t, "A");
        assert_eq!(a.documents, [2, 1, 0]);
        assert_eq!(a.shares, [pct(2, 3), 50.0, 0.0]);
        assert_eq!(a.segments_per_document, [1.0, 0.5, 0.0]);
        assert_eq!(a.spread, pct(2, 3) - 50.0);
        assert_eq!((a.highest, a.lowest), (Some(0), Some(1)));
        // a1: Vorreiter d1 (twice), Verhalten d4.
        let a1 = row(&t, "A/a1");
        assert_eq!(a1.depth, 1);
        assert_eq!(a1.shares, [pct(1, 3), 50.0, 0.0]);
        assert_eq!(a1.segments_per_document, [2.0 / 3.0, 0.5, 0.0]);
        assert_eq!(a1.spread, 50.0 - pct(1, 3));
        assert_eq!((a1.highest, a1.lowest), (Some(1), Some(0)));
        // B: Vorreiter d1 d3, Verhalten none; d6 has no type and counts nowhere.
        let b = row(&t, "B");
        assert_eq!(b.shares, [pct(2, 3), 0.0, 0.0]);
        assert_eq!(b.spread, pct(2, 3));
        assert_eq!((b.highest, b.lowest), (Some(0), Some(1)));

        let top: Vec<&str> = separating_codes(&t, 2)
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(
            top,
            ["B", "A"],
            "A and A/a1 tie at 16.7; A comes first by path"
        );
        assert_eq!(separating_codes(&t, 10).len(), 3);

        let table = t.table(&t.rows);
        assert_eq!(
            table[0],
            [
                "code",
                VORREITER,
                VERHALTEN,
                "Pragmatischer Umgang",
                "spread"
            ]
        );
        assert_eq!(table[1], ["A", "66.7", "50.0", "0.0", "16.7"]);
        assert_eq!(table[4], ["(Dokumente)", "3", "2", "0", ""]);
    }

    #[test]
    fn a_coder_and_a_choice_of_codes_narrow_the_rows_not_the_documents() {
        let spec = TypologySpec {
            coder: Some("ben".into()),
            codes: Some(vec![CodeId(3), CodeId(1)]),
            ..TypologySpec::default()
        };
        let t = typology(&data(), &spec).unwrap();
        let paths: Vec<&str> = t.rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["A", "B"], "in the code system's order");
        // Ben: a1 in d1, B in d3.
        assert_eq!(row(&t, "A").shares, [pct(1, 3), 0.0, 0.0]);
        assert_eq!(row(&t, "B").shares, [pct(1, 3), 0.0, 0.0]);
        assert_eq!(t.types[0].documents, 3);
        assert_eq!(t.coder.as_deref(), Some("ben"));

        let unknown = TypologySpec {
            codes: Some(vec![CodeId(9)]),
            ..TypologySpec::default()
        };
        assert!(matches!(
            typology(&data(), &unknown),
            Err(Error::UnknownCode(_))
        ));
        let nobody = TypologySpec {
            coder: Some("Carla".into()),
            ..TypologySpec::default()
        };
        assert!(matches!(
            typology(&data(), &nobody),
            Err(Error::UnknownCoder(_))
        ));
    }

    #[test]
    fn a_document_attribute_groups_documents_and_free_text_is_refused() {
        let spec = TypologySpec {
            attribute: "gruppe".into(),
            ..TypologySpec::default()
        };
        // Gruppe=x: d1 d3 d5 (J1 J2 J3); y: none; without: d2 d4 d6 (J1 J3 J4).
        let t = typology(&data(), &spec).unwrap();
        assert_eq!(t.attribute, "Gruppe");
        assert_eq!(t.types[0].jobcenters, ["J1", "J2", "J3"]);
        assert_eq!(t.types[0].documents, 3);
        assert_eq!(t.types[1].documents, 0);
        assert_eq!(t.unassigned_jobcenters, ["J1", "J3", "J4"]);
        assert_eq!(t.unassigned_documents, 3);
        // B in d1 d3; only one type has documents, so nothing is spread.
        let b = row(&t, "B");
        assert_eq!(b.shares, [pct(2, 3), 0.0]);
        assert_eq!((b.spread, b.highest, b.lowest), (0.0, Some(0), Some(0)));

        let err = typology(
            &data(),
            &TypologySpec {
                attribute: "Rolle".into(),
                ..TypologySpec::default()
            },
        )
        .unwrap_err();
        assert!(matches!(err, Error::NotATypeAttribute(_)), "{err}");
        assert!(matches!(
            typology(
                &data(),
                &TypologySpec {
                    attribute: "Haarfarbe".into(),
                    ..TypologySpec::default()
                }
            ),
            Err(Error::UnknownAttribute(_))
        ));
    }

    #[test]
    fn no_documents_of_any_type_gives_no_highest_or_lowest() {
        let mut data = data();
        for j in &mut data.jobcenters {
            j.attributes.clear();
        }
        let t = typology(&data, &TypologySpec::default()).unwrap();
        assert!(t.types.iter().all(|c| c.documents == 0));
        assert_eq!(t.unassigned_jobcenters.len(), 5);
        let a = row(&t, "A");
        assert_eq!((a.spread, a.highest, a.lowest), (0.0, None, None));
    }
}
