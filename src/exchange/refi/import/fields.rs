//! Single REFI values as Kodierwerk stores them: GUIDs, memo text, colours and dates.

use crate::model::bundle::{derived_guid, normalise_guid};

/// The GUID a REFI identifier stands for: normalised, or (for a program that writes something
/// else) derived from the text, the same for every mention; `None` if empty.
pub(super) fn guid_of(raw: Option<&str>) -> Option<String> {
    let raw = raw?.trim();
    if raw.is_empty() {
        return None;
    }
    Some(normalise_guid(raw).unwrap_or_else(|| derived_guid(raw, "refi identifier")))
}

/// Memo or description text as stored: `\n` line ends, otherwise as written; empty if blank.
pub(super) fn memo_text(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    crate::corpus::decode::normalise_line_endings(text)
}

/// `#rrggbb` from `#RRGGBB` or `#RGB`; `None` for anything else.
pub(super) fn colour(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#').unwrap_or(raw.trim());
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(format!(
            "#{}",
            hex.chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase()
        )),
        _ => None,
    }
}

/// A REFI dateTime as ISO 8601 (with or without zone), or empty if it is none.
pub(super) fn date_time(raw: Option<&str>) -> String {
    let t = raw.unwrap_or("").trim();
    let b = t.as_bytes();
    let date_like = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if date_like {
        t.to_owned()
    } else {
        String::new()
    }
}
