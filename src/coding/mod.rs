//! The code system's rules that need no project file: codebook files and colours ([`codebook`]),
//! names of in-vivo codes ([`in_vivo`]). Code paths are ground types ([`crate::model::CodePath`]).

pub mod codebook;
pub mod in_vivo;
