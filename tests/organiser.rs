//! What the organiser (the holder of the admin token) does once people have
//! joined: fix the final time, which the calendar file then carries; share
//! the link, QR code and page; remove a participant; delete the whole
//! appointment, after which nothing of it answers.

use serde_json::{json, Value};
use support::api::*;
use support::{ics, Server};

const ZONE: &str = "Asia/Seoul";

#[test]
fn only_the_admin_fixes_the_final_time_and_the_calendar_file_follows_it() {
    let server = Server::shared();
    let (created, d1) = create_two_days(&server);
    let (id, admin) = (created.id.as_str(), created.admin_token.as_str());
    let alice = join(&server, id, "Alice", None);
    assert_eq!(version(&server, id), 2);

    // Finalising, un-finalising, renaming; the calendar file follows.
    let ics_path = format!("/api/appointments/{id}/calendar.ics");
    server.get(&ics_path).expect_error(409, "not_finalised");
    let fin = json!({"final": {"start": 4, "end": 6}});
    patch_appointment(&server, id, Some(&alice.token), fin.clone()).expect_error(403, "forbidden");
    patch_appointment(&server, id, None, fin.clone()).expect_error(401, "unauthorized");
    let r = patch_appointment(&server, id, Some(admin), fin.clone());
    assert_eq!(
        (&r.expect(200).json["final"], &r.json["version"]),
        (&json!({"start": 4, "end": 6}), &json!(3))
    );
    assert_eq!(
        patch_appointment(&server, id, Some(admin), fin.clone()).json["version"],
        3,
        "the same final time again changes nothing"
    );
    let r = patch_appointment(&server, id, Some(admin), json!({"final": null}));
    assert_eq!(
        (&r.expect(200).json["final"], &r.json["version"]),
        (&Value::Null, &json!(4))
    );
    server.get(&ics_path).expect_error(409, "not_finalised");
    let new_title = "Plan, eat; repeat \\ <i>모임</i>";
    let r = patch_appointment(
        &server,
        id,
        Some(admin),
        json!({"title": new_title, "final": fin["final"]}),
    );
    assert_eq!(
        (&r.expect(200).json["title"], &r.json["version"]),
        (&json!(new_title), &json!(5))
    );
    assert_eq!(r.json, view(&server, id), "PATCH answers the view");

    // The calendar file: one event with the new title, slots 4–6 of the
    // first day (13:00–15:00 in Seoul).
    let cal = server.get(&ics_path);
    cal.expect(200).expect_content_type("text/calendar");
    let saved_as = cal.header("content-disposition").unwrap_or_default();
    assert!(
        saved_as.contains(
            "filename*=UTF-8''Plan%2C%20eat%3B%20repeat%20i%20%EB%AA%A8%EC%9E%84%20i.ics"
        ),
        "the file is named after the title: {saved_as}"
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
}

#[test]
fn only_the_admin_removes_other_people_or_the_appointment_and_then_its_links_answer_404() {
    let server = Server::shared();
    let created = create_two_days(&server).0;
    let (id, admin) = (created.id.as_str(), created.admin_token.as_str());
    let path = format!("/api/appointments/{id}");
    let alice = join(&server, id, "Alice", None);

    // Removing a participant: someone else's token is refused, the admin
    // may remove anyone.
    let eve = join(&server, id, "Eve", None);
    let alice_path = format!("/api/appointments/{id}/participants/{}", alice.pid);
    server
        .delete(&alice_path, Some(&eve.token))
        .expect_error(403, "forbidden");
    server
        .delete(&alice_path, None)
        .expect_error(401, "unauthorized");
    let eve_path = format!("/api/appointments/{id}/participants/{}", eve.pid);
    server.delete(&eve_path, Some(admin)).expect(204);
    server
        .delete(&eve_path, Some(admin))
        .expect_error(404, "not_found");
    assert_eq!(
        version(&server, id),
        4,
        "two joins and a removal since create"
    );

    // Sharing: the QR code and the pages; an unknown appointment's page is
    // a 404 page.
    let qr = server.get(&format!("{path}/qr.svg"));
    qr.expect(200).expect_content_type("image/svg+xml");
    assert!(qr.body.contains("<svg"), "{qr}");
    for page in ["/".to_string(), format!("/a/{id}")] {
        server
            .get(&page)
            .expect(200)
            .expect_content_type("text/html");
    }
    server
        .get("/a/NoSuchAppointment123")
        .expect(404)
        .expect_content_type("text/html");

    // Deleting, even once the time is fixed: only the admin; afterwards
    // every way to reach it answers 404 (its page a 404 page).
    let fin = json!({"final": {"start": 4, "end": 6}});
    patch_appointment(&server, id, Some(admin), fin.clone()).expect(200);
    server.get(&format!("{path}/calendar.ics")).expect(200);
    server
        .delete(&path, Some(&alice.token))
        .expect_error(403, "forbidden");
    server.delete(&path, None).expect_error(401, "unauthorized");
    server.delete(&path, Some(admin)).expect(204);
    assert_gone(&server, id, admin);
    join_raw(&server, id, "Alice", None).expect_error(404, "not_found");
    server
        .get(&format!("{path}?min_slots=2"))
        .expect_error(404, "not_found");
    let one = json!([{"level": "available", "slots": [[0, 1]]}]);
    update(&server, id, &alice.pid, Some(&alice.token), one).expect_error(404, "not_found");
    patch_appointment(&server, id, Some(admin), fin).expect_error(404, "not_found");
    server
        .get(&format!("/a/{id}"))
        .expect(404)
        .expect_content_type("text/html");
}
