//! Properties that span the domain's modules, checked on generated inputs:
//! grids in zones with daylight-saving changes, answers moved between such
//! grids, and parsers fed bytes that are not even JSON.

use chrono::{Datelike, Duration, LocalResult, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::{Availability, Grid, Level, Remap, Schedule, Slot, Update};

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
    if minute == 1440 {
        return "24:00".into();
    }
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
            if let Ok(fields) = super::requests::from_value::<super::requests::ScheduleFields>(&value) {
                let _ = fields.parse(now);
            }
            let _ = Schedule::parse_stored(&value);
        }
        let text = String::from_utf8_lossy(&bytes);
        let _ = super::Title::parse(&text);
        let _ = super::ParticipantName::parse(&text);
        let _ = super::Password::parse(&text);
    }

    #[test]
    fn answers_move_onto_any_new_grid_as_the_time_they_cover_says(
        (old, new) in schedule().prop_flat_map(|old| (Just(old.clone()), edited(old))),
        seed in any::<u64>(),
    ) {
        let (old, new) = (Grid::new(&old), Grid::new(&new));
        let before = random_levels(old.len(), seed);
        let after = Remap::new(&old, &new).apply(&before);
        prop_assert_eq!(after.len(), new.len());
        for i in 0..new.len() {
            let level = after.level(i);
            prop_assert_eq!(level, expected_level(&old, &before, &new, i), "slot {}", i);
            // In particular, no level lands where the old slots left a gap.
            if level != Level::None {
                let (from, to) = span(&new, i);
let had_it = |t: i64| {
                    (0..old.len()).any(|j| {
                        let (s, e) = span(&old, j);
                        s <= t && t < e && before.level(j) == level
                    })
                };
                prop_assert!((from..to).step_by(60).all(had_it), "slot {}", i);
            }
        }
    }

    #[test]
    fn an_unchanged_schedule_keeps_every_answer(old in schedule(), seed in any::<u64>()) {
        let grid = Grid::new(&old);
        let before = random_levels(grid.len(), seed);
        let remap = Remap::new(&grid, &grid);
        prop_assert!(remap.is_identity());
        prop_assert_eq!(remap.apply(&before), before);
    }

    #[test]
    fn shifted_dates_keep_the_level_of_every_instant_both_grids_have(
        zone in 0..ZONES.len(),
        dates in proptest::collection::btree_set(around_transitions(), 1..4),
        shift in 1u64..4,
        (slot, start, end) in window(),
        seed in any::<u64>(),
    ) {
        let later: Vec<NaiveDate> = dates.iter().map(|d| *d + chrono::Days::new(shift)).collect();
        let dates: Vec<NaiveDate> = dates.into_iter().collect();
        let old = Grid::new(&dated(ZONES[zone], &dates, slot, start, end));
        let new = Grid::new(&dated(ZONES[zone], &later, slot, start, end));
        let before = random_levels(old.len(), seed);
        let after = Remap::new(&old, &new).apply(&before);
        for i in 0..new.len() {
            match (0..old.len()).find(|&j| old.slot(j) == new.slot(i)) {
                Some(j) => prop_assert_eq!(after.level(i), before.level(j)),
                None => prop_assert_eq!(after.level(i), Level::None),
            }
        }
    }

    #[test]
    fn a_split_slot_keeps_its_level_in_every_part(
        zone in 0..ZONES.len(),
        dates in proptest::collection::btree_set(around_transitions(), 1..3),
        (coarse, fine, start, end) in coarse_and_fine(),
        seed in any::<u64>(),
    ) {
        let dates: Vec<NaiveDate> = dates.into_iter().collect();
        let old = Grid::new(&dated(ZONES[zone], &dates, coarse, start, end));
        let new = Grid::new(&dated(ZONES[zone], &dates, fine, start, end));
        let before = random_levels(old.len(), seed);
        let after = Remap::new(&old, &new).apply(&before);
        for i in 0..new.len() {
            let (from, to) = span(&new, i);
            if let Some(j) = (0..old.len()).find(|&j| {
                let (s, e) = span(&old, j);
                s <= from && to <= e
            }) {
                prop_assert_eq!(after.level(i), before.level(j), "slot {}", i);
            }
        }
    }

    #[test]
    fn merged_slots_keep_a_level_only_where_every_part_had_it(
        zone in 0..ZONES.len(),
        dates in proptest::collection::btree_set(around_transitions(), 1..3),
        (coarse, fine, start, end) in coarse_and_fine(),
        seed in any::<u64>(),
    ) {
        let dates: Vec<NaiveDate> = dates.into_iter().collect();
        let old = Grid::new(&dated(ZONES[zone], &dates, fine, start, end));
        let new = Grid::new(&dated(ZONES[zone], &dates, coarse, start, end));
        let before = random_levels(old.len(), seed);
        let after = Remap::new(&old, &new).apply(&before);
        for i in 0..new.len() {
            let (from, to) = span(&new, i);
            let parts: Vec<usize> = (0..old.len())
                .filter(|&j| from <= span(&old, j).0 && span(&old, j).0 < to)
                .collect();
            let level = after.level(i);
            if level != Level::None {
                prop_assert!(!parts.is_empty());
                prop_assert!(parts.iter().all(|&j| before.level(j) == level));
            }
            // Parts that tile the slot and agree give it their level.
            let tiled = parts.len() as u32 == coarse / fine
                && parts.windows(2).all(|w| span(&old, w[0]).1 == span(&old, w[1]).0);
            if tiled && parts.iter().all(|&j| before.level(j) == before.level(parts[0])) {
                prop_assert_eq!(level, before.level(parts[0]));
            }
        }
    }
}

