//! The frame of the Analyse views' result tables.

use egui::Ui;
use egui_extras::{Column, TableBuilder};

/// A striped result table that scrolls sideways when wide and keeps its body below `height`, so
/// that a list under it stays in sight. The code column (`code_width` wide) comes first; `build`
/// adds the value columns, the header and the body.
pub fn result_table_ui(
    ui: &mut Ui,
    id: &str,
    height: f32,
    code_width: f32,
    build: impl FnOnce(TableBuilder<'_>),
) {
    egui::ScrollArea::horizontal()
        .id_salt(format!("{id}-wide"))
        .show(ui, |ui| {
            let table = TableBuilder::new(ui)
                .id_salt(id)
                .striped(true)
                .auto_shrink([false, false])
                .min_scrolled_height(0.0)
                .max_scroll_height(height)
                .column(Column::initial(code_width).resizable(true).clip(true));
            build(table);
        });
}
