//! Compile-time tests of the attribute macros (trybuild): every pass case must build,
//! and every fail case must fail with its checked-in `.stderr`.
//!
//! Regenerate the snapshots with `TRYBUILD=overwrite cargo test -p jwt-tests --test ui`
//! and review the diff.

/// One test, so trybuild builds all the cases in a single cargo invocation.
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/*/pass/*.rs");
    t.compile_fail("ui/*/fail/*.rs");
}
