//! `cargo fuzz run signed_claims`: see `jwt_fuzz::signed_claims` for the input format and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwt_fuzz::signed_claims(data));
