//! The organiser changes the schedule after people have answered: dates,
//! weekdays, the daily window, the slot size, the zone. Answers move with
//! the time they were given for; times the old schedule did not have start
//! empty; the final time follows its slots or is cleared. One edit is one
//! version step, even with people painting at the same moment, and a bad
//! edit changes nothing.

use chrono::{Days, TimeZone};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::api::*;
use support::model::{self, Level, Rng};
use support::Server;

use Level::{Available as A, IfNeeded as N, None as O};

const ZONE: &str = "Asia/Seoul";

/// Everyone's levels in the view, by participant id.
fn levels(view: &Value, pid: &str) -> Vec<Level> {
    let slots = view["slots"].as_array().expect("slots").len();
    model::levels_of(participant(view, pid), slots)
}

/// `PATCH` as the admin, asserting 200; the view it answers.
#[track_caller]
fn edit(server: &Server, created: &Created, body: Value) -> Value {
    let r = patch_appointment(server, &created.id, Some(&created.admin_token), body);
    r.expect(200);
    assert_eq!(r.json, view(server, &created.id), "PATCH answers the view");
    r.json.clone()
}

/// The next day, within a year, on which New York's clocks skip 02:00–03:00.
fn next_spring_forward() -> chrono::NaiveDate {
    let ny = tz("America/New_York");
    (1..366)
        .map(|i| today_in("America/New_York") + Days::new(i))
        .find(|d| {
            let wall = d.and_hms_opt(2, 30, 0).expect("a time");
            ny.from_local_datetime(&wall).earliest().is_none()
        })
        .expect("New York springs forward once a year")
}

fn paint_levels(server: &Server, id: &str, who: &Joined, levels: &[Level]) {
    let mut changes = Vec::new();
    for level in [A, N] {
        let ranges = model::ranges(levels, level);
        if ranges.as_array().is_some_and(|r| !r.is_empty()) {
            changes.push(json!({"level": level.name(), "slots": ranges}));
        }
    }
    update(
        server,
        id,
        &who.pid,
        Some(&who.token),
        Value::Array(changes),
    )
    .expect(200);
}

#[test]
fn shifting_the_dates_by_a_day_keeps_the_answers_of_the_day_both_have() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let id = created.id.as_str();
    let (d2, d3) = (d1 + Days::new(1), d1 + Days::new(2));
    let alice = join(&server, id, "Alice", None);
    let bob = join(&server, id, "Bob", None);
    let alice_before = [A, A, A, O, O, O, O, A, A, N, N, O];
    paint_levels(&server, id, &alice, &alice_before);
    paint_levels(&server, id, &bob, &[N; 12]);
    // The final time 11:00–13:00 on the second day.
    edit(&server, &created, json!({"final": {"start": 8, "end": 10}}));
    let before = version(&server, id);

    let v = edit(&server, &created, json!({"dates": [iso(d2), iso(d3)]}));
    assert_eq!(v["dates"], json!([iso(d2), iso(d3)]));
    assert_eq!(v["version"], before + 1, "one edit, one version step");
    assert_eq!(slot_starts(&v)[0], utc_of(ZONE, d2, "09:00"));
    assert_eq!(levels(&v, &alice.pid)[..6], alice_before[6..]);
    assert_eq!(
        levels(&v, &alice.pid)[6..],
        [O; 6],
        "the new day starts empty"
    );
    assert_eq!(levels(&v, &bob.pid), [[N; 6], [O; 6]].concat());
    assert_eq!(
        v["counts"]["if_needed"],
        json!([1, 1, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0])
    );
    assert_eq!(v["final"], json!({"start": 2, "end": 4}), "renumbered");
    // A dates appointment expires 30 days after its new last date.
    let expiry = parse_utc(v["expires_at"].as_str().unwrap());
    let last_midnight = parse_utc(&utc_of(ZONE, d3 + Days::new(1), "00:00"));
    assert_eq!(expiry - last_midnight, chrono::Duration::days(30));

    // Back to the first day: its answers went when it was removed, and
    // the final time's day is gone, so it is cleared.
    let v = edit(&server, &created, json!({"dates": [iso(d1)]}));
    assert_eq!(levels(&v, &alice.pid), [O; 6]);
    assert_eq!(v["final"], Value::Null);
    server
        .get(&format!("/api/appointments/{id}/calendar.ics"))
        .expect_error(409, "not_finalised");
}

