#![no_main]
//! The `serve_path` target: see `hub::fuzz_entry::serve_path` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::serve_path(data));
