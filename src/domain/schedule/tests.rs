//! Tests of schedule parsing, its normal form and expiry.

use super::*;
use crate::domain::requests::{from_value, ScheduleFields};
use serde_json::{json, Value};

/// A create request's schedule, checked as of `now`.
fn parse_new(body: &Value, now: DateTime<Utc>) -> Result<Schedule, DomainError> {
    from_value::<ScheduleFields>(body)?.parse(now)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

const NOW: &str = "2026-06-15T12:00:00Z";

fn body() -> Value {
    json!({
        "title": "ignored here",
        "timezone": "Asia/Seoul",
        "dates": ["2026-12-02", "2026-12-01"],
        "start": "09:00",
        "end": "18:00",
        "slot_minutes": 30,
        "unknown": {"is": "ignored"}
    })
}

fn with(key: &str, value: Value) -> Value {
    let mut b = body();
    b[key] = value;
    b
}

fn code_of(b: &Value) -> &'static str {
    parse_new(b, utc(NOW)).unwrap_err().code().as_str()
}

fn ok(b: &Value) -> Schedule {
    parse_new(b, utc(NOW)).unwrap()
}

#[test]
fn valid_body_parses_with_dates_sorted() {
    let s = ok(&body());
    assert_eq!(s.zone().name(), "Asia/Seoul");
    assert_eq!(
        s.days(),
        &Days::Dates(vec![
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        ])
    );
    assert_eq!((s.start_minute(), s.end_minute()), (540, 1080));
    assert_eq!(s.slot_minutes().get(), 30);
}

#[test]
fn body_that_is_not_an_object_is_rejected() {
    for b in [json!([]), json!("x"), json!(null), json!(3)] {
        assert_eq!(code_of(&b), "invalid_body");
    }
}

#[test]
fn missing_or_wrongly_typed_timezone_is_rejected() {
    assert_eq!(code_of(&with("timezone", json!(null))), "invalid_timezone");
    assert_eq!(code_of(&with("timezone", json!(9))), "invalid_timezone");
    assert_eq!(
        code_of(&with("timezone", json!("Seoul"))),
        "invalid_timezone"
    );
}

#[test]
fn both_or_neither_of_dates_and_weekdays_is_rejected() {
    let both = with("weekdays", json!(["mon"]));
    assert_eq!(code_of(&both), "invalid_dates");
    let mut neither = body();
    neither.as_object_mut().unwrap().remove("dates");
    assert_eq!(code_of(&neither), "invalid_dates");
    // A null stands for "absent", so null dates plus weekdays is fine.
    let mut weekly = with("weekdays", json!(["mon"]));
    weekly["dates"] = json!(null);
    assert!(parse_new(&weekly, utc(NOW)).is_ok());
}

#[test]
fn one_and_31_dates_are_accepted_but_0_and_32_are_not() {
    let days = |n: u32| -> Vec<String> { (1..=n).map(|d| format!("2026-07-{d:02}")).collect() };
    assert!(parse_new(&with("dates", json!(days(1))), utc(NOW)).is_ok());
    assert!(parse_new(&with("dates", json!(days(31))), utc(NOW)).is_ok());
    assert_eq!(code_of(&with("dates", json!([]))), "invalid_dates");
    let mut many = days(31);
    many.push("2026-08-01".into());
    let err = parse_new(&with("dates", json!(many)), utc(NOW)).unwrap_err();
    assert_eq!(err.code(), "invalid_dates");
    assert!(err.to_string().contains("got 32"), "{err}");
}

#[test]
fn duplicate_malformed_or_mistyped_dates_are_rejected() {
    for dates in [
        json!(["2026-07-01", "2026-07-01"]),
        json!(["2026-7-1"]),
        json!(["2026-02-30"]),
        json!([20260701]),
        json!("2026-07-01"),
        json!([null]),
    ] {
        assert_eq!(
            code_of(&with("dates", dates.clone())),
            "invalid_dates",
            "{dates}"
        );
    }
}

/// Checks the accepted window in a zone whose calendar date differs from
/// UTC's at `now`, so measuring in UTC would give a different answer.
fn check_window(zone: &str, now: &str, accepted: [&str; 3], rejected: [&str; 2]) {
    for date in accepted {
        let b = json!({"timezone": zone, "dates": [date], "start": "09:00", "end": "10:00"});
        assert!(parse_new(&b, utc(now)).is_ok(), "{zone} {date}");
    }
    for date in rejected {
        let b = json!({"timezone": zone, "dates": [date], "start": "09:00", "end": "10:00"});
        let err = parse_new(&b, utc(now)).unwrap_err();
        assert_eq!(err.code(), "invalid_dates", "{zone} {date}");
        // Stored appointments age, so the window does not apply to them.
        assert!(Schedule::parse_stored(&b).is_ok());
    }
}

