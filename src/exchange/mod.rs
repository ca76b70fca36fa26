//! What crosses the project's border: CSV tables and PNG charts out, REFI-QDA projects and codebooks
//! in and out. Nothing is written unless the user asks for it, and only what the user chose.

pub mod csv;
pub mod image;
pub mod refi;
