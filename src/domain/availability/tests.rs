//! Tests of update parsing, applying updates and reading levels back.

use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn update(body: Value, len: usize) -> Update {
    Update::parse(&body, len).unwrap()
}

fn message(body: Value, len: usize) -> String {
    let err = Update::parse(&body, len).unwrap_err();
    assert_eq!(err.code(), "invalid_update", "{err}");
    assert_eq!(err.field(), Some("changes"));
    err.to_string()
}

fn levels(a: &Availability) -> Vec<Level> {
    (0..a.len()).map(|i| a.level(i)).collect()
}

#[test]
fn level_names_round_trip() {
    for level in [Level::None, Level::Available, Level::IfNeeded] {
        assert_eq!(Level::parse(level.as_str()), Some(level));
    }
    assert_eq!(Level::parse("Available"), None);
    assert_eq!(Level::parse("maybe"), None);
}

#[test]
fn valid_update_parses_and_adjacent_ranges_are_allowed() {
    let u = update(
        json!({"changes": [{"level": "available", "slots": [[0, 2], [2, 4], [10, 252]]},
                           {"level": "if_needed", "slots": [[3, 5]], "note": "ignored"}]}),
        252,
    );
    assert_eq!(u.changes().len(), 2);
    assert_eq!(u.changes()[0].level(), Level::Available);
    assert_eq!(u.changes()[0].ranges(), &[[0, 2], [2, 4], [10, 252]]);
    assert_eq!(u.changes()[1].level(), Level::IfNeeded);
}

#[test]
fn update_that_is_not_an_object_is_a_body_error() {
    let err = Update::parse(&json!([]), 10).unwrap_err();
    assert_eq!(err.code(), "invalid_body");
}

#[test]
fn update_without_changes_or_with_empty_changes_is_rejected() {
    assert_eq!(message(json!({}), 10), "changes is required");
    assert_eq!(
        message(json!({"changes": {}}), 10),
        "changes: invalid type: map, expected a sequence"
    );
    assert_eq!(
        message(json!({"changes": []}), 10),
        "changes must not be empty"
    );
}

#[test]
fn update_with_64_changes_is_accepted_and_65_rejected() {
    let change = json!({"level": "none", "slots": [[0, 1]]});
    assert!(Update::parse(&json!({"changes": vec![change.clone(); 64]}), 10).is_ok());
    let m = message(json!({"changes": vec![change; 65]}), 10);
    assert!(m.contains("at most 64"), "{m}");
}

#[test]
fn update_with_bad_level_names_the_change() {
    let m = message(
        json!({"changes": [{"level": "none", "slots": [[0, 1]]}, {"level": "yes", "slots": [[0, 1]]}]}),
        10,
    );
    assert!(m.starts_with("changes[1].level"), "{m}");
    message(json!({"changes": [{"slots": [[0, 1]]}]}), 10);
    message(json!({"changes": [{"level": 1, "slots": [[0, 1]]}]}), 10);
    message(json!({"changes": ["available"]}), 10);
}

#[test]
fn update_with_missing_or_empty_slots_is_rejected() {
    for slots in [json!(null), json!([]), json!([0, 1]), json!("0-1")] {
        let m = message(json!({"changes": [{"level": "none", "slots": slots}]}), 10);
        assert!(m.starts_with("changes[0].slots"), "{m}");
    }
    message(json!({"changes": [{"level": "none"}]}), 10);
}

#[test]
fn update_with_4464_ranges_is_accepted_and_4465_rejected() {
    let ranges: Vec<[usize; 2]> = (0..MAX_RANGES).map(|i| [i, i + 1]).collect();
    let ok = json!({"changes": [{"level": "available", "slots": ranges}]});
    assert!(Update::parse(&ok, MAX_RANGES).is_ok());
    let mut too_many: Vec<[usize; 2]> = (0..MAX_RANGES).map(|i| [i, i + 1]).collect();
    too_many.push([MAX_RANGES, MAX_RANGES + 1]);
    let m = message(
        json!({"changes": [{"level": "available", "slots": too_many}]}),
        MAX_RANGES + 1,
    );
    assert!(m.contains("at most 4464"), "{m}");
}

#[test]
fn update_with_range_past_the_grid_says_how_big_the_grid_is() {
    let m = message(
        json!({"changes": [{"level": "available", "slots": [[0, 1]]},
                           {"level": "available", "slots": [[200, 300]]}]}),
        252,
    );
    assert_eq!(
        m,
        "changes[1].slots[0]: end 300 is past the last slot (grid has 252 slots)"
    );
    // The end may equal the length, never exceed it.
    assert!(Update::parse(
        &json!({"changes": [{"level": "none", "slots": [[251, 252]]}]}),
        252
    )
    .is_ok());
    message(
        json!({"changes": [{"level": "none", "slots": [[251, 253]]}]}),
        252,
    );
    message(
        json!({"changes": [{"level": "none", "slots": [[0, u64::MAX]]}]}),
        252,
    );
}

