//! Running the service: live sockets across a restart and a deletion,
//! expiry by each appointment's own alarm and by the cron sweep when no
//! alarm did it, and the one JSON log line per request that operators read
//! (which must never hold a token, password or name).

use chrono::{Days, Utc};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::api::*;
use support::live::Live;
use support::Server;

const ZONE: &str = "Asia/Seoul";
const STATS: &str = "operator-token-for-operations-5150";

fn weekly(title: &str) -> Value {
    json!({"title": title, "timezone": ZONE, "weekdays": ["mon", "thu"],
           "start": "09:00", "end": "11:00"})
}

fn dated(title: &str) -> Value {
    let day = today_in(ZONE) + Days::new(4);
    json!({"title": title, "timezone": ZONE, "dates": [iso(day)],
           "start": "09:00", "end": "12:00"})
}

/// Polls the operator's `appointments` count until it is `want`.
#[track_caller]
fn wait_for_count(server: &Server, want: u64, within: Duration, why: &str) {
    wait_for_stats(server, STATS, "appointments", want, within, why);
}

/// Opens two live sockets, has `who` paint slots 0–2 at `level` over HTTP,
/// and checks that the update answers with `version` and both sockets hear
/// it; the sockets, still open.
fn both_hear_an_update(
    server: &Server,
    id: &str,
    who: &Joined,
    names: [&str; 2],
    level: &str,
    version: i64,
) -> [Live; 2] {
    let mut sockets = names.map(|name| Live::connect(server, id, name));
    for s in &mut sockets {
        s.ping();
    }
    let r = paint(server, id, who, level, &[(0, 3)]);
    assert_eq!(r.json["version"], version);
    for s in &mut sockets {
        let pushed = s.expect_update(version);
        assert_eq!(pushed["participants"][0]["id"], json!(who.pid), "{pushed}");
        let (available, if_needed) = support::model::shown(&pushed["participants"][0]);
        let shown = if level == "available" {
            available
        } else {
            if_needed
        };
        assert_eq!(shown, json!([[0, 3]]), "{pushed}");
    }
    sockets
}

#[test]
fn live_sockets_hear_every_change_across_a_restart_and_the_deletion() {
    // Own server: it restarts it.
    let mut server = Server::start();
    let c = create(&server, &dated("live ops"));
    let id = c.id.as_str();
    let ann = join(&server, id, "Ann", None);

    let mut sockets = both_hear_an_update(&server, id, &ann, ["A", "B"], "available", 3);
    // Joins push the newcomer, leaving pushes who left.
    let bob = join(&server, id, "Bob", None);
    for s in &mut sockets {
        assert_eq!(s.expect_update(4)["participants"][0]["id"], json!(bob.pid));
    }
    let bob_path = format!("/api/appointments/{id}/participants/{}", bob.pid);
    server.delete(&bob_path, Some(&bob.token)).expect(204);
    for s in &mut sockets {
        assert_eq!(s.expect_update(5)["removed"], json!([bob.pid]));
    }

    drop(sockets);
    server.restart();

    // After a restart on the same storage, new sockets hear changes again.
    let mut sockets = both_hear_an_update(&server, id, &ann, ["C", "D"], "if_needed", 6);
    patch_appointment(&server, id, Some(&c.admin_token), json!({"title": "moved"})).expect(200);
    for s in &mut sockets {
        s.expect_view(7);
    }

    // Deleting the appointment tells every socket and closes it.
    server
        .delete(&format!("/api/appointments/{id}"), Some(&c.admin_token))
        .expect(204);
    for s in &mut sockets {
        s.expect_deleted_and_closed();
    }
    assert_gone(&server, id, &c.admin_token);
}

/// Someone who keeps changing a weekdays appointment, which moves its
/// expiry to the grace period after each change.
struct Keeper {
    id: String,
    who: Joined,
    painted: bool,
    changes: i64,
}

