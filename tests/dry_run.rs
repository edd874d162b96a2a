//! `PATCH /api/appointments/{id}?dry_run=1`: the organiser asks what a
//! schedule edit would keep before saving it. The answer counts who keeps
//! answers and who loses them all, says whether the final time survives
//! and how many slots the new grid has; nothing is stored, the version and
//! the view's entity tag stay, and the checks are those of the real edit.

use chrono::Days;
use serde_json::{json, Value};
use support::api::*;
use support::Server;

/// `PATCH ?dry_run=1` as the admin, asserting 200; the answer.
#[track_caller]
fn dry_run(server: &Server, created: &Created, body: Value) -> Value {
    let path = format!("/api/appointments/{}?dry_run=1", created.id);
    let r = server.send_json("PATCH", &path, Some(&created.admin_token), &body);
    r.expect(200).expect_content_type("application/json");
    r.json.clone()
}

/// Paints `ranges` of `level` for `who`.
fn paint(server: &Server, id: &str, who: &Joined, level: &str, ranges: Value) {
    update(
        server,
        id,
        &who.pid,
        Some(&who.token),
        json!([{"level": level, "slots": ranges}]),
    )
    .expect(200);
}

/// The view's entity tag and version.
fn tag(server: &Server, id: &str) -> (String, i64) {
    let r = server.get(&format!("/api/appointments/{id}"));
    r.expect(200);
    let etag = r.header("etag").expect("an ETag").to_string();
    (etag, r.json["version"].as_i64().expect("a version"))
}

#[test]
fn a_split_keeps_everyone_and_the_final_time_and_stores_nothing() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server); // 09:00–15:00 in hours, two days
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    let bob = join(&server, id, "Bob", None);
    join(&server, id, "Cy", None); // never answers
    paint(&server, id, &alice, "available", json!([[0, 3]]));
    paint(&server, id, &bob, "if_needed", json!([[7, 9]]));
    patch_appointment(
        &server,
        id,
        Some(&created.admin_token),
        json!({"final": {"start": 8, "end": 10}}),
    )
    .expect(200);
    let before = tag(&server, id);
    let levels_before = view(&server, id)["participants"].clone();

    let answer = dry_run(&server, &created, json!({"slot_minutes": 30}));
    assert_eq!(
        answer,
        json!({"kept": 2, "cleared": 0, "losing": 0, "final_kept": true, "slots": 24})
    );
    // Asked twice, answered the same: nothing moved in between.
    assert_eq!(
        dry_run(&server, &created, json!({"slot_minutes": 30})),
        answer
    );
    assert_eq!(tag(&server, id), before, "no version step, the same ETag");
    let after = view(&server, id);
    assert_eq!(after["slot_minutes"], 60);
    assert_eq!(after["participants"], levels_before);
    assert_eq!(after["final"], json!({"start": 8, "end": 10}));

    // The real edit then does what the dry run said.
    let real = patch_appointment(
        &server,
        id,
        Some(&created.admin_token),
        json!({"slot_minutes": 30}),
    );
    real.expect(200);
    assert_eq!(real.json["slots"].as_array().map(Vec::len), Some(24));
    assert_eq!(real.json["final"], json!({"start": 16, "end": 20}));
    assert_eq!(real.json["version"], before.1 + 1);
}

#[test]
fn a_merge_keeps_only_answers_whose_halves_agree() {
    let server = Server::shared();
    let day = today_in("Asia/Seoul") + Days::new(9);
    let created = create(
        &server,
        &json!({"title": "합치기", "timezone": "Asia/Seoul", "dates": [iso(day)],
                "start": "09:00", "end": "11:00", "slot_minutes": 30}),
    );
    let id = created.id.as_str();
    let agree = join(&server, id, "Agree", None);
    let differ = join(&server, id, "Differ", None);
    let half = join(&server, id, "Half", None);
    paint(&server, id, &agree, "available", json!([[0, 4]]));
    paint(&server, id, &differ, "available", json!([[0, 1]]));
    paint(&server, id, &differ, "if_needed", json!([[1, 2]]));
    paint(&server, id, &half, "available", json!([[1, 3]])); // 09:30–10:30
    let before = tag(&server, id);

    let answer = dry_run(&server, &created, json!({"slot_minutes": 60}));
    // Agree keeps both hours; Differ's halves disagree; Half straddles
    // both hours and keeps neither.
    assert_eq!(
        answer,
        json!({"kept": 1, "cleared": 2, "losing": 2, "final_kept": false, "slots": 2})
    );
    assert_eq!(tag(&server, id), before);
}

