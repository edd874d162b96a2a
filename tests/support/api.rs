//! Short names for the service's endpoints, each checking the success
//! shape the contract promises, plus calendar helpers for building dates
//! relative to today (dates must lie between yesterday and a year ahead).

use super::{Resp, Server};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

/// What `POST /api/appointments` answered.
pub struct Created {
    pub id: String,
    pub admin_token: String,
    pub url: String,
    pub location: String,
    pub view: Value,
}

/// Creates an appointment and checks the 201 answer's shape.
#[track_caller]
pub fn create(server: &Server, body: &Value) -> Created {
    let resp = server.send_json("POST", "/api/appointments", None, body);
    resp.expect(201);
    let s = |key: &str| {
        resp.json[key]
            .as_str()
            .unwrap_or_else(|| panic!("`{key}` is a string:\n{resp}"))
            .to_string()
    };
    let created = Created {
        id: s("id"),
        admin_token: s("admin_token"),
        url: s("url"),
        location: resp.header("location").unwrap_or_default().to_string(),
        view: resp.json["appointment"].clone(),
    };
    assert!(
        created.view.is_object(),
        "`appointment` is the view:\n{resp}"
    );
    created
}

/// Creates a two-day appointment in Asia/Seoul ten days from today,
/// 09:00–15:00 in hour slots: slots 0–5 are the first day, 6–11 the
/// second. Its version is 1. Returns it and the first day.
#[track_caller]
pub fn create_two_days(server: &Server) -> (Created, NaiveDate) {
    let d1 = today_in("Asia/Seoul") + chrono::Days::new(10);
    let created = create(
        server,
        &json!({
            "title": "동아리 회의", "timezone": "Asia/Seoul",
            "dates": [iso(d1), iso(d1 + chrono::Days::new(1))],
            "start": "09:00", "end": "15:00", "slot_minutes": 60,
        }),
    );
    (created, d1)
}

/// What joining or signing back in answered.
pub struct Joined {
    pub status: u16,
    pub pid: String,
    pub token: String,
    pub participant: Value,
}

/// `POST /participants`; asserts 200 or 201 and the `{participant, token}` shape.
#[track_caller]
pub fn join(server: &Server, id: &str, name: &str, password: Option<&str>) -> Joined {
    let resp = join_raw(server, id, name, password);
    assert!(
        resp.status == 200 || resp.status == 201,
        "join should succeed:\n{resp}"
    );
    let participant = resp.json["participant"].clone();
    let token = resp.json["token"].as_str();
    let pid = participant["id"].as_str();
    assert!(
        token.is_some() && pid.is_some(),
        "join answers {{participant: {{id, ...}}, token}}:\n{resp}"
    );
    Joined {
        status: resp.status,
        pid: pid.unwrap().to_string(),
        token: token.unwrap().to_string(),
        participant,
    }
}

pub fn join_raw(server: &Server, id: &str, name: &str, password: Option<&str>) -> Resp {
    let mut body = json!({ "name": name });
    if let Some(pw) = password {
        body["password"] = json!(pw);
    }
    server.send_json(
        "POST",
        &format!("/api/appointments/{id}/participants"),
        None,
        &body,
    )
}

/// `GET /api/appointments/{id}`, asserting 200; the view.
#[track_caller]
pub fn view(server: &Server, id: &str) -> Value {
    let resp = server.get(&format!("/api/appointments/{id}"));
    resp.expect(200);
    resp.json.clone()
}

pub fn version(server: &Server, id: &str) -> i64 {
    view(server, id)["version"]
        .as_i64()
        .expect("version is an integer")
}

/// `PATCH .../availability` with `{"changes": changes}`.
pub fn update(server: &Server, id: &str, pid: &str, token: Option<&str>, changes: Value) -> Resp {
    server.send_json(
        "PATCH",
        &format!("/api/appointments/{id}/participants/{pid}/availability"),
        token,
        &json!({ "changes": changes }),
    )
}

/// Paints `slots` (`[start, end)` ranges) at `level` (`"available"`,
/// `"if_needed"` or `"none"`) as participant `who`, with their own token,
/// in one change; asserts 200 and returns the answer
/// (`{participant, version}`).
#[track_caller]
pub fn paint(
    server: &Server,
    id: &str,
    who: &Joined,
    level: &str,
    slots: &[(usize, usize)],
) -> Resp {
    let resp = update(
        server,
        id,
        &who.pid,
        Some(&who.token),
        json!([{ "level": level, "slots": slots }]),
    );
    resp.expect(200);
    resp
}

/// `PATCH /api/appointments/{id}` with the admin (or any) token.
pub fn patch_appointment(server: &Server, id: &str, token: Option<&str>, body: Value) -> Resp {
    server.send_json("PATCH", &format!("/api/appointments/{id}"), token, &body)
}

/// `GET /api/stats` with the operator's token, asserting 200; the figures.
#[track_caller]
pub fn stats(server: &Server, token: &str) -> Value {
    let resp = server.req("GET", "/api/stats").token(Some(token)).send();
    resp.expect(200);
    resp.json.clone()
}

