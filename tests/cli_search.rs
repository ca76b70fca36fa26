//! Lexical search, autocoding and word frequencies from the command line, on the sample study and
//! on a small transcript whose every position is counted by hand.
//!
//! The sample's counts were counted with grep on `sample_corpus/transcripts/*.md` (each turn is
//! one line there), e.g. `grep -oi 'e-akte\b' *.md | wc -l` gives 54.

mod common;

use common::{Scratch, fingerprint, json, kw, kw_ok};
use serde_json::Value;

fn sample(s: &Scratch) -> String {
    let p = s.path("sample.kodierwerk").to_str().unwrap().to_owned();
    kw_ok(["sample", &p]);
    p
}

fn search(p: &str, query: &str, options: &[&str]) -> Vec<Value> {
    let mut args = vec!["search", p, query, "--format", "json"];
    args.extend_from_slice(options);
    json(&kw_ok(args)).as_array().unwrap().clone()
}

fn texts(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| h["text"].as_str().unwrap().to_owned())
        .collect()
}

fn count(hits: &[Value], text: &str) -> usize {
    hits.iter().filter(|h| h["text"] == text).count()
}

#[test]
fn the_sample_study_gives_the_hand_counted_hits() {
    let s = Scratch::new();
    let p = sample(&s);
    let akte = search(&p, "E-Akte", &[]);
    assert_eq!(akte.len(), 54);
    // Every hit is the stored text at its range, whatever folding found it.
    let doc = akte[0]["document"].as_str().unwrap().to_owned();
    let text: Vec<char> = kw_ok(["text", &p, "--doc", &doc]).chars().collect();
    for hit in akte.iter().filter(|h| h["document"] == doc.as_str()) {
        let (start, end) = (hit["start"].as_u64().unwrap(), hit["end"].as_u64().unwrap());
        let at: String = text[start as usize..end as usize].iter().collect();
        assert_eq!(hit["text"], at.as_str());
        for field in ["document_id", "jobcenter", "speaker", "left", "right"] {
            assert!(!hit[field].is_null(), "{field}");
        }
    }
    // The respondents said it 48 times, the interviewers 6.
    assert_eq!(search(&p, "E-Akte", &["--speaker", "B*"]).len(), 48);
    assert_eq!(search(&p, "E-Akte", &["--speaker", "I"]).len(), 6);
    // Turns with both: 14 times E-Akte and 13 times Fachverfahren; without Fachverfahren: 40.
    let both = search(&p, "E-Akte AND Fachverfahren", &[]);
    assert_eq!(
        (count(&both, "E-Akte"), count(&both, "Fachverfahren")),
        (14, 13)
    );
    assert_eq!(search(&p, "E-Akte NOT Fachverfahren", &[]).len(), 40);
    // Within three words: seven passages (an eighth has four words between, read by hand).
    let near = texts(&search(&p, "E-Akte NEAR/3 Fachverfahren", &[]));
    assert_eq!(near.len(), 7);
    assert!(near.contains(&"E-Akte ist, ins Fachverfahren".to_owned()));
    assert!(!near.iter().any(|t| t.contains("Hersteller")));
    // Gender forms: 34 "Kolleg:innen" and 9 "Kolleginnen" are one word.
    let colleagues = search(&p, "Kolleg*innen", &[]);
    assert_eq!(
        (
            count(&colleagues, "Kolleg:innen"),
            count(&colleagues, "Kolleginnen")
        ),
        (34, 9)
    );
    assert_eq!(search(&p, "Bürgerinnen", &[]).len(), 3);
    // German stems: 40 Antrag, 5 Anträge, 2 Anträgen.
    let antrag = search(&p, "Antrag", &["--stem"]);
    assert_eq!(
        (
            count(&antrag, "Antrag"),
            count(&antrag, "Anträge"),
            count(&antrag, "Anträgen")
        ),
        (40, 5, 2)
    );
    assert_eq!(search(&p, "Antrag", &[]).len(), 40);
    // A regular expression: 27 Online-Antrag and 2 Online-Anträge.
    let online = search(&p, r"online-?antr\w*", &["--regex"]);
    assert_eq!(
        (
            count(&online, "Online-Antrag"),
            count(&online, "Online-Anträge")
        ),
        (27, 2)
    );
    // "groß" five times, found by its folded form.
    assert_eq!(texts(&search(&p, "GROSS", &[])), vec!["groß"; 5]);
    // Scope by jobcenter and by attribute.
    let talheim = search(
        &p,
        "E-Akte",
        &["--jobcenter", "Jobcenter Landkreis Talheim"],
    );
    assert!(!talheim.is_empty() && talheim.len() < 54);
    assert!(
        talheim
            .iter()
            .all(|h| h["jobcenter"] == "Jobcenter Landkreis Talheim")
    );
    let zkt = search(&p, "E-Akte", &["--where", "Trägerschaft=zkT"]);
    let ge = search(&p, "E-Akte", &["--where", "Trägerschaft=gE"]);
    assert_eq!(zkt.len() + ge.len(), 54);
}

