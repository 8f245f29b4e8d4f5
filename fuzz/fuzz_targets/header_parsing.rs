//! `cargo fuzz run header_parsing`: see `jwt_fuzz::header_parsing` for the input format and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwt_fuzz::header_parsing(data));
