//! How numbers print: as written (shortest form that reads back the same),
//! `decimals` forcing digits, thousands separators only when asked.

/// Prints `value` for a reader.
pub fn format(value: f64, decimals: Option<u8>, grouping: bool) -> String {
    let text = match decimals {
        Some(d) => format!("{value:.*}", usize::from(d)),
        None => format!("{value}"),
    };
    if grouping { group_thousands(&text) } else { text }
}

/// A change in percent with its sign: `+17.5%`, `-25.3%`, `0%`.
pub fn format_change(change: f64) -> String {
    signed(change, "+", "-", None)
}

/// A change in words, as reports write it after 同比: `增长17.5%`,
/// `下降25.3%`, `持平`.
pub fn format_growth(change: f64) -> String {
    signed(change, "增长", "下降", Some("持平"))
}

/// The size of `change` in percent after `up` or `down`; no change as
/// `flat`, else as its size alone.
fn signed(change: f64, up: &str, down: &str, flat: Option<&str>) -> String {
    let size = format!("{}%", format(change.abs(), None, false));
    match change.partial_cmp(&0.0) {
        Some(std::cmp::Ordering::Greater) => format!("{up}{size}"),
        Some(std::cmp::Ordering::Less) => format!("{down}{size}"),
        _ => flat.map_or(size, str::to_string),
    }
}

/// The change from `previous` to `value` in percent, rounded to one decimal.
pub fn change_between(previous: f64, value: f64) -> Option<f64> {
    if previous == 0.0 {
        return None;
    }
    Some(((value - previous) / previous.abs() * 1000.0).round() / 10.0)
}

/// `39676.7` → `39,676.7`.
fn group_thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_with_signs_and_in_words() {
        assert_eq!(
            (format_change(17.5), format_change(-25.3), format_change(0.0)),
            ("+17.5%".into(), "-25.3%".into(), "0%".into())
        );
        assert_eq!(
            (format_growth(17.5), format_growth(-25.3), format_growth(0.0)),
            ("增长17.5%".into(), "下降25.3%".into(), "持平".into())
        );
    }

    #[test]
    fn prints_as_written() {
        assert_eq!(format(10.1, None, false), "10.1");
        assert_eq!(format(336.0, None, false), "336");
        assert_eq!(format(3967.67, None, false), "3967.67");
        assert_eq!(format(0.5, Some(2), false), "0.50");
    }

    #[test]
    fn groups_thousands_when_asked() {
        assert_eq!(format(39676.7, None, true), "39,676.7");
        assert_eq!(format(-1234567.0, None, true), "-1,234,567");
        assert_eq!(format(999.0, None, true), "999");
    }

    #[test]
    fn changes() {
        assert_eq!(change_between(280.0, 336.0), Some(20.0));
        assert_eq!(format_change(17.5), "+17.5%");
        assert_eq!(format_change(-25.3), "-25.3%");
        assert_eq!(change_between(0.0, 5.0), None);
    }
}
