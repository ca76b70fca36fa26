//! The layers of ARCHITECTURE.md, checked: no module of `src/` uses a layer above its own.
//!
//! Reads every source file and lists the top-level modules it names through `crate::`; unit tests
//! (from the first `#[cfg(test)]` on) may use any layer and are not read.

use std::collections::BTreeSet;
use std::path::Path;

/// Each layer and the layers it may use, from the ground up.
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("coding", &["model"]),
    ("project", &["model", "coding"]),
    ("corpus", &["model", "coding", "project"]),
    ("analysis", &["model", "coding", "project"]),
    (
        "exchange",
        &["model", "coding", "project", "corpus", "analysis"],
    ),
    ("workload", &["model", "coding", "project", "corpus"]),
    (
        "cli",
        &[
            "model", "coding", "project", "corpus", "analysis", "exchange", "workload",
        ],
    ),
    (
        "gui",
        &[
            "model", "coding", "project", "corpus", "analysis", "exchange", "workload",
        ],
    ),
];

/// What `lib.rs` re-exports from the ground floor.
const GROUND_REEXPORTS: &[&str] = &["Error", "Result"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a piece of Rust names as `crate::module` or `crate::{module, …}`.
fn modules_named(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let ident: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() {
                continue;
            }
            if GROUND_REEXPORTS.contains(&ident.as_str()) {
                found.insert("model".to_owned());
            } else {
                found.insert(ident);
            }
        }
    }
    found
}

/// The code of a file without its unit tests and comments.
fn production_code(text: &str) -> String {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut crossings = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap();
        let layer = first.as_os_str().to_str().unwrap().trim_end_matches(".rs");
        if layer == "lib" || layer == "main" {
            continue; // they stand above the layers
        }
        let (_, allowed) = LAYERS
            .iter()
            .find(|(name, _)| *name == layer)
            .unwrap_or_else(|| panic!("{layer} is not a layer of ARCHITECTURE.md"));
        let text = std::fs::read_to_string(file).unwrap();
        for used in modules_named(&production_code(&text)) {
            if used != layer && !allowed.contains(&used.as_str()) {
                crossings.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
        checked += 1;
    }
    assert!(checked > 50, "only {checked} files were read");
    assert!(crossings.is_empty(), "{}", crossings.join("\n"));
}

/// The GUI's own layers: each part of `src/gui` and the parts it may use.
const GUI_LAYERS: &[(&str, &[&str])] = &[
    ("i18n", &[]),
    ("jobs", &[]),
    ("analysis_worker", &[]),
    ("retriever", &[]),
    ("request", &["jobs"]),
    (
        "state",
        &["request", "i18n", "jobs", "analysis_worker", "retriever"],
    ),
    ("widgets", &["state", "request", "i18n", "jobs"]),
    (
        "panes",
        &[
            "state",
            "request",
            "widgets",
            "i18n",
            "jobs",
            "analysis_worker",
        ],
    ),
    (
        "app",
        &[
            "panes",
            "state",
            "request",
            "widgets",
            "i18n",
            "jobs",
            "analysis_worker",
        ],
    ),
];

/// The identifiers that follow `prefix` in a piece of Rust.
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    code.match_indices(prefix)
        .filter(|(at, _)| {
            !code[..*at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        })
        .map(|(at, _)| {
            code[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .filter(|name: &String| !name.is_empty())
        .collect()
}

#[test]
fn no_part_of_the_gui_uses_one_above_it_and_no_pane_another() {
    let gui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gui");
    let mut files = Vec::new();
    rust_files(&gui, &mut files);
    let mut crossings = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&gui).unwrap();
        let part = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap()
            .trim_end_matches(".rs");
        if part == "mod" {
            continue;
        }
        let code = production_code(&std::fs::read_to_string(file).unwrap());
        let mut used = names_after(&code, "crate::gui::");
        let nested = relative.components().count() > 1;
        if nested {
            let sibling = names_after(&code, "super::");
            if part == "panes" && relative.file_name().unwrap() != "mod.rs" && !sibling.is_empty() {
                crossings.push(format!(
                    "{} uses another pane: {sibling:?}",
                    relative.display()
                ));
            }
        } else {
            used.extend(names_after(&code, "super::"));
        }
        let (_, allowed) = GUI_LAYERS
            .iter()
            .find(|(name, _)| *name == part)
            .unwrap_or_else(|| panic!("src/gui/{part} is not in GUI_LAYERS"));
        for name in used {
            if name != part && !allowed.contains(&name.as_str()) {
                crossings.push(format!("{} uses gui::{name}", relative.display()));
            }
        }
    }
    assert!(crossings.is_empty(), "{}", crossings.join("\n"));
}

#[test]
fn the_check_sees_both_forms_of_use() {
    let named = modules_named(
        "use crate::gui::state;\nuse crate::{analysis::matrix, Error};\nlet x = crate::cli::run();",
    );
    assert_eq!(
        named.into_iter().collect::<Vec<_>>(),
        ["analysis", "cli", "gui", "model"]
    );
    assert_eq!(
        production_code("use crate::a;\n// crate::b\n#[cfg(test)]\nuse crate::c;"),
        "use crate::a;"
    );
}
