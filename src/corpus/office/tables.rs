//! Recognising a transcript written as a table: a time, a speaker and a text column in any order,
//! with or without a header row.

use crate::corpus::turns;

/// Which column holds what, and whether the first row is a header.
#[derive(Debug, PartialEq, Eq)]
pub struct Columns {
    pub time: Option<usize>,
    pub speaker: usize,
    pub text: usize,
    pub header: bool,
}

const TIME_HEADS: &[&str] = &[
    "zeit",
    "time",
    "zeitmarke",
    "timestamp",
    "zeitstempel",
    "tc",
    "timecode",
];
const SPEAKER_HEADS: &[&str] = &[
    "sprecher",
    "sprecherin",
    "sprecher*in",
    "speaker",
    "person",
    "name",
    "rolle",
    "wer",
];
const TEXT_HEADS: &[&str] = &[
    "text",
    "transkript",
    "transcript",
    "äußerung",
    "aussage",
    "inhalt",
    "wortbeitrag",
    "beitrag",
];

fn head_is(cell: &str, words: &[&str]) -> bool {
    let cell = cell.trim().trim_end_matches(':').to_lowercase();
    words.contains(&cell.as_str())
}

/// The columns of a transcript table, `None` for any other table. Three columns need a time column
/// (every cell a timestamp); two columns need a header that names speaker and text.
pub fn transcript_columns(rows: &[Vec<String>]) -> Option<Columns> {
    let width = rows.first()?.len();
    if !(2..=3).contains(&width) || rows.iter().any(|r| r.len() != width) {
        return None;
    }
    let first = &rows[0];
    let named = |words: &[&str]| first.iter().position(|c| head_is(c, words));
    let header_named = match (named(TIME_HEADS), named(SPEAKER_HEADS), named(TEXT_HEADS)) {
        (t, Some(s), Some(x)) if (t.is_some() || width == 2) && s != x => Some(Columns {
            time: t,
            speaker: s,
            text: x,
            header: true,
        }),
        _ => None,
    };
    if let Some(columns) = header_named {
        return (rows.len() > 1).then_some(columns);
    }
    if width != 3 {
        return None;
    }
    let is_time = |c: &str| turns::is_timestamp(c.trim());
    for header in [false, true] {
        let body = &rows[usize::from(header)..];
        if body.is_empty() {
            continue;
        }
        let Some(time) = (0..3).find(|&c| body.iter().all(|r| is_time(&r[c]))) else {
            continue;
        };
        if header && is_time(&rows[0][time]) {
            continue;
        }
        let others: Vec<usize> = (0..3).filter(|&c| c != time).collect();
        let speakerish = |c: usize| {
            body.iter().all(|r| {
                let s = r[c].trim().trim_end_matches(':');
                !s.contains('\n') && s.chars().count() <= 40 && s.split_whitespace().count() <= 4
            })
        };
        let mean = |c: usize| body.iter().map(|r| r[c].chars().count()).sum::<usize>();
        let (speaker, text) = match (speakerish(others[0]), speakerish(others[1])) {
            (true, false) => (others[0], others[1]),
            (false, true) => (others[1], others[0]),
            (true, true) if mean(others[0]) <= mean(others[1]) => (others[0], others[1]),
            (true, true) => (others[1], others[0]),
            (false, false) => return None,
        };
        return Some(Columns {
            time: Some(time),
            speaker,
            text,
            header,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn columns_in_any_order_with_or_without_header() {
        let plain = rows(&[
            &["B", "00:00:05", "Also das war so."],
            &["I", "00:00:09", "Und dann?"],
        ]);
        assert_eq!(
            transcript_columns(&plain),
            Some(Columns {
                time: Some(1),
                speaker: 0,
                text: 2,
                header: false
            })
        );
        let headed = rows(&[
            &["Text", "Zeit", "Sprecher"],
            &["Also das war so.", "#00:00:05-2#", "B"],
        ]);
        assert_eq!(
            transcript_columns(&headed),
            Some(Columns {
                time: Some(1),
                speaker: 2,
                text: 0,
                header: true
            })
        );
    }

    #[test]
    fn other_tables_are_not_transcripts() {
        let plain = rows(&[&["Jobcenter", "Fälle", "Quote"], &["Nord", "12", "0,3"]]);
        assert_eq!(transcript_columns(&plain), None);
        let two = rows(&[&["B", "Also das war so."], &["I", "Und dann?"]]);
        assert_eq!(transcript_columns(&two), None);
    }
}
