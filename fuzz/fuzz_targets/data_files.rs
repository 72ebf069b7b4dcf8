#![no_main]
//! The `data_files` target: see `hub::fuzz_entry::data_files` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::data_files(data));
