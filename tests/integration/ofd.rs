//! `--format ofd`: the package read back by others' tools. Every XML part
//! validates against GB/T 33190-2016's own schemas (xmllint); ofdkit reads
//! out every line of the PDF's text, in order; easyofd draws each page
//! like the PDF's at 50 dpi; fontTools opens every embedded font.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::support::*;

/// The fixtures and samples built as PDF and OFD into `tmp`.
fn build(dir: &Path, tmp: &Path, name: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let pdf = tmp.join(format!("{name}.pdf"));
    let args = [&["build", dir.to_str().unwrap(), "--format", "pdf,ofd", "-o", pdf.to_str().unwrap()], extra].concat();
    let output = baogao(&args);
    assert!(output.status.success(), "build failed:\n{}", String::from_utf8_lossy(&output.stderr));
    (pdf.clone(), pdf.with_extension("ofd"))
}

/// The package's files by name, in the ZIP's order.
fn parts(ofd: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(ofd).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// The package unpacked into `into`.
fn unpack(ofd: &Path, into: &Path) -> BTreeMap<String, Vec<u8>> {
    let all: BTreeMap<String, Vec<u8>> = parts(ofd).into_iter().collect();
    for (name, bytes) in &all {
        let path = into.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    all
}

/// Each XML part validated with the schema the standard gives it.
fn validate(dir: &Path, names: &[String], ofd_a: bool) -> Option<()> {
    let xsd = root().join("tests/fixtures/ofd-xsd");
    for name in names.iter().filter(|n| n.ends_with(".xml")) {
        let schema = match name.rsplit('/').next().unwrap() {
            "OFD.xml" if ofd_a => "OFDProfile.xsd",
            "OFD.xml" => "OFD.xsd",
            "Document.xml" => "Document.xsd",
            "PublicRes.xml" | "DocumentRes.xml" => "Res.xsd",
            "Content.xml" => "Page.xsd",
            other => panic!("no schema for {other}"),
        };
        let output = tool("xmllint", &["--noout", "--schema", xsd.join(schema).to_str()?, dir.join(name).to_str()?])?;
        assert!(output.status.success(), "{name} does not validate:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Some(())
}

/// Runs tests/fixtures/ofd/readers.py; `None` where its readers are not
/// installed (a failure under CI).
fn readers(args: &[&str]) -> Option<String> {
    let script = root().join("tests/fixtures/ofd/readers.py");
    let output = tool("python3", &[&[script.to_str().unwrap()], args].concat())?;
    if output.status.code() == Some(3) {
        if std::env::var_os("CI").is_some() {
            panic!("ofdkit/easyofd are not installed, but CI must run this test (see .ci/run)");
        }
        eprintln!("skipping: pip install ofdkit easyofd");
        return None;
    }
    assert!(output.status.success(), "readers.py {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every line of the PDF's text (pdftotext) is in ofdkit's text of the
/// OFD, white space aside, and the lines that end a sentence (。) come in
/// the same order. (Callouts side by side read across in ofdkit and down
/// in poppler, so other lines may change places.)
fn same_text(pdf: &Path, ofd: &Path) -> Option<()> {
    let bare = |text: &str| text.chars().filter(|c| !c.is_whitespace() && *c != '\u{2060}').collect::<String>();
    let ours = bare(&readers(&["text", ofd.to_str()?])?);
    let theirs = tool_ok("pdftotext", &[pdf.to_str()?, "-"])?;
    let lines: Vec<String> = theirs.lines().map(bare).filter(|l| !l.is_empty()).collect();
    assert!(lines.len() > 10, "too little text to compare: {lines:?}");
    for line in &lines {
        assert!(ours.contains(line.as_str()), "`{line}` is not in the OFD's text:\n{ours}");
    }
    let sentences: Vec<&str> = lines.iter().map(String::as_str).filter(|l| l.ends_with('。')).collect();
    assert!(sentences.len() > 2, "{lines:?}");
    assert_in_order(&ours, &sentences);
    Some(())
}

/// easyofd's drawing of each page against poppler's of the PDF's, both
/// grey at 50 dpi and blurred a little: each page is close to its own and
/// more like it than like any other page. Close, not equal: easyofd draws
/// every character in one face of its own (so a page of dense table text
/// differs most, by about 10 where another page differs by 15), and
/// strokes a path's outline in its fill colour where it should fill it
/// (so light tints count as paper in both).
fn same_pages(pdf: &Path, ofd: &Path, tmp: &Path) -> Option<()> {
    let drawn = tmp.join("easyofd.pdf");
    readers(&["render", ofd.to_str()?, drawn.to_str()?])?;
    let pages = |file: &Path, stem: &str| -> Option<Vec<Vec<f64>>> {
        let prefix = tmp.join(stem);
        tool_ok(
            "pdftoppm",
            &["-gray", "-r", "50", "-scale-to-x", "414", "-scale-to-y", "585", file.to_str()?, prefix.to_str()?],
        )?;
        let mut files: Vec<PathBuf> = files_below(tmp)
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(&format!("{stem}-")))
            .collect();
        files.sort();
        Some(files.iter().map(|f| blurred(&grey_png_of_pgm(f))).collect())
    };
    let ours = pages(&drawn, "ofd")?;
    let theirs = pages(pdf, "pdf")?;
    assert_eq!(ours.len(), theirs.len(), "easyofd drew {} pages, the PDF has {}", ours.len(), theirs.len());
    for (n, page) in ours.iter().enumerate() {
        let diffs: Vec<f64> = theirs.iter().map(|t| mean_difference(page, t)).collect();
        let others = diffs.iter().enumerate().filter(|(i, _)| *i != n).map(|(_, d)| *d).fold(f64::INFINITY, f64::min);
        assert!(diffs[n] < 10.0, "page {}: mean grey difference {:.2} from the PDF's page: {diffs:?}", n + 1, diffs[n]);
        assert!(diffs[n] < others, "page {} looks more like another page of the PDF: {diffs:?}", n + 1);
    }
    Some(())
}

/// A PGM written by pdftoppm -gray, as grey values.
fn grey_png_of_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let data = std::fs::read(path).unwrap();
    let mut fields = data.splitn(5, |b| b.is_ascii_whitespace());
    let (_, w, h, _) = (fields.next(), fields.next().unwrap(), fields.next().unwrap(), fields.next());
    let (w, h): (usize, usize) =
        (std::str::from_utf8(w).unwrap().parse().unwrap(), std::str::from_utf8(h).unwrap().parse().unwrap());
    let pixels = fields.next().unwrap();
    (w, h, pixels[..w * h].to_vec())
}

/// Light tints (lighter than 200) as paper; each pixel then the mean of
/// its 5 × 5 neighbourhood.
fn blurred((w, h, px): &(usize, usize, Vec<u8>)) -> Vec<f64> {
    let px: Vec<u8> = px.iter().map(|&v| if v >= 200 { 255 } else { v }).collect();
    let (w, h) = (*w, *h);
    let mut out = vec![0.0; w * h];
    for y in 0..h {
        for x in 0..w {
            let (mut sum, mut n) = (0u32, 0u32);
            for yy in y.saturating_sub(2)..(y + 3).min(h) {
                for xx in x.saturating_sub(2)..(x + 3).min(w) {
                    sum += u32::from(px[yy * w + xx]);
                    n += 1;
                }
            }
            out[y * w + x] = f64::from(sum) / f64::from(n);
        }
    }
    out
}

fn mean_difference(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>() / n as f64
}

/// The whole check of one report's OFD.
fn check(dir: &Path, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (pdf, ofd) = build(dir, tmp.path(), name, &[]);
    let unpacked = tmp.path().join("unpacked");
    let all = unpack(&ofd, &unpacked);
    let names: Vec<String> = all.keys().cloned().collect();
    let Some(()) = validate(&unpacked, &names, false) else { return };
    let Some(()) = same_text(&pdf, &ofd) else { return };
    let Some(fonts) = readers(&["fonts", unpacked.to_str().unwrap()]) else { return };
    assert!(fonts.contains(" characters found"), "{fonts}");
    let Some(()) = same_pages(&pdf, &ofd, tmp.path()) else { return };
}

#[test]
fn the_report_sample_reads_back_as_its_pdf() {
    check(&root().join("content/shiqiao-2021"), "report");
}

#[test]
fn the_gongwen_with_a_full_head_reads_back_as_its_pdf() {
    check(&root().join("tests/fixtures/gongwen-head"), "gongwen");
}

#[test]
fn the_photo_briefing_reads_back_as_its_pdf_with_its_pictures() {
    let dir = root().join("content/shiqiao-2021-briefing-photos");
    check(&dir, "briefing");
    let tmp = tempfile::tempdir().unwrap();
    let (pdf, ofd) = build(&dir, tmp.path(), "photos", &[]);
    let all: BTreeMap<String, Vec<u8>> = parts(&ofd).into_iter().collect();
    let res = String::from_utf8(all["Doc_0/DocumentRes.xml"].clone()).unwrap();
    let media: Vec<&str> = res.matches("<ofd:MultiMedia ").collect();
    let Some(list) = tool_ok("pdfimages", &["-list", pdf.to_str().unwrap()]) else { return };
    // pdfimages lists each image and each soft mask; the logo has one.
    let images = list.lines().skip(2).filter(|l| l.split_whitespace().nth(2) == Some("image")).count();
    assert_eq!(media.len(), images, "{res}\n{list}");
    let placed: usize =
        all.iter().filter(|(n, _)| n.ends_with("Content.xml")).map(|(_, b)| count(b, "<ofd:ImageObject ")).sum();
    assert_eq!(placed, images, "each picture placed once");
    // The photos are the PDF's own JPEGs, not decoded and encoded again.
    assert!(all.keys().filter(|n| n.ends_with(".jpg")).count() >= 3, "{:?}", all.keys());
}

fn count(bytes: &[u8], what: &str) -> usize {
    String::from_utf8_lossy(bytes).matches(what).count()
}

#[test]
fn the_package_is_laid_out_as_the_standard_says_and_rebuilds_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = root().join("tests/fixtures/gongwen-head");
    let (pdf, ofd) = build(&dir, tmp.path(), "a", &[]);
    let names: Vec<String> = parts(&ofd).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[..4], ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml"]);
    let pages = page_count(&pdf).unwrap_or(4) as usize;
    for i in 0..pages {
        assert!(names.contains(&format!("Doc_0/Pages/Page_{i}/Content.xml")), "{names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("Doc_0/Res/font_") && n.ends_with(".otf")), "{names:?}");
    let again = tmp.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let (_, second) = build(&dir, &again, "a", &[]);
    assert_eq!(std::fs::read(&ofd).unwrap(), std::fs::read(&second).unwrap(), "a rebuild gives other bytes");

    let all: BTreeMap<String, Vec<u8>> = parts(&ofd).into_iter().collect();
    let text = |name: &str| String::from_utf8(all[name].clone()).unwrap();
    let root_xml = text("OFD.xml");
    assert!(root_xml.contains(r#"xmlns:ofd="http://www.ofdspec.org/2016""#), "{root_xml}");
    assert!(root_xml.contains(r#"DocType="OFD""#), "{root_xml}");
    for field in [
        "<ofd:DocID>",
        "<ofd:Title>市桥街道办事处关于拨付老旧小区微改造经费的请示</ofd:Title>",
        "<ofd:Author>市桥街道办事处</ofd:Author>",
        "<ofd:CreationDate>2022-03-08</ofd:CreationDate>",
        "<ofd:Creator>baogao</ofd:Creator>",
    ] {
        assert!(root_xml.contains(field), "no {field} in {root_xml}");
    }
    // GB/T 33480's and DA/T 46's entries, by their standards' names.
    for (name, value) in [
        ("份号", "000012"),
        ("密级", "秘密"),
        ("保密期限", "1年"),
        ("紧急程度", "特急"),
        ("发文字号", "番市街〔2022〕8号"),
        ("签发人", "王一民、李二华、张三立"),
        ("主送机关", "区人民政府"),
        ("成文日期", "2022-03-08"),
        ("文种", "请示"),
        ("附件说明", "老旧小区微改造项目清单"),
        ("全宗号", "J001"),
        ("档号", "J001-WS·2022-Y-0008"),
        ("保管期限", "永久"),
    ] {
        let entry = format!(r#"<ofd:CustomData Name="{name}">{value}</ofd:CustomData>"#);
        assert!(root_xml.contains(&entry), "no {entry} in {root_xml}");
    }
    let document = text("Doc_0/Document.xml");
    assert!(document.contains("<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"), "{document}");
    assert!(document.contains("<ofd:ContentBox>28 37 156 225</ofd:ContentBox>"), "the 版心 of GB/T 9704: {document}");
    // The outline: the PDF's bookmarks, each a jump to its page.
    let Some(outline) = tool_ok("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()]) else { return };
    let bookmarks = outline.matches("\"title\":").count();
    assert!(bookmarks >= 3, "{outline}");
    assert_eq!(document.matches("<ofd:OutlineElem ").count(), bookmarks, "{document}\n{outline}");
    assert!(document.contains(r#"<ofd:OutlineElem Title="一、项目基本情况">"#), "{document}");
    // The red issuing mark in its colour, the red rule as a path.
    let first = text("Doc_0/Pages/Page_0/Content.xml");
    let mark = first.find("番禺区人民政府市桥街道办事处文件</ofd:TextCode>").expect("the mark is text");
    assert!(first[..mark].rfind(r#"<ofd:FillColor Value="230 0 18"/>"#).is_some_and(|at| mark - at < 400), "{first}");
    assert!(first.contains(r#"<ofd:StrokeColor Value="230 0 18"/>"#), "no red rule: {first}");
}

#[test]
fn ofd_a_claims_the_archival_profile_and_validates_against_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, ofd) = build(&root().join("tests/fixtures/gongwen-head"), tmp.path(), "a", &["--standard", "ofd-a"]);
    let dir = tmp.path().join("unpacked");
    let all = unpack(&ofd, &dir);
    let root_xml = String::from_utf8(all["OFD.xml"].clone()).unwrap();
    assert!(root_xml.contains(r#"DocType="OFD-A""#), "{root_xml}");
    let names: Vec<String> = all.keys().cloned().collect();
    let Some(()) = validate(&dir, &names, true) else { return };
    // The plain schema fixes DocType to OFD: the check can tell them apart.
    let xsd = root().join("tests/fixtures/ofd-xsd/OFD.xsd");
    let plain = tool("xmllint", &["--noout", "--schema", xsd.to_str().unwrap(), dir.join("OFD.xml").to_str().unwrap()]);
    assert!(!plain.unwrap().status.success(), "OFD.xsd took DocType OFD-A");
    // Nothing outside the package: every file a part names is in it, and
    // there are no actions but the outline's jumps to its own pages.
    for (name, bytes) in all.iter().filter(|(n, _)| n.ends_with(".xml")) {
        let xml = String::from_utf8_lossy(bytes);
        for tag in ["<ofd:URI", "<ofd:GotoA", "<ofd:Sound", "<ofd:Movie"] {
            assert!(!xml.contains(tag), "{name} has {tag}");
        }
        for file in ["FontFile", "MediaFile"].iter().flat_map(|t| between(&xml, &format!("<ofd:{t}>"), "<")) {
            assert!(all.contains_key(&format!("Doc_0/Res/{file}")), "{name} names {file}, which is not in the package");
        }
    }
}

/// Every text between `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    text.match_indices(start)
        .filter_map(|(i, _)| {
            let rest = &text[i + start.len()..];
            rest.find(end).map(|j| &rest[..j])
        })
        .collect()
}

#[test]
fn markup_and_control_characters_come_out_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, ofd) = build(&root().join("tests/fixtures/ofd-escape"), tmp.path(), "e", &[]);
    let dir = tmp.path().join("unpacked");
    let all = unpack(&ofd, &dir);
    let names: Vec<String> = all.keys().cloned().collect();
    let Some(()) = validate(&dir, &names, false) else { return };
    let root_xml = String::from_utf8(all["OFD.xml"].clone()).unwrap();
    assert!(root_xml.contains("<ofd:Title>尖括号&lt;b&gt;与&amp;amp;和]]&gt;</ofd:Title>"), "{root_xml}");
    assert!(root_xml.contains("<ofd:Author>测试 &amp; &lt;单位&gt;</ofd:Author>"), "{root_xml}");
    // A control character XML cannot hold becomes a space.
    assert!(root_xml.contains("<ofd:Keyword>]]&gt;</ofd:Keyword><ofd:Keyword>控 制</ofd:Keyword>"), "{root_xml}");
    let Some(text) = readers(&["text", ofd.to_str().unwrap()]) else { return };
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for shown in ["尖括号<b>与&amp;和]]>", "<script>alert(1)</script>&&amp;]]>", "正文]]>与<![CDATA[x]]>", "标题<i>&"]
    {
        assert!(text.contains(shown), "{shown} is not in the OFD's text: {text}");
    }
}