/// A transcript of two speakers with umlauts, `ß`, a decomposed `ü`, an emoji and gender forms.
const AWKWARD: &str = "I: Wie ist es mit der Straße?\nB: 👩‍💻 Die Straße und die STRASSE, Bürger*innen, Bürger_innen, Bürger/-innen, BürgerInnen und Bu\u{308}rger.\nI: Und die Größe?\nB: Gross ist die Größe nicht. Die Akte liegt bei der Akte. Buerger sagen das.\n";

fn awkward(s: &Scratch) -> String {
    let p = s.path("p.kodierwerk").to_str().unwrap().to_owned();
    kw_ok(["new", &p]);
    let file = s.file("interview.txt", AWKWARD.as_bytes());
    kw_ok([
        "import",
        &p,
        file.to_str().unwrap(),
        "--jobcenter",
        "JC Nord",
    ]);
    p
}

fn ranges(hits: &[Value]) -> Vec<(u64, u64)> {
    hits.iter()
        .map(|h| (h["start"].as_u64().unwrap(), h["end"].as_u64().unwrap()))
        .collect()
}

#[test]
fn positions_are_exact_after_folding() {
    let s = Scratch::new();
    let p = awkward(&s);
    // Counted by hand: the emoji is three characters (33–35), "ß" one, the decomposed "ü" two.
    assert_eq!(
        ranges(&search(&p, "strasse", &[])),
        [(22, 28), (41, 47), (56, 63)]
    );
    let street = search(&p, "Straße", &["--speaker", "B"]);
    assert_eq!(ranges(&street), [(41, 47), (56, 63)]);
    assert_eq!(street[0]["left"], "👩‍💻 Die ");
    assert_eq!(street[0]["text"], "Straße");
    assert_eq!(street[1]["text"], "STRASSE");
    assert_eq!(
        ranges(&search(&p, "Bürger:innen", &[])),
        [(65, 77), (79, 91), (93, 106), (108, 119)]
    );
    assert_eq!(ranges(&search(&p, "Bürger", &[])), [(124, 131)]);
    assert_eq!(
        ranges(&search(&p, "Bürger", &["--umlauts"])),
        [(124, 131), (210, 217)]
    );
    assert_eq!(ranges(&search(&p, "größe", &[])), [(144, 149), (168, 173)]);
    assert_eq!(
        ranges(&search(&p, "Groesse", &["--umlauts"])),
        [(144, 149), (168, 173)]
    );
    // Parts of words: the piece itself, mapped back through "ß" (two folded letters, one character).
    let parts = search(&p, "sse", &["--parts"]);
    assert_eq!(texts(&parts), ["ße", "ße", "SSE", "ße", "ße"]);
    assert_eq!(ranges(&parts)[0], (26, 28));
}

#[test]
fn a_bad_query_is_told_where_and_changes_nothing() {
    let s = Scratch::new();
    let p = awkward(&s);
    let before = fingerprint(std::path::Path::new(&p));
    let run = kw(["search", &p, "Akte OR"]);
    assert!(!run.ok);
    assert!(run.stderr.contains("character 8"), "{}", run.stderr);
    assert!(run.stderr.contains("OR needs a word"), "{}", run.stderr);
    let run = kw(["search", &p, "(akte", "--regex"]);
    assert!(!run.ok);
    assert!(
        run.stderr.contains("regular expression cannot be read"),
        "{}",
        run.stderr
    );
    let run = kw([
        "autocode",
        &p,
        "Akte NEAR Akte",
        "--code",
        "A",
        "--coder",
        "Anna",
    ]);
    assert!(run.stderr.contains("NEAR/5"), "{}", run.stderr);
    assert_eq!(fingerprint(std::path::Path::new(&p)), before);
}

