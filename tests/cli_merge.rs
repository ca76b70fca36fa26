//! Team coding in copies: the lead hands out copies of the project, coders and lead change things
//! apart, and `merge` brings the copies back without losing or reviving anything. Also the
//! command-line edits that scripts and merges need.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, fingerprint, json, kw, kw_ok};
use serde_json::Value;

/// Everything a merge may change, without row ids and times: segments, codes, the memos that
/// the tests write, jobcenters with their attributes, documents.
fn picture(project: &Path) -> String {
    let p = project.to_str().unwrap();
    let mut segments: Vec<String> = json(&kw_ok(["segments", p, "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {} | {}–{} | {} | {}",
                s["document"], s["code"], s["coder"], s["start"], s["end"], s["text"], s["memo"]
            )
        })
        .collect();
    segments.sort();
    let codes: Vec<String> = json(&kw_ok(["codes", p, "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {:?}", c["path"], c["color"], c["description"]))
        .collect();
    let jobcenters = json(&kw_ok(["jobcenters", p, "--format", "json"]));
    let jobcenters: Vec<String> = jobcenters
        .as_array()
        .unwrap()
        .iter()
        .map(|j| format!("{} {} {}", j["name"], j["attributes"], j["documents"]))
        .collect();
    let docs: Vec<String> = json(&kw_ok(["docs", p, "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {} {}", d["name"], d["jobcenter"], d["attributes"]))
        .collect();
    let memos = [
        vec!["--project-memo"],
        vec!["--doc", "HS-01_Fuehrungskraft"],
        vec!["--code", "Arbeitslogik"],
    ]
    .iter()
    .map(|target| {
        let mut args = vec!["memo", p];
        args.extend(target);
        kw_ok(args)
    })
    .collect::<Vec<_>>();
    format!(
        "{}\n--\n{}\n--\n{}\n--\n{}\n--\n{}",
        segments.join("\n"),
        codes.join("\n"),
        jobcenters.join("\n"),
        docs.join("\n"),
        memos.join("\n")
    )
}

fn sample(s: &Scratch, name: &str) -> PathBuf {
    let path = s.path(name);
    kw_ok(["sample", path.to_str().unwrap()]);
    path
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// Runs a command on a project: `on(p, ["code", "--doc", …])` runs `kodierwerk code P --doc …`.
fn on(project: &Path, args: &[&str]) -> String {
    let mut all = vec![args[0], project.to_str().unwrap()];
    all.extend(&args[1..]);
    kw_ok(all)
}

fn merge(project: &Path, other: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "merge",
        project.to_str().unwrap(),
        other.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    json(&kw_ok(args))
}

fn count(report: &Value, kind: &str, what: &str) -> u64 {
    report["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap()[what]
        .as_u64()
        .unwrap()
}

fn log_len(project: &Path) -> usize {
    on(project, &["log", "--limit", "100000"]).lines().count()
}

/// The id of the segment of `coder` at `start` in document `doc`.
fn segment_at(project: &Path, doc: &str, start: u64) -> String {
    json(&on(project, &["segments", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["document"] == doc && s["start"] == start)
        .unwrap_or_else(|| panic!("no segment at {start} in {doc}"))["id"]
        .to_string()
}

/// The first few segments of the sample, by id, as (id, document, start).
fn some_segments(project: &Path) -> Vec<(String, String, u64)> {
    let mut all: Vec<(String, String, u64)> = json(&on(project, &["segments", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].to_string(),
                s["document"].as_str().unwrap().to_owned(),
                s["start"].as_u64().unwrap(),
            )
        })
        .collect();
    all.sort_by_key(|(id, ..)| id.parse::<i64>().unwrap());
    all
}

/// The lead's and a coder's edits that do not touch the same thing.
fn lead_edits(p: &Path, segs: &[(String, String, u64)]) {
    common::code_passage(
        p.to_str().unwrap(),
        "HS-01_Fuehrungskraft",
        "Arbeitslogik/Leistungsgewährung",
        "Lead",
        50,
        70,
    );
    on(p, &["delete-segment", &segs[0].0]);
    on(
        p,
        &[
            "recode",
            &segs[1].0,
            "--code",
            "Arbeitslogik/Sozialberatung",
        ],
    );
    on(
        p,
        &[
            "memo",
            "--code",
            "Arbeitslogik",
            "--text",
            "Regel der Leitung",
        ],
    );
    on(p, &["add-code", "Leitung/Neu", "--color", "#112233"]);
}

fn coder_edits(p: &Path, segs: &[(String, String, u64)]) {
    on(
        p,
        &[
            "code",
            "--doc",
            "HS-01_Fuehrungskraft",
            "--start",
            "10",
            "--end",
            "40",
            "--code",
            "Arbeitslogik/Sozialberatung",
            "--coder",
            "Anna",
            "--memo",
            "Anna merkt an",
        ],
    );
    on(p, &["delete-segment", &segs[2].0]);
    let start = segs[3].2;
    on(
        p,
        &[
            "set-range",
            &segs[3].0,
            "--start",
            &(start + 1).to_string(),
            "--end",
            &(start + 9).to_string(),
        ],
    );
    on(
        p,
        &[
            "rename-code",
            "Arbeitslogik/Arbeitsvermittlung",
            "Vermittlung",
        ],
    );
    on(
        p,
        &[
            "memo",
            "--doc",
            "HS-01_Fuehrungskraft",
            "--text",
            "Annas Notiz",
        ],
    );
    on(
        p,
        &[
            "jobcenter",
            "Jobcenter Hafenstadt",
            "--attr",
            "Digitalisierungstyp=Pragmatischer Umgang",
        ],
    );
    on(p, &["add-code", "Anna/Eigenes"]);
    on(p, &["move-code", "Anna/Eigenes", "--to", "Arbeitslogik"]);
}

#[test]
fn what_each_side_changed_comes_together_once_and_one_undo_takes_it_back() {
    let s = Scratch::new();
    let lead = sample(&s, "studie.kodierwerk");
    let copy_path = s.path("kopie-anna.kodierwerk");
    copy(&lead, &copy_path);
    let segs = some_segments(&lead);
    // The expected result: both sides' edits made one after the other in one file.
    let expected = s.path("erwartet.kodierwerk");
    copy(&lead, &expected);
    lead_edits(&expected, &segs);
    coder_edits(&expected, &segs);

    lead_edits(&lead, &segs);
    coder_edits(&copy_path, &segs);
    let before = picture(&lead);
    let copy_before = fingerprint(&copy_path);

    let dry = merge(&lead, &copy_path, &["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(picture(&lead), before, "the dry run changes nothing");

    let report = merge(&lead, &copy_path, &[]);
    assert_eq!(report["mode"], "common_ancestor");
    assert_eq!(report["project_changes"], 5);
    assert_eq!(report["other_changes"], 8);
    assert_eq!(report["conflicts"], Value::Array(vec![]), "{report:#}");
    assert_eq!(count(&report, "segments", "came_across"), 1);
    assert_eq!(count(&report, "segments", "deleted"), 1);
    assert_eq!(count(&report, "segments", "changed"), 1);
    assert_eq!(count(&report, "codes", "came_across"), 2, "{report:#}");
    assert_eq!(count(&report, "codes", "changed"), 1, "renamed");
    assert_eq!(count(&report, "memos", "came_across"), 1);
    assert_eq!(count(&report, "attributes", "changed"), 1);
    // The dry run said exactly what the merge did.
    assert_eq!(dry["counts"], report["counts"]);
    assert_eq!(picture(&lead), picture(&expected));
    assert_eq!(
        fingerprint(&copy_path),
        copy_before,
        "the copy is only read"
    );

    // Merging the same copy again changes nothing.
    let log = log_len(&lead);
    let again = merge(&lead, &copy_path, &[]);
    assert_eq!(again["changes_project"], false, "{again:#}");
    assert_eq!(log_len(&lead), log);
    assert_eq!(picture(&lead), picture(&expected));

    // One undo takes the whole merge back; redo brings it again.
    on(&lead, &["undo"]);
    assert_eq!(picture(&lead), before);
    on(&lead, &["redo"]);
    assert_eq!(picture(&lead), picture(&expected));
}

#[test]
fn deletions_stay_deleted_on_both_sides_and_nothing_comes_back() {
    let s = Scratch::new();
    let lead = sample(&s, "studie.kodierwerk");
    let copy_path = s.path("kopie.kodierwerk");
    copy(&lead, &copy_path);
    let segs = some_segments(&lead);
    let (a, b, c) = (&segs[0], &segs[1], &segs[2]);
    on(&copy_path, &["delete-segment", &a.0]);
    on(&lead, &["delete-segment", &b.0]);
    let report = merge(&lead, &copy_path, &[]);
    assert_eq!(count(&report, "segments", "deleted"), 1);
    let ids: Vec<String> = some_segments(&lead).into_iter().map(|s| s.0).collect();
    assert!(!ids.contains(&a.0), "deleted in the copy: deleted here");
    assert!(!ids.contains(&b.0), "deleted here: not revived by the copy");

    // The lead deletes another segment the copy still holds; the copy goes on coding. The next
    // merge brings the new coding and does not revive the deleted segment.
    on(&lead, &["delete-segment", &c.0]);
    common::code_passage(
        copy_path.to_str().unwrap(),
        &c.1,
        "Arbeitslogik",
        "Anna",
        0,
        5,
    );
    let report = merge(&lead, &copy_path, &[]);
    assert_eq!(report["since_earlier_merge"], true);
    assert_eq!(report["other_changes"], 1);
    assert_eq!(count(&report, "segments", "came_across"), 1);
    let after = some_segments(&lead);
    assert!(!after.iter().any(|s| s.0 == c.0));
    assert!(after.iter().any(|s| s.1 == c.1 && s.2 == 0));
}

#[test]
fn conflicts_are_listed_with_both_values_and_resolved_by_the_stated_rules() {
    let s = Scratch::new();
    let lead = sample(&s, "studie.kodierwerk");
    let copy_path = s.path("kopie.kodierwerk");
    copy(&lead, &copy_path);
    let segs = some_segments(&lead);
    let (edited_here, edited_there, both) = (&segs[0], &segs[1], &segs[2]);
    let set_range = |p: &Path, seg: &(String, String, u64), shift: u64| {
        on(
            p,
            &[
                "set-range",
                &seg.0,
                "--start",
                &(seg.2 + shift).to_string(),
                "--end",
                &(seg.2 + shift + 5).to_string(),
            ],
        );
    };
    // Edited here, deleted there: stays with the project's edit.
    set_range(&lead, edited_here, 1);
    on(&copy_path, &["delete-segment", &edited_here.0]);
    // Deleted here, edited there: stays deleted.
    on(&lead, &["delete-segment", &edited_there.0]);
    set_range(&copy_path, edited_there, 2);
    // Both moved the same segment differently: the project's stays, the other's beside it.
    set_range(&lead, both, 3);
    set_range(&copy_path, both, 4);
    // A code deleted here and used by new segments there comes back with them.
    on(
        &lead,
        &["delete-code", "Digitale Anwendungen/Digitale Kommunikation"],
    );
    common::code_passage(
        copy_path.to_str().unwrap(),
        "HS-01_Fuehrungskraft",
        "Digitale Anwendungen/Digitale Kommunikation",
        "Anna",
        100,
        120,
    );
    // A code deleted in the copy that the project coded with meanwhile stays, with its new
    // segment; the segments the copy deleted with it go.
    common::code_passage(
        lead.to_str().unwrap(),
        "HS-02_Leistung",
        "Problemlagen der Systeme/Zusatzaufwand",
        "Lead",
        200,
        230,
    );
    on(
        &copy_path,
        &["delete-code", "Problemlagen der Systeme/Zusatzaufwand"],
    );
    // A code renamed on both sides: the project's name stays.
    on(
        &lead,
        &["rename-code", "Arbeitslogik/Sozialberatung", "Beratung"],
    );
    on(
        &copy_path,
        &["rename-code", "Arbeitslogik/Sozialberatung", "Soziales"],
    );
    // A memo written on both sides: the other's appended under a header with coder and date.
    on(
        &lead,
        &["memo", "--project-memo", "--text", "Memo der Leitung"],
    );
    on(
        &copy_path,
        &["memo", "--project-memo", "--text", "Memo von Anna"],
    );

    let report = merge(&lead, &copy_path, &[]);
    let conflicts = report["conflicts"].as_array().unwrap();
    let find =
        |done: &str| -> Vec<&Value> { conflicts.iter().filter(|c| c["done"] == done).collect() };
    assert_eq!(find("kept_changed").len(), 1, "{report:#}");
    assert_eq!(find("stays_deleted").len(), 1, "{report:#}");
    assert_eq!(find("other_beside").len(), 1, "{report:#}");
    assert_eq!(find("restored").len(), 1, "{report:#}");
    assert!(
        find("restored")[0]["what"]
            .as_str()
            .unwrap()
            .contains("Digitale Kommunikation")
    );
    let in_use = find("kept_in_use");
    assert_eq!(in_use.len(), 1, "{report:#}");
    assert!(
        in_use[0]["what"]
            .as_str()
            .unwrap()
            .contains("Zusatzaufwand")
    );
    let renamed = find("project_kept");
    assert_eq!(renamed.len(), 1, "{report:#}");
    assert_eq!(renamed[0]["project"], "Beratung");
    assert_eq!(renamed[0]["other"], "Soziales");
    let memo = find("other_appended");
    assert_eq!(memo.len(), 1);
    assert_eq!(memo[0]["project"], "Memo der Leitung");
    assert_eq!(memo[0]["other"], "Memo von Anna");

    let after = json(&on(&lead, &["segments", "--format", "json"]));
    let at = |doc: &str, start: u64| {
        after
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["document"] == doc && s["start"] == start)
            .count()
    };
    assert_eq!(
        at(&edited_here.1, edited_here.2 + 1),
        1,
        "kept with the edit"
    );
    assert_eq!(at(&edited_there.1, edited_there.2 + 2), 0, "stays deleted");
    assert_eq!(at(&both.1, both.2 + 3), 1, "the project's version");
    assert_eq!(at(&both.1, both.2 + 4), 1, "the other's beside it");
    assert_eq!(at("HS-01_Fuehrungskraft", 100), 1, "the new coding kept");
    let zusatz: Vec<&Value> = after
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["code"] == "Problemlagen der Systeme/Zusatzaufwand")
        .collect();
    assert_eq!(zusatz.len(), 1, "only the project's new segment stays");
    assert_eq!(zusatz[0]["coder"], "Lead");
    let codes = on(&lead, &["codes"]);
    assert!(codes.contains("Digitale Kommunikation"), "restored");
    assert!(codes.contains("Beratung") && !codes.contains("Soziales"));
    let memo = on(&lead, &["memo", "--project-memo"]);
    assert!(memo.starts_with("Memo der Leitung"), "{memo}");
    assert!(
        memo.contains("--- aus „kopie.kodierwerk“ (Anna, Jonas, 20"),
        "the header names the copy's coders and date: {memo}"
    );
    assert!(memo.trim_end().ends_with("Memo von Anna"), "{memo}");

    // A second merge changes nothing and lists nothing new.
    let again = merge(&lead, &copy_path, &[]);
    assert_eq!(again["changes_project"], false, "{again:#}");
}

#[test]
fn projects_made_apart_are_matched_by_text_path_and_name_and_nothing_is_deleted() {
    let s = Scratch::new();
    let transcripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_corpus/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&transcripts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 3);
    let make = |name: &str, files: &[PathBuf]| {
        let path = s.path(name);
        kw_ok(["new", path.to_str().unwrap()]);
        for f in files {
            let mut args = vec![
                "import".to_owned(),
                path.to_str().unwrap().to_owned(),
                f.to_str().unwrap().to_owned(),
            ];
            if !std::fs::read_to_string(f).unwrap().starts_with("---") {
                args.extend(["--jobcenter".into(), "Jobcenter Nord".into()]);
            }
            kw_ok(args);
        }
        path
    };
    let lead = make("lead.kodierwerk", &files[..2]);
    let other = make("other.kodierwerk", &files[..3]);
    let names: Vec<String> = json(&on(&lead, &["docs", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    let code = |p: &Path, doc: &str, start: usize, end: usize, path: &str, coder: &str| {
        common::code_passage(p.to_str().unwrap(), doc, path, coder, start, end);
    };
    for p in [&lead, &other] {
        on(p, &["add-code", "Haltung/Skeptisch", "--color", "#AA0000"]);
    }
    on(&other, &["add-code", "Nur/Dort"]);
    code(&lead, &names[0], 0, 10, "Haltung/Skeptisch", "Anna");
    code(&other, &names[0], 0, 10, "Haltung/Skeptisch", "anna");
    code(&other, &names[0], 20, 30, "Haltung/Skeptisch", "Ben");
    code(&lead, &names[1], 5, 15, "Haltung/Skeptisch", "Anna");
    code(&other, &names[1], 40, 50, "Nur/Dort", "Ben");
    // The lead's own segment on names[1] is unknown to the other: nothing is deleted. A
    // document the other project holds under a name the lead gives to another text is left out.
    let other_p = other.to_str().unwrap();
    let lead_only = s.file("Nur-Leitung.txt", b"I: Nur hier?\n\nB: Ja.\n");
    kw_ok([
        "import",
        lead.to_str().unwrap(),
        lead_only.to_str().unwrap(),
        "--jobcenter",
        "Jobcenter Nord",
    ]);
    let clash_named = s.file("Nur-Leitung.txt", b"I: Dort anders?\n\nB: Ganz anders.\n");
    kw_ok([
        "import",
        other_p,
        clash_named.to_str().unwrap(),
        "--jobcenter",
        "Jobcenter Nord",
    ]);
    code(&other, "Nur-Leitung", 3, 8, "Nur/Dort", "Ben");

    let before_lead = json(&on(&lead, &["segments", "--format", "json"]))
        .as_array()
        .unwrap()
        .len();
    let report = merge(&lead, &other, &[]);
    assert_eq!(report["mode"], "no_common_ancestor");
    assert_eq!(count(&report, "documents", "came_across"), 1, "{report:#}");
    assert_eq!(count(&report, "documents", "already_there"), 2);
    assert_eq!(count(&report, "segments", "already_there"), 1, "{report:#}");
    assert_eq!(count(&report, "segments", "came_across"), 2, "{report:#}");
    assert_eq!(count(&report, "codes", "came_across"), 2, "{report:#}");
    assert!(count(&report, "codes", "already_there") >= 2, "{report:#}");
    assert_eq!(count(&report, "coders", "already_there"), 1, "anna is Anna");
    let left: Vec<&Value> = report["left_out"].as_array().unwrap().iter().collect();
    assert!(
        left.iter().any(|l| l["why"] == "name_has_another_text"
            && l["what"].as_str().unwrap().contains("Nur-Leitung")),
        "{report:#}"
    );
    for kind in ["documents", "codes", "segments", "memos", "attributes"] {
        assert_eq!(count(&report, kind, "deleted"), 0);
    }
    let after = json(&on(&lead, &["segments", "--format", "json"]));
    assert_eq!(after.as_array().unwrap().len(), before_lead + 2);
    // Nothing of the other's "Nur-Leitung" lies on the lead's document of that name.
    assert!(
        !after
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["document"] == "Nur-Leitung")
    );
}

/// A copy of a project as format 5 wrote it: no GUIDs on changes, no index of the lists' order.
fn as_format_5(from: &Path, to: &Path) {
    copy(from, to);
    let conn = rusqlite::Connection::open(to).unwrap();
    conn.execute_batch(
        "DROP INDEX actions_guid; ALTER TABLE actions DROP COLUMN guid;
         ALTER TABLE actions DROP COLUMN merged_head;
         DROP INDEX codes_position; DROP INDEX documents_position;
         DROP INDEX jobcenters_position; DROP INDEX attributes_position;
         PRAGMA user_version = 5;",
    )
    .unwrap();
}

#[test]
fn a_copy_of_a_newer_version_is_refused_untouched_and_an_older_one_read_without_change() {
    let s = Scratch::new();
    let lead = sample(&s, "studie.kodierwerk");
    let copy_path = s.path("kopie.kodierwerk");
    copy(&lead, &copy_path);
    common::code_passage(
        copy_path.to_str().unwrap(),
        "HS-01_Fuehrungskraft",
        "Arbeitslogik",
        "Anna",
        10,
        40,
    );
    // Format 5, as the previous release wrote it: no GUIDs on changes. The lead's file upgraded
    // from format 5, too: its changes get the same GUIDs.
    let old = s.path("alt.kodierwerk");
    as_format_5(&copy_path, &old);
    let old_lead = s.path("alt-lead.kodierwerk");
    as_format_5(&lead, &old_lead);
    let newer = s.path("neu.kodierwerk");
    copy(&copy_path, &newer);
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let (lead_before, newer_before) = (fingerprint(&lead), fingerprint(&newer));
    let run = kw(["merge", lead.to_str().unwrap(), newer.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(run.stderr.contains("newer"), "{}", run.stderr);
    assert_eq!(fingerprint(&lead), lead_before);
    assert_eq!(fingerprint(&newer), newer_before);

    let old_before = fingerprint(&old);
    let report = merge(&old_lead, &old, &[]);
    assert_eq!(report["mode"], "common_ancestor");
    assert_eq!(report["other_changes"], 1, "{report:#}");
    assert!(
        report["shared_changes"].as_u64().unwrap() > 200,
        "both upgraded apart, they still agree on their shared history: {report:#}"
    );
    assert_eq!(count(&report, "segments", "came_across"), 1);
    assert_eq!(fingerprint(&old), old_before, "read without changing it");

    let run = kw(["merge", lead.to_str().unwrap(), lead.to_str().unwrap()]);
    assert!(!run.ok);
    assert!(run.stderr.contains("the project itself"), "{}", run.stderr);
}

#[test]
fn the_editing_commands_change_one_thing_each_and_refuse_bad_input_without_change() {
    let s = Scratch::new();
    let p = sample(&s, "studie.kodierwerk");
    let segs = some_segments(&p);
    let log = log_len(&p);
    let refused = |args: &[&str], says: &str| {
        let mut all = vec![args[0], p.to_str().unwrap()];
        all.extend(&args[1..]);
        let run = kw(all);
        assert!(!run.ok, "{args:?} should be refused");
        assert!(
            run.stderr.to_lowercase().contains(&says.to_lowercase()),
            "{args:?}: {} should say {says}",
            run.stderr
        );
    };
    refused(&["delete-segment", "999999"], "no segment number 999999");
    refused(
        &["recode", &segs[0].0, "--code", "Gibt/Es/Nicht"],
        "Gibt/Es/Nicht",
    );
    refused(&["set-range", &segs[0].0, "--start", "5", "--end", "5"], "");
    refused(
        &["set-range", &segs[0].0, "--start", "0", "--end", "99999999"],
        "",
    );
    refused(&["rename-code", "Gibt/Es/Nicht", "X"], "Gibt/Es/Nicht");
    refused(&["rename-code", "Arbeitslogik", "A/B"], "/");
    refused(
        &[
            "move-code",
            "Arbeitslogik",
            "--to",
            "Arbeitslogik/Sozialberatung",
        ],
        "sub-codes",
    );
    refused(&["delete-code", "Gibt/Es/Nicht"], "Gibt/Es/Nicht");
    refused(
        &[
            "merge-codes",
            "Arbeitslogik",
            "--into",
            "Arbeitslogik/Sozialberatung",
        ],
        "",
    );
    assert_eq!(log_len(&p), log, "nothing refused was written");

    // Each edit is one change of the log.
    on(
        &p,
        &[
            "recode",
            &segs[0].0,
            "--code",
            "Arbeitslogik/Sozialberatung",
        ],
    );
    let start = segs[1].2;
    on(
        &p,
        &[
            "set-range",
            &segs[1].0,
            "--start",
            &start.to_string(),
            "--end",
            &(start + 3).to_string(),
        ],
    );
    on(
        &p,
        &["rename-code", "Arbeitslogik/Sozialberatung", "Beratung"],
    );
    on(&p, &["move-code", "Arbeitslogik/Beratung", "--to", ""]);
    on(
        &p,
        &[
            "merge-codes",
            "Arbeitslogik/Arbeitsvermittlung",
            "--into",
            "Beratung",
        ],
    );
    on(&p, &["delete-segment", &segs[2].0]);
    on(&p, &["delete-code", "Beratung"]);
    assert_eq!(log_len(&p), log + 7);
    let codes = on(&p, &["codes"]);
    assert!(!codes.contains("Beratung") && !codes.contains("Arbeitsvermittlung"));
    assert_eq!(segment_at(&p, &segs[3].1, segs[3].2), segs[3].0);
    for _ in 0..7 {
        on(&p, &["undo"]);
    }
    let codes = on(&p, &["codes"]);
    assert!(codes.contains("Sozialberatung") && codes.contains("Arbeitsvermittlung"));
}

#[test]
fn a_refi_qdpx_project_is_merged_like_a_project_made_apart() {
    let s = Scratch::new();
    let lead = sample(&s, "studie.kodierwerk");
    let qdpx = s.path("studie.qdpx");
    kw_ok([
        "export",
        "qdpx",
        lead.to_str().unwrap(),
        qdpx.to_str().unwrap(),
    ]);
    // The project's own export holds nothing new for it.
    let report = merge(&lead, &qdpx, &[]);
    assert_eq!(report["mode"], "no_common_ancestor");
    assert_eq!(report["changes_project"], false, "{report:#}");
    assert_eq!(count(&report, "documents", "already_there"), 24);
    assert_eq!(report["conflicts"], Value::Array(vec![]), "{report:#}");
    // Into an empty project it brings every document and segment.
    let empty = s.path("leer.kodierwerk");
    kw_ok(["new", empty.to_str().unwrap()]);
    let report = merge(&empty, &qdpx, &[]);
    assert_eq!(count(&report, "documents", "came_across"), 24);
    let segments = json(&on(&lead, &["segments", "--format", "json"]));
    assert_eq!(
        count(&report, "segments", "came_across"),
        segments.as_array().unwrap().len() as u64
    );
    assert_eq!(picture_segments(&empty), picture_segments(&lead));
}

fn picture_segments(project: &Path) -> Vec<String> {
    let mut all: Vec<String> = json(&on(project, &["segments", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {} {} {}",
                s["document"], s["code"], s["coder"], s["start"], s["end"], s["memo"]
            )
        })
        .collect();
    all.sort();
    all
}
