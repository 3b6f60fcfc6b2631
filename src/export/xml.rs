//! Writing XML by hand (the OFD parts, the XMP packet): text escaped, and
//! numbers as OFD writes them, in millimetres with at most three decimals.

use typst::layout::Abs;

/// Text as XML character data or an attribute's value. Characters XML 1.0
/// cannot hold at all (control characters other than tab and line breaks,
/// U+FFFE, U+FFFF) become spaces, one for one, so positions still count.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

/// A length in millimetres.
pub fn num(length: Abs) -> String {
    float(length.to_mm())
}

/// A number with at most three decimals and no trailing zeros.
pub fn float(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() { "0".into() } else { text.into() }
}

/// An RGB colour as OFD's `Value`: "r g b", 0 to 255.
pub fn color((r, g, b, _): (u8, u8, u8, u8)) -> String {
    format!("{r} {g} {b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_controls_dropped() {
        assert_eq!(escape("a<b & \"c\"]]>\u{1}\u{FFFF}"), "a&lt;b &amp; &quot;c&quot;]]&gt;  ");
    }

    #[test]
    fn numbers_have_three_decimals_at_most() {
        assert_eq!(float(1.23456), "1.235");
        assert_eq!(float(2.0), "2");
        assert_eq!(float(-0.0001), "0");
        assert_eq!(num(Abs::mm(210.0)), "210");
    }
}
