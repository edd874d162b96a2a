//! The live socket's protocol, one client at a time: the hello carries the
//! current version and a change to anything but availability says "fetch
//! the view"; edits sent over the socket are checked like HTTP ones, so a
//! bad one gets an error frame with the HTTP API's code, changes nothing
//! and leaves the socket usable; an abusive socket (a frame over 64 KiB,
//! a flood of frames) is closed with 1008 (policy) and nobody else notices.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::api::*;
use support::live::{Event, Live};
use support::model;
use support::Server;

/// Asserts that `answer` is `{"type":"error","error":{"code":code,"message":…}}`,
/// with `"seq":seq` when given and no `seq` otherwise.
#[track_caller]
fn assert_error(answer: &Value, code: &str, seq: Option<u64>, what: &str) {
    assert_eq!(answer["type"], "error", "{what}: an error frame: {answer}");
    assert_eq!(answer["error"]["code"], code, "{what}: the code: {answer}");
    let status = answer["status"].as_u64().unwrap_or(0);
    assert!(
        (400..600).contains(&status),
        "{what}: the HTTP status of the code: {answer}"
    );
    let message = answer["error"]["message"].as_str().unwrap_or("");
    assert!(
        !message.trim().is_empty(),
        "{what}: an error has a message a person can act on: {answer}"
    );
    assert_eq!(
        answer.get("seq").and_then(Value::as_u64),
        seq,
        "{what}: the error names the update it answers: {answer}"
    );
}

/// Sends "ping" and expects "pong", stepping over pushes.
#[track_caller]
fn still_answers(live: &mut Live, what: &str) {
    live.send_text("ping");
    loop {
        match live.next_event() {
            Event::Text(t) if t == "pong" => return,
            Event::Text(t) if t.contains("\"update\"") || t.contains("\"view\"") => {}
            other => panic!("{what}: ping got {other:?}, not pong"),
        }
    }
}

