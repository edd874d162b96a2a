//! Nothing lives in memory only: after `wrangler dev` stops and starts
//! again on the same storage, every appointment, participant, availability,
//! final time and token is still there.

use chrono::Days;
use serde_json::json;
use support::api::*;
use support::Server;

#[test]
fn everything_survives_a_restart() {
    // Own server: it restarts it.
    let mut server = Server::start();
    let day = today_in("Europe/Berlin") + Days::new(20);
    let c = create(
        &server,
        &json!({"title": "Stammtisch", "timezone": "Europe/Berlin",
        "dates": [iso(day), iso(day + Days::new(1))], "start": "18:00", "end": "22:00"}),
    );
    let weekly = create(
        &server,
        &json!({"title": "Jour fixe", "timezone": "Europe/Berlin",
        "weekdays": ["tue"], "start": "10:00", "end": "11:00", "slot_minutes": 15}),
    );
    let ute = join(&server, &c.id, "Ute", Some("ute-password-7"));
    let jan = join(&server, &c.id, "Jan", None);
    let changes = json!([{"level": "available", "slots": [[0, 4], [9, 12]]}, {"level": "if_needed", "slots": [[4, 6]]}]);
    update(&server, &c.id, &ute.pid, Some(&ute.token), changes.clone()).expect(200);
    paint(&server, &c.id, &jan, "available", &[(2, 5)]);
    patch_appointment(
        &server,
        &c.id,
        Some(&c.admin_token),
        json!({"final": {"start": 2, "end": 4}}),
    )
    .expect(200);
    let before = view(&server, &c.id);
    let weekly_before = view(&server, &weekly.id);
    let ics_before = server.get(&format!("/api/appointments/{}/calendar.ics", c.id));
    ics_before.expect(200);
    assert_eq!(before["version"], 6);

    server.restart();

    assert_eq!(
        view(&server, &c.id),
        before,
        "the view is the same after a restart"
    );
    assert_eq!(view(&server, &weekly.id), weekly_before);
    let ics_after = server.get(&format!("/api/appointments/{}/calendar.ics", c.id));
    ics_after.expect(200);
    // Tokens still work: an identical update changes nothing, a new one does.
    let r = update(&server, &c.id, &ute.pid, Some(&ute.token), changes);
    assert_eq!(r.expect(200).json["version"], 6);
    paint(&server, &c.id, &jan, "none", &[(2, 3)]);
    update(&server, &c.id, &jan.pid, Some(&ute.token), json!([])).expect_error(403, "forbidden");
    // Passwords still guard names.
    join_raw(&server, &c.id, "ute", None).expect_error(401, "password_required");
    assert_eq!(
        join(&server, &c.id, "UTE", Some("ute-password-7")).pid,
        ute.pid
    );
    // The admin token still works.
    let r = patch_appointment(
        &server,
        &c.id,
        Some(&c.admin_token),
        json!({"title": "Stammtisch 2"}),
    );
    assert_eq!(
        (r.expect(200).json["title"].as_str(), &r.json["version"]),
        (Some("Stammtisch 2"), &json!(8))
    );
    server
        .delete(
            &format!("/api/appointments/{}", weekly.id),
            Some(&weekly.admin_token),
        )
        .expect(204);
    server
        .get(&format!("/api/appointments/{}", weekly.id))
        .expect_error(404, "not_found");
}
