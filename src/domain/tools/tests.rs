//! Tests of the organiser's tools: the expected names and who of them is
//! waiting, the deadline, who must come and how many, `missing`, and what
//! a private appointment shows to whom.

use std::collections::HashSet;

use chrono::DateTime;
use serde_json::{json, Value};

use super::*;
use crate::domain::live::LiveMessage;
use crate::domain::requests::{decode, EditRequest};
use crate::domain::results::{best_for, Needs};
use crate::domain::view::{etag_for, ParticipantView, View, ViewParts, Who};
use crate::domain::{Availability, Caller, Grid, Level, Schedule};

fn edit(body: Value, current: &Tools, people: &[&str]) -> Result<Tools, DomainError> {
    let request: EditRequest = decode(body.to_string().as_bytes())?;
    let people: Vec<String> = people.iter().map(|p| p.to_string()).collect();
    request.tools(current, &people)
}

fn code(body: Value) -> String {
    edit(body, &Tools::default(), &["p1", "p2"])
        .unwrap_err()
        .code()
        .to_string()
}

#[test]
fn expected_names_are_valid_names_and_one_per_key() {
    let t = edit(
        json!({"expected": [" Kim ", "KIM", "Ｋｉｍ", "Lee", "김"]}),
        &Tools::default(),
        &[],
    )
    .unwrap();
    assert_eq!(t.expected, ["Kim", "Lee", "김"]);
    assert_eq!(code(json!({"expected": ["ok", ""]})), "invalid_expected");
    assert_eq!(
        code(json!({"expected": ["a\u{202e}b"]})),
        "invalid_expected"
    );
    assert_eq!(code(json!({"expected": "Kim"})), "invalid_expected");
    assert_eq!(code(json!({"expected": [1]})), "invalid_expected");
    let many: Vec<String> = (0..201).map(|i| format!("n{i}")).collect();
    assert_eq!(code(json!({ "expected": many })), "invalid_expected");
    let most: Vec<String> = (0..200).map(|i| format!("n{i}")).collect();
    let t = edit(json!({ "expected": most }), &Tools::default(), &[]).unwrap();
    assert_eq!(t.expected.len(), 200);
    let cleared = edit(json!({"expected": null}), &t, &[]).unwrap();
    assert!(cleared.expected.is_empty());
}

#[test]
fn waiting_lists_the_expected_names_no_participant_matches_by_key() {
    let tools = Tools {
        expected: vec!["Kim".into(), "Lee".into(), "지수".into()],
        ..Tools::default()
    };
    let keys: HashSet<String> = ["KIM", "Park"]
        .iter()
        .map(|n| ParticipantName::key_of(n))
        .collect();
    assert_eq!(tools.waiting(&keys), ["Lee", "지수"]);
    assert_eq!(tools.waiting(&HashSet::new()).len(), 3);
}

#[test]
fn the_deadline_is_an_rfc_3339_instant_and_closes_at_its_moment() {
    let t = edit(
        json!({"deadline": "2026-12-01T18:00:00+09:00"}),
        &Tools::default(),
        &[],
    )
    .unwrap();
    let at = DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
        .unwrap()
        .timestamp_millis();
    assert_eq!(t.deadline, Some(at));
    assert!(t.check_open(at - 1).is_ok());
    assert_eq!(t.check_open(at), Err(DomainError::DeadlinePassed));
    assert_eq!(DomainError::DeadlinePassed.code().status(), 409);
    for good in [
        "2026-12-01t09:00:00z",
        "2026-12-01T09:00:00.250Z",
        "2026-12-01T10:00:00+01:00",
    ] {
        assert!(
            edit(json!({ "deadline": good }), &Tools::default(), &[]).is_ok(),
            "{good}"
        );
    }
    for bad in [
        json!("tomorrow"),
        json!("2026-12-01"),
        json!(5),
        json!(""),
        json!(" 2026-12-01T09:00:00Z"),
        json!("2026-12-01 09:00:00Z"),
        json!("2026-12-01T09:00:00+0900"),
        json!("2026-13-01T09:00:00Z"),
        json!("2026-12-01T09:00:00."),
    ] {
        assert_eq!(code(json!({ "deadline": bad })), "invalid_deadline");
    }
    let cleared = edit(json!({"deadline": null}), &t, &[]).unwrap();
    assert_eq!(cleared.deadline, None);
    assert!(cleared.check_open(i64::MAX).is_ok());
}

