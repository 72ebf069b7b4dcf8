#![no_main]
//! The `site_toml` target: see `hub::fuzz_entry::site_toml` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::site_toml(data));
