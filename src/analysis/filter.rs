//! Conditions on attributes (`Trägerschaft=zkT`, `Rolle=Bürger:in`) that select documents.

use std::collections::HashMap;

use super::AnalysisData;
use crate::model::error::{Error, Result};
use crate::model::{Attribute, DocumentId, DocumentInfo, JobcenterId, Scope};
use crate::project::{Project, SegmentFilter, canonical_value, fold};

/// Splits `KEY=VALUE`.
pub fn parse_assignment(text: &str) -> Result<(String, String)> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| Error::BadAssignment(text.to_owned()))?;
    if key.trim().is_empty() {
        return Err(Error::BadAssignment(text.to_owned()));
    }
    Ok((key.trim().to_owned(), value.trim().to_owned()))
}

/// Splits each `KEY=VALUE` of a list, as the command line's repeated options give them.
pub fn parse_assignments(texts: &[String]) -> Result<Vec<(String, String)>> {
    texts.iter().map(|text| parse_assignment(text)).collect()
}

/// Which segments, by the names a person gives: every list may be empty, meaning all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentQuery {
    /// Code paths; each includes its sub-codes.
    pub codes: Vec<String>,
    /// Jobcenter names.
    pub jobcenters: Vec<String>,
    /// Document numbers or names.
    pub documents: Vec<String>,
    /// Coder names.
    pub coders: Vec<String>,
    /// `(attribute, value)` pairs that a segment's document must meet, as in [`DocumentFilter`].
    pub conditions: Vec<(String, String)>,
}

/// Resolves the names of a query against the project into a [`SegmentFilter`]; conditions on
/// attributes narrow the documents (and a query no document meets gives
/// [`SegmentFilter::nothing`]).
pub fn resolve_segment_filter(p: &Project, query: &SegmentQuery) -> Result<SegmentFilter> {
    let mut filter = SegmentFilter::default();
    for code in &query.codes {
        filter.codes.push(p.code_by_path(code)?.id);
    }
    for name in &query.jobcenters {
        filter.jobcenters.push(p.jobcenter(name)?.id);
    }
    for doc in &query.documents {
        filter.documents.push(p.resolve_document(doc)?);
    }
    for name in &query.coders {
        filter.coders.push(p.coder(name)?.id);
    }
    if !query.conditions.is_empty() {
        let data = AnalysisData::load_cases(p)?;
        let conditions = DocumentFilter::new(&data.attributes, &query.conditions)?;
        let allowed = conditions.document_ids(&data);
        if !filter.documents.is_empty() {
            filter.documents.retain(|d| allowed.contains(d));
        } else {
            filter.documents = allowed;
        }
        if filter.documents.is_empty() {
            return Ok(SegmentFilter::nothing());
        }
    }
    Ok(filter)
}

/// Finds an attribute of either scope by a lenient name.
pub fn find_attribute<'a>(attributes: &'a [Attribute], name: &str) -> Result<&'a Attribute> {
    attributes
        .iter()
        .find(|a| fold(&a.name) == fold(name))
        .ok_or_else(|| Error::UnknownAttribute(name.to_owned()))
}

/// Conditions, resolved to their attributes: values of one attribute are alternatives (OR), different
/// attributes must all hold (AND).
#[derive(Clone, Debug, Default)]
pub struct DocumentFilter {
    conditions: Vec<(Attribute, Vec<String>)>,
}

impl DocumentFilter {
    /// Resolves `ATTRIBUTE=VALUE` pairs against the project's attributes.
    pub fn new(attributes: &[Attribute], pairs: &[(String, String)]) -> Result<Self> {
        let mut conditions: Vec<(Attribute, Vec<String>)> = Vec::new();
        for (key, value) in pairs {
            let attribute = find_attribute(attributes, key)?;
            let value = canonical_value(attribute, value)?;
            match conditions.iter_mut().find(|(a, _)| a.id == attribute.id) {
                Some((_, values)) => values.push(value),
                None => conditions.push((attribute.clone(), vec![value])),
            }
        }
        Ok(Self { conditions })
    }

    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// The resolved conditions: each attribute with the values it may take.
    pub fn conditions(&self) -> &[(Attribute, Vec<String>)] {
        &self.conditions
    }

