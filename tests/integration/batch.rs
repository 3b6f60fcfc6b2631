//! Many reports in one command, and watching one report.

use std::process::Command;
use std::time::Duration;

use crate::support::*;

/// A folder of `n` copies of the minimal report, named r00, r01, …
fn reports(n: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..n {
        copy_recursive(&root().join("tests/fixtures/minimal"), &tmp.path().join(format!("r{i:02}")));
    }
    tmp
}

fn pdfs_below(dir: &std::path::Path) -> usize {
    files_below(dir).iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).count()
}

#[test]
fn twenty_reports_with_one_broken_give_nineteen_pdfs_and_a_failing_exit() {
    let tmp = reports(20);
    let broken = tmp.path().join("r07/report.yaml");
    let yaml = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, yaml.replace("{{visits}}", "{{vists}}")).unwrap();
    let output = baogao_within(&["build", tmp.path().to_str().unwrap(), "--jobs", "2"], 120);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(pdfs_below(tmp.path()), 19);
    assert!(!tmp.path().join("r07/r07.pdf").exists());
    assert!(stdout.contains("built 19 of 20 reports"), "{stdout}");
    assert!(stdout.contains("failed:") && stdout.contains("r07"), "{stdout}");
    // Not a terminal: one plain line per report.
    assert_eq!(stdout.lines().filter(|l| l.starts_with('[')).count(), 20, "{stdout}");
    assert!(stderr.contains("unknown metric `vists`"), "{stderr}");
}

