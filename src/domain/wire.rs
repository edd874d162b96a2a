//! The strict text formats the API uses for scalars — `YYYY-MM-DD` dates,
//! `HH:MM` times, `mon`…`sun` weekdays — parsed and printed in one place so
//! that what we print always parses back.

use chrono::{Datelike, NaiveDate, Weekday};

/// Minutes in a day; `end` may equal it ("24:00").
pub(crate) const MINUTES_PER_DAY: u32 = 24 * 60;

/// Weekdays in the order the grid uses (ISO: Monday first).
pub(crate) const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// `s` as `n` ASCII digits, or `None`. Rejects signs and spaces, which
/// `str::parse` would let through.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses exactly `YYYY-MM-DD` (four-digit year, zero-padded month and day)
/// into a real calendar date.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(s.get(0..4)?)?;
    let month = digits(s.get(5..7)?)?;
    let day = digits(s.get(8..10)?)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Prints a date as `YYYY-MM-DD`.
pub(crate) fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Parses exactly `HH:MM` into minutes after midnight: `00:00`–`23:59`, and
/// also `24:00` when `allow_end_of_day`.
pub(crate) fn parse_time(s: &str, allow_end_of_day: bool) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let hours = digits(s.get(0..2)?)?;
    let minutes = digits(s.get(3..5)?)?;
    if hours < 24 && minutes < 60 {
        Some(hours * 60 + minutes)
    } else if allow_end_of_day && hours == 24 && minutes == 0 {
        Some(MINUTES_PER_DAY)
    } else {
        None
    }
}

/// Prints minutes after midnight as `HH:MM` (1440 as `24:00`).
pub(crate) fn format_time(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The API's three-letter lower-case name of a weekday.
pub(crate) fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Parses exactly one of `mon`…`sun`.
pub(crate) fn parse_weekday(s: &str) -> Option<Weekday> {
    WEEK.into_iter().find(|w| weekday_name(*w) == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates_parse_and_print_back() {
        for s in ["2026-12-01", "2028-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(format_date(parse_date(s).unwrap()), s);
        }
    }

    #[test]
    fn loose_or_impossible_dates_are_rejected() {
        for s in [
            "2026-2-01",
            "2026-02-1",
            "26-02-01",
            "2026/02/01",
            "2026-02-30",
            "2027-02-29",
            "2026-13-01",
            "2026-00-10",
            "+026-02-01",
            "2026-02-01T00:00",
            " 2026-02-01",
            "２０２６-02-01",
            "",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn times_from_midnight_to_end_of_day_parse() {
        assert_eq!(parse_time("00:00", false), Some(0));
        assert_eq!(parse_time("23:59", false), Some(1439));
        assert_eq!(parse_time("24:00", true), Some(1440));
        assert_eq!(format_time(1440), "24:00");
        assert_eq!(format_time(570), "09:30");
    }

    #[test]
    fn loose_or_impossible_times_are_rejected() {
        for s in [
            "9:00", "09:0", "09-00", "24:00", "24:01", "25:00", "12:60", "+9:00", "0900",
        ] {
            assert_eq!(parse_time(s, false), None, "{s}");
        }
        assert_eq!(parse_time("24:01", true), None);
    }

    #[test]
    fn weekday_names_are_exact() {
        for w in WEEK {
            assert_eq!(parse_weekday(weekday_name(w)), Some(w));
        }
        assert_eq!(parse_weekday("Mon"), None);
        assert_eq!(parse_weekday("monday"), None);
    }
}