#[test]
fn thirty_minute_slots_split_into_fifteen_and_merge_back_where_they_agree() {
    let server = Server::shared();
    let d = today_in(ZONE) + Days::new(3);
    let created = create(
        &server,
        &json!({"title": "쪼개기", "timezone": ZONE, "dates": [iso(d)],
                "start": "09:00", "end": "11:00", "slot_minutes": 30}),
    );
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    paint_levels(&server, id, &alice, &[A, N, O, A]);
    edit(&server, &created, json!({"final": {"start": 1, "end": 3}}));

    let v = edit(&server, &created, json!({"slot_minutes": 15}));
    assert_eq!(v["slot_minutes"], 15);
    assert_eq!(v["slots"].as_array().map(Vec::len), Some(8));
    assert_eq!(levels(&v, &alice.pid), [A, A, N, N, O, O, A, A]);
    assert_eq!(v["final"], json!({"start": 2, "end": 6}), "the same hour");

    // Alice changes one quarter hour; merging back keeps only agreement.
    paint(&server, id, &alice, "available", &[(5, 6)]);
    let v = edit(&server, &created, json!({"slot_minutes": 30}));
    assert_eq!(levels(&v, &alice.pid), [A, N, O, A]);
    assert_eq!(v["final"], json!({"start": 1, "end": 3}));
    paint(&server, id, &alice, "available", &[(2, 3)]);
    edit(&server, &created, json!({"slot_minutes": 15}));
    paint(&server, id, &alice, "if_needed", &[(1, 2)]);
    let v = edit(
        &server,
        &created,
        json!({"slot_minutes": 60, "start": "09:00"}),
    );
    assert_eq!(levels(&v, &alice.pid), [O, A], "09:00–10:00 disagreed");
}

#[test]
fn a_zone_change_keeps_the_instants_answers_were_given_for() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    let answers = [A, N, A, O, O, A, N, N, O, A, A, A];
    paint_levels(&server, id, &alice, &answers);
    edit(&server, &created, json!({"final": {"start": 1, "end": 3}}));
    let starts = slot_starts(&view(&server, id));

    // Seoul 09:00–15:00 is UTC 00:00–06:00: the same instants.
    let v = edit(
        &server,
        &created,
        json!({"timezone": "UTC", "start": "00:00", "end": "06:00"}),
    );
    assert_eq!(
        (&v["timezone"], slot_starts(&v)),
        (&json!("UTC"), starts.clone())
    );
    assert_eq!(levels(&v, &alice.pid), answers);
    assert_eq!(v["final"], json!({"start": 1, "end": 3}));

    // The same wall times in another zone are other instants: 09:00 UTC
    // is 18:00 in Seoul, which nobody answered for.
    let v = edit(&server, &created, json!({"start": "09:00", "end": "15:00"}));
    assert_eq!(slot_starts(&v)[0], format!("{}T09:00:00Z", iso(d1)));
    assert_eq!(levels(&v, &alice.pid), [O; 12]);
    assert_eq!(v["final"], Value::Null);
}

#[test]
fn weekdays_can_be_added_and_removed_and_each_keeps_its_answers() {
    let server = Server::shared();
    let created = create(
        &server,
        &json!({"title": "주간", "timezone": ZONE, "weekdays": ["mon", "wed"],
                "start": "09:00", "end": "11:00", "slot_minutes": 60}),
    );
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    paint_levels(&server, id, &alice, &[A, N, N, A]);
    edit(&server, &created, json!({"final": {"start": 2, "end": 4}}));

    let v = edit(
        &server,
        &created,
        json!({"weekdays": ["mon", "tue", "wed"]}),
    );
    assert_eq!(v["weekdays"], json!(["mon", "tue", "wed"]));
    assert_eq!(levels(&v, &alice.pid), [A, N, O, O, N, A]);
    assert_eq!(
        v["final"],
        json!({"start": 4, "end": 6}),
        "Wednesday, renumbered"
    );

    let v = edit(
        &server,
        &created,
        json!({"weekdays": ["wed"], "end": "12:00"}),
    );
    assert_eq!(levels(&v, &alice.pid), [N, A, O]);
    assert_eq!(v["final"], json!({"start": 0, "end": 2}));
    let cal = server.get(&format!("/api/appointments/{id}/calendar.ics"));
    assert!(cal.expect(200).body.contains("RRULE:FREQ=WEEKLY"), "{cal}");

    // Dates instead of weekdays: nobody answered for them.
    let day = today_in(ZONE) + Days::new(2);
    let v = edit(&server, &created, json!({"dates": [iso(day)]}));
    assert!(v.get("weekdays").is_none(), "{v:#}");
    assert_eq!(levels(&v, &alice.pid), [O; 3]);
    assert_eq!(v["final"], Value::Null);
}

