#![no_main]
//! Fuzz target `text`: see baogao::fuzzing::text.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::text(data));
