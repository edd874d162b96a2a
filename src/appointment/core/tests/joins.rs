//! Creating, joining with look-alike names, signing in, and the limits.

use serde_json::{json, Value};

use super::*;
use crate::domain::limits::SlidingWindow;

#[test]
fn creating_answers_the_view_and_asks_for_the_expiry_alarm_and_the_index() {
    let object = Object::new();
    let got = object.call(Command::Create, None, create_body(), NOW);
    assert_eq!(
        got.reply,
        Reply::Created {
            location: Some("/api/appointments/appt".into())
        }
    );
    assert_eq!(got.json["url"], "https://example.test/a/appt");
    assert_eq!(got.json["appointment"]["version"], 1);
    assert_eq!(
        got.json["appointment"]["slots"].as_array().unwrap().len(),
        3
    );
    assert!(got.effects.alarm_at.is_some_and(|at| at > NOW));
    assert_eq!(got.effects.index, Some(IndexWrite::Soon));
    // The same id again is taken; an unknown id holds nothing.
    let again = object.call_from("10.0.0.1", Command::Create, None, create_body(), NOW);
    assert_eq!(again.0.unwrap_err().code(), ErrorCode::IdTaken);
    let fresh = Object::new();
    assert_eq!(
        fresh.refused(view(), None, Value::Null, NOW),
        ErrorCode::NotFound
    );
}

#[test]
fn an_invalid_creation_makes_no_tables() {
    let object = Object::new();
    let code = object.refused(Command::Create, None, json!({"title": ""}), NOW);
    assert_ne!(code, ErrorCode::InternalError);
    assert_eq!(
        object.refused(view(), None, Value::Null, NOW),
        ErrorCode::NotFound
    );
}

