//! Daylight saving time: on the day clocks jump forward, wall times that do
//! not exist are left out of the grid; on the day they fall back, a wall
//! time that happens twice is kept once, at its first occurrence. The
//! calendar file names the right instants either way.

use chrono::{DateTime, Datelike, Days, Month, NaiveDate, TimeZone, Utc, Weekday};
use serde_json::json;
use support::api::*;
use support::{ics, Server};

const NY: &str = "America/New_York";

/// The `n`th Sunday of `month` in the first year whose one lies within
/// the allowed range (yesterday up to a year ahead, in New York).
fn next_sunday_in_range(month: Month, n: u8) -> NaiveDate {
    let today = today_in(NY);
    let (first, last) = (today - Days::new(1), one_year_after(today));
    (today.year() - 1..=today.year() + 1)
        .filter_map(|y| {
            NaiveDate::from_weekday_of_month_opt(y, month.number_from_month(), Weekday::Sun, n)
        })
        .find(|d| *d >= first && *d <= last)
        .expect("one such Sunday in any year-long range")
}

fn at(day: NaiveDate, hhmm: &str) -> DateTime<Utc> {
    let (h, m) = hhmm.split_once(':').unwrap();
    Utc.with_ymd_and_hms(
        day.year(),
        day.month(),
        day.day(),
        h.parse().unwrap(),
        m.parse().unwrap(),
        0,
    )
    .unwrap()
}

fn calendar_span(server: &Server, id: &str) -> (String, String) {
    let cal = server.get(&format!("/api/appointments/{id}/calendar.ics"));
    cal.expect(200);
    let lines = ics::lines(&cal.body);
    let start = ics::instant(ics::prop(&lines, "DTSTART").expect("DTSTART"));
    (fmt_utc(start), fmt_utc(ics::end_instant(&lines)))
}

#[test]
fn grids_on_dst_days_skip_missing_and_keep_repeated_wall_times_once() {
    let server = Server::shared();

    // Spring forward: 02:00 EST becomes 03:00 EDT.
    let spring = next_sunday_in_range(Month::March, 2);
    let zone = tz(NY);
    assert!(
        zone.from_local_datetime(&spring.and_hms_opt(2, 30, 0).unwrap())
            .earliest()
            .is_none(),
        "{spring} is a spring-forward day"
    );
    let created = create(
        &server,
        &json!({"title": "spring", "timezone": NY, "dates": [iso(spring)],
                "start": "00:00", "end": "05:00", "slot_minutes": 30}),
    );
    let expected: Vec<String> = [
        "05:00", "05:30", "06:00", "06:30", "07:00", "07:30", "08:00", "08:30",
    ]
    .iter()
    .map(|t| fmt_utc(at(spring, t)))
    .collect();
    assert_eq!(
        slot_starts(&created.view),
        expected,
        "00:00–05:00 on {spring} has 8 slots"
    );
    assert_eq!(
        created.view["counts"]["available"].as_array().map(Vec::len),
        Some(8)
    );

    // 01:30 EST and 03:00 EDT are neighbouring slots of one day.
    let id = created.id.clone();
    let sam = join(&server, &id, "Sam", None);
    paint(&server, &id, &sam, "available", &[(3, 5)]);
    let best = view(&server, &id)["best"].clone();
    assert_eq!(
        best,
        json!([{"start": 3, "end": 5, "available": [sam.pid], "if_needed": [], "missing": []}])
    );
    patch_appointment(
        &server,
        &id,
        Some(&created.admin_token),
        json!({"final": {"start": 3, "end": 5}}),
    )
    .expect(200);
    assert_eq!(
        calendar_span(&server, &id),
        (fmt_utc(at(spring, "06:30")), fmt_utc(at(spring, "07:30"))),
        "01:30 EST to 03:30 EDT"
    );

    // Fall back: 01:00–02:00 happens twice (EDT, then EST).
    let fall = next_sunday_in_range(Month::November, 1);
    let created = create(
        &server,
        &json!({"title": "fall", "timezone": NY, "dates": [iso(fall)],
                "start": "00:00", "end": "03:00", "slot_minutes": 30}),
    );
    let expected: Vec<String> = ["04:00", "04:30", "05:00", "05:30", "07:00", "07:30"]
        .iter()
        .map(|t| fmt_utc(at(fall, t)))
        .collect();
    assert_eq!(
        slot_starts(&created.view),
        expected,
        "00:00–03:00 on {fall} has 6 slots"
    );
    patch_appointment(
        &server,
        &created.id,
        Some(&created.admin_token),
        json!({"final": {"start": 3, "end": 4}}),
    )
    .expect(200);
    // The slot starts at 01:30 EDT and lasts 30 minutes, until 01:00 EST.
    assert_eq!(
        calendar_span(&server, &created.id),
        (fmt_utc(at(fall, "05:30")), fmt_utc(at(fall, "06:00"))),
        "the 01:30 EDT slot"
    );
}
