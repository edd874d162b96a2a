//! Live pushes as the core builds them, and frames from a socket.

use serde_json::{json, Value};

use super::*;
use crate::appointment::core::live::{Attachment, FrameOutcome};
use crate::domain::live::{Due, LiveMessage, BEST_HOLD_SOCKETS};

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
        .push(now as f64, sockets.len(), || sockets.to_vec())
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

#[test]
fn changed_best_times_are_held_back_for_a_second_and_then_pushed_alone() {
    let object = Object::new();
    object.create();
    // A crowd: with fewer sockets every push carries them.
    let sockets: Vec<Attachment> = (0..BEST_HOLD_SOCKETS).map(|_| socket(&object)).collect();
    let (pid, token) = object.join("Minji", None);
    // The join's push carries best times (none yet: nobody answered).
    pushed(&object, NOW, &sockets);
    let at = NOW + 1_200;
    object.paint(&pid, &token, "available", json!([[0, 2]]), at);
    let first = pushed(&object, at, &sockets);
    assert_eq!(first[0].0["best"][0]["start"], 0, "{}", first[0].0);
    // Less than a second later the best times change again: held back,
    // while the counts go out with the change.
    let soon = at + 300;
    object.paint(&pid, &token, "available", json!([[1, 3]]), soon);
    let second = pushed(&object, soon, &sockets);
    let (message, _) = &second[0];
    assert!(message.get("best").is_none(), "held back: {message}");
    assert_eq!(message["counts"]["available"], json!([1, 1, 1]));
    let version = message["version"].as_i64();
    // Their timer: due a second after the last best times went out.
    assert_eq!(object.core.best_due(soon as f64), Some(700.0));
    assert_eq!(object.core.best_due(soon as f64), None, "one timer");
    let alone: Vec<(Value, Vec<usize>)> = object
        .core
        .push_best((at + 1000) as f64, sockets.len(), || sockets.clone())
        .into_iter()
        .map(|(text, to)| (serde_json::from_str(&text).unwrap(), to))
        .collect();
    let (message, to) = &alone[0];
    assert_eq!(to.len(), BEST_HOLD_SOCKETS);
    assert_eq!(message["since"].as_i64(), version, "a push of no change");
    assert_eq!(message["version"].as_i64(), version);
    assert_eq!(message["participants"], json!([]));
    assert_eq!(message["best"][0]["end"], 3, "{message}");
    // Nothing more is owed.
    assert_eq!(object.core.best_due((at + 1000) as f64), None);
}
