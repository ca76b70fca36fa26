use super::*;
use crate::analysis::text_units::{sentences, words};
use crate::model::{Code, Coder, DocumentInfo, JobcenterId, SegmentSpan};

const ANNA: CoderId = CoderId(1);
const JONAS: CoderId = CoderId(2);

fn code(id: i64, parent: Option<i64>, path: &str) -> Code {
    Code {
        id: CodeId(id),
        parent: parent.map(CodeId),
        name: path.rsplit('/').next().unwrap().to_owned(),
        path: CodePath::parse(path).unwrap(),
        depth: path.matches('/').count(),
        color: "#3B6FB6".into(),
        description: String::new(),
    }
}

fn document(id: i64, chars: usize) -> DocumentInfo {
    DocumentInfo {
        id: DocumentId(id),
        name: format!("D{id}"),
        jobcenter_id: JobcenterId(1),
        jobcenter: "J".into(),
        source_name: String::new(),
        encoding: "UTF-8".into(),
        chars,
        turns: 0,
        segments: 0,
        attributes: Vec::new(),
        imported_at: String::new(),
    }
}

/// Segments as (document, code, coder, start, end).
fn data(
    documents: &[(i64, usize)],
    segments: &[(i64, i64, CoderId, usize, usize)],
) -> AnalysisData {
    AnalysisData {
        jobcenters: Vec::new(),
        documents: documents.iter().map(|&(id, n)| document(id, n)).collect(),
        codes: vec![
            code(1, None, "A"),
            code(2, Some(1), "A/A1"),
            code(3, None, "B"),
        ],
        coders: vec![
            Coder {
                id: ANNA,
                name: "Anna".into(),
            },
            Coder {
                id: JONAS,
                name: "Jonas".into(),
            },
            Coder {
                id: CoderId(3),
                name: "Konsens".into(),
            },
        ],
        attributes: Vec::new(),
        segments: segments
            .iter()
            .map(|&(d, c, coder, s, e)| SegmentSpan {
                document: DocumentId(d),
                code: CodeId(c),
                coder,
                range: CharRange::new(s, e).unwrap(),
            })
            .collect(),
    }
}

fn spec(unit: AgreementUnit) -> AgreementSpec {
    AgreementSpec {
        coders: vec!["Anna".into(), "jonas".into()],
        unit,
        ..AgreementSpec::default()
    }
}

fn cells(row: &AgreementRow) -> [u64; 4] {
    [
        row.table.both,
        row.table.only_first,
        row.table.only_second,
        row.table.neither,
    ]
}

fn close(figure: Figure, expected: f64) {
    let value = figure.value().expect("a value");
    assert!((value - expected).abs() < 5e-5, "{value} is not {expected}");
}

#[test]
fn krippendorffs_example_by_character() {
    let d = data(
        &[(1, 24)],
        &[
            (1, 1, ANNA, 2, 10),
            (1, 1, ANNA, 14, 20),
            (1, 1, JONAS, 4, 8),
            (1, 1, JONAS, 15, 17),
        ],
    );
    let a = agreement(&d, &spec(AgreementUnit::Character), &DocumentUnits::new()).unwrap();
    assert_eq!(a.coders, ["Anna".to_owned(), "Jonas".to_owned()]);
    assert_eq!(a.codes.len(), 1);
    assert_eq!(cells(&a.codes[0]), [6, 8, 0, 10]);
    let f = a.pooled.row.figures;
    close(f.percent_agreement, 66.6667);
    close(f.cohen_kappa, 0.3846);
    close(f.scott_pi, 0.3143);
    close(f.krippendorff_alpha, 0.3286);
}

#[test]
fn a_coders_overlapping_segments_count_once() {
    let d = data(
        &[(1, 10)],
        &[
            (1, 1, ANNA, 0, 5),
            (1, 1, ANNA, 3, 8),
            (1, 1, ANNA, 3, 8),
            (1, 1, JONAS, 0, 8),
        ],
    );
    let a = agreement(&d, &spec(AgreementUnit::Character), &DocumentUnits::new()).unwrap();
    assert_eq!(cells(&a.codes[0]), [8, 0, 0, 2]);
    close(a.codes[0].figures.cohen_kappa, 1.0);
}

