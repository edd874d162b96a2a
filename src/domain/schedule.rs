//! The shape of an appointment's grid as the organiser chose it: zone, days
//! (dates or weekdays), daily time window and slot size. Parsed from the
//! create request (with the "dates near today" rule) or from storage
//! (without it, since stored appointments age), and printed back in one
//! normal form that the view merges in.

use std::collections::BTreeSet;

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::json::from_value;
use super::wire::{self, MINUTES_PER_DAY};
pub use super::zone::Zone;
use super::DomainError;

/// The most dates an appointment may have.
pub const MAX_DATES: usize = 31;

/// The size of one slot in minutes: 10, 15, 30 or 60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SlotMinutes(u32);

impl SlotMinutes {
    /// The sizes an organiser may pick.
    pub const ALLOWED: [u32; 4] = [10, 15, 30, 60];

    /// A slot size, if it is one of [`Self::ALLOWED`].
    pub fn new(minutes: u32) -> Result<SlotMinutes, DomainError> {
        if Self::ALLOWED.contains(&minutes) {
            Ok(SlotMinutes(minutes))
        } else {
            Err(slot_error())
        }
    }

    /// Minutes per slot.
    pub fn get(&self) -> u32 {
        self.0
    }
}

impl Default for SlotMinutes {
    /// 30 minutes, used when the organiser does not say.
    fn default() -> Self {
        SlotMinutes(30)
    }
}

fn slot_error() -> DomainError {
    DomainError::InvalidSlotMinutes("slot_minutes must be one of 10, 15, 30, 60".into())
}

/// The days an appointment covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Days {
    /// Specific calendar dates, sorted ascending, unique, 1–31 of them.
    Dates(Vec<NaiveDate>),
    /// A weekly pattern, sorted Monday to Sunday, unique, 1–7 of them.
    Weekdays(Vec<Weekday>),
}

impl Days {
    /// How many days (dates or weekdays) there are.
    pub fn len(&self) -> usize {
        match self {
            Days::Dates(d) => d.len(),
            Days::Weekdays(w) => w.len(),
        }
    }

    /// Never true for a parsed schedule; here for completeness.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The schedule fields as JSON carries them: in a create (or an edit)
/// request, in storage, and to the Worker. Each is
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

/// A valid appointment schedule. Title is not part of it: it is parsed
/// separately with [`super::Title::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    zone: Zone,
    days: Days,
    start_minute: u32,
    end_minute: u32,
    slot: SlotMinutes,
}

impl Schedule {
    /// Parses the body of a create request. Dates must lie between
    /// yesterday and the same calendar date a year ahead, both taken as the
    /// calendar date of `now` in the appointment's own zone.
    pub fn parse_new(body: &Value, now: DateTime<Utc>) -> Result<Schedule, DomainError> {
        Schedule::new(&from_value(body)?, now)
    }

    /// Checks the schedule fields of a create request (see [`Self::parse_new`]).
    pub fn new(fields: &ScheduleFields, now: DateTime<Utc>) -> Result<Schedule, DomainError> {
        parse(fields, Some(now), &[])
    }

    /// This schedule with the fields an edit sends (`changes`) put over
    /// it: an absent field keeps its value, and `dates` or `weekdays`
    /// replaces whichever of the two the schedule had. The result is
    /// checked like a new schedule, except that dates it already had may
    /// stay though they have passed.
    pub fn edit(
        &self,
        changes: &ScheduleFields,
        now: DateTime<Utc>,
    ) -> Result<Schedule, DomainError> {
        if changes.dates.is_some() && changes.weekdays.is_some() {
            return Err(both_kinds_error());
        }
        let current = self.fields();
        let days_changed = changes.dates.is_some() || changes.weekdays.is_some();
        let merged = ScheduleFields {
            timezone: changes.timezone.clone().or(current.timezone),
            dates: if days_changed {
                changes.dates.clone()
            } else {
                current.dates
            },
            weekdays: if days_changed {
                changes.weekdays.clone()
            } else {
                current.weekdays
            },
            start: changes.start.clone().or(current.start),
            end: changes.end.clone().or(current.end),
            slot_minutes: changes.slot_minutes.or(current.slot_minutes),
        };
        let kept = match &self.days {
            Days::Dates(dates) => dates.as_slice(),
            Days::Weekdays(_) => &[],
        };
        parse(&merged, Some(now), kept)
    }

