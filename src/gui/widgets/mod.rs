//! Small widgets the panes share.

pub mod conditions;
pub mod markdown;

use egui::Color32;

/// A code colour from `#RRGGBB`; grey if the text is not one.
pub fn code_color(hex: &str) -> Color32 {
    Color32::from_hex(hex).unwrap_or(Color32::GRAY)
}
