//! Which rows of a code matrix a reader sees: sorted by a column and folded below collapsed
//! parents (the matrix view), or the direct sub-codes of one code (a chart's series).

use std::collections::HashSet;

use super::matrix::Matrix;

/// True if `code` lies below `parent` in the code tree.
fn is_below(code: &str, parent: &str) -> bool {
    code.strip_prefix(parent)
        .is_some_and(|rest| rest.starts_with('/'))
}

impl Matrix {
    /// The rows in the order shown: sorted by the column labelled `sort.0` (the total column
    /// too; descending if `sort.1`), else in tree order; without the sub-codes of the parents
    /// (by path) in `collapsed`. A sort by a label no column has keeps tree order.
    pub fn shown_rows(
        &self,
        sort: Option<(&str, bool)>,
        collapsed: &HashSet<String>,
    ) -> Vec<usize> {
        let column = sort.and_then(|(label, descending)| {
            let j = self
                .columns
                .iter()
                .position(|c| c.label == label)
                .or_else(|| (self.all.label == label).then_some(self.columns.len()))?;
            Some((j, descending))
        });
        let order: Vec<usize> = match column {
            Some((column, descending)) => self.sorted_rows(column, descending),
            None => (0..self.rows.len()).collect(),
        };
        order
            .into_iter()
            .filter(|&i| {
                let code = self.rows[i].code.as_str();
                !collapsed.iter().any(|parent| is_below(code, parent))
            })
            .collect()
    }

    /// The direct sub-codes of `parent` (by path; the top-level codes for `""`), in tree order.
    pub fn child_rows(&self, parent: &str) -> Vec<usize> {
        let depth = self
            .rows
            .iter()
            .find(|r| r.code == parent)
            .map_or(0, |r| r.depth + 1);
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.depth == depth && (parent.is_empty() || is_below(&r.code, parent)))
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix() -> Matrix {
        super::super::matrix::one_column(
            "Gesamt",
            &[
                ("A", 0, 3),
                ("A/a1", 1, 1),
                ("A/a2", 1, 2),
                ("AB", 0, 5),
                ("AB/b1", 1, 5),
            ],
        )
    }

    fn names(m: &Matrix, rows: Vec<usize>) -> Vec<&str> {
        rows.iter().map(|&i| m.rows[i].code.as_str()).collect()
    }

    #[test]
    fn rows_are_sorted_by_a_labelled_column_and_folded_below_collapsed_parents() {
        let m = matrix();
        let none = HashSet::new();
        assert_eq!(
            names(&m, m.shown_rows(None, &none)),
            ["A", "A/a1", "A/a2", "AB", "AB/b1"]
        );
        assert_eq!(
            names(&m, m.shown_rows(Some(("JC", true)), &none)),
            ["AB", "AB/b1", "A", "A/a2", "A/a1"]
        );
        assert_eq!(
            names(&m, m.shown_rows(Some(("Gesamt", false)), &none)),
            ["A", "A/a1", "A/a2", "AB", "AB/b1"]
        );
        assert_eq!(
            names(&m, m.shown_rows(Some(("no such column", true)), &none)),
            ["A", "A/a1", "A/a2", "AB", "AB/b1"]
        );
        // Collapsing A hides its sub-codes, not AB, whose path only begins with the same letter.
        let collapsed = HashSet::from(["A".to_owned()]);
        assert_eq!(
            names(&m, m.shown_rows(None, &collapsed)),
            ["A", "AB", "AB/b1"]
        );
    }

    #[test]
    fn child_rows_are_the_direct_sub_codes() {
        let m = matrix();
        assert_eq!(names(&m, m.child_rows("A")), ["A/a1", "A/a2"]);
        assert_eq!(names(&m, m.child_rows("")), ["A", "AB"]);
        assert_eq!(names(&m, m.child_rows("AB/b1")), Vec::<&str>::new());
    }
}
