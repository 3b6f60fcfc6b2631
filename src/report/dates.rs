//! Dates: the report's calendar dates (`date: 2022-01-25`), and when an
//! output was made, for its metadata (PDF/A and OFD require a date), fixed
//! by the report so that the same report gives the same bytes.

use serde::Serialize;

/// A calendar date; the template spells it `2022年1月25日`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `2022-01-25` → a date, checking the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let valid = (1..=12).contains(&month) && day >= 1 && day <= *days.get(usize::from(month) - 1)?;
        valid.then_some(Date { year, month, day })
    }

    /// `2022-01-25`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A date and time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Created {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// When the output was made:
/// `SOURCE_DATE_EPOCH` if set (reproducible builds), else the report's
/// `date` at midnight UTC, else now. Never the clock when either is given, so
/// rebuilding gives the same bytes.
pub fn creation_time(report_date: Option<Date>) -> Created {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let from_date = |d: Date| Created { year: d.year, month: d.month, day: d.day, hour: 0, minute: 0, second: 0 };
    match (epoch, report_date) {
        (Some(seconds), _) => created_from_unix(seconds),
        (None, Some(date)) => from_date(date),
        (None, None) => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            created_from_unix(now.map(|d| d.as_secs() as i64).unwrap_or(0))
        }
    }
}

/// Seconds since 1970 in UTC → a date and time (days to civil date after
/// Howard Hinnant's `civil_from_days`).
fn created_from_unix(seconds: i64) -> Created {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Created { year, month, day, hour: (secs / 3600) as u8, minute: (secs % 3600 / 60) as u8, second: (secs % 60) as u8 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(Date::parse("2022-01-25").is_some());
        assert!(Date::parse("2022-02-30").is_none());
        assert!(Date::parse("25/01/2022").is_none());
    }

    #[test]
    fn unix_seconds_to_civil_dates() {
        let at = |year, month, day, hour, minute, second| Created { year, month, day, hour, minute, second };
        assert_eq!(created_from_unix(0), at(1970, 1, 1, 0, 0, 0));
        assert_eq!(created_from_unix(1_643_068_800), at(2022, 1, 25, 0, 0, 0));
        assert_eq!(created_from_unix(951_782_400 + 3_723), at(2000, 2, 29, 1, 2, 3));
    }
}