fn segments(p: &str) -> Vec<(u64, u64, String, String)> {
    json(&kw_ok(["segments", p, "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_u64().unwrap(),
                s["end"].as_u64().unwrap(),
                s["text"].as_str().unwrap().to_owned(),
                s["memo"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn autocode_widens_extends_and_is_undone_in_one_step() {
    let s = Scratch::new();
    let p = awkward(&s);
    let code = "Digitale Anwendungen/E-Akte";
    let auto = |query: &str, scope: &str, extra: &[&str]| -> String {
        let mut args = vec![
            "autocode", &p, query, "--code", code, "--coder", "Auto", "--scope", scope,
        ];
        args.extend_from_slice(extra);
        kw_ok(args)
    };
    // A dry run lists what it would code and changes nothing.
    let before = fingerprint(std::path::Path::new(&p));
    let dry = json(&auto(
        "Akte",
        "sentence",
        &["--dry-run", "--format", "json"],
    ));
    assert_eq!(
        dry,
        serde_json::json!([{"document_id": 1, "start": 181, "end": 209, "code": code, "coder": "Auto"}])
    );
    let turn = json(&auto("Akte", "turn", &["--dry-run", "--format", "json"]));
    assert_eq!(
        (turn[0]["start"].as_u64(), turn[0]["end"].as_u64()),
        (Some(154), Some(228))
    );
    assert_eq!(fingerprint(std::path::Path::new(&p)), before);

    // The hits themselves: two segments, the query in their memo.
    let out = auto("Akte", "hit", &[]);
    assert!(out.contains("autocoded 2 new segments"), "{out}");
    let coded = segments(&p);
    assert_eq!(coded.len(), 2);
    assert_eq!(
        (coded[0].0, coded[0].1, coded[0].2.as_str()),
        (185, 189, "Akte")
    );
    assert!(coded[0].3.contains("Akte"));
    // Again: nothing is doubled.
    let out = auto("Akte", "hit", &[]);
    assert!(
        out.contains("autocoded 0 new segments, extended 0, 2 were coded already"),
        "{out}"
    );
    assert_eq!(segments(&p).len(), 2);
    // By sentence: both hits lie in one sentence, which extends the first segment.
    let out = auto("Akte", "sentence", &[]);
    assert!(
        out.contains("autocoded 0 new segments, extended 1"),
        "{out}"
    );
    let coded = segments(&p);
    assert_eq!(coded[0].2, "Die Akte liegt bei der Akte.");
    assert_eq!(coded.len(), 2);

    // One undo (a new process: after a restart) takes the whole run back.
    assert!(kw_ok(["undo", &p]).contains("Autocodiert"));
    assert_eq!(segments(&p)[0].2, "Akte");
    kw_ok(["undo", &p]);
    assert!(segments(&p).is_empty());
}

#[test]
fn a_dictionary_codes_several_codes_in_one_change() {
    let s = Scratch::new();
    let p = sample(&s);
    let dictionary = s.file(
        "anwendungen.toml",
        r#"
[codes]
"Digitale Anwendungen/E-Akte" = ["E-Akte", "elektronische Akte", "eAkte"]
"Digitale Anwendungen/Videoberatung" = ["Video*"]
"#
        .as_bytes(),
    );
    let dict = dictionary.to_str().unwrap();
    let run = |extra: &[&str]| -> String {
        let mut args = vec![
            "autocode",
            &p,
            "--dictionary",
            dict,
            "--coder",
            "Wörterbuch",
            "--scope",
            "sentence",
        ];
        args.extend_from_slice(extra);
        kw_ok(args)
    };
    // The dictionary's plan is the two codes' own plans together.
    let planned = json(&run(&["--dry-run", "--format", "json"]));
    let own = |query: &str, code: &str| -> Vec<Value> {
        json(&kw_ok([
            "autocode",
            &p,
            query,
            "--code",
            code,
            "--coder",
            "Wörterbuch",
            "--scope",
            "sentence",
            "--dry-run",
            "--format",
            "json",
        ]))
        .as_array()
        .unwrap()
        .clone()
    };
    let mut expected = own(
        "E-Akte OR \"elektronische Akte\" OR eAkte",
        "Digitale Anwendungen/E-Akte",
    );
    expected.extend(own("Video*", "Digitale Anwendungen/Videoberatung"));
    let key = |v: &Value| {
        (
            v["code"].to_string(),
            v["document_id"].as_u64(),
            v["start"].as_u64(),
        )
    };
    let mut planned = planned.as_array().unwrap().clone();
    planned.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(planned, expected);
    assert!(planned.len() > 40, "{}", planned.len());

    let before = json(&kw_ok(["segments", &p, "--format", "json"]));
    run(&[]);
    let coded = json(&kw_ok([
        "segments",
        &p,
        "--coder",
        "Wörterbuch",
        "--format",
        "json",
    ]));
    assert_eq!(coded.as_array().unwrap().len(), planned.len());
    kw_ok(["undo", &p]);
    assert_eq!(json(&kw_ok(["segments", &p, "--format", "json"])), before);
}

#[test]
fn more_than_ten_thousand_passages_need_yes() {
    let s = Scratch::new();
    let p = s.path("gross.kodierwerk").to_str().unwrap().to_owned();
    kw_ok([
        "generate",
        &p,
        "--documents",
        "12",
        "--chars",
        "60000",
        "--segments",
        "0",
    ]);
    let hits = search(&p, "die OR der OR und", &[]).len();
    assert!(hits > 10_000, "{hits}");
    let before = fingerprint(std::path::Path::new(&p));
    let run = kw([
        "autocode",
        &p,
        "die OR der OR und",
        "--code",
        "Rahmenbedingungen",
        "--coder",
        "Auto",
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(fingerprint(std::path::Path::new(&p)), before);
}

#[test]
fn word_counts_per_jobcenter_are_pinned() {
    let s = Scratch::new();
    let p = sample(&s);
    let table = json(&kw_ok(["words", &p, "--format", "json"]));
    let groups: Vec<(&str, u64, u64)> = table["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["label"].as_str().unwrap(),
                g["documents"].as_u64().unwrap(),
                g["words"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Jobcenter Hafenstadt", 4, 4662),
            ("Jobcenter Landkreis Talheim", 4, 5279),
            ("Jobcenter Bergstadt", 4, 4740),
            ("Jobcenter Landkreis Moorbach", 4, 5219),
            ("Jobcenter Rheinau", 4, 5459),
            ("Jobcenter Kreis Heidefeld", 4, 5848),
        ]
    );
    let row = |word: &str| -> Value {
        table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["word"] == word)
            .cloned()
            .unwrap()
    };
    // grep -oiw papier HS-*.md …: 7, 2, 1, 4, 2, 8 in the groups' order (HS, TH, BS, MB, RA, HF).
    assert_eq!(
        row("papier")["counts"],
        serde_json::json!([7, 2, 1, 4, 2, 8])
    );
    // Kolleg:innen and Kolleginnen together: 6, 10, 5, 10, 9, 3.
    assert_eq!(
        row("kolleginnen")["counts"],
        serde_json::json!([6, 10, 5, 10, 9, 3])
    );
    // Stop words are left out; the most separating word stands first.
    assert!(
        table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["word"] != "die")
    );
    assert_eq!(table["rows"][0]["word"], "kreis");
    let lls: Vec<f64> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["log_likelihood"].as_f64().unwrap())
        .collect();
    assert!(lls.windows(2).all(|w| w[0] >= w[1]));
    // By an attribute, respondents only, with a minimum.
    let by = json(&kw_ok([
        "words",
        &p,
        "--by",
        "Trägerschaft",
        "--speaker",
        "B*",
        "--min",
        "20",
        "--stopwords",
        "none",
        "--format",
        "json",
    ]));
    let labels: Vec<&str> = by["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["gE", "zkT"]);
    assert!(
        by["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["word"] == "die")
    );
    assert!(
        by["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["total"].as_u64().unwrap() >= 20)
    );
}

#[test]
fn search_inside_the_segments_of_a_code_and_in_one_document() {
    let s = Scratch::new();
    let p = sample(&s);
    let code = "Digitale Anwendungen";
    let inside = search(&p, "E-Akte", &["--in-code", code]);
    let segments = json(&kw_ok(["segments", &p, "--code", code, "--format", "json"]));
    let segments = segments.as_array().unwrap();
    assert!(!inside.is_empty() && inside.len() < 54, "{}", inside.len());
    for hit in &inside {
        assert!(
            segments
                .iter()
                .any(|s| s["document_id"] == hit["document_id"]
                    && s["start"].as_u64() <= hit["start"].as_u64()
                    && hit["end"].as_u64() <= s["end"].as_u64()),
            "{hit}"
        );
    }
    // Every E-Akte inside such a segment is found.
    let all = search(&p, "E-Akte", &[]);
    let expected = all
        .iter()
        .filter(|hit| {
            segments.iter().any(|s| {
                s["document_id"] == hit["document_id"]
                    && s["start"].as_u64() <= hit["start"].as_u64()
                    && hit["end"].as_u64() <= s["end"].as_u64()
            })
        })
        .count();
    assert_eq!(inside.len(), expected);
    let one = search(&p, "E-Akte", &["--doc", "HS-02_Leistung"]);
    assert!(!one.is_empty());
    assert!(one.iter().all(|h| h["document"] == "HS-02_Leistung"));
    let run = kw(["search", &p, "E-Akte", "--in-code", "Gibt es nicht"]);
    assert!(!run.ok && run.stderr.contains("No code"), "{}", run.stderr);
}

#[test]
fn with_case_weg_and_weg_part_ways() {
    let s = Scratch::new();
    let p = sample(&s);
    let all = search(&p, "Weg", &[]);
    let noun = search(&p, "Weg", &["--case"]);
    let adverb = search(&p, "weg", &["--case"]);
    assert!(!noun.is_empty() && !adverb.is_empty());
    assert!(
        texts(&noun).iter().all(|t| t == "Weg"),
        "{:?}",
        texts(&noun)
    );
    assert!(
        texts(&adverb).iter().all(|t| t == "weg"),
        "{:?}",
        texts(&adverb)
    );
    assert_eq!(noun.len(), count(&all, "Weg"));
    assert_eq!(noun.len() + adverb.len(), all.len());
}
