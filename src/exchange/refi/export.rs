//! Writing QDPX projects and QDC codebooks.
