#![no_main]
//! Fuzz target `import`: see baogao::fuzzing::import.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::import(data));
