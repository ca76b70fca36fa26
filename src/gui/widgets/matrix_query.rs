//! The code matrix as the Analyse views ask for it: the spec of the choices, the answer of the
//! analysis worker, and the segments behind one cell.

use std::sync::Arc;

use egui::Ui;

use super::segment_list::code_segments;
use crate::analysis::{Columns, Matrix, MatrixSpec, Measure, TableWords, matrix};
use crate::gui::state::WorkbenchState;
use crate::model::Segment;

/// The matrix for these choices, from the analysis worker (the latest one while a new one is computed).
pub fn ask_matrix(
    ui: &mut Ui,
    state: &mut WorkbenchState,
    slot: &'static str,
    spec: MatrixSpec,
) -> (Option<Arc<Matrix>>, bool) {
    let key = format!("{spec:?}");
    let latest = state
        .worker
        .ask(ui.ctx(), slot, key, state.version, move |data, _| {
            matrix(data, &spec)
        });
    if let Some(error) = latest.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
        return (None, false);
    }
    (latest.result, latest.computing)
}

/// The spec for a grouping key (`jobcenter` or an attribute name).
pub fn matrix_spec(
    by: &str,
    measure: Measure,
    coder: Option<String>,
    conditions: Vec<(String, String)>,
    words: TableWords,
) -> MatrixSpec {
    MatrixSpec {
        by: Columns::parse(by),
        measure,
        coder,
        conditions,
        words,
    }
}

/// The segments behind cell (row, column) of `m`: code, column label and segments.
pub fn matrix_cell_segments(
    state: &WorkbenchState,
    m: &Matrix,
    (i, j): (usize, usize),
    coder: Option<&str>,
) -> crate::Result<(String, String, Vec<Segment>)> {
    let code = m.rows[i].code.to_string();
    let column = m
        .columns
        .get(j)
        .map_or(m.all.label.clone(), |c| c.label.clone());
    let documents = if j < m.columns.len() {
        m.column_documents[j].clone()
    } else {
        m.column_documents.concat()
    };
    let segments = code_segments(state, &code, documents, coder)?;
    Ok((code, column, segments))
}