/// Polls `GET /api/stats` until its `key` is `want`; panics after `within`,
/// saying `why` it should have been.
#[track_caller]
pub fn wait_for_stats(
    server: &Server,
    token: &str,
    key: &str,
    want: u64,
    within: std::time::Duration,
    why: &str,
) {
    let deadline = std::time::Instant::now() + within;
    loop {
        let s = stats(server, token);
        if s[key] == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{why}: `{key}` should be {want} within {within:?}, still {s}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// Every way to reach appointment `id` answers 404: its view, QR code,
/// calendar, joining, editing and deleting it with its admin token, its
/// page and its live socket.
#[track_caller]
pub fn assert_gone(server: &Server, id: &str, admin_token: &str) {
    let base = format!("/api/appointments/{id}");
    for path in [
        base.clone(),
        format!("{base}/qr.svg"),
        format!("{base}/calendar.ics"),
    ] {
        server.get(&path).expect_error(404, "not_found");
    }
    join_raw(server, id, "Late", None).expect_error(404, "not_found");
    patch_appointment(server, id, Some(admin_token), json!({"title": "again"}))
        .expect_error(404, "not_found");
    server
        .delete(&base, Some(admin_token))
        .expect_error(404, "not_found");
    server.get(&format!("/a/{id}")).expect(404);
    let live = super::live::Live::refused_status(server, id);
    assert_eq!(live, Some(404), "no live socket for {id}");
}

pub fn tz(name: &str) -> Tz {
    name.parse().expect("a known zone")
}

/// Today's calendar date in the zone.
pub fn today_in(zone: &str) -> NaiveDate {
    Utc::now().with_timezone(&tz(zone)).date_naive()
}

/// `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The same calendar date one year later (29 Feb → 28 Feb).
pub fn one_year_after(date: NaiveDate) -> NaiveDate {
    date.with_year(date.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(date.year() + 1, date.month(), 28))
        .expect("a date")
}

/// The UTC instant of a wall time that exists once, formatted as the
/// view's slots are: `2026-12-01T00:00:00Z`.
pub fn utc_of(zone: &str, date: NaiveDate, hhmm: &str) -> String {
    let time = NaiveTime::parse_from_str(hhmm, "%H:%M").expect("HH:MM");
    let local = tz(zone)
        .from_local_datetime(&date.and_time(time))
        .single()
        .expect("an unambiguous wall time");
    fmt_utc(local.with_timezone(&Utc))
}

pub fn fmt_utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s:?} is an RFC 3339 instant: {e}"))
        .with_timezone(&Utc)
}

/// The view's `slots` as a list of `start` strings.
pub fn slot_starts(view: &Value) -> Vec<String> {
    view["slots"]
        .as_array()
        .expect("slots is an array")
        .iter()
        .map(|s| s["start"].as_str().expect("slot start").to_string())
        .collect()
}

/// The participant with this id in the view.
#[track_caller]
pub fn participant<'v>(view: &'v Value, pid: &str) -> &'v Value {
    view["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .find(|p| p["id"] == pid)
        .unwrap_or_else(|| panic!("participant {pid} in the view: {view:#}"))
}

/// `best` with each window's id lists sorted, so it compares as sets.
pub fn normalise_best(best: &Value) -> Value {
    let mut best = best.clone();
    for window in best.as_array_mut().expect("best is an array") {
        for key in ["available", "if_needed", "missing"] {
            if let Some(ids) = window.get_mut(key).and_then(Value::as_array_mut) {
                ids.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
        }
    }
    best
}

/// A valid creation body (Asia/Seoul, a week from today, 09:00–12:00 in
/// 30-minute slots) with one field replaced, or removed when the key is
/// written `"-field"`.
pub fn create_with(key: &str, value: Value) -> Value {
    let day = today_in("Asia/Seoul") + chrono::Days::new(7);
    let mut body = json!({"title": "회의", "timezone": "Asia/Seoul", "dates": [iso(day)],
        "start": "09:00", "end": "12:00", "slot_minutes": 30});
    match key.strip_prefix('-') {
        Some(k) => {
            body.as_object_mut().expect("an object").remove(k);
        }
        None => body[key] = value,
    }
    body
}

/// A JSON body of exactly `size` bytes: a valid creation padded with an
/// unknown field.
pub fn create_of_size(size: usize) -> Vec<u8> {
    let mut body = create_with("padding", json!(""));
    let base = serde_json::to_vec(&body).expect("serialise").len();
    body["padding"] = json!("x".repeat(size - base));
    let bytes = serde_json::to_vec(&body).expect("serialise");
    assert_eq!(bytes.len(), size);
    bytes
}

/// Slots of the largest grid: 31 days of 144 ten-minute slots.
pub const LARGEST_GRID: usize = 31 * 144;

/// The worst case an appointment can hold: the largest grid (31 dates
/// from `first_day` days ahead, all day, 10-minute slots in `zone`) and
/// 1,000 participants, each painting every other slot (the most ranges
/// there are) at `level(n)`, from 4 clients at once. The server must allow
/// that many joins from one address.
pub fn worst_case(
    server: &Server,
    zone: &str,
    first_day: u64,
    level: fn(usize) -> &'static str,
) -> Created {
    let today = today_in(zone);
    let dates: Vec<String> = (first_day..first_day + 31)
        .map(|i| iso(today + chrono::Days::new(i)))
        .collect();
    let c = create(
        server,
        &json!({"title": "worst case", "timezone": zone, "dates": dates,
                "start": "00:00", "end": "24:00", "slot_minutes": 10}),
    );
    let id = c.id.as_str();
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for n in (0..1000).filter(|n| n % 4 == t) {
                    let who = join(server, id, &format!("Person {n:04}"), None);
                    let ranges: Vec<[usize; 2]> = (n % 2..LARGEST_GRID)
                        .step_by(2)
                        .map(|i| [i, i + 1])
                        .collect();
                    update(
                        server,
                        id,
                        &who.pid,
                        Some(&who.token),
                        json!([{"level": level(n), "slots": ranges}]),
                    )
                    .expect(200);
                }
            });
        }
    });
    c
}
