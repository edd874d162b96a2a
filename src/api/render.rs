//! Renders an appointment into other formats: the QR code of its link (SVG)
//! and its final time as an iCalendar event. Pure functions, host-tested.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::domain::{FinalWhen, Zone};

/// The QR code of `url` as an SVG image, with a quiet zone, sized to print.
pub fn qr_svg(url: &str) -> Result<String, qrcode::types::QrError> {
    // Medium error correction survives a creased flyer and stays small.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// What an event file needs to know.
pub struct Event<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub zone: Zone,
    /// The final time on the clock.
    pub when: FinalWhen,
    pub now: DateTime<Utc>,
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The first date on or after `from` that falls on `weekday`.
fn next_weekday(from: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from + Duration::days(ahead as i64)
}

/// Local date-time for `minute` minutes after midnight of `date` (1440 is
/// the next midnight).
fn local_stamp(date: NaiveDate, minute: u32) -> String {
    let day = date + Duration::days((minute / 1440) as i64);
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt((minute % 1440) * 60, 0).unwrap_or_default();
    day.and_time(time).format("%Y%m%dT%H%M%S").to_string()
}

/// The event, with CRLF line endings as the format requires.
pub fn ics(e: &Event<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//eonjebolkka//언제볼까//KO".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        // One UID per appointment: a changed final time updates the event.
        format!("UID:{}@eonjebolkka", e.id),
        format!("DTSTAMP:{}", utc_stamp(e.now)),
    ];
    match e.when {
        FinalWhen::Once { start, end } => {
            lines.push(format!("DTSTART:{}", utc_stamp(start)));
            lines.push(format!("DTEND:{}", utc_stamp(end)));
        }
        FinalWhen::Weekly {
            weekday,
            start_minute,
            end_minute,
        } => {
            let tz = e.zone.tz();
            let today = tz.from_utc_datetime(&e.now.naive_utc()).date_naive();
            let mut date = next_weekday(today, weekday);
            // Today's occurrence counts only if it has not started yet.
            let started = tz
                .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .is_some_and(|midnight| midnight + Duration::minutes(start_minute as i64) <= e.now);
            if started {
                date += Duration::days(7);
            }
            let tzid = e.zone.name();
            lines.push(format!("X-WR-TIMEZONE:{tzid}"));
            lines.push(format!(
                "DTSTART;TZID={tzid}:{}",
                local_stamp(date, start_minute)
            ));
            lines.push(format!(
                "DTEND;TZID={tzid}:{}",
                local_stamp(date, end_minute)
            ));
            lines.push("RRULE:FREQ=WEEKLY".into());
        }
    }
    lines.push(format!("SUMMARY:{}", escape(e.title)));
    lines.push(format!("URL:{}", e.url));
    lines.push(format!("DESCRIPTION:{}", escape(e.url)));
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_code_is_an_svg_image() {
        let svg = qr_svg("https://example.com/a/abcdefghijklmn").unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#000000"));
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_on_character_boundaries() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "가".repeat(40)), &mut out);
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "가".repeat(40))
        );
    }

    #[test]
    fn next_weekday_includes_the_day_itself() {
        let wed = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(next_weekday(wed, Weekday::Wed), wed);
        assert_eq!(
            next_weekday(wed, Weekday::Mon),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
    }

    #[test]
    fn local_stamp_handles_the_end_of_the_day() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(local_stamp(d, 9 * 60 + 30), "20261201T093000");
        assert_eq!(local_stamp(d, 1440), "20261202T000000");
    }
}
