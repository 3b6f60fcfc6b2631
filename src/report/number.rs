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
    let text = format!("{}%", format(change.abs(), None, false));
    if change > 0.0 {
        format!("+{text}")
    } else if change < 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

/// A change in words, as reports write it after 同比: `增长17.5%`,
/// `下降25.3%`, `持平`.
pub fn format_growth(change: f64) -> String {
    let size = format!("{}%", format(change.abs(), None, false));
    if change > 0.0 {
        format!("增长{size}")
    } else if change < 0.0 {
        format!("下降{size}")
    } else {
        "持平".into()
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
