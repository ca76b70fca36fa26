//! Bytes to stored text: encoding detection, BOM removal, line endings, and the refusals that keep
//! binary files and mojibake out of a project.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};

use super::Refusal;

/// Text decoded from a file, ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Without BOM, every line ending turned into `\n`.
    pub text: String,
    /// The encoding the bytes were read in, e.g. `UTF-8`, `UTF-16LE`, `windows-1252`.
    pub encoding: &'static str,
    /// How the encoding was chosen: `byte order mark`, `valid UTF-8`, `detected`, `as requested`.
    pub how: &'static str,
}

/// Looks up an encoding by a name people use (`latin1`, `cp1252`, `utf-16le`, `ISO-8859-15`).
pub fn encoding_by_name(name: &str) -> Option<&'static Encoding> {
    let name = name.trim().to_ascii_lowercase();
    let name = match name.as_str() {
        "latin1" | "latin-1" => "iso-8859-1",
        "latin9" | "latin-9" => "iso-8859-15",
        "cp1252" | "ansi" => "windows-1252",
        "utf16le" | "utf-16" => "utf-16le",
        "utf16be" => "utf-16be",
        "utf8" => "utf-8",
        other => other,
    };
    Encoding::for_label(name.as_bytes())
}

/// Decodes a file's bytes; refuses what is not text or cannot be decoded without damage.
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(Refusal::Binary(kind));
    }
    let (encoding, how, body) = choose(bytes, forced)?;
    let (text, had_errors) = if encoding == UTF_8 {
        match std::str::from_utf8(body) {
            Ok(s) => (std::borrow::Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(body), true),
        }
    } else {
        encoding.decode_without_bom_handling(body)
    };
    if had_errors {
        return Err(Refusal::Undecodable {
            encoding: encoding.name(),
            line: first_bad_utf8_line(body),
        });
    }
    check_characters(&text)?;
    if encoding != UTF_8 && looks_like_utf8_read_as_legacy(&text) {
        return Err(Refusal::Mojibake {
            encoding: encoding.name(),
        });
    }
    let text = normalise_line_endings(&text);
    if text.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        how,
    })
}

/// Picks the encoding and returns the bytes after any BOM.
fn choose<'b>(
    bytes: &'b [u8],
    forced: Option<&'static Encoding>,
) -> Result<(&'static Encoding, &'static str, &'b [u8]), Refusal> {
    if let Some((bom_encoding, bom_len)) = Encoding::for_bom(bytes) {
        if forced.is_some_and(|f| f != bom_encoding) {
            return Err(Refusal::BomContradicts {
                bom: bom_encoding.name(),
            });
        }
        return Ok((bom_encoding, "byte order mark", &bytes[bom_len..]));
    }
    if let Some(encoding) = forced {
        return Ok((encoding, "as requested", bytes));
    }
    if looks_like_utf16(bytes) {
        return Err(Refusal::Utf16WithoutBom);
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok((UTF_8, "valid UTF-8", bytes)),
        Err(error) => {
            // Valid multi-byte UTF-8 before the broken byte means the file mixes encodings;
            // reading it all as Windows-1252 would turn every umlaut into mojibake.
            if !bytes[..error.valid_up_to()].is_ascii() {
                return Err(Refusal::Undecodable {
                    encoding: "UTF-8",
                    line: line_of(bytes, error.valid_up_to()),
                });
            }
            let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(Some(b"de"), Utf8Detection::Deny);
            Ok((guess, "detected", bytes))
        }
    }
}

/// Recognises common binary formats by their first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
        (b"\xff\xd8\xff", "a JPEG picture"),
        (b"GIF8", "a GIF picture"),
        (b"%PDF", "a PDF file; copy its text into a .txt file"),
        (
            b"PK\x03\x04",
            "a zip archive; rename it to .docx or .odt if it is a Word or OpenDocument file",
        ),
        (
            b"\xd0\xcf\x11\xe0",
            "an old Word (.doc) file; open it in Word or LibreOffice and save it as .docx",
        ),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\x7fELF", "a program"),
        (b"\x1f\x8b", "a gzip archive"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

/// Refuses a decoded text that holds NUL characters or more than 1 % control characters (other
/// than line ends, tabs and page breaks), as binary data does; for transcripts and for the texts
/// of exchange files alike.
pub fn check_characters(text: &str) -> Result<(), Refusal> {
    if text.contains('\0') {
        return Err(Refusal::Binary("binary data (it contains NUL bytes)"));
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}' | '\u{85}'))
        .count();
    if controls * 100 > text.chars().count().max(1) {
        return Err(Refusal::Binary("binary data (many control characters)"));
    }
    Ok(())
}

/// UTF-16 without BOM: in ASCII-heavy text every other byte is NUL.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.len() < 4 {
        return false;
    }
    let even_nuls = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    let half = sample.len() / 2;
    even_nuls * 10 > half * 3 || odd_nuls * 10 > half * 3
}

