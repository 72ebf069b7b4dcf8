#![no_main]
//! The `check_rules` target: see `hub::fuzz_entry::check_rules` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::check_rules(data));
