//! Properties that span the domain's modules, checked on generated inputs:
//! grids in zones with daylight-saving changes, and parsers fed bytes that
//! are not even JSON.

use chrono::{Datelike, Duration, LocalResult, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::{Grid, Schedule, Slot, Update};

/// Zones with daylight-saving changes at different hours, both hemispheres,
/// half-hour offsets and a 30-minute shift (Lord Howe).
const ZONES: [&str; 12] = [
    "America/New_York",
    "America/Los_Angeles",
    "America/Santiago",
    "America/Havana",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Tehran",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Africa/Cairo",
];

/// Dates around the year's transitions in each hemisphere.
fn around_transitions() -> impl Strategy<Value = NaiveDate> {
    let anchors = [
        (2027, 3, 7),
        (2027, 3, 25),
        (2027, 4, 1),
        (2027, 9, 30),
        (2027, 10, 28),
        (2027, 11, 4),
    ];
    (0..anchors.len(), 0i64..10).prop_map(move |(i, offset)| {
        let (y, m, d) = anchors[i];
        NaiveDate::from_ymd_opt(y, m, d).unwrap() + Duration::days(offset)
    })
}

fn window() -> impl Strategy<Value = (u32, u32, u32)> {
    prop_oneof![Just(10u32), Just(15), Just(30), Just(60)].prop_flat_map(|slot| {
        let steps = 1440 / slot;
        (0..steps).prop_flat_map(move |s| {
            (
                Just(slot),
                Just(s * slot),
                (s + 1..=steps).prop_map(move |e| e * slot),
            )
        })
    })
}

fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_wall_time_of_a_dated_grid_is_one_instant_or_none(
        zone in 0..ZONES.len(),
        dates in proptest::collection::btree_set(around_transitions(), 1..4),
        (slot, start, end) in window(),
    ) {
        let tz: Tz = ZONES[zone].parse().unwrap();
        let dates: Vec<NaiveDate> = dates.into_iter().collect();
        let schedule = Schedule::parse_stored(&json!({
            "timezone": ZONES[zone],
            "dates": dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "start": hhmm(start),
            "end": if end == 1440 { "24:00".to_string() } else { hhmm(end) },
            "slot_minutes": slot,
        })).unwrap();
        let grid = Grid::new(&schedule);

        // The wall times the grid should hold: each that exists, once, at its
        // first occurrence.
        let mut expected = Vec::new();
        for (day, date) in dates.iter().enumerate() {
            for minute in (start..end).step_by(slot as usize) {
                let wall = date.and_hms_opt(minute / 60, minute % 60, 0).unwrap();
                match tz.from_local_datetime(&wall) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                        expected.push((day, minute, t.naive_utc().and_utc()));
                    }
                    LocalResult::None => {}
                }
            }
        }
        prop_assert_eq!(grid.len(), expected.len());
        for (i, (day, minute, instant)) in expected.iter().enumerate() {
            prop_assert_eq!(grid.day_of(i), *day);
            prop_assert_eq!(grid.minute_of(i), *minute);
            prop_assert_eq!(grid.slot(i), &Slot::At(*instant));
            let local = instant.with_timezone(&tz);
            prop_assert_eq!(local.date_naive(), dates[*day]);
            prop_assert_eq!(local.hour() * 60 + local.minute(), *minute);
        }
        // Instants only grow: no two slots share one.
        for i in 1..grid.len() {
            let (Slot::At(a), Slot::At(b)) = (grid.slot(i - 1), grid.slot(i)) else {
                panic!("a dated grid holds instants");
            };
            prop_assert!(a < b, "slot {} at {} is not after {}", i, b, a);
        }
        prop_assert!(dates.iter().all(|d| d.year() == 2027));
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200), len in 0usize..50) {
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            let _ = Update::parse(&value, len);
            let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
            let _ = Schedule::parse_new(&value, now);
            let _ = Schedule::parse_stored(&value);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = super::Title::parse(&text);
        let _ = super::ParticipantName::parse(&text);
        let _ = super::Password::parse(&text);
    }
}
