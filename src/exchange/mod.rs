//! What leaves the project: CSV tables (and later REFI-QDA). Nothing is written unless the user
//! asks for it, and only what the user chose.

pub mod csv;
pub mod image;
pub mod refi;
