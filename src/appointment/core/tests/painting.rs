//! Painting availability: who may, the version step, and what it writes.

use serde_json::json;

use super::*;

#[test]
fn painting_steps_the_version_once_and_is_counted_for_the_index() {
    let object = Object::new();
    object.create();
    let (pid, token) = object.join("Minji", None);
    let before = object.view(NOW)["version"].as_i64().unwrap();
    let got = object.paint(&pid, &token, "available", json!([[0, 2]]), NOW);
    assert!(matches!(got.reply, Reply::Updated { rows_written } if rows_written >= 2));
    assert_eq!(got.json["version"].as_i64(), Some(before + 1));
    assert_eq!(got.effects.index, Some(IndexWrite::Counted));
    assert!(got.effects.pushes);
    let view = object.view(NOW);
    assert_eq!(view["version"].as_i64(), Some(before + 1));
    assert_eq!(levels(&view, &pid, 3), [1, 1, 0]);

    // The same paint again changes nothing: no version step, no push.
    let same = object.paint(&pid, &token, "available", json!([[0, 2]]), NOW);
    assert_eq!(same.reply, Reply::Updated { rows_written: 0 });
    assert_eq!(same.json["version"].as_i64(), Some(before + 1));
    assert_eq!(same.effects, Effects::default());

    let got = object.paint(&pid, &token, "if_needed", json!([[1, 3]]), NOW);
    assert_eq!(got.json["version"].as_i64(), Some(before + 2));
    assert_eq!(levels(&object.view(NOW), &pid, 3), [1, 2, 2]);
}

#[test]
fn only_the_participant_paints_and_a_bad_update_changes_nothing() {
    let object = Object::new();
    let admin = object.create();
    let (minji, minji_token) = object.join("Minji", None);
    let (_, jihun_token) = object.join("지훈", None);
    let update = |token: Option<&str>, body| {
        let command = Command::Update {
            participant: minji.clone(),
        };
        object.call_from("10.0.0.1", command, token, body, NOW)
    };
    let paint = json!({"changes": [{"level": "available", "slots": [[0, 1]]}]});
    let version = object.view(NOW)["version"].clone();
    assert_eq!(
        update(None, paint.clone()).0.unwrap_err().code(),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        update(Some(&jihun_token), paint.clone())
            .0
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    let off_grid = json!({"changes": [{"level": "available", "slots": [[0, 9]]}]});
    assert_eq!(
        update(Some(&minji_token), off_grid).0.unwrap_err().code(),
        ErrorCode::InvalidUpdate
    );
    assert_eq!(object.view(NOW)["version"], version);
    // Not even the organiser paints for someone.
    assert_eq!(
        update(Some(&admin), paint.clone()).0.unwrap_err().code(),
        ErrorCode::Forbidden
    );
    assert_eq!(object.view(NOW)["version"], version);
    assert!(update(Some(&minji_token), paint).0.is_ok());
    assert_eq!(levels(&object.view(NOW), &minji, 3), [1, 0, 0]);
    let unknown = Command::Update {
        participant: "nobody".into(),
    };
    assert_eq!(
        object.refused(unknown, Some(&admin), json!({"changes": []}), NOW),
        ErrorCode::NotFound
    );
}