impl Keeper {
    fn join(server: &Server, id: &str) -> Keeper {
        Keeper {
            id: id.to_string(),
            who: join(server, id, "Keeper", None),
            painted: false,
            changes: 0,
        }
    }

    /// Paints or clears the first slot: always a change.
    fn change(&mut self, server: &Server) {
        self.painted = !self.painted;
        let level = if self.painted { "available" } else { "none" };
        paint(server, &self.id, &self.who, level, &[(0, 1)]);
        self.changes += 1;
    }

    /// The appointment is there with every change made.
    #[track_caller]
    fn check(&self, server: &Server) {
        let v = view(server, &self.id);
        assert_eq!(v["version"], json!(2 + self.changes), "{v}");
        let painted = if self.painted {
            json!([[0, 1]])
        } else {
            json!([])
        };
        let (available, _) = support::model::shown(participant(&v, &self.who.pid));
        assert_eq!(available, painted, "{v}");
    }
}

#[test]
fn an_expired_appointment_is_deleted_by_its_own_alarm() {
    // Own server: its variables shorten expiry, and it counts every appointment stored.
    let server = Server::start_with_vars(&[
        ("STATS_TOKEN", STATS),
        ("EXPIRY_WEEKDAYS_GRACE_SECONDS", "3"),
    ]);
    server.remember_secret(STATS);
    let before = Utc::now();
    let w = create(&server, &weekly("short-lived"));
    let busy = create(&server, &weekly("kept busy"));
    let d = create(&server, &dated("long-lived"));
    let v = view(&server, &w.id);
    // `expires_at` is shown to the second: it may read up to 1 s early.
    let expires_at = parse_utc(v["expires_at"].as_str().expect("expires_at"));
    let grace = (expires_at - before).num_milliseconds();
    assert!(
        (2_000..=4_000).contains(&grace),
        "3 s after creation, not {grace} ms: {v}"
    );
    let mut keeper = Keeper::join(&server, &busy.id);
    // Watching is not reading: an open socket must not keep it alive.
    let mut watcher = Live::connect(&server, &w.id, "watcher");
    assert_eq!(stats(&server, STATS)["appointments"], 3);

    // Nobody reads `w` from now on: only its alarm can delete it. Meanwhile
    // `busy` keeps changing, so the alarm it set when created (for the
    // same moment) must spare it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while stats(&server, STATS)["appointments"] != 2 {
        assert!(
            Instant::now() < deadline,
            "the alarm deletes it within 20 s"
        );
        keeper.change(&server);
        std::thread::sleep(Duration::from_millis(500));
    }
    let deleted_at = Utc::now();
    keeper.check(&server);
    assert!(
        deleted_at >= expires_at,
        "deleted at {deleted_at}, before it expired at {expires_at}"
    );
    watcher.expect_deleted_and_closed();
    assert_gone(&server, &w.id, &w.admin_token);

    // Left alone, `busy` expires 3 s after its last change, and the alarm it
    // rescheduled deletes it too; the dates appointment stays.
    wait_for_count(&server, 1, Duration::from_secs(20), "the alarm deletes it");
    assert_gone(&server, &busy.id, &busy.admin_token);
    view(&server, &d.id);
}