#[test]
fn update_with_zero_length_or_reversed_range_is_rejected() {
    let m = message(
        json!({"changes": [{"level": "none", "slots": [[3, 3]]}]}),
        10,
    );
    assert_eq!(m, "changes[0].slots[0]: start 3 must be less than end 3");
    message(
        json!({"changes": [{"level": "none", "slots": [[4, 3]]}]}),
        10,
    );
}

#[test]
fn update_with_overlapping_ranges_is_rejected() {
    let m = message(
        json!({"changes": [{"level": "none", "slots": [[0, 4], [3, 6]]}]}),
        10,
    );
    assert!(
        m.starts_with("changes[0].slots[1]: start 3 is before the end 4"),
        "{m}"
    );
}

#[test]
fn update_with_unsorted_ranges_is_rejected() {
    let m = message(
        json!({"changes": [{"level": "none", "slots": [[5, 6], [0, 2]]}]}),
        10,
    );
    assert!(m.starts_with("changes[0].slots[1]"), "{m}");
}

#[test]
fn overlap_between_different_changes_is_allowed_and_later_wins() {
    let u = update(
        json!({"changes": [{"level": "available", "slots": [[0, 6]]},
                           {"level": "if_needed", "slots": [[4, 8]]}]}),
        10,
    );
    let mut a = Availability::empty(10);
    assert!(a.apply(&u));
    assert_eq!(a.ranges(Level::Available), vec![[0, 4]]);
    assert_eq!(a.ranges(Level::IfNeeded), vec![[4, 8]]);
    assert_eq!(a.ranges(Level::None), vec![[8, 10]]);
}

#[test]
fn update_with_wrongly_typed_bounds_is_rejected() {
    for range in [
        json!([0]),
        json!([0, 1, 2]),
        json!([-1, 2]),
        json!([0.5, 2]),
        json!([0, 2.0]),
        json!(["0", "2"]),
        json!({"start": 0, "end": 2}),
        json!([null, 2]),
    ] {
        let m = message(
            json!({"changes": [{"level": "none", "slots": [range.clone()]}]}),
            10,
        );
        assert!(m.starts_with("changes[0].slots[0]"), "{range}: {m}");
    }
}

#[test]
fn applying_an_update_twice_changes_nothing_the_second_time() {
    let u = update(
        json!({"changes": [{"level": "available", "slots": [[1, 9], [12, 13]]},
                           {"level": "if_needed", "slots": [[0, 3]]},
                           {"level": "none", "slots": [[8, 12]]}]}),
        13,
    );
    let mut a = Availability::empty(13);
    assert!(a.apply(&u));
    let once = a.clone();
    assert!(!a.apply(&u));
    assert_eq!(a, once);
}

#[test]
fn ranges_are_canonical_merging_adjacent_runs() {
    let mut a = Availability::empty(20);
    a.apply(&update(
        json!({"changes": [{"level": "available", "slots": [[0, 2], [2, 5], [9, 20]]}]}),
        20,
    ));
    assert_eq!(a.ranges(Level::Available), vec![[0, 5], [9, 20]]);
    assert_eq!(a.ranges(Level::None), vec![[5, 9]]);
    assert_eq!(a.ranges(Level::IfNeeded), Vec::<[usize; 2]>::new());
}

#[test]
fn bytes_round_trip_and_are_two_bits_a_slot() {
    let mut a = Availability::empty(MAX_SLOTS);
    assert_eq!(a.as_bytes().len(), 1116);
    a.apply(&update(
        json!({"changes": [{"level": "if_needed", "slots": [[3, 7], [4000, 4464]]}]}),
        MAX_SLOTS,
    ));
    let back = Availability::from_bytes(a.as_bytes(), MAX_SLOTS);
    assert_eq!(back, a);
    assert_eq!(a.as_bytes()[0], 0b1000_0000);
}

