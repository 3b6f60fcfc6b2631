//! Every kind of mistake gets one clear message at its place (file, line,
//! column) with a hint, exit code 1, no PDF and no temporary file, and an
//! earlier PDF at the output path survives byte for byte.

use std::path::{Path, PathBuf};

use crate::support::*;

/// What a broken report must answer.
pub struct Expect<'a> {
    /// Part of the message.
    pub message: &'a str,
    /// `file:line:column` (file relative to the report folder), or `file`
    /// alone for a problem with the whole file.
    pub at: &'a str,
    /// Part of a hint.
    pub hint: &'a str,
}

/// The minimal fixture, changed by `edit`, built over an earlier PDF.
pub fn check_broken(edit: impl FnOnce(&Path), expect: Expect) {
    let (tmp, dir) = copy_fixture("minimal");
    edit(&dir);
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.pdf");
    let earlier = b"%PDF-1.7 an earlier build that must survive".to_vec();
    std::fs::write(&out, &earlier).unwrap();
    let before = files_below(&dir);

    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "exit code:\n{stderr}");
    assert!(stderr.contains(expect.message), "message `{}` missing:\n{stderr}", expect.message);
    let at = format!("{}/{}", dir.display(), expect.at);
    assert!(stderr.contains(&format!("--> {at}")), "place `{at}` missing:\n{stderr}");
    assert!(stderr.contains(expect.hint), "hint `{}` missing:\n{stderr}", expect.hint);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), earlier, "the earlier PDF changed");
    assert_eq!(files_below(&out_dir), std::slice::from_ref(&out), "stray files beside the output");
    assert_eq!(files_below(&dir), before, "files appeared in the report folder");
}

/// A test that the edit `$edit` of the minimal fixture fails as `Expect` says.
macro_rules! case {
    ($name:ident, $edit:expr, $message:expr, $at:expr, $hint:expr) => {
        #[test]
        fn $name() {
            $crate::errors::check_broken($edit, $crate::errors::Expect { message: $message, at: $at, hint: $hint });
        }
    };
}
pub(crate) use case;

case!(
    yaml_syntax,
    |d| edit(d, "report.yaml", "keywords: [测试, baogao]", "keywords: [测试, baogao"),
    "did not find expected",
    "report.yaml:6:",
    "every quote opened is closed"
);
case!(
    wrong_type,
    |d| edit(d, "metrics.yaml", "value: 336", "value: 三百"),
    "invalid type: string \"三百\", expected a number",
    "metrics.yaml:1:32",
    "plain number"
);
case!(
    missing_title,
    |d| edit(d, "report.yaml", "title: 测试报告\n", ""),
    "missing field `title`",
    "report.yaml:1:1",
    "add `title: …`"
);
case!(
    unknown_key,
    |d| edit(d, "report.yaml", "sections:", "sectoins:"),
    "unknown field `sectoins`",
    "report.yaml:8:1",
    "did you mean `sections`?"
);
case!(
    duplicate_key,
    |d| edit(d, "report.yaml", "author: 测试单位\n", "author: 测试单位\nauthor: 又一单位\n"),
    "duplicate field `author`",
    "report.yaml:4:1",
    "may appear once"
);
case!(
    duplicate_metric_id,
    |d| edit(d, "metrics.yaml", "loans:", "visits:"),
    "duplicate metric id `visits`",
    "metrics.yaml:2:1",
    "rename one"
);
case!(
    unknown_metric,
    |d| edit(d, "report.yaml", "走访企业{{visits}}", "走访企业{{vists}}"),
    "unknown metric `vists`",
    "report.yaml:7:14",
    "did you mean `visits`?"
);
case!(
    unknown_field,
    |d| edit(d, "report.yaml", "{{visits.change}}", "{{visits.chnage}}"),
    "metric `visits` has no field `chnage`",
    "report.yaml:7:",
    "did you mean `visits.change`?"
);
case!(
    unclosed_reference,
    |d| edit(d, "report.yaml", "发放贷款{{loans}}。", "发放贷款{{loans。"),
    "`{{` opens a metric reference that is never closed",
    "report.yaml:12:",
    "close it with `}}`"
);
case!(
    unclosed_bold,
    |d| edit(d, "report.yaml", "**营商环境全面优化。**", "**营商环境全面优化。"),
    "`**` opens bold text that is never closed",
    "report.yaml:12:7",
    "another `**`"
);
case!(
    previous_and_change_disagree,
    |d| edit(d, "metrics.yaml", "previous: 280", "previous: 280, change: 5"),
    "`change: 5` disagrees with `previous: 280`",
    "metrics.yaml:1:1",
    "remove `change`"
);
case!(
    csv_missing,
    |d| edit(d, "report.yaml", "tables/projects.csv", "tables/project.csv"),
    "`tables/project.csv` does not exist",
    "report.yaml:24:",
    "check the spelling"
);
case!(
    csv_unreadable,
    |d| {
        std::fs::create_dir(d.join("tables/folder.csv")).unwrap();
        edit(d, "report.yaml", "tables/projects.csv", "tables/folder.csv")
    },
    "`tables/folder.csv` is a folder",
    "report.yaml:24:",
    "name a file"
);
case!(
    csv_unknown_encoding,
    |d| std::fs::write(d.join("tables/projects.csv"), [0x61, 0x2C, 0xFF, 0xFF, 0x0A]).unwrap(),
    "neither UTF-8 nor GB18030",
    "tables/projects.csv",
    "CSV UTF-8"
);
case!(
    csv_row_length,
    |d| edit(d, "tables/projects.csv", "加装电梯,840,84台", "加装电梯,840"),
    "row on line 3 has 2 cells, but the header has 3",
    "tables/projects.csv:3:1",
    "one cell per column"
);
case!(
    path_leaves_folder,
    |d| edit(d, "report.yaml", "tables/projects.csv", "../../etc/passwd"),
    "`../../etc/passwd` leaves the report folder",
    "report.yaml:24:",
    "copy the file into the report folder"
);
case!(
    not_utf8,
    |d| {
        let text = std::fs::read_to_string(d.join("report.yaml")).unwrap();
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        std::fs::write(d.join("report.yaml"), gbk).unwrap();
    },
    "`report.yaml` is not UTF-8 text (it reads as GB18030/GBK)",
    "report.yaml",
    "save the file as UTF-8"
);
case!(
    empty_file,
    |d| std::fs::write(d.join("metrics.yaml"), "\n  \n").unwrap(),
    "`metrics.yaml` is empty",
    "metrics.yaml",
    "minimal report"
);
case!(
    character_no_font_has,
    |d| edit(d, "report.yaml", "完成微改造项目。", "完成微改造项目‣。"),
    "no font has the character `‣` (U+2023)",
    "report.yaml:19:",
    "--font-path"
);
// Parts go four levels deep now (issue 31); the fifth is refused:
// image_errors.rs, `four_levels_and_no_more`.
case!(
    template_error,
    |d| {
        std::fs::write(d.join("mine.typ"), "#let data = json(\"/_data/report.json\")\n#data.meta.titel\n").unwrap();
        edit(d, "report.yaml", "title: 测试报告\n", "title: 测试报告\ntemplate: mine.typ\n")
    },
    "dictionary does not contain key \"titel\"",
    "mine.typ:2:",
    ""
);

