//! The bodies of the API's requests as typed values: what the service
//! reads, and what its OpenAPI document describes (both come from these
//! types). Decoding checks the JSON's shape; the domain's `parse`
//! functions then check the rules and build the valid newtypes.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use super::availability::Level;
use super::text::{NAME_MAX, TITLE_MAX};
use super::{DomainError, Grid, ParticipantName, Schedule, Title};

/// The schedule fields of a create (or, later, an edit) request. Each is
/// optional here so that the domain can say which one is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleFields {
    /// An IANA time zone name, e.g. `Asia/Seoul`.
    #[schema(nullable = false, example = "Asia/Seoul")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// 1–31 unique ISO dates (`YYYY-MM-DD`), none before yesterday or more
    /// than a year ahead in the appointment's zone. Exactly one of `dates`
    /// and `weekdays` is given.
    #[schema(min_items = 1, max_items = 31, example = json!(["2026-12-01", "2026-12-02"]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Vec<String>>,
    /// 1–7 unique weekdays, `mon` … `sun`.
    #[schema(min_items = 1, max_items = 7, example = json!(["mon", "wed"]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Vec<String>>,
    /// Start of each day's window, `HH:MM` on the slot grid.
    #[schema(nullable = false, pattern = r"^\d\d:\d\d$", example = "09:00")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End of each day's window, `HH:MM` (up to `24:00`) after `start`.
    #[schema(nullable = false, pattern = r"^\d\d:\d\d$", example = "18:00")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Minutes per slot: 10, 15, 30 (the default) or 60.
    #[schema(example = 30)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_minutes: Option<u32>,
}

/// `POST /api/appointments`: a title and a schedule. Unknown fields are
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct NewAppointment {
    /// 1–100 characters after trimming, no control characters.
    #[schema(nullable = false, example = "동아리 회의")]
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub timezone: Option<String>,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 31)]
    pub dates: Option<Vec<String>>,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 7)]
    pub weekdays: Option<Vec<String>>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub start: Option<String>,
    #[serde(default)]
    #[schema(nullable = false)]
    pub end: Option<String>,
    #[serde(default)]
    pub slot_minutes: Option<u32>,
}

impl NewAppointment {
    /// The schedule part of the request.
    pub fn schedule(&self) -> ScheduleFields {
        ScheduleFields {
            timezone: self.timezone.clone(),
            dates: self.dates.clone(),
            weekdays: self.weekdays.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            slot_minutes: self.slot_minutes,
        }
    }
}

/// `POST /api/appointments/{id}/participants`: join, or sign back in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct JoinRequest {
    /// 1–50 characters after trimming; names are unique per appointment.
    #[schema(nullable = false, example = "민상연")]
    #[serde(default)]
    pub name: Option<String>,
    /// 4–128 characters; set only when the name is new, required to sign
    /// back in to a protected name.
    #[serde(default)]
    pub password: Option<String>,
}

/// A final time as sent: slots `start..end` of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FinalRange {
    /// First slot index.
    #[schema(minimum = 0)]
    pub start: u64,
    /// One past the last slot index.
    #[schema(minimum = 1)]
    pub end: u64,
}

