//! Just enough iCalendar (RFC 5545) reading to check an event: unfolding,
//! finding a property, and turning DTSTART/DTEND (UTC or with a TZID) into
//! an instant the way a calendar client would.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// The content lines, unfolded (a line starting with a space or tab
/// continues the previous one). Panics on a bare LF: lines end in CRLF.
pub fn lines(text: &str) -> Vec<String> {
    let bare_lf = text
        .char_indices()
        .any(|(i, c)| c == '\n' && (i == 0 || text.as_bytes()[i - 1] != b'\r'));
    assert!(!bare_lf, "iCalendar lines end in CRLF:\n{text}");
    let mut out: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        if let Some(rest) = line.strip_prefix(' ').or_else(|| line.strip_prefix('\t')) {
            if let Some(last) = out.last_mut() {
                last.push_str(rest);
                continue;
            }
        }
        if !line.is_empty() {
            out.push(line.to_string());
        }
    }
    out
}

/// Whether `line` is property `name`.
fn is_prop(line: &str, name: &str) -> bool {
    line.strip_prefix(name)
        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(';'))
}

/// The first line of property `name` (e.g. `DTSTART;TZID=Asia/Seoul:2026…`)
/// of the calendar or its event, not of a time-zone description.
pub fn prop<'a>(lines: &'a [String], name: &str) -> Option<&'a str> {
    let mut in_zone = false;
    for line in lines {
        match line.as_str() {
            "BEGIN:VTIMEZONE" => in_zone = true,
            "END:VTIMEZONE" => in_zone = false,
            l if !in_zone && is_prop(l, name) => return Some(l),
            _ => {}
        }
    }
    None
}

/// The lines of the VTIMEZONE whose TZID is `tzid`, without its BEGIN and
/// END lines; `None` when the calendar does not describe that zone.
pub fn zone<'a>(lines: &'a [String], tzid: &str) -> Option<&'a [String]> {
    let mut start = None;
    for (i, line) in lines.iter().enumerate() {
        match line.as_str() {
            "BEGIN:VTIMEZONE" => start = Some(i + 1),
            "END:VTIMEZONE" => {
                let body = &lines[start.take()?..i];
                if body.iter().any(|l| l == &format!("TZID:{tzid}")) {
                    return Some(body);
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of a property line (after the first `:` outside quotes).
pub fn value(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return &line[i + 1..],
            _ => {}
        }
    }
    panic!("no value in {line:?}")
}

/// A DATE-TIME property as an instant: `…:20261201T040000Z`, or
/// `…;TZID=Zone:20261201T130000` read in that zone (an ambiguous wall time
/// is its first occurrence, as RFC 5545 says).
pub fn instant(line: &str) -> DateTime<Utc> {
    let value = value(line);
    let params = &line[..line.len() - value.len() - 1];
    if let Some(utc) = value.strip_suffix('Z') {
        let naive = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .unwrap_or_else(|e| panic!("{line:?}: {e}"));
        return Utc.from_utc_datetime(&naive);
    }
    let naive = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
        .unwrap_or_else(|e| panic!("{line:?}: {e}"));
    let zone = params
        .split(';')
        .find_map(|p| p.strip_prefix("TZID="))
        .unwrap_or_else(|| panic!("{line:?}: a floating time names no instant"))
        .trim_matches('"');
    let tz: chrono_tz::Tz = zone
        .parse()
        .unwrap_or_else(|_| panic!("{line:?}: unknown TZID"));
    tz.from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| panic!("{line:?}: a wall time that does not exist"))
        .with_timezone(&Utc)
}

/// The event's end: DTEND, or DTSTART plus DURATION (`PT1H30M`, `P1D`…).
pub fn end_instant(lines: &[String]) -> DateTime<Utc> {
    if let Some(line) = prop(lines, "DTEND") {
        return instant(line);
    }
    let start = instant(prop(lines, "DTSTART").expect("DTSTART"));
    let duration = value(prop(lines, "DURATION").expect("DTEND or DURATION"));
    let mut seconds = 0i64;
    let mut number = 0i64;
    for c in duration.chars() {
        match c {
            '0'..='9' => number = number * 10 + i64::from(c as u8 - b'0'),
            'W' => (seconds, number) = (seconds + number * 604_800, 0),
            'D' => (seconds, number) = (seconds + number * 86_400, 0),
            'H' => (seconds, number) = (seconds + number * 3_600, 0),
            'M' => (seconds, number) = (seconds + number * 60, 0),
            'S' => (seconds, number) = (seconds + number, 0),
            _ => {}
        }
    }
    start + chrono::Duration::seconds(seconds)
}

/// Undoes TEXT escaping (`\,` `\;` `\\` `\n`).
pub fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}