#[test]
fn the_cron_sweep_deletes_what_no_alarm_deleted() {
    // Own server: it turns expiry alarms off and runs the cron sweep over everything.
    let server = Server::start_with(
        &[
            ("STATS_TOKEN", STATS),
            ("EXPIRY_WEEKDAYS_GRACE_SECONDS", "5"),
            ("EXPIRY_ALARMS", "0"),
        ],
        &["--test-scheduled"],
    );
    server.remember_secret(STATS);
    let swept = create(&server, &weekly("left to the sweep"));
    let read = create(&server, &weekly("read after expiry"));
    let busy = create(&server, &weekly("kept busy"));
    let dates = create(&server, &dated("far from expiry"));
    let expires_at = [&swept, &read]
        .map(|c| parse_utc(c.view["expires_at"].as_str().expect("expires_at")))
        .into_iter()
        .max()
        .expect("two");
    let mut keeper = Keeper::join(&server, &busy.id);
    let mut watcher = Live::connect(&server, &swept.id, "watcher");

    // Keep changing one weekdays appointment until the others are well past
    // their expiry (shown to the second: the real one is up to 1 s later).
    while Utc::now() < expires_at + chrono::Duration::milliseconds(2_000) {
        keeper.change(&server);
        std::thread::sleep(Duration::from_millis(500));
    }
    // Expired, but with no alarm to delete them, the index still counts both.
    assert_eq!(stats(&server, STATS)["appointments"], 4);
    // A read of an expired appointment answers 404 and deletes it there and then.
    server
        .get(&format!("/api/appointments/{}", read.id))
        .expect_error(404, "not_found");
    wait_for_count(
        &server,
        3,
        Duration::from_secs(5),
        "a read deletes it on the spot",
    );

    keeper.change(&server);
    let changed_at = Instant::now();
    server.run_scheduled("17 * * * *");
    // Still within the busy appointment's 5 s: the sweep must have spared it.
    keeper.check(&server);
    assert!(
        changed_at.elapsed() < Duration::from_secs(5),
        "the test took too long to tell whether the sweep spared a live appointment"
    );
    view(&server, &dates.id);
    wait_for_count(&server, 2, Duration::from_secs(10), "the sweep deletes it");
    watcher.expect_deleted_and_closed();
    assert_gone(&server, &swept.id, &swept.admin_token);
    let sweeps: Vec<Value> = {
        server.wait_for_json_line("of the sweep", |l| l["event"] == "sweep");
        server
            .json_lines()
            .into_iter()
            .filter(|l| l["event"] == "sweep")
            .collect()
    };
    let deleted: u64 = sweeps.iter().filter_map(|l| l["deleted"].as_u64()).sum();
    assert_eq!(deleted, 1, "the sweep deleted one appointment: {sweeps:?}");

    // Sweeping again finds nothing more to do.
    server.run_scheduled("17 * * * *");
    assert_eq!(stats(&server, STATS)["appointments"], 2);
}

/// The keys of every request log line.
const LOG_KEYS: [&str; 6] = [
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "appointment",
];

