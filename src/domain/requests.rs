//! The bodies of the API's requests as typed values: what the service
//! reads, and what its OpenAPI document describes (both come from these
//! types). Decoding checks the JSON's shape; the domain's `parse`
//! functions then check the rules and build the valid newtypes.

use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use chrono::{DateTime, Utc};

use super::availability::{Change, Level, Update, MAX_CHANGES, MAX_RANGES};
use super::edit::{Edit, Edited, Regrid};
pub use super::final_time::FinalRange;
use super::json::flattened;
pub use super::json::{decode, from_value};
use super::remap::{self, Remap};
use super::schedule::{both_kinds_error, DateRule, Days, SlotMinutes, Zone};
use super::text::{NAME_MAX, TITLE_MAX};
use super::tools::{self, Tools, MIN_PEOPLE_MAX};
use super::view::FileLang;
use super::FinalTime;
use super::{DomainError, Grid, ParticipantName, Schedule, Title};

/// The schedule fields of a create or an edit request (each request
/// flattens them in). Each is optional here so that the domain can say
/// which one is missing; in an edit, one left out (or sent as `null`)
/// keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
// Read through `flattened` (below), which keeps the path of a bad field.
#[serde(remote = "Self")]
pub struct ScheduleFields {
    /// An IANA time zone name, e.g. `Asia/Seoul`.
    #[schema(nullable = false, example = "Asia/Seoul")]
    #[serde(default)]
    pub timezone: Option<String>,
    /// 1–31 unique ISO dates (`YYYY-MM-DD`), none before yesterday or more
    /// than a year ahead in the appointment's zone. Exactly one of `dates`
    /// and `weekdays` is given.
    #[schema(min_items = 1, max_items = 31, example = json!(["2026-12-01", "2026-12-02"]))]
    #[serde(default)]
    pub dates: Option<Vec<String>>,
    /// 1–7 unique weekdays, `mon` … `sun`.
    #[schema(min_items = 1, max_items = 7, example = json!(["mon", "wed"]))]
    #[serde(default)]
    pub weekdays: Option<Vec<String>>,
    /// Start of each day's window, `HH:MM` on the slot grid.
    #[schema(nullable = false, pattern = r"^\d\d:\d\d$", example = "09:00")]
    #[serde(default)]
    pub start: Option<String>,
    /// End of each day's window, `HH:MM` (up to `24:00`) after `start`.
    #[schema(nullable = false, pattern = r"^\d\d:\d\d$", example = "18:00")]
    #[serde(default)]
    pub end: Option<String>,
    /// Minutes per slot: 10, 15, 30 (the default) or 60.
    #[schema(example = 30)]
    #[serde(default)]
    pub slot_minutes: Option<u32>,
}

impl<'de> Deserialize<'de> for ScheduleFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        flattened(d, |d| ScheduleFields::deserialize(d))
    }
}

impl ScheduleFields {
    /// The schedule of a new appointment, checked against every rule as
    /// of `now`.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<Schedule, DomainError> {
        self.check(DateRule::Near { now, kept: &[] })
    }

    /// `current` with these fields put over it, as of `now`: an absent
    /// field keeps its value, and `dates` or `weekdays` replaces whichever
    /// of the two it had. The result is checked like a new schedule,
    /// except that dates it already had may stay though they have passed.
    pub fn over(&self, current: &Schedule, now: DateTime<Utc>) -> Result<Schedule, DomainError> {
        if self.dates.is_some() && self.weekdays.is_some() {
            return Err(both_kinds_error());
        }
        let was = current.fields();
        let days_changed = self.dates.is_some() || self.weekdays.is_some();
        let (dates, weekdays) = match days_changed {
            true => (self.dates.clone(), self.weekdays.clone()),
            false => (was.dates, was.weekdays),
        };
        let merged = ScheduleFields {
            timezone: self.timezone.clone().or(Some(was.timezone)),
            dates,
            weekdays,
            start: self.start.clone().or(Some(was.start)),
            end: self.end.clone().or(Some(was.end)),
            slot_minutes: self.slot_minutes.or(Some(was.slot_minutes)),
        };
        let kept = current.days().dates();
        merged.check(DateRule::Near { now, kept })
    }

    /// Whether the request names no schedule field.
    fn is_empty(&self) -> bool {
        *self == ScheduleFields::default()
    }

    /// Checks the fields part by part, in the order their errors are
    /// named: zone, days, slot size, window.
    fn check(&self, rule: DateRule<'_>) -> Result<Schedule, DomainError> {
        let zone = self.timezone.as_deref().ok_or_else(|| {
            DomainError::InvalidTimezone(
                "timezone is required: an IANA name such as Asia/Seoul".into(),
            )
        })?;
        let zone = Zone::parse(zone)?;
        let days = Days::parse(self.dates.as_deref(), self.weekdays.as_deref(), zone, rule)?;
        let slot = self
            .slot_minutes
            .map_or(Ok(SlotMinutes::default()), SlotMinutes::new)?;
        Schedule::from_parts(zone, days, self.start.as_deref(), self.end.as_deref(), slot)
    }
}

