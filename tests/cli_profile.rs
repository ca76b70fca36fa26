//! `kodierwerk profile`: how a code's segments divide among its sub-codes per jobcenter or group —
//! the numbers of the workbench's profile chart — on the hand-counted analysis fixture.

mod common;

use common::{Scratch, fixture, json, kw, kw_ok};
use serde_json::Value;

fn profile(p: &str, extra: &[&str]) -> Value {
    let mut args = vec!["profile", p, "--format", "json"];
    args.extend_from_slice(extra);
    json(&kw_ok(args))
}

/// The shares of `code` per column, rounded to one decimal as the table shows them.
fn shares(v: &Value, code: &str) -> Vec<f64> {
    let i = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == code)
        .unwrap_or_else(|| panic!("{code} missing in {v}"));
    v["shares"][i]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s.as_f64().unwrap() * 10.0).round() / 10.0)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_codes_segments_divide_among_its_sub_codes_per_jobcenter() {
    let s = Scratch::new();
    let p = fixture(&s);
    // A's sub-codes: Nord has A1 twice (Anna 19–30, Ben 0–14) and A2 once (Ben 50–55); Süd A2
    // once (Anna); West A1 and A2 once each; Ost has no documents. A's own segments do not count.
    let v = profile(&p, &["--code", "A"]);
    assert_eq!(
        strings(&v["columns"]),
        ["JC Nord", "JC Süd", "JC West", "JC Ost"]
    );
    assert_eq!(strings(&v["codes"]), ["A/A1", "A/A2"]);
    assert_eq!(shares(&v, "A/A1"), [66.7, 0.0, 50.0, 0.0]);
    assert_eq!(shares(&v, "A/A2"), [33.3, 100.0, 50.0, 0.0]);
    assert_eq!(v["segments"], serde_json::json!([3, 1, 2, 0]));

    // Without --code: the top-level codes, each with its sub-codes (Nord: A five times, B once).
    let v = profile(&p, &[]);
    assert_eq!(strings(&v["codes"]), ["A", "B"]);
    assert_eq!(shares(&v, "A"), [83.3, 33.3, 100.0, 0.0]);
    assert_eq!(shares(&v, "B"), [16.7, 66.7, 0.0, 0.0]);
    assert_eq!(v["segments"], serde_json::json!([6, 3, 2, 0]));

    // One coder: Anna coded A1 in Nord and West, A2 in Süd.
    let v = profile(&p, &["--code", "A", "--coder", "Anna"]);
    assert_eq!(shares(&v, "A/A1"), [100.0, 0.0, 100.0, 0.0]);
    assert_eq!(v["segments"], serde_json::json!([1, 1, 1, 0]));
}

#[test]
fn profiles_group_by_attributes_and_print_tables() {
    let s = Scratch::new();
    let p = fixture(&s);
    // Lage: Stadt is Süd and West (A1 once, A2 twice), Land is Nord and Ost (A1 twice, A2 once).
    let v = profile(&p, &["--code", "A", "--by", "Lage"]);
    let columns = strings(&v["columns"]);
    let stadt = columns.iter().position(|c| c == "Stadt").unwrap();
    let land = columns.iter().position(|c| c == "Land").unwrap();
    let a1 = shares(&v, "A/A1");
    assert_eq!((a1[stadt], a1[land]), (33.3, 66.7));

    let csv = kw_ok(["profile", &p, "--code", "A", "--format", "csv"]);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "code,JC Nord,JC Süd,JC West,JC Ost",
            "A/A1,66.7,0.0,50.0,0.0",
            "A/A2,33.3,100.0,50.0,0.0",
            "(Segmente),3,1,2,0",
        ]
    );

    // B has no sub-codes: a sentence, status 1.
    let out = kw(["profile", &p, "--code", "B"]);
    assert!(!out.ok);
    assert!(out.stderr.contains("has no sub-codes"), "{}", out.stderr);
}
