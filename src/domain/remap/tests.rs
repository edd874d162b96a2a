//! Examples of answers moving onto a changed grid; the general properties
//! are checked on generated schedules in `domain::properties`.

use super::*;
use crate::domain::Schedule;
use serde_json::{json, Value};
use std::time::Instant;

use Level::{Available as A, IfNeeded as N, None as O};

fn grid(body: Value) -> Grid {
    Grid::new(&Schedule::parse_stored(&body).unwrap())
}

fn seoul(dates: &[&str], start: &str, end: &str, slot: u32) -> Grid {
    grid(
        json!({"timezone": "Asia/Seoul", "dates": dates, "start": start, "end": end,
                "slot_minutes": slot}),
    )
}

fn weekly(days: &[&str], start: &str, end: &str, slot: u32) -> Grid {
    grid(
        json!({"timezone": "Asia/Seoul", "weekdays": days, "start": start, "end": end,
                "slot_minutes": slot}),
    )
}

fn with(levels: &[Level]) -> Availability {
    Availability::from_fn(levels.len(), |i| levels[i])
}

fn moved(old: &Grid, new: &Grid, levels: &[Level]) -> Vec<Level> {
    assert_eq!(old.len(), levels.len());
    let after = Remap::new(old, new).apply(&with(levels));
    assert_eq!(after.len(), new.len());
    (0..after.len()).map(|i| after.level(i)).collect()
}

#[test]
fn an_unchanged_grid_maps_every_slot_onto_itself() {
    let g = seoul(&["2026-12-01", "2026-12-02"], "09:00", "11:00", 30);
    let remap = Remap::new(&g, &g);
    assert!(remap.is_identity());
    let levels = [A, N, O, A, N, N, A, O];
    assert_eq!(moved(&g, &g, &levels), levels);
}

#[test]
fn shifting_the_dates_by_a_day_keeps_the_day_both_grids_share() {
    let old = seoul(&["2026-12-01", "2026-12-02"], "09:00", "11:00", 60);
    let new = seoul(&["2026-12-02", "2026-12-03"], "09:00", "11:00", 60);
    assert!(!Remap::new(&old, &new).is_identity());
    assert_eq!(moved(&old, &new, &[A, N, N, A]), [N, A, O, O]);
}

#[test]
fn a_split_slot_keeps_its_level_in_every_part() {
    let old = seoul(&["2026-12-01"], "09:00", "10:00", 30);
    let new = seoul(&["2026-12-01"], "09:00", "10:00", 10);
    assert_eq!(moved(&old, &new, &[A, N]), [A, A, A, N, N, N]);
}

#[test]
fn merged_slots_keep_a_level_only_where_they_agreed() {
    let old = seoul(&["2026-12-01"], "09:00", "11:00", 15);
    let new = seoul(&["2026-12-01"], "09:00", "11:00", 30);
    assert_eq!(moved(&old, &new, &[A, A, A, N, N, N, O, O]), [A, O, N, O]);
}

#[test]
fn times_the_old_grid_did_not_have_start_empty() {
    let old = seoul(&["2026-12-01"], "10:00", "11:00", 30);
    let new = seoul(&["2026-12-01"], "09:00", "12:00", 30);
    assert_eq!(moved(&old, &new, &[A, N]), [O, O, A, N, O, O]);
    // A slot only half covered by the old grid starts empty too.
    let wider = seoul(&["2026-12-01"], "09:00", "12:00", 60);
    let shifted = seoul(&["2026-12-01"], "09:30", "11:30", 30);
    assert_eq!(moved(&old, &wider, &[A, A]), [O, A, O]);
    assert_eq!(moved(&old, &shifted, &[A, N]), [O, A, N, O]);
}

#[test]
fn a_zone_with_the_same_instants_keeps_every_answer() {
    let old = seoul(&["2026-12-01"], "09:00", "12:00", 60);
    let utc = grid(
        json!({"timezone": "UTC", "dates": ["2026-12-01"], "start": "00:00",
                          "end": "03:00", "slot_minutes": 60}),
    );
    assert!(Remap::new(&old, &utc).is_identity());
    // Tokyo keeps Seoul's offset, so the same wall times are the same instants.
    let tokyo = grid(json!({"timezone": "Asia/Tokyo", "dates": ["2026-12-01"],
                            "start": "09:00", "end": "12:00", "slot_minutes": 60}));
    assert_eq!(moved(&old, &tokyo, &[A, N, A]), [A, N, A]);
    // The same wall times an hour later in the day are other instants.
    let shanghai = grid(json!({"timezone": "Asia/Shanghai", "dates": ["2026-12-01"],
                               "start": "09:00", "end": "12:00", "slot_minutes": 60}));
    assert_eq!(moved(&old, &shanghai, &[A, N, A]), [N, A, O]);
}

