#![no_main]
//! The `front_matter_toml` target: see `hub::fuzz_entry::front_matter_toml` for what it checks.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hub::fuzz_entry::front_matter_toml(data));