#[test]
fn a_bad_socket_update_gets_an_error_frame_changes_nothing_and_the_socket_stays_usable() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let ann = join(&server, id, "Ann", Some("ann-password-1"));
    let bob = join(&server, id, "Bob", None);
    let v0 = version(&server, id);
    let mut live = Live::connect(&server, id, "ann's phone");
    assert_eq!(live.hello, v0);
    let one = json!([{"level": "available", "slots": [[0, 6]]}]);

    // Before signing in, and with a token that is no participant's.
    assert_error(
        &live.update(1, &one, None),
        "unauthorized",
        Some(1),
        "unsigned update",
    );
    let bad = live.auth("not-a-real-token-0000000000000000");
    assert_error(&bad, "unauthorized", None, "auth with a made-up token");
    assert_error(
        &live.update(2, &one, None),
        "unauthorized",
        Some(2),
        "update after a refused auth",
    );
    assert_error(
        &live.update(3, &one, Some(&ann.pid)),
        "unauthorized",
        Some(3),
        "update naming a participant, unsigned",
    );

    live.sign_in(&ann.token, &ann.pid);
    // Frames that are not the protocol's (checked signed in: like HTTP,
    // an unsigned update is refused as such before its body is read).
    let malformed: [(&str, &str, Option<u64>); 9] = [
        ("not json", "invalid_json", None),
        ("{\"type\":\"update\",\"seq\":4,", "invalid_json", None),
        ("{\"type\":\"shout\",\"seq\":5}", "invalid_body", Some(5)),
        ("{\"seq\":6}", "invalid_body", Some(6)),
        ("{\"type\":\"auth\"}", "invalid_body", None),
        ("{\"type\":\"auth\",\"token\":42}", "invalid_body", None),
        ("[\"update\"]", "invalid_body", None),
        ("42", "invalid_body", None),
        ("\"ping\"", "invalid_body", None),
    ];
    for (frame, code, seq) in malformed {
        live.send_text(frame);
        assert_error(&live.reply(), code, seq, &format!("the frame {frame:?}"));
    }
    // An update without changes gets what the HTTP update without them
    // gets.
    let path = format!(
        "/api/appointments/{id}/participants/{}/availability",
        ann.pid
    );
    let http = server.send_json("PATCH", &path, Some(&ann.token), &json!({}));
    assert_eq!(http.status, 400, "{http}");
    live.send_text("{\"type\":\"update\",\"seq\":7}");
    let code = http.json["error"]["code"].as_str().expect("a code");
    let answer = live.reply();
    assert_error(&answer, code, Some(7), "an update without changes");
    assert_eq!(
        answer["status"], http.status,
        "the socket says HTTP's status"
    );
    still_answers(&mut live, "after malformed frames");

    // Someone else's participant.
    assert_error(
        &live.update(10, &one, Some(&bob.pid)),
        "forbidden",
        Some(10),
        "Ann updating Bob",
    );
    // Bad changes get what the HTTP update would answer for the same
    // changes, and a bad range is `invalid_update`.
    let bad_changes = [
        json!([{"level": "available", "slots": [[5, 3]]}]),
        json!([{"level": "available", "slots": [[0, 13]]}]),
        json!([{"level": "available", "slots": [[-1, 2]]}]),
        json!([{"level": "available", "slots": [[0, 2], [1, 3]]}]),
        json!([{"level": "maybe", "slots": [[0, 2]]}]),
        json!([{"level": "available"}]),
        json!("all"),
    ];
    for (k, changes) in bad_changes.iter().enumerate() {
        let seq = 11 + k as u64;
        let http = update(&server, id, &ann.pid, Some(&ann.token), changes.clone());
        assert_eq!(http.status, 400, "HTTP refuses {changes}:\n{http}");
        let code = http.json["error"]["code"].as_str().expect("an error code");
        if k < 4 {
            assert_eq!(code, "invalid_update", "a bad range:\n{http}");
        }
        let answer = live.update(seq, changes, None);
        assert_error(&answer, code, Some(seq), &format!("the changes {changes}"));
    }
    assert_eq!(version(&server, id), v0, "nothing changed");
    still_answers(&mut live, "after refused updates");

    // The socket still edits; the same update twice changes nothing more.
    for seq in [30, 31] {
        let ack = live.update(seq, &one, None);
        assert_eq!(
            (&ack["type"], &ack["seq"], &ack["version"]),
            (&json!("ack"), &json!(seq), &json!(v0 + 1)),
            "update {seq} is acknowledged at version {}: {ack}",
            v0 + 1
        );
        assert_eq!(ack["participant"]["id"], ann.pid);
        let (available, _) = model::shown(&ack["participant"]);
        assert_eq!(available, json!([[0, 6]]), "{ack}");
        assert!(
            !ack.to_string().contains(&ann.token),
            "an ack carries no token: {ack}"
        );
    }
    assert_eq!(version(&server, id), v0 + 1, "one change, applied once");
    let shown = model::shown(participant(&view(&server, id), &ann.pid)).0;
    assert_eq!(shown, json!([[0, 6]]), "the view shows the socket's update");

    // Signed in as Bob on another phone, who then leaves over HTTP: his
    // socket's next update finds no participant.
    let mut bobs = Live::connect(&server, id, "bob's phone");
    assert_eq!(bobs.hello, v0 + 1);
    bobs.sign_in(&bob.token, &bob.pid);
    assert_error(
        &bobs.update(1, &one, Some(&ann.pid)),
        "forbidden",
        Some(1),
        "Bob updating Ann",
    );
    let path = format!("/api/appointments/{id}/participants/{}", bob.pid);
    server.delete(&path, Some(&bob.token)).expect(204);
    let after_leaving = version(&server, id);
    assert_error(
        &bobs.update(2, &one, None),
        "not_found",
        Some(2),
        "update after leaving",
    );
    assert_eq!(version(&server, id), after_leaving, "nothing changed");
    still_answers(&mut bobs, "after leaving");
    still_answers(&mut live, "at the end");
}

