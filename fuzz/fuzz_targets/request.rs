//! `cargo fuzz run request`: see `jwt_fuzz::request` for the input format and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwt_fuzz::request(data));