#[test]
fn look_alike_names_are_one_participant_and_sign_back_in() {
    let object = Object::new();
    object.create();
    let (minji, _) = object.join("Minji", None);
    // Case, width and a decomposed Hangul spelling meet the same name.
    for same in ["minji", "MINJI", "Ｍｉｎｊｉ"] {
        let got = object.call(Command::Join, None, join_body(same, None), NOW);
        assert_eq!(got.reply, Reply::Ok, "{same} signs back in");
        assert_eq!(got.json["participant"]["id"], minji.as_str());
    }
    let (jihun, _) = object.join("지훈", None);
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd("지훈").collect();
    assert_ne!(decomposed, "지훈");
    let got = object.call(Command::Join, None, join_body(&decomposed, None), NOW);
    assert_eq!(got.json["participant"]["id"], jihun.as_str());
    // Another name is another participant.
    let (other, _) = object.join("Minju", None);
    assert_ne!(other, minji);
    assert_eq!(
        object.view(NOW)["participants"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn a_password_is_asked_for_and_wrong_guesses_lock_the_name_for_that_address() {
    let settings = Settings {
        sign_in: SlidingWindow::new(2, 10 * MINUTE),
        ..Settings::default()
    };
    let object = Object::with(settings);
    object.create();
    let (pid, _) = object.join("Minji", Some("sesame"));
    let again = |password: Option<&str>, client: &str, now: i64| {
        object.call_from(
            client,
            Command::Join,
            None,
            join_body("minji", password),
            now,
        )
    };
    assert_eq!(
        again(None, "10.0.0.1", NOW).0.unwrap_err().code(),
        ErrorCode::PasswordRequired
    );
    let got = again(Some("sesame"), "10.0.0.1", NOW).0.unwrap();
    let json: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(json["participant"]["id"], pid.as_str());
    assert_eq!(json["participant"]["protected"], true);
    for _ in 0..2 {
        let wrong = again(Some("guess"), "10.0.0.1", NOW).0.unwrap_err();
        assert_eq!(wrong.code(), ErrorCode::WrongPassword);
    }
    // Locked from this address, right password or not; not from another.
    let locked = again(Some("sesame"), "10.0.0.1", NOW + MINUTE)
        .0
        .unwrap_err();
    assert_eq!(locked.code(), ErrorCode::TooManyAttempts);
    assert!(again(Some("sesame"), "10.0.0.2", NOW + MINUTE).0.is_ok());
    // The window passes.
    assert!(again(Some("sesame"), "10.0.0.1", NOW + 11 * MINUTE)
        .0
        .is_ok());
}

#[test]
fn a_password_hash_made_by_the_runtimes_webcrypto_verifies() {
    // PBKDF2-HMAC-SHA-256, 100,000 iterations, of "sesame" with the salt
    // "saltsaltsaltsalt", as WebCrypto derives it (Node's crypto.subtle).
    let stored =
        "pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA$dwqTUnlmPqPhQ8jLfuaWDGIOO_pueQ_Kt5juI8_VraA";
    assert!(block_on(crate::secrets::verify_password("sesame", stored)).unwrap());
    assert!(!block_on(crate::secrets::verify_password("sesam", stored)).unwrap());
}

#[test]
fn joins_per_address_are_limited_and_a_refused_join_uses_none() {
    let settings = Settings {
        joins: SlidingWindow::new(2, 10 * MINUTE),
        ..Settings::default()
    };
    let object = Object::with(settings);
    object.create();
    let join = |name: &str, client: &str, now: i64| {
        object.call_from(client, Command::Join, None, join_body(name, None), now)
    };
    assert!(join("A", "10.0.0.1", NOW).0.is_ok());
    // Signing back in is no new participant.
    assert!(join("a", "10.0.0.1", NOW).0.is_ok());
    assert!(join("B", "10.0.0.1", NOW).0.is_ok());
    let refused = join("C", "10.0.0.1", NOW + MINUTE).0.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::TooManyAttempts);
    assert!(join("C", "10.0.0.2", NOW + MINUTE).0.is_ok());
    assert!(join("D", "10.0.0.1", NOW + 11 * MINUTE).0.is_ok());
    assert_eq!(
        object.view(NOW + 11 * MINUTE)["participants"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn an_appointment_holds_at_most_a_thousand_participants_and_leaving_makes_room() {
    let object = Object::with(Settings {
        joins: SlidingWindow::new(5000, 10 * MINUTE),
        ..Settings::default()
    });
    object.create();
    let (first, first_token) = object.join("Person 0000", None);
    for n in 1..1000 {
        object.join(&format!("Person {n:04}"), None);
    }
    let view = object.view(NOW);
    assert_eq!(view["participants"].as_array().map(Vec::len), Some(1000));
    assert_eq!(view["version"], 1001);
    assert_eq!(
        object.refused(Command::Join, None, join_body("One Too Many", None), NOW),
        ErrorCode::AppointmentFull
    );
    // Those already in still sign back in, and leaving makes room.
    let again = object.call(Command::Join, None, join_body("person 0000", None), NOW);
    assert_eq!(again.json["participant"]["id"], first.as_str());
    let leave = Command::Leave { participant: first };
    object.call(leave, Some(&first_token), Value::Null, NOW);
    object.join("One Too Many", None);
}

/// The contract's look-alikes of `Kim`: one name, whichever joins first.
const ONE_NAME: [&str; 10] = [
    "Kim",
    "KIM",
    "kim",
    "\u{41a}IM",
    "\u{39a}IM",
    "\u{41a}\u{406}\u{41c}",
    "\u{41a}im",
    "\u{ff2b}\u{ff49}\u{ff4d}",
    "\u{1d40a}\u{1d422}\u{1d426}",
    "Ki\u{200b}m",
];

/// Distinct from those and from each other.
const DISTINCT: [&str; 7] = ["Kin", "Jim", "Tim", "Kimberly", "\u{ae40}", "Lee", "Lea"];

#[test]
fn each_look_alike_joining_first_makes_the_others_sign_in_as_it() {
    for (i, first) in ONE_NAME.iter().enumerate() {
        let object = Object::new();
        object.create();
        let made = object.call(Command::Join, None, join_body(first, None), NOW);
        assert_eq!(made.reply, Reply::Created { location: None });
        let pid = made.json["participant"]["id"].clone();
        for other in ONE_NAME.iter().cycle().skip(i + 1).take(ONE_NAME.len() - 1) {
            let again = object.call(Command::Join, None, join_body(other, None), NOW);
            assert_eq!(again.reply, Reply::Ok, "{other:?} after {first:?}");
            assert_eq!(
                again.json["participant"]["id"], pid,
                "{other:?} after {first:?}"
            );
        }
        for other in DISTINCT {
            let joined = object.call(Command::Join, None, join_body(other, None), NOW);
            assert_eq!(joined.reply, Reply::Created { location: None }, "{other:?}");
        }
        let view = object.view(NOW);
        let names: Vec<&str> = view["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 1 + DISTINCT.len(), "{names:?}");
        assert_eq!(names[0], *first, "the name is shown as the first gave it");
    }
}