#[test]
fn the_alarm_comes_at_the_deadline_until_the_sockets_heard_it_pass() {
    let t = Tools {
        deadline: Some(500),
        ..Tools::default()
    };
    assert_eq!(t.alarm_due(1_000, false), 500);
    assert_eq!(t.alarm_due(1_000, true), 1_000);
    assert_eq!(
        t.alarm_due(400, false),
        400,
        "expiry first: nothing is left to tell"
    );
    assert_eq!(Tools::default().alarm_due(1_000, false), 1_000);
}

#[test]
fn required_names_participants_and_min_people_is_positive() {
    let t = edit(
        json!({"required": ["p2", "p2", "p1"]}),
        &Tools::default(),
        &["p1", "p2"],
    )
    .unwrap();
    assert_eq!(t.required, ["p2", "p1"]);
    assert_eq!(code(json!({"required": ["p3"]})), "invalid_required");
    assert_eq!(code(json!({"required": "p1"})), "invalid_required");
    for bad in [json!(0), json!(-1), json!(1.5), json!("2"), json!(1001)] {
        assert_eq!(code(json!({ "min_people": bad })), "invalid_min_people");
    }
    let t = edit(json!({"min_people": 3, "private": true}), &t, &["p1", "p2"]).unwrap();
    assert_eq!((t.min_people, t.private), (Some(3), true));
    // Fields not sent keep their value; one bad field refuses the edit.
    assert_eq!(t.required, ["p2", "p1"]);
    let err = edit(json!({"min_people": 2, "required": ["x"]}), &t, &["p1"]).unwrap_err();
    assert_eq!(err.code(), "invalid_required");
}

/// A one-day grid of six hourly slots.
fn grid() -> (Schedule, Grid) {
    let s = Schedule::parse_stored(&json!({"timezone": "UTC", "weekdays": ["mon"],
        "start": "09:00", "end": "15:00", "slot_minutes": 60}))
    .unwrap();
    let g = Grid::new(&s);
    (s, g)
}

fn levels(text: &str) -> Availability {
    Availability::from_fn(text.len(), |i| match text.as_bytes()[i] {
        b'a' => Level::Available,
        b'm' => Level::IfNeeded,
        _ => Level::None,
    })
}

/// Four people on six slots: x all day, y the morning, z only if need be
/// at the end, w never.
fn people() -> Vec<(String, Availability)> {
    [
        ("x", "aaaaaa"),
        ("y", "aaa..."),
        ("z", "....mm"),
        ("w", "......"),
    ]
    .iter()
    .map(|(id, l)| (id.to_string(), levels(l)))
    .collect()
}

#[test]
fn best_keeps_only_windows_every_required_person_and_enough_people_can_come() {
    let (_, grid) = grid();
    let people = people();
    let named: Vec<(&str, &Availability)> = people.iter().map(|(p, a)| (p.as_str(), a)).collect();
    let all = best_for(&grid, &named, 0, Needs::default());
    assert_eq!(all.windows.len(), 3);
    let required = vec!["z".to_string()];
    let needs = Needs {
        required: &required,
        min_people: 0,
    };
    let with_z = best_for(&grid, &named, 0, needs);
    assert_eq!(with_z.windows.len(), 1);
    assert_eq!((with_z.windows[0].start, with_z.windows[0].end), (4, 6));
    assert_eq!(with_z.filtered, None);
    let two = best_for(
        &grid,
        &named,
        0,
        Needs {
            required: &[],
            min_people: 2,
        },
    );
    assert!(two
        .windows
        .iter()
        .all(|w| w.available.len() + w.if_needed.len() >= 2));
    assert_eq!(two.windows.len(), 2);
    // Removed participants (ids no one has) drop out of `required`.
    let gone = vec!["gone".to_string()];
    let kept = best_for(
        &grid,
        &named,
        0,
        Needs {
            required: &gone,
            min_people: 0,
        },
    );
    assert_eq!(kept.windows, all.windows);
}

