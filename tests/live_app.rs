//! What a page needs to keep its copy of the view without fetching it:
//! every `update` push names the version of the socket's previous message
//! (`since`) and carries the group's counts and best times, exactly as the
//! view has them; an update names the grid it was painted on (`layout`)
//! and is refused with `409 schedule_changed` after the organiser changed
//! it; and nobody's request waits on (or fails with) the D1 index.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::api::*;
use support::live::Live;
use support::Server;

/// Reads pushes until one carries `version`, and then those of no change
/// that bring best times held back (a push sends changed best times at
/// most once a second, and one of no change follows with the last);
/// each must follow the one before it (`since` = the previous message's
/// version, starting at `from`). The last push, with the newest `best`
/// any of them carried (a push leaves it out when it did not change).
#[track_caller]
fn follow(socket: &mut Live, from: i64, version: i64) -> Value {
    let mut at = from;
    let mut best = None;
    let mut last: Option<Value> = None;
    loop {
        let mut push = match &last {
            None => socket.next_json(),
            // Held-back best times come within a second.
            Some(_) => {
                let quiet = Instant::now() + Duration::from_millis(1_500);
                match socket.event_before(quiet) {
                    Some(support::live::Event::Text(text)) => {
                        serde_json::from_str(&text).expect("a JSON push")
                    }
                    Some(closed) => panic!("the socket closed: {closed:?}"),
                    None => {
                        let mut push = last.take().expect("a push");
                        push["best"] = best.expect("a push carried the best times");
                        return push;
                    }
                }
            }
        };
        assert_eq!(push["type"], "update", "an update push: {push}");
        assert_eq!(
            push["since"], at,
            "since is the previous message's version: {push}"
        );
        assert!(
            push.get("counts").is_some(),
            "every push has the counts: {push}"
        );
        if let Some(b) = push.get("best") {
            best = Some(b.clone());
        }
        at = push["version"].as_i64().expect("version");
        assert!(at <= version, "no push beyond {version}: {push}");
        if at == version {
            push["best"] = Value::Null;
            last = Some(push);
        }
    }
}

#[test]
fn every_push_follows_the_last_and_carries_the_views_counts_and_best() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let mut early = Live::connect(&server, &c.id, "early");
    assert_eq!(early.hello, 1);
    let ann = join(&server, &c.id, "Ann", None);
    let bo = join(&server, &c.id, "Bo", None);
    paint(&server, &c.id, &ann, "available", &[(0, 4)]).expect(200);
    // A page that opens now starts from its hello.
    let mut late = Live::connect(&server, &c.id, "late");
    let from = late.hello;
    paint(&server, &c.id, &bo, "if_needed", &[(2, 6)]).expect(200);
    paint(&server, &c.id, &bo, "available", &[(3, 4)]).expect(200);
    let last = version(&server, &c.id);
    assert_eq!(last, 6);

    let v = view(&server, &c.id);
    for (socket, start) in [(&mut early, 1), (&mut late, from)] {
        let push = follow(socket, start, last);
        assert_eq!(
            push["counts"], v["counts"],
            "the push's counts are the view's"
        );
        assert_eq!(
            push["best"], v["best"],
            "the push's best times are the view's"
        );
    }
    assert_eq!(v["counts"]["available"][3], 2, "{v}");
}