    /// Parses a schedule read back from storage: the same rules except the
    /// date range, because an appointment's dates drift into the past.
    pub fn parse_stored(value: &Value) -> Result<Schedule, DomainError> {
        parse(&from_value(value)?, None, &[])
    }

    /// The appointment's zone.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The days the grid covers.
    pub fn days(&self) -> &Days {
        &self.days
    }

    /// First minute after local midnight of each day's window.
    pub fn start_minute(&self) -> u32 {
        self.start_minute
    }

    /// Minute after local midnight where each day's window ends (exclusive,
    /// up to 1440).
    pub fn end_minute(&self) -> u32 {
        self.end_minute
    }

    /// The slot size.
    pub fn slot_minutes(&self) -> SlotMinutes {
        self.slot
    }

    /// The normal form: `{"timezone", "dates"|"weekdays", "start", "end",
    /// "slot_minutes"}`, which [`Self::parse_stored`] reads back and the
    /// view shows.
    pub fn fields(&self) -> ScheduleFields {
        let (dates, weekdays) = match &self.days {
            Days::Dates(dates) => (
                Some(dates.iter().map(|d| wire::format_date(*d)).collect()),
                None,
            ),
            Days::Weekdays(days) => (
                None,
                Some(
                    days.iter()
                        .map(|w| wire::weekday_name(*w).to_string())
                        .collect(),
                ),
            ),
        };
        ScheduleFields {
            timezone: Some(self.zone.name().to_string()),
            dates,
            weekdays,
            start: Some(wire::format_time(self.start_minute)),
            end: Some(wire::format_time(self.end_minute)),
            slot_minutes: Some(self.slot.get()),
        }
    }

