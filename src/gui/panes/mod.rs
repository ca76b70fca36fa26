//! One file per pane; each draws from and writes commands into the [`super::state::WorkbenchState`].

pub mod analysis;
pub mod browser;
pub mod charts;
pub mod codes;
pub mod dialogs;
pub mod documents;
pub mod memo;
pub mod relations;
pub mod segments;
pub mod typology;
