//! An appointment's time zone and the one hard question it answers: which
//! UTC instant a local wall time is, on days when clocks jump (DST gaps,
//! where some wall times never happen) or fall back (folds, where some
//! happen twice).

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::DomainError;

/// What a zone's clocks say at some instant: the offset from UTC, whether
/// it is daylight-saving time, and the abbreviation (`KST`), if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    pub offset_seconds: i32,
    pub daylight: bool,
    pub abbreviation: Option<String>,
}

/// A moment the zone's clocks change, and what they say before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub at: DateTime<Utc>,
    pub before: Observance,
    pub after: Observance,
}

/// An IANA time zone such as `Asia/Seoul`, spelled exactly as in the tz
/// database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

impl Zone {
    /// Parses an exact IANA name (case-sensitive, no surrounding spaces).
    pub fn parse(name: &str) -> Result<Zone, DomainError> {
        name.parse::<Tz>().map(Zone).map_err(|_| {
            DomainError::InvalidTimezone(format!(
                "unknown timezone {name:?}: use an IANA name such as Asia/Seoul"
            ))
        })
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The underlying `chrono_tz` zone.
    pub fn tz(&self) -> Tz {
        self.0
    }

    /// The UTC instant of a local wall time: `None` if the wall time falls in
    /// a DST gap; its first occurrence if it falls in a fold.
    pub fn earliest_instant(&self, wall: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.0.from_local_datetime(&wall) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// The first instant whose wall time is at or after `wall`: the instant
    /// itself when the wall time exists, else the moment the clocks jump
    /// past it.
    pub fn first_instant_at_or_after(&self, wall: NaiveDateTime) -> DateTime<Utc> {
        if let Some(t) = self.earliest_instant(wall) {
            return t;
        }
        // In a gap. Around it, local time only grows with UTC, so bisect for
        // the first second whose local time reaches `wall` (transitions fall
        // on whole seconds). No zone's offset has ever been 26 hours from
        // UTC, so the bracket always holds it.
        let base = wall.and_utc().timestamp();
        let span = 26 * 60 * 60;
        let (mut lo, mut hi) = (base - span, base + span);
        let local = |secs: i64| {
            DateTime::from_timestamp(secs, 0).map(|t| (t, t.with_timezone(&self.0).naive_local()))
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match local(mid) {
                Some((_, at)) if at < wall => lo = mid,
                _ => hi = mid,
            }
        }
        local(hi).map_or(wall.and_utc(), |(t, _)| t)
    }

    /// What the clocks say at `t`.
    pub fn observance_at(&self, t: DateTime<Utc>) -> Observance {
        let offset = self.0.offset_from_utc_datetime(&t.naive_utc());
        Observance {
            offset_seconds: offset.fix().local_minus_utc(),
            daylight: offset.dst_offset() != TimeDelta::zero(),
            abbreviation: offset.abbreviation().map(str::to_string),
        }
    }

    /// Every change of the clocks after `from` and up to `until`, in order.
    /// Zones change at most a few times a year and never twice in a day, so
    /// a day-by-day walk finds each change and a bisection its exact second.
    pub fn transitions(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Transition> {
        let mut out = Vec::new();
        let mut at = from;
        let mut seen = self.observance_at(at);
        while at < until {
            let next = (at + TimeDelta::days(1)).min(until);
            let now = self.observance_at(next);
            if now != seen {
                // The change lies in (at, next]: find its first second.
                let (mut lo, mut hi) = (at.timestamp(), next.timestamp());
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    let t = DateTime::from_timestamp(mid, 0).unwrap_or(next);
                    if self.observance_at(t) == seen {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                let at = DateTime::from_timestamp(hi, 0).unwrap_or(next);
                out.push(Transition {
                    at,
                    before: seen,
                    after: now.clone(),
                });
                seen = now;
            }
            at = next;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn wall(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn new_york_changes_its_clocks_twice_a_year_at_two_in_the_morning() {
        let ny = Zone::parse("America/New_York").unwrap();
        let changes = ny.transitions(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"));
        let at: Vec<_> = changes.iter().map(|c| c.at).collect();
        assert_eq!(
            at,
            [utc("2026-03-08T07:00:00Z"), utc("2026-11-01T06:00:00Z")]
        );
        let spring = &changes[0];
        assert_eq!(spring.before.offset_seconds, -5 * 3600);
        assert_eq!(spring.after.offset_seconds, -4 * 3600);
        assert!(!spring.before.daylight && spring.after.daylight);
        assert_eq!(spring.after.abbreviation.as_deref(), Some("EDT"));
        assert_eq!(changes[1].after, spring.before);
    }

    #[test]
    fn seoul_keeps_one_offset_all_year() {
        let seoul = Zone::parse("Asia/Seoul").unwrap();
        let t = utc("2026-06-01T00:00:00Z");
        assert!(seoul
            .transitions(t, t + TimeDelta::days(3 * 365))
            .is_empty());
        let o = seoul.observance_at(t);
        assert_eq!((o.offset_seconds, o.daylight), (9 * 3600, false));
        assert_eq!(o.abbreviation.as_deref(), Some("KST"));
    }

    #[test]
    fn exact_iana_names_parse() {
        for name in [
            "Asia/Seoul",
            "America/New_York",
            "UTC",
            "Pacific/Kiritimati",
        ] {
            assert_eq!(Zone::parse(name).unwrap().name(), name);
        }
    }

    #[test]
    fn misspelt_or_padded_zone_names_are_rejected() {
        for name in ["asia/seoul", "Asia/Seoul ", "", "KST", "Mars/Olympus"] {
            let err = Zone::parse(name).unwrap_err();
            assert_eq!(err.code(), "invalid_timezone", "{name}");
            assert_eq!(err.field(), Some("timezone"));
        }
    }

    #[test]
    fn wall_time_in_spring_forward_gap_has_no_instant() {
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(ny.earliest_instant(wall(2026, 3, 8, 2, 30)), None);
    }

    #[test]
    fn wall_time_in_fall_back_fold_is_its_first_occurrence() {
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(
            ny.earliest_instant(wall(2026, 11, 1, 1, 30)),
            Some(utc("2026-11-01T05:30:00Z"))
        );
    }

    #[test]
    fn first_instant_after_a_gap_is_the_moment_clocks_jump() {
        let ny = Zone::parse("America/New_York").unwrap();
        // 02:00 EST never happens; clocks go from 01:59:59 EST to 03:00 EDT.
        assert_eq!(
            ny.first_instant_at_or_after(wall(2026, 3, 8, 2, 0)),
            utc("2026-03-08T07:00:00Z")
        );
        assert_eq!(
            ny.first_instant_at_or_after(wall(2026, 3, 8, 2, 45)),
            utc("2026-03-08T07:00:00Z")
        );
    }

    #[test]
    fn first_instant_after_a_skipped_midnight_is_one_in_the_morning() {
        // Chile springs forward at 24:00: 2026-09-06 00:00 does not exist.
        let santiago = Zone::parse("America/Santiago").unwrap();
        let midnight = wall(2026, 9, 6, 0, 0);
        assert_eq!(santiago.earliest_instant(midnight), None);
        assert_eq!(
            santiago.first_instant_at_or_after(midnight),
            utc("2026-09-06T04:00:00Z")
        );
    }
}
