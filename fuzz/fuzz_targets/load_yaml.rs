#![no_main]
//! Fuzz target `load_yaml`: see baogao::fuzzing::load_yaml.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::load_yaml(data));
