//! Values at each limit are accepted (the refusals one past them live in
//! `bad_input.rs`), HTML in names comes back verbatim, and guessing a
//! password over and over is throttled. That an appointment holds at most
//! 1,000 participants, and leaving makes room, is the object core's rule,
//! tested on the host without a server (`appointment::core::tests::joins`).

use chrono::Days;
use serde_json::{json, Value};
use support::api::*;
use support::Server;

const ZONE: &str = "Asia/Seoul";

#[test]
fn values_at_each_limit_are_accepted() {
    let server = Server::shared();
    let today = today_in(ZONE);

    // Titles of 100 code points, the first and last allowed dates, 24:00.
    // Lengths count code points, not UTF-16 units: 100 emoji are fine.
    let emoji = create(&server, &create_with("title", json!("😀".repeat(100))));
    assert_eq!(emoji.view["title"], json!("😀".repeat(100)));
    let c = create(&server, &create_with("title", json!("가".repeat(100))));
    assert_eq!(c.view["title"], json!("가".repeat(100)));
    for day in [today - Days::new(1), one_year_after(today)] {
        create(&server, &create_with("dates", json!([iso(day)])));
    }
    let all_week = json!({"title": "t", "timezone": ZONE, "start": "23:00", "end": "24:00",
        "weekdays": ["sun", "sat", "fri", "thu", "wed", "tue", "mon"]});
    let week = create(&server, &all_week);
    assert_eq!(
        week.view["weekdays"],
        json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    );
    assert_eq!(week.view["slots"].as_array().map(Vec::len), Some(14));
    // The largest grid: 31 days of 144 ten-minute slots.
    let dates: Vec<String> = (0..31).map(|i| iso(today + Days::new(i))).collect();
    let huge = create(
        &server,
        &json!({"title": "big", "timezone": "UTC", "dates": dates,
        "start": "00:00", "end": "24:00", "slot_minutes": 10}),
    );
    assert_eq!(huge.view["slots"].as_array().map(Vec::len), Some(4464));
    // A body of exactly 64 KiB, with a charset parameter.
    let r = server
        .req("POST", "/api/appointments")
        .body("application/json; charset=utf-8", create_of_size(64 * 1024))
        .send();
    r.expect(201);

    // Names of 50 code points; HTML in names comes back verbatim.
    let id = &c.id;
    let long = join(&server, id, &"가".repeat(50), None);
    assert_eq!(long.participant["name"], json!("가".repeat(50)));
    let smiles = join(&server, id, &"😀".repeat(50), None);
    assert_eq!(smiles.participant["name"], json!("😀".repeat(50)));
    let html = "<b>Kim</b> &amp; <script>alert(\"1\")</script>";
    let h = join(&server, id, html, None);
    assert_eq!(h.participant["name"], json!(html));
    assert_eq!(participant(&view(&server, id), &h.pid)["name"], json!(html));
    // Passwords of 4 and 128 characters.
    for (name, pw) in [("four", "abcd".to_string()), ("long", "p".repeat(128))] {
        let p = join(&server, id, name, Some(&pw));
        assert_eq!((p.status, &p.participant["protected"]), (201, &json!(true)));
        assert_eq!(join(&server, id, name, Some(&pw)).status, 200);
    }

    // 64 changes, and adjacent ranges within one change.
    let n = c.view["slots"].as_array().unwrap().len();
    let changes: Vec<Value> = (0..64)
        .map(|i| {
            let level = if i % 2 == 0 { "available" } else { "if_needed" };
            json!({"level": level, "slots": [[i % n, i % n + 1]]})
        })
        .collect();
    update(&server, id, &long.pid, Some(&long.token), json!(changes)).expect(200);
    let r = paint(&server, id, &h, "available", &[(0, 2), (2, 3), (4, n)]);
    assert_eq!(
        support::model::shown(&r.json["participant"]).0,
        json!([[0, 3], [4, n]])
    );
}

#[test]
fn repeated_wrong_passwords_are_throttled() {
    let server = Server::shared();
    let c = create(&server, &create_with("title", json!("guarded")));
    join(&server, &c.id, "Target", Some("target-password-1"));
    let mut throttled = None;
    for i in 0..50 {
        let r = join_raw(
            &server,
            &c.id,
            "Target",
            Some(&format!("guess-number-{i:03}")),
        );
        if r.status == 429 {
            throttled = Some(r);
            break;
        }
        r.expect_error(401, "wrong_password");
    }
    let r = throttled.expect("a 429 within 50 wrong passwords for one name");
    r.expect_error(429, "too_many_attempts");
    let retry = r.header("retry-after").unwrap_or_default();
    assert!(
        retry.parse::<u64>().is_ok_and(|s| s > 0),
        "Retry-After in seconds:\n{r}"
    );
}
