//! Small widgets the panes share.

pub mod coder_choice;
pub mod conditions;
pub mod markdown;
pub mod matrix_choices;
pub mod matrix_query;
pub mod result_table;
pub mod segment_list;

use egui::Color32;

/// A code colour from `#RRGGBB`; grey if the text is not one.
pub fn code_color(hex: &str) -> Color32 {
    Color32::from_hex(hex).unwrap_or(Color32::GRAY)
}
