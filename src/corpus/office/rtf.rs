//! Rich Text Format (`.rtf`).

use crate::corpus::Refusal;

use super::Page;

/// Reads an `.rtf` file's text.
pub fn read(_bytes: &[u8]) -> Result<Page, Refusal> {
    Err(Refusal::Office("RTF is not read yet".into()))
}