#[test]
fn weekdays_move_by_day_and_wall_time() {
    let old = weekly(&["mon", "wed"], "09:00", "11:00", 60);
    let new = weekly(&["mon", "tue", "wed"], "09:00", "11:00", 60);
    assert_eq!(moved(&old, &new, &[A, N, N, A]), [A, N, O, O, N, A]);
    assert_eq!(moved(&new, &old, &[A, N, A, A, N, A]), [A, N, N, A]);
    // The zone of a weekly grid changes nothing: its slots are wall times.
    let elsewhere = grid(
        json!({"timezone": "Europe/Berlin", "weekdays": ["mon", "wed"],
                                "start": "09:00", "end": "11:00", "slot_minutes": 60}),
    );
    assert!(Remap::new(&old, &elsewhere).is_identity());
}

#[test]
fn switching_between_dates_and_weekdays_starts_everyone_empty() {
    let dates = seoul(&["2026-12-07"], "09:00", "11:00", 60);
    let days = weekly(&["mon"], "09:00", "11:00", 60);
    assert_eq!(moved(&dates, &days, &[A, N]), [O, O]);
    assert_eq!(moved(&days, &dates, &[A, N]), [O, O]);
    assert_eq!(final_range(&dates, &days, 0, 2), None);
}

#[test]
fn a_day_without_some_wall_times_maps_only_the_instants_it_has() {
    // New York springs forward on 2026-03-08: 02:00–03:00 never happens.
    let ny = |start: &str, end: &str, slot: u32| {
        grid(
            json!({"timezone": "America/New_York", "dates": ["2026-03-08"],
                    "start": start, "end": end, "slot_minutes": slot}),
        )
    };
    let old = ny("01:00", "04:00", 60); // 01:00 EST, 03:00 EDT
    let new = ny("01:00", "04:00", 30); // 01:00, 01:30, 03:00, 03:30
    assert_eq!(old.len(), 2);
    assert_eq!(moved(&old, &new, &[A, N]), [A, A, N, N]);
    assert_eq!(moved(&new, &old, &[A, A, N, A]), [A, O]);
}

#[test]
fn a_final_time_stays_where_its_time_still_is_exactly() {
    let old = seoul(&["2026-12-01", "2026-12-02"], "09:00", "12:00", 60);
    // Shifted dates: the second day's 10:00–12:00 is now on the first.
    let shifted = seoul(&["2026-12-02", "2026-12-03"], "09:00", "12:00", 60);
    assert_eq!(final_range(&old, &shifted, 4, 6), Some((1, 3)));
    assert_eq!(final_range(&old, &shifted, 1, 3), None, "its day is gone");
    // Split: the same hour is now two half hours.
    let halves = seoul(&["2026-12-01", "2026-12-02"], "09:00", "12:00", 30);
    assert_eq!(final_range(&old, &halves, 1, 3), Some((2, 6)));
    // Merged back: only a final time on whole hours survives.
    assert_eq!(final_range(&halves, &old, 2, 6), Some((1, 3)));
    assert_eq!(final_range(&halves, &old, 1, 3), None);
    // A narrower window that cuts into it clears it.
    let narrow = seoul(&["2026-12-01", "2026-12-02"], "10:00", "11:00", 60);
    assert_eq!(final_range(&old, &narrow, 1, 3), None);
    assert_eq!(final_range(&old, &narrow, 1, 2), Some((0, 1)));
}

#[test]
fn a_thousand_people_on_the_largest_grid_move_in_well_under_a_second() {
    let big = |slot: u32, shift: u64| {
        let first =
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Days::new(shift);
        let dates: Vec<String> = (0..31)
            .map(|d| (first + chrono::Days::new(d)).to_string())
            .collect();
        grid(
            json!({"timezone": "Asia/Seoul", "dates": dates, "start": "00:00", "end": "24:00",
                    "slot_minutes": slot}),
        )
    };
    let (old, merged, shifted) = (big(10, 0), big(30, 0), big(10, 1));
    assert_eq!(old.len(), 4464);
    let people: Vec<Availability> = (0..1000)
        .map(|n| Availability::from_fn(old.len(), |i| [A, N, O][(i / (1 + n % 5)) % 3]))
        .collect();
    for new in [&merged, &shifted] {
        let started = Instant::now();
        let remap = Remap::new(&old, new);
        let moved: Vec<Availability> = people.iter().map(|p| remap.apply(p)).collect();
        let took = started.elapsed();
        assert_eq!(moved.len(), 1000);
        // Unoptimised test builds are several times slower than the Worker.
        assert!(took.as_millis() < 2_000, "remapping took {took:?}");
        eprintln!(
            "1,000 × {} slots → {} slots: {took:?}",
            old.len(),
            new.len()
        );
    }
}
