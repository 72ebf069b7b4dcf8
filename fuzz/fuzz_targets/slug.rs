#![no_main]
//! The `slug` target: see `hub::fuzz_entry::slug` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::slug(data));
