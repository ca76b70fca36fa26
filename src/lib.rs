//! Kodierwerk: a workbench for qualitative research on interview transcripts.
//!
//! One core with two faces: the command line ([`cli`]) and, later, the desktop workbench. All data
//! lives in one SQLite project file ([`project`]).

pub mod analysis;
pub mod cli;
pub mod coding;
pub mod corpus;
pub mod exchange;
pub mod gui;
pub mod model;
pub mod project;
pub mod workload;

pub use model::error::{Error, Result};
