//! Hostile input is refused quickly with a message, never a crash, a hang
//! or a stack overflow.

use crate::support::*;

/// Writes `report.yaml` (as bytes) into a new report folder and checks it:
/// it must fail with exit 1 and a message containing `message`.
fn refused(yaml: &[u8], message: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hostile");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("report.yaml"), yaml).unwrap();
    let out = tmp.path().join("x.pdf");
    let output = baogao_within(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()], 30);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{}", &stderr[..stderr.len().min(2000)]);
    assert!(stderr.contains(message), "`{message}` missing:\n{}", &stderr[..stderr.len().min(2000)]);
    assert!(!out.exists());
}

#[test]
fn alias_bomb() {
    // Billion laughs: nine levels of nine aliases.
    let mut yaml = String::from("title: x\nkeywords: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("subtitle{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str("sections: [{title: a, highlights: *a9}]\n");
    refused(yaml.as_bytes(), "YAML aliases (`*name`) are not allowed");
}

#[test]
fn one_long_string_aliased_many_times() {
    let aliases = vec!["*c"; 200_000].join(",");
    let yaml = format!("title: &c \"{}\"\nsections: [{{title: a, highlights: [{aliases}]}}]\n", "长".repeat(100_000));
    refused(yaml.as_bytes(), "YAML aliases (`*name`) are not allowed");
}

#[test]
fn nesting_100_000_deep() {
    let yaml = format!("title: x\nsections: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    refused(yaml.as_bytes(), "levels deep");
}

#[test]
fn a_50_mb_file() {
    let section = "  - title: 第一部分\n    body: 这是一段用于测试的大文件正文内容，重复很多次以达到五十兆字节。\n";
    let yaml = format!("title: 大文件\nsections:\n{}", section.repeat(50_000_000 / section.len() + 1));
    assert!(yaml.len() >= 50_000_000);
    refused(yaml.as_bytes(), "report files may be at most 16 MB");
}

#[test]
fn a_10_million_character_paragraph() {
    let yaml = format!("title: x\nsections:\n  - title: a\n    body: {}\n", "a".repeat(10_000_000));
    refused(yaml.as_bytes(), "a paragraph of 10000000 characters is longer than the 20000");
}

#[test]
fn nul_bytes() {
    refused(b"title: a\0b\nsections: []\n", "control characters are not allowed");
}

#[test]
fn invalid_utf8() {
    refused(b"title: \xFF\xFE\xFD\nsections: []\n", "is not UTF-8 text");
}
