#![no_main]
//! Fuzz target `sheet`: see baogao::fuzzing::sheet.

libfuzzer_sys::fuzz_target!(|data: &[u8]| baogao::fuzzing::sheet(data));