    /// The normal form as JSON, for storage.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self.fields()).unwrap_or_default()
    }

    /// When the appointment expires. A dates appointment: `dates_grace`
    /// after its last date ends in its zone (the local midnight starting
    /// the next day, or the first instant after it if DST skips it). A
    /// weekdays appointment: `weekdays_grace` after `last_change`.
    pub fn expires_at(
        &self,
        last_change: DateTime<Utc>,
        dates_grace: TimeDelta,
        weekdays_grace: TimeDelta,
    ) -> DateTime<Utc> {
        let (from, grace) = match &self.days {
            Days::Weekdays(_) => (last_change, weekdays_grace),
            Days::Dates(dates) => {
                let next_day = dates.last().and_then(|d| d.succ_opt());
                let Some(next_day) = next_day else {
                    return DateTime::<Utc>::MAX_UTC;
                };
                let midnight = next_day.and_time(NaiveTime::MIN);
                (self.zone.first_instant_at_or_after(midnight), dates_grace)
            }
        };
        from.checked_add_signed(grace)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Shared by every entry point; `now` is `None` for stored schedules, and
/// the dates in `kept` are exempt from the window around it.
fn parse(
    fields: &ScheduleFields,
    now: Option<DateTime<Utc>>,
    kept: &[NaiveDate],
) -> Result<Schedule, DomainError> {
    let zone = match &fields.timezone {
        None => {
            return Err(DomainError::InvalidTimezone(
                "timezone is required: an IANA name such as Asia/Seoul".into(),
            ))
        }
        Some(name) => Zone::parse(name)?,
    };

    let days = match (&fields.dates, &fields.weekdays) {
        (Some(_), Some(_)) => return Err(both_kinds_error()),
        (None, None) => {
            return Err(DomainError::InvalidDates(
                "dates (or weekdays) is required".into(),
            ))
        }
        (Some(dates), None) => Days::Dates(parse_dates(dates, zone, now, kept)?),
        (None, Some(weekdays)) => Days::Weekdays(parse_weekdays(weekdays)?),
    };

    let slot = match fields.slot_minutes {
        None => SlotMinutes::default(),
        Some(n) => SlotMinutes::new(n)?,
    };

    let start_minute = parse_time_field(fields.start.as_deref(), "start", false, slot)?;
    let end_minute = parse_time_field(fields.end.as_deref(), "end", true, slot)?;
    if end_minute <= start_minute {
        return Err(DomainError::InvalidTimeWindow {
            field: "end",
            message: format!(
                "end ({}) must be after start ({})",
                wire::format_time(end_minute),
                wire::format_time(start_minute)
            ),
        });
    }

    Ok(Schedule {
        zone,
        days,
        start_minute,
        end_minute,
        slot,
    })
}

fn dates_error(message: String) -> DomainError {
    DomainError::InvalidDates(message)
}

fn both_kinds_error() -> DomainError {
    dates_error("give either dates or weekdays, not both".into())
}

fn parse_dates(
    items: &[String],
    zone: Zone,
    now: Option<DateTime<Utc>>,
    kept: &[NaiveDate],
) -> Result<Vec<NaiveDate>, DomainError> {
    if items.is_empty() || items.len() > MAX_DATES {
        return Err(dates_error(format!(
            "dates must list 1–{MAX_DATES} dates (got {})",
            items.len()
        )));
    }
    // The window is measured in the appointment's zone: for a Kiritimati
    // (UTC+14) organiser "today" is often already tomorrow in UTC.
    let window = now.map(|now| {
        let today = now.with_timezone(&zone.tz()).date_naive();
        let earliest = today.pred_opt().unwrap_or(today);
        let latest = today.checked_add_months(Months::new(12)).unwrap_or(today);
        (earliest, latest)
    });
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let date = wire::parse_date(item).ok_or_else(|| {
            dates_error(format!(
                "dates[{i}]: {item:?} is not a date like \"2026-12-01\""
            ))
        })?;
        if let Some((earliest, latest)) = window.filter(|_| !kept.contains(&date)) {
            if date < earliest {
                return Err(dates_error(format!(
                    "dates[{i}]: {} is in the past; the earliest allowed is {} (yesterday in {})",
                    wire::format_date(date),
                    wire::format_date(earliest),
                    zone.name()
                )));
            }
            if date > latest {
                return Err(dates_error(format!(
                    "dates[{i}]: {} is too far ahead; the latest allowed is {} (one year from today in {})",
                    wire::format_date(date),
                    wire::format_date(latest),
                    zone.name()
                )));
            }
        }
        if !seen.insert(date) {
            return Err(dates_error(format!(
                "dates[{i}]: {} is listed twice",
                wire::format_date(date)
            )));
        }
    }
    Ok(seen.into_iter().collect())
}

fn parse_weekdays(items: &[String]) -> Result<Vec<Weekday>, DomainError> {
    let error = DomainError::InvalidWeekdays;
    if items.is_empty() || items.len() > wire::WEEK.len() {
        return Err(error(format!(
            "weekdays must list 1–7 days (got {})",
            items.len()
        )));
    }
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let day = wire::parse_weekday(item).ok_or_else(|| {
            error(format!(
                "weekdays[{i}]: {item:?} is not one of \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\""
            ))
        })?;
        if !seen.insert(day.num_days_from_monday()) {
            return Err(error(format!("weekdays[{i}]: {item:?} is listed twice")));
        }
    }
    Ok(seen.into_iter().map(|n| wire::WEEK[n as usize]).collect())
}

fn parse_time_field(
    value: Option<&str>,
    field: &'static str,
    is_end: bool,
    slot: SlotMinutes,
) -> Result<u32, DomainError> {
    let error = |message: String| DomainError::InvalidTimeWindow { field, message };
    let range = if is_end {
        "00:00–24:00"
    } else {
        "00:00–23:59"
    };
    let Some(value) = value else {
        return Err(error(format!("{field} is required, a time like \"09:00\"")));
    };
    let minute = wire::parse_time(value, is_end)
        .ok_or_else(|| error(format!("{field} must be a time like \"09:00\" ({range})")))?;
    if !minute.is_multiple_of(slot.get()) {
        return Err(error(format!(
            "{field} must fall on the {}-minute grid (like 09:00 or {})",
            slot.get(),
            wire::format_time(9 * 60 + slot.get())
        )));
    }
    debug_assert!(minute <= MINUTES_PER_DAY);
    Ok(minute)
}

#[cfg(test)]
mod tests;
