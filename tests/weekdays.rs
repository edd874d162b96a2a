//! Weekly appointments ("every Monday, Wednesday or Friday"): slots are
//! wall times named by day and time, ordered Monday to Sunday whatever
//! order they were given in; best windows never span two days; the
//! calendar file repeats weekly.

use chrono::{Datelike, Duration, Timelike, Utc, Weekday};
use serde_json::{json, Value};
use support::api::*;
use support::{ics, Server};

const ZONE: &str = "Asia/Seoul";

#[test]
fn weekday_appointments_order_slots_by_weekday_and_repeat_weekly() {
    let server = Server::shared();
    let created = create(
        &server,
        &json!({"title": "주간 스터디", "timezone": ZONE, "weekdays": ["fri", "mon", "wed"],
                "start": "09:00", "end": "11:00", "slot_minutes": 60}),
    );
    let (id, admin) = (created.id.clone(), created.admin_token.clone());
    let v = &created.view;
    assert_eq!(v["weekdays"], json!(["mon", "wed", "fri"]), "{v:#}");
    assert!(
        v.get("dates").is_none(),
        "a weekdays appointment has no dates"
    );
    let slots: Vec<Value> = ["mon", "wed", "fri"]
        .iter()
        .flat_map(|d| ["09:00", "10:00"].map(|t| json!({"day": d, "time": t})))
        .collect();
    assert_eq!(v["slots"], json!(slots));
    let expires = parse_utc(v["expires_at"].as_str().expect("expires_at"));
    let in_90_days = Utc::now() + Duration::days(90);
    assert!(
        (expires - in_90_days).num_minutes().abs() < 10,
        "expires 90 days after the last change: {expires}"
    );

    // Best windows split at day boundaries, ties broken by start.
    let ann = join(&server, &id, "Ann", None);
    let ben = join(&server, &id, "Ben", None);
    paint(&server, &id, &ann, "available", &[(0, 6)]);
    paint(&server, &id, &ben, "available", &[(1, 3)]);
    let mut both = [ann.pid.as_str(), ben.pid.as_str()];
    both.sort();
    let a = [ann.pid.as_str()];
    // Whoever is not available in a window cannot come at any of its slots.
    let win = |s: usize, e: usize, av: &[&str]| {
        let missing: Vec<&str> = both.iter().filter(|p| !av.contains(p)).copied().collect();
        json!({"start": s, "end": e, "available": av, "if_needed": [], "missing": missing})
    };
    assert_eq!(
        normalise_best(&view(&server, &id)["best"]),
        json!([
            win(1, 2, &both),
            win(2, 3, &both),
            win(4, 6, &a),
            win(0, 1, &a),
            win(3, 4, &a)
        ])
    );

    // A final time lies within one day.
    patch_appointment(
        &server,
        &id,
        Some(&admin),
        json!({"final": {"start": 1, "end": 3}}),
    )
    .expect_error(400, "invalid_final");
    patch_appointment(
        &server,
        &id,
        Some(&admin),
        json!({"final": {"start": 4, "end": 6}}),
    )
    .expect(200);

    // Friday 09:00–11:00 in Seoul, the next one, every week.
    let cal = server.get(&format!("/api/appointments/{id}/calendar.ics"));
    cal.expect(200).expect_content_type("text/calendar");
    let lines = ics::lines(&cal.body);
    // A TZID needs its VTIMEZONE; Seoul's clocks say +09:00 all year.
    let zone = ics::zone(&lines, ZONE).expect("a VTIMEZONE for the event's TZID");
    assert!(zone.iter().any(|l| l == "TZOFFSETTO:+0900"), "{}", cal.body);
    let rrule = ics::value(ics::prop(&lines, "RRULE").expect("an RRULE"));
    assert!(
        rrule.split(';').any(|p| p == "FREQ=WEEKLY"),
        "weekly: {rrule}"
    );
    if let Some(byday) = rrule.split(';').find_map(|p| p.strip_prefix("BYDAY=")) {
        assert_eq!(byday, "FR", "{rrule}");
    }
    assert_eq!(
        ics::unescape(ics::value(ics::prop(&lines, "SUMMARY").unwrap())),
        "주간 스터디"
    );
    let start = ics::instant(ics::prop(&lines, "DTSTART").expect("DTSTART"));
    let end = ics::end_instant(&lines);
    let local = start.with_timezone(&tz(ZONE));
    assert_eq!(
        (local.weekday(), local.hour(), local.minute()),
        (Weekday::Fri, 9, 0),
        "{}",
        cal.body
    );
    let now = Utc::now();
    assert!(
        start > now - Duration::days(1) && start <= now + Duration::days(7),
        "the next occurrence: {start}"
    );
    assert_eq!(end - start, Duration::hours(2), "{}", cal.body);
}