/// Text that was UTF-8 but got read as a one-byte encoding shows pairs like `Ã¤` for `ä`.
fn looks_like_utf8_read_as_legacy(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    let mut pairs = 0;
    while let Some(c) = chars.next() {
        if matches!(c, 'Ã' | 'Â')
            && chars.peek().is_some_and(|n| {
                ('\u{80}'..='\u{bf}').contains(n) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(*n)
            })
        {
            pairs += 1;
        }
    }
    pairs >= 2
}

/// The line of the first byte that is not UTF-8; 1 for other encodings (only UTF-16 can fail there).
fn first_bad_utf8_line(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => 1,
        Err(e) => line_of(bytes, e.valid_up_to()),
    }
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// `\r\n` and lone `\r` become `\n`.
pub fn normalise_line_endings(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{UTF_16BE, UTF_16LE};

    const GERMAN: &str = "Bürger:innen äußern Größe — „Akte“\r\nzweite Zeile € 5";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(GERMAN.as_bytes(), None).unwrap();
        assert_eq!(plain.encoding, "UTF-8");
        assert_eq!(plain.text, GERMAN.replace("\r\n", "\n"));
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(GERMAN.as_bytes());
        let decoded = decode(&with_bom, None).unwrap();
        assert_eq!(decoded.text, plain.text);
        assert_eq!(decoded.how, "byte order mark");
    }

    #[test]
    fn utf16_both_orders_with_bom() {
        for (encoding, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let mut bytes = bom.to_vec();
            for unit in GERMAN.encode_utf16() {
                let pair = if encoding == UTF_16LE {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                };
                bytes.extend_from_slice(&pair);
            }
            let decoded = decode(&bytes, None).unwrap();
            assert_eq!(decoded.encoding, encoding.name());
            assert_eq!(decoded.text, GERMAN.replace("\r\n", "\n"));
        }
    }

    #[test]
    fn utf16_without_bom_is_refused_with_a_hint() {
        let bytes: Vec<u8> = "Interview mit Frau K."
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!(err, Refusal::Utf16WithoutBom);
        assert!(err.to_string().contains("--encoding"));
        let forced = decode(&bytes, Some(UTF_16LE)).unwrap();
        assert_eq!(forced.text, "Interview mit Frau K.");
    }

    #[test]
    fn windows_1252_is_detected_and_named() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("I: Grüß Gott, wie läuft die E-Akte? Über die Straße, „schön“ — 5 €.\n");
        let decoded = decode(&bytes, None).unwrap();
        assert_eq!(decoded.encoding, "windows-1252");
        assert_eq!(decoded.how, "detected");
        assert!(decoded.text.contains("Grüß Gott") && decoded.text.contains("„schön“"));
    }

    #[test]
    fn iso_8859_15_can_be_forced() {
        let latin9 = encoding_by_name("ISO-8859-15").unwrap();
        let (bytes, _, _) = latin9.encode("Kosten: 5 € für Bürger:innen");
        let decoded = decode(&bytes, Some(latin9)).unwrap();
        assert_eq!(decoded.text, "Kosten: 5 € für Bürger:innen");
        assert_eq!(decoded.encoding, "ISO-8859-15");
    }

    #[test]
    fn mixed_or_broken_utf8_is_refused_not_turned_into_mojibake() {
        let mut bytes = "Zeile eins: Bürger\nZeile zwei: ".as_bytes().to_vec();
        bytes.push(0xE4); // a Latin-1 "ä" inside UTF-8
        bytes.extend_from_slice(b"rger\n");
        let err = decode(&bytes, None).unwrap_err();
        assert_eq!(
            err,
            Refusal::Undecodable {
                encoding: "UTF-8",
                line: 2
            }
        );
        let err = decode(&bytes, Some(UTF_8)).unwrap_err();
        assert!(matches!(err, Refusal::Undecodable { .. }));
    }

    #[test]
    fn utf8_forced_as_latin1_is_caught_as_mojibake() {
        let text = "Die Bürger:innen und die Größe der Akte";
        let err = decode(text.as_bytes(), encoding_by_name("latin1")).unwrap_err();
        assert!(matches!(err, Refusal::Mojibake { .. }), "{err:?}");
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert_eq!(decode(b"", None), Err(Refusal::Empty));
        assert_eq!(decode(b"  \n\r\n\t", None), Err(Refusal::Empty));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\nxxxx", None),
            Err(Refusal::Binary(_))
        ));
        assert!(matches!(
            decode(b"PK\x03\x04rest", None),
            Err(Refusal::Binary(_))
        ));
        assert!(matches!(
            decode(b"Text\0mit NUL", None),
            Err(Refusal::Binary(_))
        ));
    }

    #[test]
    fn line_endings_become_newlines() {
        assert_eq!(normalise_line_endings("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn a_next_line_character_is_no_sign_of_binary_data() {
        let text = "I: Wie?\u{85}B: So.\n";
        assert!(decode(text.as_bytes(), None).is_ok());
        assert!(decode("I: \u{1}\u{2}\u{3} Wie?\n".as_bytes(), None).is_err());
    }
}
