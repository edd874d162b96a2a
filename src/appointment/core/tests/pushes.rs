//! Live pushes as the core builds them, and frames from a socket.

use serde_json::{json, Value};

use super::*;
use crate::appointment::core::live::{Attachment, FrameOutcome};
use crate::domain::live::{Due, LiveMessage};

fn socket(object: &Object) -> Attachment {
    let mut fx = Effects::default();
    let (attachment, hello) = object.core.hello(true, NOW, &mut fx).unwrap();
    assert!(matches!(hello, LiveMessage::Hello { .. }));
    attachment
}

/// The pushes due now, as JSON, with the sockets each goes to.
fn pushed(object: &Object, now: i64, sockets: &[Attachment]) -> Vec<(Value, Vec<usize>)> {
    assert_eq!(object.core.push_due(now as f64), Some(Due::Now));
    object
        .core
        .push(now as f64, sockets)
        .into_iter()
        .map(|(text, to)| (serde_json::from_str(&text).unwrap(), to))
        .collect()
}

#[test]
fn an_update_is_pushed_with_its_since_counts_and_best_windows() {
    let object = Object::new();
    object.create();
    let sockets = [socket(&object), socket(&object)];
    let (pid, token) = object.join("Minji", None);
    let joined = pushed(&object, NOW, &sockets);
    assert_eq!(joined.len(), 1);
    let (message, to) = &joined[0];
    assert_eq!(to, &[0, 1]);
    assert_eq!(message["type"], "update");
    assert_eq!(
        (message["since"].as_i64(), message["version"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(message["participants"][0]["id"], pid.as_str());

    // 200 ms later (past the pacing), a paint: since the last push.
    let later = NOW + 200;
    let got = object.paint(&pid, &token, "available", json!([[0, 2]]), later);
    assert!(got.effects.pushes);
    let painted = pushed(&object, later, &sockets);
    let (message, _) = &painted[0];
    assert_eq!(
        (message["since"].as_i64(), message["version"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(message["counts"]["available"], json!([1, 1, 0]));
    assert!(message["best"].is_array(), "{message}");
    // Nothing is left pending.
    assert_eq!(object.core.push_due(later as f64), None);
}

#[test]
fn a_removal_is_pushed_and_a_quick_second_change_waits_for_the_timer() {
    let object = Object::new();
    let admin = object.create();
    let sockets = [socket(&object)];
    let (pid, _) = object.join("Minji", None);
    pushed(&object, NOW, &sockets);
    let leave = Command::Leave {
        participant: pid.clone(),
    };
    object.call(leave, Some(&admin), Value::Null, NOW + 10);
    // Pushed 10 ms ago: this one waits.
    assert!(matches!(
        object.core.push_due((NOW + 10) as f64),
        Some(Due::After(_))
    ));
    assert_eq!(object.core.push_due((NOW + 20) as f64), Some(Due::Waiting));
    object.core.push_timer_fired();
    let removed = pushed(&object, NOW + 300, &sockets);
    let (message, _) = &removed[0];
    assert_eq!(message["removed"], json!([pid]));
    assert_eq!(
        (message["since"].as_i64(), message["version"].as_i64()),
        (Some(2), Some(3))
    );
}

#[test]
fn a_socket_signs_in_and_paints_and_is_acknowledged() {
    let object = Object::new();
    object.create();
    let (pid, token) = object.join("Minji", None);
    let mut attachment = socket(&object);
    let mut fx = Effects::default();
    let auth = json!({"type": "auth", "token": token}).to_string();
    match object.core.frame(&mut attachment, &auth, NOW, &mut fx) {
        FrameOutcome::Reply { message, store } => {
            assert!(store);
            assert!(
                matches!(&message, LiveMessage::Auth { participant: Some(p), admin: false } if *p == pid),
                "{message:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(attachment.participant.as_deref(), Some(pid.as_str()));
    let update = json!({"type": "update", "seq": 7,
                        "changes": [{"level": "available", "slots": [[1, 2]]}]})
    .to_string();
    match object.core.frame(&mut attachment, &update, NOW, &mut fx) {
        FrameOutcome::Reply { message, store } => {
            assert!(!store);
            assert!(
                matches!(message, LiveMessage::Ack { version: 3, .. }),
                "{message:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(fx.pushes);
    assert_eq!(levels(&object.view(NOW), &pid, 3), [0, 1, 0]);
    assert!(matches!(
        object.core.frame(&mut attachment, "ping", NOW, &mut fx),
        FrameOutcome::Pong
    ));
    let bad = object.core.frame(&mut attachment, "{", NOW, &mut fx);
    assert!(matches!(
        bad,
        FrameOutcome::Reply {
            message: LiveMessage::Error { .. },
            ..
        }
    ));
}

#[test]
fn a_socket_asks_to_upgrade_and_only_for_an_appointment_that_exists() {
    let object = Object::new();
    let mut fx = Effects::default();
    let missing = object.core.hello(true, NOW, &mut fx).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    object.create();
    let plain = object.core.hello(false, NOW, &mut fx).unwrap_err();
    assert_eq!(plain.code(), ErrorCode::UpgradeRequired);
}
