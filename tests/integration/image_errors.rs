//! Bad images and blocks: each gets one message at its place in
//! report.yaml with a hint, no PDF, the earlier PDF untouched, nothing read
//! outside the report folder (see errors.rs for what `check_broken` asks).

use std::path::Path;

use crate::errors::case;

/// The minimal fixture's second section with `block` (YAML lines indented
/// as a list item of its body) after its text; the block starts on line 21.
fn with_block(dir: &Path, block: &str) {
    let path = dir.join("report.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let body = format!("    body:\n      - 完成微改造项目。\n{block}");
    assert!(text.contains("    body: 完成微改造项目。\n"));
    std::fs::write(&path, text.replacen("    body: 完成微改造项目。\n", &body, 1)).unwrap();
}

/// The section with the image `file` (written with `bytes` if given).
fn with_image(dir: &Path, file: &str, bytes: Option<&[u8]>) {
    if let Some(bytes) = bytes {
        std::fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    with_block(dir, &format!("      - image: {file}\n        alt: 示意图\n"));
}

/// A PNG whose header claims `width` × `height` and holds no pixels.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0d".to_vec();
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A small real JPEG.
fn jpeg() -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&pixels).unwrap();
    out
}

fn svg(body: &str) -> Vec<u8> {
    format!("<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' viewBox='0 0 10 10'>{body}</svg>")
        .into_bytes()
}

case!(
    a_missing_image,
    |d| with_image(d, "images/expo.jpg", None),
    "`images/expo.jpg` does not exist in the report folder",
    "report.yaml:21:16",
    "relative to the report folder"
);
case!(
    an_image_outside_the_folder,
    |d| with_image(d, "../outside.png", None),
    "`../outside.png` leaves the report folder",
    "report.yaml:21:16",
    "copy the file into the report folder"
);
case!(
    a_link_that_leads_out,
    |d| {
        std::os::unix::fs::symlink("/etc/hostname", d.join("link.png")).unwrap();
        with_image(d, "link.png", None)
    },
    "`link.png` leaves the report folder",
    "report.yaml:21:16",
    "copy the file into the report folder"
);
case!(
    a_file_that_is_no_image,
    |d| with_image(d, "images/notes.png", Some("名称,数值\n".as_bytes())),
    "it is not a PNG, JPEG, GIF, WebP or SVG image",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    a_truncated_jpeg,
    |d| with_image(d, "images/cut.jpg", Some(&jpeg()[..300])),
    "`images/cut.jpg` cannot be used",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    a_header_claiming_ten_gigapixels,
    |d| with_image(d, "images/huge.png", Some(&png_header(100_000, 100_000))),
    "its header says 100000 × 100000 pixels",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    an_svg_reading_etc_passwd,
    |d| with_image(d, "images/a.svg", Some(&svg("<image xlink:href='file:///etc/passwd'/>"))),
    "the SVG refers to `file:///etc/passwd`; baogao reads no other file and no URL",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    an_svg_with_a_url,
    |d| with_image(d, "images/a.svg", Some(&svg("<image href='https://example.com/x.png'/>"))),
    "the SVG refers to `https://example.com/x.png`",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    an_svg_with_another_file,
    |d| with_image(d, "images/a.svg", Some(&svg("<use href='other.svg#a'/>"))),
    "the SVG refers to `other.svg#a`",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    an_svg_with_nested_entities,
    |d| {
        let laughs = "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'lol'><!ENTITY b '&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;'>]><svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'><text>&c;</text></svg>";
        with_image(d, "images/a.svg", Some(laughs.as_bytes()))
    },
    "the SVG has a DOCTYPE",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    an_image_over_50_mb,
    |d| {
        std::fs::create_dir_all(d.join("images")).unwrap();
        let file = std::fs::File::create(d.join("images/big.jpg")).unwrap();
        file.set_len(51 * 1024 * 1024).unwrap();
        with_image(d, "images/big.jpg", None)
    },
    "more than the 50 MB an image may be",
    "report.yaml:21:16",
    "PNG, JPEG, GIF, WebP or SVG"
);
case!(
    a_width_over_the_text_width,
    |d| {
        std::fs::write(d.join("a.jpg"), jpeg()).unwrap();
        with_block(d, "      - {image: a.jpg, alt: 图, width: 120%}\n")
    },
    "`width: 120%` is not between 0 and the text width",
    "report.yaml:21:39",
    "at most `100%`"
);
case!(
    a_negative_width,
    |d| {
        std::fs::write(d.join("a.jpg"), jpeg()).unwrap();
        with_block(d, "      - {image: a.jpg, alt: 图, width: -20mm}\n")
    },
    "`width: -20mm` is not between 0 and the text width",
    "report.yaml:21:39",
    "above 0"
);
case!(
    an_unknown_block_key,
    |d| with_block(d, "      - image: a.jpg\n        captoin: 会场\n"),
    "unknown field `captoin`",
    "report.yaml:22:9",
    "did you mean `caption`?"
);
case!(
    a_block_of_two_kinds,
    |d| with_block(d, "      - image: a.jpg\n        table: {metrics: all}\n"),
    "a block is one thing, but this one has image and table",
    "report.yaml:",
    "check"
);
case!(
    an_unknown_metric_in_a_caption,
    |d| {
        std::fs::write(d.join("a.jpg"), jpeg()).unwrap();
        with_block(d, "      - image: a.jpg\n        caption: 走访{{vists}}家\n")
    },
    "unknown metric `vists`",
    "report.yaml:22:",
    "did you mean `visits`?"
);
case!(
    a_pie_with_a_negative_part,
    |d| {
        let m = d.join("metrics.yaml");
        let text = std::fs::read_to_string(&m).unwrap();
        std::fs::write(
            &m,
            text + "minus: {label: 减少, value: -3, unit: 家}\nplus: {label: 增加, value: 5, unit: 家}\n",
        )
        .unwrap();
        with_block(d, "      - chart: {kind: pie, metrics: [plus, minus]}\n")
    },
    "metric `minus` is negative",
    "report.yaml:21:44",
    "a pie shows the shares of a whole"
);
case!(
    an_image_without_words_under_pdf_ua,
    |d| {
        std::fs::write(d.join("a.jpg"), jpeg()).unwrap();
        with_block(d, "      - image: a.jpg\n")
    },
    "`a.jpg` has no words for readers who cannot see it",
    "report.yaml:21:16",
    "add `alt: …`"
);
case!(
    four_levels_and_no_more,
    |d| crate::support::edit(
        d,
        "report.yaml",
        "        body: 稀有字:埒、𬌗、𠮷。\n",
        "        body: 稀有字:埒、𬌗、𠮷。\n        subsections:\n          - title: 三级\n            subsections:\n              - title: 四级\n                subsections:\n                  - title: 五级\n"
    ),
    "`四级` has subsections of its own, but parts go 4 levels deep",
    "report.yaml:23:28",
    "four levels as GB/T 9704 numbers them"
);

#[test]
fn a_caption_may_use_metrics_and_an_image_without_words_builds_without_pdf_ua() {
    let (tmp, dir) = crate::support::copy_fixture("minimal");
    std::fs::write(dir.join("a.jpg"), jpeg()).unwrap();
    with_block(&dir, "      - image: a.jpg\n        caption: 走访企业{{visits}}\n      - image: a.jpg\n");
    let pdf = tmp.path().join("out.pdf");
    let out =
        crate::support::baogao(&["build", dir.to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--standard", "a-2b"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let Some(text) = crate::support::pdf_text(&pdf) else { return };
    assert!(text.contains("图1") && text.contains("走访企业336家次"), "{text}");
}
