//! Tests of the heatmap counts and the best windows.

use super::*;
use crate::domain::{Level, Schedule, Update};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A one-day weekly grid of `len` ten-minute slots from midnight.
fn one_day(len: usize) -> Grid {
    let end = format!("{:02}:{:02}", len * 10 / 60, len * 10 % 60);
    let s = json!({"timezone": "UTC", "weekdays": ["mon"], "start": "00:00",
                   "end": end, "slot_minutes": 10});
    Grid::new(&Schedule::parse_stored(&s).unwrap())
}

/// A grid of two days of `per_day` hourly slots each.
fn two_days(per_day: usize) -> Grid {
    let s = json!({"timezone": "UTC", "weekdays": ["mon", "tue"], "start": "00:00",
                   "end": format!("{per_day:02}:00"), "slot_minutes": 60});
    Grid::new(&Schedule::parse_stored(&s).unwrap())
}

/// An availability with the given levels on the given ranges.
fn avail(len: usize, spans: &[(Level, usize, usize)]) -> Availability {
    let mut a = Availability::empty(len);
    if spans.is_empty() {
        return a;
    }
    let changes: Vec<Value> = spans
        .iter()
        .map(|(l, s, e)| json!({"level": l.as_str(), "slots": [[s, e]]}))
        .collect();
    a.apply(&Update::parse(&json!({ "changes": changes }), len).unwrap());
    a
}

fn spans(windows: &[Window]) -> Vec<[usize; 2]> {
    windows.iter().map(|w| [w.start, w.end]).collect()
}

const A: Level = Level::Available;
const M: Level = Level::IfNeeded;

#[test]
fn counts_add_up_levels_per_slot() {
    let x = avail(6, &[(A, 0, 3), (M, 3, 5)]);
    let y = avail(6, &[(A, 2, 6)]);
    let c = counts(&[&x, &y], 6);
    assert_eq!(c.available, [1, 1, 2, 1, 1, 1]);
    assert_eq!(c.if_needed, [0, 0, 0, 1, 1, 0]);
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json!({"available": [1, 1, 2, 1, 1, 1], "if_needed": [0, 0, 0, 1, 1, 0]})
    );
}

#[test]
fn counts_of_nobody_are_zeros() {
    assert_eq!(counts(&[], 3).available, [0, 0, 0]);
}

#[test]
fn windows_are_maximal_runs_of_the_same_available_set() {
    let g = one_day(8);
    let x = avail(8, &[(A, 0, 4)]);
    let y = avail(8, &[(A, 2, 6)]);
    let best = best(&g, &[("x", &x), ("y", &y)], 1);
    assert_eq!(spans(&best), [[2, 4], [0, 2], [4, 6]]);
    assert_eq!(best[0].available, ["x", "y"]);
    assert_eq!(best[1].available, ["x"]);
    assert_eq!(best[2].available, ["y"]);
}

#[test]
fn ids_are_listed_in_the_order_participants_were_given() {
    let g = one_day(4);
    let a = avail(4, &[(A, 0, 4)]);
    let best = best(&g, &[("zed", &a), ("amy", &a), ("kim", &a)], 1);
    assert_eq!(best[0].available, ["zed", "amy", "kim"]);
}

#[test]
fn slots_nobody_can_come_to_make_no_window_but_if_needed_alone_does() {
    let g = one_day(6);
    let only_if_needed = avail(6, &[(M, 0, 3)]);
    let best_times = best(&g, &[("x", &only_if_needed)], 1);
    assert_eq!(spans(&best_times), [[0, 3]]);
    assert!(best_times[0].available.is_empty());
    assert_eq!(best_times[0].if_needed, ["x"]);
    assert!(best(&g, &[], 1).is_empty());
}

#[test]
fn windows_split_where_the_if_needed_set_changes() {
    let g = one_day(6);
    let x = avail(6, &[(A, 0, 6)]);
    let y = avail(6, &[(M, 0, 6)]);
    let z = avail(6, &[(M, 0, 3)]);
    let best = best(&g, &[("x", &x), ("y", &y), ("z", &z)], 1);
    assert_eq!(spans(&best), [[0, 3], [3, 6]]);
    assert_eq!(best[0].if_needed, ["y", "z"]);
    assert_eq!(
        serde_json::to_value(&best[1]).unwrap(),
        json!({"start": 3, "end": 6, "available": ["x"], "if_needed": ["y"], "missing": ["z"]})
    );
}

#[test]
fn the_hour_everyone_can_come_ranks_above_a_longer_stretch_where_fewer_can() {
    let g = one_day(10);
    let x = avail(10, &[(A, 0, 10)]);
    let y = avail(10, &[(A, 0, 10)]);
    let z = avail(10, &[(M, 4, 6)]);
    let best = best(&g, &[("x", &x), ("y", &y), ("z", &z)], 1);
    assert_eq!(spans(&best), [[4, 6], [0, 4], [6, 10]]);
    assert_eq!(best[0].available, ["x", "y"]);
    assert_eq!(best[0].if_needed, ["z"]);
}

#[test]
fn more_if_needed_beats_a_longer_window_with_the_same_available_count() {
    let g = one_day(10);
    let x = avail(10, &[(A, 0, 2), (A, 3, 10)]);
    let y = avail(10, &[(M, 0, 2)]);
    let best = best(&g, &[("x", &x), ("y", &y)], 1);
    assert_eq!(spans(&best), [[0, 2], [3, 10]]);
}

#[test]
fn longer_beats_shorter_and_earlier_breaks_the_last_tie() {
    let g = one_day(12);
    let x = avail(12, &[(A, 0, 2), (A, 3, 5), (A, 6, 11)]);
    let best = best(&g, &[("x", &x)], 1);
    assert_eq!(spans(&best), [[6, 11], [0, 2], [3, 5]]);
}

