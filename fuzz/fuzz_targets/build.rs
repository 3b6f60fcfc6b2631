#![no_main]
//! Fuzz target `build`: see baogao::fuzzing::build.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::build(data));