/// `POST /api/appointments`: a title and a schedule. Unknown fields are
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct NewAppointment {
    /// 1–100 characters after trimming, no control characters.
    #[schema(nullable = false, example = "동아리 회의")]
    #[serde(default)]
    pub title: Option<String>,
    #[serde(flatten)]
    pub schedule: ScheduleFields,
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

/// `PATCH /api/appointments/{id}`: what the organiser changes. An absent
/// field stays as it is; `final: null` clears the final time, and
/// `title: null`, `closed: null` or a schedule field sent as `null` leave
/// them. Schedule fields move everyone's answers onto the new grid by the
/// time each slot covers; `final` in the same request names slots of the
/// new grid. New dates need lie between yesterday and a year ahead only
/// when the appointment does not have them already; `dates` replaces the
/// weekdays of a weekdays appointment, and `weekdays` the dates of a dates
/// appointment, whose answers then start empty. With a new `timezone`, the
/// answers of a dates appointment stay with the instants they were given
/// for.
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
    #[serde(flatten)]
    pub schedule: ScheduleFields,
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
        let schedule = self.schedule.parse(now)?;
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

// What an edit request does to the appointment as it is.
impl EditRequest {
    /// Applies the edit to the appointment as it is (`current`, laid out
    /// on `grid`) as of `now`. An edit that names nothing to change is
    /// refused; one that changes nothing is not. A new schedule is checked
    /// like a new appointment's; a final time sent with it names slots of
    /// the new grid, and one not sent is kept where the new grid has its
    /// time exactly, else cleared. `required` may name only the ids of
    /// `participants`.
    pub fn apply(
        &self,
        current: &Edited,
        grid: &Grid,
        now: DateTime<Utc>,
        participants: &[String],
    ) -> Result<Edit, DomainError> {
        if self.title.is_none()
            && self.final_range.is_none()
            && self.closed.is_none()
            && self.schedule.is_empty()
            && !self.names_tools()
        {
            return Err(DomainError::InvalidBody(
                "nothing to change: send title, final, closed, a schedule field \
                 (dates or weekdays, start, end, slot_minutes, timezone), or one of \
                 expected, deadline, required, min_people, private"
                    .into(),
            ));
        }
        let tools = self.tools(&current.tools, participants)?;
        let title = match &self.title {
            Some(Some(t)) => Title::parse(t)?.as_str().to_string(),
            _ => current.title.clone(),
        };
        let schedule = if self.schedule.is_empty() {
            current.schedule.clone()
        } else {
            self.schedule.over(&current.schedule, now)?
        };
        let regrid = (schedule != current.schedule)
            .then(|| {
                let new = Grid::new(&schedule);
                if new.is_empty() {
                    return Err(empty_grid_error());
                }
                let remap = Remap::new(grid, &new);
                Ok(Regrid { grid: new, remap })
            })
            .transpose()?;
        let new_grid = regrid.as_ref().map_or(grid, |r| &r.grid);
        let final_range = match self.final_range {
            Some(None) => None,
            Some(Some(FinalRange { start, end })) => {
                let bound = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
                let f = FinalTime::new(bound(start), bound(end), new_grid)?;
                Some((f.start(), f.end()))
            }
            None => match (&regrid, current.final_range) {
                (Some(r), Some((start, end))) => remap::final_range(grid, &r.grid, start, end)
                    .and_then(|(s, e)| FinalTime::new(s, e, &r.grid).ok())
                    .map(|f| (f.start(), f.end())),
                (_, kept) => kept,
            },
        };
        let closed = self.closed.flatten().unwrap_or(current.closed);
        Ok(Edit {
            after: Edited {
                title,
                final_range,
                closed,
                schedule,
                tools,
            },
            regrid,
        })
    }
}

// What an edit request does to the organiser's tools: here, with the
// request it reads, so that the tools know nothing of requests.
impl EditRequest {
    /// Whether the edit names any of the organiser's tools.
    pub fn names_tools(&self) -> bool {
        self.expected.is_some()
            || self.deadline.is_some()
            || self.required.is_some()
            || self.min_people.is_some()
            || self.private.is_some()
    }

    /// The tools after this edit: fields not sent keep their value, and
    /// `required` may name only the ids of `participants`. Checked whole:
    /// one bad value refuses the edit.
    pub fn tools(&self, current: &Tools, participants: &[String]) -> Result<Tools, DomainError> {
        let expected = match &self.expected {
            None => current.expected.clone(),
            Some(names) => tools::expected(names.as_deref().unwrap_or_default())?,
        };
        let deadline = match &self.deadline {
            None => current.deadline,
            Some(None) => None,
            Some(Some(at)) => Some(tools::deadline(at)?),
        };
        let required = match &self.required {
            None => current.required.clone(),
            Some(ids) => tools::required(ids.as_deref().unwrap_or_default(), participants)?,
        };
        let min_people = match self.min_people {
            None => current.min_people,
            Some(None) => None,
            Some(Some(n)) if (1..=MIN_PEOPLE_MAX).contains(&n) => Some(n as u32),
            Some(Some(_)) => {
                return Err(DomainError::InvalidMinPeople(format!(
                    "min_people must be a whole number from 1 to {MIN_PEOPLE_MAX}, or null"
                )))
            }
        };
        let private = self.private.flatten().unwrap_or(current.private);
        Ok(Tools {
            expected,
            deadline,
            required,
            min_people,
            private,
        })
    }
}

// How an update request becomes an update: here, with the request it
// reads, so that the availability it changes knows nothing of requests.
impl Update {
    /// Parses `{"changes": [{"level": …, "slots": [[start, end], …]}, …]}`
    /// against a grid of `len` slots (see [`Update::new`]).
    pub fn parse(body: &serde_json::Value, len: usize) -> Result<Update, DomainError> {
        Update::new(from_value(body)?, len)
    }

    /// Checks a decoded update against a grid of `len` slots. Every error
    /// names the change and range at fault.
    pub fn new(request: UpdateRequest, len: usize) -> Result<Update, DomainError> {
        let err = |m: String| Err(DomainError::InvalidUpdate(m));
        let changes = request.changes;
        if changes.is_empty() {
            return err("changes must not be empty".into());
        }
        if changes.len() > MAX_CHANGES {
            return err(format!(
                "changes: at most {MAX_CHANGES} changes per update (got {})",
                changes.len()
            ));
        }
        let parsed = changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| check_change(change, i, len))
            .collect::<Result<_, _>>()?;
        Ok(Update::checked(parsed))
    }
}