#[test]
fn when_the_needs_remove_every_window_the_view_can_say_why() {
    let (_, grid) = grid();
    let people = people();
    let named: Vec<(&str, &Availability)> = people.iter().map(|(p, a)| (p.as_str(), a)).collect();
    let required = vec!["w".to_string(), "x".to_string()];
    let none = best_for(
        &grid,
        &named,
        0,
        Needs {
            required: &required,
            min_people: 0,
        },
    );
    assert!(none.windows.is_empty());
    let why = none.filtered.unwrap();
    assert_eq!(why.unreachable, ["w"]);
    assert_eq!(why.most_people, 2);
    let too_many = best_for(
        &grid,
        &named,
        0,
        Needs {
            required: &[],
            min_people: 4,
        },
    );
    let why = too_many.filtered.unwrap();
    assert!(why.unreachable.is_empty());
    assert_eq!(why.most_people, 2);
    // No one answered: nothing was filtered, nothing to explain.
    let blank = [("w", &people[3].1)];
    assert_eq!(
        best_for(
            &grid,
            &blank,
            0,
            Needs {
                required: &required,
                min_people: 3
            }
        )
        .filtered,
        None
    );
}

#[test]
fn every_window_names_who_cannot_come_when_they_are_at_most_three() {
    let (_, grid) = grid();
    let people = people();
    let named: Vec<(&str, &Availability)> = people.iter().map(|(p, a)| (p.as_str(), a)).collect();
    let best = best_for(&grid, &named, 0, Needs::default()).windows;
    let morning = best.iter().find(|w| w.start == 0).unwrap();
    assert_eq!(
        morning.missing.as_deref(),
        Some(&["z".to_string(), "w".to_string()][..])
    );
    let json = serde_json::to_value(morning).unwrap();
    assert_eq!(json["missing"], json!(["z", "w"]));
    // Five people, four of whom cannot come: too many to name.
    let mut crowd = people.clone();
    crowd.push(("v".into(), levels("......")));
    let named: Vec<(&str, &Availability)> = crowd.iter().map(|(p, a)| (p.as_str(), a)).collect();
    let best = best_for(&grid, &named, 0, Needs::default()).windows;
    let afternoon = best.iter().find(|w| w.start == 3).unwrap();
    assert_eq!(afternoon.available, ["x"]);
    assert_eq!(afternoon.missing, None);
    assert!(serde_json::to_value(afternoon)
        .unwrap()
        .get("missing")
        .is_none());
}

/// The view of [`people`] with these tools.
fn view(tools: &Tools) -> View {
    let (schedule, grid) = grid();
    let participants: Vec<(ParticipantView, Availability)> = people()
        .into_iter()
        .map(|(id, a)| {
            (
                ParticipantView::new(&id, &format!("name-{id}"), false, &a),
                a,
            )
        })
        .collect();
    let keys: HashSet<String> = participants
        .iter()
        .map(|(p, _)| ParticipantName::key_of(&p.name))
        .collect();
    View::new(&ViewParts {
        id: "appt",
        title: "t",
        schedule: &schedule,
        grid: &grid,
        participants: &participants,
        final_range: None,
        closed: false,
        version: 3,
        expires_at: DateTime::from_timestamp_millis(0).unwrap(),
        min_slots: 0,
        tools,
        name_keys: &keys,
        now: 1_000,
    })
}

/// Every participant id and name of [`people`] but `except`'s.
fn others(except: &str) -> Vec<String> {
    ["x", "y", "z", "w"]
        .iter()
        .filter(|id| **id != except)
        .flat_map(|id| [format!("\"{id}\""), format!("name-{id}")])
        .collect()
}

#[test]
fn the_view_shows_the_tools() {
    let tools = Tools {
        expected: vec!["NAME-X".into(), "Lee".into()],
        deadline: Some(500),
        required: vec!["y".into(), "gone".into()],
        min_people: Some(1),
        private: false,
    };
    let v = serde_json::to_value(view(&tools)).unwrap();
    assert_eq!(v["expected"], json!(["NAME-X", "Lee"]));
    assert_eq!(v["waiting"], json!(["Lee"]));
    assert_eq!(v["deadline"], "1970-01-01T00:00:00Z");
    assert_eq!(v["deadline_passed"], true);
    assert_eq!(v["required"], json!(["y"]));
    assert_eq!(v["min_people"], 1);
    assert_eq!(v["private"], false);
    assert!(v["best"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["available"].is_array()));
    let plain = serde_json::to_value(view(&Tools::default())).unwrap();
    assert!(plain.get("expected").is_none() && plain.get("waiting").is_none());
    assert_eq!(plain["deadline"], Value::Null);
    assert_eq!(plain["deadline_passed"], false);
}