/// `PATCH /api/appointments/{id}`: what the organiser changes. An absent
/// field stays as it is; `final: null` clears the final time, and
/// `title: null`, `closed: null` or a schedule field sent as `null` leave
/// them. Schedule fields move everyone's answers onto the new grid by the
/// time each slot covers; `final` in the same request names slots of the
/// new grid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct EditRequest {
    /// A new title, 1–100 characters after trimming.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// The final time, or `null` to clear it.
    #[serde(default, rename = "final", deserialize_with = "present")]
    #[schema(value_type = Option<FinalRange>)]
    pub final_range: Option<Option<FinalRange>>,
    /// `true` stops new participants (those who joined still sign in and
    /// paint); `false` lets them in again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub closed: Option<Option<bool>>,
    /// A new IANA time zone. For dates, answers stay with the instants
    /// they were given for.
    #[serde(default)]
    pub timezone: Option<String>,
    /// New dates (1–31, unique; those not already on the appointment
    /// between yesterday and a year ahead). Replaces the weekdays of a
    /// weekdays appointment, whose answers then start empty.
    #[serde(default)]
    #[schema(min_items = 1, max_items = 31)]
    pub dates: Option<Vec<String>>,
    /// New weekdays (1–7, unique). Replaces the dates of a dates
    /// appointment, whose answers then start empty.
    #[serde(default)]
    #[schema(min_items = 1, max_items = 7)]
    pub weekdays: Option<Vec<String>>,
    /// A new start of each day's window, `HH:MM` on the slot grid.
    #[serde(default)]
    #[schema(pattern = r"^\d\d:\d\d$")]
    pub start: Option<String>,
    /// A new end of each day's window, `HH:MM` (up to `24:00`).
    #[serde(default)]
    #[schema(pattern = r"^\d\d:\d\d$")]
    pub end: Option<String>,
    /// A new slot size: 10, 15, 30 or 60 minutes.
    #[serde(default)]
    pub slot_minutes: Option<u32>,
    /// Up to 200 names the organiser expects (each a valid participant
    /// name; names with the same canonical key count once); `null` or
    /// `[]` clears the list. The view's `waiting` lists those no
    /// participant's name matches.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>, max_items = 200)]
    pub expected: Option<Option<Vec<String>>>,
    /// An RFC 3339 instant after which new names and availability
    /// updates are refused (`409 deadline_passed`), or `null` to clear it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "2026-12-01T09:00:00+09:00")]
    pub deadline: Option<Option<String>>,
    /// Ids of participants who must come: `best` keeps only windows where
    /// each of them is available or available if need be. `null` or `[]`
    /// clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>, max_items = 1000)]
    pub required: Option<Option<Vec<String>>>,
    /// `best` keeps only windows at least this many can come to
    /// (available plus if needed); `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub min_people: Option<Option<i64>>,
    /// `true` hides everyone's names and answers from all but the
    /// organiser (others see counts, and their own participant); `false`
    /// shows them again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub private: Option<Option<bool>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one not sent (`None`).
fn present<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One change of an availability update: set `level` on every slot of
/// `slots`, a list of half-open `[start, end)` index ranges.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
pub struct ChangeRequest {
    pub level: Level,
    /// Sorted, non-overlapping `[start, end)` ranges, `start < end ≤` the
    /// number of slots.
    #[schema(min_items = 1)]
    pub slots: Vec<Vec<u64>>,
}

/// `PATCH …/participants/{pid}/availability`: changes applied in order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
pub struct UpdateRequest {
    /// 1–64 changes.
    #[schema(min_items = 1, max_items = 64)]
    pub changes: Vec<ChangeRequest>,
    /// The view's `layout` the changes were painted on. When it is not
    /// the current one the update is refused with `409 schedule_changed`;
    /// without it (or with `null`) the changes apply to the current grid.
    #[serde(default)]
    #[schema(example = "k9Q2mXa0bTc")]
    pub layout: Option<String>,
}

impl NewAppointment {
    /// The title and schedule of the new appointment, checked against
    /// every rule, as of `now`. A window whose every slot a clock change
    /// skips (on every chosen date) is refused: the grid would be empty.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<(Title, Schedule), DomainError> {
        let title = self.title.as_deref().ok_or_else(|| {
            DomainError::InvalidTitle(format!(
                "title is required: text of 1–{TITLE_MAX} characters"
            ))
        })?;
        let title = Title::parse(title)?;
        let schedule = Schedule::new(&self.schedule(), now)?;
        if Grid::new(&schedule).is_empty() {
            return Err(empty_grid_error());
        }
        Ok((title, schedule))
    }
}

impl JoinRequest {
    /// The name to join or sign back in with.
    pub fn name(&self) -> Result<ParticipantName, DomainError> {
        let name = self.name.as_deref().ok_or_else(|| {
            DomainError::InvalidName(format!("name is required: text of 1–{NAME_MAX} characters"))
        })?;
        ParticipantName::parse(name)
    }
}

/// A window whose every slot a clock change skips on every chosen date.
pub(super) fn empty_grid_error() -> DomainError {
    DomainError::InvalidTimeWindow {
        field: "start",
        message: "no slot of this window exists on the chosen dates \
                  (a daylight-saving change skips it)"
            .into(),
    }
}

/// Decodes a request body: `InvalidJson` when it is not JSON at all,
/// `InvalidBody` when it is not an object, else the error of the field at
/// fault, naming its path.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::InvalidJson("the body is empty".into()));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(DomainError::InvalidJson(format!(
            "the body is not UTF-8: {e}"
        )));
    }
    // serde would also read a struct from an array of its fields.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => not_an_object(),
                Err(e) => DomainError::InvalidJson(e.to_string()),
            },
        );
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            field_error(&path, &inner.to_string())
        } else {
            DomainError::InvalidJson(inner.to_string())
        }
    })?;
    de.end()
        .map_err(|e| DomainError::InvalidJson(e.to_string()))?;
    Ok(value)
}

