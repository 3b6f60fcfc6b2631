#![no_main]
//! Fuzz target `whole_build`: see baogao::fuzzing::whole_build.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::whole_build(data));
