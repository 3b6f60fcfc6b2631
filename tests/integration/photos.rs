//! Photos, tables, lists and four heading levels in the text (the body's
//! blocks), read back with poppler (`pdfimages -list`, `pdftotext`), qpdf
//! and veraPDF: photos from phones are turned upright and resampled to the
//! size they are printed at, every figure has its words, every PDF/A level
//! still passes.

use std::path::{Path, PathBuf};

use image::{ImageEncoder, RgbImage};

use crate::support::*;

fn sample() -> PathBuf {
    root().join("content/shiqiao-2021-briefing-photos")
}

/// One row of `pdfimages -list`.
#[derive(Debug)]
struct Listed {
    kind: String,
    width: u32,
    height: u32,
    x_ppi: u32,
    y_ppi: u32,
}

fn images_of(pdf: &Path) -> Option<Vec<Listed>> {
    let list = tool_ok("pdfimages", &["-list", pdf.to_str().unwrap()])?;
    let rows = list.lines().skip(2).map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        Listed {
            kind: f[2].into(),
            width: f[3].parse().unwrap(),
            height: f[4].parse().unwrap(),
            x_ppi: f[12].parse().unwrap(),
            y_ppi: f[13].parse().unwrap(),
        }
    });
    Some(rows.collect())
}

/// A photo of noise, as poorly as a phone's compresses, `seed` making each
/// one its own; with `orientation`, an EXIF segment asking to turn it.
fn phone_photo(path: &Path, width: u32, height: u32, seed: u32, orientation: Option<u16>) {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        // A smooth scene with a phone sensor's grain.
        let grain = |shift: u32| ((state >> shift) & 31) as u8;
        let (r, g) = ((x * 200 / width) as u8, (y * 200 / height) as u8);
        image::Rgb([r + grain(0), g + grain(8), (((x / 97 + y / 89) % 4) as u8 * 50) + grain(16)])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .write_image(pixels.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    if let Some(o) = orientation {
        jpeg.splice(2..2, exif_orientation(o));
    }
    std::fs::write(path, jpeg).unwrap();
}

/// An APP1 segment holding one TIFF entry: Orientation = `o`.
fn exif_orientation(o: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend(o.to_be_bytes());
    tiff.extend([0, 0, 0, 0, 0, 0]);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend(b"Exif\0\0");
    segment.extend(tiff);
    segment
}

/// A report of `photos` (each `(file, width)`) in one section.
fn photo_report(dir: &Path, photos: &[(&str, &str)]) {
    let mut yaml = String::from("title: 照片测试\ndate: 2022-01-25\nsections:\n  - title: 活动\n    body:\n");
    for (i, (file, width)) in photos.iter().enumerate() {
        yaml += &format!("      - {{image: {file}, caption: 照片{}, alt: 活动照片{}, width: {width}}}\n", i + 1, i + 1);
    }
    std::fs::write(dir.join("report.yaml"), yaml).unwrap();
}

#[test]
fn the_photo_sample_has_its_figures_tables_and_levels_in_order() {
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("photos.pdf");
    build_ok(&sample(), &pdf);
    let Some(images) = images_of(&pdf) else { return };
    let pictures: Vec<&Listed> = images.iter().filter(|i| i.kind == "image").collect();
    assert_eq!(pictures.len(), 4, "logo and three photos: {images:#?}");
    assert!(images.iter().all(|i| i.x_ppi <= 330 && i.y_ppi <= 330), "{images:#?}");
    assert_eq!(images.iter().filter(|i| i.kind == "smask").count(), 1, "the logo keeps its transparency");

    let text = pdf_text(&pdf).unwrap();
    assert_in_order(
        &text,
        &[
            "图1",
            "首届招商推介会签约现场",
            "表1",
            "招商引资主要数据",
            "资料来源",
            "1.审批加装电梯84台",
            "（1）与临街商铺",
            "社区义诊进小区",
            "近三年警情走势",
            "（一）织密平安防控网络",
            "（1）网格事项闭环处理",
        ],
    );
    // A row of photos is read across or down; its numbers are there.
    assert!(text.contains("图2") && text.contains("图3") && text.contains("垃圾分类宣传活动"), "{text}");
    // A run-in title starts its paragraph's first line.
    let layout = pdf_layout_text(&pdf).unwrap();
    assert!(layout.lines().any(|l| l.contains("1.强化人员摸排，抓好源头防控。入户走访群众")), "{layout}");

    // Every picture is a Figure with its words; headings go four deep.
    let objects = pdf_objects(&pdf).unwrap();
    for alt in [
        "推介会会场",
        "医护人员为排队的居民量血压",
        "志愿者在广场的展板前",
        "折线图“近三年警情走势”：辖内接警情，2019年4180起",
    ] {
        let escaped: String = alt.encode_utf16().map(|u| format!("{u:04x}")).collect();
        assert!(objects.contains(alt) || objects.to_lowercase().contains(&escaped), "no /Alt with `{alt}`");
    }
    for tag in ["/S /H1", "/S /H2", "/S /H3", "/S /H4", "/S /Figure", "/S /Caption"] {
        assert!(objects.contains(tag), "no {tag} in the structure tree");
    }
    // A bookmark for every level, down to the fourth.
    let lower = objects.to_lowercase();
    for title in
        ["四、社会治理平安有序", "（一）织密平安防控网络", "1.强化人员摸排，抓好源头防控。", "（1）网格事项闭环处理"]
    {
        let utf16: String = title.encode_utf16().map(|u| format!("{u:04x}")).collect();
        assert!(lower.contains(&format!("/title <feff{utf16}>")), "no bookmark `{title}`");
    }
    if let Some(report) = verapdf(&[pdf]) {
        assert_eq!(report.lines().filter(|l| l.starts_with("PASS")).count(), 2, "a-2a and ua-1: {report}");
    }
}

#[test]
fn phone_photos_are_turned_upright_and_resampled_for_their_printed_size() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("phone");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let mut photos = Vec::new();
    for i in 0..10 {
        let name = format!("images/p{i}.jpg");
        phone_photo(&dir.join(&name), 4000, 3000, i, (i == 0).then_some(6));
        photos.push(name);
    }
    let total: u64 = photos.iter().map(|p| std::fs::metadata(dir.join(p)).unwrap().len()).sum();
    assert!(total > 20_000_000, "the photos are as large as a phone's: {total} bytes");
    let widths = ["50%", "100%", "80mm", "60%", "100%", "100%", "30%", "100%", "100%", "100%"];
    let list: Vec<(&str, &str)> = photos.iter().map(String::as_str).zip(widths).collect();
    photo_report(&dir, &list);

    let pdf = tmp.path().join("phone.pdf");
    build_ok(&dir, &pdf);
    let Some(images) = images_of(&pdf) else { return };
    assert_eq!(images.len(), 10, "{images:#?}");
    for i in &images {
        assert!(i.x_ppi <= 330 && i.y_ppi <= 330 && i.x_ppi >= 250, "at most 300 ppi as printed: {i:?}");
    }
    assert!(images[0].height > images[0].width, "the EXIF-turned photo stands upright: {:?}", images[0]);
    assert!(images[1].width > images[1].height, "{:?}", images[1]);
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 8_000_000 && size * 4 < total, "ten phone photos make a PDF of a few MB, not {size} bytes");

    // --image-dpi lowers the ceiling.
    let low = tmp.path().join("low.pdf");
    let out = baogao(&["build", dir.to_str().unwrap(), "-o", low.to_str().unwrap(), "--image-dpi", "150"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let images = images_of(&low).unwrap();
    assert!(images.iter().all(|i| i.x_ppi <= 165), "{images:#?}");
    assert!(std::fs::metadata(&low).unwrap().len() < size / 2);
}

#[test]
fn every_pdfa_level_passes_with_photos_and_pdfa_1_refuses_transparency() {
    let out = tempfile::tempdir().unwrap();
    let mut built = Vec::new();
    for standard in ["a-2b", "a-2u", "a-3b", "a-3a,ua-1", "a-4", "a-4f"] {
        let pdf = out.path().join(format!("{}.pdf", standard.replace(',', "+")));
        let o = baogao(&["build", sample().to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--standard", standard]);
        assert!(o.status.success(), "{standard}: {}", String::from_utf8_lossy(&o.stderr));
        built.push(pdf);
    }
    // The logo has an alpha channel, which PDF/A-1 forbids: said where it
    // is named, with what to do.
    let pdf = out.path().join("a-1b.pdf");
    let o = baogao(&["build", sample().to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--standard", "a-1b"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`images/emblem.png` has transparency, which PDF/A-1 does not allow"), "{stderr}");
    assert!(stderr.contains("report.yaml:11:7") && stderr.contains("flattened on white"), "{stderr}");
    assert!(!pdf.exists());
    // Without the logo, PDF/A-1b passes too.
    let (_tmp, dir) = copy_dir(&sample(), "no-logo");
    edit(&dir, "report.yaml", "logo: images/emblem.png\n", "");
    build_ok(&dir, &pdf);
    let o = baogao(&["build", dir.to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--standard", "a-1b"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    built.push(pdf);
    if let Some(report) = verapdf(&built) {
        // One PASS line a file and flavour: a-3a,ua-1 claims two.
        assert_eq!(report.lines().filter(|l| l.starts_with("PASS")).count(), built.len() + 1, "{report}");
        assert!(!report.contains("FAIL"), "{report}");
    }
}

#[test]
fn a_watch_rebuild_after_a_text_edit_keeps_the_photo_pages() {
    let (_tmp, dir) = copy_dir(&sample(), "photos");
    let pdf = dir.join("photos.pdf");
    let watch = Watch::start(&dir, &["--timings"]);
    watch.expect("load");
    watch.expect("watching");
    // A figure of the last page only: the pages of photos are drawn as
    // before and taken from the last build.
    edit(&dir, "metrics.yaml", "value: 9.79,", "value: 9.81,");
    let line = watch.expect("load");
    assert!(reused(&line) >= 2, "{line}");
    watch.expect("wrote");
    let fresh = dir.parent().unwrap().join("fresh.pdf");
    build_ok(&dir, &fresh);
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(&fresh).unwrap(), "differs from a fresh build");
}

#[test]
fn the_samples_keep_their_pdfs_byte_for_byte() {
    // The hashes of the samples' PDFs as they were before the body had
    // blocks; a change that means to alter them updates this list.
    let expected = std::fs::read_to_string(root().join("tests/fixtures/sample-pdfs.sha256")).unwrap();
    let out = tempfile::tempdir().unwrap();
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let (hash, name) = line.split_once("  ").unwrap();
        let pdf = out.path().join(format!("{name}.pdf"));
        build_ok(&root().join("content").join(name), &pdf);
        let Some(sum) = tool_ok("sha256sum", &[pdf.to_str().unwrap()]) else { return };
        assert_eq!(sum.split_whitespace().next(), Some(hash), "{name}'s PDF changed");
    }
}

#[test]
fn the_contents_list_as_many_levels_as_asked() {
    let (tmp, dir) = copy_fixture("minimal");
    edit(
        &dir,
        "report.yaml",
        "        body: 稀有字:埒、𬌗、𠮷。\n",
        "        body: 稀有字:埒、𬌗、𠮷。\n        subsections:\n          - title: 第三级标题\n            body: 三级。\n",
    );
    let contents = |depth: Option<u8>| {
        if let Some(d) = depth {
            prepend_keys(&dir, &format!("contents_depth: {d}\n"));
        }
        let pdf = tmp.path().join("out.pdf");
        build_ok(&dir, &pdf);
        pdf_pages_text(&pdf, 2, 2)
    };
    let Some(two) = contents(None) else { return };
    assert!(two.contains("（一）招商引资") && !two.contains("第三级标题"), "{two}");
    let three = contents(Some(3)).unwrap();
    assert!(three.contains("1.第三级标题"), "{three}");
}