/// A schedule of either kind: dated in a zone with clock changes, or
/// weekly, with any window and slot size.
fn schedule() -> impl Strategy<Value = Schedule> {
    let dated_one = (
        0..ZONES.len(),
        proptest::collection::btree_set(around_transitions(), 1..3),
        window(),
    )
        .prop_map(|(zone, dates, (slot, start, end))| {
            dated(
                ZONES[zone],
                &dates.into_iter().collect::<Vec<_>>(),
                slot,
                start,
                end,
            )
        });
    let weekly = (proptest::collection::btree_set(0usize..7, 1..4), window()).prop_map(
        |(days, (slot, start, end))| {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let days: Vec<&str> = days.into_iter().map(|d| names[d]).collect();
            Schedule::parse_stored(&json!({"timezone": "Asia/Seoul", "weekdays": days,
                "start": hhmm(start), "end": hhmm(end), "slot_minutes": slot}))
            .unwrap()
        },
    );
    prop_oneof![3 => dated_one, 1 => weekly]
}

/// `old` as an organiser might edit it: another window or slot size, the
/// dates moved by up to two days, sometimes another zone, and now and then
/// a schedule of the other kind.
fn edited(old: Schedule) -> impl Strategy<Value = Schedule> {
    (window(), 0u64..3, 0..ZONES.len() * 3, schedule(), 0..8).prop_map(
        move |((slot, start, end), shift, zone, other, pick)| {
            if pick == 0 {
                return other;
            }
            let mut fields = old.fields();
            if let Some(dates) = &mut fields.dates {
                for d in dates.iter_mut() {
                    let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
                    *d = (day + chrono::Days::new(shift)).to_string();
                }
            }
            if let Some(zone) = ZONES.get(zone) {
                fields.timezone = zone.to_string();
            }
            fields.start = hhmm(start);
            fields.end = hhmm(end);
            fields.slot_minutes = slot;
            Schedule::parse_stored(&serde_json::to_value(fields).unwrap()).unwrap()
        },
    )
}

fn dated(zone: &str, dates: &[NaiveDate], slot: u32, start: u32, end: u32) -> Schedule {
    Schedule::parse_stored(&json!({
        "timezone": zone,
        "dates": dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "start": hhmm(start), "end": hhmm(end), "slot_minutes": slot,
    }))
    .unwrap()
}

/// Two slot sizes, the second dividing the first, and a window on both.
fn coarse_and_fine() -> impl Strategy<Value = (u32, u32, u32, u32)> {
    prop_oneof![
        Just((60u32, 30u32)),
        Just((60, 15)),
        Just((60, 10)),
        Just((30, 15)),
        Just((30, 10))
    ]
    .prop_flat_map(|(coarse, fine)| {
        let steps = 1440 / coarse;
        (0..steps).prop_flat_map(move |s| {
            (s + 1..=steps.min(s + 6)).prop_map(move |e| (coarse, fine, s * coarse, e * coarse))
        })
    })
}

/// Levels for `len` slots, each drawn from `seed` and its index.
fn random_levels(len: usize, seed: u64) -> Availability {
    Availability::from_fn(len, |i| {
        let mut x = seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 29;
        [Level::None, Level::Available, Level::IfNeeded][(x % 3) as usize]
    })
}

/// The time slot `i` covers, in seconds: from its instant for dates, from
/// Monday 00:00 for weekdays (weekly and dated grids never meet: weekly
/// times are far below any instant of the years generated).
fn span(grid: &Grid, i: usize) -> (i64, i64) {
    let from = match grid.slot(i) {
        Slot::At(at) => at.timestamp(),
        Slot::Weekly { weekday, minute } => {
            (i64::from(weekday.num_days_from_monday()) * 1440 + i64::from(*minute)) * 60
        }
    };
    (from, from + i64::from(grid.slot_minutes().get()) * 60)
}

/// The rule, minute by minute: a new slot takes a level when the old slots
/// overlapping it leave no minute of it uncovered and all had that level.
fn expected_level(old: &Grid, before: &Availability, new: &Grid, i: usize) -> Level {
    let (from, to) = span(new, i);
    let overlapping: Vec<usize> = (0..old.len())
        .filter(|&j| {
            let (s, e) = span(old, j);
            s < to && e > from
        })
        .collect();
    let covered = (from..to).step_by(60).all(|t| {
        overlapping
            .iter()
            .any(|&j| span(old, j).0 <= t && t < span(old, j).1)
    });
    match overlapping.first() {
        Some(&first) if covered => {
            let level = before.level(first);
            if overlapping.iter().all(|&j| before.level(j) == level) {
                level
            } else {
                Level::None
            }
        }
        _ => Level::None,
    }
}
