//! The schedule as the appointment object stores it: a form of its own,
//! with a version, so that the API's shapes may change without rewriting
//! what is stored. Version 1 holds the normal form's fields; objects
//! stored before the form had a version hold the same fields without
//! `"v"`, and read as version 1.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DateRule, Days, Schedule, SlotMinutes, Zone};
use crate::domain::json::from_value;
use crate::domain::DomainError;

/// The version [`Schedule::to_value`] writes.
const VERSION: u32 = 1;

/// The stored form of a schedule, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredSchedule {
    /// Absent in what was stored before there were versions: 1.
    #[serde(default = "first")]
    v: u32,
    timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dates: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weekdays: Option<Vec<String>>,
    start: String,
    end: String,
    /// Always written; read as the default size when absent.
    #[serde(default)]
    slot_minutes: Option<u32>,
}

fn first() -> u32 {
    1
}

impl Schedule {
    /// The stored form, `{"v": 1, "timezone", "dates"|"weekdays", "start",
    /// "end", "slot_minutes"}`, which [`Self::parse_stored`] reads back.
    pub fn to_value(&self) -> Value {
        let form = self.fields();
        let stored = StoredSchedule {
            v: VERSION,
            timezone: form.timezone,
            dates: form.dates,
            weekdays: form.weekdays,
            start: form.start,
            end: form.end,
            slot_minutes: Some(form.slot_minutes),
        };
        serde_json::to_value(stored).unwrap_or_default()
    }

    /// Reads a schedule back from storage: the form of any version this
    /// code has written, checked by the same rules except the date range,
    /// because an appointment's dates drift into the past.
    pub fn parse_stored(value: &Value) -> Result<Schedule, DomainError> {
        let stored: StoredSchedule = from_value(value)?;
        if stored.v != VERSION {
            return Err(DomainError::InvalidBody(format!(
                "a stored schedule of version {}, which this code does not read",
                stored.v
            )));
        }
        let zone = Zone::parse(&stored.timezone)?;
        let days = Days::parse(
            stored.dates.as_deref(),
            stored.weekdays.as_deref(),
            zone,
            DateRule::Any,
        )?;
        let slot = stored
            .slot_minutes
            .map_or(Ok(SlotMinutes::default()), SlotMinutes::new)?;
        Schedule::from_parts(zone, days, Some(&stored.start), Some(&stored.end), slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What every object stored before the form had a version holds.
    const DATES_BEFORE_VERSIONS: &str = r#"{"dates":["2026-12-01","2026-12-03"],"end":"18:00","slot_minutes":30,"start":"09:00","timezone":"Asia/Seoul"}"#;
    const WEEKDAYS_BEFORE_VERSIONS: &str = r#"{"end":"24:00","slot_minutes":15,"start":"08:15","timezone":"Europe/Berlin","weekdays":["mon","fri"]}"#;

    fn stored(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// The schedule stored as `text` before versions, which is written
    /// back as the same fields with `"v": 1` and reads back the same.
    fn read_and_written_as_version_1(text: &str) -> Schedule {
        let s = Schedule::parse_stored(&stored(text)).unwrap();
        let mut expected = stored(text);
        expected["v"] = json!(1);
        assert_eq!(s.to_value(), expected);
        assert_eq!(Schedule::parse_stored(&s.to_value()).unwrap(), s);
        s
    }

    #[test]
    fn a_dates_schedule_stored_before_versions_reads_and_is_written_as_version_1() {
        let s = read_and_written_as_version_1(DATES_BEFORE_VERSIONS);
        assert_eq!(s.zone().name(), "Asia/Seoul");
        assert_eq!(s.days().dates().len(), 2);
        assert_eq!(
            (s.start_minute(), s.end_minute(), s.slot_minutes().get()),
            (540, 1080, 30)
        );
    }

    #[test]
    fn a_weekdays_schedule_stored_before_versions_reads_and_is_written_as_version_1() {
        let s = read_and_written_as_version_1(WEEKDAYS_BEFORE_VERSIONS);
        assert_eq!(s.zone().name(), "Europe/Berlin");
        let monday_friday = vec![chrono::Weekday::Mon, chrono::Weekday::Fri];
        assert_eq!(s.days(), &Days::Weekdays(monday_friday));
        assert_eq!(
            (s.start_minute(), s.end_minute(), s.slot_minutes().get()),
            (495, 1440, 15)
        );
    }

    #[test]
    fn a_stored_schedule_of_an_unknown_version_is_refused() {
        let mut v = stored(DATES_BEFORE_VERSIONS);
        v["v"] = json!(2);
        let err = Schedule::parse_stored(&v).unwrap_err();
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn a_stored_schedule_is_checked_by_the_rules_but_not_the_date_range() {
        let past = json!({"v": 1, "timezone": "Asia/Seoul", "dates": ["2001-01-01"],
                          "start": "09:00", "end": "10:00", "slot_minutes": 30});
        assert!(Schedule::parse_stored(&past).is_ok());
        let mut off_grid = past.clone();
        off_grid["start"] = json!("09:05");
        assert_eq!(
            Schedule::parse_stored(&off_grid).unwrap_err().code(),
            crate::domain::ErrorCode::InvalidTimeWindow
        );
        let mut both = past;
        both["weekdays"] = json!(["mon"]);
        assert!(Schedule::parse_stored(&both).is_err());
    }
}
