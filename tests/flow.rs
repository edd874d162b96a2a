//! The life of an appointment, stage by stage, as an organiser and a few
//! friends live it: create and look, join and sign back in, paint and read
//! the best times. What the organiser does afterwards (fix the time,
//! export, share, remove, delete) is in `organiser.rs`.

use chrono::Days;
use serde_json::{json, Value};
use support::api::*;
use support::{model, Server};

const ZONE: &str = "Asia/Seoul";

#[test]
fn a_new_appointment_answers_its_links_and_an_empty_view_cached_by_etag() {
    let server = Server::shared();
    let d1 = today_in(ZONE) + Days::new(10);
    let d2 = d1 + Days::new(1);
    let title = "동아리 회의 <b>&amp;";

    // Dates out of order and an unknown field are fine.
    let created = create(
        &server,
        &json!({
            "title": format!("  {title}\t"), "timezone": ZONE,
            "dates": [iso(d2), iso(d1)], "start": "09:00", "end": "15:00",
            "slot_minutes": 60, "colour": "ignored",
        }),
    );
    let id = created.id.clone();
    let admin = created.admin_token.clone();
    assert!(
        id.len() >= 11 && id.len() <= 32,
        "≥ 64 random bits, ≤ 32 chars: {id}"
    );
    assert!(id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert!(admin.len() >= 22, "≥ 128 random bits: {admin}");
    assert!(
        created
            .location
            .ends_with(&format!("/api/appointments/{id}")),
        "Location: {}",
        created.location
    );
    assert_eq!(created.url, format!("{}/a/{id}", server.base()));

    // The view: dates sorted, the title trimmed and kept as text, nobody yet.
    let v = &created.view;
    let mut slots = Vec::new();
    for day in [d1, d2] {
        for hour in 9..15 {
            slots.push(json!({ "start": utc_of(ZONE, day, &format!("{hour:02}:00")) }));
        }
    }
    let zeros = json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (key, expected) in [
        ("id", json!(id)),
        ("title", json!(title)),
        ("timezone", json!(ZONE)),
        ("dates", json!([iso(d1), iso(d2)])),
        ("start", json!("09:00")),
        ("end", json!("15:00")),
        ("slot_minutes", json!(60)),
        ("slots", json!(slots)),
        ("participants", json!([])),
        (
            "counts",
            json!({ "available": zeros.clone(), "if_needed": zeros.clone() }),
        ),
        ("best", json!([])),
        ("final", Value::Null),
        ("version", json!(1)),
    ] {
        assert_eq!(v[key], expected, "view.{key} after create: {v:#}");
    }
    assert!(
        v.get("weekdays").is_none(),
        "a dates appointment has no weekdays"
    );
    // 30 days after the end of the last date, in the appointment's zone.
    let expires = parse_utc(v["expires_at"].as_str().expect("expires_at"));
    assert_eq!(
        fmt_utc(expires),
        utc_of(ZONE, d2 + Days::new(31), "00:00"),
        "expires_at"
    );

    // The view, its ETag, 304, and a different ETag for a different query.
    let path = format!("/api/appointments/{id}");
    let first = server.get(&path);
    first.expect(200);
    assert_eq!(first.json, created.view, "GET shows what create returned");
    let etag = first.header("etag").expect("an ETag").to_string();
    let again = server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send();
    again.expect(304);
    assert!(again.body.is_empty(), "304 has no body");
    let two = server.get(&format!("{path}?min_slots=2"));
    two.expect(200);
    assert_ne!(
        two.header("etag"),
        Some(etag.as_str()),
        "ETag varies with the query"
    );
    server
        .req("GET", &format!("{path}?min_slots=2"))
        .header("If-None-Match", &etag)
        .send()
        .expect(200);

    // A change (here a join) makes the old ETag stale.
    join(&server, &id, "Alice", None);
    server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send()
        .expect(200);
}

#[test]
fn names_sign_back_in_ignoring_case_spaces_and_unicode_form_unless_a_password_guards_them() {
    let server = Server::shared();
    let id = create_two_days(&server).0.id;

    // Joining is a change; signing back in ignores case and spaces and
    // gives a new token, both of which work (see the painting test).
    let alice = join(&server, &id, "Alice", None);
    assert_eq!(alice.status, 201);
    assert_eq!(
        alice.participant,
        json!({"id": alice.pid, "name": "Alice", "protected": false, "levels": "AAAA", "slots": 0})
    );
    assert_eq!(version(&server, &id), 2);
    let alice2 = join(&server, &id, "  aLiCe ", None);
    assert_eq!(
        (alice2.status, alice2.pid.as_str()),
        (200, alice.pid.as_str())
    );
    assert_eq!(alice2.participant["name"], "Alice");
    assert_ne!(
        alice2.token, alice.token,
        "signing back in gives a new token"
    );
    // A password sent for an unprotected name is ignored.
    let alice3 = join(&server, &id, "ALICE", Some("ignored-password-1"));
    assert_eq!(
        (alice3.status, &alice3.participant["protected"]),
        (200, &json!(false))
    );
    assert_eq!(join(&server, &id, "alice", None).status, 200);
    assert_eq!(version(&server, &id), 2, "signing back in changes nothing");

    // A protected name.
    let bob = join(&server, &id, "Bob", Some("bob-secret-pw-1"));
    assert_eq!(
        (bob.status, &bob.participant["protected"]),
        (201, &json!(true))
    );
    join_raw(&server, &id, "bob", None).expect_error(401, "password_required");
    join_raw(&server, &id, "Bob", Some("not-bobs-pw-99")).expect_error(401, "wrong_password");
    let bob2 = join(&server, &id, "BOB", Some("bob-secret-pw-1"));
    assert_eq!((bob2.status, bob2.pid.as_str()), (200, bob.pid.as_str()));
    join(&server, &id, "Carol", None);
    // Names compare after NFC and lower-casing: "Cafe" + U+0301 is "CAFÉ".
    let dora = join(&server, &id, "Cafe\u{301}", None);
    assert_eq!(dora.status, 201);
    let dora2 = join(&server, &id, "CAF\u{c9}", None);
    assert_eq!((dora2.status, dora2.pid.as_str()), (200, dora.pid.as_str()));
    assert_eq!(version(&server, &id), 5);
}

#[test]
fn updates_apply_in_order_and_the_view_counts_and_ranks_everyones_times() {
    let server = Server::shared();
    let id = create_two_days(&server).0.id;
    let path = format!("/api/appointments/{id}");
    // Four people join (versions 2–5); Alice and Bob sign back in as well,
    // which changes nothing but gives each a second token.
    let alice = join(&server, &id, "Alice", None);
    let bob = join(&server, &id, "Bob", Some("bob-secret-pw-1"));
    let carol = join(&server, &id, "Carol", None);
    let dora = join(&server, &id, "Dora", None);
    let alice2 = join(&server, &id, "alice", None);
    let bob2 = join(&server, &id, "BOB", Some("bob-secret-pw-1"));
    assert_eq!(
        (alice2.pid.as_str(), bob2.pid.as_str()),
        (alice.pid.as_str(), bob.pid.as_str())
    );
    assert_eq!(version(&server, &id), 5);

    // Changes apply in order; ranges come back merged.
    let a_changes = json!([
        {"level": "available", "slots": [[0, 3], [3, 5]]},
        {"level": "available", "slots": [[4, 9]]},
        {"level": "if_needed", "slots": [[8, 12]]},
        {"level": "available", "slots": [[8, 9]]},
        {"level": "none", "slots": [[10, 11]]},
    ]);
    let r = update(
        &server,
        &id,
        &alice.pid,
        Some(&alice.token),
        a_changes.clone(),
    );
    r.expect(200);
    // Levels travel packed, two bits a slot: 0x55 0x55 0x89 is slots 0–8
    // available, 9 if needed, 10 none, 11 if needed.
    let a_packed = json!({"id": alice.pid, "name": "Alice", "protected": false,
        "levels": "VVWJ", "slots": 11});
    let a_state = json!({"id": alice.pid, "name": "Alice", "protected": false,
        "available": [[0, 9]], "if_needed": [[9, 10], [11, 12]]});
    assert_eq!(
        r.json,
        json!({"participant": a_packed, "version": 6}),
        "{r}"
    );
    assert_eq!(model::with_ranges(&r.json["participant"]), a_state);
    // The same update again, with the other token: idempotent, version kept.
    let r = update(&server, &id, &alice.pid, Some(&alice2.token), a_changes);
    assert_eq!(
        r.expect(200).json,
        json!({"participant": a_packed, "version": 6})
    );
    update(&server, &id, &bob.pid, Some(&bob.token),
        json!([{"level": "available", "slots": [[1, 7]]}, {"level": "if_needed", "slots": [[7, 9]]}]))
    .expect(200);
    let r = paint(&server, &id, &bob2, "available", &[(10, 12)]);
    assert_eq!(r.json["version"], 8);
    assert_eq!(
        model::shown(&r.json["participant"]),
        (json!([[1, 7], [10, 12]]), json!([[7, 9]]))
    );
    let c_changes = json!([
        {"level": "if_needed", "slots": [[1, 3], [11, 12]]},
        {"level": "available", "slots": [[4, 9]]},
    ]);
    update(
        &server,
        &id,
        &carol.pid,
        Some(&carol.token),
        c_changes.clone(),
    )
    .expect(200);
    assert_eq!(
        update(&server, &id, &carol.pid, Some(&carol.token), c_changes).json["version"],
        9
    );

    // Only the participant's own token paints their times.
    let one = json!([{"level": "available", "slots": [[0, 1]]}]);
    update(&server, &id, &alice.pid, None, one.clone()).expect_error(401, "unauthorized");
    update(
        &server,
        &id,
        &alice.pid,
        Some("not-a-real-token-0000000000000"),
        one.clone(),
    )
    .expect_error(401, "unauthorized");
    update(&server, &id, &alice.pid, Some(&bob.token), one.clone()).expect_error(403, "forbidden");
    assert_eq!(version(&server, &id), 9);

    // Dora paints, then leaves by herself: her slots leave with her.
    paint(&server, &id, &dora, "available", &[(9, 10)]);
    assert_eq!(version(&server, &id), 10);
    let dora_path = format!("/api/appointments/{id}/participants/{}", dora.pid);
    server.delete(&dora_path, Some(&dora.token)).expect(204);
    update(&server, &id, &dora.pid, Some(&dora.token), one).expect_error(404, "not_found");

    // The view: participants, counts, best windows (see the table below).
    //   slot:      0  1  2  3  4  5 | 6  7  8  9 10 11   (day 1 | day 2)
    //   Alice:     A  A  A  A  A  A | A  A  A  i  .  i
    //   Bob:       .  A  A  A  A  A | A  i  i  .  A  A
    //   Carol:     .  i  i  .  A  A | A  A  A  .  .  i
    let v = view(&server, &id);
    assert_eq!(v["version"], 11, "{v:#}");
    let (a, b, c) = (alice.pid.as_str(), bob.pid.as_str(), carol.pid.as_str());
    let mut people: Vec<Value> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(model::with_ranges)
        .collect();
    people.sort_by_key(|p| [a, b, c].iter().position(|x| p["id"] == *x));
    assert_eq!(
        Value::Array(people),
        json!([
            a_state,
            {"id": b, "name": "Bob", "protected": true, "available": [[1, 7], [10, 12]], "if_needed": [[7, 9]]},
            {"id": c, "name": "Carol", "protected": false, "available": [[4, 9]], "if_needed": [[1, 3], [11, 12]]},
        ])
    );
    assert_eq!(
        v["counts"],
        json!({"available": [1, 2, 2, 2, 3, 3, 3, 2, 2, 0, 1, 1],
               "if_needed": [0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 2]})
    );
    // Each window seats all three: no one is missing.
    let win = |s: usize, e: usize, av: &[&str], ifn: &[&str]| json!({"start": s, "end": e, "available": av, "if_needed": ifn, "missing": []});
    let mut abc = [a, b, c];
    abc.sort();
    fn sorted<'a>(ids: &[&'a str]) -> Vec<&'a str> {
        let mut v = ids.to_vec();
        v.sort();
        v
    }
    // Windows keep both sets the same. [4,6) and [6,7) have the same
    // people but lie on different days; [1,3) and [7,9) also seat three
    // (one only if needed) and rank above [3,4) where two can come;
    // [11,12) seats three, one available; earlier breaks the tie of
    // [1,3) and [7,9).
    let expected = json!([
        win(4, 6, &abc, &[]),
        win(6, 7, &abc, &[]),
        win(1, 3, &sorted(&[a, b]), &[c]),
        win(7, 9, &sorted(&[a, c]), &[b]),
        win(11, 12, &[b], &sorted(&[a, c])),
    ]);
    assert_eq!(
        normalise_best(&v["best"]),
        expected,
        "best: {:#}",
        v["best"]
    );
    let v2 = server.get(&format!("{path}?min_slots=2"));
    assert_eq!(
        normalise_best(&v2.expect(200).json["best"]),
        json!([expected[0], expected[2], expected[3]])
    );
    let v3 = server.get(&format!("{path}?min_slots=3"));
    assert_eq!(normalise_best(&v3.expect(200).json["best"]), json!([]));
}
