//! The service as a whole: health, the OpenAPI document, operator stats.

use chrono::Days;
use serde_json::json;
use support::api::*;
use support::Server;

const STATS: &str = "operator-secret-token-42";

#[test]
fn health_and_openapi_describe_the_service() {
    let server = Server::shared();
    let health = server.get("/api/health");
    assert_eq!(health.expect(200).json, json!({"status": "ok"}));
    health.expect_content_type("application/json");

    let doc = server.get("/api/openapi.json");
    doc.expect(200);
    let openapi = doc.json["openapi"].as_str().unwrap_or_default();
    assert!(openapi.starts_with("3.1"), "OpenAPI 3.1, got {openapi:?}");
    let paths = doc.json["paths"].as_object().expect("paths");
    // Parameter names are the document's own choice: compare with `{}`.
    let normalised: Vec<(String, &serde_json::Value)> = paths
        .iter()
        .map(|(p, item)| {
            let mut out = String::new();
            let mut inside = false;
            for ch in p.chars() {
                match ch {
                    '{' => (inside, out) = (true, out + "{}"),
                    '}' => inside = false,
                    _ if inside => {}
                    _ => out.push(ch),
                }
            }
            (out, item)
        })
        .collect();
    for (method, path) in [
        ("post", "/api/appointments"),
        ("get", "/api/appointments/{}"),
        ("patch", "/api/appointments/{}"),
        ("delete", "/api/appointments/{}"),
        ("post", "/api/appointments/{}/participants"),
        ("patch", "/api/appointments/{}/participants/{}/availability"),
        ("delete", "/api/appointments/{}/participants/{}"),
        ("get", "/api/appointments/{}/qr.svg"),
        ("get", "/api/appointments/{}/calendar.ics"),
        ("get", "/api/appointments/{}/live"),
        ("get", "/api/health"),
        ("get", "/api/stats"),
        ("get", "/api/openapi.json"),
    ] {
        let item = normalised.iter().find(|(p, _)| p == path).map(|(_, i)| i);
        assert!(
            item.is_some_and(|i| i.get(method).is_some()),
            "the document has {} {path}; paths: {:?}",
            method.to_uppercase(),
            paths.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn stats_answer_only_the_operator() {
    let plain = Server::shared();
    plain.get("/api/stats").expect_error(404, "not_found");
    plain
        .req("GET", "/api/stats")
        .token(Some(STATS))
        .send()
        .expect_error(404, "not_found");
    drop(plain);

    // Its own server from here: it waits on its alarms and counts everything.
    // Updates reach the index in batches, once a minute in production; a
    // one-second batch keeps the test short.
    let server = Server::start_with_vars(&[("STATS_TOKEN", STATS), ("STATS_FLUSH_SECONDS", "1")]);
    server.remember_secret(STATS);
    server.get("/api/stats").expect_error(401, "unauthorized");
    server
        .req("GET", "/api/stats")
        .token(Some("not-the-operator"))
        .send()
        .expect_error(401, "unauthorized");
    let day = today_in("Asia/Seoul") + Days::new(2);
    let c = create(
        &server,
        &json!({"title": "s", "timezone": "Asia/Seoul", "dates": [iso(day)],
        "start": "09:00", "end": "10:00"}),
    );
    let p = join(&server, &c.id, "Stat", None);
    paint(&server, &c.id, &p, "available", &[(0, 1)]);
    // Wait for the batch (one second here) to land in the index.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let r = loop {
        let r = server.req("GET", "/api/stats").token(Some(STATS)).send();
        r.expect(200);
        let settled = r.json["participants"] == 1 && r.json["updates_24h"].as_u64() >= Some(1);
        if settled || std::time::Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    for key in [
        "appointments",
        "active_appointments_7d",
        "participants",
        "updates_24h",
    ] {
        assert!(r.json[key].is_u64(), "{key} is a count:\n{r}");
    }
    assert_eq!(r.json["appointments"], 1, "{r}");
    assert_eq!(r.json["active_appointments_7d"], 1, "{r}");
    assert_eq!(r.json["participants"], 1, "{r}");
    assert!(
        r.json["updates_24h"].as_u64() >= Some(1),
        "one availability update:\n{r}"
    );

    // A deleted appointment leaves the index.
    let path = format!("/api/appointments/{}", c.id);
    server.delete(&path, Some(&c.admin_token)).expect(204);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let r = server.req("GET", "/api/stats").token(Some(STATS)).send();
        if r.json["appointments"] == 0 && r.json["participants"] == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "deleted, yet counted:\n{r}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn public_origin_sets_the_shared_link_and_the_qr_code() {
    // Own server: its variables set the public origin.
    let server = Server::start_with_vars(&[("PUBLIC_ORIGIN", "https://meet.example")]);
    let day = today_in("Asia/Seoul") + Days::new(2);
    let c = create(
        &server,
        &json!({"title": "o", "timezone": "Asia/Seoul", "dates": [iso(day)],
                "start": "09:00", "end": "10:00"}),
    );
    assert_eq!(c.url, format!("https://meet.example/a/{}", c.id));
    let qr = server.get(&format!("/api/appointments/{}/qr.svg", c.id));
    assert!(qr.expect(200).body.contains("<svg"), "{qr}");
}

#[test]
fn availability_updates_reach_the_index_only_in_the_alarms_batch() {
    // Own server: it waits on its alarms and counts every update stored.
    // A batch window long enough for every update below to be answered
    // before it closes, short enough to wait for.
    let server = Server::start_with_vars(&[("STATS_TOKEN", STATS), ("STATS_FLUSH_SECONDS", "8")]);
    server.remember_secret(STATS);
    let day = today_in("Asia/Seoul") + Days::new(2);
    let c = create(
        &server,
        &json!({"title": "b", "timezone": "Asia/Seoul", "dates": [iso(day)],
                "start": "09:00", "end": "12:00", "slot_minutes": 10}),
    );
    let p = join(&server, &c.id, "Batch", None);
    let started = std::time::Instant::now();
    const UPDATES: u64 = 20;
    for i in 0..UPDATES {
        let level = if i % 2 == 0 { "available" } else { "if_needed" };
        paint(&server, &c.id, &p, level, &[(0, 18)]);
    }
    let s = stats(&server, STATS);
    if started.elapsed() < std::time::Duration::from_secs(7) {
        // Answered before the batch was due: nothing of them is in D1 yet.
        assert_eq!(s["updates_24h"], 0, "an update wrote to D1 itself:\n{s}");
    }
    wait_for_stats(
        &server,
        STATS,
        "updates_24h",
        UPDATES,
        std::time::Duration::from_secs(30),
        "the alarm counts every update in the index",
    );
}
