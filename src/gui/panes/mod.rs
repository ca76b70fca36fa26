//! One file per pane, each with its own view state; each draws from the shared
//! [`super::state::WorkbenchState`] and pushes requests into it. No pane imports another.

pub mod agreement;
pub mod analysis;
pub mod browser;
pub mod charts;
pub mod codes;
pub mod dialogs;
pub mod documents;
pub mod memo;
pub mod merge;
pub mod relations;
pub mod search;
pub mod segments;
pub mod typology;
