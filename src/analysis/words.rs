//! The few words an analysis writes into its tables besides the project's own names.

/// Words for the columns and rows an analysis adds, in the language of the face that shows the
/// table: the workbench passes those of the language it shows. The default is German, the language
/// of the study's data and of the command line's tables.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableWords {
    /// The column of documents without a value for the grouping attribute.
    pub no_value: String,
    /// The column over all documents.
    pub total: String,
    /// The row that counts each column's documents.
    pub documents: String,
}

impl Default for TableWords {
    fn default() -> Self {
        Self {
            no_value: "(ohne Wert)".into(),
            total: "Gesamt".into(),
            documents: "(Dokumente)".into(),
        }
    }
}