#[test]
fn an_edit_that_changes_nothing_keeps_the_version() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let id = created.id.as_str();
    let before = view(&server, id);
    let same = json!({"dates": [iso(d1 + Days::new(1)), iso(d1)], "start": "09:00",
                      "end": "15:00", "slot_minutes": 60, "timezone": ZONE, "title": "동아리 회의"});
    assert_eq!(edit(&server, &created, same), before);
}

#[test]
fn bad_schedule_edits_are_refused_and_change_nothing() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    paint(&server, id, &alice, "available", &[(0, 4)]);
    edit(&server, &created, json!({"final": {"start": 1, "end": 3}}));
    let before = view(&server, id);
    let past = iso(today_in(ZONE) - Days::new(2));
    let far = iso(one_year_after(today_in(ZONE)) + Days::new(1));
    let many: Vec<String> = (0..32).map(|i| iso(d1 + Days::new(i))).collect();
    let admin = Some(created.admin_token.as_str());
    for (body, code) in [
        (
            json!({"dates": [iso(d1)], "weekdays": ["mon"]}),
            "invalid_dates",
        ),
        (json!({"dates": []}), "invalid_dates"),
        (json!({"dates": iso(d1)}), "invalid_dates"),
        (json!({"dates": [past]}), "invalid_dates"),
        (json!({"dates": [far]}), "invalid_dates"),
        (json!({"dates": many}), "invalid_dates"),
        (json!({"dates": [iso(d1), iso(d1)]}), "invalid_dates"),
        (json!({"weekdays": ["mon", "someday"]}), "invalid_weekdays"),
        (json!({"timezone": "Asia/Nowhere"}), "invalid_timezone"),
        (json!({"timezone": 9}), "invalid_timezone"),
        (json!({"start": "15:00"}), "invalid_time_window"),
        (json!({"end": "08:00"}), "invalid_time_window"),
        (json!({"start": "09:30"}), "invalid_time_window"),
        (json!({"end": "24:30"}), "invalid_time_window"),
        (json!({"slot_minutes": 45}), "invalid_slot_minutes"),
        (json!({"slot_minutes": "30"}), "invalid_slot_minutes"),
        (
            json!({"slot_minutes": 15, "final": {"start": 0, "end": 99}}),
            "invalid_final",
        ),
        (json!({"title": "", "slot_minutes": 30}), "invalid_title"),
        (
            json!({"timezone": "America/New_York", "dates": [iso(next_spring_forward())],
                "start": "02:00", "end": "03:00"}),
            "invalid_time_window",
        ),
    ] {
        let r = patch_appointment(&server, id, admin, body);
        r.expect_error(400, code);
    }
    assert_eq!(view(&server, id), before, "a refused edit changes nothing");
}

#[test]
fn only_the_admin_edits_the_schedule() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    let before = view(&server, id);
    let body = json!({"slot_minutes": 30});
    patch_appointment(&server, id, None, body.clone()).expect_error(401, "unauthorized");
    patch_appointment(&server, id, Some("not-a-token"), body.clone())
        .expect_error(401, "unauthorized");
    patch_appointment(&server, id, Some(&alice.token), body.clone()).expect_error(403, "forbidden");
    // Who asks is checked before what they ask.
    patch_appointment(&server, id, None, json!({"slot_minutes": 7}))
        .expect_error(401, "unauthorized");
    patch_appointment(
        &server,
        "NoSuchAppointment1",
        Some(&created.admin_token),
        body,
    )
    .expect_error(404, "not_found");
    assert_eq!(view(&server, id), before);
}

