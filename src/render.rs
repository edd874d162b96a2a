//! Renders an appointment into other formats: the QR code of its link (SVG),
//! its final time as an iCalendar event and everyone's availability as a
//! spreadsheet ([`csv`]). Pure functions, host-tested; and [`gzip`], the
//! runtime's compressor for what is sent packed.

pub mod csv;
pub mod gzip;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::domain::{file_stem, FinalWhen, Observance, Zone};

/// How far ahead a weekly event's time-zone description lists the zone's
/// clock changes; later occurrences keep the last observance listed.
const ZONE_YEARS_AHEAD: i64 = 5;

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

/// A `Content-Disposition` that saves a download as `{stem}.{extension}`,
/// the stem by [`file_stem`], the page's rule for its pictures too (RFC
/// 6266: an ASCII `filename` for old clients, the stem itself as UTF-8 in
/// `filename*`), so a Korean title names the file.
pub fn attachment(title: &str, extension: &str) -> String {
    let safe = file_stem(title);
    let ascii: String = safe
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = if ascii.trim_matches(['_', ' ']).is_empty() {
        "appointment".to_string()
    } else {
        ascii
    };
    let mut encoded = String::new();
    for b in format!("{safe}.{extension}").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}.{extension}\"; filename*=UTF-8''{encoded}")
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

/// `+0900`, `-0430`, or `+052030` when the offset has seconds.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// One observance of a VTIMEZONE: from `onset` (UTC), the clocks say
/// `after`, having said `before`.
fn observance(onset: DateTime<Utc>, before: &Observance, after: &Observance) -> Vec<String> {
    let kind = if after.daylight {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    // DTSTART is the onset on the clock as it read just before it.
    let local = onset.naive_utc() + Duration::seconds(before.offset_seconds.into());
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", utc_offset(before.offset_seconds)),
        format!("TZOFFSETTO:{}", utc_offset(after.offset_seconds)),
    ];
    if let Some(name) = &after.abbreviation {
        lines.push(format!("TZNAME:{}", escape(name)));
    }
    lines.push(format!("END:{kind}"));
    lines
}

/// The VTIMEZONE that a TZID needs (RFC 5545 §3.6.5): the observance at
/// `from`, then every change of the clocks for [`ZONE_YEARS_AHEAD`] years.
fn vtimezone(zone: Zone, from: DateTime<Utc>) -> Vec<String> {
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{}", zone.name()),
    ];
    let now = zone.observance_at(from);
    lines.extend(observance(from, &now, &now));
    let until = from + Duration::days(366 * ZONE_YEARS_AHEAD);
    for change in zone.transitions(from, until) {
        lines.extend(observance(change.at, &change.before, &change.after));
    }
    lines.push("END:VTIMEZONE".into());
    lines
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
    ];
    let mut event = vec![
        "BEGIN:VEVENT".to_string(),
        // One UID per appointment: a changed final time updates the event.
        format!("UID:{}@eonjebolkka", e.id),
        format!("DTSTAMP:{}", utc_stamp(e.now)),
    ];
    match e.when {
        FinalWhen::Once { start, end } => {
            event.push(format!("DTSTART:{}", utc_stamp(start)));
            event.push(format!("DTEND:{}", utc_stamp(end)));
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
            // The first occurrence never starts before now (a started one
            // moved a week on above), so the zone described from now covers it.
            lines.extend(vtimezone(e.zone, e.now));
            event.push(format!(
                "DTSTART;TZID={tzid}:{}",
                local_stamp(date, start_minute)
            ));
            event.push(format!(
                "DTEND;TZID={tzid}:{}",
                local_stamp(date, end_minute)
            ));
            event.push("RRULE:FREQ=WEEKLY".into());
        }
    }
    event.push(format!("SUMMARY:{}", escape(e.title)));
    event.push(format!("URL:{}", e.url));
    event.push(format!("DESCRIPTION:{}", escape(e.url)));
    event.push("END:VEVENT".into());
    lines.extend(event);
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_download_is_named_after_the_title_in_ascii_and_in_utf8() {
        assert_eq!(
            attachment("동아리 회의", "ics"),
            "attachment; filename=\"appointment.ics\"; \
             filename*=UTF-8''%EB%8F%99%EC%95%84%EB%A6%AC%20%ED%9A%8C%EC%9D%98.ics"
        );
        let d = attachment("Club \"night\" 1/2", "ics");
        assert!(
            d.starts_with("attachment; filename=\"Club night 1 2.ics\"; "),
            "{d}"
        );
        assert!(
            d.ends_with("filename*=UTF-8''Club%20night%201%202.ics"),
            "{d}"
        );
    }

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
    fn offsets_are_written_as_the_format_wants() {
        assert_eq!(utc_offset(9 * 3600), "+0900");
        assert_eq!(utc_offset(-(4 * 3600 + 30 * 60)), "-0430");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(5 * 3600 + 20 * 60 + 30), "+052030");
    }

    /// An event at `now` (RFC 3339) whose other fields each test sets.
    fn event_at(now: &str) -> Event<'static> {
        let now = DateTime::parse_from_rfc3339(now)
            .unwrap()
            .with_timezone(&Utc);
        Event {
            id: "abc",
            title: "",
            url: "https://example.com/a/abc",
            zone: Zone::parse("UTC").unwrap(),
            when: FinalWhen::Once {
                start: now,
                end: now,
            },
            now,
        }
    }

    #[test]
    fn a_weekly_event_describes_its_zone_and_each_clock_change() {
        let ny = Zone::parse("America/New_York").unwrap();
        let event = Event {
            title: "Weekly",
            zone: ny,
            when: FinalWhen::Weekly {
                weekday: Weekday::Fri,
                start_minute: 9 * 60,
                end_minute: 10 * 60,
            },
            ..event_at("2026-12-01T12:00:00Z")
        };
        let text = ics(&event);
        let lines: Vec<&str> = text.split("\r\n").collect();
        let zone_at = lines.iter().position(|l| *l == "BEGIN:VTIMEZONE").unwrap();
        let vevent_at = lines.iter().position(|l| *l == "BEGIN:VEVENT").unwrap();
        assert!(zone_at < vevent_at, "the zone comes before the event");
        assert_eq!(lines[zone_at + 1], "TZID:America/New_York");
        // Spring forward: 02:00 EST becomes 03:00 EDT.
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\nEND:DAYLIGHT"
        ), "{text}");
        // Fall back: 02:00 EDT becomes 01:00 EST.
        assert!(text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20271107T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\nEND:STANDARD"
        ), "{text}");
        // Two changes a year for five years, plus the observance at the start.
        let observances = lines
            .iter()
            .filter(|l| l.starts_with("TZOFFSETTO:"))
            .count();
        assert_eq!(observances, 11, "{text}");
        assert!(
            text.contains("DTSTART;TZID=America/New_York:20261204T090000"),
            "{text}"
        );
    }

    #[test]
    fn a_one_off_event_needs_no_zone_description() {
        let base = event_at("2026-12-01T12:00:00Z");
        let now = base.now;
        let event = Event {
            title: "Once",
            zone: Zone::parse("Asia/Seoul").unwrap(),
            when: FinalWhen::Once {
                start: now,
                end: now + Duration::hours(1),
            },
            ..base
        };
        let text = ics(&event);
        assert!(!text.contains("VTIMEZONE"), "{text}");
        assert!(text.contains("DTSTART:20261201T120000Z"), "{text}");
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