#[test]
fn a_code_only_one_coder_used_gets_its_row_and_pooled_sums_the_rows() {
    let d = data(
        &[(1, 20)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 1, JONAS, 0, 10),
            (1, 3, ANNA, 12, 16),
        ],
    );
    let a = agreement(&d, &spec(AgreementUnit::Character), &DocumentUnits::new()).unwrap();
    let paths: Vec<&str> = a.codes.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(paths, ["A", "B"]);
    assert_eq!(cells(&a.codes[1]), [0, 4, 0, 16]);
    close(a.codes[1].figures.cohen_kappa, 0.0);
    close(a.codes[1].figures.positive_agreement, 0.0);
    assert_eq!(cells(&a.pooled.row), [10, 4, 0, 26]);
    assert_eq!(a.pooled.row.table.units, 40);
}

#[test]
fn no_variance_is_said_not_computed() {
    let d = data(&[(1, 10)], &[(1, 1, ANNA, 0, 10), (1, 1, JONAS, 0, 10)]);
    let a = agreement(&d, &spec(AgreementUnit::Character), &DocumentUnits::new()).unwrap();
    let row = &a.codes[0];
    assert_eq!(row.figures.percent_agreement, Figure::Value(100.0));
    assert_eq!(row.figures.cohen_kappa.value(), None);
    assert_eq!(row.undefined["cohen_kappa"], Undefined::NoVariance);
    let json = serde_json::to_value(&a).unwrap();
    assert!(json["codes"][0]["krippendorff_alpha"].is_null());
    assert_eq!(json["codes"][0]["undefined"]["cohen_kappa"], "no_variance");
}

#[test]
fn turns_count_when_touched_or_when_the_share_is_reached() {
    let d = data(&[(1, 30)], &[(1, 1, ANNA, 5, 12), (1, 1, JONAS, 15, 16)]);
    let turns: DocumentUnits = [(
        DocumentId(1),
        vec![
            CharRange::new(0, 10).unwrap(),
            CharRange::new(10, 20).unwrap(),
            CharRange::new(20, 30).unwrap(),
        ],
    )]
    .into();
    let a = agreement(&d, &spec(AgreementUnit::Turn), &turns).unwrap();
    assert_eq!(cells(&a.codes[0]), [1, 1, 0, 1]);
    let half = AgreementSpec {
        min_share: Some(50.0),
        ..spec(AgreementUnit::Turn)
    };
    let a = agreement(&d, &half, &turns).unwrap();
    assert_eq!(cells(&a.codes[0]), [0, 1, 0, 2]);
    assert_eq!(a.min_share, Some(50.0));
}

#[test]
fn words_are_coded_when_a_segment_touches_them() {
    let text = "Das ist die E-Akte hier";
    let d = data(
        &[(1, text.chars().count())],
        // Anna: "ist die", Jonas: "ie E-Ak" (die, E, Akte).
        &[(1, 1, ANNA, 4, 11), (1, 1, JONAS, 9, 16)],
    );
    let units: DocumentUnits = [(DocumentId(1), words(text))].into();
    let a = agreement(&d, &spec(AgreementUnit::Word), &units).unwrap();
    // Words: Das ist die E Akte hier → both: die; only Anna: ist; only Jonas: E, Akte; neither: Das, hier.
    assert_eq!(cells(&a.codes[0]), [1, 1, 2, 2]);
}

#[test]
fn documents_count_once_and_by_default_only_those_both_coded() {
    let segments = [
        (1, 1, ANNA, 0, 5),
        (2, 1, ANNA, 0, 5),
        (2, 1, JONAS, 0, 5),
        (3, 1, JONAS, 0, 5),
        (1, 3, JONAS, 0, 5),
        (3, 3, ANNA, 0, 5),
        (4, 1, ANNA, 0, 5),
    ];
    let d = data(&[(1, 10), (2, 10), (3, 10), (4, 10)], &segments);
    let a = agreement(&d, &spec(AgreementUnit::Document), &DocumentUnits::new()).unwrap();
    assert_eq!(a.documents, 3);
    assert_eq!(cells(&a.codes[0]), [1, 1, 1, 0]);
    assert_eq!(cells(&a.codes[1]), [0, 1, 1, 1]);
    let chosen = AgreementSpec {
        documents: Some(vec![DocumentId(4), DocumentId(2)]),
        ..spec(AgreementUnit::Document)
    };
    let a = agreement(&d, &chosen, &DocumentUnits::new()).unwrap();
    assert_eq!(a.documents, 2);
    assert_eq!(cells(&a.codes[0]), [1, 1, 0, 0]);
}

