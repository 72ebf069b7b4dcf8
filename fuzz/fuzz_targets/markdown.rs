#![no_main]
//! The `markdown` target: see `hub::fuzz_entry::markdown` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::markdown(data));
