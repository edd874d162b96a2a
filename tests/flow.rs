//! The whole life of one appointment, as an organiser and three friends
//! live it: create, look, join, sign back in, paint, read the best times,
//! finalise, export, share, leave, delete.

use chrono::Days;
use serde_json::{json, Value};
use support::api::*;
use support::{ics, Server};

const ZONE: &str = "Asia/Seoul";

#[test]
fn an_appointment_lives_from_creation_to_deletion() {
    let server = Server::start();
    let d1 = today_in(ZONE) + Days::new(10);
    let d2 = d1 + Days::new(1);
    let title = "동아리 회의 <b>&amp;";

    // Create: dates out of order and an unknown field are fine.
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

    // Join, and sign back in ignoring case and spaces: a new token, both work.
    let alice = join(&server, &id, "Alice", None);
    assert_eq!(alice.status, 201);
    assert_eq!(
        alice.participant,
        json!({"id": alice.pid, "name": "Alice", "protected": false, "available": [], "if_needed": []})
    );
    assert_eq!(version(&server, &id), 2);
    server
        .req("GET", &path)
        .header("If-None-Match", &etag)
        .send()
        .expect(200);
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
    let carol = join(&server, &id, "Carol", None);
    // Names compare after NFC and lower-casing: "Cafe" + U+0301 is "CAFÉ".
    let dora = join(&server, &id, "Cafe\u{301}", None);
    assert_eq!(dora.status, 201);
    let dora2 = join(&server, &id, "CAF\u{c9}", None);
    assert_eq!((dora2.status, dora2.pid.as_str()), (200, dora.pid.as_str()));
    assert_eq!(version(&server, &id), 5);

    // Painting. Changes apply in order; ranges come back merged.
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
    let a_state = json!({"id": alice.pid, "name": "Alice", "protected": false,
        "available": [[0, 9]], "if_needed": [[9, 10], [11, 12]]});
    assert_eq!(r.json, json!({"participant": a_state, "version": 6}), "{r}");
    // The same update again, with the other token: idempotent, version kept.
    let r = update(&server, &id, &alice.pid, Some(&alice2.token), a_changes);
    assert_eq!(
        r.expect(200).json,
        json!({"participant": a_state, "version": 6})
    );
    update(&server, &id, &bob.pid, Some(&bob.token),
        json!([{"level": "available", "slots": [[1, 7]]}, {"level": "if_needed", "slots": [[7, 9]]}]))
    .expect(200);
    let r = update(
        &server,
        &id,
        &bob.pid,
        Some(&bob2.token),
        json!([{"level": "available", "slots": [[10, 12]]}]),
    );
    assert_eq!(r.expect(200).json["version"], 8);
    assert_eq!(
        r.json["participant"]["available"],
        json!([[1, 7], [10, 12]])
    );
    assert_eq!(r.json["participant"]["if_needed"], json!([[7, 9]]));
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
    update(
        &server,
        &id,
        &dora.pid,
        Some(&dora.token),
        json!([{"level": "available", "slots": [[9, 10]]}]),
    )
    .expect(200);
    assert_eq!(version(&server, &id), 10);
    let dora_path = format!("/api/appointments/{id}/participants/{}", dora.pid);
    server.delete(&dora_path, Some(&dora.token)).expect(204);
    update(&server, &id, &dora.pid, Some(&dora.token), one.clone()).expect_error(404, "not_found");

    // The view: participants, counts, best windows (see the table below).
    //   slot:      0  1  2  3  4  5 | 6  7  8  9 10 11   (day 1 | day 2)
    //   Alice:     A  A  A  A  A  A | A  A  A  i  .  i
    //   Bob:       .  A  A  A  A  A | A  i  i  .  A  A
    //   Carol:     .  i  i  .  A  A | A  A  A  .  .  i
    let v = view(&server, &id);
    assert_eq!(v["version"], 11, "{v:#}");
    let (a, b, c) = (alice.pid.as_str(), bob.pid.as_str(), carol.pid.as_str());
    let mut people: Vec<Value> = v["participants"].as_array().unwrap().clone();
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
    let win = |s: usize, e: usize, av: &[&str], ifn: &[&str]| json!({"start": s, "end": e, "available": av, "if_needed": ifn});
    let mut abc = [a, b, c];
    abc.sort();
    fn sorted<'a>(ids: &[&'a str]) -> Vec<&'a str> {
        let mut v = ids.to_vec();
        v.sort();
        v
    }
    // [4,6) and [6,7) have the same people but lie on different days;
    // [7,9) beats the longer [1,4) on if-needed; [1,4) ignores Carol's
    // if-needed on only part of it; [10,12) beats [0,1) on length.
    let expected = json!([
        win(4, 6, &abc, &[]),
        win(6, 7, &abc, &[]),
        win(7, 9, &sorted(&[a, c]), &[b]),
        win(1, 4, &sorted(&[a, b]), &[]),
        win(10, 12, &[b], &[]),
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
        json!([expected[0], expected[2], expected[3], expected[4]])
    );
    let v3 = server.get(&format!("{path}?min_slots=3"));
    assert_eq!(
        normalise_best(&v3.expect(200).json["best"]),
        json!([expected[3]])
    );

    // Leaving: someone else's token is refused, the admin may remove anyone.
    let eve = join(&server, &id, "Eve", None);
    let alice_path = format!("/api/appointments/{id}/participants/{a}");
    server
        .delete(&alice_path, Some(&eve.token))
        .expect_error(403, "forbidden");
    server
        .delete(&alice_path, None)
        .expect_error(401, "unauthorized");
    let eve_path = format!("/api/appointments/{id}/participants/{}", eve.pid);
    server.delete(&eve_path, Some(&admin)).expect(204);
    server
        .delete(&eve_path, Some(&admin))
        .expect_error(404, "not_found");
    assert_eq!(version(&server, &id), 13);

    // Finalising, un-finalising, renaming; the calendar file follows.
    let ics_path = format!("/api/appointments/{id}/calendar.ics");
    server.get(&ics_path).expect_error(409, "not_finalised");
    let fin = json!({"final": {"start": 4, "end": 6}});
    patch_appointment(&server, &id, Some(&alice.token), fin.clone()).expect_error(403, "forbidden");
    patch_appointment(&server, &id, None, fin.clone()).expect_error(401, "unauthorized");
    let r = patch_appointment(&server, &id, Some(&admin), fin.clone());
    assert_eq!(
        (&r.expect(200).json["final"], &r.json["version"]),
        (&json!({"start": 4, "end": 6}), &json!(14))
    );
    assert_eq!(
        patch_appointment(&server, &id, Some(&admin), fin.clone()).json["version"],
        14
    );
    let r = patch_appointment(&server, &id, Some(&admin), json!({"final": null}));
    assert_eq!(
        (&r.expect(200).json["final"], &r.json["version"]),
        (&Value::Null, &json!(15))
    );
    server.get(&ics_path).expect_error(409, "not_finalised");
    let new_title = "Plan, eat; repeat \\ <i>모임</i>";
    let r = patch_appointment(
        &server,
        &id,
        Some(&admin),
        json!({"title": new_title, "final": fin["final"]}),
    );
    assert_eq!(
        (&r.expect(200).json["title"], &r.json["version"]),
        (&json!(new_title), &json!(16))
    );
    assert_eq!(r.json, view(&server, &id), "PATCH answers the view");
    let cal = server.get(&ics_path);
    cal.expect(200);
    assert!(
        cal.header("content-type")
            .unwrap_or_default()
            .starts_with("text/calendar"),
        "{cal}"
    );
    let lines = ics::lines(&cal.body);
    for needed in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ] {
        assert!(
            lines.iter().any(|l| l == needed),
            "{needed} in\n{}",
            cal.body
        );
    }
    for needed in ["PRODID", "UID", "DTSTAMP"] {
        assert!(
            ics::prop(&lines, needed).is_some(),
            "{needed} in\n{}",
            cal.body
        );
    }
    let summary = ics::prop(&lines, "SUMMARY").expect("SUMMARY");
    assert_eq!(
        ics::unescape(ics::value(summary)),
        new_title,
        "{}",
        cal.body
    );
    let start = ics::instant(ics::prop(&lines, "DTSTART").expect("DTSTART"));
    let end = ics::end_instant(&lines);
    assert_eq!(fmt_utc(start), utc_of(ZONE, d1, "13:00"), "{}", cal.body);
    assert_eq!(fmt_utc(end), utc_of(ZONE, d1, "15:00"), "{}", cal.body);

    // Sharing: the QR code and the pages.
    let qr = server.get(&format!("/api/appointments/{id}/qr.svg"));
    qr.expect(200);
    assert!(
        qr.header("content-type")
            .unwrap_or_default()
            .starts_with("image/svg+xml"),
        "{qr}"
    );
    assert!(qr.body.contains("<svg"), "{qr}");
    for page in ["/".to_string(), format!("/a/{id}")] {
        let r = server.get(&page);
        r.expect(200);
        assert!(
            r.header("content-type")
                .unwrap_or_default()
                .starts_with("text/html"),
            "{r}"
        );
    }
    let missing = server.get("/a/NoSuchAppointment123");
    missing.expect(404);
    assert!(
        missing
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{missing}"
    );

    // Deleting: only the admin; afterwards every read is 404.
    server
        .delete(&path, Some(&alice.token))
        .expect_error(403, "forbidden");
    server.delete(&path, None).expect_error(401, "unauthorized");
    server.delete(&path, Some(&admin)).expect(204);
    for read in [
        path.clone(),
        format!("{path}?min_slots=2"),
        ics_path,
        format!("{path}/qr.svg"),
    ] {
        server.get(&read).expect_error(404, "not_found");
    }
    join_raw(&server, &id, "Alice", None).expect_error(404, "not_found");
    update(&server, &id, a, Some(&alice.token), one).expect_error(404, "not_found");
    patch_appointment(&server, &id, Some(&admin), fin).expect_error(404, "not_found");
    server
        .delete(&path, Some(&admin))
        .expect_error(404, "not_found");
    let page = server.get(&format!("/a/{id}"));
    page.expect(404);
    assert!(
        page.header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{page}"
    );
}