#[test]
fn an_oversized_frame_or_a_flood_closes_the_socket_with_1008_and_spares_the_others() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let ann = join(&server, id, "Ann", None);
    let v0 = version(&server, id);
    let mut watcher = Live::connect(&server, id, "watcher");
    assert_eq!(watcher.hello, v0);

    // Just under 64 KiB of garbage is only malformed; over it is abuse.
    let mut near = Live::connect(&server, id, "near the limit");
    near.send_text(&"x".repeat(60 * 1024));
    assert_error(&near.reply(), "invalid_json", None, "60 KiB of garbage");
    still_answers(&mut near, "after 60 KiB");

    for size in [64 * 1024 + 1, 70_000, 1_000_000] {
        let mut big = Live::connect(&server, id, &format!("{size} bytes"));
        big.sign_in(&ann.token, &ann.pid);
        // A valid update padded past the limit.
        let frame = json!({"type": "update", "seq": 1, "pad": "",
            "changes": [{"level": "available", "slots": [[0, 6]]}]})
        .to_string();
        let padded = frame.replacen(
            "\"pad\":\"\"",
            &format!("\"pad\":\"{}\"", "x".repeat(size - frame.len())),
            1,
        );
        assert_eq!(padded.len(), size);
        big.send_text(&padded);
        assert_eq!(
            big.expect_closed(),
            Some(1008),
            "a {size}-byte frame closes the socket with 1008 (policy)"
        );
    }

    // 300 small frames at once: more than 120 within 10 s. (Not pings:
    // the runtime answers those without the object, so they count as
    // nothing.)
    let mut flood = Live::connect(&server, id, "flood");
    flood.set_read_timeout(Duration::from_millis(2));
    let (mut answered, mut closed) = (0, None);
    'flood: for batch in 0..30 {
        for _ in 0..10 {
            if flood.try_send_text(r#"{"type":"dance"}"#).is_err() {
                break 'flood;
            }
        }
        // Read what has come so far, without waiting.
        while let Some(event) = flood.event_before(Instant::now()) {
            match event {
                Event::Text(t) if t.contains(r#""type":"error""#) => answered += 1,
                Event::Text(t) => panic!("flood: {t} during batch {batch}"),
                Event::Closed(code) => {
                    closed = Some(code);
                    break 'flood;
                }
            }
        }
    }
    flood.set_read_timeout(Duration::from_millis(250));
    let code = match closed {
        Some(code) => code,
        None => loop {
            match flood.next_event() {
                Event::Text(t) if t.contains(r#""type":"error""#) => answered += 1,
                Event::Text(t) => panic!("flood: {t}"),
                Event::Closed(code) => break code,
            }
        },
    };
    assert_eq!(code, Some(1008), "a flood closes the socket with 1008");
    // The frame that crosses the line may still be answered.
    assert!(
        answered <= 121,
        "no more than 120 frames answered: {answered}"
    );

    // Nobody else noticed: nothing changed and other sockets work.
    assert_eq!(version(&server, id), v0);
    still_answers(&mut watcher, "the watcher");
    let mut fresh = Live::connect(&server, id, "fresh");
    assert_eq!(fresh.hello, v0);
    fresh.sign_in(&ann.token, &ann.pid);
    let ack = fresh.update(1, &json!([{"level": "if_needed", "slots": [[2, 4]]}]), None);
    assert_eq!(
        (&ack["type"], &ack["version"]),
        (&json!("ack"), &json!(v0 + 1)),
        "{ack}"
    );
    assert_eq!(
        watcher.next_json()["version"],
        v0 + 1,
        "the watcher hears it"
    );
}

#[test]
fn hello_carries_the_current_version_and_other_changes_say_fetch_the_view() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let mut first = Live::connect(&server, id, "first");
    assert_eq!(first.hello, 1, "a new appointment is at version 1");

    let ann = join(&server, id, "Ann", None);
    let pushed = first.expect_update(2);
    assert_eq!(pushed["participants"][0]["id"], ann.pid, "{pushed}");
    paint(&server, id, &ann, "available", &[(0, 3)]);
    first.expect_update(3);
    let mut second = Live::connect(&server, id, "second");
    assert_eq!(second.hello, 3, "a later socket hears the version of now");

    // A change to anything but availability: fetch the view.
    let admin = Some(created.admin_token.as_str());
    patch_appointment(&server, id, admin, json!({"title": "새 제목"})).expect(200);
    for live in [&mut first, &mut second] {
        assert_eq!(live.next_json(), json!({"type": "view", "version": 4}));
    }
    let mut third = Live::connect(&server, id, "third");
    assert_eq!(third.hello, 4);

    server
        .delete(&format!("/api/appointments/{id}"), admin)
        .expect(204);
    for live in [&mut first, &mut second, &mut third] {
        live.expect_deleted_and_closed();
    }
}
