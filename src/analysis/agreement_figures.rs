//! The figures of intercoder agreement, computed from one 2×2 table of two coders: percent
//! agreement, Cohen's kappa, Scott's pi, Brennan–Prediger, Krippendorff's alpha (binary, nominal)
//! and positive agreement. A figure that is undefined is `None` with its reason, never 0 or NaN.

use serde::{Serialize, Serializer};

/// How two coders coded a set of units for one code: both, only the first, only the second, neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AgreementTable {
    pub units: u64,
    pub both: u64,
    pub only_first: u64,
    pub only_second: u64,
    pub neither: u64,
}

impl AgreementTable {
    /// A table from its four cells.
    pub fn new(both: u64, only_first: u64, only_second: u64, neither: u64) -> Self {
        Self {
            units: both + only_first + only_second + neither,
            both,
            only_first,
            only_second,
            neither,
        }
    }

    /// Adds another table's cells to this one (pooling).
    pub fn add(&mut self, other: &AgreementTable) {
        self.units += other.units;
        self.both += other.both;
        self.only_first += other.only_first;
        self.only_second += other.only_second;
        self.neither += other.neither;
    }

    pub fn figures(&self) -> Figures {
        Figures::of(self)
    }
}

/// Why a figure has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// The table holds no unit.
    NoUnits,
    /// Chance agreement is total: both coders gave every unit the same single value.
    NoVariance,
    /// Neither coder coded any unit, so there is nothing to agree on positively.
    NothingCoded,
}

impl Undefined {
    /// The reason in English, for the command line.
    pub fn sentence(self) -> &'static str {
        match self {
            Undefined::NoUnits => "no units",
            Undefined::NoVariance => "no variance",
            Undefined::NothingCoded => "nothing coded",
        }
    }
}

/// One figure: a value, or the reason it has none. Serialises as the value or `null`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Figure {
    Value(f64),
    Undefined(Undefined),
}

impl Figure {
    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(v),
            Figure::Undefined(_) => None,
        }
    }

    fn checked(value: f64, otherwise: Undefined) -> Self {
        if value.is_finite() {
            Figure::Value(value)
        } else {
            Figure::Undefined(otherwise)
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

/// The figures of one 2×2 table. `percent_agreement` is in percent, the coefficients are fractions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub percent_agreement: Figure,
    pub cohen_kappa: Figure,
    pub scott_pi: Figure,
    pub brennan_prediger: Figure,
    pub krippendorff_alpha: Figure,
    pub positive_agreement: Figure,
}

impl Figures {
    pub fn of(t: &AgreementTable) -> Self {
        let [a, b, c, d] = [t.both, t.only_first, t.only_second, t.neither].map(|x| x as f64);
        let n = a + b + c + d;
        if t.units == 0 {
            let none = Figure::Undefined(Undefined::NoUnits);
            return Self {
                percent_agreement: none,
                cohen_kappa: none,
                scott_pi: none,
                brennan_prediger: none,
                krippendorff_alpha: none,
                positive_agreement: none,
            };
        }
        let observed = (a + d) / n;
        let first = (a + b) / n;
        let second = (a + c) / n;
        let cohen_chance = first * second + (1.0 - first) * (1.0 - second);
        let mean = (first + second) / 2.0;
        let scott_chance = mean * mean + (1.0 - mean) * (1.0 - mean);
        let kappa = |chance: f64| {
            if chance >= 1.0 {
                Figure::Undefined(Undefined::NoVariance)
            } else {
                Figure::checked((observed - chance) / (1.0 - chance), Undefined::NoVariance)
            }
        };
        // Krippendorff: 2n values in n units of two coders; o01 = b + c disagreeing pairs.
        let values = 2.0 * n;
        let coded = 2.0 * a + b + c;
        let uncoded = 2.0 * d + b + c;
        let alpha = if coded == 0.0 || uncoded == 0.0 {
            Figure::Undefined(Undefined::NoVariance)
        } else {
            Figure::checked(
                1.0 - (values - 1.0) * (b + c) / (coded * uncoded),
                Undefined::NoVariance,
            )
        };
        let positive = if coded == 0.0 {
            Figure::Undefined(Undefined::NothingCoded)
        } else {
            Figure::Value(2.0 * a / coded)
        };
        Self {
            percent_agreement: Figure::Value(100.0 * observed),
            cohen_kappa: kappa(cohen_chance),
            scott_pi: kappa(scott_chance),
            brennan_prediger: Figure::Value(2.0 * observed - 1.0),
            krippendorff_alpha: alpha,
            positive_agreement: positive,
        }
    }

    /// Each figure with its JSON name, in the order the tables show them.
    pub fn named(&self) -> [(&'static str, Figure); 6] {
        [
            ("percent_agreement", self.percent_agreement),
            ("cohen_kappa", self.cohen_kappa),
            ("scott_pi", self.scott_pi),
            ("brennan_prediger", self.brennan_prediger),
            ("krippendorff_alpha", self.krippendorff_alpha),
            ("positive_agreement", self.positive_agreement),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(figure: Figure, expected: f64) {
        let value = figure.value().expect("a value");
        assert!((value - expected).abs() < 5e-5, "{value} is not {expected}");
    }

    #[test]
    fn krippendorffs_1995_example_gives_the_published_numbers() {
        // 24 characters; A codes [2,10) and [14,20), B [4,8) and [15,17).
        let t = AgreementTable::new(6, 8, 0, 10);
        let f = t.figures();
        close(f.percent_agreement, 66.6667);
        close(f.cohen_kappa, 0.3846);
        close(f.scott_pi, 0.3143);
        close(f.krippendorff_alpha, 0.3286);
        close(f.brennan_prediger, 1.0 / 3.0);
        close(f.positive_agreement, 12.0 / 20.0);
    }

    #[test]
    fn no_variance_leaves_the_coefficients_undefined() {
        let f = AgreementTable::new(0, 0, 0, 30).figures();
        assert_eq!(f.percent_agreement, Figure::Value(100.0));
        assert_eq!(f.cohen_kappa, Figure::Undefined(Undefined::NoVariance));
        assert_eq!(
            f.krippendorff_alpha,
            Figure::Undefined(Undefined::NoVariance)
        );
        assert_eq!(
            f.positive_agreement,
            Figure::Undefined(Undefined::NothingCoded)
        );
        assert_eq!(f.brennan_prediger, Figure::Value(1.0));

        let all = AgreementTable::new(5, 0, 0, 0).figures();
        assert_eq!(all.cohen_kappa, Figure::Undefined(Undefined::NoVariance));
        assert_eq!(all.positive_agreement, Figure::Value(1.0));

        let empty = AgreementTable::default().figures();
        assert_eq!(
            empty.percent_agreement,
            Figure::Undefined(Undefined::NoUnits)
        );
        assert_eq!(
            serde_json::to_value(empty).unwrap()["cohen_kappa"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn a_code_only_one_coder_used_has_kappa_zero_and_no_positive_agreement() {
        // The first coder coded 4 of 10 units, the second none.
        let f = AgreementTable::new(0, 4, 0, 6).figures();
        close(f.percent_agreement, 60.0);
        close(f.cohen_kappa, 0.0);
        close(f.positive_agreement, 0.0);
        // alpha = 1 - 19·4 / (4·16)
        close(f.krippendorff_alpha, 1.0 - 19.0 * 4.0 / 64.0);
    }
}