#[test]
fn segments_match_one_to_one_at_the_threshold() {
    let d = data(
        &[(1, 100)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 1, ANNA, 20, 30),
            (1, 1, ANNA, 50, 60),
            (1, 1, JONAS, 0, 10),
            (1, 1, JONAS, 21, 30),
            (1, 1, JONAS, 70, 80),
        ],
    );
    let a = agreement(&d, &spec(AgreementUnit::Segment), &DocumentUnits::new()).unwrap();
    let m = a.codes[0].segments.unwrap();
    assert_eq!(
        (m.matched, m.unmatched_first, m.unmatched_second),
        (2, 1, 1)
    );
    assert_eq!((m.segments_first, m.segments_second), (3, 3));
    assert_eq!(cells(&a.codes[0]), [4, 1, 1, 0]);
    close(a.codes[0].figures.percent_agreement, 400.0 / 6.0);
    assert_eq!(a.threshold, Some(90.0));

    let strict = AgreementSpec {
        threshold: 95.0,
        ..spec(AgreementUnit::Segment)
    };
    let a = agreement(&d, &strict, &DocumentUnits::new()).unwrap();
    assert_eq!(a.codes[0].segments.unwrap().matched, 1);

    // One long segment of Anna against two short ones of Jonas that each overlap it well: one match.
    let d = data(
        &[(1, 100)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 1, JONAS, 0, 9),
            (1, 1, JONAS, 9, 10),
        ],
    );
    let loose = AgreementSpec {
        threshold: 5.0,
        ..spec(AgreementUnit::Segment)
    };
    // Jonas' touching segments are joined first: one segment each, matched.
    let a = agreement(&d, &loose, &DocumentUnits::new()).unwrap();
    assert_eq!(a.codes[0].segments.unwrap().matched, 1);
}

#[test]
fn one_to_one_matching_leaves_the_second_partner_unmatched() {
    let d = data(
        &[(1, 100)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 1, JONAS, 0, 5),
            (1, 1, JONAS, 6, 10),
        ],
    );
    let loose = AgreementSpec {
        threshold: 30.0,
        ..spec(AgreementUnit::Segment)
    };
    let a = agreement(&d, &loose, &DocumentUnits::new()).unwrap();
    let m = a.codes[0].segments.unwrap();
    assert_eq!(
        (m.matched, m.unmatched_first, m.unmatched_second),
        (1, 0, 1)
    );
}

#[test]
fn sub_codes_fold_into_their_parent_when_asked() {
    let d = data(
        &[(1, 20)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 2, JONAS, 0, 10),
            (1, 3, ANNA, 0, 2),
        ],
    );
    let own = agreement(&d, &spec(AgreementUnit::Character), &DocumentUnits::new()).unwrap();
    let paths: Vec<&str> = own.codes.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(paths, ["A", "A/A1", "B"]);
    assert_eq!(cells(&own.codes[0]), [0, 10, 0, 10]);

    let folded = AgreementSpec {
        with_subcodes: true,
        ..spec(AgreementUnit::Character)
    };
    let a = agreement(&d, &folded, &DocumentUnits::new()).unwrap();
    let paths: Vec<&str> = a.codes.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(paths, ["A", "B"]);
    assert_eq!(cells(&a.codes[0]), [10, 0, 0, 10]);

    let only_a1 = AgreementSpec {
        codes: vec![CodeId(2)],
        ..spec(AgreementUnit::Character)
    };
    let a = agreement(&d, &only_a1, &DocumentUnits::new()).unwrap();
    assert_eq!(a.codes.len(), 1);
    assert_eq!(cells(&a.codes[0]), [0, 0, 10, 10]);
}

#[test]
fn disagreements_show_both_coders_ranges() {
    let d = data(
        &[(1, 100)],
        &[
            (1, 1, ANNA, 0, 10),
            (1, 1, JONAS, 0, 10),
            (1, 1, ANNA, 20, 30),
            (1, 1, JONAS, 25, 40),
            (1, 1, JONAS, 60, 70),
            (1, 1, CoderId(3), 60, 70),
        ],
    );
    let list = disagreements(&d, &spec(AgreementUnit::Character), CodeId(1)).unwrap();
    let r = |s, e| CharRange::new(s, e).unwrap();
    assert_eq!(
        list,
        vec![
            Disagreement {
                document: DocumentId(1),
                passage: r(20, 40),
                first: vec![r(20, 30)],
                second: vec![r(25, 40)],
            },
            Disagreement {
                document: DocumentId(1),
                passage: r(60, 70),
                first: vec![],
                second: vec![r(60, 70)],
            },
        ]
    );
}

