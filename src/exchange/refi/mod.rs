//! REFI-QDA exchange: QDPX projects and QDC codebooks, read and written.
//!
//! [`crate::model::bundle`] is what crosses between the project file and the XML; [`export`] writes it,
//! [`import`] reads what other programs write and translates their positions.

mod archive;
pub mod dialect;
pub mod export;
pub mod import;
