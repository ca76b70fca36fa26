//! Conditions on attributes (`Trägerschaft=zkT`, `Rolle=Bürger:in`) that select documents.

use std::collections::HashMap;

use super::AnalysisData;
use crate::model::error::{Error, Result};
use crate::model::{Attribute, DocumentId, DocumentInfo, JobcenterId, Scope};
use crate::project::{canonical_value, fold};

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
