//! Malformed and hostile requests: each is refused with the right status
//! and error code, in the contract's order of precedence (413, 415, 404,
//! 401, 403, 400), never with a 5xx, and changes nothing. Every case runs
//! even when an earlier one fails, and the failures are reported together.

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use support::api::*;
use support::{Resp, Server};

const ZONE: &str = "Asia/Seoul";
const STATS: &str = "stats-token-for-tests-0123456789";

enum Body {
    None,
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

/// One refused request and the error it must get.
struct Case {
    what: &'static str,
    method: &'static str,
    path: String,
    token: Option<String>,
    body: Body,
    status: u16,
    code: &'static str,
}

fn case(
    what: &'static str,
    method: &'static str,
    path: &str,
    token: Option<&str>,
    body: Body,
    status: u16,
    code: &'static str,
) -> Case {
    let (path, token) = (path.to_string(), token.map(str::to_string));
    Case {
        what,
        method,
        path,
        token,
        body,
        status,
        code,
    }
}

fn j(v: Value) -> Body {
    Body::Json(v)
}

/// An availability update body.
fn ch(changes: Value) -> Body {
    Body::Json(json!({ "changes": changes }))
}

fn raw(content_type: &'static str, text: &str) -> Body {
    Body::Raw(content_type, text.as_bytes().to_vec())
}

fn no_body() -> Body {
    Body::None
}

/// The appointment under attack (`x`, a 2 × 3 grid: slots 0–2 on day one,
/// 3–5 on day two) and what the cases need to name.
struct Fixture {
    today: NaiveDate,
    day: NaiveDate,
    x: String,
    /// `/api/appointments/{x}`, its participants, Alpha's availability.
    xp: String,
    parts: String,
    avail: String,
    admin: String,
    other_admin: String,
    alpha_pid: String,
    alpha: String,
    beta: String,
    gamma_pid: String,
    gamma: String,
    unknown: String,
    big: Vec<u8>,
}

#[rustfmt::skip]
fn create_cases(f: &Fixture) -> Vec<Case> {
    let ap = "/api/appointments";
    let p = |what, body, code| case(what, "POST", ap, None, j(body), 400, code);
    let weekly = |days: Value| json!({"title": "t", "timezone": ZONE, "weekdays": days, "start": "09:00", "end": "10:00"});
    let dates_32: Vec<String> = (1..=32).map(|i| iso(f.today + Days::new(i))).collect();
    vec![
        p("empty title", create_with("title", json!("")), "invalid_title"),
        p("blank title", create_with("title", json!(" \t ")), "invalid_title"),
        p("101-character title", create_with("title", json!("가".repeat(101))), "invalid_title"),
        p("101-emoji title", create_with("title", json!("😀".repeat(101))), "invalid_title"),
        p("title with BEL", create_with("title", json!("a\u{7}b")), "invalid_title"),
        p("title with newline", create_with("title", json!("a\nb")), "invalid_title"),
        p("title with a C1 control", create_with("title", json!("a\u{85}b")), "invalid_title"),
        p("title a number", create_with("title", json!(42)), "invalid_title"),
        p("no title", create_with("-title", Value::Null), "invalid_title"),
        p("unknown zone", create_with("timezone", json!("Mars/Olympus_Mons")), "invalid_timezone"),
        p("no zone", create_with("-timezone", Value::Null), "invalid_timezone"),
        p("no dates", create_with("dates", json!([])), "invalid_dates"),
        p("32 dates", create_with("dates", json!(dates_32)), "invalid_dates"),
        p("repeated date", create_with("dates", json!([iso(f.day), iso(f.day)])), "invalid_dates"),
        p("date before yesterday", create_with("dates", json!([iso(f.today - Days::new(2))])), "invalid_dates"),
        p("date past a year", create_with("dates", json!([iso(one_year_after(f.today) + Days::new(1))])), "invalid_dates"),
        p("not a date", create_with("dates", json!(["2026-13-45"])), "invalid_dates"),
        p("dates a string", create_with("dates", json!(iso(f.day))), "invalid_dates"),
        p("dates and weekdays", create_with("weekdays", json!(["mon"])), "invalid_dates"),
        p("neither dates nor weekdays", create_with("-dates", Value::Null), "invalid_dates"),
        p("no weekdays", weekly(json!([])), "invalid_weekdays"),
        p("repeated weekday", weekly(json!(["mon", "tue", "mon"])), "invalid_weekdays"),
        p("unknown weekday", weekly(json!(["funday"])), "invalid_weekdays"),
        p("start off the grid", create_with("start", json!("09:15")), "invalid_time_window"),
        p("end equal to start", create_with("end", json!("09:00")), "invalid_time_window"),
        p("end before start", create_with("end", json!("08:00")), "invalid_time_window"),
        p("start 24:00", create_with("start", json!("24:00")), "invalid_time_window"),
        p("end 24:30", create_with("end", json!("24:30")), "invalid_time_window"),
        p("start 9:00", create_with("start", json!("9:00")), "invalid_time_window"),
        p("start a number", create_with("start", json!(900)), "invalid_time_window"),
        p("20-minute slots", create_with("slot_minutes", json!(20)), "invalid_slot_minutes"),
        p("0-minute slots", create_with("slot_minutes", json!(0)), "invalid_slot_minutes"),
        p("slot minutes a string", create_with("slot_minutes", json!("30")), "invalid_slot_minutes"),
        p("slot minutes 30.5", create_with("slot_minutes", json!(30.5)), "invalid_slot_minutes"),
        p("body an array", json!([1, 2]), "invalid_body"),
        p("body a string", json!("appointment"), "invalid_body"),
        p("body null", Value::Null, "invalid_body"),
        case("truncated JSON", "POST", ap, None, raw("application/json", "{\"title\": "), 400, "invalid_json"),
        case("empty JSON body", "POST", ap, None, raw("application/json", ""), 400, "invalid_json"),
        case("not UTF-8", "POST", ap, None, Body::Raw("application/json", vec![b'"', 0xff, 0xfe, b'"']), 400, "invalid_json"),
        case("text/plain body", "POST", ap, None, raw("text/plain", "{}"), 415, "unsupported_media_type"),
        case("form body", "POST", ap, None, raw("application/x-www-form-urlencoded", "title=x"), 415, "unsupported_media_type"),
        case("body without a content type", "POST", ap, None, raw("", "{}"), 415, "unsupported_media_type"),
        case("body of 64 KiB + 1", "POST", ap, None, Body::Raw("application/json", f.big.clone()), 413, "payload_too_large"),
    ]
}

#[rustfmt::skip]
fn join_cases(f: &Fixture) -> Vec<Case> {
    let p = |what, body, code| case(what, "POST", &f.parts, None, j(body), 400, code);
    let unknown = format!("{}/participants", f.unknown);
    let long_id = format!("/api/appointments/{}/participants", "A".repeat(33));
    vec![
        p("empty name", json!({"name": ""}), "invalid_name"),
        p("blank name", json!({"name": "   "}), "invalid_name"),
        p("51-character name", json!({"name": "가".repeat(51)}), "invalid_name"),
        p("51-emoji name", json!({"name": "😀".repeat(51)}), "invalid_name"),
        p("name with NUL", json!({"name": "a\u{0}b"}), "invalid_name"),
        p("name with tab", json!({"name": "a\tb"}), "invalid_name"),
        p("name a number", json!({"name": 7}), "invalid_name"),
        p("no name", json!({}), "invalid_name"),
        p("3-character password", json!({"name": "New", "password": "abc"}), "invalid_password"),
        p("129-character password", json!({"name": "New", "password": "p".repeat(129)}), "invalid_password"),
        p("password a number", json!({"name": "New", "password": 12345}), "invalid_password"),
        p("join body an array", json!(["New"]), "invalid_body"),
        case("protected name, no password", "POST", &f.parts, None, j(json!({"name": "ALPHA"})), 401, "password_required"),
        case("protected name, wrong password", "POST", &f.parts, None, j(json!({"name": "alpha", "password": "beta-password-2"})), 401, "wrong_password"),
        case("join unknown appointment", "POST", &unknown, None, j(json!({"name": "New"})), 404, "not_found"),
        case("join malformed id", "POST", "/api/appointments/bad.id!/participants", None, j(json!({"name": "New"})), 404, "not_found"),
        case("join 33-character id", "POST", &long_id, None, j(json!({"name": "New"})), 404, "not_found"),
    ]
}

#[rustfmt::skip]
fn update_cases(f: &Fixture) -> Vec<Case> {
    let a = Some(f.alpha.as_str());
    let p = |what, changes, code| case(what, "PATCH", &f.avail, a, ch(changes), 400, code);
    let set = |ranges: Value| json!([{"level": "available", "slots": ranges}]);
    let many: Vec<Value> = (0..65).map(|_| json!({"level": "available", "slots": [[0, 1]]})).collect();
    let wrong = format!("{}x", f.alpha);
    let unknown_pid = format!("{}/nobody-here/availability", f.parts);
    let gamma_pid = format!("{}/{}/availability", f.parts, f.gamma_pid);
    vec![
        case("no changes", "PATCH", &f.avail, a, j(json!({})), 400, "invalid_update"),
        p("changes a number", json!(5), "invalid_update"),
        p("unknown level", json!([{"level": "maybe", "slots": [[0, 1]]}]), "invalid_update"),
        p("no level", json!([{"slots": [[0, 1]]}]), "invalid_update"),
        p("range past the grid", set(json!([[5, 7]])), "invalid_update"),
        p("range starting at the end", set(json!([[6, 7]])), "invalid_update"),
        p("empty range", set(json!([[3, 3]])), "invalid_update"),
        p("reversed range", set(json!([[4, 2]])), "invalid_update"),
        p("negative start", set(json!([[-1, 2]])), "invalid_update"),
        p("fractional start", set(json!([[0.5, 2]])), "invalid_update"),
        p("string indices", set(json!([["0", "2"]])), "invalid_update"),
        p("three-number range", set(json!([[0, 1, 2]])), "invalid_update"),
        p("end 2^32 + 6", set(json!([[0, 4_294_967_302u64]])), "invalid_update"),
        p("end 1e300", set(json!([[0, 1e300]])), "invalid_update"),
        p("overlapping ranges", set(json!([[0, 3], [2, 4]])), "invalid_update"),
        p("unsorted ranges", set(json!([[3, 4], [0, 1]])), "invalid_update"),
        p("slots a string", set(json!("0-2")), "invalid_update"),
        p("65 changes", json!(many), "invalid_update"),
        p("good change, then a bad one", json!([{"level": "if_needed", "slots": [[2, 4]]}, {"level": "available", "slots": [[0, 9]]}]), "invalid_update"),
        case("update body an array", "PATCH", &f.avail, a, j(json!([])), 400, "invalid_body"),
        case("update invalid JSON", "PATCH", &f.avail, a, raw("application/json", "{changes: []}"), 400, "invalid_json"),
        case("update without a token", "PATCH", &f.avail, None, ch(json!([])), 401, "unauthorized"),
        case("empty bearer token", "PATCH", &f.avail, Some(""), ch(json!([])), 401, "unauthorized"),
        case("wrong token", "PATCH", &f.avail, Some(&wrong), ch(json!([])), 401, "unauthorized"),
        case("token of another appointment", "PATCH", &f.avail, Some(&f.gamma), ch(json!([])), 401, "unauthorized"),
        case("someone else's token", "PATCH", &f.avail, Some(&f.beta), ch(json!([])), 403, "forbidden"),
        case("unknown participant", "PATCH", &unknown_pid, a, ch(json!([])), 404, "not_found"),
        case("participant of another appointment", "PATCH", &gamma_pid, Some(&f.gamma), ch(json!([])), 404, "not_found"),
    ]
}

#[rustfmt::skip]
fn organise_cases(f: &Fixture) -> Vec<Case> {
    let admin = Some(f.admin.as_str());
    let p = |what, body, code| case(what, "PATCH", &f.xp, admin, j(body), 400, code);
    let alpha_path = format!("{}/{}", f.parts, f.alpha_pid);
    let unknown_pid = format!("{}/nobody-here", f.parts);
    vec![
        p("final across days", json!({"final": {"start": 2, "end": 4}}), "invalid_final"),
        p("final past the grid", json!({"final": {"start": 5, "end": 7}}), "invalid_final"),
        p("empty final", json!({"final": {"start": 3, "end": 3}}), "invalid_final"),
        p("final a string", json!({"final": "soon"}), "invalid_final"),
        p("final negative", json!({"final": {"start": -1, "end": 1}}), "invalid_final"),
        p("good title, bad final", json!({"title": "new", "final": {"start": 0, "end": 9}}), "invalid_final"),
        p("empty title in PATCH", json!({"title": ""}), "invalid_title"),
        p("title a number in PATCH", json!({"title": 5}), "invalid_title"),
        p("PATCH body an array", json!([]), "invalid_body"),
        case("PATCH with a participant's token", "PATCH", &f.xp, Some(&f.alpha), j(json!({"title": "mine"})), 403, "forbidden"),
        case("PATCH with another admin token", "PATCH", &f.xp, Some(&f.other_admin), j(json!({"title": "mine"})), 401, "unauthorized"),
        case("PATCH without a token", "PATCH", &f.xp, None, j(json!({"title": "mine"})), 401, "unauthorized"),
        case("delete someone else", "DELETE", &alpha_path, Some(&f.beta), no_body(), 403, "forbidden"),
        case("delete unknown participant", "DELETE", &unknown_pid, admin, no_body(), 404, "not_found"),
        case("delete appointment, participant token", "DELETE", &f.xp, Some(&f.alpha), no_body(), 403, "forbidden"),
        case("delete appointment, wrong token", "DELETE", &f.xp, Some("nope"), no_body(), 401, "unauthorized"),
    ]
}

#[rustfmt::skip]
fn read_cases(f: &Fixture) -> Vec<Case> {
    let get = |what, path: &str, status, code| case(what, "GET", path, None, no_body(), status, code);
    let q = |n: &str| format!("{}?min_slots={n}", f.xp);
    let u = |tail: &str| format!("{}{tail}", f.unknown);
    let x = |tail: &str| format!("{}{tail}", f.xp);
    vec![
        get("min_slots=0", &q("0"), 400, "invalid_query"),
        get("min_slots=-1", &q("-1"), 400, "invalid_query"),
        get("min_slots=abc", &q("abc"), 400, "invalid_query"),
        get("min_slots=1.5", &q("1.5"), 400, "invalid_query"),
        get("view unknown appointment", &u(""), 404, "not_found"),
        get("view malformed id", "/api/appointments/%3Cscript%3E", 404, "not_found"),
        get("calendar unknown appointment", &u("/calendar.ics"), 404, "not_found"),
        get("QR unknown appointment", &u("/qr.svg"), 404, "not_found"),
        get("unknown API path", "/api/nothing-here", 404, "not_found"),
        get("GET appointments", "/api/appointments", 405, "method_not_allowed"),
        get("GET participants", &f.parts, 405, "method_not_allowed"),
        get("plain GET of the socket", &x("/live"), 426, "upgrade_required"),
        case("PUT appointment", "PUT", &f.xp, Some(&f.admin), j(json!({"title": "x"})), 405, "method_not_allowed"),
        case("POST appointment", "POST", &f.xp, Some(&f.admin), j(json!({"title": "x"})), 405, "method_not_allowed"),
        case("DELETE health", "DELETE", "/api/health", None, no_body(), 405, "method_not_allowed"),
        case("POST QR", "POST", &x("/qr.svg"), None, no_body(), 405, "method_not_allowed"),
    ]
}

/// Requests that break several rules at once: the first of 413, 415, 404,
/// 401, 403, 400 wins.
#[rustfmt::skip]
fn precedence_cases(f: &Fixture) -> Vec<Case> {
    let nowhere = format!("{}/participants/p/availability", f.unknown);
    let nobody = format!("{}/nobody-here/availability", f.parts);
    let (a, b) = (Some(f.alpha.as_str()), Some(f.beta.as_str()));
    let big = |ct| Body::Raw(ct, f.big.clone());
    vec![
        case("413 over 415, 404, 401", "PATCH", &nowhere, None, big("text/plain"), 413, "payload_too_large"),
        case("413 over 401, 400", "PATCH", &f.xp, None, big("application/json"), 413, "payload_too_large"),
        case("415 over 404, 401, 400", "PATCH", &nowhere, None, raw("text/plain", "{"), 415, "unsupported_media_type"),
        case("415 over 403", "PATCH", &f.xp, a, raw("text/plain", "{\"title\":\"x\"}"), 415, "unsupported_media_type"),
        case("415 over 400", "POST", &f.parts, None, raw("text/html", "<b>"), 415, "unsupported_media_type"),
        case("404 over 401, 400", "PATCH", &nowhere, None, raw("application/json", "{"), 404, "not_found"),
        case("404 (participant) over 403, 400", "PATCH", &nobody, b, raw("application/json", "{"), 404, "not_found"),
        case("404 over 401 on delete", "DELETE", &f.unknown, None, no_body(), 404, "not_found"),
        case("401 over 400 (bad JSON)", "PATCH", &f.avail, None, raw("application/json", "{"), 401, "unauthorized"),
        case("401 over 400 (bad final)", "PATCH", &f.xp, Some("nope"), j(json!({"final": "x"})), 401, "unauthorized"),
        case("403 over 400 (bad JSON)", "PATCH", &f.avail, b, raw("application/json", "{"), 403, "forbidden"),
        case("403 over 400 (bad range)", "PATCH", &f.avail, b, ch(json!([{"level": "available", "slots": [[0, 99]]}])), 403, "forbidden"),
        case("403 over 400 (bad final)", "PATCH", &f.xp, a, j(json!({"final": {"start": 0, "end": 99}})), 403, "forbidden"),
    ]
}

fn send(server: &Server, c: &Case) -> Resp {
    let req = server.req(c.method, &c.path).token(c.token.as_deref());
    match &c.body {
        Body::None => req.try_send(),
        Body::Json(v) => req.json(v).try_send(),
        Body::Raw(ct, bytes) => req.body(ct, bytes.clone()).try_send(),
    }
}

/// The operator's count of stored appointments; `None` while `/api/stats`
/// does not answer (its own test, in `service.rs`, reports that).
fn stats_appointments(server: &Server) -> Option<i64> {
    let r = server.req("GET", "/api/stats").token(Some(STATS)).send();
    r.json["appointments"].as_i64().filter(|_| r.status == 200)
}

#[test]
fn malformed_and_hostile_requests_are_refused_and_change_nothing() {
    // Own server: it counts every appointment stored, before and after.
    // Over 40 creation attempts in a minute: lift the creation limit.
    let server =
        Server::start_with_vars(&[("STATS_TOKEN", STATS), ("CREATE_LIMIT_PER_MINUTE", "1000")]);
    let today = today_in(ZONE);
    let day = today + Days::new(7);
    let x = create(
        &server,
        &json!({"title": "회의", "timezone": ZONE, "dates": [iso(day), iso(day + Days::new(1))],
                "start": "09:00", "end": "12:00", "slot_minutes": 60}),
    );
    let y = create(&server, &create_with("title", json!("other")));
    let alpha = join(&server, &x.id, "Alpha", Some("alpha-password-1"));
    let beta = join(&server, &x.id, "Beta", None);
    let gamma = join(&server, &y.id, "Gamma", None);
    paint(&server, &x.id, &alpha, "available", &[(0, 2)]);
    let appointments_before = stats_appointments(&server);

    let xp = format!("/api/appointments/{}", x.id);
    let parts = format!("{xp}/participants");
    let f = Fixture {
        today,
        day,
        x: x.id.clone(),
        avail: format!("{parts}/{}/availability", alpha.pid),
        xp,
        parts,
        admin: x.admin_token.clone(),
        other_admin: y.admin_token.clone(),
        alpha_pid: alpha.pid,
        alpha: alpha.token,
        beta: beta.token,
        gamma_pid: gamma.pid,
        gamma: gamma.token,
        unknown: "/api/appointments/AAAAAAAAAAAAAAAAAAAAAA".to_string(),
        big: create_of_size(64 * 1024 + 1),
    };
    let cases: Vec<Case> = [
        create_cases(&f),
        join_cases(&f),
        update_cases(&f),
        organise_cases(&f),
        read_cases(&f),
        precedence_cases(&f),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() >= 30);

    let mut before = view(&server, &f.x);
    let mut failures = Vec::new();
    for c in &cases {
        let resp = send(&server, c);
        if let Some(problem) = resp.error_problem(c.status, c.code) {
            failures.push(format!("[{}] {problem}\n{resp}", c.what));
        }
        let after = server.get(&f.xp);
        if after.json != before {
            failures.push(format!("[{}] changed the view:\n{after}", c.what));
            before = after.json;
        }
    }
    assert_eq!(
        stats_appointments(&server),
        appointments_before,
        "no refused create stored anything"
    );
    assert_eq!(
        view(&server, &y.id)["version"],
        2,
        "the other appointment is untouched"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n------\n\n")
    );
}
