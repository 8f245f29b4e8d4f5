//! The fuzz targets' harness: input decoding, the test apps, the reference model and the
//! oracles, in one file (`harness.rs`) that the main workspace's
//! `tests/tests/fuzz_regressions.rs` also compiles, so every checked-in seed and every
//! crash found is replayed through exactly the same oracles by `cargo test` on stable.

#[path = "harness.rs"]
mod harness;

pub use harness::*;