#[test]
fn a_private_view_shows_others_nothing_but_counts_and_the_readers_own_participant() {
    let tools = Tools {
        expected: vec!["name-x".into(), "Lee".into()],
        required: vec!["w".into()],
        private: true,
        ..Tools::default()
    };
    let full = view(&tools);
    let organiser = serde_json::to_string(&full.clone().seen_by(&Caller::Admin)).unwrap();
    for id in others("") {
        assert!(organiser.contains(&id), "{id}");
    }
    for (caller, me) in [
        (Caller::Anonymous, ""),
        (Caller::Participant("y".into()), "y"),
    ] {
        let seen = full.clone().seen_by(&caller);
        let text = serde_json::to_string(&seen).unwrap();
        for hidden in others(me) {
            assert!(!text.contains(&hidden), "{caller:?} sees {hidden}: {text}");
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["waiting"], 1);
        assert!(v.get("expected").is_none() && v.get("required").is_none());
        assert_eq!(v["counts"], serde_json::to_value(&full.counts).unwrap());
        for w in v["best"].as_array().unwrap() {
            assert!(w["available"].is_u64() && w["if_needed"].is_u64());
            assert!(w.get("missing").is_none());
        }
        assert_eq!(v["best_filtered"]["unreachable"], 1);
        let mine: Vec<&str> = v["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(mine, if me.is_empty() { vec![] } else { vec![me] });
    }
    // Not private: everyone sees everything.
    let open = view(&Tools::default());
    assert_eq!(open.clone().seen_by(&Caller::Anonymous), open);
}

#[test]
fn private_pushes_carry_only_the_readers_own_participant_and_numbers() {
    let people = people();
    let objects: Vec<ParticipantView> = people
        .iter()
        .map(|(id, a)| ParticipantView::new(id, &format!("name-{id}"), false, a))
        .collect();
    let full = view(&Tools::default());
    let push = LiveMessage::Update {
        since: 1,
        version: 2,
        participants: objects,
        removed: vec!["z".into(), "q".into()],
        counts: Some(full.counts.clone()),
        best: Some(full.best.clone()),
    };
    let all = serde_json::to_string(&push.seen_by(true, &Caller::Admin)).unwrap();
    assert!(all.contains("name-x") && all.contains("\"q\""));
    assert_eq!(
        serde_json::to_string(&push.seen_by(false, &Caller::Anonymous)).unwrap(),
        serde_json::to_string(&push).unwrap()
    );
    for (caller, me) in [
        (Caller::Anonymous, ""),
        (Caller::Participant("x".into()), "x"),
    ] {
        let text = serde_json::to_string(&push.seen_by(true, &caller)).unwrap();
        for hidden in others(me).into_iter().chain(["\"q\"".to_string()]) {
            assert!(!text.contains(&hidden), "{caller:?} hears {hidden}: {text}");
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(v["counts"]["available"].is_array());
        assert!(v["best"][0]["available"].is_u64());
    }
    // What is not a push of participants passes as it is.
    let hello = LiveMessage::Hello { version: 4 };
    assert_eq!(
        serde_json::to_string(&hello.seen_by(true, &Caller::Anonymous)).unwrap(),
        r#"{"type":"hello","version":4}"#
    );
}

#[test]
fn a_private_views_entity_tag_names_who_reads_it() {
    let tags: HashSet<String> = [
        Caller::Admin,
        Caller::Anonymous,
        Caller::Participant("p1".into()),
        Caller::Participant("p2".into()),
    ]
    .iter()
    .map(|c| etag_for("a", 3, 0, true, c))
    .collect();
    assert_eq!(tags.len(), 4);
    assert_eq!(
        etag_for("a", 3, 0, false, &Caller::Admin),
        etag_for("a", 3, 0, false, &Caller::Anonymous)
    );
    let w = Who::Ids(vec!["a".into()]);
    assert_eq!(serde_json::to_value(&w).unwrap(), json!(["a"]));
}