#[test]
fn the_bootstrap_interval_is_reproducible_and_brackets_the_figure() {
    let mut segments = Vec::new();
    for doc in 1..=12 {
        segments.push((doc, 1, ANNA, 0, 40 + doc as usize));
        segments.push((doc, 1, JONAS, doc as usize, 50));
    }
    let documents: Vec<(i64, usize)> = (1..=12).map(|d| (d, 100)).collect();
    let d = data(&documents, &segments);
    let with_ci = AgreementSpec {
        ci: true,
        ..spec(AgreementUnit::Character)
    };
    let a = agreement(&d, &with_ci, &DocumentUnits::new()).unwrap();
    let b = agreement(&d, &with_ci, &DocumentUnits::new()).unwrap();
    assert_eq!(a.pooled.ci, b.pooled.ci);
    let ci = a.pooled.ci.unwrap();
    let kappa = ci.cohen_kappa.unwrap();
    let value = a.pooled.row.figures.cohen_kappa.value().unwrap();
    assert!(
        kappa.low <= value && value <= kappa.high,
        "{kappa:?} {value}"
    );
    assert!(kappa.low < kappa.high);
    assert!(ci.krippendorff_alpha.is_some());
}

#[test]
fn bad_coders_are_refused_with_a_sentence() {
    let d = data(&[(1, 10)], &[]);
    let with = |names: &[&str]| AgreementSpec {
        coders: names.iter().map(|n| n.to_string()).collect(),
        ..AgreementSpec::default()
    };
    let error = |names: &[&str]| {
        agreement(&d, &with(names), &DocumentUnits::new())
            .unwrap_err()
            .to_string()
    };
    assert!(error(&["Anna"]).contains("name exactly two"));
    assert!(error(&["Anna", "Jonas", "Konsens"]).contains("name exactly two"));
    assert!(error(&["Anna", "Bea"]).contains("no coder “Bea”"));
    assert!(error(&["Anna", "anna"]).contains("named twice"));
}

#[test]
fn random_cases_agree_with_the_reference_packages() {
    // Made by tests/fixtures/agreement/reference.py with `krippendorff` and `statsmodels`.
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/agreement/cases.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let documents: Vec<(i64, usize)> = case["documents"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i64 + 1, n.as_u64().unwrap() as usize))
            .collect();
        let segments: Vec<(i64, i64, CoderId, usize, usize)> = case["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let n = |i: usize| s[i].as_u64().unwrap();
                let coder = if n(1) == 0 { ANNA } else { JONAS };
                (n(0) as i64 + 1, 1, coder, n(2) as usize, n(3) as usize)
            })
            .collect();
        let d = data(&documents, &segments);
        let all = AgreementSpec {
            documents: Some(documents.iter().map(|&(id, _)| DocumentId(id)).collect()),
            ..spec(AgreementUnit::Character)
        };
        let a = agreement(&d, &all, &DocumentUnits::new()).unwrap();
        let row = &a.pooled.row;
        let count = |name: &str| case[name].as_u64().unwrap();
        assert_eq!(
            cells(row),
            [
                count("both"),
                count("only_first"),
                count("only_second"),
                count("neither")
            ],
            "seed {}",
            case["seed"]
        );
        let expected = |name: &str| case[name].as_f64().unwrap();
        for (name, figure) in [
            ("percent_agreement", row.figures.percent_agreement),
            ("cohen_kappa", row.figures.cohen_kappa),
            ("scott_pi", row.figures.scott_pi),
            ("krippendorff_alpha", row.figures.krippendorff_alpha),
        ] {
            let value = figure.value().unwrap();
            assert!(
                (value - expected(name)).abs() < 1e-9,
                "seed {}: {name} {value} is not {}",
                case["seed"],
                expected(name)
            );
        }
    }
}

#[test]
fn words_and_sentences_lie_within_the_turns() {
    let text = "I: Wie geht es?\nB: Gut. Dr. Meier sagt: ja.\n";
    let turns = [
        CharRange::new(3, 15).unwrap(),
        CharRange::new(19, 43).unwrap(),
    ];
    let chars: Vec<char> = text.chars().collect();
    let shown = |ranges: Vec<CharRange>| -> Vec<String> {
        ranges
            .iter()
            .map(|r| chars[r.start.0..r.end.0].iter().collect())
            .collect()
    };
    assert_eq!(
        shown(split_within(text, &turns, sentences)),
        ["Wie geht es?", "Gut.", "Dr. Meier sagt:", "ja."]
    );
    assert_eq!(
        shown(split_within(text, &turns, words)),
        ["Wie", "geht", "es", "Gut", "Dr", "Meier", "sagt", "ja"]
    );
    assert_eq!(split_within(text, &[], words).len(), 10);
}
