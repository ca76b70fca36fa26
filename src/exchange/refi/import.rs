//! Reading QDPX projects and QDC codebooks as other programs write them.
