//! Kodierwerk: a workbench for qualitative research on interview transcripts.
//!
//! One core with two faces, the command line ([`cli`]) and the desktop workbench (`gui`, behind the
//! default feature `gui`). All research data lives in one SQLite project file ([`project`]).
//!
//! The modules are layers; a module uses only those below it (ARCHITECTURE.md draws the map):
//! [`model`] (the ground) → [`coding`] → [`project`] → [`corpus`], [`analysis`] → [`exchange`],
//! [`workload`] → [`cli`], `gui`.

pub mod analysis;
pub mod cli;
pub mod coding;
pub mod corpus;
pub mod exchange;
#[cfg(feature = "gui")]
pub mod gui;
pub mod model;
pub mod project;
pub mod workload;

pub use model::error::{Error, Result};
