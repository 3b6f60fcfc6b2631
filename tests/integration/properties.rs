//! Properties that hold for any input, checked on generated cases.

use baogao::report::metrics::Metrics;
use baogao::report::model::{Metric, MetricSelection};
use baogao::report::text::{self, Resolver, Run};
use baogao::report::{number, table};
use indexmap::IndexMap;
use proptest::prelude::*;

use crate::support::*;

/// Characters a report's text is made of: Han, CJK punctuation, ASCII
/// letters, digits and the markup characters of Typst.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        (0x4E00u32..0x9FA5).prop_map(|c| char::from_u32(c).unwrap()),
        prop::sample::select(vec!['，', '。', '、', '；', '：', '“', '”', '（', '）', '《', '》']),
        prop::sample::select("abcXYZ0123456789#[]$\\*_@<>`{}=+-/%&~^|\"'".chars().collect::<Vec<_>>()),
    ]
}

/// A line of text with none of `{{`, `**` or `\{{`, not starting or ending
/// with a space.
fn plain_line() -> impl Strategy<Value = String> {
    prop::collection::vec(text_char(), 1..60)
        .prop_map(|cs| cs.into_iter().collect::<String>())
        .prop_filter("no markup", |s| !s.contains("{{") && !s.contains("**") && !s.ends_with('\\'))
}

fn metric(value: f64, unit: Option<String>, decimals: Option<u8>) -> Metric {
    Metric {
        label: "指标".into(),
        value,
        unit,
        previous: None,
        change: None,
        target: None,
        rank: None,
        group: None,
        decimals,
        note: None,
        history: Default::default(),
        earlier: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn numbers_print_as_written_and_read_back(v in -1.0e12f64..1.0e12) {
        let printed = number::format(v, None, false);
        prop_assert_eq!(printed.parse::<f64>().unwrap(), v);
        let grouped = number::format(v, None, true);
        prop_assert_eq!(grouped.replace(',', ""), printed);
    }

    #[test]
    fn text_without_markup_is_itself(line in plain_line()) {
        struct None_;
        impl Resolver for None_ {
            fn resolve(&self, id: &str, _: Option<&str>) -> Result<String, text::TextError> {
                panic!("no reference expected, got {id}")
            }
        }
        let paragraphs = text::parse(&line, &None_).unwrap();
        prop_assert_eq!(paragraphs, vec![vec![Run { text: line.trim().to_string(), bold: false }]]);
    }

    #[test]
    fn a_metric_prints_the_same_in_text_callouts_and_tables(
        value in -1.0e9f64..1.0e9,
        unit in prop::option::of(prop::sample::select(vec!["家次", "万元", "%", "个"])),
        decimals in prop::option::of(0u8..4),
        grouping in any::<bool>(),
    ) {
        let mut map = IndexMap::new();
        map.insert("m".to_string(), metric(value, unit.map(String::from), decimals));
        let metrics = Metrics::new(map, grouping);
        let in_text = metrics.resolve("m", None).unwrap();
        let callout = metrics.callout("m").unwrap();
        let table = table::of_metrics(&metrics, &MetricSelection::List(vec!["m".into()])).unwrap();
        let table::Row::Cells { cells } = &table.rows[0] else { panic!("a row of cells") };
        let in_table: String = cells[1].iter().map(|r| r.text.as_str()).collect();
        prop_assert_eq!(&in_text, &format!("{}{}", callout.value, callout.unit));
        prop_assert_eq!(&in_text, &in_table);
    }
}

proptest! {
    // Each case builds a PDF: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn text_without_markup_comes_back_from_the_pdf(line in plain_line()) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        std::fs::create_dir(&dir).unwrap();
        let quoted = serde_json::to_string(&line).unwrap(); // a YAML double-quoted string
        std::fs::write(dir.join("report.yaml"), format!("title: 性质\nsections:\n  - title: 一\n    body: {quoted}\n")).unwrap();
        let out = tmp.path().join("p.pdf");
        build_ok(&dir, &out);
        let Some(pdf) = pdf_raw_text(&out) else { return Ok(()) };
        let expected: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert!(pdf.contains(&expected), "`{}` not in the PDF text", expected);
    }
}

/// A line of a document to import: a heading in one of the numbering
/// styles, a figure with its unit among text, or any text at all.
fn document_line() -> impl Strategy<Value = String> {
    fn words() -> impl Strategy<Value = String> {
        prop::collection::vec(text_char(), 0..30).prop_map(|cs| cs.into_iter().collect::<String>())
    }
    prop_oneof![
        (prop::sample::select(vec!["一、", "二是", "（一）", "(二)", "1.", "（1）", "3、"]), words())
            .prop_map(|(n, w)| format!("{n}{w}")),
        (
            words(),
            0u32..100_000,
            prop::sample::select(vec!["家次", "万元", "%", "个", "亿元", "多人次", "年", ""]),
            words()
        )
            .prop_map(|(a, n, u, b)| format!("{a}{n}{u}{b}")),
        (
            words(),
            prop::sample::select(vec!["，全区排名第二", "，同比下降3.5%", "，同比2020年增长12%", "**", "{{x}}", "。"])
        )
            .prop_map(|(a, b)| format!("{a}{b}")),
        words(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever a document holds, `baogao import` makes a folder that
    /// loads: its YAML parses and every reference it wrote resolves.
    #[test]
    fn an_imported_document_always_loads(lines in prop::collection::vec(document_line(), 1..25)) {
        let text = lines.join("\n\n");
        baogao::fuzzing::import(text.as_bytes());
    }
}