fn check_change(change: ChangeRequest, i: usize, len: usize) -> Result<Change, DomainError> {
    let err = |m: String| Err(DomainError::InvalidUpdate(m));
    let ChangeRequest { level, slots } = change;
    if slots.is_empty() {
        return err(format!("changes[{i}].slots must not be empty"));
    }
    if slots.len() > MAX_RANGES {
        return err(format!(
            "changes[{i}].slots: at most {MAX_RANGES} ranges per change (got {})",
            slots.len()
        ));
    }
    let mut ranges = Vec::with_capacity(slots.len());
    let mut previous_end = 0;
    for (j, range) in slots.into_iter().enumerate() {
        let at = format!("changes[{i}].slots[{j}]");
        let [start, end] = range[..] else {
            return err(format!("{at} must be a [start, end] pair"));
        };
        // A bound too big for usize is certainly past the grid.
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let end = usize::try_from(end).unwrap_or(usize::MAX);
        if end > len {
            return err(format!(
                "{at}: end {end} is past the last slot (grid has {len} slots)"
            ));
        }
        if start >= end {
            return err(format!("{at}: start {start} must be less than end {end}"));
        }
        if j > 0 && start < previous_end {
            return err(format!(
                "{at}: start {start} is before the end {previous_end} of the range before it; \
                 ranges must be sorted and must not overlap"
            ));
        }
        previous_end = end;
        ranges.push([start, end]);
    }
    Ok(Change::checked(level, ranges))
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

/// `?lang=`: `en` (the default, when absent) or `ko`; any other value is
/// refused.
pub fn file_lang(value: Option<&str>) -> Result<FileLang, DomainError> {
    match value {
        None | Some("en") => Ok(FileLang::En),
        Some("ko") => Ok(FileLang::Ko),
        Some(_) => Err(DomainError::InvalidQuery("lang must be en or ko".into())),
    }
}

/// Whether an edit's `dry_run` query value asks only for what the edit
/// would do: `1` or `true` does, `0` or `false` (or none) does not, any
/// other value is refused.
pub fn dry_run(value: Option<&str>) -> Result<bool, DomainError> {
    match value {
        None | Some("0" | "false") => Ok(false),
        Some("1" | "true") => Ok(true),
        Some(_) => Err(DomainError::InvalidQuery(
            "dry_run must be 1 (or true) to preview the edit, or 0 (or false)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::view;
    use crate::domain::ErrorCode;

    #[test]
    fn the_files_tag_names_its_language_and_english_keeps_the_plain_tag() {
        assert_eq!(view::csv_etag("abc", 7, FileLang::En), "W/\"abc-7-csv\"");
        assert_eq!(view::csv_etag("abc", 7, FileLang::Ko), "W/\"abc-7-csv-ko\"");
        assert!(!view::etag_matches(
            &view::csv_etag("abc", 7, FileLang::En),
            &view::csv_etag("abc", 7, FileLang::Ko)
        ));
        assert_eq!(file_lang(None), Ok(FileLang::En));
        assert_eq!(file_lang(Some("ko")), Ok(FileLang::Ko));
        for bad in ["", "KO", "fr", "ko,en"] {
            assert!(file_lang(Some(bad)).is_err(), "{bad}");
        }
    }

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
    fn a_bad_schedule_field_is_the_error_of_that_field_in_both_requests() {
        let cases: [(&[u8], ErrorCode, &str); 4] = [
            (
                br#"{"title": "x", "timezone": 5}"#,
                ErrorCode::InvalidTimezone,
                "timezone: invalid type: integer `5`, expected a string",
            ),
            (
                br#"{"dates": ["2026-12-01", 3]}"#,
                ErrorCode::InvalidDates,
                "dates[1]: invalid type: integer `3`, expected a string",
            ),
            (
                br#"{"end": false, "title": "x"}"#,
                ErrorCode::InvalidTimeWindow,
                "end: invalid type: boolean `false`, expected a string",
            ),
            (
                br#"{"slot_minutes": "30"}"#,
                ErrorCode::InvalidSlotMinutes,
                "slot_minutes must be one of 10, 15, 30, 60",
            ),
        ];
        for (body, code, message) in cases {
            for err in [
                decode::<NewAppointment>(body).unwrap_err(),
                decode::<EditRequest>(body).unwrap_err(),
            ] {
                assert_eq!((err.code(), err.to_string().as_str()), (code, message));
            }
        }
        // A field named twice is refused, as any other field named twice.
        let twice = br#"{"timezone": "Asia/Seoul", "timezone": "UTC"}"#;
        let err = decode::<NewAppointment>(twice).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidBody);
    }

    #[test]
    fn a_create_request_reads_its_schedule_and_ignores_unknown_fields() {
        let request: NewAppointment = decode(
            r#"{"title": "회의", "timezone": "Asia/Seoul", "weekdays": ["wed", "mon"],
                 "start": "09:00", "end": "10:00", "extra": {"slot_minutes": "x"}}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(request.schedule.timezone.as_deref(), Some("Asia/Seoul"));
        assert_eq!(request.schedule.slot_minutes, None);
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let (title, schedule) = request.parse(now).unwrap();
        assert_eq!(title.as_str(), "회의");
        assert_eq!(
            schedule.fields().weekdays,
            Some(vec!["mon".into(), "wed".into()])
        );
        assert_eq!(schedule.slot_minutes().get(), 30);
        let err = decode::<NewAppointment>(br#"{"title": "x"}"#)
            .unwrap()
            .parse(now)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidTimezone);
    }

    #[test]
    fn a_schedule_field_sent_as_null_in_an_edit_keeps_its_value() {
        let e: EditRequest =
            decode(br#"{"start": null, "timezone": null, "slot_minutes": null}"#).unwrap();
        assert!(e.schedule.is_empty());
        let current = Schedule::parse_stored(&serde_json::json!({"timezone": "Asia/Seoul",
            "weekdays": ["mon"], "start": "09:00", "end": "12:00", "slot_minutes": 30}))
        .unwrap();
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let e: EditRequest = decode(br#"{"end": null, "start": "10:00"}"#).unwrap();
        let after = e.schedule.over(&current, now).unwrap();
        assert_eq!((after.start_minute(), after.end_minute()), (600, 720));
        assert_eq!(after.zone(), current.zone());
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
