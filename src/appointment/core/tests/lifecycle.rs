//! Removing people, deleting, expiry and the alarm.

use serde_json::{json, Value};

use super::*;

#[test]
fn a_participant_is_removed_by_themselves_or_the_organiser_with_their_tokens() {
    let object = Object::new();
    let admin = object.create();
    let (minji, minji_token) = object.join("Minji", None);
    let (jihun, jihun_token) = object.join("Jihun", None);
    let leave = |pid: &str| Command::Leave {
        participant: pid.into(),
    };
    assert_eq!(
        object.refused(leave(&minji), Some(&jihun_token), Value::Null, NOW),
        ErrorCode::Forbidden
    );
    let got = object.call(leave(&minji), Some(&minji_token), Value::Null, NOW);
    assert_eq!(got.reply, Reply::Done);
    assert!(got.effects.pushes);
    assert_eq!(got.effects.index, Some(IndexWrite::Soon));
    // Gone, and so is the token: it no longer says who calls.
    assert_eq!(
        object.refused(leave(&minji), Some(&admin), Value::Null, NOW),
        ErrorCode::NotFound
    );
    let paint = Command::Update {
        participant: jihun.clone(),
    };
    let body = json!({"changes": [{"level": "available", "slots": [[0, 1]]}]});
    assert_eq!(
        object.refused(paint, Some(&minji_token), body, NOW),
        ErrorCode::Unauthorized
    );
    object.call(leave(&jihun), Some(&admin), Value::Null, NOW);
    assert!(object.view(NOW)["participants"]
        .as_array()
        .unwrap()
        .is_empty());
    // The name is free again.
    let (again, _) = object.join("Minji", None);
    assert_ne!(again, minji);
}

#[test]
fn an_expired_appointment_is_deleted_at_its_first_request_and_answers_404_after() {
    let object = Object::new();
    object.create();
    let expires_at = object.view(NOW)["expires_at"].as_str().unwrap().to_string();
    let expires_at = chrono::DateTime::parse_from_rfc3339(&expires_at)
        .unwrap()
        .timestamp_millis();
    assert!(expires_at > NOW);
    let (answer, effects) = object.call_from("10.0.0.1", view(), None, Value::Null, expires_at);
    assert_eq!(answer.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(effects.erased.as_deref(), Some("appt"));
    assert_eq!(
        object.refused(view(), None, Value::Null, NOW),
        ErrorCode::NotFound
    );
}

#[test]
fn the_cron_sweep_deletes_only_what_expired_and_corrects_the_rest() {
    let object = Object::new();
    object.create();
    let kept = object.call(Command::Expire, None, Value::Null, NOW);
    assert_eq!(kept.json, json!("kept"));
    assert_eq!(kept.effects.index, Some(IndexWrite::Now));
    assert!(kept.effects.erased.is_none());
    let later = NOW + 400 * 24 * 60 * MINUTE;
    let deleted = object.call(Command::Expire, None, Value::Null, later);
    assert_eq!(deleted.json, json!("deleted"));
    assert_eq!(deleted.effects.erased.as_deref(), Some("appt"));
}

#[test]
fn the_alarm_deletes_an_expired_appointment_unless_expiry_alarms_are_off() {
    let later = NOW + 400 * 24 * 60 * MINUTE;
    let object = Object::new();
    object.create();
    let mut fx = Effects::default();
    assert!(object
        .core
        .alarm(NOW, &mut fx)
        .unwrap()
        .is_some_and(|next| next > NOW));
    assert_eq!(fx, Effects::default());
    assert_eq!(object.core.alarm(later, &mut fx).unwrap(), None);
    assert_eq!(fx.erased.as_deref(), Some("appt"));

    let off = Object::with(Settings {
        expiry_alarms: false,
        ..Settings::default()
    });
    off.create();
    let mut fx = Effects::default();
    assert_eq!(off.core.alarm(later, &mut fx).unwrap(), None);
    assert_eq!(fx.erased, None);
}

#[test]
fn the_index_entry_counts_updates_until_they_are_marked_counted() {
    let object = Object::new();
    object.create();
    let (pid, token) = object.join("Minji", None);
    object.paint(&pid, &token, "available", json!([[0, 1]]), NOW);
    object.paint(&pid, &token, "available", json!([[1, 2]]), NOW);
    let entry = object.core.index_entry().unwrap().unwrap();
    assert_eq!((entry.participants, entry.unflushed), (1, 2));
    assert_eq!(entry.timezone, "Asia/Seoul");
    object.core.counted(2).unwrap();
    assert_eq!(object.core.index_entry().unwrap().unwrap().unflushed, 0);
}
