//! Coders, codes, variables with their values, and cases.

use std::collections::{BTreeMap, HashMap};

use super::fields::{colour, guid_of, memo_text};
use super::report::{name_list, plural, was};
use super::{Kind, Reading, Target};
use crate::exchange::refi::archive::Element;
use crate::exchange::refi::export::choices_from_description;
use crate::model::bundle::{BundleCode, Case, User, Variable, VariableScope};

/// The colour of an imported code that has none of its own nor a parent's (the grey Kodierwerk
/// gives new codes).
const DEFAULT_CODE_COLOR: &str = "#9ca3af";

/// A variable value found on a case or a source.
pub(super) struct Value {
    owner: VariableScope,
    index: usize,
    variable: String,
    value: String,
}

impl Reading<'_> {
    pub(super) fn users(&mut self, users: &Element) {
        self.expect_children(users, &["User"], "the users");
        for (n, user) in users.children_named("User").enumerate() {
            let Some(guid) = guid_of(user.attr("guid")) else {
                self.discard(format!("user {} has no GUID and was not imported.", n + 1));
                continue;
            };
            if self.kinds.contains_key(&guid) {
                continue;
            }
            let name = user
                .attr_nonempty("name")
                .or_else(|| user.attr_nonempty("id"))
                .map(str::to_owned)
                .unwrap_or_else(|| format!("User {}", n + 1));
            self.kinds.insert(guid.clone(), Kind::Elsewhere);
            self.bundle.users.push(User { guid, name });
        }
    }

    pub(super) fn codebook(&mut self, book: &Element) {
        if let Some(codes) = book.child("Codes") {
            self.expect_children(codes, &["Code"], "the codebook");
            for code in codes.children_named("Code") {
                self.code(code, None, None);
            }
        }
    }

    fn code(&mut self, code: &Element, parent: Option<&str>, parent_colour: Option<&str>) {
        self.expect_children(code, &["Description", "NoteRef", "Code"], "a code");
        let name = code.attr_nonempty("name").unwrap_or("").to_owned();
        let name = if name.is_empty() {
            format!("Code {}", self.bundle.codes.len() + 1)
        } else {
            name
        };
        let Some(guid) = guid_of(code.attr("guid")) else {
            self.discard(format!(
                "the code “{name}” has no GUID and was not imported, nor its sub-codes."
            ));
            return;
        };
        if self.kinds.contains_key(&guid) {
            self.discard(format!(
                "the code “{name}” repeats the GUID {guid} of another item and was not imported, nor its sub-codes."
            ));
            return;
        }
        let color = code
            .attr("color")
            .and_then(colour)
            .or_else(|| parent_colour.map(str::to_owned))
            .unwrap_or_else(|| DEFAULT_CODE_COLOR.to_owned());
        self.kinds
            .insert(guid.clone(), Kind::Target(Target::Code(guid.clone())));
        self.bundle.codes.push(BundleCode {
            guid: guid.clone(),
            parent: parent.map(str::to_owned),
            name,
            color: color.clone(),
            description: memo_text(code.child_text("Description")),
            memo: String::new(),
        });
        self.note_refs(code, &Target::Code(guid.clone()));
        for child in code.children_named("Code") {
            self.code(child, Some(&guid), Some(&color));
        }
    }

    pub(super) fn variables(&mut self, variables: &Element) {
        self.expect_children(variables, &["Variable"], "the variables");
        for variable in variables.children_named("Variable") {
            let name = variable.attr_nonempty("name").unwrap_or("").to_owned();
            let Some(guid) = guid_of(variable.attr("guid")) else {
                self.discard(format!(
                    "the variable “{name}” has no GUID and was not imported."
                ));
                continue;
            };
            if name.is_empty() || self.kinds.contains_key(&guid) {
                self.discard(format!(
                    "a variable without a name or with a repeated GUID ({guid}) was not imported."
                ));
                continue;
            }
            let kind = variable.attr("typeOfVariable").unwrap_or("Text").trim();
            let written = memo_text(variable.child_text("Description"));
            let (choices, description) = choices_from_description(&written);
            if !choices.is_empty() {
                self.choice_descriptions.insert(guid.clone(), written);
            }
            self.kinds.insert(guid.clone(), Kind::Elsewhere);
            self.bundle.variables.push(Variable {
                guid,
                name,
                scope: VariableScope::Case,
                is_date: kind.eq_ignore_ascii_case("Date"),
                choices,
                description,
            });
        }
    }

    pub(super) fn variable_values(
        &mut self,
        element: &Element,
        owner: VariableScope,
        index: usize,
    ) {
        for vv in element.children_named("VariableValue") {
            let Some(variable) = vv
                .child("VariableRef")
                .and_then(|r| guid_of(r.attr("targetGUID")))
            else {
                continue;
            };
            let value = [
                "TextValue",
                "BooleanValue",
                "IntegerValue",
                "FloatValue",
                "DateValue",
                "DateTimeValue",
            ]
            .iter()
            .find_map(|k| vv.child(k))
            .map(|v| memo_text(&v.text))
            .unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            self.values.push(Value {
                owner,
                index,
                variable,
                value,
            });
        }
    }

    pub(super) fn cases(&mut self, cases: &Element) {
        self.expect_children(cases, &["Case"], "the cases");
        let mut coded = 0;
        let mut with_selections = 0;
        for (n, case) in cases.children_named("Case").enumerate() {
            self.expect_children(
                case,
                &[
                    "Description",
                    "CodeRef",
                    "VariableValue",
                    "SourceRef",
                    "SelectionRef",
                ],
                "a case",
            );
            let Some(guid) = guid_of(case.attr("guid")) else {
                continue;
            };
            if self.kinds.contains_key(&guid) {
                continue;
            }
            let name = case
                .attr_nonempty("name")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Case {}", n + 1));
            let index = self.bundle.cases.len();
            self.kinds
                .insert(guid.clone(), Kind::Target(Target::Case(guid.clone())));
            self.bundle.cases.push(Case {
                guid: guid.clone(),
                name,
                values: Vec::new(),
                memo: String::new(),
            });
            self.description(case, &Target::Case(guid.clone()));
            self.note_refs(case, &Target::Case(guid.clone()));
            self.variable_values(case, VariableScope::Case, index);
            coded += case.children_named("CodeRef").count();
            with_selections += case.children_named("SelectionRef").count();
        }
        if coded > 0 {
            self.discard(format!(
                "{} of cases {} not imported: a jobcenter is not coded as a whole in Kodierwerk.",
                plural(coded, "code assignment", "code assignments"),
                was(coded)
            ));
        }
        if with_selections > 0 {
            self.discard(format!(
                "{} from cases to single passages {} not imported: a jobcenter holds whole documents.",
                plural(with_selections, "reference", "references"),
                was(with_selections)
            ));
        }
    }

    /// Puts each source into the first imported case that names it (`Case/SourceRef`).
    pub(super) fn assign_cases(&mut self, cases: Option<&Element>) {
        let Some(cases) = cases else {
            return;
        };
        let known: HashMap<String, String> = self
            .bundle
            .cases
            .iter()
            .map(|c| (c.guid.clone(), c.name.clone()))
            .collect();
        let mut by_source: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for case in cases.children_named("Case") {
            let Some(case_guid) = guid_of(case.attr("guid")) else {
                continue;
            };
            let Some(name) = known.get(&case_guid) else {
                continue;
            };
            for r in case.children_named("SourceRef") {
                if let Some(source) = guid_of(r.attr("targetGUID")) {
                    let cases = by_source.entry(source).or_default();
                    if !cases.iter().any(|(g, _)| *g == case_guid) {
                        cases.push((case_guid.clone(), name.clone()));
                    }
                }
            }
        }
        let mut several = Vec::new();
        for source in &mut self.bundle.sources {
            if let Some(cases) = by_source.get(&source.guid)
                && let Some((first, first_name)) = cases.first()
            {
                source.case = Some(first.clone());
                if cases.len() > 1 {
                    let names: Vec<String> = cases.iter().map(|(_, n)| n.clone()).collect();
                    several.push(format!(
                        "the source “{}” belongs to the cases {}; Kodierwerk gives a document one jobcenter, so it went to “{first_name}”.",
                        source.name,
                        name_list(&names)
                    ));
                }
            }
        }
        for sentence in several {
            self.discard(sentence);
        }
    }

    pub(super) fn values_to_variables(&mut self) {
        let variable_index: HashMap<String, usize> = self
            .bundle
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| (v.guid.clone(), i))
            .collect();
        let mut on_cases = vec![0usize; self.bundle.variables.len()];
        let mut on_sources = vec![0usize; self.bundle.variables.len()];
        let mut unknown = 0;
        for v in &self.values {
            match (variable_index.get(&v.variable), v.owner) {
                (Some(&i), VariableScope::Case) => on_cases[i] += 1,
                (Some(&i), VariableScope::Source) => on_sources[i] += 1,
                (None, _) => unknown += 1,
            }
        }
        for (i, variable) in self.bundle.variables.iter_mut().enumerate() {
            if on_sources[i] > on_cases[i] {
                variable.scope = VariableScope::Source;
            }
        }
        // Allowed values (written by Kodierwerk into the description) hold only if every value fits.
        for (i, variable) in self.bundle.variables.iter_mut().enumerate() {
            if variable.choices.is_empty() {
                continue;
            }
            let fits = self.values.iter().all(|v| {
                variable_index.get(&v.variable) != Some(&i)
                    || v.owner != variable.scope
                    || variable.choices.contains(&v.value)
            });
            if !fits {
                variable.choices.clear();
                if let Some(written) = self.choice_descriptions.get(&variable.guid) {
                    variable.description = written.clone();
                }
            }
        }
        let mut wrong_scope: BTreeMap<String, usize> = BTreeMap::new();
        for v in std::mem::take(&mut self.values) {
            let Some(&i) = variable_index.get(&v.variable) else {
                continue;
            };
            let variable = &self.bundle.variables[i];
            if variable.scope != v.owner {
                *wrong_scope.entry(variable.name.clone()).or_default() += 1;
                continue;
            }
            let value = if variable.is_date {
                v.value.chars().take(10).collect()
            } else {
                v.value
            };
            let entry = (v.variable, value);
            match v.owner {
                VariableScope::Case => self.bundle.cases[v.index].values.push(entry),
                VariableScope::Source => self.bundle.sources[v.index].values.push(entry),
            }
        }
        if unknown > 0 {
            self.discard(format!(
                "{} referred to a variable the file does not define and {} not imported.",
                plural(unknown, "value", "values"),
                was(unknown)
            ));
        }
        for (name, n) in wrong_scope {
            self.discard(format!(
                "{} of the variable “{name}” {} not imported: it is used mostly on the other kind (cases or documents), and in Kodierwerk an attribute describes either jobcenters or documents.",
                plural(n, "value", "values"),
                was(n)
            ));
        }
    }
}
