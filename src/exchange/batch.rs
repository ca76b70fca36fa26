//! Codings for `kodierwerk code --from`: JSON lines (`{"doc": …, "start": …, "end": …, "code": …,
//! "coder": …, "memo": …}`) or CSV with those columns, each coding numbered by its line in the file.

use crate::model::NewCoding;
use crate::model::error::{Error, Result};

/// Reads every coding of a batch; the first line that is not one refuses the batch, by its number.
pub fn read_codings(text: &str, csv: bool) -> Result<Vec<(usize, NewCoding)>> {
    if csv {
        read_csv(text)
    } else {
        read_json_lines(text)
    }
}

fn not_a_coding(line: usize, reason: impl std::fmt::Display) -> Error {
    Error::BadBatchLine {
        line,
        reason: format!("this is not a coding ({reason})"),
    }
}

fn read_json_lines(text: &str) -> Result<Vec<(usize, NewCoding)>> {
    let mut codings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        let coding = serde_json::from_str(line).map_err(|e| not_a_coding(line_no, e))?;
        codings.push((line_no, coding));
    }
    Ok(codings)
}

fn read_csv(text: &str) -> Result<Vec<(usize, NewCoding)>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .trim(::csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut codings = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let headers = reader.headers().map_err(|e| not_a_coding(1, e))?.clone();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                let coding = record
                    .deserialize(Some(&headers))
                    .map_err(|e| not_a_coding(line, e))?;
                codings.push((line, coding));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                return Err(not_a_coding(line, e));
            }
        }
    }
    Ok(codings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(doc: &str, start: usize, end: usize, memo: &str) -> NewCoding {
        NewCoding {
            doc: doc.into(),
            start,
            end,
            code: "Arbeitslogik/Sozialberatung".into(),
            coder: "Anna".into(),
            memo: memo.into(),
        }
    }

    #[test]
    fn json_lines_carry_their_line_numbers_and_documents_by_name_or_number() {
        let text = "{\"doc\": \"HS-01\", \"start\": 0, \"end\": 5, \"code\": \"Arbeitslogik/Sozialberatung\", \"coder\": \"Anna\"}\n\n{\"doc\": 3, \"start\": 2, \"end\": 9, \"code\": \"Arbeitslogik/Sozialberatung\", \"coder\": \"Anna\", \"memo\": \"Grüß\"}\n";
        assert_eq!(
            read_codings(text, false).unwrap(),
            [
                (1, coding("HS-01", 0, 5, "")),
                (3, coding("3", 2, 9, "Grüß"))
            ]
        );
    }

    #[test]
    fn csv_has_the_same_columns() {
        let text = "doc,start,end,code,coder,memo\nHS-01,0,5,Arbeitslogik/Sozialberatung,Anna,\n\"HS-02\",2,9,Arbeitslogik/Sozialberatung,Anna,\"a, b\"\n";
        assert_eq!(
            read_codings(text, true).unwrap(),
            [
                (2, coding("HS-01", 0, 5, "")),
                (3, coding("HS-02", 2, 9, "a, b"))
            ]
        );
    }

    #[test]
    fn the_first_bad_line_is_named() {
        let good =
            "{\"doc\": \"a\", \"start\": 0, \"end\": 5, \"code\": \"c\", \"coder\": \"Anna\"}";
        let text = format!("{good}\n{good}\n{{\"doc\": \"a\", \"start\": -1}}\n{good}\n");
        let error = read_codings(&text, false).unwrap_err();
        assert!(
            matches!(error, Error::BadBatchLine { line: 3, .. }),
            "{error}"
        );
        assert!(error.to_string().starts_with("line 3: "), "{error}");
        let error = read_codings("doc,start,end,code,coder\na,0,x,c,Anna\n", true).unwrap_err();
        assert!(
            matches!(error, Error::BadBatchLine { line: 2, .. }),
            "{error}"
        );
    }
}