#[test]
fn dates_window_is_measured_in_a_zone_ahead_of_utc() {
    // 12:00 UTC on 15 June is 02:00 on 16 June in Kiritimati (UTC+14).
    check_window(
        "Pacific/Kiritimati",
        "2026-06-15T12:00:00Z",
        ["2026-06-15", "2026-06-16", "2027-06-16"],
        ["2026-06-14", "2027-06-17"],
    );
}

#[test]
fn dates_window_is_measured_in_a_zone_behind_utc() {
    // 10:00 UTC on 15 June is 23:00 on 14 June in Pago Pago (UTC−11).
    check_window(
        "Pacific/Pago_Pago",
        "2026-06-15T10:00:00Z",
        ["2026-06-13", "2026-06-14", "2027-06-14"],
        ["2026-06-12", "2027-06-15"],
    );
}

#[test]
fn a_year_ahead_of_29_february_is_28_february() {
    check_window(
        "UTC",
        "2028-02-29T12:00:00Z",
        ["2028-02-28", "2028-02-29", "2029-02-28"],
        ["2028-02-27", "2029-03-01"],
    );
}

#[test]
fn one_and_7_weekdays_are_accepted_and_sorted_monday_first() {
    let mut b = body();
    b["dates"] = json!(null);
    b["weekdays"] = json!(["sun", "mon", "wed", "tue", "sat", "fri", "thu"]);
    let s = ok(&b);
    assert_eq!(s.days(), &Days::Weekdays(wire::WEEK.to_vec()));
    b["weekdays"] = json!(["fri"]);
    assert_eq!(ok(&b).days(), &Days::Weekdays(vec![Weekday::Fri]));
}

#[test]
fn empty_duplicate_unknown_or_too_many_weekdays_are_rejected() {
    for weekdays in [
        json!([]),
        json!(["mon", "mon"]),
        json!(["Mon"]),
        json!(["monday"]),
        json!([1]),
        json!("mon"),
        json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"]),
    ] {
        let mut b = body();
        b["dates"] = json!(null);
        b["weekdays"] = weekdays.clone();
        assert_eq!(code_of(&b), "invalid_weekdays", "{weekdays}");
    }
}

#[test]
fn time_window_limits_are_midnight_to_end_of_day() {
    let s = ok(&with("start", json!("00:00")));
    assert_eq!(s.start_minute(), 0);
    let s = ok(&with("end", json!("24:00")));
    assert_eq!(s.end_minute(), 1440);
    let mut b = with("slot_minutes", json!(10));
    b["start"] = json!("23:50");
    b["end"] = json!("24:00");
    assert_eq!(ok(&b).start_minute(), 1430);
}

#[test]
fn time_window_beyond_its_limits_is_rejected_on_the_right_field() {
    let field = |b: &Value| parse_new(b, utc(NOW)).unwrap_err().field();
    for (key, value) in [
        ("start", json!("24:00")),
        ("start", json!("9:00")),
        ("start", json!(900)),
        ("start", json!(null)),
        ("end", json!("24:01")),
        ("end", json!("24:30")),
        ("end", json!("25:00")),
        ("end", json!("18:00:00")),
    ] {
        let b = with(key, value.clone());
        assert_eq!(code_of(&b), "invalid_time_window", "{key}={value}");
        assert_eq!(field(&b), Some(key), "{key}={value}");
    }
}

#[test]
fn end_not_after_start_is_rejected() {
    let mut b = with("start", json!("18:00"));
    assert_eq!(code_of(&b), "invalid_time_window");
    b["end"] = json!("18:00");
    let err = parse_new(&b, utc(NOW)).unwrap_err();
    assert_eq!(err.field(), Some("end"));
    b["end"] = json!("18:30");
    assert!(parse_new(&b, utc(NOW)).is_ok());
}

#[test]
fn times_off_the_slot_grid_are_rejected() {
    assert_eq!(
        code_of(&with("start", json!("09:15"))),
        "invalid_time_window"
    );
    assert_eq!(
        code_of(&with("start", json!("08:59"))),
        "invalid_time_window"
    );
    let mut b = with("slot_minutes", json!(15));
    b["start"] = json!("09:15");
    b["end"] = json!("09:45");
    assert!(parse_new(&b, utc(NOW)).is_ok());
    b["slot_minutes"] = json!(60);
    assert_eq!(code_of(&b), "invalid_time_window");
}

