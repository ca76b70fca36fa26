//! Made-up work for benchmarks and crash tests: generated corpora and projects ([`corpus`]) and
//! random coding sessions ([`session`]). Never used on a researcher's data.

pub mod corpus;
pub mod session;