    /// The conditions for a person to read: `Trägerschaft=zkT & Lage=Land|Stadt`.
    pub fn label(&self) -> String {
        self.conditions
            .iter()
            .map(|(attribute, values)| format!("{}={}", attribute.name, values.join("|")))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// Whether a document (with its jobcenter's attributes) meets every condition.
    pub fn matches(&self, document: &DocumentInfo, jobcenter_values: &[(String, String)]) -> bool {
        self.conditions.iter().all(|(attribute, values)| {
            let own = match attribute.scope {
                Scope::Jobcenter => jobcenter_values,
                Scope::Document => &document.attributes,
            };
            own.iter()
                .find(|(name, _)| *name == attribute.name)
                .is_some_and(|(_, v)| values.iter().any(|want| fold(want) == fold(v)))
        })
    }

    /// The documents of the data that meet the conditions.
    pub fn documents<'a>(&self, data: &'a AnalysisData) -> Vec<&'a DocumentInfo> {
        let jobcenter_values: HashMap<JobcenterId, &[(String, String)]> = data
            .jobcenters
            .iter()
            .map(|j| (j.id, j.attributes.as_slice()))
            .collect();
        data.documents
            .iter()
            .filter(|d| {
                self.matches(
                    d,
                    jobcenter_values
                        .get(&d.jobcenter_id)
                        .copied()
                        .unwrap_or(&[]),
                )
            })
            .collect()
    }

    /// The ids of the documents that meet the conditions.
    pub fn document_ids(&self, data: &AnalysisData) -> Vec<DocumentId> {
        self.documents(data).into_iter().map(|d| d.id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        let texts = vec![" Lage = Land ".to_owned(), "Notiz=a=b".to_owned()];
        assert_eq!(
            parse_assignments(&texts).unwrap(),
            vec![pair("Lage", "Land"), pair("Notiz", "a=b")]
        );
        assert!(parse_assignments(&["=Land".to_owned()]).is_err());
        assert!(parse_assignments(&["Lage".to_owned()]).is_err());
    }

    #[test]
    fn a_segment_query_resolves_names_and_conditions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.kodierwerk");
        crate::corpus::sample::create_sample(&path).unwrap();
        let p = Project::open(&path).unwrap();

        let all = resolve_segment_filter(&p, &SegmentQuery::default()).unwrap();
        assert!(all.codes.is_empty() && all.documents.is_empty());

        let query = SegmentQuery {
            codes: vec!["Arbeitslogik".into()],
            jobcenters: vec!["Jobcenter Hafenstadt".into()],
            ..SegmentQuery::default()
        };
        let filter = resolve_segment_filter(&p, &query).unwrap();
        assert_eq!(
            filter.codes,
            vec![p.code_by_path("Arbeitslogik").unwrap().id]
        );
        assert_eq!(
            filter.jobcenters,
            vec![p.jobcenter("Jobcenter Hafenstadt").unwrap().id]
        );

        let land = SegmentQuery {
            conditions: vec![pair("Lage", "Land")],
            ..SegmentQuery::default()
        };
        let filter = resolve_segment_filter(&p, &land).unwrap();
        let data = AnalysisData::load(&p).unwrap();
        let expected = DocumentFilter::new(&data.attributes, &land.conditions)
            .unwrap()
            .document_ids(&data);
        assert!(!expected.is_empty());
        assert_eq!(filter.documents, expected);

        let hafenstadt = p.jobcenter("Jobcenter Hafenstadt").unwrap().id;
        let in_town = data
            .documents
            .iter()
            .find(|d| d.jobcenter_id == hafenstadt)
            .unwrap();
        let none = SegmentQuery {
            documents: vec![in_town.id.to_string()],
            conditions: land.conditions.clone(),
            ..SegmentQuery::default()
        };
        assert_eq!(
            resolve_segment_filter(&p, &none).unwrap().documents,
            SegmentFilter::nothing().documents
        );

        let unknown = SegmentQuery {
            codes: vec!["Gibt es nicht".into()],
            ..SegmentQuery::default()
        };
        assert!(resolve_segment_filter(&p, &unknown).is_err());
    }
}