#[test]
fn a_zone_change_keeps_instants_and_says_when_the_final_time_goes() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    paint(&server, id, &alice, "available", json!([[0, 2], [6, 8]]));
    patch_appointment(
        &server,
        id,
        Some(&created.admin_token),
        json!({"final": {"start": 0, "end": 2}}),
    )
    .expect(200);
    let before = tag(&server, id);

    // Tokyo is Seoul's hour: the same instants, the final time stays.
    let tokyo = dry_run(&server, &created, json!({"timezone": "Asia/Tokyo"}));
    assert_eq!(
        tokyo,
        json!({"kept": 1, "cleared": 0, "losing": 0, "final_kept": true, "slots": 12})
    );
    // New York's 09:00–15:00 is Seoul's night: every answer and the final
    // time go.
    let new_york = dry_run(&server, &created, json!({"timezone": "America/New_York"}));
    assert_eq!(new_york["kept"], 0);
    assert_eq!(new_york["cleared"], 1);
    assert_eq!(new_york["final_kept"], false);
    // A shorter day keeps the final time only while it still fits.
    let shorter = dry_run(&server, &created, json!({"end": "12:00"}));
    assert_eq!(shorter["final_kept"], true);
    assert_eq!(shorter["slots"], 6);
    let later = dry_run(&server, &created, json!({"start": "10:00"}));
    assert_eq!(later["final_kept"], false, "its first hour is gone");
    assert_eq!(later["losing"], 1);
    assert_eq!(later["kept"], 1);
    assert_eq!(tag(&server, id), before, "four dry runs, no version step");
}

#[test]
fn a_dry_run_is_the_organisers_and_is_checked_like_the_edit() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let alice = join(&server, id, "Alice", None);
    let path = format!("/api/appointments/{id}?dry_run=1");
    let body = json!({"slot_minutes": 30});
    let before = tag(&server, id);

    server
        .send_json("PATCH", &path, None, &body)
        .expect_error(401, "unauthorized");
    server
        .send_json("PATCH", &path, Some("not-a-token"), &body)
        .expect_error(401, "unauthorized");
    server
        .send_json("PATCH", &path, Some(&alice.token), &body)
        .expect_error(403, "forbidden");
    let admin = Some(created.admin_token.as_str());
    server
        .send_json(
            "PATCH",
            "/api/appointments/nosuchthing123?dry_run=1",
            admin,
            &body,
        )
        .expect_error(404, "not_found");
    // A bad value is a bad query, after the checks that rank before it.
    let odd = format!("/api/appointments/{id}?dry_run=yes");
    server
        .send_json("PATCH", &odd, admin, &body)
        .expect_error(400, "invalid_query");
    server
        .send_json("PATCH", &odd, None, &body)
        .expect_error(401, "unauthorized");
    server
        .send_json("PATCH", &path, admin, &json!({"slot_minutes": 20}))
        .expect_error(400, "invalid_slot_minutes");
    server
        .send_json("PATCH", &path, admin, &json!({}))
        .expect_error(400, "invalid_body");
    server
        .req("PATCH", &path)
        .token(admin)
        .body("text/plain", b"{}".to_vec())
        .send()
        .expect_error(415, "unsupported_media_type");
    assert_eq!(tag(&server, id), before, "nothing refused changed anything");

    // `true` asks the same; `0` and `false` make the edit.
    let with_true = format!("/api/appointments/{id}?dry_run=true");
    let r = server.send_json("PATCH", &with_true, admin, &body);
    r.expect(200);
    assert_eq!(r.json["slots"], 24);
    assert_eq!(tag(&server, id), before);
    let real = format!("/api/appointments/{id}?dry_run=0");
    let r = server.send_json("PATCH", &real, admin, &body);
    r.expect(200);
    assert_eq!(
        r.json["version"],
        before.1 + 1,
        "an edit, answered with the view"
    );
    assert_eq!(r.json["slot_minutes"], 30);
}
