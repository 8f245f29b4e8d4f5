//! `cargo fuzz run decode`: see `jwt_fuzz::decode` for the input format and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwt_fuzz::decode(data));