#[test]
fn patterns_and_lists_of_reports() {
    let tmp = reports(3);
    let pattern = format!("{}/r0*", tmp.path().display());
    let output = baogao(&["build", &pattern]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(pdfs_below(tmp.path()), 3);
    let (a, b) = (tmp.path().join("r00"), tmp.path().join("r01"));
    let output = baogao(&["build", a.to_str().unwrap(), b.to_str().unwrap(), "-o", "x.pdf"]);
    assert_eq!(output.status.code(), Some(2), "-o with several reports is a usage error");
    let output = baogao(&["build", &format!("{}/nothing*", tmp.path().display())]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("matches no report folder"));
}

#[test]
fn watch_rebuilds_on_edits_renames_and_keeps_the_last_good_pdf() {
    let (_tmp, dir) = copy_fixture("minimal");
    let pdf = dir.join("minimal.pdf");
    let watch = Watch::start(&dir, &[]);
    watch.expect("wrote");
    watch.expect("watching");

    // An edit in place.
    let metrics = std::fs::read_to_string(dir.join("metrics.yaml")).unwrap();
    std::fs::write(dir.join("metrics.yaml"), metrics.replace("value: 336", "value: 337")).unwrap();
    watch.expect("wrote");
    let Some(text) = pdf_text(&pdf) else { return };
    assert!(text.contains("337家次"), "the edit is not in the PDF");
    // A rebuild reuses what the last build compressed and laid out; the PDF
    // must be the one a fresh build of the same files gives, byte for byte.
    let fresh = dir.parent().unwrap().join("fresh.pdf");
    assert!(baogao(&["build", dir.to_str().unwrap(), "-o", fresh.to_str().unwrap()]).status.success());
    assert!(
        std::fs::read(&pdf).unwrap() == std::fs::read(&fresh).unwrap(),
        "the rebuilt PDF differs from a fresh build"
    );

    // A save by rename, as vim and VS Code do; a slow one, so a build
    // started by the temporary file would show (it must not start one).
    std::fs::write(dir.join("metrics.yaml.new"), metrics.replace("value: 336", "value: 338")).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    std::fs::rename(dir.join("metrics.yaml.new"), dir.join("metrics.yaml")).unwrap();
    watch.expect("wrote");
    assert!(pdf_text(&pdf).unwrap().contains("338家次"));

    // A save in pieces: the build waits for the file to be closed, so it
    // neither fails on the half-written file nor misses the second half.
    {
        use std::io::Write;
        let text = metrics.replace("value: 336", "value: 339");
        let (first, rest) = text.split_at(text.len() / 2);
        let mut file = std::fs::File::create(dir.join("metrics.yaml")).unwrap();
        file.write_all(first.as_bytes()).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(30));
        file.write_all(rest.as_bytes()).unwrap();
    }
    assert!(watch.next_build().starts_with("wrote"), "a half-written file was built");
    assert!(pdf_text(&pdf).unwrap().contains("339家次"));

    // vim's save: the old file is renamed away to a backup, then a new one
    // written; the rename away does not start a build of a missing file.
    std::fs::rename(dir.join("metrics.yaml"), dir.join("metrics.yaml~")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dir.join("metrics.yaml"), metrics.replace("value: 336", "value: 340")).unwrap();
    assert!(watch.next_build().starts_with("wrote"), "the rename away was built");
    assert!(pdf_text(&pdf).unwrap().contains("340家次"));

    // A file closed without a change (an editor saving an unmodified
    // buffer; the last event of a rename arriving after its build began)
    // builds nothing; the next edit builds once.
    drop(std::fs::OpenOptions::new().append(true).open(dir.join("metrics.yaml")).unwrap());
    assert!(watch.quiet_for(Duration::from_millis(1500)), "a file closed unchanged was built again");
    std::fs::write(dir.join("metrics.yaml"), metrics.replace("value: 336", "value: 341")).unwrap();
    assert!(watch.next_build().starts_with("wrote"));
    assert!(pdf_text(&pdf).unwrap().contains("341家次"));

    // A broken save: errors, and the last good PDF stays.
    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(dir.join("metrics.yaml"), "visits: [\n").unwrap();
    watch.expect("build failed");
    assert!(std::fs::read(&pdf).unwrap() == good);

    // Ctrl-C ends it cleanly, leaving no temporary file.
    let pid = watch.child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    watch.expect("stopped watching");
    let leftovers: Vec<_> =
        files_below(&dir).into_iter().filter(|p| p.to_string_lossy().contains(".baogao-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The number of layouts a `--timings` line reports.
fn layouts(timings: &str) -> usize {
    let (_, rest) = timings.split_once(" ms (").unwrap_or_else(|| panic!("no layout count in `{timings}`"));
    rest.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_watch_rebuild_after_a_changed_figure_lays_the_report_out_once() {
    let (_tmp, dir) = copy_fixture("minimal");
    let watch = Watch::start(&dir, &["--timings"]);
    // A fresh build knows nothing of its page numbers and lays the report
    // out until its table of contents settles.
    let first = watch.expect("load");
    assert!(layouts(&first) >= 2, "{first}");
    watch.expect("watching");
    // The rebuild starts from the last build's layout, which a new figure
    // does not move: once is enough.
    let metrics = std::fs::read_to_string(dir.join("metrics.yaml")).unwrap();
    std::fs::write(dir.join("metrics.yaml"), metrics.replace("value: 336", "value: 337")).unwrap();
    let rebuild = watch.expect("load");
    assert_eq!(layouts(&rebuild), 1, "{rebuild}");
    assert!(watch.next_build().starts_with("wrote"));
}

#[test]
fn a_fresh_build_whose_contents_fill_pages_lays_the_report_out_twice() {
    // The sample with its parts ten times over: 80 parts, contents on three
    // pages. typst's first layout knows no headings; unless something of
    // the contents' length stands in for them there, the body moves by two
    // pages in the second and a third layout is needed.
    let (_tmp, dir) = copy_dir(&root().join("content/shiqiao-2021"), "long");
    let yaml = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
    let (head, rest) = yaml.split_once("\nsections:\n").unwrap();
    let (sections, tail) = rest.split_once("\nappendix:\n").unwrap();
    let parts = format!("{sections}\n").repeat(10);
    std::fs::write(dir.join("report.yaml"), format!("{head}\nsections:\n{parts}\nappendix:\n{tail}")).unwrap();
    let pdf = dir.join("long.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--timings"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let timings = stdout.lines().find(|l| l.starts_with("load")).unwrap_or_else(|| panic!("no timings: {stdout}"));
    assert_eq!(layouts(timings), 2, "{timings}");

    // And the contents are right: the last part's entry, on the third
    // contents page (PDF page 4), names the page its heading is on.
    let Some(contents) = pdf_pages_text(&pdf, 4, 4) else { return };
    let last = "八十、人大、政协、工青妇工作全面加强";
    let (_, after) = contents.split_once(last).unwrap_or_else(|| panic!("{last} not on PDF page 4: {contents}"));
    let number: String = after.trim_start_matches(['.', '\u{2060}']).chars().take_while(char::is_ascii_digit).collect();
    let body_page: u32 = number.parse().unwrap_or_else(|_| panic!("no page number after {last}: {after}"));
    // Body page 1 follows the cover and three pages of contents.
    let page = pdf_pages_text(&pdf, body_page + 4, body_page + 4).unwrap();
    assert!(page.contains(last) && page.contains(&format!("—{body_page}—")), "page {body_page}: {page}");
}

#[test]
fn a_watch_rebuild_takes_unchanged_pages_from_the_last_build_and_gives_a_fresh_builds_bytes() {
    let (_tmp, dir) = copy_dir(&root().join("content/shiqiao-2021"), "sample");
    let pdf = dir.join("sample.pdf");
    let watch = Watch::start(&dir, &["--timings"]);
    let first = watch.expect("load");
    assert_eq!(reused(&first), 0, "{first}");
    watch.expect("watching");

    let metrics = std::fs::read_to_string(dir.join("metrics.yaml")).unwrap();
    let report = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
    let edit = |file: &str, text: &str| std::fs::write(dir.join(file), text).unwrap();
    let same_as_fresh = |what: &str| {
        let fresh = dir.parent().unwrap().join("fresh.pdf");
        let out = baogao(&["build", dir.to_str().unwrap(), "-o", fresh.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            std::fs::read(&pdf).unwrap() == std::fs::read(&fresh).unwrap(),
            "after {what}: differs from a fresh build"
        );
    };

    // One figure: most of the 18 pages are drawn as before, and taken so.
    edit("metrics.yaml", &metrics.replace("value: 336,", "value: 337,"));
    let line = watch.expect("load");
    assert!(reused(&line) >= 9, "{line}");
    watch.expect("wrote");
    same_as_fresh("a changed figure");

    // Text added to the first part moves everything after it: only pages
    // drawn exactly as before may be taken, and the PDF is still a fresh
    // build's.
    let longer = report.replacen("**营商环境全面优化。**", "**营商环境全面优化。**街道全年走访企业，", 1);
    edit("report.yaml", &longer);
    let line = watch.expect("load");
    assert!(reused(&line) < 18, "{line}");
    watch.expect("wrote");
    same_as_fresh("text moving the pages");

    // A character no page had numbers a font's glyphs anew: nothing is
    // taken, since every page's glyph numbers may have changed.
    edit("metrics.yaml", &metrics.replace("label: 走访慰问企业,", "label: 走访慰问企业鑫,"));
    let line = watch.expect("load");
    assert_eq!(reused(&line), 0, "{line}");
    watch.expect("wrote");
    same_as_fresh("a new character");

    // Back to the start, one file at a time.
    edit("report.yaml", &report);
    watch.expect("wrote");
    edit("metrics.yaml", &metrics);
    watch.expect("wrote");
    same_as_fresh("undoing the edits");
}
