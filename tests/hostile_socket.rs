//! A socket closed for flooding is closed: from the frame that breaks the
//! limit on, the appointment applies nothing more from it, so every
//! change it applied was acknowledged and the version grows by exactly
//! the acknowledgements.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::api::*;
use support::live::{Event, Live};
use support::Server;

/// Frames the flood sends (if the socket takes them all).
const FRAMES: usize = 1_000;

/// Reads what has arrived by `deadline`: acks counted in `acks`, the close
/// code returned once it came.
fn drain(flood: &mut Live, deadline: Instant, acks: &mut Vec<i64>) -> Option<Option<u16>> {
    while let Some(event) = flood.event_before(deadline) {
        match event {
            Event::Text(t) => {
                let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                match v["type"].as_str() {
                    Some("ack") => acks.push(v["version"].as_i64().expect("an ack's version")),
                    Some("update" | "view") => {}
                    _ => panic!("the flood got {t}"),
                }
            }
            Event::Closed(code) => return Some(code),
        }
    }
    None
}

#[test]
fn a_socket_closed_for_flooding_applies_nothing_more_and_every_applied_change_was_acked() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let ann = join(&server, id, "Ann", None);
    let v0 = version(&server, id);
    let mut flood = Live::connect(&server, id, "flood");
    flood.sign_in(&ann.token, &ann.pid);
    flood.set_read_timeout(Duration::from_millis(2));

    // Every frame changes something (slot 0 flips between two levels), so
    // every frame applied is one version step.
    let (mut sent, mut acks, mut closed) = (0, Vec::new(), None);
    for k in 0..FRAMES {
        let level = if k % 2 == 0 { "if_needed" } else { "available" };
        let frame = json!({"type": "update", "seq": k,
            "changes": [{"level": level, "slots": [[0, 1]]}]});
        if flood.try_send_text(&frame.to_string()).is_err() {
            break;
        }
        sent += 1;
        // Read only now and then: most frames are sent after the close
        // went out, before the client can have seen it.
        if k % 250 == 249 {
            closed = drain(&mut flood, Instant::now(), &mut acks);
            if closed.is_some() {
                break;
            }
        }
    }
    flood.set_read_timeout(Duration::from_millis(250));
    let code = match closed {
        Some(code) => code,
        None => drain(
            &mut flood,
            Instant::now() + Duration::from_secs(20),
            &mut acks,
        )
        .expect("the flood is closed"),
    };
    assert_eq!(code, Some(1008), "a flood closes the socket with 1008");

    // Whatever was still in flight has landed by now.
    std::thread::sleep(Duration::from_millis(500));
    let applied = version(&server, id) - v0;
    println!(
        "flood: {sent} frames sent, {applied} applied, {} acknowledged",
        acks.len()
    );
    assert!(sent > 121, "the flood sent past the limit: {sent}");
    assert!(!acks.is_empty(), "frames within the limit were applied");
    assert!(acks.len() <= 120, "at most 120 frames: {}", acks.len());
    assert_eq!(
        applied,
        acks.len() as i64,
        "the version grew by exactly the acks ({sent} frames sent)"
    );
    let expected: Vec<i64> = (1..=applied).map(|n| v0 + n).collect();
    assert_eq!(acks, expected, "each applied change acked with its version");

    // The appointment itself is fine.
    let mut fresh = Live::connect(&server, id, "fresh");
    fresh.sign_in(&ann.token, &ann.pid);
    let ack = fresh.update(1, &json!([{"level": "available", "slots": [[2, 4]]}]), None);
    assert_eq!(ack["version"], json!(v0 + applied + 1), "{ack}");
}
