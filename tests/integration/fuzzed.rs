//! The fuzzers' kept inputs as regression tests: every file of
//! fuzz/corpus/<target>/ (the minimised corpus) and fuzz/regressions/<target>/
//! (inputs that once crashed, hung or ran out of memory) runs through the
//! same entry point as the fuzz target and must return.

use std::path::Path;

use crate::support::root;

fn replay(target: &str, run: fn(&[u8])) {
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        let dir = root().join("fuzz").join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == ".keep") {
                continue;
            }
            run(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
            count += 1;
        }
    }
    assert!(count > 0, "no inputs kept for {target} under {}", Path::new("fuzz").display());
}

#[test]
fn load_yaml() {
    replay("load_yaml", baogao::fuzzing::load_yaml);
}

#[test]
fn text() {
    replay("text", baogao::fuzzing::text);
}

#[test]
fn sheet() {
    replay("sheet", baogao::fuzzing::sheet);
}

#[test]
fn whole_build() {
    replay("whole_build", baogao::fuzzing::whole_build);
}

#[test]
fn import() {
    replay("import", baogao::fuzzing::import);
}

#[test]
fn image() {
    replay("image", baogao::fuzzing::image);
}
