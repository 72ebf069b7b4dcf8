#![no_main]
//! The `date` target: see `hub::fuzz_entry::date` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::date(data));
