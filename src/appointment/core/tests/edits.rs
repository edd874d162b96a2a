//! The organiser's edits: the schedule (answers kept where the times
//! stay, cleared where they go), its dry run, and closing.

use serde_json::{json, Value};

use super::*;

fn edit(object: &Object, admin: &str, body: Value) -> Got {
    let command = Command::Edit { dry_run: None };
    object.call(command, Some(admin), body, NOW)
}

#[test]
fn a_schedule_edit_keeps_the_answers_of_the_times_both_have_and_clears_the_rest() {
    let object = Object::new();
    let admin = object.create();
    let (pid, token) = object.join("Minji", None);
    object.paint(&pid, &token, "available", json!([[0, 1]]), NOW);
    object.paint(&pid, &token, "if_needed", json!([[2, 3]]), NOW);
    let before = object.view(NOW)["version"].as_i64().unwrap();

    // 10:00–13:00: 10:00 and 11:00 stay, 09:00 goes, 12:00 is new.
    let got = edit(&object, &admin, json!({"start": "10:00", "end": "13:00"}));
    assert_eq!(got.json["version"].as_i64(), Some(before + 1));
    assert_eq!(levels(&got.json, &pid, 3), [0, 2, 0]);
    assert!(got.effects.pushes);
    assert!(got.effects.alarm_by.is_some());
    assert_eq!(got.effects.index, Some(IndexWrite::Soon));
    // Stored, and the next update paints on the new grid.
    assert_eq!(levels(&object.view(NOW), &pid, 3), [0, 2, 0]);
    object.paint(&pid, &token, "available", json!([[2, 3]]), NOW);
    assert_eq!(levels(&object.view(NOW), &pid, 3), [0, 2, 1]);

    // An edit that changes nothing steps nothing.
    let same = edit(&object, &admin, json!({"start": "10:00"}));
    assert_eq!(same.json["version"].as_i64(), Some(before + 2));
    assert_eq!(same.effects, Effects::default());
}

#[test]
fn a_dry_run_tells_what_the_edit_would_do_and_stores_nothing() {
    let object = Object::new();
    let admin = object.create();
    let (alice, a_token) = object.join("Alice", None);
    let (bob, b_token) = object.join("Bob", None);
    object.paint(&alice, &a_token, "available", json!([[0, 1]]), NOW);
    object.paint(&bob, &b_token, "available", json!([[1, 3]]), NOW);
    let before = object.view(NOW);

    let command = Command::Edit {
        dry_run: Some("1".into()),
    };
    let got = object.call(
        command,
        Some(&admin),
        json!({"start": "10:00", "end": "12:00"}),
        NOW,
    );
    assert_eq!(got.json["kept"], 1, "{}", got.json);
    assert_eq!(got.json["losing"], 1, "{}", got.json);
    assert_eq!(got.json["slots"], 2);
    assert_eq!(got.effects, Effects::default());
    assert_eq!(object.view(NOW), before);

    let anyone = Command::Edit {
        dry_run: Some("1".into()),
    };
    assert_eq!(
        object.refused(anyone, None, json!({"start": "10:00"}), NOW),
        ErrorCode::Unauthorized
    );
}

#[test]
fn a_closed_appointment_refuses_new_names_and_still_signs_people_back_in() {
    let object = Object::new();
    let admin = object.create();
    let (pid, _) = object.join("Minji", None);
    let got = edit(&object, &admin, json!({"closed": true}));
    assert_eq!(got.json["closed"], true);
    assert_eq!(
        object.refused(Command::Join, None, join_body("Jihun", None), NOW),
        ErrorCode::AppointmentClosed
    );
    let back = object.call(Command::Join, None, join_body("MINJI", None), NOW);
    assert_eq!(back.json["participant"]["id"], pid.as_str());
    edit(&object, &admin, json!({"closed": false}));
    object.join("Jihun", None);
}
