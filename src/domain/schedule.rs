//! The shape of an appointment's grid as the organiser chose it: zone, days
//! (dates or weekdays), daily time window and slot size. Checked part by
//! part (a request's fields are read in `requests`, with the "dates near
//! today" rule; storage's in `stored`, without it, since stored
//! appointments age), shown in one normal form ([`ScheduleView`]) and
//! stored in a versioned form of its own ([`Schedule::to_value`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::wire::{self, MINUTES_PER_DAY};
pub use super::zone::Zone;
use super::DomainError;

// How a schedule is stored and read back (`to_value`, `parse_stored`).
mod stored;

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

/// The schedule as the API shows it, in its normal form: in the view and
/// in what a page's link preview says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleView {
    /// An IANA time zone name, e.g. `Asia/Seoul`.
    #[schema(example = "Asia/Seoul")]
    pub timezone: String,
    /// The dates, sorted (`YYYY-MM-DD`), of a dates appointment.
    #[schema(nullable = false, min_items = 1, max_items = 31, example = json!(["2026-12-01", "2026-12-02"]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Vec<String>>,
    /// The weekdays, Monday first (`mon` … `sun`), of a weekdays
    /// appointment.
    #[schema(nullable = false, min_items = 1, max_items = 7, example = json!(["mon", "wed"]))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Vec<String>>,
    /// Start of each day's window, `HH:MM`.
    #[schema(example = "09:00")]
    pub start: String,
    /// End of each day's window, `HH:MM` (up to `24:00`).
    #[schema(example = "18:00")]
    pub end: String,
    /// Minutes per slot: 10, 15, 30 or 60.
    #[schema(example = 30)]
    pub slot_minutes: u32,
}

/// Which dates a schedule may name.
#[derive(Debug, Clone, Copy)]
pub enum DateRule<'a> {
    /// Any date: a stored schedule's dates drift into the past.
    Any,
    /// Those from yesterday to the same calendar date a year ahead, both
    /// taken as the calendar date of `now` in the appointment's zone, and
    /// `kept`, the dates it had before an edit, wherever they lie.
    Near {
        now: DateTime<Utc>,
        kept: &'a [NaiveDate],
    },
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
    /// The schedule of `zone` and `days` whose daily window runs from
    /// `start` to `end` (`HH:MM`, required, on the grid of `slot`), the
    /// last part of a schedule to be checked.
    pub fn from_parts(
        zone: Zone,
        days: Days,
        start: Option<&str>,
        end: Option<&str>,
        slot: SlotMinutes,
    ) -> Result<Schedule, DomainError> {
        let start_minute = parse_time_field(start, "start", false, slot)?;
        let end_minute = parse_time_field(end, "end", true, slot)?;
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

    /// The normal form the API shows: `{"timezone", "dates"|"weekdays",
    /// "start", "end", "slot_minutes"}`, dates and weekdays sorted.
    pub fn fields(&self) -> ScheduleView {
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
        ScheduleView {
            timezone: self.zone.name().to_string(),
            dates,
            weekdays,
            start: wire::format_time(self.start_minute),
            end: wire::format_time(self.end_minute),
            slot_minutes: self.slot.get(),
        }
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

impl Days {
    /// The days of a schedule in `zone`: `dates` or `weekdays`, exactly
    /// one of them, the dates as `rule` allows.
    pub fn parse(
        dates: Option<&[String]>,
        weekdays: Option<&[String]>,
        zone: Zone,
        rule: DateRule<'_>,
    ) -> Result<Days, DomainError> {
        match (dates, weekdays) {
            (Some(_), Some(_)) => Err(both_kinds_error()),
            (None, None) => Err(DomainError::InvalidDates(
                "dates (or weekdays) is required".into(),
            )),
            (Some(dates), None) => Ok(Days::Dates(parse_dates(dates, zone, rule)?)),
            (None, Some(weekdays)) => Ok(Days::Weekdays(parse_weekdays(weekdays)?)),
        }
    }

    /// The dates of a dates schedule; none for weekdays.
    pub fn dates(&self) -> &[NaiveDate] {
        match self {
            Days::Dates(dates) => dates,
            Days::Weekdays(_) => &[],
        }
    }
}

fn dates_error(message: String) -> DomainError {
    DomainError::InvalidDates(message)
}

/// A schedule given both kinds of day.
pub fn both_kinds_error() -> DomainError {
    dates_error("give either dates or weekdays, not both".into())
}

fn parse_dates(
    items: &[String],
    zone: Zone,
    rule: DateRule<'_>,
) -> Result<Vec<NaiveDate>, DomainError> {
    if items.is_empty() || items.len() > MAX_DATES {
        return Err(dates_error(format!(
            "dates must list 1–{MAX_DATES} dates (got {})",
            items.len()
        )));
    }
    // The window is measured in the appointment's zone: for a Kiritimati
    // (UTC+14) organiser "today" is often already tomorrow in UTC.
    let (window, kept) = match rule {
        DateRule::Any => (None, &[][..]),
        DateRule::Near { now, kept } => {
            let today = now.with_timezone(&zone.tz()).date_naive();
            let earliest = today.pred_opt().unwrap_or(today);
            let latest = today.checked_add_months(Months::new(12)).unwrap_or(today);
            (Some((earliest, latest)), kept)
        }
    };
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
