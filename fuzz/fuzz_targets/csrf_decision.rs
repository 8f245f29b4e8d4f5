//! `cargo fuzz run csrf_decision`: see `jwt_fuzz::csrf_decision` for the input format and the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwt_fuzz::csrf_decision(data));