#[test]
fn json_messages_for_ci_and_editors() {
    let (tmp, dir) = copy_fixture("minimal");
    edit(&dir, "report.yaml", "走访企业{{visits}}", "走访企业{{vists}}");
    let out = tmp.path().join("x.pdf");
    let output = baogao(&["--message-format", "json", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<serde_json::Value> =
        stderr.lines().map(|l| serde_json::from_str(l).expect("one JSON object a line")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let d = &lines[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown metric `vists`");
    assert_eq!(d["file"], format!("{}/report.yaml", dir.display()));
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(7), Some(14)));
    assert_eq!(d["hints"][0], "did you mean `visits`?");
    assert!(!out.exists());
}

#[test]
fn check_writes_nothing_and_exits_zero_when_clean() {
    let (_tmp, dir) = copy_fixture("minimal");
    let before = files_below(&dir);
    let output = baogao(&["check", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no problems"));
    assert_eq!(files_below(&dir), before);
}

#[test]
fn exit_codes_tell_usage_and_output_errors_apart() {
    assert_eq!(baogao(&["build"]).status.code(), Some(2), "missing argument is a usage error");
    assert_eq!(baogao(&["frobnicate"]).status.code(), Some(2));
    let (tmp, dir) = copy_fixture("minimal");
    let out: PathBuf = tmp.path().join("no/such/folder/x.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn schema_describes_both_files() {
    let report: serde_json::Value = serde_json::from_slice(&baogao(&["schema", "report"]).stdout).unwrap();
    let required: Vec<&str> = report["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, ["title", "sections"]);
    assert_eq!(report["additionalProperties"], false);
    assert!(report["properties"]["appendix"].is_object());
    // The body's blocks and the keys that came with them.
    for key in ["logo", "contents_depth", "image_dpi", "year"] {
        assert!(report["properties"][key].is_object(), "no `{key}`");
    }
    let defs = &report["$defs"];
    assert!(defs["Section"]["properties"]["run_in"].is_object());
    assert_eq!(defs["ImageSpec"]["required"], serde_json::json!(["image"]));
    assert_eq!(defs["Block"]["oneOf"].as_array().map(Vec::len), Some(5));
    let kinds = &defs["ChartKind"];
    assert!(["bar", "column", "line", "pie"].iter().all(|k| kinds.to_string().contains(k)), "{kinds}");
    let metrics: serde_json::Value = serde_json::from_slice(&baogao(&["schema", "metrics"]).stdout).unwrap();
    let metric = &metrics["$defs"]["Metric"];
    let required: Vec<&str> = metric["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(required, ["label", "value"]);
    assert_eq!(metric["properties"]["value"]["type"], "number");
    assert!(metric["properties"]["history"].is_object());
}

#[test]
fn a_closed_pipe_on_stdout_is_no_panic() {
    use std::process::{Command, Stdio};
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("p.pdf");
    let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--timings"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as with `| head -0`
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{stderr}");
    assert!(out.is_file());
}