#[test]
fn more_available_beats_everything_else() {
    let g = one_day(12);
    let x = avail(12, &[(A, 0, 10)]);
    let y = avail(12, &[(A, 9, 10), (M, 0, 9)]);
    let best = best(&g, &[("x", &x), ("y", &y)], 1);
    assert_eq!(spans(&best), [[9, 10], [0, 9]]);
}

#[test]
fn at_most_five_windows_are_returned() {
    let g = one_day(20);
    let x = avail(
        20,
        &[
            (A, 0, 1),
            (A, 2, 3),
            (A, 4, 5),
            (A, 6, 7),
            (A, 8, 9),
            (A, 10, 11),
        ],
    );
    assert_eq!(
        spans(&best(&g, &[("x", &x)], 0)),
        [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    );
}

#[test]
fn min_slots_drops_short_windows_before_the_cut_to_five() {
    let g = one_day(30);
    let singles = [
        (A, 0, 1),
        (A, 2, 3),
        (A, 4, 5),
        (A, 6, 7),
        (A, 8, 9),
        (A, 10, 11),
    ];
    let mut with_long = singles.to_vec();
    with_long.push((A, 20, 23));
    // Six one-slot windows with two people outrank the three-slot one.
    let x = avail(30, &with_long);
    let y = avail(30, &singles);
    let all = best(&g, &[("x", &x), ("y", &y)], 1);
    assert!(!spans(&all).contains(&[20, 23]));
    assert_eq!(spans(&best(&g, &[("x", &x), ("y", &y)], 3)), [[20, 23]]);
    assert_eq!(spans(&best(&g, &[("x", &x), ("y", &y)], 2)), [[20, 23]]);
    assert!(best(&g, &[("x", &x), ("y", &y)], 4).is_empty());
}

#[test]
fn a_day_boundary_splits_a_window() {
    let g = two_days(4);
    let x = avail(8, &[(A, 0, 8)]);
    let best = best(&g, &[("x", &x)], 1);
    assert_eq!(spans(&best), [[0, 4], [4, 8]]);
}

#[test]
fn best_for_1000_participants_over_4464_slots_is_fast() {
    let dates: Vec<String> = (1..=31).map(|d| format!("2026-12-{d:02}")).collect();
    let s = json!({"timezone": "UTC", "dates": dates, "start": "00:00", "end": "24:00",
                   "slot_minutes": 10});
    let g = Grid::new(&Schedule::parse_stored(&s).unwrap());
    let len = g.len();
    let people: Vec<(String, Availability)> = (0..1000)
        .map(|p| {
            let start = (p * 37) % (len - 200);
            let a = avail(
                len,
                &[(A, start, start + 150), (M, start + 150, start + 200)],
            );
            (format!("p{p}"), a)
        })
        .collect();
    let refs: Vec<(&str, &Availability)> = people.iter().map(|(id, a)| (id.as_str(), a)).collect();
    let started = Instant::now();
    let top = best(&g, &refs, 1);
    let c = counts(&refs.iter().map(|(_, a)| *a).collect::<Vec<_>>(), len);
    let took = started.elapsed();
    assert_eq!(top.len(), 5);
    assert!(c.available.iter().any(|&n| n > 1));
    // Release builds take a few milliseconds; debug builds get more room.
    let limit = if cfg!(debug_assertions) { 2000 } else { 50 };
    assert!(took < Duration::from_millis(limit), "{took:?}");
}

proptest! {
    #[test]
    fn counts_equal_the_sum_over_participants(
        seeds in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..8), 0..6),
        len in 0usize..30,
    ) {
        let all: Vec<Availability> = seeds.iter().map(|s| Availability::from_bytes(s, len)).collect();
        let refs: Vec<&Availability> = all.iter().collect();
        let c = counts(&refs, len);
        for i in 0..len {
            let n = |l: Level| all.iter().filter(|a| a.level(i) == l).count() as u32;
            prop_assert_eq!(c.available[i], n(Level::Available));
            prop_assert_eq!(c.if_needed[i], n(Level::IfNeeded));
        }
    }

    #[test]
    fn best_windows_are_uniform_single_day_runs_in_rank_order(
        seeds in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 4), 1..70),
    ) {
        let g = two_days(8);
        let all: Vec<(String, Availability)> = seeds
            .iter()
            .enumerate()
            .map(|(p, s)| (format!("p{p}"), Availability::from_bytes(s, 16)))
            .collect();
        let refs: Vec<(&str, &Availability)> = all.iter().map(|(id, a)| (id.as_str(), a)).collect();
        let top = best(&g, &refs, 1);
        prop_assert!(top.len() <= MAX_BEST);
        for w in &top {
            prop_assert!(w.start < w.end && w.available.len() + w.if_needed.len() > 0);
            prop_assert_eq!(g.day_of(w.start), g.day_of(w.end - 1));
            for i in w.start..w.end {
                let at = |l: Level| -> Vec<&str> {
                    refs.iter().filter(|(_, a)| a.level(i) == l).map(|(id, _)| *id).collect()
                };
                prop_assert_eq!(&at(Level::Available), &w.available);
                prop_assert_eq!(&at(Level::IfNeeded), &w.if_needed);
            }
        }
        for pair in top.windows(2) {
            let key = |w: &Window| {
                let can_come = w.available.len() + w.if_needed.len();
                (Reverse(can_come), Reverse(w.available.len()), Reverse(w.end - w.start), w.start)
            };
            prop_assert!(key(&pair[0]) < key(&pair[1]));
        }
    }
}
