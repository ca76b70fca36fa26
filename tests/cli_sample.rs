//! The sample project a newcomer sees first: complete, coded by two coders, and exportable.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Scratch, json, kw, kw_ok};

#[test]
fn the_sample_project_is_a_living_study() {
    let s = Scratch::new();
    let project = s.path("sample.kodierwerk");
    let p = project.to_str().unwrap();
    kw_ok(["sample", p]);

    let jobcenters = json(&kw_ok(["jobcenters", p, "--format", "json"]));
    let jobcenters = jobcenters.as_array().unwrap();
    assert!(jobcenters.len() >= 6);
    let values = |key: &str| -> HashSet<String> {
        jobcenters
            .iter()
            .filter_map(|j| j["attributes"][key].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        values("Trägerschaft"),
        HashSet::from(["gE".into(), "zkT".into()])
    );
    assert_eq!(
        values("Lage"),
        HashSet::from(["Stadt".into(), "Land".into()])
    );
    assert_eq!(
        values("Digitalisierungstyp"),
        HashSet::from([
            "Digitale Vorreiter".into(),
            "Verhaltener Umgang".into(),
            "Pragmatischer Umgang".into()
        ])
    );

    let docs = json(&kw_ok(["docs", p, "--format", "json"]));
    let docs = docs.as_array().unwrap();
    assert!(docs.len() >= 24);
    let mut roles = HashSet::new();
    let mut areas = HashSet::new();
    for doc in docs {
        let text = kw_ok(["text", p, "--doc", doc["name"].as_str().unwrap()]);
        let words = text.split_whitespace().count();
        assert!(
            (800..=2500).contains(&words),
            "{} has {words} words",
            doc["name"]
        );
        assert!(
            doc["turns"].as_u64().unwrap() >= 10,
            "{} has few turns",
            doc["name"]
        );
        roles.insert(doc["attributes"]["Rolle"].as_str().unwrap().to_owned());
        areas.insert(
            doc["attributes"]["Tätigkeitsbereich"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for role in [
        "Führungskraft",
        "Fachexpert:in",
        "Beschäftigte:r",
        "Bürger:in",
    ] {
        assert!(roles.contains(role), "no {role}");
    }
    for area in ["Leistungsgewährung", "Arbeitsvermittlung", "Sozialberatung"] {
        assert!(areas.contains(area), "no {area}");
    }

    // Two coders in every jobcenter, and every segment holds exactly the text at its range.
    let segments = json(&kw_ok(["segments", p, "--format", "json"]));
    let segments = segments.as_array().unwrap();
    assert!(segments.len() >= 200);
    let mut coders: HashMap<String, HashSet<String>> = HashMap::new();
    let mut texts: HashMap<String, Vec<char>> = HashMap::new();
    for segment in segments {
        let document = segment["document"].as_str().unwrap().to_owned();
        coders
            .entry(segment["jobcenter"].as_str().unwrap().to_owned())
            .or_default()
            .insert(segment["coder"].as_str().unwrap().to_owned());
        let chars = texts
            .entry(document.clone())
            .or_insert_with(|| kw_ok(["text", p, "--doc", &document]).chars().collect());
        let (start, end) = (
            segment["start"].as_u64().unwrap() as usize,
            segment["end"].as_u64().unwrap() as usize,
        );
        let at_range: String = chars[start..end].iter().collect();
        assert_eq!(at_range, segment["text"].as_str().unwrap());
        assert!(
            segment["speaker"].is_string(),
            "segment {} has no speaker",
            segment["id"]
        );
    }
    assert_eq!(coders.len(), jobcenters.len());
    assert!(coders.values().all(|c| c.len() == 2), "{coders:?}");

    // Every segment leaves through the CSV export with its exact text.
    let out = s.path("alle.csv");
    kw_ok(["export", "csv", p, out.to_str().unwrap()]);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    let text_col = header.iter().position(|h| h == "text").unwrap();
    let id_col = header.iter().position(|h| h == "segment_id").unwrap();
    let exported: HashMap<String, String> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id_col].to_owned(), r[text_col].to_owned())
        })
        .collect();
    assert_eq!(exported.len(), segments.len());
    for segment in segments {
        let text = segment["text"].as_str().unwrap();
        let cell = &exported[&segment["id"].to_string()];
        let expected = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        assert_eq!(cell, &expected);
    }

    // The study's question in one table: work logics by digitalisation type.
    let m = json(&kw_ok([
        "matrix",
        p,
        "--by",
        "Digitalisierungstyp",
        "--value",
        "percent",
        "--format",
        "json",
    ]));
    let labels: Vec<&str> = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Digitale Vorreiter",
            "Verhaltener Umgang",
            "Pragmatischer Umgang"
        ]
    );
    assert_eq!(m["all"]["documents"].as_u64().unwrap() as usize, docs.len());

    // A second `sample` does not overwrite the first.
    let again = kw(["sample", p]);
    assert!(
        !again.ok && again.stderr.contains("exists already"),
        "{}",
        again.stderr
    );
}