#[test]
fn a_change_painted_on_a_grid_the_organiser_changed_is_refused_and_changes_nothing() {
    let server = Server::shared();
    let (c, _) = create_two_days(&server);
    let ann = join(&server, &c.id, "Ann", None);
    let before = view(&server, &c.id);
    let old = before["layout"]
        .as_str()
        .expect("the view names its grid")
        .to_string();
    assert!(
        !old.is_empty() && old.len() <= 16,
        "a short string: {old:?}"
    );
    let path = format!(
        "/api/appointments/{}/participants/{}/availability",
        c.id, ann.pid
    );
    let on = |layout: &str, slots: Value| json!({"changes": [{"level": "available", "slots": slots}], "layout": layout});
    server
        .send_json("PATCH", &path, Some(&ann.token), &on(&old, json!([[0, 2]])))
        .expect(200);
    // Renaming changes no slot: the layout stays.
    patch_appointment(
        &server,
        &c.id,
        Some(&c.admin_token),
        json!({"title": "새 이름"}),
    )
    .expect(200);
    assert_eq!(view(&server, &c.id)["layout"], old.as_str());

    // The organiser starts the days an hour earlier: slot 0 is another time.
    patch_appointment(
        &server,
        &c.id,
        Some(&c.admin_token),
        json!({"start": "08:00"}),
    )
    .expect(200);
    let after = view(&server, &c.id);
    let new = after["layout"].as_str().expect("layout").to_string();
    assert_ne!(new, old, "a new grid, a new layout");
    let v0 = after["version"].as_i64().unwrap();
    server
        .send_json("PATCH", &path, Some(&ann.token), &on(&old, json!([[4, 6]])))
        .expect_error(409, "schedule_changed");
    // Even ranges that fit no grid: the grid is what is wrong.
    server
        .send_json(
            "PATCH",
            &path,
            Some(&ann.token),
            &on(&old, json!([[0, 9999]])),
        )
        .expect_error(409, "schedule_changed");
    let mut socket = Live::connect(&server, &c.id, "painter");
    socket.sign_in(&ann.token, &ann.pid);
    socket.send_json(&json!({"type": "update", "seq": 7, "changes":
        [{"level": "available", "slots": [[4, 6]]}], "layout": old}));
    let answer = socket.reply();
    assert_eq!(
        (&answer["type"], &answer["seq"], &answer["error"]["code"]),
        (&json!("error"), &json!(7), &json!("schedule_changed")),
        "{answer}"
    );
    assert_eq!(view(&server, &c.id), after, "nothing changed");
    assert_eq!(version(&server, &c.id), v0);

    // The current layout, or none (an API client as before), applies.
    server
        .send_json("PATCH", &path, Some(&ann.token), &on(&new, json!([[4, 6]])))
        .expect(200);
    update(
        &server,
        &c.id,
        &ann.pid,
        Some(&ann.token),
        json!([{"level": "if_needed", "slots": [[6, 7]]}]),
    )
    .expect(200);
    assert_eq!(version(&server, &c.id), v0 + 2);
    // A layout that is not a string is a malformed body.
    server
        .send_json(
            "PATCH",
            &path,
            Some(&ann.token),
            &json!({"changes": [{"level": "available", "slots": [[0, 1]]}], "layout": 7}),
        )
        .expect_error(400, "invalid_body");
}

#[test]
fn joining_painting_and_editing_work_while_the_index_cannot_be_written() {
    // Own server: its index's binding names a database that does not
    // exist, so every D1 write fails, as when D1 is down.
    let server = Server::start_with_vars(&[("INDEX_DB", "NO_SUCH_DATABASE")]);
    let (c, _) = create_two_days(&server);
    let ann = join(&server, &c.id, "Ann", None);
    let bo = join(&server, &c.id, "Bo", Some("secret-pw"));
    paint(&server, &c.id, &ann, "available", &[(0, 3)]).expect(200);
    paint(&server, &c.id, &bo, "if_needed", &[(1, 2)]).expect(200);
    patch_appointment(
        &server,
        &c.id,
        Some(&c.admin_token),
        json!({"title": "그대로"}),
    )
    .expect(200);
    server
        .req(
            "DELETE",
            &format!("/api/appointments/{}/participants/{}", c.id, bo.pid),
        )
        .token(Some(&ann.token))
        .send()
        .expect_error(403, "forbidden");
    server
        .req(
            "DELETE",
            &format!("/api/appointments/{}/participants/{}", c.id, bo.pid),
        )
        .token(Some(&c.admin_token))
        .send()
        .expect(204);
    let v = view(&server, &c.id);
    assert_eq!(v["participants"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["counts"]["available"][0], 1, "{v}");

    // The failures are logged, with the request that caused them, to be
    // retried by the alarm.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.output();
        if log.contains("the index write is retried by the alarm") && log.contains("request ") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no index failure logged:\n{}",
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