#[test]
fn from_bytes_pads_truncates_and_reads_unused_pattern_as_none() {
    let a = Availability::from_bytes(&[0b11_10_01_11], 4);
    assert_eq!(
        levels(&a),
        [Level::None, Level::Available, Level::IfNeeded, Level::None]
    );
    assert_eq!(a.as_bytes(), &[0b00_10_01_00]);
    let short = Availability::from_bytes(&[0b01], 9);
    assert_eq!(short.as_bytes().len(), 3);
    assert_eq!(short.ranges(Level::Available), vec![[0, 1]]);
    let long = Availability::from_bytes(&[0xff, 0b0101_0101, 0x55], 6);
    assert_eq!(long.as_bytes(), &[0x00, 0b0101]);
    assert_eq!(long, Availability::from_bytes(&[0, 0b0101], 6));
}

#[test]
fn level_past_the_end_reads_none() {
    assert_eq!(Availability::empty(3).level(99), Level::None);
}

#[test]
fn whole_grid_update_takes_microseconds() {
    let u = update(
        json!({"changes": [{"level": "available", "slots": [[1, 4463]]},
                           {"level": "if_needed", "slots": [[0, 4464]]}]}),
        MAX_SLOTS,
    );
    let mut a = Availability::empty(MAX_SLOTS);
    let started = Instant::now();
    for _ in 0..100 {
        a.apply(&u);
    }
    // Generous even for an unoptimised build: 100 applies in well under 50 ms.
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(a.ranges(Level::IfNeeded), vec![[0, MAX_SLOTS]]);
}

fn arb_update(len: usize) -> impl Strategy<Value = Value> {
    let change = (0..3u8, proptest::collection::vec((0..len, 1..8usize), 1..6)).prop_map(
        move |(level, spans)| {
            let mut ranges = Vec::new();
            let mut at = 0;
            for (gap, width) in spans {
                let start = (at + gap % 5).min(len - 1);
                let end = (start + width).min(len);
                if start < end && start >= at {
                    ranges.push([start, end]);
                    at = end;
                }
            }
            if ranges.is_empty() {
                ranges.push([0, 1]);
            }
            let level = ["none", "available", "if_needed"][usize::from(level)];
            json!({"level": level, "slots": ranges})
        },
    );
    proptest::collection::vec(change, 1..5).prop_map(|changes| json!({"changes": changes}))
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        (0u64..20).prop_map(Value::from),
        "[a-z_]{0,10}".prop_map(Value::from),
        Just(json!("available")),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("changes".to_owned()),
                        Just("level".to_owned()),
                        Just("slots".to_owned()),
                        "[a-z]{1,3}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn applying_any_update_matches_the_slot_model_and_twice_equals_once(body in arb_update(37), seed in proptest::collection::vec(any::<u8>(), 10)) {
        let u = Update::parse(&body, 37).unwrap();
        let mut a = Availability::from_bytes(&seed, 37);
        // A slot-by-slot model of what the update should do.
        let mut model = levels(&a);
        for change in u.changes() {
            for &[s, e] in change.ranges() {
                model[s..e].fill(change.level());
            }
        }
        a.apply(&u);
        prop_assert_eq!(levels(&a), model);
        let once = a.clone();
        prop_assert!(!a.apply(&u));
        prop_assert_eq!(a, once);
    }

    #[test]
    fn ranges_are_canonical_and_reproduce_the_levels(seed in proptest::collection::vec(any::<u8>(), 0..12), len in 0usize..45) {
        let a = Availability::from_bytes(&seed, len);
        let mut rebuilt = vec![None; len];
        for level in [Level::None, Level::Available, Level::IfNeeded] {
            let ranges = a.ranges(level);
            for pair in ranges.windows(2) {
                prop_assert!(pair[0][1] < pair[1][0], "not sorted, or overlapping, or adjacent: {:?}", ranges);
            }
            for [s, e] in ranges {
                prop_assert!(s < e && e <= len);
                for slot in &mut rebuilt[s..e] {
                    prop_assert!(slot.is_none());
                    *slot = Some(level);
                }
            }
        }
        let rebuilt: Vec<Level> = rebuilt.into_iter().map(Option::unwrap).collect();
        prop_assert_eq!(rebuilt, levels(&a));
    }

    #[test]
    fn update_parse_never_panics_on_arbitrary_json(body in arb_json(), len in 0usize..20) {
        let _ = Update::parse(&body, len);
        let _ = Update::parse(&json!({"changes": [body]}), len);
    }
}

#[test]
fn answered_counts_the_slots_that_are_not_none() {
    let mut a = Availability::empty(10);
    assert_eq!(a.answered(), 0);
    a.apply(&update(
        json!({"changes": [{"level": "available", "slots": [[0, 3]]},
                           {"level": "if_needed", "slots": [[5, 10]]}]}),
        10,
    ));
    assert_eq!(a.answered(), 8);
}