#[test]
fn each_request_logs_one_json_line_without_names_or_secrets() {
    // Own server: it reads every line the server logs.
    const ONE: &str = "/api/appointments/{id}";
    const JOIN: &str = "/api/appointments/{id}/participants";
    const LEAVE: &str = "/api/appointments/{id}/participants/{pid}";
    const PAINT: &str = "/api/appointments/{id}/participants/{pid}/availability";
    let server = Server::start_with_vars(&[("STATS_TOKEN", STATS)]);
    server.remember_secret(STATS);
    // Passwords (8+ characters) and every token answered become known
    // secrets of the harness; names are added below.
    let name = "Quokka Wanderer";
    let password = "sesame-hunter-2718";

    // Each answer with the route pattern its log line must name.
    let mut sent: Vec<(support::Resp, &str)> = Vec::new();
    let r = server.send_json("POST", "/api/appointments", None, &dated("logged"));
    let id = r.expect(201).json["id"].as_str().expect("id").to_string();
    let admin = r.json["admin_token"].as_str().expect("token").to_string();
    sent.push((r, "/api/appointments"));
    let one = format!("/api/appointments/{id}");
    let join_path = format!("{one}/participants");
    let r = server.send_json(
        "POST",
        &join_path,
        None,
        &json!({"name": name, "password": password}),
    );
    let pid = r.expect(201).json["participant"]["id"]
        .as_str()
        .expect("pid")
        .to_string();
    let token = r.json["token"].as_str().expect("token").to_string();
    sent.push((r, JOIN));

    let paint = format!("{join_path}/{pid}/availability");
    let leave = format!("{join_path}/{pid}");
    let good = json!({"changes": [{"level": "available", "slots": [[0, 2]]}]});
    let bad = json!({"changes": [{"level": "available", "slots": [[0, 999]]}]});
    let wrong = json!({"name": name, "password": "not-the-password-99"});
    let again = json!({"name": name.to_uppercase(), "password": password});
    for (method, path, bearer, body, status, route) in [
        ("POST", join_path.as_str(), None, Some(wrong), 401, JOIN),
        ("POST", &join_path, None, Some(again), 200, JOIN),
        (
            "PATCH",
            &paint,
            Some(token.as_str()),
            Some(good),
            200,
            PAINT,
        ),
        ("PATCH", &paint, Some(&token), Some(bad), 400, PAINT),
        (
            "GET",
            "/api/appointments/NoSuchAppointment1",
            None,
            None,
            404,
            ONE,
        ),
        ("GET", &one, None, None, 200, ONE),
        ("GET", "/api/stats", Some(STATS), None, 200, "/api/stats"),
        ("DELETE", &leave, Some(&admin), None, 204, LEAVE),
    ] {
        let mut req = server.req(method, path).token(bearer);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send();
        r.expect(status);
        sent.push((r, route));
    }

    // Every answer names its request; no two requests share an id.
    let ids: Vec<String> = sent
        .iter()
        .map(|(r, _)| {
            let rid = r.header("x-request-id").unwrap_or_default();
            assert!(!rid.trim().is_empty(), "an x-request-id header:\n{r}");
            rid.to_string()
        })
        .collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "request ids are unique: {ids:?}"
    );
    let last = ids.last().expect("a request").clone();
    server.wait_for_json_line("for the last request", |l| l["request_id"] == last);

    let logs = server.request_logs();
    for line in &logs {
        let keys: BTreeSet<&str> = line
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            LOG_KEYS.into_iter().collect(),
            "a request log line: {line}"
        );
        let route = line["route"].as_str().unwrap_or_default();
        assert!(
            route.starts_with('/') && !route.contains(&id) && !route.contains(&pid),
            "route is a pattern, not a path: {line}"
        );
        assert!(
            line["request_id"].is_string()
                && line["method"].is_string()
                && line["status"]
                    .as_u64()
                    .is_some_and(|s| (100..600).contains(&s))
                && line["duration_ms"].is_u64()
                && (line["appointment"].is_null() || line["appointment"].is_string()),
            "a request log line: {line}"
        );
    }
    for ((resp, route), rid) in sent.iter().zip(&ids) {
        let mine: Vec<&Value> = logs.iter().filter(|l| l["request_id"] == *rid).collect();
        assert_eq!(mine.len(), 1, "one log line for request {rid}:\n{resp}");
        let line = mine[0];
        // `resp.request` starts "METHOD /path".
        let mut request = resp.request.split_whitespace();
        let (method, path) = (request.next(), request.next().unwrap_or_default());
        assert_eq!(
            (line["method"].as_str(), &line["route"], &line["status"]),
            (method, &json!(route), &json!(resp.status)),
            "the log line of\n{resp}"
        );
        // Requests about an existing appointment name it.
        if let Some(named) = path.strip_prefix("/api/appointments/") {
            let named = named.split('/').next();
            assert_eq!(line["appointment"].as_str(), named, "{line} for\n{resp}");
        }
    }

    // Nothing printed holds a token, a password or a participant's name.
    let output = server.output();
    let mut secrets = server.known_secrets();
    secrets.extend([name.to_string(), name.to_lowercase(), name.to_uppercase()]);
    assert!(secrets.contains(&token) && secrets.contains(&admin));
    for secret in &secrets {
        if let Some(line) = output.lines().find(|l| l.contains(secret.as_str())) {
            panic!("wrangler's output holds {secret:?}:\n{line}");
        }
    }
}