#[test]
fn painting_while_the_organiser_edits_loses_no_update() {
    const PEOPLE: usize = 6;
    const UPDATES: usize = 15;
    const PER_DAY: usize = 18;
    let server = Server::shared();
    let d1 = today_in(ZONE) + Days::new(4);
    let (d2, d3) = (d1 + Days::new(1), d1 + Days::new(2));
    let created = create(
        &server,
        &json!({"title": "동시에", "timezone": ZONE, "dates": [iso(d1), iso(d2)],
                "start": "09:00", "end": "18:00", "slot_minutes": 30}),
    );
    let id = created.id.as_str();
    let people: Vec<Joined> = (0..PEOPLE)
        .map(|n| join(&server, id, &format!("Painter {n}"), None))
        .collect();
    let first = version(&server, id);
    // Each edit moves everyone's answers, but the first day's slots keep
    // their indices: a day added or removed after it, Tokyo's clock that
    // reads as Seoul's.
    let edits = [
        json!({"dates": [iso(d1), iso(d2), iso(d3)]}),
        json!({"timezone": "Asia/Tokyo"}),
        json!({"dates": [iso(d1), iso(d3)], "title": "동시에 2"}),
        json!({"timezone": ZONE, "end": "20:00"}),
        json!({"dates": [iso(d1)], "end": "18:00"}),
        json!({"dates": [iso(d1), iso(d2)]}),
    ];
    let (painted, edited) = std::thread::scope(|s| {
        let painters: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(n, who)| {
                let server = &server;
                s.spawn(move || {
                    let mut rng = Rng::new(100 + n as u64);
                    let mut state = vec![O; PER_DAY];
                    let mut versions = Vec::new();
                    for _ in 0..UPDATES {
                        let changes = rng.update(PER_DAY);
                        let before = state.clone();
                        model::apply(&mut state, &changes);
                        let r = update(
                            server,
                            id,
                            &who.pid,
                            Some(&who.token),
                            model::changes_json(&changes),
                        );
                        r.expect(200);
                        if before != state {
                            versions.push(r.json["version"].as_i64().expect("version"));
                        }
                    }
                    (state, versions)
                })
            })
            .collect();
        let organiser = s.spawn(|| {
            let mut versions = Vec::new();
            for round in 0..3 {
                for body in &edits {
                    std::thread::sleep(Duration::from_millis(20 + 10 * round));
                    let r =
                        patch_appointment(&server, id, Some(&created.admin_token), body.clone());
                    versions.push(r.expect(200).json["version"].as_i64().expect("version"));
                }
            }
            versions
        });
        let painted: Vec<_> = painters.into_iter().map(|h| h.join().unwrap()).collect();
        (painted, organiser.join().unwrap())
    });

    let v = view(&server, id);
    for (who, (state, _)) in people.iter().zip(&painted) {
        let now = levels(&v, &who.pid);
        assert_eq!(now[..PER_DAY], state[..], "{} shows every update", who.pid);
        assert!(
            now[PER_DAY..].iter().all(|l| *l == O),
            "nobody painted day two"
        );
    }
    for versions in painted.iter().map(|(_, v)| v).chain([&edited]) {
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "versions only grow: {versions:?}"
        );
    }
    let mut all: Vec<i64> = painted
        .iter()
        .flat_map(|(_, v)| v.clone())
        .chain(edited)
        .collect();
    all.sort();
    let expected: Vec<i64> = (first + 1..=first + all.len() as i64).collect();
    assert_eq!(all, expected, "each change took its own version step");
    assert_eq!(v["version"], json!(first + all.len() as i64));
}

#[test]
fn a_thousand_people_on_the_largest_grid_move_in_one_edit() {
    let today = today_in(ZONE);
    let dates = |from: u64| -> Vec<String> {
        (from..from + 31)
            .map(|i| iso(today + Days::new(i)))
            .collect()
    };
    // The run's shared worst case (Asia/Seoul), once its readers are done.
    let (server, c) = edit_worst_case();
    let id = c.id.as_str();
    let slots = LARGEST_GRID;
    // Shifting every date by a day rewrites everyone's levels. Timed on a
    // plain client: the harness's own checks of a 2 MB answer take longer.
    let (took, moved) = timed_patch(server, c, json!({"dates": dates(2)}));
    // Person 0001 was available at every odd slot.
    let one = moved["participants"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == "Person 0001"))
        .expect("Person 0001 is still there");
    assert_eq!(worst_level(1), "available");
    let moved = model::levels_of(one, slots);
    assert_eq!(moved.iter().filter(|l| **l == A).count(), 30 * 144 / 2);
    assert!(
        moved[30 * 144..].iter().all(|l| *l == O),
        "the new last day is empty"
    );
    let (renamed, _) = timed_patch(server, c, json!({"title": "worst case, renamed"}));
    eprintln!(
        "PATCH moving 1,000 × {slots} slots answered in {took:?} \
         (a title edit, which only builds the view, in {renamed:?})"
    );

    // The whole file: a row per slot, a column per person.
    let started = Instant::now();
    let csv = ureq::get(&format!(
        "{}/api/appointments/{id}/availability.csv",
        server.base()
    ))
    .call()
    .expect("the file");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut csv.into_reader(), &mut bytes).expect("read the file");
    let took = started.elapsed();
    let lines = bytes.split(|b| *b == b'\n').count() - 1;
    assert_eq!(lines, 1 + slots);
    eprintln!("availability.csv: {} bytes in {took:?}", bytes.len());
}

/// `PATCH` as the admin on a plain client: how long it took, and the view.
fn timed_patch(server: &Server, c: &Created, body: Value) -> (Duration, Value) {
    let url = format!("{}/api/appointments/{}", server.base(), c.id);
    let started = Instant::now();
    let answer = ureq::request("PATCH", &url)
        .set("authorization", &format!("Bearer {}", c.admin_token))
        .send_json(body)
        .expect("200");
    let view: Value = answer.into_json().expect("the view");
    (started.elapsed(), view)
}