#[test]
fn slot_minutes_10_15_30_60_are_accepted_and_default_is_30() {
    for n in [10, 15, 30, 60] {
        assert_eq!(ok(&with("slot_minutes", json!(n))).slot_minutes().get(), n);
    }
    assert_eq!(
        ok(&with("slot_minutes", json!(null))).slot_minutes().get(),
        30
    );
    let mut b = body();
    b.as_object_mut().unwrap().remove("slot_minutes");
    assert_eq!(ok(&b).slot_minutes().get(), 30);
}

#[test]
fn other_slot_minutes_are_rejected() {
    for v in [
        json!(9),
        json!(11),
        json!(14),
        json!(16),
        json!(29),
        json!(31),
        json!(59),
        json!(61),
        json!(0),
        json!(-30),
        json!(30.5),
        json!(30.0),
        json!("30"),
        json!(u64::MAX),
    ] {
        assert_eq!(
            code_of(&with("slot_minutes", v.clone())),
            "invalid_slot_minutes",
            "{v}"
        );
    }
}

#[test]
fn normal_form_round_trips_through_parse_stored() {
    let s = ok(&with("end", json!("24:00")));
    let v = s.to_value();
    assert_eq!(
        v,
        json!({
            "v": 1,
            "timezone": "Asia/Seoul",
            "dates": ["2026-12-01", "2026-12-02"],
            "start": "09:00",
            "end": "24:00",
            "slot_minutes": 30
        })
    );
    assert_eq!(Schedule::parse_stored(&v).unwrap(), s);
}

#[test]
fn weekly_normal_form_round_trips_through_parse_stored() {
    let b = json!({"timezone": "Europe/Berlin", "weekdays": ["fri", "mon"],
                   "start": "00:00", "end": "01:00", "slot_minutes": 10});
    let s = ok(&b);
    let v = s.to_value();
    assert_eq!(v["weekdays"], json!(["mon", "fri"]));
    assert!(v.get("dates").is_none());
    assert_eq!(Schedule::parse_stored(&v).unwrap(), s);
}

#[test]
fn dates_appointment_expires_30_days_after_its_last_date_ends_in_its_zone() {
    let s = ok(&body());
    let grace = TimeDelta::days(30);
    // 2026-12-03 00:00 in Seoul is 2026-12-02 15:00 UTC.
    assert_eq!(
        s.expires_at(utc(NOW), grace, TimeDelta::days(90)),
        utc("2027-01-01T15:00:00Z")
    );
}

#[test]
fn dates_appointment_whose_next_midnight_is_skipped_expires_after_the_jump() {
    // Santiago skips 2026-09-06 00:00 (clocks go to 01:00 −03).
    let b = json!({"timezone": "America/Santiago", "dates": ["2026-09-05"],
                   "start": "09:00", "end": "10:00"});
    let s = Schedule::parse_stored(&b).unwrap();
    assert_eq!(
        s.expires_at(utc(NOW), TimeDelta::zero(), TimeDelta::days(90)),
        utc("2026-09-06T04:00:00Z")
    );
}

#[test]
fn weekdays_appointment_expires_90_days_after_its_last_change() {
    let b = json!({"timezone": "Asia/Seoul", "weekdays": ["mon"],
                   "start": "09:00", "end": "10:00"});
    let s = ok(&b);
    let last = utc("2026-06-20T08:00:00Z");
    assert_eq!(
        s.expires_at(last, TimeDelta::days(30), TimeDelta::days(90)),
        utc("2026-09-18T08:00:00Z")
    );
}

fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(10u64), Just(15), Just(30), Just(60), 0u64..100].prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9:-]{0,10}".prop_map(Value::from),
        prop_oneof![
            Just("UTC"),
            Just("Pacific/Kiritimati"),
            Just("mon"),
            Just("sun"),
            Just("24:00"),
            Just("09:00"),
            Just("2026-06-15"),
            Just("2027-06-16"),
        ]
        .prop_map(Value::from),
    ];
    let key = prop_oneof![
        Just("timezone"),
        Just("dates"),
        Just("weekdays"),
        Just("start"),
        Just("end"),
        Just("slot_minutes"),
    ];
    let object = proptest::collection::vec(
        (
            key,
            leaf.clone().prop_recursive(2, 16, 4, |inner| {
                proptest::collection::vec(inner, 0..5).prop_map(Value::from)
            }),
        ),
        0..7,
    )
    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    prop_oneof![leaf, object]
}

proptest::proptest! {
    #[test]
    fn parse_never_panics_and_what_it_accepts_round_trips(body in arb_json(), secs in 0i64..4_000_000_000) {
        let now = DateTime::from_timestamp(secs, 0).unwrap();
        if let Ok(s) = parse_new(&body, now) {
            proptest::prop_assert_eq!(Schedule::parse_stored(&s.to_value()).unwrap(), s);
        }
        let _ = Schedule::parse_stored(&body);
    }
}
