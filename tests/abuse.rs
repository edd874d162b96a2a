//! Abuse is throttled and nothing more: guessing a name's password locks
//! that one name for the configured window (right password or not) and then
//! lets its owner in again, and each client address gets its own allowance
//! of valid appointment creations, which invalid requests do not use up.
//! Sending everything at once buys no extra tries.

use serde_json::{json, Value};
use std::time::Duration;
use support::api::*;
use support::{Resp, Server};

const STATS: &str = "operator-token-for-abuse-8080";

/// `Retry-After` as whole seconds, asserting it is there and within `1..=max`.
#[track_caller]
fn retry_after(r: &Resp, max: u64) -> u64 {
    let value = r.header("retry-after").unwrap_or_default();
    let seconds = value
        .trim()
        .parse::<u64>()
        .unwrap_or_else(|_| panic!("Retry-After in whole seconds:\n{r}"));
    assert!(
        (1..=max).contains(&seconds),
        "Retry-After between 1 and {max} s:\n{r}"
    );
    seconds
}

#[test]
fn wrong_passwords_lock_one_name_for_the_window_and_no_longer() {
    // Own server: its variables shorten the sign-in window.
    let server = Server::start_with_vars(&[
        ("SIGN_IN_MAX_FAILURES", "3"),
        ("SIGN_IN_WINDOW_SECONDS", "3"),
    ]);
    let c = create(&server, &create_with("title", json!("guarded")));
    let id = c.id.as_str();
    let target = join(&server, id, "Target", Some("target-password-1"));
    let other = join(&server, id, "Bystander", Some("bystander-password-2"));

    for i in 0..3 {
        join_raw(&server, id, "Target", Some(&format!("wrong-guess-{i}")))
            .expect_error(401, "wrong_password");
    }
    // Locked: even the right password is refused, under any spelling.
    let locked = join_raw(&server, id, "Target", Some("target-password-1"));
    locked.expect_error(429, "too_many_attempts");
    let wait = retry_after(&locked, 3);
    let locked_at = std::time::Instant::now();
    join_raw(&server, id, "tARGET", Some("target-password-1"))
        .expect_error(429, "too_many_attempts");
    join_raw(&server, id, "Target", Some("wrong-guess-9")).expect_error(429, "too_many_attempts");

    // Someone else's name is not locked, and tokens already issued still work.
    let again = join(&server, id, "Bystander", Some("bystander-password-2"));
    assert_eq!(
        (again.status, again.pid.as_str()),
        (200, other.pid.as_str())
    );
    join_raw(&server, id, "Bystander", Some("wrong-guess-0")).expect_error(401, "wrong_password");
    paint(&server, id, &target, "available", &[(0, 1)]);

    // Once Retry-After has passed, the right password signs in again.
    std::thread::sleep(
        (Duration::from_secs(wait) + Duration::from_millis(200))
            .saturating_sub(locked_at.elapsed()),
    );
    let back = join(&server, id, "Target", Some("target-password-1"));
    assert_eq!((back.status, back.pid.as_str()), (200, target.pid.as_str()));
    paint(&server, id, &back, "if_needed", &[(1, 2)]);
    // The lock was the window's, not for ever: one wrong guess is a 401 again.
    join_raw(&server, id, "Target", Some("wrong-guess-10")).expect_error(401, "wrong_password");
}

#[test]
fn creations_are_limited_per_client_address_and_invalid_ones_do_not_count() {
    // Own server: its variables lower the creation limit, and it counts every appointment stored.
    let server =
        Server::start_with_vars(&[("CREATE_LIMIT_PER_MINUTE", "3"), ("STATS_TOKEN", STATS)]);
    server.remember_secret(STATS);
    let me = "203.0.113.7";
    let create_from = |address: &str, body: &Value| -> Resp {
        server
            .req("POST", "/api/appointments")
            .header("CF-Connecting-IP", address)
            .json(body)
            .send()
    };

    // Rejected requests, however many, use up nothing.
    for (body, code) in [
        (create_with("-title", Value::Null), "invalid_title"),
        (
            create_with("timezone", json!("Mars/Olympus_Mons")),
            "invalid_timezone",
        ),
        (
            create_with("slot_minutes", json!(7)),
            "invalid_slot_minutes",
        ),
        (create_with("start", json!("13:00")), "invalid_time_window"),
        (create_with("dates", json!([])), "invalid_dates"),
    ] {
        create_from(me, &body).expect_error(400, code);
    }
    for (content_type, body, status, code) in [
        ("application/json", b"{".to_vec(), 400, "invalid_json"),
        ("text/plain", b"{}".to_vec(), 415, "unsupported_media_type"),
        (
            "application/json",
            create_of_size(64 * 1024 + 1),
            413,
            "payload_too_large",
        ),
    ] {
        server
            .req("POST", "/api/appointments")
            .header("CF-Connecting-IP", me)
            .body(content_type, body)
            .send()
            .expect_error(status, code);
    }
    assert_eq!(stats(&server, STATS)["appointments"], 0);

    for i in 0..3 {
        create_from(me, &create_with("title", json!(format!("valid {i}")))).expect(201);
    }
    let refused = create_from(me, &create_with("title", json!("one too many")));
    refused.expect_error(429, "too_many_attempts");
    retry_after(&refused, 60);
    assert_eq!(
        stats(&server, STATS)["appointments"],
        3,
        "a refused creation stores nothing"
    );

    // Another address has its own allowance.
    create_from("198.51.100.23", &create_with("title", json!("elsewhere"))).expect(201);
    create_from(me, &create_with("title", json!("still too many")))
        .expect_error(429, "too_many_attempts");
    assert_eq!(stats(&server, STATS)["appointments"], 4);

    // Creations sent all at once from one address get the same allowance.
    let burst: Vec<Resp> = std::thread::scope(|s| {
        let sent: Vec<_> = (0..8)
            .map(|i| {
                let create_from = &create_from;
                s.spawn(move || {
                    create_from(
                        "192.0.2.55",
                        &create_with("title", json!(format!("burst {i}"))),
                    )
                })
            })
            .collect();
        sent.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let created = burst.iter().filter(|r| r.status == 201).count();
    for r in burst.iter().filter(|r| r.status != 201) {
        r.expect_error(429, "too_many_attempts");
    }
    assert_eq!(created, 3, "3 of 8 simultaneous creations pass");
    assert_eq!(stats(&server, STATS)["appointments"], 7);
}

#[test]
fn guesses_sent_all_at_once_get_no_more_tries_than_one_after_another() {
    // Own server: its variables set the sign-in limit.
    let server = Server::start_with_vars(&[
        ("SIGN_IN_MAX_FAILURES", "3"),
        ("SIGN_IN_WINDOW_SECONDS", "600"),
    ]);
    let c = create(&server, &create_with("title", json!("guarded")));
    let id = c.id.as_str();
    join(&server, id, "Target", Some("target-password-1"));
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let guesses: Vec<_> = (0..24)
            .map(|i| {
                let server = &server;
                s.spawn(move || {
                    join_raw(server, id, "Target", Some(&format!("wrong-guess-{i:02}")))
                })
            })
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    let mut wrong = 0;
    for r in &answers {
        match r.status {
            401 => {
                r.expect_error(401, "wrong_password");
                wrong += 1;
            }
            _ => {
                r.expect_error(429, "too_many_attempts");
                retry_after(r, 600);
            }
        }
    }
    assert_eq!(wrong, 3, "exactly 3 guesses were checked, the rest refused");
}
