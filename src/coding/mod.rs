//! Codes, code paths, codebooks and character ranges.

pub mod codebook;
pub mod exercise;
pub mod range;
