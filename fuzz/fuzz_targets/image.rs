#![no_main]
//! Fuzz target `image`: see baogao::fuzzing::image.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::image(data));