/// Decodes an already-parsed JSON value, with the same errors as
/// [`decode`] (for the domain's own tests and stored data).
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, DomainError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        field_error(&path, &e.into_inner().to_string())
    })
}

fn not_an_object() -> DomainError {
    DomainError::InvalidBody("the body must be a JSON object".into())
}

/// The domain error for a JSON value at `path` of the wrong shape.
fn field_error(path: &str, detail: &str) -> DomainError {
    // serde names a missing field in the message, at the parent's path.
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    let top = path.split(['.', '[']).next().unwrap_or("");
    let (field, message) = match detail.strip_prefix("missing field `") {
        Some(rest) if top.is_empty() => {
            let name = rest.trim_end_matches('`');
            (name, format!("{name} is required"))
        }
        Some(rest) => (
            top,
            format!("{path}.{} is required", rest.trim_end_matches('`')),
        ),
        None => (top, format!("{path}: {detail}")),
    };
    match field {
        "" => not_an_object(),
        "title" => DomainError::InvalidTitle(message),
        "timezone" => DomainError::InvalidTimezone(message),
        "dates" => DomainError::InvalidDates(message),
        "weekdays" => DomainError::InvalidWeekdays(message),
        "start" => DomainError::InvalidTimeWindow {
            field: "start",
            message,
        },
        "end" => DomainError::InvalidTimeWindow {
            field: "end",
            message,
        },
        "slot_minutes" => {
            DomainError::InvalidSlotMinutes("slot_minutes must be one of 10, 15, 30, 60".into())
        }
        "name" => DomainError::InvalidName(message),
        "password" => DomainError::InvalidPassword(message),
        "changes" => DomainError::InvalidUpdate(message),
        "final" => DomainError::InvalidFinal(message),
        "expected" => DomainError::InvalidExpected(message),
        "deadline" => DomainError::InvalidDeadline(message),
        "required" => DomainError::InvalidRequired(message),
        "min_people" => DomainError::InvalidMinPeople(message),
        _ => DomainError::InvalidBody(message),
    }
}

/// `?min_slots=n`: a positive 64-bit integer; 0 (keep every window) when
/// absent. Past the largest grid every n means the same: no window.
pub fn min_slots(value: Option<&str>) -> Result<usize, DomainError> {
    let Some(value) = value else { return Ok(0) };
    value
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=i64::MAX as u64).contains(n))
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .ok_or_else(|| {
            DomainError::InvalidQuery("min_slots must be a positive whole number".into())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorCode;

    #[test]
    fn a_body_that_is_not_json_is_invalid_json() {
        for bytes in [&b""[..], b"{", b"nul", b"{} x", b"\xff"] {
            let err = decode::<JoinRequest>(bytes).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{bytes:?}");
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_invalid_body() {
        for bytes in [&b"[]"[..], b"\"x\"", b"3", b"null"] {
            let err = decode::<JoinRequest>(bytes).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidBody, "{bytes:?}");
        }
    }

    #[test]
    fn a_mistyped_field_is_the_error_of_that_field_and_names_its_path() {
        let err = decode::<JoinRequest>(br#"{"name": 5}"#).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidName);
        let err = decode::<UpdateRequest>(br#"{"changes": [{"level": "maybe", "slots": []}]}"#)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidUpdate);
        assert!(err.to_string().starts_with("changes[0].level"), "{err}");
        let err = decode::<UpdateRequest>(br#"{}"#).unwrap_err();
        assert_eq!(err.to_string(), "changes is required");
        let err = decode::<EditRequest>(br#"{"final": {"start": -1, "end": 2}}"#).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidFinal);
    }

    #[test]
    fn unknown_fields_are_ignored_and_null_is_told_from_absent() {
        let e: EditRequest = decode(br#"{"final": null, "extra": [1]}"#).unwrap();
        assert_eq!(e.final_range, Some(None));
        assert_eq!(e.title, None);
        let e: EditRequest = decode(br#"{"title": null}"#).unwrap();
        assert_eq!(e.title, Some(None));
    }

    #[test]
    fn min_slots_is_a_positive_whole_number() {
        assert_eq!(min_slots(None), Ok(0));
        assert_eq!(min_slots(Some("3")), Ok(3));
        assert!(min_slots(Some("9223372036854775807")).is_ok());
        for bad in ["0", "-1", "x", "", "1.5", "9223372036854775808"] {
            assert_eq!(
                min_slots(Some(bad)).unwrap_err().code(),
                ErrorCode::InvalidQuery
            );
        }
    }
}
